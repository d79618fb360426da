/**
 * rdns.yaml: repository settings. Optional; every setting has a default, so a
 * repository with only zones/ works.
 */
import { diag, type Diagnostic, type SourcePos } from '../core/diagnostics.js';
import { teamMembersOf, type AllowRule, type BackendSettings, type Config, type ZoneOptions } from '../core/model.js';
import { canonicalName, normalizeHostname } from '../core/hostname.js';
import { formatPrefix, parsePrefix } from '../core/ip.js';
import { decodeUtf8, parseYamlSource } from './yaml-source.js';
import { validateSchema } from './schema.js';
import { RepoFiles } from './repo-file.js';
import { compileLinear } from '../policy/linear-pattern.js';
import { isValidOwner } from '../policy/owners.js';

/**
 * Built-in hostname deny list: names that receivers' spam filters read as
 * dynamic, residential or bulk-mail infrastructure. Applies to explicit records
 * (a block's `default` generic names are exempt).
 */
export const DEFAULT_DENY: readonly { readonly source: string; readonly why: string; readonly rule: string }[] = [
  {
    rule: 'built-in "dynamic-words"',
    source: '(^|[.-])(dyn|dynamic|dhcp|pool|dsl|adsl|vdsl|xdsl|cable|dial-?up|ppp|pppoe|broadband|residential|cpe|client|unassigned|unknown|generic)([.-]|\\d|$)',
    why: 'a word that marks dynamic or residential address space',
  },
  { rule: 'built-in "embedded-ip"', source: '\\d{1,3}[.-]\\d{1,3}[.-]\\d{1,3}[.-]\\d{1,3}', why: 'an embedded IP address, the mark of a generic name (use the block default instead)' },
  { rule: 'built-in "bulk-mail"', source: '(^|[.-])(spam|bulk-?mail|mass-?mail|blast)([.-]|\\d|$)', why: 'a bulk-mail word' },
  { rule: 'built-in "localhost"', source: '^localhost\\.', why: 'localhost' },
];

export const DEFAULT_CONFIG: Config = {
  owners: [],
  defaultTtl: 3600,
  boundaries: { ipv4: 24, ipv6: 48 },
  maxRecordsPerZone: 10_000,
  maxZonesPerBlock: 256,
  maxFileBytes: 32 * 1024 * 1024,
  ttl: { min: 60, max: 86_400 },
  deny: DEFAULT_DENY.map((d) => ({ ...d })),
  allow: [],
  routed: [],
  guards: { maxChangedRecords: 500, maxDeletePercent: 20, label: 'rdns/bulk-approved' },
  bulkMaxLines: 500,
  region: 'us-east-1',
  providerVersion: '~> 6.0',
  zones: {},
  backend: { type: 'local' },
  teams: {},
};

export const CONFIG_FILE = 'rdns.yaml';
/** rdns.yaml is read before limits.max_file_bytes is known: it has a fixed bound of its own. */
export const CONFIG_MAX_BYTES = 1024 * 1024;

interface RawConfig {
  owners?: string[];
  routed?: string[];
  defaults?: { ttl?: number };
  zones?: { ipv4_boundary?: 8 | 16 | 24; ipv6_boundary?: number; max_records?: number; max_zones_per_block?: number };
  limits?: { max_file_bytes?: number };
  policy?: { ttl?: { min?: number; max?: number }; deny?: string[]; deny_extra?: string[]; allow?: (string | { name?: string; pattern?: string; note?: string })[] };
  guards?: { max_changed_records?: number; max_delete_percent?: number; label?: string };
  bulk?: { max_lines?: number };
  route53?: { region?: string; provider_version?: string; endpoint?: string; zones?: Record<string, { zone_id?: string; mode?: ZoneOptions['mode'] }> };
  backend?: { type: 'local'; path?: string } | { type: 's3'; bucket: string; key?: string; region?: string; use_lockfile?: boolean; dynamodb_table?: string; encrypt?: boolean };
  github?: { api_url?: string };
  teams?: Record<string, string[]>;
}

/** A zone named under route53.zones in rdns.yaml, and where. */
export interface ConfigZoneKey {
  readonly name: string;
  readonly canonical: string;
  readonly pos: SourcePos;
}

export interface ParsedConfig {
  readonly config: Config;
  readonly diagnostics: Diagnostic[];
  /** The zone names of route53.zones with their positions (checked against the blocks by the loader). */
  readonly zoneKeys?: readonly ConfigZoneKey[];
}

