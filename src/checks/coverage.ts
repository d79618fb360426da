/**
 * Coverage of a block by PTRs in git: records, and generic names of the block's, its
 * allocations' and its pools' templates. "A PTR for every routed IP" is what receiving
 * mail servers and traceroutes expect of IPv4 space; IPv6 space is named sparsely.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';
import { genericCountIn, namingRangeOf } from '../core/generic-names.js';
import { formatPrefix, sizeOf } from '../core/ip.js';
import type { Block } from '../core/model.js';

/** Addresses of a block with a PTR in git (records and generic names), and how many of them pools and allocations name. */
export function coverageOf(b: Block): { withPtr: bigint; poolNames: bigint } {
  const last = b.prefix.network + sizeOf(b.prefix) - 1n;
  const generic = genericCountIn(b, b.prefix.network, last);
  const poolNames = b.default ? genericCountIn({ ...b, default: undefined }, b.prefix.network, last) : generic;
  const outside = BigInt(b.records.filter((r) => !namingRangeOf(b, r.ip)).length);
  return { withPtr: generic + outside, poolNames };
}

/** `coverage.low` for IPv4 blocks whose records and templates give fewer than `minShare` of the addresses a PTR. */
export function coverageFindings(blocks: readonly Block[], minShare = 0.5): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const b of blocks) {
    if (b.prefix.version !== 4 || b.default) continue;
    const size = sizeOf(b.prefix);
    const { withPtr } = coverageOf(b);
    if (Number(withPtr) >= Number(size) * minShare) continue;
    const pct = Math.floor((Number(withPtr) * 1000) / Number(size)) / 10;
    out.push(
      diag('coverage.low', `${formatPrefix(b.prefix)}: ${withPtr} of ${size} addresses (${pct}%) have a PTR in git; the others have none in DNS. Add a default, or pools with their own default, for the rest`, b.pos, { value: String(pct) }),
    );
  }
  return out;
}
