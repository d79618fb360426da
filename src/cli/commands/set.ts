import { InvalidArgumentError, Option, type Command } from 'commander';
import { resetPtr, setPtrChecked, type ChangeResult } from '../../edit/api.js';
import type { ForwardCheckOptions } from '../../edit/confirm-forward.js';
import { resolverFromFlags } from './check.js';
import { changeLines, jsonChange, unchangedLines } from '../../edit/change-report.js';
import type { Actor } from '../../edit/plan.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { diagnosticJson, diagnosticText, formatGithub, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { checkPullRequestFlags, openPullRequestFromCli, prOptions, type PrFlags } from './pr-flow.js';
import { collect } from '../options.js';

export const changeFormatOption = (): Option => new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text');

export function parseTtl(v: string): number {
  if (!/^\d{1,10}$/.test(v) || Number(v) < 1 || Number(v) > 2147483647) throw new InvalidArgumentError('a TTL is a whole number of seconds (1–2147483647)');
  return Number(v);
}


/** `--as USER` and `--team ORG/TEAM…` → the actor whose ownership is checked. */
export function actorOf(opts: { as?: string; team?: string[] }): Actor | undefined {
  if (!opts.as) return undefined;
  return { user: opts.as.replace(/^@/, ''), teams: (opts.team ?? []).map((t) => t.replace(/^@/, '')) };
}

export const ownerOptions = (cmd: Command): Command =>
  cmd
    .option('--as <user>', 'refuse addresses whose block and allocation owners do not include @USER')
    .option('--team <org/team>', 'with --as: a team USER belongs to (repeatable; teams cannot be looked up offline)', collect, [] as string[]);

/** The forward-check flags of `set` and `bulk` (the resolver flags of `rdns check`, shorter waits). */
export interface ForwardFlags {
  resolver: string[];
  timeout: string;
  retries: string;
  fcrdns: boolean;
  allowUnverified?: boolean;
}

export const forwardOptions = (cmd: Command): Command =>
  cmd
    .option('--resolver <host:port>', 'DNS server for the forward check (repeatable; default: the system resolvers)', collect, [] as string[])
    .option('--timeout <ms>', 'forward check: per-try timeout in milliseconds', '1000')
    .option('--retries <n>', 'forward check: further tries after a timeout', '1')
    .option('--no-fcrdns', 'save without checking that the name resolves back to the address')
    .option('--allow-unverified', 'save names that cannot be verified (DNS does not answer) with a warning; mismatches are still refused');

/** The forward check to run, or undefined with --no-fcrdns. */
export function forwardCheckOf(flags: ForwardFlags): ForwardCheckOptions | undefined {
  if (!flags.fcrdns) return undefined;
  return { resolver: resolverFromFlags({ resolver: flags.resolver, timeout: flags.timeout, retries: flags.retries, concurrency: '64' }), allowUnverified: flags.allowUnverified };
}

/** Exit code of a change: 2 when the forward check found no DNS server (nothing verified), 1 on any refusal. */
export const changeExit = (r: ChangeResult, printed: number): number => (r.forward?.unreachable ? 2 : printed);

/** `forward confirmed: …` lines: what the check proved, for people. */
export function forwardLines(r: ChangeResult): string[] {
  const f = r.forward;
  if (!f || f.checked === 0 || f.unreachable) return [];
  return [`forward DNS: ${f.passed} of ${f.checked} new ${f.checked === 1 ? 'name resolves' : 'names resolve'} back to ${f.checked === 1 ? 'its address' : 'their addresses'}`];
}

/** Line numbers as ranges: `4–200, 203`. */
function lineRanges(lines: readonly number[]): string {
  const sorted = [...lines].sort((a, b) => a - b);
  const out: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (const n of [...sorted.slice(1), Number.NaN]) {
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    out.push(start === prev ? String(start) : `${start}–${prev}`);
    start = n;
    prev = n;
  }
  return out.slice(0, 20).join(', ') + (out.length > 20 ? ', …' : '');
}

/**
 * For people: many findings of one kind (501 lines "not yours") are shown as the first
 * three and one line that counts the rest with their line numbers. JSON keeps them all.
 */
