/**
 * The tests' own `terraform init`s (hand-written configurations, no dependency lock file)
 * run beside plans that read the same plugin cache. A CI run of main failed when such an
 * init re-installed the provider into the cache while another stack's `terraform validate`
 * read it ("there is no package for registry.terraform.io/hashicorp/aws 5.100.0 cached in
 * .terraform/providers"). Here: several rounds of lockless inits of new folders, at once,
 * while stacks initialised earlier validate, with the test helpers' configuration. Every
 * command succeeds and the cache entry is the same file throughout.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTerraform, terraformEnv, terraformOrSkip } from '../helpers/terraform.js';

const haveTerraform = terraformOrSkip();
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const CONFIG = JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.100' } } }, provider: { aws: [{ region: 'us-east-1' }] } });

/**
 * The one package entry of hashicorp/aws in the cache (with an unpacked mirror, a link to it):
 * its inode and change time tell whether an init replaced it.
 */
function cacheEntry(cache: string): string {
  const base = join(cache, 'registry.terraform.io', 'hashicorp', 'aws');
  const [version] = readdirSync(base);
  const [platform] = readdirSync(join(base, version!));
  return join(base, version!, platform!);
}

describe.skipIf(!haveTerraform)('the tests’ Terraform plugin cache', () => {
  it('is never rewritten by inits without a lock file while other folders validate', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rdns-init-race-'));
    temps.push(root);
    // Its own cache: the first init below fills it, as the first init of a test process does.
    process.env.RDNS_TF_PLUGIN_CACHE = join(root, 'cache');
    let env: Record<string, string>;
    try {
      env = terraformEnv(join(root, 'rc'));
    } finally {
      delete process.env.RDNS_TF_PLUGIN_CACHE;
    }
    const folder = (name: string): string => {
      const dir = join(root, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'main.tf.json'), CONFIG);
      return dir;
    };
    const first = folder('first');
    expect((await runTerraform(first, ['init', '-backend=false', '-input=false', '-no-color'], env)).status).toBe(0);
    const entry = cacheEntry(env.TF_PLUGIN_CACHE_DIR!);
    const identity = (): string => {
      const s = lstatSync(entry, { bigint: true });
      return `inode ${s.ino}, changed ${s.ctimeNs}`;
    };
    const before = identity();
    const ready = [first];
    const failures: string[] = [];
    for (let round = 0; round < 3; round++) {
      const fresh = [0, 1, 2].map((i) => folder(`r${round}-${i}`));
      const results = await Promise.all([
        ...fresh.map(async (dir) => ({ dir, what: 'init', r: await runTerraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], env) })),
        ...ready.slice(-2).map(async (dir) => ({ dir, what: 'validate', r: await runTerraform(dir, ['validate', '-no-color'], env) })),
      ]);
      for (const { dir, what, r } of results) if (r.status !== 0) failures.push(`${what} in ${dir}: ${r.stderr}`);
      ready.push(...fresh);
    }
    expect(failures).toEqual([]);
    expect(identity()).toBe(before);
  }, 900_000);
});
