/**
 * `rdns import` end to end: read zone files (with their includes) or transfer zones,
 * collect PTRs, plan against the repository, and (when asked) write: new block files
 * atomically, existing ones through the line editor.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { countErrors, diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import { canonicalName } from '../core/hostname.js';
import { loadRepository, findBlockFiles } from '../loader/repository.js';
import { writeChanges } from '../edit/api.js';
import { writeFileAtomic } from '../edit/atomic-write.js';
import { axfr, parseServer } from './axfr.js';
import { prefixOfZoneName } from '../core/reverse.js';
import { collectPtrs } from './reverse-ptrs.js';
import { parseZoneText, type ZoneRecord } from './zone-file.js';
import { planImport, type ImportPlan } from './plan-import.js';

export interface ImportSource {
  /** Zone files as the user named them; relative ones are read from {@link cwd}. */
  readonly zoneFiles?: readonly string[];
  /** The folder relative zone file names are relative to (default: the working directory). */
  readonly cwd?: string;
  /** --origin for zone files without $ORIGIN. */
  readonly origin?: string;
  readonly axfr?: { readonly server: string; readonly zones: readonly string[]; readonly timeoutMs?: number };
}

export interface ImportRunOptions {
  readonly apply?: boolean;
  readonly overwrite?: boolean;
  readonly owners?: readonly string[];
  /** Accept the loss of refused PTRs: warnings, and the rest is written. */
  readonly skipRefused?: boolean;
}

export interface ImportRunResult {
  readonly plan: ImportPlan;
  readonly diagnostics: Diagnostic[];
  readonly errors: number;
  readonly ptrCount: number;
  readonly written: string[];
  /** PTRs carried by git after the import, of them by templates, and refused. */
  readonly counts: { readonly imported: number; readonly asTemplate: number; readonly refused: number };
}

const MAX_ZONE_FILE_BYTES = 256 * 1024 * 1024;

function readText(path: string): string {
  const st = statSync(path);
  if (!st.isFile()) throw new Error('not a file');
  if (st.size > MAX_ZONE_FILE_BYTES) throw new Error(`larger than ${MAX_ZONE_FILE_BYTES} bytes`);
  return readFileSync(path, 'utf8');
}

/**
 * Reads one zone file: `path` relative to `cwd` (default: the working directory), and named
 * as given in diagnostics; `$INCLUDE`s resolve relative to the including file, must stay
 * inside the top file's folder, and are named from `cwd`.
 */
export function readZoneFile(path: string, origin?: string, cwd = '.'): { records: ZoneRecord[]; diagnostics: Diagnostic[] } {
  const from = resolve(cwd);
  const abs = resolve(from, path);
  let text: string;
  try {
    text = readText(abs);
  } catch (e) {
    throw new RdnsError(`cannot read zone file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
  const top = dirname(realpathSync(abs));
  // Without --origin, a file named after its zone (`100.51.198.in-addr.arpa.zone`) gives the origin.
  const base = abs.split(sep).pop() ?? '';
  const named = /^((?:[0-9a-z-/]+\.)*(?:in-addr|ip6)\.arpa)(?:\.(?:zone|db|txt))?$/i.exec(base)?.[1];
  const result = parseZoneText(text, {
    file: path,
    origin: origin ?? named,
    readInclude: (p, includer) => {
      const fromAbs = includer === path ? abs : resolve(from, includer);
      const target = isAbsolute(p) ? p : join(dirname(fromAbs), p);
      const real = realpathSync(target);
      const rel = relative(top, real);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`outside the zone file's folder ${top}; not read`);
      return { text: readText(real), id: real, file: relative(from, real) || real };
    },
  });
  // As BIND loads a zone: data outside the zone (its SOA owner, else the origin) is ignored.
  const apexText = result.apex ?? origin ?? named;
  const apex = apexText === undefined ? undefined : canonicalName(apexText);
  if (apex === undefined) return { records: result.records, diagnostics: result.diagnostics };
  const inside = (n: string): boolean => apex === '.' || n === apex || n.endsWith(`.${apex}`);
  const outside = result.records.filter((r) => !inside(r.name));
  const diagnostics = [...result.diagnostics];
  if (outside.length > 0) {
    const first = outside[0]!;
    diagnostics.push(
      diag('import.skipped', `${outside.length} record${outside.length === 1 ? ' is' : 's are'} outside the zone ${apex} (e.g. ${first.name}); ignored, as BIND does`, { file: first.file, line: first.line, column: 1 }, { value: first.name }),
    );
  }
  return { records: result.records.filter((r) => inside(r.name)), diagnostics };
}

