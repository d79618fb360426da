/**
 * The record-level plan between two revisions: pure, over the model of both sides.
 * Addresses are compared by value, so reordering a file, reformatting it, or writing
 * an IPv6 address in another notation is no change; a record that moves to another
 * file with the same PTR is a move, not a delete and an add.
 */
import type { BlockChange, ChangeCounts, ChangeKind, ChangeSet, DelegationChange, PtrState, RecordChange } from '../core/changeset.js';
import { compareIp, formatPrefix, prefixContainsIp, sizeOf, type IpAddress } from '../core/ip.js';
import type { Block, Config, PtrRecord } from '../core/model.js';
import { reverseZoneOf, reverseZonesOf, zoneCountOf, type ZoneLayout } from '../core/reverse.js';
import { genericCountIn, genericPtrOf, namingRangeOf } from '../core/generic-names.js';

/** One revision as the computation needs it (a {@link RevisionModel} from git/ fits). */
export interface ChangeSetSide {
  readonly rev: string;
  readonly config: Pick<Config, 'defaultTtl'>;
  readonly blocks: readonly Block[];
  readonly layouts: ReadonlyMap<string, ZoneLayout>;
  /** Files that did not load into a block at this revision. */
  readonly failed?: readonly string[];
}

export interface ChangeSetInput {
  readonly base: ChangeSetSide;
  readonly head: ChangeSetSide;
  /** Block files that differ, with both paths of renamed ones. Only their records are compared; other blocks are context. */
  readonly files: readonly string[];
  /** Base path → head path of renamed files: a record that only follows its file's rename did not move. */
  readonly renames?: ReadonlyMap<string, string>;
}

export const emptyCounts = (): ChangeCounts => ({ added: 0, changed: 0, reset: 0, removed: 0, moved: 0 });

/** Records that change what DNS answers (moves only change the file). */
export const dnsChangeCount = (c: ChangeCounts): number => c.added + c.changed + c.reset + c.removed;

interface Located {
  readonly rec: PtrRecord;
  readonly block: Block;
}

const keyOf = (ip: IpAddress): string => `${ip.version}:${ip.value.toString(16)}`;

