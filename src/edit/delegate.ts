/**
 * `rdns delegate PREFIX --to NS…` / `rdns undelegate PREFIX`: RFC 2317 (or octet/nibble)
 * delegation of a customer's allocation as a workflow. The block file gets (or loses) the
 * allocation's `delegate_to` (and `contact`), edited in place: only those lines change,
 * comments, order and every other line stay byte for byte, the file is locked and written
 * atomically. The range's records stay in the file: they become the child zone that
 * `rdns export` prints for the customer (nothing is lost), and after `undelegate` the
 * parent zone publishes them again. The result carries the hand-off: the NS and CNAME
 * records the ISP publishes, the zone the customer serves, and `dig` commands to check it.
 */
import { isMap, isScalar, isSeq, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { countErrors, diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import { contactMailbox, normalizeHostname, withoutTrailingDot } from '../core/hostname.js';
import { bitsOf, formatIp, formatPrefix, parsePrefix, prefixContains, type IpPrefix } from '../core/ip.js';
import type { Allocation, Block } from '../core/model.js';
import { loadBlockFile } from '../loader/block-file.js';
import { loadRepository, type Repository } from '../loader/repository.js';
import { zoneContents, type ZoneContents, type ZoneRecord } from '../render/zone-records.js';
import { editFiles, type TextEdit } from './edit-files.js';
import { textWithRecordsWhere, yamlScalar } from './record-edit.js';
import { plural } from '../core/text.js';

export interface DelegateOptions {
  /** Write the file (default true); false = preview. */
  readonly apply?: boolean;
  /** Block files or folders to search (default zones/). */
  readonly paths?: readonly string[];
  /** The customer's contact e-mail (SOA mailbox of the child zone); else the allocation's `contact`. */
  readonly contact?: string;
}

/** What the ISP publishes and the customer serves once the delegation is applied. */
export interface Handoff {
  /** The zone the customer's name servers must serve, e.g. `64-27.100.51.198.in-addr.arpa.`. */
  readonly child: string;
  /** The ISP's zone that holds the NS (and CNAME) records. */
  readonly parent: string;
  readonly nameServers: readonly string[];
  /** The SOA mailbox of the child zone as an e-mail, when known. */
  readonly contact?: string;
  /** NS and CNAME records of the parent zone (source `delegation`). */
  readonly parentRecords: readonly ZoneRecord[];
  /** The child zone as `rdns export` prints it. */
  readonly childZone: ZoneContents;
  /** PTRs of the range that were records in the block file (now in the child zone). */
  readonly movedRecords: number;
}

export interface DelegationResult {
  readonly action: 'delegate' | 'undelegate';
  readonly prefix: string;
  readonly file?: string;
  readonly account?: string;
  /** Whether the file changes (false: it already was as asked). */
  readonly changed: boolean;
  readonly written: readonly string[];
  readonly diagnostics: Diagnostic[];
  readonly errors: number;
  /** `delegate` that succeeded (or would, in a preview). */
  readonly handoff?: Handoff;
  /** `undelegate`: records of the range published in the parent zone again. */
  readonly republished?: number;
}

const prefixContainsText = (p: IpPrefix, ip: { version: 4 | 6; value: bigint }): boolean => prefixContains(p, { version: ip.version, network: ip.value, length: bitsOf(ip.version) });

function usagePrefix(text: string): IpPrefix {
  const p = parsePrefix(text);
  if (!p.ok) throw new RdnsError(`${text}: ${p.reason}`, 2, 'give the allocation\'s prefix, e.g. 198.51.100.64/27');
  return p.value;
}

/** Name servers from `--to`: validated hostnames, fully qualified, duplicates dropped. */
export function nameServersOf(list: readonly string[]): string[] {
  if (list.length === 0) throw new RdnsError('--to needs at least one name server', 2, 'rdns delegate 198.51.100.64/27 --to ns1.acme.example,ns2.acme.example');
  const out: string[] = [];
  for (const raw of list) {
    const h = normalizeHostname(raw);
    if (!h.ok) throw new RdnsError(`--to ${raw}: ${h.reason}`, 2);
    if (!out.includes(h.value)) out.push(h.value);
  }
  return out;
}

/** The RFC 2317 / octet / nibble rule of the renderer, as a reason the prefix cannot be delegated. */
function boundaryProblem(block: Block, p: IpPrefix, repo: Repository): string | undefined {
  const layout = repo.layouts.get(block.file);
  if (!layout) return undefined;
  const zoneLength = layout.classless ? bitsOf(p.version) : layout.length;
  if (layout.classless) return `its block ${formatPrefix(block.prefix)} already is an RFC 2317 classless zone; the upstream /24 delegates the block`;
  if (p.length <= zoneLength) return `it covers a whole reverse zone (/${zoneLength}); remove the block's zone from this repository instead`;
  if (p.version === 4 && p.length > 24) return undefined;
  if (p.length % (p.version === 4 ? 8 : 4) === 0) return undefined;
  return `/${p.length} is not on a${p.version === 4 ? 'n octet' : ' nibble'} boundary and RFC 2317 covers only IPv4 below a /24`;
}

interface Target {
  readonly repo: Repository;
  readonly block: Block;
  readonly allocation: Allocation;
}

function findTarget(root: string, p: IpPrefix, options: DelegateOptions): Target | { diagnostics: Diagnostic[] } {
  const repo = loadRepository(root, options.paths ? [...options.paths] : undefined);
  const configBroken = repo.diagnostics.filter((d) => d.code === 'config.invalid');
  if (configBroken.length > 0) return { diagnostics: configBroken };
  const text = formatPrefix(p);
  const block = repo.blocks.find((b) => prefixContains(b.prefix, p));
  if (!block) {
    const broken = repo.diagnostics.filter((d) => d.severity === 'error' && d.file && !repo.blocks.some((b) => b.file === d.file));
    const why = broken.length > 0 ? ` (block files that do not load: ${[...new Set(broken.map((d) => d.file))].join(', ')})` : '';
    return { diagnostics: [diag('edit.no-block', `${text} is in no block file${why}; add a block file for its prefix first`, undefined, { value: text })] };
  }
  const allocation = block.allocations.find((a) => formatPrefix(a.prefix) === text);
  if (!allocation) {
    const around = block.allocations.filter((a) => prefixContains(a.prefix, p) || prefixContains(p, a.prefix)).map((a) => formatPrefix(a.prefix));
    const hint = around.length > 0 ? `; overlapping allocation${around.length === 1 ? '' : 's'}: ${around.join(', ')}` : '';
    return {
      diagnostics: [
        diag('delegate.no-allocation', `${block.file} has no allocation ${text}${hint}: add it under allocations: (prefix: ${text}, account: …, owners: […]) and delegate again`, block.pos, { value: text }),
      ],
    };
  }
  return { repo, block, allocation };
}

// ---------------------------------------------------------------------------------------
// The YAML edit: splice the pair lines of one allocation, verify by reading back.

interface AllocationEdit {
  /** Keys to set (value as YAML flow text) or remove (undefined). */
  readonly set: ReadonlyMap<string, string>;
  readonly remove: readonly string[];
  /** The expected parsed values after the edit. */
  readonly expect: Readonly<Record<string, unknown>>;
}

const lineStartOf = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;
function lineEndOf(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}
/** End of a node's content: its valueEnd less trailing line breaks and blanks. */
function contentEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && /[\s]/.test(text[e - 1]!)) e--;
  return e;
}

