/**
 * End to end: the built `rdns ci` in real git repositories, as GitHub Actions runs it on a
 * pull request, against a local stand-in for the GitHub REST API and a real BIND on
 * loopback for FCrDNS. Asserts what the author and the reviewers would see: exit code,
 * annotations on the exact lines, the one sticky comment, the check run, the step summary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coloHallB } from '../helpers/block-files.js';
import { bindOrSkip, startBind, zoneText, type BindServer } from '../helpers/bind.js';
import { runCi } from '../helpers/ci-run.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';

// Fixed commit dates make commit ids, and so the links in the comment, reproducible.
process.env.GIT_AUTHOR_DATE = '2026-01-02T03:04:05Z';
process.env.GIT_COMMITTER_DATE = '2026-01-02T03:04:05Z';

const TOKEN = 'ghs_e2eSecretToken0123456789abcdefXYZ';
const ORG_TOKEN = 'ghp_orgReadToken9876543210zyxwvuABCD';
const BLOCK = 'zones/198.51.100.0_24.yaml';

const CONFIG = `guards:
  max_changed_records: 5
  max_delete_percent: 20
  label: rdns/bulk-approved
`;

const blockFile = (records: string[]): string =>
  coloHallB({ head: '# yaml-language-server: $schema=../schema/block.schema.json\n', settings: '', records: records.map((r) => `  ${r}\n`).join('') });

const BASE_RECORDS = ['198.51.100.22: mail.example.com', '198.51.100.34: smtp.acme.example'];

/** Forward zones: every name used below resolves to its IP, except wrong.example.com. */
const FORWARD_EXAMPLE = zoneText(
  'example.com',
  ['mail A 198.51.100.22', 'web A 198.51.100.40', 'wrong A 192.0.2.99', ...Array.from({ length: 8 }, (_, i) => `bulk${i} A 198.51.100.${100 + i}`)].join('\n'),
);
const FORWARD_ACME = zoneText('acme.example', ['smtp A 198.51.100.34', 'www A 198.51.100.35'].join('\n'));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: string;
}

const have = bindOrSkip();

