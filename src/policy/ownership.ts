/**
 * Who may change what: the pull request's author against the owners of the block
 * and of the allocation that hold each changed address. Owners are read from the
 * BASE revision, so a pull request cannot grant itself rights by editing `owners:`.
 *
 * Rules (docs/pull-requests.md states them for users):
 * - block owners may change anything in their block, its settings included;
 * - allocation owners may change the PTRs inside their allocation;
 * - a block without owners may be changed by anyone with write access, except its
 *   allocations that name owners — their records, their entries, and the generic names of
 *   their addresses (a block, allocation or pool `default` that renames them); an allocation
 *   without owners falls back to its block's owners;
 * - a move must be allowed where the record was and where it goes;
 * - a block whose records land in another reverse zone (a neighbour added or removed changes
 *   whether they share the parent zone) is changed too: its owners must agree;
 * - a block's `zones:` options for a reverse zone it shares with other blocks concern all
 *   their records: the owners of every block in the zone must agree;
 * - addresses in no block of the base (a new block file) are new space, governed by
 *   repository review (CODEOWNERS), not by this check.
 */
import type { BlockChange, ChangeSet, RecordChange } from '../core/changeset.js';
import { diag, type Diagnostic, type SourcePos } from '../core/diagnostics.js';
import { firstRenamedAddress, genericPtrOf } from '../core/generic-names.js';
import { withoutTrailingDot } from '../core/hostname.js';
import { formatIp, formatPrefix, prefixContainsIp, sizeOf, type IpAddress } from '../core/ip.js';
import type { Allocation, Block } from '../core/model.js';
import { ownerKey } from './owners.js';

/** Is `login` a member of `@org/team`? The GitHub module implements it with the REST API. */
export type TeamMembership = (org: string, team: string, login: string) => Promise<boolean>;

export interface OwnershipInput {
  /** GitHub login of the pull request's author (with or without `@`). */
  readonly author: string;
  readonly changeSet: ChangeSet;
  readonly base: { readonly blocks: readonly Block[] };
  readonly head: { readonly blocks: readonly Block[] };
  readonly isTeamMember: TeamMembership;
  /** Base path → head path of renamed block files. */
  readonly renames?: ReadonlyMap<string, string>;
  /** Reverse zone → the block files sharing it (at base or head): a block's options for such a zone need all their owners. */
  readonly sharedZones?: ReadonlyMap<string, readonly string[]>;
  /**
   * The revision the change set was measured from (the merge base), when owners come from a
   * newer one (`base`, the target branch's tip): what a change renames is measured from here.
   */
  readonly mergeBase?: { readonly blocks: readonly Block[] };
}

/** The owners that decide about one address: its block and, when inside one, its allocation. */
interface Scope {
  readonly block: Block;
  readonly allocation?: Allocation;
}

/** Answers "is the author one of these owners?" with team lookups cached per team. */
export function ownerMatcher(author: string, isTeamMember: TeamMembership): (owners: readonly string[]) => Promise<boolean> {
  const login = ownerKey(author.replace(/^@/, ''));
  const teams = new Map<string, Promise<boolean>>();
  return async (owners) => {
    const keys = owners.map(ownerKey);
    if (keys.includes(`@${login}`)) return true;
    for (const k of keys) {
      const m = /^@([^/]+)\/(.+)$/.exec(k);
      if (!m) continue;
      let answer = teams.get(k);
      if (!answer) {
        answer = isTeamMember(m[1]!, m[2]!, login).catch(() => false);
        teams.set(k, answer);
      }
      if (await answer) return true;
    }
    return false;
  };
}

const scopeOf = (block: Block, ip: IpAddress): Scope => {
  const allocation = block.allocations.find((a) => prefixContainsIp(a.prefix, ip));
  return allocation ? { block, allocation } : { block };
};

/**
 * Who may change an address of this scope (allocation owners first, then block owners); empty = anyone.
 * An allocation that names owners is theirs even in a block without owners: another customer with
 * write access must not change it.
 */
const mayChange = (s: Scope): string[] => [...new Set([...(s.allocation?.owners ?? []), ...s.block.owners])];

/** Who may change `ip` of `block` (allocation owners, then block owners); empty = anyone with write access. */
export const ownersOf = (block: Block, ip: IpAddress): string[] => mayChange(scopeOf(block, ip));

