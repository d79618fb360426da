/**
 * `rdns history IP`: every commit that changed the PTR of one address.
 *
 * Fast on long histories because git does the search: one `git log -G<regex>` over the
 * block files finds the few commits whose diff mentions the address in any notation
 * (git's pickaxe runs inside git, no per-commit process), then one `git cat-file
 * --batch` reads the block file before and after each of those commits, and only the
 * address's own entry is read from each (no full parse of a large file).
 */
import { normalizeHostname } from '../core/hostname.js';
import { formatIp, parsePrefix, prefixContainsIp, type IpAddress } from '../core/ip.js';
import { checkTemplate, genericNameOf } from '../core/template.js';
import { readRecord, readTopLevelScalar } from '../edit/record-edit.js';
import { gitTopLevel, runGit } from './git-client.js';
import { catFileBatch } from './read-files.js';

export interface PtrAt {
  readonly ptr: string;
  readonly source: 'record' | 'default';
  readonly ttl?: number;
  /** The record's note (ticket, reason) in that version. */
  readonly note?: string;
}

export interface PtrHistoryEntry {
  readonly commit: string;
  readonly author: string;
  readonly email: string;
  /** ISO 8601 author date. */
  readonly date: string;
  readonly subject: string;
  /** Pull request number from the commit message (`(#123)`, `Merge pull request #123`) or the merge that brought the commit in. */
  readonly pr?: number;
  /** Block file(s) the change touched (repository-relative). */
  readonly files: readonly string[];
  readonly old?: PtrAt;
  readonly new?: PtrAt;
}

