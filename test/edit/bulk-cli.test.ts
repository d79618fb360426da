import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';
import { applyBulk } from '../../src/index.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const V4 = `prefix: 198.51.100.0/24
owners: ["@noc"]
default: "{dashed}.static.example.net"
records:
  # hand-written comment
  198.51.100.10: ten.example.com
  198.51.100.20: twenty.example.com
`;
const V6 = `prefix: 2001:db8:100::/48
owners: ["@noc"]
allocations:
  - prefix: 2001:db8:100:20::/64
    owners: ["@acme"]
records:
  2001:db8:100::1: gw.example.net
`;
const repo = (extra: Record<string, string> = {}): string => writeRepo({ 'zones/v4.yaml': V4, 'zones/v6.yaml': V6, ...extra });
const read = (root: string, f: string): string => readFileSync(join(root, 'zones', f), 'utf8');

describe('rdns bulk (the real process)', () => {
  it('previews by default: counts, rejected lines with line numbers, nothing written', async () => {
    const root = repo();
    const input = [
      '# provisioning run 42',
      '198.51.100.11 eleven.example.com',
      '198.51.100.12,twelve.example.com',
      '198.51.100.13\tthirteen.example.com   # trailing comment',
      '',
      '198.51.100.20 twenty.example.com',
      '198.51.100.10 default',
      'not-an-ip host.example.com',
      '198.51.100.14 mail',
      '192.0.2.1 x.example.com',
      '198.51.100.15 too many fields',
    ].join('\n');
    const r = await rdns(['bulk', '--no-fcrdns', '-'], { cwd: root, input });
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^<stdin>:8:1: error record\.ip-invalid /),
      expect.stringMatching(/^<stdin>:9:15: error hostname\.invalid 198\.51\.100\.14: "mail" is a bare word/),
      expect.stringMatching(/^<stdin>:10:1: error edit\.no-block 192\.0\.2\.1 is in no block file/),
      '<stdin>:11:19: error bulk.syntax column 19: unexpected third field "many"; expected "IP HOST" (or "IP default") separated by one space; a note as the third column needs a tab, comma or semicolon between the fields',
      'added   198.51.100.11  198-51-100-11.static.example.net (default) → eleven.example.com  zones/v4.yaml',
      'added   198.51.100.12  198-51-100-12.static.example.net (default) → twelve.example.com  zones/v4.yaml',
      'added   198.51.100.13  198-51-100-13.static.example.net (default) → thirteen.example.com  zones/v4.yaml',
      'reset   198.51.100.10  ten.example.com → 198-51-100-10.static.example.net (default)  zones/v4.yaml',
      'same    198.51.100.20  twenty.example.com',
      'preview: nothing written; fix or remove the refused lines (or --skip-invalid), then --apply',
      '9 lines: 5 valid (4 to change, 1 unchanged), 3 invalid, 1 not yours',
      '',
    ]);
    expect(read(root, 'v4.yaml')).toBe(V4);
    // --apply writes nothing while a line is invalid …
    const refused = await rdns(['bulk', '--no-fcrdns', '-', '--apply'], { cwd: root, input });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('nothing written: some lines were refused');
    expect(read(root, 'v4.yaml')).toBe(V4);
    // … unless --skip-invalid: one pass, comments kept.
    const applied = await rdns(['bulk', '--no-fcrdns', '-', '--apply', '--skip-invalid'], { cwd: root, input });
    expect(applied.status).toBe(1);
    expect(applied.stdout).toContain('wrote zones/v4.yaml');
    expect(read(root, 'v4.yaml')).toBe(`prefix: 198.51.100.0/24
owners: ["@noc"]
default: "{dashed}.static.example.net"
records:
  # hand-written comment
  198.51.100.11: eleven.example.com
  198.51.100.12: twelve.example.com
  198.51.100.13: thirteen.example.com
  198.51.100.20: twenty.example.com
