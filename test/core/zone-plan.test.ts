import { describe, expect, it } from 'vitest';
import { net } from '../helpers/ip.js';
import type { Block } from '../../src/core/model.js';
import { DEFAULT_BOUNDARIES, reverseZonesOf } from '../../src/core/reverse.js';
import { planZones } from '../../src/core/zone-plan.js';

const block = (file: string, prefix: string, classless?: boolean): Block => ({
  file,
  prefix: net(prefix),
  owners: [],
  classless,
  zones: {},
  allocations: [],
  records: [],
  pos: { file, line: 1, column: 1 },
});

/** The zone names each block file's addresses land in. */
const zonesOf = (blocks: Block[]): Record<string, string[]> => {
  const layouts = planZones(blocks, { boundaries: DEFAULT_BOUNDARIES });
  return Object.fromEntries([...layouts].map(([file, layout]) => [file, reverseZonesOf(layout).map((z) => z.name)]));
};

describe('planZones: who owns the parent zone', () => {
  it.each([
    ['a lone /25: RFC 2317 zone of its own', [block('a', '203.0.113.0/25')], { a: ['0-25.113.0.203.in-addr.arpa.'] }],
    [
      'two /25 that tile the /24 share it',
      [block('a', '203.0.113.0/25'), block('b', '203.0.113.128/25')],
      { a: ['113.0.203.in-addr.arpa.'], b: ['113.0.203.in-addr.arpa.'] },
    ],
    ['classless: false shares the /24', [block('a', '203.0.113.0/26', false)], { a: ['113.0.203.in-addr.arpa.'] }],
    [
      // Was: b shared a /24 zone that a's classless: true says belongs to someone else, and nobody published a's CNAMEs.
      'a sibling with classless: true: the /24 is someone else\'s, so the other /25 is classless too',
      [block('a', '203.0.113.0/25', true), block('b', '203.0.113.128/25')],
      { a: ['0-25.113.0.203.in-addr.arpa.'], b: ['128-25.113.0.203.in-addr.arpa.'] },
    ],
    ['an IPv6 /56 below the /48 boundary: its own nibble zone', [block('v6', '2001:db8:100:ff00::/56')], { v6: ['f.f.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.'] }],
  ])('%s', (_what, blocks, expected) => {
    expect(zonesOf(blocks)).toEqual(expected);
  });
});
