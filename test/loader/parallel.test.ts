import { describe, expect, it } from 'vitest';
import { loadRepository, loadRepositoryParallel } from '../../src/loader/repository.js';
import { writeRepo } from '../helpers/repo-files.js';

describe('loading on several cores', () => {
  it('gives the same blocks and diagnostics as loading in one thread', async () => {
    const files: Record<string, string> = {};
    for (let k = 0; k < 6; k++) {
      const lines = [`prefix: 10.${k}.0.0/24`, 'records:'];
      for (let i = 1; i < 200; i++) lines.push(`  10.${k}.0.${i}: host${i}.c${k}.example.net`);
      lines.push(`  10.${k}.0.250: bare${k}`); // one finding per file
      files[`zones/f${k}.yaml`] = `${lines.join('\n')}\n`;
    }
    files['zones/overlap.yaml'] = 'prefix: 10.0.0.128/25\nrecords:\n  10.0.0.130: dup.example.net\n';
    const root = writeRepo(files);
    const serial = loadRepository(root);
    const parallel = await loadRepositoryParallel(root, undefined, { minParallelBytes: 0 });
    expect(parallel.diagnostics).toEqual(serial.diagnostics);
    expect(parallel.blocks).toEqual(serial.blocks);
    expect(parallel.recordCount).toBe(serial.recordCount);
    expect(serial.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['hostname.invalid', 'block.overlap', 'record.duplicate']));
  });
});
