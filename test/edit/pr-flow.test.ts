import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RDNS_BIN, type CliResult } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';
import { branchNameFor } from '../../src/git/branch-push.js';

// The fake GitHub API lives in this process: the CLI must run asynchronously (spawnSync would block the server).
function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string>; input?: string }): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [RDNS_BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (status) => resolveRun({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const BLOCK = 'prefix: 198.51.100.0/24\nowners: ["@noc"]\ndefault: "{dashed}.static.example.net"\nrecords:\n  198.51.100.22: mail.example.com   # MX\n';
const TOKEN = 'ghs_testtoken1234567890';

function withRemote(): { repo: GitRepo; bare: string } {
  const repo = createGitRepo({ 'zones/a.yaml': BLOCK, 'notes.txt': 'keep me\n' });
  const bare = mkdtempSync(join(tmpdir(), 'rdns-bare-'));
  execFileSync('git', ['init', '-q', '--bare', bare]);
  repo.git('remote', 'add', 'origin', bare);
  repo.git('push', '-q', 'origin', 'main');
  return { repo, bare };
}

describe('--pr: branch, commit, push to a bare remote, open the pull request on a local GitHub API', () => {
  let gh: FakeGitHub;
  let nextNumber = 41;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    gh.route('POST', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, (req, [owner, repo]) => {
      nextNumber++;
      return { status: 201, body: { number: nextNumber, html_url: `https://github.example/${owner}/${repo}/pull/${nextNumber}`, ...(req.body as object) } };
    });
    // The repository as the token sees it: --pr asks for it before writing anything.
    gh.route('GET', /^\/repos\/([^/]+)\/([^/]+)$/, (_req, [owner, repo]) =>
      owner === 'example-isp' && repo === 'rdns' ? { status: 200, body: { full_name: `${owner}/${repo}`, permissions: { pull: true, push: true } } } : owner === 'example-isp' && repo === 'readonly' ? { status: 200, body: { full_name: `${owner}/${repo}`, permissions: { pull: true, push: false } } } : { status: 404, body: { message: 'Not Found' } },
    );
  });
  afterAll(async () => gh?.close());
  const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'example-isp/rdns', GITHUB_API_URL: gh.url });

  it('rdns set --pr pushes rdns/… with only the block file and opens the PR with the change table', async () => {
    const { repo, bare } = withRemote();
    repo.write({ 'notes.txt': 'an unrelated local edit\n' });
    const r = await runCli(['set', '--no-fcrdns', '198.51.100.40', 'web1.example.com', '--pr'], { cwd: repo.root, env: env() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pushed (rdns\/set-198-51-100-40-to-web1-example-com-\d{8}T\d{6}) \([0-9a-f]{10}\) to origin\nopened pull request #42: https:\/\/github\.example\/example-isp\/rdns\/pull\/42$/m);
    const branch = /pushed (\S+)/.exec(r.stdout)![1]!;
    // The remote has the branch with one commit that changes only the block file.
    expect(execFileSync('git', ['--git-dir', bare, 'diff', '--name-only', 'main', branch], { encoding: 'utf8' })).toBe('zones/a.yaml\n');
    expect(execFileSync('git', ['--git-dir', bare, 'show', `${branch}:zones/a.yaml`], { encoding: 'utf8' })).toBe(BLOCK + '  198.51.100.40: web1.example.com\n');
    expect(execFileSync('git', ['--git-dir', bare, 'log', '-1', '--format=%B', branch], { encoding: 'utf8' })).toContain('set 198.51.100.40 → web1.example.com\n\nadded 198.51.100.40: 198-51-100-40.static.example.net. -> web1.example.com.');
    // The user is back on main, with the edit only in the branch and their own edit untouched.
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(readFileSync(join(repo.root, 'zones/a.yaml'), 'utf8')).toBe(BLOCK);
    expect(readFileSync(join(repo.root, 'notes.txt'), 'utf8')).toBe('an unrelated local edit\n');
    const post = gh.requests.filter((q) => q.method === 'POST' && q.path === '/repos/example-isp/rdns/pulls');
    expect(post).toHaveLength(1);
    expect(post[0]!.headers.authorization).toBe(`token ${TOKEN}`);
    expect(post[0]!.body).toMatchObject({ head: branch, base: 'main', title: 'set 198.51.100.40 → web1.example.com' });
    expect((post[0]!.body as { body: string }).body).toContain('| change | IP | old | new | file |\n|---|---|---|---|---|\n| added | `198.51.100.40` | 198-51-100-40.static.example.net (default) | web1.example.com | zones/a.yaml |');
  });

  it('rdns bulk --apply --pr opens one PR for all changes; reset --pr too', async () => {
    const { repo } = withRemote();
    const r = await runCli(['bulk', '--no-fcrdns', '-', '--apply', '--pr'], { cwd: repo.root, env: env(), input: '198.51.100.1 a.example.com\n198.51.100.2 b.example.com\n198.51.100.22 default\n' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/pushed rdns\/bulk-2-added-1-reset-ptrs-\d{8}T\d{6}/);
    const last = gh.requests.filter((q) => q.method === 'POST').at(-1)!;
    expect(last.body).toMatchObject({ title: 'bulk: 2 added, 1 reset PTRs', base: 'main' });
    const reset = await runCli(['reset', '198.51.100.22', '--pr', '--format', 'json'], { cwd: repo.root, env: env() });
    expect(reset.status).toBe(0);
    expect(JSON.parse(reset.stdout).changes[0].kind).toBe('reset');
    expect(reset.stderr).toMatch(/opened pull request #\d+/);
  });

  it('--pr checks the token and the repository before writing anything: exit 2, the file untouched, the token never printed', async () => {
    const { repo } = withRemote();
    const before = readFileSync(join(repo.root, 'zones/a.yaml'), 'utf8');
    const r = await runCli(['set', '--no-fcrdns', '198.51.100.41', 'x.example.com', '--pr'], { cwd: repo.root, env: { GITHUB_TOKEN: '', GITHUB_REPOSITORY: 'example-isp/rdns' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--pr needs a GitHub token; nothing was written/);
    expect(readFileSync(join(repo.root, 'zones/a.yaml'), 'utf8')).toBe(before);
    const bad = await runCli(['set', '--no-fcrdns', '198.51.100.42', 'y.example.com', '--pr'], { cwd: repo.root, env: { ...env(), GITHUB_TOKEN: 'ghs_wrongtoken_abcdefgh' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/reading the repository example-isp\/rdns \(checked before writing anything\) failed \(401\)/);
    expect(bad.stderr).not.toContain('ghs_wrongtoken_abcdefgh');
    expect(readFileSync(join(repo.root, 'zones/a.yaml'), 'utf8')).toBe(before);
    const typo = await runCli(['bulk', '--no-fcrdns', '-', '--apply', '--pr'], { cwd: repo.root, env: { ...env(), GITHUB_REPOSITORY: 'example-isp/rdsn' }, input: '198.51.100.43 z.example.com\n' });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/example-isp\/rdsn .* failed \(404\)/);
    const readOnly = await runCli(['reset', '198.51.100.22', '--pr'], { cwd: repo.root, env: { ...env(), GITHUB_REPOSITORY: 'example-isp/readonly' } });
    expect(readOnly.status).toBe(2);
    expect(readOnly.stderr).toMatch(/may read example-isp\/readonly but not push/);
    expect(readFileSync(join(repo.root, 'zones/a.yaml'), 'utf8')).toBe(before);
  });

  it('branch names are safe whatever the summary says', () => {
    expect(branchNameFor('set 2001:db8::1 → $(rm -rf /).example', new Date('2026-01-02T03:04:05.678Z'))).toBe('rdns/set-2001-db8-1-rm-rf-example-20260102T030405');
  });
});
