import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { cloneGitRepo, createGitRepo, type GitRepo } from '../helpers/git-repo.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const A = 'prefix: 198.51.100.0/24\nowners: ["@example-isp/noc"]\ndefault: "{dashed}.static.example.net"\nrecords:\n  198.51.100.1: one.example.com\n  198.51.100.2: two.example.com\n  198.51.100.3: three.example.com\n';
const A2 = 'prefix: 198.51.100.0/24\nowners: ["@example-isp/noc"]\ndefault: "{dashed}.static.example.net"\nrecords:\n  198.51.100.1: uno.example.com\n  198.51.100.2: two.example.com\n  198.51.100.4: { ptr: four.example.com, ttl: 300 }\n';
const V6 = 'prefix: 2001:db8:100::/48\nrecords:\n  2001:db8:100::1: v6.example.com\n';
const V6_GONE = 'prefix: 2001:db8:100::/48\nrecords: {}\n';

const pr = (): GitRepo => {
  const repo = createGitRepo({ 'zones/a.yaml': A, 'zones/v6.yaml': V6 });
  repo.branch('feature').checkout('feature');
  repo.commit('pr', { 'zones/a.yaml': A2, 'zones/v6.yaml': V6_GONE });
  return repo;
};

describe('rdns diff (the real process)', () => {
  it('prints one line per change and the counts', async () => {
    const repo = pr();
    const r = await rdns(['diff', '--base', 'main', '--head', 'feature'], { cwd: repo.root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const base = repo.rev('main').slice(0, 12);
    const head = repo.rev('feature').slice(0, 12);
    expect(r.stdout).toBe(
      [
        '~ 198.51.100.1 one.example.com. → uno.example.com.',
        '< 198.51.100.3 three.example.com. → 198-51-100-3.static.example.net. (default)',
        '~ 198.51.100.4 198-51-100-4.static.example.net. (default) → four.example.com. (ttl 3600 → 300)',
        '- 2001:db8:100::1 v6.example.com.',
        '',
        `${base} → ${head}: 4 record changes (2 changed, 1 reset to default, 1 removed) in 2 files`,
        '  zone 0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa. 1 removed (of 1 own record in the zone)',
        '  zone 100.51.198.in-addr.arpa. 2 changed, 1 reset to default (of 3 own records in the zone)',
        '  file zones/a.yaml 2 changed, 1 reset to default',
        '  file zones/v6.yaml 1 removed',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with old and new state, positions and counts', async () => {
    const repo = pr();
    const r = await rdns(['diff', '--base', 'main', '--head', 'feature', '--format', 'json'], { cwd: repo.root });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.counts).toEqual({ added: 0, changed: 2, reset: 1, removed: 1, moved: 0, total: 4 });
    expect(out.changes[0]).toEqual({
      kind: 'changed',
      ip: '198.51.100.1',
      zone: '100.51.198.in-addr.arpa.',
      file: 'zones/a.yaml',
      old: { ptr: 'one.example.com.', ttl: 3600, source: 'record', file: 'zones/a.yaml', line: 5, column: 3 },
      new: { ptr: 'uno.example.com.', ttl: 3600, source: 'record', file: 'zones/a.yaml', line: 5, column: 3 },
    });
    expect(out.changes[1].new).toEqual({ ptr: '198-51-100-3.static.example.net.', ttl: 3600, source: 'default', file: 'zones/a.yaml' });
    expect(out.files).toEqual(['zones/a.yaml', 'zones/v6.yaml']);
    expect(out.base).toBe(repo.rev('main'));
  });

  it('prints a Markdown table for a PR comment, truncated to --max-rows', async () => {
    const repo = pr();
    const r = await rdns(['diff', '--base', 'main', '--head', 'feature', '--format', 'markdown', '--max-rows', '2'], { cwd: repo.root });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('**4 record changes**: 2 changed, 1 reset to default, 1 removed (2 files)');
    expect(r.stdout).toContain('| ✏️ changed | <code>198.51.100.1</code> | <code>one.example.com.</code> | <code>uno.example.com.</code> | <code>zones/a.yaml</code> |');
    expect(r.stdout.match(/^\| (✏️|↩️|➖)/gmu)).toHaveLength(2);
    expect(r.stdout).toContain('_… and 2 more changes not shown');
  });

  it('takes the base from GITHUB_BASE_REF and compares the work tree by default', async () => {
    const repo = pr();
    repo.write({ 'zones/a.yaml': A2.replace('two.example.com', 'dos.example.com') });
    const r = await rdns(['diff'], { cwd: repo.root, env: { GITHUB_BASE_REF: 'main' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('~ 198.51.100.2 two.example.com. → dos.example.com.');
    expect(r.stdout).toContain('→ work tree: 5 record changes');
  });

  it('says "no record changes" for a reformatted file', async () => {
    const repo = createGitRepo({ 'zones/v6.yaml': V6 });
    repo.commit('reformat', { 'zones/v6.yaml': '# tidy\nprefix: "2001:db8:100::/48"\nrecords:\n  "2001:0DB8:0100::0001": V6.example.com.\n' });
    const r = await rdns(['diff', '--base', 'HEAD~1', '--head', 'HEAD'], { cwd: repo.root });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/: no record changes in 1 file\n$/);
  });

  it('exits 1 and shows the problem when a changed file is broken at the head', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': A });
    repo.write({ 'zones/a.yaml': 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: [x\n' });
    const r = await rdns(['diff', '--base', 'HEAD'], { cwd: repo.root });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('? zones/a.yaml: not compared');
    expect(r.stderr).toMatch(/zones\/a\.yaml:\d+:\d+: error yaml\.syntax/);
  });

  it.each([
    [['diff'], 'no base revision: pass --base REF'],
    [['diff', '--base', 'nope'], 'unknown base revision "nope"'],
    [['diff', '--base', 'main', '--format', 'xml'], "argument 'xml' is invalid"],
  ])('exits 2 on usage and environment errors: %j', async (args, message) => {
    const repo = createGitRepo({ 'zones/a.yaml': A });
    const r = await rdns(args, { cwd: repo.root, env: { GITHUB_BASE_REF: undefined } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 outside a git repository', async () => {
    const r = await rdns(['diff', '--base', 'main'], { cwd: mkdtempSync(join(tmpdir(), 'rdns-nogit-')) });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^rdns: .* is not inside a git repository\nhint: /);
  });

  it('exits 2 with the actions/checkout fix in a shallow clone that cannot fetch the base', async () => {
    const clone = cloneGitRepo(pr(), { depth: 1, branch: 'feature' });
    clone.git('remote', 'set-url', 'origin', '/nonexistent/rdns-origin');
    const r = await rdns(['diff', '--base', 'main'], { cwd: clone.root });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('rdns: unknown base revision "main"');
    expect(r.stderr).toContain('hint: the clone does not have enough history: in GitHub Actions use actions/checkout with `fetch-depth: 0`');
  });

  it('fetches what a shallow clone lacks and diffs it (exit 0)', async () => {
    const clone = cloneGitRepo(pr(), { depth: 1, branch: 'feature' });
    const r = await rdns(['diff', '--base', 'main', '--format', 'json'], { cwd: clone.root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).counts.total).toBe(4);
  });
});

describe('rdns diff: what block settings publish is a change', () => {
  it('a new block with default and forward, a delegation, and a neighbour\'s zone move are listed with the records they change', async () => {
    const repo = createGitRepo({
      'zones/a.yaml': 'prefix: 198.51.100.0/24\nallocations:\n  - prefix: 198.51.100.32/28\n',
      'zones/c.yaml': 'prefix: 203.0.113.0/25\nrecords:\n  203.0.113.5: api.example.org\n',
    });
    repo.branch('feature').checkout('feature');
    repo.commit('pr', {
      'zones/a.yaml': 'prefix: 198.51.100.0/24\nallocations:\n  - prefix: 198.51.100.32/28\n    delegate_to: [ns1.acme.example]\n',
      'zones/b.yaml': 'prefix: 192.0.2.0/30\ndefault: "{dashed}.example.net"\nforward: { zone: example.net }\n',
      'zones/d.yaml': 'prefix: 203.0.113.128/25\n',
    });
    const r = await rdns(['diff', '--base', 'main', '--head', 'feature'], { cwd: repo.root });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('! zones/a.yaml (198.51.100.0/24): allocations changed — 198.51.100.32/28 delegated to ns1.acme.example (16 addresses answered there)\n');
    expect(r.stdout).toContain('! zones/b.yaml (192.0.2.0/30): block added — 4 generic PTRs added, 4 forward A/AAAA added\n');
    expect(r.stdout).toContain('! zones/c.yaml (203.0.113.0/25): zone changed — reverse zone moved: 0-25.113.0.203.in-addr.arpa. → 113.0.203.in-addr.arpa. (1 record)\n');
    expect(r.stdout).toMatch(/: no record changes and 25 records through block settings in 3 files\n/);
  });
});
