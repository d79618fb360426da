/**
 * Forward-confirmed reverse DNS (FCrDNS): the PTR name of an address must resolve
 * (A for IPv4, AAAA for IPv6) back to that address, or mail receivers treat the
 * host as unidentified. Every failure is classified and placed at the record's line.
 */
import type { RecordChange } from '../core/changeset.js';
import { diag, sortDiagnostics, type Diagnostic, type DiagnosticCode, type SourcePos } from '../core/diagnostics.js';
import { withoutTrailingDot } from '../core/hostname.js';
import { formatIp, formatPrefix, sizeOf, type IpAddress } from '../core/ip.js';
import type { Block } from '../core/model.js';
import { addressesInRange, genericAddressesIn, genericCountIn, genericPtrOf, hasGenericNames, namedRangesOf } from '../core/generic-names.js';
import { countGroups, findingsToDiagnostics, type Finding } from './group.js';
import { mapPool } from './pool.js';
import { type Answer, type DnsResolver } from './resolver.js';

/** The noun of grouped findings about `default` names. */
export const GENERIC = 'generic names';

/** One name to confirm: `ptr` must resolve to `ip`. */
export interface FcrdnsTarget {
  readonly ip: IpAddress;
  readonly ipText: string;
  /** Fully qualified, trailing dot. */
  readonly ptr: string;
  /** `default`: a generic name from the block's template (reported per block, not per address). */
  readonly source: 'record' | 'default';
  /** Block file, repository-relative. */
  readonly file: string;
  /** The record's position; for generic names the block's. */
  readonly pos?: SourcePos;
  /** The block prefix, e.g. `198.51.100.0/24` (groups generic names in reports). */
  readonly block?: string;
}

export type FcrdnsStatus = 'pass' | 'mismatch' | 'nxdomain' | 'nodata' | 'servfail' | 'timeout';

export interface FcrdnsResult {
  readonly target: FcrdnsTarget;
  readonly status: FcrdnsStatus;
  /** What the name resolves to (for mismatches). */
  readonly addresses: readonly string[];
  readonly detail?: string;
}

export interface FcrdnsOptions {
  /** Unverifiable names (SERVFAIL, timeout) are errors instead of warnings. */
  readonly strict?: boolean;
  /** Names in progress at once (default 256); the resolver's own concurrency limit still applies. */
  readonly parallel?: number;
  /** Called after each name is checked. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FcrdnsReport {
  readonly results: readonly FcrdnsResult[];
  readonly diagnostics: Diagnostic[];
  readonly checked: number;
  readonly passed: number;
  /** No query got any response, or every one was refused: the resolver is unusable and nothing was verified. */
  readonly unreachable: boolean;
}

export interface TargetOptions {
  /** Blocks with `default` up to this many addresses have every generic name checked (default 65,536). */
  readonly maxDefaultsPerBlock?: number;
  /** Larger blocks: this many generic names from each end of the block (default 256). */
  readonly sampleEachEnd?: number;
}

/** Every record of the blocks, and the generic names of blocks with `default` (sampled for huge blocks). */
export function fcrdnsTargetsOfBlocks(blocks: readonly Block[], options: TargetOptions = {}): { targets: FcrdnsTarget[]; diagnostics: Diagnostic[] } {
  const max = BigInt(options.maxDefaultsPerBlock ?? 65_536);
  const sample = BigInt(options.sampleEachEnd ?? 256);
  const targets: FcrdnsTarget[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const b of blocks) {
    const blockText = formatPrefix(b.prefix);
    const withRecord = new Set<bigint>();
    for (const r of b.records) {
      withRecord.add(r.ip.value);
      targets.push({ ip: r.ip, ipText: r.ipText, ptr: r.ptr, source: 'record', file: b.file, pos: r.pos, block: blockText });
    }
    if (!hasGenericNames(b)) continue;
    const last = b.prefix.network + sizeOf(b.prefix) - 1n;
    const count = genericCountIn(b, b.prefix.network, last);
    let values: bigint[];
    if (count <= max) values = genericAddressesIn(b, b.prefix.network, last);
    else {
      diagnostics.push(
        diag('fcrdns.defaults-sampled', `${blockText} has ${count} addresses with a generic name: checked the first and last ${sample} of each template's range only (up to ${max} addresses are checked in full)`, b.pos, { value: b.default ?? namedRangesOf(b)[0]?.template }),
      );
      const seen = new Set<bigint>();
      for (const r of namedRangesOf(b)) {
        const step = r.step ?? 1n;
        for (const v of addressesInRange(r, r.first, r.first + sample * step - 1n)) seen.add(v);
        for (const v of addressesInRange(r, r.last - sample * step + 1n, r.last)) seen.add(v);
      }
      values = [...seen].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    }
    for (const value of values) {
      if (withRecord.has(value)) continue;
      const ip: IpAddress = { version: b.prefix.version, value };
      const g = genericPtrOf(b, ip);
      if (!g) continue;
      targets.push({ ip, ipText: formatIp(ip), ptr: g.ptr, source: 'default', file: b.file, pos: g.range.pos, block: blockText });
    }
  }
  return { targets, diagnostics };
}

/** The new PTRs of a change set (added, changed, reset to a default, moved); removals have nothing to confirm. */
export function fcrdnsTargetsOfChanges(changes: readonly RecordChange[]): FcrdnsTarget[] {
  const out: FcrdnsTarget[] = [];
  for (const c of changes) {
    if (!c.new || c.kind === 'removed') continue;
    out.push({ ip: c.ip, ipText: c.ipText, ptr: c.new.ptr, source: c.new.source, file: c.new.file, pos: c.new.pos ?? { file: c.new.file, line: 1, column: 1 } });
  }
  return out;
}

