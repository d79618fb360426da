// `--pr` on a laptop (issue 20, item 4): without GITHUB_REPOSITORY the repository comes from
// the origin remote (https and ssh forms; the push goes to a local bare repository through
// git's pushInsteadOf, so the URL stays what the user cloned), and a GitHub API that cannot
// be reached is named ("could not reach HOST: …") with nothing written — not "re-run the job".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, type CliResult } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';

const rdns = (args: readonly string[], cwd: string, env: Record<string, string>): Promise<CliResult> =>
  spawnCli(args, { cwd, env: { GITHUB_ACTIONS: '', GITHUB_REPOSITORY: '', ...env } });

const TOKEN = 'ghp_laptoptoken1234567890';
const FILE = 'zones/198.51.100.0_24.yaml';
const BLOCK = 'prefix: 198.51.100.0/24\ndefault: "{dashed}.static.example.net"\nrecords:\n  198.51.100.22: mail.example.com\n';

/** A clone whose origin is `url` as the user wrote it; pushes to it land in a local bare repository. */
function cloneWithOrigin(url: string): { repo: GitRepo; bare: string } {
  const repo = createGitRepo({ [FILE]: BLOCK });
  const bare = mkdtempSync(join(tmpdir(), 'rdns-bare-'));
  execFileSync('git', ['init', '-q', '--bare', bare]);
  repo.git('remote', 'add', 'origin', url);
  repo.git('config', `url.${bare}.pushInsteadOf`, url);
  repo.git('push', '-q', 'origin', 'main');
  return { repo, bare };
}

describe('--pr on a laptop', { timeout: 60_000 }, () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    gh.route('POST', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, (req, [owner, name]) => ({ status: 201, body: { number: 5, html_url: `https://github.example/${owner}/${name}/pull/5`, ...(req.body as object) } }));
    gh.route('GET', /^\/repos\/example-isp\/rdns$/, () => ({ status: 200, body: { full_name: 'example-isp/rdns', permissions: { pull: true, push: true } } }));
  });
  afterAll(async () => gh?.close());

  it.each(['https://github.com/example-isp/rdns.git', 'git@github.com:example-isp/rdns.git'])('reads the repository from origin = %s', async (url) => {
    const { repo, bare } = cloneWithOrigin(url);
    const before = gh.requests.length;
    const r = await rdns(['set', '198.51.100.40', 'web1.example.com', '--no-fcrdns', '--pr'], repo.root, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^opened pull request #5: https:\/\/github\.example\/example-isp\/rdns\/pull\/5$/m);
    expect(r.status).toBe(0);
    expect(gh.log().slice(before)).toEqual(['GET /repos/example-isp/rdns', 'POST /repos/example-isp/rdns/pulls']);
    const branch = /pushed (\S+)/.exec(r.stdout)![1]!;
    expect(execFileSync('git', ['--git-dir', bare, 'show', `${branch}:${FILE}`], { encoding: 'utf8' })).toBe(`${BLOCK}  198.51.100.40: web1.example.com\n`);
  });

  it('an unreachable GitHub API is named, and nothing is written', async () => {
    const { repo } = cloneWithOrigin('https://github.com/example-isp/rdns.git');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const r = await rdns(['set', '198.51.100.40', 'web1.example.com', '--no-fcrdns', '--pr'], repo.root, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: `http://127.0.0.1:${port}` });
    expect(r.stderr).toMatch(new RegExp(`^rdns: could not reach 127\\.0\\.0\\.1:${port}: .*\\(while reading the repository example-isp/rdns \\(checked before writing anything\\)\\)`));
    expect(r.stderr).not.toMatch(/re-run the job/);
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.status).toBe(2);
    expect(readFileSync(join(repo.root, FILE), 'utf8')).toBe(BLOCK);
  });

  it('an origin on another host needs its API URL set (the token goes only where the user said)', async () => {
    const { repo } = cloneWithOrigin('https://git.example.net/noc/rdns.git');
    const r = await rdns(['set', '198.51.100.40', 'web1.example.com', '--no-fcrdns', '--pr'], repo.root, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: '' });
    expect(r.stderr).toMatch(/^rdns: --pr: the origin remote is on git\.example\.net, not github\.com; nothing was written/);
    expect(r.stderr).toMatch(/GITHUB_API_URL=https:\/\/git\.example\.net\/api\/v3/);
    expect(r.status).toBe(2);
  });

  it('no GITHUB_REPOSITORY and no origin: says both ways to name it', async () => {
    const repo = createGitRepo({ [FILE]: BLOCK });
    const r = await rdns(['set', '198.51.100.40', 'web1.example.com', '--no-fcrdns', '--pr'], repo.root, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url });
    expect(r.stderr).toMatch(/^rdns: --pr needs the repository: GITHUB_REPOSITORY is not set and there is no origin remote; nothing was written/);
    expect(r.stderr).toMatch(/git remote add origin/);
    expect(r.status).toBe(2);
  });
});
