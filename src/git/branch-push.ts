/**
 * `--pr`, the git half: put the block files a command just rewrote on a new branch,
 * commit only those files, push the branch, and return to where the user was. The
 * change then lives only in the branch (and its pull request), so repeated runs from
 * provisioning code each start from the same base.
 */
import { RdnsError } from '../core/errors.js';
import { gitTopLevel, runGit, tryGit } from './git-client.js';

export interface PushedBranch {
  readonly branch: string;
  /** The branch the pull request should target (where the command started). */
  readonly base: string;
  readonly commit: string;
  readonly remote: string;
}

export interface BranchPushOptions {
  /** Repository-relative block files to commit (nothing else is committed). */
  readonly files: readonly string[];
  /** Branch name (already safe: see {@link branchNameFor}). */
  readonly branch: string;
  readonly message: string;
  readonly remote?: string;
  /** Target branch of the pull request (default: the current branch). */
  readonly base?: string;
}

/** `rdns/set-198-51-100-40-20260101T120000` from a summary and a clock. */
export function branchNameFor(summary: string, now: Date): string {
  const slug = summary
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  return `rdns/${slug || 'change'}-${stamp}`;
}

/** Commits `files` on a new branch, pushes it to `remote` and checks the original branch out again. */
export async function commitOnBranchAndPush(root: string, options: BranchPushOptions): Promise<PushedBranch> {
  // Fails with a clear message outside a work tree; pathspecs below are relative to `root`.
  const top = await gitTopLevel(root);
  const remote = options.remote ?? 'origin';
  const current = (await runGit(top, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  if (current === 'HEAD') throw new RdnsError('--pr needs a checked-out branch (HEAD is detached)', 2, 'git switch main');
  const base = options.base ?? current;
  if ((await tryGit(top, ['remote', 'get-url', remote])) === undefined) throw new RdnsError(`--pr: there is no git remote "${remote}"`, 2, 'clone the repository from GitHub, or git remote add origin URL');
  if (!/^rdns\/[A-Za-z0-9-]+$/.test(options.branch)) throw new RdnsError(`bad branch name ${options.branch}`, 2);
  // A commit needs an identity; CI runners often have none configured.
  const identity = (await tryGit(top, ['config', 'user.email']))?.trim() ? [] : ['-c', 'user.name=rdns', '-c', 'user.email=rdns@users.noreply.github.com'];
  await runGit(top, ['checkout', '-q', '-b', options.branch]);
  try {
    await runGit(root, ['add', '--', ...options.files]);
    await runGit(root, [...identity, 'commit', '-q', '--no-verify', '-m', options.message, '--', ...options.files]);
    const commit = (await runGit(top, ['rev-parse', 'HEAD'])).trim();
    await runGit(top, ['push', '-q', '-u', remote, `${options.branch}:refs/heads/${options.branch}`], `could not push to ${remote}: check the remote URL and your credentials`);
    return { branch: options.branch, base, commit, remote };
  } finally {
    // Back to the starting branch; the edit now lives in the pushed branch only. If the commit
    // failed, the edit stays in the work tree (checkout carries it) so nothing is lost.
    await tryGit(top, ['checkout', '-q', current]);
  }
}
