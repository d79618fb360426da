/**
 * Issue 18, item 9 (and issue 19, house item 5): what reviewers read is what DNS gets.
 * `rdns show` names an address by the same generic-name model that export and synth
 * publish: a pool's or an allocation's `default` wins over the block's.
 */
import { describe, expect, it } from 'vitest';
import { mixedDefaults } from '../helpers/block-files.js';
import { formatIp, parseIp, type IpAddress } from '../../src/core/ip.js';
import { addressLines, showAddress } from '../../src/edit/show-address.js';
import { DEFAULT_CONFIG } from '../../src/loader/config.js';
import { checkBlockSources, type Repository } from '../../src/loader/repository.js';
import { effectiveRecords } from '../../src/render/zone-records.js';

const load = (files: Record<string, string>): Repository =>
  checkBlockSources(
    '/repo',
    Object.entries(files).map(([file, text]) => ({ file, bytes: new TextEncoder().encode(text) })),
    DEFAULT_CONFIG,
  );
const ip = (text: string): IpAddress => {
  const p = parseIp(text);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};

const MIXED = mixedDefaults();

describe('rdns show names an address as DNS will (issue 18, item 9)', () => {
  it('a pool address shows the pool name, an allocation address the allocation name, each with the range that names it', () => {
    const repo = load({ 'zones/a.yaml': MIXED });
    expect(repo.diagnostics).toEqual([]);
    const pool = showAddress(repo, ip('192.0.2.128'));
    expect(pool).toMatchObject({ ptr: 'dyn-00.pool.example.net.', source: 'default', generic: { kind: 'pool', range: 'pool 192.0.2.128/25 (every 2nd)' }, file: 'zones/a.yaml', line: 9 });
    expect(addressLines(pool).slice(0, 3)).toEqual(['192.0.2.128  dyn-00.pool.example.net (the pool default)', '  ttl         3600', '  source      default of pool 192.0.2.128/25 (every 2nd) in zones/a.yaml:9']);
    const alloc = showAddress(repo, ip('192.0.2.81'));
    expect(alloc).toMatchObject({ ptr: 'vm17.acme.example.', source: 'default', generic: { kind: 'allocation', range: 'allocation 192.0.2.64/27' }, line: 5 });
    expect(addressLines(alloc)[0]).toBe('192.0.2.81  vm17.acme.example (the allocation default)');
    const block = showAddress(repo, ip('192.0.2.129'));
    expect(block).toMatchObject({ ptr: '192-0-2-129.static.example.net.', source: 'default', generic: { kind: 'block', range: 'block 192.0.2.0/24' }, line: 1 });
    expect(addressLines(block)[0]).toBe('192.0.2.129  192-0-2-129.static.example.net (the block default)');
    expect(showAddress(repo, ip('192.0.2.130'))).toMatchObject({ ptr: 'router.example.net.', source: 'record' });
  });

  it('a block with pools but no default: a pool address has its name, the rest none', () => {
    const repo = load({ 'zones/a.yaml': MIXED.replace(/^default: .*\n/m, '') });
    expect(showAddress(repo, ip('192.0.2.254'))).toMatchObject({ ptr: 'dyn-7e.pool.example.net.', source: 'default' });
    const none = showAddress(repo, ip('192.0.2.129'));
    expect(none.source).toBe('none');
    expect(addressLines(none)[0]).toBe('192.0.2.129  (no PTR: no record, and no default of the block, an allocation or a pool names it)');
  });

  it('property: for random blocks with pools and allocations, show agrees with export for every address', () => {
    let seed = 0x5eed;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    let checked = 0;
    for (let round = 0; round < 60; round++) {
      const lines = ['prefix: 192.0.2.0/24'];
      if (rnd(3) > 0) lines.push(`default: "{dashed}.b${round}.example.net"`);
      // Allocations: distinct aligned /26–/29s; some with a default, some delegated.
      const allocs: string[] = [];
      const used = new Set<number>();
      for (let i = rnd(4); i > 0; i--) {
        const len = 26 + rnd(4);
        const size = 1 << (32 - len);
        const start = rnd(256 / size) * size;
        if ([...Array(size).keys()].some((k) => used.has(start + k))) continue;
        for (let k = 0; k < size; k++) used.add(start + k);
        const kind = rnd(4);
        allocs.push(`  - prefix: 192.0.2.${start}/${len}`, `    account: a${start}`);
        if (kind === 1 || kind === 2) allocs.push(`    default: "vm{host}.a${start}.example"`);
        if (kind === 3) allocs.push('    delegate_to: [ns1.customer.example, ns2.customer.example]');
      }
      if (allocs.length > 0) lines.push('allocations:', ...allocs);
      const pools: string[] = [];
      for (let i = rnd(4); i > 0; i--) {
        const len = 25 + rnd(4);
        const size = 1 << (32 - len);
        const start = rnd(256 / size) * size;
        pools.push(`  - prefix: 192.0.2.${start}/${len}`);
        if (rnd(2)) pools.push(`    offset: ${rnd(4)}`);
        if (rnd(2)) pools.push(`    step: ${1 + rnd(3)}`);
        if (rnd(2)) pools.push(`    count: ${1 + rnd(size / 2)}`);
        pools.push(`    default: "p${i}-{host}.pool${round}.example.net"`);
      }
      if (pools.length > 0) lines.push('pools:', ...pools);
      const records = [...new Set(Array.from({ length: rnd(6) }, () => rnd(256)))];
      if (records.length > 0) lines.push('records:', ...records.map((r) => `  192.0.2.${r}: host${r}.example.com`));
      const repo = load({ 'zones/a.yaml': `${lines.join('\n')}\n` });
      if (repo.diagnostics.some((d) => d.severity === 'error')) continue; // e.g. two pools sharing an address
      const published = new Map<string, { ptr?: string; delegated: boolean; ttl?: number }>();
      for (const zone of effectiveRecords(repo)) {
        for (const r of zone.records) {
          if (!r.ip) continue;
          const had = published.get(r.ip);
          const delegated = Boolean(zone.delegatedTo) || r.type === 'CNAME' || (had?.delegated ?? false);
          published.set(r.ip, { ptr: r.type === 'PTR' ? r.value : had?.ptr, delegated, ttl: r.type === 'PTR' ? r.ttl : had?.ttl });
        }
      }
      for (let v = 0; v < 256; v++) {
        const address: IpAddress = { version: 4, value: 0xc0000200n + BigInt(v) };
        const shown = showAddress(repo, address);
        const dns = published.get(formatIp(address));
        const context = `${formatIp(address)} in\n${lines.join('\n')}`;
        if (dns?.delegated) {
          expect(shown.source, context).toBe('delegated');
          continue;
        }
        expect(shown.ptr, context).toBe(dns?.ptr);
        expect(shown.source === 'none', context).toBe(dns === undefined);
        if (dns) expect(shown.ttl, context).toBe(dns.ttl);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5_000);
  });
});
