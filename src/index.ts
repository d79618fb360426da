/**
 * The library API of rdns-gitops, for provisioning code and other tools:
 * the core model and the repository loader. (Editing and PR helpers are added here
 * as they land.)
 */
export * from './core/index.js';
export * from './loader/index.js';
// Changing PTRs from code: setPtr / resetPtr / applyBulk (see src/edit/api.ts).
export * from './edit/index.js';
