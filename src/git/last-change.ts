/**
 * The last commit that changed each address's PTR, for every address of the repository
 * at once (the report's "last change"). One `git log -p` pass over the block files,
 * newest first: the first commit whose diff touches a record's lines is its last change.
 * `rdns history IP` (history.ts) answers the full story of one address; this answers one
 * line for all of them without a git process per address.
 */
import { parseIp, formatIp } from '../core/ip.js';
import { prNumberOf } from './history.js';
import { tryGit } from './git-client.js';

export interface CommitRef {
  readonly commit: string;
  readonly author: string;
  /** ISO 8601 author date. */
  readonly date: string;
  readonly subject: string;
  readonly pr?: number;
}

export interface FileChanges {
  /** Canonical IP text → the newest commit that changed that record's lines (added, edited or removed it). */
  readonly records: Map<string, CommitRef>;
  /** The newest commit that changed the `default:` line. */
  defaultChange?: CommitRef;
  /** The newest commit that touched the file at all. */
  fileChange?: CommitRef;
}

/**
 * Block file (repository-relative) → its last changes. Empty when `root` is not a git
 * work tree or has no commit (the report then shows no history; nothing fails).
 */
export async function lastChanges(root: string, paths: readonly string[] = ['zones']): Promise<Map<string, FileChanges>> {
  const out = new Map<string, FileChanges>();
  const top = await tryGit(root, ['rev-parse', '--show-toplevel']);
  if (top === undefined) return out;
  const prefix = (await tryGit(root, ['rev-parse', '--show-prefix']))?.trim() ?? '';
  // -U3 (the default) keeps the key line of a mapping-form record as context of a change to its `ptr:`/`ttl:`/`note:`.
  const log = await tryGit(root, ['log', '--no-renames', '--no-color', '--no-ext-diff', '-p', '--format=%x1e%H%x1f%an%x1f%aI%x1f%s', 'HEAD', '--', ...paths]);
  if (log === undefined) return out;
  parseLog(log, out, prefix);
  return out;
}

// A record key line of a block file: indented, an address (optionally quoted), a colon.
const KEY = /^(\s+)(?:-\s+)?(['"]?)([0-9A-Fa-f:.]+)\2\s*:/;
const SUB = /^(\s+)(ptr|ttl|note)\s*:/;

/** Exported for tests: fills `out` from `git log -p` output (paths relative to the repository root, made relative to `prefix`). */
export function parseLog(log: string, out: Map<string, FileChanges>, prefix = ''): void {
  const ipCache = new Map<string, string | undefined>();
  const canonical = (text: string): string | undefined => {
    if (ipCache.has(text)) return ipCache.get(text);
    const p = parseIp(text);
    const v = p.ok ? formatIp(p.value) : undefined;
    ipCache.set(text, v);
    return v;
  };
  for (const chunk of log.split('\x1e')) {
    if (!chunk) continue;
    const nl = chunk.indexOf('\n');
    const head = nl < 0 ? chunk : chunk.slice(0, nl);
    const [commit = '', author = '', date = '', subject = ''] = head.split('\x1f');
    if (!commit) continue;
    const ref: CommitRef = { commit, author, date, subject, pr: prNumberOf(subject) };
    if (nl < 0) continue;
    let file: FileChanges | undefined;
    let inHunk = false;
    // The record whose lines the hunk is in (for `ptr:` lines of a mapping-form record).
    let current: { ip: string; indent: number } | undefined;
    const body = chunk.slice(nl + 1);
    let at = 0;
    while (at < body.length) {
      let end = body.indexOf('\n', at);
      if (end < 0) end = body.length;
      const line = body.slice(at, end);
      at = end + 1;
      if (line.startsWith('diff --git ')) {
        file = undefined;
        inHunk = false;
        current = undefined;
        continue;
      }
      if (!inHunk) {
        if (line.startsWith('+++ ') || line.startsWith('--- ')) {
          const path = line.slice(4);
          if (path === '/dev/null') continue;
          let rel = path.replace(/^[ab]\//, '');
          if (prefix && rel.startsWith(prefix)) rel = rel.slice(prefix.length);
          let f = out.get(rel);
          if (!f) {
            f = { records: new Map() };
            out.set(rel, f);
          }
          file = f;
          file.fileChange ??= ref;
        } else if (line.startsWith('@@')) {
          inHunk = true;
          current = undefined;
        }
        continue;
      }
      if (line.startsWith('@@')) {
        current = undefined;
        continue;
      }
      if (!file) continue;
      const mark = line[0];
      if (mark !== '+' && mark !== '-' && mark !== ' ') {
        if (line.startsWith('diff --git ')) inHunk = false;
        continue;
      }
      const text = line.slice(1);
      const changed = mark !== ' ';
      const key = KEY.exec(text);
      if (key) {
        const ip = canonical(key[3]!);
        if (ip) {
          current = { ip, indent: key[1]!.length };
          if (changed && !file.records.has(ip)) file.records.set(ip, ref);
          continue;
        }
      }
      if (!changed) continue;
      if (/^default\s*:/.test(text)) {
        file.defaultChange ??= ref;
        continue;
      }
      const sub = SUB.exec(text);
      if (sub && current && sub[1]!.length > current.indent && !file.records.has(current.ip)) file.records.set(current.ip, ref);
    }
  }
}
