/**
 * The Terraform setup shared by the test files that run `rdns plan` / `rdns apply` against the
 * Route 53 stand-in (test/terraform/layout.test.ts, plan-apply.test.ts, …):
 *
 * - {@link useTerraform}: per file (beforeAll/afterAll) a folder with the CLI configuration
 *   (provider from the mirror, the shared plugin cache) and the environment to run with; and
 *   per test a stand-in of its own ({@link TerraformFixture.route53}), so the tests of a file
 *   can run at once (`describe(…, { concurrent: true })`) without sharing a stand-in's records,
 *   request log or throttling. Most of an apply's wall time is hashicorp/aws waiting 10–30 s
 *   before it polls a change: tests that wait side by side finish in the time of the longest.
 * - {@link rdnsAsync}: the built CLI as a child process without blocking this one (the stand-in
 *   answers from this process), several at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { spawnCli, type CliResult } from './cli.js';
import { startFakeRoute53, type FakeRoute53, type FakeRoute53Options } from './fake-route53.js';
import { terraformEnv } from './terraform.js';

export interface TerraformFixture {
  /** The file's folder (terraform.rc is in it); removed after the file. */
  readonly dir: string;
  /** TF_CLI_CONFIG_FILE, TF_PLUGIN_CACHE_DIR, … (see terraformEnv). */
  readonly env: Record<string, string>;
  /** A Route 53 stand-in of the calling test's own, closed after the file. */
  route53(options?: FakeRoute53Options): Promise<FakeRoute53>;
}

/** Registers the file's Terraform setup (call at the top of a describe; read `dir` and `env` inside tests). */
export function useTerraform(prefix = 'rdns-tf-'): TerraformFixture {
  let dir: string | undefined;
  let env: Record<string, string> | undefined;
  const fakes: FakeRoute53[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    env = terraformEnv(dir);
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      if (!dir) throw new Error('useTerraform: dir is set in beforeAll');
      return dir;
    },
    get env() {
      if (!env) throw new Error('useTerraform: env is set in beforeAll');
      return env;
    },
    async route53(options?: FakeRoute53Options) {
      const fake = await startFakeRoute53(options);
      fakes.push(fake);
      return fake;
    },
  };
}

/** `rdns ARGS` in `cwd` as a real process (the built CLI) with `env` added, asynchronously; a 15-minute hang guard. */
export function rdnsAsync(cwd: string, env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return spawnCli(args, { cwd, env, timeoutMs: 900_000 });
}
