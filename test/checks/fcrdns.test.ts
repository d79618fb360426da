import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFcrdns, fcrdnsTargetsOfBlocks, fcrdnsTargetsOfChanges } from '../../src/checks/fcrdns.js';
import { createDnsResolver } from '../../src/checks/resolver.js';
import { parsePrefix } from '../../src/core/ip.js';
import type { Block } from '../../src/core/model.js';
import type { RecordChange } from '../../src/core/changeset.js';
import { loadRepository } from '../../src/loader/repository.js';
import { bindOrSkip, type BindServer } from '../helpers/bind.js';
import { silentServer, startFixtureBind, tempRepo } from './fixtures.js';

const V4_BLOCK = `prefix: 192.0.2.0/24
owners: ["@noc"]
records:
  192.0.2.25: mail.example.test
  192.0.2.26: wrong.example.test
  192.0.2.27: missing.example.test
  192.0.2.28: txtonly.example.test
  192.0.2.30: multi.example.test
  192.0.2.31: host.broken.test
`;
const V6_BLOCK = `prefix: 2001:db8::/64
owners: ["@noc"]
records:
  2001:db8::25: alias2.example.test
  2001:db8:0:0::26: mail.example.test
  2001:db8::40: v6only.example.test
  2001:db8::41: multi.example.test
`;
const DEFAULT_BLOCK = `prefix: 192.0.2.0/30
owners: ["@noc"]
default: "gen-{dashed}.example.test"
records:
  192.0.2.3: mail.example.test
`;

const have = bindOrSkip();

