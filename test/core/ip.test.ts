import { describe, expect, it } from 'vitest';
import { ip, net } from '../helpers/ip.js';
import {
  formatIp,
  formatPrefix,
  lastAddress,
  parseIp,
  parsePrefix,
  prefixContains,
  prefixContainsIp,
  prefixesOverlap,
  sizeOf,
  compareIp,
} from '../../src/core/ip.js';


describe('parseIp: canonical forms', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // RFC 5952 §4.2.3: the first longest run is compressed
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: a single 16-bit 0 is not compressed
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'], // RFC 5952 §5: mixed notation for IPv4-mapped
    ['::ffff:c000:201', '::ffff:192.0.2.1'],
    // IPv4-compatible (::/96) is another address than IPv4-mapped (::ffff:0:0/96).
    ['::192.0.2.1', '::c000:201'],
    ['::c000:201', '::c000:201'],
    ['2001:db8::192.0.2.1', '2001:db8::c000:201'],
    [' 192.0.2.7 ', '192.0.2.7'],
  ])('%s → %s', (input, canonical) => {
    expect(formatIp(ip(input))).toBe(canonical);
  });
});

describe('parseIp: rejected', () => {
  it.each([
    ['010.0.0.1', /leading zero/],
    ['192.0.2.01', /leading zero/],
    ['192.0.2.256', /greater than 255/],
    ['192.0.2', /four dotted/],
    ['192.0.2.1.5', /four dotted/],
    ['192.0.2.-1', /not a decimal/],
    ['0x7f.0.0.1', /not a decimal/],
    ['fe80::1%eth0', /zone id/],
    ['2001:db8::g', /not a valid IPv6/],
    ['2001:db8:::1', /not a valid IPv6/],
    ['1:2:3:4:5:6:7:8:9', /not a valid IPv6/],
    ['::ffff:192.0.2.010', /embedded IPv4/],
    ['', /empty/],
  ])('%s', (input, why) => {
    const r = parseIp(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });
});

describe('parsePrefix', () => {
  it.each([
    ['198.51.100.0/24', '198.51.100.0/24', 256n],
    ['203.0.113.0/25', '203.0.113.0/25', 128n],
    ['0.0.0.0/0', '0.0.0.0/0', 1n << 32n],
    ['192.0.2.7/32', '192.0.2.7/32', 1n],
    ['2001:db8::/32', '2001:db8::/32', 1n << 96n],
    ['2001:0DB8:0100::/48', '2001:db8:100::/48', 1n << 80n],
    ['2001:db8::1/128', '2001:db8::1/128', 1n],
  ])('%s', (input, canonical, size) => {
    const p = net(input);
    expect(formatPrefix(p)).toBe(canonical);
    expect(sizeOf(p)).toBe(size);
  });

  it.each([
    ['198.51.100.1/24', /host bits set; the network is 198.51.100.0\/24/],
    ['2001:db8::1/64', /host bits set; the network is 2001:db8::\/64/],
    ['198.51.100.0/33', /0 to 32/],
    ['2001:db8::/129', /0 to 128/],
    ['198.51.100.0/024', /whole number/],
    ['198.51.100.0/', /whole number/],
    ['198.51.100.0', /no prefix length/],
    ['198.051.100.0/24', /leading zero/],
  ])('rejects %s', (input, why) => {
    const r = parsePrefix(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });
});

describe('containment and overlap', () => {
  it.each([
    ['198.51.100.0/24', '198.51.100.255', true],
    ['198.51.100.0/24', '198.51.101.0', false],
    ['203.0.113.0/25', '203.0.113.127', true],
    ['203.0.113.0/25', '203.0.113.128', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['198.51.100.0/24', '::ffff:198.51.100.1', false],
  ])('%s contains %s: %s', (p, a, expected) => {
    expect(prefixContainsIp(net(p), ip(a))).toBe(expected);
  });

  it.each([
    ['198.51.100.0/24', '198.51.100.128/25', true, true],
    ['198.51.100.0/25', '198.51.100.128/25', false, false],
    ['198.51.100.0/24', '198.51.100.0/24', true, true],
    ['2001:db8::/48', '2001:db8:0:ff00::/56', true, true],
    ['2001:db8::/48', '2001:db8:1::/48', false, false],
    ['10.0.0.0/8', '2001:db8::/32', false, false],
  ])('%s ⊇ %s: %s, overlap %s', (a, b, contains, overlap) => {
    expect(prefixContains(net(a), net(b))).toBe(contains);
    expect(prefixesOverlap(net(a), net(b))).toBe(overlap);
    expect(prefixesOverlap(net(b), net(a))).toBe(overlap);
  });

  it('knows the last address of a block', () => {
    expect(formatIp(lastAddress(net('203.0.113.0/25')))).toBe('203.0.113.127');
    expect(formatIp(lastAddress(net('2001:db8::/120')))).toBe('2001:db8::ff');
  });

  it('orders IPv4 before IPv6 and numerically within a family', () => {
    const list = ['2001:db8::2', '198.51.100.10', '2001:db8::10', '198.51.100.9'].map(ip).sort(compareIp).map(formatIp);
    expect(list).toEqual(['198.51.100.9', '198.51.100.10', '2001:db8::2', '2001:db8::10']);
  });
});
