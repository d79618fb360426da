/**
 * One block file → a {@link Block} plus every diagnostic about it. Checks that need
 * only this file (schema, IPs, hostnames, allocations, templates, TTLs) live here;
 * checks across files live in repository.ts.
 */
import { domainToASCII } from 'node:url';
import { diag, type Diagnostic, type SourcePos } from '../core/diagnostics.js';
import { confusableLabel, contactMailbox, mixedScriptLabel, normalizeHostname, reverseTargetOf, withoutTrailingDot } from '../core/hostname.js';
import { compareIp, comparePrefix, formatIp, formatPrefix, ipv4EmbeddedProblem, parseIp, parsePrefix, prefixContains, prefixContainsIp, sizeOf, type IpPrefix } from '../core/ip.js';
import type { Allocation, Block, Config, Pool, PtrRecord, ZoneOptions } from '../core/model.js';
import { describeRange, firstSharedAddress, namedRange } from '../core/generic-names.js';
import { reverseZonesOf, zoneCountOf, zoneLayoutOf } from '../core/reverse.js';
import { checkTemplate } from '../core/template.js';
import { explainDenial } from '../policy/hostname-policy.js';
import { isValidOwner } from '../policy/owners.js';
import { canonicalZoneName } from './config.js';
import { validateSchema } from './schema.js';
import { decodeUtf8, parseYamlSource, type YamlSource } from './yaml-source.js';

export interface LoadedBlock {
  /** Undefined when the file is too broken to describe a block (syntax, schema or prefix errors). */
  readonly block?: Block;
  readonly diagnostics: Diagnostic[];
  /** Records seen in the file, valid or not (for summaries). */
  readonly recordCount: number;
}

interface RawRecordObject {
  ptr: string;
  ttl?: number;
  note?: string;
}
interface RawBlock {
  prefix: string;
  description?: string;
  owners?: string[];
  ttl?: number;
  default?: string;
  classless?: boolean;
  zones?: Record<string, { zone_id?: string; mode?: ZoneOptions['mode'] }>;
  forward?: { zone: string; zone_id?: string };
  allocations?: { prefix: string; account?: string; description?: string; owners?: string[]; delegate_to?: string[]; contact?: string; default?: string }[];
  pools?: { prefix: string; offset?: number; step?: number; count?: number; default: string; description?: string }[];
  records?: Record<string, string | RawRecordObject> | null;
}

/** Parses and checks one block file's bytes. `file` is the repository-relative path. Never throws. */
export function loadBlockFile(bytes: Uint8Array, file: string, config: Config): LoadedBlock {
  const top: SourcePos = { file, line: 1, column: 1 };
  if (bytes.length > config.maxFileBytes) {
    return {
      diagnostics: [diag('file.too-large', `${bytes.length} bytes is more than limits.max_file_bytes (${config.maxFileBytes}); split the block into smaller files`, top)],
      recordCount: 0,
    };
  }
  const decoded = decodeUtf8(bytes, file);
  if ('error' in decoded) return { diagnostics: [decoded.error], recordCount: 0 };
  if (decoded.text.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(decoded.text)) {
    return { diagnostics: [diag('file.empty', 'the file is empty; a block file needs at least "prefix:"', top)], recordCount: 0 };
  }
  const source = parseYamlSource(decoded.text, file);
  if (source.data === undefined) return { diagnostics: source.diagnostics, recordCount: 0 };
  if (source.data === null) return { diagnostics: [...source.diagnostics, diag('file.empty', 'the document is empty; a block file needs at least "prefix:"', top)], recordCount: 0 };
  const diagnostics = [...source.diagnostics, ...validateSchema('block', source)];
  const raw = source.data as RawBlock;
  const recordCount = raw && typeof raw === 'object' && raw.records && typeof raw.records === 'object' ? Object.keys(raw.records).length : 0;
  if (diagnostics.length > 0 && (typeof raw !== 'object' || typeof raw.prefix !== 'string')) return { diagnostics, recordCount };
  // Unknown keys (typos) leave the known structure intact; wrong types do not.
  const structureOk = !diagnostics.some((d) => d.code.startsWith('schema.') && d.code !== 'schema.unknown-key');
  if (!structureOk) {
    // Keep going where it is safe, so one typo does not hide every other finding.
    return { diagnostics: [...diagnostics, ...checkRecordsLoosely(raw, source, config)], recordCount };
  }
  const built = buildBlock(raw, source, file, config);
  return { block: built.block, diagnostics: [...diagnostics, ...built.diagnostics], recordCount };
}

