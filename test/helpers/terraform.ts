/**
 * Running the real Terraform CLI in tests, offline: the hashicorp/aws provider comes from
 * a filesystem mirror on this machine (nothing is downloaded), and one plugin cache is
 * shared by every test so a provider is unpacked once. Tests that need Terraform call
 * {@link terraformOrSkip}: outside CI a missing terraform or mirror skips with a loud
 * notice; under CI it fails (require-tool.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { withPluginCacheLock } from '../../src/terraform/run-stacks.js';
import { toolOrSkip } from './require-tool.js';

/** The provider the tests use, and the one the mirror must hold. */
export const AWS_PROVIDER_SOURCE = 'registry.terraform.io/hashicorp/aws';

/** Where a filesystem mirror is looked for when RDNS_TF_MIRROR is not set (in this order). */
export const MIRROR_CANDIDATES: readonly string[] = [
  '/opt/tf-plugins',
  join(homedir(), '.terraform.d', 'plugins'),
  join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'terraform', 'plugins'),
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
];

/** Versions of hashicorp/aws in a mirror directory (unpacked or packed layout), newest first. */
export function mirroredAwsVersions(mirror: string): string[] {
  const dir = join(mirror, AWS_PROVIDER_SOURCE);
  if (!existsSync(dir)) return [];
  const versions = new Set<string>();
  for (const entry of readdirSync(dir)) {
    // Unpacked: aws/5.100.0/linux_amd64/…; packed: aws/terraform-provider-aws_5.100.0_linux_amd64.zip
    const packed = /^terraform-provider-aws_(\d+\.\d+\.\d+[^_]*)_linux_amd64\.zip$/.exec(entry);
    if (packed) versions.add(packed[1]!);
    else if (/^\d+\.\d+\.\d+/.test(entry) && existsSync(join(dir, entry, 'linux_amd64'))) versions.add(entry);
  }
  const key = (v: string) => v.split(/[.-]/).map((p) => p.padStart(8, '0')).join('.');
  return [...versions].sort((a, b) => key(b).localeCompare(key(a)));
}

/**
 * The filesystem mirror holding hashicorp/aws: RDNS_TF_MIRROR when set (even if it holds no
 * provider, so a wrong setting is not silently replaced), else the first of
 * {@link MIRROR_CANDIDATES} that holds one; undefined when there is none.
 */
export function providerMirror(): string | undefined {
  const explicit = process.env.RDNS_TF_MIRROR;
  if (explicit) return mirroredAwsVersions(explicit).length > 0 ? explicit : undefined;
  return MIRROR_CANDIDATES.find((dir) => mirroredAwsVersions(dir).length > 0);
}

/** The terraform executable (RDNS_TERRAFORM, else `terraform` on PATH) when it runs; else undefined. */
export function terraformPath(): string | undefined {
  const candidates = process.env.RDNS_TERRAFORM
    ? [process.env.RDNS_TERRAFORM]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'terraform'));
  return candidates.find((p) => existsSync(p) && spawnSync(p, ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' }, timeout: 20_000 }).status === 0);
}

/** True when Terraform and the provider mirror are here; otherwise a loud skip notice (or a failure under CI=true). */
export function terraformOrSkip(): boolean {
  const missing: string[] = [];
  if (!terraformPath()) missing.push('the terraform CLI (>= 1.5; https://developer.hashicorp.com/terraform/install, or set RDNS_TERRAFORM)');
  if (!providerMirror())
    missing.push(
      `a filesystem mirror of ${AWS_PROVIDER_SOURCE} (e.g. \`terraform providers mirror /opt/tf-plugins\` in a directory whose configuration requires hashicorp/aws ~> 5.100, run once with network access; or set RDNS_TF_MIRROR to a mirror directory)`,
    );
  return toolOrSkip(missing.length === 0 ? undefined : `Terraform tests are SKIPPED: missing ${missing.join(' and ')}.`);
}

/**
 * The plugin cache of this test process (RDNS_TF_PLUGIN_CACHE, else under the OS temp
 * directory, one per process): Terraform's plugin cache is not safe for concurrent inits, and
 * test files run in parallel processes ("after installing … it is still not detected" in CI).
 */
export function sharedPluginCacheDir(): string {
  const dir = process.env.RDNS_TF_PLUGIN_CACHE ?? join(tmpdir(), `rdns-terraform-plugin-cache-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A `terraform init` without a dependency lock file (the tests' own inits of hand-written
 * configurations) re-installs the provider into the plugin cache by default, replacing the
 * cache entry under any plan that is reading it at that moment ("there is no package for
 * registry.terraform.io/hashicorp/aws 5.100.0 cached in .terraform/providers": a CI run of
 * main failed that way in synth-validate.test.ts). With this setting an init links the
 * cached package when the cache has it and never rewrites it; only the first init of a
 * process writes the cache, under the init lock. (rdns itself never inits without a lock
 * file once the cache is filled: see initStack in src/terraform/run-stacks.ts.)
 */
export const CACHE_READ_ONLY_ONCE_FILLED = { TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true' } as const;

/**
 * Writes `<dir>/terraform.rc` (provider installation from the mirror only, shared plugin
 * cache) and returns the environment variables to run terraform with. Throws when there is
 * no mirror (call {@link terraformOrSkip} first).
 */
export function terraformEnv(dir: string): Record<string, string> {
  const mirror = providerMirror();
  if (!mirror) throw new Error('no provider mirror found (see terraformOrSkip)');
  const cache = sharedPluginCacheDir();
  mkdirSync(dir, { recursive: true });
  const rc = join(dir, 'terraform.rc');
  writeFileSync(
    rc,
    `plugin_cache_dir = ${JSON.stringify(cache)}
plugin_cache_may_break_dependency_lock_file = true
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = [${JSON.stringify(AWS_PROVIDER_SOURCE)}]
  }
}
`,
  );
  return { TF_CLI_CONFIG_FILE: rc, TF_PLUGIN_CACHE_DIR: cache, ...CACHE_READ_ONLY_ONCE_FILLED, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
}

export interface TerraformResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/**
 * Runs `terraform ARGS` in `cwd` with `env` added to the process environment (use
 * {@link terraformEnv}), without a shell; resolves with its exit status and output (it
 * never rejects on a non-zero exit). Killed after `timeoutMs` (default 10 minutes). An
 * `init` waits for the plugin-cache lock that `rdns plan` takes too, so tests that run
 * Terraform themselves beside rdns never race in the shared cache.
 */
export function runTerraform(cwd: string, args: readonly string[], env: Record<string, string>, timeoutMs = 600_000): Promise<TerraformResult> {
  // Terraform's plugin cache is not safe for concurrent inits: take the lock rdns takes.
  if (args[0] === 'init') return withPluginCacheLock(env.TF_PLUGIN_CACHE_DIR, () => spawnTerraform(cwd, args, env, timeoutMs));
  return spawnTerraform(cwd, args, env, timeoutMs);
}

function spawnTerraform(cwd: string, args: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<TerraformResult> {
  const bin = terraformPath();
  if (!bin) return Promise.reject(new Error('terraform is not installed (see terraformOrSkip)'));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}
