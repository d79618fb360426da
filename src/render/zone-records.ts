/**
 * The effective content of every reverse zone: what a DNS server must answer once
 * the repository is published. Explicit records, generic `default` names for every
 * other address, and RFC 2317 delegations (NS for the child zone, one CNAME per
 * address in the parent). Forward A/AAAA for generic names come along per block.
 *
 * Pure (no cdktf, no I/O): synth, export, FCrDNS checks and audits all read this one
 * model, so what Terraform publishes and what `rdns export` prints cannot drift apart.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';
import {
  type IpAddress,
  type IpPrefix,
  bitsOf,
  compareIp,
  formatIp,
  formatPrefix,
  prefixContains,
  prefixContainsIp,
  sizeOf,
  supernetOf,
} from '../core/ip.js';
import type { Block, Config, ZoneMode, ZoneOptions } from '../core/model.js';
import { classlessZoneNameOf, reverseNameOf, reverseZonesOf, zoneCountOf, zoneLayoutOf, zoneNameOf, type ReverseZone, type ZoneLayout } from '../core/reverse.js';
import { genericAddressesIn, genericCountIn, genericPtrOf, hasGenericNames } from '../core/generic-names.js';
import { isNormalizedHostname } from '../core/hostname.js';

export type RecordSource = 'record' | 'default' | 'delegation';

/** One resource record of a reverse zone. */
export interface ZoneRecord {
  /** Owner name, fully qualified with a trailing dot. */
  readonly name: string;
  readonly type: 'PTR' | 'CNAME' | 'NS';
  readonly ttl: number;
  /** Target, fully qualified with a trailing dot. */
  readonly value: string;
  /** The address this record answers for (PTR and CNAME). */
  readonly ip?: string;
  /** NS records of a delegation: the delegated allocation. */
  readonly prefix?: string;
  readonly source: RecordSource;
  /** Sort key: the address (NS records sort at their allocation's first address). */
  readonly at: IpAddress;
}

/** A reverse zone with everything it holds. */
export interface ZoneContents {
  /** Apex, fully qualified, e.g. `100.51.198.in-addr.arpa.` or `0-25.113.0.203.in-addr.arpa.`. */
  readonly zone: string;
  /** The addresses the zone answers for. */
  readonly prefix: IpPrefix;
  /** Block file the zone comes from. */
  readonly file: string;
  readonly block: IpPrefix;
  /** RFC 2317 classless zone; `parent` is the /24 zone that must hold the CNAMEs. */
  readonly classless: boolean;
  readonly parent?: string;
  /**
   * Served by someone else's name servers (an allocation with `delegate_to`): we publish
   * NS and CNAMEs in the parent; this content is what the customer's servers should serve.
   */
  readonly delegatedTo?: readonly string[];
  /** Delegated child zone: the customer's SOA mailbox as a name (`hostmaster.acme.example.`), from the allocation's `contact`. */
  readonly contact?: string;
  /** Existing Route53 hosted zone to adopt instead of creating one. */
  readonly zoneId?: string;
  readonly mode: ZoneMode;
  /**
   * Other block files whose records this zone also holds: blocks smaller than the zone
   * that together own it share one hosted zone, rendered in the stack of the first block.
   */
  readonly sharedWith?: readonly string[];
  /** Sorted by address. */
  readonly records: readonly ZoneRecord[];
}

/** A/AAAA records that make generic names forward-confirmed. */
export interface ForwardRecords {
  readonly zone: string;
  readonly zoneId?: string;
  /** `reverseZone`: the reverse zone whose generic PTR this name is (its stack publishes it). */
  readonly records: readonly { readonly name: string; readonly type: 'A' | 'AAAA'; readonly ttl: number; readonly value: string; readonly reverseZone: string }[];
}

/** Everything one block file renders to (one Terraform stack). */
export interface BlockContents {
  readonly file: string;
  readonly prefix: IpPrefix;
  /** Stable stack name derived from the prefix, e.g. `rdns-198-51-100-0-24`. */
  readonly stack: string;
  /** Zones in address order; delegated child zones follow their parent. */
  readonly zones: readonly ZoneContents[];
  readonly forward?: ForwardRecords;
}