/** Runs an import: preview unless `apply`. Usage and network problems throw RdnsError (exit 2). */
export async function runImport(root: string, source: ImportSource, options: ImportRunOptions = {}): Promise<ImportRunResult> {
  const records: ZoneRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const labels: string[] = [];
  for (const f of source.zoneFiles ?? []) {
    const r = readZoneFile(f, source.origin, source.cwd);
    records.push(...r.records);
    diagnostics.push(...r.diagnostics);
    labels.push(`zone file ${f}`);
  }
  if (source.axfr) {
    const server = parseServer(source.axfr.server);
    for (const zone of source.axfr.zones) {
      records.push(...(await axfr(server, zone, { timeoutMs: source.axfr.timeoutMs })));
      labels.push(`AXFR of ${zone} from ${source.axfr.server}`);
    }
  }
  const collected = collectPtrs(records);
  // PTRs the collection could not keep (two for one address, invalid names): refused, unless the loss is accepted.
  let refusedEarly = 0;
  for (const d of collected.diagnostics) {
    if (d.code !== 'import.refused' && d.code !== 'hostname.reverse-target') diagnostics.push(d);
    else {
      refusedEarly++;
      diagnostics.push(options.skipRefused ? { ...d, severity: 'warning', message: `${d.message} (--skip-refused)` } : d);
    }
  }
  // A zone file without SOA still names its zone through --origin.
  const zones = [...collected.zones];
  const origin = source.origin === undefined ? undefined : canonicalName(source.origin);
  if (origin && !zones.some((z) => z.name === origin)) zones.push({ name: origin, prefix: prefixOfZoneName(origin) });
  // A new repository has no zones/ yet: nothing to load, and the import creates it.
  const repo = loadRepository(root, existsSync(join(resolve(root), 'zones')) ? undefined : []);
  const existingFiles = new Set(existsSync(join(repo.root, 'zones')) ? findBlockFiles(repo.root) : []);
  const plan = planImport(repo, zones, collected.ptrs, { overwrite: options.overwrite, owners: options.owners, skipRefused: options.skipRefused, sourceLabel: labels.join(', '), existingFiles });
  diagnostics.push(...plan.diagnostics);
  const written: string[] = [];
  const refused = plan.counts.refused + refusedEarly;
  // Refused PTRs would be lost: nothing is written unless that is accepted.
  if (options.apply && (refused === 0 || options.skipRefused)) {
    const w = writeChanges(repo.root, plan.changes, plan.topLevel);
    diagnostics.push(...w.diagnostics);
    if (w.diagnostics.length === 0) {
      written.push(...w.written);
      for (const nf of plan.newFiles) {
        const abs = join(repo.root, nf.file);
        mkdirSync(dirname(abs), { recursive: true });
        writeFileAtomic(abs, nf.text, { root: repo.root });
        written.push(nf.file);
      }
    }
  }
  sortDiagnostics(diagnostics);
  const counts = { imported: plan.counts.imported, asTemplate: plan.counts.asTemplate, refused };
  return { plan, diagnostics, errors: countErrors(diagnostics), ptrCount: collected.ptrs.length + refusedEarly, written, counts };
}
