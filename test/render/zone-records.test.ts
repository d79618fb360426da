import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { loadRepository } from '../../src/loader/repository.js';
import { parsePrefix, type IpPrefix } from '../../src/core/ip.js';
import { effectiveRecords, stackNameOf, zoneContents, type ZoneContents } from '../../src/render/zone-records.js';
import { FIXTURE, writeRepo } from './fixture.js';

const prefix = (t: string): IpPrefix => {
  const p = parsePrefix(t);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};

function load(files: Record<string, string> = FIXTURE) {
  const root = writeRepo(files);
  try {
    const repo = loadRepository(root);
    return { repo, model: zoneContents(repo) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const zone = (zones: readonly ZoneContents[], name: string): ZoneContents => {
  const z = zones.find((x) => x.zone === name);
  if (!z) throw new Error(`no zone ${name}; have ${zones.map((x) => x.zone).join(', ')}`);
  return z;
};

describe('stackNameOf', () => {
  it.each([
    ['198.51.100.0/24', 'rdns-198-51-100-0-24'],
    ['203.0.113.0/25', 'rdns-203-0-113-0-25'],
    ['10.0.0.0/8', 'rdns-10-0-0-0-8'],
    ['2001:db8:100::/48', 'rdns-2001-db8-100-48'],
    ['2001:db8::/32', 'rdns-2001-db8-32'],
    ['2001:db8:0:1::/64', 'rdns-2001-db8-0-1-64'],
    ['2001:db8::100:0/112', 'rdns-2001-db8--100-0-112'],
  ])('%s → %s', (p, name) => {
    expect(stackNameOf(prefix(p))).toBe(name);
  });
});

describe('zoneContents on the fixture repository', () => {
  const { repo, model } = load();
  const zones = effectiveRecords(repo);

  it('validates cleanly and renders without diagnostics', () => {
    expect(repo.diagnostics).toEqual([]);
    expect(model.diagnostics).toEqual([]);
    expect(model.blocks.map((b) => b.stack)).toEqual(['rdns-192-0-2-0-24', 'rdns-198-51-100-0-24', 'rdns-203-0-113-0-25', 'rdns-2001-db8-100-48']);
  });

  it('gives every address of a default block a PTR: its record, else the generic name', () => {
    const z = zone(zones, '100.51.198.in-addr.arpa.');
    const ptrs = z.records.filter((r) => r.type === 'PTR');
    // 256 addresses minus the delegated /27 (served by the customer).
    expect(ptrs).toHaveLength(224);
    expect(ptrs.find((r) => r.ip === '198.51.100.22')).toMatchObject({ value: 'mail.example.com.', source: 'record', ttl: 7200, name: '22.100.51.198.in-addr.arpa.' });
    expect(ptrs.find((r) => r.ip === '198.51.100.23')).toMatchObject({ value: '198-51-100-23.static.example.net.', source: 'default' });
    expect(ptrs.find((r) => r.ip === '198.51.100.0')?.value).toBe('198-51-100-0.static.example.net.');
    expect(ptrs.find((r) => r.ip === '198.51.100.255')?.value).toBe('198-51-100-255.static.example.net.');
  });

  it('sorts the records of a zone by address', () => {
    const z = zone(zones, '100.51.198.in-addr.arpa.');
    const last = z.records.map((r) => Number(r.at.value));
    expect(last).toEqual([...last].sort((a, b) => a - b));
  });

  it('delegates an allocation with delegate_to by RFC 2317: NS for the child, one CNAME per address', () => {
    const parent = zone(zones, '100.51.198.in-addr.arpa.');
    const ns = parent.records.filter((r) => r.type === 'NS');
    expect(ns.map((r) => [r.name, r.value])).toEqual([
      ['64-27.100.51.198.in-addr.arpa.', 'ns1.globex.example.'],
      ['64-27.100.51.198.in-addr.arpa.', 'ns2.globex.example.'],
    ]);
    const cnames = parent.records.filter((r) => r.type === 'CNAME');
    expect(cnames).toHaveLength(32);
    expect(cnames[6]).toMatchObject({ name: '70.100.51.198.in-addr.arpa.', value: '70.64-27.100.51.198.in-addr.arpa.', ip: '198.51.100.70' });
    const child = zone(zones, '64-27.100.51.198.in-addr.arpa.');
    expect(child.delegatedTo).toEqual(['ns1.globex.example.', 'ns2.globex.example.']);
    expect(child.records).toHaveLength(32);
    expect(child.records.find((r) => r.ip === '198.51.100.70')).toMatchObject({ name: '70.64-27.100.51.198.in-addr.arpa.', value: '198-51-100-70.static.example.net.', source: 'default' });
    expect(child.records.find((r) => r.ip === '198.51.100.71')).toMatchObject({ value: '198-51-100-71.static.example.net.', source: 'default' });
  });

  it('gives a block whose /24 is not owned its own classless zone with owner names inside it', () => {
    const z = zone(zones, '0-25.113.0.203.in-addr.arpa.');
    expect(z.classless).toBe(true);
    expect(z.parent).toBe('113.0.203.in-addr.arpa.');
    expect(z.records).toHaveLength(128);
    expect(z.records[5]).toMatchObject({ name: '5.0-25.113.0.203.in-addr.arpa.', value: 'api.example.org.', source: 'record' });
    expect(z.records[127]).toMatchObject({ name: '127.0-25.113.0.203.in-addr.arpa.', value: 'vps-127.customers.example.net.', source: 'default' });
  });

  it('renders IPv6 nibble names, merges notations, and takes zone options from rdns.yaml and the block', () => {
    const v6 = zone(zones, '0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.');
    expect(v6.mode).toBe('per-record');
    expect(v6.records.map((r) => [r.ip, r.name])).toEqual([
      ['2001:db8:100::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
      ['2001:db8:100:20::25', '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
    ]);
    expect(zone(zones, '2.0.192.in-addr.arpa.').zoneId).toBe('Z0123456789ABCDEFGHIJ');
    expect(zone(zones, '2.0.192.in-addr.arpa.').records[1]).toMatchObject({ ip: '192.0.2.25', ttl: 300 });
  });

  it('publishes forward A records for generic names outside the delegated allocation', () => {
    const b = model.blocks.find((x) => x.stack === 'rdns-198-51-100-0-24')!;
    expect(b.forward?.zone).toBe('static.example.net.');
    expect(b.forward?.records).toHaveLength(223);
    expect(b.forward?.records[0]).toEqual({ name: '198-51-100-0.static.example.net.', type: 'A', ttl: 7200, value: '198.51.100.0', reverseZone: '100.51.198.in-addr.arpa.' });
    expect(b.forward?.records.some((r) => r.value === '198.51.100.70' || r.value === '198.51.100.22')).toBe(false);
  });
});

describe('zoneContents diagnostics', () => {
  it('reports a zone over zones.max_records (PTR, NS and CNAME counted)', () => {
    const { model } = load({
      'rdns.yaml': 'zones:\n  max_records: 128\n',
      'zones/a.yaml': 'prefix: 198.51.100.0/25\nclassless: false\nowners: []\ndefault: "{dashed}.example.net"\nallocations:\n  - prefix: 198.51.100.96/30\n    delegate_to: [ns1.cust.example]\n',
    });
    expect(model.diagnostics.map((d) => [d.code, d.file])).toEqual([['zone.too-large', 'zones/a.yaml']]);
    expect(model.diagnostics[0]!.message).toContain('129 records');
  });

  it('refuses delegations DNS cannot express, at the allocation line', () => {
    const { model } = load({
      'zones/a.yaml': 'prefix: 2001:db8::/48\nowners: []\nallocations:\n  - prefix: 2001:db8:0:10::/62\n    delegate_to: [ns1.cust.example]\n',
    });
    expect(model.diagnostics).toHaveLength(1);
    expect(model.diagnostics[0]).toMatchObject({ code: 'render.delegation', file: 'zones/a.yaml', line: 4 });
  });

  it('refuses forward records whose names are outside the forward zone', () => {
    const { model } = load({
      'zones/a.yaml': 'prefix: 198.51.100.0/28\nclassless: true\nowners: []\ndefault: "{dashed}.static.example.net"\nforward:\n  zone: other.example.org\n',
    });
    expect(model.diagnostics.map((d) => d.code)).toEqual(['render.forward-zone']);
  });

  it('refuses zone options for the zone the repository did not give the block (a zone_id that would silently not be adopted)', () => {
    // The /24 is not the repository's: the block gets its own RFC 2317 zone, not the parent named here.
    const { repo, model } = load({
      'zones/a.yaml': 'prefix: 203.0.113.0/25\nowners: []\nzones:\n  113.0.203.in-addr.arpa: {zone_id: Z0123456789ABC}\nrecords:\n  203.0.113.5: api.example.org\n',
    });
    expect(repo.diagnostics).toEqual([]);
    expect(model.diagnostics.map((d) => [d.code, d.file, d.value])).toEqual([['render.unknown-zone', 'zones/a.yaml', '113.0.203.in-addr.arpa.']]);
    expect(model.diagnostics[0]!.message).toContain('0-25.113.0.203.in-addr.arpa.');
    // A name that is no zone of the block at all is validation's (zone.unknown), reported once.
    const typo = load({ 'zones/a.yaml': 'prefix: 203.0.113.0/25\nowners: []\nzones:\n  0/25.113.0.203.in-addr.arpa: {zone_id: Z0123456789ABC}\n' });
    expect([...typo.repo.diagnostics, ...typo.model.diagnostics].map((d) => d.code)).toEqual(['zone.unknown']);
  });

  it('keeps a large zone in the mode it was given: every record set is its own change request, so no Route53 batch limit applies', () => {
    const records = (n: number): string => Array.from({ length: n }, (_, i) => `  2001:db8::${(i + 1).toString(16)}: h${i}.example.net`).join('\n');
    const { model } = load({ 'zones/a.yaml': `prefix: 2001:db8::/48\nowners: []\nrecords:\n${records(1001)}\n` });
    expect(model.diagnostics).toEqual([]);
    expect(model.blocks[0]!.zones[0]!.mode).toBe('exclusive');
    const shared = load({ 'zones/a.yaml': `prefix: 2001:db8::/48\nowners: []\nzones:\n  0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa: {mode: per-record}\nrecords:\n${records(3)}\n` });
    expect(shared.model.blocks[0]!.zones[0]!.mode).toBe('per-record');
  });

  it('limits the result to the given block files', () => {
    const root = writeRepo();
    try {
      const repo = loadRepository(root);
      const only = zoneContents(repo, new Set(['zones/203.0.113.0_25.yaml']));
      expect(only.blocks.map((b) => b.file)).toEqual(['zones/203.0.113.0_25.yaml']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('zoneContents on a repository that did not validate', () => {
  it('does not enumerate a huge default block: explicit records only, and a diagnostic', () => {
    const { repo, model } = load({ 'zones/a.yaml': 'prefix: 2001:db8::/48\nowners: []\ndefault: "{dashed}.v6.example.net"\nrecords:\n  2001:db8::1: a.example.net\n' });
    expect(repo.diagnostics.map((d) => d.code)).toContain('zone.too-large');
    expect(model.diagnostics.map((d) => d.code)).toEqual(['zone.too-large']);
    expect(model.blocks[0]!.zones[0]!.records.map((r) => r.value)).toEqual(['a.example.net.']);
  });
});

describe('a reverse zone shared by several block files', () => {
  // Two /25s that tile 203.0.113.0/24: the repository owns the /24, so both share its zone.
  const SHARED = {
    'zones/a.yaml': 'prefix: 203.0.113.0/25\nowners: []\nrecords:\n  203.0.113.5: api.example.org\n',
    'zones/b.yaml': 'prefix: 203.0.113.128/25\nowners: []\nzones:\n  113.0.203.in-addr.arpa: {mode: per-record}\nrecords:\n  203.0.113.130: web.example.org\n  203.0.113.129: www.example.org\n',
  };

  it('is one zone with the records of every block, held by the stack of the first block', () => {
    const { repo, model } = load(SHARED);
    expect(repo.diagnostics).toEqual([]);
    const zones = effectiveRecords(repo);
    expect(zones.map((z) => z.zone)).toEqual(['113.0.203.in-addr.arpa.']);
    expect(zones[0]!.records.map((r) => [r.ip, r.value])).toEqual([
      ['203.0.113.5', 'api.example.org.'],
      ['203.0.113.129', 'www.example.org.'],
      ['203.0.113.130', 'web.example.org.'],
    ]);
    expect(zones[0]!.sharedWith).toEqual(['zones/b.yaml']);
    // Zone options set in any block file of the zone apply to the one zone.
    expect(zones[0]!.mode).toBe('per-record');
    expect(model.blocks.map((b) => [b.file, b.zones.map((z) => z.zone)])).toEqual([
      ['zones/a.yaml', ['113.0.203.in-addr.arpa.']],
      ['zones/b.yaml', []],
    ]);
  });

  it('a partial render of the second block also renders the stack that holds the zone', () => {
    const root = writeRepo(SHARED);
    try {
      const repo = loadRepository(root);
      const only = zoneContents(repo, new Set(['zones/b.yaml']));
      expect(only.blocks.map((b) => b.file)).toEqual(['zones/a.yaml', 'zones/b.yaml']);
      expect(only.blocks[0]!.zones[0]!.records.map((r) => r.ip)).toEqual(['203.0.113.5', '203.0.113.129', '203.0.113.130']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('counts the records of every block against zones.max_records', () => {
    const { model } = load({ ...SHARED, 'rdns.yaml': 'zones:\n  max_records: 2\n' });
    expect(model.diagnostics.map((d) => [d.code, d.value])).toContainEqual(['zone.too-large', '113.0.203.in-addr.arpa.']);
  });
});
