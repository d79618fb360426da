/**
 * Where the local Terraform backend keeps state: outside the repository. A state file
 * names providers, and Terraform installs and runs what state names; a checkout holds what
 * a pull request committed, so state is never read from the checked-out tree.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The default state folder of the repository at `root`: `<stateHome>/<name>-<hash>`, one
 * per checkout (the hash is of the checkout's real path), so two clones never share state.
 */
export function defaultStateDir(root: string, stateHome: string): string {
  const real = realOrSelf(root);
  const id = createHash('sha256').update(real).digest('hex').slice(0, 12);
  const name = basename(real).replace(/[^A-Za-z0-9._-]/g, '_') || 'repository';
  return join(resolve(stateHome), `${name}-${id}`);
}

/** Why `dir` may not hold local state for the repository at `root` (it lies inside it), or undefined. */
export function stateDirProblem(root: string, dir: string): string | undefined {
  if (!isAbsolute(dir)) return `${dir} is not an absolute path`;
  const rel = relative(realOrSelf(root), realOrSelf(dir));
  if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return `${dir} is inside the repository, where a pull request could commit the state Terraform reads`;
  return undefined;
}

/** State files of the old default (`terraform.<stack>.tfstate` in the repository root), which rdns no longer reads. */
export function legacyStateFiles(root: string): string[] {
  try {
    return readdirSync(root).filter((f) => /^terraform\..+\.tfstate$/.test(f) && existsSync(join(root, f)));
  } catch {
    return [];
  }
}

/** The real path of `p`, or of its nearest existing parent with the rest appended (a folder not made yet). */
function realOrSelf(p: string): string {
  const abs = resolve(p);
  let dir = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(dir), ...rest.reverse());
    } catch {
      const up = resolve(dir, '..');
      if (up === dir) return abs;
      rest.push(basename(dir));
      dir = up;
    }
  }
}
