import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import { addressCount, plural } from '../../core/text.js';
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
      const family = (name: string, v: 4 | 6, t: Totals): string => {
        // IPv6 counts run to 30 digits: large ones in /64s (addressCount), small ones as numbers.
        const c = (x: string): string => (v === 4 || BigInt(x) < 1n << 20n ? n(x) : addressCount(v, BigInt(x)));
        const s = (x: string, one: string, many = `${one}s`): string => `${c(x)} ${x === '1' ? one : many}`;
        const findings = data.findingsSource ? `, ${s(t.fcrdns, 'FCrDNS failure')}, ${c(t.drift)} drift, ${c(t.pending)} not applied` : '';
        return `${name}: ${plural(t.blocks, 'block')}, ${addressCount(v, BigInt(t.addresses))}: ${s(t.record, 'own record')}, ${c(t.default)} default, ${c(t.delegated)} delegated, ${c(t.none)} without PTR${findings}`;
      };
      const lines = [`wrote ${relative(ctx.root, file) || file}`];
      if (data.totals.v4.blocks > 0) lines.push(family('IPv4', 4, data.totals.v4));
      if (data.totals.v6.blocks > 0) lines.push(family('IPv6', 6, data.totals.v6));
      if (data.routed) {
        const gaps = data.routed.routed.filter((r) => r.missing.length > 0);
        lines.push(`routed: ${data.routed.routed.length - gaps.length} of ${data.routed.routed.length} routed ${data.routed.routed.length === 1 ? 'prefix' : 'prefixes'} fully in block files${gaps.length > 0 ? `; without a block file: ${gaps.flatMap((g) => g.missing).join(', ')}` : ''}${data.routed.unrouted.length > 0 ? `; outside routed space: ${data.routed.unrouted.map((u) => u.block).join(', ')}` : ''}`);
      }
      ctx.stdout(`${lines.join('\n  ')}\n`);
      if (data.problems.length > 0) ctx.stderr(`rdns report: the repository has ${plural(data.problems.length, 'error')} (rdns validate shows them); blocks that do not load are missing from the map\n`);
      setExit(0);
    });
}
