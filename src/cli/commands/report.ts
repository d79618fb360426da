import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import { plural } from '../../core/text.js';
import { writeFileAtomic } from '../../edit/atomic-write.js';
import { loadReportData, readFindingsFile, renderReportHtml } from '../../report/index.js';
import type { Totals } from '../../report/report-model.js';
import type { CliContext } from '../context.js';
import { repositoryPaths, typedPath } from '../paths.js';
import { routedOption, routedPrefixes } from '../routed-input.js';
import type { RoutedPrefix } from '../../checks/routed.js';

/** `rdns report [--out DIR] [--audit FILE]`: the static address map. */
export function registerReport(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('static HTML address map of every block (one self-contained file, works offline): coverage, 16×16 grids per /24, search')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--out <dir>', 'folder for index.html (default: reports/map/ of the repository)')
    .option('--audit <file>', 'colour FCrDNS failures and drift from audit.json of rdns audit (or rdns check --format json output)')
    .addOption(routedOption())
    .action(async (typed: string[], opts: { out?: string; audit?: string; routed?: string }) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      const findings = opts.audit ? readFindingsFile(typedPath(ctx, opts.audit), opts.audit) : undefined;
      let routed: RoutedPrefix[] | undefined;
      if (opts.routed !== undefined) {
        const r = routedPrefixes(ctx, opts.routed, { routed: [] });
        if (r.diagnostics.length > 0) throw new RdnsError(`--routed ${opts.routed}: ${r.diagnostics.map((d) => `line ${d.line}: ${d.message}`).join('; ')}`, 2);
        routed = r.prefixes;
      }
      const data = await loadReportData(ctx.root, { paths: paths.length > 0 ? paths : undefined, findings, routed });
      const html = renderReportHtml(data);
      const outDir = opts.out ? typedPath(ctx, opts.out) : join(ctx.root, 'reports', 'map');
      const file = join(outDir, 'index.html');
      try {
        mkdirSync(outDir, { recursive: true });
        writeFileAtomic(file, html);
      } catch (e) {
        throw new RdnsError(`cannot write the report to ${opts.out ?? 'reports/map'}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2, 'pass a writable folder with --out');
      }
      const n = (s: string): string => BigInt(s).toLocaleString('en-US');
      const family = (name: string, t: Totals): string =>
        `${name}: ${plural(t.blocks, 'block')}, ${n(t.addresses)} addresses, ${n(t.record)} own records, ${n(t.default)} default, ${n(t.delegated)} delegated, ${n(t.none)} without PTR${data.findingsSource ? `, ${n(t.fcrdns)} FCrDNS failures, ${n(t.drift)} drift` : ''}`;
      const lines = [`wrote ${relative(ctx.root, file) || file}`];
      if (data.totals.v4.blocks > 0) lines.push(family('IPv4', data.totals.v4));
      if (data.totals.v6.blocks > 0) lines.push(family('IPv6', data.totals.v6));
      if (data.routed) {
        const gaps = data.routed.routed.filter((r) => r.missing.length > 0);
        lines.push(`routed: ${data.routed.routed.length - gaps.length} of ${data.routed.routed.length} routed ${data.routed.routed.length === 1 ? 'prefix' : 'prefixes'} fully in block files${gaps.length > 0 ? `; without a block file: ${gaps.flatMap((g) => g.missing).join(', ')}` : ''}${data.routed.unrouted.length > 0 ? `; outside routed space: ${data.routed.unrouted.map((u) => u.block).join(', ')}` : ''}`);
      }
      ctx.stdout(`${lines.join('\n  ')}\n`);
      if (data.problems.length > 0) ctx.stderr(`rdns report: the repository has ${plural(data.problems.length, 'error')} (rdns validate shows them); blocks that do not load are missing from the map\n`);
      setExit(0);
    });
}
