/**
 * The library API for changing PTRs, used by the `rdns set/reset/bulk` commands and by
 * provisioning code that assigns a PTR when it assigns an IP:
 *
 * ```ts
 * import { setPtr } from 'rdns-gitops';
 * const r = setPtr('/srv/rdns-repo', '198.51.100.40', 'web1.example.com');
 * if (r.errors > 0) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
 * // r.changes: [{kind: 'added', ipText: '198.51.100.40', file: 'zones/…', old, new}], r.written: ['zones/…']
 * ```
 *
 * Each call loads the repository, plans, and (unless `apply: false`) rewrites only the
 * lines of the records that change, atomically, one pass per block file. Nothing is
 * written while any request is refused (unless `skipInvalid`). Never throws on bad
 * input: refusals are diagnostics. Committing and opening a pull request is separate
 * (see `proposeChange` in propose.ts).
 */
import { join, resolve } from 'node:path';
import { countErrors, diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { loadConfig } from '../loader/config.js';
import { loadRepository, type Repository } from '../loader/repository.js';
import { UnsafeWriteError, writeFileAtomic } from './atomic-write.js';
import { RepoFiles } from '../loader/repo-file.js';
import { parseBulkInput } from './bulk-input.js';
import { planPtrChanges, type Actor, type EditPlan, type PlannedChange, type PtrRequest } from './plan.js';
import { editRecords, type RecordEdit, type TopLevelEdit } from './record-edit.js';

export interface ChangeOptions {
  /** Write the files (default true). false = preview. */
  readonly apply?: boolean;
  /** Check ownership for this GitHub user (and teams). */
  readonly actor?: Actor;
  /** Block files or folders to search (default zones/). */
  readonly paths?: readonly string[];
}

export interface ChangeResult {
  readonly plan: EditPlan;
  readonly changes: readonly PlannedChange[];
  /** Refusals (error) and remarks (warning), sorted. */
  readonly diagnostics: Diagnostic[];
  readonly errors: number;
  /** Block files rewritten (repository-relative); empty in a preview or when refused. */
  readonly written: string[];
}

export interface BulkOptions extends ChangeOptions {
  /** Write the valid lines even when others are refused. */
  readonly skipInvalid?: boolean;
  /** Per-run cap on change lines (default: bulk.max_lines of rdns.yaml, 500). */
  readonly maxLines?: number;
  /** Name of the input in diagnostics (default `<input>`). */
  readonly source?: string;
}

export interface BulkResult extends ChangeResult {
  readonly lines: number;
  readonly valid: number;
  readonly invalid: number;
  readonly notYours: number;
  readonly unchanged: number;
  /** True when the run was refused as a whole (over the cap). */
  readonly overCap: boolean;
}

/** Block files that exist but did not load, with their first error (to name them when an address is in no block). */
export function brokenFiles(repo: Repository): Map<string, Diagnostic> {
  const loaded = new Set(repo.blocks.map((b) => b.file));
  const out = new Map<string, Diagnostic>();
  for (const d of repo.diagnostics) if (d.file && d.severity === 'error' && !loaded.has(d.file) && !out.has(d.file)) out.set(d.file, d);
  return out;
}

/** Records that did not load for an invalid hostname (`file|ip` → the value as written), so reset can remove them. */
export function invalidRecords(repo: Repository): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of repo.diagnostics) if (d.code === 'hostname.invalid' && d.file && d.ip && d.value !== undefined) out.set(`${d.file}|${d.ip}`, d.value);
  return out;
}

/**
 * Applies the planned changes: per block file, one read, one pass of surgical edits,
 * one atomic write. All files are edited in memory first; if any cannot be edited
 * safely nothing is written and the reason is returned as an `edit.unsafe` diagnostic.
 */
