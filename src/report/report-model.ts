/**
 * The data behind `rdns report` and `rdns serve`: every block with its coverage, a
 * 16×16 grid per IPv4 /24 and, for IPv6, the allocated /64s and the addresses that
 * have records; per address its PTR, source, owners, note and last change. Plain JSON,
 * compact enough to inline 65,536 addresses into one HTML page (grids are strings of
 * state letters and arrays of names, details are sparse).
 */
import { routedCoverage, type RoutedPrefix, type RoutedReport } from '../checks/routed.js';
import { compareIp, formatIp, formatPrefix, parseIp, prefixContainsIp, sizeOf, supernetOf, type IpAddress, type IpPrefix } from '../core/ip.js';
import { withoutTrailingDot } from '../core/hostname.js';
import type { Block, PtrRecord } from '../core/model.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { ownersOf } from '../policy/ownership.js';
import { effectiveRecords, type ZoneContents, type ZoneRecord } from '../render/zone-records.js';
import type { CommitRef, FileChanges } from '../git/last-change.js';
import type { Repository } from '../loader/repository.js';
import { addressStateOf, STATE_CODE, type AddressState } from './address-state.js';
import type { AddressFinding, FindingsFile } from './findings.js';

/** Commit as [hash, author, ISO date, subject, PR number or 0]. */
export type CommitRow = [string, string, string, string, number];

/** Detail of a cell that is not implied by its grid: [ttl or 0, note, line in the block file, commit index or -1]. */
export type RecordDetail = [number, string, number, number];

export interface GridData {
  /** The /24 (IPv4) shown, e.g. `198.51.100.0/24`. */
  readonly prefix: string;
  /** First three octets with the dot: the address of cell i is `${base}${i}`. */
  readonly base: string;
  /** 256 state letters (see STATE_CODE; `.` outside the block). */
  readonly states: string;
  /** PTR per cell without the trailing dot, '' for none. */
  readonly ptrs: string[];
  /** Index into ReportData.owners per cell run: [[firstCell, ownersIndex], …]. */
  readonly owners: [number, number][];
  /** Cell → record detail (own records only). */
  readonly records: Record<number, RecordDetail>;
  /** Cell → findings [code, message][]. */
  readonly findings: Record<number, [string, string][]>;
}

export interface V6Address {
  readonly ip: string;
  readonly state: string;
  readonly ptr: string;
  readonly owners: number;
  readonly record?: RecordDetail;
  readonly findings?: [string, string][];
}

export interface V6Net {
  /** An allocated prefix (its own row when /64 or larger) or the /64 that holds records. */
  readonly prefix: string;
  /** Allocation account, when the row is or lies in an allocation. */
  readonly account?: string;
  readonly delegated: boolean;
  readonly owners: number;
  readonly addresses: V6Address[];
}

export interface BlockData {
  readonly file: string;
  readonly prefix: string;
  readonly version: 4 | 6;
  readonly description?: string;
  readonly owners: string[];
  readonly default?: string;
  readonly ttl: number;
  /** Decimal (an IPv6 block's size does not fit a number). */
  readonly size: string;
  /** Addresses per state (decimal strings) and their share of the block (0…1). */
  readonly counts: Record<AddressState, string>;
  readonly shares: Record<AddressState, number>;
  readonly allocations: { prefix: string; account?: string; owners: string[]; delegateTo?: string[] }[];
  /** Commit index of the last change of the `default:` line (generic names' last change), or -1. */
  readonly defaultChange: number;
  readonly fileChange: number;
  readonly grids: GridData[];
  /** /24s of the block not drawn (blocks larger than a /16 show only /24s with records or allocations). */
  readonly gridsOmitted: number;
  readonly nets: V6Net[];
}

