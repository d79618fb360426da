/**
 * Coverage of the routed address space: "a PTR for every routed IP" starts with a block
 * file for every routed prefix. The routed prefixes come from rdns.yaml (`routed:`) or a
 * file of one prefix a line (a router's or an RIR's export). Pure: prefixes in, gaps out.
 */
import { diag, type Diagnostic, type SourcePos } from '../core/diagnostics.js';
import { bitsOf, formatPrefix, parsePrefix, prefixContains, prefixesOverlap, sizeOf, type IpPrefix } from '../core/ip.js';
import type { Block } from '../core/model.js';
import { addressCount } from '../core/text.js';

/** One routed prefix and where it was written (rdns.yaml or the --routed file). */
export interface RoutedPrefix {
  readonly prefix: IpPrefix;
  readonly pos?: SourcePos;
}

export interface RoutedCoverage {
  readonly prefix: string;
  readonly addresses: string;
  /** Addresses of the prefix inside some block file. */
  readonly covered: string;
  /** The parts with no block file, as the fewest prefixes. */
  readonly missing: readonly string[];
  readonly file?: string;
  readonly line?: number;
}

export interface UnroutedBlock {
  readonly block: string;
  readonly file: string;
  /** The parts of the block outside every routed prefix. */
  readonly outside: readonly string[];
}

export interface RoutedReport {
  readonly routed: readonly RoutedCoverage[];
  readonly unrouted: readonly UnroutedBlock[];
}

/** `prefix` minus every one of `cut`, as the fewest CIDR prefixes, in address order. */
export function subtractPrefixes(prefix: IpPrefix, cut: readonly IpPrefix[]): IpPrefix[] {
  const relevant = cut.filter((c) => prefixesOverlap(c, prefix));
  const out: IpPrefix[] = [];
  const walk = (p: IpPrefix, within: readonly IpPrefix[]): void => {
    if (within.length === 0) return void out.push(p);
    if (within.some((c) => prefixContains(c, p))) return;
    // Some cut lies strictly inside p: split it in halves.
    const half = p.length + 1;
    const bit = 1n << BigInt(bitsOf(p.version) - half);
    for (const h of [{ ...p, length: half }, { ...p, network: p.network | bit, length: half }]) walk(h, within.filter((c) => prefixesOverlap(c, h)));
  };
  walk(prefix, relevant);
  return out;
}

/** Parses a routed-prefix list (`--routed FILE`): one prefix a line, `#` comments and blank lines ignored. */
export function parseRoutedList(text: string, file: string): { prefixes: RoutedPrefix[]; diagnostics: Diagnostic[] } {
  const prefixes: RoutedPrefix[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const content = hash < 0 ? raw : raw.slice(0, hash);
    const t = content.trim();
    if (t === '') return;
    const column = content.indexOf(t) + 1;
    const pos = { file, line: i + 1, column };
    const p = parsePrefix(t);
    if (p.ok) prefixes.push({ prefix: p.value, pos });
    else diagnostics.push(diag('config.invalid', `routed prefix: ${p.reason}`, pos, { value: t }));
  });
  return { prefixes, diagnostics };
}

const sum = (ps: readonly IpPrefix[]): bigint => ps.reduce((n, p) => n + sizeOf(p), 0n);
const MAX_LISTED = 8;
const listed = (ps: readonly IpPrefix[]): string => `${ps.slice(0, MAX_LISTED).map(formatPrefix).join(', ')}${ps.length > MAX_LISTED ? `, … (${ps.length - MAX_LISTED} more)` : ''}`;

/**
 * Compares the routed prefixes with the block files: per routed prefix the parts no block
 * file covers (`coverage.missing`), and per block the parts outside every routed prefix
 * (`coverage.unrouted`: PTRs for space this network does not route). Both are warnings.
 */
export function routedCoverage(routed: readonly RoutedPrefix[], blocks: readonly Pick<Block, 'prefix' | 'file' | 'pos'>[]): { report: RoutedReport; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const blockPrefixes = blocks.map((b) => b.prefix);
  const rows: RoutedCoverage[] = routed.map((r) => {
    const missing = subtractPrefixes(r.prefix, blockPrefixes);
    const gap = sum(missing);
    const size = sizeOf(r.prefix);
    if (missing.length > 0) {
      const whole = gap === size;
      const what = whole ? 'no block file covers any of it' : `${addressCount(r.prefix.version, gap)} of it ${gap === 1n ? 'has' : 'have'} no block file: ${listed(missing)}`;
      diagnostics.push(diag('coverage.missing', `${formatPrefix(r.prefix)} is routed, but ${what}; those addresses have no PTR (create ${missing.length === 1 ? 'a block file' : 'block files'} for ${missing.length === 1 ? 'it' : 'them'}, e.g. with a default)`, r.pos, { value: formatPrefix(r.prefix) }));
    }
    return { prefix: formatPrefix(r.prefix), addresses: size.toString(), covered: (size - gap).toString(), missing: missing.map(formatPrefix), ...(r.pos ? { file: r.pos.file, line: r.pos.line } : {}) };
  });
  const unrouted: UnroutedBlock[] = [];
  if (routed.length > 0) {
    const routedPrefixes = routed.map((r) => r.prefix);
    for (const b of blocks) {
      const outside = subtractPrefixes(b.prefix, routedPrefixes);
      if (outside.length === 0) continue;
      unrouted.push({ block: formatPrefix(b.prefix), file: b.file, outside: outside.map(formatPrefix) });
      const all = sum(outside) === sizeOf(b.prefix);
      diagnostics.push(
        diag('coverage.unrouted', `${formatPrefix(b.prefix)}: ${all ? 'the block is' : `${listed(outside)} of the block ${outside.length === 1 ? 'is' : 'are'}`} outside every routed prefix; its PTRs name space this network does not route (add the prefix to routed:, or remove the block)`, b.pos, { value: formatPrefix(b.prefix) }),
      );
    }
  }
  return { report: { routed: rows, unrouted }, diagnostics };
}

/** The `routed:` prefixes of rdns.yaml (already validated by the loader). */
export function routedOfConfig(config: { readonly routed: readonly { readonly prefix: string; readonly pos: SourcePos }[] }): RoutedPrefix[] {
  return config.routed.flatMap((r) => {
    const p = parsePrefix(r.prefix);
    return p.ok ? [{ prefix: p.value, pos: r.pos }] : [];
  });
}
