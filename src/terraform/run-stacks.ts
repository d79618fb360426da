/**
 * Runs the Terraform CLI over synthesized zone stacks: `init` (only when a stack's
 * `terraform` block changed), `plan -out` (several stacks at once, bounded) and `apply` of
 * the saved plans (independent zones at once, an RFC 2317 child before its parent),
 * stopping at the first failure. The only module that starts `terraform`.
 *
 * Each stack keeps its Terraform data (`TF_DATA_DIR`: installed providers, backend
 * settings) and its dependency lock file in `<outdir>/terraform-data/<stack>/`, which synth
 * does not replace, so a second plan of the same stack starts no `init` at all.
 *
 * The environment is passed in (the CLI reads process.env); Terraform's own output is kept
 * per stack and returned, never printed here.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { RdnsError } from '../core/errors.js';
import { diagnosticsText, failedPlan, parseUiStream, resourceChangesFromStream, summarizePlan, type DesiredResources, type StackPlan } from './plan-summary.js';
import { explainNoMatchingProvider } from './provider-versions.js';
import { apiCallLog, type ApiCalls } from './api-calls.js';
import { canonicalName } from '../core/hostname.js';
import { applyBatched, batchMinimum, batchPlanOf, stackFilesHash, type BatchPlan } from './batch-apply.js';

/** The saved plan inside each stack folder. */
export const PLAN_FILE = 'tfplan';
/** Per-stack Terraform data under the output folder (outside stacks/, which synth replaces). */
export const DATA_FOLDER = 'terraform-data';
/** Terraform's dependency lock file, in the stack folder where Terraform looks for it. */
const LOCK_FILE = '.terraform.lock.hcl';
/** What the last successful init of a stack was for (inside its data folder). */
const INIT_RECORD = 'rdns-init.json';
/** The lock file as the last init wrote it, restored into the stack folder after each synth. */
const SAVED_LOCK = 'dependency-lock.hcl';

/**
 * Per-record applies: the provider sleeps 10–30 s before it polls each change, so
 * Terraform's default of 10 at a time makes a 256-record zone take minutes of waiting.
 */
export const APPLY_PARALLELISM = 32;

/**
 * The environment of `terraform apply`: the AWS SDK's adaptive retry mode
 * (`AWS_RETRY_MODE=adaptive`) unless the operator chose a mode. Route 53 allows five
 * requests per second per account; an apply starts up to `-parallelism` record changes at
 * once in each of `parallel` stacks, each process retrying on its own, so the standard mode
 * (retry after a random backoff) sends a third of its requests into throttling. The
 * adaptive mode also limits each client's send rate once it has been throttled. Measured
 * (50 changed PTRs in 5 zones, 2 at a time, the stand-in at 5 requests/s): 7.78 Route 53
 * calls per changed record (139 of 389 throttled) → 5.92 (46 of 296), 87 s → 88 s wall.
 * Fewer record changes at once cut retries further only at a cost in wall time (4 per stack:
 * 6.16 calls per record, 153 s; adaptive and 4 per stack: 5.44, 158 s): the provider waits
 * 10–30 s before it polls each change, so wall time is mostly waiting.
 */
export function applyEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return env.AWS_RETRY_MODE ? { ...env } : { ...env, AWS_RETRY_MODE: 'adaptive' };
}

export interface TerraformOptions {
  /** Terraform binary (default `terraform` on PATH). */
  readonly binary?: string;
  /** Environment for Terraform (CLI config, credentials, plugin cache; see {@link terraformEnvironment}). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stacks planned or applied at once (each runs its own provider: ~600 MB and one core while planning). */
  readonly parallel?: number;
  /** Folder of the per-stack Terraform data (default: beside each stack's folder, `../../terraform-data`). */
  readonly dataDir?: string;
  /** Called when a stack starts and ends, for progress output. */
  readonly progress?: (event: { stack: string; step: string; done: boolean }) => void;
  /** Count the AWS API calls of each plan and apply from the provider's DEBUG log (default true; see api-calls.ts). */
  readonly countApiCalls?: boolean;
  /** rdns.yaml `route53.region`: the partition of the batched apply's own Route 53 requests. */
  readonly region?: string;
  /** rdns.yaml `route53.endpoint` is set (an emulator): the batched apply signs with the provider's dummy keys. */
  readonly emulator?: boolean;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The AWS API calls the run made, when counted. */
  readonly calls?: ApiCalls;
}

