/**
 * Recognises generic names in imported PTRs: when most addresses of a block are named
 * by one pattern (`198-51-100-7.dyn.example.net`, `host7.example.net`), the block gets
 * a `default` template instead of hundreds of record lines. Candidates come from
 * replacing a placeholder's rendering in sample names; the one that explains the most
 * PTRs wins, and it must pass the same checks as a hand-written template.
 */
import { formatIp, type IpPrefix } from '../core/ip.js';
import { checkTemplate, genericNameOf, renderTemplate } from '../core/template.js';
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
