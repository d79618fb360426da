/**
 * File contents at a revision, many at once: one `git cat-file --batch` process
 * instead of a `git show` per file, so loading 1,000 block files costs one spawn.
 */
import { spawn } from 'node:child_process';
import type { Diagnostic } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import { notRegularDiagnostic, RepoFiles, symlinkDiagnostic, tooLargeDiagnostic } from '../loader/repo-file.js';
import { WORKTREE } from './changed-files.js';
import { runGit } from './git-client.js';

/** Contents of files at a revision, and the files refused instead of read. */
export interface BlobRead {
  readonly bytes: Map<string, Uint8Array>;
  /** Path → why it was not read: a symbolic link, not a regular file, or larger than the limit. */
  readonly refused: Map<string, Diagnostic>;
}

/**
 * Contents of `paths` at `rev` (a commit-ish, or {@link WORKTREE} for the files on disk),
 * read as untrusted input: symbolic links (git mode 120000, or a link on disk) are refused
 * and never followed, so are submodules and anything on disk that is not a regular file;
 * a file larger than `maxBytes` is refused by the size git (or fstat) reports, before its
 * content is read. Paths missing at that revision are in neither map. Throws RdnsError
 * for an unknown revision.
 */
export async function readBlobsAt(root: string, rev: string, paths: readonly string[], maxBytes: number): Promise<BlobRead> {
  const bytes = new Map<string, Uint8Array>();
  const refused = new Map<string, Diagnostic>();
  if (paths.length === 0) return { bytes, refused };
  if (rev === WORKTREE) {
    const files = new RepoFiles(root);
    for (const p of paths) {
      const r = files.read(p, maxBytes);
      if (r.ok) bytes.set(p, r.bytes);
      else if (!r.missing) refused.set(p, r.diagnostic);
      // missing: deleted in the work tree, absent like a path missing at a commit
    }
    return { bytes, refused };
  }
  const commit = (await runGit(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], `is "${rev}" a branch, tag or commit of this repository?`)).trim();
  const entries = await treeEntries(root, commit, paths);
  const readable: string[] = [];
  for (const p of paths) {
    const e = entries.get(p);
    if (!e) continue;
    if (e.mode === '120000') refused.set(p, symlinkDiagnostic(p, await linkTarget(root, e.object)));
    else if (e.type !== 'blob') refused.set(p, notRegularDiagnostic(p, e.type === 'commit' ? 'git submodule' : 'folder'));
    else if (e.size > maxBytes) refused.set(p, tooLargeDiagnostic(p, e.size, maxBytes));
    else readable.push(p);
  }
  // The batch protocol is line-based: a path with a newline is read by its object id.
  const blobs = await catFileBatch(root, readable.map((p) => (/[\n\r]/.test(p) ? entries.get(p)!.object : `${commit}:${p}`)));
  readable.forEach((p, i) => {
    const b = blobs[i];
    if (b) bytes.set(p, b);
  });
  return { bytes, refused };
}

/**
 * Contents of `paths` at `rev` (see {@link readBlobsAt}); files that are refused there
 * (links, submodules, files over `maxBytes`) are absent, like missing ones.
 */
export async function readFilesAt(root: string, rev: string, paths: readonly string[], maxBytes = Number.MAX_SAFE_INTEGER): Promise<Map<string, Uint8Array>> {
  return (await readBlobsAt(root, rev, paths, maxBytes)).bytes;
}

interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly object: string;
  readonly size: number;
}

/** Mode, type, object id and size of each path at a commit (`git ls-tree --long`), many paths per call. */
async function treeEntries(root: string, commit: string, paths: readonly string[]): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const CHUNK = 500;
  for (let i = 0; i < paths.length; i += CHUNK) {
    // --literal-pathspecs: a name with "*" or ":(" is a name, not a pattern.
    const text = await runGit(root, ['--literal-pathspecs', 'ls-tree', '-z', '--long', '--full-tree', commit, '--', ...paths.slice(i, i + CHUNK)]);
    for (const line of text.split('\0')) {
      const m = /^(\d{6}) (\w+) ([0-9a-f]+) +(-|\d+)\t(.*)$/s.exec(line);
      if (m) out.set(m[5]!, { mode: m[1]!, type: m[2]!, object: m[3]!, size: m[4] === '-' ? 0 : Number(m[4]) });
    }
  }
  return out;
}

/** The text of a link blob (its target), cut short: it is only shown, never followed. */
async function linkTarget(root: string, object: string): Promise<string | undefined> {
  const [b] = await catFileBatch(root, [object]);
  return b ? Buffer.from(b.subarray(0, 256)).toString('utf8') : undefined;
}

/** Block-file paths (by extension) present at a revision under the given folders. */
export async function listFilesAt(root: string, rev: string, pathspecs: readonly string[]): Promise<string[]> {
  const out = await runGit(root, ['ls-tree', '-r', '-z', '--name-only', rev, '--', ...pathspecs]);
  return out.split('\0').filter(Boolean).sort();
}

/** Feeds object names to `git cat-file --batch`; undefined where an object is missing. */
/** Reads many objects (`rev:path`, shas) with one `git cat-file --batch`; missing ones are undefined. */
export function catFileBatch(root: string, objects: readonly string[]): Promise<(Uint8Array | undefined)[]> {
  if (objects.length === 0) return Promise.resolve([]);
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => reject(new RdnsError(`cannot run git: ${e.message}`, 2, 'install git and make sure it is on PATH')));
    child.on('close', (code) => {
      if (code !== 0) return reject(new RdnsError(`git cat-file failed: ${stderr.trim()}`, 2));
      const buf = Buffer.concat(chunks);
      const result: (Uint8Array | undefined)[] = [];
      let at = 0;
      for (let i = 0; i < objects.length; i++) {
        const nl = buf.indexOf(10, at);
        if (nl < 0) return reject(new RdnsError('git cat-file: truncated output', 2));
        const header = buf.subarray(at, nl).toString('utf8');
        at = nl + 1;
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) {
          result.push(undefined); // "<name> missing" or "ambiguous"
          continue;
        }
        const size = Number(m[2]);
        result.push(m[1] === 'blob' ? buf.subarray(at, at + size) : undefined);
        at += size + 1;
      }
      resolvePromise(result);
    });
    // Names with newlines cannot go through the line protocol; block files never have them.
    child.stdin.end(objects.map((o) => `${o.replace(/[\r\n]/g, '')}\n`).join(''));
  });
}