function buildBlock(raw: RawBlock, source: YamlSource, file: string, config: Config): { block?: Block; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const prefix = parsePrefix(raw.prefix);
  if (!prefix.ok) {
    diagnostics.push(diag('prefix.invalid', `block prefix ${prefix.reason}`, source.valuePos(['prefix']), { value: raw.prefix }));
    return { diagnostics: [...diagnostics, ...checkRecordsLoosely(raw, source, config)] };
  }
  const block = prefix.value;
  const embedded = ipv4EmbeddedProblem(block);
  if (embedded) {
    diagnostics.push(diag('prefix.invalid', `block prefix ${embedded}`, source.valuePos(['prefix']), { value: raw.prefix }));
    return { diagnostics: [...diagnostics, ...checkRecordsLoosely(raw, source, config)] };
  }

  const owners = checkOwners(raw.owners ?? [], ['owners'], source, diagnostics);
  checkTtl(raw.ttl, ['ttl'], source, config, diagnostics);

  let template: string | undefined;
  if (raw.default !== undefined) {
    const t = checkTemplate(raw.default, block);
    if (t.ok) template = raw.default;
    else diagnostics.push(diag(t.code, `default template: ${t.reason}`, source.valuePos(['default']), { value: raw.default }));
  }

  const allocations = buildAllocations(raw, block, source, diagnostics);
  const pools = buildPools(raw, block, source, diagnostics);
  const records = buildRecords(raw, block, source, config, diagnostics);
  // The customer's name servers answer for a delegated allocation: a record here is the child zone's (rdns delegate keeps them), not ours to publish.
  for (const a of allocations) {
    if (!a.delegateTo || a.delegateTo.length === 0) continue;
    for (const r of records) {
      if (!prefixContainsIp(a.prefix, r.ip)) continue;
      const why = `${r.ipText} is inside allocation ${formatPrefix(a.prefix)}, delegated to ${a.delegateTo.map(withoutTrailingDot).join(', ')}: those name servers answer for it, so this record is not published by this repository; it is in the child zone \`rdns export\` prints for the customer (change the PTR there; \`rdns undelegate\` publishes it again)`;
      diagnostics.push(diag('record.delegated', why, r.pos, { ip: r.ipText, value: r.ptr }));
    }
  }

  const zones: Record<string, ZoneOptions> = {};
  const known = zoneNamesOf(block, config);
  for (const [name, o] of Object.entries(raw.zones ?? {})) {
    const canonical = canonicalZoneName(name);
    if (known && !known.has(canonical)) {
      const hint = canonical.includes('/') ? '; RFC 2317 zones are named with "-" (0-25.113.0.203.in-addr.arpa)' : '';
      diagnostics.push(diag('zone.unknown', `zones: "${name}" is not a reverse zone of ${formatPrefix(block)} (${[...known].slice(0, 4).join(', ')}${known.size > 4 ? ', …' : ''})${hint}; its settings would be ignored`, source.keyPos(['zones', name]), { value: name }));
    }
    zones[canonical] = { zoneId: o.zone_id, mode: o.mode };
  }
  let forward: Block['forward'];
  if (raw.forward) {
    const zone = normalizeHostname(raw.forward.zone);
    if (zone.ok) forward = { zone: zone.value, zoneId: raw.forward.zone_id };
    else diagnostics.push(diag('hostname.invalid', `forward.zone: ${zone.reason}`, source.valuePos(['forward', 'zone']), { value: raw.forward.zone }));
    // Forward names are published as A/AAAA in a zone shared with other names: only names that
    // encode their whole address are generic names of this block (and cannot take over another one).
    const t = template !== undefined ? checkTemplate(template, block) : undefined;
    if (t?.ok && !t.coversNetwork) {
      const why =
        t.placeholders.length === 0
          ? `has no address placeholder, so it is no generic name of the block: forward would publish "${template}" as an A/AAAA record of ${formatPrefix(block)}`
          : `encodes only part of the address ({${t.placeholders.join('}, {')}}), so its names could be another block's`;
      // Kept in the model: the diff shows what the file asks to publish; the error blocks it.
      diagnostics.push(diag('forward.not-generic', `forward: the default "${template}" ${why}; use {dashed}, {reversed} or {hex} to publish generic names forward`, source.keyPos(['forward']), { value: template }));
    }
  }

  return {
    diagnostics,
    block: {
      file,
      prefix: block,
      description: raw.description,
      owners,
      ttl: raw.ttl,
      default: template,
      classless: raw.classless,
      zones,
      forward,
      allocations,
      pools: pools.length > 0 ? pools : undefined,
      records,
      pos: source.valuePos(['prefix']),
    },
  };
}

