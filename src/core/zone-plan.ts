/**
 * Which reverse zones the repository's blocks map to, decided for all blocks at
 * once: a block smaller than the zone boundary shares the parent zone only when the
 * operator owns that parent (a block covers it, or the blocks inside it tile it and none
 * of them says `classless: true`).
 */
import { type IpPrefix, formatPrefix, prefixContains, sizeOf, supernetOf } from './ip.js';
import type { Block, Config } from './model.js';
import { type ZoneLayout, zoneLayoutOf } from './reverse.js';

/** Zone layout of every block, keyed by the block's file. */
export function planZones(blocks: readonly Block[], config: Pick<Config, 'boundaries'>): Map<string, ZoneLayout> {
  const byParent = new Map<string, Block[]>();
  const parentOf = (p: IpPrefix): IpPrefix => supernetOf({ version: p.version, value: p.network }, p.version === 4 ? config.boundaries.ipv4 : config.boundaries.ipv6);
  for (const b of blocks) {
    const key = formatPrefix(parentOf(b.prefix));
    const list = byParent.get(key);
    if (list) list.push(b);
    else byParent.set(key, [b]);
  }
  const owned = (b: Block): boolean => {
    if (b.classless !== undefined) return !b.classless;
    const parent = parentOf(b.prefix);
    const inside = (byParent.get(formatPrefix(parent)) ?? []).filter((o) => prefixContains(parent, o.prefix));
    if (inside.some((o) => o.prefix.length <= parent.length)) return true;
    // A sibling that says `classless: true` tells that the parent zone is someone else's.
    if (inside.some((o) => o.classless === true)) return false;
    const covered = inside.reduce((sum, o) => sum + sizeOf(o.prefix), 0n);
    return covered >= sizeOf(parent);
  };
  const out = new Map<string, ZoneLayout>();
  for (const b of blocks) out.set(b.file, zoneLayoutOf(b.prefix, config.boundaries, owned(b)));
  return out;
}