export function groupRepeated(diagnostics: readonly Diagnostic[], keep = 3, threshold = 10): (Diagnostic | string)[] {
  const byCode = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) byCode.set(`${d.code}\0${d.file ?? ''}`, [...(byCode.get(`${d.code}\0${d.file ?? ''}`) ?? []), d]);
  const out: (Diagnostic | string)[] = [];
  const done = new Set<string>();
  for (const d of diagnostics) {
    const key = `${d.code}\0${d.file ?? ''}`;
    const group = byCode.get(key)!;
    if (group.length <= threshold) {
      out.push(d);
      continue;
    }
    if (done.has(key)) continue;
    done.add(key);
    out.push(...group.slice(0, keep));
    const rest = group.slice(keep);
    const where = rest.every((x) => x.line !== undefined) ? ` on ${d.file ? `${d.file} ` : ''}lines ${lineRanges(rest.map((x) => x.line!))}` : '';
    out.push(`… and ${rest.length} more ${d.severity} ${d.code}${where} (the same kind; --format json lists each)`);
  }
  return out;
}

export interface PrintOptions {
  format: Format;
  /** Written to disk (false: preview). */
  applied: boolean;
  extraSummary?: Record<string, number>;
  previewHint?: string;
  notWrittenHint?: string;
}

/** Prints a change result in the chosen format; returns the exit code (1 when anything was refused). */
export function printChangeResult(ctx: CliContext, r: ChangeResult, p: PrintOptions): number {
  const files = new Set(r.changes.map((c) => c.file)).size;
  const summary = { ...summarize(r.diagnostics, files, r.changes.length), ...(p.extraSummary ?? {}) };
  if (p.format === 'json') {
    ctx.stdout(
      `${JSON.stringify(
        {
          diagnostics: r.diagnostics.map(diagnosticJson),
          summary,
          changes: r.changes.map(jsonChange),
          unchanged: r.plan.unchanged.map((u) => ({ ip: u.ipText, file: u.file, ...(u.pos ? { line: u.pos.line } : {}), ...(u.notes.length > 0 ? { notes: u.notes } : {}) })),
          written: r.written,
        },
        null,
        2,
      )}\n`,
    );
  } else if (p.format === 'github') {
    ctx.stdout(formatGithub(r.diagnostics, summary));
  } else {
    const lines = [...groupRepeated(r.diagnostics).map((d) => (typeof d === 'string' ? d : diagnosticText(d))), ...changeLines(r.changes), ...unchangedLines(r.plan.unchanged), ...forwardLines(r)];
    if (r.written.length > 0) lines.push(`wrote ${r.written.join(', ')}`);
    else if (!p.applied && r.changes.length > 0) lines.push(p.previewHint ?? 'preview only: nothing written');
    else if (r.changes.length > 0) lines.push(p.notWrittenHint ?? 'nothing written');
    else if (r.errors === 0) lines.push('nothing to change');
    else lines.push('nothing written');
    ctx.stdout(`${lines.join('\n')}\n`);
  }
  return r.errors > 0 ? 1 : 0;
}

/** `rdns set IP HOST` (`rdns reset IP` lives in reset.ts). */
export function registerSet(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  const set = program
    .command('set')
    .description('give IP its own PTR: edits the block file in place (only that record\'s lines change)')
    .argument('<ip>', 'IPv4 or IPv6 address (any notation)')
    .argument('<host>', 'PTR target hostname (normalised: lower case, punycode); "default" resets to the block default')
    .option('--ttl <seconds>', 'the record\'s own TTL', parseTtl)
    .option('--note <text>', 'a note stored with the record (ticket number, reason)')
    .option('--dry-run', 'show the change, write nothing')
    .option('--delete', 'with "default" in a block without default: remove the PTR entirely')
    .addOption(changeFormatOption());
  forwardOptions(set);
  ownerOptions(set);
  prOptions(set);
  set.action(async (ip: string, host: string, opts: { ttl?: number; note?: string; dryRun?: boolean; delete?: boolean; format: Format; as?: string; team?: string[] } & PrFlags & ForwardFlags) => {
    const ctx = context();
    const fcrdns = forwardCheckOf(opts);
    await checkPullRequestFlags(ctx, opts);
    const common = { apply: !opts.dryRun, actor: actorOf(opts), allowDelete: opts.delete };
    // `set IP default` is a reset, as `IP default` is in bulk.
    const r = host.toLowerCase() === 'default' && opts.ttl === undefined && opts.note === undefined ? resetPtr(ctx.root, ip, common) : await setPtrChecked(ctx.root, ip, host, { ...common, ttl: opts.ttl, note: opts.note, fcrdns });
    setExit(changeExit(r, printChangeResult(ctx, r, { format: opts.format, applied: !opts.dryRun })));
    if (opts.pr && r.errors === 0 && r.written.length > 0) setExit(await openPullRequestFromCli(ctx, r, opts, 'set'));
  });
}