export function writeChanges(root: string, changes: readonly PlannedChange[], topLevel: ReadonlyMap<string, readonly TopLevelEdit[]> = new Map()): { written: string[]; diagnostics: Diagnostic[] } {
  const byFile = new Map<string, RecordEdit[]>();
  for (const c of changes) {
    const list = byFile.get(c.file);
    if (list) list.push(c.edit);
    else byFile.set(c.file, [c.edit]);
  }
  for (const f of topLevel.keys()) if (!byFile.has(f)) byFile.set(f, []);
  const outputs: [string, string][] = [];
  const diagnostics: Diagnostic[] = [];
  const reader = new RepoFiles(root);
  for (const [file, edits] of byFile) {
    // Links are refused like the loader refuses them: an edit never lands outside the file's own path.
    const read = reader.read(file, Number.MAX_SAFE_INTEGER);
    if (!read.ok) {
      diagnostics.push(read.missing ? diag('file.unreadable', 'cannot read the file: ENOENT', { file, line: 1, column: 1 }) : read.diagnostic);
      continue;
    }
    const text = Buffer.from(read.bytes).toString('utf8');
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    const r = editRecords(bom ? text.slice(1) : text, edits, topLevel.get(file) ?? []);
    if (!r.ok) {
      diagnostics.push(diag('edit.unsafe', `not edited (the file is left as it was): ${r.reason}`, { file, line: 1, column: 1 }));
      continue;
    }
    if (bom + r.text !== text) outputs.push([file, bom + r.text]);
  }
  if (diagnostics.length > 0) return { written: [], diagnostics };
  const written: string[] = [];
  for (const [file, text] of outputs) {
    try {
      writeFileAtomic(join(root, file), text, { root });
      written.push(file);
    } catch (e) {
      if (!(e instanceof UnsafeWriteError)) throw e;
      diagnostics.push(diag(e.code, `not written: ${e.message}`, { file, line: 1, column: 1 }));
    }
  }
  return { written, diagnostics };
}

function runRequests(root: string, requests: readonly PtrRequest[], options: ChangeOptions, extra: Diagnostic[] = [], skipInvalid = false): ChangeResult & { repo: Repository } {
  const repo = loadRepository(root, options.paths);
  const plan = planPtrChanges(repo, requests, { actor: options.actor, brokenFiles: brokenFiles(repo), invalidRecords: invalidRecords(repo) });
  const diagnostics = [...extra, ...plan.diagnostics];
  let written: string[] = [];
  const refused = countErrors(diagnostics) > 0;
  if (options.apply !== false && plan.changes.length > 0 && (!refused || skipInvalid)) {
    const w = writeChanges(repo.root, plan.changes);
    written = w.written;
    diagnostics.push(...w.diagnostics);
  }
  sortDiagnostics(diagnostics);
  return { repo, plan, changes: plan.changes, diagnostics, errors: countErrors(diagnostics), written };
}

/** Gives `ip` the PTR `host` (optionally with its own TTL and a note). */
export function setPtr(root: string, ip: string, host: string, options: ChangeOptions & { ttl?: number; note?: string } = {}): ChangeResult {
  const { repo: _repo, ...r } = runRequests(root, [{ ip, host, ttl: options.ttl, note: options.note }], options);
  return r;
}

/** Removes the record of `ip`, so the block default (or no PTR) applies again. */
export function resetPtr(root: string, ip: string, options: ChangeOptions = {}): ChangeResult {
  const { repo: _repo, ...r } = runRequests(root, [{ ip }], options);
  return r;
}

/** Applies bulk input text (`IP HOST` lines); see {@link parseBulkInput}. */
export function applyBulk(root: string, text: string, options: BulkOptions = {}): BulkResult {
  const source = options.source ?? '<input>';
  const input = parseBulkInput(text, source);
  const repo0 = { lines: input.lineCount };
  const cap = options.maxLines;
  // Only rdns.yaml is needed for the cap: a run over the cap must not pay for loading every block.
  const max = cap ?? loadConfig(resolve(root)).config.bulkMaxLines;
  if (input.lineCount > max) {
    const d = diag('bulk.over-cap', `${input.lineCount} change lines is more than the per-run cap of ${max} (bulk.max_lines in rdns.yaml, or --max); split the input`, { file: source, line: 1, column: 1 }, { value: String(input.lineCount) });
    const plan: EditPlan = { changes: [], unchanged: [], diagnostics: [d], invalid: 0, notYours: 0 };
    return { plan, changes: [], diagnostics: [d, ...input.diagnostics], errors: 1 + input.diagnostics.length, written: [], ...repo0, valid: 0, invalid: input.diagnostics.length, notYours: 0, unchanged: 0, overCap: true };
  }
  const { repo: _repo, ...r } = runRequests(root, input.requests, options, input.diagnostics, options.skipInvalid);
  const invalid = input.diagnostics.length + r.plan.invalid;
  return { ...r, ...repo0, valid: r.plan.changes.length + r.plan.unchanged.length, invalid, notYours: r.plan.notYours, unchanged: r.plan.unchanged.length, overCap: false };
}
