/**
 * Reading files of the repository as untrusted input: a pull request controls their
 * names, their type and where they lead. Only regular files inside the repository are
 * read; symbolic links are never followed (not even to a file inside the repository:
 * a change to the target would not show as a change to the link's path, so the owners
 * of that path would not be asked); FIFOs, devices, sockets and folders are refused;
 * the size limit is checked on the opened file before reading, and no more than the
 * limit is ever read. Every refusal is a diagnostic at the path, never an exception.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import { printable } from '../core/file-name.js';

export type RepoFileRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly missing: true }
  | { readonly ok: false; readonly missing?: false; readonly diagnostic: Diagnostic };

const at = (file: string) => ({ file, line: 1, column: 1 });

/** What a non-regular file is, in words. */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'FIFO (named pipe)';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

/** `file.symlink` for the link at `file` (repository-relative). */
export function symlinkDiagnostic(file: string, target: string | undefined, what = 'the file'): Diagnostic {
  const to = target === undefined ? '' : ` (to "${printable(target)}")`;
  return diag(
    'file.symlink',
    `${what} is a symbolic link${to}; rdns reads only regular files inside the repository and never follows a link (its target may be outside the repository, and a change to the target would not show as a change to this path): replace the link with what it points to`,
    at(file),
    { value: target === undefined ? undefined : printable(target) },
  );
}

/** `file.not-regular` for a folder, FIFO, device or socket at `file`. */
export function notRegularDiagnostic(file: string, kind: string, what = 'the file'): Diagnostic {
  return diag('file.not-regular', `${what} is a ${kind}, not a regular file; rdns reads only regular files`, at(file));
}

export function tooLargeDiagnostic(file: string, size: number | bigint, max: number): Diagnostic {
  return diag('file.too-large', `${size} bytes is more than limits.max_file_bytes (${max}); split the block into smaller files`, at(file));
}

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * Reads files of one repository. Remembers which folders were found to be inside the
 * repository, so reading thousands of files in a few folders costs a few `realpath`s.
 */
export class RepoFiles {
  private readonly realRoot: string;
  private readonly folders = new Map<string, boolean>();

  constructor(readonly root: string) {
    let real = root;
    try {
      real = realpathSync(root);
    } catch {
      // the root itself is missing: every read reports it
    }
    this.realRoot = real;
  }

  /**
   * True when `absFolder` resolves to a folder inside the repository (no folder on the way
   * is a link that leads out); undefined when it does not exist.
   */
  folderInside(absFolder: string): boolean | undefined {
    const known = this.folders.get(absFolder);
    if (known !== undefined) return known;
    let real: string;
    try {
      real = realpathSync(absFolder);
    } catch {
      return undefined;
    }
    const rel = relative(this.realRoot, real);
    const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    this.folders.set(absFolder, inside);
    return inside;
  }

  /**
   * The bytes of `file` (repository-relative, forward slashes) when it is a regular file
   * of at most `maxBytes`; `missing` when nothing is there; otherwise the diagnostic.
   * `what` names the file in messages ("rdns.yaml", "the file").
   */
  read(file: string, maxBytes: number, what = 'the file'): RepoFileRead {
    const abs = join(this.root, file);
    // A path the user named outside the repository is theirs to name; inside it, no folder on the way may lead out.
    const lexicallyInside = !relative(this.root, abs).startsWith('..');
    if (lexicallyInside) {
      const inside = this.folderInside(dirname(abs));
      if (inside === undefined) return { ok: false, missing: true };
      if (!inside) return { ok: false, diagnostic: symlinkDiagnostic(file, undefined, `a folder on the path of ${what}`) };
    }
    let st: Stats;
    try {
      st = lstatSync(abs);
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return { ok: false, missing: true };
      return { ok: false, diagnostic: diag('file.unreadable', `cannot read ${what}: ${errCode(e)}`, at(file)) };
    }
    if (st.isSymbolicLink()) return { ok: false, diagnostic: symlinkDiagnostic(file, readLink(abs), what) };
    if (!st.isFile()) return { ok: false, diagnostic: notRegularDiagnostic(file, kindOf(st), what) };
    if (st.size > maxBytes) return { ok: false, diagnostic: tooLargeDiagnostic(file, st.size, maxBytes) };
    let fd: number;
    try {
      // O_NOFOLLOW: a link swapped in since the lstat is not followed; O_NONBLOCK: a FIFO swapped in does not block the open.
      fd = openSync(abs, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      if (errCode(e) === 'ELOOP') return { ok: false, diagnostic: symlinkDiagnostic(file, readLink(abs), what) };
      return { ok: false, diagnostic: diag('file.unreadable', `cannot read ${what}: ${errCode(e)}`, at(file)) };
    }
    try {
      const fst = fstatSync(fd);
      if (!fst.isFile()) return { ok: false, diagnostic: notRegularDiagnostic(file, kindOf(fst), what) };
      if (fst.size > maxBytes) return { ok: false, diagnostic: tooLargeDiagnostic(file, fst.size, maxBytes) };
      // The file may grow after fstat: read at most one byte more than allowed, which is enough to know.
      const limit = Math.min(maxBytes + 1, Math.max(fst.size + 1, 64 * 1024));
      let buf = Buffer.allocUnsafe(limit);
      let got = 0;
      for (;;) {
        if (got === buf.length) {
          if (buf.length > maxBytes) break;
          const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
          buf.copy(bigger, 0, 0, got);
          buf = bigger;
        }
        const n = readSync(fd, buf, got, buf.length - got, null);
        if (n === 0) break;
        got += n;
      }
      if (got > maxBytes) return { ok: false, diagnostic: diag('file.too-large', `${what} grew past limits.max_file_bytes (${maxBytes}) while it was read`, at(file)) };
      return { ok: true, bytes: buf.subarray(0, got) };
    } catch (e) {
      return { ok: false, diagnostic: diag('file.unreadable', `cannot read ${what}: ${errCode(e)}`, at(file)) };
    } finally {
      closeSync(fd);
    }
  }
}

function readLink(abs: string): string | undefined {
  try {
    return readlinkSync(abs);
  } catch {
    return undefined;
  }
}
