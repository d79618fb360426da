import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mixedDefaults } from '../helpers/block-files.js';
import { loadRepository } from '../../src/loader/repository.js';
import { effectiveRecords } from '../../src/render/zone-records.js';
import { writeRepo } from './fixture.js';

function load(files: Record<string, string>) {
  const root = writeRepo(files);
  try {
    const repo = loadRepository(root);
    return { repo, records: repo.diagnostics.some((d) => d.severity === 'error') ? [] : effectiveRecords(repo).flatMap((z) => z.records) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const MIXED = mixedDefaults(
  `  - prefix: 192.0.2.128/25
    offset: 1
    step: 2
    count: 8
    default: "dhcp{d:3}.pool.example.net"
  - prefix: 192.0.2.64/28
    default: "lb{host}.acme.example"
`,
  '  192.0.2.66: web.acme.example\n',
);

describe('pools and allocation defaults: the most specific template names an address', () => {
  it('renders pool, allocation and block names, records winning over all of them', () => {
    const { repo, records } = load({ 'zones/a.yaml': MIXED });
    expect(repo.diagnostics).toEqual([]);
    const ptr = (ip: string): string | undefined => records.find((r) => r.ip === ip && r.type === 'PTR')?.value;
    expect(records.filter((r) => r.type === 'PTR')).toHaveLength(256);
    expect(ptr('192.0.2.1')).toBe('192-0-2-1.static.example.net.');
    expect(ptr('192.0.2.65')).toBe('lb1.acme.example.'); // the /28 pool inside the /27 allocation
    expect(ptr('192.0.2.66')).toBe('web.acme.example.'); // a record
    expect(ptr('192.0.2.81')).toBe('vm17.acme.example.'); // the allocation's own default
    expect(ptr('192.0.2.128')).toBe('dyn-00.pool.example.net.');
    expect(ptr('192.0.2.130')).toBe('router.example.net.');
    expect(ptr('192.0.2.254')).toBe('dyn-7e.pool.example.net.');
    expect(ptr('192.0.2.129')).toBe('dhcp129.pool.example.net.');
    expect(ptr('192.0.2.143')).toBe('dhcp143.pool.example.net.');
    expect(ptr('192.0.2.145')).toBe('192-0-2-145.static.example.net.'); // past the 8 of the dhcp pool
  });

  it('without a block default only the pools are named', () => {
    const { repo, records } = load({ 'zones/a.yaml': MIXED.replace(/^default: .*\n/m, '') });
    expect(repo.diagnostics).toEqual([]);
    // 64 dyn (one is a record), 8 dhcp, 32 allocation addresses (one a record), and the 2 records.
    expect(records.filter((r) => r.type === 'PTR')).toHaveLength(64 + 8 + 32);
  });

  it.each([
    ['pool.overlap', `  - prefix: 192.0.2.128/25\n    offset: 2\n    step: 4\n    default: "x{d}.example.net"\n`, /shares addresses with the pool on line 9 \(first 192\.0\.2\.130\)/],
    ['pool.outside-block', `  - prefix: 192.0.3.0/25\n    default: "x{d}.example.net"\n`, /not inside the block 192\.0\.2\.0\/24/],
    ['template.collision', `  - prefix: 192.0.2.0/26\n    default: "dyn-{host:x2}.pool.example.net"\n`, /"dyn-\{d-128:x2\}\.pool\.example\.net" has the same shape as "dyn-\{host:x2\}\.pool\.example\.net" in pool 192\.0\.2\.0\/26 \(line 19\)/],
    ['template.collision', `  - prefix: 192.0.2.0/25\n    default: "d{c}.example.net"\n`, /address bit 25 is not encoded/],
    ['pool.empty', `  - prefix: 192.0.2.0/30\n    offset: 4\n    default: "x{d}.example.net"\n`, /past the end of the prefix/],
  ])('%s', (code, pool, message) => {
    const text = MIXED.replace('records:\n', `${pool}records:\n`);
    const { repo } = load({ 'zones/a.yaml': text });
    expect(repo.diagnostics).toEqual([expect.objectContaining({ code, file: 'zones/a.yaml', message: expect.stringMatching(message) })]);
  });

  it('two pools of one template over separate runs are one naming scheme, not a collision', () => {
    const text = 'prefix: 192.0.2.0/24\npools:\n  - prefix: 192.0.2.16/28\n    default: "h{host+16}.example.net"\n  - prefix: 192.0.2.48/28\n    default: "h{host+48}.example.net"\n';
    expect(load({ 'zones/a.yaml': text }).repo.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const clash = text.replace('h{host+48}', 'h{host+8}');
    expect(load({ 'zones/a.yaml': clash }).repo.diagnostics).toEqual([expect.objectContaining({ code: 'template.collision' })]);
  });
});
