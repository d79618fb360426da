/** Issue 11, item 7: validate says what synth would refuse, naming the right setting, and warns before a block renders many zones. */
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/loader/repository.js';
import { writeRepo } from '../helpers/repo-files.js';

const found = (prefix: string, ip: string, config?: string) =>
  loadRepository(writeRepo({ 'zones/a.yaml': `prefix: ${prefix}\nrecords:\n  "${ip}": a.example.com\n`, ...(config ? { 'rdns.yaml': config } : {}) })).diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`);

describe('validate: zones a block renders', () => {
  it.each([
    ['0.0.0.0/0', '0.0.0.1', undefined, /^error zone\.too-many block 0\.0\.0\.0\/0 splits into 16777216 reverse zones at zones\.ipv4_boundary \(24; 16 or 8 make larger zones\)/],
    ['2000::/16', '2000::1', undefined, /^error zone\.too-many block 2000::\/16 splits into 4294967296 reverse zones at zones\.ipv6_boundary \(48;/],
    ['10.0.0.0/8', '10.0.0.1', undefined, /^warning zone\.many block 10\.0\.0\.0\/8 renders 65536 reverse zones .*zones\.ipv4_boundary .*more than zones\.max_zones_per_block \(256\)/],
    ['10.0.0.0/16', '10.0.0.1', 'zones:\n  max_zones_per_block: 100\n', /^warning zone\.many block 10\.0\.0\.0\/16 renders 256 reverse zones .*more than zones\.max_zones_per_block \(100\)/],
  ])('%s', (prefix, ip, config, expected) => {
    expect(found(prefix, ip, config)).toEqual([expect.stringMatching(expected)]);
  });

  it('a block at or under the setting is clean; a larger zone size fixes the warning', () => {
    expect(found('10.0.0.0/16', '10.0.0.1')).toEqual([]);
    expect(found('10.0.0.0/8', '10.0.0.1', 'zones:\n  ipv4_boundary: 16\n')).toEqual([]);
  });
});