const describeScope = (s: Scope): string =>
  s.allocation ? `allocation ${formatPrefix(s.allocation.prefix)}${s.allocation.account ? ` (${s.allocation.account})` : ''}` : `block ${formatPrefix(s.block.prefix)} (${s.block.file})`;

/** `ownership.not-yours` for every changed address or block setting the author may not change. */
export async function checkOwnership(input: OwnershipInput): Promise<Diagnostic[]> {
  const isOwner = ownerMatcher(input.author, input.isTeamMember);
  const renames = input.renames ?? new Map<string, string>();
  const basePathOf = new Map([...renames].map(([b, h]) => [h, b]));
  const baseByFile = new Map(input.base.blocks.map((b) => [b.file, b]));
  const headByFile = new Map(input.head.blocks.map((b) => [b.file, b]));
  const baseBlockOf = (ip: IpAddress, hint?: string): Block | undefined => {
    const first = hint ? baseByFile.get(hint) : undefined;
    if (first && prefixContainsIp(first.prefix, ip)) return first;
    return input.base.blocks.find((b) => prefixContainsIp(b.prefix, ip));
  };
  // Where a record goes: the destination file's block as the base knew it (its owners then), else as the head declares it.
  const destinationOf = (c: RecordChange): Block | undefined => {
    const file = c.new?.file ?? c.file;
    return baseByFile.get(basePathOf.get(file) ?? file) ?? headByFile.get(file);
  };
  const allowed = async (s: Scope): Promise<boolean> => {
    const owners = mayChange(s);
    return owners.length === 0 || (await isOwner(owners));
  };
  const posOf = (c: RecordChange): SourcePos | undefined => c.new?.pos ?? headByFile.get(c.file)?.pos ?? baseByFile.get(c.old?.file ?? c.file)?.pos;

  const out: Diagnostic[] = [];
  const author = `@${input.author.replace(/^@/, '')}`;
  for (const c of input.changeSet.changes) {
    const scopes: Scope[] = [];
    const from = baseBlockOf(c.ip, c.old?.file);
    if (from) scopes.push(scopeOf(from, c.ip));
    if (c.kind === 'moved') {
      const to = destinationOf(c);
      if (to && to !== from) scopes.push(scopeOf(to, c.ip));
    }
    for (const s of scopes) {
      if (await allowed(s)) continue;
      out.push(
        diag('ownership.not-yours', `not yours: ${c.ipText} belongs to ${describeScope(s)}; it may be changed by ${mayChange(s).join(', ')} (${author} is not one of them)`, posOf(c), {
          ip: c.ipText,
          value: c.new?.ptr ?? c.old?.ptr,
        }),
      );
      break;
    }
  }
  // Generic names are records too: a block, allocation or pool `default` (or a new pool) that
  // renames addresses of an allocation with owners is a change to those addresses, checked by range.
  const mergeBaseByFile = new Map((input.mergeBase ?? input.base).blocks.map((b) => [b.file, b]));
  for (const b of input.changeSet.blockChanges) {
    if (b.kind !== 'modified') continue;
    const owning = baseByFile.get(b.oldFile ?? b.file);
    const before = mergeBaseByFile.get(b.oldFile ?? b.file);
    const after = headByFile.get(b.file);
    // A block with owners: every settings change already needs them (below), and they may change every address.
    if (!owning || !before || !after || owning.owners.length > 0) continue;
    for (const a of owning.allocations) {
      if (a.owners.length === 0) continue;
      const scope: Scope = { block: owning, allocation: a };
      if (await allowed(scope)) continue;
      const v = firstRenamedAddress(before, after, a.prefix.network, a.prefix.network + sizeOf(a.prefix) - 1n);
      if (v === undefined) continue;
      const ip: IpAddress = { version: a.prefix.version, value: v };
      const name = (blk: Block): string => withoutTrailingDot(genericPtrOf(blk, ip)?.ptr ?? '') || 'no PTR';
      out.push(
        diag(
          'ownership.not-yours',
          `not yours: this changes the generic name of ${formatIp(ip)} (${name(before)} → ${name(after)}) and the other addresses of its template in ${describeScope(scope)}; it may be changed by ${mayChange(scope).join(', ')} (${author} is not one of them)`,
          b.pos,
          { ip: formatIp(ip), value: b.fields.join(',') },
        ),
      );
    }
  }
  for (const b of input.changeSet.blockChanges) {
    out.push(...(await sharedZoneOptionFindings(b, baseByFile.get(b.oldFile ?? b.file), headByFile.get(b.file), input, isOwner, author)));
    if (b.kind === 'added') continue; // new space: see the module comment
    const before = baseByFile.get(b.oldFile ?? b.file);
    if (!before) continue;
    if (before.owners.length === 0) {
      // Open to anyone, except the customers' allocations: taking one away or rewriting its owners
      // would hand its PTRs to the next pull request.
      const after = b.kind === 'removed' ? [] : (headByFile.get(b.file)?.allocations ?? []);
      const keyOfAllocation = (a: Allocation): string => JSON.stringify([formatPrefix(a.prefix), a.account, a.description, a.owners, a.delegateTo]);
      const kept = new Set(after.map(keyOfAllocation));
      const touched = before.allocations.filter((a) => a.owners.length > 0 && !kept.has(keyOfAllocation(a)));
      const owners = [...new Set(touched.flatMap((a) => a.owners))];
      if (owners.length === 0 || (await isOwner(owners))) continue;
      const what = b.kind === 'removed' ? 'removes the block' : 'changes allocations';
      const names = touched.map((a) => `${formatPrefix(a.prefix)}${a.account ? ` (${a.account})` : ''}`).join(', ');
      out.push(
        diag('ownership.not-yours', `not yours: this ${what} of ${formatPrefix(before.prefix)}, and with it allocation ${names}; it may be changed by ${owners.join(', ')} (${author} is not one of them)`, b.pos, {
          value: b.fields.join(',') || b.kind,
        }),
      );
      continue;
    }
    if (await isOwner(before.owners)) continue;
    // A neighbour's zone move changes no line of this block's file, but where its records are published.
    const moved = b.zoneMove ? `moves the records of ${formatPrefix(before.prefix)} (${before.file}) from reverse zone ${b.zoneMove.from.join(', ')} to ${b.zoneMove.to.join(', ')}` : '';
    const others = b.fields.filter((f) => f !== 'zone');
    const what = b.kind === 'removed' ? `removes the block of ${formatPrefix(before.prefix)}` : [others.length > 0 ? `changes ${others.join(', ')} of ${formatPrefix(before.prefix)}` : '', moved].filter(Boolean).join(' and ');
    out.push(
      diag('ownership.not-yours', `not yours: this ${what}; block settings may be changed by ${before.owners.join(', ')} (${author} is not one of them)`, b.pos, {
        value: b.fields.join(',') || b.kind,
      }),
    );
  }
  return out;
}

