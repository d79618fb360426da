/**
 * Writes a file so that readers (and a crash) see either the old or the new content,
 * never half of it: temp file in the same folder, fsync, rename over the target.
 */
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Atomically replaces (or creates) `path` with `content`, keeping an existing file's mode.
 * A symbolic link is followed: its target is replaced and the link stays a link.
 */
export function writeFileAtomic(target: string, content: string | Uint8Array): void {
  let path = target;
  let mode = 0o644;
  try {
    mode = statSync(path).mode & 0o777;
    path = realpathSync(path);
  } catch {
    // new file
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something an attacker placed at the temp name.
  const fd = openSync(tmp, 'wx', mode);
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
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
