/**
 * Surgical edits of a block file's `records:` mapping. Only the lines of the records
 * that change are rewritten; every other byte of the file (comments, key order, quoting,
 * blank lines, line endings) stays as it was, so a change is an ordinary one-line diff.
 *
 * Why not re-stringify a yaml Document: on a 65,536-record file parsing the whole
 * document takes longer than the whole `rdns bulk` budget, and stringifying would
 * reformat lines nobody touched. Instead the records section is cut into entries by
 * YAML's own block structure (an entry is its key line plus the more-indented lines
 * under it), and each entry that changes is parsed on its own with the yaml library,
 * whose node ranges locate the exact characters to replace.
 */
import { isMap, isScalar, parse, parseDocument, Scalar, stringify, type Pair } from 'yaml';
import { compareIp, parseIp, type IpAddress } from '../core/ip.js';
import { editFlowDocument, needsFlowEdit } from './flow-edit.js';

/** One change to one address; `ptr` is the normalised hostname without the trailing dot. */
export type RecordEdit =
  | {
      readonly op: 'set';
      readonly ip: IpAddress;
      readonly ipText: string;
      readonly ptr: string;
      readonly ttl?: number;
      readonly note?: string;
      /** Remove the record's note (its name changes and no new note is given: the old ticket is not this change's). */
      readonly dropNote?: boolean;
    }
  | { readonly op: 'reset'; readonly ip: IpAddress; readonly ipText: string };

export type EditResult = { ok: true; text: string } | { ok: false; reason: string };

/** A top-level key to set, e.g. `default` when an import proposes a template. */
export interface TopLevelEdit {
  readonly key: string;
  readonly value: string;
  /** Instead of a scalar: these lines (already indented YAML) as the new key's nested value. Only for a key the file lacks. */
  readonly lines?: readonly string[];
}

interface Line {
  readonly start: number;
  /** End of the content, before `\r\n` / `\n`. */
  readonly end: number;
  /** Start of the next line (or text length). */
  readonly next: number;
}

interface Entry {
  /** Line index of the key. */
  readonly keyLine: number;
  /** One past the last content line (trailing blank and comment lines excluded). */
  readonly endLine: number;
  readonly ip?: IpAddress;
}

interface Splice {
  readonly from: number;
  readonly to: number;
  readonly text: string;
  /** Orders several insertions at the same offset. */
  readonly order: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl + 1;
    const end = nl < 0 ? text.length : nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    lines.push({ start, end, next });
    start = next;
  }
  return lines;
}

const indentOf = (text: string, l: Line): number => {
  let i = l.start;
  while (i < l.end && text.charCodeAt(i) === 32) i++;
  return i - l.start;
};

const isBlankOrComment = (text: string, l: Line): boolean => {
  const t = text.slice(l.start, l.end).trim();
  return t === '' || t.startsWith('#');
};

