/**
 * The NOC engineer's day with `rdns set`, `reset` and `bulk` (issue 11, items 1–4):
 * forward-confirmed at the moment of change (a real BIND on loopback), bulk counts that
 * mean what they say, reset without a default, concurrent edits and flow-style files.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bindOrSkip, freePort, startBind, zoneText, type BindServer } from '../helpers/bind.js';
import { RDNS_BIN, runCli, runCliInProcess, spawnCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';
import { loadRepository } from '../../src/loader/repository.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts); the lock and concurrency tests keep real processes. */
const rdns = runCliInProcess;

const FILE = 'zones/192.0.2.0_24.yaml';
const BLOCK = `prefix: 192.0.2.0/24
owners: ["@noc"]
records:
  192.0.2.10: ten.example.test
`;
const WITH_DEFAULT = `prefix: 198.51.100.0/24
default: "{dashed}.static.example.test"
records:
  198.51.100.22: mail.example.test
`;
const repo = (extra: Record<string, string> = {}): string => writeRepo({ [FILE]: BLOCK, 'zones/198.51.100.0_24.yaml': WITH_DEFAULT, ...extra });
const read = (root: string, f = FILE): string => readFileSync(join(root, f), 'utf8');

const have = bindOrSkip();
// Each test runs the real CLI several times; a shared, loaded machine is slow to start processes.
vi.setConfig({ testTimeout: 180_000 });

describe.skipIf(!have)('1. forward-confirmed at the moment of change (BIND on loopback)', () => {
  let server: BindServer;
  beforeAll(async () => {
    server = await startBind([
      {
        name: 'example.test',
        text: zoneText('example.test', 'mail IN A 192.0.2.82\nother IN A 192.0.2.99\nweb IN A 192.0.2.83\nv6 IN AAAA 2001:db8::83\n'),
      },
    ]);
  });
  afterAll(async () => server?.stop());

  it('set refuses a name that resolves to another address: exit 1, the file untouched; a matching name is saved', async () => {
    const root = repo();
    const bad = await rdns(['set', '192.0.2.82', 'other.example.test', '--resolver', server.address], { cwd: root });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('error fcrdns.mismatch 192.0.2.82 → other.example.test, but other.example.test resolves to 192.0.2.99, not to 192.0.2.82; not saved: the forward record must match');
    expect(bad.stdout).toMatch(/nothing written\n$/);
    expect(read(root)).toBe(BLOCK);

    const missing = await rdns(['set', '192.0.2.84', 'nope.example.test', '--resolver', server.address, '--format', 'json'], { cwd: root });
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).diagnostics).toMatchObject([{ code: 'fcrdns.nxdomain', severity: 'error', ip: '192.0.2.84' }]);
    expect(read(root)).toBe(BLOCK);

    const good = await rdns(['set', '192.0.2.82', 'mail.example.test', '--resolver', server.address], { cwd: root });
    expect(good.stdout).toBe('added   192.0.2.82  (no PTR) → mail.example.test  zones/192.0.2.0_24.yaml\nforward DNS: 1 of 1 new name resolves back to its address\nwrote zones/192.0.2.0_24.yaml\n');
    expect(good.status).toBe(0);
    expect(read(root)).toContain('  192.0.2.82: mail.example.test\n');
  });

  it('--no-fcrdns saves without asking DNS', async () => {
    const root = repo();
    const r = await rdns(['set', '192.0.2.82', 'other.example.test', '--no-fcrdns', '--resolver', server.address], { cwd: root });
    expect(r.status).toBe(0);
    expect(read(root)).toContain('  192.0.2.82: other.example.test\n');
  });

  it('without an answering DNS server: exit 2 and nothing saved, unless --allow-unverified', async () => {
    const root = repo();
    const silent = `127.0.0.1:${await freePort()}`;
    const r = await rdns(['set', '192.0.2.82', 'mail.example.test', '--resolver', silent, '--timeout', '300', '--retries', '0'], { cwd: root, timeoutMs: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/error resolver\.unreachable no DNS server answered .*nothing was saved: use --resolver HOST:PORT, or --allow-unverified/);
    expect(read(root)).toBe(BLOCK);
    const allowed = await rdns(['set', '192.0.2.82', 'mail.example.test', '--resolver', silent, '--timeout', '300', '--retries', '0', '--allow-unverified'], { cwd: root, timeoutMs: 30_000 });
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toMatch(/warning resolver\.unreachable .*saved unverified \(--allow-unverified\)/);
    expect(read(root)).toContain('  192.0.2.82: mail.example.test\n');
  });

  it('bulk reports fcrdns per input line in the preview and counts it; --apply writes only when all confirm (or --skip-invalid)', async () => {
    const root = repo();
    const input = '192.0.2.82 mail.example.test\n192.0.2.83 other.example.test\n2001:db8::83 v6.example.test\n192.0.2.85 web.example.test\n';
    const preview = await rdns(['bulk', '-', '--resolver', server.address], { cwd: root, input });
    expect(preview.status).toBe(1);
    expect(preview.stdout).toContain('<stdin>:2:1: error fcrdns.mismatch 192.0.2.83 → other.example.test, but other.example.test resolves to 192.0.2.99');
    expect(preview.stdout).toContain('<stdin>:3:1: error edit.no-block 2001:db8::83 is in no block file');
    expect(preview.stdout).toContain('<stdin>:4:1: error fcrdns.mismatch 192.0.2.85 → web.example.test, but web.example.test resolves to 192.0.2.83');
    expect(preview.stdout).toContain('added   192.0.2.82  (no PTR) → mail.example.test');
    expect(preview.stdout).toContain('4 lines: 1 valid (1 to change, 0 unchanged), 2 invalid (2 not confirmed by forward DNS), 1 not yours\n');
    const json = JSON.parse((await rdns(['bulk', '-', '--resolver', server.address, '--format', 'json'], { cwd: root, input })).stdout);
    expect(json.summary).toMatchObject({ lines: 4, valid: 1, invalid: 2, unconfirmed: 2, notYours: 1 });
    expect((await rdns(['bulk', '-', '--apply', '--resolver', server.address], { cwd: root, input })).status).toBe(1);
    expect(read(root)).toBe(BLOCK);
    const skip = await rdns(['bulk', '-', '--apply', '--skip-invalid', '--resolver', server.address], { cwd: root, input });
    expect(skip.stdout).toContain('wrote zones/192.0.2.0_24.yaml');
    expect(read(root)).toBe(`${BLOCK}  192.0.2.82: mail.example.test\n`);
  });
});

