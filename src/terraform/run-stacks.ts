/**
 * Runs the Terraform CLI over synthesized zone stacks: `init` + `plan -out` (several stacks
 * at once, bounded, one provider plugin cache) and `apply` of the saved plans in order,
 * stopping at the first failure. The only module that starts `terraform`.
 *
 * The environment is passed in (the CLI reads process.env); Terraform's own output is kept
 * per stack and returned, never printed here.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { RdnsError } from '../core/errors.js';
import { failedPlan, summarizePlan, type StackPlan } from './plan-summary.js';
import { explainNoMatchingProvider } from './provider-versions.js';
import { apiCallLog, type ApiCalls } from './api-calls.js';

/** The saved plan inside each stack folder. */
export const PLAN_FILE = 'tfplan';

export interface TerraformOptions {
  /** Terraform binary (default `terraform` on PATH). */
  readonly binary?: string;
  /** Environment for Terraform (CLI config, credentials, plugin cache). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stacks planned at once (each runs its own provider: ~600 MB and one core while planning). */
  readonly parallel?: number;
  /** Called when a stack starts and ends, for progress output. */
  readonly progress?: (event: { stack: string; step: string; done: boolean }) => void;
  /** Count the AWS API calls of each plan and apply from the provider's DEBUG log (default true; see api-calls.ts). */
  readonly countApiCalls?: boolean;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The AWS API calls the run made, when counted. */
  readonly calls?: ApiCalls;
}

