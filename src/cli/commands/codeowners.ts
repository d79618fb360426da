import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { countErrors, diag, type Diagnostic } from '../../core/diagnostics.js';
import { UnsafeWriteError, writeFileAtomic } from '../../edit/atomic-write.js';
import { RepoFiles } from '../../loader/repo-file.js';
import type { Block } from '../../core/model.js';
import { loadRepository } from '../../loader/repository.js';
import { checkCodeowners, codeownersLines, CODEOWNERS_FILE, CODEOWNERS_LOCATIONS, renderCodeowners } from '../../policy/codeowners.js';
import { formatDiagnostics, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { formatOption } from './validate.js';

/**
 * The repository's CODEOWNERS file: the first of GitHub's locations that exists, else
 * .github/CODEOWNERS. Writing .github/CODEOWNERS next to a root or docs/ one would make
 * GitHub ignore every hand-written rule in the other.
 */
export function codeownersFileOf(root: string): string {
  // lstat: a link (even a dangling one) is found, and then refused when read.
  const present = (f: string): boolean => {
    try {
      lstatSync(join(root, f));
      return true;
    } catch {
      return false;
    }
  };
  return CODEOWNERS_LOCATIONS.find(present) ?? CODEOWNERS_FILE;
}

/** GitHub ignores a CODEOWNERS file larger than 3 MB. */
const CODEOWNERS_MAX_BYTES = 3 * 1024 * 1024;

/**
 * The CODEOWNERS text ('' when there is none), or the diagnostic that refuses it: a link,
 * a folder or anything else that is not a regular file inside the repository.
 */
export function readCodeowners(root: string, file = codeownersFileOf(root)): { text: string } | { diagnostic: Diagnostic } {
  const r = new RepoFiles(root).read(file, CODEOWNERS_MAX_BYTES, file);
  if (r.ok) return { text: Buffer.from(r.bytes).toString('utf8') };
  return r.missing ? { text: '' } : { diagnostic: r.diagnostic };
}

/** For `rdns validate`: `codeowners.stale` when the CODEOWNERS file exists and differs from the block owners. */
export function codeownersDiagnostics(root: string, blocks: readonly Block[], configOwners: readonly string[] = []): Diagnostic[] {
  const file = codeownersFileOf(root);
  const read = readCodeowners(root, file);
  if ('diagnostic' in read) return [read.diagnostic];
  if (read.text === '' && !existsSync(join(root, file))) return [];
  return checkCodeowners(read.text, blocks, file, configOwners);
}

/** `rdns codeowners [--check]`: write (or check) .github/CODEOWNERS from the block owners. */
export function registerCodeowners(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('codeowners')
    .description(`write ${CODEOWNERS_FILE} (or the CODEOWNERS file the repository already has) from the owners of each block file (hand-written rules outside the generated section are kept)`)
    .option('--check', 'only check that the file is up to date (exit 1 when stale)')
    .addOption(formatOption())
    .action((opts: { check?: boolean; format: Format }) => {
      const ctx = context();
      const repo = loadRepository(ctx.root);
      const file = codeownersFileOf(ctx.root);
      const path = join(ctx.root, file);
      const read = readCodeowners(ctx.root, file);
      const existing = 'text' in read ? read.text : '';
      // A block that does not load would silently lose its line: fix the files first.
      const errors = [...repo.diagnostics.filter((d) => d.severity === 'error'), ...('diagnostic' in read ? [read.diagnostic] : [])];
      if (countErrors(errors) > 0) {
        ctx.stderr(formatDiagnostics('text', errors, summarize(errors, repo.fileCount, repo.recordCount), ctx.color));
        ctx.stderr(`rdns: ${file} not ${opts.check ? 'checked' : 'written'}: ${'diagnostic' in read ? `${file} cannot be read safely` : 'the block files have errors'} (see above)\n`);
        setExit(1);
        return;
      }
      if (opts.check) {
        const ds = checkCodeowners(existing, repo.blocks, file, repo.config.owners);
        const summary = summarize(ds, repo.fileCount, repo.recordCount);
        ctx.stdout(formatDiagnostics(opts.format, ds, summary, ctx.color));
        setExit(ds.length > 0 ? 1 : 0);
        return;
      }
      const next = renderCodeowners(repo.blocks, existing, repo.config.owners);
      const lines = codeownersLines(repo.blocks).length;
      if (next === existing) {
        ctx.stdout(`${file} is up to date (${lines} block files with owners)\n`);
        return;
      }
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileAtomic(path, next, { root: ctx.root });
      } catch (e) {
        if (!(e instanceof UnsafeWriteError)) throw e;
        const ds = [diag(e.code, `not written: ${e.message}`, { file, line: 1, column: 1 })];
        ctx.stderr(formatDiagnostics('text', ds, summarize(ds, repo.fileCount, repo.recordCount), ctx.color));
        setExit(1);
        return;
      }
      ctx.stdout(`wrote ${file}: ${lines} block files with owners${repo.blocks.length > lines ? `, ${repo.blocks.length - lines} without (no review required)` : ''}\n`);
    });
}
