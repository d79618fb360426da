import { describe, expect, it } from 'vitest';
import { parseIp, parsePrefix, type IpPrefix, firstAddress, lastAddress } from '../../src/core/ip.js';
import { checkTemplate, genericNameOf, rebaseTemplate } from '../../src/core/template.js';

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

describe('template offsets and formats ({host+N:x2}, as $GENERATE ${offset,width,base})', () => {
  it.each([
    ['dyn-{d-128:x2}.pool.example.net', '198.51.100.130', '198.51.100.128/25', 'dyn-02.pool.example.net.'],
    ['dyn-{host:x2}.pool.example.net', '198.51.100.255', '198.51.100.128/25', 'dyn-7f.pool.example.net.'],
    ['dhcp{d:3}.pool.example.net', '198.51.100.7', '198.51.100.0/24', 'dhcp007.pool.example.net.'],
    ['c{host+1}.example.net', '203.0.113.64', '203.0.113.64/26', 'c1.example.net.'],
    ['o{d:o}.example.net', '192.0.2.8', '192.0.2.0/24', 'o10.example.net.'],
    ['v6-{host:d}.example.net', '2001:db8::ff', '2001:db8::/120', 'v6-255.example.net.'],
    ['v6-{host:x4}.example.net', '2001:db8::ff', '2001:db8::/112', 'v6-00ff.example.net.'],
  ])('%s for %s in %s', (template, address, range, expected) => {
    expect(checkTemplate(template, net(range))).toMatchObject({ ok: true });
    expect(name(template, address, range)).toBe(expected);
  });

  it.each([
    ['dyn-{d-129}.example.net', '198.51.100.128/25', 'template.invalid', /negative \(-1\)/],
    ['x{dashed+1}.example.net', '198.51.100.0/24', 'template.invalid', /offsets and formats apply to \{host\} and \{a\}/],
    ['x{host:q}.example.net', '198.51.100.0/24', 'template.invalid', /unknown placeholder/],
    ['h{c:x}{d:x}.example.net', '198.51.0.0/16', 'template.collision', /run together/],
    ['h{c:x2}{d:x2}.example.net', '198.51.0.0/16', 'template.ok', /./],
    ['h{c:3}{d:3}.example.net', '198.51.0.0/16', 'template.ok', /./],
  ])('%s on %s → %s', (template, range, code, why) => {
    const r = checkTemplate(template, net(range));
    if (code === 'template.ok') return expect(r.ok).toBe(true);
    expect(r).toMatchObject({ ok: false, code, reason: expect.stringMatching(why) });
  });

  it('proves uniqueness from bits for a stepped pool: every 2nd address needs bits 25-30 only, never enumerating', () => {
    const pool = { prefix: net('198.51.100.128/25'), step: 2n };
    // {d} encodes all host bits; a template that drops the lowest bit is fine only with a step of 2.
    expect(checkTemplate('dyn-{d}.example.net', pool).ok).toBe(true);
    expect(checkTemplate('{hex}.example.net', { prefix: net('2001:db8::/32'), step: 1n << 20n }).ok).toBe(true);
    expect(checkTemplate('h{host}.example.net', { prefix: net('2001:db8::/64'), step: 3n })).toMatchObject({ ok: true });
  });

  it('rebases {host} onto another prefix without changing a name', () => {
    const block = net('198.51.100.0/24');
    const pool = net('198.51.100.16/28');
    const t = rebaseTemplate('h{host}.example.net', block, pool);
    expect(t).toBe('h{host+16}.example.net');
    for (let i = 16n; i < 32n; i++) {
      const ip = { version: 4 as const, value: block.network + i };
      expect(genericNameOf(t, ip, pool)).toBe(genericNameOf('h{host}.example.net', ip, block));
    }
    const v6 = rebaseTemplate('h{host}.example.net', net('2001:db8::/112'), net('2001:db8::100/120'));
    expect(v6).toBe('h{host+256:x4}.example.net');
  });
});
