/**
 * How rdns drives Terraform, with a stand-in `terraform` (a shell script that logs every
 * call with its start and end): which processes a plan starts, that inits never overlap,
 * when -refresh=false is used, and the order and concurrency of applies. The real Terraform
 * runs in plan-apply.test.ts; this file checks the scheduling exactly and in a second.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEnvironment, applyStacks, hasLiveCheck, planStacks, TERRAFORM_GOGC, terraformEnvironment, zoneInside, type PlanTarget } from '../../src/terraform/run-stacks.js';

// Logs "<start|end> <stack folder> <args>" with a sequence number taken under a lock, so the
// test can tell which calls overlapped. init writes a lock file, as Terraform does.
const FAKE = `#!/bin/bash
stack=$(basename "$PWD")
log() { ( flock 9; echo "$1 $stack $ARGS" >> "$FAKE_LOG" ) 9>>"$FAKE_LOG.lock"; }
ARGS="$*"
# FAKE_BARRIER=N: a plan or apply waits (at most 5 s) until N of its kind have started, so a
# test sees calls overlap exactly when rdns runs them at the same time.
barrier() { for _ in $(seq 50); do [ "$(grep -c "^start .* $1" "$FAKE_LOG")" -ge "\${FAKE_BARRIER:-0}" ] && return; sleep 0.1; done; }
case "$1" in
  version) echo '{"terraform_version":"9.9.9"}'; exit 0;;
  init) [ -e .terraform.lock.hcl ] && ARGS="$ARGS with-lock-file"; log start; sleep 0.2; echo 'lock' > .terraform.lock.hcl; mkdir -p "$TF_DATA_DIR/providers"; log end; exit 0;;
  plan) log start; barrier plan; [ -e stream.jsonl ] && cat stream.jsonl; [ -e applied-meanwhile ] && cp applied-meanwhile "$(cat state-path 2>/dev/null || echo state.json)"; log end; [ -e changes ] && exit 2; exit 0;;
  show) log start; echo '{"resource_changes":[]}'; exit 0;;
  state) log start; [ -e state.json ] && cat state.json; exit 0;;
  apply) ARGS="$ARGS retry-mode=\${AWS_RETRY_MODE:-unset}"; log start; barrier apply; log end; [ -e fail ] && { echo "Error: apply of $stack failed" >&2; exit 1; }; exit 0;;
esac
exit 3
`;

let work: string;
let bin: string;
let logFile: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rdns-run-stacks-'));
  bin = join(work, 'terraform');
  writeFileSync(bin, FAKE);
  chmodSync(bin, 0o755);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh output folder with `names` synthesized as stacks (cdk.tf.json = `tf(name)`). */
function outdir(names: readonly string[], tf: (name: string) => unknown = () => ({ terraform: { required_providers: { aws: { version: '~> 5.100' } } } })): { out: string; targets: PlanTarget[] } {
  const out = mkdtempSync(join(work, 'out-'));
  logFile = join(out, 'calls.log');
  writeFileSync(logFile, '');
  const targets = names.map((stack) => {
    const dir = join(out, 'stacks', stack);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(tf(stack)));
    return { stack, zone: `${stack}.in-addr.arpa.`, dir };
  });
  return { out, targets };
}

const calls = (): string[][] => readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' '));
/** The most calls of `command` running at one time. */
function maxOverlap(command: string): number {
  let running = 0;
  let max = 0;
  for (const [edge, , cmd] of calls()) {
    if (cmd !== command) continue;
    running += edge === 'start' ? 1 : -1;
    max = Math.max(max, running);
  }
  return max;
}

const options = (out: string, parallel = 4, barrier = 0) => ({ binary: bin, env: { ...process.env, TF_PLUGIN_CACHE_DIR: join(out, 'cache'), FAKE_LOG: logFile, FAKE_BARRIER: String(barrier) }, parallel, version: '9.9.9' });

