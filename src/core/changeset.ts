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
  readonly generic?: { readonly renamed: number; readonly removed: number };
}

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
