export * from './compute-change-set.js';
export * from './diff-revisions.js';
export * from './format-change-set.js';
