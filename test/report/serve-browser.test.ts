// rdns serve in a real browser: the portal's bulk paste shows valid / invalid / not-yours
// counts and a preview before anything is written, then opens the pull request on the
// local GitHub API stand-in; the work tree is left as it was. Plus the server's guards
// against cross-site requests, checked with plain HTTP.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { raw, serve } from '../helpers/serve.js';
import { BLOCKS } from './fixtures.js';

const enabled = browserAvailable();
const TOKEN = 'ghs_portaltoken1234567890';

describe.skipIf(!enabled)('rdns serve: the portal in Chromium', { timeout: 120_000 }, () => {
  let repo: GitRepo;
  let bare: string;
  let gh: FakeGitHub;
  let server: { child: ChildProcess; url: string };
  let browser: Browser;
  let close: () => Promise<void>;
  let page: Page;

  beforeAll(async () => {
    repo = createGitRepo(BLOCKS);
    bare = mkdtempSync(join(tmpdir(), 'rdns-bare-'));
    execFileSync('git', ['init', '-q', '--bare', bare]);
    repo.git('remote', 'add', 'origin', bare);
    repo.git('push', '-q', 'origin', 'main');
    gh = await startFakeGitHub({ token: TOKEN });
    gh.route('POST', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, (req, [owner, name]) => ({ status: 201, body: { number: 7, html_url: `https://github.example/${owner}/${name}/pull/7`, ...(req.body as object) } }));
    server = await serve(repo.root, ['--as', 'acme-corp', '--pr', '--no-fcrdns'], { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'example-isp/rdns', GITHUB_API_URL: gh.url });
    ({ browser, close } = await launchBrowser());
    page = await browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await close?.();
    server?.child.kill('SIGTERM');
    await gh?.close();
  });

  it('bulk paste: counts and preview first, then one pull request; the work tree stays clean', async () => {
    await page.goto(`${server.url}#portal`);
    await page.waitForSelector('#bulk-text');
    await page.fill(
      '#bulk-text',
      [
        '198.51.100.40 web1.acme.example', // valid: in acme's allocation
        '198.51.100.41,web2.acme.example', // valid
        '198.51.100.42 not_a_host!', // invalid hostname
        'this is no line', // invalid syntax
        '192.0.2.50 x.example.com', // not acme's
      ].join('\n'),
    );
    await page.click('#bulk button[type="submit"]');
    await page.waitForSelector('#bulk-result [data-count="valid"]');
    const count = (k: string): Promise<string | null> => page.textContent(`#bulk-result [data-count="${k}"] b`);
    expect(await count('valid')).toBe('2');
    expect(await count('invalid')).toBe('2');
    expect(await count('not-yours')).toBe('1');
    const preview = await page.$$eval('#bulk-result tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent).join(' ')));
    expect(preview).toEqual([
      'added 198.51.100.40 198-51-100-40.static.example.net (default) web1.acme.example zones/198.51.100.0_24.yaml',
      'added 198.51.100.41 198-51-100-41.static.example.net (default) web2.acme.example zones/198.51.100.0_24.yaml',
    ]);
    // Nothing written by the preview, nothing sent to GitHub.
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(gh.requests.filter((q) => q.method === 'POST')).toHaveLength(0);

    await page.click('#bulk-write');
    await page.waitForSelector('#bulk-result [data-pr]', { timeout: 30_000 });
    expect(await page.textContent('#bulk-result [data-pr]')).toMatch(/^opened pull request #7 from branch rdns\/bulk-2-added-ptrs-\d{8}T\d{6}$/);
    const posts = gh.requests.filter((q) => q.method === 'POST' && q.path === '/repos/example-isp/rdns/pulls');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.authorization).toBe(`token ${TOKEN}`);
    const branch = (posts[0]!.body as { head: string }).head;
    expect(posts[0]!.body).toMatchObject({ base: 'main', title: 'bulk: 2 added PTRs' });
    // The branch on the remote holds exactly the two new lines; the work tree is back on main, clean.
    const pushed = execFileSync('git', ['--git-dir', bare, 'show', `${branch}:zones/198.51.100.0_24.yaml`], { encoding: 'utf8' });
    expect(pushed).toBe(`${BLOCKS['zones/198.51.100.0_24.yaml']}  198.51.100.40: web1.acme.example\n  198.51.100.41: web2.acme.example\n`);
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(readFileSync(join(repo.root, 'zones/198.51.100.0_24.yaml'), 'utf8')).toBe(BLOCKS['zones/198.51.100.0_24.yaml']);
  });

  it('a failed pull request leaves the work tree as it was', async () => {
    gh.failNext('POST', /\/pulls$/, 422, 5);
    const r = await raw(new URL('/api/apply', server.url).href, 'POST', { Host: new URL(server.url).host, 'Content-Type': 'application/json', 'X-Rdns-Token': new URL(server.url).searchParams.get('token')! }, JSON.stringify({ op: 'set', ip: '198.51.100.43', host: 'web3.acme.example' }));
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body).error).toMatch(/the change was not proposed, and the work tree is as it was/);
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('refuses requests without the token, from other origins or for other host names', async () => {
    const u = new URL(server.url);
    const token = u.searchParams.get('token')!;
    const api = new URL('/api/preview', u).href;
    const body = JSON.stringify({ op: 'set', ip: '198.51.100.44', host: 'x.acme.example' });
    const good = { Host: u.host, 'Content-Type': 'application/json', 'X-Rdns-Token': token };
    expect((await raw(api, 'POST', good, body)).status).toBe(200);
    expect((await raw(api, 'POST', { ...good, 'X-Rdns-Token': 'wrong' }, body)).status).toBe(403);
    expect((await raw(api, 'POST', { Host: u.host, 'Content-Type': 'application/json' }, body)).status).toBe(403);
    expect((await raw(api, 'POST', { ...good, Origin: 'http://evil.example' }, body)).status).toBe(403);
    expect((await raw(api, 'POST', { ...good, Host: `evil.example:${u.port}` }, body)).status).toBe(403);
    expect((await raw(api, 'POST', { ...good, 'Content-Type': 'text/plain' }, body)).status).toBe(415);
    expect((await raw(`${u.origin}/`, 'GET', { Host: u.host })).status).toBe(403);
    const page = await raw(server.url, 'GET', { Host: u.host });
    expect(page.status).toBe(200);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    // Preview requests wrote nothing.
    expect(repo.git('status', '--porcelain')).toBe('');
  });
});
