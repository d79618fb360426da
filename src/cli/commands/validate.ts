import { Option, type Command } from 'commander';
import { sortDiagnostics } from '../../core/diagnostics.js';
import { loadRepositoryParallel } from '../../loader/repository.js';
import { renderFindings } from '../../render/zone-records.js';
import { formatDiagnostics, FORMATS, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { repositoryPaths } from '../paths.js';
import { codeownersDiagnostics } from './codeowners.js';
import { coverageFindings } from '../../checks/coverage.js';
import { routedCoverage } from '../../checks/routed.js';
import { routedOption, routedPrefixes } from '../routed-input.js';

export const formatOption = (): Option => new Option('--format <format>', 'output format').choices(FORMATS as string[]).default('text');

/** `rdns validate [PATH...]`: schema, policy and structure of every block file. */
export function registerValidate(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check block files: schema, hostname policy, duplicates, overlaps, IPs outside their block, templates')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .addOption(formatOption())
    .addOption(routedOption())
    .action(async (typed: string[], opts: { format: Format; routed?: string }) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      const repo = await loadRepositoryParallel(ctx.root, paths.length > 0 ? paths : undefined);
      repo.diagnostics.push(...renderFindings(repo), ...coverageFindings(repo.blocks));
      // Only a whole-repository run knows every block's owners.
      if (paths.length === 0) repo.diagnostics.push(...codeownersDiagnostics(ctx.root, repo.blocks, repo.config.owners));
      // Routed space without a block file: only a whole-repository run knows every block.
      const routed = routedPrefixes(ctx, opts.routed, repo.config);
      repo.diagnostics.push(...routed.diagnostics);
      if (paths.length === 0) repo.diagnostics.push(...routedCoverage(routed.prefixes, repo.blocks).diagnostics);
      sortDiagnostics(repo.diagnostics);
      const summary = summarize(repo.diagnostics, repo.fileCount, repo.recordCount);
      ctx.stdout(formatDiagnostics(opts.format, repo.diagnostics, summary, ctx.color));
      setExit(summary.errors > 0 ? 1 : 0);
    });
}
