/**
 * `rdns plan` and `rdns apply` as library functions: synth of the selected zone stacks,
 * Terraform over them, the plan in PTR terms saved for apply, and the apply of exactly what
 * was planned. The CLI parses flags, loads the repository, calls one of these and prints;
 * the tests and other programs can call them the same way.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import type { Config } from '../core/model.js';
import { plural } from '../core/text.js';
import { applyOrder, stackFingerprint, type StackChanges, type ZoneStack } from '../render/stacks.js';
import type { PlanReport } from './plan-format.js';
import { hasChanges, type StackPlan } from './plan-summary.js';
import { batchMinimum, type BatchPlan } from './batch-apply.js';
import { applyStacks, planStacks, terraformVersion, type ApplyResult, type BeforePlan, type TerraformOptions } from './run-stacks.js';

/** What `rdns plan` leaves for `rdns apply`: the report and what each planned stack rendered from. */
export const PLAN_STATE = 'rdns-plan.json';

export interface SavedPlan extends PlanReport {
  readonly fingerprints: Record<string, string>;
  /** Stacks rdns apply writes in Route 53 change batches, and what it writes (batch-apply.ts). */
  readonly batches?: Record<string, BatchPlan>;
}

export interface PlanRepositoryInput {
  /** Repository root (local state lives there; the output folder must be inside it). */
  readonly root: string;
  /** Output folder (cdktf.out). */
  readonly outdir: string;
  /** Absolute folder of local Terraform state (see local-state.ts), unless rdns.yaml sets `backend.path`. */
  readonly stateDir: string;
  readonly config: Config;
  /** The stacks to plan. */
  readonly stacks: readonly ZoneStack[];
  /** Stacks of the base revision that the head no longer produces. */
  readonly removed: StackChanges['removed'];
  readonly changedSince?: string;
  /** Take the state lock (default true). */
  readonly lock?: boolean;
  /** `full`: refresh every resource; `live-check` (default): `-refresh=false` where the zone's live check runs. */
  readonly refresh?: 'full' | 'live-check';
  readonly terraform: TerraformOptions;
  /**
   * Called per stack between init and plan with its state (see {@link BeforePlan}); default:
   * the renderer's preparation (the live check's baseline, an upgrade's moved/import/removed
   * blocks, the removal of a zone no longer rendered).
   */
  readonly beforePlan?: BeforePlan;
  /** Zones no longer rendered: destroy their hosted zones too (default: remove their records, keep the zone). */
  readonly destroyZones?: boolean;
  /** One line of progress (stderr in the CLI). */
  readonly notice?: (line: string) => void;
}

export type PlanOutcome =
  /** Synth wrote something that must not reach Terraform: nothing was planned. */
  | { readonly kind: 'unsafe'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'planned'; readonly report: PlanReport; readonly version: string };

/**
 * Synth of `stacks` into `outdir` (pruning the previous synth), then Terraform init (when a
 * stack's `terraform` block changed) and plan of each, and the report saved as
 * `<outdir>/rdns-plan.json` for {@link applyRepository}. Throws RdnsError (exit 2) for an
 * output folder rdns may not write or a Terraform that cannot run.
 */
