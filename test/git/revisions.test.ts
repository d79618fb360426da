import { describe, expect, it } from 'vitest';
import { RdnsError } from '../../src/core/errors.js';
import { WORKTREE } from '../../src/git/changed-files.js';
import { resolveRevision } from '../../src/git/resolve-revision.js';
import { isShallow, resolveRevisions } from '../../src/git/revisions.js';
import { cloneGitRepo, createGitRepo } from '../helpers/git-repo.js';

const rejection = async (p: Promise<unknown>): Promise<RdnsError> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RdnsError);
    return e as RdnsError;
  }
  throw new Error('expected a rejection');
};

describe('resolveRevisions', () => {
  it('measures a feature branch from its merge base, not from the newer tip of main', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    const forkPoint = repo.rev('HEAD');
    repo.branch('feature').checkout('feature');
    const featureTip = repo.commit('feature change', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\n' });
    repo.checkout('main');
    const mainTip = repo.commit('later on main', { 'zones/c.yaml': 'prefix: 203.0.113.0/24\n' });
    repo.checkout('feature');
    const r = await resolveRevisions(repo.root, { base: 'main', head: 'feature' });
    expect(r).toMatchObject({ base: forkPoint, baseTip: mainTip, baseRef: 'refs/heads/main', head: featureTip, headCommit: featureTip, fetched: [] });
  });

  it('compares with the work tree when no head is given', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    const r = await resolveRevisions(repo.root, { base: 'HEAD' });
    expect(r.head).toBe(WORKTREE);
    expect(r.headCommit).toBe(repo.rev('HEAD'));
  });

  it('finds the base of a merge commit (what GitHub checks out for a pull request)', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    repo.branch('pr').checkout('pr');
    repo.commit('pr change', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\n' });
    repo.checkout('main');
    const mainTip = repo.commit('main moves on', { 'zones/c.yaml': 'prefix: 203.0.113.0/24\n' });
    const merge = repo.merge('pr');
    const r = await resolveRevisions(repo.root, { base: mainTip, head: merge });
    expect(r.base).toBe(mainTip);
  });

  it('uses origin/<base> when the clone has no local branch of that name', async () => {
    const origin = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    origin.branch('feature').checkout('feature');
    origin.commit('feature', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\n' });
    const clone = cloneGitRepo(origin, { branch: 'feature' });
    const r = await resolveRevisions(clone.root, { base: 'main' });
    expect(r.baseRef).toBe('refs/remotes/origin/main');
    expect(r.base).toBe(origin.rev('main'));
  });

  it('fetches the base branch and enough history in a shallow single-branch clone', async () => {
    const origin = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    for (let i = 0; i < 3; i++) origin.commit(`main ${i}`, { [`zones/m${i}.yaml`]: `prefix: 10.0.${i}.0/24\n` });
    const forkPoint = origin.rev('main');
    origin.branch('feature').checkout('feature');
    for (let i = 0; i < 3; i++) origin.commit(`feature ${i}`, { [`zones/f${i}.yaml`]: `prefix: 10.1.${i}.0/24\n` });
    origin.checkout('main');
    origin.commit('main moves on', { 'zones/late.yaml': 'prefix: 10.2.0.0/24\n' });

    const clone = cloneGitRepo(origin, { depth: 1, branch: 'feature' });
    expect(await isShallow(clone.root)).toBe(true);
    const r = await resolveRevisions(clone.root, { base: 'main' });
    expect(r.baseRef).toBe('refs/remotes/origin/main');
    expect(r.base).toBe(forkPoint);
    expect(r.fetched.length).toBeGreaterThan(0);
    expect(r.fetched[0]).toContain('refs/heads/main:refs/remotes/origin/main');
  });

  it('fails with the checkout fix when a shallow clone cannot fetch', async () => {
    const origin = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    origin.branch('feature').checkout('feature');
    origin.commit('feature', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\n' });
    const clone = cloneGitRepo(origin, { depth: 1, branch: 'feature' });
    clone.git('remote', 'set-url', 'origin', '/nonexistent/rdns-origin');
    const e = await rejection(resolveRevisions(clone.root, { base: 'main' }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('unknown base revision "main"');
    expect(e.hint).toContain('fetch-depth: 0');
  });

  it('fails with the checkout fix when the base is present but the history below the cut is missing', async () => {
    const origin = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    origin.branch('feature').checkout('feature');
    origin.commit('feature 1', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\n' });
    origin.commit('feature 2', { 'zones/c.yaml': 'prefix: 203.0.113.0/24\n' });
    origin.checkout('main');
    origin.commit('main 2', { 'zones/d.yaml': 'prefix: 10.0.0.0/24\n' });
    const clone = cloneGitRepo(origin, { depth: 1, branch: 'feature' });
    clone.git('fetch', '-q', '--depth=1', 'origin', '+refs/heads/main:refs/remotes/origin/main');
    const e = await rejection(resolveRevisions(clone.root, { base: 'main', fetch: false }));
    expect(e.message).toContain('shallow clone');
    expect(e.hint).toContain('actions/checkout with `fetch-depth: 0`');
  });

  it('names an unknown base in a full clone', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    const e = await rejection(resolveRevisions(repo.root, { base: 'no-such-branch' }));
    expect(e.message).toContain('no-such-branch');
  });
});

describe('resolveRevision: one name, one ref', () => {
  it('takes a full SHA, a full ref, an abbreviated SHA, a suffix, and a tag that shadows no branch', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    const first = repo.rev('HEAD');
    const second = repo.commit('two', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\n' });
    repo.git('tag', 'v1', first);
    expect(await resolveRevision(repo.root, second)).toEqual({ commit: second, ref: second });
    expect(await resolveRevision(repo.root, 'refs/heads/main')).toEqual({ commit: second, ref: 'refs/heads/main' });
    expect(await resolveRevision(repo.root, second.slice(0, 10))).toEqual({ commit: second, ref: second });
    expect(await resolveRevision(repo.root, 'main~1')).toEqual({ commit: first, ref: 'refs/heads/main' });
    expect(await resolveRevision(repo.root, 'HEAD^')).toEqual({ commit: first, ref: 'HEAD^' });
    expect(await resolveRevision(repo.root, 'v1')).toEqual({ commit: first, ref: 'refs/tags/v1' });
    expect(await resolveRevision(repo.root, 'refs/heads/nope')).toBeUndefined();
    expect(await resolveRevision(repo.root, 'nope')).toBeUndefined();
  });

  it('refuses a name that is a branch and a tag, and one that is not a revision', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n' });
    const first = repo.rev('HEAD');
    repo.commit('two', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\n' });
    repo.git('tag', 'main', first);
    const e = await rejection(resolveRevision(repo.root, 'main'));
    expect(e.message).toMatch(/^the revision "main" is ambiguous: it names refs\/tags\/main \(\w{7}\) and refs\/heads\/main \(\w{7}\)$/);
    expect(e.hint).toContain('refs/heads/main');
    expect((await rejection(resolveRevision(repo.root, '--upload-pack=x'))).message).toBe('"--upload-pack=x" is not a revision');
    // Fully qualified, each is what it says.
    expect((await resolveRevision(repo.root, 'refs/tags/main'))?.commit).toBe(first);
  });
});