function checkOwners(owners: readonly string[], path: (string | number)[], source: YamlSource, out: Diagnostic[]): string[] {
  return owners.filter((o, i) => {
    if (isValidOwner(o)) return true;
    out.push(diag('owner.invalid', `owner "${o}" is not a GitHub @user or @org/team`, source.valuePos([...path, i]), { value: o }));
    return false;
  });
}

function checkTtl(ttl: number | undefined, path: (string | number)[], source: YamlSource, config: Config, out: Diagnostic[], ip?: string): void {
  if (ttl === undefined) return;
  if (ttl < config.ttl.min || ttl > config.ttl.max) {
    out.push(diag('record.ttl', `TTL ${ttl} is outside the allowed range ${config.ttl.min}–${config.ttl.max} (policy.ttl in rdns.yaml)`, source.valuePos(path), { value: String(ttl), ip }));
  }
}

function buildAllocations(raw: RawBlock, block: IpPrefix, source: YamlSource, out: Diagnostic[]): Allocation[] {
  const list: Allocation[] = [];
  (raw.allocations ?? []).forEach((a, i) => {
    const pos = source.valuePos(['allocations', i, 'prefix']);
    const p = parsePrefix(a.prefix);
    if (!p.ok) {
      out.push(diag('prefix.invalid', `allocation prefix ${p.reason}`, pos, { value: a.prefix }));
      return;
    }
    const embedded = ipv4EmbeddedProblem(p.value);
    if (embedded) {
      out.push(diag('prefix.invalid', `allocation prefix ${embedded}`, pos, { value: a.prefix }));
      return;
    }
    if (!prefixContains(block, p.value)) {
      out.push(diag('allocation.outside-block', `allocation ${formatPrefix(p.value)} is not inside the block ${formatPrefix(block)}`, pos, { value: a.prefix }));
      return;
    }
    const owners = checkOwners(a.owners ?? [], ['allocations', i, 'owners'], source, out);
    const delegateTo: string[] = [];
    (a.delegate_to ?? []).forEach((ns, j) => {
      const h = normalizeHostname(ns);
      if (h.ok) delegateTo.push(h.value);
      else out.push(diag('hostname.invalid', `delegate_to: ${h.reason}`, source.valuePos(['allocations', i, 'delegate_to', j]), { value: ns }));
    });
    let contact: Allocation['contact'];
    if (a.contact !== undefined) {
      const c = contactMailbox(String(a.contact));
      if (c.ok) contact = c.value;
      else out.push(diag('allocation.contact', `allocation ${formatPrefix(p.value)} contact: ${c.reason}`, source.valuePos(['allocations', i, 'contact']), { value: String(a.contact) }));
    }
    let template: string | undefined;
    if (a.default !== undefined) {
      const t = checkTemplate(a.default, p.value);
      if (t.ok) template = a.default;
      else out.push(diag(t.code, `allocation ${formatPrefix(p.value)} default template: ${t.reason}`, source.valuePos(['allocations', i, 'default']), { value: a.default }));
    }
    list.push({ prefix: p.value, account: a.account, description: a.description, owners, delegateTo: a.delegate_to ? delegateTo : undefined, ...(contact ? { contact } : {}), default: template, pos });
  });
  const sorted = [...list].sort((x, y) => comparePrefix(x.prefix, y.prefix));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prefixContains(prev.prefix, cur.prefix)) {
      out.push(diag('allocation.overlap', `allocation ${formatPrefix(cur.prefix)} overlaps ${formatPrefix(prev.prefix)} (line ${prev.pos.line})`, cur.pos));
    }
  }
  return list;
}

