/**
 * A record-level change between two revisions of the repository: the plan that
 * `rdns diff` prints, `rdns ci` checks (ownership, guards, FCrDNS of what changed)
 * and the PR comment summarises. Describing a change is separate from doing it.
 */
import type { IpAddress } from './ip.js';
import type { SourcePos } from './diagnostics.js';

/** The PTR an address has in one revision. `default` = generic name from the block's template. */
export interface PtrState {
  readonly ptr: string;
  readonly ttl?: number;
  readonly source: 'record' | 'default';
  /** Block file (repository-relative) that gives this PTR. */
  readonly file: string;
  /** Position of the record in that revision (absent for defaults). */
  readonly pos?: SourcePos;
}

/**
 * added: no PTR before, a record now. changed: another PTR or TTL. reset: the record was
 * removed and the block default applies. removed: no PTR any more. moved: same PTR, now in
 * another block file.
 */
export type ChangeKind = 'added' | 'changed' | 'reset' | 'removed' | 'moved';

export interface RecordChange {
  readonly kind: ChangeKind;
  readonly ip: IpAddress;
  readonly ipText: string;
  readonly old?: PtrState;
  readonly new?: PtrState;
  /** Reverse zone of the address (fully qualified). */
  readonly zone: string;
  /** Block file in the head revision (the base one for removals). */
  readonly file: string;
}

export interface ChangeCounts {
  added: number;
  changed: number;
  reset: number;
  removed: number;
  moved: number;
}

/**
 * A change to a block's own settings (not one record): who owns it, its allocations,
 * its `default` template (which renames every generic PTR of the block), its TTL…
 */
export interface BlockChange {
  readonly kind: 'added' | 'removed' | 'modified';
  /** Block file in the head revision (the base one for removals). */
  readonly file: string;
  /** Path in the base revision when the file was renamed. */
  readonly oldFile?: string;
  /** The block's prefix (head, else base). */
  readonly prefix: string;
  /** Top-level keys whose value differs: `owners`, `allocations`, `default`, `ttl`, `prefix`, … */
  readonly fields: readonly string[];
  /** The block's `prefix:` line (head, else base). */
  readonly pos: SourcePos;
  /**
   * Generic PTRs (from the base's `default`) this change renames (`default` changed) or
   * deletes (`default` removed, block file deleted): the guards count them, since one line
   * of YAML can change thousands of answers.
   */
  readonly generic?: { readonly added?: number; readonly renamed: number; readonly removed: number };
  /** Forward A/AAAA records (`forward:` publishes one per generic name) this change creates or deletes. */
  readonly forward?: { readonly added: number; readonly removed: number };
  /** RFC 2317 / NS delegations (`delegate_to`) added, removed or sent to other name servers. */
  readonly delegations?: readonly DelegationChange[];
  /**
   * The block's reverse zones differ although its file may not (a neighbour added or removed
   * changes whether blocks share their parent zone): its records move to other hosted zones.
   */
  readonly zoneMove?: { readonly from: readonly string[]; readonly to: readonly string[]; readonly records: number };
}

/** One allocation whose delegation changed: its addresses are answered by other name servers (or by us again). */
export interface DelegationChange {
  readonly kind: 'added' | 'removed' | 'changed';
  /** The allocation's prefix. */
  readonly prefix: string;
  readonly before?: readonly string[];
  readonly after?: readonly string[];
  /** Addresses whose answers change (all of the allocation). */
  readonly addresses: number;
}

/**
 * Records a block-level change creates, changes or deletes besides the explicit ones: generic
 * PTRs of `default`, forward A/AAAA, delegated addresses, records moved to another zone.
 */
export const blockRecordCount = (b: BlockChange): number =>
  (b.generic ? (b.generic.added ?? 0) + b.generic.renamed + b.generic.removed : 0) +
  (b.forward ? b.forward.added + b.forward.removed : 0) +
  (b.delegations ?? []).reduce((n, d) => n + d.addresses, 0) +
  (b.zoneMove?.records ?? 0);

export interface ChangeSet {
  /** Revision labels (commit ids, or `:worktree`). */
  readonly base: string;
  readonly head: string;
  /** Sorted by IP. */
  readonly changes: readonly RecordChange[];
  /** Totals over all changes. */
  readonly counts: ChangeCounts;
  readonly perBlock: Readonly<Record<string, ChangeCounts>>;
  readonly perZone: Readonly<Record<string, ChangeCounts>>;
  /** Explicit records per reverse zone in the base revision (zones that have changes), for delete-share guards. */
  readonly baseZoneRecords: Readonly<Record<string, number>>;
  readonly blockChanges: readonly BlockChange[];
  /** Block files (and rdns.yaml) that differ between the revisions. */
  readonly files: readonly string[];
  /** Changed files that did not load in one of the revisions (syntax or schema errors): their records are not compared. */
  readonly skipped: readonly string[];
}
