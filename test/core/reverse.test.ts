import { describe, expect, it } from 'vitest';
import { ip, net } from '../helpers/ip.js';
import {
  classlessZoneNameOf,
  ipOfClasslessName,
  ipOfPtrOwner,
  ipOfReverseName,
  reverseNameOf,
  reverseZoneOf,
  reverseZonesOf,
  zoneCountOf,
  zoneLayoutOf,
  zoneNameOf,
  DEFAULT_BOUNDARIES,
  type ZoneBoundaries,
} from '../../src/core/reverse.js';


describe('reverseNameOf (RFC 1035 §3.5, RFC 3596 §2.5)', () => {
  it.each([
    ['198.51.100.22', '22.100.51.198.in-addr.arpa.'],
    ['0.0.0.0', '0.0.0.0.in-addr.arpa.'],
    ['203.0.113.255', '255.113.0.203.in-addr.arpa.'],
    ['2001:db8::567:89ab', 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'], // RFC 3596 example
    ['::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.'],
  ])('%s → %s', (address, name) => {
    expect(reverseNameOf(ip(address))).toBe(name);
    expect(ipOfReverseName(name)).toEqual(ip(address));
  });

  it('refuses partial or malformed reverse names', () => {
    expect(ipOfReverseName('100.51.198.in-addr.arpa.')).toBeUndefined();
    expect(ipOfReverseName('256.100.51.198.in-addr.arpa.')).toBeUndefined();
    expect(ipOfReverseName('01.100.51.198.in-addr.arpa.')).toBeUndefined();
    expect(ipOfReverseName('g.0.ip6.arpa.')).toBeUndefined();
  });
});

describe('zoneNameOf', () => {
  it.each([
    ['198.51.100.0/24', '100.51.198.in-addr.arpa.'],
    ['198.51.0.0/16', '51.198.in-addr.arpa.'],
    ['10.0.0.0/8', '10.in-addr.arpa.'],
    ['2001:db8::/32', '8.b.d.0.1.0.0.2.ip6.arpa.'],
    ['2001:db8:100::/48', '0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
    ['2001:db8:100::/52', '0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
  ])('%s → %s', (p, name) => {
    expect(zoneNameOf(net(p))).toBe(name);
  });

  it('refuses prefixes off the octet or nibble boundary', () => {
    expect(() => zoneNameOf(net('198.51.100.0/25'))).toThrow(/boundary/);
    expect(() => zoneNameOf(net('2001:db8::/33'))).toThrow(/boundary/);
  });
});

describe('RFC 2317 classless names (the "-" form)', () => {
  it.each([
    ['203.0.113.0/25', '0-25.113.0.203.in-addr.arpa.'],
    ['203.0.113.128/26', '128-26.113.0.203.in-addr.arpa.'],
    ['192.0.2.64/27', '64-27.2.0.192.in-addr.arpa.'],
    ['192.0.2.8/29', '8-29.2.0.192.in-addr.arpa.'],
  ])('%s → %s', (p, name) => {
    expect(classlessZoneNameOf(net(p))).toBe(name);
  });
  it('is only for IPv4 below a /24', () => {
    expect(() => classlessZoneNameOf(net('203.0.113.0/24'))).toThrow();
    expect(() => classlessZoneNameOf(net('2001:db8::/33'))).toThrow();
  });
});

describe('zoneLayoutOf: the zones a block maps to', () => {
  const b16: ZoneBoundaries = { ipv4: 16, ipv6: 56 };
  it.each<[string, ZoneBoundaries, boolean, string[]]>([
    // at or above the boundary: split at the boundary
    ['198.51.100.0/24', DEFAULT_BOUNDARIES, false, ['100.51.198.in-addr.arpa.']],
    ['198.51.100.0/23', DEFAULT_BOUNDARIES, false, ['100.51.198.in-addr.arpa.', '101.51.198.in-addr.arpa.']],
    ['198.51.0.0/16', b16, false, ['51.198.in-addr.arpa.']],
    ['2001:db8:100::/48', DEFAULT_BOUNDARIES, false, ['0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.']],
    ['2001:db8:100::/47', DEFAULT_BOUNDARIES, false, ['0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.', '1.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.']],
    // smaller than the boundary, parent owned: shares the parent zone
    ['198.51.100.0/26', DEFAULT_BOUNDARIES, true, ['100.51.198.in-addr.arpa.']],
    ['2001:db8:100:20::/64', DEFAULT_BOUNDARIES, true, ['0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.']],
    // smaller, parent not owned: own zone at its aligned length, RFC 2317 below a /24
    ['203.0.113.0/25', DEFAULT_BOUNDARIES, false, ['0-25.113.0.203.in-addr.arpa.']],
    ['198.51.100.0/24', b16, false, ['100.51.198.in-addr.arpa.']],
    ['198.51.96.0/20', b16, false, Array.from({ length: 16 }, (_, i) => `${96 + i}.51.198.in-addr.arpa.`)],
    ['2001:db8:100:20::/64', DEFAULT_BOUNDARIES, false, ['0.2.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.']],
    ['2001:db8:100::/50', DEFAULT_BOUNDARIES, false, ['0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.', '1.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.', '2.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.', '3.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.']],
  ])('%s (boundaries %o, parent owned %s)', (p, boundaries, owned, names) => {
    const layout = zoneLayoutOf(net(p), boundaries, owned);
    expect(reverseZonesOf(layout).map((z) => z.name)).toEqual(names);
    expect(zoneCountOf(layout)).toBe(BigInt(names.length));
  });

  it('puts each address of a classless block in the classless zone, with its /24 parent', () => {
    const layout = zoneLayoutOf(net('203.0.113.0/25'), DEFAULT_BOUNDARIES, false);
    const z = reverseZoneOf(ip('203.0.113.5'), layout);
    expect(z).toMatchObject({ name: '0-25.113.0.203.in-addr.arpa.', classless: true, parent: '113.0.203.in-addr.arpa.' });
  });

  it('counts zones of a large IPv6 block without listing them', () => {
    expect(zoneCountOf(zoneLayoutOf(net('2001:db8::/32'), DEFAULT_BOUNDARIES, false))).toBe(65536n);
  });
});

describe('ipOfClasslessName: owner names inside an RFC 2317 child zone (RFC 2317 §4)', () => {
  it.each([
    ['5.0-25.113.0.203.in-addr.arpa.', '203.0.113.5'],
    ['0.0-25.113.0.203.in-addr.arpa.', '203.0.113.0'],
    ['127.0-25.113.0.203.in-addr.arpa', '203.0.113.127'], // no trailing dot
    ['130.128-25.113.0.203.in-addr.arpa.', '203.0.113.130'],
    ['70.64-27.100.51.198.IN-ADDR.ARPA.', '198.51.100.70'], // any case
    ['70.64/27.100.51.198.in-addr.arpa.', '198.51.100.70'], // the RFC's own "/" form
    ['70.64\\05727.100.51.198.in-addr.arpa.', '198.51.100.70'], // as Route53 stores "/"
    ['255.252-30.2.0.192.in-addr.arpa.', '192.0.2.255'],
    ['7.7-32.2.0.192.in-addr.arpa.', '192.0.2.7'],
  ])('%s → %s', (name, address) => {
    expect(ipOfClasslessName(name)).toEqual(ip(address));
    expect(ipOfPtrOwner(name)).toEqual(ip(address));
  });

  it.each([
    ['an address outside the child range', '200.0-25.113.0.203.in-addr.arpa.'],
    ['below the range', '63.64-27.100.51.198.in-addr.arpa.'],
    ['a range label that is not a network (5-25)', '5.5-25.113.0.203.in-addr.arpa.'],
    ['a range of /24 or shorter', '5.0-24.113.0.203.in-addr.arpa.'],
    ['a range longer than /32', '5.0-33.113.0.203.in-addr.arpa.'],
    ['a first-last range (0-127 is no prefix length)', '5.0-127.113.0.203.in-addr.arpa.'],
    ['a host label over 255', '256.0-25.113.0.203.in-addr.arpa.'],
    ['a host label with a leading zero', '05.0-25.113.0.203.in-addr.arpa.'],
    ['a non-numeric host', 'mail.0-25.113.0.203.in-addr.arpa.'],
    ['the child zone apex itself', '0-25.113.0.203.in-addr.arpa.'],
    ['a full in-addr.arpa name', '5.113.0.203.in-addr.arpa.'],
    ['a parent zone with too few labels', '5.0-25.0.203.in-addr.arpa.'],
    ['an ip6.arpa name', '1.0-25.ip6.arpa.'],
    ['a forward name', '5.0-25.example.net.'],
  ])('refuses %s: %s', (_why, name) => {
    expect(ipOfClasslessName(name)).toBeUndefined();
  });

  it('ipOfPtrOwner reads full reverse names of either family and child names, nothing else', () => {
    expect(ipOfPtrOwner('22.100.51.198.in-addr.arpa.')).toEqual(ip('198.51.100.22'));
    expect(ipOfPtrOwner('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.')).toEqual(ip('2001:db8::567:89ab'));
    expect(ipOfPtrOwner('100.51.198.in-addr.arpa.')).toBeUndefined();
    expect(ipOfPtrOwner('mail.example.net.')).toBeUndefined();
  });
});
