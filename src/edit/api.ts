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
import { resolve } from 'node:path';
import { countErrors, diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { CONFIG_FILE, loadConfig } from '../loader/config.js';
import { loadRepository, type Repository } from '../loader/repository.js';
import { confirmForward, type ForwardCheck, type ForwardCheckOptions } from './confirm-forward.js';
import { editFiles, type TextEdit } from './edit-files.js';
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
  /** Allow a reset in a block without `default` (the address is left with no PTR). */
  readonly allowDelete?: boolean;
  /**
   * Forward-confirm every new PTR before writing (the async functions only:
   * {@link setPtrChecked}, {@link applyBulkChecked}).
   */
  readonly fcrdns?: ForwardCheckOptions;
}

export interface ChangeResult {
  readonly plan: EditPlan;
  readonly changes: readonly PlannedChange[];
  /** Refusals (error) and remarks (warning), sorted. */
  readonly diagnostics: Diagnostic[];
  readonly errors: number;
  /** Block files rewritten (repository-relative); empty in a preview or when refused. */
  readonly written: string[];
  /** The forward check of the new PTRs, when one was asked for. */
  readonly forward?: ForwardCheck;
}

export interface BulkOptions extends ChangeOptions {
  /** Write the valid lines even when others are refused. */
  readonly skipInvalid?: boolean;
  /** Per-run cap on change lines (default: bulk.max_lines of rdns.yaml, 500). */
  readonly maxLines?: number;
  /** Name of the input in diagnostics (default `<input>`). */
  readonly source?: string;
  /** First change line of this run (1-based, default 1): the run takes `maxLines` change lines from here. */
  readonly from?: number;
}

export interface BulkResult extends ChangeResult {
  readonly lines: number;
  readonly valid: number;
  readonly invalid: number;
  readonly notYours: number;
  readonly unchanged: number;
  /** True when the input has more change lines than one run takes. */
  readonly overCap: boolean;
  /** The change lines this run takes (1-based, inclusive) and the input lines they span. */
  readonly window: { readonly from: number; readonly to: number; readonly firstLine: number; readonly lastLine: number };
  /** `--from` of the next run, when lines remain after this run's window. */
  readonly nextFrom?: number;
  /** Lines refused because the forward DNS does not confirm the PTR (counted in `invalid`). */
  readonly unconfirmed: number;
}

/** Block files that exist but did not load, with their first error (to name them when an address is in no block). */
export function brokenFiles(repo: Repository): Map<string, Diagnostic> {
  const loaded = new Set(repo.blocks.map((b) => b.file));
  const out = new Map<string, Diagnostic>();
  for (const d of repo.diagnostics) if (d.file && d.severity === 'error' && !loaded.has(d.file) && !out.has(d.file)) out.set(d.file, d);
  return out;
}

/** Records that did not load for an invalid hostname or a target in the reverse tree (`file|ip` → the value as written), so reset can remove them. */
export function invalidRecords(repo: Repository): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of repo.diagnostics) if ((d.code === 'hostname.invalid' || d.code === 'hostname.reverse-target') && d.file && d.ip && d.value !== undefined) out.set(`${d.file}|${d.ip}`, d.value);
  return out;
}

/**
 * Applies the planned changes: per block file, one read, one pass of surgical edits,
 * one atomic write, through {@link editFiles} (each file locked from before it is read
 * until its new version is in place; nothing written if any file cannot be edited safely
 * or its lock cannot be had: the reason is returned as a diagnostic).
 */
export function writeChanges(root: string, changes: readonly PlannedChange[], topLevel: ReadonlyMap<string, readonly TopLevelEdit[]> = new Map()): { written: string[]; diagnostics: Diagnostic[] } {
  const byFile = new Map<string, RecordEdit[]>();
  for (const c of changes) {
    const list = byFile.get(c.file);
    if (list) list.push(c.edit);
    else byFile.set(c.file, [c.edit]);
  }
  for (const f of topLevel.keys()) if (!byFile.has(f)) byFile.set(f, []);
  const edits = new Map<string, TextEdit>([...byFile].map(([file, list]) => [file, (text: string) => editRecords(text, list, topLevel.get(file) ?? [])]));
  const { written, diagnostics } = editFiles(root, edits);
  return { written, diagnostics };
}

interface Planned {
  readonly repo: Repository;
  readonly plan: EditPlan;
  readonly diagnostics: Diagnostic[];
  /** rdns.yaml does not load: nothing may be written, whatever else is asked. */
  readonly configBroken: boolean;
}