describe.skipIf(!have)('checkFcrdns against BIND on loopback', () => {
  let server: BindServer;
  beforeAll(async () => {
    ({ server } = await startFixtureBind());
  });
  afterAll(async () => server?.stop());

  const run = async (files: Record<string, string>, strict = false) => {
    const repo = loadRepository(tempRepo(files));
    expect(repo.diagnostics).toEqual([]);
    const { targets } = fcrdnsTargetsOfBlocks(repo.blocks);
    const resolver = createDnsResolver({ servers: [server.address], timeoutMs: 1000, retries: 0 });
    return checkFcrdns(targets, resolver, { strict });
  };

  it('classifies every IPv4 record and places each failure at its line', async () => {
    const report = await run({ 'zones/v4.yaml': V4_BLOCK });
    expect(report.checked).toBe(6);
    expect(report.passed).toBe(2);
    expect(report.unreachable).toBe(false);
    const brief = report.diagnostics.map((d) => [d.code, d.severity, d.file, d.line, d.column, d.ip, d.value]);
    expect(brief).toEqual([
      ['fcrdns.mismatch', 'error', 'zones/v4.yaml', 5, 3, '192.0.2.26', 'wrong.example.test'],
      ['fcrdns.nxdomain', 'error', 'zones/v4.yaml', 6, 3, '192.0.2.27', 'missing.example.test'],
      ['fcrdns.nodata', 'error', 'zones/v4.yaml', 7, 3, '192.0.2.28', 'txtonly.example.test'],
      ['fcrdns.servfail', 'warning', 'zones/v4.yaml', 9, 3, '192.0.2.31', 'host.broken.test'],
    ]);
    // A mismatch lists where the name really points.
    expect(report.diagnostics[0]!.message).toContain('resolves to 192.0.2.100, 192.0.2.99, not to 192.0.2.26');
  });

  it('--strict turns unverifiable names into errors', async () => {
    const report = await run({ 'zones/v4.yaml': V4_BLOCK }, true);
    expect(report.diagnostics.find((d) => d.code === 'fcrdns.servfail')?.severity).toBe('error');
  });

  it('checks IPv6 records through AAAA, following CNAME chains, whatever the notation in the file', async () => {
    const report = await run({ 'zones/v6.yaml': V6_BLOCK });
    const byIp = new Map(report.results.map((r) => [r.target.ipText, r.status]));
    expect(Object.fromEntries(byIp)).toEqual({ '2001:db8::25': 'pass', '2001:db8::26': 'mismatch', '2001:db8::40': 'pass', '2001:db8::41': 'nodata' });
    expect(report.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['fcrdns.mismatch', 5],
      ['fcrdns.nodata', 7],
    ]);
  });

  it('checks generic names of `default` and reports them once per block and kind', async () => {
    const report = await run({ 'zones/gen.yaml': DEFAULT_BLOCK });
    // .0 and .1 resolve back, .2 points elsewhere, .3 has its own record (mail → .25: mismatch).
    expect(report.results.map((r) => [r.target.ipText, r.target.source, r.status])).toEqual([
      ['192.0.2.3', 'record', 'mismatch'],
      ['192.0.2.0', 'default', 'pass'],
      ['192.0.2.1', 'default', 'pass'],
      ['192.0.2.2', 'default', 'mismatch'],
    ]);
    const generic = report.diagnostics.filter((d) => d.line === 1);
    expect(generic).toHaveLength(1);
    expect(generic[0]).toMatchObject({ code: 'fcrdns.mismatch', severity: 'error', file: 'zones/gen.yaml', ip: '192.0.2.2', value: 'gen-192-0-2-2.example.test' });
    expect(generic[0]!.message).toMatch(/^1 of 3 generic names of 192\.0\.2\.0\/30: mismatch \(192\.0\.2\.2\); e\.g\. 192\.0\.2\.2 → gen-192-0-2-2\.example\.test, but/);
  });

  it('a server that refuses every query (authoritative-only, not a resolver) verified nothing: resolver.unreachable', async () => {
    const report = await run({ 'zones/a.yaml': 'prefix: 198.51.100.0/24\nowners: ["@noc"]\nrecords:\n  198.51.100.1: mail.example.org\n  198.51.100.2: www.example.org\n' });
    expect(report.unreachable).toBe(true);
    expect(report.diagnostics.map((d) => [d.code, d.severity])).toEqual([['resolver.unreachable', 'error']]);
    expect(report.diagnostics[0]!.message).toContain('refused every query');
    // One name it does serve is enough to make the run meaningful: the refused ones are warnings as before.
    const mixed = await run({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: ["@noc"]\nrecords:\n  192.0.2.25: mail.example.test\n  192.0.2.26: www.example.org\n' });
    expect(mixed.unreachable).toBe(false);
    expect(mixed.diagnostics.map((d) => [d.code, d.severity])).toEqual([['fcrdns.servfail', 'warning']]);
  });

  it('a target list from a change set checks only the new PTRs', async () => {
    const ip = (t: string) => ({ version: 4 as const, value: BigInt(t.split('.').reduce((a, o) => a * 256 + Number(o), 0)) });
    const changes: RecordChange[] = [
      { kind: 'added', ip: ip('192.0.2.25'), ipText: '192.0.2.25', zone: '2.0.192.in-addr.arpa.', file: 'zones/a.yaml', new: { ptr: 'mail.example.test.', source: 'record', file: 'zones/a.yaml', pos: { file: 'zones/a.yaml', line: 7, column: 3 } } },
      { kind: 'removed', ip: ip('192.0.2.26'), ipText: '192.0.2.26', zone: '2.0.192.in-addr.arpa.', file: 'zones/a.yaml', old: { ptr: 'x.example.test.', source: 'record', file: 'zones/a.yaml' } },
      { kind: 'changed', ip: ip('192.0.2.27'), ipText: '192.0.2.27', zone: '2.0.192.in-addr.arpa.', file: 'zones/a.yaml', new: { ptr: 'missing.example.test.', source: 'record', file: 'zones/a.yaml', pos: { file: 'zones/a.yaml', line: 9, column: 3 } } },
    ];
    const targets = fcrdnsTargetsOfChanges(changes);
    expect(targets.map((t) => t.ipText)).toEqual(['192.0.2.25', '192.0.2.27']);
    const report = await checkFcrdns(targets, createDnsResolver({ servers: [server.address], timeoutMs: 1000, retries: 0 }));
    expect(report.diagnostics.map((d) => [d.code, d.line])).toEqual([['fcrdns.nxdomain', 9]]);
  });
});

describe('checkFcrdns when no server answers', () => {
  it('reports one resolver.unreachable instead of a timeout per name, after a few questions', async () => {
    const silent = await silentServer();
    try {
      const repo = loadRepository(tempRepo({ 'zones/v4.yaml': V4_BLOCK, 'zones/gen.yaml': DEFAULT_BLOCK.replace('192.0.2.0/30', '192.0.3.0/24').replace('192.0.2.3', '192.0.3.3') }));
      const { targets } = fcrdnsTargetsOfBlocks(repo.blocks);
      expect(targets.length).toBe(262);
      const report = await checkFcrdns(targets, createDnsResolver({ servers: [silent.address], timeoutMs: 200, retries: 0 }));
      // It gave up after one round of concurrent questions (64 in flight, fail-fast after 16
      // silent ones) instead of asking about all 262 names.
      expect(silent.queries()).toBeLessThanOrEqual(64 + 16);
      expect(report.unreachable).toBe(true);
      expect(report.diagnostics).toHaveLength(1);
      expect(report.diagnostics[0]).toMatchObject({ code: 'resolver.unreachable', severity: 'error' });
      expect(report.diagnostics[0]!.message).toContain(silent.address);
    } finally {
      await silent.close();
    }
  });
});

describe('fcrdnsTargetsOfBlocks', () => {
  const block = (prefix: string, def?: string): Block => ({
    file: 'zones/b.yaml',
    prefix: (parsePrefix(prefix) as { ok: true; value: Block['prefix'] }).value,
    owners: [],
    default: def,
    zones: {},
    allocations: [],
    records: [],
    pos: { file: 'zones/b.yaml', line: 1, column: 9 },
  });

  it('checks every generic name of a /16 (65,536 addresses)', () => {
    const { targets, diagnostics } = fcrdnsTargetsOfBlocks([block('10.1.0.0/16', '{dashed}.example.test')]);
    expect(targets).toHaveLength(65_536);
    expect(diagnostics).toEqual([]);
    expect(targets[65_535]!.ptr).toBe('10-1-255-255.example.test.');
  });

  it('samples both ends of a larger block and says so', () => {
    const { targets, diagnostics } = fcrdnsTargetsOfBlocks([block('2001:db8:1::/48', 'h-{dashed}.example.test')]);
    expect(targets).toHaveLength(512);
    expect(targets[0]!.ipText).toBe('2001:db8:1::');
    expect(targets[511]!.ipText).toBe('2001:db8:1:ffff:ffff:ffff:ffff:ffff');
    expect(diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['fcrdns.defaults-sampled', 'warning', 1]]);
  });
});