// A mapping key at the start of a line: quoted, or plain up to the first ": " (IPv6 keys contain bare colons).
const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{[?&*!|>%@`-][^#]*?|-[^\s#]*?))[ \t]*:(?=[ \t]|$)/;

function keyAt(text: string, l: Line, indent: number): { key: string; after: number } | undefined {
  const s = text.slice(l.start + indent, l.end);
  const m = KEY.exec(s);
  if (!m) return undefined;
  let key: string;
  if (m[1] !== undefined) {
    try {
      key = JSON.parse(`"${m[1]}"`) as string;
    } catch {
      return undefined;
    }
  } else if (m[2] !== undefined) key = m[2].replace(/''/g, "'");
  else key = (m[3] ?? '').trim();
  return { key, after: l.start + indent + m[0].length };
}

const isDocumentMarker = (text: string, l: Line): boolean => /^(?:---|\.\.\.)(?:\s|$)/.test(text.slice(l.start, l.end));

/** `host.example` as a plain YAML scalar when that reads back as the same string, else double-quoted. */
export function yamlScalar(value: string, style?: Scalar.Type): string {
  if (style === 'QUOTE_SINGLE' && !value.includes("'")) return `'${value}'`;
  if (style !== 'QUOTE_DOUBLE' && style !== 'QUOTE_SINGLE' && /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(value)) {
    try {
      if (parse(value) === value) return value;
    } catch {
      // fall through to quoting
    }
  }
  // yaml's own double-quoted form escapes everything YAML cannot carry raw (control characters, DEL, C1).
  return stringify(value, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 }).trimEnd();
}

function yamlKey(ipText: string): string {
  try {
    const obj = parse(`${ipText}: x`) as Record<string, unknown> | null;
    if (obj && typeof obj === 'object' && Object.keys(obj)[0] === ipText) return ipText;
  } catch {
    // quote below
  }
  return JSON.stringify(ipText);
}

function freshEntry(edit: Extract<RecordEdit, { op: 'set' }>, indent: string, eol: string, key = yamlKey(edit.ipText)): string {
  if (edit.ttl === undefined && edit.note === undefined) return `${indent}${key}: ${yamlScalar(edit.ptr)}${eol}`;
  const inner = `${indent}  `;
  let out = `${indent}${key}:${eol}${inner}ptr: ${yamlScalar(edit.ptr)}${eol}`;
  if (edit.ttl !== undefined) out += `${inner}ttl: ${edit.ttl}${eol}`;
  if (edit.note !== undefined) out += `${inner}note: ${yamlScalar(edit.note)}${eol}`;
  return out;
}

/**
 * Rewrites one entry (its own lines only) for a `set`: the PTR scalar is replaced in
 * place (its quoting style kept); a TTL or note turns `IP: host` into the mapping form.
 */
function rewriteEntry(entryText: string, edit: Extract<RecordEdit, { op: 'set' }>, indent: string, eol: string): EditResult {
  const doc = parseDocument(entryText, { uniqueKeys: false });
  const root = doc.contents;
  if (doc.errors.length > 0 || !isMap(root) || root.items.length !== 1) return { ok: false, reason: `the record of ${edit.ipText} could not be parsed on its own` };
  const pair = root.items[0] as Pair;
  const value = pair.value;
  const keyNode = pair.key as Scalar | null;
  const keyText = keyNode?.range ? entryText.slice(keyNode.range[0], keyNode.range[1]) : yamlKey(edit.ipText);
  const splices: Splice[] = [];
  // A block scalar's range (`|` / `>-` and its lines) includes the line break that ends it: keep that break.
  const scalarEnd = (v: Scalar): number => v.range![0] + entryText.slice(v.range![0], v.range![1]).trimEnd().length;
  if (isScalar(value) && value.range && typeof value.value === 'string') {
    const from = value.range[0];
    const to = scalarEnd(value);
    if (edit.ttl === undefined && edit.note === undefined) {
      splices.push({ from, to, text: yamlScalar(edit.ptr, value.type), order: 0 });
    } else {
      // `IP: host  # why` → `IP:  # why` + nested ptr/ttl/note lines: the comment stays on the key line.
      const lineEnd = entryText.indexOf('\n', to);
      const restOfLine = entryText.slice(to, lineEnd < 0 ? entryText.length : lineEnd).replace(/\r$/, '');
      const comment = restOfLine.trim();
      const fresh = freshEntry(edit, indent, eol, keyText);
      const firstBreak = fresh.indexOf(eol);
      const head = fresh.slice(0, firstBreak) + (comment.startsWith('#') ? ` ${comment}` : '');
      const tailStart = lineEnd < 0 ? entryText.length : lineEnd + 1;
      return { ok: true, text: `${head}${fresh.slice(firstBreak)}${entryText.slice(tailStart)}` };
    }
  } else if (isMap(value) && value.range) {
    const find = (k: string): Pair | undefined => value.items.find((p) => isScalar(p.key) && p.key.value === k) as Pair | undefined;
    const wanted: [string, string][] = [['ptr', yamlScalar(edit.ptr)]];
    if (edit.ttl !== undefined) wanted.push(['ttl', String(edit.ttl)]);
    if (edit.note !== undefined) wanted.push(['note', yamlScalar(edit.note)]);
    const missing: [string, string][] = [];
    const oldNote = edit.dropNote && edit.note === undefined ? find('note') : undefined;
    if (oldNote) {
      const k = oldNote.key as Scalar | null;
      const v = oldNote.value as Scalar | null;
      if (!k?.range || !isScalar(v) || !v.range) return { ok: false, reason: `the "note" of ${edit.ipText} is not a plain value` };
      const index = value.items.indexOf(oldNote);
      if (value.flow) {
        // `, note: x` goes with the separator before it (ptr comes first in every record map rdns writes).
        const prev = value.items[index - 1];
        const prevEnd = (prev?.value as Scalar | undefined)?.range?.[1];
        if (index === 0 || prevEnd === undefined) return { ok: false, reason: `the note of ${edit.ipText} is the first key of its record` };
        splices.push({ from: prevEnd, to: v.range[1], text: '', order: 0 });
      } else {
        // Its whole line(s), comment included: the note's own line is the note.
        const from = entryText.lastIndexOf('\n', k.range[0]) + 1;
        const nl = entryText.indexOf('\n', scalarEnd(v));
        splices.push({ from, to: nl < 0 ? entryText.length : nl + 1, text: '', order: 0 });
      }
    }
    for (const [k, text] of wanted) {
      const p = find(k);
      const v = p?.value;
      if (isScalar(v) && v.range) splices.push({ from: v.range[0], to: scalarEnd(v), text: k === 'ptr' ? yamlScalar(edit.ptr, v.type) : k === 'note' ? yamlScalar(edit.note ?? '', v.type) : text, order: 0 });
      else if (!p) missing.push([k, text]);
      else return { ok: false, reason: `the "${k}" of ${edit.ipText} is not a plain value` };
    }
    if (missing.length > 0) {
      if (value.flow) {
        // Right after the last value, so the spacing before "}" stays as written.
        const last = value.items[value.items.length - 1];
        const at = (last?.value as Scalar | undefined)?.range?.[1] ?? (last?.key as Scalar | undefined)?.range?.[1];
        if (at === undefined) return { ok: false, reason: `the record of ${edit.ipText} could not be parsed on its own` };
        splices.push({ from: at, to: at, text: missing.map(([k, t]) => `, ${k}: ${t}`).join(''), order: 1 });
      } else {
        const first = value.items[0]?.key as Scalar | undefined;
        const last = value.items[value.items.length - 1];
        const lastValue = last?.value;
        const lastEnd = isScalar(lastValue) && lastValue.range ? scalarEnd(lastValue) : (last?.key as Scalar | undefined)?.range?.[1];
        if (!first?.range || lastEnd === undefined) return { ok: false, reason: `the record of ${edit.ipText} could not be parsed on its own` };
        const lineStart = entryText.lastIndexOf('\n', first.range[0]) + 1;
        const inner = ' '.repeat(first.range[0] - lineStart);
        const nl = entryText.indexOf('\n', lastEnd);
        const at = nl < 0 ? entryText.length : nl + 1;
        const prefix = nl < 0 ? eol : '';
        splices.push({ from: at, to: at, text: prefix + missing.map(([k, t]) => `${inner}${k}: ${t}${eol}`).join(''), order: 1 });
      }
    }
  } else {
    // `IP:` with no value, or something exotic: write the entry afresh.
    return { ok: true, text: freshEntry(edit, indent, eol, keyText) };
  }
  return { ok: true, text: applySplices(entryText, splices) };
}