export interface RenderModel {
  readonly blocks: readonly BlockContents[];
  /** Problems that stop a publish (delegations that cannot be expressed, zones over quota). */
  readonly diagnostics: Diagnostic[];
}

/** Route53 quota on one record value (a domain name is at most 255 octets on the wire). */
export const MAX_VALUE_CHARS = 255;

/** `198.51.100.0/24` → `rdns-198-51-100-0-24`; `2001:db8:100::/48` → `rdns-2001-db8-100-48`. */
export function stackNameOf(prefix: IpPrefix): string {
  return `rdns-${prefixSlug(prefix, '-')}`;
}

/** Identifier-safe text of a prefix (`198_51_100_0_24`), unique per prefix. */
export function prefixSlug(prefix: IpPrefix, sep = '_'): string {
  // Canonical text is unique; dropping a trailing "::" keeps it unique (a full address has 8 groups).
  const text = formatIp({ version: prefix.version, value: prefix.network }).replace(/::$/, '').replace(/::/g, '--').replace(/[:.]/g, '-');
  return `${text}-${prefix.length}`.replace(/-/g, sep);
}

/**
 * The effective zone contents of every block, for all blocks of a repository that
 * validated without errors. `files` limits the result to those block files (the zone
 * layout is still decided from all blocks).
 */
export function zoneContents(
  repo: { readonly config: Config; readonly blocks: readonly Block[]; readonly layouts: ReadonlyMap<string, ZoneLayout> },
  files?: ReadonlySet<string>,
): RenderModel {
  const diagnostics: Diagnostic[] = [];
  const shared = sharedZonesOf(repo);
  // A selected block that shares a zone needs every block of that zone: the zone's records
  // come from all of them and live in the stack of the first one.
  const wanted = (file: string): boolean => !files || files.has(file) || (shared.get(file) ?? []).some((f) => files.has(f));
  const blocks: BlockContents[] = [];
  for (const block of repo.blocks) {
    if (!wanted(block.file)) continue;
    const layout = repo.layouts.get(block.file);
    if (!layout) continue;
    blocks.push(blockContents(block, layout, repo.config, diagnostics));
  }
  const merged = mergeSharedZones(blocks, repo, diagnostics);
  const holdsSelected = (b: BlockContents): boolean => b.zones.some((z) => (z.sharedWith ?? []).some((f) => files!.has(f)));
  return { blocks: files ? merged.filter((b) => files.has(b.file) || holdsSelected(b)) : merged, diagnostics };
}

/**
 * Block file → the other block files it shares a reverse zone with. Blocks smaller than
 * the zone boundary share the boundary zone when the repository owns it (the blocks tile
 * it, or `classless: false`); Route53 must then hold one hosted zone, not one per file.
 */
function sharedZonesOf(repo: { readonly blocks: readonly Block[]; readonly layouts: ReadonlyMap<string, ZoneLayout> }): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const group of sharedZoneFiles(repo).values()) for (const f of group) out.set(f, group.filter((o) => o !== f));
  return out;
}

/**
 * Zones that appear in several blocks become one: the first block (in address order) keeps
 * the zone with every block's records and the zone options of all of them; the others drop it.
 */
