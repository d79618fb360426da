/**
 * git revisions → ChangeSet: the composition `rdns diff` and `rdns ci` share.
 */
import type { ChangeSet } from '../core/changeset.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { loadRevisionPair, type LoadOptions, type RevisionPair } from '../git/load-revisions.js';
import { computeChangeSet } from './compute-change-set.js';

export interface RevisionDiff {
  readonly changeSet: ChangeSet;
  /** Both loaded revisions (blocks, layouts, configs), for ownership and guards. */
  readonly pair: RevisionPair;
  /** Problems in the changed files at the head revision (they make the diff incomplete). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Resolves `base`/`head` (fetching in shallow clones), loads the changed block files and compares them. */
export async function diffRevisions(root: string, opts: LoadOptions): Promise<RevisionDiff> {
  const pair = await loadRevisionPair(root, opts);
  const files = pair.changed.map((f) => f.path);
  for (const f of pair.changed) if (f.oldPath) files.push(f.oldPath);
  // A changed rdns.yaml can change every record's TTL or zone: then every block file is compared.
  if (files.includes('rdns.yaml')) files.push(...pair.base.files, ...pair.head.files);
  const changeSet = computeChangeSet({ base: pair.base, head: pair.head, files: [...new Set(files)], renames: pair.renames });
  const touched = new Set(files);
  const diagnostics = pair.head.diagnostics.filter((d) => !d.file || touched.has(d.file) || d.file === 'rdns.yaml');
  return { changeSet, pair, diagnostics };
}