export async function planRepository(input: PlanRepositoryInput): Promise<PlanOutcome> {
  // cdktf takes a while to load: only when something is planned.
  const { synthesize, checkSynthOutput, checkStackOutput, outdirProblem, writeStackPreparation } = await import('../render/synth.js');
  const { prepareFromState, prepareRemoval } = await import('../render/state-migration.js');
  const problem = outdirProblem(input.root, input.outdir);
  if (problem) throw new RdnsError(problem, 2, 'pass --out with a new folder inside the repository (default cdktf.out)');
  const version = await terraformVersion(input.terraform);
  // Zones no longer rendered: planned as the removal of their records (the hosted zone stays unless destroyZones).
  synthesize(input.stacks, input.config, { outdir: input.outdir, prune: true, stateDir: input.stateDir, removed: input.removed.map((r) => r.stack) });
  const unsafe = checkSynthOutput(input.outdir);
  if (unsafe.length > 0) return { kind: 'unsafe', diagnostics: unsafe };
  const targets = [...input.stacks.map((s) => ({ stack: s.stack, zone: s.zone.zone })), ...input.removed.map((r) => ({ stack: r.stack, zone: r.zone }))];
  if (targets.length > 0) input.notice?.(`terraform ${version}: planning ${plural(targets.length, 'stack')} (${input.terraform.parallel ?? 2} at a time)`);
  const models = new Map(input.stacks.map((s) => [s.stack, s]));
  // What each stack's state says (last applied records, an earlier layout to upgrade from), written before its plan.
  const prepare: BeforePlan = (t, state, refresh) => {
    const model = models.get(t.stack);
    writeStackPreparation(t.dir, model ? prepareFromState(state, model) : prepareRemoval(state, Boolean(input.destroyZones)), refresh);
    const bad = checkStackOutput(input.outdir, t.stack);
    return bad.length > 0 ? bad.map((d) => d.message).join('\n') : undefined;
  };
  const batchPlans = new Map<string, BatchPlan>();
  const plans = await planStacks(
    targets.map((s) => ({ ...s, dir: join(input.outdir, 'stacks', s.stack) })),
    { ...input.terraform, lock: input.lock, refresh: input.refresh, version, beforePlan: input.beforePlan ?? prepare, batchPlans },
  );
  const report: PlanReport = { stacks: plans, removed: input.removed, ...(input.changedSince ? { changedSince: input.changedSince } : {}) };
  const saved: SavedPlan = {
    ...report,
    fingerprints: Object.fromEntries(input.stacks.map((s) => [s.stack, stackFingerprint(s, input.config)])),
    ...(batchPlans.size > 0 ? { batches: Object.fromEntries(batchPlans) } : {}),
  };
  writeFileSync(join(input.outdir, PLAN_STATE), `${JSON.stringify(saved)}\n`);
  return { kind: 'planned', report, version };
}

/** The JSON reports of several `rdns plan --format json` runs (matrix jobs) as one. */
export function mergePlanReports(paths: readonly string[]): PlanReport {
  const reports = paths.map(readPlanReport);
  return { stacks: reports.flatMap((r) => r.stacks), removed: reports.flatMap((r) => r.removed), changedSince: reports[0]?.changedSince };
}

export interface ApplyRepositoryInput {
  /** The folder `rdns plan` wrote. */
  readonly outdir: string;
  /** How the user named it, for messages (`cdktf.out`). */
  readonly outLabel: string;
  readonly config: Config;
  /** Every stack the repository renders now. */
  readonly stacks: readonly ZoneStack[];
  readonly terraform: TerraformOptions;
  readonly notice?: (line: string) => void;
}

export interface ApplyOutcome extends ApplyResult {
  /** Planned stacks that had nothing to apply. */
  readonly unchanged: number;
  /** Record sets the plans of the stacks that ran (applied or failed) add, change or remove, PTRs and forward records: what the API calls are per. */
  readonly changedRecords: number;
}

/** Record sets a stack's plan adds, changes or removes (each one `aws_route53_record` the provider writes). */
export const changedRecordSets = (p: StackPlan): number =>
  p.status !== 'ok' ? 0 : [p.records, p.forward].reduce((n, r) => n + r.added.length + r.changed.length + r.removed.length, 0);

/**
 * Applies the plans {@link planRepository} saved: stacks with changes only, independent
 * zones `terraform.parallel` at once, an RFC 2317 child before its parent, stopping at the
 * first failure. Refuses (RdnsError) when there is no saved plan, when it has a failed
 * stack, or when the block files moved past it (a stack renders differently than when it
 * was planned). A fully applied plan is spent: its report is removed.
 */
