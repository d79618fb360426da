/**
 * Recognises generic names in imported PTRs: when most addresses of a block are named
 * by one pattern (`198-51-100-7.dyn.example.net`, `host7.example.net`), the block gets
 * a `default` template instead of hundreds of record lines. Candidates come from
 * replacing a placeholder's rendering in sample names; the one that explains the most
 * PTRs wins, and it must pass the same checks as a hand-written template.
 */
import { compareIp, formatIp, type IpPrefix } from '../core/ip.js';
import { firstSharedAddress, mayCollide, namedRange, type NamedRange } from '../core/generic-names.js';
import { checkTemplate, genericNameOf, rebaseTemplate, renderTemplate } from '../core/template.js';
import type { ImportedPtr } from './reverse-ptrs.js';

export interface GenericProposal {
  readonly template: string;
  /** Addresses whose imported PTR equals the template's name (no record needed). */
  readonly matches: ReadonlySet<string>;
}

// Tried in this order; the first placeholder that reproduces a sample name is used.
const PATTERNS: readonly (readonly string[])[] = [['{dashed}'], ['{reversed}'], ['{hex}'], ['{d}', '{c}', '{b}', '{a}'], ['{a}', '{b}', '{c}', '{d}'], ['{host}'], ['{d}']];

/** Template candidates that a sample name suggests. */
function candidatesFor(p: ImportedPtr, block: IpPrefix): string[] {
  const name = p.ptr.replace(/\.$/, '');
  const out: string[] = [];
  for (const parts of PATTERNS) {
    if (parts.length > 1) {
      if (p.ip.version !== 4) continue;
      // Dotted forms: `7.100.51.198.example.net`.
      const rendered = parts.map((x) => renderTemplate(x, p.ip, block)).join('.');
      const at = name.indexOf(rendered);
      if (at >= 0) out.push(name.slice(0, at) + parts.join('.') + name.slice(at + rendered.length));
      continue;
    }
    const ph = parts[0]!;
    if (p.ip.version === 6 && ['{reversed}', '{d}', '{a}'].includes(ph)) continue;
    const rendered = renderTemplate(ph, p.ip, block).toLowerCase();
    if (rendered === '') continue;
    // Only whole tokens: `h7` may be {host} in `h7.example.net` but the 7 in `n17` is not.
    const re = new RegExp(`(^|[^0-9a-f])${rendered.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[^0-9a-f])`);
    const m = re.exec(name);
    if (m) out.push(name.slice(0, m.index + m[1]!.length) + ph + name.slice(m.index + m[0].length));
  }
  return out;
}

/**
 * Proposes a `default` template for the PTRs of `block` when one explains at least
 * `minShare` of them (default 0.5) and at least `minCount` (default 16). Undefined otherwise.
 */
export function detectGenericTemplate(ptrs: readonly ImportedPtr[], block: IpPrefix, options: { minShare?: number; minCount?: number } = {}): GenericProposal | undefined {
  const minShare = options.minShare ?? 0.5;
  const minCount = options.minCount ?? 16;
  if (ptrs.length < minCount) return undefined;
  const tried = new Set<string>();
  let best: GenericProposal | undefined;
  // A handful of samples spread over the block is enough to find the pattern.
  const step = Math.max(1, Math.floor(ptrs.length / 16));
  for (let i = 0; i < ptrs.length && tried.size < 64; i += step) {
    for (const t of candidatesFor(ptrs[i]!, block)) {
      if (tried.has(t)) continue;
      tried.add(t);
      if (!checkTemplate(t, block).ok) continue;
      const matches = new Set<string>();
      for (const p of ptrs) if (genericNameOf(t, p.ip, block) === p.ptr) matches.add(formatIp(p.ip));
      if (!best || matches.size > best.matches.size) best = { template: t, matches };
    }
  }
  if (!best || best.matches.size < minCount || best.matches.size < ptrs.length * minShare) return undefined;
  return best;
}

/** A pool proposed for a run of imported names (a `$GENERATE` line, or names that follow one pattern). */
export interface PoolProposal {
  readonly prefix: IpPrefix;
  readonly offset?: bigint;
  readonly step?: bigint;
  readonly count?: bigint;
  readonly template: string;
  readonly matches: ReadonlySet<string>;
  /** Where it came from: the `$GENERATE` line, else the first name of the run. */
  readonly source: { readonly file: string; readonly line: number };
  readonly fromGenerate: boolean;
}