function statusOf(ipText: string, a: Answer): { status: FcrdnsStatus; addresses: readonly string[] } {
  switch (a.outcome) {
    case 'answer':
      return { status: a.values.includes(ipText) ? 'pass' : 'mismatch', addresses: a.values };
    case 'nxdomain':
    case 'nodata':
      return { status: a.outcome, addresses: [] };
    case 'servfail':
    case 'refused':
    case 'error':
      return { status: 'servfail', addresses: [] };
    case 'timeout':
    case 'unreachable':
      return { status: 'timeout', addresses: [] };
  }
}

/**
 * Confirms every target through `resolver` (which bounds concurrency and caches repeated
 * names). Returns one result per target, in the targets' order, and the diagnostics:
 * one per failing record, one per block and failure kind for generic names, or a single
 * `resolver.unreachable` when no query got any response.
 */
export async function checkFcrdns(targets: readonly FcrdnsTarget[], resolver: DnsResolver, options: FcrdnsOptions = {}): Promise<FcrdnsReport> {
  let done = 0;
  let refused = 0;
  const results = await mapPool(targets, options.parallel ?? 256, async (target): Promise<FcrdnsResult> => {
    const answer = await resolver.lookup(target.ptr, target.ip.version === 4 ? 'A' : 'AAAA');
    if (answer.outcome === 'refused') refused++;
    const { status, addresses } = statusOf(target.ipText, answer);
    options.onProgress?.(++done, targets.length);
    return answer.detail && status !== 'pass' ? { target, status, addresses, detail: answer.detail } : { target, status, addresses };
  });
  const passed = results.filter((r) => r.status === 'pass').length;
  const silent = results.filter((r) => r.status === 'timeout').length;
  // A server that refuses every query (authoritative-only, or an ACL) verified nothing either.
  const allRefused = refused > 0 && refused + silent === results.length;
  const unreachable = results.length > 0 && ((silent === results.length && resolver.stats().responses === 0) || allRefused);
  const diagnostics: Diagnostic[] = [];
  if (unreachable) {
    const servers = resolver.servers.length > 0 ? resolver.servers.join(', ') : 'the system resolvers';
    const why = allRefused
      ? `the DNS server refused every query (${servers}: REFUSED; it does not resolve these names for us: an authoritative-only server or an access list? use a recursive resolver)`
      : `no DNS server answered (${servers})`;
    diagnostics.push(diag('resolver.unreachable', `${why}: none of ${results.length} names could be checked; FCrDNS was not verified`, undefined, { value: resolver.servers.join(',') }));
    return { results, diagnostics, checked: results.length, passed, unreachable };
  }
  const severityFor = (status: FcrdnsStatus): 'error' | 'warning' => (status === 'servfail' || status === 'timeout') && !options.strict ? 'warning' : 'error';
  const findings: Finding[] = results
    .filter((r) => r.status !== 'pass')
    .map((r) => ({
      code: codeOf(r.status),
      severity: severityFor(r.status),
      ...(r.target.source === 'default' ? { group: GENERIC } : {}),
      file: r.target.file,
      block: r.target.block,
      pos: r.target.pos,
      ip: r.target.ipText,
      value: withoutTrailingDot(r.target.ptr),
      message: recordMessage(r),
      kind: r.status,
    }));
  diagnostics.push(...findingsToDiagnostics(findings, countGroups(targets.filter((t) => t.source === 'default').map((t) => ({ file: t.file, block: t.block, group: GENERIC })))));
  return { results, diagnostics: sortDiagnostics(diagnostics), checked: results.length, passed, unreachable };
}

const CODES: Readonly<Record<Exclude<FcrdnsStatus, 'pass'>, DiagnosticCode>> = {
  mismatch: 'fcrdns.mismatch',
  nxdomain: 'fcrdns.nxdomain',
  nodata: 'fcrdns.nodata',
  servfail: 'fcrdns.servfail',
  timeout: 'fcrdns.timeout',
};
const codeOf = (s: FcrdnsStatus): DiagnosticCode => CODES[s as Exclude<FcrdnsStatus, 'pass'>];

/** What a user reads for one failing name. */
export function recordMessage(r: FcrdnsResult): string {
  const name = withoutTrailingDot(r.target.ptr);
  const ip = r.target.ipText;
  const type = r.target.ip.version === 4 ? 'A' : 'AAAA';
  switch (r.status) {
    case 'pass':
      return `${ip} → ${name} → ${ip}`;
    case 'mismatch':
      return `${ip} → ${name}, but ${name} resolves to ${r.addresses.join(', ')}, not to ${ip}`;
    case 'nxdomain':
      return `${ip} → ${name}, but ${name} does not exist (NXDOMAIN); add "${name} ${type} ${ip}" to its zone or change the PTR`;
    case 'nodata':
      return `${ip} → ${name}, but ${name} has no ${type} record; add "${name} ${type} ${ip}"`;
    case 'servfail':
      return `${ip} → ${name}: could not verify, the DNS server failed to answer for ${name} (${r.detail?.split(':')[0] ?? 'SERVFAIL'})`;
    case 'timeout':
      return `${ip} → ${name}: could not verify, no answer for ${name} in time`;
  }
}
