/**
 * `rdns history IP`: every commit that changed the PTR of one address.
 *
 * Fast on long histories because git does the search: one `git log -G<regex>` over the
 * block files finds the few commits whose diff mentions the address in any notation
 * (git's pickaxe runs inside git, no per-commit process), then one `git cat-file
 * --batch` reads the block file before and after each of those commits, and only the
 * address's own entry is read from each (no full parse of a large file).
 */
import { genericAddressesIn, genericCountIn, genericPtrOf, hasGenericNames } from '../core/generic-names.js';
import { normalizeHostname } from '../core/hostname.js';
import { bytesOf, formatIp, formatPrefix, parsePrefix, prefixContainsIp, prefixesOverlap, sizeOf, type IpAddress, type IpPrefix } from '../core/ip.js';
import type { Block, Config, PtrRecord } from '../core/model.js';
import { loadBlockFile } from '../loader/block-file.js';
import { DEFAULT_CONFIG } from '../loader/config.js';
import { readRecord, readTopLevelScalar, textWithRecordsWhere } from '../edit/record-edit.js';
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

/**
 * Lines that change PTRs without naming an address: `ptr:`/`ttl:` under a mapping-form
 * record, a `default:` template (block, allocation or pool) and the keys that place a pool
 * or a block (`prefix`, `offset`, `step`, `count`). YAML indents with spaces only.
 */
const TEMPLATE_LINES = '^[ -]*(ptr|ttl|default|prefix|offset|step|count) *:';