function mergeSharedZones(blocks: readonly BlockContents[], repo: { readonly config: Config; readonly blocks: readonly Block[] }, out: Diagnostic[]): BlockContents[] {
  const holders = new Map<string, { block: number; zone: number; parts: ZoneContents[] }>();
  blocks.forEach((b, i) =>
    b.zones.forEach((z, j) => {
      if (z.delegatedTo) return;
      const h = holders.get(z.zone);
      if (h) h.parts.push(z);
      else holders.set(z.zone, { block: i, zone: j, parts: [z] });
    }),
  );
  const result = blocks.map((b) => ({ ...b, zones: [...b.zones] }));
  const dropped = new Set<ZoneContents>();
  for (const [name, h] of holders) {
    if (h.parts.length < 2) continue;
    const first = h.parts[0]!;
    const owner = repo.blocks.find((x) => x.file === first.file);
    const options = sharedZoneOptions(name, h.parts.map((p) => p.file), repo, out);
    const records = h.parts.flatMap((p) => p.records).sort(byAddress);
    result[h.block]!.zones[h.zone] = { ...first, records, zoneId: options.zoneId, mode: options.mode ?? 'exclusive', sharedWith: h.parts.slice(1).map((p) => p.file) };
    for (const p of h.parts.slice(1)) dropped.add(p);
    if (records.length > repo.config.maxRecordsPerZone && h.parts.every((p) => p.records.length <= repo.config.maxRecordsPerZone)) {
      out.push(diag('zone.too-large', `reverse zone ${name} would hold ${records.length} records of ${h.parts.map((p) => p.file).join(', ')}, more than zones.max_records (${repo.config.maxRecordsPerZone}, the Route53 quota per hosted zone)`, owner?.pos, { value: name }));
    }
  }
  return result.map((b) => (b.zones.some((z) => dropped.has(z)) ? { ...b, zones: b.zones.filter((z) => !dropped.has(z)) } : b));
}

const OPTION_KEYS = [
  ['zoneId', 'zone_id'],
  ['mode', 'mode'],
] as const;

/**
 * The options of a zone several blocks share. Such a zone is everyone's: rdns.yaml's
 * `route53.zones` wins, and a block that sets an option differently (from rdns.yaml, or from
 * an earlier block of the zone) is `zone.shared-options`, so no one block moves or takes over
 * the others' records by its own `zones:` (ownership also asks every block's owners).
 */
function sharedZoneOptions(name: string, files: readonly string[], repo: { readonly config: Config; readonly blocks: readonly Block[] }, out: Diagnostic[]): ZoneOptions {
  const fromConfig = definedOf(repo.config.zones[name]);
  const options: Record<string, unknown> = {};
  const setBy: Record<string, string> = {};
  for (const file of files) {
    const block = repo.blocks.find((x) => x.file === file);
    const own = definedOf(block?.zones[name]) as Record<string, unknown>;
    const others = files.filter((f) => f !== file);
    for (const [key, label] of OPTION_KEYS) {
      const value = own[key];
      if (value === undefined) continue;
      const configured = (fromConfig as Record<string, unknown>)[key];
      if (configured !== undefined && configured !== value) {
        out.push(diag('zone.shared-options', `zones: ${name} sets ${label} ${String(value)} for a reverse zone shared with ${others.join(', ')}, but rdns.yaml route53.zones sets ${String(configured)}: a shared zone's options are set in rdns.yaml only`, block?.pos, { value: name }));
      } else if (configured === undefined && setBy[key] !== undefined && options[key] !== value) {
        out.push(diag('zone.shared-options', `zones: ${name} sets ${label} ${String(value)} for a reverse zone shared with ${others.join(', ')}, which sets ${String(options[key])}: set a shared zone's options once, in rdns.yaml route53.zones`, block?.pos, { value: name }));
      } else if (setBy[key] === undefined) {
        options[key] = value;
        setBy[key] = file;
      }
    }
  }
  return { ...(options as ZoneOptions), ...fromConfig };
}

/**
 * Reverse zone → the block files that share it (two or more), for the blocks of `repo`: a
 * block's options for such a zone concern the records of all of them.
 */
export function sharedZoneFiles(repo: { readonly blocks: readonly Block[]; readonly layouts: ReadonlyMap<string, ZoneLayout> }): Map<string, string[]> {
  const byZone = new Map<string, string[]>();
  for (const b of repo.blocks) {
    const layout = repo.layouts.get(b.file);
    if (!layout || layout.classless || layout.length >= b.prefix.length) continue;
    const name = zoneNameOf(supernetOf({ version: b.prefix.version, value: b.prefix.network }, layout.length));
    byZone.set(name, [...(byZone.get(name) ?? []), b.file]);
  }
  return new Map([...byZone].filter(([, files]) => files.length > 1));
}

const definedOf = (o: ZoneOptions | undefined): ZoneOptions => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as ZoneOptions;

