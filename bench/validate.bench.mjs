// rdns validate at ISP scale: one /16 file with 65,536 records, and a repository of
// 256 /20 files with 1,048,576 records. The floor is JSON.parse of the same data.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDNS, fmt, measure, report } from './lib.mjs';

function blockFile(a, b, c0, count) {
  // /20 or /16 starting at a.b.c0.0; `count` records in address order.
  const lines = [`prefix: ${a}.${b}.${c0}.0/${count === 65536 ? 16 : 20}`, 'owners: ["@example-isp/noc"]', 'records:'];
  const json = {};
  for (let i = 0; i < count; i++) {
    const ip = `${a}.${b}.${c0 + (i >> 8)}.${i & 255}`;
    const host = `host${i}.c${c0 + (i >> 8)}.example.net`;
    lines.push(`  ${ip}: ${host}`);
    json[ip] = host;
  }
  return { yaml: `${lines.join('\n')}\n`, json: JSON.stringify({ prefix: `${a}.${b}.${c0}.0`, records: json }) };
}

function floorOf(files) {
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (const f of files) n += Object.keys(JSON.parse(readFileSync(f, 'utf8')).records).length;
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, n };
}

const dir = mkdtempSync(join(tmpdir(), 'rdns-bench-validate-'));
let ok = true;
try {
  // 1. One /16 file, 65,536 records.
  const one = join(dir, 'one');
  mkdirSync(join(one, 'zones'), { recursive: true });
  const f16 = blockFile(10, 20, 0, 65536);
  writeFileSync(join(one, 'zones', '10.20.0.0_16.yaml'), f16.yaml);
  writeFileSync(join(dir, 'one.json'), f16.json);
  const run1 = measure([RDNS, 'validate'], { cwd: one });
  if (run1.status !== 0) throw new Error(`rdns validate failed:\n${run1.stdout.slice(0, 2000)}${run1.stderr}`);
  const floor1 = floorOf([join(dir, 'one.json')]);
  console.log(`65,536 records in one file (${(f16.yaml.length / 1e6).toFixed(1)} MB): ${run1.stdout.trim()}`);
  ok = report('  rdns validate wall', run1.seconds, 's', 2.5) && ok;
  console.log(`  CPU ${fmt(run1.cpuSeconds)} s (user + system)`);
  ok = report('  rdns validate peak RSS', run1.rssMb, 'MB', 400) && ok;
  console.log(`  floor: JSON.parse of the same data ${fmt(floor1.seconds, 3)} s; ratio rdns/floor ${fmt(run1.seconds / floor1.seconds, 1)}x`);

  // 2. 256 /20 files, 1,048,576 records.
  const many = join(dir, 'many');
  mkdirSync(join(many, 'zones'), { recursive: true });
  const jsonFiles = [];
  for (let k = 0; k < 256; k++) {
    const a = 10 + (k >> 4);
    const c0 = (k & 15) * 16;
    const f = blockFile(a, 30, c0, 4096);
    writeFileSync(join(many, 'zones', `${a}.30.${c0}.0_20.yaml`), f.yaml);
    writeFileSync(join(dir, `many-${k}.json`), f.json);
    jsonFiles.push(join(dir, `many-${k}.json`));
  }
  const run2 = measure([RDNS, 'validate'], { cwd: many });
  if (run2.status !== 0) throw new Error(`rdns validate failed:\n${run2.stdout.slice(0, 2000)}${run2.stderr}`);
  const floor2 = floorOf(jsonFiles);
  console.log(`1,048,576 records in 256 files: ${run2.stdout.trim()}`);
  ok = report('  rdns validate wall', run2.seconds, 's', 30) && ok;
  console.log(`  CPU ${fmt(run2.cpuSeconds)} s (user + system, ${fmt(run2.cpuSeconds / run2.seconds, 1)} cores busy); peak RSS ${fmt(run2.rssMb, 0)} MB`);
  console.log(`  floor: JSON.parse of the same data ${fmt(floor2.seconds, 3)} s; ratio rdns/floor ${fmt(run2.seconds / floor2.seconds, 1)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!ok) console.log('validate benchmark: some figures are over target');
