/**
 * Which two commits a pull request compares: the head, and the merge base of the
 * head with the target branch — what GitHub shows as the PR's diff. Works in the
 * shallow clones CI checks out: missing history is fetched on demand, and when it
 * cannot be, the error says exactly how to configure the checkout.
 */
import { RdnsError } from '../core/errors.js';
import { WORKTREE } from './changed-files.js';
import { gitTopLevel, tryGit } from './git-client.js';
import { isFullCommitId, resolveRevision } from './resolve-revision.js';

export interface ResolvedRevisions {
  /** Commit the changes are measured from: merge-base(base, head). */
  readonly base: string;
  /** Commit of the target branch tip as resolved (may be newer than `base`). */
  readonly baseTip: string;
  /** The full ref that resolved the base (e.g. `refs/remotes/origin/main`), or the commit id given. */
  readonly baseRef: string;
  /** Head commit, or {@link WORKTREE} for the files on disk on top of HEAD. */
  readonly head: string;
  /** The commit under the head (HEAD when comparing with the work tree). */
  readonly headCommit: string;
  /** Git commands run to fetch missing history (empty when nothing was fetched). */
  readonly fetched: readonly string[];
}

export interface ResolveOptions {
  /** Commit id, full ref name, or an unambiguous branch name (`main`, `origin/main`); see resolve-revision.ts. */
  readonly base: string;
  /** Head revision; default: the work tree. */
  readonly head?: string;
  /** Fetch the base branch or more history from `origin` when missing (default true). */
  readonly fetch?: boolean;
  /** Remote to fetch from (default `origin`). */
  readonly remote?: string;
}

export const SHALLOW_HINT =
  'the clone does not have enough history: in GitHub Actions use actions/checkout with `fetch-depth: 0`; elsewhere run `git fetch --unshallow origin`';

const revParse = async (root: string, rev: string): Promise<string | undefined> => (await tryGit(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]))?.trim() || undefined;

export const isShallow = async (root: string): Promise<boolean> => (await tryGit(root, ['rev-parse', '--is-shallow-repository']))?.trim() === 'true';

const hasRemote = async (root: string, remote: string): Promise<boolean> => ((await tryGit(root, ['remote']))?.split('\n') ?? []).includes(remote);

const mergeBase = async (root: string, a: string, b: string): Promise<string | undefined> => (await tryGit(root, ['merge-base', a, b]))?.trim() || undefined;

// A branch name we may fetch: no options, no revision syntax.
const FETCHABLE = /^(?!-)[A-Za-z0-9._/-]+$/;

/**
 * Resolves base and head to commits and the merge base between them, fetching from
 * the remote what a shallow or single-branch clone lacks. Throws RdnsError (exit 2)
 * with a concrete fix when the history cannot be found.
 */
export async function resolveRevisions(root: string, opts: ResolveOptions): Promise<ResolvedRevisions> {
  await gitTopLevel(root);
  const remote = opts.remote ?? 'origin';
  const mayFetch = opts.fetch !== false && (await hasRemote(root, remote));
  const fetched: string[] = [];
  const fetch = async (args: string[]): Promise<boolean> => {
    const full = ['fetch', '--no-tags', '--quiet', ...args];
    const ok = (await tryGit(root, full)) !== undefined;
    if (ok) fetched.push(`git ${full.join(' ')}`);
    return ok;
  };

  const headRev = opts.head ?? 'HEAD';
  const headCommit = (await resolveRevision(root, headRev, { remote }))?.commit;
  if (!headCommit) throw new RdnsError(`unknown head revision "${headRev}"`, 2, opts.head ? 'pass a branch, tag or commit of this repository to --head' : 'the repository has no commits yet');

  // The base as given, unambiguously (a tag named like the branch is refused), else fetched from the remote.
  const stripped = opts.base.startsWith(`refs/remotes/${remote}/`) ? opts.base.slice(`refs/remotes/${remote}/`.length) : opts.base.startsWith(`${remote}/`) ? opts.base.slice(remote.length + 1) : opts.base;
  const found = await resolveRevision(root, opts.base, { remote });
  let baseRef = found?.ref;
  let baseTip = found?.commit;
  const shallow = await isShallow(root);
  if (!baseTip && mayFetch && isFullCommitId(opts.base)) {
    if (await fetch([...(shallow ? ['--depth=50'] : []), remote, opts.base])) {
      baseTip = await revParse(root, opts.base);
      baseRef = baseTip;
    }
  } else if (!baseTip && mayFetch && FETCHABLE.test(stripped) && !stripped.startsWith('refs/')) {
    const depth = shallow ? ['--depth=50'] : [];
    if (await fetch([...depth, remote, `+refs/heads/${stripped}:refs/remotes/${remote}/${stripped}`])) {
      baseRef = `refs/remotes/${remote}/${stripped}`;
      baseTip = await revParse(root, baseRef);
    }
  }
  // A remote-tracking branch that is not there and cannot be fetched (no remote): the local branch, fully qualified too.
  if (!baseTip && opts.base.startsWith(`refs/remotes/${remote}/`)) {
    const local = await resolveRevision(root, `refs/heads/${stripped}`, { remote });
    baseTip = local?.commit;
    baseRef = local?.ref;
  }
  if (!baseTip || !baseRef) {
    throw new RdnsError(
      `unknown base revision "${opts.base}"${mayFetch ? ` (also not on ${remote})` : ''}`,
      2,
      shallow || !mayFetch ? `${SHALLOW_HINT}; or fetch the branch: git fetch ${remote} ${stripped}` : `check the name: git branch -a`,
    );
  }

  let base = await mergeBase(root, baseTip, headCommit);
  // In a shallow clone the common ancestor may lie below the cut: deepen step by step, then give up the cut.
  for (const deepen of ['--deepen=50', '--deepen=500', '--unshallow']) {
    if (base || !(await isShallow(root)) || !mayFetch) break;
    await fetch([deepen, remote]);
    base = await mergeBase(root, baseTip, headCommit);
  }
  if (!base) {
    if (await isShallow(root)) throw new RdnsError(`cannot find the merge base of ${baseRef} and ${headRev}: this is a shallow clone`, 2, SHALLOW_HINT);
    throw new RdnsError(`${baseRef} and ${headRev} have no common history`, 2, 'pass the branch the pull request targets as --base');
  }
  return { base, baseTip, baseRef, head: opts.head ? headCommit : WORKTREE, headCommit, fetched };
}

/** The committer date of `rev` (ISO), or undefined when git does not know the revision. */
export async function commitDateOf(root: string, rev: string): Promise<string | undefined> {
  if (rev.startsWith('-')) return undefined;
  const out = (await tryGit(root, ['show', '-s', '--format=%cI', `${rev}^{commit}`, '--']))?.trim();
  return out && !Number.isNaN(Date.parse(out)) ? out : undefined;
}
