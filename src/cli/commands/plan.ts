import { Option, type Command } from 'commander';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { RdnsError } from '../../core/errors.js';
import { plural } from '../../core/text.js';
import { applyOrder, stackFingerprint, type ZoneStack } from '../../render/stacks.js';
import { planJson, planMarkdown, planText, type PlanReport } from '../../terraform/plan-format.js';
import { hasChanges, type StackPlan } from '../../terraform/plan-summary.js';
import { apiCallsText, sumApiCalls } from '../../terraform/api-calls.js';
import { applyStacks, planStacks, pluginCacheEnv, terraformVersion, type TerraformOptions } from '../../terraform/run-stacks.js';
import type { CliContext } from '../context.js';
import { repositoryPaths, typedPath } from '../paths.js';
import { formatDiagnostics, summarize } from '../report.js';
import { loadStacks } from './synth.js';
import { localStateDir } from '../state-dir.js';

/** What `rdns plan` leaves for `rdns apply`: the report and what each planned stack rendered from. */
const PLAN_STATE = 'rdns-plan.json';

interface SavedPlan extends PlanReport {
  readonly fingerprints: Record<string, string>;
}

/** Stacks of a report that are no longer rendered (their plan removes their records). */
const removedNames = (r: PlanReport): Set<string> => new Set(r.removed.map((x) => x.stack));

type PlanFormat = 'text' | 'json' | 'markdown';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function terraformOptions(ctx: CliContext, outdir: string, parallel: string | undefined): TerraformOptions {
  const n = parallel === undefined ? Math.min(4, availableParallelism()) : Number(parallel);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new RdnsError('--parallel must be a whole number from 1 to 64', 2);
  return {
    binary: ctx.env.RDNS_TERRAFORM || 'terraform',
    env: pluginCacheEnv(ctx.env, outdir),
    parallel: n,
    // Progress on stderr: stdout carries the plan (JSON for the workflow, markdown for the comment).
    progress: (e) => {
      if (e.done) ctx.stderr(`${e.stack}: ${e.step}\n`);
    },
  };
}

/** --out as typed, else cdktf.out/ of the repository. */
const outFolder = (ctx: CliContext, out: string | undefined): string => (out ? typedPath(ctx, out) : join(ctx.root, 'cdktf.out'));

function print(ctx: CliContext, format: PlanFormat, report: PlanReport): void {
  ctx.stdout(format === 'json' ? planJson(report) : format === 'markdown' ? planMarkdown(report) : planText(report));
}

/**
 * `rdns plan [--changed-since REF] [--stack NAME] [--format text|json|markdown]`: synth, then
 * `terraform init` + `plan -out` of the affected stacks, summarized in PTR terms.
 * `rdns apply`: the saved plans, in order, stopping at the first failure.
 */
