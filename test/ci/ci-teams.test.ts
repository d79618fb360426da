// Running the pull-request check locally (issue 20, item 5): team owners resolved offline
// from `rdns ci --teams FILE` or the target branch's rdns.yaml `teams:` (never the pull
// request's own), and "ownership not checked (no --author)" said in every format.
// Real git repositories, the real CLI, no GitHub at all.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const FILE = 'zones/198.51.100.0_24.yaml';
const BLOCK = 'prefix: 198.51.100.0/24\nowners: ["@example-isp/noc"]\nrecords:\n  198.51.100.22: mail.example.com\n';
const NO_GITHUB = { GITHUB_ACTIONS: undefined, GITHUB_EVENT_PATH: undefined, GITHUB_TOKEN: undefined, RDNS_ORG_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_BASE_REF: undefined, GITHUB_STEP_SUMMARY: undefined };

/** main with the block (and `config` as rdns.yaml), and a branch `change` that gives 198.51.100.40 a PTR (and writes `headConfig`). */
function repoWithChange(config?: string, headConfig?: string): GitRepo {
  const repo = createGitRepo({ [FILE]: BLOCK, ...(config ? { 'rdns.yaml': config } : {}) });
  repo.git('checkout', '-q', '-b', 'change');
  repo.write({ [FILE]: `${BLOCK}  198.51.100.40: web1.example.com\n`, ...(headConfig ? { 'rdns.yaml': headConfig } : {}) });
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'web1');
  repo.git('checkout', '-q', 'main');
  return repo;
}

const ci = (repo: GitRepo, ...args: string[]) => rdns(['ci', '--base', 'main', '--head', 'change', '--no-fcrdns', '--no-publish', ...args], { cwd: repo.root, env: NO_GITHUB });
const codes = (stdout: string): string[] => (JSON.parse(stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);

describe('rdns ci: team membership offline', () => {
  it('without any source a team owner cannot be confirmed: not yours', async () => {
    const r = await ci(repoWithChange(), '--author', 'alice', '--format', 'json');
    expect(codes(r.stdout)).toEqual(['ownership.not-yours']);
    expect(r.status).toBe(1);
  });

  it('--teams FILE: a listed member may change the team\'s block, anyone else may not', async () => {
    const repo = repoWithChange();
    writeFileSync(join(repo.root, 'teams.yaml'), '# from the org chart\n"@example-isp/noc": ["@Alice", bob]\n');
    const alice = await ci(repo, '--author', 'alice', '--teams', 'teams.yaml', '--format', 'json');
    expect(alice.stderr).toBe('');
    expect(codes(alice.stdout)).toEqual([]);
    expect(alice.status).toBe(0);
    const md = await ci(repo, '--author', 'alice', '--teams', 'teams.yaml');
    expect(md.stdout).toContain('| ✅ ownership | `@alice` may change every changed address; team membership from --teams |');
    const carol = await ci(repo, '--author', 'carol', '--teams', 'teams.yaml', '--format', 'json');
    expect(codes(carol.stdout)).toEqual(['ownership.not-yours']);
    expect(carol.status).toBe(1);
  });

  it('teams: in the target branch\'s rdns.yaml counts; the pull request\'s own teams: does not', async () => {
    const onMain = repoWithChange('teams:\n  example-isp/noc: [alice]\n');
    const r = await ci(onMain, '--author', 'alice', '--format', 'json');
    expect(codes(r.stdout)).toEqual([]);
    expect(r.status).toBe(0);
    // The head adds mallory to the team: that is a change to rdns.yaml, and grants nothing.
    const grab = repoWithChange('teams:\n  example-isp/noc: [alice]\n', 'teams:\n  example-isp/noc: [alice, mallory]\n');
    const m = await ci(grab, '--author', 'mallory', '--format', 'json');
    expect(codes(m.stdout)).toEqual(expect.arrayContaining(['ownership.not-yours', 'config.changed']));
    expect(m.status).toBe(1);
  });

  it('a broken teams file is a usage error naming file, line and column', async () => {
    const repo = repoWithChange();
    writeFileSync(join(repo.root, 'teams.yaml'), 'example-isp/noc: [alice]\nnot a team: [bob]\nexample-isp/ops: alice\n');
    const r = await ci(repo, '--author', 'alice', '--teams', 'teams.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--teams teams\.yaml is not a team list:/);
    expect(r.stderr).toMatch(/teams\.yaml:2:1: schema\.\S+ /);
    expect(r.stderr).toMatch(/teams\.yaml:3:18: schema\.invalid /);
    expect(r.stdout).toBe('');
  });

  it('a teams: entry in rdns.yaml is checked by its schema', async () => {
    const repo = createGitRepo({ 'rdns.yaml': 'teams:\n  example-isp/noc: alice\n', [FILE]: BLOCK });
    const r = await rdns(['validate'], { cwd: repo.root });
    expect(r.stdout).toMatch(/^rdns\.yaml:2:20: error schema\.invalid teams\.example-isp\/noc must be array/m);
    expect(r.status).toBe(1);
  });
});

describe('rdns ci without --author says ownership was not checked, in every format', () => {
  it.each([
    ['text', /warning ownership\.unchecked ownership not checked \(no --author\)/],
    ['json', /"code": "ownership\.unchecked",\s+"message": "ownership not checked \(no --author\)/],
    ['github', /^::warning title=ownership\.unchecked::ownership not checked \(no --author\)/m],
    ['markdown', /ownership not checked \(no --author\)/],
  ])('%s', async (format, expected) => {
    const r = await ci(repoWithChange(), '--format', format);
    expect(r.stdout).toMatch(expected);
    expect(r.status).toBe(0);
  });
});