/** `pools:` entries: inside the block, with a template that names every address of the pool uniquely. */
function buildPools(raw: RawBlock, block: IpPrefix, source: YamlSource, out: Diagnostic[]): Pool[] {
  const list: Pool[] = [];
  (raw.pools ?? []).forEach((entry, i) => {
    const pos = source.valuePos(['pools', i, 'prefix']);
    const p = parsePrefix(entry.prefix);
    if (!p.ok) {
      out.push(diag('prefix.invalid', `pool prefix ${p.reason}`, pos, { value: entry.prefix }));
      return;
    }
    if (!prefixContains(block, p.value)) {
      out.push(diag('pool.outside-block', `pool ${formatPrefix(p.value)} is not inside the block ${formatPrefix(block)}`, pos, { value: entry.prefix }));
      return;
    }
    const pool: Pool = {
      prefix: p.value,
      offset: entry.offset === undefined ? undefined : BigInt(entry.offset),
      step: entry.step === undefined ? undefined : BigInt(entry.step),
      count: entry.count === undefined ? undefined : BigInt(entry.count),
      default: entry.default,
      description: entry.description,
      pos,
    };
    if ((pool.offset ?? 0n) >= sizeOf(p.value)) {
      out.push(diag('pool.empty', `pool ${formatPrefix(p.value)}: offset ${entry.offset} is past the end of the prefix (${sizeOf(p.value)} addresses), so the pool has no address`, source.valuePos(['pools', i, 'offset']), { value: String(entry.offset) }));
      return;
    }
    const t = checkTemplate(entry.default, pool);
    if (!t.ok) {
      out.push(diag(t.code, `pool ${formatPrefix(p.value)} default template: ${t.reason}`, source.valuePos(['pools', i, 'default']), { value: entry.default }));
      return;
    }
    list.push(pool);
  });
  // Pools of one prefix must not share an address: neither is more specific than the other.
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = list[j]!;
      const b = list[i]!;
      if (a.prefix.network !== b.prefix.network || a.prefix.length !== b.prefix.length) continue;
      const shared = firstSharedAddress(namedRange('pool', a.default, a, a.pos), namedRange('pool', b.default, b, b.pos));
      if (shared === undefined) continue;
      const ipText = formatIp({ version: block.version, value: shared });
      out.push(diag('pool.overlap', `${describeRange({ kind: 'pool', ...b })} shares addresses with the pool on line ${a.pos.line} (first ${ipText}), and neither is more specific; give them other offsets or steps, or one a longer prefix`, b.pos, { ip: ipText }));
    }
  }
  return list;
}

function buildRecords(raw: RawBlock, block: IpPrefix, source: YamlSource, config: Config, out: Diagnostic[]): PtrRecord[] {
  const records: PtrRecord[] = [];
  const seen = new Map<string, PtrRecord>();
  for (const [key, value] of Object.entries(raw.records ?? {})) {
    const pos = source.keyPos(['records', key]);
    const ip = parseIp(key);
    if (!ip.ok) {
      out.push(diag('record.ip-invalid', ip.reason, pos, { value: key }));
      continue;
    }
    const ipText = formatIp(ip.value);
    if (!prefixContainsIp(block, ip.value)) {
      out.push(diag('record.outside-block', `${ipText} is not inside the block ${formatPrefix(block)}`, pos, { ip: ipText }));
      continue;
    }
    const first = seen.get(ipText);
    if (first) {
      out.push(diag('record.duplicate', `${ipText} already has a record on line ${first.pos.line}${key !== ipText ? ` (written here as ${key})` : ''}`, pos, { ip: ipText }));
      continue;
    }
    const obj = typeof value === 'string' ? { ptr: value } : value;
    const ptrPath = typeof value === 'string' ? ['records', key] : ['records', key, 'ptr'];
    const ptrPos = typeof value === 'string' ? stringValuePos(source, key, pos) : source.valuePos(ptrPath);
    const host = normalizeHostname(obj.ptr);
    if (!host.ok) {
      out.push(diag('hostname.invalid', `${ipText}: ${host.reason}`, ptrPos, { ip: ipText, value: obj.ptr }));
      continue;
    }
    const reverse = reverseTargetOf(host.value);
    if (reverse) {
      out.push(diag('hostname.reverse-target', `${ipText}: ${reverse.message}`, ptrPos, { ip: ipText, value: obj.ptr }));
      continue;
    }
    const denied = explainDenial(host.value, config);
    if (denied) out.push(diag('hostname.denied', `${ipText}: "${obj.ptr}" is refused by the hostname policy: ${denied}`, ptrPos, { ip: ipText, value: obj.ptr }));
    const mixed = mixedScriptLabel(obj.ptr);
    if (mixed) {
      const scripts = mixed.scripts.join(' and ');
      out.push(diag('hostname.mixed-script', `${ipText}: "${obj.ptr}" mixes ${scripts} letters in the label "${mixed.label}", the way look-alike names are made; browsers show such names as punycode (${host.value.slice(0, -1)}); use one script per label`, ptrPos, { ip: ipText, value: obj.ptr }));
    }
    const lookalike = mixed ? undefined : confusableLabel(obj.ptr);
    if (lookalike) {
      out.push(
        diag(
          'hostname.confusable',
          `${ipText}: the label "${lookalike.label}" of "${obj.ptr}" is written in ${lookalike.script} letters that look like the Latin "${lookalike.reading}" (${domainToASCII(lookalike.label)}); a reader cannot tell the two apart: write it in Latin letters, or in letters that do not look Latin`,
          ptrPos,
          { ip: ipText, value: obj.ptr },
        ),
      );
    }
    if (typeof value !== 'string') checkTtl(value.ttl, ['records', key, 'ttl'], source, config, out, ipText);
    const rec: PtrRecord = { ip: ip.value, ipText, ptr: host.value, ttl: obj.ttl, note: obj.note, pos };
    seen.set(ipText, rec);
    records.push(rec);
  }
  return records.sort((a, b) => compareIp(a.ip, b.ip));
}

