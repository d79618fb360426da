import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { runAudit } from '../../checks/audit.js';
import { auditJson, auditMarkdown } from '../../checks/audit-report.js';
import { createDirectQuerier } from '../../checks/direct-query.js';
import { sortDiagnostics } from '../../core/diagnostics.js';
import { RdnsError } from '../../core/errors.js';
import { loadRepository } from '../../loader/repository.js';
import { formatDiagnostics, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { repositoryPaths, typedPath } from '../paths.js';
import { addResolverOptions, progressReporter, resolverFromFlags, type ResolverFlags } from './check.js';
import { formatOption } from './validate.js';
import { UnsafeWriteError, writeFileAtomic } from '../../edit/atomic-write.js';
import { routedOption, routedPrefixes } from '../routed-input.js';

/** `rdns audit [PATH...]`: the scheduled full check, written to reports/audit.md and reports/audit.json. */
export function registerAudit(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  const cmd = program
    .command('audit')
    .description('full audit: FCrDNS of every PTR, live PTRs against git (drift), coverage, stale records, delegation of reverse zones')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--out <dir>', 'folder for audit.md and audit.json (default: reports/ of the repository)')
    .addOption(routedOption())
    .option('--ns-port <port>', 'port of the authoritative servers asked directly for delegations (53; another only in test labs)', '53');
  addResolverOptions(cmd)
    .addOption(formatOption())
    .action(async (typed: string[], opts: ResolverFlags & { format: Format; out?: string; nsPort: string; routed?: string }) => {
      const ctx = context();
      const resolver = resolverFromFlags(opts);
      const paths = repositoryPaths(ctx, typed);
      const repo = loadRepository(ctx.root, paths.length > 0 ? paths : undefined);
      const progress = progressReporter(ctx, 'rdns audit', true);
      const port = /^\d{1,5}$/.test(opts.nsPort) && Number(opts.nsPort) >= 1 && Number(opts.nsPort) <= 65535 ? Number(opts.nsPort) : undefined;
      if (port === undefined) throw new RdnsError(`--ns-port ${opts.nsPort}: expected a port number from 1 to 65535`, 2);
      const querier = createDirectQuerier({ timeoutMs: Number(opts.timeout), retries: Number(opts.retries) });
      // Routed space is compared with every block file: only a whole-repository audit can say what has none.
      const routed = routedPrefixes(ctx, opts.routed, repo.config);
      repo.diagnostics.push(...routed.diagnostics);
      const report = await runAudit(repo, resolver, { strict: opts.strict, onProgress: progress.update, direct: { querier, port }, ...(paths.length === 0 ? { routed: routed.prefixes } : {}) });
      progress.stop();
      const outDir = opts.out ? typedPath(ctx, opts.out) : join(ctx.root, 'reports');
      try {
        mkdirSync(outDir, { recursive: true });
        writeFileAtomic(join(outDir, 'audit.md'), auditMarkdown(report));
        writeFileAtomic(join(outDir, 'audit.json'), auditJson(report));
      } catch (e) {
        throw new RdnsError(`cannot write the audit report to ${opts.out ?? 'reports'}: ${e instanceof UnsafeWriteError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`, 2, 'pass a writable folder with --out');
      }
      const all = sortDiagnostics([...repo.diagnostics, ...report.diagnostics]);
      const summary = { ...summarize(all, repo.fileCount, report.summary.records), generic: report.summary.generic, passed: report.summary.fcrdnsPassed };
      ctx.stdout(formatDiagnostics(opts.format, all, summary, ctx.color));
      const shown = relative(ctx.root, outDir) || '.';
      ctx.stderr(`report: ${join(shown, 'audit.md')} and ${join(shown, 'audit.json')}\n`);
      if (opts.reportOnly) {
        if (summary.errors > 0) ctx.stderr('--report-only: the findings above do not fail this run (exit code 0)\n');
        setExit(0);
      } else if (report.unreachable) setExit(2);
      else setExit(summary.errors > 0 ? 1 : 0);
    });
}
