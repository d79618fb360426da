import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/loader/repository.js';
import { coverageFindings, coverageOf } from '../../src/checks/coverage.js';
import { writeRepo } from '../render/fixture.js';

function blocksOf(files: Record<string, string>) {
  const root = writeRepo(files);
  try {
    return loadRepository(root).blocks;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const POOLED = `prefix: 192.0.2.0/24
pools:
  - prefix: 192.0.2.128/25
    step: 2
    default: "dyn-{d-128:x2}.pool.example.net"
  - prefix: 192.0.2.129/32
    default: "gw{d}.pool.example.net"
records:
  192.0.2.1: gw.example.net
  192.0.2.130: router.example.net
`;

describe('coverage: records and every template count', () => {
  it('counts pool names once, records inside a pool once, records outside pools as well', () => {
    const [b] = blocksOf({ 'zones/a.yaml': POOLED });
    // 64 (step 2 over .128/25) + 1 (.129) named by pools; .130 is a record inside the pool; .1 a record outside.
    expect(coverageOf(b!)).toEqual({ withPtr: 66n, poolNames: 65n });
    expect(coverageFindings([b!])).toEqual([expect.objectContaining({ code: 'coverage.low', value: '25.7', message: expect.stringContaining('66 of 256 addresses (25.7%)') })]);
    const [d] = blocksOf({ 'zones/a.yaml': POOLED.replace('pools:', 'default: "{dashed}.example.net"\npools:') });
    expect(coverageOf(d!)).toEqual({ withPtr: 256n, poolNames: 65n });
    expect(coverageFindings([d!])).toEqual([]);
  });
});
