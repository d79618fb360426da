#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in its own process, one after another
// (they measure wall time and peak RSS of whole `rdns` runs, so they must not overlap).
// Each prints its figures, the baseline measured in the same run, and the ratio.
// `npm run bench -- validate` runs only the benchmarks whose file name contains "validate".
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here).filter((f) => f.endsWith('.bench.mjs') && f.includes(filter)).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, [join(here, f)], { stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.status !== 0) {
    failed++;
    console.log(`!!! ${f} exited with ${r.status}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
