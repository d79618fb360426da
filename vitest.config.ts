import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { snapshotUpdate } from './test/helpers/require-tool.js';
import { TerraformFirstSequencer } from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards only: no test depends on how busy the machine is.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One test file more than there are cores (3 on 2 cores): files that mostly wait (Terraform
    // applies, BIND, Chromium) overlap with the ones that compute. vitest's default leaves a core idle.
    maxWorkers: availableParallelism() + 1,
    // The Terraform files (the critical path) start first, also in a fresh clone without vitest's cache.
    sequence: { sequencer: TerraformFirstSequencer },
    // Builds dist/ when stale, refuses to rewrite expectations under CI, owns the run's temp folder.
    globalSetup: ['test/helpers/global-setup.ts'],
    // Each file's own TMPDIR, removed after it.
    setupFiles: ['test/helpers/file-setup.ts'],
    // Under CI a missing snapshot fails (never written); CI=false is a local run (vitest alone would count it as CI).
    update: snapshotUpdate(),
  },
});
