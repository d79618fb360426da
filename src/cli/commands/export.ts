import { Option, type Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RdnsError } from '../../core/errors.js';
import { normalizeHostname } from '../../core/hostname.js';
import { EXPORT_FORMATS, formatExportCsv, formatExportJson, formatExportZones, formatZoneFile, zoneFileName, type ApexOptions, type ExportFormat } from '../../render/export-format.js';
import { canonicalZoneName } from '../../loader/config.js';
import type { CliContext } from '../context.js';
import { repositoryPaths, typedPath } from '../paths.js';
import { loadForRender } from './synth.js';
import { UnsafeWriteError, writeFileAtomic } from '../../edit/atomic-write.js';

interface ExportOptions {
  format: ExportFormat;
  zone?: string[];
  ns?: string[];
  hostmaster?: string;
  serial?: string;
  outDir?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function hostnameOption(flag: string, value: string): string {
  const h = normalizeHostname(value);
  if (!h.ok) throw new RdnsError(`${flag} ${value}: ${h.reason}`, 2);
  return h.value;
}

/** `rdns export --format zone|json|csv`: the rendered reverse zones, the same model synth publishes. */
export function registerExport(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('export')
    .description('print the rendered reverse zones (records, generic names, RFC 2317 delegations)')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS as string[]).default('zone'))
    .option('--zone <name>', 'only this reverse zone (repeatable)', collect)
    .option('--ns <name>', 'zone format: add SOA and NS records with these name servers (repeatable; the first is the SOA primary)', collect)
    .option('--hostmaster <name>', 'zone format: SOA mailbox as a name (default hostmaster.<domain of the first --ns>)')
    .option('--serial <n>', 'zone format: SOA serial', '1')
    .option('--out-dir <dir>', 'zone format: write one <zone>.zone file per zone into this folder instead of printing')
    .action(async (typed: string[], opts: ExportOptions) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      const input = await loadForRender(ctx, paths, 'text', 'stderr');
      if (!input) return setExit(1);
      let zones = input.model.blocks.flatMap((b) => b.zones);
      if (opts.zone) {
        const wanted = new Set(opts.zone.map(canonicalZoneName));
        const unknown = [...wanted].filter((z) => !zones.some((x) => x.zone === z));
        if (unknown.length > 0) throw new RdnsError(`no such reverse zone: ${unknown.join(', ')}`, 2, 'rdns export --format json lists every zone');
        zones = zones.filter((z) => wanted.has(z.zone));
      }
      if (opts.format === 'json') ctx.stdout(formatExportJson(zones));
      else if (opts.format === 'csv') ctx.stdout(formatExportCsv(zones));
      else {
        let apex: ApexOptions | undefined;
        if (opts.ns && opts.ns.length > 0) {
          const nameServers = opts.ns.map((n) => hostnameOption('--ns', n));
          const first = nameServers[0]!;
          const hostmaster = opts.hostmaster ? hostnameOption('--hostmaster', opts.hostmaster) : `hostmaster.${first.slice(first.indexOf('.') + 1)}`;
          if (!/^\d{1,10}$/.test(opts.serial ?? '1') || Number(opts.serial) > 4294967295) throw new RdnsError(`--serial ${opts.serial}: must be a whole number up to 4294967295`, 2);
          apex = { nameServers, hostmaster, serial: Number(opts.serial ?? 1) };
        }
        if (opts.outDir) {
          const dir = typedPath(ctx, opts.outDir);
          try {
            mkdirSync(dir, { recursive: true });
            for (const z of zones) writeFileAtomic(join(dir, zoneFileName(z.zone)), formatZoneFile(z, apex));
          } catch (e) {
            throw new RdnsError(`cannot write the zone files to ${opts.outDir}: ${e instanceof UnsafeWriteError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`, 2, 'pass a writable folder with --out-dir');
          }
          ctx.stdout(`wrote ${zones.length} zone file${zones.length === 1 ? '' : 's'} into ${opts.outDir}\n`);
        } else ctx.stdout(formatExportZones(zones, apex));
      }
      setExit(0);
    });
}