/** Runs terraform; a binary that cannot be started is an environment error (exit 2). `count`: count its AWS API calls. */
async function terraform(args: readonly string[], cwd: string | undefined, options: TerraformOptions, extraEnv: Record<string, string> = {}, count = false): Promise<Run> {
  const binary = options.binary ?? 'terraform';
  const log = count && options.countApiCalls !== false ? apiCallLog(options.env) : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd,
      env: { ...options.env, ...extraEnv, ...log?.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      log?.collect();
      reject(
        e.code === 'ENOENT'
          ? new RdnsError(`terraform not found (${binary})`, 2, 'install Terraform ≥ 1.5 and put it on PATH, or set RDNS_TERRAFORM to its path')
          : new RdnsError(`cannot run ${binary}: ${e.message}`, 2),
      );
    });
    child.on('close', (code) => {
      const calls = log?.collect();
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ...(calls ? { calls } : {}) });
    });
  });
}

/** `terraform version` — fails early (exit 2) when Terraform is missing, before any stack runs. */
export async function terraformVersion(options: TerraformOptions): Promise<string> {
  const r = await terraform(['version', '-json'], undefined, options);
  if (r.code !== 0) throw new RdnsError(`terraform version failed: ${(r.stderr || r.stdout).trim()}`, 2);
  try {
    return String((JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version ?? 'unknown');
  } catch {
    return r.stdout.trim().split('\n')[0] ?? 'unknown';
  }
}

/** Go's garbage collector target for Terraform and the provider (Go's default: 100). */
export const TERRAFORM_GOGC = '400';

/**
 * The environment rdns runs Terraform with:
 * - the provider plugin cache shared by all stacks: `TF_PLUGIN_CACHE_DIR` when set, else
 *   `<outdir>/plugin-cache` (outside stacks/, so a synth keeps it);
 * - with `route53.endpoint` (an emulator), `AWS_ENDPOINT_URL_ROUTE_53` and
 *   `AWS_ENDPOINT_URL_STS` instead of an `endpoints` block in the provider: that block is a
 *   set of 303 attributes whose validation costs the provider ≈ 5 s of CPU, twice per plan.
 *   The endpoint still hashes into every stack's fingerprint, so changing it re-plans.
 * - `GOGC={@link TERRAFORM_GOGC}` for Terraform and the provider (Go programs: the provider
 *   inherits Terraform's environment) unless `GOGC` is set: most of a plan's CPU is loading
 *   the provider's schema, which allocates heavily; collecting garbage less often saves
 *   CPU for some more memory (see docs/terraform.md for the figures).
 */
export function terraformEnvironment(env: Readonly<Record<string, string | undefined>>, outdir: string, settings: { endpoint?: string } = {}): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  if (!env.GOGC) out.GOGC = TERRAFORM_GOGC;
  if (!env.TF_PLUGIN_CACHE_DIR) {
    out.TF_PLUGIN_CACHE_DIR = join(outdir, 'plugin-cache');
    mkdirSync(out.TF_PLUGIN_CACHE_DIR, { recursive: true });
  }
  if (settings.endpoint) {
    out.AWS_ENDPOINT_URL_ROUTE_53 = settings.endpoint;
    out.AWS_ENDPOINT_URL_STS = settings.endpoint;
  }
  return out;
}

/** Terraform's message without the box drawing of its diagnostics. */
const message = (r: Run): string =>
  (r.stderr.trim() || r.stdout.trim())
    .split('\n')
    .map((l) => l.replace(/^[│╷╵]\s?/, ''))
    .join('\n')
    .trim();

export interface PlanTarget {
  readonly stack: string;
  readonly zone: string;
  /** The stack folder (cdktf.out/stacks/<stack>). */
  readonly dir: string;
}

/** The data folder of a stack: `<dataDir>/<stack>`, by default `<outdir>/terraform-data/<stack>`. */
export function stackDataDir(t: PlanTarget, options: Pick<TerraformOptions, 'dataDir'>): string {
  return join(options.dataDir ?? join(t.dir, '..', '..', DATA_FOLDER), t.stack);
}

