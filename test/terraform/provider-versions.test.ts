import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsVersionsIn, explainNoMatchingProvider, installedAwsProviders } from '../../src/terraform/provider-versions.js';

const root = mkdtempSync(join(tmpdir(), 'rdns-provider-versions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder in Terraform's mirror layout holding hashicorp/aws `versions` (unpacked, or packed as .zip). */
function mirror(name: string, versions: string[], packed = false): string {
  const dir = join(root, name);
  const aws = join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
  mkdirSync(aws, { recursive: true });
  for (const v of versions) {
    if (packed) writeFileSync(join(aws, `terraform-provider-aws_${v}_linux_amd64.zip`), '');
    else mkdirSync(join(aws, v, 'linux_amd64'), { recursive: true });
  }
  return dir;
}

const TERRAFORM_SAYS = `Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider hashicorp/aws:
no available releases match the given constraints ~> 6.0`;

describe('installed hashicorp/aws versions where Terraform looks', () => {
  it('reads unpacked and packed mirror layouts', () => {
    expect(awsVersionsIn(mirror('unpacked', ['5.100.0', '5.99.1']))).toEqual(expect.arrayContaining(['5.100.0', '5.99.1']));
    expect(awsVersionsIn(mirror('packed', ['6.2.0'], true))).toEqual(['6.2.0']);
    expect(awsVersionsIn(join(root, 'nothing-here'))).toEqual([]);
  });

  it('finds the CLI configuration\'s filesystem mirrors, the implied folders and the plugin cache, newest first', () => {
    const m = mirror('opt-plugins', ['5.100.0']);
    const home = join(root, 'home');
    mirror(join('home', '.terraform.d', 'plugins'), ['5.90.0']);
    const cache = mirror('cache', ['5.95.0']);
    const rc = join(root, 'terraform.rc');
    writeFileSync(rc, `plugin_cache_dir = "/nowhere"\nprovider_installation {\n  filesystem_mirror {\n    path    = "${m}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
    const found = installedAwsProviders({ HOME: home, TF_CLI_CONFIG_FILE: rc, TF_PLUGIN_CACHE_DIR: cache, XDG_DATA_DIRS: join(root, 'none') }, join(root, 'stack'));
    expect(found.map((p) => `${p.version} ${p.kind} ${p.folder}`)).toEqual([
      `5.100.0 filesystem mirror ${m}`,
      `5.95.0 plugin cache ${cache}`,
      `5.90.0 implied local mirror ${join(home, '.terraform.d', 'plugins')}`,
    ]);
  });
});

describe('explainNoMatchingProvider', () => {
  it('names route53.provider_version, the constraint, what is installed and the setting that would work', () => {
    const m = mirror('only-5', ['5.100.0']);
    const rc = join(root, 'only-5.rc');
    writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${m}"\n  }\n}\n`);
    expect(explainNoMatchingProvider(TERRAFORM_SAYS, { HOME: join(root, 'nohome'), TF_CLI_CONFIG_FILE: rc, XDG_DATA_DIRS: join(root, 'none') }, root)).toBe(
      [
        'hashicorp/aws ~> 6.0 (route53.provider_version in rdns.yaml; default ~> 6.0) matches no version Terraform can install here.',
        `Installed: 5.100.0 (filesystem mirror ${m}).`,
        'To plan with it, set in rdns.yaml:  route53: { provider_version: "~> 5.100" }  — or let Terraform reach registry.terraform.io (or a mirror holding a version that matches ~> 6.0).',
      ].join('\n'),
    );
  });

  it('says how to get a provider when none is installed anywhere', () => {
    const text = explainNoMatchingProvider(TERRAFORM_SAYS, { HOME: join(root, 'nohome'), TF_CLI_CONFIG_FILE: join(root, 'missing.rc'), XDG_DATA_DIRS: join(root, 'none') }, root)!;
    expect(text.split('\n')[1]).toBe('No hashicorp/aws is installed in a filesystem mirror, an implied local mirror folder or the plugin cache, and the registry did not offer a match.');
    expect(text).toContain('terraform providers mirror DIR');
  });

  it('leaves every other init failure to Terraform\'s own words', () => {
    expect(explainNoMatchingProvider('Error: Failed to query available provider packages\ncould not connect to registry.terraform.io', {}, root)).toBeUndefined();
    expect(explainNoMatchingProvider('no available releases match the given constraints >= 1.0 for provider hashicorp/random', {}, root)).toBeUndefined();
  });
});
