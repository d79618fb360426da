import { describe, expect, it } from 'vitest';
import { parseIp, parsePrefix, type IpPrefix, firstAddress, lastAddress } from '../../src/core/ip.js';
import { checkTemplate, genericNameOf } from '../../src/core/template.js';

const net = (t: string): IpPrefix => {
  const r = parsePrefix(t);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
const name = (template: string, address: string, block: string): string => {
  const a = parseIp(address);
  if (!a.ok) throw new Error(a.reason);
  return genericNameOf(template, a.value, net(block));
};

describe('default templates: generic names', () => {
  it.each([
    ['{dashed}.static.example.net', '198.51.100.22', '198.51.100.0/24', '198-51-100-22.static.example.net.'],
    ['{reversed}.dyn.example.net', '198.51.100.22', '198.51.100.0/24', '22-100-51-198.dyn.example.net.'],
    ['host-{d}.{c}.{b}.{a}.example.net', '198.51.100.22', '198.51.100.0/24', 'host-22.100.51.198.example.net.'],
    ['{hex}.example.net', '198.51.100.22', '198.51.100.0/24', 'c6336416.example.net.'],
    ['vps-{host}.customers.example.net', '203.0.113.5', '203.0.113.0/25', 'vps-5.customers.example.net.'],
    ['{dashed}.v6.example.net', '2001:db8::22', '2001:db8::/64', '2001-db8--22.v6.example.net.'],
    ['{dashed}.v6.example.net', '2001:db8::', '2001:db8::/64', '2001-db8--0.v6.example.net.'],
    ['{dashed}.v6.example.net', '::1', '::/120', '0--1.v6.example.net.'],
    ['{hex}.v6.example.net', '2001:db8::22', '2001:db8::/64', '20010db8000000000000000000000022.v6.example.net.'],
    ['h{host}.lan.example.net', '2001:db8::22', '2001:db8::/112', 'h0022.lan.example.net.'],
    ['{dashed}.Static.Example.NET', '192.0.2.1', '192.0.2.0/24', '192-0-2-1.static.example.net.'],
  ])('%s for %s in %s', (template, address, block, expected) => {
    expect(checkTemplate(template, net(block)).ok).toBe(true);
    expect(name(template, address, block)).toBe(expected);
  });

  it('gives every address of a block a unique, valid name', () => {
    const block = net('198.51.100.0/24');
    const names = new Set<string>();
    for (let i = 0n; i < 256n; i++) names.add(genericNameOf('{d}.x.example.net', { version: 4, value: block.network + i }, block));
    expect(names.size).toBe(256);
  });
});

describe('default templates: refused', () => {
  it.each([
    ['static.example.net', '198.51.100.0/24', 'template.collision', /no placeholder/],
    ['{d}.example.net', '198.51.100.0/23', 'template.collision', /bit 23/],
    ['{c}-{d}.example.net', '198.51.0.0/16', 'template.ok', /./],
    ['{a}.{b}.example.net', '198.51.100.0/24', 'template.collision', /bit 24/],
    ['{host}.example.net', '2001:db8::/64', 'template.ok', /./],
    ['{d}.example.net', '2001:db8::/120', 'template.invalid', /IPv4/],
    ['{reversed}.example.net', '2001:db8::/120', 'template.invalid', /IPv4/],
    ['{ip}.example.net', '198.51.100.0/24', 'template.invalid', /unknown placeholder \{ip\}/],
    ['{dashed.example.net', '198.51.100.0/24', 'template.invalid', /unbalanced/],
    ['{dashed}', '198.51.100.0/24', 'template.invalid', /bare word/],
    ['{dashed}.example.123', '198.51.100.0/24', 'template.invalid', /all-numeric/],
    ['-{dashed}.example.net', '198.51.100.0/24', 'template.invalid', /hyphen/],
    ['{dashed}_x.example.net', '198.51.100.0/24', 'template.invalid', /underscore/],
    ['{hex}{hex}{hex}.example.net', '2001:db8::/64', 'template.invalid', /at most 63/],
    ['h{c}{d}.example.net', '198.51.0.0/16', 'template.collision', /\{c\} and \{d\} run together/],
    ['ip{a}{b}{c}{d}.example.net', '198.51.100.0/24', 'template.collision', /\{a\} and \{b\}/],
    ['{c}0{d}.example.net', '198.51.0.0/16', 'template.collision', /\{c\} and \{d\}/],
    ['{c}{hex}{host}.example.net', '198.51.0.0/16', 'template.collision', /\{c\} and \{host\}/],
    ['{dashed}{dashed}.example.net', '2001:db8::/64', 'template.collision', /run together/],
    ['{c}x{d}.example.net', '198.51.0.0/16', 'template.ok', /./],
    ['{d}{hex}.example.net', '198.51.100.0/24', 'template.ok', /./],
    ['{dashed}-{host}.example.net', '2001:db8::/120', 'template.ok', /./],
    ['h{host}{hex}.example.net', '2001:db8::/120', 'template.ok', /./],
  ])('%s on %s → %s', (template, block, code, why) => {
    const r = checkTemplate(template, net(block));
    if (code === 'template.ok') {
      expect(r.ok).toBe(true);
      return;
    }
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.reason).toMatch(why);
    }
  });

  it('refuses what really collides: {c}{d} names 198.51.1.11 and 198.51.11.1 alike', () => {
    expect(name('h{c}{d}.example.net', '198.51.1.11', '198.51.0.0/16')).toBe(name('h{c}{d}.example.net', '198.51.11.1', '198.51.0.0/16'));
  });

  it('tells whether names stay unique across blocks', () => {
    const a = checkTemplate('{dashed}.example.net', net('198.51.100.0/24'));
    const b = checkTemplate('{host}.example.net', net('198.51.100.0/24'));
    expect(a.ok && a.coversNetwork).toBe(true);
    expect(b.ok && b.coversNetwork).toBe(false);
  });

  it('checks both ends of the block', () => {
    const block = net('2001:db8::/120');
    expect(name('{dashed}.x.example', '2001:db8::', '2001:db8::/120')).toBe('2001-db8--0.x.example.');
    expect(genericNameOf('{dashed}.x.example', lastAddress(block), block)).toBe('2001-db8--ff.x.example.');
    expect(genericNameOf('{dashed}.x.example', firstAddress(block), block)).toBe('2001-db8--0.x.example.');
  });
});
