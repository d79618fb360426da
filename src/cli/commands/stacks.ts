import { Option, type Command } from 'commander';
import { jobsOf, MAX_MATRIX_JOBS, stackInfoOf } from '../../render/stacks.js';
import type { CliContext } from '../context.js';
import { repositoryPaths } from '../paths.js';
import { RdnsError } from '../../core/errors.js';
import { loadStacks, stackLines } from './synth.js';

/**
 * `rdns stacks [--changed-since REF] --format json`: the stacks a synth produces (one per
 * reverse zone), for a CI matrix. At most --max-jobs matrix entries (GitHub runs 256 jobs of
 * one matrix): beyond that, consecutive stacks share a job (`stacks` is space-separated).
 */
export function registerStacks(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('stacks')
    .description('list the Terraform stacks (one per reverse zone); --format json prints a GitHub Actions matrix')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--changed-since <ref>', 'only the stacks that render differently than at this git revision')
    .option('--max-jobs <n>', `matrix entries at most (several stacks per job beyond that; default ${MAX_MATRIX_JOBS})`)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .action(async (typed: string[], opts: { changedSince?: string; maxJobs?: string; format: 'text' | 'json' | 'github' }) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      const maxJobs = opts.maxJobs === undefined ? MAX_MATRIX_JOBS : Number(opts.maxJobs);
      if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > MAX_MATRIX_JOBS) throw new RdnsError(`--max-jobs must be a whole number from 1 to ${MAX_MATRIX_JOBS}`, 2);
      const input = await loadStacks(ctx, paths, opts.format, { changedSince: opts.changedSince });
      if (!input) return setExit(1);
      const stacks = input.stacks.map(stackInfoOf);
      if (opts.format === 'json') {
        // `strategy.matrix: ${{ fromJSON(...) }}` takes this object as it is.
        const include = jobsOf(stacks, maxJobs).map((job, i) => ({
          job: i + 1,
          stack: job.length === 1 ? job[0]!.stack : `${job[0]!.stack} … ${job[job.length - 1]!.stack} (${job.length})`,
          stacks: job.map((s) => s.stack).join(' '),
          zones: job.map((s) => s.zone),
          files: [...new Set(job.flatMap((s) => s.files))],
          records: job.reduce((n, s) => n + s.records, 0),
          resources: job.reduce((n, s) => n + s.resources, 0),
        }));
        ctx.stdout(`${JSON.stringify({ include })}\n`);
      } else {
        const gone = input.removed.map((r) => `${r.stack}  ${r.zone}  no longer rendered (was ${r.files.join(', ')})`);
        ctx.stdout(stacks.length + gone.length > 0 ? `${[stackLines(stacks), ...gone].filter(Boolean).join('\n')}\n` : `no stacks${opts.changedSince ? ` (nothing renders differently than at ${opts.changedSince})` : ''}\n`);
      }
      setExit(0);
    });
}
