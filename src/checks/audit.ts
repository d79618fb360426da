/**
 * The scheduled full audit: what the world sees compared with git. FCrDNS of every
 * PTR, the live PTR of every address against git (drift), coverage per block, stale
 * records, and the delegation of every reverse zone. Everything goes through the
 * injected resolver; the result is plain data that report writers turn into Markdown
 * and JSON.
 */
import { diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { withoutTrailingDot } from '../core/hostname.js';
import { formatIp, formatPrefix, prefixContains, sizeOf, type IpAddress } from '../core/ip.js';
import type { Block } from '../core/model.js';
import { namingRangeOf } from '../core/generic-names.js';
import { coverageOf } from './coverage.js';
import { routedCoverage, type RoutedPrefix, type RoutedReport } from './routed.js';
import { classlessZoneNameOf, reverseNameOf, reverseZonesOf, zoneCountOf, zoneNameOf, type ZoneLayout } from '../core/reverse.js';
import { checkFcrdns, fcrdnsTargetsOfBlocks, GENERIC, type FcrdnsResult, type FcrdnsTarget } from './fcrdns.js';
import { checkDelegation, type DirectOptions, type ZoneDelegation, type ZoneProbe } from './delegation.js';
import { countGroups, findingsToDiagnostics, type Finding } from './group.js';
import { mapPool } from './pool.js';
import type { Answer, DnsResolver } from './resolver.js';

export type { DelegationStatus, ZoneDelegation } from './delegation.js';

export interface AuditInput {
  readonly blocks: readonly Block[];
  /** Zone layout per block file (from the loader). */
  readonly layouts: ReadonlyMap<string, ZoneLayout>;
}

export interface AuditOptions {
  readonly strict?: boolean;
  /** Blocks up to this many addresses have the live PTR of every address read (default 65,536). */
  readonly maxScanPerBlock?: number;
  /** Reverse zones per block whose delegation is checked (default 256). */
  readonly maxZonesPerBlock?: number;
  /** Progress over all lookups of the audit. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Ask the parent zone's servers directly (recursion off) for the delegation, and each
   * name server whether it is authoritative. Without it, only what the resolver shows.
   */
  readonly direct?: DirectOptions;
  /** Clock, for the report's timestamp. */
  readonly now?: () => Date;
  /** The routed prefixes: routed space without a block file is reported (coverage.missing), blocks outside them too (coverage.unrouted). */
  readonly routed?: readonly RoutedPrefix[];
}

export type DriftKind = 'not-applied' | 'changed' | 'stale' | 'unverifiable';

export interface PtrDrift {
  readonly kind: DriftKind;
  readonly ip: string;
  readonly file: string;
  readonly line?: number;
  /** PTR in git (absent for stale addresses). */
  readonly git?: string;
  readonly gitSource?: 'record' | 'default';
  /** PTRs DNS serves. */
  readonly live: readonly string[];
}

export interface BlockCoverage {
  readonly file: string;
  readonly block: string;
  /** Decimal strings: an IPv6 block's size does not fit a JSON number. */
  readonly addresses: string;
  readonly withPtr: string;
  /** withPtr / addresses, 0…1. */
  readonly share: number;
  readonly records: number;
  readonly viaDefault: boolean;
  /** Addresses named by the templates of pools and allocations (decimal string). */
  readonly poolNames: string;
  /** Addresses whose live PTR was read, and how many of them have one (absent when not scanned). */
  readonly scanned?: number;
  readonly live?: number;
}

export interface StaleRecord {
  readonly ip: string;
  readonly ptr: string;
  readonly file: string;
  readonly line?: number;
  readonly status: string;
  readonly addresses: readonly string[];
}

export interface AuditSummary {
  blocks: number;
  records: number;
  generic: number;
  fcrdnsChecked: number;
  fcrdnsPassed: number;
  staleRecords: number;
  ptrRead: number;
  driftNotApplied: number;
  driftChanged: number;
  driftStale: number;
  driftUnverifiable: number;
  zones: number;
  zonesWithProblems: number;
  errors: number;
  warnings: number;
}

export interface AuditReport {
  readonly generatedAt: string;
  readonly resolvers: readonly string[];
  readonly unreachable: boolean;
  readonly summary: AuditSummary;
  /** Names that do not resolve back (records and generic names). */
  readonly fcrdnsFailures: readonly { ip: string; ptr: string; source: 'record' | 'default'; status: string; addresses: readonly string[]; file: string; line?: number }[];
  readonly staleRecords: readonly StaleRecord[];
  readonly drift: readonly PtrDrift[];
  readonly coverage: readonly BlockCoverage[];
  /** Per routed prefix the parts without a block file, and blocks outside every routed prefix (when routed prefixes were given). */
  readonly routed?: RoutedReport;
  readonly delegation: readonly ZoneDelegation[];
  readonly diagnostics: readonly Diagnostic[];
}

interface PtrProbe {
  readonly ip: IpAddress;
  /** The record's position, else the block's. */
  readonly pos: Block['pos'];
  readonly ipText: string;
  readonly file: string;
  readonly block: string;
  /** The git side; absent for addresses without a PTR in git. */
  readonly target?: FcrdnsTarget;
}

const PARALLEL = 256;
/** The noun of grouped findings about addresses read only to find stale PTRs. */
const SCANNED = 'addresses without a PTR in git';
const groupOf = (p: PtrProbe): string | undefined => (!p.target ? SCANNED : p.target.source === 'default' ? GENERIC : undefined);

/** Runs the whole audit through `resolver`. Never throws for DNS trouble: it becomes findings. */
export async function runAudit(input: AuditInput, resolver: DnsResolver, options: AuditOptions = {}): Promise<AuditReport> {
  const maxScan = BigInt(options.maxScanPerBlock ?? 65_536);
  const { targets, diagnostics: targetNotes } = fcrdnsTargetsOfBlocks(input.blocks, { maxDefaultsPerBlock: Number(maxScan) });
  const diagnostics: Diagnostic[] = [...targetNotes];

  // Addresses whose live PTR is read: every git PTR, plus every address of small blocks without `default` (stale PTRs).
  const probes: PtrProbe[] = targets.map((t) => ({ ip: t.ip, ipText: t.ipText, pos: t.pos ?? { file: t.file, line: 1, column: 1 }, file: t.file, block: t.block ?? '', target: t }));
  const scanned = new Set<string>();
  for (const b of input.blocks) {
    const size = sizeOf(b.prefix);
    if (b.default) {
      if (size <= maxScan) scanned.add(b.file);
      continue;
    }
    if (size > maxScan) {
      diagnostics.push(
        diag('audit.partial', `${formatPrefix(b.prefix)} has ${size} addresses: only its ${b.records.length} records were compared with DNS; PTRs DNS serves for other addresses are not seen (blocks up to ${maxScan} addresses are read in full)`, b.pos),
      );
      continue;
    }
    scanned.add(b.file);
    const withRecord = new Set(b.records.map((r) => r.ip.value));
    for (let i = 0n; i < size; i++) {
      const value = b.prefix.network + i;
      if (withRecord.has(value)) continue;
      const ip: IpAddress = { version: b.prefix.version, value };
      // Pool and allocation names are FCrDNS targets already (with their git side).
      if (namingRangeOf(b, ip)) continue;
      probes.push({ ip, ipText: formatIp(ip), pos: b.pos, file: b.file, block: formatPrefix(b.prefix) });
    }
  }
  const zones = zoneProbes(input, options.maxZonesPerBlock ?? 256);

  let done = 0;
  const total = targets.length + probes.length + zones.length;
  const tick = (): void => options.onProgress?.(++done, total);

  const fcrdns = await checkFcrdns(targets, resolver, { strict: options.strict, onProgress: tick });
  const live = await mapPool(probes, PARALLEL, async (p) => {
    const a = await resolver.lookup(reverseNameOf(p.ip), 'PTR');
    tick();
    return a;
  });
  const delegation = await mapPool(zones, 16, async (z) => {
    const d = await checkDelegation(z, resolver, options.direct);
    tick();
    return d;
  });

  const now = (options.now ?? (() => new Date()))();
  const resolvers = resolver.servers;
  // Unusable resolver: FCrDNS got nothing, and neither did the live PTRs (all silent or refused).
  if (fcrdns.unreachable && live.every((a) => a.outcome === 'timeout' || a.outcome === 'unreachable' || a.outcome === 'refused')) {
    return emptyReport(now, resolvers, input, targets, [...diagnostics, ...fcrdns.diagnostics]);
  }
  diagnostics.push(...fcrdns.diagnostics);

  // Drift: compare what DNS serves with git, address by address.
  const drift: PtrDrift[] = [];
  const driftFindings: Finding[] = [];
  const liveCount = new Map<string, number>();
  probes.forEach((p, i) => {
    const a = live[i]!;
    if (a.outcome === 'answer') liveCount.set(p.file, (liveCount.get(p.file) ?? 0) + 1);
    const d = driftOf(p, a);
    if (!d) return;
    drift.push(d);
    driftFindings.push(driftFinding(p, d, a, options.strict ?? false));
  });
  diagnostics.push(...findingsToDiagnostics(driftFindings, countGroups(probes.map((p) => ({ file: p.file, block: p.block, group: groupOf(p) })))));

  for (const d of delegation) diagnostics.push(...d.diagnostics);

  const coverage = input.blocks.map((b): BlockCoverage => {
    const size = sizeOf(b.prefix);
    const { withPtr, poolNames } = coverageOf(b);
    const base = { file: b.file, block: formatPrefix(b.prefix), addresses: size.toString(), withPtr: withPtr.toString(), share: Number((withPtr * 1_000_000n) / size) / 1_000_000, records: b.records.length, viaDefault: Boolean(b.default), poolNames: poolNames.toString() };
    return scanned.has(b.file) ? { ...base, scanned: Number(size), live: liveCount.get(b.file) ?? 0 } : base;
  });

  const routed = options.routed && options.routed.length > 0 ? routedCoverage(options.routed, input.blocks) : undefined;
  if (routed) diagnostics.push(...routed.diagnostics);

  const failures = fcrdns.results.filter((r) => r.status !== 'pass');
  const staleRecords = failures
    .filter((r) => r.target.source === 'record' && (r.status === 'mismatch' || r.status === 'nxdomain' || r.status === 'nodata'))
    .map((r) => ({ ip: r.target.ipText, ptr: withoutTrailingDot(r.target.ptr), file: r.target.file, line: r.target.pos?.line, status: r.status, addresses: r.addresses }));
  sortDiagnostics(diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const zoneList = delegation.map((d) => d.zone);
  return {
    generatedAt: now.toISOString(),
    resolvers,
    unreachable: false,
    summary: {
      blocks: input.blocks.length,
      records: targets.filter((t) => t.source === 'record').length,
      generic: targets.filter((t) => t.source === 'default').length,
      fcrdnsChecked: fcrdns.checked,
      fcrdnsPassed: fcrdns.passed,
      staleRecords: staleRecords.length,
      ptrRead: probes.length,
      driftNotApplied: drift.filter((d) => d.kind === 'not-applied').length,
      driftChanged: drift.filter((d) => d.kind === 'changed').length,
      driftStale: drift.filter((d) => d.kind === 'stale').length,
      driftUnverifiable: drift.filter((d) => d.kind === 'unverifiable').length,
      zones: zoneList.length,
      zonesWithProblems: zoneList.filter((_z, i) => delegation[i]!.status !== 'ok').length,
      errors,
      warnings: diagnostics.length - errors,
    },
    fcrdnsFailures: failures.map(failureRow),
    staleRecords,
    drift,
    coverage,
    ...(routed ? { routed: routed.report } : {}),
    delegation: delegation.map(({ diagnostics: _d, ...z }) => z),
    diagnostics,
  };
}

const failureRow = (r: FcrdnsResult) => ({
  ip: r.target.ipText,
  ptr: withoutTrailingDot(r.target.ptr),
  source: r.target.source,
  status: r.status,
  addresses: r.addresses,
  file: r.target.file,
  line: r.target.source === 'record' ? r.target.pos?.line : undefined,
});

function emptyReport(now: Date, resolvers: readonly string[], input: AuditInput, targets: readonly FcrdnsTarget[], diagnostics: Diagnostic[]): AuditReport {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    generatedAt: now.toISOString(),
    resolvers,
    unreachable: true,
    summary: {
      blocks: input.blocks.length,
      records: targets.filter((t) => t.source === 'record').length,
      generic: targets.filter((t) => t.source === 'default').length,
      fcrdnsChecked: 0,
      fcrdnsPassed: 0,
      staleRecords: 0,
      ptrRead: 0,
      driftNotApplied: 0,
      driftChanged: 0,
      driftStale: 0,
      driftUnverifiable: 0,
      zones: 0,
      zonesWithProblems: 0,
      errors,
      warnings: diagnostics.length - errors,
    },
    fcrdnsFailures: [],
    staleRecords: [],
    drift: [],
    coverage: [],
    delegation: [],
    diagnostics: sortDiagnostics(diagnostics),
  };
}

function driftOf(p: PtrProbe, a: Answer): PtrDrift | undefined {
  const line = p.target?.source === 'record' ? p.target.pos?.line : undefined;
  const base = { ip: p.ipText, file: p.file, ...(line !== undefined ? { line } : {}), ...(p.target ? { git: withoutTrailingDot(p.target.ptr), gitSource: p.target.source } : {}) };
  const liveNames = a.values.map(withoutTrailingDot);
  if (a.outcome === 'answer') {
    if (!p.target) return { kind: 'stale', ...base, live: liveNames };
    return a.values.includes(p.target.ptr) && a.values.length === 1 ? undefined : { kind: 'changed', ...base, live: liveNames };
  }
  if (a.outcome === 'nxdomain' || a.outcome === 'nodata') return p.target ? { kind: 'not-applied', ...base, live: [] } : undefined;
  return { kind: 'unverifiable', ...base, live: [] };
}

function driftFinding(p: PtrProbe, d: PtrDrift, a: Answer, strict: boolean): Finding {
  const group = groupOf(p);
  const common = { ...(group ? { group } : {}), file: p.file, block: p.block, pos: p.target?.pos ?? p.pos, ip: p.ipText };
  const name = reverseNameOf(p.ip);
  switch (d.kind) {
    case 'changed':
      return { ...common, code: 'drift.changed', severity: 'error', kind: 'changed outside git', value: d.live.join(','), message: `${p.ipText}: DNS serves PTR ${d.live.join(', ')}, git says ${d.git} (changed outside git, or an older apply)` };
    case 'not-applied':
      return { ...common, code: 'drift.not-applied', severity: 'warning', kind: 'not applied', value: d.git, message: `${p.ipText}: git has PTR ${d.git}, DNS has none for ${name} (${a.outcome.toUpperCase()}); not applied yet?` };
    case 'stale':
      return {
        ...common,
        code: 'drift.stale',
        severity: 'warning',
        kind: 'stale',
        value: d.live.join(','),
        message: `${p.ipText}: DNS still serves PTR ${d.live.join(', ')}, git has no PTR for this address in ${p.block} (stale; remove it from DNS or add the record)`,
      };
    case 'unverifiable':
      return { ...common, code: 'drift.unverifiable', severity: strict ? 'error' : 'warning', kind: 'unverifiable', value: d.git, message: `${p.ipText}: could not read the PTR of ${name} (${a.outcome})` };
  }
}

/** The reverse zones of the blocks (de-duplicated), and RFC 2317 child zones with `delegate_to`. */
function zoneProbes(input: AuditInput, maxZonesPerBlock: number): ZoneProbe[] {
  const out = new Map<string, ZoneProbe>();
  for (const b of input.blocks) {
    const layout = input.layouts.get(b.file);
    if (!layout || zoneCountOf(layout) > BigInt(maxZonesPerBlock)) continue;
    for (const z of reverseZonesOf(layout)) if (!out.has(z.name)) out.set(z.name, { zone: z.name, file: b.file, pos: b.pos });
    for (const a of b.allocations) {
      if (!a.delegateTo || a.delegateTo.length === 0 || !prefixContains(b.prefix, a.prefix)) continue;
      const p = a.prefix;
      const zone = p.version === 4 && p.length > 24 ? classlessZoneNameOf(p) : p.length % (p.version === 4 ? 8 : 4) === 0 ? zoneNameOf(p) : undefined;
      if (zone) out.set(zone, { zone, file: b.file, pos: a.pos, expected: [...a.delegateTo].sort() });
    }
  }
  return [...out.values()];
}