/** Reads rdns.yaml from the repository root (defaults when absent). */
export function loadConfig(root: string): ParsedConfig {
  // rdns.yaml is as untrusted as a block file: a regular file inside the repository, of bounded size.
  const r = new RepoFiles(root).read(CONFIG_FILE, CONFIG_MAX_BYTES, CONFIG_FILE);
  if (r.ok) return parseConfig(r.bytes, CONFIG_FILE);
  return { config: DEFAULT_CONFIG, diagnostics: r.missing ? [] : [r.diagnostic] };
}

/** Parses rdns.yaml content; invalid settings are reported and fall back to defaults. */
export function parseConfig(bytes: Uint8Array, file: string): ParsedConfig {
  const decoded = decodeUtf8(bytes, file);
  if ('error' in decoded) return { config: DEFAULT_CONFIG, diagnostics: [decoded.error] };
  const source = parseYamlSource(decoded.text, file);
  const diagnostics = [...source.diagnostics];
  if (source.data === undefined || diagnostics.length > 0) return { config: DEFAULT_CONFIG, diagnostics };
  const schemaErrors = validateSchema('config', source);
  if (schemaErrors.length > 0) return { config: DEFAULT_CONFIG, diagnostics: schemaErrors };
  const raw = (source.data ?? {}) as RawConfig;
  const d = DEFAULT_CONFIG;

  const patterns = (list: string[], key: string): Config['deny'] =>
    list.flatMap((text, i) => {
      // rdns.yaml is pull-request input: patterns must run in linear time (RE2), whatever they say.
      const c = compileLinear(text);
      if (c.ok) return [{ source: text, rule: `policy.${key}[${i}]` }];
      diagnostics.push(diag('config.invalid', `policy.${key}[${i}] cannot be used as a deny pattern: ${c.reason}`, source.valuePos(['policy', key, i]), { value: text }));
      return [];
    });
  const deny = [...(raw.policy?.deny ? patterns(raw.policy.deny, 'deny') : d.deny), ...patterns(raw.policy?.deny_extra ?? [], 'deny_extra')];
  const allow = (raw.policy?.allow ?? []).flatMap((entry, i): AllowRule[] => {
    const rule = `policy.allow[${i}]`;
    const name = typeof entry === 'string' ? entry : entry.name;
    if (name !== undefined) {
      const h = normalizeHostname(name);
      if (h.ok) return [{ name: h.value, rule }];
      diagnostics.push(diag('config.invalid', `${rule} "${name}" is not a hostname: ${h.reason}`, source.valuePos(typeof entry === 'string' ? ['policy', 'allow', i] : ['policy', 'allow', i, 'name']), { value: name }));
      return [];
    }
    const pattern = typeof entry === 'string' ? undefined : entry.pattern;
    if (pattern === undefined) return [];
    // Matched against the whole name: an exception is as narrow as it is written.
    const c = compileLinear(`^(?:${pattern})$`);
    if (c.ok) return [{ pattern, rule }];
    diagnostics.push(diag('config.invalid', `${rule}.pattern cannot be used: ${c.reason}`, source.valuePos(['policy', 'allow', i, 'pattern']), { value: pattern }));
    return [];
  });
  const routed = (raw.routed ?? []).flatMap((text, i) => {
    const pos = source.valuePos(['routed', i]);
    const p = parsePrefix(text);
    if (p.ok) return [{ prefix: formatPrefix(p.value), pos }];
    diagnostics.push(diag('config.invalid', `routed[${i}]: ${p.reason}`, pos, { value: text }));
    return [];
  });
  const ttl = { min: raw.policy?.ttl?.min ?? d.ttl.min, max: raw.policy?.ttl?.max ?? d.ttl.max };
  if (ttl.min > ttl.max) diagnostics.push(diag('config.invalid', `policy.ttl.min (${ttl.min}) is greater than policy.ttl.max (${ttl.max})`, source.valuePos(['policy', 'ttl'])));
  else {
    // Every record without a TTL of its own (and every generic name) gets defaults.ttl: it must be allowed too.
    const defaultTtl = raw.defaults?.ttl ?? d.defaultTtl;
    if (defaultTtl < ttl.min || defaultTtl > ttl.max) {
      const at = raw.defaults?.ttl !== undefined ? source.valuePos(['defaults', 'ttl']) : source.valuePos(['policy', 'ttl']);
      diagnostics.push(diag('config.invalid', `defaults.ttl ${defaultTtl}${raw.defaults?.ttl === undefined ? ' (the default)' : ''} is outside policy.ttl ${ttl.min}–${ttl.max}; records without a TTL of their own would get it`, at, { value: String(defaultTtl) }));
    }
  }

  const owners = (raw.owners ?? []).filter((o, i) => {
    if (isValidOwner(o)) return true;
    diagnostics.push(diag('config.invalid', `owners[${i}] "${o}" is not a GitHub user (@user) or team (@org/team)`, source.valuePos(['owners', i]), { value: o }));
    return false;
  });

  const zones: Record<string, ZoneOptions> = {};
  const zoneKeys: ConfigZoneKey[] = [];
  for (const [name, o] of Object.entries(raw.route53?.zones ?? {})) {
    zones[canonicalZoneName(name)] = { zoneId: o.zone_id, mode: o.mode };
    zoneKeys.push({ name, canonical: canonicalZoneName(name), pos: source.keyPos(['route53', 'zones', name]) });
  }

  let backend: BackendSettings = d.backend;
  if (raw.backend?.type === 's3') {
    backend = {
      type: 's3',
      bucket: raw.backend.bucket,
      key: raw.backend.key,
      region: raw.backend.region,
      dynamodbTable: raw.backend.dynamodb_table,
      useLockfile: raw.backend.use_lockfile ?? true,
      encrypt: raw.backend.encrypt ?? true,
    };
  } else if (raw.backend?.type === 'local') {
    const path = raw.backend.path;
    const problem = path === undefined ? undefined : localStateProblem(path);
    if (problem) diagnostics.push(diag('config.invalid', `backend.path ${JSON.stringify(path)} ${problem}`, source.valuePos(['backend', 'path']), { value: path }));
    else backend = { type: 'local', path };
  }

  const config: Config = {
    owners,
    defaultTtl: raw.defaults?.ttl ?? d.defaultTtl,
    boundaries: { ipv4: raw.zones?.ipv4_boundary ?? d.boundaries.ipv4, ipv6: raw.zones?.ipv6_boundary ?? d.boundaries.ipv6 },
    maxRecordsPerZone: raw.zones?.max_records ?? d.maxRecordsPerZone,
    maxZonesPerBlock: raw.zones?.max_zones_per_block ?? d.maxZonesPerBlock,
    maxFileBytes: raw.limits?.max_file_bytes ?? d.maxFileBytes,
    ttl,
    deny,
    allow,
    routed,
    guards: {
      maxChangedRecords: raw.guards?.max_changed_records ?? d.guards.maxChangedRecords,
      maxDeletePercent: raw.guards?.max_delete_percent ?? d.guards.maxDeletePercent,
      label: raw.guards?.label ?? d.guards.label,
    },
    bulkMaxLines: raw.bulk?.max_lines ?? d.bulkMaxLines,
    region: raw.route53?.region ?? d.region,
    providerVersion: raw.route53?.provider_version ?? d.providerVersion,
    ...(raw.route53?.endpoint ? { endpoint: raw.route53.endpoint } : {}),
    zones,
    backend,
    githubApiUrl: raw.github?.api_url,
    teams: teamMembersOf(raw.teams),
  };
  return { config, diagnostics, zoneKeys };
}

/** Zone names are compared lower case with a trailing dot. */
export const canonicalZoneName = (name: string): string => canonicalName(name.trim());

/**
 * Local Terraform state must stay in the repository and out of the synth output, which
 * every synth replaces: a state file deleted there makes the next apply create every zone
 * again.
 */
function localStateProblem(path: string): string | undefined {
  // State in the checkout could come from a pull request: Terraform would install and run the providers it names.
  if (!path.startsWith('/') || path.split('/').includes('..')) return 'must be an absolute folder outside the repository (without ".."): state in the checkout could come from a pull request';
  return undefined;
}

/** The parsed content of rdns.yaml bytes as plain data (undefined when it does not parse): for comparing two revisions. */
export function configData(bytes: Uint8Array | undefined): unknown {
  if (!bytes) return {};
  const decoded = decodeUtf8(bytes, CONFIG_FILE);
  if ('error' in decoded) return undefined;
  const source = parseYamlSource(decoded.text, CONFIG_FILE);
  return source.diagnostics.some((d) => d.severity === 'error') ? undefined : (source.data ?? {});
}