const PR_IN_SUBJECT = [/\(#(\d+)\)\s*$/, /^Merge pull request #(\d+)/];

export function prNumberOf(subject: string): number | undefined {
  for (const re of PR_IN_SUBJECT) {
    const m = re.exec(subject);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** A version of a block file parsed whole (pools and allocation templates need the model). */
function blockIn(text: string, file: string): Block | undefined {
  return loadBlockFile(Buffer.from(text, 'utf8'), file, HISTORY_CONFIG).block;
}

/** History reads old versions as they were: no size limit, no policy beyond what builds the model. */
const HISTORY_CONFIG: Config = { ...DEFAULT_CONFIG, maxFileBytes: Number.MAX_SAFE_INTEGER };

/** The `prefix:` of a version of a block file, read from its own line. */
function prefixIn(text: string): IpPrefix | undefined {
  const p = readTopLevelScalar(text, 'prefix');
  const q = typeof p === 'string' ? parsePrefix(p) : undefined;
  return q?.ok ? q.value : undefined;
}

/** A version of a block file with only the records `keep` accepts (a few of a large file), loaded into the model. */
const blockWithRecords = (text: string, file: string, keep: (ip: IpAddress) => boolean): Block | undefined => blockIn(textWithRecordsWhere(text, keep) ?? text, file);

/** The PTR `ip` has in one version of a block file (its record, else its generic name), or undefined. */
export function ptrInText(text: string | undefined, ip: IpAddress, file = 'block.yaml'): PtrAt | undefined {
  if (text === undefined) return undefined;
  const rec = readRecord(text, ip);
  if (rec) {
    const h = normalizeHostname(rec.ptr);
    return { ptr: h.ok ? h.value : rec.ptr, source: 'record', ttl: rec.ttl, ...(rec.note !== undefined ? { note: rec.note } : {}) };
  }
  const prefix = prefixIn(text);
  if (!prefix || !prefixContainsIp(prefix, ip)) return undefined;
  // The block's, an allocation's or a pool's template: the model decides which names the address.
  const block = blockWithRecords(text, file, (r) => r.version === ip.version && r.value === ip.value);
  const generic = block && genericPtrOf(block, ip);
  return generic ? { ptr: generic.ptr, source: 'default' } : undefined;
}

const same = (a: PtrAt | undefined, b: PtrAt | undefined): boolean => a?.ptr === b?.ptr && a?.ttl === b?.ttl && a?.source === b?.source;

interface LoggedCommit {
  readonly commit: string;
  readonly parent?: string;
  readonly author: string;
  readonly email: string;
  readonly date: string;
  readonly subject: string;
  readonly files: readonly string[];
}

/** Commits reachable from `rev` that touched block files under `paths` with a line matching `pickaxe` (ERE, case-insensitive), newest first. */
async function logCommits(root: string, rev: string, paths: readonly string[], pickaxe: string | undefined): Promise<LoggedCommit[]> {
  const log = await runGit(
    root,
    ['log', '--no-renames', '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%s', '--name-only', ...(pickaxe !== undefined ? ['-E', '-i', `-G${pickaxe}`] : []), rev, '--', ...paths],
    'is this a git repository with at least one commit?',
  );
  const out: LoggedCommit[] = [];
  for (const chunk of log.split('\x1e')) {
    if (!chunk.trim()) continue;
    const [head = '', ...rest] = chunk.split('\n');
    const [commit = '', parents = '', author = '', email = '', date = '', subject = ''] = head.split('\x1f');
    out.push({ commit, parent: parents.split(' ').filter(Boolean)[0], author, email, date, subject, files: rest.map((l) => l.trim()).filter((l) => /\.ya?ml$/i.test(l)) });
  }
  return out;
}

/** Each touched file after each commit and before it (in its first parent), in one `cat-file --batch`. */
async function readVersions(top: string, commits: readonly LoggedCommit[]): Promise<{ after?: string; before?: string }[][]> {
  // On a linear history one commit's "before" is the next one's "after": each is read once.
  const specs: string[] = [];
  const index = new Map<string, number>();
  const slot = (spec: string): number => index.get(spec) ?? (index.set(spec, specs.push(spec) - 1), specs.length - 1);
  const slots = commits.map((c) => c.files.map((f) => ({ after: slot(`${c.commit}:${f}`), before: c.parent ? slot(`${c.parent}:${f}`) : undefined })));
  const blobs = (await catFileBatch(top, specs)).map((b) => (b ? Buffer.from(b).toString('utf8') : undefined));
  return slots.map((files) => files.map((s) => ({ after: blobs[s.after], before: s.before === undefined ? undefined : blobs[s.before] })));
}

/**
 * Merge-commit workflows: the PR number is on the merge (on the mainline) that brought a
 * branch commit in. Commits on the mainline itself were not merged from anywhere.
 */
async function fillMergedPrNumbers(root: string, rev: string, entries: readonly { commit: string; pr?: number }[]): Promise<void> {
  const missing = entries.filter((e) => e.pr === undefined).slice(0, 50);
  if (missing.length === 0) return;
  const mainline = new Set((await runGit(root, ['rev-list', '--first-parent', rev])).split('\n').filter(Boolean));
  for (const e of missing) {
    if (mainline.has(e.commit)) continue;
    const out = await runGit(root, ['log', '--merges', '--first-parent', '--ancestry-path', '--format=%s', `${e.commit}..${rev}`]);
    const subjects = out.split('\n').filter(Boolean);
    const pr = subjects.length > 0 ? prNumberOf(subjects[subjects.length - 1]!) : undefined;
    if (pr !== undefined) e.pr = pr;
  }
}

/**
 * Every commit reachable from `rev` (default HEAD) that changed the PTR of `ip` in the
 * block files under `paths` (default zones/), newest first.
 */
export async function ptrHistory(root: string, ip: IpAddress, options: { paths?: readonly string[]; rev?: string } = {}): Promise<PtrHistoryEntry[]> {
  const top = await gitTopLevel(root);
  const rev = options.rev ?? 'HEAD';
  // The lines of a change need not name the address (TEMPLATE_LINES): commits that touched
  // such lines are read too; ptrInText below drops those that did not change this address's PTR.
  const commits = await logCommits(root, rev, options.paths ?? ['zones'], `${ipRegex(ip)}|${TEMPLATE_LINES}`);
  const versions = await readVersions(top, commits);
  const entries: { -readonly [K in keyof PtrHistoryEntry]: PtrHistoryEntry[K] }[] = [];
  for (const [n, c] of commits.entries()) {
    let before: PtrAt | undefined;
    let after: PtrAt | undefined;
    // An address lives in one block file; when a commit moved it, the file that has it wins.
    // Only the files that hold the address (the commit may have touched many others).
    const files: string[] = [];
    versions[n]!.forEach((v, i) => {
      const a = ptrInText(v.after, ip, c.files[i]);
      const b = ptrInText(v.before, ip, c.files[i]);
      after ??= a;
      before ??= b;
      if (a || b) files.push(c.files[i]!);
    });
    if (same(before, after)) continue;
    entries.push({ commit: c.commit, author: c.author, email: c.email, date: c.date, subject: c.subject, pr: prNumberOf(c.subject), files, old: before, new: after });
  }
  await fillMergedPrNumbers(root, rev, entries);
  return entries;
}

/** One address whose PTR a commit changed. */
export interface AddressChange {
  /** Canonical text (RFC 5952 for IPv6). */
  readonly ip: string;
  readonly old?: PtrAt;
  readonly new?: PtrAt;
}

/** Generic names a commit renamed, added or removed in a range too large to list address by address. */
export interface GenericChange {
  readonly file: string;
  /** The part of the asked prefix the block covers. */
  readonly range: string;
  /** Addresses of that range answered by a template before / after (records excluded). */
  readonly before: number;
  readonly after: number;
}

export interface PrefixHistoryEntry extends Omit<PtrHistoryEntry, 'old' | 'new'> {
  /** Sorted by address. */
  readonly changes: readonly AddressChange[];
  readonly generic: readonly GenericChange[];
}

/** Above this many addresses of one block inside the asked prefix, generic-name changes are counted, not listed. */
export const LIST_GENERIC_MAX = 4096;

/** The leading octets every IPv4 address of `p` shares, as a pickaxe (IPv6 notations vary too much: none). */
function prefixRegex(p: IpPrefix): string | undefined {
  if (p.version === 6 || p.length < 8) return undefined;
  const octets = bytesOf({ version: 4, value: p.network }).slice(0, Math.floor(p.length / 8));
  return `(^|[^0-9.])${octets.join('\\.')}\\.`;
}

/** Templates of a block (block, allocations, pools) as comparable text. */
const templatesOf = (b: Block | undefined): string =>
  JSON.stringify([b?.default ?? '', (b?.allocations ?? []).map((a) => [formatPrefix(a.prefix), a.default ?? '']), (b?.pools ?? []).map((p) => [formatPrefix(p.prefix), p.offset, p.step, p.count, p.default])]);

/** The part of `q` that `b` covers (they overlap, so one holds the other). */
const intersection = (q: IpPrefix, b: IpPrefix): IpPrefix => (q.length >= b.length ? q : b);

/**
 * Every commit reachable from `rev` that changed a PTR inside `prefix`, each with the
 * addresses it changed (records, and generic names where the block covers at most
 * {@link LIST_GENERIC_MAX} addresses of the prefix; larger generic changes are counted).
 */
export async function prefixHistory(root: string, prefix: IpPrefix, options: { paths?: readonly string[]; rev?: string } = {}): Promise<PrefixHistoryEntry[]> {
  const top = await gitTopLevel(root);
  const rev = options.rev ?? 'HEAD';
  const addresses = prefixRegex(prefix);
  const commits = await logCommits(root, rev, options.paths ?? ['zones'], addresses !== undefined ? `${addresses}|${TEMPLATE_LINES}` : undefined);
  const versions = await readVersions(top, commits);
  // A file version is parsed once: it is the "after" of one commit and the "before" of the next
  // (the last few are kept; the log is newest first, so a version is used twice in a row).
  const parsed = new Map<string, Block | undefined>();
  const blockOf = (text: string | undefined, file: string): Block | undefined => {
    if (text === undefined) return undefined;
    const p = prefixIn(text);
    if (!p || p.version !== prefix.version || !prefixesOverlap(p, prefix)) return undefined;
    if (!parsed.has(text)) {
      // Only the records inside the prefix are read: a /16 file is not parsed whole for a /28.
      if (parsed.size >= 4) parsed.delete(parsed.keys().next().value!);
      parsed.set(text, blockWithRecords(text, file, (ip) => prefixContainsIp(prefix, ip)));
    }
    return parsed.get(text);
  };
  const entries: { -readonly [K in keyof PrefixHistoryEntry]: PrefixHistoryEntry[K] }[] = [];
  for (const [n, c] of commits.entries()) {
    const before: Block[] = [];
    const after: Block[] = [];
    const files: string[] = [];
    versions[n]!.forEach((v, i) => {
      const b = blockOf(v.before, c.files[i]!);
      const a = blockOf(v.after, c.files[i]!);
      if (b) before.push(b);
      if (a) after.push(a);
      if (a || b) files.push(c.files[i]!);
    });
    if (files.length === 0) continue;
    const { changes, generic } = changesIn(prefix, before, after);
    if (changes.length === 0 && generic.length === 0) continue;
    entries.push({ commit: c.commit, author: c.author, email: c.email, date: c.date, subject: c.subject, pr: prNumberOf(c.subject), files, changes, generic });
  }
  await fillMergedPrNumbers(root, rev, entries);
  return entries;
}

/** The PTR changes inside `q` between two sets of block versions (the files one commit touched). */
function changesIn(q: IpPrefix, before: readonly Block[], after: readonly Block[]): { changes: AddressChange[]; generic: GenericChange[] } {
  const stateOf = (blocks: readonly Block[], key: bigint, ip: IpAddress): PtrAt | undefined => {
    const block = blocks.find((b) => prefixContainsIp(b.prefix, ip));
    if (!block) return undefined;
    const rec = recordsOf(block).get(key);
    if (rec) return { ptr: rec.ptr, source: 'record', ...(rec.ttl !== undefined ? { ttl: rec.ttl } : {}), ...(rec.note !== undefined ? { note: rec.note } : {}) };
    const g = genericPtrOf(block, ip);
    return g ? { ptr: g.ptr, source: 'default' } : undefined;
  };
  // Addresses to compare: every record inside q on either side, and every address of a
  // block's part of q small enough to list; larger parts whose templates changed are counted.
  const candidates = new Set<bigint>();
  const generic: GenericChange[] = [];
  for (const b of [...before, ...after]) for (const r of b.records) if (prefixContainsIp(q, r.ip)) candidates.add(r.ip.value);
  const parts = new Map<string, { range: IpPrefix; file: string; b?: Block; a?: Block }>();
  for (const [side, blocks] of [['b', before], ['a', after]] as const) {
    for (const block of blocks) {
      const range = intersection(q, block.prefix);
      const key = formatPrefix(range);
      const part = parts.get(key) ?? { range, file: block.file };
      part[side] = block;
      parts.set(key, part);
    }
  }
  for (const part of parts.values()) {
    const lo = part.range.network;
    const hi = lo + sizeOf(part.range) - 1n;
    if (sizeOf(part.range) <= BigInt(LIST_GENERIC_MAX)) {
      for (const blk of [part.b, part.a]) if (blk && hasGenericNames(blk)) for (const v of genericAddressesIn(blk, lo, hi)) candidates.add(v);
      continue;
    }
    if (templatesOf(part.b) === templatesOf(part.a) && part.b && part.a && formatPrefix(part.b.prefix) === formatPrefix(part.a.prefix)) continue;
    const count = (blk: Block | undefined): number => (blk ? Number(genericCountIn(blk, lo, hi)) - blk.records.filter((r) => prefixContainsIp(part.range, r.ip) && genericPtrOf(blk, r.ip)).length : 0);
    const [nb, na] = [count(part.b), count(part.a)];
    if (nb > 0 || na > 0) generic.push({ file: part.a?.file ?? part.file, range: formatPrefix(part.range), before: nb, after: na });
  }
  const changes: AddressChange[] = [];
  for (const value of [...candidates].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
    const ip: IpAddress = { version: q.version, value };
    const old = stateOf(before, value, ip);
    const now = stateOf(after, value, ip);
    if (same(old, now)) continue;
    changes.push({ ip: formatIp(ip), ...(old ? { old } : {}), ...(now ? { new: now } : {}) });
  }
  return { changes, generic };
}

const recordMaps = new WeakMap<Block, Map<bigint, PtrRecord>>();
function recordsOf(block: Block): Map<bigint, PtrRecord> {
  let m = recordMaps.get(block);
  if (!m) recordMaps.set(block, (m = new Map(block.records.map((r) => [r.ip.value, r]))));
  return m;
}
