export * from './changed-files.js';
export * from './read-files.js';
export * from './revisions.js';
export * from './load-revisions.js';
export { gitTopLevel } from './git-client.js';