function applySplices(text: string, splices: Splice[]): string {
  splices.sort((a, b) => a.from - b.from || a.to - b.to || a.order - b.order);
  const out: string[] = [];
  let at = 0;
  for (const s of splices) {
    out.push(text.slice(at, s.from), s.text);
    at = s.to;
  }
  out.push(text.slice(at));
  return out.join('');
}

/** Reads the entry back and checks it says exactly what was asked: the last line of defence before a write. */
function verifyEntry(entryText: string, edit: Extract<RecordEdit, { op: 'set' }>): boolean {
  try {
    const obj = parse(entryText, { uniqueKeys: false }) as Record<string, unknown> | null;
    if (!obj || typeof obj !== 'object') return false;
    const keys = Object.keys(obj);
    const key = keys[0];
    if (keys.length !== 1 || key === undefined) return false;
    const ip = parseIp(key);
    if (!ip.ok || ip.value.value !== edit.ip.value || ip.value.version !== edit.ip.version) return false;
    const v = obj[key];
    const ptr = typeof v === 'string' ? v : v && typeof v === 'object' ? (v as Record<string, unknown>).ptr : undefined;
    if (typeof ptr !== 'string' || ptr.replace(/\.$/, '').toLowerCase() !== edit.ptr.toLowerCase()) return false;
    if (edit.ttl !== undefined && (v as Record<string, unknown>).ttl !== edit.ttl) return false;
    if (edit.note !== undefined && (v as Record<string, unknown>).note !== edit.note) return false;
    if (edit.dropNote && edit.note === undefined && v && typeof v === 'object' && 'note' in v) return false;
    return true;
  } catch {
    return false;
  }
}

interface TopLevel {
  readonly key: string;
  readonly line: number;
  /** Offset just after the key's colon. */
  readonly after: number;
}

