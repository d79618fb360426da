import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import { applyBulkChecked } from '../../edit/api.js';
import type { Format } from '../report.js';
import type { CliContext } from '../context.js';
import { typedPath } from '../paths.js';
import { actorOf, changeExit, changeFormatOption, forwardCheckOf, forwardOptions, ownerOptions, printChangeResult, type ForwardFlags } from './set.js';
import { checkPullRequestFlags, openPullRequestFromCli, prOptions, type PrFlags } from './pr-flow.js';
import { plural } from '../../core/text.js';

/** Hard ceiling for --max: one bulk run never rewrites more than a /16 worth of records. */
export const BULK_HARD_MAX = 65_536;
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

function parseFrom(v: string): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('a change line number, 1 or more');
  return Number(v);
}

function parseMax(v: string): number {
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1 || Number(v) > BULK_HARD_MAX) throw new InvalidArgumentError(`a whole number from 1 to ${BULK_HARD_MAX}`);
  return Number(v);
}

function readInput(ctx: CliContext, file: string): string {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? ctx.readStdin() : readFileSync(typedPath(ctx, file));
  } catch (e) {
    throw new RdnsError(`cannot read ${file === '-' ? 'standard input' : file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
  if (bytes.length > MAX_INPUT_BYTES) throw new RdnsError(`${file}: ${bytes.length} bytes is more than ${MAX_INPUT_BYTES}; split the input`, 2);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new RdnsError(`${file}: not valid UTF-8; save it as UTF-8`, 2);
  }
}

/** `rdns bulk FILE|-`: preview (default) or apply `IP HOST` lines. */
export function registerBulk(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  const cmd = program
    .command('bulk')
    .description('apply "IP HOST" lines (space, tab, comma or semicolon, quoted CSV, a header line; "IP default" resets) from FILE or - (stdin); previews unless --apply')
    .argument('<file>', 'input file, or - for standard input')
    .option('--apply', 'write the changes (default: preview only)')
    .option('--skip-invalid', 'with --apply: write the valid lines even when others are refused')
    .option('--max <lines>', `per-run cap on change lines (default bulk.max_lines of rdns.yaml, 500; at most ${BULK_HARD_MAX})`, parseMax)
    .option('--from <n>', 'start at change line N (over the cap: the run takes --max lines from here)', parseFrom)
    .option('--delete', '"IP default" in a block without default: remove the PTR entirely')
    .addOption(changeFormatOption());
  forwardOptions(cmd);
  ownerOptions(cmd);
  prOptions(cmd);
  cmd.action(async (file: string, opts: { apply?: boolean; skipInvalid?: boolean; max?: number; from?: number; delete?: boolean; format: Format; as?: string; team?: string[] } & PrFlags & ForwardFlags) => {
    const ctx = context();
    const text = readInput(ctx, file);
    const source = file === '-' ? '<stdin>' : file;
    const fcrdns = forwardCheckOf(opts);
    if (opts.apply) await checkPullRequestFlags(ctx, opts);
    const r = await applyBulkChecked(ctx.root, text, { apply: Boolean(opts.apply), skipInvalid: opts.skipInvalid, maxLines: opts.max, from: opts.from, source, actor: actorOf(opts), allowDelete: opts.delete, fcrdns });
    const counts = { lines: r.lines, valid: r.valid, invalid: r.invalid, notYours: r.notYours, unchanged: r.unchanged, unconfirmed: r.unconfirmed, from: r.window.from, to: r.window.to, ...(r.nextFrom !== undefined ? { nextFrom: r.nextFrom } : {}) };
    const files = new Set(r.changes.map((c) => c.file)).size;
    const code = printChangeResult(ctx, r, {
      format: opts.format,
      applied: Boolean(opts.apply),
      extraSummary: counts,
      previewHint: r.errors > 0 ? `preview: nothing written; fix or remove the refused lines (or --skip-invalid), then --apply` : `preview: nothing written; run with --apply to write ${plural(r.changes.length, 'change')} to ${plural(files, 'file')}`,
      notWrittenHint: 'nothing written: some lines were refused (use --skip-invalid to write the valid ones)',
    });
    if (opts.format === 'text') {
      const toChange = r.plan.changes.length;
      const dns = r.unconfirmed > 0 ? ` (${r.unconfirmed} not confirmed by forward DNS)` : '';
      const part = r.overCap || r.window.from > 1 ? `; this run: change lines ${r.window.from}–${r.window.to}${r.nextFrom !== undefined ? `, next: --from ${r.nextFrom}` : ''}` : '';
      ctx.stdout(`${r.lines} lines: ${r.valid} valid (${toChange} to change, ${r.unchanged} unchanged), ${r.invalid} invalid${dns}, ${r.notYours} not yours${part}\n`);
    }
    setExit(changeExit(r, code));
    // One pull request per run: a run that is one part of a larger input names its lines (title and branch).
    const part = r.overCap || r.window.from > 1 ? `bulk lines ${r.window.from}–${r.window.to}` : 'bulk';
    if (opts.pr && opts.apply && r.written.length > 0) setExit(await openPullRequestFromCli(ctx, r, opts, part));
  });
}