function allocationIndex(items: readonly unknown[], prefix: string): number {
  return items.findIndex((it) => {
    if (!isMap(it)) return false;
    const v = it.get('prefix');
    const parsed = typeof v === 'string' ? parsePrefix(v.trim()) : undefined;
    return parsed?.ok === true && formatPrefix(parsed.value) === prefix;
  });
}

/** The edited text, or why the file cannot be edited safely. */
export function editAllocation(text: string, prefix: string, edit: AllocationEdit): { ok: true; text: string } | { ok: false; reason: string } {
  const doc = parseDocument(text, { uniqueKeys: false, strict: true });
  if (doc.errors.length > 0) return { ok: false, reason: `the file does not parse: ${doc.errors[0]!.message.split('\n')[0]}` };
  const seq = doc.get('allocations', true);
  if (!isSeq(seq)) return { ok: false, reason: 'no allocations: list' };
  const index = allocationIndex(seq.items, prefix);
  if (index < 0) return { ok: false, reason: `no allocation ${prefix}` };
  const item = seq.items[index] as YAMLMap;
  if (item.flow || seq.flow) return { ok: false, reason: `allocation ${prefix} is written in flow style ({…}); edit it by hand or write it as a block mapping` };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const pairs = item.items as Pair[];
  const keyOf = (pair: Pair): string | undefined => (isScalar(pair.key) ? String(pair.key.value) : undefined);
  const first = pairs[0];
  if (!first || !isScalar(first.key) || !first.key.range) return { ok: false, reason: `allocation ${prefix} has no keys` };
  const indentCol = first.key.range[0] - lineStartOf(text, first.key.range[0]);
  const indent = ' '.repeat(indentCol);
  if (text.slice(lineStartOf(text, first.key.range[0]), first.key.range[0]).replace(/^\s*-\s*/, '') !== '') return { ok: false, reason: `allocation ${prefix} is not laid out one key a line` };
  const splices: { from: number; to: number; text: string }[] = [];
  const pairEnd = (pair: Pair): number => {
    const v = pair.value as { range?: [number, number, number] } | null;
    const k = pair.key as { range?: [number, number, number] };
    return contentEnd(text, v?.range ? v.range[1] : k.range![1]);
  };
  const fresh: string[] = [];
  for (const [key, value] of edit.set) {
    const pair = pairs.find((p) => keyOf(p) === key);
    if (!pair) fresh.push(`${indent}${key}: ${value}`);
    else {
      const k = pair.key as { range: [number, number, number] };
      if (pair === first) return { ok: false, reason: `${key} is the first key of the allocation` };
      const start = lineStartOf(text, k.range[0]);
      const end = pairEnd(pair);
      // Keep a comment at the end of the pair's last line.
      const rest = text.slice(end, lineEndOf(text, end));
      splices.push({ from: start, to: lineEndOf(text, end), text: `${indent}${key}: ${value}${rest.endsWith('\n') ? rest : `${rest}${eol}`}` });
    }
  }
  if (fresh.length > 0) {
    // New keys go after the allocation's last one, in the order asked.
    const at = lineEndOf(text, pairEnd(pairs[pairs.length - 1]!));
    const lead = at === text.length && !text.endsWith('\n') ? eol : '';
    splices.push({ from: at, to: at, text: `${lead}${fresh.join(eol)}${lead ? '' : eol}` });
  }
  for (const key of edit.remove) {
    const pair = pairs.find((p) => keyOf(p) === key);
    if (!pair) continue;
    if (pair === first) return { ok: false, reason: `${key} is the first key of the allocation` };
    const k = pair.key as { range: [number, number, number] };
    splices.push({ from: lineStartOf(text, k.range[0]), to: lineEndOf(text, pairEnd(pair)), text: '' });
  }
  splices.sort((a, b) => b.from - a.from);
  // The records are never touched: the read-back below compares the files without them
  // (a 65,536-record file is then read back in milliseconds, not seconds).
  const records = doc.get('records', true) as { range?: [number, number, number] } | undefined;
  if (records?.range && splices.some((sp) => sp.from < records.range![2] && sp.to > records.range![0])) return { ok: false, reason: 'the edit would touch the records' };
  let out = text;
  for (const s of splices) out = out.slice(0, s.from) + s.text + out.slice(s.to);
  // Read back: the document must be the old one with exactly these keys changed.
  const none = (t: string): string | undefined => textWithRecordsWhere(t, () => false);
  const [lightBefore, lightAfter] = [none(text), none(out)];
  const before = (lightBefore !== undefined && lightAfter !== undefined ? parseDocument(lightBefore, { uniqueKeys: false }).toJS() : doc.toJS()) as Record<string, unknown>;
  const after = parseDocument(lightBefore !== undefined && lightAfter !== undefined ? lightAfter : out, { uniqueKeys: false, strict: true });
  if (after.errors.length > 0) return { ok: false, reason: `the edited file would not parse (${after.errors[0]!.message.split('\n')[0]})` };
  const allocations = (before.allocations as Record<string, unknown>[]).map((a, i) => {
    if (i !== index) return a;
    const copy: Record<string, unknown> = { ...a };
    for (const key of edit.remove) delete copy[key];
    Object.assign(copy, edit.expect);
    return copy;
  });
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)])) : v;
  if (JSON.stringify(sortKeys({ ...before, allocations })) !== JSON.stringify(sortKeys(after.toJS()))) return { ok: false, reason: 'the edit would not read back as intended' };
  return { ok: true, text: out };
}

