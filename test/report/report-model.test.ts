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