/** Compares both sides; see {@link ChangeSet} for what each kind means. */
export function computeChangeSet(input: ChangeSetInput): ChangeSet {
  const { base, head } = input;
  const renames = input.renames ?? new Map<string, string>();
  const headPathOf = (baseFile: string): string => renames.get(baseFile) ?? baseFile;
  // A file broken on either side cannot be compared: its records would all look removed or added.
  const skipped = new Set<string>();
  const reverseRenames = new Map([...renames].map(([a, b]) => [b, a]));
  for (const f of base.failed ?? []) skipped.add(f).add(headPathOf(f));
  for (const f of head.failed ?? []) skipped.add(f).add(reverseRenames.get(f) ?? f);
  const usable = (b: Block): boolean => !skipped.has(b.file);

  // Only changed files can hold changed records; other blocks are context (defaults, zone sizes),
  // and may be loaded on one side only.
  const changedFiles = new Set(input.files);
  const index = (side: ChangeSetSide): Map<string, Located> => {
    const m = new Map<string, Located>();
    for (const block of side.blocks) if (usable(block) && changedFiles.has(block.file)) for (const rec of block.records) m.set(keyOf(rec.ip), { rec, block });
    return m;
  };
  const baseRecs = index(base);
  const headRecs = index(head);
  const headByFile = new Map(head.blocks.filter(usable).map((b) => [b.file, b]));
  const baseByFile = new Map(base.blocks.filter(usable).map((b) => [b.file, b]));

  const containing = (side: ChangeSetSide, byFile: Map<string, Block>, ip: IpAddress, hint?: string): Block | undefined => {
    const first = hint ? byFile.get(hint) : undefined;
    if (first && prefixContainsIp(first.prefix, ip)) return first;
    return side.blocks.find((b) => usable(b) && prefixContainsIp(b.prefix, ip));
  };
  const recordState = (side: ChangeSetSide, l: Located): PtrState => ({
    ptr: l.rec.ptr,
    ttl: l.rec.ttl ?? l.block.ttl ?? side.config.defaultTtl,
    source: 'record',
    file: l.block.file,
    pos: l.rec.pos,
  });
  const defaultState = (side: ChangeSetSide, block: Block | undefined, ip: IpAddress): PtrState | undefined =>
    block && genericPtrOf(block, ip) ? { ptr: genericPtrOf(block, ip)!.ptr, ttl: block.ttl ?? side.config.defaultTtl, source: 'default', file: block.file } : undefined;
  const same = (a: PtrState, b: PtrState): boolean => a.ptr === b.ptr && a.ttl === b.ttl;

  const changes: RecordChange[] = [];
  const push = (kind: ChangeKind, ip: IpAddress, ipText: string, old: PtrState | undefined, now: PtrState | undefined): void => {
    // A removal belongs to the block's file as it is now: a renamed file keeps one name in the counts and annotations.
    const file = now?.file ?? headPathOf(old!.file);
    const layout = now ? head.layouts.get(now.file) : base.layouts.get(old!.file);
    const zone = layout ? reverseZoneOf(ip, layout).name : '';
    const c: RecordChange = { kind, ip, ipText, zone, file, ...(old ? { old } : {}), ...(now ? { new: now } : {}) };
    changes.push(c);
  };

  for (const [key, b] of baseRecs) {
    const h = headRecs.get(key);
    const old = recordState(base, b);
    if (h) {
      const now = recordState(head, h);
      if (!same(old, now)) push('changed', b.rec.ip, b.rec.ipText, old, now);
      else if (headPathOf(old.file) !== now.file) push('moved', b.rec.ip, b.rec.ipText, old, now);
      continue;
    }
    const fallback = defaultState(head, containing(head, headByFile, b.rec.ip, headPathOf(b.block.file)), b.rec.ip);
    if (!fallback) push('removed', b.rec.ip, b.rec.ipText, old, undefined);
    else if (!same(old, fallback)) push('reset', b.rec.ip, b.rec.ipText, old, fallback);
  }
  for (const [key, h] of headRecs) {
    if (baseRecs.has(key)) continue;
    const now = recordState(head, h);
    const before = defaultState(base, containing(base, baseByFile, h.rec.ip, reverseRenames.get(h.block.file) ?? h.block.file), h.rec.ip);
    if (!before) push('added', h.rec.ip, h.rec.ipText, undefined, now);
    else if (!same(before, now)) push('changed', h.rec.ip, h.rec.ipText, before, now);
  }
  changes.sort((a, b) => compareIp(a.ip, b.ip));

  const counts = emptyCounts();
  const perBlock: Record<string, ChangeCounts> = {};
  const perZone: Record<string, ChangeCounts> = {};
  for (const c of changes) {
    counts[c.kind]++;
    (perBlock[c.file] ??= emptyCounts())[c.kind]++;
    (perZone[c.zone] ??= emptyCounts())[c.kind]++;
  }
  const baseZoneRecords: Record<string, number> = {};
  for (const b of base.blocks) {
    if (!usable(b)) continue;
    const layout = base.layouts.get(b.file);
    if (!layout) continue;
    for (const r of b.records) {
      const zone = reverseZoneOf(r.ip, layout).name;
      if (perZone[zone]) baseZoneRecords[zone] = (baseZoneRecords[zone] ?? 0) + 1;
    }
  }

  const blockChanges = diffBlocks(
    base.blocks.filter((b) => changedFiles.has(b.file) && usable(b)),
    head.blocks.filter((b) => changedFiles.has(b.file) && usable(b)),
    headPathOf,
  );
  // Every block on both sides (changed or a zone-sharing neighbour): did its reverse zones change?
  const headBlocks = new Map(head.blocks.filter(usable).map((b) => [b.file, b]));
  for (const b of base.blocks) {
    if (!usable(b)) continue;
    const h = headBlocks.get(headPathOf(b.file));
    const before = base.layouts.get(b.file);
    const after = h && head.layouts.get(h.file);
    if (!h || !before || !after || formatPrefix(b.prefix) !== formatPrefix(h.prefix)) continue;
    if (before.length === after.length && before.classless === after.classless) continue;
    const zoneMove = { from: zoneNames(before), to: zoneNames(after), records: h.records.length + genericCountOf(h) };
    const i = blockChanges.findIndex((c) => c.file === h.file);
    if (i >= 0) blockChanges[i] = { ...blockChanges[i]!, fields: [...blockChanges[i]!.fields, 'zone'], zoneMove };
    else blockChanges.push({ kind: 'modified', file: h.file, ...(h.file !== b.file ? { oldFile: b.file } : {}), prefix: formatPrefix(h.prefix), fields: ['zone'], pos: h.pos, zoneMove });
  }
  blockChanges.sort((a, b) => a.file.localeCompare(b.file));
  return {
    base: base.rev,
    head: head.rev,
    changes,
    counts,
    perBlock,
    perZone,
    baseZoneRecords,
    blockChanges,
    files: [...changedFiles].sort(),
    skipped: [...skipped].filter((f) => changedFiles.has(f)).sort(),
  };
}