describe('2. bulk counts that mean what they say', () => {
  it('accepts what a spreadsheet pastes: header, semicolons, tabs, quoted CSV fields, IP default', async () => {
    const root = repo();
    const input = [
      'IP;Hostname',
      '192.0.2.1;one.example.test',
      '"192.0.2.2","two.example.test"',
      '192.0.2.3\tthree.example.test',
      '"192.0.2.4" ; "four.example.test"',
      '192.0.2.10,default',
    ].join('\r\n');
    const r = await rdns(['bulk', '--no-fcrdns', '-', '--format', 'json', '--delete'], { cwd: root, input });
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics).toEqual([]);
    expect(out.changes.map((c: { ip: string; kind: string; line: number }) => `${c.kind} ${c.ip} line ${c.line}`)).toEqual([
      'added 192.0.2.1 line 2',
      'added 192.0.2.2 line 3',
      'added 192.0.2.3 line 4',
      'added 192.0.2.4 line 5',
      'reset 192.0.2.10 line 6',
    ]);
    expect(out.summary).toMatchObject({ lines: 5, valid: 5, invalid: 0, notYours: 0 });
  });

  it('says which line and column is wrong', async () => {
    const root = repo();
    const input = '192.0.2.1 one.example.test extra\n192.0.2.2,\none.example.test 192.0.2.3\n"192.0.2.4,four.example.test\n192.0.2.5 bad_name.example.test\n';
    const r = await rdns(['bulk', '--no-fcrdns', '-'], { cwd: root, input });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('<stdin>:1:28: error bulk.syntax column 28: unexpected third field "extra"; expected "IP HOST" (or "IP default") separated by one space; a note as the third column needs a tab, comma or semicolon between the fields');
    expect(lines).toContain('<stdin>:2:11: error bulk.syntax the hostname is missing after 192.0.2.2 (the line ends with a comma); one field found, fields are separated by a space, tab, comma or semicolon');
    expect(lines).toContain('<stdin>:3:1: error bulk.syntax column 1: the address comes first: write "192.0.2.3 one.example.test"');
    expect(lines).toContain('<stdin>:4:1: error bulk.syntax column 1: a quoted field has no closing quote (")');
    expect(lines.find((l) => l.startsWith('<stdin>:5:11: error hostname.invalid'))).toBeDefined();
    expect(r.stdout).toContain('5 lines: 0 valid (0 to change, 0 unchanged), 5 invalid, 0 not yours\n');
  });

  it('an address in no block file is "not yours", not "invalid"', async () => {
    const root = repo();
    const r = await rdns(['bulk', '--no-fcrdns', '-'], { cwd: root, input: '203.0.113.5 a.example.test\n192.0.2.5 b.example.test\n' });
    expect(r.stdout).toContain('2 lines: 1 valid (1 to change, 0 unchanged), 0 invalid, 1 not yours\n');
  });

  it('501 identical "not yours" findings are grouped in text (first three, then one line with the line ranges); JSON lists each', async () => {
    const root = repo();
    const input = `${Array.from({ length: 501 }, (_, i) => `10.0.${i >> 8}.${i & 255} h${i}.example.test`).join('\n')}\n192.0.2.90 ok.example.test\n`;
    const r = await rdns(['bulk', '--no-fcrdns', '-', '--max', '1000'], { cwd: root, input });
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '<stdin>:1:1: error edit.no-block 10.0.0.0 is in no block file; add a block file for its prefix first',
      '<stdin>:2:1: error edit.no-block 10.0.0.1 is in no block file; add a block file for its prefix first',
      '<stdin>:3:1: error edit.no-block 10.0.0.2 is in no block file; add a block file for its prefix first',
      '… and 498 more error edit.no-block on <stdin> lines 4–501 (the same kind; --format json lists each)',
    ]);
    expect(r.stdout).toContain('502 lines: 1 valid (1 to change, 0 unchanged), 0 invalid, 501 not yours\n');
    const json = JSON.parse((await rdns(['bulk', '--no-fcrdns', '-', '--max', '1000', '--format', 'json'], { cwd: root, input })).stdout);
    expect(json.diagnostics.filter((d: { code: string }) => d.code === 'edit.no-block')).toHaveLength(501);
  });

  it('over the cap: the preview counts every line and names the window; --apply writes that window, --from continues', async () => {
    const root = repo({ 'rdns.yaml': 'bulk:\n  max_lines: 3\n' });
    const input = `# batch\n${Array.from({ length: 5 }, (_, i) => `192.0.2.${100 + i} h${i}.example.test`).join('\n')}\n203.0.113.9 x.example.test\n`;
    const preview = await rdns(['bulk', '--no-fcrdns', '-'], { cwd: root, input });
    expect(preview.stdout).toContain('<stdin>:2:1: warning bulk.over-cap 6 change lines is more than the per-run cap of 3 (bulk.max_lines in rdns.yaml, or --max): every line is checked and counted, this run takes change lines 1–3 (input lines 2–4); continue with --from 4');
    expect(preview.stdout).toContain('6 lines: 5 valid (5 to change, 0 unchanged), 0 invalid, 1 not yours; this run: change lines 1–3, next: --from 4\n');
    expect(read(root)).toBe(BLOCK);
    const first = await rdns(['bulk', '--no-fcrdns', '-', '--apply'], { cwd: root, input });
    expect(first.stdout).toContain('wrote zones/192.0.2.0_24.yaml');
    expect(first.status).toBe(1); // a line of the input (outside this window) is refused
    expect(read(root)).toContain('  192.0.2.102: h2.example.test\n');
    expect(read(root)).not.toContain('192.0.2.103');
    const second = await rdns(['bulk', '--no-fcrdns', '-', '--apply', '--from', '4'], { cwd: root, input });
    expect(second.status).toBe(1); // the not-yours line is in this window
    expect(second.stdout).toContain('this run takes change lines 4–6 (input lines 5–7); this is the last part');
    const third = await rdns(['bulk', '--no-fcrdns', '-', '--apply', '--from', '4', '--skip-invalid'], { cwd: root, input });
    expect(third.stdout).toContain('wrote zones/192.0.2.0_24.yaml');
    expect(read(root)).toContain('  192.0.2.104: h4.example.test\n');
  });
});