/** Best-effort record checks for a file whose schema or prefix failed. */
function checkRecordsLoosely(raw: RawBlock, source: YamlSource, config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  // `records:` written as a list is a schema error already; its indexes are not addresses.
  if (!raw || typeof raw !== 'object' || !raw.records || typeof raw.records !== 'object' || Array.isArray(raw.records)) return out;
  for (const [key, value] of Object.entries(raw.records)) {
    const ptr = typeof value === 'string' ? value : value && typeof value === 'object' && typeof value.ptr === 'string' ? value.ptr : undefined;
    const ip = parseIp(key);
    if (!ip.ok) out.push(diag('record.ip-invalid', ip.reason, source.keyPos(['records', key]), { value: key }));
    if (ptr === undefined) continue;
    const host = normalizeHostname(ptr);
    const pos = typeof value === 'string' ? stringValuePos(source, key, source.keyPos(['records', key])) : source.valuePos(['records', key, 'ptr']);
    const ipText = ip.ok ? formatIp(ip.value) : undefined;
    if (!host.ok) out.push(diag('hostname.invalid', `${ipText ?? key}: ${host.reason}`, pos, { ip: ipText, value: ptr }));
    else if (reverseTargetOf(host.value)) out.push(diag('hostname.reverse-target', `${ipText ?? key}: ${reverseTargetOf(host.value)!.message}`, pos, { ip: ipText, value: ptr }));
    else {
      const denied = explainDenial(host.value, config);
      if (denied) out.push(diag('hostname.denied', `${ipText ?? key}: "${ptr}" is refused by the hostname policy: ${denied}`, pos, { ip: ipText, value: ptr }));
    }
  }
  return out;
}

/** `IP: host` is reported at its key (the record's line); a host on a line of its own (`IP:` then `  host`, `>-`) at that line. */
function stringValuePos(source: YamlSource, key: string, keyPos: SourcePos): SourcePos {
  const valuePos = source.valuePos(['records', key]);
  return valuePos.line === keyPos.line ? keyPos : valuePos;
}

/**
 * Every zone name the block can map to, whichever way the repository decides who owns
 * the parent zone (so a check of a single file agrees with the whole repository);
 * undefined for blocks split into too many zones to list.
 */
function zoneNamesOf(block: IpPrefix, config: Config): Set<string> | undefined {
  const names = new Set<string>();
  for (const parentOwned of [true, false]) {
    const layout = zoneLayoutOf(block, config.boundaries, parentOwned);
    if (zoneCountOf(layout) > 4096n) return undefined;
    for (const z of reverseZonesOf(layout)) names.add(z.name);
  }
  return names;
}