export interface ReportData {
  readonly generatedAt: string;
  readonly findingsSource?: string;
  readonly blocks: BlockData[];
  readonly commits: CommitRow[];
  /** Distinct owner lists, referenced by index. */
  readonly owners: string[][];
  /** Per address family (an IPv6 /48 would drown the IPv4 figures). */
  readonly totals: { readonly v4: Totals; readonly v6: Totals };
  /** Findings of loading the repository (errors make some blocks missing). */
  readonly problems: { code: string; message: string; file?: string; line?: number }[];
  /** Routed prefixes against the block files (when routed prefixes were given): the parts without a block file, and blocks outside them. */
  readonly routed?: RoutedReport;
}

export type Totals = Record<AddressState, string> & { addresses: string; blocks: number };

export interface ReportInput {
  readonly repo: Repository;
  readonly lastChanges?: ReadonlyMap<string, FileChanges>;
  readonly findings?: FindingsFile;
  readonly now?: Date;
  /** The routed prefixes (rdns.yaml `routed:` or --routed); compared with every block only when the whole repository is loaded. */
  readonly routed?: readonly RoutedPrefix[];
}

const STATES: readonly AddressState[] = ['record', 'default', 'delegated', 'fcrdns', 'drift', 'pending', 'none'];
/** Blocks up to this many /24s draw all of them (a /16); larger ones only those with content. */
const MAX_FULL_GRIDS = 256;
const MAX_GRIDS = 4096;

/** Builds the report data of a loaded repository. */
export function buildReportData(input: ReportInput): ReportData {
  const { repo } = input;
  const zones = effectiveRecords(repo);
  const commits: CommitRow[] = [];
  const commitIndex = new Map<string, number>();
  const commitOf = (c: CommitRef | undefined): number => {
    if (!c) return -1;
    let i = commitIndex.get(c.commit);
    if (i === undefined) {
      i = commits.push([c.commit, c.author, c.date, c.subject, c.pr ?? 0]) - 1;
      commitIndex.set(c.commit, i);
    }
    return i;
  };
  const ownerLists: string[][] = [];
  const ownerIndex = new Map<string, number>();
  const ownersRef = (list: readonly string[]): number => {
    const key = list.join(' ');
    let i = ownerIndex.get(key);
    if (i === undefined) {
      i = ownerLists.push([...list]) - 1;
      ownerIndex.set(key, i);
    }
    return i;
  };
  const byBlock = recordsByBlock(repo.blocks, zones);
  const sums = { 4: { counts: Object.fromEntries(STATES.map((s) => [s, 0n])) as Record<AddressState, bigint>, addresses: 0n, blocks: 0 }, 6: { counts: Object.fromEntries(STATES.map((s) => [s, 0n])) as Record<AddressState, bigint>, addresses: 0n, blocks: 0 } };
  const blocks = repo.blocks.map((block) => {
    const changes = input.lastChanges?.get(block.file);
    const data = blockData(block, byBlock.get(block.file) ?? [], { changes, findings: input.findings?.byIp, commitOf, ownersRef, config: { ttl: repo.config.defaultTtl } });
    const sum = sums[block.prefix.version];
    for (const s of STATES) sum.counts[s] += BigInt(data.counts[s]);
    sum.addresses += BigInt(data.size);
    sum.blocks++;
    return data;
  });
  return {
    generatedAt: (input.now ?? new Date()).toISOString(),
    findingsSource: input.findings?.source,
    blocks,
    commits,
    owners: ownerLists,
    totals: { v4: totalsOf(sums[4]), v6: totalsOf(sums[6]) },
    problems: repo.diagnostics.filter((d) => d.severity === 'error').slice(0, 200).map(problemOf),
    ...(input.routed && input.routed.length > 0 ? { routed: routedCoverage(input.routed, repo.blocks).report } : {}),
  };
}

const totalsOf = (sum: { counts: Record<AddressState, bigint>; addresses: bigint; blocks: number }): Totals => ({
  ...(Object.fromEntries(STATES.map((s) => [s, sum.counts[s].toString()])) as Record<AddressState, string>),
  addresses: sum.addresses.toString(),
  blocks: sum.blocks,
});

const problemOf = (d: Diagnostic): ReportData['problems'][number] => ({ code: d.code, message: d.message, file: d.file, line: d.line });

