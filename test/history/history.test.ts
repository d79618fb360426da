import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { parseIp } from '../../src/core/ip.js';
import { ipRegex, prNumberOf } from '../../src/git/history.js';

/** `rdns` in this process (the exit code and output of a real run, no process start); runCli where the process is the point. */
const rdns = runCliInProcess;

const block = (records: Record<string, string>, extra = ''): string =>
  `prefix: 198.51.100.0/24\ndefault: "{dashed}.static.example.net"\n${extra}records:\n${Object.entries(records)
    .map(([ip, v]) => `  ${ip}: ${v}\n`)
    .join('')}`;

function commitAs(repo: GitRepo, who: string, date: string, message: string, files: Record<string, string>): string {
  repo.write(files);
  repo.git('add', '-A');
  execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'user.name=Committer', '-c', 'user.email=c@example.com', 'commit', '-q', '--author', `${who} <${who.toLowerCase()}@example.com>`, '--date', date, '-m', message], {
    cwd: repo.root,
    env: { ...process.env, GIT_COMMITTER_DATE: date },
  });
  return repo.rev('HEAD');
}

describe('rdns history (a real git repository)', () => {
  it('lists every commit that changed the PTR, old → new, with pull request numbers from squash and merge commits (not for mainline commits)', async () => {
    const repo = createGitRepo();
    const c0 = commitAs(repo, 'Alice', '2026-01-01T10:00:00Z', 'initial blocks', { 'zones/a.yaml': block({ '198.51.100.1': 'one.example.net', '198.51.100.70': 'seventy.example.net' }), 'README.md': 'x\n' });
    const c1 = commitAs(repo, 'Alice', '2026-01-02T10:00:00Z', 'Give .7 a name', { 'zones/a.yaml': block({ '198.51.100.1': 'one.example.net', '198.51.100.7': 'web.example.net', '198.51.100.70': 'seventy.example.net' }) });
    commitAs(repo, 'Bob', '2026-01-03T10:00:00Z', 'unrelated: .70 (#13)', { 'zones/a.yaml': block({ '198.51.100.1': 'one.example.net', '198.51.100.7': 'web.example.net', '198.51.100.70': 'seventy2.example.net' }) });
    commitAs(repo, 'Bob', '2026-01-03T11:00:00Z', 'docs only', { 'README.md': '198.51.100.7 is web\n' });
    repo.branch('feature').checkout('feature');
    const c2 = commitAs(repo, 'Bob', '2026-01-04T10:00:00Z', 'move web to a TTL of its own', {
      'zones/a.yaml': block({ '198.51.100.1': 'one.example.net', '198.51.100.7': '\n    ptr: www.example.net\n    ttl: 300', '198.51.100.70': 'seventy2.example.net' }),
    });
    repo.checkout('main');
    repo.merge('feature', 'Merge pull request #34 from example/feature');
    const c3 = commitAs(repo, 'Carol', '2026-01-05T10:00:00Z', 'reset .7 to the generic name', { 'zones/a.yaml': block({ '198.51.100.1': 'one.example.net', '198.51.100.70': 'seventy2.example.net' }) });

    const r = await rdns(['history', '198.51.100.7', '--format', 'json'], { cwd: repo.root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ip).toBe('198.51.100.7');
    expect(out.history.map((h: Record<string, unknown>) => [h.commit, h.author, (h.date as string).slice(0, 10), h.pr, h.old, h.new])).toEqual([
      [c3, 'Carol', '2026-01-05', null, { ptr: 'www.example.net.', source: 'record', ttl: 300 }, { ptr: '198-51-100-7.static.example.net.', source: 'default' }],
      [c2, 'Bob', '2026-01-04', 34, { ptr: 'web.example.net.', source: 'record' }, { ptr: 'www.example.net.', source: 'record', ttl: 300 }],
      [c1, 'Alice', '2026-01-02', null, { ptr: '198-51-100-7.static.example.net.', source: 'default' }, { ptr: 'web.example.net.', source: 'record' }],
      // The block file arrived with its default: the address's first (generic) PTR.
      [c0, 'Alice', '2026-01-01', null, null, { ptr: '198-51-100-7.static.example.net.', source: 'default' }],
    ]);
    const text = await rdns(['history', '198.51.100.7'], { cwd: repo.root });
    expect(text.stdout.split('\n')[0]).toBe('198.51.100.7: 4 changes, newest first');
    expect(text.stdout).toContain('web.example.net → www.example.net ttl 300  zones/a.yaml  "move web to a TTL of its own"');
    expect((await rdns(['history', '198.51.100.9'], { cwd: repo.root })).stdout).toContain('198.51.100.9: 1 change, newest first\n');
    expect((await rdns(['history', '203.0.113.9'], { cwd: repo.root })).stdout).toBe('203.0.113.9: no commit changed its PTR\n');
  });

  it('finds an IPv6 address written in different notations over time', async () => {
    const v6 = (k: string, v: string): string => `prefix: 2001:db8::/48\nrecords:\n  ${k}: ${v}\n`;
    const repo = createGitRepo();
    commitAs(repo, 'Alice', '2026-02-01T10:00:00Z', 'add', { 'zones/v6.yaml': v6('2001:0DB8:0:0:0:0:0:0007', 'a.example.net') });
    commitAs(repo, 'Bob', '2026-02-02T10:00:00Z', 'canonical notation only', { 'zones/v6.yaml': v6('2001:db8::7', 'a.example.net') });
    commitAs(repo, 'Carol', '2026-02-03T10:00:00Z', 'rename (#5)', { 'zones/v6.yaml': v6('2001:db8:0::7', 'b.example.net') });
    const out = JSON.parse((await rdns(['history', '2001:db8::0:7', '--format', 'json'], { cwd: repo.root })).stdout);
    expect(out.history.map((h: { author: string; old: { ptr: string } | null; new: { ptr: string } | null }) => [h.author, h.old?.ptr ?? null, h.new?.ptr ?? null])).toEqual([
      ['Carol', 'a.example.net.', 'b.example.net.'],
      ['Alice', null, 'a.example.net.'],
    ]);
  });

  it('outside a git repository: exit 2, saying why and what to do', () => {
    const r = runCli(['history', '198.51.100.7'], { cwd: '/' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('rdns: / is not inside a git repository\nhint: run rdns from a clone of the zones repository (git clone …), or pass -C DIR\n');
  });

  it.each([
    ['Give .7 a name (#12)', 12],
    ['Merge pull request #34 from example/feature', 34],
    ['fix #12 later', undefined],
  ])('PR number of "%s" → %s', (s, n) => expect(prNumberOf(s)).toBe(n));

  it('the IPv6 search pattern matches every notation and no neighbour', () => {
    const ip = parseIp('2001:db8::7');
    if (!ip.ok) throw new Error();
    const re = new RegExp(ipRegex(ip.value).replace(/\{(\d*),(\d+)\}/g, '{$1,$2}'), 'i');
    for (const s of ['  2001:db8::7: a', '  "2001:0DB8:0000:0000:0000:0000:0000:0007": a', '  2001:db8:0:0::7: a', '- 2001:db8:0:0:0:0:0:7']) expect(re.test(s), s).toBe(true);
    for (const s of ['  2001:db8::77: a', '  2001:db8::7:1: a', '  2001:db8:1::7: a']) expect(re.test(s), s).toBe(false);
  });
});

describe('rdns history: changes whose lines do not name the address', () => {
  it('finds a new ptr or ttl of a mapping-form record and a new default template', async () => {
    const file = (ptr: string, ttl: number, template: string): string =>
      `prefix: 192.0.2.0/24\ndefault: "${template}"\nrecords:\n  192.0.2.25:\n    ptr: ${ptr}\n    ttl: ${ttl}\n  192.0.2.30: other.example.net\n`;
    const repo = createGitRepo();
    const c1 = commitAs(repo, 'Alice', '2026-03-01T10:00:00Z', 'add mx1', { 'zones/a.yaml': file('mx1.example.net', 300, '{dashed}.example.net') });
    const c2 = commitAs(repo, 'Bob', '2026-03-02T10:00:00Z', 'mx1 becomes mx2 (#8)', { 'zones/a.yaml': file('mx2.example.net', 300, '{dashed}.example.net') });
    const c3 = commitAs(repo, 'Carol', '2026-03-03T10:00:00Z', 'shorter TTL', { 'zones/a.yaml': file('mx2.example.net', 60, '{dashed}.example.net') });
    const c4 = commitAs(repo, 'Dave', '2026-03-04T10:00:00Z', 'new generic names', {
      'zones/a.yaml': file('mx2.example.net', 60, 'host-{d}.example.net'),
      'zones/b.yaml': 'prefix: 198.51.100.0/24\ndefault: "{dashed}.example.net"\n',
    });
    const history = async (ip: string): Promise<unknown[]> =>
      JSON.parse((await rdns(['history', ip, '--format', 'json'], { cwd: repo.root })).stdout).history.map((h: { commit: string; old: unknown; new: unknown }) => [h.commit, h.old, h.new]);
    expect(await history('192.0.2.25')).toEqual([
      [c3, { ptr: 'mx2.example.net.', source: 'record', ttl: 300 }, { ptr: 'mx2.example.net.', source: 'record', ttl: 60 }],
      [c2, { ptr: 'mx1.example.net.', source: 'record', ttl: 300 }, { ptr: 'mx2.example.net.', source: 'record', ttl: 300 }],
      [c1, null, { ptr: 'mx1.example.net.', source: 'record', ttl: 300 }],
    ]);
    // An address that only ever had the generic name: the template changes are its history.
    expect(await history('192.0.2.26')).toEqual([
      [c4, { ptr: '192-0-2-26.example.net.', source: 'default' }, { ptr: 'host-26.example.net.', source: 'default' }],
      [c1, null, { ptr: '192-0-2-26.example.net.', source: 'default' }],
    ]);
    // The commit also added zones/b.yaml: only the file that holds the address is named.
    expect(JSON.parse((await rdns(['history', '192.0.2.26', '--format', 'json'], { cwd: repo.root })).stdout).history[0].files).toEqual(['zones/a.yaml']);
    expect(await history('203.0.113.1')).toEqual([]);
  });
});

describe('rdns history PREFIX: every PTR change inside a range', () => {
  const file = (records: Record<string, string>, extra = ''): string =>
    `prefix: 192.0.2.0/28\n${extra}records:\n${Object.entries(records)
      .map(([ip, v]) => `  ${ip}: ${v}\n`)
      .join('')}`;

  it('lists each commit with the addresses it changed (records and generic names), and only those inside the prefix', async () => {
    const repo = createGitRepo();
    const c1 = commitAs(repo, 'Alice', '2026-04-01T10:00:00Z', 'first customers', {
      'zones/a.yaml': file({ '192.0.2.1': 'one.example.net', '192.0.2.9': 'nine.example.net' }),
      'zones/b.yaml': 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: elsewhere.example.net\n',
    });
    commitAs(repo, 'Bob', '2026-04-02T10:00:00Z', 'outside the asked range', { 'zones/b.yaml': 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: moved.example.net\n' });
    const c3 = commitAs(repo, 'Carol', '2026-04-03T10:00:00Z', 'rename .1, NOC-7 (#41)', {
      'zones/a.yaml': file({ '192.0.2.1': '\n    ptr: uno.example.net\n    note: NOC-7', '192.0.2.9': 'nine.example.net' }),
    });
    // A template for the block and a pool: every address without a record gets a name.
    const c4 = commitAs(repo, 'Dave', '2026-04-04T10:00:00Z', 'generic names', {
      'zones/a.yaml': file({ '192.0.2.1': '\n    ptr: uno.example.net\n    note: NOC-7', '192.0.2.9': 'nine.example.net' }, 'default: "{dashed}.example.net"\npools:\n  - prefix: 192.0.2.12/30\n    default: "dsl-{host}.example.net"\n'),
    });

    const r = await rdns(['history', '192.0.2.0/29', '--format', 'json'], { cwd: repo.root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.prefix).toBe('192.0.2.0/29');
    const byCommit = out.history.map((h: { commit: string; pr: number | null; files: string[]; changes: { ip: string; old: { ptr: string } | null; new: { ptr: string; note?: string } | null }[] }) => [
      h.commit,
      h.pr,
      h.files,
      h.changes.map((c) => `${c.ip} ${c.old?.ptr ?? '-'} → ${c.new?.ptr ?? '-'}${c.new?.note ? ` [${c.new.note}]` : ''}`),
    ]);
    expect(byCommit).toEqual([
      // .9 and the pool (.12–.15) are outside 192.0.2.0/29; .1 keeps its record.
      [c4, null, ['zones/a.yaml'], ['0', '2', '3', '4', '5', '6', '7'].map((d) => `192.0.2.${d} - → 192-0-2-${d}.example.net.`)],
      [c3, 41, ['zones/a.yaml'], ['192.0.2.1 one.example.net. → uno.example.net. [NOC-7]']],
      [c1, null, ['zones/a.yaml'], ['192.0.2.1 - → one.example.net.']],
    ]);

    // The pool's template is the history of a pool address, asked alone or as a prefix.
    const pool = JSON.parse((await rdns(['history', '192.0.2.13', '--format', 'json'], { cwd: repo.root })).stdout);
    expect(pool.history.map((h: { commit: string; new: unknown }) => [h.commit, h.new])).toEqual([[c4, { ptr: 'dsl-1.example.net.', source: 'default' }]]);
    const poolRange = JSON.parse((await rdns(['history', '192.0.2.12/30', '--format', 'json'], { cwd: repo.root })).stdout);
    expect(poolRange.history[0].changes.map((c: { new: { ptr: string } }) => c.new.ptr)).toEqual(['dsl-0.example.net.', 'dsl-1.example.net.', 'dsl-2.example.net.', 'dsl-3.example.net.']);

    const text = (await rdns(['history', '192.0.2.0/29'], { cwd: repo.root })).stdout;
    expect(text.split('\n')[0]).toBe('192.0.2.0/29: 3 commits changed 9 PTRs, newest first');
    expect(text).toContain('#41  zones/a.yaml  "rename .1, NOC-7 (#41)"\n    192.0.2.1  one.example.net → uno.example.net note "NOC-7"\n');
    expect(text).toContain('    192.0.2.0  (no PTR) → 192-0-2-0.example.net (default)\n');
    expect((await rdns(['history', '203.0.113.0/24'], { cwd: repo.root })).stdout).toBe('203.0.113.0/24: no commit changed a PTR inside it\n');
  });

  it('counts, rather than lists, a template change over more addresses than it lists', async () => {
    const big = (template: string): string => `prefix: 10.0.0.0/16\ndefault: "${template}"\nrecords:\n  10.0.3.4: mail.example.net\n`;
    const repo = createGitRepo();
    commitAs(repo, 'Alice', '2026-05-01T10:00:00Z', 'a /16', { 'zones/big.yaml': big('{dashed}.a.example.net') });
    const c2 = commitAs(repo, 'Bob', '2026-05-02T10:00:00Z', 'new names', { 'zones/big.yaml': big('{dashed}.b.example.net') });
    const out = JSON.parse((await rdns(['history', '10.0.0.0/16', '--format', 'json'], { cwd: repo.root })).stdout);
    expect(out.history[0].commit).toBe(c2);
    expect(out.history[0].changes).toEqual([]);
    expect(out.history[0].generic).toEqual([{ file: 'zones/big.yaml', range: '10.0.0.0/16', before: 65535, after: 65535 }]);
    // A /24 of it is small enough to list: 255 generic names renamed (.3.4 has its record).
    const part = JSON.parse((await rdns(['history', '10.0.3.0/24', '--format', 'json'], { cwd: repo.root })).stdout);
    expect(part.history[0].changes).toHaveLength(255);
    expect(part.history[0].changes[0]).toEqual({ ip: '10.0.3.0', old: { ptr: '10-0-3-0.a.example.net.', source: 'default' }, new: { ptr: '10-0-3-0.b.example.net.', source: 'default' } });
    const text = (await rdns(['history', '10.0.3.0/24'], { cwd: repo.root })).stdout;
    expect(text).toContain('    … and 205 more (--format json lists every address)\n');
  });

  it('IPv6: finds records written in any notation inside the prefix', async () => {
    const v6 = (k: string, v: string): string => `prefix: 2001:db8::/48\nrecords:\n  ${k}: ${v}\n  2001:db8:0:1::1: other.example.net\n`;
    const repo = createGitRepo();
    const c1 = commitAs(repo, 'Alice', '2026-06-01T10:00:00Z', 'add', { 'zones/v6.yaml': v6('2001:0DB8:0:0:0:0:0:0007', 'a.example.net') });
    const c2 = commitAs(repo, 'Bob', '2026-06-02T10:00:00Z', 'rename', { 'zones/v6.yaml': v6('2001:db8::7', 'b.example.net') });
    const out = JSON.parse((await rdns(['history', '2001:db8::/64', '--format', 'json'], { cwd: repo.root })).stdout);
    expect(out.history.map((h: { commit: string; changes: { ip: string; new: { ptr: string } }[] }) => [h.commit, h.changes.map((c) => `${c.ip} ${c.new.ptr}`)])).toEqual([
      [c2, ['2001:db8::7 b.example.net.']],
      [c1, ['2001:db8::7 a.example.net.']],
    ]);
  });

  it('a prefix with host bits set: exit 2 naming it', async () => {
    const repo = createGitRepo();
    commitAs(repo, 'Alice', '2026-06-01T10:00:00Z', 'add', { 'zones/a.yaml': file({ '192.0.2.1': 'one.example.net' }) });
    const r = await rdns(['history', '192.0.2.1/24'], { cwd: repo.root });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('192.0.2.1/24');
  });
});