function planRequests(root: string, requests: readonly PtrRequest[], options: ChangeOptions, extra: Diagnostic[] = []): Planned {
  const repo = loadRepository(root, options.paths);
  const plan = planPtrChanges(repo, requests, { actor: options.actor, brokenFiles: brokenFiles(repo), invalidRecords: invalidRecords(repo), allowDelete: options.allowDelete });
  // An rdns.yaml that validate refuses (config.invalid) stops every edit: its policy might be the one that should refuse this change.
  const config = repo.diagnostics.filter((d) => d.file === CONFIG_FILE && d.severity === 'error');
  const configErrors = config.map((d) => ({ ...d, message: `${d.message} (rdns.yaml must validate before PTRs are changed; run rdns validate)` }));
  return { repo, plan, diagnostics: [...configErrors, ...extra, ...plan.diagnostics], configBroken: config.length > 0 };
}

/** Writes the planned changes that survived, unless refusals forbid it. */
function finish(p: Planned, options: ChangeOptions, skipInvalid: boolean, forward?: ForwardCheck, only?: BulkPlan['window'] & { source: string }): ChangeResult {
  const refusedByDns = new Set(forward?.refused ?? []);
  const changes = p.plan.changes.filter((c) => !refusedByDns.has(c));
  const plan: EditPlan = { ...p.plan, changes, invalid: p.plan.invalid + refusedByDns.size };
  const diagnostics = [...p.diagnostics, ...(forward?.diagnostics ?? [])];
  // A bulk run over the cap writes its window of lines; refusals of lines outside it do not stop it.
  const inWindow = (line: number | undefined): boolean => !only || line === undefined || (line >= only.firstLine && line <= only.lastLine);
  const toWrite = changes.filter((c) => inWindow(c.pos?.line));
  const blocking = diagnostics.filter((d) => !only || d.file !== only.source || inWindow(d.line));
  let written: string[] = [];
  const refused = countErrors(blocking) > 0;
  if (options.apply !== false && !p.configBroken && !forward?.unreachable && toWrite.length > 0 && (!refused || skipInvalid)) {
    const w = writeChanges(p.repo.root, toWrite);
    written = w.written;
    diagnostics.push(...w.diagnostics);
  }
  sortDiagnostics(diagnostics);
  return { plan, changes, diagnostics, errors: countErrors(diagnostics), written, ...(forward ? { forward } : {}) };
}

const requestOf = (ip: string, host: string | undefined, options: { ttl?: number; note?: string }): PtrRequest => ({ ip, host, ttl: options.ttl, note: options.note });

/** Gives `ip` the PTR `host` (optionally with its own TTL and a note). No forward check: see {@link setPtrChecked}. */
export function setPtr(root: string, ip: string, host: string, options: ChangeOptions & { ttl?: number; note?: string } = {}): ChangeResult {
  return finish(planRequests(root, [requestOf(ip, host, options)], options), options, false);
}

/**
 * {@link setPtr} that first confirms the forward DNS (the name must resolve back to `ip`)
 * when `options.fcrdns` is given; a name that does not is refused and nothing is written.
 */
export async function setPtrChecked(root: string, ip: string, host: string, options: ChangeOptions & { ttl?: number; note?: string } = {}): Promise<ChangeResult> {
  const p = planRequests(root, [requestOf(ip, host, options)], options);
  const forward = options.fcrdns && countErrors(p.diagnostics) === 0 ? await confirmForward(p.plan.changes, options.fcrdns) : undefined;
  return finish(p, options, false, forward);
}

/** Removes the record of `ip`, so the block default (or, with `allowDelete`, no PTR) applies again. */
export function resetPtr(root: string, ip: string, options: ChangeOptions = {}): ChangeResult {
  return finish(planRequests(root, [{ ip }], options), options, false);
}

/** Applies bulk input text (`IP HOST` lines); see {@link parseBulkInput}. No forward check: see {@link applyBulkChecked}. */
export function applyBulk(root: string, text: string, options: BulkOptions = {}): BulkResult {
  const b = planBulk(root, text, options);
  return bulkResult(b, finish(b.planned, options, options.skipInvalid ?? false, undefined, { ...b.window, source: b.source }));
}

