// `rdns plan --changed-since` with the real Terraform and hashicorp/aws (offline: empty
// state, route53.endpoint at a dead loopback port, so the provider never leaves the machine).
//
// 1. One PTR changed in a repository of 65,536 PTRs (one /16 block file = 256 zone stacks),
//    beside the same one-PTR change in a one-PTR repository: the ratio says whether the cost
//    follows the change (target ≤ 3×) or the repository.
// 2. A bulk change of 10 PTRs in each of BENCH_PLAN_ZONES zones (default 50 = 500 PTRs;
//    target ≤ 180 s).
// 3. The whole /16 planned from nothing: BENCH_PLAN_SAMPLE zones (default 4) planned and
//    extrapolated to 256, with the provider's cost per PTR it implies.
//
// Needs terraform on PATH (or RDNS_TERRAFORM) and a filesystem mirror of hashicorp/aws
// (RDNS_TF_MIRROR, default /opt/tf-plugins). Prints wall and CPU seconds of whole runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDNS, fmt, measure, report } from './lib.mjs';

const mirror = process.env.RDNS_TF_MIRROR || '/opt/tf-plugins';
if (!existsSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'))) {
  console.log(`SKIPPED: no hashicorp/aws filesystem mirror at ${mirror} (set RDNS_TF_MIRROR)`);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'rdns-bench-plan-'));
const cache = join(work, 'plugin-cache');
mkdirSync(cache);
writeFileSync(join(work, 'terraform.rc'), `plugin_cache_dir = ${JSON.stringify(cache)}\nprovider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
const env = { TF_CLI_CONFIG_FILE: join(work, 'terraform.rc'), TF_PLUGIN_CACHE_DIR: cache, CHECKPOINT_DISABLE: '1' };
const CONFIG = 'route53:\n  provider_version: "~> 5.100"\n  endpoint: http://127.0.0.1:9\n';
const zonesBulk = Number(process.env.BENCH_PLAN_ZONES ?? 50);
const sample = Number(process.env.BENCH_PLAN_SAMPLE ?? 4);

const git = (root, ...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.net', ...args], { cwd: root, encoding: 'utf8' });

function repo(name, block) {
  const root = join(work, name);
  mkdirSync(join(root, 'zones'), { recursive: true });
  writeFileSync(join(root, 'rdns.yaml'), CONFIG);
  writeFileSync(join(root, 'zones', 'block.yaml'), block);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'base');
  return root;
}

function plan(root, ...args) {
  const r = measure([RDNS, '-C', root, 'plan', '--format', 'json', ...args], { env });
  if (r.status !== 0) throw new Error(`rdns plan failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const summary = JSON.parse(r.stdout).summary;
  console.log(`  ${summary.stacks} stacks, ${summary.added} added, ${summary.changed} changed: ${fmt(r.seconds, 1)} s wall, ${fmt(r.cpuSeconds, 1)} s CPU, ${fmt(r.rssMb, 0)} MB peak RSS of rdns`);
  return r;
}

try {
  // 198.18.0.0/15 is the benchmarking range (RFC 2544); every 16th address has its own record.
  const records = [];
  for (let c = 0; c < 256; c++) for (let d = 0; d < 256; d += 16) records.push(`  198.18.${c}.${d}: host-${c}-${d}.bench.example.net`);
  const big = repo('big', `prefix: 198.18.0.0/16\nowners: []\ndefault: "{dashed}.static.example.net"\nrecords:\n${records.join('\n')}\n`);
  const small = repo('small', 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: one.example.net\n');
  const edit = (root, from, to) => {
    const f = join(root, 'zones', 'block.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(from, to));
  };

  console.log('one-PTR repository, one PTR changed:');
  edit(small, 'one.example.net', 'uno.example.net');
  const one = plan(small, '--changed-since', 'HEAD');
  console.log('65,536-PTR repository (/16 block file), one PTR changed:');
  edit(big, 'host-7-32.bench', 'mail-7-32.bench');
  const bigOne = plan(big, '--changed-since', 'HEAD');
  report('plan of a one-PTR change: /16 repository / one-PTR repository', bigOne.seconds / one.seconds, 'x', 3);
  console.log(`  (CPU ratio ${fmt(bigOne.cpuSeconds / one.cpuSeconds, 1)}x; the changed zone holds 256 PTRs in one aws_route53_records_exclusive)`);

  git(big, 'checkout', '-q', '--', '.');
  console.log(`bulk change: 10 PTRs in each of ${zonesBulk} zones (${zonesBulk * 10} PTRs):`);
  for (let c = 0; c < zonesBulk; c++) for (let d = 0; d < 160; d += 16) edit(big, `host-${c}-${d}.bench`, `bulk-${c}-${d}.bench`);
  const bulk = plan(big, '--changed-since', 'HEAD');
  report(`plan of ${zonesBulk * 10} PTRs over ${zonesBulk} zones`, bulk.seconds, 's', 180);

  console.log(`whole /16 from nothing: ${sample} of its 256 zone stacks planned, extrapolated:`);
  const names = Array.from({ length: sample }, (_, i) => `rdns-198-18-${i}-0-24`);
  const part = plan(big, ...names.flatMap((n) => ['--stack', n]));
  const perZoneCpu = part.cpuSeconds / sample;
  console.log(`  ≈ ${fmt((part.seconds / sample) * 256 / 60, 0)} min wall for 256 zones at this parallelism; ${fmt(perZoneCpu, 1)} s CPU per zone of 256 PTRs ≈ ${fmt(perZoneCpu / 256, 3)} s CPU per PTR (Terraform + provider, one provider start per stack included)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
