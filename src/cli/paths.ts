/**
 * Paths the user types (arguments and options), read as their shell reads them: relative
 * to the folder the command was started in ({@link CliContext.cwd}), like git's, never to
 * the repository root. What rdns prints keeps naming repository files from the root (the
 * diagnostics contract); only what comes in is read from the current folder.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RdnsError } from '../core/errors.js';
import type { CliContext } from './context.js';

type Where = Pick<CliContext, 'root' | 'cwd'>;

/** A typed path of a file or folder anywhere (input files, output folders), absolute. */
export function typedPath(ctx: Where, typed: string): string {
  return resolve(ctx.cwd, typed);
}

/**
 * A typed path that must lie inside the repository (block files and folders, which are also
 * git pathspecs), repository-relative with forward slashes: `.` for the root itself, a
 * trailing `/` kept. A path outside the repository is a usage error (exit 2) naming the
 * path and the repository.
 */
export function repositoryPath(ctx: Where, typed: string): string {
  const abs = typedPath(ctx, typed);
  // Lexically first; then through links (a work tree reached by a linked folder, /tmp on macOS).
  const rel = insideOf(ctx.root, abs) ?? insideOf(realOf(ctx.root), realOf(abs));
  if (rel === undefined) throw new RdnsError(`${typed}: outside the repository ${ctx.root}`, 2, 'pass block files or folders inside the repository; paths are relative to the current folder');
  if (rel === '') return '.';
  const path = rel.split(sep).join('/');
  return typed.endsWith('/') ? `${path}/` : path;
}

/** {@link repositoryPath} of each typed path (none typed: none, the command's default). */
export function repositoryPaths(ctx: Where, typed: readonly string[]): string[] {
  return typed.map((t) => repositoryPath(ctx, t));
}

/** `abs` relative to `root`, or undefined when it is not inside. */
function insideOf(root: string, abs: string): string | undefined {
  const rel = relative(root, abs);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? undefined : rel;
}

function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