describe.skipIf(!have)('rdns ci (built CLI) on a pull request', () => {
  let bind: BindServer;
  let gh: FakeGitHub;
  let work: string;

  beforeAll(async () => {
    bind = await startBind([
      { name: 'example.com', text: FORWARD_EXAMPLE },
      { name: 'acme.example', text: FORWARD_ACME },
    ]);
  });
  afterAll(async () => {
    await bind?.stop();
  });
  beforeEach(async () => {
    gh = await startFakeGitHub({ token: [TOKEN, ORG_TOKEN] });
    gh.teams.set('example-isp/noc', ['alice']);
    gh.permissions.set('nina', 'triage');
    work = mkdtempSync(join(tmpdir(), 'rdns-ci-'));
    return async () => gh.close();
  });

  /** main with the base block, and a PR branch with `records` as the block's records. */
  const pullRequest = (records: string[], extra: Record<string, string> = {}, config = CONFIG): GitRepo => {
    const repo = createGitRepo({ 'rdns.yaml': config, [BLOCK]: blockFile(BASE_RECORDS) });
    repo.checkout('main');
    repo.git('checkout', '-q', '-b', 'change');
    repo.commit('change PTRs', { [BLOCK]: blockFile(records), ...extra });
    return repo;
  };

  /** Runs `rdns ci` as the pull_request workflow would (asynchronously: the fake API lives in this process). */
  const ci = async (repo: GitRepo, author: string, options: { labels?: string[]; args?: string[]; env?: Record<string, string | undefined> } = {}): Promise<Run> => {
    const summaryFile = join(work, `summary-${Math.random().toString(36).slice(2)}.md`);
    writeFileSync(summaryFile, '');
    const env = { GITHUB_RUN_ID: '42', GITHUB_STEP_SUMMARY: summaryFile, ...options.env };
    const r = await runCi({ work, repo, author, labels: options.labels, token: TOKEN, apiUrl: gh.url, env }, ['--resolver', bind.address, '--timeout', '1000', ...(options.args ?? [])], 60_000);
    // Whatever happened, the token must never reach the log.
    for (const secret of [TOKEN, ORG_TOKEN]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    return { ...r, summary: readFileSync(summaryFile, 'utf8') };
  };

  const comment = (): string => {
    const list = gh.comments.get(7) ?? [];
    expect(list).toHaveLength(1);
    return list[0]!.body;
  };
  const lineOf = (repo: GitRepo, text: string): number => readFileSync(join(repo.root, BLOCK), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

  it('a clean pull request passes: one comment, a successful check run, the step summary; a re-run updates the comment in place', async () => {
    const repo = pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com']);
    const r = await ci(repo, 'alice');
    expect(r.stderr).toContain('rdns: pull-request comment created');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('::error');
    expect(r.stdout).toContain('rdns: 1 files, 3 records, 0 errors, 0 warnings');
    const body = comment();
    expect(body.startsWith('<!-- rdns-gitops:ci -->\n## ✅ rdns: all checks passed')).toBe(true);
    expect(body).toContain('| ✅ ownership | `@alice` may change every changed address |');
    expect(body).toContain('| ✅ FCrDNS | 1 of 1 new PTR name confirmed (resolve back to the IP) |');
    expect(body).toContain(`| ➕ added | \`198.51.100.40\` | \`web.example.com\` | [\`${BLOCK}:12\`](https://github.test/example-isp/rdns/blob/${repo.rev('HEAD')}/${BLOCK}#L12) |`);
    expect(r.summary).toContain('## ✅ rdns: all checks passed');
    expect(r.summary).not.toContain('<!-- rdns-gitops:ci -->');
    expect(gh.log()).toEqual([
      'GET /orgs/example-isp/teams/noc/memberships/alice',
      'GET /repos/example-isp/rdns/issues/7/labels',
      'GET /repos/example-isp/rdns/issues/7/comments',
      'POST /repos/example-isp/rdns/issues/7/comments',
      'POST /repos/example-isp/rdns/check-runs',
      `PATCH /repos/example-isp/rdns/check-runs/${gh.checkRuns[0]!.id}`,
    ]);
    expect(gh.checkRuns[0]).toMatchObject({ name: 'rdns', head_sha: repo.rev('HEAD'), status: 'completed', conclusion: 'success', annotations: [] });
    for (const req of gh.requests) expect(req.headers.authorization).toBe(`token ${TOKEN}`);
    await expect(body).toMatchFileSnapshot('__snapshots__/comment-clean.md');

    const again = await ci(repo, 'alice');
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('rdns: pull-request comment updated');
    expect(gh.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/comments'))).toHaveLength(1);
    expect(gh.requests.filter((q) => q.method === 'PATCH' && q.path.includes('/issues/comments/'))).toHaveLength(1);
    expect(gh.comments.get(7)).toHaveLength(1);
  });

  it('a bad hostname fails with an annotation on its exact line, in the log and in the check run', async () => {
    const repo = pullRequest([BASE_RECORDS[0]!, '198.51.100.23: mail_relay.example.com', BASE_RECORDS[1]!]);
    const line = lineOf(repo, 'mail_relay');
    const r = await ci(repo, 'alice');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^::error file=zones/198\\.51\\.100\\.0_24\\.yaml,line=${line},col=3,title=hostname\\.invalid::198\\.51\\.100\\.23: underscores`, 'm'));
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(gh.checkRuns[0]!.annotations).toEqual([
      expect.objectContaining({ path: BLOCK, start_line: line, end_line: line, start_column: 3, annotation_level: 'failure', title: 'hostname.invalid' }),
    ]);
    const body = comment();
    expect(body).toContain('## ❌ rdns: merge blocked — 1 error');
    expect(body).toMatch(/\| ❌ \| \[`zones\/198\.51\.100\.0_24\.yaml:\d+`\]\(https:\/\/github\.test\/example-isp\/rdns\/blob\/[0-9a-f]{40}\/zones\/198\.51\.100\.0_24\.yaml#L\d+\) \| `hostname\.invalid` \|/);
    await expect(body).toMatchFileSnapshot('__snapshots__/comment-bad-hostname.md');
  });

  it('a change to an address the author does not own is "not yours", naming who may change it', async () => {
    // @acme-corp owns 198.51.100.32/28 only: its own record is fine, the block's mail record is not.
    const repo = pullRequest(['198.51.100.22: mx.acme.example', '198.51.100.34: smtp.acme.example', '198.51.100.35: www.acme.example']);
    const r = await ci(repo, 'acme-corp', { args: ['--no-fcrdns'] });
    expect(r.status).toBe(1);
    const line = lineOf(repo, 'mx.acme.example');
    expect(r.stdout).toMatch(new RegExp(`^::error file=${BLOCK.replace(/\./g, '\\.')},line=${line},col=3,title=ownership\\.not-yours::not yours: 198\\.51\\.100\\.22 belongs to block 198\\.51\\.100\\.0/24`, 'm'));
    expect(r.stdout).not.toContain('198.51.100.35 belongs');
    expect(gh.log()).toContain('GET /orgs/example-isp/teams/noc/memberships/acme-corp');
    const body = comment();
    // Handles are shown as code so that the comment does not notify the team on every push.
    expect(body).toContain('may be changed by `@example-isp/noc`');
    expect(body).toContain('| ⏭️ FCrDNS | skipped: --no-fcrdns |');
  });

  it('owners and guard limits are those of the target branch now, not of the merge base: a right revoked on main since the branch started no longer counts', async () => {
    const repo = pullRequest([BASE_RECORDS[0]!, '198.51.100.34: smtp2.acme.example', '198.51.100.35: www.acme.example']);
    // After the pull request branched off, main hands the allocation to another customer and lowers the guard.
    repo.checkout('main');
    repo.commit('acme leaves', { [BLOCK]: blockFile(BASE_RECORDS).replace('owners: ["@acme-corp"]', 'owners: ["@initech"]'), 'rdns.yaml': CONFIG.replace('max_changed_records: 5', 'max_changed_records: 1') });
    repo.checkout('change');
    const r = await ci(repo, 'acme-corp', { args: ['--no-fcrdns'] });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('title=ownership.not-yours::not yours: 198.51.100.34 belongs to allocation 198.51.100.32/28 (acme); it may be changed by @initech, @example-isp/noc (@acme-corp is not one of them)');
    expect(r.stdout).toContain('title=ownership.not-yours::not yours: 198.51.100.35');
    expect(r.stdout).toMatch(/^::error title=guard\.too-many-changes::2 records change, more than guards\.max_changed_records \(1\)/m);
  });

  it('--head validates that revision, not the checked-out files', async () => {
    // The new /23 overlaps the unchanged /24: only a validation of the whole head revision sees it.
    const repo = pullRequest(BASE_RECORDS, { 'zones/wide.yaml': 'prefix: 198.51.100.0/23\nrecords:\n  198.51.101.1: wide.example.com\n' });
    repo.checkout('main');
    const r = await ci(repo, 'alice', { args: ['--head', 'change', '--no-fcrdns', '--no-publish'] });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error file=zones\/198\.51\.100\.0_24\.yaml,line=2,col=9,title=block\.overlap::block 198\.51\.100\.0\/24 overlaps block 198\.51\.100\.0\/23 in zones\/wide\.yaml$/m);
    expect(r.summary).toContain('| ❌ validate | 2 files, 3 records — 1 error |');
  });

  const bulk = [...BASE_RECORDS, ...Array.from({ length: 8 }, (_, i) => `198.51.100.${100 + i}: bulk${i}.example.com`)];

  it('a bulk change over the guard is blocked without the approval label', async () => {
    const r = await ci(pullRequest(bulk), 'alice');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=guard\.too-many-changes::8 records change, more than guards\.max_changed_records \(5\); add the "rdns\/bulk-approved" label/m);
    expect(gh.log()).toContain('GET /repos/example-isp/rdns/issues/7/labels');
    expect(comment()).toContain('| ❌ change guards |');
  });

  it('raising the limit in the same pull request does not lift the guard (limits come from the base)', async () => {
    const r = await ci(pullRequest(bulk, { 'rdns.yaml': CONFIG.replace('max_changed_records: 5', 'max_changed_records: 5000') }), 'alice');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=guard\.too-many-changes::8 records change, more than guards\.max_changed_records \(5\)/m);
  });

  it('loosening the hostname policy in the same pull request does not let a denied name through (the base policy applies)', async () => {
    const loosened = `${CONFIG}policy:\n  deny: ["^nothing-matches-this$"]\n`;
    const repo = pullRequest([...BASE_RECORDS, '198.51.100.50: dhcp-50.pool.example.com'], { 'rdns.yaml': loosened });
    const r = await ci(repo, 'alice', { args: ['--no-fcrdns'] });
    expect(r.status).toBe(1);
    const line = lineOf(repo, 'dhcp-50');
    expect(r.stdout).toMatch(new RegExp(`^::error file=${BLOCK.replace(/\./g, '\\.')},line=${line},col=3,title=hostname\\.denied::198\\.51\\.100\\.50: "dhcp-50\\.pool\\.example\\.com" is refused by the hostname policy`, 'm'));
    expect(r.stdout).toMatch(/^::error file=rdns\.yaml,line=1,col=1,title=config\.changed::this pull request changes rdns\.yaml \(policy\)/m);
  });

  it('… and passes with the label, read live from the API (the event payload is stale on re-runs)', async () => {
    gh.labels.set(7, ['rdns/bulk-approved']);
    gh.labelEvents.set(7, [{ event: 'labeled', label: 'rdns/bulk-approved', actor: 'nina' }]);
    const r = await ci(pullRequest(bulk), 'alice', { labels: [] });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^::warning title=guard\.too-many-changes::8 records change.*approved by the "rdns\/bulk-approved" label/m);
    expect(comment()).toContain('## ⚠️ rdns: checks passed with 1 warning');
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: 'success' });
  });

  it('… but not when the author added the label: whoever can push a branch can label it', async () => {
    gh.labels.set(7, ['rdns/bulk-approved']);
    gh.labelEvents.set(7, [{ event: 'labeled', label: 'rdns/bulk-approved', actor: 'Alice' }]);
    const r = await ci(pullRequest(bulk), 'alice', { args: ['--no-fcrdns'] });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=guard\.too-many-changes::8 records change.*add the "rdns\/bulk-approved" label/m);
    expect(comment()).toMatch(/\| ❌ change guards \| 8 records changed .*"rdns\/bulk-approved" was added by the author `@Alice`, and an author cannot approve their own change/);
    // Someone else adding it approves.
    gh.labelEvents.set(7, [...gh.labelEvents.get(7)!, { event: 'labeled', label: 'rdns/bulk-approved', actor: 'nina' }]);
    expect((await ci(pullRequest(bulk), 'alice', { args: ['--no-fcrdns'] })).status).toBe(0);
  });

  it('when the labels cannot be read live, the label of the event approves nothing (fail closed) and the comment says so', async () => {
    gh.failNext('GET', /\/labels$/, 403);
    const r = await ci(pullRequest(bulk), 'alice', { labels: ['rdns/bulk-approved'] });
    expect(r.status).toBe(1);
    expect(comment()).toMatch(/\| ❌ change guards \| 8 records changed .*; labels from the event \(the API failed: GitHub API: GET \/repos\/example-isp\/rdns\/issues\/7\/labels failed \(403\)/);
    expect(comment()).toContain('label does not count: the pull request');
  });

  it('a bad --resolver is a usage error before any work', async () => {
    const r = await ci(pullRequest(BASE_RECORDS), 'alice', { args: ['--resolver', 'dns.example.net'] });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^rdns: --resolver dns\.example\.net: not a DNS server address/m);
    expect(gh.requests).toEqual([]);
  });

  it('an FCrDNS mismatch (the name resolves to another IP on the loopback BIND) fails on the record line', async () => {
    const repo = pullRequest([...BASE_RECORDS, '198.51.100.41: wrong.example.com']);
    const line = lineOf(repo, 'wrong.example.com');
    const r = await ci(repo, 'alice');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`^::error file=${BLOCK.replace(/\./g, '\\.')},line=${line},col=3,title=fcrdns\\.mismatch::198\\.51\\.100\\.41 → wrong\\.example\\.com, but wrong\\.example\\.com resolves to 192\\.0\\.2\\.99, not to 198\\.51\\.100\\.41`, 'm'),
    );
    expect(gh.checkRuns[0]!.annotations).toEqual([expect.objectContaining({ start_line: line, title: 'fcrdns.mismatch', annotation_level: 'failure' })]);
    const body = comment();
    expect(body).toContain('| ❌ FCrDNS | 0 of 1 new PTR name confirmed (resolve back to the IP) — 1 error |');
    await expect(body).toMatchFileSnapshot('__snapshots__/comment-fcrdns-mismatch.md');
  });

  it('120 findings reach the check run in 3 updates of 50, 50 and 20 annotations', async () => {
    const records = [...BASE_RECORDS, ...Array.from({ length: 120 }, (_, i) => `198.51.100.${120 + i}: host_${i}.example.com`)];
    const r = await ci(pullRequest(records), 'alice', { args: ['--no-fcrdns'], labels: ['rdns/bulk-approved'] });
    expect(r.status).toBe(1);
    const updates = gh.requests.filter((q) => q.method === 'PATCH' && q.path.includes('/check-runs/'));
    expect(updates.map((u) => (u.body as { output: { annotations: unknown[] } }).output.annotations.length)).toEqual([50, 50, 20]);
    expect(gh.checkRuns[0]!.annotations).toHaveLength(120);
    const body = comment();
    expect(body).toContain('### Findings (120)');
    expect(body).toContain("…and 20 more findings: see the check run's annotations");
  });

  it('without a token (a local run) prints the comment body and talks to nobody', async () => {
    const repo = pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com']);
    const r = await ci(repo, 'alice', { env: { GITHUB_TOKEN: undefined, GITHUB_ACTIONS: undefined, GITHUB_EVENT_PATH: undefined, GITHUB_BASE_REF: undefined }, args: ['--base', 'main'] });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2).join('\n')).toBe('<!-- rdns-gitops:ci -->\n## ⚠️ rdns: checks passed with 1 warning');
    expect(r.stdout).toContain('| ⏭️ ownership | skipped: ownership not checked (no --author) |');
    expect(gh.requests).toEqual([]);
  });

  it('a comment the token may not write (a fork) is a warning; the findings still decide the exit code', async () => {
    gh.failNext('GET', /\/issues\/7\/comments$/, 403);
    gh.failNext('POST', /\/check-runs$/, 403);
    const r = await ci(pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com']), 'alice');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/rdns: warning: could not publish the pull-request comment: GitHub API: .*\(403\)/);
    expect(r.stderr).toMatch(/rdns: warning: could not publish the check run/);
  });

  it('RDNS_ORG_TOKEN asks for team membership; GITHUB_TOKEN comments and creates the check run', async () => {
    const r = await ci(pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com']), 'alice', { env: { RDNS_ORG_TOKEN: ORG_TOKEN } });
    expect(r.status).toBe(0);
    const auth = (path: RegExp): (string | undefined)[] => gh.requests.filter((q) => path.test(q.path)).map((q) => q.headers.authorization);
    expect(auth(/\/memberships\//)).toEqual([`token ${ORG_TOKEN}`]);
    expect(auth(/\/comments$|\/check-runs/).every((a) => a === `token ${TOKEN}`)).toBe(true);
  });

  it('a team lookup the token may not make counts as "not a member" (fail closed) and the comment says why', async () => {
    gh.failNext('GET', /\/memberships\//, 403);
    const r = await ci(pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com']), 'alice');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('title=ownership.not-yours::not yours: 198.51.100.40');
    expect(comment()).toMatch(/\| ❌ ownership \| team membership could not be read, counted as not a member: GitHub API: GET \/orgs\/example-isp\/teams\/noc\/memberships\/alice failed \(403\)/);
  });

  it('GITHUB_TOKEN cannot see organisation teams (GitHub answers 404): not a silent "not a member", the comment says to set RDNS_ORG_TOKEN', async () => {
    gh.route('GET', /^\/orgs\/[^/]+\/teams\//, () => ({ status: 404, body: { message: 'Not Found' } }));
    const r = await ci(pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com']), 'alice', { args: ['--no-fcrdns'] });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('title=ownership.not-yours::not yours: 198.51.100.40');
    expect(comment()).toMatch(/\| ❌ ownership \| team membership could not be read, counted as not a member: `@example-isp\/noc` is not visible to the token .*set RDNS\\_ORG\\_TOKEN to a token with read:org/);
  });

  it('GitHub Enterprise: without GITHUB_API_URL the API base URL comes from github.api_url in rdns.yaml', async () => {
    const repo = pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com'], {}, `${CONFIG}github:\n  api_url: ${gh.url}\n`);
    const r = await ci(repo, 'alice', { env: { GITHUB_API_URL: undefined } });
    expect(r.status).toBe(0);
    expect(gh.log()).toContain('POST /repos/example-isp/rdns/issues/7/comments');
  });

  it('… from the target branch: a pull request that points github.api_url elsewhere does not get the token sent there', async () => {
    const evil = await startFakeGitHub();
    try {
      const repo = createGitRepo({ 'rdns.yaml': `${CONFIG}github:\n  api_url: ${gh.url}\n`, [BLOCK]: blockFile(BASE_RECORDS) });
      repo.git('checkout', '-q', '-b', 'change');
      repo.commit('change PTRs', { [BLOCK]: blockFile([...BASE_RECORDS, '198.51.100.40: web.example.com']), 'rdns.yaml': `${CONFIG}github:\n  api_url: ${evil.url}\n` });
      const r = await ci(repo, 'alice', { env: { GITHUB_API_URL: undefined } });
      // The rdns.yaml change itself needs its owners (the base names none).
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('title=config.changed::this pull request changes rdns.yaml (github)');
      expect(evil.requests).toEqual([]);
      expect(gh.log()).toContain('POST /repos/example-isp/rdns/issues/7/comments');
    } finally {
      await evil.close();
    }
  });

  it('a 502 from GitHub is retried: the comment is still created exactly once', async () => {
    gh.failNext('POST', /\/issues\/7\/comments$/, 502);
    const r = await ci(pullRequest([...BASE_RECORDS, '198.51.100.40: web.example.com']), 'alice');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('rdns: GitHub POST /repos/example-isp/rdns/issues/7/comments answered 502');
    expect(r.stderr).toContain('rdns: pull-request comment created');
    expect(gh.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/comments')).map((q) => q.status)).toEqual([502, 201]);
    expect(gh.comments.get(7)).toHaveLength(1);
  });
});