/** Shortest run of names with one pattern that becomes a pool. */
export const MIN_RUN = 4;

/** The smallest prefix inside `block` holding [first, last], and the pool of every `step`-th address from first. */
function poolRange(block: IpPrefix, first: bigint, last: bigint, step: bigint, n: number): { prefix: IpPrefix; offset?: bigint; step?: bigint; count?: bigint } {
  const bits = block.version === 4 ? 32 : 128;
  let length = bits;
  const netOf = (len: number): bigint => (first >> BigInt(bits - len)) << BigInt(bits - len);
  while (length > block.length && !(last >= netOf(length) && last < netOf(length) + (1n << BigInt(bits - length)))) length--;
  const prefix: IpPrefix = { version: block.version, network: netOf(length), length };
  const end = prefix.network + (1n << BigInt(bits - length)) - 1n;
  const offset = first - prefix.network;
  return { prefix, ...(offset > 0n ? { offset } : {}), ...(step !== 1n ? { step } : {}), ...(last + step <= end ? { count: BigInt(n) } : {}) };
}

/** `{host+N:fmt}` text. */
function numberPlaceholder(name: string, add: bigint, base: string, width: number, v6: boolean): string {
  const b = base === 'X' ? 'x' : base;
  const fmt = v6 && name === 'host' ? `:${b}${width > 0 ? width : ''}` : b !== 'd' || width > 1 ? `:${b === 'd' ? '' : b}${width > 1 ? width : ''}` : '';
  return `{${name}${add === 0n ? '' : add > 0n ? `+${add}` : `${add}`}${fmt}}`;
}

/**
 * A `$GENERATE` right-hand side as a template, the iterator standing for `name + c`
 * (`{host}` of `prefix`, or an octet). Undefined for what templates cannot say (nibble
 * modifiers, literal `$`, braces).
 */
function templateOfGenerate(rhs: string, origin: string | undefined, name: string, c: bigint, v6: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < rhs.length; i++) {
    const ch = rhs[i]!;
    if (ch === '{' || ch === '}') return undefined;
    if (ch === '\\' && rhs[i + 1] === '$') return undefined;
    if (ch !== '$') {
      out += ch;
      continue;
    }
    if (rhs[i + 1] === '$') return undefined;
    if (rhs[i + 1] === '{') {
      const close = rhs.indexOf('}', i);
      const m = close < 0 ? null : /^([+-]?\d+)?(?:,(\d+))?(?:,([doxX]))?$/.exec(rhs.slice(i + 2, close));
      if (!m) return undefined;
      out += numberPlaceholder(name, c + BigInt(m[1] ?? 0), m[3] ?? 'd', Number(m[2] ?? 0), v6);
      i = close;
      continue;
    }
    out += numberPlaceholder(name, c, 'd', 0, v6);
  }
  if (!out.endsWith('.')) {
    if (!origin) return undefined;
    out = origin === '.' ? `${out}.` : `${out}.${origin}`;
  }
  return out.slice(0, -1);
}

function progression(list: readonly ImportedPtr[]): bigint | undefined {
  if (list.length < 2) return 1n;
  const step = list[1]!.ip.value - list[0]!.ip.value;
  for (let i = 2; i < list.length; i++) if (list[i]!.ip.value - list[i - 1]!.ip.value !== step) return undefined;
  return step > 0n ? step : undefined;
}

function verified(list: readonly ImportedPtr[], range: ReturnType<typeof poolRange>, template: string): boolean {
  if (!checkTemplate(template, range).ok) return false;
  return list.every((p) => genericNameOf(template, p.ip, range.prefix) === p.ptr);
}

