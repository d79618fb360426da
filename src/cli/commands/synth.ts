import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { countErrors } from '../../core/diagnostics.js';
import { RdnsError } from '../../core/errors.js';
import { loadRepositoryAt } from '../../git/load-revisions.js';
import { resolveRevisions } from '../../git/revisions.js';
import { loadRepository, type Repository } from '../../loader/repository.js';
import { zoneContents, type RenderModel } from '../../render/zone-records.js';
import { changedStacks, zoneStacksOf, type StackChanges, type StackInfo, type ZoneStack } from '../../render/stacks.js';
import { formatDiagnostics, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { repositoryPaths, typedPath } from '../paths.js';
import { formatOption } from './validate.js';
import { plural } from '../../core/text.js';
import { localStateDir } from '../state-dir.js';

export interface RenderInput {
  readonly repo: Repository;
  readonly model: RenderModel;
}

/**
 * Loads and checks the repository, then builds the render model. Returns undefined after
 * printing the diagnostics when anything is at error severity: nothing is rendered from a
 * repository that does not validate.
 */
export async function loadForRender(ctx: CliContext, paths: readonly string[], format: Format, findingsTo: 'stdout' | 'stderr' = 'stdout'): Promise<RenderInput | undefined> {
  const repo = loadRepository(ctx.root, paths.length > 0 ? paths : undefined);
  const model = zoneContents(repo);
  // The model re-checks quotas as a guard for repositories that did not validate; when
  // validation already failed, add only what rendering alone finds, not the same quota twice.
  const validated = countErrors(repo.diagnostics) === 0;
  const diagnostics = [...repo.diagnostics, ...(validated ? model.diagnostics : model.diagnostics.filter((d) => d.code.startsWith('render.')))];
  const summary = summarize(diagnostics, repo.fileCount, repo.recordCount);
  if (summary.errors > 0) {
    // Findings go to stdout in the requested format, like validate, so CI annotates them;
    // to stderr when stdout carries data (export), so no consumer parses them as records.
    ctx[findingsTo](formatDiagnostics(format, diagnostics, summary, ctx.color));
    return undefined;
  }
  if (summary.warnings > 0) ctx.stderr(formatDiagnostics('text', diagnostics, summary, ctx.color));
  return { repo, model };
}

export interface StackSelection extends RenderInput {
  /** Every stack of the repository. */
  readonly all: readonly ZoneStack[];
  /** The stacks selected (all, or those a change affects). */
  readonly stacks: readonly ZoneStack[];
  /** With --changed-since: stacks of the base that the head no longer produces. */
  readonly removed: StackChanges['removed'];
}

/**
 * The stacks to synthesize or plan: every stack, or with `changedSince` the stacks that
 * render differently than at the merge base with that revision (records, zone options,
 * forward names, or the settings every stack is rendered with), so a change that moves
 * records between zones lists every zone it touches. `only` narrows to named stacks.
 */
export async function loadStacks(ctx: CliContext, paths: readonly string[], format: Format, opts: { changedSince?: string; only?: readonly string[] } = {}): Promise<StackSelection | undefined> {
  const input = await loadForRender(ctx, paths, format);
  if (!input) return undefined;
  const all = zoneStacksOf(input.model);
  let stacks: readonly ZoneStack[] = all;
  let removed: StackChanges['removed'] = [];
  if (opts.changedSince !== undefined) {
    const revisions = await resolveRevisions(ctx.root, { base: opts.changedSince });
    const baseRepo = await loadRepositoryAt(ctx.root, revisions.base, paths.length > 0 ? paths : undefined);
    const changes = changedStacks({ stacks: zoneStacksOf(zoneContents(baseRepo)), config: baseRepo.config }, { stacks: all, config: input.repo.config });
    stacks = changes.changed;
    removed = changes.removed;
  }
  if (opts.only && opts.only.length > 0) {
    const names = new Set(opts.only.flatMap((o) => o.split(/[\s,]+/)).filter(Boolean));
    const unknown = [...names].filter((n) => !all.some((s) => s.stack === n));
    if (unknown.length > 0) throw new RdnsError(`no such stack: ${unknown.join(', ')}`, 2, 'rdns stacks lists the stack names');
    stacks = stacks.filter((s) => names.has(s.stack));
    removed = removed.filter((r) => names.has(r.stack));
  }
  return { ...input, all, stacks, removed };
}

/** `rdns-198-51-100-0-24  100.51.198.in-addr.arpa.  zones/198.51.100.0_24.yaml  256 records, 2 resources, 2 refresh reads` */
export function stackLines(stacks: readonly StackInfo[]): string {
  const w = Math.max(0, ...stacks.map((s) => s.stack.length));
  const z = Math.max(0, ...stacks.map((s) => s.zone.length));
  const f = Math.max(0, ...stacks.map((s) => s.files.join(', ').length));
  return stacks
    .map((s) => `${s.stack.padEnd(w)}  ${s.zone.padEnd(z)}  ${s.files.join(', ').padEnd(f)}  ${plural(s.records, 'record')}${s.forwardRecords ? ` (+${s.forwardRecords.toLocaleString('en-US')} forward)` : ''}, ${plural(s.resources, 'resource')}, ${plural(s.refreshReads, 'refresh read')}`)
    .join('\n');
}

/** `rdns synth [--changed-since REF] [--out DIR] [PATH...]`: cdktf synth into cdktf.out/, one stack per block file. */
export function registerSynth(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('synth')
    .description('render the block files into Terraform (cdktf.out/), one stack per reverse zone')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--changed-since <ref>', 'only the stacks that render differently than at this git revision')
    .option('--out <dir>', 'output folder (default: $CDKTF_OUTDIR when run by `cdktf synth`, else cdktf.out)')
    .addOption(formatOption())
    .addOption(new Option('--quiet', 'print nothing on success'))
    .action(async (typed: string[], opts: { changedSince?: string; out?: string; format: Format; quiet?: boolean }) => {
      const ctx = context();
      const paths = repositoryPaths(ctx, typed);
      // --out as typed; cdktf sets CDKTF_OUTDIR when it runs the app in the folder of cdktf.json.
      const outdir = opts.out ? typedPath(ctx, opts.out) : resolve(ctx.root, ctx.env.CDKTF_OUTDIR || 'cdktf.out');
      const input = await loadStacks(ctx, paths, opts.format, { changedSince: opts.changedSince });
      if (!input) return setExit(1);
      // Loaded only now: cdktf and the provider classes take a moment to import.
      const { synthesize, checkSynthOutput, outdirProblem } = await import('../../render/synth.js');
      const problem = outdirProblem(ctx.root, outdir);
      if (problem) throw new RdnsError(problem, 2, 'pass --out with a new folder inside the repository (default cdktf.out)');
      let stacks: StackInfo[];
      try {
        stacks = synthesize(input.stacks, input.repo.config, { outdir, prune: true, stateDir: localStateDir(ctx, input.repo.config) });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A folder that cannot be written is the environment's problem, not an internal error.
        if (typeof code !== 'string') throw e;
        throw new RdnsError(`cannot write the stacks to ${opts.out || ctx.env.CDKTF_OUTDIR || 'cdktf.out'}: ${code}`, 2, 'pass a writable folder with --out');
      }
      const unsafe = checkSynthOutput(outdir);
      if (unsafe.length > 0) {
        ctx.stdout(formatDiagnostics(opts.format, unsafe, summarize(unsafe, input.repo.fileCount, input.repo.recordCount), ctx.color));
        return setExit(1);
      }
      if (opts.quiet) return setExit(0);
      if (opts.format === 'json') {
        ctx.stdout(`${JSON.stringify({ outdir, stacks }, null, 2)}\n`);
      } else {
        const records = stacks.reduce((n, s) => n + s.records, 0);
        const shown = outdir.startsWith(`${ctx.root}/`) ? `${outdir.slice(ctx.root.length + 1)}/` : outdir;
        const scope = opts.changedSince === undefined ? '' : ` (of ${input.all.length}: the stacks that changed since ${opts.changedSince})`;
        ctx.stdout(`${stacks.length > 0 ? `${stackLines(stacks)}\n` : ''}synthesized ${plural(stacks.length, 'stack')}, ${plural(records, 'record')} into ${shown}${scope}\n`);
      }
      setExit(0);
    });
}
