import { cpSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';
import { bindOrSkip, startBind, type BindServer } from '../helpers/bind.js';
import { loadRepository } from '../../src/loader/repository.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const SCHEMA = fileURLToPath(new URL('../../schema', import.meta.url));
const emptyRepo = (files: Record<string, string> = {}): string => {
  const root = writeRepo({ 'zones/.keep': '', ...files });
  cpSync(SCHEMA, join(root, 'schema'), { recursive: true });
  return root;
};
const read = (root: string, f: string): string => readFileSync(join(root, f), 'utf8');
const writeZone = (root: string, f: string, text: string): string => {
  writeFileSync(join(root, f), text);
  return root;
};

// The $GENERATE lines become pools (the second one with its offset and step); from an AXFR,
// which has no $GENERATE, the run of host-N names still becomes a pool, the four srv names stay records.
const EXPECTED_24 = (source: string, generate = true): string => `# yaml-language-server: $schema=../schema/block.schema.json
# Imported by rdns import from ${source} (zone 100.51.198.in-addr.arpa.).
prefix: 198.51.100.0/24
description: "Imported from 100.51.198.in-addr.arpa"
owners: ["@example-isp/noc"]
pools:
  - prefix: 198.51.100.0/24
    offset: 100
    count: 120
    default: "host-{${generate ? 'd' : 'host'}}.pool.example.net"
${generate ? '  - prefix: 198.51.100.40/29\n    step: 2\n    default: "srv-{d+10:x2}.example.net"\n' : ''}records:
  198.51.100.1: gw1.example.net
  198.51.100.2:
    ptr: gw2.example.net
    ttl: 300
  198.51.100.22: mail.example.com
  198.51.100.23:
    ptr: www.example.com
    ttl: 86400
${generate ? '' : '  198.51.100.40: srv-32.example.net\n  198.51.100.42: srv-34.example.net\n  198.51.100.44: srv-36.example.net\n  198.51.100.46: srv-38.example.net\n'}`;

describe('rdns import --zone-file (the real process)', () => {
  it('previews, refuses what no record or template carries (exit 1, nothing written), then creates a block file with pools with --skip-refused', async () => {
    const root = emptyRepo();
    const zone = fixture('db.198.51.100');
    const preview = await rdns(['import', '--zone-file', zone, '--owner', '@example-isp/noc'], { cwd: root });
    expect(preview.status).toBe(1);
    expect(preview.stdout).toContain('zones/198.51.100.0_24.yaml (new): 198.51.100.0/24 from 100.51.198.in-addr.arpa., 128 PTRs; 2 pools give 124 of them, 4 records');
    expect(preview.stdout).toContain('db.198.51.100:14:1: error hostname.reverse-target 198.51.100.3: "gw3.100.51.198.in-addr.arpa" is inside in-addr.arpa, the reverse tree: it names no host; a relative name in a zone file ("gw3", written without a trailing dot) gets the zone\'s origin appended: write the host\'s full name, such as gw3.example.net (with a trailing dot in a zone file); not imported');
    expect(preview.stdout).toContain('129 PTRs read: 128 imported (124 as template names, 4 as records), 1 refused\n');
    expect(existsSync(join(root, 'zones/198.51.100.0_24.yaml'))).toBe(false);
    const refused = await rdns(['import', '--zone-file', zone, '--owner', '@example-isp/noc', '--apply'], { cwd: root });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('nothing written: 1 PTR was refused; fix it, or run with --skip-refused to import the rest without it');
    expect(existsSync(join(root, 'zones/198.51.100.0_24.yaml'))).toBe(false);
    const applied = await rdns(['import', '--zone-file', zone, '--owner', '@example-isp/noc', '--apply', '--skip-refused'], { cwd: root });
    expect(applied.stdout).toMatch(/warning hostname\.reverse-target 198\.51\.100\.3: .*\(--skip-refused\)/);
    expect(applied.status).toBe(0);
    expect(read(root, 'zones/198.51.100.0_24.yaml')).toBe(EXPECTED_24(`zone file ${zone}`));
    expect(loadRepository(root).diagnostics).toEqual([]);
  });

  it('imports an RFC 2317 child into a classless block; the upstream /24 is not created over it', async () => {
    const root = emptyRepo();
    const r = await rdns(['import', '--zone-file', fixture('classless/db.113.0.203'), '--zone-file', fixture('classless/db.0-25.113.0.203'), '--apply', '--format', 'json'], { cwd: root });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.newFiles).toEqual([{ file: 'zones/203.0.113.0_25.yaml', prefix: '203.0.113.0/25', zone: '0-25.113.0.203.in-addr.arpa.', records: 3, default: null, defaultCovers: 0, pools: [] }]);
    expect(out.diagnostics).toEqual([expect.objectContaining({ code: 'import.no-block', ip: '203.0.113.200', message: expect.stringContaining('overlaps zones/203.0.113.0_25.yaml') })]);
    expect(read(root, 'zones/203.0.113.0_25.yaml')).toContain('prefix: 203.0.113.0/25\ndescription: "Imported from 0-25.113.0.203.in-addr.arpa"\nclassless: true\nttl: 600\nrecords:\n  203.0.113.5: api.example.org\n  203.0.113.6: shop.example.org\n  203.0.113.10: vps10.customers.example.net\n');
    expect(loadRepository(root).diagnostics).toEqual([]);
  });

  it('merges into an existing block: adds (with TTLs that differ from the block\'s), reports conflicts, keeps the file unless --overwrite', async () => {
    const block = `prefix: 198.51.100.0/24
default: "{dashed}.static.example.net"   # ours
records:
  198.51.100.1: gw1.example.net
  198.51.100.22: mx.example.com   # moved in NOC-1
`;
    const root = emptyRepo({ 'zones/b.yaml': block });
    const r = await rdns(['import', '--zone-file', fixture('db.198.51.100'), '--format', 'json', '--skip-refused'], { cwd: root });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics.filter((d: { code: string }) => d.code === 'import.conflict').map((d: { line: number; message: string }) => [d.line, d.message])).toEqual([
      [5, '198.51.100.22: the zone says mail.example.com, the block file says mx.example.com; kept (use --overwrite to take the zone\'s)'],
    ]);
    // The zone's generic runs become pools of the block (they win over its default there); the rest are records.
    expect(out.changes.map((c: { kind: string; ip: string }) => `${c.kind} ${c.ip}`)).toEqual(['added 198.51.100.2', 'added 198.51.100.23']);
    expect(out.summary).toMatchObject({ conflicts: 1, unchanged: 1, newFiles: 0, refused: 1 });
    expect(read(root, 'zones/b.yaml')).toBe(block);
    const o = await rdns(['import', '--zone-file', fixture('db.198.51.100'), '--overwrite', '--apply', '--skip-refused'], { cwd: root });
    expect(o.status).toBe(0);
    expect(read(root, 'zones/b.yaml')).toBe(`prefix: 198.51.100.0/24
default: "{dashed}.static.example.net"   # ours
pools:
  - prefix: 198.51.100.0/24
    offset: 100
    count: 120
    default: "host-{d}.pool.example.net"
  - prefix: 198.51.100.40/29
    step: 2
    default: "srv-{d+10:x2}.example.net"
records:
  198.51.100.1: gw1.example.net
  198.51.100.2:
    ptr: gw2.example.net
    ttl: 300
  198.51.100.22: mail.example.com   # moved in NOC-1
  198.51.100.23:
    ptr: www.example.com
    ttl: 86400
`);
    expect(loadRepository(root).diagnostics).toEqual([]);
  });

  it('imports TTLs outside policy.ttl with the nearest allowed one, so the written files validate', async () => {
    const zone = '$TTL 30\n@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 1209600 300\n1 PTR one.example.net.\n2 PTR two.example.net.\n3 10 PTR three.example.net.\n';
    const root = emptyRepo({ 'in/100.51.198.in-addr.arpa.zone': zone, 'zones/203.0.113.0_24.yaml': 'prefix: 203.0.113.0/24\nrecords:\n  203.0.113.5: five.example.net\n' });
    const r = await rdns(['import', '--zone-file', 'in/100.51.198.in-addr.arpa.zone', '--apply'], { cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('in/100.51.198.in-addr.arpa.zone:3:1: warning import.ttl 2 PTRs have TTL 30 (e.g. 198.51.100.1), outside policy.ttl 60–86400 in rdns.yaml; imported with TTL 60\n');
    expect(read(root, 'zones/198.51.100.0_24.yaml')).toContain('ttl: 60\nrecords:\n  198.51.100.1: one.example.net\n  198.51.100.2: two.example.net\n  198.51.100.3: three.example.net\n');
    // Into an existing block: the PTR is imported (not refused for its TTL).
    const into = await rdns(['import', '--zone-file', 'in/113.0.203.in-addr.arpa.zone', '--apply'], { cwd: writeZone(root, 'in/113.0.203.in-addr.arpa.zone', zone.replace('$TTL 30', '$TTL 100000')) });
    expect(into.status).toBe(0);
    expect(read(root, 'zones/203.0.113.0_24.yaml')).toContain('  203.0.113.1:\n    ptr: one.example.net\n    ttl: 86400\n');
    expect(loadRepository(root).diagnostics).toEqual([]);
  });

  it('proposes a host-only template for one block only: the second zone named the same way keeps records, and both files validate', async () => {
    const zone = (n: number): string => `$ORIGIN ${n}.51.198.in-addr.arpa.\n$TTL 3600\n@ IN SOA ns1.example.net. h.example.net. 1 3600 600 1209600 300\n$GENERATE 1-20 $ PTR h-$.example.net.\n`;
    const root = emptyRepo({ 'in/db.100': zone(100), 'in/db.101': zone(101) });
    const r = await rdns(['import', '--zone-file', 'in/db.100', '--zone-file', 'in/db.101', '--apply'], { cwd: root });
    expect(r.status).toBe(0);
    expect(read(root, 'zones/198.51.100.0_24.yaml')).toContain('pools:\n  - prefix: 198.51.100.0/27\n    offset: 1\n    count: 20\n    default: "h-{d}.example.net"\n');
    expect(read(root, 'zones/198.51.101.0_24.yaml')).not.toContain('pools:');
    expect(read(root, 'zones/198.51.101.0_24.yaml')).toContain('records:\n  198.51.101.1: h-1.example.net\n');
    expect(loadRepository(root).diagnostics).toEqual([]);
  });

  it('refuses an apex PTR (RFC 1101 network name) of a zone without $ORIGIN with its line, and counts it', async () => {
    const zone = '$TTL 3600\n@ IN SOA ns1.example.net. h.example.net. 1 3600 600 1209600 300\n@ IN NS ns1.example.net.\n@ IN PTR net-198-51-100.example.net.\n1 PTR gw.example.net.\n';
    const root = emptyRepo({ 'in/100.51.198.in-addr.arpa.zone': zone });
    const r = await rdns(['import', '--zone-file', 'in/100.51.198.in-addr.arpa.zone', '--apply', '--format', 'json'], { cwd: root });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'import.refused', file: 'in/100.51.198.in-addr.arpa.zone', line: 4, column: 1, message: expect.stringContaining('names the network (RFC 1101)') }),
    ]);
    expect(out.summary).toMatchObject({ ptrs: 2, imported: 1, asTemplate: 0, refused: 1 });
    expect(out.written).toEqual([]);
    const skip = await rdns(['import', '--zone-file', 'in/100.51.198.in-addr.arpa.zone', '--apply', '--skip-refused'], { cwd: root });
    expect(skip.status).toBe(0);
    expect(read(root, 'zones/198.51.100.0_24.yaml')).toContain('records:\n  198.51.100.1: gw.example.net\n');
  });

  it('usage errors exit 2', async () => {
    const root = emptyRepo();
    expect((await rdns(['import'], { cwd: root })).status).toBe(2);
    expect((await rdns(['import', '--zone-file', join(root, 'nope.zone')], { cwd: root })).status).toBe(2);
    expect((await rdns(['import', '--axfr', '127.0.0.1:1'], { cwd: root })).status).toBe(2);
    // An owner handle that would make the new block file fail validate.
    const badOwner = await rdns(['import', '--zone-file', fixture('db.198.51.100'), '--owner', 'noc', '--apply'], { cwd: root });
    expect(badOwner.status).toBe(2);
    expect(badOwner.stderr).toContain('--owner "noc" is not a GitHub @user or @org/team');
    expect(existsSync(join(root, 'zones/198.51.100.0_24.yaml'))).toBe(false);
  });
});