describe('3. reset and defaults', () => {
  it('reset in a block without default is refused (the address would have no PTR) unless --delete', async () => {
    const root = repo();
    const r = await rdns(['reset', '192.0.2.10'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('error edit.no-default 192.0.2.10: block 192.0.2.0/24 (zones/192.0.2.0_24.yaml) has no default, so a reset leaves 192.0.2.10 with no PTR at all (now ten.example.test); add --delete to remove the PTR');
    expect(read(root)).toBe(BLOCK);
    const del = await rdns(['reset', '192.0.2.10', '--delete'], { cwd: root });
    expect(del.status).toBe(0);
    expect(del.stdout).toContain('reset   192.0.2.10  ten.example.test → (no PTR)');
    expect(read(root)).toBe('prefix: 192.0.2.0/24\nowners: ["@noc"]\nrecords:\n');
  });

  it('set IP default is a reset, as in bulk', async () => {
    const root = repo();
    const r = await rdns(['set', '198.51.100.22', 'default'], { cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('reset   198.51.100.22  mail.example.test → 198-51-100-22.static.example.test (default)');
    expect(read(root, 'zones/198.51.100.0_24.yaml')).not.toContain('198.51.100.22');
    expect((await rdns(['set', '192.0.2.10', 'default'], { cwd: root })).status).toBe(1);
    expect(read(root)).toBe(BLOCK);
  });
});

describe('4. concurrent and unusual files lose nothing', () => {
  it('six rdns set processes on one file at once: every edit is in the file', async () => {
    const root = repo();
    const ips = Array.from({ length: 6 }, (_, i) => `192.0.2.${50 + i}`);
    const runs = await Promise.all(
      ips.map(
        (ip, i) =>
          new Promise<{ code: number | null; out: string }>((res) => {
            const p = spawn(process.execPath, [RDNS_BIN, 'set', ip, `host${i}.example.test`, '--no-fcrdns'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
            let out = '';
            p.stdout.on('data', (d: Buffer) => (out += d.toString()));
            p.stderr.on('data', (d: Buffer) => (out += d.toString()));
            p.on('close', (code) => res({ code, out }));
          }),
      ),
    );
    for (const r of runs) {
      expect(r.out).toContain('wrote zones/192.0.2.0_24.yaml');
      expect(r.code).toBe(0);
    }
    const text = read(root);
    for (const [i, ip] of ips.entries()) expect(text).toContain(`  ${ip}: host${i}.example.test\n`);
    expect(loadRepository(root).diagnostics).toEqual([]);
    expect(text).not.toContain('lock');
  }, 120_000);

  it('a stale lock of a finished process is taken over; a live one makes the edit fail clearly', async () => {
    const root = repo();
    const { writeFileSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const lock = join(root, 'zones/.192.0.2.0_24.yaml.lock');
    writeFileSync(lock, `999999999\n${hostname()}\n2026-01-01T00:00:00Z\n`);
    expect(runCli(['set', '192.0.2.60', 'a.example.test', '--no-fcrdns'], { cwd: root }).status).toBe(0);
    expect(read(root)).toContain('192.0.2.60: a.example.test');
    // A lock held by a live process (this test runner) for the whole wait: the edit is refused
    // (after its wait for the holder), saying who holds the lock, and the file is untouched.
    writeFileSync(lock, `${process.pid}\n${hostname()}\n${new Date().toISOString()}\n`);
    const before = read(root);
    const held = await spawnCli(['set', '192.0.2.61', 'b.example.test', '--no-fcrdns'], { cwd: root, timeoutMs: 120_000 });
    expect(held.status).toBe(1);
    expect(held.stdout).toContain(`zones/192.0.2.0_24.yaml:1:1: error edit.locked not edited: another rdns is editing this file (pid ${process.pid} on ${hostname()} since `);
    expect(held.stdout).toMatch(/; nothing was written, try again\n[^]*nothing written\n$/);
    expect(read(root)).toBe(before);
    expect(readFileSync(lock, 'utf8').split('\n')[0]).toBe(String(process.pid));
    const { rmSync } = await import('node:fs');
    rmSync(lock);
    expect(read(root)).toBe(before);
  });

  it('a block file in YAML flow style is edited in flow style, never broken', async () => {
    const flow = '{prefix: 192.0.2.0/24, records: {192.0.2.1: a.example.test, 192.0.2.9: z.example.test}}\n';
    const root = writeRepo({ [FILE]: flow });
    const set = await rdns(['set', '192.0.2.5', 'b.example.test', '--no-fcrdns'], { cwd: root });
    expect(set.status).toBe(0);
    expect(read(root)).toBe('{prefix: 192.0.2.0/24, records: {192.0.2.1: a.example.test, 192.0.2.5: b.example.test, 192.0.2.9: z.example.test}}\n');
    // (a sparse /24 without a default also warns coverage.low: not an error)
    expect((await rdns(['validate'], { cwd: root })).stdout).toMatch(/^ok(?: with warnings)?: 1 file, 3 records, 0 errors/m);
    const bulk = await rdns(['bulk', '-', '--apply', '--no-fcrdns'], { cwd: root, input: '192.0.2.1 c.example.test\n192.0.2.6 d.example.test\n' });
    expect(bulk.status).toBe(0);
    expect(read(root)).toBe('{prefix: 192.0.2.0/24, records: {192.0.2.1: c.example.test, 192.0.2.5: b.example.test, 192.0.2.6: d.example.test, 192.0.2.9: z.example.test}}\n');
    const reset = await rdns(['reset', '192.0.2.9', '--delete'], { cwd: root });
    expect(reset.stdout).toContain('wrote zones/192.0.2.0_24.yaml');
    const ttl = await rdns(['set', '192.0.2.5', 'b.example.test', '--ttl', '300', '--no-fcrdns'], { cwd: root });
    expect(ttl.status).toBe(0);
    expect(read(root)).toBe('{prefix: 192.0.2.0/24, records: {192.0.2.1: c.example.test, 192.0.2.5: {ptr: b.example.test, ttl: 300}, 192.0.2.6: d.example.test}}\n');
    expect((await rdns(['validate'], { cwd: root })).status).toBe(0);
    // records: {…} under a block mapping: edited in place too, comments kept.
    const root2 = writeRepo({ [FILE]: '# hall B\nprefix: 192.0.2.0/24\nrecords: {192.0.2.1: a.example.test}  # keep\n' });
    expect((await rdns(['set', '192.0.2.2', 'b.example.test', '--no-fcrdns'], { cwd: root2 })).status).toBe(0);
    expect(read(root2)).toBe('# hall B\nprefix: 192.0.2.0/24\nrecords: {192.0.2.1: a.example.test, 192.0.2.2: b.example.test} # keep\n');
  });
});

describe('5. IDN names are shown in Unicode beside punycode', () => {
  it('in the set output, the diff and the history', async () => {
    const { createGitRepo } = await import('../helpers/git-repo.js');
    const g = createGitRepo({ [FILE]: BLOCK });
    g.commit('start');
    const set = await rdns(['set', '192.0.2.7', 'Mail.München.example', '--no-fcrdns'], { cwd: g.root });
    expect(set.stdout).toContain('added   192.0.2.7  (no PTR) → mail.xn--mnchen-3ya.example (mail.münchen.example)  zones/192.0.2.0_24.yaml');
    expect(read(g.root)).toContain('  192.0.2.7: mail.xn--mnchen-3ya.example\n');
    const diff = await rdns(['diff', '--base', 'HEAD', '--no-fetch'], { cwd: g.root });
    expect(diff.stdout).toContain('+ 192.0.2.7 mail.xn--mnchen-3ya.example. (mail.münchen.example)');
    g.commit('idn');
    const history = await rdns(['history', '192.0.2.7'], { cwd: g.root });
    expect(history.stdout).toContain('(no PTR) → mail.xn--mnchen-3ya.example (mail.münchen.example)');
  });
});