/** The pool a `$GENERATE` line's PTRs describe, when a template reproduces every one of them. */
function poolOfGenerate(list: ImportedPtr[], block: IpPrefix): PoolProposal | undefined {
  list.sort((a, b) => compareIp(a.ip, b.ip));
  const step = progression(list);
  const g = list[0]?.generated;
  if (step === undefined || !g) return undefined;
  const range = poolRange(block, list[0]!.ip.value, list[list.length - 1]!.ip.value, step, list.length);
  const v6 = block.version === 6;
  // IPv4 octets first: they mean the same whatever the pool's prefix.
  const names: [string, (ip: bigint) => bigint][] = [];
  if (!v6) for (const [k, shift] of [['d', 0n], ['c', 8n], ['b', 16n], ['a', 24n]] as const) names.push([k, (v) => (v >> shift) & 255n]);
  names.push(['host', (v) => v - range.prefix.network]);
  // The iterator as a placeholder plus a constant; one with no constant (`$` is the last octet) reads best.
  const fits = names
    .map(([name, valueOf]) => ({ name, c: BigInt(g.value) - valueOf(list[0]!.ip.value), valueOf }))
    .filter(({ c, valueOf }) => list.every((p) => BigInt(p.generated!.value) - valueOf(p.ip.value) === c))
    .sort((x, y) => Number(x.c !== 0n) - Number(y.c !== 0n));
  for (const { name, c } of fits) {
    const template = templateOfGenerate(g.rhs, g.origin, name, c, v6);
    if (template && verified(list, range, template)) {
      return { ...range, template, matches: new Set(list.map((p) => p.ipText)), source: list[0]!.source, fromGenerate: true };
    }
  }
  return undefined;
}

/**
 * Pools for the PTRs of `block` that no block default explains: one per `$GENERATE` line
 * whose names a template reproduces, then one per run of at least {@link MIN_RUN}
 * addresses in arithmetic progression named by one pattern. Proposals that could give the
 * same names as another (or as `taken`, the block's default) are dropped.
 */
export function detectPools(ptrs: readonly ImportedPtr[], block: IpPrefix, taken: readonly NamedRange[] = []): PoolProposal[] {
  const out: PoolProposal[] = [];
  const byGenerate = new Map<string, ImportedPtr[]>();
  // Addresses a `$GENERATE` line names but a hand-written PTR overrides: part of the pool's range, not of its matches (they stay records).
  const overridden = new Set<string>();
  for (const p of ptrs) {
    const g = p.generated ?? p.overrides?.generated;
    if (!g) continue;
    const key = `${p.source.file}|${g.id}`;
    const list = byGenerate.get(key) ?? [];
    byGenerate.set(key, list);
    if (p.generated) list.push(p);
    else {
      list.push({ ...p, ptr: p.overrides!.ptr, generated: g });
      overridden.add(p.ipText);
    }
  }
  const used = new Set<string>();
  for (const list of byGenerate.values()) {
    const found = poolOfGenerate(list, block);
    if (!found) continue;
    const pool = { ...found, matches: new Set([...found.matches].filter((ip) => !overridden.has(ip))) };
    out.push(pool);
    for (const ip of found.matches) used.add(ip);
  }
  const rest = ptrs.filter((p) => !used.has(p.ipText)).sort((a, b) => compareIp(a.ip, b.ip));
  for (let i = 0; i < rest.length; ) {
    let best: { end: number; template: string } | undefined;
    for (const t of candidatesFor(rest[i]!, block)) {
      if (genericNameOf(t, rest[i]!.ip, block) !== rest[i]!.ptr) continue;
      let j = i + 1;
      const step = j < rest.length ? rest[j]!.ip.value - rest[i]!.ip.value : 0n;
      while (j < rest.length && rest[j]!.ip.value - rest[j - 1]!.ip.value === step && genericNameOf(t, rest[j]!.ip, block) === rest[j]!.ptr) j++;
      if (!best || j > best.end) best = { end: j, template: t };
    }
    if (!best || best.end - i < MIN_RUN) {
      i++;
      continue;
    }
    const run = rest.slice(i, best.end);
    const step = progression(run) ?? 1n;
    const range = poolRange(block, run[0]!.ip.value, run[run.length - 1]!.ip.value, step, run.length);
    const template = rebaseTemplate(best.template, block, range.prefix);
    if (verified(run, range, template)) out.push({ ...range, template, matches: new Set(run.map((p) => p.ipText)), source: run[0]!.source, fromGenerate: false });
    i = best.end;
  }
  // Two proposals that could name two addresses alike: the later one is dropped (its PTRs stay records).
  const kept: PoolProposal[] = [];
  const ranges: NamedRange[] = [...taken];
  for (const p of out) {
    const r = namedRange('pool', p.template, p, { file: p.source.file, line: p.source.line, column: 1 });
    if (ranges.some((o) => mayCollide(o, r) || (o.kind === 'pool' && o.prefix.length === r.prefix.length && o.prefix.network === r.prefix.network && firstSharedAddress(o, r) !== undefined))) continue;
    ranges.push(r);
    kept.push(p);
  }
  return kept;
}