// ---------------------------------------------------------------------------------------

/** The repository as it would be with `file` holding `text`: its block, findings, and zones. */
function withText(repo: Repository, file: string, text: string, p: IpPrefix): { diagnostics: Diagnostic[]; zones: ZoneContents[] } {
  // Only the range's records matter to the delegation (the others are unchanged and were checked by the load).
  const light = textWithRecordsWhere(text, (ip) => prefixContainsText(p, ip)) ?? text;
  const loaded = loadBlockFile(new TextEncoder().encode(light), file, repo.config);
  if (!loaded.block) return { diagnostics: loaded.diagnostics, zones: [] };
  const next = { ...repo, blocks: repo.blocks.map((b) => (b.file === file ? loaded.block! : b)) };
  const render = zoneContents(next, new Set([file]));
  return {
    diagnostics: [...loaded.diagnostics, ...render.diagnostics.filter((d) => d.file === file && (d.code.startsWith('render.') || d.code === 'zone.shared-options'))],
    zones: render.blocks.filter((b) => b.file === file).flatMap((b) => b.zones),
  };
}

function result(base: Omit<DelegationResult, 'errors'>): DelegationResult {
  sortDiagnostics(base.diagnostics);
  return { ...base, errors: countErrors(base.diagnostics) };
}

/** Delegates the allocation `prefixText` to `nameServers` (see the module comment). Usage mistakes throw RdnsError (exit 2); refusals are diagnostics. */
export function delegatePrefix(root: string, prefixText: string, nameServers: readonly string[], options: DelegateOptions = {}): DelegationResult {
  const p = usagePrefix(prefixText);
  const ns = nameServersOf(nameServers);
  let contact: { email: string; rname: string } | undefined;
  if (options.contact !== undefined) {
    const c = contactMailbox(options.contact);
    if (!c.ok) throw new RdnsError(`--contact ${c.reason}`, 2);
    contact = c.value;
  }
  const prefix = formatPrefix(p);
  const apply = options.apply ?? true;
  const target = findTarget(root, p, options);
  if ('diagnostics' in target) return result({ action: 'delegate', prefix, changed: false, written: [], diagnostics: target.diagnostics });
  const { repo, block, allocation } = target;
  const base = { action: 'delegate' as const, prefix, file: block.file, ...(allocation.account ? { account: allocation.account } : {}) };
  const problem = boundaryProblem(block, p, repo);
  if (problem) return result({ ...base, changed: false, written: [], diagnostics: [diag('delegate.boundary', `allocation ${prefix} cannot be delegated: ${problem}`, allocation.pos, { value: prefix })] });

  const nsText = `[${ns.map((n) => yamlScalar(withoutTrailingDot(n))).join(', ')}]`;
  const set = new Map<string, string>([['delegate_to', nsText]]);
  const expect: Record<string, unknown> = { delegate_to: ns.map(withoutTrailingDot) };
  if (contact && contact.email !== allocation.contact?.email) {
    set.set('contact', yamlScalar(contact.email));
    expect.contact = contact.email;
  }
  const before = repo.diagnostics.filter((d) => d.file === block.file && d.severity === 'error').map((d) => `${d.code} ${d.message}`);
  let findings: Diagnostic[] = [];
  let zones: ZoneContents[] = [];
  const change: TextEdit = (text) => {
    const r = editAllocation(text, prefix, { set, remove: [], expect });
    if (!r.ok) return r;
    // Refuse an edit that would make the file fail where it did not (the rules of rdns validate and synth).
    const next = withText(repo, block.file, r.text, p);
    zones = next.zones;
    findings = next.diagnostics.filter((d) => d.severity === 'error' && !before.includes(`${d.code} ${d.message}`));
    return findings.length > 0 ? { ok: false, reason: findings.map((d) => `${d.line}:${d.column}: ${d.code} ${d.message}`).join('; ') } : r;
  };
  const edited = editFiles(root, new Map([[block.file, change]]), { apply });
  if (edited.diagnostics.length > 0) return result({ ...base, changed: false, written: [], diagnostics: [...findings, ...edited.diagnostics] });
  const child = zones.find((z) => z.delegatedTo && formatPrefix(z.prefix) === prefix);
  const parent = child && zones.find((z) => !z.delegatedTo && prefixContains(z.prefix, p));
  const handoff: Handoff | undefined =
    child && parent
      ? {
          child: child.zone,
          parent: parent.zone,
          nameServers: ns,
          ...(contact ?? allocation.contact ? { contact: (contact ?? allocation.contact)!.email } : {}),
          parentRecords: parent.records.filter((r) => r.source === 'delegation' && (r.prefix === prefix || (r.ip !== undefined && prefixContainsText(p, r.at)))),
          childZone: child,
          movedRecords: block.records.filter((r) => prefixContainsText(p, r.ip)).length,
        }
      : undefined;
  return result({ ...base, changed: edited.changed.length > 0, written: edited.written, diagnostics: [], ...(handoff ? { handoff } : {}) });
}

