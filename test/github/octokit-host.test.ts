import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, normaliseApiUrl, parseRepository, redact, spacedWrites } from '../../src/github/client.js';
import { createPullRequestHost } from '../../src/github/octokit-host.js';
import type { CheckAnnotation, PullRequestHost } from '../../src/github/host.js';
import { RdnsError } from '../../src/core/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';

const TOKEN = 'ghs_fakeTokenValue1234567890abcdef';
const MARKER = '<!-- rdns-gitops:ci -->';

let gh: FakeGitHub;
let host: PullRequestHost;
let warnings: string[];

beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
  warnings = [];
  const client = createGitHubClient({ token: TOKEN, baseUrl: gh.url, retryBaseMs: 5, throttle: false, warn: (m) => warnings.push(m) });
  host = createPullRequestHost(client, { owner: 'example-isp', repo: 'rdns' }, TOKEN);
});
afterEach(async () => {
  await gh.close();
});

const annotation = (i: number): CheckAnnotation => ({ path: 'zones/a.yaml', start_line: i + 1, end_line: i + 1, annotation_level: 'failure', message: `finding ${i}`, title: 'hostname.invalid' });

describe('sticky comment', () => {
  it('is created once and then updated in place: a second run PATCHes, never a second POST', async () => {
    gh.comments.set(7, [{ id: 1, body: `a human quoting ${MARKER} in a reply`, user: { login: 'alice', type: 'User' }, html_url: '' }]);
    const first = await host.upsertStickyComment(7, MARKER, `${MARKER}\nfirst run`);
    const second = await host.upsertStickyComment(7, MARKER, `${MARKER}\nsecond run`);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, id: first.id });
    expect(gh.log()).toEqual([
      'GET /repos/example-isp/rdns/issues/7/comments',
      'POST /repos/example-isp/rdns/issues/7/comments',
      'GET /repos/example-isp/rdns/issues/7/comments',
      `PATCH /repos/example-isp/rdns/issues/comments/${first.id}`,
    ]);
    const bodies = gh.comments.get(7)!.map((c) => c.body);
    expect(bodies).toEqual([`a human quoting ${MARKER} in a reply`, `${MARKER}\nsecond run`]);
  });

  it('never takes over a comment someone else started with the marker', async () => {
    gh.comments.set(7, [{ id: 1, body: `${MARKER}\n## ✅ rdns: all checks passed`, user: { login: 'mallory', type: 'User' }, html_url: '' }]);
    const first = await host.upsertStickyComment(7, MARKER, `${MARKER}\nfirst run`);
    const second = await host.upsertStickyComment(7, MARKER, `${MARKER}\nsecond run`);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, id: first.id });
    expect(gh.comments.get(7)!.map((c) => [c.user.login, c.body])).toEqual([
      ['mallory', `${MARKER}\n## ✅ rdns: all checks passed`],
      ['github-actions[bot]', `${MARKER}\nsecond run`],
    ]);
  });

  it('with a personal token, the comment of the token owner is ours', async () => {
    gh.route('GET', /^\/user$/, () => ({ status: 200, body: { login: 'rdns-bot-user' } }));
    gh.comments.set(7, [
      { id: 1, body: `${MARKER}\nspoof`, user: { login: 'mallory', type: 'User' }, html_url: '' },
      { id: 2, body: `${MARKER}\nearlier run`, user: { login: 'RDNS-bot-user', type: 'User' }, html_url: '' },
    ]);
    expect(await host.upsertStickyComment(7, MARKER, `${MARKER}\nnow`)).toMatchObject({ created: false, id: 2 });
    expect(gh.comments.get(7)!.map((c) => c.body)).toEqual([`${MARKER}\nspoof`, `${MARKER}\nnow`]);
  });

  it('finds its comment on a busy pull request (page 3 of the comments)', async () => {
    const human = (id: number) => ({ id, body: `comment ${id}`, user: { login: 'alice', type: 'User' }, html_url: '' });
    gh.comments.set(9, [...Array.from({ length: 230 }, (_, i) => human(i + 1)), { ...human(500), body: `${MARKER}\nold`, user: { login: 'github-actions[bot]', type: 'Bot' } }]);
    const r = await host.upsertStickyComment(9, MARKER, `${MARKER}\nnew`);
    expect(r).toMatchObject({ id: 500, created: false });
    expect(gh.log()).toEqual([
      'GET /repos/example-isp/rdns/issues/9/comments',
      'GET /repos/example-isp/rdns/issues/9/comments',
      'GET /repos/example-isp/rdns/issues/9/comments',
      'PATCH /repos/example-isp/rdns/issues/comments/500',
    ]);
    expect(gh.requests.slice(0, 3).map((q) => q.query.get('page') ?? '1')).toEqual(['1', '2', '3']);
  });
});