describe('planStacks', () => {
  it('runs init once per stack, never two at a time, while plans run in parallel; a second plan runs no init', async () => {
    const { out, targets } = outdir(['a', 'b', 'c', 'd', 'e', 'f']);
    const first = await planStacks(targets, options(out, 4, 2));
    expect(first.map((p) => [p.stack, p.status])).toEqual(targets.map((t) => [t.stack, 'ok']));
    expect(calls().filter(([e, , c]) => e === 'start' && c === 'init').map(([, s]) => s).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(maxOverlap('init')).toBe(1);
    expect(maxOverlap('plan')).toBeGreaterThan(1);
    // Only the first init writes the plugin cache: the others start from its lock file, so
    // Terraform links the cached provider instead of replacing it under running plans.
    const inits = calls().filter(([e, , c]) => e === 'start' && c === 'init');
    expect(inits.filter((l) => !l.includes('with-lock-file'))).toHaveLength(1);
    expect(readFileSync(join(out, 'cache', '.rdns-locks', readdirSync(join(out, 'cache', '.rdns-locks'))[0]!), 'utf8')).toBe('lock\n');
    // Synth replaces the stack folders (the lock file goes with them); the data folder stays.
    for (const t of targets) rmSync(join(t.dir, '.terraform.lock.hcl'));
    writeFileSync(logFile, '');
    await planStacks(targets, options(out));
    expect(calls().filter(([, , c]) => c === 'init')).toEqual([]);
    expect(calls().filter(([e, , c]) => e === 'start' && c === 'plan')).toHaveLength(6);
    // …and Terraform finds the lock file the first init wrote.
    for (const t of targets) expect(readFileSync(join(t.dir, '.terraform.lock.hcl'), 'utf8')).toBe('lock\n');
    // Each stack has its own data folder (TF_DATA_DIR) outside stacks/.
    expect(readFileSync(join(out, 'terraform-data', 'a', 'rdns-init.json'), 'utf8')).toMatch(/"key":"[0-9a-f]{64}"/);
  });

  it('runs init again for a stack whose terraform block changed (provider constraint or backend), and only for it', async () => {
    const { out, targets } = outdir(['a', 'b']);
    await planStacks(targets, options(out));
    writeFileSync(join(targets[1]!.dir, 'cdk.tf.json'), JSON.stringify({ terraform: { required_providers: { aws: { version: '~> 5.101' } } } }));
    writeFileSync(logFile, '');
    await planStacks(targets, options(out));
    expect(calls().filter(([e, , c]) => e === 'start' && c === 'init').map(([, s]) => s)).toEqual(['b']);
  });

  it('plans with -refresh=false only where the stack renders the live check of its zone, and never under refresh: full', async () => {
    const check = { data: { aws_route53_records: { live_zone: { zone_id: 'Z1', lifecycle: { postcondition: [{ condition: 'true', error_message: 'drift' }] } } } } };
    const { out, targets } = outdir(['checked', 'unchecked'], (name) => ({ terraform: {}, ...(name === 'checked' ? check : { data: { aws_route53_records: { live_zone: { zone_id: 'Z1' } } } }) }));
    const plans = await planStacks(targets, options(out));
    expect(plans.map((p) => [p.stack, p.refresh])).toEqual([
      ['checked', 'live-check'],
      ['unchecked', 'full'],
    ]);
    const planArgs = (): Record<string, boolean> => Object.fromEntries(calls().filter(([e, , c]) => e === 'start' && c === 'plan').map(([, s, ...args]) => [s, args.includes('-refresh=false')]));
    expect(planArgs()).toEqual({ checked: true, unchecked: false });
    writeFileSync(logFile, '');
    await planStacks(targets, { ...options(out), refresh: 'full' });
    expect(planArgs()).toEqual({ checked: false, unchecked: false });
  });

  it('hands each stack\'s state and its refresh mode to the renderer after init and before plan; an error fails only that stack', async () => {
    const check = { data: { aws_route53_records: { live: { lifecycle: { postcondition: [{ condition: 'true', error_message: 'x' }] } } } } };
    const { out, targets } = outdir(['a', 'b'], (name) => ({ terraform: {}, ...(name === 'a' ? check : {}) }));
    writeFileSync(join(targets[0]!.dir, 'state.json'), '{"version":4,"resources":[{"type":"aws_route53_records_exclusive","name":"records_a"}]}');
    const seen: Record<string, [unknown, boolean]> = {};
    const plans = await planStacks(targets, {
      ...options(out),
      beforePlan: (t, state, refresh) => {
        seen[t.stack] = [state, refresh];
        return t.stack === 'b' ? 'cannot migrate b' : undefined;
      },
    });
    expect(seen).toEqual({ a: [{ version: 4, resources: [{ type: 'aws_route53_records_exclusive', name: 'records_a' }] }, false], b: [undefined, true] });
    expect(plans.map((p) => [p.stack, p.status, p.error])).toEqual([
      ['a', 'ok', undefined],
      ['b', 'error', 'cannot migrate b'],
    ]);
    const order = calls().filter(([e]) => e === 'start').map(([, s, c]) => `${s} ${c}`);
    expect(order.indexOf('a state')).toBeGreaterThan(order.indexOf('a init'));
    expect(order.indexOf('a plan')).toBeGreaterThan(order.indexOf('a state'));
    expect(order).not.toContain('b plan');
  });

  it('reads a local backend\'s state file itself (no terraform state pull), and asks Terraform for any other state', async () => {
    const local = (path: string) => ({ terraform: { backend: { local: { path } } } });
    const { out, targets } = outdir(['v4', 'none', 'v3', 's3'], (name) => (name === 's3' ? { terraform: { backend: { s3: { bucket: 'b', key: 'k' } } } } : local(join(work, `${name}-${process.pid}.tfstate`))));
    writeFileSync(join(work, `v4-${process.pid}.tfstate`), '{"version":4,"serial":3,"resources":[{"mode":"managed","type":"aws_route53_zone","name":"z"}]}');
    writeFileSync(join(work, `v3-${process.pid}.tfstate`), '{"version":3,"modules":[]}');
    writeFileSync(join(targets[2]!.dir, 'state.json'), '{"version":4,"resources":[]}');
    const seen: Record<string, unknown> = {};
    await planStacks(targets, { ...options(out), beforePlan: (t, state) => void (seen[t.stack] = state) });
    expect(seen).toEqual({ v4: { version: 4, serial: 3, resources: [{ mode: 'managed', type: 'aws_route53_zone', name: 'z' }] }, none: undefined, v3: { version: 4, resources: [] }, s3: undefined });
    expect(calls().filter(([e, , c]) => e === 'start' && c === 'state').map(([, s]) => s).sort()).toEqual(['s3', 'v3']);
  });

  it('reads a plan with changes from its -json stream, the state and the stack\'s JSON; asks terraform show where the state changed meanwhile or a refresh ran', async () => {
    const check = { data: { aws_route53_records: { live: { lifecycle: { postcondition: [{ condition: 'true', error_message: 'x' }] } } } } };
    const record = { name: '1.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 3600, records: ['new.example.com.'], zone_id: 'Z1' };
    const s3 = { s3: { bucket: 'b', key: 'k' } };
    const { out, targets } = outdir(['quiet', 'applied', 'remote-quiet', 'remote-applied'], (name) => ({ terraform: { backend: name.startsWith('remote') ? s3 : { local: { path: join(work, `${name}-${process.pid}-s.tfstate`) } } }, ...check, resource: { aws_route53_record: { r: record } } }));
    const state = (serial: number) => JSON.stringify({ version: 4, serial, lineage: 'l', resources: [{ mode: 'managed', type: 'aws_route53_record', name: 'r', instances: [{ attributes: { ...record, name: '1.2.0.192.in-addr.arpa', records: ['old.example.com.'] } }] }] });
    const stream = [
      { type: 'planned_change', change: { resource: { addr: 'aws_route53_record.r', module: '', resource_type: 'aws_route53_record', resource_name: 'r', resource_key: null }, action: 'update' } },
      { type: 'change_summary', changes: { add: 0, change: 1, import: 0, remove: 0, operation: 'plan' } },
    ].map((m) => JSON.stringify(m)).join('\n');
    for (const t of targets) {
      writeFileSync(join(work, `${t.stack}-${process.pid}-s.tfstate`), state(1));
      writeFileSync(join(t.dir, 'state.json'), state(1));
      writeFileSync(join(t.dir, 'stream.jsonl'), `${stream}\n`);
      writeFileSync(join(t.dir, 'changes'), '');
    }
    writeFileSync(join(targets[1]!.dir, 'applied-meanwhile'), state(2));
    writeFileSync(join(targets[1]!.dir, 'state-path'), join(work, `applied-${process.pid}-s.tfstate`));
    writeFileSync(join(targets[3]!.dir, 'applied-meanwhile'), state(2));
    const plans = await planStacks(targets, { ...options(out), beforePlan: () => undefined });
    const read = [{ name: '1.2.0.192.in-addr.arpa.', type: 'PTR', ip: '192.0.2.1', old: { ttl: 3600, values: ['old.example.com.'] }, new: { ttl: 3600, values: ['new.example.com.'] } }];
    // The fake `show` reads an empty plan: what rdns reports where it asked show.
    expect(plans.map((p) => [p.stack, p.records.changed])).toEqual([
      ['quiet', read],
      ['applied', []],
      ['remote-quiet', read],
      ['remote-applied', []],
    ]);
    const shown = () => calls().filter(([e, , c]) => e === 'start' && c === 'show').map(([, s]) => s).sort();
    expect(shown()).toEqual(['applied', 'remote-applied']);
    // A remote state is pulled before the plan and again after it; a local one is read as a file.
    expect(calls().filter(([e, , c]) => e === 'start' && c === 'state').map(([, s]) => s).sort()).toEqual(['remote-applied', 'remote-applied', 'remote-quiet', 'remote-quiet']);
    writeFileSync(logFile, '');
    await planStacks(targets.slice(0, 1), { ...options(out), refresh: 'full', beforePlan: () => undefined });
    expect(shown()).toEqual(['quiet']);
  });

  it('recognises the live check in both lifecycle forms Terraform JSON allows', () => {
    const post = { postcondition: [{ condition: 'true', error_message: 'x' }] };
    expect(hasLiveCheck({ data: { aws_route53_records: { z: { lifecycle: post } } } })).toBe(true);
    expect(hasLiveCheck({ data: { aws_route53_records: { z: { lifecycle: [post] } } } })).toBe(true);
    expect(hasLiveCheck({ data: { aws_route53_records: { z: { lifecycle: { postcondition: [] } } } } })).toBe(false);
    expect(hasLiveCheck({ data: { aws_route53_zone: { z: { lifecycle: post } } } })).toBe(false);
    expect(hasLiveCheck({})).toBe(false);
  });
});

describe('applyStacks', () => {
  const applyOf = (names: readonly string[], zones: Record<string, string>) => {
    const { out, targets } = outdir(names);
    for (const t of targets) writeFileSync(join(t.dir, 'tfplan'), '');
    return { out, targets: targets.map((t) => ({ ...t, zone: zones[t.stack]! })) };
  };
  const ZONES = {
    child: '0-25.113.0.203.in-addr.arpa.',
    parent: '113.0.203.in-addr.arpa.',
    v4: '2.0.192.in-addr.arpa.',
    v6: '0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    other: '100.51.198.in-addr.arpa.',
  };

  it('applies independent zones at once (bounded), an RFC 2317 child before its parent, with -parallelism raised', async () => {
    const { out, targets } = applyOf(['child', 'parent', 'v4', 'v6', 'other'], ZONES);
    const r = await applyStacks(targets, options(out, 3, 3));
    expect(r).toMatchObject({ applied: ['child', 'parent', 'v4', 'v6', 'other'], skipped: [] });
    expect(r.failed).toBeUndefined();
    const log = calls();
    const at = (edge: string, s: string) => log.findIndex(([e, st]) => e === edge && st === s);
    expect(at('end', 'child')).toBeLessThan(at('start', 'parent'));
    expect(maxOverlap('apply')).toBe(3);
    expect(log.filter(([e]) => e === 'start').every((l) => l.includes('-parallelism=32'))).toBe(true);
  });

  it('applies in the AWS SDK\'s adaptive retry mode (client-side rate limiting once Route 53 throttles), unless the operator chose a mode', async () => {
    const { out, targets } = applyOf(['v4', 'v6'], ZONES);
    const base = options(out, 2);
    const env: Record<string, string | undefined> = { ...base.env, AWS_RETRY_MODE: undefined };
    expect((await applyStacks(targets, { ...base, env })).applied).toEqual(['v4', 'v6']);
    expect(calls().filter(([e]) => e === 'start').map((l) => l.at(-1))).toEqual(['retry-mode=adaptive', 'retry-mode=adaptive']);
    writeFileSync(logFile, '');
    expect((await applyStacks(targets, { ...base, env: { ...env, AWS_RETRY_MODE: 'standard' } })).applied).toEqual(['v4', 'v6']);
    expect(calls().filter(([e]) => e === 'start').map((l) => l.at(-1))).toEqual(['retry-mode=standard', 'retry-mode=standard']);
    // The rest of the environment is passed on as it is.
    expect(applyEnvironment({ HOME: '/h' })).toEqual({ HOME: '/h', AWS_RETRY_MODE: 'adaptive' });
  });

  it('stops at the first failure: stacks not started are reported as not applied, a parent of a failed child never starts', async () => {
    const { out, targets } = applyOf(['child', 'parent', 'v4'], ZONES);
    writeFileSync(join(targets[0]!.dir, 'fail'), '');
    const r = await applyStacks(targets, options(out, 1));
    expect(r).toMatchObject({ applied: [], failed: { stack: 'child', error: 'Error: apply of child failed' }, skipped: ['parent', 'v4'] });
    expect(r.alsoFailed).toBeUndefined();
    expect(calls().filter(([e]) => e === 'start').map(([, s]) => s)).toEqual(['child']);
  });

  it('lets applies already running finish when another fails, and reports every failure', async () => {
    const { out, targets } = applyOf(['v4', 'v6', 'other'], ZONES);
    writeFileSync(join(targets[0]!.dir, 'fail'), '');
    writeFileSync(join(targets[1]!.dir, 'fail'), '');
    const r = await applyStacks(targets, options(out, 2, 2));
    expect(r.failed?.stack).toMatch(/^v4|v6$/);
    expect([r.failed!.stack, ...(r.alsoFailed ?? []).map((f) => f.stack)].sort()).toEqual(['v4', 'v6']);
    expect(r.applied).toEqual([]);
    expect(r.skipped).toEqual(['other']);
  });

  it('knows which zone lies inside which', () => {
    expect(zoneInside('0-25.113.0.203.in-addr.arpa.', '113.0.203.in-addr.arpa.')).toBe(true);
    expect(zoneInside('113.0.203.in-addr.arpa.', '113.0.203.in-addr.arpa')).toBe(false);
    expect(zoneInside('1113.0.203.in-addr.arpa.', '113.0.203.in-addr.arpa.')).toBe(false);
    expect(zoneInside('0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.', '8.b.d.0.1.0.0.2.ip6.arpa.')).toBe(true);
  });
});

describe('terraformEnvironment', () => {
  it('points the provider at route53.endpoint through AWS_ENDPOINT_URL_ROUTE_53/STS, keeps an explicit plugin cache, sets GOGC unless set', () => {
    const out = mkdtempSync(join(work, 'env-'));
    expect(terraformEnvironment({ TF_PLUGIN_CACHE_DIR: '/cache', HOME: '/h' }, out, { endpoint: 'http://127.0.0.1:4566' })).toEqual({
      TF_PLUGIN_CACHE_DIR: '/cache',
      HOME: '/h',
      AWS_ENDPOINT_URL_ROUTE_53: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566',
      GOGC: TERRAFORM_GOGC,
    });
    expect(terraformEnvironment({}, out)).toEqual({ TF_PLUGIN_CACHE_DIR: join(out, 'plugin-cache'), GOGC: TERRAFORM_GOGC });
    // A GOGC of the user's own is theirs.
    expect(terraformEnvironment({ GOGC: '100' }, out).GOGC).toBe('100');
  });
});
