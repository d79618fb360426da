import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readZoneFile } from '../../src/import/run-import.js';
import { prefixOfZoneName } from '../../src/core/reverse.js';
import { collectPtrs, ipOfOwner } from '../../src/import/reverse-ptrs.js';
import { expandGenerate, parseTtlText, parseZoneText } from '../../src/import/zone-file.js';
import { formatIp, formatPrefix } from '../../src/core/ip.js';

const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const ptrsOf = (...files: string[]) => {
  const records = files.flatMap((f) => readZoneFile(fixture(f)).records);
  const c = collectPtrs(records);
  return { ...c, map: Object.fromEntries(c.ptrs.map((p) => [p.ipText, `${p.ptr} ${p.ttl}`])) };
};

describe('zone file parser', () => {
  it('reads a BIND /24: $TTL units, $ORIGIN changes, parentheses, comments, blank owners, class/TTL in either order, $GENERATE', () => {
    const r = readZoneFile(fixture('db.198.51.100'));
    expect(r.diagnostics).toEqual([]);
    const soa = r.records.find((x) => x.type === 'SOA');
    expect(soa).toMatchObject({ name: '100.51.198.in-addr.arpa.', ttl: 3600, rdata: ['ns1.example.net.', 'hostmaster.example.net.', '2024010101', '3600', '600', '1209600', '300'] });
    expect(r.records.filter((x) => x.type === 'NS').map((x) => x.name)).toEqual(['100.51.198.in-addr.arpa.', '100.51.198.in-addr.arpa.']);
    expect(r.records.find((x) => x.type === 'TXT')?.rdata).toEqual(['a ; not a comment', 'and ( not a paren']);
    const { map, zones } = ptrsOf('db.198.51.100');
    expect(zones.map((z) => [z.name, z.prefix && formatPrefix(z.prefix)])).toEqual([['100.51.198.in-addr.arpa.', '198.51.100.0/24']]);
    expect(map['198.51.100.1']).toBe('gw1.example.net. 3600');
    expect(map['198.51.100.2']).toBe('gw2.example.net. 300');
    // `3 PTR gw3` is gw3.100.51.198.in-addr.arpa. (the origin appended): no host, so no PTR (hostname.reverse-target).
    expect(map['198.51.100.3']).toBeUndefined();
    expect(map['198.51.100.22']).toBe('mail.example.com. 3600');
    expect(map['198.51.100.23']).toBe('www.example.com. 86400');
    expect(map['198.51.100.100']).toBe('host-100.pool.example.net. 3600');
    expect(map['198.51.100.219']).toBe('host-219.pool.example.net. 3600');
    expect(map['198.51.100.220']).toBeUndefined();
    // $GENERATE 40-46/2 $ PTR srv-${10,2,x}: a step and a hex offset modifier.
    expect([40, 42, 44, 46].map((d) => map[`198.51.100.${d}`])).toEqual(['srv-32.example.net. 3600', 'srv-34.example.net. 3600', 'srv-36.example.net. 3600', 'srv-38.example.net. 3600']);
    expect(Object.keys(map).length).toBe(4 + 120 + 4);
  });

  it('follows RFC 2317 CNAMEs into the classless child, with $INCLUDE relative to the file', () => {
    const { map, zones, diagnostics } = ptrsOf('classless/db.113.0.203', 'classless/db.0-25.113.0.203');
    expect(zones.map((z) => [z.name, z.prefix && formatPrefix(z.prefix)])).toEqual([
      ['113.0.203.in-addr.arpa.', '203.0.113.0/24'],
      ['0-25.113.0.203.in-addr.arpa.', '203.0.113.0/25'],
    ]);
    expect(map).toEqual({
      '203.0.113.5': 'api.example.org. 600',
      '203.0.113.6': 'shop.example.org. 600',
      '203.0.113.10': 'vps10.customers.example.net. 600',
      '203.0.113.200': 'other.upstream.example. 3600',
    });
    expect(diagnostics).toEqual([]);
  });

  it('says when CNAMEs point into a classless zone that is not in the input', () => {
    const { map, diagnostics } = ptrsOf('classless/db.113.0.203');
    expect(map).toEqual({ '203.0.113.200': 'other.upstream.example. 3600' });
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'import.skipped', message: expect.stringMatching(/^128 addresses are CNAMEs into 0-25\.113\.0\.203\.in-addr\.arpa\. \(RFC 2317\)/) })]);
  });

  it('refuses an $INCLUDE loop and reads the rest (the "/" classless form too)', () => {
    const r = readZoneFile(fixture('classless/loop.zone'));
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'import.include', message: expect.stringContaining('includes itself') })]);
    const c = collectPtrs(r.records);
    expect(c.ptrs.map((p) => `${p.ipText} ${p.ptr}`)).toEqual(['203.0.113.7 seven.example.org.']);
    expect(c.zones.map((z) => z.prefix && formatPrefix(z.prefix))).toEqual(['203.0.113.0/25']);
  });

  it('ignores data outside the zone, as BIND does (named-checkzone: "ignoring out-of-zone data")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdns-zone-'));
    const file = join(dir, 'db.100');
    writeFileSync(file, '$ORIGIN 100.51.198.in-addr.arpa.\n@ 3600 IN SOA ns1.example.net. h.example.net. 1 3600 600 1209600 300\n5 PTR five.example.net.\n9.2.0.192.in-addr.arpa. PTR other.example.net.\n');
    const r = readZoneFile(file);
    expect(r.records.filter((x) => x.type === 'PTR').map((x) => x.name)).toEqual(['5.100.51.198.in-addr.arpa.']);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'import.skipped', line: 4, message: expect.stringContaining('1 record is outside the zone 100.51.198.in-addr.arpa. (e.g. 9.2.0.192.in-addr.arpa.)') })]);
  });

  it('reads an ip6.arpa zone named by its file, with nibble $GENERATE', () => {
    const { map } = ptrsOf('0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.zone');
    expect(map).toEqual({
      '2001:db8:100::1': 'gw1.dc1.example.net. 86400',
      '2001:db8:100::53': 'ns1.example.net. 86400',
      '2001:db8:100:20::1': 'v6-host1.example.net. 86400',
      '2001:db8:100:20::2': 'v6-host2.example.net. 86400',
      '2001:db8:100:20::3': 'v6-host3.example.net. 86400',
    });
  });

  it.each([
    ['$', 7, '7'],
    ['$$', 7, '$'],
    ['\\$x$', 7, '$x7'],
    ['${0,3,d}', 7, '007'],
    ['${10,2,x}', 7, '11'],
    ['${-7}', 7, '0'],
    ['${0,4,X}', 255, '00FF'],
    ['${0,0,o}', 8, '10'],
    ['${0,2,n}', 0xab, 'b.a'],
    // BIND: the width counts characters, dots included (named-compilezone: ${0,7,n} of 1 → 1.0.0.0).
    ['${0,7,n}', 1, '1.0.0.0'],
    ['${0,5,n}', 0x11, '1.1.0'],
    ['${0,3,N}', 0xa, 'A.0'],
    ['${0,2,n}', 0x1234, '4.3.2.1'],
    ['${0,0,n}', 0, '0'],
    ['${0,4,n}', 1, undefined],
    ['${bad}', 1, undefined],
  ])('$GENERATE %s with %i → %s', (t, v, out) => {
    expect(expandGenerate(t, v)).toBe(out);
  });

  it.each([
    ['300', 300],
    ['1h30m', 5400],
    ['1W', 604800],
    ['2d', 172800],
    ['h', undefined],
    ['IN', undefined],
  ])('TTL %s → %s', (t, v) => expect(parseTtlText(t)).toBe(v));

  it('reports syntax errors with line numbers and keeps going', () => {
    const r = parseZoneText('$ORIGIN 2.0.192.in-addr.arpa.\n1 PTR a.example.net.\n2 IN\n$FOO bar\n3 PTR (b.example.net.\n4 PTR c.example.net.\n', { file: 'x.zone' });
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['import.syntax', 3],
      ['import.syntax', 4],
      ['import.syntax', 5],
    ]);
    expect(r.records.map((x) => x.name)).toEqual(['1.2.0.192.in-addr.arpa.', '3.2.0.192.in-addr.arpa.']);
    expect(parseZoneText('1 PTR a.example.net.\n', { file: 'y' }).diagnostics[0]?.message).toMatch(/relative name and there is no \$ORIGIN; pass --origin/);
  });

  it.each([
    ['100.51.198.in-addr.arpa', '198.51.100.0/24'],
    ['51.198.in-addr.arpa.', '198.51.0.0/16'],
    ['0-25.113.0.203.in-addr.arpa', '203.0.113.0/25'],
    ['128/26.113.0.203.in-addr.arpa', '203.0.113.128/26'],
    ['0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa', '2001:db8:100::/48'],
    ['5-25.113.0.203.in-addr.arpa', undefined],
    ['example.com', undefined],
  ])('zone %s → %s', (zone, prefix) => {
    const p = prefixOfZoneName(zone);
    expect(p && formatPrefix(p)).toBe(prefix);
  });

  it('maps owners inside classless zones to addresses', () => {
    expect(formatIp(ipOfOwner('5.0-25.113.0.203.in-addr.arpa.')!)).toBe('203.0.113.5');
    expect(ipOfOwner('200.0-25.113.0.203.in-addr.arpa.')).toBeUndefined();
  });
});
