/**
 * File contents at a revision, many at once: one `git cat-file --batch` process
 * instead of a `git show` per file, so loading 1,000 block files costs one spawn.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RdnsError } from '../core/errors.js';
import { WORKTREE } from './changed-files.js';
import { runGit } from './git-client.js';

/**
 * Contents of `paths` at `rev` (a commit-ish, or {@link WORKTREE} for the files on disk).
 * Paths missing at that revision are absent from the map. Throws RdnsError for an unknown revision.
 */
export async function readFilesAt(root: string, rev: string, paths: readonly string[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (paths.length === 0) return out;
  if (rev === WORKTREE) {
    await Promise.all(
      paths.map(async (p) => {
        try {
          out.set(p, await readFile(join(root, p)));
        } catch {
          // Deleted in the work tree: absent, like a path missing at a commit.
        }
      }),
    );
    return out;
  }
  const commit = (await runGit(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], `is "${rev}" a branch, tag or commit of this repository?`)).trim();
  // The batch protocol is line-based: a path with a newline goes through `git show` instead.
  const batchable = paths.filter((p) => !/[\n\r]/.test(p));
  for (const p of paths) if (/[\n\r]/.test(p)) out.set(p, Buffer.from(await runGit(root, ['show', `${commit}:${p}`]), 'utf8'));
  const blobs = await catFileBatch(root, batchable.map((p) => `${commit}:${p}`));
  batchable.forEach((p, i) => {
    const b = blobs[i];
    if (b) out.set(p, b);
  });
  return out;
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
