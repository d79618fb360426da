export * from './ip.js';
export * from './reverse.js';
export * from './hostname.js';
export * from './template.js';
export * from './diagnostics.js';
export * from './model.js';
export * from './zone-plan.js';
export * from './errors.js';
