/** Throwaway repositories of block files on disk, for loader and CLI tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (repository-relative path → text or bytes) into a new temp dir (named `prefix`…) and returns it. */
export function writeRepo(files: Record<string, string | Uint8Array>, prefix = 'rdns-repo-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