/** The synthesized Terraform JSON of a stack. */
function stackJson(t: PlanTarget): Record<string, unknown> {
  return JSON.parse(readFileSync(join(t.dir, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;
}

/**
 * True when the stack renders the live check of its zone: a `data "aws_route53_records"`
 * with a postcondition, which reads the zone (one List call per 300 records) even under
 * `-refresh=false` and fails the plan on a record changed or added outside git. Only such a
 * stack may plan without a per-record refresh.
 */
export function hasLiveCheck(tf: Record<string, unknown>): boolean {
  const data = (tf.data as Record<string, Record<string, unknown>> | undefined)?.aws_route53_records;
  if (!data) return false;
  return Object.values(data).some((d) => {
    const lifecycle = (d as { lifecycle?: unknown }).lifecycle;
    const list = Array.isArray(lifecycle) ? lifecycle : [lifecycle];
    return list.some((l) => {
      const post = (l as { postcondition?: unknown } | undefined)?.postcondition;
      return Array.isArray(post) ? post.length > 0 : Boolean(post);
    });
  });
}

/** What an init depends on: the stack's `terraform` block (required providers, backend) and the Terraform version. */
function initKey(tf: Record<string, unknown>, version: string): string {
  return createHash('sha256').update(JSON.stringify({ terraform: tf.terraform ?? null, version })).digest('hex');
}

/**
 * Terraform does not promise a concurrency-safe plugin cache: without a lock file, every
 * `init` replaces the cache entry of the provider (measured: a new inode each time), so a
 * second init running at that moment fails ("failed to compute a checksum … lstat
 * …/plugin-cache/…/linux_amd64: no such file or directory"). So inits never overlap: one at
 * a time within this process (a promise chain) and across processes sharing the cache (an
 * exclusive lock file in the cache folder, taken over when its holder is gone); and only
 * the first init of a provider configuration writes the cache (see {@link initStack}).
 * Plans, which only read the installed provider, run in parallel.
 */
class InitLock {
  private tail: Promise<void> = Promise.resolve();

  run<T>(cacheDir: string | undefined, job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      const release = cacheDir ? await lockFile(join(cacheDir, '.rdns-init.lock')) : () => undefined;
      try {
        return await job();
      } finally {
        release();
      }
    });
    this.tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

const initLock = new InitLock();

/**
 * Runs `job` (a `terraform init` with `cacheDir` as its plugin cache) when no other init of
 * this process, and no other process holding the same lock, is using that cache. For
 * programs that run their own inits beside rdns's (the tests do).
 */
export const withPluginCacheLock = <T>(cacheDir: string | undefined, job: () => Promise<T>): Promise<T> => initLock.run(cacheDir, job);
/** A lock left by a process that still runs is waited for this long before it counts as stale. */
const STALE_LOCK_MS = 10 * 60_000;

async function lockFile(path: string): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new RdnsError(`cannot lock the Terraform plugin cache (${path}): ${(e as Error).message}`, 2);
    }
    if (staleLock(path)) {
      rmSync(path, { force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function staleLock(path: string): boolean {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false; // being written: wait
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // gone already: the next open decides
  }
}

export type InitOutcome = { readonly ran: boolean; readonly error?: string };

/**
 * Makes a stack ready to plan: when the stack's `terraform` block and the Terraform version
 * are what its last init was for, restores the dependency lock file into the (freshly
 * synthesized) stack folder and runs nothing; otherwise starts over with an empty data
 * folder (as a fresh checkout would: a changed backend is a new backend, never a state
 * migration) and runs `terraform init` under the plugin-cache lock.
 *
 * The plugin cache is written once per provider configuration: the first init of a
 * configuration (no lock file) fills the cache and leaves its dependency lock file in the
 * cache folder (`.rdns-locks/`); every later init of the same configuration starts with that
 * lock file, so Terraform only verifies and links the cached provider (≈ 1 s more CPU for the
 * checksum) and never replaces the cache entry that other stacks' plans are reading through.
 * Without it an init replaced the entry while another stack planned ("there is no package
 * for registry.terraform.io/hashicorp/aws 5.100.0 cached in …").
 */
export async function initStack(t: PlanTarget, version: string, options: TerraformOptions, tf: Record<string, unknown> = stackJson(t)): Promise<InitOutcome> {
  const data = stackDataDir(t, options);
  const key = initKey(tf, version);
  const record = join(data, INIT_RECORD);
  const lock = join(t.dir, LOCK_FILE);
  const saved = join(data, SAVED_LOCK);
  try {
    if ((JSON.parse(readFileSync(record, 'utf8')) as { key?: string }).key === key && existsSync(saved) && existsSync(join(data, 'providers'))) {
      copyFileSync(saved, lock);
      return { ran: false };
    }
  } catch {
    // no record: init
  }
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  const cache = options.env.TF_PLUGIN_CACHE_DIR || undefined;
  const shared = join(cache ?? join(data, '..'), '.rdns-locks', `${providersKey(tf, version)}.hcl`);
  const init = await initLock.run(cache, async () => {
    if (existsSync(shared)) copyFileSync(shared, lock);
    const r = await terraform(['init', '-input=false', '-no-color'], t.dir, options, { TF_DATA_DIR: data });
    if (r.code === 0 && !existsSync(shared) && existsSync(lock)) {
      mkdirSync(dirname(shared), { recursive: true });
      copyFileSync(lock, shared);
    }
    return r;
  });
  if (init.code !== 0) {
    const why = explainNoMatchingProvider(message(init), options.env, t.dir);
    return { ran: true, error: `terraform init: ${why ? `${why}\n\nTerraform said: ` : ''}${message(init)}` };
  }
  if (existsSync(lock)) copyFileSync(lock, saved);
  writeFileSync(record, `${JSON.stringify({ key })}\n`);
  return { ran: true };
}

/** A provider configuration: the stack's required providers and the Terraform version. */
function providersKey(tf: Record<string, unknown>, version: string): string {
  const required = (tf.terraform as { required_providers?: unknown } | undefined)?.required_providers ?? null;
  return createHash('sha256').update(JSON.stringify({ required, version })).digest('hex').slice(0, 32);
}

export interface PlanOptions extends TerraformOptions {
  /**
   * Filled with the batch plan of each stack whose changes the batched apply can carry out
   * (batch-apply.ts); unset: no batch plans (every apply is Terraform's, record by record).
   */
  readonly batchPlans?: Map<string, BatchPlan>;
  /** Take the state lock (default true; pull-request plans may not). */
  readonly lock?: boolean;
  /**
   * `full`: refresh every resource (rdns plan --refresh, the scheduled audit). `live-check`
   * (default): `-refresh=false` where the stack renders the live check of its zone, a full
   * refresh where it does not.
   */
  readonly refresh?: 'full' | 'live-check';
  /** `terraform version`, part of what an init is recorded for. */
  readonly version?: string;
  /** Called for each stack after its init and before its plan: see {@link BeforePlan}. */
  readonly beforePlan?: BeforePlan;
}

/**
 * Called after `terraform init` with the stack's state (`terraform state pull`: no provider
 * started; undefined when the stack has none yet) and whether the plan refreshes, before
 * `terraform plan`: a renderer writes what the state tells the plan (the live check's
 * baseline, moved / import / removed blocks for an upgraded layout, the removal of a zone
 * no longer rendered). Returns an error message to fail the stack.
 */
export type BeforePlan = (target: PlanTarget, state: unknown, refresh: boolean) => string | undefined;

/**
 * The stack's state as JSON, undefined when there is none; an error message when it cannot
 * be read. A local backend's state file (default workspace) is read directly when it holds
 * a state of format version 4, as `terraform state pull` would print it (that command costs
 * ≈ 0.5 s of CPU per stack); anything else is `terraform state pull`.
 */
export async function pullState(t: PlanTarget, options: TerraformOptions, tf?: Record<string, unknown>): Promise<{ state?: unknown; error?: string }> {
  const local = readThroughTerraform(options) ? undefined : localStateFile(t, options, tf);
  if (local !== undefined) {
    if (!existsSync(local)) return {};
    try {
      const state = JSON.parse(readFileSync(local, 'utf8')) as { version?: unknown };
      if (state.version === 4) return { state };
    } catch {
      // Terraform's to read (and to say what is wrong with it)
    }
  }
  const r = await terraform(['state', 'pull'], t.dir, options, { TF_DATA_DIR: stackDataDir(t, options) });
  if (r.code !== 0) return { error: `terraform state pull: ${message(r)}` };
  if (!r.stdout.trim()) return {};
  try {
    return { state: JSON.parse(r.stdout) };
  } catch (e) {
    return { error: `terraform state pull printed no JSON: ${(e as Error).message}` };
  }
}

/**
 * `RDNS_PLAN_READ=terraform` in the environment: the state and the plan are read through
 * Terraform everywhere (`terraform state pull`, `terraform show -json`), as rdns did before
 * it read them itself; for comparisons (the plan benchmark) and as a way around a
 * difference, should one appear.
 */
const readThroughTerraform = (options: TerraformOptions): boolean => options.env.RDNS_PLAN_READ === 'terraform';

/**
 * False when the stack's state no longer has the lineage and serial of `state` (read before
 * the plan): an apply came in between, and the plan compared with what it left. A local
 * state file is read again; any other backend is pulled again (`terraform state pull`,
 * ≈ 0.5 s of CPU: still less than `show -json`).
 */
async function stateUnchanged(t: PlanTarget, options: TerraformOptions, state: unknown, tf: Record<string, unknown>): Promise<boolean> {
  const id = (x: unknown): string => JSON.stringify([(x as { lineage?: unknown } | undefined)?.lineage, (x as { serial?: unknown } | undefined)?.serial]);
  const file = readThroughTerraform(options) ? undefined : localStateFile(t, options, tf);
  if (file !== undefined) {
    try {
      return id(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined) === id(state);
    } catch {
      return false;
    }
  }
  const again = await pullState(t, options, tf);
  return again.error === undefined && id(again.state) === id(state);
}

/**
 * The state file of a stack whose backend is `local` in the default workspace; undefined for
 * any other backend. `tf`: the stack's cdk.tf.json when the caller has parsed it already.
 */
function localStateFile(t: PlanTarget, options: TerraformOptions, tf?: Record<string, unknown>): string | undefined {
  if (options.env.TF_WORKSPACE && options.env.TF_WORKSPACE !== 'default') return undefined;
  if (!tf) {
    try {
      tf = stackJson(t);
    } catch {
      return undefined;
    }
  }
  const backend = (tf.terraform as { backend?: Record<string, unknown> } | undefined)?.backend;
  if (!backend || Object.keys(backend).length !== 1 || !('local' in backend)) return undefined;
  const settings = (backend.local ?? {}) as { path?: unknown; workspace_dir?: unknown };
  if (settings.workspace_dir !== undefined) return undefined;
  if (settings.path !== undefined && typeof settings.path !== 'string') return undefined;
  return resolve(t.dir, (settings.path as string | undefined) ?? 'terraform.tfstate');
}

/**
 * `terraform init` (when needed) then `terraform plan -json -out=tfplan` in every stack,
 * `parallel` at a time; inits never overlap (see {@link initStack}). A stack planned with
 * `-refresh=false` (its live check ran) is summarized from the plan's `-json` stream, the
 * state pulled before it and its own Terraform JSON ({@link resourceChangesFromStream});
 * `terraform show -json` (it loads the provider's schema again: ≈ 2 s of CPU) runs only
 * where that is not faithful (a refresh, an upgrade's imports and moves, anything rdns did
 * not render) or `RDNS_PLAN_READ=terraform` is set in the environment. Returns one plan per
 * stack in input order (failed stacks carry Terraform's message).
 */
export async function planStacks(targets: readonly PlanTarget[], options: PlanOptions): Promise<StackPlan[]> {
  const limit = pLimit(Math.max(1, options.parallel ?? 2));
  const planOne = async (t: PlanTarget): Promise<StackPlan> => {
    const env = { TF_DATA_DIR: stackDataDir(t, options) };
    options.progress?.({ stack: t.stack, step: 'init', done: false });
    // cdk.tf.json, parsed once: the preparation before the plan writes other files beside it.
    let tf: Record<string, unknown>;
    try {
      tf = stackJson(t);
    } catch (e) {
      return done(t, failedPlan(t.stack, t.zone, `cannot read ${join(t.dir, 'cdk.tf.json')}: ${(e as Error).message}`));
    }
    const init = await initStack(t, options.version ?? '', options, tf);
    if (init.error) return done(t, failedPlan(t.stack, t.zone, init.error));
    const refresh = options.refresh === 'full' || !hasLiveCheck(tf) ? 'full' : 'live-check';
    let pulled: { state?: unknown; error?: string } | undefined;
    if (options.beforePlan) {
      pulled = await pullState(t, options, tf);
      const error = pulled.error ?? options.beforePlan(t, pulled.state, refresh === 'full');
      if (error) return done(t, failedPlan(t.stack, t.zone, error));
    }
    options.progress?.({ stack: t.stack, step: 'plan', done: false });
    // -detailed-exitcode: 0 no changes, 2 changes, 1 error.
    const args = ['plan', '-input=false', '-no-color', '-json', '-detailed-exitcode', `-lock=${options.lock === false ? 'false' : 'true'}`, ...(refresh === 'live-check' ? ['-refresh=false'] : []), `-out=${PLAN_FILE}`];
    const plan = await terraform(args, t.dir, options, env, true);
    const messages = parseUiStream(plan.stdout);
    // `show` reads the saved plan and makes no call: the plan's calls are the stack's.
    const counted = (p: StackPlan): StackPlan => done(t, { ...p, ...(p.status === 'ok' ? { refresh } : {}), ...(plan.calls ? { apiCalls: plan.calls } : {}) });
    if (plan.code === 0) return counted(summarizePlan(t.stack, t.zone, { resource_changes: [] }));
    if (plan.code !== 2) return counted(failedPlan(t.stack, t.zone, `terraform plan: ${diagnosticsText(messages) ?? message(plan)}`));
    // The values before are the state as read before the plan: not where an apply changed it since.
    if (refresh === 'live-check' && pulled && !readThroughTerraform(options)) {
      const desired = desiredResources(t, tf);
      const changes = desired && resourceChangesFromStream(messages, pulled.state, desired);
      if (changes && desired && (await stateUnchanged(t, options, pulled.state, tf))) {
        const minimum = batchMinimum(options.env);
        const batch = options.batchPlans && minimum !== undefined ? batchPlanOf({ messages, changes, state: pulled.state, desired, files: stackFilesHash(t.dir), minimum }) : undefined;
        if (batch) options.batchPlans!.set(t.stack, batch);
        return counted(summarizePlan(t.stack, t.zone, { resource_changes: changes }));
      }
    }
    const show = await terraform(['show', '-json', PLAN_FILE], t.dir, options, env);
    if (show.code !== 0) return counted(failedPlan(t.stack, t.zone, `terraform show: ${message(show)}`));
    let json: unknown;
    try {
      json = JSON.parse(show.stdout);
    } catch (e) {
      return counted(failedPlan(t.stack, t.zone, `terraform show -json printed no JSON: ${(e as Error).message}`));
    }
    return counted(summarizePlan(t.stack, t.zone, json));
  };
  const done = (t: PlanTarget, p: StackPlan): StackPlan => {
    options.progress?.({ stack: t.stack, step: p.status !== 'ok' ? 'failed' : p.refresh === 'live-check' ? 'planned (live check, -refresh=false)' : 'planned', done: true });
    return p;
  };
  return Promise.all(targets.map((t) => limit(() => planOne(t))));
}

/**
 * The `resource` blocks of every Terraform JSON file of a stack (`*.tf.json`: the synth
 * output `tf`, already parsed, and what was written from the state), by type and name; a
 * name in two files is left out (Terraform rejects the duplicate anyway), so its plan is
 * read with `show`. Undefined when a file cannot be read as JSON.
 */
function desiredResources(t: PlanTarget, tf: Record<string, unknown>): DesiredResources | undefined {
  type Blocks = Record<string, Record<string, Record<string, unknown>>>;
  const out: Blocks = {};
  const twice: [type: string, name: string][] = [];
  for (const f of readdirSync(t.dir).filter((n) => n.endsWith('.tf.json')).sort()) {
    let blocks: Blocks;
    try {
      blocks = ((f === 'cdk.tf.json' ? tf : JSON.parse(readFileSync(join(t.dir, f), 'utf8'))) as { resource?: Blocks }).resource ?? {};
    } catch {
      return undefined;
    }
    for (const [type, byName] of Object.entries(blocks)) {
      for (const [name, body] of Object.entries(byName)) {
        if (out[type]?.[name]) twice.push([type, name]);
        (out[type] ??= {})[name] = body;
      }
    }
  }
  for (const [type, name] of twice) delete out[type]![name];
  return out;
}

export interface ApplyResult {
  /** Stacks applied, in the order given. */
  readonly applied: readonly string[];
  /** The first stack whose apply failed, with Terraform's message. */
  readonly failed?: { readonly stack: string; readonly error: string };
  /** Other stacks that were already applying when the first failed, and failed too. */
  readonly alsoFailed?: readonly { readonly stack: string; readonly error: string }[];
  /** Stacks not applied because an earlier one failed (never started). */
  readonly skipped: readonly string[];
  /** The AWS API calls of each stack's apply (the failed ones' too), where counted. */
  readonly apiCalls: Readonly<Record<string, ApiCalls>>;
  /** Stacks applied in Route 53 change batches (batch-apply.ts): batches, record sets, and what the reconciling apply changed itself. */
  readonly batched: Readonly<Record<string, { readonly batches: number; readonly records: number; readonly extra: number }>>;
  /** Stacks whose plan was saved for a batched apply but were applied by Terraform record by record, and why. */
  readonly fallbacks: Readonly<Record<string, string>>;
}

export interface ApplyOptions extends TerraformOptions {
  /** The batch plans `rdns plan` saved, by stack: those stacks are applied in change batches (others: Terraform's apply of the saved plan). */
  readonly batchPlans?: Readonly<Record<string, BatchPlan>>;
}

/** True when `child` is a zone strictly inside `parent` (`0-25.113.0.203.in-addr.arpa.` in `113.0.203.in-addr.arpa.`). */
export function zoneInside(child: string, parent: string): boolean {
  const c = canonicalName(child);
  const p = canonicalName(parent);
  return c !== p && c.endsWith(`.${p}`);
}

/**
 * Applies the saved plan of each stack, `parallel` zones at once. A zone waits for every
 * zone inside it (an RFC 2317 child before its parent, so the parent's CNAMEs never point
 * at a zone that does not exist yet); other zones are independent. At the first failure no
 * further stack starts: those already running finish, and the result says what was and was
 * not applied. Each apply runs with `-parallelism={@link APPLY_PARALLELISM}` in the
 * environment of {@link applyEnvironment} (the SDK's adaptive retry mode).
 */
export async function applyStacks(targets: readonly PlanTarget[], options: ApplyOptions): Promise<ApplyResult> {
  const parallel = Math.max(1, options.parallel ?? 2);
  const waitsFor = new Map(targets.map((t) => [t.stack, targets.filter((o) => zoneInside(o.zone, t.zone)).map((o) => o.stack)]));
  const applied = new Set<string>();
  const started = new Set<string>();
  const failures: { stack: string; error: string }[] = [];
  const apiCalls: Record<string, ApiCalls> = {};
  const batched: Record<string, ApplyResult['batched'][string]> = {};
  const fallbacks: Record<string, string> = {};
  const applyOne = async (t: PlanTarget): Promise<void> => {
    options.progress?.({ stack: t.stack, step: 'apply', done: false });
    let error: string | undefined;
    const batchPlan = options.batchPlans?.[t.stack];
    let viaTerraform = true;
    if (!existsSync(join(t.dir, PLAN_FILE))) error = `no saved plan in ${t.dir} (run rdns plan first)`;
    else if (batchPlan) {
      try {
        const r = await applyBatchedStack(t, batchPlan, options);
        if ('fallback' in r) fallbacks[t.stack] = r.fallback;
        else {
          viaTerraform = false;
          apiCalls[t.stack] = r.calls;
          batched[t.stack] = { batches: r.batches, records: r.records, extra: r.extra };
          error = r.error;
          // The saved plan is spent either way once a batch went through: the state moved on.
          if (r.batches > 0) rmSync(join(t.dir, PLAN_FILE), { force: true });
        }
      } catch (e) {
        viaTerraform = false;
        error = (e as Error).message;
      }
    }
    if (error === undefined && viaTerraform) {
      try {
        const r = await terraform(['apply', '-input=false', '-no-color', '-auto-approve', `-parallelism=${APPLY_PARALLELISM}`, PLAN_FILE], t.dir, { ...options, env: applyEnvironment(options.env) }, { TF_DATA_DIR: stackDataDir(t, options) }, true);
        if (r.calls) apiCalls[t.stack] = r.calls;
        if (r.code !== 0) error = message(r);
      } catch (e) {
        error = (e as Error).message;
      }
    }
    if (error !== undefined) {
      failures.push({ stack: t.stack, error });
      options.progress?.({ stack: t.stack, step: 'failed', done: true });
    } else {
      applied.add(t.stack);
      options.progress?.({ stack: t.stack, step: 'applied', done: true });
    }
  };
  await new Promise<void>((resolve) => {
    const running = new Set<string>();
    const pump = (): void => {
      if (failures.length === 0) {
        for (const t of targets) {
          if (running.size >= parallel) break;
          if (started.has(t.stack) || !waitsFor.get(t.stack)!.every((s) => applied.has(s))) continue;
          started.add(t.stack);
          running.add(t.stack);
          void applyOne(t).then(() => {
            running.delete(t.stack);
            pump();
          });
        }
      }
      if (running.size === 0) resolve();
    };
    pump();
  });
  const [failed, ...alsoFailed] = failures;
  return {
    applied: targets.filter((t) => applied.has(t.stack)).map((t) => t.stack),
    ...(failed ? { failed } : {}),
    ...(alsoFailed.length > 0 ? { alsoFailed } : {}),
    skipped: targets.filter((t) => !started.has(t.stack)).map((t) => t.stack),
    apiCalls,
    batched,
    fallbacks,
  };
}

/** The hashicorp/aws version in a stack's dependency lock file (what its init selected), when there is one. */
function lockedProviderVersion(dir: string): string | undefined {
  try {
    const lock = readFileSync(join(dir, LOCK_FILE), 'utf8');
    return /provider "registry\.terraform\.io\/hashicorp\/aws" \{\s*version\s*=\s*"([^"]+)"/.exec(lock)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The batched apply of one stack (batch-apply.ts) with this stack's Terraform: its state
 * read as for a plan and written with `terraform state push`, and `terraform apply
 * -target=…` in its folder (a zone to create first; the import reconcile where rdns does not
 * write the state), in the apply environment with `-parallelism={@link APPLY_PARALLELISM}`;
 * Route 53 through the AWS SDK in that environment.
 */
async function applyBatchedStack(t: PlanTarget, plan: BatchPlan, options: ApplyOptions) {
  const env = applyEnvironment(options.env);
  const poll = options.env.RDNS_CHANGE_POLL_MS ? Number(options.env.RDNS_CHANGE_POLL_MS) : undefined;
  // The AWS SDK loads only where a batch is applied.
  const route53 = (await import('./route53-changes.js')).sdkRoute53Changes({ env, region: options.region, emulator: options.emulator, ...(poll !== undefined && poll >= 0 ? { pollMs: poll } : {}) });
  return applyBatched(plan, {
    dir: t.dir,
    route53,
    comment: `rdns apply of ${t.stack}`,
    state: async () => {
      const r = await pullState(t, options);
      if (r.error) throw new Error(r.error);
      return r.state;
    },
    desired: () => {
      try {
        return desiredResources(t, stackJson(t));
      } catch {
        return undefined;
      }
    },
    providerVersion: lockedProviderVersion(t.dir),
    pushState: async (state) => {
      const dataDir = stackDataDir(t, options);
      mkdirSync(dataDir, { recursive: true });
      const file = join(dataDir, 'rdns-state-push.json');
      writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      try {
        const r = await terraform(['state', 'push', file], t.dir, { ...options, env }, { TF_DATA_DIR: dataDir });
        return r.code === 0 ? undefined : message(r);
      } finally {
        rmSync(file, { force: true });
      }
    },
    apply: async (targets) => {
      const r = await terraform(['apply', '-input=false', '-no-color', '-auto-approve', `-parallelism=${APPLY_PARALLELISM}`, ...targets], t.dir, { ...options, env }, { TF_DATA_DIR: stackDataDir(t, options) }, true);
      return { code: r.code, output: r.code === 0 ? r.stdout : message(r), ...(r.calls ? { calls: r.calls } : {}) };
    },
  });
}