/** A regular expression (POSIX ERE, case-insensitive) matching `ip` in any textual notation. */
export function ipRegex(ip: IpAddress): string {
  if (ip.version === 4) {
    const text = formatIp(ip).replace(/\./g, '\\.');
    return `(^|[^0-9.])${text}([^0-9]|$)`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  const g = (n: number): string => (n === 0 ? '0{1,4}' : `0{0,${4 - n.toString(16).length}}${n.toString(16)}`);
  const variants = new Set<string>([groups.map(g).join(':')]);
  // Every run of zero groups may be the one written as "::".
  for (let s = 0; s < 8; s++) {
    for (let e = s; e < 8 && groups[e] === 0; e++) {
      const left = groups.slice(0, s).map(g).join(':');
      const right = groups.slice(e + 1).map(g).join(':');
      variants.add(`${left}::${right}`);
    }
  }
  return `(^|[^0-9a-f:])(${[...variants].join('|')})([^0-9a-f:]|:([^0-9a-f:]|$)|$)`;
}

const PR_IN_SUBJECT = [/\(#(\d+)\)\s*$/, /^Merge pull request #(\d+)/];

export function prNumberOf(subject: string): number | undefined {
  for (const re of PR_IN_SUBJECT) {
    const m = re.exec(subject);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** The PTR `ip` has in one version of a block file (its record, else its default), or undefined. */
export function ptrInText(text: string | undefined, ip: IpAddress): PtrAt | undefined {
  if (text === undefined) return undefined;
  const rec = readRecord(text, ip);
  if (rec) {
    const h = normalizeHostname(rec.ptr);
    return { ptr: h.ok ? h.value : rec.ptr, source: 'record', ttl: rec.ttl, ...(rec.note !== undefined ? { note: rec.note } : {}) };
  }
  const def = readTopLevelScalar(text, 'default');
  const prefixText = readTopLevelScalar(text, 'prefix');
  if (typeof def !== 'string' || typeof prefixText !== 'string') return undefined;
  const prefix = parsePrefix(prefixText);
  if (!prefix.ok || !prefixContainsIp(prefix.value, ip)) return undefined;
  if (!checkTemplate(def, prefix.value).ok) return undefined;
  return { ptr: genericNameOf(def, ip, prefix.value), source: 'default' };
}

const same = (a: PtrAt | undefined, b: PtrAt | undefined): boolean => a?.ptr === b?.ptr && a?.ttl === b?.ttl && a?.source === b?.source;

/**
 * Every commit reachable from `rev` (default HEAD) that changed the PTR of `ip` in the
 * block files under `paths` (default zones/), newest first.
 */
export async function ptrHistory(root: string, ip: IpAddress, options: { paths?: readonly string[]; rev?: string } = {}): Promise<PtrHistoryEntry[]> {
  const top = await gitTopLevel(root);
  const paths = options.paths ?? ['zones'];
  const rev = options.rev ?? 'HEAD';
  // The lines of a change need not name the address: `ptr:`/`ttl:` under a mapping-form
  // record, or a new `default:` template (YAML indents with spaces only). Commits that
  // touched such lines are read too; ptrInText below drops those that did not change
  // this address's PTR.
  const log = await runGit(root, [
    'log',
    '--no-renames',
    '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%s',
    '--name-only',
    '-E',
    '-i',
    `-G${ipRegex(ip)}|^ +(ptr|ttl) *:|^(default|prefix) *:`,
    rev,
    '--',
    ...paths,
  ], 'is this a git repository with at least one commit?');
  interface Raw {
    commit: string;
    parent?: string;
    author: string;
    email: string;
    date: string;
    subject: string;
    files: string[];
  }
  const raws: Raw[] = [];
  for (const chunk of log.split('\x1e')) {
    if (!chunk.trim()) continue;
    const [head = '', ...rest] = chunk.split('\n');
    const [commit = '', parents = '', author = '', email = '', date = '', subject = ''] = head.split('\x1f');
    raws.push({ commit, parent: parents.split(' ').filter(Boolean)[0], author, email, date, subject, files: rest.map((l) => l.trim()).filter((l) => /\.ya?ml$/i.test(l)) });
  }
  // One batch read: the file after each commit and before it (in its first parent).
  const specs: string[] = [];
  const slots: { after: number; before?: number }[][] = raws.map((r) =>
    r.files.map((f) => {
      const after = specs.push(`${r.commit}:${f}`) - 1;
      const before = r.parent ? specs.push(`${r.parent}:${f}`) - 1 : undefined;
      return { after, before };
    }),
  );
  const blobs = (await catFileBatch(top, specs)).map((b) => (b ? Buffer.from(b).toString('utf8') : undefined));
  const entries: PtrHistoryEntry[] = [];
  for (const [n, r] of raws.entries()) {
    let before: PtrAt | undefined;
    let after: PtrAt | undefined;
    // An address lives in one block file; when a commit moved it, the file that has it wins.
    // Only the files that hold the address (the commit may have touched many others).
    const files: string[] = [];
    slots[n]!.forEach((slot, i) => {
      const a = ptrInText(blobs[slot.after], ip);
      const b = slot.before === undefined ? undefined : ptrInText(blobs[slot.before], ip);
      after ??= a;
      before ??= b;
      if (a || b) files.push(r.files[i]!);
    });
    if (same(before, after)) continue;
    entries.push({ commit: r.commit, author: r.author, email: r.email, date: r.date, subject: r.subject, pr: prNumberOf(r.subject), files, old: before, new: after });
  }
  // Merge-commit workflows: the PR number is on the merge (on the mainline) that brought a
  // branch commit in. Commits on the mainline itself were not merged from anywhere.
  const missing = entries.filter((e) => e.pr === undefined).slice(0, 50);
  if (missing.length > 0) {
    const mainline = new Set((await runGit(root, ['rev-list', '--first-parent', rev])).split('\n').filter(Boolean));
    for (const e of missing) {
      if (mainline.has(e.commit)) continue;
      const out = await runGit(root, ['log', '--merges', '--first-parent', '--ancestry-path', '--format=%s', `${e.commit}..${rev}`]);
      const subjects = out.split('\n').filter(Boolean);
      const pr = subjects.length > 0 ? prNumberOf(subjects[subjects.length - 1]!) : undefined;
      if (pr !== undefined) (e as { pr?: number }).pr = pr;
    }
  }
  return entries;
}
