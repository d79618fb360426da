/**
 * Writes a file so that readers (and a crash) see either the old or the new content,
 * never half of it: temp file in the same folder, fsync, rename over the target.
 * Every file the tool writes goes through here, so no writer follows a link a pull
 * request planted: the target must be a regular file or absent, and with `root` its
 * folder must resolve to a folder inside the repository.
 */
import { closeSync, constants, fsyncSync, lstatSync, openSync, realpathSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';

/** A write refused because the target is a link, not a regular file, or outside the repository. */
export class UnsafeWriteError extends Error {
  constructor(
    message: string,
    /** The diagnostic code that describes the refusal. */
    readonly code: 'file.symlink' | 'file.not-regular',
  ) {
    super(message);
    this.name = 'UnsafeWriteError';
  }
}

/** A new version of a file, written and synced beside it under a temp name: `commit` puts it in place, `discard` removes it. */
export interface StagedWrite {
  commit(): void;
  discard(): void;
}

/**
 * Atomically replaces (or creates) `target` with `content`, keeping an existing file's mode.
 * Refuses (UnsafeWriteError) a target that is a symbolic link or not a regular file, and,
 * when `options.root` is given, a target whose folder leads out of that folder.
 */
export function writeFileAtomic(target: string, content: string | Uint8Array, options: { root?: string } = {}): void {
  stageFileAtomic(target, content, options).commit();
}

/**
 * The first half of {@link writeFileAtomic}: every check and the temp file, synced, but the
 * target untouched until `commit` (a rename). Several files can be staged first and
 * committed only when all of them could be, so a refusal writes none of them.
 */
export function stageFileAtomic(target: string, content: string | Uint8Array, options: { root?: string } = {}): StagedWrite {
  let st: Stats | undefined;
  try {
    st = lstatSync(target);
  } catch {
    // new file
  }
  if (st?.isSymbolicLink()) throw new UnsafeWriteError(`${target} is a symbolic link; rdns does not write through links (replace it with a regular file)`, 'file.symlink');
  if (st && !st.isFile()) throw new UnsafeWriteError(`${target} is not a regular file; not written`, 'file.not-regular');
  const mode = st ? st.mode & 0o777 : 0o644;
  // The real folder, resolved once: the temp file and the rename both use it, so a folder swapped for a link later does not redirect the write.
  const folder = realpathSync(dirname(target));
  if (options.root !== undefined) {
    const rel = relative(realpathSync(options.root), folder);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new UnsafeWriteError(`${target}: a folder on its path is a link to ${folder}, outside the repository; not written`, 'file.symlink');
  }
  const path = join(folder, basename(target));
  const tmp = join(folder, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // O_EXCL|O_NOFOLLOW: never follow or reuse something an attacker placed at the temp name.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
  try {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  const discard = (): void => rmSync(tmp, { force: true });
  return {
    commit: () => {
      try {
        // rename replaces the name itself: even a link swapped in at `path` since the check is replaced, not followed.
        renameSync(tmp, path);
      } catch (e) {
        discard();
        throw e;
      }
    },
    discard,
  };
}
