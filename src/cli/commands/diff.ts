import { Option, type Command } from 'commander';
import { countErrors } from '../../core/diagnostics.js';
import { RdnsError } from '../../core/errors.js';
import { diffRevisions } from '../../diff/diff-revisions.js';
import { changeSetJson, formatChangeSetText, renderChangeSetMarkdown } from '../../diff/format-change-set.js';
import { formatText, summarize } from '../report.js';
import type { CliContext } from '../context.js';
import { repositoryPaths } from '../paths.js';

type DiffFormat = 'text' | 'json' | 'markdown';

/** The base branch: --base, else GITHUB_BASE_REF (set by GitHub Actions on pull_request events). */
export function baseRefFrom(ctx: CliContext, flag: string | undefined): string {
  const base = flag ?? ctx.env.GITHUB_BASE_REF;
  if (!base) throw new RdnsError('no base revision: pass --base REF (e.g. --base main)', 2, 'in a GitHub Actions pull_request job GITHUB_BASE_REF is used when --base is absent');
  return base;
}

/** `rdns diff --base REF [--head REF]`: the record-level change set between two revisions. */
export function registerDiff(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('diff')
    .description('record-level changes between two git revisions: added, changed, reset to default, removed, moved')
    .argument('[paths...]', 'block folders or files (default: zones/)')
    .option('--base <ref>', 'base branch or revision; compared from its merge base with the head (default: $GITHUB_BASE_REF)')
    .option('--head <ref>', 'head revision (default: the work tree, uncommitted changes included)')
    .option('--no-fetch', 'never fetch the base branch or more history from origin (shallow clones)')
    .option('--max-rows <n>', 'markdown: rows of the table at most', '100')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (typed: string[], opts: { base?: string; head?: string; fetch: boolean; maxRows: string; format: DiffFormat }) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      if (!/^\d+$/.test(opts.maxRows)) throw new RdnsError(`--max-rows ${opts.maxRows}: expected a whole number`, 2);
      const base = baseRefFrom(ctx, opts.base);
      const { changeSet, diagnostics } = await diffRevisions(ctx.root, { base, head: opts.head, fetch: opts.fetch, paths });
      if (opts.format === 'json') ctx.stdout(`${JSON.stringify(changeSetJson(changeSet, diagnostics), null, 2)}\n`);
      else {
        ctx.stdout(opts.format === 'markdown' ? renderChangeSetMarkdown(changeSet, { maxRows: Number(opts.maxRows) }) : formatChangeSetText(changeSet));
        // Problems in the changed files make the diff incomplete: say so where a terminal user looks.
        if (diagnostics.length > 0) ctx.stderr(formatText(diagnostics, summarize(diagnostics, changeSet.files.length, changeSet.changes.length), ctx.color));
      }
      setExit(countErrors(diagnostics) > 0 ? 1 : 0);
    });
}
