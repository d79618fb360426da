// The bulk cap and the CI change guard agree (issue 20, item 3): a paste larger than
// guards.max_changed_records is split into runs that each stay within it, each `--pr` run
// opens its own pull request, and `rdns ci` accepts each branch (it would refuse one branch
// with everything). Real git (a bare origin), the local GitHub stand-in, the real CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, type CliResult } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';

const rdns = (args: readonly string[], cwd: string, env: Record<string, string> = {}, input?: string): Promise<CliResult> =>
  spawnCli(args, { cwd, env: { GITHUB_ACTIONS: '', GITHUB_EVENT_PATH: '', ...env }, ...(input !== undefined ? { input } : {}) });

const TOKEN = 'ghs_guardtoken1234567890';
const CONFIG = 'guards:\n  max_changed_records: 20\n';
const BLOCK = 'prefix: 198.51.100.0/24\ndefault: "{dashed}.static.example.net"\nrecords:\n  198.51.100.1: gw.example.net\n';
// 26 change lines (a header, a blank spreadsheet row): one branch with all of them is more than the guard of 20.
const PASTE = `IP Address,PTR Hostname\n,\n${Array.from({ length: 26 }, (_, i) => `198.51.100.${100 + i},vm${100 + i}.example.net`).join('\n')}\n`;

describe('bulk --pr within the CI change guard', { timeout: 120_000 }, () => {
  let gh: FakeGitHub;
  let next = 0;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    gh.route('POST', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, (req, [owner, repo]) => {
      next++;
      return { status: 201, body: { number: next, html_url: `https://github.example/${owner}/${repo}/pull/${next}`, ...(req.body as object) } };
    });
    gh.route('GET', /^\/repos\/example-isp\/rdns$/, () => ({ status: 200, body: { full_name: 'example-isp/rdns', permissions: { pull: true, push: true } } }));
  });
  afterAll(async () => gh?.close());

  it('a paste larger than the guard: each run takes at most the guard, opens one pull request, and rdns ci accepts each', async () => {
    const repo = createGitRepo({ 'rdns.yaml': CONFIG, 'zones/198.51.100.0_24.yaml': BLOCK });
    const bare = mkdtempSync(join(tmpdir(), 'rdns-bare-'));
    execFileSync('git', ['init', '-q', '--bare', bare]);
    repo.git('remote', 'add', 'origin', bare);
    repo.git('push', '-q', 'origin', 'main');
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'example-isp/rdns', GITHUB_API_URL: gh.url };

    const first = await rdns(['bulk', '-', '--no-fcrdns', '--apply', '--pr'], repo.root, env, PASTE);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain(
      '<stdin>:3:1: warning bulk.over-cap 26 change lines is more than the per-run cap of 20 (guards.max_changed_records in rdns.yaml: rdns ci refuses a pull request with more changes unless it carries the rdns/bulk-approved label): every line is checked and counted, this run takes change lines 1–20 (input lines 3–22); continue with --from 21 (with --pr each run opens its own pull request)\n',
    );
    expect(first.stdout).toContain('26 lines: 26 valid (26 to change, 0 unchanged), 0 invalid, 0 not yours; this run: change lines 1–20, next: --from 21\n');
    expect(first.stdout).toMatch(/^opened pull request #1: /m);
    expect(first.status).toBe(0);

    const second = await rdns(['bulk', '-', '--no-fcrdns', '--apply', '--pr', '--from', '21'], repo.root, env, PASTE);
    expect(second.stderr).toBe('');
    expect(second.stdout).toContain('this run takes change lines 21–26 (input lines 23–28); this is the last part');
    expect(second.stdout).toMatch(/^opened pull request #2: /m);

    const posts = gh.requests.filter((q) => q.method === 'POST' && q.path === '/repos/example-isp/rdns/pulls').map((q) => q.body as { head: string; title: string });
    expect(posts.map((p) => p.title)).toEqual(['bulk lines 1–20: 20 added PTRs', 'bulk lines 21–26: 6 added PTRs']);
    expect(posts[0]!.head).toMatch(/^rdns\/bulk-lines-1-20-20-added-ptrs-\d{8}T\d{6}$/);
    // Back on main, clean; each branch passes the pull-request check with the guard of 20.
    expect(repo.git('status', '--porcelain')).toBe('');
    repo.git('fetch', '-q', 'origin');
    for (const p of posts) {
      const ci = await rdns(['ci', '--base', 'main', '--head', `origin/${p.head}`, '--no-fcrdns', '--no-publish', '--format', 'json'], repo.root);
      const out = JSON.parse(ci.stdout) as { diagnostics: { code: string }[] };
      expect(out.diagnostics.map((d) => d.code)).not.toContain('guard.too-many-changes');
      expect(ci.status).toBe(0);
    }
    // One branch with all 26 would have been refused.
    const all = await rdns(['bulk', '-', '--no-fcrdns', '--apply', '--max', '26'], repo.root, {}, PASTE);
    expect(all.stdout).toContain('warning bulk.over-guard this run changes 26 records, more than guards.max_changed_records (20) in rdns.yaml');
    repo.git('checkout', '-q', '-b', 'everything');
    repo.git('commit', '-qam', 'all at once');
    const ci = await rdns(['ci', '--base', 'main', '--head', 'everything', '--no-fcrdns', '--no-publish', '--format', 'json'], repo.root);
    expect((JSON.parse(ci.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toContain('guard.too-many-changes');
    expect(ci.status).toBe(1);
  });
});
