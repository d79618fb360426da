import { Option, type Command } from 'commander';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { RdnsError } from '../../core/errors.js';
import { plural } from '../../core/text.js';
import { apiCallsText, callsPerRecord, retriesText, secondsAtQuota, ROUTE53_REQUESTS_PER_SECOND, sumApiCalls } from '../../terraform/api-calls.js';
import { applyRepository, mergePlanReports, planRepository } from '../../terraform/plan-apply.js';
import { planJson, planMarkdown, planText, type PlanReport } from '../../terraform/plan-format.js';
import { terraformEnvironment, type TerraformOptions } from '../../terraform/run-stacks.js';
import type { CliContext } from '../context.js';
import { repositoryPaths, typedPath } from '../paths.js';
import { formatDiagnostics, summarize } from '../report.js';
import { loadStacks } from './synth.js';
import { localStateDir } from '../state-dir.js';

type PlanFormat = 'text' | 'json' | 'markdown';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function terraformOptions(ctx: CliContext, outdir: string, parallel: string | undefined, endpoint: string | undefined): TerraformOptions {
  const n = parallel === undefined ? Math.min(4, availableParallelism()) : Number(parallel);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new RdnsError('--parallel must be a whole number from 1 to 64', 2);
  return {
    binary: ctx.env.RDNS_TERRAFORM || 'terraform',
    env: terraformEnvironment(ctx.env, outdir, { endpoint }),
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
 * `rdns plan [--changed-since REF] [--stack NAME] [--refresh] [--format text|json|markdown]`
 * and `rdns apply`: flags in, one call of src/terraform/plan-apply.ts, the result printed.
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
    .option('--refresh', 'refresh every record from Route53 (default: -refresh=false where the zone\'s live check reads it)')
    .option('--destroy-zones', 'for zones no longer rendered, destroy the hosted zone too (default: remove their records, keep the zone)')
    .option('--no-lock', 'plan without taking the state lock (read-only pull-request plans)')
    .option('--merge <file...>', 'print the JSON reports of earlier `rdns plan --format json` runs (matrix jobs) as one, without planning')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (typed: string[], opts: { changedSince?: string; stack?: string[]; out?: string; parallel?: string; refresh?: boolean; destroyZones?: boolean; lock: boolean; merge?: string[]; format: PlanFormat }) => {
      const ctx = context();
      if (opts.merge) {
        const merged = mergePlanReports(opts.merge.map((f) => typedPath(ctx, f)));
        print(ctx, opts.format, merged);
        return setExit(merged.stacks.some((s) => s.status === 'error') ? 1 : 0);
      }
      const input = await loadStacks(ctx, repositoryPaths(ctx, typed), opts.format === 'json' ? 'json' : 'text', { changedSince: opts.changedSince, only: opts.stack });
      if (!input) return setExit(1);
      const outdir = outFolder(ctx, opts.out);
      const outcome = await planRepository({
        root: ctx.root,
        outdir,
        stateDir: localStateDir(ctx, input.repo.config),
        config: input.repo.config,
        stacks: input.stacks,
        removed: input.removed,
        changedSince: opts.changedSince,
        lock: opts.lock,
        refresh: opts.refresh ? 'full' : 'live-check',
        destroyZones: opts.destroyZones,
        terraform: terraformOptions(ctx, outdir, opts.parallel, input.repo.config.endpoint),
        notice: (line) => ctx.stderr(`${line}\n`),
      });
      if (outcome.kind === 'unsafe') {
        ctx.stdout(formatDiagnostics('text', outcome.diagnostics, summarize(outcome.diagnostics, input.repo.fileCount, input.repo.recordCount), ctx.color));
        return setExit(1);
      }
      const plans = outcome.report.stacks;
      // Terraform's own message, for the log; the report carries it too.
      for (const p of plans) if (p.status === 'error') ctx.stderr(`${p.stack}: ${p.error}\n`);
      print(ctx, opts.format, outcome.report);
      setExit(plans.some((p) => p.status === 'error') ? 1 : 0);
    });

  program
    .command('apply')
    .description('apply the plans saved by `rdns plan`: independent zones at once, an RFC 2317 child before its parent, stopping at the first failure')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--out <dir>', 'the folder `rdns plan` wrote (default cdktf.out)')
    .option('--parallel <n>', 'zones applied at once (default: cores, at most 4)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (typed: string[], opts: { out?: string; parallel?: string; format: 'text' | 'json' }) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      const outdir = outFolder(ctx, opts.out);
      const input = await loadStacks(ctx, paths, 'text');
      if (!input) return setExit(1);
      const result = await applyRepository({
        outdir,
        outLabel: opts.out || 'cdktf.out',
        config: input.repo.config,
        stacks: input.all,
        terraform: terraformOptions(ctx, outdir, opts.parallel, input.repo.config.endpoint),
        notice: (line) => ctx.stderr(`${line}\n`),
      });
      const failures = [...(result.failed ? [result.failed] : []), ...(result.alsoFailed ?? [])];
      const counted = [...result.applied, ...failures.map((f) => f.stack)].filter((s) => result.apiCalls[s]);
      const calls = counted.length > 0 ? sumApiCalls(counted.map((s) => result.apiCalls[s]!)) : undefined;
      const callsOf = (s: string): string => {
        const c = result.apiCalls[s];
        const b = result.batched[s];
        const how = b
          ? `${plural(b.batches, 'change batch', 'change batches')} of ${plural(b.records, 'record set')}${b.extra ? `; the reconciling apply changed ${b.extra} more` : ''}`
          : result.fallbacks[s]
            ? `record by record: ${result.fallbacks[s]}`
            : undefined;
        const parts = [...(c ? [`${plural(c.route53, 'Route 53 call')}${c.route53Retries ? `, ${retriesText(c.route53Retries)}` : ''}`] : []), ...(how ? [how] : [])];
        return parts.length > 0 ? `  (${parts.join('; ')})` : '';
      };
      const perRecord = calls ? callsPerRecord(calls, result.changedRecords) : undefined;
      if (opts.format === 'json')
        ctx.stdout(
          `${JSON.stringify({ applied: result.applied, failed: result.failed, ...(result.alsoFailed ? { alsoFailed: result.alsoFailed } : {}), notApplied: result.skipped, unchanged: result.unchanged, batched: result.batched, ...(Object.keys(result.fallbacks).length > 0 ? { recordByRecord: result.fallbacks } : {}), changedRecords: result.changedRecords, apiCalls: result.apiCalls, ...(calls ? { totalApiCalls: calls, secondsAtQuota: secondsAtQuota(calls) } : {}), ...(perRecord ? { callsPerRecord: perRecord } : {}) }, null, 2)}\n`,
        );
      else {
        const lines = [
          ...result.applied.map((s) => `applied      ${s}${callsOf(s)}`),
          ...failures.flatMap((f) => [`FAILED       ${f.stack}`, ...f.error.split('\n').map((l) => `  ${l}`)]),
          ...result.skipped.map((s) => `not applied  ${s}`),
          `${plural(result.applied.length, 'stack')} applied${failures.length ? `, ${failures.length} failed, ${result.skipped.length} not applied` : ''}${result.unchanged ? `, ${result.unchanged} had no changes` : ''}`,
          ...(calls ? [`API calls: ${apiCallsText(calls)}`] : []),
          ...(calls && perRecord
            ? [
                `${plural(result.changedRecords, 'changed record')}: ${perRecord.withRetries.toFixed(2)} Route 53 calls per record, ${perRecord.withoutRetries.toFixed(2)} without the retries; ≥ ${Math.ceil(secondsAtQuota(calls))} s of Route 53's quota (${ROUTE53_REQUESTS_PER_SECOND} requests/s per account)`,
              ]
            : []),
        ];
        ctx.stdout(`${lines.join('\n')}\n`);
      }
      for (const f of failures) ctx.stderr(`${f.stack}: ${f.error}\n`);
      setExit(failures.length > 0 ? 1 : 0);
    });
}
