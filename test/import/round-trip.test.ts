/**
 * Round trip through real BIND: every fixture zone is imported into an empty repository,
 * exported again with `rdns export --format zone`, and both sides are loaded by
 * `named-checkzone -D` (BIND's own parser, $GENERATE and $INCLUDE included). The PTR of
 * every address must be the same on both sides, except the PTRs import refuses or leaves
 * to another block, which are named here one by one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';
import { formatIp } from '../../src/core/ip.js';
import { ipOfOwner } from '../../src/import/reverse-ptrs.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => spawnSync(p, ['-v']).status === 0);
if (!CHECKZONE) {
  const msg = 'named-checkzone (bind9-utils) is not installed: the import round-trip tests are SKIPPED. Install it with: apt-get install -y bind9-utils';
  if (process.env.CI) throw new Error(msg);
  console.warn(`\n${'!'.repeat(78)}\n${msg}\n${'!'.repeat(78)}\n`);
}

/** BIND's canonical dump of a zone: [owner, type, rdata] per record. */
function loadWithBind(zone: string, file: string): [string, string, string][] {
  const r = spawnSync(CHECKZONE!, ['-D', '-o', '-', '-i', 'none', zone, file], { cwd: dirname(file), encoding: 'utf8', timeout: 20_000 });
  expect(r.status, `${file}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && f[2] === 'IN')
    .map((f) => [f[0]!.toLowerCase(), f[3]!, f.slice(4).join(' ').toLowerCase()]);
}

/** Address → PTR target of the loaded zones; CNAMEs into a loaded classless child are followed (RFC 2317). */
function ptrsOf(zones: readonly [string, string][]): Map<string, string> {
  const records = zones.flatMap(([zone, file]) => loadWithBind(zone, file));
  const ptrByName = new Map(records.filter((r) => r[1] === 'PTR').map((r) => [r[0], r[2]]));
  const out = new Map<string, string>();
  for (const [name, ptr] of ptrByName) {
    const ip = ipOfOwner(name);
    if (ip) out.set(formatIp(ip), ptr);
    else out.set(`name:${name}`, ptr);
  }
  for (const [name, type, target] of records) {
    const ip = type === 'CNAME' ? ipOfOwner(name) : undefined;
    const ptr = ptrByName.get(target);
    if (ip && ptr) out.set(formatIp(ip), ptr);
  }
  return out;
}

interface Case {
  readonly name: string;
  /** Zone file and its zone (for named-checkzone). */
  readonly zones: readonly [string, string][];
  /** PTRs the import does not carry, and why (asserted exactly). */
  readonly lost?: Readonly<Record<string, string>>;
  readonly skipRefused?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'a /24 with $GENERATE (offset, step, hex), $ORIGIN switches and a relative name completed by the origin',
    zones: [['db.198.51.100', '100.51.198.in-addr.arpa']],
    lost: { '198.51.100.3': 'hostname.reverse-target' },
    skipRefused: true,
  },
  {
    name: 'RFC 2317: the parent /24 with CNAMEs and the classless child with $INCLUDE (twice)',
    zones: [
      ['classless/db.113.0.203', '113.0.203.in-addr.arpa'],
      ['classless/db.0-25.113.0.203', '0-25.113.0.203.in-addr.arpa'],
    ],
    // The upstream's own PTR in the parent /24: no block of ours holds it.
    lost: { '203.0.113.200': 'import.no-block' },
  },
  { name: 'IPv6 /48 with $GENERATE nibble owners, no $ORIGIN', zones: [['0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.zone', '0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa']] },
  { name: 'pools: a static range by hand ($INCLUDE), two $GENERATE pools with offsets and steps', zones: [['pools/db.192.0.2', '2.0.192.in-addr.arpa']] },
  {
    name: 'pools: an RFC 2317 child without $ORIGIN filled by $GENERATE with an offset, and its parent',
    zones: [
      ['pools/64-26.113.0.203.in-addr.arpa.zone', '64-26.113.0.203.in-addr.arpa'],
      ['pools/db.113.0.203-parent', '113.0.203.in-addr.arpa'],
    ],
  },
  { name: 'pools: IPv6 /120 pool by $GENERATE with ${0,3,n} owners', zones: [['pools/1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone', '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa']] },
];

const totals = { fixtures: 0, recovered: 0 };
afterAll(() => console.log(`import round trip: ${totals.recovered} of ${totals.fixtures} PTRs in the fixtures recovered`));

describe.skipIf(!CHECKZONE)('import → export --format zone: the same PTRs, as BIND loads them', () => {
  it.each(CASES)('$name', async (c) => {
    const zones = c.zones.map(([f, z]): [string, string] => [z, fixture(f)]);
    const original = ptrsOf(zones);
    const root = writeRepo({ 'zones/.keep': '' });
    const imported = await rdns(['import', ...c.zones.flatMap(([f]) => ['--zone-file', fixture(f)]), '--apply', '--format', 'json', ...(c.skipRefused ? ['--skip-refused'] : [])], { cwd: root });
    expect(imported.status, imported.stdout + imported.stderr).toBe(0);
    const report = JSON.parse(imported.stdout) as { diagnostics: { code: string; ip?: string }[]; summary: { refused: number } };
    const lost = Object.fromEntries(report.diagnostics.filter((d) => ['import.refused', 'import.no-block', 'import.skipped', 'hostname.reverse-target'].includes(d.code) && d.ip).map((d) => [d.ip!, d.code]));
    expect(lost).toEqual(c.lost ?? {});
    expect((await rdns(['validate'], { cwd: root })).status).toBe(0);

    const out = mkdtempSync(join(tmpdir(), 'rdns-roundtrip-'));
    const exported = await rdns(['export', '--format', 'zone', '--ns', 'ns1.example.net', '--out-dir', out], { cwd: root });
    expect(exported.status, exported.stdout + exported.stderr).toBe(0);
    const back = ptrsOf(readdirSync(out).map((f): [string, string] => [f.replace(/\.zone$/, ''), join(out, f)]));

    const expected = new Map([...original].filter(([ip]) => !(ip in (c.lost ?? {}))));
    expect(Object.fromEntries([...back].sort())).toEqual(Object.fromEntries([...expected].sort()));
    totals.fixtures += original.size;
    totals.recovered += back.size;
  });
});
