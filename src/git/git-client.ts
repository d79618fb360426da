/**
 * The one place that talks to git through simple-git. Everything else in git/ asks
 * this module; swapping the git library touches this folder only.
 */
import { simpleGit, type SimpleGit } from 'simple-git';
import { RdnsError } from '../core/errors.js';

/** A simple-git instance rooted at the repository. */
export function gitAt(root: string): SimpleGit {
  return simpleGit({ baseDir: root, trimmed: false, config: ['core.quotePath=false'] });
}

/** Runs `git args…` and returns stdout; undefined when git exits non-zero. */
export async function tryGit(root: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return await gitAt(root).raw([...args]);
  } catch {
    return undefined;
  }
}

/** Runs `git args…` and returns stdout; a failure becomes an RdnsError (exit 2) with the given hint. */
export async function runGit(root: string, args: readonly string[], hint?: string): Promise<string> {
  try {
    return await gitAt(root).raw([...args]);
  } catch (e) {
    const msg = (e as Error).message.trim().split('\n').filter(Boolean).slice(0, 3).join('; ');
    throw new RdnsError(`git ${args[0] ?? ''} failed: ${msg}`, 2, hint);
  }
}

/** The repository's top-level folder, or an RdnsError when `root` is not inside a git work tree. */
export async function gitTopLevel(root: string): Promise<string> {
  const out = await tryGit(root, ['rev-parse', '--show-toplevel']);
  if (out === undefined) throw new RdnsError(`${root} is not inside a git repository`, 2, 'run rdns from a clone of the zones repository (git clone …), or pass -C DIR');
  return out.trim();
}