/** A PTR the render model gives an address, with the zone it sits in. */
interface Placed {
  readonly ip: IpAddress;
  readonly record: ZoneRecord;
  readonly zone: ZoneContents;
}

/**
 * The render model's PTRs (and RFC 2317 CNAMEs) per block file. Zones shared by several
 * blocks hold all their records, so each record goes to the block that contains it.
 */
function recordsByBlock(blocks: readonly Block[], zones: readonly ZoneContents[]): Map<string, Placed[]> {
  const sorted = [...blocks].sort((a, b) => (a.prefix.version - b.prefix.version) || (a.prefix.network < b.prefix.network ? -1 : a.prefix.network > b.prefix.network ? 1 : 0));
  const find = (ip: IpAddress): Block | undefined => {
    let lo = 0;
    let hi = sorted.length - 1;
    let best: Block | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = sorted[mid]!;
      if (b.prefix.version < ip.version || (b.prefix.version === ip.version && b.prefix.network <= ip.value)) {
        best = b;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best && prefixContainsIp(best.prefix, ip) ? best : undefined;
  };
  const out = new Map<string, Placed[]>();
  let last: Block | undefined;
  for (const zone of zones) {
    for (const record of zone.records) {
      if (record.type === 'NS' || record.ip === undefined) continue;
      const ip = record.at;
      const block = last && prefixContainsIp(last.prefix, ip) ? last : find(ip);
      if (!block) continue;
      last = block;
      const list = out.get(block.file) ?? [];
      if (list.length === 0) out.set(block.file, list);
      list.push({ ip, record, zone });
    }
  }
  for (const list of out.values()) list.sort((a, b) => compareIp(a.ip, b.ip) || (a.record.type === 'CNAME' ? 1 : 0) - (b.record.type === 'CNAME' ? 1 : 0));
  return out;
}

interface BlockContext {
  readonly changes?: FileChanges;
  readonly findings?: ReadonlyMap<string, AddressFinding[]>;
  readonly commitOf: (c: CommitRef | undefined) => number;
  readonly ownersRef: (list: readonly string[]) => number;
  readonly config: { ttl: number };
}

function blockData(block: Block, placed: readonly Placed[], ctx: BlockContext): BlockData {
  const recordsByIp = new Map<bigint, PtrRecord>(block.records.map((r) => [r.ip.value, r]));
  // The PTR per address: the customer's own PTR in a delegated child zone beats the parent's CNAME.
  const byIp = new Map<bigint, Placed>();
  for (const p of placed) {
    const had = byIp.get(p.ip.value);
    if (!had || (had.record.type === 'CNAME' && p.record.type === 'PTR')) byIp.set(p.ip.value, p);
  }
  const delegated = block.allocations.filter((a) => a.delegateTo && a.delegateTo.length > 0);
  const defaultChange = ctx.commitOf(ctx.changes?.defaultChange);
  const fileChange = ctx.commitOf(ctx.changes?.fileChange);
  const findingsOf = (ip: IpAddress): AddressFinding[] | undefined => ctx.findings?.get(formatIp(ip));
  const stateAt = (ip: IpAddress, p: Placed | undefined): AddressState => {
    // An allocation with delegate_to is served by the customer's name servers, also where the render model has no record for it (IPv6 NS delegations).
    const delegation = delegated.find((a) => prefixContainsIp(a.prefix, ip));
    return addressStateOf(p?.record, delegation ? { delegatedTo: delegation.delegateTo } : p?.zone, findingsOf(ip));
  };
  const detailOf = (ip: IpAddress, state: AddressState): RecordDetail | undefined => {
    const r = recordsByIp.get(ip.value);
    if (r) return [r.ttl ?? 0, r.note ?? '', r.pos.line, ctx.commitOf(ctx.changes?.records.get(r.ipText))];
    // A reset record: the generic name or no PTR since the commit that removed it.
    const removed = ctx.changes?.records.get(formatIp(ip));
    if (removed && state !== 'delegated') return [0, '', 0, ctx.commitOf(removed)];
    return undefined;
  };
  const findingRows = (ip: IpAddress): [string, string][] | undefined => findingsOf(ip)?.map((f) => [f.code, f.message]);

  const counts = Object.fromEntries(STATES.map((s) => [s, 0n])) as Record<AddressState, bigint>;
  const size = sizeOf(block.prefix);
  const grids: GridData[] = [];
  const nets: V6Net[] = [];
  let gridsOmitted = 0;

  if (block.prefix.version === 4) {
    const first24 = supernetOf({ version: 4, value: block.prefix.network }, Math.min(24, block.prefix.length));
    const count24 = block.prefix.length >= 24 ? 1 : 1 << (24 - block.prefix.length);
    const wanted = (net: bigint): boolean => {
      if (count24 <= MAX_FULL_GRIDS) return true;
      const p: IpPrefix = { version: 4, network: net, length: 24 };
      return block.records.some((r) => prefixContainsIp(p, r.ip)) || block.allocations.some((a) => prefixContainsIp(p, { version: 4, value: a.prefix.network }));
    };
    for (let g = 0; g < count24; g++) {
      const net = (first24.network & ~255n) + BigInt(g) * 256n;
      if (grids.length >= MAX_GRIDS || !wanted(net)) {
        gridsOmitted++;
        continue;
      }
      let states = '';
      const ptrs: string[] = new Array<string>(256).fill('');
      const owners: [number, number][] = [];
      const records: Record<number, RecordDetail> = {};
      const findings: Record<number, [string, string][]> = {};
      let lastOwners = -1;
      for (let i = 0; i < 256; i++) {
        const ip: IpAddress = { version: 4, value: net + BigInt(i) };
        if (!prefixContainsIp(block.prefix, ip)) {
          states += '.';
          continue;
        }
        const p = byIp.get(ip.value);
        const state = stateAt(ip, p);
        states += STATE_CODE[state];
        if (p && p.record.type === 'PTR') ptrs[i] = withoutTrailingDot(p.record.value);
        const o = ctx.ownersRef(ownersOf(block, ip));
        if (o !== lastOwners) owners.push([i, (lastOwners = o)]);
        const d = detailOf(ip, state);
        if (d) records[i] = d;
        const f = findingRows(ip);
        if (f) findings[i] = f;
      }
      grids.push({ prefix: `${formatIp({ version: 4, value: net })}/24`, base: formatIp({ version: 4, value: net }).replace(/\d+$/, ''), states, ptrs, owners, records, findings });
    }
    // Counts from the drawn cells, plus what the omitted /24s hold.
    for (const g of grids) for (const ch of g.states) if (ch !== '.') counts[stateOfCode(ch)]++;
    if (gridsOmitted > 0) countUndrawn(block, byIp, stateAt, grids, counts);
  } else {
    const rows = new Map<string, { network: bigint; row: V6Net }>();
    const rowOf = (prefix: IpPrefix): V6Net => {
      const key = formatPrefix(prefix);
      let entry = rows.get(key);
      if (!entry) {
        const alloc = block.allocations.find((a) => prefixContainsIp(a.prefix, { version: 6, value: prefix.network }));
        const row: V6Net = { prefix: key, account: alloc?.account, delegated: Boolean(alloc?.delegateTo?.length), owners: ctx.ownersRef(ownersOf(block, { version: 6, value: prefix.network })), addresses: [] };
        entry = { network: prefix.network, row };
        rows.set(key, entry);
      }
      return entry.row;
    };
    for (const a of block.allocations) rowOf(a.prefix.length <= 64 ? a.prefix : supernetOf({ version: 6, value: a.prefix.network }, 64));
    const rowFor = (ip: IpAddress): V6Net => {
      const alloc = block.allocations.find((a) => a.prefix.length <= 64 && prefixContainsIp(a.prefix, ip));
      return rowOf(alloc ? alloc.prefix : supernetOf(ip, 64));
    };
    // Addresses with a PTR in the render model, records it could not render, and addresses with findings.
    const listedIps = new Map<bigint, Placed | undefined>();
    for (const [v, p] of byIp) listedIps.set(v, p);
    for (const r of block.records) if (!listedIps.has(r.ip.value)) listedIps.set(r.ip.value, undefined);
    for (const f of ctx.findings?.keys() ?? []) {
      const ip = parseIp(f);
      if (ip.ok && ip.value.version === 6 && prefixContainsIp(block.prefix, ip.value) && !listedIps.has(ip.value.value)) listedIps.set(ip.value.value, undefined);
    }
    const ordered = [...listedIps.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const v of ordered) {
      const ip: IpAddress = { version: 6, value: v };
      const p = listedIps.get(v);
      const own = recordsByIp.get(v);
      const state = p ? stateAt(ip, p) : own ? 'record' : stateAt(ip, undefined);
      counts[state]++;
      const d = detailOf(ip, state);
      const f = findingRows(ip);
      rowFor(ip).addresses.push({
        ip: formatIp(ip),
        state: STATE_CODE[state],
        ptr: p && p.record.type === 'PTR' ? withoutTrailingDot(p.record.value) : own ? withoutTrailingDot(own.ptr) : '',
        owners: ctx.ownersRef(ownersOf(block, ip)),
        ...(d ? { record: d } : {}),
        ...(f ? { findings: f } : {}),
      });
    }
    nets.push(...[...rows.entries()].sort(([, a], [, b]) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0)).map(([, r]) => r.row));
    // Addresses not listed: delegated allocations, then the default (or nothing).
    let listed = 0n;
    for (const s of STATES) listed += counts[s];
    let delegatedRest = 0n;
    for (const a of delegated) delegatedRest += sizeOf(a.prefix) - BigInt(ordered.filter((v) => prefixContainsIp(a.prefix, { version: 6, value: v })).length);
    counts.delegated += delegatedRest;
    const rest = size - listed - delegatedRest;
    if (block.default) counts.default += rest;
    else counts.none += rest;
  }
  const shares = Object.fromEntries(STATES.map((s) => [s, shareOf(counts[s], size)])) as Record<AddressState, number>;
  return {
    file: block.file,
    prefix: formatPrefix(block.prefix),
    version: block.prefix.version,
    description: block.description,
    owners: [...block.owners],
    default: block.default,
    ttl: block.ttl ?? ctx.config.ttl,
    size: size.toString(),
    counts: Object.fromEntries(STATES.map((s) => [s, counts[s].toString()])) as Record<AddressState, string>,
    shares,
    allocations: block.allocations.map((a) => ({ prefix: formatPrefix(a.prefix), account: a.account, owners: [...a.owners], ...(a.delegateTo ? { delegateTo: [...a.delegateTo] } : {}) })),
    defaultChange,
    fileChange,
    grids,
    gridsOmitted,
    nets,
  };
}