/** Removes `delegate_to` from the allocation `prefixText`: its records are published in the parent zone again. */
export function undelegatePrefix(root: string, prefixText: string, options: DelegateOptions = {}): DelegationResult {
  const p = usagePrefix(prefixText);
  const prefix = formatPrefix(p);
  const apply = options.apply ?? true;
  const target = findTarget(root, p, options);
  if ('diagnostics' in target) return result({ action: 'undelegate', prefix, changed: false, written: [], diagnostics: target.diagnostics });
  const { block, allocation } = target;
  const base = { action: 'undelegate' as const, prefix, file: block.file, ...(allocation.account ? { account: allocation.account } : {}) };
  if (!allocation.delegateTo) {
    return result({ ...base, changed: false, written: [], diagnostics: [] });
  }
  const edited = editFiles(root, new Map([[block.file, (text: string) => editAllocation(text, prefix, { set: new Map(), remove: ['delegate_to'], expect: {} })]]), { apply });
  if (edited.diagnostics.length > 0) return result({ ...base, changed: false, written: [], diagnostics: edited.diagnostics });
  const republished = block.records.filter((r) => prefixContainsText(p, r.ip)).length;
  return result({ ...base, changed: edited.changed.length > 0, written: edited.written, diagnostics: [], republished });
}