/** Every reverse zone of the repository (delegated child zones included), in address order. */
export function effectiveRecords(repo: Parameters<typeof zoneContents>[0]): ZoneContents[] {
  return zoneContents(repo).blocks.flatMap((b) => b.zones);
}

interface Delegation {
  readonly prefix: IpPrefix;
  readonly nameServers: readonly string[];
  readonly child: string;
  /** RFC 2317: the parent answers with a CNAME per address into the child zone. */
  readonly cnames: boolean;
  /** The allocation's contact as SOA RNAME. */
  readonly contact?: string;
}

function blockContents(block: Block, layout: ZoneLayout, config: Config, out: Diagnostic[]): BlockContents {
  const ttl = block.ttl ?? config.defaultTtl;
  const zones = zoneCountOf(layout) <= 65_536n ? reverseZonesOf(layout) : [];
  if (zones.length === 0) {
    out.push(diag('zone.too-large', `block ${formatPrefix(block.prefix)} splits into ${zoneCountOf(layout)} reverse zones; ${block.prefix.version === 4 ? 'use a larger zone (zones.ipv4_boundary 16 or 8)' : 'use a larger zone (a smaller zones.ipv6_boundary)'} or split the block`, block.pos));
  }
  const delegations = delegationsOf(block, layout, out);
  const explicit = new Map(block.records.map((r) => [r.ip.value, r]));
  const contents: ZoneContents[] = [];
  const forward: { name: string; type: 'A' | 'AAAA'; ttl: number; value: string; reverseZone: string }[] = [];
  for (const zone of zones) {
    const records: ZoneRecord[] = [];
    const childRecords = new Map<Delegation, ZoneRecord[]>();
    const span = spanOf(zone.prefix, block.prefix);
    const delegationOf = (ip: IpAddress): Delegation | undefined => delegations.find((d) => prefixContainsIp(d.prefix, ip));
    const emit = (ip: IpAddress, ptr: string, recordTtl: number, source: 'record' | 'default'): void => {
      const d = delegationOf(ip);
      const ipText = formatIp(ip);
      const rec: ZoneRecord = { name: ownerName(ip, zone), type: 'PTR', ttl: recordTtl, value: ptr, ip: ipText, source, at: ip };
      if (!d) {
        records.push(rec);
        return;
      }
      const list = childRecords.get(d) ?? [];
      childRecords.set(d, list);
      list.push({ ...rec, name: childOwnerName(ip, d) });
    };
    // Generic names: the block default, and allocations and pools with their own (the most specific wins).
    const templated = hasGenericNames(block);
    const genericCount = templated ? genericCountIn(block, span.first, span.last) : 0n;
    const tooMany = genericCount > BigInt(config.maxRecordsPerZone);
    if (templated && tooMany) {
      // Validation reports this too; callers that render an unvalidated repository must not loop over 2^80 addresses.
      out.push(diag('zone.too-large', `default would give ${genericCount} addresses of ${zone.name} a PTR, more than zones.max_records (${config.maxRecordsPerZone}); only explicit records are rendered`, block.pos, { value: zone.name }));
    }
    if (templated && !tooMany) {
      // Every templated address of the zone inside the block: explicit record, else the generic name.
      const generic = genericAddressesIn(block, span.first, span.last);
      for (const v of generic) {
        const ip: IpAddress = { version: block.prefix.version, value: v };
        const r = explicit.get(v);
        if (r) continue;
        const name = genericPtrOf(block, ip)!.ptr;
        emit(ip, name, ttl, 'default');
        if (block.forward && !delegationOf(ip)) forward.push({ name, type: ip.version === 4 ? 'A' : 'AAAA', ttl, value: formatIp(ip), reverseZone: zone.name });
      }
    }
    for (const r of block.records) if (prefixContainsIp(zone.prefix, r.ip)) emit(r.ip, r.ptr, r.ttl ?? ttl, 'record');
    for (const d of delegations) {
      if (!prefixContains(zone.prefix, d.prefix)) continue;
      const at: IpAddress = { version: d.prefix.version, value: d.prefix.network };
      const prefixText = formatPrefix(d.prefix);
      for (const ns of d.nameServers) records.push({ name: d.child, type: 'NS', ttl, value: ns, prefix: prefixText, source: 'delegation', at });
      if (d.cnames) {
        for (let v = d.prefix.network; v < d.prefix.network + sizeOf(d.prefix); v++) {
          const ip: IpAddress = { version: 4, value: v };
          records.push({ name: reverseNameOf(ip), type: 'CNAME', ttl, value: childOwnerName(ip, d), ip: formatIp(ip), source: 'delegation', at: ip });
        }
      }
    }
    records.sort(byAddress);
    const options = optionsOf(zone.name, block, config);
    contents.push({
      zone: zone.name,
      prefix: zone.prefix,
      file: block.file,
      block: block.prefix,
      classless: zone.classless,
      parent: zone.parent,
      zoneId: options.zoneId,
      mode: options.mode ?? 'exclusive',
      records,
    });
    for (const d of delegations) {
      if (!prefixContains(zone.prefix, d.prefix)) continue;
      contents.push({
        zone: d.child,
        prefix: d.prefix,
        file: block.file,
        block: block.prefix,
        classless: d.cnames,
        parent: d.cnames ? zone.name : undefined,
        delegatedTo: d.nameServers,
        ...(d.contact ? { contact: d.contact } : {}),
        mode: 'exclusive',
        records: (childRecords.get(d) ?? []).sort(byAddress),
      });
    }
  }
  checkQuotas(block, contents, config, out);
  // Validation refuses names that are no zone of the block at all (zone.unknown). Which of its
  // possible zones a block gets is decided from the whole repository (its own RFC 2317 zone or
  // the shared parent): options for the one it did not get would be ignored, and a zone_id not
  // adopted means a second hosted zone beside the real one.
  const own = contents.filter((z) => !z.delegatedTo).map((z) => z.zone);
  const other = new Set(zones.length === 0 ? [] : otherLayoutZones(block, layout, config));
  for (const name of Object.keys(block.zones)) {
    if (own.includes(name) || !other.has(name)) continue;
    out.push(
      diag('render.unknown-zone', `zones: ${name} is not the reverse zone ${formatPrefix(block.prefix)} is rendered in (the repository's blocks give it ${own.slice(0, 4).join(', ')}${own.length > 4 ? ', …' : ''}), so its settings would be ignored`, block.pos, { value: name }),
    );
  }
  let fwd: ForwardRecords | undefined;
  if (block.forward) {
    const suffix = `.${block.forward.zone}`;
    const outside = forward.find((f) => !f.name.endsWith(suffix));
    if (outside) {
      out.push(diag('render.forward-zone', `forward.zone ${block.forward.zone} does not contain the generic name ${outside.name}; the default template must end in the forward zone`, block.pos, { value: outside.name }));
    } else {
      fwd = { zone: block.forward.zone, zoneId: block.forward.zoneId, records: forward };
    }
  }
  return { file: block.file, prefix: block.prefix, stack: stackNameOf(block.prefix), zones: contents, forward: fwd };
}