export function registerPlan(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('plan')
    .description('synth, then terraform init + plan of the affected stacks; the plan in PTR terms (exit 1: a plan failed, 2: terraform missing)')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--changed-since <ref>', 'only the stacks that render differently than at this git revision')
    .option('--stack <name>', 'only this stack (repeatable, or space-separated names as `rdns stacks` prints them per job)', collect)
    .option('--out <dir>', 'output folder (default cdktf.out)')
    .option('--parallel <n>', 'stacks planned at once (default: cores, at most 4)')
    .option('--no-lock', 'plan without taking the state lock (read-only pull-request plans)')
    .option('--destroy-zones', 'for zones no longer rendered, destroy the hosted zone too (default: remove their records, keep the zone)')
    .option('--merge <file...>', 'print the JSON reports of earlier `rdns plan --format json` runs (matrix jobs) as one, without planning')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (typed: string[], opts: { changedSince?: string; stack?: string[]; out?: string; parallel?: string; lock: boolean; destroyZones?: boolean; merge?: string[]; format: PlanFormat }) => {
      const ctx = context();
      if (opts.merge) {
        const reports = opts.merge.map((f) => readReport(typedPath(ctx, f)));
        const merged: PlanReport = { stacks: reports.flatMap((r) => r.stacks), removed: reports.flatMap((r) => r.removed), changedSince: reports[0]?.changedSince };
        print(ctx, opts.format, merged);
        return setExit(merged.stacks.some((s) => s.status === 'error') ? 1 : 0);
      }
      const input = await loadStacks(ctx, repositoryPaths(ctx, typed), opts.format === 'json' ? 'json' : 'text', { changedSince: opts.changedSince, only: opts.stack });
      if (!input) return setExit(1);
      const outdir = outFolder(ctx, opts.out);
      const { synthesize, checkSynthOutput, checkStackOutput, outdirProblem, writeStackPreparation } = await import('../../render/synth.js');
      const { prepareFromState, prepareRemoval } = await import('../../render/state-migration.js');
      const problem = outdirProblem(ctx.root, outdir);
      if (problem) throw new RdnsError(problem, 2, 'pass --out with a new folder inside the repository (default cdktf.out)');
      const tf = terraformOptions(ctx, outdir, opts.parallel);
      const version = await terraformVersion(tf);
      // Zones no longer rendered: planned as the removal of their records (the hosted zone stays unless --destroy-zones).
      synthesize(input.stacks, input.repo.config, { outdir, prune: true, stateDir: localStateDir(ctx, input.repo.config), removed: input.removed.map((r) => r.stack) });
      const unsafe = checkSynthOutput(outdir);
      if (unsafe.length > 0) {
        ctx.stdout(formatDiagnostics('text', unsafe, summarize(unsafe, input.repo.fileCount, input.repo.recordCount), ctx.color));
        return setExit(1);
      }
      const targets = [...input.stacks.map((s) => ({ stack: s.stack, zone: s.zone.zone })), ...input.removed.map((r) => ({ stack: r.stack, zone: r.zone }))];
      if (targets.length > 0) ctx.stderr(`terraform ${version}: planning ${plural(targets.length, 'stack')} (${tf.parallel} at a time)\n`);
      const models = new Map(input.stacks.map((s) => [s.stack, s]));
      const plans = await planStacks(
        targets.map((s) => ({ ...s, dir: join(outdir, 'stacks', s.stack) })),
        {
          ...tf,
          lock: opts.lock,
          // What the state says (last applied records, an earlier layout to upgrade from), written before each plan.
          beforePlan: (t, state, refresh) => {
            const model = models.get(t.stack);
            writeStackPreparation(t.dir, model ? prepareFromState(state, model) : prepareRemoval(state, Boolean(opts.destroyZones)), refresh);
            const unsafe = checkStackOutput(outdir, t.stack);
            return unsafe.length > 0 ? unsafe.map((d) => d.message).join('\n') : undefined;
          },
        },
      );
      const report: PlanReport = { stacks: plans, removed: input.removed, ...(opts.changedSince ? { changedSince: opts.changedSince } : {}) };
      const saved: SavedPlan = { ...report, fingerprints: Object.fromEntries(input.stacks.map((s) => [s.stack, stackFingerprint(s, input.repo.config)])) };
      writeFileSync(join(outdir, PLAN_STATE), `${JSON.stringify(saved)}\n`);
      // Terraform's own message, for the log; the report carries it too.
      for (const p of plans) if (p.status === 'error') ctx.stderr(`${p.stack}: ${p.error}\n`);
      print(ctx, opts.format, report);
      setExit(plans.some((p) => p.status === 'error') ? 1 : 0);
    });

  program
    .command('apply')
    .description('apply the plans saved by `rdns plan`, more specific zones first, stopping at the first failure')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--out <dir>', 'the folder `rdns plan` wrote (default cdktf.out)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (typed: string[], opts: { out?: string; format: 'text' | 'json' }) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      const outdir = outFolder(ctx, opts.out);
      const statePath = join(outdir, PLAN_STATE);
      if (!existsSync(statePath)) throw new RdnsError(`no saved plan in ${opts.out || 'cdktf.out'}`, 2, 'run rdns plan first; rdns apply applies what it planned');
      const saved = readReport(statePath) as SavedPlan;
      const failed = saved.stacks.filter((s) => s.status === 'error');
      if (failed.length > 0) throw new RdnsError(`the saved plan has ${plural(failed.length, 'failed stack')} (${failed.map((s) => s.stack).join(', ')}); nothing applied`, 1, 'fix the error and run rdns plan again');
      const input = await loadStacks(ctx, paths, 'text');
      if (!input) return setExit(1);
      const current = new Map<string, ZoneStack>(input.all.map((s) => [s.stack, s]));
      const todo = saved.stacks.filter((s: StackPlan) => hasChanges(s));
      const removals = removedNames(saved);
      // The plan must be of what the repository holds now: a later edit would otherwise be half-applied
      // (and a zone planned for removal must still be gone).
      const stale = todo.filter((s) => {
        const now = current.get(s.stack);
        if (removals.has(s.stack)) return now !== undefined;
        return !now || stackFingerprint(now, input.repo.config) !== saved.fingerprints[s.stack];
      });
      if (stale.length > 0) throw new RdnsError(`the saved plan is out of date for ${stale.map((s) => s.stack).join(', ')}: the block files changed since rdns plan`, 1, 'run rdns plan again, review it, then apply');
      // Zones that are no longer rendered go last: what replaces them (a zone their records moved into) exists first.
      const ordered = [...applyOrder(todo.filter((s) => !removals.has(s.stack)).map((s) => ({ ...s, zone: current.get(s.stack)!.zone }))), ...todo.filter((s) => removals.has(s.stack)).map((s) => ({ ...s, zone: { zone: s.zone } }))];
      const tf = terraformOptions(ctx, outdir, undefined);
      if (ordered.length > 0) {
        await terraformVersion(tf);
        ctx.stderr(`applying ${plural(ordered.length, 'stack')}: ${ordered.map((s) => s.stack).join(', ')}\n`);
      }
      const result = await applyStacks(
        ordered.map((s) => ({ stack: s.stack, zone: s.zone.zone, dir: join(outdir, 'stacks', s.stack) })),
        tf,
      );
      const unchanged = saved.stacks.length - todo.length;
      const counted = [...result.applied, ...(result.failed ? [result.failed.stack] : [])];
      const calls = counted.length > 0 ? sumApiCalls(counted.map((s) => result.apiCalls[s])) : undefined;
      const callsOf = (s: string): string => (result.apiCalls[s] ? `  (${plural(result.apiCalls[s].route53, 'Route 53 call')})` : '');
      if (opts.format === 'json')
        ctx.stdout(`${JSON.stringify({ applied: result.applied, failed: result.failed, notApplied: result.skipped, unchanged, apiCalls: result.apiCalls, ...(calls ? { totalApiCalls: calls } : {}) }, null, 2)}\n`);
      else {
        const lines = [
          ...result.applied.map((s) => `applied      ${s}${callsOf(s)}`),
          ...(result.failed ? [`FAILED       ${result.failed.stack}`, ...result.failed.error.split('\n').map((l) => `  ${l}`)] : []),
          ...result.skipped.map((s) => `not applied  ${s}`),
          `${plural(result.applied.length, 'stack')} applied${result.failed ? `, 1 failed, ${result.skipped.length} not applied` : ''}${unchanged ? `, ${unchanged} had no changes` : ''}`,
          ...(calls ? [`API calls: ${apiCallsText(calls)}`] : []),
        ];
        ctx.stdout(`${lines.join('\n')}\n`);
      }
      if (result.failed) {
        ctx.stderr(`${result.failed.stack}: ${result.failed.error}\n`);
        return setExit(1);
      }
      // Applied plans are spent: a second apply must not find them.
      rmSync(statePath, { force: true });
      setExit(0);
    });
}

function readReport(path: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RdnsError(`cannot read the plan report ${path}: ${(e as Error).message}`, 2);
  }
  const r = data as Partial<SavedPlan>;
  if (!Array.isArray(r.stacks)) throw new RdnsError(`${path} is not a plan report of rdns plan --format json`, 2);
  return { stacks: r.stacks, removed: r.removed ?? [], changedSince: r.changedSince, fingerprints: r.fingerprints ?? {} };
}
