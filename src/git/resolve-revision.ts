/**
 * The one resolver of revisions a user or a workflow types (`rdns ci --base/--head`,
 * `--changed-since`, `rdns diff --base/--head`). Git's own lookup takes a tag before a
 * remote-tracking branch: in a CI checkout (no local `main`, every tag fetched) a tag named
 * `main` or `origin/main`, which anyone who can push may create, would silently become the
 * base that judges a pull request. Here a name is unambiguous or refused:
 *
 * - a full commit id (40 or 64 hex digits) is that commit;
 * - a full ref name (`refs/remotes/origin/main`) is exactly that ref;
 * - any other name must name one ref only, counting what git would match (`refs/<n>`,
 *   `refs/tags/<n>`, `refs/heads/<n>`, `refs/remotes/<n>`, `refs/remotes/<n>/HEAD`) and, for a
 *   tag, the branch of that name on the remote; two of them is an error naming both.
 *
 * Revision suffixes (`main~2`, `HEAD^`) apply to the resolved name.
 */
import { RdnsError } from '../core/errors.js';
import { tryGit } from './git-client.js';

export interface ResolvedRevision {
  readonly commit: string;
  /** The full ref the name resolved through (`refs/remotes/origin/main`), or the commit id. */
  readonly ref: string;
}

const FULL_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const PSEUDO_REFS = new Set(['HEAD', 'FETCH_HEAD', 'ORIG_HEAD', 'MERGE_HEAD', '@']);

export const isFullCommitId = (rev: string): boolean => FULL_OID.test(rev);

const commitOf = async (root: string, rev: string): Promise<string | undefined> =>
  (await tryGit(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]))?.trim() || undefined;

/** Refs of the repository that exist among `names`. */
async function existingRefs(root: string, names: readonly string[]): Promise<string[]> {
  const out = (await tryGit(root, ['for-each-ref', '--format=%(refname)', ...names])) ?? '';
  const present = new Set(out.split('\n').filter(Boolean));
  return names.filter((n) => present.has(n));
}

/**
 * Resolves `rev` to a commit by the rules above; undefined when nothing of that name exists
 * (the caller may fetch it). Throws RdnsError (exit 2) for an ambiguous or malformed name.
 */
export async function resolveRevision(root: string, rev: string, opts: { remote?: string } = {}): Promise<ResolvedRevision | undefined> {
  const remote = opts.remote ?? 'origin';
  if (rev === '' || rev.startsWith('-') || /[\0-\x20\x7f]/.test(rev)) throw new RdnsError(`"${rev}" is not a revision`, 2, 'pass a branch, a full ref name (refs/remotes/origin/main) or a commit SHA');
  if (isFullCommitId(rev)) {
    const commit = await commitOf(root, rev);
    return commit ? { commit, ref: commit } : undefined;
  }
  const name = /^[^~^@:]*/.exec(rev)![0];
  const suffix = rev.slice(name.length);
  if (name === '' || PSEUDO_REFS.has(name)) {
    const commit = await commitOf(root, rev);
    return commit ? { commit, ref: rev } : undefined;
  }
  if (name.startsWith('refs/')) {
    if ((await existingRefs(root, [name])).length === 0) return undefined;
    const commit = await commitOf(root, `${name}${suffix}`);
    return commit ? { commit, ref: name } : undefined;
  }
  const dwim = await existingRefs(root, [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`]);
  const onRemote = (await existingRefs(root, [`refs/remotes/${remote}/${name}`]))[0];
  // A tag may not stand in for the branch of the same name on the remote (a CI checkout has no local branch).
  const meant = dwim.length === 1 && dwim[0]!.startsWith('refs/tags/') && onRemote && onRemote !== dwim[0] ? [dwim[0]!, onRemote] : dwim;
  if (meant.length > 1) {
    const shown = await Promise.all(meant.map(async (r) => `${r} (${((await commitOf(root, r)) ?? '?').slice(0, 7)})`));
    const suggest = meant.find((r) => !r.startsWith('refs/tags/')) ?? meant[0]!;
    throw new RdnsError(
      `the revision "${name}" is ambiguous: it names ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]!}`,
      2,
      `pass a commit SHA or a full ref name (${suggest}); a tag must not stand in for a branch`,
    );
  }
  const ref = meant[0] ?? onRemote;
  if (ref) {
    const commit = await commitOf(root, `${ref}${suffix}`);
    return commit ? { commit, ref } : undefined;
  }
  // No ref of that name: an abbreviated commit id (git refuses an ambiguous one).
  if (/^[0-9a-f]{4,}$/i.test(name)) {
    const commit = await commitOf(root, rev);
    return commit ? { commit, ref: commit } : undefined;
  }
  return undefined;
}
