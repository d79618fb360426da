// src/github/pull-request.ts on its own, against the local GitHub stand-in: what is sent
// to open a pull request, what each failure says (never the token), and — for `--pr` on a
// laptop — that an unreachable API is named ("could not reach HOST: …") instead of the CI
// advice "re-run the job". Plus the remote URL forms `--pr` reads the repository from.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPullRequestAccess, openPullRequest } from '../../src/github/pull-request.js';
import { repositoryOfRemoteUrl, withoutCredentials } from '../../src/github/remote-url.js';
import { RdnsError } from '../../src/core/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';

const TOKEN = 'ghp_laptoptoken1234567890';
const repo = { owner: 'example-isp', repo: 'rdns' };

/** A loopback port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function failure(p: Promise<unknown>): Promise<RdnsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RdnsError);
    const err = e as RdnsError;
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain(TOKEN);
    return err;
  }
  throw new Error('expected a failure');
}

describe('openPullRequest / checkPullRequestAccess against the GitHub stand-in', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    gh.route('POST', /^\/repos\/example-isp\/rdns\/pulls$/, (req) => ({ status: 201, body: { number: 12, html_url: 'https://github.example/example-isp/rdns/pull/12', ...(req.body as object) } }));
    gh.route('GET', /^\/repos\/example-isp\/(rdns|readonly)$/, (_req, [name]) => ({ status: 200, body: { full_name: `example-isp/${name}`, permissions: { pull: true, push: name === 'rdns' } } }));
  });
  afterAll(async () => gh?.close());

  it('opens the pull request with head, base, title and body, authenticated with the token', async () => {
    const pr = await openPullRequest({ token: TOKEN, apiUrl: gh.url, repo, head: 'rdns/set-x', base: 'main', title: 'set 198.51.100.40 → web1.example.com', body: '| change |', throttle: false });
    expect(pr).toEqual({ number: 12, url: 'https://github.example/example-isp/rdns/pull/12' });
    const post = gh.requests.find((q) => q.method === 'POST')!;
    expect(post.headers.authorization).toBe(`token ${TOKEN}`);
    expect(post.body).toEqual({ head: 'rdns/set-x', base: 'main', title: 'set 198.51.100.40 → web1.example.com', body: '| change |', maintainer_can_modify: true });
  });

  it('a title longer than GitHub takes is cut to 256 characters', async () => {
    await openPullRequest({ token: TOKEN, apiUrl: gh.url, repo, head: 'rdns/long', base: 'main', title: 'x'.repeat(300), body: '', throttle: false });
    expect((gh.requests.filter((q) => q.method === 'POST').at(-1)!.body as { title: string }).title).toHaveLength(256);
  });

  it('a 5xx is retried', async () => {
    gh.failNext('POST', /\/pulls$/, 502, 1);
    const pr = await openPullRequest({ token: TOKEN, apiUrl: gh.url, repo, head: 'rdns/retry', base: 'main', title: 't', body: '', throttle: false });
    expect(pr.number).toBe(12);
    expect(gh.log().filter((l) => l === 'POST /repos/example-isp/rdns/pulls').length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['a wrong token', { token: 'ghp_wrongtoken000000000', repo }, /reading the repository example-isp\/rdns .*failed \(401\): Bad credentials/, /invalid or expired: check GITHUB_TOKEN/],
    ['a token that may not push', { token: TOKEN, repo: { owner: 'example-isp', repo: 'readonly' } }, /may read example-isp\/readonly but not push to it/, /lacks a permission/],
    ['a mistyped repository', { token: TOKEN, repo: { owner: 'example-isp', repo: 'rdsn' } }, /example-isp\/rdsn .*failed \(404\)/, /or the repository name is wrong/],
  ])('checkPullRequestAccess refuses %s before anything is written', async (_what, req, message, hint) => {
    const err = await failure(checkPullRequestAccess({ ...req, apiUrl: gh.url, throttle: false }));
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(hint);
    expect(err.exitCode).toBe(2);
  });

  it('on a laptop, an API nobody answers is named, with what failed', async () => {
    const port = await closedPort();
    const err = await failure(checkPullRequestAccess({ token: TOKEN, apiUrl: `http://127.0.0.1:${port}`, repo, throttle: false }));
    expect(err.message).toMatch(new RegExp(`^could not reach 127\\.0\\.0\\.1:${port}: .+ \\(while reading the repository example-isp/rdns \\(checked before writing anything\\)\\)$`));
    expect(err.hint).toMatch(/check the network connection/);
    expect(`${err.message} ${err.hint}`).not.toMatch(/re-run the job/);
  });

  it('the default API host is named as api.github.com', async () => {
    const err = await failure(openPullRequest({ token: TOKEN, apiUrl: 'https://api.github.com.invalid', repo, head: 'h', base: 'main', title: 't', body: '', throttle: false }));
    expect(err.message).toMatch(/^could not reach api\.github\.com\.invalid: /);
  });

  it('inside a CI job the advice stays "re-run the job"', async () => {
    const port = await closedPort();
    const err = await failure(checkPullRequestAccess({ token: TOKEN, apiUrl: `http://127.0.0.1:${port}`, repo, throttle: false, ci: true }));
    expect(err.hint).toMatch(/re-run the job/);
  });
});

describe('repositoryOfRemoteUrl', () => {
  it.each([
    ['https://github.com/example-isp/rdns.git', 'github.com', 'example-isp/rdns'],
    ['https://github.com/example-isp/rdns', 'github.com', 'example-isp/rdns'],
    ['https://github.com/example-isp/rdns/', 'github.com', 'example-isp/rdns'],
    ['https://alice:ghp_secret@github.com/example-isp/rdns.git', 'github.com', 'example-isp/rdns'],
    ['git@github.com:example-isp/rdns.git', 'github.com', 'example-isp/rdns'],
    ['git@github.com:example-isp/rdns', 'github.com', 'example-isp/rdns'],
    ['ssh://git@github.com/example-isp/rdns.git', 'github.com', 'example-isp/rdns'],
    ['ssh://git@github.com:22/example-isp/rdns.git', 'github.com', 'example-isp/rdns'],
    ['git://github.com/example-isp/rdns.git', 'github.com', 'example-isp/rdns'],
    ['https://GHE.Example.net/noc/zones.v2.git', 'ghe.example.net', 'noc/zones.v2'],
  ])('%s', (url, host, slug) => {
    const r = repositoryOfRemoteUrl(url);
    expect(r && { host: r.host, slug: `${r.repo.owner}/${r.repo.repo}` }).toEqual({ host, slug });
  });

  it.each(['/srv/git/rdns.git', 'file:///srv/git/rdns.git', 'https://github.com/example-isp', 'https://github.com/a/b/c', 'git@github.com:/abs/path.git', '../rdns'])('%s is no GitHub repository', (url) => {
    expect(repositoryOfRemoteUrl(url)).toBeUndefined();
  });

  it('credentials never reach a message', () => {
    expect(withoutCredentials('https://alice:ghp_secret@github.com/example-isp/rdns.git')).toBe('https://github.com/example-isp/rdns.git');
  });
});