describe('check run', () => {
  it('sends 120 annotations as 3 updates of 50, 50 and 20; the last one completes the run', async () => {
    const annotations = Array.from({ length: 120 }, (_, i) => annotation(i));
    const run = await host.publishCheckRun({ name: 'rdns', headSha: 'a'.repeat(40), conclusion: 'failure', title: '120 errors', summary: 'sum', annotations });
    expect(run.batches).toBe(3);
    const create = gh.requests.filter((r) => r.method === 'POST');
    const updates = gh.requests.filter((r) => r.method === 'PATCH');
    expect(create).toHaveLength(1);
    expect(create[0]!.body).toMatchObject({ name: 'rdns', head_sha: 'a'.repeat(40), status: 'in_progress' });
    expect(updates.map((u) => (u.body as { output: { annotations: unknown[] } }).output.annotations.length)).toEqual([50, 50, 20]);
    expect(updates.map((u) => (u.body as { conclusion?: string }).conclusion)).toEqual([undefined, undefined, 'failure']);
    expect(gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(gh.checkRuns[0]!.annotations.map((a) => a.message)).toEqual(annotations.map((a) => a.message));
  });

  it('completes a clean run with one update and no annotations', async () => {
    await host.publishCheckRun({ name: 'rdns', headSha: 'b'.repeat(40), conclusion: 'success', title: 'ok', summary: 'ok', annotations: [] });
    expect(gh.log()).toEqual(['POST /repos/example-isp/rdns/check-runs', `PATCH /repos/example-isp/rdns/check-runs/${gh.checkRuns[0]!.id}`]);
    expect(gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success', annotations: [] });
  });
});

describe('labels and team membership', () => {
  it('reads the labels of the pull request', async () => {
    gh.labels.set(7, ['rdns/bulk-approved', 'noc']);
    expect(await host.labels(7)).toEqual(['rdns/bulk-approved', 'noc']);
    expect(gh.log()).toEqual(['GET /repos/example-isp/rdns/issues/7/labels']);
  });

  it('tells who added a label most recently, from the pull request\'s events', async () => {
    gh.labelEvents.set(7, [
      { event: 'labeled', label: 'rdns/bulk-approved', actor: 'nina' },
      { event: 'unlabeled', label: 'rdns/bulk-approved', actor: 'alice' },
      { event: 'labeled', label: 'RDNS/Bulk-Approved', actor: 'alice' },
      { event: 'labeled', label: 'other', actor: 'bob' },
    ]);
    expect(await host.labelAppliedBy!(7, 'rdns/bulk-approved')).toBe('alice');
    expect(await host.labelAppliedBy!(7, 'missing')).toBeUndefined();
  });

  it('asks GitHub for team membership once per (org, team, login); 404 means not a member', async () => {
    gh.teams.set('example-isp/noc', ['alice']);
    expect(await host.isTeamMember('example-isp', 'noc', 'alice')).toBe(true);
    expect(await host.isTeamMember('example-isp', 'noc', 'Alice')).toBe(true);
    expect(await host.isTeamMember('example-isp', 'noc', 'mallory')).toBe(false);
    expect(gh.log()).toEqual([
      'GET /orgs/example-isp/teams/noc/memberships/alice',
      'GET /orgs/example-isp/teams/noc/memberships/mallory',
      // The 404 is only "not a member" once the team itself is known to be visible.
      'GET /orgs/example-isp/teams/noc',
    ]);
  });

  it('a 404 for a team the token cannot see (GITHUB_TOKEN has no read:org) is an error that names the fix, not a silent "not a member"', async () => {
    // GitHub answers 404 for both the membership and the team when the token may not read organisation teams.
    gh.route('GET', /^\/orgs\/[^/]+\/teams\//, () => ({ status: 404, body: { message: 'Not Found' } }));
    const err = await host.isTeamMember('example-isp', 'noc', 'alice').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RdnsError);
    expect((err as RdnsError).message).toMatch(/@example-isp\/noc is not visible to the token/);
    expect((err as RdnsError).hint).toMatch(/RDNS_ORG_TOKEN/);
    expect((err as RdnsError).message).not.toContain(TOKEN);
  });
});

describe('client', () => {
  it('retries a 502 and then succeeds', async () => {
    gh.labels.set(3, ['x']);
    gh.failNext('GET', /\/labels$/, 502);
    expect(await host.labels(3)).toEqual(['x']);
    expect(gh.requests.map((r) => r.status)).toEqual([502, 200]);
    expect(warnings.join('\n')).toContain('502');
  });

  it('sends the token only in the Authorization header and never puts it in an error message', async () => {
    gh.failNext('GET', /\/labels$/, 403);
    const err = await host.labels(3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RdnsError);
    const text = `${(err as RdnsError).message}\n${(err as RdnsError).hint}\n${(err as Error).stack}\n${JSON.stringify(err)}`;
    expect(text).toContain('403');
    expect(text).not.toContain(TOKEN);
    expect(gh.requests[0]!.headers.authorization).toBe(`token ${TOKEN}`);
    expect(warnings.join('\n')).not.toContain(TOKEN);
  });

  it('gives up after the retries with a message naming the request', async () => {
    gh.failNext('GET', /\/labels$/, 503, 10);
    const err = (await host.labels(3).catch((e: unknown) => e)) as RdnsError;
    expect(err.message).toMatch(/GET \/repos\/example-isp\/rdns\/issues\/3\/labels failed \(503\)/);
    expect(gh.requests).toHaveLength(4);
  });

  it.each([
    [undefined, 'https://api.github.com'],
    ['https://ghe.example.net/api/v3/', 'https://ghe.example.net/api/v3'],
  ])('API URL %s → %s', (input, out) => expect(normaliseApiUrl(input)).toBe(out));

  it.each(['ftp://x', 'not a url', 'https://user:pw@ghe.example.net/api/v3'])('refuses the API URL %s', (u) => expect(() => normaliseApiUrl(u)).toThrow(RdnsError));

  it('parses GITHUB_REPOSITORY and redacts tokens', () => {
    expect(parseRepository('example-isp/rdns.data')).toEqual({ owner: 'example-isp', repo: 'rdns.data' });
    expect(() => parseRepository('nope')).toThrow(RdnsError);
    expect(redact(`failed with ${TOKEN}`, TOKEN)).toBe('failed with [REDACTED]');
    expect(redact('authorization: token ghp_abcdefghijkl', undefined)).toBe('authorization: token [REDACTED]');
  });
});

describe('write spacing (the throttling plugin)', () => {
  it('spacedWrites: writes made at once start one after another, in order, each the gap after the one before', async () => {
    let now = 1_000;
    const slept: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => void slept.push(ms) };
    const limiter = spacedWrites(40, clock) as unknown as { key(id: string): { schedule<T>(options: unknown, job: () => Promise<T>): Promise<T> } };
    const started: string[] = [];
    const write = (name: string, took: number) =>
      limiter.key('no-id').schedule({}, async () => {
        started.push(name);
        now += took; // the clock moves only as the jobs say
        return name;
      });
    expect(await Promise.all([write('one', 10), write('two', 0), write('three', 50)])).toEqual(['one', 'two', 'three']);
    expect(started).toEqual(['one', 'two', 'three']);
    // one starts at once; two waits the 30 ms left of the gap (one took 10); three waits the full 40.
    expect(slept).toEqual([30, 40]);
    // A write after a pause longer than the gap starts at once; a failed write does not stop the next.
    now += 1_000;
    await expect(limiter.key('no-id').schedule({}, () => Promise.reject(new Error('422')))).rejects.toThrow('422');
    expect(await write('four', 0)).toBe('four');
    expect(slept).toEqual([30, 40, 40]);
  });

  it('a client with writeGapMs still sends every write, through its own limiter (rdns ci in the tests: RDNS_GITHUB_WRITE_GAP_MS)', async () => {
    const client = createGitHubClient({ token: TOKEN, baseUrl: gh.url, writeGapMs: 5 });
    const post = (body: string) => client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'example-isp', repo: 'rdns', issue_number: 7, body });
    await Promise.all([post('one'), post('two'), post('three')]);
    expect(gh.comments.get(7)!.map((c) => c.body).sort()).toEqual(['one', 'three', 'two']);
  });
});