/** The settings of a block as comparable text, one entry per top-level key (records excluded). */
function settingsOf(b: Block): Record<string, string> {
  return {
    prefix: formatPrefix(b.prefix),
    description: b.description ?? '',
    owners: b.owners.join(' '),
    ttl: String(b.ttl ?? ''),
    default: b.default ?? '',
    classless: String(b.classless ?? ''),
    zones: JSON.stringify(b.zones),
    forward: JSON.stringify(b.forward ?? null),
    allocations: JSON.stringify(b.allocations.map((a) => [formatPrefix(a.prefix), a.account, a.description, a.owners, a.delegateTo, a.default])),
    pools: JSON.stringify((b.pools ?? []).map((p) => [formatPrefix(p.prefix), String(p.offset ?? ''), String(p.step ?? ''), String(p.count ?? ''), p.default, p.description])),
  };
}

/** Addresses of a block answered by a template (block, allocation or pool `default`) rather than a record. */
function genericCountOf(b: Block): number {
  const last = b.prefix.network + sizeOf(b.prefix) - 1n;
  return Math.max(0, Number(genericCountIn(b, b.prefix.network, last)) - b.records.filter((r) => namingRangeOf(b, r.ip)).length);
}

/** Forward A/AAAA a block publishes: one per generic name outside delegated allocations. */
function forwardCountOf(b: Block): number {
  if (!b.forward || !b.default) return 0;
  const delegated = b.allocations.filter((a) => a.delegateTo && a.delegateTo.length > 0).reduce((n, a) => n + Number(sizeOf(a.prefix)), 0);
  return Math.max(0, genericCountOf(b) - delegated);
}

/** The first zone names of a layout, for messages (a big IPv6 block has many). */
function zoneNames(layout: ZoneLayout): string[] {
  const names = zoneCountOf(layout) <= 4n ? reverseZonesOf(layout).map((z) => z.name) : [reverseZoneOf({ version: layout.block.version, value: layout.block.network }, layout).name, '…'];
  return names;
}

