// Benchmarks of the editing tools (issue 6), each against a baseline measured in the same run:
//  1. `rdns bulk --apply` of 500 lines into a 65,536-record block file (target ≤ 3 s);
//     baseline: `rdns validate` of the same file (the load every command pays).
//  2. `rdns history IP` on a 10,000-commit repository (target ≤ 2 s), and `rdns history
//     PREFIX` of a /28 there (target ≤ 15 s); baseline: `git log --oneline | wc -l`.
// Data is generated in a temp dir; the repository with `git fast-import`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDNS, fmt, measure, report } from './lib.mjs';

const work = mkdtempSync(join(tmpdir(), 'rdns-bench-edit-'));
let ok = true;

// --- 1. bulk into a 65,536-record file --------------------------------------------------
{
  const root = join(work, 'bulk');
  mkdirSync(join(root, 'zones'), { recursive: true });
  let text = '# yaml-language-server: $schema=../schema/block.schema.json\n# a /16 of hosting addresses, one line per record\nprefix: 10.20.0.0/16\nowners: ["@example-isp/noc"]\nrecords:\n';
  for (let i = 0; i < 65536; i++) text += `  10.20.${i >> 8}.${i & 255}: host-${i}.example.net\n`;
  writeFileSync(join(root, 'zones', '10.20.0.0_16.yaml'), text);
  // 500 lines: 400 changes spread over the file, 100 resets.
  let input = '';
  for (let i = 0; i < 500; i++) {
    const n = (i * 131) % 65536;
    input += i < 400 ? `10.20.${n >> 8}.${n & 255} renamed-${i}.example.org\n` : `10.20.${n >> 8}.${n & 255} default\n`;
  }
  writeFileSync(join(work, 'bulk.txt'), input);
  const base = measure([RDNS, 'validate'], { cwd: root });
  if (base.status !== 0) throw new Error(`validate failed: ${base.stdout}${base.stderr}`);
  // No DNS in the benchmark (the names are examples); the block has no default, so the resets delete (--delete).
  const run = measure([RDNS, 'bulk', join(work, 'bulk.txt'), '--apply', '--no-fcrdns', '--delete'], { cwd: root });
  if (run.status !== 0 || !run.stdout.includes('wrote zones/10.20.0.0_16.yaml')) throw new Error(`bulk failed (${run.status}): ${run.stdout.slice(-500)}${run.stderr}`);
  const after = readFileSync(join(root, 'zones', '10.20.0.0_16.yaml'), 'utf8');
  const lines = after.split('\n').length - 1;
  if (lines !== 65536 + 5 - 100) throw new Error(`unexpected line count after bulk: ${lines}`);
  console.log(`baseline rdns validate (65,536 records): ${fmt(base.seconds)} s, ${fmt(base.rssMb, 0)} MB`);
  console.log(`rdns bulk --apply 500 lines: ${fmt(run.seconds)} s, ${fmt(run.rssMb, 0)} MB (ratio to validate ${fmt(run.seconds / base.seconds)}×)`);
  ok = report('bulk --apply 500 lines into 65,536 records', run.seconds, 's', 3) && ok;
}

// --- 2. history on 10,000 commits --------------------------------------------------------
{
  const root = join(work, 'history');
  mkdirSync(root, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  // Each commit changes one record of a /24 (plus some unrelated files), as PTR repositories do.
  const records = Array.from({ length: 256 }, (_, i) => `host-${i}.example.net`);
  const fileOf = () => `prefix: 198.51.100.0/24\nowners: ["@noc"]\ndefault: "{dashed}.static.example.net"\nrecords:\n${records.map((r, i) => `  198.51.100.${i}: ${r}\n`).join('')}`;
  const chunks = [];
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const N = 10_000;
  let watched = 1; // the first commit adds every record, .22 included
  for (let c = 1; c <= N; c++) {
    const i = (c * 37) % 256;
    records[i] = `host-${i}-v${c}.example.net`;
    if (i === 22) watched++;
    const t = 1_700_000_000 + c * 60;
    const author = ['alice', 'bob', 'carol', 'dave'][c % 4];
    chunks.push(`commit refs/heads/main\nmark :${c}\nauthor ${author} <${author}@example.com> ${t} +0000\ncommitter ${author} <${author}@example.com> ${t} +0000\n${data(`change 198.51.100.${i} (#${c})`)}${c > 1 ? `from :${c - 1}\n` : ''}M 100644 inline zones/198.51.100.0_24.yaml\n${data(fileOf())}`);
    if (c % 10 === 0) chunks.push(`M 100644 inline notes/log-${c % 100}.txt\n${data(`note ${c}\n`)}`);
    chunks.push('\n');
  }
  const fi = spawnSync('git', ['fast-import', '--quiet'], { cwd: root, input: chunks.join(''), maxBuffer: 1 << 30 });
  if (fi.status !== 0) throw new Error(`fast-import failed: ${fi.stderr}`);
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: root });
  const base = measure(['-c', 'git log --oneline | wc -l'], { cwd: root, command: '/bin/sh' });
  if (Number(base.stdout.trim()) !== N) throw new Error(`expected ${N} commits, got ${base.stdout}`);
  const run = measure([RDNS, 'history', '198.51.100.22', '--format', 'json'], { cwd: root });
  if (run.status !== 0) throw new Error(`history failed: ${run.stderr}`);
  const found = JSON.parse(run.stdout).history.length;
  if (found !== watched) throw new Error(`history found ${found} changes, expected ${watched}`);
  console.log(`baseline git log --oneline | wc -l (${N} commits): ${fmt(base.seconds)} s`);
  console.log(`rdns history 198.51.100.22 (${found} changes in ${N} commits): ${fmt(run.seconds)} s, ${fmt(run.rssMb, 0)} MB (ratio to git log ${fmt(run.seconds / base.seconds)}×)`);
  ok = report('history on 10,000 commits', run.seconds, 's', 2) && ok;
  // A prefix: every commit changed a record of the /24, so each of the 10,000 is read and
  // compared (the records inside the /28 only); 1 in 16 of them touched the /28.
  const pre = measure([RDNS, 'history', '198.51.100.16/28', '--format', 'json'], { cwd: root });
  if (pre.status !== 0) throw new Error(`history PREFIX failed: ${pre.stderr}`);
  const commits = JSON.parse(pre.stdout).history.length;
  console.log(`rdns history 198.51.100.16/28 (${commits} commits changed it, of ${N}): ${fmt(pre.seconds)} s, ${fmt(pre.rssMb, 0)} MB (ratio to git log ${fmt(pre.seconds / base.seconds)}×)`);
  ok = report('history PREFIX on 10,000 commits', pre.seconds, 's', 15) && ok;
}

rmSync(work, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