/** The hand-off as text: what the ISP publishes, what the customer serves, how to check it. */
export function formatHandoff(h: Handoff, file: string): string {
  const child = withoutTrailingDot(h.child);
  const first = h.childZone.prefix;
  const sample = (h.childZone.records.find((r) => r.source === 'record') ?? h.childZone.records.find((r) => r.type === 'PTR'))?.ip ?? formatIp({ version: first.version, value: first.network + (first.version === 4 ? 1n : 0n) });
  const lines = [
    '',
    `The customer serves the zone ${child} on ${h.nameServers.map(withoutTrailingDot).join(', ')}${h.contact ? ` (SOA contact ${h.contact})` : ''}:`,
    `  rdns export --zone ${child} --out-dir DIR    ${plural(h.childZone.records.length, 'PTR')}; ${plural(h.movedRecords, 'record')} of the range kept in ${file}`,
    `We publish in ${withoutTrailingDot(h.parent)} (rdns plan, then apply):`,
    ...h.parentRecords.map((r) => `  ${r.name} ${r.ttl} IN ${r.type} ${r.value}`),
    'Check once both are live:',
    `  dig +short NS ${child}`,
    ...h.nameServers.map((n) => `  dig +norec @${withoutTrailingDot(n)} ${child} SOA`),
    `  dig +short -x ${sample}`,
  ];
  return `${lines.join('\n')}\n`;
}
