// `rdns plan` / `rdns apply` at ISP scale with the real Terraform and hashicorp/aws, against
// the Route53 stand-in (src/dev/fake-route53.ts) in this process, with the provider's
// production settings: rdns.yaml has no route53.endpoint, only AWS_ENDPOINT_URL_ROUTE_53 /
// AWS_ENDPOINT_URL_STS and dummy keys in the environment. While it measures, the stand-in
// throttles at Route 53's 5 requests/s per account (the provider retries; retries count).
//
// CPU is user+sys: "all" of rdns + terraform + provider (/usr/bin/time around rdns, which
// waits for every child), "tf" of terraform + provider alone (each terraform run under
// /usr/bin/time through RDNS_TERRAFORM). API calls are what the stand-in answered and
// what rdns reported from the provider's log (they must agree).
//
// 1. One PTR changed (pull request plan: --changed-since) in a 65,536-PTR /16 repository whose
//    zone is applied, beside the same in a one-PTR repository: plan ≤ 2× and ≤ 15 s CPU;
//    apply ≤ 10 s CPU and ≤ 6 API calls.
// 2. 500 PTRs changed over 50 applied zones: plan ≤ 3 min wall; apply of a sample of zones
//    (BENCH_APPLY_SAMPLE, default 5) record by record (RDNS_APPLY_BATCH=off, the baseline) and
//    another sample in Route 53 change batches: ≤ 3 API calls per changed record, extrapolated
//    to 50; the projected apply wall at 5 requests/s.
// 3. The whole /16 from empty (256 zones × 256 PTRs): the zone applied for real in the setup
//    (plan from empty, apply) extrapolated to 256 zones, in one job and as a 256-job matrix.
// 4. Drift: a PTR changed outside git and one added outside git each fail the plan with
//    their address; `rdns plan --refresh` then shows both.
// Zones 1–49 of (2) get their state by cloning the really applied zone 0 (state file and
// stand-in records, names rewritten), so setting up costs one real apply, not fifty.
//
//    Before that, the first BENCH_COMPARE_ZONES (10) of those zones are planned three ways in
//    this run — as rdns did before (terraform state pull and show -json per stack, GOGC=100: RDNS_PLAN_READ=terraform),
//    from the plan's -json stream with GOGC=100, and as rdns does now — and the three plans
//    must be identical in PTR terms. Every rdns run prints its terraform runs by subcommand
//    (CPU and wall per run, peak RSS).
//
// BENCH_PLAN_ZONES (default 50) and BENCH_APPLY_SAMPLE (5) size part 2; BENCH_PLAN_PARTS=1,3 runs only
// those parts (the setup of zone 0 always runs).
//
// Needs terraform (or RDNS_TERRAFORM) and a filesystem mirror of hashicorp/aws
// (RDNS_TF_MIRROR, default /opt/tf-plugins) holding a version that "~> 5.100" accepts.
import { randomUUID } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDNS, fmt, measureAsync, report } from './lib.mjs';

const { startFakeRoute53, standInEnvironment, recordKey } = await import('../dist/dev/fake-route53.js');
const { TERRAFORM_GOGC } = await import('../dist/terraform/run-stacks.js');

