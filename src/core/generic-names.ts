/**
 * Which template names an address: pools and allocations with a `default` name their
 * sub-ranges, the block's `default` the rest. The most specific range wins (longest
 * prefix; at equal length a pool before an allocation before the block); a record always
 * wins over every template. Pure; the ranges of a block are computed once per block.
 */
import type { SourcePos } from './diagnostics.js';
import { formatPrefix, prefixContains, supernetOf, type IpAddress, sizeOf } from './ip.js';
import type { Block } from './model.js';
import { checkTemplate, genericNameOf, rangeBounds, rebaseTemplate, templateShape, type AddressRange } from './template.js';

export type NamingKind = 'pool' | 'allocation' | 'block';

/** One range of addresses and the template that names them. */
export interface NamedRange extends AddressRange {
  readonly kind: NamingKind;
  readonly template: string;
  readonly pos: SourcePos;
  readonly first: bigint;
  readonly last: bigint;
  /** Addresses in the range. */
  readonly size: bigint;
}

const KIND_ORDER: Record<NamingKind, number> = { pool: 0, allocation: 1, block: 2 };
const cache = new WeakMap<Block, readonly NamedRange[]>();

/** `pool 198.51.100.128/25 (every 2nd from +0)` — for messages. */
export function describeRange(r: Pick<NamedRange, 'kind' | 'prefix' | 'offset' | 'step' | 'count'>): string {
  const extra = [
    r.offset ? `from +${r.offset}` : '',
    r.step && r.step !== 1n ? `every ${r.step}${r.step === 2n ? 'nd' : r.step === 3n ? 'rd' : 'th'}` : '',
    r.count !== undefined ? `${r.count} addresses` : '',
  ].filter(Boolean);
  return `${r.kind} ${formatPrefix(r.prefix)}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

export function namedRange(kind: NamingKind, template: string, range: AddressRange, pos: SourcePos): NamedRange {
  const b = rangeBounds(range);
  return { kind, template, pos, prefix: range.prefix, offset: range.offset, step: range.step, count: range.count, first: b.first, last: b.last, size: b.count };
}

/** Every templated range of a block, most specific first. */
export function namedRangesOf(block: Block): readonly NamedRange[] {
  const hit = cache.get(block);
  if (hit) return hit;
  const list: NamedRange[] = [];
  for (const p of block.pools ?? []) list.push(namedRange('pool', p.default, p, p.pos));
  for (const a of block.allocations) if (a.default) list.push(namedRange('allocation', a.default, { prefix: a.prefix }, a.pos));
  if (block.default) list.push(namedRange('block', block.default, { prefix: block.prefix }, block.pos));
  list.sort((x, y) => y.prefix.length - x.prefix.length || KIND_ORDER[x.kind] - KIND_ORDER[y.kind]);
  cache.set(block, list);
  return list;
}

/** Whether the range holds address value `v`. */
export function rangeHas(r: NamedRange, v: bigint): boolean {
  if (v < r.first || v > r.last) return false;
  const step = r.step ?? 1n;
  return step === 1n || (v - r.first) % step === 0n;
}

/** The range whose template names `ip` (records aside), if any. */
export function namingRangeOf(block: Block, ip: IpAddress): NamedRange | undefined {
  for (const r of namedRangesOf(block)) if (rangeHas(r, ip.value)) return r;
  return undefined;
}

/** The generic PTR of `ip` from the most specific template, ignoring records. */
export function genericPtrOf(block: Block, ip: IpAddress): { ptr: string; range: NamedRange } | undefined {
  const r = namingRangeOf(block, ip);
  return r ? { ptr: genericNameOf(r.template, ip, r.prefix), range: r } : undefined;
}

/** Whether any template (block, allocation or pool) gives names in this block. */
export const hasGenericNames = (block: Block): boolean => namedRangesOf(block).length > 0;

/** Addresses of `r` inside [lo, hi]. */
export function countInRange(r: NamedRange, lo: bigint, hi: bigint): bigint {
  const from = lo > r.first ? lo : r.first;
  const to = hi < r.last ? hi : r.last;
  if (r.size === 0n || from > to) return 0n;
  const step = r.step ?? 1n;
  const kmin = (from - r.first + step - 1n) / step;
  const kmax = (to - r.first) / step;
  return kmax >= kmin ? kmax - kmin + 1n : 0n;
}

/** Address values of `r` inside [lo, hi], ascending. */
export function* addressesInRange(r: NamedRange, lo: bigint, hi: bigint): Generator<bigint> {
  if (r.size === 0n) return;
  const step = r.step ?? 1n;
  const from = lo > r.first ? lo : r.first;
  let v = r.first + ((from - r.first + step - 1n) / step) * step;
  const to = hi < r.last ? hi : r.last;
  for (; v <= to; v += step) yield v;
}

const ENUMERATE_LIMIT = 1n << 20n;

/**
 * How many addresses of [lo, hi] get a generic name. Exact when a block-wide default
 * covers them or the ranges hold at most 2^20 addresses there; beyond that the sum of the
 * ranges (an upper bound when pools nest).
 */
export function genericCountIn(block: Block, lo: bigint, hi: bigint): bigint {
  const ranges = namedRangesOf(block);
  const whole = ranges.find((r) => r.kind === 'block');
  if (whole) return countInRange(whole, lo, hi);
  let sum = 0n;
  for (const r of ranges) sum += countInRange(r, lo, hi);
  if (sum > ENUMERATE_LIMIT || ranges.length <= 1) return sum;
  const seen = new Set<bigint>();
  for (const r of ranges) for (const v of addressesInRange(r, lo, hi)) seen.add(v);
  return BigInt(seen.size);
}

/** Address values in [lo, hi] that get a generic name, ascending (callers bound the span). */
export function genericAddressesIn(block: Block, lo: bigint, hi: bigint): bigint[] {
  const ranges = namedRangesOf(block);
  if (ranges.some((r) => r.kind === 'block')) {
    const out: bigint[] = [];
    const from = lo > block.prefix.network ? lo : block.prefix.network;
    const last = block.prefix.network + sizeOf(block.prefix) - 1n;
    for (let v = from; v <= hi && v <= last; v++) out.push(v);
    return out;
  }
  const seen = new Set<bigint>();
  for (const r of ranges) for (const v of addressesInRange(r, lo, hi)) seen.add(v);
  return [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function egcd(a: bigint, b: bigint): [bigint, bigint, bigint] {
  if (b === 0n) return [a, 1n, 0n];
  const [g, x, y] = egcd(b, a % b);
  return [g, y, x - (a / b) * y];
}
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

/** The lowest address two ranges share, if any (solved as congruences, never enumerated). */
export function firstSharedAddress(x: NamedRange, y: NamedRange): bigint | undefined {
  if (x.size === 0n || y.size === 0n) return undefined;
  const lo = x.first > y.first ? x.first : y.first;
  const hi = x.last < y.last ? x.last : y.last;
  if (lo > hi) return undefined;
  const s1 = x.step ?? 1n;
  const s2 = y.step ?? 1n;
  // v ≡ x.first (mod s1), v ≡ y.first (mod s2)
  const [g, p] = egcd(s1, s2);
  const diff = y.first - x.first;
  if (diff % g !== 0n) return undefined;
  const l = (s1 / g) * s2;
  const v0 = mod(x.first + s1 * mod((diff / g) * p, s2 / g), l);
  const v = v0 + ((lo - v0 + l - 1n) / l) * l;
  const first = v < lo ? v + l : v;
  return first <= hi ? first : undefined;
}

/**
 * Whether two ranges' templates are one naming scheme: the same template over their
 * common prefix (after counting `{host}` from there) that encodes every bit varying in it.
 * Then they cannot give two addresses the same name.
 */
export function oneTemplate(x: NamedRange, y: NamedRange): boolean {
  let common = x.prefix;
  while (!prefixContains(common, y.prefix)) common = supernetOf({ version: common.version, value: common.network }, common.length - 1);
  const tx = rebaseTemplate(x.template, x.prefix, common);
  const ty = rebaseTemplate(y.template, y.prefix, common);
  // Checked over the addresses from the first range's start to the last one's end.
  const first = x.first < y.first ? x.first : y.first;
  const last = x.last > y.last ? x.last : y.last;
  return tx === ty && checkTemplate(tx, { prefix: common, offset: first - common.network, count: last - first + 1n }).ok;
}

/** Whether two ranges' templates may give the same name to two addresses (same shape, not one scheme, not both network-wide). */
export function mayCollide(x: NamedRange, y: NamedRange): boolean {
  if (templateShape(x.template) !== templateShape(y.template)) return false;
  const cx = checkTemplate(x.template, x);
  const cy = checkTemplate(y.template, y);
  if (cx.ok && cy.ok && cx.coversNetwork && cy.coversNetwork) return false;
  return !oneTemplate(x, y);
}

/**
 * The first address of [lo, hi] whose generic name differs between two versions of a
 * block (addresses with a record on either side aside: their records decide), or
 * undefined when every name stays. Compared by range: when the same ranges with the same
 * templates cover [lo, hi] on both sides, nothing is enumerated; otherwise only the
 * addresses of the ranges that differ are compared, stopping at the first renamed one.
 */
export function firstRenamedAddress(before: Block, after: Block, lo: bigint, hi: bigint): bigint | undefined {
  const keyOf = (r: NamedRange): string => `${r.kind} ${r.template} ${r.first} ${r.last} ${r.step ?? 1n}`;
  const inSpan = (b: Block): NamedRange[] => namedRangesOf(b).filter((r) => countInRange(r, lo, hi) > 0n);
  const x = inSpan(before);
  const y = inSpan(after);
  const kx = x.map(keyOf);
  const ky = y.map(keyOf);
  if (kx.length === ky.length && kx.every((k, i) => k === ky[i])) return undefined;
  const setX = new Set(kx);
  const setY = new Set(ky);
  // A range that differs but is covered, within the span, by a more specific range both sides share names nothing there.
  const shared = x.filter((r) => setY.has(keyOf(r)) && (r.step ?? 1n) === 1n);
  const outranks = (s: NamedRange, r: NamedRange): boolean => s.prefix.length > r.prefix.length || (s.prefix.length === r.prefix.length && KIND_ORDER[s.kind] < KIND_ORDER[r.kind]);
  const shadowed = (r: NamedRange): boolean => {
    const from = lo > r.first ? lo : r.first;
    const to = hi < r.last ? hi : r.last;
    return shared.some((s) => outranks(s, r) && s.first <= from && s.last >= to);
  };
  const differing = [...x.filter((r) => !setY.has(keyOf(r))), ...y.filter((r) => !setX.has(keyOf(r)))].filter((r) => !shadowed(r));
  const recorded = new Set<bigint>();
  for (const b of [before, after]) for (const r of b.records) if (r.ip.value >= lo && r.ip.value <= hi) recorded.add(r.ip.value);
  const version = before.prefix.version;
  const seen = new Set<bigint>();
  for (const r of differing) {
    for (const v of addressesInRange(r, lo, hi)) {
      if (recorded.has(v) || seen.has(v)) continue;
      seen.add(v);
      const ip: IpAddress = { version, value: v };
      const rx = namingRangeOf(before, ip);
      const ry = namingRangeOf(after, ip);
      // Named by the same range with the same template on both sides: the same name, no need to render it.
      if (rx && ry && sameRange(rx, ry)) continue;
      if (genericPtrOf(before, ip)?.ptr !== genericPtrOf(after, ip)?.ptr) return v;
    }
  }
  return undefined;
}

const sameRange = (x: NamedRange, y: NamedRange): boolean => x.kind === y.kind && x.template === y.template && x.first === y.first && x.last === y.last && (x.step ?? 1n) === (y.step ?? 1n);
