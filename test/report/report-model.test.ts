import { describe, expect, it } from 'vitest';
import { addressStateOf } from '../../src/report/address-state.js';
import { parseFindings } from '../../src/report/findings.js';
import type { ZoneRecord } from '../../src/render/zone-records.js';

const rec = (source: ZoneRecord['source'], type: ZoneRecord['type'] = 'PTR'): ZoneRecord => ({ name: 'x.', type, ttl: 60, value: 'h.example.', source, at: { version: 4, value: 1n }, ip: '0.0.0.1' });

describe('addressStateOf: one state per address from the render model and findings', () => {
  it.each([
    ['own record', rec('record'), undefined, undefined, 'record'],
    ['generic name', rec('default'), undefined, undefined, 'default'],
    ['no PTR', undefined, undefined, undefined, 'none'],
    ['RFC 2317 CNAME in the parent', rec('delegation', 'CNAME'), undefined, undefined, 'delegated'],
    ['inside a delegated child zone', rec('record'), { delegatedTo: ['ns1.example.'] }, undefined, 'delegated'],
    ['FCrDNS failure wins the colour', rec('record'), undefined, [{ kind: 'fcrdns', code: 'fcrdns.mismatch', message: '' }], 'fcrdns'],
    ['drift wins over FCrDNS', rec('default'), undefined, [{ kind: 'fcrdns', code: 'fcrdns.nxdomain', message: '' }, { kind: 'drift', code: 'drift.changed', message: '' }], 'drift'],
  ] as const)('%s', (_name, record, zone, findings, state) => {
    expect(addressStateOf(record, zone, findings)).toBe(state);
  });
});

describe('parseFindings: audit.json or check JSON', () => {
  it('reads FCrDNS failures and drift (not unverifiable) by canonical address', () => {
    const r = parseFindings(JSON.stringify({ generatedAt: 'T', fcrdnsFailures: [{ ip: '2001:DB8:0::1', ptr: 'a.', status: 'nxdomain', addresses: [] }], drift: [{ kind: 'unverifiable', ip: '192.0.2.1' }, { kind: 'changed', ip: '192.0.2.2', git: 'a.', live: ['b.'] }] }));
    expect(r.ok && [...r.value.byIp.keys()]).toEqual(['2001:db8::1', '192.0.2.2']);
    expect(r.ok && r.value.byIp.get('192.0.2.2')).toEqual([{ kind: 'drift', code: 'drift.changed', message: 'DNS serves b., git has a.' }]);
  });

  it('reads the diagnostics of rdns check --format json', () => {
    const r = parseFindings(JSON.stringify({ diagnostics: [{ code: 'fcrdns.mismatch', ip: '192.0.2.25', message: 'm' }, { code: 'fcrdns.timeout', ip: '192.0.2.26', message: 't' }] }));
    expect(r.ok && [...r.value.byIp.entries()]).toEqual([['192.0.2.25', [{ kind: 'fcrdns', code: 'fcrdns.mismatch', message: 'm' }]]]);
  });

  it('explains what it cannot read', () => {
    expect(parseFindings('{')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    expect(parseFindings('[]')).toMatchObject({ ok: false });
    expect(parseFindings('{"x":1}')).toEqual({ ok: false, reason: 'neither an audit report (fcrdnsFailures, drift) nor a findings report (diagnostics)' });
  });
});

describe('buildReportData: coverage of blocks too large to draw every /24', () => {
  it('draws the /24s with records or allocations and counts the rest by the default', async () => {
    const { mkdirSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadRepository } = await import('../../src/loader/repository.js');
    const { buildReportData } = await import('../../src/report/report-model.js');
    const root = mkdtempSync(join(tmpdir(), 'rdns-model-'));
    mkdirSync(join(root, 'zones'));
    writeFileSync(join(root, 'rdns.yaml'), 'zones:\n  max_records: 70000\n');
    writeFileSync(join(root, 'zones', 'a.yaml'), 'prefix: 10.0.0.0/15\ndefault: "{dashed}.example.net"\nallocations:\n  - prefix: 10.1.0.0/24\n    owners: ["@x"]\nrecords:\n  10.0.5.1: a.example.com\n  10.1.200.1: c.example.com\n');
    const data = buildReportData({ repo: loadRepository(root) });
    const b = data.blocks[0]!;
    expect(b.grids.map((g) => g.prefix)).toEqual(['10.0.5.0/24', '10.1.0.0/24', '10.1.200.0/24']);
    expect(b.gridsOmitted).toBe(509);
    expect(b.counts).toMatchObject({ record: '2', default: '131070', none: '0' });
    expect(b.grids[1]!.owners).toEqual([[0, data.owners.findIndex((o) => o.join() === '@x')]]);
    expect(b.grids[0]!.states.slice(0, 3)).toBe('DRD');
    expect(b.grids[0]!.ptrs[1]).toBe('a.example.com');
  });
});
