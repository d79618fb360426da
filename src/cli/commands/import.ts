import { InvalidArgumentError, type Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import { formatPrefix } from '../../core/ip.js';
import { changeLines, jsonChange } from '../../edit/change-report.js';
import { runImport } from '../../import/run-import.js';
import { isValidOwner } from '../../policy/owners.js';
import { diagnosticJson, diagnosticText, formatGithub, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { changeFormatOption } from './set.js';
import { collect } from '../options.js';


function parseSeconds(v: string): number {
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('a whole number of seconds');
  return Number(v);
}

/** `rdns import --zone-file FILE… [--origin ZONE]` and `rdns import --axfr SERVER[:PORT] ZONE…`. */
export function registerImport(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('import')
    .description('import PTRs from BIND zone files or a zone transfer into block files; previews unless --apply')
    .argument('[zones...]', 'with --axfr: the reverse zones to transfer')
    .option('--zone-file <file>', 'a zone file in BIND master format (repeatable: e.g. a /24 and its RFC 2317 child)', collect, [] as string[])
    .option('--origin <zone>', 'the zone of a file without $ORIGIN/SOA (else taken from a file named after its zone)')
    .option('--axfr <server>', 'transfer the zones from SERVER[:PORT] (AXFR over TCP)')
    .option('--timeout <seconds>', 'with --axfr: deadline per transfer', parseSeconds, 30)
    .option('--owner <handle>', 'owners of new block files (@user or @org/team, repeatable)', collect, [] as string[])
    .option('--overwrite', 'take the zone\'s PTR where it disagrees with a block file (default: report the conflict, keep the file)')
    .option('--apply', 'write the block files (default: preview only)')
    .option('--skip-refused', 'accept the loss of PTRs that neither a record nor a template can carry: warnings, and the rest is written')
    .addOption(changeFormatOption())
    .action(async (zones: string[], opts: { zoneFile: string[]; origin?: string; axfr?: string; timeout: number; owner: string[]; overwrite?: boolean; apply?: boolean; skipRefused?: boolean; format: Format }) => {
      const ctx = context();
      if (opts.zoneFile.length === 0 && !opts.axfr) throw new RdnsError('nothing to import', 2, 'pass --zone-file FILE or --axfr SERVER ZONE');
      if (opts.axfr && zones.length === 0) throw new RdnsError('--axfr needs the zone to transfer', 2, 'rdns import --axfr 192.0.2.53 100.51.198.in-addr.arpa');
      if (!opts.axfr && zones.length > 0) throw new RdnsError(`unexpected argument ${zones[0]}`, 2, 'zone names go with --axfr; zone files with --zone-file');
      // Written into new block files as they are: an invalid handle would make them fail validate.
      const badOwner = opts.owner.find((o) => !isValidOwner(o));
      if (badOwner !== undefined) throw new RdnsError(`--owner "${badOwner}" is not a GitHub @user or @org/team`, 2, 'e.g. --owner @example-isp/noc');
      const r = await runImport(
        ctx.root,
        { zoneFiles: opts.zoneFile, cwd: ctx.cwd, origin: opts.origin, axfr: opts.axfr ? { server: opts.axfr, zones, timeoutMs: opts.timeout * 1000 } : undefined },
        { apply: Boolean(opts.apply), overwrite: Boolean(opts.overwrite), owners: opts.owner, skipRefused: Boolean(opts.skipRefused) },
      );
      const p = r.plan;
      const files = new Set([...p.changes.map((c) => c.file), ...p.newFiles.map((f) => f.file), ...p.topLevel.keys()]).size;
      const summary = { ...summarize(r.diagnostics, files, p.changes.length + p.newFiles.reduce((n, f) => n + f.records, 0)), ptrs: r.ptrCount, imported: r.counts.imported, asTemplate: r.counts.asTemplate, refused: r.counts.refused, newFiles: p.newFiles.length, conflicts: p.conflicts, unchanged: p.unchanged.length };
      if (opts.format === 'json') {
        ctx.stdout(
          `${JSON.stringify(
            {
              diagnostics: r.diagnostics.map(diagnosticJson),
              summary,
              newFiles: p.newFiles.map((f) => ({ file: f.file, prefix: formatPrefix(f.prefix), zone: f.zone, records: f.records, default: f.generic?.template ?? null, defaultCovers: f.generic?.matches.size ?? 0, pools: f.pools.map((x) => ({ prefix: formatPrefix(x.prefix), offset: x.offset === undefined ? undefined : Number(x.offset), step: x.step === undefined ? undefined : Number(x.step), count: x.count === undefined ? undefined : Number(x.count), default: x.template, covers: x.matches.size })) })),
              defaults: Object.fromEntries([...p.topLevel].map(([f, edits]) => [f, edits.find((e) => e.key === 'default')?.value])),
              changes: p.changes.map(jsonChange),
              notes: p.notes,
              written: r.written,
            },
            null,
            2,
          )}\n`,
        );
      } else if (opts.format === 'github') {
        ctx.stdout(formatGithub(r.diagnostics, summary));
      } else {
        const lines = [...r.diagnostics.map((d) => diagnosticText(d)), ...p.notes, ...changeLines(p.changes)];
        lines.push(`${r.ptrCount} PTRs read: ${r.counts.imported} imported (${r.counts.asTemplate} as template names, ${r.counts.imported - r.counts.asTemplate} as records), ${r.counts.refused} refused`);
        lines.push(`${p.newFiles.length} new block file${p.newFiles.length === 1 ? '' : 's'}, ${p.changes.length} record change${p.changes.length === 1 ? '' : 's'}, ${p.unchanged.length} unchanged, ${p.conflicts} conflict${p.conflicts === 1 ? '' : 's'}`);
        if (r.written.length > 0) lines.push(`wrote ${r.written.join(', ')}`);
        else if (opts.apply && r.counts.refused > 0 && !opts.skipRefused) lines.push(`nothing written: ${r.counts.refused} PTR${r.counts.refused === 1 ? ' was' : 's were'} refused; fix ${r.counts.refused === 1 ? 'it' : 'them'}, or run with --skip-refused to import the rest without ${r.counts.refused === 1 ? 'it' : 'them'}`);
        else if (!opts.apply && (p.changes.length > 0 || p.newFiles.length > 0 || p.topLevel.size > 0)) lines.push('preview: nothing written; run with --apply to write');
        ctx.stdout(`${lines.join('\n')}\n`);
      }
      setExit(r.errors > 0 ? 1 : 0);
    });
}
