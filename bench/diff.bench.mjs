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

// Ownership of generic names (issue 18, item 6): a block default change in a /16 without owners,
// where a customer's /17 keeps its own names (its allocation default wins), is checked by range;
// the worst case compares the 32,768 addresses of the /17 (no name moves, so nothing stops early).
const own = mkdtempSync(join(tmpdir(), 'rdns-bench-own-'));
try {
  const gitOwn = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: own, stdio: ['ignore', 'pipe', 'pipe'] });
  const block16 = (def, acmeDefault) =>
    `prefix: 10.200.0.0/16\ndefault: "${def}"\nallocations:\n  - prefix: 10.200.0.0/17\n    account: acme\n    owners: ["@acme"]\n${acmeDefault ? '    default: "vm{host}.acme.example"\n' : ''}`;
  mkdirSync(join(own, 'zones'));
  writeFileSync(join(own, 'rdns.yaml'), 'zones:\n  ipv4_boundary: 16\n  max_records: 100000\nguards:\n  max_changed_records: 1000000\n  max_delete_percent: 100\n');
  gitOwn('init', '-q', '-b', 'main');
  const run = (acmeDefault) => {
    writeFileSync(join(own, 'zones', '10.200.0.0_16.yaml'), block16('{dashed}.static.example.net', acmeDefault));
    gitOwn('add', '-A');
    gitOwn('commit', '-q', '--allow-empty', '-m', 'base');
    writeFileSync(join(own, 'zones', '10.200.0.0_16.yaml'), block16('{dashed}.dyn.example.net', acmeDefault));
    gitOwn('add', '-A');
    gitOwn('commit', '-q', '-m', 'new default');
    return measure([RDNS, '-C', own, 'ci', '--base', 'HEAD~1', '--head', 'HEAD', '--author', 'mallory', '--no-fcrdns', '--no-publish', '--format', 'json']);
  };
  const kept = run(true);
  const renamed = run(false);
  const codes = (r) => (r.stdout ? JSON.parse(r.stdout).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).join(',') || 'none' : `exit ${r.status}`);
  console.log(`rdns ci, /16 without owners, block default changed; the customer's /17 keeps its names: ${fmt(kept.seconds)} s wall (errors: ${codes(kept)})`);
  console.log(`rdns ci, same, the /17 has no default of its own (its names move): ${fmt(renamed.seconds)} s wall (errors: ${codes(renamed)})`);
  ok = report('rdns ci ownership of a /16 default change (worst case)', kept.seconds, 's', 10) && ok;
} finally {
  rmSync(own, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