/** {@link applyBulk} that forward-confirms the new PTRs of this run's window first (`options.fcrdns`). */
export async function applyBulkChecked(root: string, text: string, options: BulkOptions = {}): Promise<BulkResult> {
  const b = planBulk(root, text, options);
  const forward = options.fcrdns ? await confirmForward(b.planned.plan.changes.filter(b.inWindow), options.fcrdns) : undefined;
  return bulkResult(b, finish(b.planned, options, options.skipInvalid ?? false, forward, { ...b.window, source: b.source }));
}

interface BulkPlan {
  readonly planned: Planned;
  readonly source: string;
  readonly lines: number;
  readonly overCap: boolean;
  readonly window: BulkResult['window'];
  readonly nextFrom?: number;
  readonly inWindow: (c: { pos?: { line: number } }) => boolean;
}

/**
 * Parses and plans every line (so the counts are about the whole input), and picks the
 * window of change lines this run takes: `maxLines` of them from `from`.
 */
function planBulk(root: string, text: string, options: BulkOptions): BulkPlan {
  const source = options.source ?? '<input>';
  const input = parseBulkInput(text, source);
  const config = loadConfig(resolve(root)).config;
  // One run is one pull request with --pr: by default it stays within the CI change guard, so CI does not refuse the branch it makes.
  const guard = config.guards.maxChangedRecords;
  const guardCaps = options.maxLines === undefined && guard > 0 && guard < config.bulkMaxLines;
  const max = options.maxLines ?? (guardCaps ? guard : config.bulkMaxLines);
  const capSource = options.maxLines !== undefined ? '--max' : guardCaps ? `guards.max_changed_records in rdns.yaml: rdns ci refuses a pull request with more changes unless it carries the ${config.guards.label} label` : 'bulk.max_lines in rdns.yaml, or --max';
  const n = input.lineCount;
  const from = Math.max(1, options.from ?? 1);
  const to = Math.min(n, from + max - 1);
  const firstLine = input.changeLines[from - 1] ?? Number.MAX_SAFE_INTEGER;
  const lastLine = input.changeLines[to - 1] ?? 0;
  const overCap = n > max;
  const nextFrom = to < n ? to + 1 : undefined;
  const extra = [...input.diagnostics];
  if (options.from !== undefined && from > n) {
    extra.push(diag('bulk.over-cap', `--from ${from}: the input has only ${n} change lines; nothing to do`, { file: source, line: 1, column: 1 }, { value: String(from) }));
  } else if (overCap || from > 1) {
    const next = nextFrom !== undefined ? `; continue with --from ${nextFrom}` : '; this is the last part';
    extra.push(
      diag('bulk.over-cap', `${n} change lines${overCap ? ` is more than the per-run cap of ${max} (${capSource})` : ''}: every line is checked and counted, this run takes change lines ${from}–${to} (input lines ${firstLine}–${lastLine})${next} (with --pr each run opens its own pull request)`, { file: source, line: firstLine === Number.MAX_SAFE_INTEGER ? 1 : firstLine, column: 1 }, { value: String(n) }),
    );
  }
  const planned = planRequests(root, input.requests, options, extra);
  const inWindow = (c: { pos?: { line: number } }): boolean => c.pos === undefined || (c.pos.line >= firstLine && c.pos.line <= lastLine);
  const changing = planned.plan.changes.filter(inWindow).length;
  if (guard > 0 && changing > guard) {
    planned.diagnostics.push(
      diag('bulk.over-guard', `this run changes ${changing} records, more than guards.max_changed_records (${guard}) in rdns.yaml: as one pull request, rdns ci refuses it unless someone other than its author adds the ${config.guards.label} label; use --max ${guard} and --from to split it into pull requests CI accepts`, { file: source, line: 1, column: 1 }, { value: String(changing) }),
    );
  }
  return { planned, source, lines: n, overCap, window: { from, to, firstLine, lastLine }, nextFrom, inWindow };
}

function bulkResult(b: BulkPlan, r: ChangeResult): BulkResult {
  const plan = r.plan;
  return {
    ...r,
    changes: r.changes.filter(b.inWindow),
    lines: b.lines,
    valid: plan.changes.length + plan.unchanged.length,
    invalid: b.planned.diagnostics.filter((d) => d.code === 'bulk.syntax').length + plan.invalid,
    notYours: plan.notYours,
    unchanged: plan.unchanged.length,
    overCap: b.overCap,
    window: b.window,
    ...(b.nextFrom !== undefined ? { nextFrom: b.nextFrom } : {}),
    unconfirmed: r.forward?.refused.length ?? 0,
  };
}