const mirror = process.env.RDNS_TF_MIRROR || '/opt/tf-plugins';
if (!existsSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'))) {
  console.log(`SKIPPED: no hashicorp/aws filesystem mirror at ${mirror} (set RDNS_TF_MIRROR)`);
  process.exit(0);
}
const terraformBin = process.env.RDNS_TERRAFORM || 'terraform';
if (spawnSync(terraformBin, ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status !== 0) {
  console.log(`SKIPPED: ${terraformBin} does not run`);
  process.exit(0);
}
const BULK_ZONES = Number(process.env.BENCH_PLAN_ZONES ?? 50);
// Two samples are applied (record by record, then batched): each at most half the zones.
const APPLY_SAMPLE = Math.min(Math.floor(BULK_ZONES / 2), Number(process.env.BENCH_APPLY_SAMPLE ?? 5));
const COMPARE_ZONES = Math.min(BULK_ZONES, Number(process.env.BENCH_COMPARE_ZONES ?? 10));
const RATE = 5;
// BENCH_PLAN_PARTS=1,3 runs only those parts (the setup always runs; part 2 clones zones only when it runs).
const PARTS = new Set((process.env.BENCH_PLAN_PARTS ?? '1,2,3,4').split(',').map((p) => p.trim()));

const work = mkdtempSync(join(tmpdir(), 'rdns-bench-plan-'));
const cache = join(work, 'plugin-cache');
mkdirSync(cache);
writeFileSync(join(work, 'terraform.rc'), `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
// Every terraform run under /usr/bin/time, appending "tf WALL USER SYS" lines: terraform + provider CPU apart from rdns's own.
const tfTimes = join(work, 'tf-times');
const timed = join(work, 'terraform-timed');
// "tf WALL USER SYS MAXRSS_KB COMMAND" (the subcommand: init, state, plan, show, apply) per run.
writeFileSync(timed, `#!/bin/sh\nexec /usr/bin/time -a -o ${JSON.stringify(tfTimes)} -f "tf %e %U %S %M $1" ${JSON.stringify(terraformBin)} "$@"\n`);
chmodSync(timed, 0o755);
writeFileSync(tfTimes, '');
const tfRuns = () => readFileSync(tfTimes, 'utf8').split('\n').filter((l) => l.startsWith('tf ')).map((l) => {
  const [, wall, user, sys, rss, command] = l.split(' ');
  return { wall: Number(wall), cpu: Number(user) + Number(sys), rssMb: Number(rss) / 1024, command: command ?? '?' };
});
const tfCpu = () => tfRuns().reduce((n, r) => n + r.cpu, 0);
/** The terraform runs since `mark` (an index into tfRuns()) by subcommand: runs, CPU and wall per run, peak RSS (terraform's own process: the provider is its child). */
function breakdown(mark) {
  const by = new Map();
  for (const r of tfRuns().slice(mark)) {
    const b = by.get(r.command) ?? { n: 0, cpu: 0, wall: 0, rss: 0 };
    by.set(r.command, { n: b.n + 1, cpu: b.cpu + r.cpu, wall: b.wall + r.wall, rss: Math.max(b.rss, r.rssMb) });
  }
  return { text: [...by].map(([c, b]) => `${c} ×${b.n}: ${fmt(b.cpu / b.n, 2)} s CPU, ${fmt(b.wall / b.n, 2)} s wall per run (${fmt(b.cpu, 1)} s CPU in all), ${fmt(b.rss, 0)} MB peak RSS`).join('; '), by };
}

const fake = await startFakeRoute53();
const env = {
  ...standInEnvironment(fake.url),
  TF_CLI_CONFIG_FILE: join(work, 'terraform.rc'),
  TF_PLUGIN_CACHE_DIR: cache,
  CHECKPOINT_DISABLE: '1',
  RDNS_TERRAFORM: timed,
  // Local state: one folder per checkout under here (rdns keeps it outside the repository).
  RDNS_STATE_HOME: join(work, 'state'),
  NO_COLOR: '1',
};
// rdns's own defaults: no operator log settings (calls are counted from the provider's log), no operator retry mode.
for (const k of ['TF_LOG', 'TF_LOG_PATH', 'TF_LOG_PROVIDER', 'TF_LOG_CORE', 'AWS_RETRY_MODE']) delete process.env[k];
const CONFIG = 'route53:\n  provider_version: "~> 5.100"\n';

const git = (root, ...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.net', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' });
function repo(name, block) {
  const root = join(work, name);
  mkdirSync(join(root, 'zones'), { recursive: true });
  writeFileSync(join(root, 'rdns.yaml'), CONFIG);
  writeFileSync(join(root, '.gitignore'), 'cdktf.out/\n*.tfstate\n*.tfstate.*\n');
  writeFileSync(join(root, 'zones', 'block.yaml'), block);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'base');
  return root;
}
const edit = (root, pairs) => {
  const f = join(root, 'zones', 'block.yaml');
  let text = readFileSync(f, 'utf8');
  for (const [from, to] of pairs) {
    if (!text.includes(from)) throw new Error(`bench: ${from} not in the block file`);
    text = text.replace(from, to);
  }
  writeFileSync(f, text);
};

