export * from './repository.js';
export * from './config.js';
export * from './block-file.js';
export { SCHEMA_DIR } from './schema.js';