const CODE_STATE = Object.fromEntries(Object.entries(STATE_CODE).map(([k, v]) => [v, k])) as Record<string, AddressState>;
const stateOfCode = (ch: string): AddressState => CODE_STATE[ch] ?? 'none';

/** Share of `part` in `whole` as a float, exact enough for a bar (bigints of /48s do not fit a number). */
function shareOf(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  return Number((part * 1_000_000n) / whole) / 1_000_000;
}

/** Counts of the addresses of /24s not drawn (blocks larger than a /16): their records, delegations and the rest. */
function countUndrawn(block: Block, byIp: ReadonlyMap<bigint, Placed>, stateAt: (ip: IpAddress, p: Placed | undefined) => AddressState, grids: readonly GridData[], counts: Record<AddressState, bigint>): void {
  const drawn = new Set(grids.map((g) => g.prefix));
  let listed = 0n;
  for (const [v, p] of byIp) {
    const ip: IpAddress = { version: 4, value: v };
    if (drawn.has(`${formatIp({ version: 4, value: v & ~255n })}/24`)) continue;
    counts[stateAt(ip, p)]++;
    listed++;
  }
  let drawnCells = 0n;
  for (const g of grids) for (const ch of g.states) if (ch !== '.') drawnCells++;
  const rest = sizeOf(block.prefix) - drawnCells - listed;
  if (block.default) counts.default += rest;
  else counts.none += rest;
}
