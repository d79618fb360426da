/**
 * Why `terraform init` found no hashicorp/aws to install, in rdns terms. Offline (a
 * filesystem mirror, a plugin cache) a constraint like the default `~> 6.0` matches nothing
 * when the mirror holds 5.100, and Terraform says only "no available releases match the
 * given constraints". This names the setting that holds the constraint
 * (`route53.provider_version` in rdns.yaml) and the versions that are installed where
 * Terraform looks: the CLI configuration's filesystem mirrors, its implied local mirror
 * folders, and the plugin cache.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const AWS = 'registry.terraform.io/hashicorp/aws';
const NO_MATCH = /no available releases match the given constraints ([^\n]*)/;

export interface InstalledProvider {
  readonly version: string;
  /** The folder it was found in, and what Terraform uses it as. */
  readonly folder: string;
  readonly kind: 'filesystem mirror' | 'implied local mirror' | 'plugin cache';
}

/** Versions of hashicorp/aws in a mirror or cache folder (unpacked `<version>/<os_arch>/` or packed `terraform-provider-aws_<version>_<os_arch>.zip`). */
export function awsVersionsIn(folder: string): string[] {
  const dir = join(folder, AWS);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const versions = new Set<string>();
  for (const e of entries) {
    const packed = /^terraform-provider-aws_(\d+\.\d+\.\d+[^_]*)_[a-z0-9]+_[a-z0-9]+\.zip$/.exec(e);
    if (packed) versions.add(packed[1]!);
    else if (/^\d+\.\d+\.\d+/.test(e)) versions.add(e);
  }
  return [...versions];
}

/** Where Terraform looks for providers without a registry, from its environment (TF_CLI_CONFIG_FILE or ~/.terraformrc, XDG folders, TF_PLUGIN_CACHE_DIR). */
export function providerFolders(env: Readonly<Record<string, string | undefined>>, cwd: string): { folder: string; kind: InstalledProvider['kind'] }[] {
  const out: { folder: string; kind: InstalledProvider['kind'] }[] = [];
  const home = env.HOME ?? '';
  const rcPath = env.TF_CLI_CONFIG_FILE || (home ? join(home, '.terraformrc') : '');
  let rc = '';
  try {
    rc = rcPath ? readFileSync(rcPath, 'utf8') : '';
  } catch {
    // no CLI configuration: the implied folders only
  }
  for (const m of rc.matchAll(/filesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/g)) out.push({ folder: m[1]!, kind: 'filesystem mirror' });
  const implied = [
    join(cwd, 'terraform.d', 'plugins'),
    ...(home ? [join(home, '.terraform.d', 'plugins')] : []),
    join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'terraform', 'plugins'),
    ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean).map((d) => join(d, 'terraform', 'plugins')),
  ];
  for (const folder of implied) out.push({ folder, kind: 'implied local mirror' });
  const cache = env.TF_PLUGIN_CACHE_DIR || /\bplugin_cache_dir\s*=\s*"([^"]+)"/.exec(rc)?.[1];
  if (cache) out.push({ folder: cache, kind: 'plugin cache' });
  return out;
}

/** Every hashicorp/aws version installed where Terraform looks, newest first. */
export function installedAwsProviders(env: Readonly<Record<string, string | undefined>>, cwd: string): InstalledProvider[] {
  const seen = new Set<string>();
  const found: InstalledProvider[] = [];
  for (const { folder, kind } of providerFolders(env, cwd)) {
    if (seen.has(folder) || !existsSync(folder)) continue;
    seen.add(folder);
    for (const version of awsVersionsIn(folder)) found.push({ version, folder, kind });
  }
  const key = (v: string) => v.split(/[.-]/).map((p) => p.padStart(8, '0')).join('.');
  return found.sort((a, b) => key(b.version).localeCompare(key(a.version)));
}

/** `5.100.0` → `~> 5.100`: the constraint that accepts this version and its later patches and minors of the same major. */
const constraintFor = (version: string): string => `~> ${version.split('.').slice(0, 2).join('.')}`;

/**
 * The explanation for an init message that says no hashicorp/aws release matches the
 * constraint, or undefined for any other message.
 */
export function explainNoMatchingProvider(initMessage: string, env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const m = NO_MATCH.exec(initMessage);
  if (!m || !/hashicorp\/aws/.test(initMessage)) return undefined;
  const constraint = m[1]!.trim();
  const installed = installedAwsProviders(env, cwd);
  const lines = [`hashicorp/aws ${constraint} (route53.provider_version in rdns.yaml; default ~> 6.0) matches no version Terraform can install here.`];
  if (installed.length > 0) {
    lines.push(`Installed: ${installed.map((p) => `${p.version} (${p.kind} ${p.folder})`).join(', ')}.`);
    lines.push(`To plan with it, set in rdns.yaml:  route53: { provider_version: "${constraintFor(installed[0]!.version)}" }  — or let Terraform reach registry.terraform.io (or a mirror holding a version that matches ${constraint}).`);
  } else {
    lines.push('No hashicorp/aws is installed in a filesystem mirror, an implied local mirror folder or the plugin cache, and the registry did not offer a match.');
    lines.push('Let Terraform reach registry.terraform.io, or fill a mirror (`terraform providers mirror DIR` where the registry is reachable) and name it in the Terraform CLI configuration (TF_CLI_CONFIG_FILE).');
  }
  return lines.join('\n');
}