export async function applyRepository(input: ApplyRepositoryInput): Promise<ApplyOutcome> {
  const statePath = join(input.outdir, PLAN_STATE);
  if (!existsSync(statePath)) throw new RdnsError(`no saved plan in ${input.outLabel}`, 2, 'run rdns plan first; rdns apply applies what it planned');
  const saved = readPlanReport(statePath);
  const failed = saved.stacks.filter((s) => s.status === 'error');
  if (failed.length > 0) throw new RdnsError(`the saved plan has ${plural(failed.length, 'failed stack')} (${failed.map((s) => s.stack).join(', ')}); nothing applied`, 1, 'fix the error and run rdns plan again');
  const current = new Map<string, ZoneStack>(input.stacks.map((s) => [s.stack, s]));
  const todo = saved.stacks.filter((s) => hasChanges(s));
  // Stacks planned as the removal of a zone that is no longer rendered.
  const removals = new Set(saved.removed.map((r) => r.stack));
  // The plan must be of what the repository holds now: a later edit would otherwise be half-applied
  // (and a zone planned for removal must still be gone).
  const stale = todo.filter((s) => {
    const now = current.get(s.stack);
    if (removals.has(s.stack)) return now !== undefined;
    return !now || stackFingerprint(now, input.config) !== saved.fingerprints[s.stack];
  });
  if (stale.length > 0) throw new RdnsError(`the saved plan is out of date for ${stale.map((s) => s.stack).join(', ')}: the block files changed since rdns plan`, 1, 'run rdns plan again, review it, then apply');
  // Zones no longer rendered go last: what replaces them (a zone their records moved into) exists first.
  const ordered = [
    ...applyOrder(todo.filter((s) => !removals.has(s.stack)).map((s) => ({ ...s, zone: current.get(s.stack)!.zone }))).map((s) => ({ stack: s.stack, zone: s.zone.zone })),
    ...todo.filter((s) => removals.has(s.stack)).map((s) => ({ stack: s.stack, zone: s.zone })),
  ];
  if (ordered.length > 0) {
    await terraformVersion(input.terraform);
    input.notice?.(`applying ${plural(ordered.length, 'stack')} (${input.terraform.parallel ?? 2} at a time): ${ordered.map((s) => s.stack).join(', ')}`);
  }
  const targets = ordered.map((s) => ({ ...s, dir: join(input.outdir, 'stacks', s.stack) }));
  // RDNS_APPLY_BATCH=off at apply time wins over the batch plans saved.
  const batchPlans = batchMinimum(input.terraform.env) === undefined ? undefined : saved.batches;
  const options = { ...input.terraform, region: input.terraform.region ?? input.config.region, emulator: Boolean(input.config.endpoint), batchPlans };
  const rendered = await applyStacks(targets.filter((t) => !removals.has(t.stack)), options);
  const gone = targets.filter((t) => removals.has(t.stack));
  // Removals only once every rendered zone is applied; after a failure they are not applied either.
  let result: ApplyResult = { ...rendered, skipped: [...rendered.skipped, ...gone.map((t) => t.stack)] };
  if (!rendered.failed && gone.length > 0) {
    const r = await applyStacks(gone, options);
    result = { ...r, applied: [...rendered.applied, ...r.applied], apiCalls: { ...rendered.apiCalls, ...r.apiCalls }, batched: { ...rendered.batched, ...r.batched }, fallbacks: { ...rendered.fallbacks, ...r.fallbacks } };
  }
  // Applied plans are spent: a second apply must not find them.
  if (!result.failed) rmSync(statePath, { force: true });
  // Calls are counted for every stack that ran, the failed ones too: so are its records.
  const ran = new Set([...result.applied, ...[result.failed, ...(result.alsoFailed ?? [])].flatMap((f) => (f ? [f.stack] : []))]);
  return { ...result, unchanged: saved.stacks.length - todo.length, changedRecords: todo.filter((s) => ran.has(s.stack)).reduce((n, s) => n + changedRecordSets(s), 0) };
}

/** Reads a saved plan or a `rdns plan --format json` report; RdnsError (exit 2) when it is neither. */
export function readPlanReport(path: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RdnsError(`cannot read the plan report ${path}: ${(e as Error).message}`, 2);
  }
  const r = data as Partial<SavedPlan>;
  if (!Array.isArray(r.stacks)) throw new RdnsError(`${path} is not a plan report of rdns plan --format json`, 2);
  return { stacks: r.stacks, removed: r.removed ?? [], changedSince: r.changedSince, fingerprints: r.fingerprints ?? {}, ...(r.batches ? { batches: r.batches } : {}) };
}
