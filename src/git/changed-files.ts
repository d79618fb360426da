/**
 * Which files differ between two revisions (or a revision and the work tree),
 * with renames paired up so a moved block file is one change, not a delete and an add.
 */
import { runGit } from './git-client.js';

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed';

export interface ChangedFile {
  readonly status: FileStatus;
  /** Path in the head revision (the base path for deletions), repository-relative. */
  readonly path: string;
  /** Path in the base revision when it differs (renames). */
  readonly oldPath?: string;
}

/** The work tree (uncommitted and untracked files included) instead of a commit. */
export const WORKTREE = ':worktree';

/**
 * Files changed between `baseRef` and `headRef` (default: the work tree, like
 * `git diff REF`), optionally limited to pathspecs (folders or files). Renames are
 * detected (`-M`); untracked files count as added when comparing with the work tree.
 */
export async function changedFiles(root: string, baseRef: string, headRef: string = WORKTREE, pathspecs: readonly string[] = []): Promise<ChangedFile[]> {
  const spec = pathspecs.length > 0 ? ['--', ...pathspecs] : [];
  const range = headRef === WORKTREE ? [baseRef] : [baseRef, headRef];
  const out = await runGit(root, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', '--no-color', ...range, ...spec], 'check that both revisions exist: git rev-parse REF');
  const files = parseNameStatus(out);
  if (headRef === WORKTREE) {
    const untracked = await runGit(root, ['ls-files', '-z', '--others', '--exclude-standard', ...spec]);
    for (const p of untracked.split('\0')) if (p) files.push({ status: 'added', path: p });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Parses `git diff --name-status -z` output: `S\0path\0` or `R100\0old\0new\0`. */
export function parseNameStatus(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length; ) {
    const code = parts[i++];
    if (!code) continue;
    const letter = code[0];
    if (letter === 'R' || letter === 'C') {
      const oldPath = parts[i++]!;
      const path = parts[i++]!;
      // A copy leaves the source in place: for the block model it is a new file.
      files.push(letter === 'R' ? { status: 'renamed', path, oldPath } : { status: 'added', path });
      continue;
    }
    const path = parts[i++]!;
    if (letter === 'A') files.push({ status: 'added', path });
    else if (letter === 'D') files.push({ status: 'deleted', path });
    else files.push({ status: 'modified', path }); // M, T (type change), U (unmerged)
  }
  return files;
}
