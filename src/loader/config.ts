/**
 * rdns.yaml: repository settings. Optional; every setting has a default, so a
 * repository with only zones/ works.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { BackendSettings, Config, ZoneOptions } from '../core/model.js';
import { decodeUtf8, parseYamlSource } from './yaml-source.js';
import { validateSchema } from './schema.js';

/**
 * Built-in hostname deny list: names that receivers' spam filters read as
 * dynamic, residential or bulk-mail infrastructure. Applies to explicit records
 * (a block's `default` generic names are exempt).
 */
export const DEFAULT_DENY: readonly { readonly source: string; readonly why: string }[] = [
  {
    source: '(^|[.-])(dyn|dynamic|dhcp|pool|dsl|adsl|vdsl|xdsl|cable|dial-?up|ppp|pppoe|broadband|residential|cpe|client|unassigned|unknown|generic)([.-]|\\d|$)',
    why: 'a word that marks dynamic or residential address space',
  },
  { source: '\\d{1,3}[.-]\\d{1,3}[.-]\\d{1,3}[.-]\\d{1,3}', why: 'an embedded IP address, the mark of a generic name (use the block default instead)' },
  { source: '(^|[.-])(spam|bulk-?mail|mass-?mail|blast)([.-]|\\d|$)', why: 'a bulk-mail word' },
  { source: '^localhost\\.', why: 'localhost' },
];

export const DEFAULT_CONFIG: Config = {
  defaultTtl: 3600,
  boundaries: { ipv4: 24, ipv6: 48 },
  maxRecordsPerZone: 10_000,
  maxZonesPerBlock: 256,
  maxFileBytes: 32 * 1024 * 1024,
  ttl: { min: 60, max: 86_400 },
  deny: DEFAULT_DENY.map((d) => ({ ...d, pattern: new RegExp(d.source, 'i') })),
  guards: { maxChangedRecords: 500, maxDeletePercent: 20, label: 'rdns/bulk-approved' },
  bulkMaxLines: 500,
  region: 'us-east-1',
  providerVersion: '~> 6.0',
  zones: {},
  backend: { type: 'local' },
};

export const CONFIG_FILE = 'rdns.yaml';

interface RawConfig {
  defaults?: { ttl?: number };
  zones?: { ipv4_boundary?: 8 | 16 | 24; ipv6_boundary?: number; max_records?: number; max_zones_per_block?: number };
  limits?: { max_file_bytes?: number };
  policy?: { ttl?: { min?: number; max?: number }; deny?: string[]; deny_extra?: string[] };
  guards?: { max_changed_records?: number; max_delete_percent?: number; label?: string };
  bulk?: { max_lines?: number };
  route53?: { region?: string; provider_version?: string; zones?: Record<string, { zone_id?: string; mode?: ZoneOptions['mode'] }> };
  backend?: { type: 'local'; path?: string } | { type: 's3'; bucket: string; key?: string; region?: string; use_lockfile?: boolean; dynamodb_table?: string; encrypt?: boolean };
  github?: { api_url?: string };
}

/** Reads rdns.yaml from the repository root (defaults when absent). */
export function loadConfig(root: string): { config: Config; diagnostics: Diagnostic[] } {
  const path = join(root, CONFIG_FILE);
  if (!existsSync(path)) return { config: DEFAULT_CONFIG, diagnostics: [] };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { config: DEFAULT_CONFIG, diagnostics: [diag('file.unreadable', `cannot read ${CONFIG_FILE}: ${(e as Error).message}`, { file: CONFIG_FILE, line: 1, column: 1 })] };
  }
  return parseConfig(bytes, CONFIG_FILE);
}

/** Parses rdns.yaml content; invalid settings are reported and fall back to defaults. */
export function parseConfig(bytes: Uint8Array, file: string): { config: Config; diagnostics: Diagnostic[] } {
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
      try {
        return [{ source: text, pattern: new RegExp(text, 'i') }];
      } catch (e) {
        diagnostics.push(diag('config.invalid', `policy.${key}[${i}] is not a regular expression: ${(e as Error).message}`, source.valuePos(['policy', key, i]), { value: text }));
        return [];
      }
    });
  const deny = [...(raw.policy?.deny ? patterns(raw.policy.deny, 'deny') : d.deny), ...patterns(raw.policy?.deny_extra ?? [], 'deny_extra')];
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

  const zones: Record<string, ZoneOptions> = {};
  for (const [name, o] of Object.entries(raw.route53?.zones ?? {})) zones[canonicalZoneName(name)] = { zoneId: o.zone_id, mode: o.mode };

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
    backend = { type: 'local', path: raw.backend.path };
  }

  const config: Config = {
    defaultTtl: raw.defaults?.ttl ?? d.defaultTtl,
    boundaries: { ipv4: raw.zones?.ipv4_boundary ?? d.boundaries.ipv4, ipv6: raw.zones?.ipv6_boundary ?? d.boundaries.ipv6 },
    maxRecordsPerZone: raw.zones?.max_records ?? d.maxRecordsPerZone,
    maxZonesPerBlock: raw.zones?.max_zones_per_block ?? d.maxZonesPerBlock,
    maxFileBytes: raw.limits?.max_file_bytes ?? d.maxFileBytes,
    ttl,
    deny,
    guards: {
      maxChangedRecords: raw.guards?.max_changed_records ?? d.guards.maxChangedRecords,
      maxDeletePercent: raw.guards?.max_delete_percent ?? d.guards.maxDeletePercent,
      label: raw.guards?.label ?? d.guards.label,
    },
    bulkMaxLines: raw.bulk?.max_lines ?? d.bulkMaxLines,
    region: raw.route53?.region ?? d.region,
    providerVersion: raw.route53?.provider_version ?? d.providerVersion,
    zones,
    backend,
    githubApiUrl: raw.github?.api_url,
  };
  return { config, diagnostics };
}

/** Zone names are compared lower case with a trailing dot. */
export const canonicalZoneName = (name: string): string => {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
};
