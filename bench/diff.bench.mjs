// `rdns diff` of a bulk change: 40 block files (one /24 each, 256 records), 250 records
// changed in every file (10,000 record changes) in one commit, timed for
// `rdns diff --base HEAD~1 --head HEAD`, beside two same-run baselines: `git diff --stat
// HEAD~1` (git alone, no parsing) and `rdns validate` of the same 40 files (parsing and
// checking the head once; diff parses both revisions). Target: ≤ 2 s.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measure, RDNS, report } from './lib.mjs';

const FILES = 40;
const CHANGED_PER_FILE = 250;
const dir = mkdtempSync(join(tmpdir(), 'rdns-bench-diff-'));
const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const blockFile = (n, version) => {
  const lines = [`prefix: 10.${n}.0.0/24`, 'owners: ["@example-isp/noc"]', 'records:'];
  for (let d = 0; d < 256; d++) lines.push(`  10.${n}.0.${d}: ${version === 2 && d < CHANGED_PER_FILE ? 'new' : 'host'}-${d}.site${n}.example.net`);
  return `${lines.join('\n')}\n`;
};

let ok = true;
try {
  mkdirSync(join(dir, 'zones'));
  git('init', '-q', '-b', 'main');
  for (let n = 0; n < FILES; n++) writeFileSync(join(dir, 'zones', `10.${n}.0.0_24.yaml`), blockFile(n, 1));
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  for (let n = 0; n < FILES; n++) writeFileSync(join(dir, 'zones', `10.${n}.0.0_24.yaml`), blockFile(n, 2));
  git('add', '-A');
  git('commit', '-q', '-m', 'bulk change');

  // One warm-up run each, so the page cache and git's object cache are the same for all.
  measure([RDNS, '-C', dir, 'diff', '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json']);
  const diff = measure([RDNS, '-C', dir, 'diff', '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json']);
  const out = diff.status === 0 ? JSON.parse(diff.stdout) : undefined;
  const expected = FILES * CHANGED_PER_FILE;
  if (!out || out.counts.changed !== expected || out.counts.total !== expected) {
    console.log(`rdns diff did not find ${expected} changes (exit ${diff.status}): ${diff.stderr.slice(0, 2000)}`);
    ok = false;
  }
  const gitDiff = measure(['diff', '--stat', 'HEAD~1'], { cwd: dir, command: 'git' });
  const validate = measure([RDNS, '-C', dir, 'validate']);
  const text = measure([RDNS, '-C', dir, 'diff', '--base', 'HEAD~1', '--head', 'HEAD']);

  console.log(`repository: ${FILES} block files × 256 records; ${expected.toLocaleString('en-US')} records changed in one commit`);
  console.log(`rdns diff --format json: ${fmt(diff.seconds)} s wall, peak RSS ${fmt(diff.rssMb, 0)} MB, ${out?.counts.total ?? 0} changes`);
  console.log(`rdns diff (text):        ${fmt(text.seconds)} s wall, peak RSS ${fmt(text.rssMb, 0)} MB`);
  console.log(`baseline git diff --stat HEAD~1: ${fmt(gitDiff.seconds, 3)} s; rdns validate (head only): ${fmt(validate.seconds)} s`);
  console.log(`ratio rdns diff / rdns validate: ${fmt(diff.seconds / validate.seconds)}; rdns diff / git diff --stat: ${fmt(diff.seconds / gitDiff.seconds, 1)}`);
  ok = report('rdns diff of 10,000 changed records in 40 files', diff.seconds, 's', 2) && ok;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