describe.runIf(bindOrSkip())('rdns import --axfr from a real BIND on loopback', () => {
  let bind: BindServer;
  beforeAll(async () => {
    bind = await startBind([
      { name: '100.51.198.in-addr.arpa', text: readFileSync(fixture('db.198.51.100'), 'utf8') },
      { name: '0-25.113.0.203.in-addr.arpa', text: readFileSync(fixture('classless/db.0-25.113.0.203'), 'utf8').replace(/\$INCLUDE servers\.inc.*\n/g, '') + '5 PTR api.example.org.\n' },
    ]);
  });
  afterAll(async () => bind?.stop());

  it('transfers the zone and writes the same block as the zone file import', async () => {
    const root = emptyRepo();
    const r = await rdns(['import', '--axfr', bind.address, '100.51.198.in-addr.arpa', '--owner', '@example-isp/noc', '--apply', '--skip-refused'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(read(root, 'zones/198.51.100.0_24.yaml')).toBe(EXPECTED_24(`AXFR of 100.51.198.in-addr.arpa from ${bind.address}`, false));
  });

  it('transfers a classless zone', async () => {
    const root = emptyRepo();
    const r = await rdns(['import', '--axfr', bind.address, '0-25.113.0.203.in-addr.arpa', '--apply', '--format', 'json'], { cwd: root });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).newFiles[0]).toMatchObject({ file: 'zones/203.0.113.0_25.yaml', records: 2 });
  });

  it('a zone the server does not serve is an environment error (exit 2)', async () => {
    const root = emptyRepo();
    const r = await rdns(['import', '--axfr', bind.address, '9.9.9.in-addr.arpa', '--timeout', '5'], { cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/AXFR of 9\.9\.9\.in-addr\.arpa from 127\.0\.0\.1:\d+: (NOTAUTH|REFUSED)/);
  });
});