/** Runs terraform; a binary that cannot be started is an environment error (exit 2). */
async function terraform(args: readonly string[], cwd: string | undefined, options: TerraformOptions, count = false): Promise<Run> {
  const binary = options.binary ?? 'terraform';
  const log = count && options.countApiCalls !== false ? apiCallLog(options.env) : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd,
      env: { ...options.env, ...log?.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' } as NodeJS.ProcessEnv,
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

/**
 * The provider plugin cache shared by all stacks: `TF_PLUGIN_CACHE_DIR` when set, else
 * `<outdir>/plugin-cache` (outside stacks/, so a synth keeps it).
 */
export function pluginCacheEnv(env: Readonly<Record<string, string | undefined>>, outdir: string): Record<string, string | undefined> {
  if (env.TF_PLUGIN_CACHE_DIR) return { ...env };
  const dir = join(outdir, 'plugin-cache');
  mkdirSync(dir, { recursive: true });
  return { ...env, TF_PLUGIN_CACHE_DIR: dir };
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

/**
 * `terraform init` then `terraform plan -out=tfplan` in every stack, `parallel` at a time;
 * the first init runs alone so the plugin cache is filled once, not raced. Returns one
 * plan per stack in input order (failed stacks carry Terraform's message).
 */
/**
 * Called after `terraform init` with the stack's state (`terraform state pull`; undefined
 * when the stack has none yet) and whether the plan refreshes, before `terraform plan`:
 * writes what the state tells the plan (the live check's baseline, upgrade blocks). Returns
 * an error message to fail the stack.
 */
export type BeforePlan = (target: PlanTarget, state: unknown, refresh: boolean) => string | undefined;

export interface PlanOptions extends TerraformOptions {
  readonly lock?: boolean;
  /** `terraform plan -refresh=…` (default true). */
  readonly refresh?: boolean;
  readonly beforePlan?: BeforePlan;
}

/** `terraform state pull`: the stack's state as JSON, undefined when there is none; an error message when it cannot be read. */
async function pullState(dir: string, options: TerraformOptions): Promise<{ state?: unknown; error?: string }> {
  const r = await terraform(['state', 'pull'], dir, options);
  if (r.code !== 0) return { error: `terraform state pull: ${message(r)}` };
  if (!r.stdout.trim()) return {};
  try {
    return { state: JSON.parse(r.stdout) };
  } catch (e) {
    return { error: `terraform state pull printed no JSON: ${(e as Error).message}` };
  }
}

export async function planStacks(targets: readonly PlanTarget[], options: PlanOptions): Promise<StackPlan[]> {
  const limit = pLimit(Math.max(1, options.parallel ?? 2));
  const planOne = async (t: PlanTarget): Promise<StackPlan> => {
    options.progress?.({ stack: t.stack, step: 'init', done: false });
    const init = await terraform(['init', '-input=false', '-no-color'], t.dir, options);
    if (init.code !== 0) {
      const why = explainNoMatchingProvider(message(init), options.env, t.dir);
      return done(t, failedPlan(t.stack, t.zone, `terraform init: ${why ? `${why}\n\nTerraform said: ` : ''}${message(init)}`));
    }
    const refresh = options.refresh !== false;
    if (options.beforePlan) {
      const pulled = await pullState(t.dir, options);
      const error = pulled.error ?? options.beforePlan(t, pulled.state, refresh);
      if (error) return done(t, failedPlan(t.stack, t.zone, error));
    }
    options.progress?.({ stack: t.stack, step: 'plan', done: false });
    // -detailed-exitcode: 0 no changes, 2 changes, 1 error. `terraform show -json` loads the
    // provider again (seconds), so it runs only for a plan that changes something.
    const plan = await terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode', `-lock=${options.lock === false ? 'false' : 'true'}`, ...(refresh ? [] : ['-refresh=false']), `-out=${PLAN_FILE}`], t.dir, options, true);
    // `show` reads the saved plan and makes no call: the plan's calls are the stack's.
    const counted = (p: StackPlan): StackPlan => done(t, plan.calls ? { ...p, apiCalls: plan.calls } : p);
    if (plan.code === 0) return counted(summarizePlan(t.stack, t.zone, { resource_changes: [] }));
    if (plan.code !== 2) return counted(failedPlan(t.stack, t.zone, `terraform plan: ${message(plan)}`));
    const show = await terraform(['show', '-json', PLAN_FILE], t.dir, options);
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
    options.progress?.({ stack: t.stack, step: p.status === 'ok' ? 'planned' : 'failed', done: true });
    return p;
  };
  if (targets.length === 0) return [];
  const first = await planOne(targets[0]!);
  const rest = await Promise.all(targets.slice(1).map((t) => limit(() => planOne(t))));
  return [first, ...rest];
}

export interface ApplyResult {
  readonly applied: readonly string[];
  /** The stack whose apply failed, with Terraform's message. */
  readonly failed?: { readonly stack: string; readonly error: string };
  /** Stacks not applied because an earlier one failed. */
  readonly skipped: readonly string[];
  /** The AWS API calls of each stack's apply (the failed one's too), where counted. */
  readonly apiCalls: Readonly<Record<string, ApiCalls>>;
}

/**
 * Applies the saved plan of each stack, one at a time in the given order, stopping at the
 * first failure: a half-applied change is reported as what was and was not applied.
 */
export async function applyStacks(targets: readonly PlanTarget[], options: TerraformOptions): Promise<ApplyResult> {
  const applied: string[] = [];
  const apiCalls: Record<string, ApiCalls> = {};
  for (const [i, t] of targets.entries()) {
    options.progress?.({ stack: t.stack, step: 'apply', done: false });
    const fail = (error: string): ApplyResult => {
      options.progress?.({ stack: t.stack, step: 'failed', done: true });
      return { applied, failed: { stack: t.stack, error }, skipped: targets.slice(i + 1).map((x) => x.stack), apiCalls };
    };
    if (!existsSync(join(t.dir, PLAN_FILE))) return fail(`no saved plan in ${t.dir} (run rdns plan first)`);
    const r = await terraform(['apply', '-input=false', '-no-color', '-auto-approve', PLAN_FILE], t.dir, options, true);
    if (r.calls) apiCalls[t.stack] = r.calls;
    if (r.code !== 0) return fail(message(r));
    options.progress?.({ stack: t.stack, step: 'applied', done: true });
    applied.push(t.stack);
  }
  return { applied, skipped: [], apiCalls };
}
