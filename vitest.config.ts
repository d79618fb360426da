import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Local Terraform state of the tests' repositories (one folder per checkout), never the user's ~/.local/state/rdns.
    env: { RDNS_STATE_HOME: join(tmpdir(), 'rdns-test-state') },
  },
});