/** `ownership.not-yours` for zone options a block changes for a zone it shares, per other block whose owners the author is not one of. */
async function sharedZoneOptionFindings(b: BlockChange, before: Block | undefined, after: Block | undefined, input: OwnershipInput, isOwner: (owners: readonly string[]) => Promise<boolean>, author: string): Promise<Diagnostic[]> {
  if (!input.sharedZones || b.kind === 'removed' || !after) return [];
  const optionsOf = (blk: Block | undefined, zone: string): string => JSON.stringify(blk?.zones[zone] ?? {});
  const zones = [...new Set([...Object.keys(after.zones), ...Object.keys(before?.zones ?? {})])].filter((z) => optionsOf(before, z) !== optionsOf(after, z));
  const out: Diagnostic[] = [];
  const baseByFile = new Map(input.base.blocks.map((x) => [x.file, x]));
  const headByFile = new Map(input.head.blocks.map((x) => [x.file, x]));
  for (const zone of zones) {
    const others = (input.sharedZones.get(zone) ?? []).filter((f) => f !== b.file && f !== b.oldFile);
    for (const file of others) {
      // The neighbour's owners as the target branch knows them; a neighbour new in this pull request, as it declares them.
      const other = baseByFile.get(file) ?? headByFile.get(file);
      if (!other || other.owners.length === 0 || (await isOwner(other.owners))) continue;
      out.push(
        diag('ownership.not-yours', `not yours: zones: ${zone} in ${b.file} sets the options of a reverse zone shared with ${formatPrefix(other.prefix)} (${file}); it may be changed by ${other.owners.join(', ')} (${author} is not one of them)`, after.pos, { value: zone }),
      );
    }
  }
  return out;
}