`);
  });

  it('accepts a BOM and CRLF, treats IPv6 notations as one address, refuses disagreeing duplicates', async () => {
    const root = repo();
    const file = join(root, 'in.csv');
    writeFileSync(
      file,
      '\uFEFF2001:db8:100::5,five.example.net\r\n2001:0DB8:0100:0:0:0:0:5 , five.example.net\r\n2001:db8:100::6 six.example.net\r\n2001:db8:100:0::6 sechs.example.net\r\n198.51.100.30 a.example.com\r\n',
    );
    const r = await rdns(['bulk', '--no-fcrdns', file, '--format', 'json'], { cwd: root });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics.map((d: { code: string; line: number }) => [d.code, d.line])).toEqual([
      ['bulk.duplicate', 3],
      ['bulk.duplicate', 4],
    ]);
    expect(out.changes.map((c: { ip: string; line: number; notes?: string[] }) => [c.ip, c.line, c.notes])).toEqual([
      ['2001:db8:100::5', 1, ['repeated on line 2']],
      ['198.51.100.30', 5, undefined],
    ]);
    expect(out.summary).toMatchObject({ lines: 5, valid: 2, invalid: 2, notYours: 0, unchanged: 0, errors: 2 });
  });

  it('checks owners with --as: block owners, allocation owners, not yours', async () => {
    const root = repo();
    const r = await rdns(['bulk', '--no-fcrdns', '-', '--as', 'acme', '--format', 'json'], { cwd: root, input: '2001:db8:100:20::1 a.acme.example\n2001:db8:100::2 b.acme.example\n' });
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({ valid: 1, invalid: 0, notYours: 1 });
    expect(out.diagnostics[0]).toMatchObject({ code: 'edit.not-owner', line: 2, ip: '2001:db8:100::2' });
  });

  it('--as on a block without owners: anyone may change it, as rdns ci decides', async () => {
    const root = repo({ 'zones/open.yaml': 'prefix: 203.0.113.0/24\nrecords:\n  203.0.113.1: one.example.net\n' });
    const r = await rdns(['bulk', '--no-fcrdns', '-', '--as', 'acme', '--format', 'json'], { cwd: root, input: '203.0.113.2 two.example.net\n' });
    expect(JSON.parse(r.stdout).summary).toMatchObject({ valid: 1, invalid: 0, notYours: 0 });
    expect(r.status).toBe(0);
  });

  it('--as on a block without owners still respects an allocation that names owners (as rdns ci does)', async () => {
    const root = repo({ 'zones/open.yaml': 'prefix: 203.0.113.0/24\nallocations:\n  - prefix: 203.0.113.32/28\n    owners: ["@globex"]\n' });
    const r = await rdns(['bulk', '--no-fcrdns', '-', '--as', 'acme', '--format', 'json'], { cwd: root, input: '203.0.113.2 two.example.net\n203.0.113.33 x.example.net\n' });
    expect(JSON.parse(r.stdout).summary).toMatchObject({ valid: 1, notYours: 1 });
    const owner = await rdns(['bulk', '--no-fcrdns', '-', '--as', 'globex', '--format', 'json'], { cwd: root, input: '203.0.113.33 x.example.net\n' });
    expect(JSON.parse(owner.stdout).summary).toMatchObject({ valid: 1, notYours: 0 });
  });

  it('over the cap (rdns.yaml bulk.max_lines, --max) a run takes the first window of lines and names the next --from', async () => {
    const root = repo({ 'rdns.yaml': 'bulk:\n  max_lines: 3\n' });
    const input = Array.from({ length: 4 }, (_, i) => `198.51.100.${100 + i} h${i}.example.com`).join('\n');
    const r = await rdns(['bulk', '--no-fcrdns', '-', '--apply'], { cwd: root, input });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/warning bulk\.over-cap 4 change lines is more than the per-run cap of 3 .*this run takes change lines 1–3 \(input lines 1–3\); continue with --from 4/);
    expect(read(root, 'v4.yaml')).toContain('  198.51.100.102: h2.example.com\n');
    expect(read(root, 'v4.yaml')).not.toContain('198.51.100.103');
    const ok = await rdns(['bulk', '--no-fcrdns', '-', '--apply', '--max', '4'], { cwd: root, input });
    expect(ok.status).toBe(0);
    expect(read(root, 'v4.yaml')).toContain('  198.51.100.103: h3.example.com\n');
    expect((await rdns(['bulk', '--no-fcrdns', '-', '--max', '0'], { cwd: root, input })).status).toBe(2);
  });

  it('library API: applyBulk previews and applies', () => {
    const root = repo();
    const p = applyBulk(root, '198.51.100.99 n.example.com\n', { apply: false });
    expect([p.valid, p.invalid, p.written]).toEqual([1, 0, []]);
    const a = applyBulk(root, '198.51.100.99 n.example.com\n');
    expect(a.written).toEqual(['zones/v4.yaml']);
  });
});
