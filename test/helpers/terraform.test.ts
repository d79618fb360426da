import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirroredAwsVersions, providerMirror, terraformEnv, terraformOrSkip } from './terraform.js';

describe('test harness: offline Terraform settings', () => {
  let dir: string;
  const saved = { mirror: process.env.RDNS_TF_MIRROR, ci: process.env.CI, cache: process.env.RDNS_TF_PLUGIN_CACHE };
  const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rdns-tf-helper-'));
  });
  afterEach(() => {
    restore('RDNS_TF_MIRROR', saved.mirror);
    restore('CI', saved.ci);
    restore('RDNS_TF_PLUGIN_CACHE', saved.cache);
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const makeMirror = () => {
    const mirror = join(dir, 'mirror');
    const aws = join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
    mkdirSync(join(aws, '5.100.0', 'linux_amd64'), { recursive: true });
    writeFileSync(join(aws, 'terraform-provider-aws_5.99.1_linux_amd64.zip'), '');
    mkdirSync(join(aws, 'not-a-version'));
    return mirror;
  };

  it('finds the aws provider versions of a mirror in the unpacked and the packed layout, newest first', () => {
    expect(mirroredAwsVersions(makeMirror())).toEqual(['5.100.0', '5.99.1']);
    expect(mirroredAwsVersions(join(dir, 'nothing-here'))).toEqual([]);
  });

  it('uses RDNS_TF_MIRROR when set, and reports no mirror when that directory holds no provider', () => {
    process.env.RDNS_TF_MIRROR = makeMirror();
    expect(providerMirror()).toBe(process.env.RDNS_TF_MIRROR);
    process.env.RDNS_TF_MIRROR = join(dir, 'empty');
    expect(providerMirror()).toBeUndefined();
  });

  it('skips loudly without a mirror, and fails instead under CI=true', () => {
    process.env.RDNS_TF_MIRROR = join(dir, 'empty');
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(terraformOrSkip()).toBe(false);
    expect(warn.mock.calls[0]?.[0]).toContain('Terraform tests are SKIPPED: missing');
    expect(warn.mock.calls[0]?.[0]).toContain('filesystem mirror of registry.terraform.io/hashicorp/aws');
    process.env.CI = 'true';
    expect(() => terraformOrSkip()).toThrow(/Terraform tests are SKIPPED: missing .*under CI a missing tool is a failure, not a skip/);
  });

  it('writes a CLI config that installs hashicorp/aws only from the mirror, with a shared plugin cache', () => {
    process.env.RDNS_TF_MIRROR = makeMirror();
    process.env.RDNS_TF_PLUGIN_CACHE = join(dir, 'cache');
    const env = terraformEnv(join(dir, 'work'));
    expect(env).toEqual({
      TF_CLI_CONFIG_FILE: join(dir, 'work', 'terraform.rc'),
      TF_PLUGIN_CACHE_DIR: join(dir, 'cache'),
      TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
    });
    const rc = readFileSync(env.TF_CLI_CONFIG_FILE!, 'utf8');
    expect(rc).toContain(`plugin_cache_dir = ${JSON.stringify(join(dir, 'cache'))}`);
    expect(rc).toContain('plugin_cache_may_break_dependency_lock_file = true'); // a lockless init never rewrites the filled cache
    expect(rc).toMatch(/provider_installation \{\s+filesystem_mirror \{\s+path\s+= "[^"]+\/mirror"\s+include = \["registry.terraform.io\/hashicorp\/aws"\]/);
    expect(rc).not.toContain('direct'); // nothing may be downloaded
  });
});
