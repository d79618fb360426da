/** The state of the work tree around an edit: which files have changes git has not committed. */
import { tryGit } from './git-client.js';

/**
 * The `files` (repository-relative to `root`) that differ from HEAD in the index or the
 * work tree, or are untracked. Undefined when `root` is not a git work tree.
 */
export async function uncommittedFiles(root: string, files: readonly string[]): Promise<string[] | undefined> {
  if (files.length === 0) return [];
  const out = await tryGit(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...files]);
  if (out === undefined) return undefined;
  return out
    .split('\0')
    .filter((e) => e.length > 3)
    .map((e) => e.slice(3));
}
