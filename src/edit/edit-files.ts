/**
 * The one way rdns rewrites files of the repository (`rdns set/reset/bulk`, `rdns import`,
 * `rdns delegate`): each file is locked (a lock file beside it) from before it is read until
 * its new version is in place, so concurrent edits of one file take turns and none is lost;
 * it is read the way the loader reads it (a link or anything but a regular file inside the
 * repository is refused); a byte order mark is kept; and the files are written all or
 * nothing: every edit is made in memory and every new version is staged beside its file
 * before the first one is renamed into place.
 */
import { join } from 'node:path';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import { RepoFiles } from '../loader/repo-file.js';
import { stageFileAtomic, UnsafeWriteError, type StagedWrite } from './atomic-write.js';
import { lockFile } from './file-lock.js';

/** The new text of a file (without its byte order mark), or why it cannot be edited safely. */
export type TextEdit = (text: string) => { ok: true; text: string } | { ok: false; reason: string };

export interface EditFilesOptions {
  /** Write the files (default true); false = preview: no lock is taken and nothing is written. */
  readonly apply?: boolean;
}

export interface EditFilesResult {
  /** Files (repository-relative, sorted) whose text the edits change; empty when anything was refused. */
  readonly changed: string[];
  /** Files written; empty in a preview or when anything was refused. */
  readonly written: string[];
  /** Why nothing was written: one diagnostic for each file that could not be locked, read, edited or written. */
  readonly diagnostics: Diagnostic[];
}

const BOM = '\uFEFF';
const at = (file: string) => ({ file, line: 1, column: 1 });

/**
 * Applies `edits` (repository-relative file → its edit) under `root`. Nothing is written
 * unless every file could be locked, read, edited and staged; the reasons are diagnostics
 * (`edit.locked`, `file.unreadable`, the reader's `file.symlink`/`file.not-regular`/…,
 * `edit.unsafe`, or the writer's `file.symlink`/`file.not-regular`). Never throws for a
 * refusal; an unexpected I/O error is thrown with every staged file removed.
 */
export function editFiles(root: string, edits: ReadonlyMap<string, TextEdit>, options: EditFilesOptions = {}): EditFilesResult {
  const apply = options.apply ?? true;
  const reader = new RepoFiles(root);
  const diagnostics: Diagnostic[] = [];
  const outputs: [string, string][] = [];
  const releases: (() => void)[] = [];
  const staged: StagedWrite[] = [];
  try {
    // Sorted, so two processes that need the same files take their locks in one order (no deadlock).
    for (const [file, edit] of [...edits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (apply) {
        const lock = lockFile(join(root, file));
        if (!lock.ok) {
          diagnostics.push(diag('edit.locked', `not edited: another rdns is editing this file (${lock.holder}); nothing was written, try again`, at(file)));
          continue;
        }
        releases.push(lock.release);
      }
      // Links are refused like the loader refuses them: an edit never lands outside the file's own path.
      const read = reader.read(file, Number.MAX_SAFE_INTEGER);
      if (!read.ok) {
        diagnostics.push(read.missing ? diag('file.unreadable', 'cannot read the file: ENOENT', at(file)) : read.diagnostic);
        continue;
      }
      const text = Buffer.from(read.bytes).toString('utf8');
      const bom = text.startsWith(BOM) ? BOM : '';
      const r = edit(bom ? text.slice(1) : text);
      if (!r.ok) {
        diagnostics.push(diag('edit.unsafe', `not edited (the file is left as it was): ${r.reason}`, at(file)));
        continue;
      }
      if (bom + r.text !== text) outputs.push([file, bom + r.text]);
    }
    if (diagnostics.length > 0) return { changed: [], written: [], diagnostics };
    const changed = outputs.map(([file]) => file);
    if (!apply) return { changed, written: [], diagnostics };
    for (const [file, text] of outputs) {
      try {
        staged.push(stageFileAtomic(join(root, file), text, { root }));
      } catch (e) {
        if (!(e instanceof UnsafeWriteError)) throw e;
        diagnostics.push(diag(e.code, `not written: ${e.message}`, at(file)));
      }
    }
    if (diagnostics.length > 0) return { changed: [], written: [], diagnostics };
    // Every new version is on disk beside its file: only renames are left (a failed one removes its own temp file, the finally the rest).
    while (staged.length > 0) staged.shift()!.commit();
    return { changed, written: [...changed], diagnostics };
  } finally {
    for (const s of staged) s.discard();
    for (const release of releases) release();
  }
}
