/**
 * Coverage of every routed IP (issue 20, item 9): routed prefixes from rdns.yaml or a
 * `--routed FILE` against the block files, in validate, audit and report.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindOrSkip, type BindServer } from '../helpers/bind.js';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';
import { formatPrefix, parsePrefix, type IpPrefix } from '../../src/core/ip.js';
import { parseRoutedList, routedCoverage, subtractPrefixes } from '../../src/checks/routed.js';
import { addressCount } from '../../src/core/text.js';
import { startFixtureBind, tempRepo } from './fixtures.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const P = (t: string): IpPrefix => {
  const p = parsePrefix(t);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};

describe('subtractPrefixes: routed space minus block files, as the fewest prefixes', () => {
  it.each([
    ['10.0.0.0/22', ['10.0.1.0/24'], ['10.0.0.0/24', '10.0.2.0/23']],
    ['10.0.0.0/22', ['10.0.0.0/22'], []],
    ['10.0.0.0/22', ['10.0.0.0/16'], []],
    ['10.0.0.0/22', ['192.0.2.0/24'], ['10.0.0.0/22']],
    ['10.0.0.0/24', ['10.0.0.0/25', '10.0.0.192/26'], ['10.0.0.128/26']],
    ['10.0.0.0/30', ['10.0.0.1/32'], ['10.0.0.0/32', '10.0.0.2/31']],
    ['2001:db8::/32', ['2001:db8:8000::/33'], ['2001:db8::/33']],
    ['2001:db8::/32', ['10.0.0.0/8'], ['2001:db8::/32']],
  ])('%s minus %j', (routed, blocks, expected) => {
    expect(subtractPrefixes(P(routed), blocks.map(P)).map(formatPrefix)).toEqual(expected);
  });

  it.each([
    [4, 1n, '1 address'],
    [4, 768n, '768 addresses'],
    [6, 1n << 64n, '1 /64'],
    [6, 3n << 64n, '3 /64s'],
    [6, 256n, '256 addresses'],
    [6, 1n << 80n, '65,536 /64s'],
    [6, 1n << 95n, '2^31 /64s'],
    [6, (1n << 80n) - 2n, '65,536 /64s less 2 addresses'],
    [6, 1n << 32n, '2^32 addresses'],
  ] as const)('addressCount(%i, %s) is %s', (v, n, text) => {
    expect(addressCount(v, n)).toBe(text);
  });
});

describe('routedCoverage', () => {
  const blocks = [
    { prefix: P('10.0.1.0/24'), file: 'zones/b.yaml', pos: { file: 'zones/b.yaml', line: 1, column: 9 } },
    { prefix: P('203.0.113.0/24'), file: 'zones/d.yaml', pos: { file: 'zones/d.yaml', line: 1, column: 9 } },
  ];
  it('reports each routed prefix with its gaps and each block outside routed space', () => {
    const routed = [
      { prefix: P('10.0.0.0/22'), pos: { file: 'rdns.yaml', line: 2, column: 5 } },
      { prefix: P('203.0.113.0/25'), pos: { file: 'rdns.yaml', line: 3, column: 5 } },
    ];
    const { report, diagnostics } = routedCoverage(routed, blocks);
    expect(report.routed).toEqual([
      { prefix: '10.0.0.0/22', addresses: '1024', covered: '256', missing: ['10.0.0.0/24', '10.0.2.0/23'], file: 'rdns.yaml', line: 2 },
      { prefix: '203.0.113.0/25', addresses: '128', covered: '128', missing: [], file: 'rdns.yaml', line: 3 },
    ]);
    expect(report.unrouted).toEqual([{ block: '203.0.113.0/24', file: 'zones/d.yaml', outside: ['203.0.113.128/25'] }]);
    expect(diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.code} ${d.message}`)).toEqual([
      'rdns.yaml:2 warning coverage.missing 10.0.0.0/22 is routed, but 768 addresses of it have no block file: 10.0.0.0/24, 10.0.2.0/23; those addresses have no PTR (create block files for them, e.g. with a default)',
      'zones/d.yaml:1 warning coverage.unrouted 203.0.113.0/24: 203.0.113.128/25 of the block is outside every routed prefix; its PTRs name space this network does not route (add the prefix to routed:, or remove the block)',
    ]);
  });

  it('without routed prefixes nothing is said', () => {
    expect(routedCoverage([], blocks)).toEqual({ report: { routed: [], unrouted: [] }, diagnostics: [] });
  });

  it('parses a router export: comments, blank lines, a bad line at its line and column', () => {
    const r = parseRoutedList('# from the border routers\n10.0.0.0/22\n\n  2001:db8::/32   # v6\n10.0.0.1/22\n', 'routed.txt');
    expect(r.prefixes.map((p) => [formatPrefix(p.prefix), p.pos?.line, p.pos?.column])).toEqual([
      ['10.0.0.0/22', 2, 1],
      ['2001:db8::/32', 4, 3],
    ]);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual(['5:1 config.invalid routed prefix: "10.0.0.1/22" has host bits set; the network is 10.0.0.0/22']);
  });
});

const FILES = {
  'rdns.yaml': '# what the border routers announce\nrouted:\n  - 192.0.2.0/23\n  - 2001:db8::/32\nzones:\n  max_zones_per_block: 65536\n',
  'zones/192.0.2.0_24.yaml': 'prefix: 192.0.2.0/24\nowners: ["@noc"]\ndefault: "{dashed}.example.net"\n',
  'zones/2001-db8-8000.yaml': 'prefix: 2001:db8:8000::/33\nowners: ["@noc"]\n',
  'zones/203.0.113.0_24.yaml': 'prefix: 203.0.113.0/24\nowners: ["@noc"]\ndefault: "{dashed}.example.net"\n',
};

describe('validate and report (the real process)', () => {
  it('validate reports routed space without a block file at its line in rdns.yaml, and blocks outside it', async () => {
    const root = writeRepo(FILES);
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        'rdns.yaml:3:5: warning coverage.missing 192.0.2.0/23 is routed, but 256 addresses of it have no block file: 192.0.3.0/24; those addresses have no PTR (create a block file for it, e.g. with a default)',
        'rdns.yaml:4:5: warning coverage.missing 2001:db8::/32 is routed, but 2^31 /64s of it have no block file: 2001:db8::/33; those addresses have no PTR (create a block file for it, e.g. with a default)',
        'zones/203.0.113.0_24.yaml:1:9: warning coverage.unrouted 203.0.113.0/24: the block is outside every routed prefix; its PTRs name space this network does not route (add the prefix to routed:, or remove the block)',
        'ok with warnings: 3 files, 0 records, 0 errors, 3 warnings',
        '',
      ].join('\n'),
    );
    // One file checked: what other files cover is unknown, so nothing is said about routed space.
    expect((await rdns(['validate', 'zones/192.0.2.0_24.yaml'], { cwd: root })).stdout).not.toContain('coverage.');
  });

  it('--routed FILE replaces routed: of rdns.yaml; a bad line is config.invalid with its place', async () => {
    const root = writeRepo(FILES);
    writeFileSync(join(root, 'announced.txt'), '203.0.113.0/24\n192.0.2.0/24\n');
    const r = await rdns(['validate', '--routed', 'announced.txt', '--format', 'json'], { cwd: root });
    const codes = (JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; value: string }[] }).diagnostics.map((d) => `${d.code} ${d.file} ${d.value}`);
    expect(codes).toEqual(['coverage.unrouted zones/2001-db8-8000.yaml 2001:db8:8000::/33']);
    writeFileSync(join(root, 'announced.txt'), '203.0.113.0/24\n192.0.2.0/33\n');
    const bad = await rdns(['validate', '--routed', 'announced.txt'], { cwd: root });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('announced.txt:2:1: error config.invalid routed prefix: "192.0.2.0/33": prefix length "33" must be a whole number from 0 to 32');
  });

  it('rdns report prints the gaps and puts them on the page', async () => {
    const root = writeRepo(FILES);
    const r = await rdns(['report'], { cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  routed: 0 of 2 routed prefixes fully in block files; without a block file: 192.0.3.0/24, 2001:db8::/33; outside routed space: 203.0.113.0/24\n');
    const html = readFileSync(join(root, 'reports/map/index.html'), 'utf8');
    expect(html).toContain('"missing":["192.0.3.0/24"]');
  });
});

const have = bindOrSkip();
const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

describe.skipIf(!have)('rdns audit: routed space (BIND on loopback)', () => {
  let server: BindServer;
  beforeAll(async () => {
    ({ server } = await startFixtureBind());
  });
  afterAll(async () => server?.stop());

  it('has a routed-space section in audit.md, rows in audit.json and coverage.missing', () => {
    const root = tempRepo({ 'rdns.yaml': 'routed:\n  - 192.0.2.0/23\n', 'zones/192.0.2.0_24.yaml': 'prefix: 192.0.2.0/24\nowners: ["@noc"]\nrecords:\n  192.0.2.25: mail.example.test\n' });
    const r = spawnSync(process.execPath, [CLI, '-C', root, 'audit', '--resolver', server.address, '--timeout', '1000'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true' } });
    expect(r.stdout).toContain('rdns.yaml:2:5: warning coverage.missing 192.0.2.0/23 is routed, but 256 addresses of it have no block file: 192.0.3.0/24');
    const md = readFileSync(join(root, 'reports/audit.md'), 'utf8');
    expect(md).toContain('| routed space | 0 of 1 routed prefix fully in block files; without a block file: 192.0.3.0/24 |');
    expect(md).toContain('## Routed space without a block file');
    expect(md).toContain('| 192.0.2.0/23 | 512 | 256 | 192.0.3.0/24 | rdns.yaml:2 |');
    const json = JSON.parse(readFileSync(join(root, 'reports/audit.json'), 'utf8'));
    expect(json.routed).toEqual({ routed: [{ prefix: '192.0.2.0/23', addresses: '512', covered: '256', missing: ['192.0.3.0/24'], file: 'rdns.yaml', line: 2 }], unrouted: [] });
  });
});