function topLevelKeys(text: string, lines: readonly Line[]): TopLevel[] {
  const out: TopLevel[] = [];
  lines.forEach((l, i) => {
    if (l.end === l.start || text.charCodeAt(l.start) === 32 || isBlankOrComment(text, l) || isDocumentMarker(text, l)) return;
    const k = keyAt(text, l, 0);
    if (k) out.push({ key: k.key, line: i, after: k.after });
  });
  return out;
}

/** The value text after `key:` on its line, without a trailing comment, and where the comment starts. */
function inlineValue(text: string, from: number, to: number): { value: string; valueFrom: number; valueTo: number } {
  const s = text.slice(from, to);
  const hash = s.search(/(^|[ \t])#/);
  const body = hash < 0 ? s : s.slice(0, hash);
  const lead = body.length - body.trimStart().length;
  return { value: body.trim(), valueFrom: from + lead, valueTo: from + lead + body.trim().length };
}

/**
 * Applies `edits` (at most one per address) to the block file `text`. New records are
 * inserted in IP order (before the first record with a higher address, after any
 * comment lines that lead into it); `reset` removes the record's own lines. Returns the
 * new text, or why the file cannot be edited safely (it is then left as it was).
 */
export function editRecords(text: string, edits: readonly RecordEdit[], topLevel: readonly TopLevelEdit[] = []): EditResult {
  // Flow style cannot be cut into lines: the Document API edits it (and checks the result reads back).
  if (needsFlowEdit(text)) return editFlowDocument(text, edits, topLevel);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (text.length > 0 && !text.endsWith('\n')) {
    // No line break at the end: edit as if there were one (so no insertion can run into the last line), then drop it again.
    const r = editRecords(text + eol, edits, topLevel);
    return r.ok && r.text.endsWith(eol) ? { ok: true, text: r.text.slice(0, -eol.length) } : r;
  }
  const lines = splitLines(text);
  const keys = topLevelKeys(text, lines);
  const splices: Splice[] = [];
  const recordsIdx = keys.findIndex((k) => k.key === 'records');
  const records = keys[recordsIdx];
  const sectionEnd = records ? (keys[recordsIdx + 1]?.line ?? lines.findIndex((l, i) => i > records.line && isDocumentMarker(text, l))) : -1;
  const endLine = sectionEnd < 0 ? lines.length : sectionEnd;

  const sets = edits.filter((e): e is Extract<RecordEdit, { op: 'set' }> => e.op === 'set');
  const seen = new Set<string>();
  for (const e of edits) {
    if (seen.has(e.ipText)) return { ok: false, reason: `two edits for ${e.ipText} in one pass` };
    seen.add(e.ipText);
  }

  // Entries of the records section.
  const entries: Entry[] = [];
  let entryIndent = 2;
  let insertAfterRecordsLine: number | undefined;
  if (records) {
    const rl = lines[records.line]!;
    const inline = inlineValue(text, records.after, rl.end);
    if (inline.value !== '') {
      if (/^(?:\{\s*\}|null|Null|NULL|~)$/.test(inline.value)) {
        // `records: {}` / `records: null` becomes `records:` (the comment stays) and entries follow.
        if (sets.length > 0) splices.push({ from: inline.valueFrom - (text[inline.valueFrom - 1] === ' ' ? 1 : 0), to: inline.valueTo, text: '', order: 0 });
      } else {
        return { ok: false, reason: '"records:" is written in flow style ({…}) or as a scalar; write it as one "IP: host" line per record' };
      }
    }
    let first = -1;
    for (let i = records.line + 1; i < endLine; i++) {
      if (!isBlankOrComment(text, lines[i]!)) {
        first = i;
        break;
      }
    }
    if (first >= 0) {
      entryIndent = indentOf(text, lines[first]!);
      if (entryIndent === 0) return { ok: false, reason: 'the records are not indented under "records:"' };
      let cur: { keyLine: number; ip?: IpAddress } | undefined;
      let lastContent = -1;
      const close = (): void => {
        if (cur) entries.push({ keyLine: cur.keyLine, endLine: lastContent + 1, ip: cur.ip });
      };
      for (let i = first; i < endLine; i++) {
        const l = lines[i]!;
        if (isBlankOrComment(text, l)) continue;
        const ind = indentOf(text, l);
        if (ind < entryIndent) return { ok: false, reason: `line ${i + 1} is indented less than the records above it` };
        if (ind === entryIndent) {
          close();
          const k = keyAt(text, l, ind);
          const ip = k ? parseIp(k.key) : undefined;
          cur = { keyLine: i, ip: ip?.ok ? ip.value : undefined };
        }
        lastContent = i;
      }
      close();
    }
    insertAfterRecordsLine = records.line + 1;
  }

  const byIp = new Map<string, Entry>();
  const dup = new Set<string>();
  const ipKey = (ip: IpAddress): string => `${ip.version}:${ip.value.toString(16)}`;
  for (const en of entries) {
    if (!en.ip) continue;
    const k = ipKey(en.ip);
    if (byIp.has(k)) dup.add(k);
    byIp.set(k, en);
  }
  const ordered = entries.every((en, i) => i === 0 || !en.ip || !entries[i - 1]!.ip || compareIp(entries[i - 1]!.ip!, en.ip) <= 0);
  const withIp = entries.filter((en) => en.ip);
  const pad = ' '.repeat(entryIndent);
  const lineStart = (i: number): number => (i < lines.length ? lines[i]!.start : text.length);
  const needsFinalEol = text.length > 0 && !text.endsWith('\n');

  const inserts: { at: number; edit: Extract<RecordEdit, { op: 'set' }> }[] = [];
  for (const e of edits) {
    const k = ipKey(e.ip);
    if (dup.has(k)) return { ok: false, reason: `${e.ipText} has two records in the file; fix that first (rdns validate)` };
    const en = byIp.get(k);
    if (e.op === 'reset') {
      if (en) splices.push({ from: lineStart(en.keyLine), to: lineStart(en.endLine), text: '', order: 0 });
      continue;
    }
    if (en) {
      const from = lineStart(en.keyLine);
      const to = lineStart(en.endLine);
      let entryText = text.slice(from, to);
      const addEol = !entryText.endsWith('\n');
      if (addEol) entryText += eol;
      const r = rewriteEntry(entryText, e, pad, eol);
      if (!r.ok) return r;
      if (!verifyEntry(r.text, e)) return { ok: false, reason: `the edited record of ${e.ipText} would not read back as ${e.ptr}` };
      splices.push({ from, to, text: addEol ? r.text.slice(0, -eol.length) : r.text, order: 0 });
      continue;
    }
    // New record: before the first entry with a higher address, else after the last entry.
    let target: Entry | undefined;
    if (ordered) {
      let lo = 0;
      let hi = withIp.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareIp(withIp[mid]!.ip!, e.ip) < 0) lo = mid + 1;
        else hi = mid;
      }
      target = withIp[lo];
    } else target = withIp.find((en) => compareIp(en.ip!, e.ip) > 0);
    let at: number;
    if (target) {
      const idx = entries.indexOf(target);
      at = idx > 0 ? entries[idx - 1]!.endLine : (insertAfterRecordsLine ?? target.keyLine);
    } else {
      const last = entries[entries.length - 1];
      at = last ? last.endLine : (insertAfterRecordsLine ?? lines.length);
    }
    inserts.push({ at, edit: e });
  }

  if (inserts.length > 0) {
    if (!records) {
      const body = inserts
        .sort((a, b) => compareIp(a.edit.ip, b.edit.ip))
        .map((x) => freshEntry(x.edit, pad, eol))
        .join('');
      splices.push({ from: text.length, to: text.length, text: `${needsFinalEol ? eol : ''}records:${eol}${body}`, order: 2 });
    } else {
      inserts.sort((a, b) => a.at - b.at || compareIp(a.edit.ip, b.edit.ip));
      inserts.forEach((x, i) => {
        const offset = lineStart(x.at);
        const atEnd = offset === text.length && needsFinalEol;
        const entry = freshEntry(x.edit, pad, eol);
        if (!verifyEntry(entry, x.edit)) return;
        splices.push({ from: offset, to: offset, text: atEnd && i === 0 ? eol + entry : entry, order: 1 + i });
      });
      if (splices.filter((s) => s.order >= 1).length !== inserts.length) return { ok: false, reason: 'a new record would not read back as written' };
    }
  }

  for (const t of topLevel) {
    const existing = keys.find((k) => k.key === t.key);
    const scalar = yamlScalar(t.value);
    if (t.lines) {
      if (existing) return { ok: false, reason: `"${t.key}:" is there already; cannot add to it` };
      const at = records ? lineStart(records.line) : text.length;
      splices.push({ from: at, to: at, text: `${!records && needsFinalEol ? eol : ''}${t.key}:${eol}${t.lines.map((l) => `${l}${eol}`).join('')}`, order: -1 });
      continue;
    }
    if (existing) {
      const l = lines[existing.line]!;
      const inline = inlineValue(text, existing.after, l.end);
      if (inline.value === '') return { ok: false, reason: `"${t.key}:" has a nested value; cannot set it to a string` };
      splices.push({ from: inline.valueFrom, to: inline.valueTo, text: scalar, order: 0 });
    } else {
      const at = records ? lineStart(records.line) : text.length;
      splices.push({ from: at, to: at, text: `${!records && needsFinalEol ? eol : ''}${t.key}: ${scalar}${eol}`, order: -1 });
    }
  }

  return { ok: true, text: splices.length === 0 ? text : applySplices(text, splices) };
}

