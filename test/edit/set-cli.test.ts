import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coloHallB } from '../helpers/block-files.js';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';
import { loadRepository } from '../../src/loader/repository.js';
import { resetPtr, setPtr } from '../../src/index.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const BLOCK = coloHallB({
  head: '# yaml-language-server: $schema=../schema/block.schema.json\n',
  description: 'Colo hall B   # comment kept',
  records: `  198.51.100.22: mail.example.com  # the MX
  198.51.100.34:
    ptr: smtp.acme.example
    ttl: 300
    note: NOC-1234
`,
});
const FILE = 'zones/198.51.100.0_24.yaml';
const repo = (extra: Record<string, string> = {}): string => writeRepo({ [FILE]: BLOCK, 'zones/2001-db8.yaml': 'prefix: 2001:db8::/48\nrecords:\n  2001:db8::1: one.example.net\n', ...extra });
const read = (root: string, f = FILE): string => readFileSync(join(root, f), 'utf8');

describe('rdns set / reset (the real process)', () => {
  it('adds a record in IP order, normalising the hostname, and changes nothing else', async () => {
    const root = repo();
    const r = await rdns(['set', '--no-fcrdns', '198.51.100.40', 'Web1.Example.COM.'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('added   198.51.100.40  198-51-100-40.static.example.net (default) → web1.example.com  zones/198.51.100.0_24.yaml\nwrote zones/198.51.100.0_24.yaml\n');
    expect(read(root)).toBe(BLOCK.replace('    note: NOC-1234\n', '    note: NOC-1234\n  198.51.100.40: web1.example.com\n'));
    expect(loadRepository(root).diagnostics).toEqual([]);
  });

  it('changes a record in place with --ttl and --note, keeping its comment', async () => {
    const root = repo();
    const r = await rdns(['set', '--no-fcrdns', '198.51.100.22', 'mx.example.com', '--ttl', '600', '--note', 'NOC-77'], { cwd: root });
    expect(r.status).toBe(0);
    expect(read(root)).toBe(BLOCK.replace('  198.51.100.22: mail.example.com  # the MX\n', '  198.51.100.22: # the MX\n    ptr: mx.example.com\n    ttl: 600\n    note: NOC-77\n'));
  });

  it('reset removes the record lines and says what applies now; IPv6 in another notation', async () => {
    const root = repo();
    const r = await rdns(['reset', '198.51.100.34', '--format', 'json'], { cwd: root });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.changes).toEqual([
      { kind: 'reset', ip: '198.51.100.34', file: FILE, old: { ptr: 'smtp.acme.example.', source: 'record', ttl: 300, note: 'NOC-1234' }, new: { ptr: '198-51-100-34.static.example.net.', source: 'default' } },
    ]);
    expect(out.summary).toMatchObject({ files: 1, records: 1, errors: 0, warnings: 0 });
    expect(read(root)).toBe(BLOCK.replace('  198.51.100.34:\n    ptr: smtp.acme.example\n    ttl: 300\n    note: NOC-1234\n', ''));
    expect((await rdns(['set', '--no-fcrdns', '2001:0DB8:0:0::0001', 'uno.example.net'], { cwd: root })).status).toBe(0);
    expect(read(root, 'zones/2001-db8.yaml')).toBe('prefix: 2001:db8::/48\nrecords:\n  2001:db8::1: uno.example.net\n');
  });

  it('says so when the name is the block default, and writes nothing', async () => {
    const root = repo();
    const r = await rdns(['set', '--no-fcrdns', '198.51.100.50', '198-51-100-50.static.example.net'], { cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("is the block's default name for 198.51.100.50; no record is needed");
    expect(read(root)).toBe(BLOCK);
  });

  it.each([
    [['set', '203.0.113.9', 'a.example.net'], 'edit.no-block', /203\.0\.113\.9 is in no block file/],
    [['set', '198.51.100.9', 'mail'], 'hostname.invalid', /bare word/],
    [['set', '198.51.100.9', 'dyn-198-51-100-9.example.net'], 'hostname.denied', /refused by the hostname policy: "dyn" is a word that marks dynamic/],
    [['set', '198.51.100.09', 'a.example.net'], 'record.ip-invalid', /leading zero/],
    [['set', '198.51.100.9', 'a.example.net', '--ttl', '5'], 'record.ttl', /outside the allowed range/],
    [['set', '198.51.100.9', 'a.example.net', '--as', 'acme-corp'], 'edit.not-owner', /not among its owners/],
    // The schema's limit: a longer note would make the whole block file fail to load.
    [['set', '198.51.100.9', 'a.example.net', '--note', 'x'.repeat(501)], 'schema.invalid', /note is 501 characters long \(at most 500\)/],
  ])('refuses %j with %s, exit 1, file untouched', async (args, code, message) => {
    const root = repo();
    const r = await rdns([...args, '--format', 'json'], { cwd: root });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code, message: expect.stringMatching(message) })]);
    expect(read(root)).toBe(BLOCK);
  });

  it('an owner of the allocation may set, --team counts team owners', async () => {
    const root = repo();
    expect((await rdns(['set', '--no-fcrdns', '198.51.100.33', 'b.acme.example', '--as', '@ACME-corp'], { cwd: root })).status).toBe(0);
    expect((await rdns(['set', '--no-fcrdns', '198.51.100.9', 'b.example.net', '--as', 'alice', '--team', 'example-isp/noc'], { cwd: root })).status).toBe(0);
  });

  it('refuses set, reset and bulk inside a delegated allocation (the customer\'s name servers serve those PTRs); removing a stray line is allowed', async () => {
    const delegated = BLOCK.replace('    owners: ["@acme-corp"]\n', '    owners: ["@acme-corp"]\n    delegate_to: [ns1.acme.example]\n');
    const root = repo({ [FILE]: delegated });
    const s = await rdns(['set', '198.51.100.40', 'www.acme.example'], { cwd: root });
    expect(s.status).toBe(1);
    expect(s.stdout).toMatch(/error edit\.delegated 198\.51\.100\.40 is inside allocation 198\.51\.100\.32\/28 \(acme\), delegated to ns1\.acme\.example: its PTR is set on those name servers/);
    expect((await rdns(['reset', '198.51.100.41'], { cwd: root })).stdout).toMatch(/error edit\.delegated 198\.51\.100\.41/);
    const b = await rdns(['bulk', '-', '--apply'], { cwd: root, input: '198.51.100.42 a.acme.example\n' });
    expect(b.status).toBe(1);
    expect(b.stdout).toMatch(/error edit\.delegated 198\.51\.100\.42/);
    expect(read(root)).toBe(delegated);
    // 198.51.100.34 has a line that would never be published: reset removes it.
    expect((await rdns(['reset', '198.51.100.34'], { cwd: root })).status).toBe(0);
    expect(read(root)).not.toContain('198.51.100.34');
  });

  it('names a block file that does not parse, and leaves it untouched', async () => {
    const broken = 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: [a\n';
    const root = repo({ 'zones/192.0.2.0_24.yaml': broken });
    const r = await rdns(['set', '--no-fcrdns', '192.0.2.5', 'a.example.net'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/edit\.no-block 192\.0\.2\.5 is in no block file; these block files do not load and were not searched: zones\/192\.0\.2\.0_24\.yaml \(yaml\.syntax/);
    expect(read(root, 'zones/192.0.2.0_24.yaml')).toBe(broken);
  });

  it('refuses a block file that is a link (inside the repository or out of it); neither the link nor its target is written', async () => {
    const root = repo();
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared/v4.yaml'), 'prefix: 203.0.113.0/24\nrecords:\n  203.0.113.1: a.example.net\n');
    symlinkSync('../shared/v4.yaml', join(root, 'zones/203.0.113.0_24.yaml'));
    const inside = await rdns(['set', '--no-fcrdns', '203.0.113.2', 'b.example.net'], { cwd: root });
    expect(inside.status).toBe(1);
    expect(inside.stdout).toMatch(/edit\.no-block 203\.0\.113\.2 is in no block file; these block files do not load and were not searched: zones\/203\.0\.113\.0_24\.yaml \(file\.symlink/);
    expect(lstatSync(join(root, 'zones/203.0.113.0_24.yaml')).isSymbolicLink()).toBe(true);
    expect(read(root, 'shared/v4.yaml')).toBe('prefix: 203.0.113.0/24\nrecords:\n  203.0.113.1: a.example.net\n');
    const outside = writeRepo({ 'elsewhere.yaml': 'prefix: 192.0.2.0/24\n' });
    symlinkSync(join(outside, 'elsewhere.yaml'), join(root, 'zones/192.0.2.0_24.yaml'));
    const r = await rdns(['set', '--no-fcrdns', '192.0.2.7', 'c.example.net'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/zones\/192\.0\.2\.0_24\.yaml \(file\.symlink/);
    expect(readFileSync(join(outside, 'elsewhere.yaml'), 'utf8')).toBe('prefix: 192.0.2.0/24\n');
  });

  it('reset removes a record that does not load (an invalid hostname), set replaces it', async () => {
    const root = repo({ 'zones/203.0.113.0_24.yaml': 'prefix: 203.0.113.0/24\nrecords:\n  203.0.113.5: mail\n  203.0.113.6: mail_6.example.com\n  203.0.113.7: ok.example.com\n' });
    const reset = await rdns(['reset', '203.0.113.5', '--delete'], { cwd: root });
    expect(reset.stdout).toBe('reset   203.0.113.5  mail → (no PTR)  zones/203.0.113.0_24.yaml\nwrote zones/203.0.113.0_24.yaml\n');
    const set = await rdns(['set', '--no-fcrdns', '203.0.113.6', 'mail6.example.com'], { cwd: root });
    expect(set.stdout).toContain('changed 203.0.113.6  mail_6.example.com → mail6.example.com');
    expect(read(root, 'zones/203.0.113.0_24.yaml')).toBe('prefix: 203.0.113.0/24\nrecords:\n  203.0.113.6: mail6.example.com\n  203.0.113.7: ok.example.com\n');
    expect(loadRepository(root).diagnostics).toEqual([]);
  });

  it('usage mistakes exit 2', async () => {
    const root = repo();
    expect((await rdns(['set', '--no-fcrdns', '198.51.100.9'], { cwd: root })).status).toBe(2);
    expect((await rdns(['set', '--no-fcrdns', '198.51.100.9', 'a.example.net', '--ttl', 'abc'], { cwd: root })).status).toBe(2);
  });

  it('library API: setPtr / resetPtr return what changed; apply:false previews', () => {
    const root = repo();
    const preview = setPtr(root, '198.51.100.41', 'api.example.com', { apply: false });
    expect(preview.errors).toBe(0);
    expect(preview.written).toEqual([]);
    expect(preview.changes.map((c) => [c.kind, c.ipText, c.new?.ptr])).toEqual([['added', '198.51.100.41', 'api.example.com.']]);
    expect(read(root)).toBe(BLOCK);
    const done = setPtr(root, '198.51.100.41', 'api.example.com');
    expect(done.written).toEqual([FILE]);
    expect(resetPtr(root, '198.51.100.41').changes[0]?.kind).toBe('reset');
    expect(read(root)).toBe(BLOCK);
    const fraction = setPtr(root, '198.51.100.41', 'api.example.com', { ttl: 300.5 });
    expect(fraction.diagnostics).toEqual([expect.objectContaining({ code: 'schema.invalid', message: expect.stringMatching(/not a whole number/) })]);
    expect(read(root)).toBe(BLOCK);
  });
});