const byAddress = (a: ZoneRecord, b: ZoneRecord): number => compareIp(a.at, b.at) || typeRank(a) - typeRank(b) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
const typeRank = (r: ZoneRecord): number => (r.type === 'NS' ? 0 : r.type === 'CNAME' ? 1 : 2);

/** Address range of `zone` that lies inside `block` (the zone may be larger than a shared block). */
function spanOf(zone: IpPrefix, block: IpPrefix): { first: bigint; last: bigint } {
  const inner = prefixContains(zone, block) ? block : zone;
  return { first: inner.network, last: inner.network + sizeOf(inner) - 1n };
}

/** PTR owner inside a zone: classless zones hold `<last octet>.<zone>` (RFC 2317 §4). */
function ownerName(ip: IpAddress, zone: ReverseZone): string {
  if (!zone.classless) return reverseNameOf(ip);
  return `${Number(ip.value & 255n)}.${zone.name}`;
}

function childOwnerName(ip: IpAddress, d: Delegation): string {
  return d.cnames ? `${Number(ip.value & 255n)}.${d.child}` : reverseNameOf(ip);
}

/**
 * Allocations with `delegate_to`: below a /24 RFC 2317 (CNAMEs into a `-` named child),
 * on an octet or nibble boundary a plain NS delegation. Anything else cannot be
 * expressed in DNS and is reported.
 */