const route53Of = (byAction) => Object.entries(byAction).reduce((n, [k, v]) => n + (k.includes(':') ? 0 : v), 0);
const callText = (byAction) => `${route53Of(byAction)} Route 53 (${Object.entries(byAction).filter(([k]) => !k.includes(':')).sort().map(([k, n]) => `${k} ${n}`).join(', ')})`;

/** Runs rdns; returns its figures, the calls the stand-in answered, and what rdns reported. */
async function rdns(label, root, args, { allowFail = false, extraEnv = {} } = {}) {
  const mark = fake.requests.length;
  const tf0 = tfCpu();
  const runs0 = tfRuns().length;
  const r = await measureAsync([RDNS, '-C', root, ...args], { env: { ...env, ...extraEnv } });
  if (r.status !== 0 && !allowFail) throw new Error(`${label}: rdns ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  const answered = fake.counts(mark);
  const throttledByAction = {};
  for (const q of fake.requests.slice(mark)) if (q.errorCode === 'Throttling') throttledByAction[q.action] = (throttledByAction[q.action] ?? 0) + 1;
  const runs = breakdown(runs0);
  const out = { ...r, tfCpuSeconds: tfCpu() - tf0, breakdown: runs.text, initCpuSeconds: runs.by.get('init')?.cpu ?? 0, answered, route53: route53Of(answered), throttled: fake.throttled(mark), throttledByAction };
  let reported;
  try {
    const json = JSON.parse(r.stdout);
    reported = json.summary?.apiCalls?.byAction ?? json.totalApiCalls?.byAction;
    out.json = json;
  } catch {
    // text output
  }
  const sorted = (c) => JSON.stringify(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : 1)));
  const agree = reported === undefined ? '' : sorted(reported) === sorted(answered) ? ', rdns reported the same' : `, rdns REPORTED ${callText(reported)}`;
  console.log(
    `  ${label}: ${fmt(r.seconds, 1)} s wall, CPU ${fmt(r.cpuSeconds, 1)} s all / ${fmt(out.tfCpuSeconds, 1)} s terraform+provider, ${fmt(r.rssMb, 0)} MB peak RSS (largest process); API calls ${callText(answered)}${out.throttled ? `, ${out.throttled} throttled (${Object.entries(throttledByAction).sort().map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}${agree}`,
  );
  if (out.breakdown) console.log(`    terraform runs: ${out.breakdown}`);
  return out;
}

/** Zone index → the stack's name, zone and the name fragments that carry the index. */
const stackOf = (c) => `rdns-198-18-${c}-0-24`;
const zoneOf = (c) => `${c}.18.198.in-addr.arpa.`;

/**
 * Rewrites text of zone `from` as zone `to`: every 198.18.<from> in dotted, dashed or
 * underscored form and reversed (<from>.18.198), as stack names, record names, values and
 * resource addresses carry it, and the bench's own names (host-<from>-<d>).
 */
function rewriteZone(text, from, to) {
  return text
    .replace(new RegExp(`\\b(host|mail|bulk)-${from}-(?=[0-9])`, 'g'), `$1-${to}-`)
    .replace(new RegExp(`(198[._-]18[._-])${from}(?![0-9])`, 'g'), `$1${to}`)
    .replace(new RegExp(`(?<![0-9])${from}([._-]18[._-]198)`, 'g'), `${to}$1`);
}

/** Gives zone `to` the applied state of zone `from`: a stand-in zone with the same records renamed, and its state file. */
function cloneAppliedZone(from, to) {
  const source = fake.zonesNamed(zoneOf(from))[0];
  const zone = fake.createZone(zoneOf(to), { comment: rewriteZone(source.comment, from, to), tags: Object.fromEntries([...source.tags].map(([k, v]) => [k, rewriteZone(v, from, to)])) });
  for (const set of source.records.values()) {
    if (set.name === source.name && (set.type === 'SOA' || set.type === 'NS')) continue;
    const copy = { ...set, name: rewriteZone(set.name, from, to), values: set.values.map((v) => rewriteZone(v, from, to)) };
    zone.records.set(recordKey(copy.name, copy.type, copy.setIdentifier), copy);
  }
  const stateFile = readdirSync(env.RDNS_STATE_HOME, { recursive: true }).find((f) => f.endsWith(`${stackOf(from)}.tfstate`));
  if (!stateFile) throw new Error(`bench: no state file of ${stackOf(from)} under ${env.RDNS_STATE_HOME} (local backend)`);
  let state = rewriteZone(readFileSync(join(env.RDNS_STATE_HOME, stateFile), 'utf8'), from, to).replaceAll(source.id, zone.id);
  source.nameServers.forEach((ns, i) => (state = state.replaceAll(ns, zone.nameServers[i])));
  const parsed = JSON.parse(state);
  parsed.lineage = randomUUID();
  writeFileSync(join(env.RDNS_STATE_HOME, rewriteZone(stateFile, from, to)), `${JSON.stringify(parsed, null, 2)}\n`);
}

const figures = [];
const figure = (line) => {
  figures.push(line);
  return line;
};

try {
  // 198.18.0.0/15 is the benchmarking range (RFC 2544). A default for every address (65,536
  // PTRs) and every 16th address its own record (4,096).
  const records = [];
  for (let c = 0; c < 256; c++) for (let d = 0; d < 256; d += 16) records.push(`  198.18.${c}.${d}: host-${c}-${d}.bench.example.net`);
  const big = repo('big', `prefix: 198.18.0.0/16\nowners: []\ndefault: "{dashed}.static.example.net"\nrecords:\n${records.join('\n')}\n`);
  const small = repo('small', 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: one.example.net\n');
  const tfVersion = JSON.parse(execFileSync(terraformBin, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, ...env } })).terraform_version;
  console.log(`terraform ${tfVersion}, hashicorp/aws from ${mirror}; stand-in unthrottled while setting up, ${RATE} requests/s while measuring`);

  console.log('setup: the one-PTR repository planned and applied from empty');
  await rdns('plan, 1 PTR from empty', small, ['plan', '--format', 'json']);
  await rdns('apply, 1 PTR from empty', small, ['apply', '--format', 'json']);

  console.log('setup: zone 198.18.0.0/24 (256 PTRs) of the /16 repository planned and applied from empty');
  const emptyPlan = await rdns('plan --stack of one zone from empty', big, ['plan', '--stack', stackOf(0), '--format', 'json']);
  const emptyApply = await rdns('apply of that zone from empty', big, ['apply', '--format', 'json']);
  if (!fake.recordSet(zoneOf(0), '32.0.18.198.in-addr.arpa.', 'PTR')) throw new Error('bench: the applied zone lacks its records');
  const noChange = await rdns('plan --stack of that zone again (no change expected)', big, ['plan', '--stack', stackOf(0), '--format', 'json']);
  if (noChange.json.summary.withChanges !== 0) throw new Error(`bench: the applied zone plans changes:\n${noChange.stdout}`);

  if (PARTS.has('2')) {
    console.log(`setup: zones 1–${BULK_ZONES - 1} applied by cloning zone 0 (state file and stand-in records)`);
    for (let c = 1; c < BULK_ZONES; c++) cloneAppliedZone(0, c);
    const cloned = await rdns(`plan --stack of cloned zone ${BULK_ZONES - 1} (no change expected)`, big, ['plan', '--stack', stackOf(BULK_ZONES - 1), '--format', 'json']);
    if (cloned.json.summary.withChanges !== 0 || cloned.json.summary.errors !== 0) throw new Error(`bench: a cloned zone does not plan clean:\n${cloned.stdout}`);
  }

  fake.setRateLimit(RATE);
  if (PARTS.has('1')) {
  console.log(`\n1. one PTR changed, its zone applied (pull-request plan: --changed-since HEAD), stand-in at ${RATE} requests/s`);
  edit(small, [['one.example.net', 'uno.example.net']]);
  const onePlan = await rdns('one-PTR repository: rdns plan', small, ['plan', '--changed-since', 'HEAD', '--format', 'json']);
  edit(big, [['host-0-32.bench', 'mail-0-32.bench']]);
  const bigPlan = await rdns('/16 repository: rdns plan', big, ['plan', '--changed-since', 'HEAD', '--format', 'json']);
  if (bigPlan.json.summary.changed !== 1 || bigPlan.json.summary.stacks !== 1) throw new Error(`bench: expected one changed PTR in one stack:\n${bigPlan.stdout}`);
  const noCount = await rdns('/16 repository: rdns plan without counting API calls (TF_LOG_CORE=off)', big, ['plan', '--changed-since', 'HEAD', '--format', 'json'], { extraEnv: { TF_LOG_CORE: 'off' } });
  console.log(figure(`   counting API calls from the provider's log: ${fmt(bigPlan.tfCpuSeconds - noCount.tfCpuSeconds, 2)} s terraform+provider CPU (${fmt(bigPlan.tfCpuSeconds, 1)} s counted vs ${fmt(noCount.tfCpuSeconds, 1)} s not), run-to-run noise included`));
  figure(`1. plan, one PTR, /16 repository: ${fmt(bigPlan.cpuSeconds, 1)} s CPU all, ${fmt(bigPlan.tfCpuSeconds, 1)} s terraform+provider, ${fmt(bigPlan.seconds, 1)} s wall, ${bigPlan.route53} Route 53 calls; one-PTR repository: ${fmt(onePlan.cpuSeconds, 1)} s CPU all, ${fmt(onePlan.tfCpuSeconds, 1)} s terraform+provider`);
  report(figure('   plan of a one-PTR change, /16 repository / one-PTR repository (CPU, all)').trim(), bigPlan.cpuSeconds / onePlan.cpuSeconds, 'x', 2);
  report('   plan of a one-PTR change in the /16 repository (CPU s, all)', bigPlan.cpuSeconds, 's', 15);
  const oneApply = await rdns('one-PTR repository: rdns apply', small, ['apply', '--format', 'json']);
  await rdns('/16 repository: rdns plan again (the counted run\'s plan was replaced)', big, ['plan', '--changed-since', 'HEAD', '--format', 'json']);
  const bigApply = await rdns('/16 repository: rdns apply', big, ['apply', '--format', 'json']);
  if (fake.recordSet(zoneOf(0), '32.0.18.198.in-addr.arpa.', 'PTR')?.values[0] !== 'mail-0-32.bench.example.net.') throw new Error('bench: the change was not applied');
  figure(`1. apply, one PTR: /16 repository ${fmt(bigApply.cpuSeconds, 1)} s CPU all (${fmt(bigApply.tfCpuSeconds, 1)} s terraform+provider), ${fmt(bigApply.seconds, 1)} s wall, ${callText(bigApply.answered)}; one-PTR repository ${fmt(oneApply.cpuSeconds, 1)} s CPU, ${oneApply.route53} Route 53 calls`);
  report('   apply of a one-PTR change in the /16 repository (CPU s, all)', bigApply.cpuSeconds, 's', 10);
  report('   apply of a one-PTR change: Route 53 API calls', bigApply.route53, 'calls', 6);
  git(big, 'commit', '-qam', 'one PTR');
  git(small, 'commit', '-qam', 'one PTR');
  }

  if (PARTS.has('2')) {
  console.log(`\n2. ${BULK_ZONES * 10} PTRs changed over ${BULK_ZONES} applied zones (10 per zone), stand-in at ${RATE} requests/s`);
  const bulkEdits = [];
  for (let c = 0; c < BULK_ZONES; c++) for (let d = 64; d < 224; d += 16) bulkEdits.push([`host-${c}-${d}.bench`, `bulk-${c}-${d}.bench`]);
  edit(big, bulkEdits);
  // Before and after on a sample of the zones, in this run: rdns as it was (terraform show
  // -json per stack with changes, Go's default GOGC=100), the summary from the plan's -json
  // stream alone, and with rdns's GOGC for terraform and the provider.
  const compare = Array.from({ length: COMPARE_ZONES }, (_, i) => stackOf(i)).flatMap((s) => ['--stack', s]);
  const variants = [
    ['state pull + show -json, GOGC=100 (before)', { RDNS_PLAN_READ: 'terraform', GOGC: '100' }],
    ['plan -json stream, GOGC=100', { GOGC: '100' }],
    [`plan -json stream, GOGC=${process.env.GOGC || TERRAFORM_GOGC} (after)`, {}],
  ];
  const compared = [];
  for (const [label, extraEnv] of variants) {
    const r = await rdns(`rdns plan of ${COMPARE_ZONES} of the zones, ${label}`, big, ['plan', ...compare, '--format', 'json'], { extraEnv });
    if (r.json.summary.changed !== COMPARE_ZONES * 10) throw new Error(`bench: expected ${COMPARE_ZONES * 10} changed PTRs, got ${r.json.summary.changed}`);
    compared.push([label, r, JSON.stringify(r.json.stacks.map(({ apiCalls: _calls, ...rest }) => rest))]);
  }
  const same = compared.every(([, , j]) => j === compared[0][2]);
  // Per zone without the first inits of zones the setup did not plan (they fall to the first variant).
  for (const [label, r] of compared) figure(`2. ${COMPARE_ZONES} zones, ${label}: ${fmt((r.tfCpuSeconds - r.initCpuSeconds) / COMPARE_ZONES, 2)} s terraform+provider CPU per zone (inits apart), ${fmt(r.seconds, 1)} s wall, ${fmt(r.rssMb, 0)} MB peak RSS; ${r.breakdown}`);
  figure(`2. the ${compared.length} plans of those zones are ${same ? 'identical' : 'NOT IDENTICAL'} in PTR terms`);
  if (!same) throw new Error('bench: the plan summaries differ');
  const bulkPlan = await rdns(`rdns plan of ${BULK_ZONES} zones`, big, ['plan', '--changed-since', 'HEAD', '--format', 'json']);
  if (bulkPlan.json.summary.changed !== BULK_ZONES * 10) throw new Error(`bench: expected ${BULK_ZONES * 10} changed PTRs, got ${bulkPlan.json.summary.changed}`);
  figure(`2. plan, ${BULK_ZONES * 10} PTRs over ${BULK_ZONES} zones: ${fmt(bulkPlan.seconds, 0)} s wall, ${fmt(bulkPlan.cpuSeconds, 0)} s CPU all (${fmt(bulkPlan.tfCpuSeconds, 0)} s terraform+provider), ${fmt(bulkPlan.rssMb, 0)} MB peak RSS, ${bulkPlan.route53} Route 53 calls (${bulkPlan.throttled} throttled); ${bulkPlan.breakdown}`);
  report(`   plan of ${BULK_ZONES * 10} PTRs over ${BULK_ZONES} zones (wall s)`, bulkPlan.seconds, 's', 180);
  // Two samples of zones, applied two ways in this run: record by record by Terraform (as rdns
  // did before, RDNS_APPLY_BATCH=off: the baseline) and in Route 53 change batches (now).
  const applySample = async (label, first, extraEnv) => {
    const sample = Array.from({ length: APPLY_SAMPLE }, (_, i) => stackOf(first + i));
    await rdns(`rdns plan --stack of ${APPLY_SAMPLE} of them (to apply a sample, ${label})`, big, ['plan', ...sample.flatMap((s) => ['--stack', s]), '--format', 'json']);
    const r = await rdns(`rdns apply of ${APPLY_SAMPLE} zones (${APPLY_SAMPLE * 10} PTRs), ${label}`, big, ['apply', '--format', 'json'], { extraEnv });
    const changedPtrs = APPLY_SAMPLE * 10;
    const perRecord = r.route53 / changedPtrs;
    // Without the throttled requests (each retried): what the apply needs at least per record.
    const perRecordUnthrottled = (r.route53 - r.throttled) / changedPtrs;
    const projectedCalls = perRecord * BULK_ZONES * 10;
    const reported = r.json?.callsPerRecord;
    figure(
      `2. apply ${label}, ${APPLY_SAMPLE} of ${BULK_ZONES} zones measured: ${fmt(r.cpuSeconds, 1)} s CPU all, ${fmt(r.seconds, 0)} s wall, ${callText(r.answered)} (${r.throttled} throttled); ${fmt(perRecord, 2)} Route 53 calls per changed PTR, ${fmt(perRecordUnthrottled, 2)} without the throttled ones${reported ? ` (rdns reported ${fmt(reported.withRetries, 2)} / ${fmt(reported.withoutRetries, 2)})` : ''} → ${BULK_ZONES} zones: ≈ ${fmt(projectedCalls, 0)} calls, ≈ ${fmt((r.cpuSeconds * BULK_ZONES) / APPLY_SAMPLE, 0)} s CPU, projected apply wall ≥ ${fmt(projectedCalls / RATE / 60, 1)} min at ${RATE} requests/s (measured sample: ${fmt(r.seconds, 0)} s for ${changedPtrs} PTRs)`,
    );
    return { r, perRecord, perRecordUnthrottled, projectedCalls };
  };
  const perRecordApply = await applySample('record by record (RDNS_APPLY_BATCH=off, before)', 0, { RDNS_APPLY_BATCH: 'off' });
  const batchedApply = await applySample('in change batches (now)', APPLY_SAMPLE, {});
  const batchedStacks = Object.keys(batchedApply.r.json?.batched ?? {}).length;
  if (batchedStacks !== APPLY_SAMPLE) throw new Error(`bench: ${batchedStacks} of ${APPLY_SAMPLE} stacks were applied in change batches`);
  report('   apply: Route 53 API calls per changed PTR, throttled retries included', batchedApply.perRecord, 'calls', 3);
  console.log(`   apply: Route 53 API calls per changed PTR without the throttled retries: ${fmt(batchedApply.perRecordUnthrottled, 2)} calls (record by record: ${fmt(perRecordApply.perRecordUnthrottled, 2)})`);
  console.log(figure(`   apply calls per changed PTR, batched / record by record: ${fmt(batchedApply.perRecord / perRecordApply.perRecord, 2)}× (${fmt(batchedApply.perRecord, 2)} / ${fmt(perRecordApply.perRecord, 2)}); CPU ${fmt(batchedApply.r.cpuSeconds / perRecordApply.r.cpuSeconds, 2)}×; wall ${fmt(batchedApply.r.seconds / perRecordApply.r.seconds, 2)}×`));
  console.log(figure(`   projected apply wall of ${BULK_ZONES * 10} PTRs at ${RATE} requests/s: ≥ ${fmt(batchedApply.projectedCalls / RATE / 60, 1)} min (record by record: ≥ ${fmt(perRecordApply.projectedCalls / RATE / 60, 1)} min)`));
  git(big, 'checkout', '-q', '--', '.');
  }

  if (PARTS.has('3')) {
  console.log('\n3. the whole /16 from empty (256 zones × 256 PTRs), from zone 0 planned and applied in the setup');
  const zoneRecords = 256;
  const planCalls = emptyPlan.route53;
  const applyCalls = emptyApply.route53;
  // One job: rdns loads and synthesizes once (its own CPU, measured with one zone: a lower bound), Terraform runs per zone.
  const oneJob = {
    cpu: emptyPlan.tfCpuSeconds * 256 + (emptyPlan.cpuSeconds - emptyPlan.tfCpuSeconds),
    applyCpu: emptyApply.tfCpuSeconds * 256 + (emptyApply.cpuSeconds - emptyApply.tfCpuSeconds),
  };
  figure(
    `3. per zone of ${zoneRecords} PTRs from empty: plan ${fmt(emptyPlan.tfCpuSeconds, 1)} s terraform+provider CPU (+ ${fmt(emptyPlan.cpuSeconds - emptyPlan.tfCpuSeconds, 1)} s rdns: load and synth of the /16), ${planCalls} Route 53 calls; apply ${fmt(emptyApply.tfCpuSeconds, 1)} s terraform+provider CPU, ${fmt(emptyApply.seconds, 0)} s wall unthrottled, ${callText(emptyApply.answered)} (${fmt(applyCalls / zoneRecords, 2)} per PTR)`,
  );
  figure(
    `3. one job, 256 zones: plan ≈ ${fmt(oneJob.cpu / 60, 0)} min CPU, apply ≈ ${fmt(oneJob.applyCpu / 60, 0)} min CPU; ≈ ${fmt(((planCalls + applyCalls) * 256) / 1000, 0)}k Route 53 calls → ≥ ${fmt(((planCalls + applyCalls) * 256) / RATE / 3600, 1)} h wall at ${RATE} requests/s (apply alone ≥ ${fmt((applyCalls * 256) / RATE / 3600, 1)} h)`,
  );
  figure(
    `3. 256-job matrix (one zone per job, each loading the /16): plan ≈ ${fmt((emptyPlan.cpuSeconds * 256) / 60, 0)} min CPU over all jobs, apply ≈ ${fmt((emptyApply.cpuSeconds * 256) / 60, 0)} min CPU; the same Route 53 calls share the account's ${RATE} requests/s: ≥ ${fmt(((planCalls + applyCalls) * 256) / RATE / 3600, 1)} h wall however many runners`,
  );

  }

  if (PARTS.has('4')) {
  console.log('\n4. drift: a PTR changed and one added outside git, in the applied one-PTR zone');
  const smallZone = fake.zonesNamed('2.0.192.in-addr.arpa.')[0];
  fake.setRateLimit(undefined);
  smallZone.records.set(recordKey('1.2.0.192.in-addr.arpa.', 'PTR'), { name: '1.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 3600, values: ['changed-outside.example.net.'] });
  smallZone.records.set(recordKey('99.2.0.192.in-addr.arpa.', 'PTR'), { name: '99.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 3600, values: ['added-outside.example.net.'] });
  fake.setRateLimit(RATE);
  const drift = await rdns('rdns plan (pull request: no refresh, the live check)', small, ['plan', '--format', 'json'], { allowFail: true });
  const driftText = `${drift.stdout}\n${drift.stderr}`;
  const names = (t) => ['1.2.0.192.in-addr.arpa', '99.2.0.192.in-addr.arpa'].map((n) => t.includes(n) || t.includes(n.split('.').slice(0, 4).reverse().join('.')));
  const [changedSeen, addedSeen] = names(driftText);
  figure(`4. drift, plan without refresh: exit ${drift.status}; names the changed PTR (192.0.2.1): ${changedSeen ? 'yes' : 'NO'}; names the added PTR (192.0.2.99): ${addedSeen ? 'yes' : 'NO'}`);
  const refreshed = await rdns('rdns plan --refresh', small, ['plan', '--refresh', '--format', 'json'], { allowFail: true });
  const [changedShown, addedShown] = names(`${refreshed.stdout}\n${refreshed.stderr}`);
  figure(`4. drift, plan --refresh: exit ${refreshed.status}; shows the changed PTR: ${changedShown ? 'yes' : 'NO'}; shows the added PTR: ${addedShown ? 'yes' : 'NO'}`);
  if (drift.status === 0 || !changedSeen || !addedSeen) console.log(`   OVER TARGET: drift must fail the plan naming both\n${driftText.split('\n').slice(0, 30).join('\n')}`);
  if (!changedShown || !addedShown) console.log(`   OVER TARGET: the refreshed plan must show both\n${refreshed.stdout.split('\n').slice(0, 30).join('\n')}\n${refreshed.stderr.split('\n').slice(0, 10).join('\n')}`);
  }

  console.log(`\nfigures (terraform ${tfVersion}):\n${figures.join('\n')}`);
  if (fake.unknownRequests().length > 0) console.log(`stand-in saw requests it does not implement:\n${fake.unknownRequests().map((r) => `${r.method} ${r.path}`).join('\n')}`);
} finally {
  await fake.close();
  rmSync(work, { recursive: true, force: true });
}