/** Delegations (`delegate_to`) per allocation prefix that differ between two versions of a block. */
function delegationChanges(before: Block | undefined, after: Block | undefined): DelegationChange[] {
  const of = (b: Block | undefined): Map<string, { ns: string[]; size: number }> =>
    new Map((b?.allocations ?? []).filter((a) => a.delegateTo && a.delegateTo.length > 0).map((a) => [formatPrefix(a.prefix), { ns: [...a.delegateTo!], size: Number(sizeOf(a.prefix)) }]));
  const a = of(before);
  const z = of(after);
  const out: DelegationChange[] = [];
  for (const [prefix, x] of a) {
    const y = z.get(prefix);
    if (!y) out.push({ kind: 'removed', prefix, before: x.ns, addresses: x.size });
    else if (JSON.stringify([...x.ns].sort()) !== JSON.stringify([...y.ns].sort())) out.push({ kind: 'changed', prefix, before: x.ns, after: y.ns, addresses: x.size });
  }
  for (const [prefix, y] of z) if (!a.has(prefix)) out.push({ kind: 'added', prefix, after: y.ns, addresses: y.size });
  return out;
}

/** The generic, forward and delegation parts of a block change (only the non-empty ones). */
function recordEffects(before: Block | undefined, after: Block | undefined): Pick<BlockChange, 'generic' | 'forward' | 'delegations'> {
  const out: { -readonly [K in 'generic' | 'forward' | 'delegations']?: BlockChange[K] } = {};
  const g0 = before ? genericCountOf(before) : 0;
  const g1 = after ? genericCountOf(after) : 0;
  // The block's, an allocation's or a pool's template: a change of any renames generic records.
  const templatesOf = (b: Block | undefined): string => JSON.stringify([b?.default ?? '', (b?.allocations ?? []).map((a) => a.default ?? ''), (b?.pools ?? []).map((p) => [formatPrefix(p.prefix), String(p.offset ?? ''), String(p.step ?? ''), String(p.count ?? ''), p.default])]);
  const sameDefault = templatesOf(before) === templatesOf(after);
  if (!sameDefault || !before || !after) {
    if (g0 > 0 && g1 > 0) out.generic = { renamed: g0, removed: 0 };
    else if (g0 > 0) out.generic = { renamed: 0, removed: g0 };
    else if (g1 > 0) out.generic = { added: g1, renamed: 0, removed: 0 };
  }
  const f0 = before ? forwardCountOf(before) : 0;
  const f1 = after ? forwardCountOf(after) : 0;
  // An explicit record or a delegation also takes one generic name out of the forward zone: those count as what they are.
  const sameForward = !!before && !!after && sameDefault && JSON.stringify(before.forward ?? null) === JSON.stringify(after.forward ?? null) && formatPrefix(before.prefix) === formatPrefix(after.prefix);
  if (!sameForward && (f0 > 0 || f1 > 0)) out.forward = { added: f1, removed: f0 };
  const delegations = delegationChanges(before, after);
  if (delegations.length > 0) out.delegations = delegations;
  return out;
}

function diffBlocks(baseBlocks: readonly Block[], headBlocks: readonly Block[], headPathOf: (f: string) => string): BlockChange[] {
  const out: BlockChange[] = [];
  const heads = new Map(headBlocks.map((b) => [b.file, b]));
  const seen = new Set<string>();
  for (const b of baseBlocks) {
    const h = heads.get(headPathOf(b.file));
    if (!h) {
      out.push({ kind: 'removed', file: b.file, prefix: formatPrefix(b.prefix), fields: [], pos: b.pos, ...recordEffects(b, undefined) });
      continue;
    }
    seen.add(h.file);
    const before = settingsOf(b);
    const after = settingsOf(h);
    const fields = Object.keys(before).filter((k) => before[k] !== after[k]);
    if (fields.length === 0) continue;
    out.push({ kind: 'modified', file: h.file, ...(h.file !== b.file ? { oldFile: b.file } : {}), prefix: after.prefix!, fields, pos: h.pos, ...recordEffects(b, h) });
  }
  for (const h of headBlocks) if (!seen.has(h.file)) out.push({ kind: 'added', file: h.file, prefix: formatPrefix(h.prefix), fields: [], pos: h.pos, ...recordEffects(undefined, h) });
  return out.sort((a, b) => a.file.localeCompare(b.file));
}