function delegationsOf(block: Block, layout: ZoneLayout, out: Diagnostic[]): Delegation[] {
  const list: Delegation[] = [];
  for (const a of block.allocations) {
    if (!a.delegateTo || a.delegateTo.length === 0) continue;
    const p = a.prefix;
    const step = p.version === 4 ? 8 : 4;
    const zoneLength = layout.classless ? bitsOf(p.version) : layout.length;
    const fail = (why: string): void => {
      out.push(diag('render.delegation', `allocation ${formatPrefix(p)} cannot be delegated: ${why}`, a.pos, { value: formatPrefix(p) }));
    };
    if (layout.classless) fail('its block already is an RFC 2317 classless zone; delegate the block from the upstream /24 instead');
    else if (p.length <= zoneLength) fail(`it covers a whole reverse zone (/${zoneLength}); remove the block's zone from this repository instead`);
    else if (p.version === 4 && p.length > 24) list.push({ prefix: p, nameServers: a.delegateTo, child: classlessZoneNameOf(p), cnames: true, contact: a.contact?.rname });
    else if (p.length % step === 0) list.push({ prefix: p, nameServers: a.delegateTo, child: zoneNameOf(p), cnames: false, contact: a.contact?.rname });
    else fail(`/${p.length} is not on a${p.version === 4 ? 'n octet' : ' nibble'} boundary and RFC 2317 only covers IPv4 below a /24`);
  }
  return list;
}

/** The zones the block would have with the other layout (parent zone shared, or zones of its own). */
function otherLayoutZones(block: Block, layout: ZoneLayout, config: Config): string[] {
  const out: string[] = [];
  for (const parentOwned of [true, false]) {
    const l = zoneLayoutOf(block.prefix, config.boundaries, parentOwned);
    if (l.length === layout.length && l.classless === layout.classless) continue;
    if (zoneCountOf(l) <= 65_536n) out.push(...reverseZonesOf(l).map((z) => z.name));
  }
  return out;
}

function optionsOf(zone: string, block: Block, config: Config): ZoneOptions {
  return { ...(config.zones[zone] ?? {}), ...(block.zones[zone] ?? {}) };
}

/** Route53 quotas: records per hosted zone, length of a value. Checked before anything is rendered. */
function checkQuotas(block: Block, zones: readonly ZoneContents[], config: Config, out: Diagnostic[]): void {
  for (const z of zones) {
    if (z.delegatedTo) continue;
    if (z.records.length > config.maxRecordsPerZone) {
      out.push(diag('zone.too-large', `reverse zone ${z.zone} would hold ${z.records.length} records (PTR, NS and CNAME), more than zones.max_records (${config.maxRecordsPerZone}, the Route53 quota per hosted zone)`, block.pos, { value: z.zone }));
    }
    for (const r of z.records) {
      // Names were validated on load; this guards the rendered names (templates, RFC 2317 owners) as well.
      const bad = [r.name, r.value].find((n) => n.length > MAX_VALUE_CHARS || !isNormalizedHostname(n));
      if (bad) out.push(diag('render.value', `${r.name} ${r.type} ${r.value}: "${bad}" is not a valid DNS name of at most ${MAX_VALUE_CHARS} characters`, block.pos, { ip: r.ip, value: bad }));
    }
  }
}

/**
 * What only rendering finds (delegations DNS cannot express, forward names outside their
 * zone, zone options for a zone the block did not get), for
 * `rdns validate` and `rdns ci`: a repository that validates must also synthesize.
 */
export function renderFindings(repo: Parameters<typeof zoneContents>[0]): Diagnostic[] {
  return zoneContents(repo).diagnostics.filter((d) => d.code.startsWith('render.') || d.code === 'zone.shared-options');
}