/** The record of `ip` in block file text (any key notation), read without parsing the whole file. */
export function readRecord(text: string, ip: IpAddress): { ptr: string; ttl?: number; note?: string } | undefined {
  const lines = splitLines(text);
  const keys = topLevelKeys(text, lines);
  const idx = keys.findIndex((k) => k.key === 'records');
  const records = keys[idx];
  if (!records) return undefined;
  const end = keys[idx + 1]?.line ?? lines.length;
  let entryIndent = -1;
  for (let i = records.line + 1; i < end; i++) {
    const l = lines[i]!;
    if (isBlankOrComment(text, l)) continue;
    const ind = indentOf(text, l);
    if (entryIndent < 0) entryIndent = ind;
    if (ind !== entryIndent) continue;
    const k = keyAt(text, l, ind);
    const p = k ? parseIp(k.key) : undefined;
    if (!p?.ok || p.value.version !== ip.version || p.value.value !== ip.value) continue;
    let last = i;
    for (let j = i + 1; j < end; j++) {
      const lj = lines[j]!;
      if (isBlankOrComment(text, lj)) continue;
      if (indentOf(text, lj) <= entryIndent) break;
      last = j;
    }
    try {
      const obj = parse(text.slice(l.start, lines[last]!.next)) as Record<string, unknown> | null;
      const v = obj && typeof obj === 'object' ? Object.values(obj)[0] : undefined;
      if (typeof v === 'string') return { ptr: v };
      if (v && typeof v === 'object' && typeof (v as { ptr?: unknown }).ptr === 'string') {
        const o = v as { ptr: string; ttl?: unknown; note?: unknown };
        return { ptr: o.ptr, ttl: typeof o.ttl === 'number' ? o.ttl : undefined, note: typeof o.note === 'string' ? o.note : undefined };
      }
    } catch {
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

/**
 * Block file text with only the records whose address `keep` accepts (every other line as
 * it was): a few records of a large file load without parsing all of them. Undefined when
 * the records are not one block-style mapping read line by line (flow style: parse it all).
 */
export function textWithRecordsWhere(text: string, keep: (ip: IpAddress) => boolean): string | undefined {
  const lines = splitLines(text);
  const keys = topLevelKeys(text, lines);
  const idx = keys.findIndex((k) => k.key === 'records');
  const records = keys[idx];
  if (!records) return text;
  if (inlineValue(text, records.after, lines[records.line]!.end).value !== '') return undefined;
  const end = keys[idx + 1]?.line ?? lines.length;
  const out: string[] = [text.slice(0, lines[records.line]!.next)];
  let entryIndent = -1;
  let keeping = false;
  for (let i = records.line + 1; i < end; i++) {
    const l = lines[i]!;
    if (isBlankOrComment(text, l)) {
      if (keeping) out.push(text.slice(l.start, l.next));
      continue;
    }
    const ind = indentOf(text, l);
    if (entryIndent < 0) entryIndent = ind;
    if (ind < entryIndent || ind === 0) return undefined;
    if (ind === entryIndent) {
      const k = keyAt(text, l, ind);
      if (!k) return undefined;
      const ip = parseIp(k.key);
      // A key that is no address stays: the loader reports it as it would in the whole file.
      keeping = !ip.ok || keep(ip.value);
    }
    if (keeping) out.push(text.slice(l.start, l.next));
  }
  if (end < lines.length) out.push(text.slice(lines[end]!.start));
  return out.join('');
}

/** A top-level scalar (`prefix`, `default`, `ttl`) of block file text, read from its own line. */
export function readTopLevelScalar(text: string, key: string): string | number | undefined {
  const lines = splitLines(text);
  const k = topLevelKeys(text, lines).find((t) => t.key === key);
  if (!k) return undefined;
  const l = lines[k.line]!;
  try {
    const obj = parse(text.slice(l.start, l.end)) as Record<string, unknown> | null;
    const v = obj && typeof obj === 'object' ? obj[key] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}
