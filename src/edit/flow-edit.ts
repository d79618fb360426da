/**
 * Edits of block files that the line editor cannot cut into lines: a document written in
 * YAML flow style (`{prefix: 192.0.2.0/24, records: {192.0.2.1: a.example.com}}`) or a
 * flow-style `records: {…}`. These go through the yaml Document API, which keeps flow
 * collections in flow style and keeps comments; the result is parsed again and accepted
 * only when every record reads back as intended and nothing else changed, so a file is
 * never left broken.
 */
import { isMap, isScalar, parse, parseDocument, YAMLMap, type Pair } from 'yaml';
import { compareIp, parseIp, type IpAddress } from '../core/ip.js';
import type { EditResult, RecordEdit, TopLevelEdit } from './record-edit.js';

const sameIp = (a: IpAddress, b: IpAddress): boolean => a.version === b.version && a.value === b.value;

function keyIp(p: Pair): IpAddress | undefined {
  const k = isScalar(p.key) ? p.key.value : p.key;
  const r = parseIp(String(k));
  return r.ok ? r.value : undefined;
}

/** The record value to store: a plain hostname, or `{ptr, ttl, note}` when it has its own TTL or note. */
function recordValue(e: Extract<RecordEdit, { op: 'set' }>, old: unknown): unknown {
  const prev = old && typeof old === 'object' ? (old as { ttl?: number; note?: string }) : {};
  const ttl = e.ttl ?? prev.ttl;
  const note = e.note ?? (e.dropNote ? undefined : prev.note);
  if (ttl === undefined && note === undefined) return e.ptr;
  return { ptr: e.ptr, ...(ttl !== undefined ? { ttl } : {}), ...(note !== undefined ? { note } : {}) };
}

/** Edits through the Document API; see the module comment. */
export function editFlowDocument(text: string, edits: readonly RecordEdit[], topLevel: readonly TopLevelEdit[] = []): EditResult {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return { ok: false, reason: `the file does not parse as YAML (${doc.errors[0]!.message.split('\n')[0]})` };
  if (!isMap(doc.contents)) return { ok: false, reason: 'the file is not a YAML mapping' };
  const root = doc.contents as unknown as YAMLMap<unknown, unknown>;
  let records: unknown = root.get('records', true);
  if (records === undefined || records === null || (isScalar(records) && (records.value === null || records.value === undefined))) {
    const created = new YAMLMap();
    created.flow = root.flow;
    root.set('records', created);
    records = created;
  }
  if (!isMap(records)) return { ok: false, reason: '"records" is not a mapping of IP: host' };
  const map = records;
  const before = parse(text, { uniqueKeys: false }) as Record<string, unknown>;
  const expected = new Map<string, { ip: IpAddress; value: unknown }>();
  for (const e of edits) {
    const idx = map.items.findIndex((p) => {
      const ip = keyIp(p as Pair);
      return ip !== undefined && sameIp(ip, e.ip);
    });
    if (map.items.filter((p) => keyIp(p as Pair) && sameIp(keyIp(p as Pair)!, e.ip)).length > 1) return { ok: false, reason: `${e.ipText} has two records in the file; fix that first (rdns validate)` };
    if (e.op === 'reset') {
      if (idx >= 0) map.items.splice(idx, 1);
      expected.set(e.ipText, { ip: e.ip, value: undefined });
      continue;
    }
    const old = idx >= 0 ? (map.items[idx] as Pair).value : undefined;
    const value = recordValue(e, old && typeof old === 'object' && 'toJSON' in old ? (old as { toJSON(): unknown }).toJSON() : old);
    const node = doc.createNode(value);
    if (isMap(node)) node.flow = true;
    if (idx >= 0) {
      (map.items[idx] as Pair).value = node;
    } else {
      const pair = doc.createPair(e.ipText, node);
      let at = map.items.findIndex((p) => {
        const ip = keyIp(p as Pair);
        return ip !== undefined && ip.version === e.ip.version && compareIp(ip, e.ip) > 0;
      });
      if (at < 0) at = map.items.length;
      map.items.splice(at, 0, pair);
    }
    expected.set(e.ipText, { ip: e.ip, value });
  }
  for (const t of topLevel) root.set(t.key, t.value);
  const out = doc.toString({ lineWidth: 0, flowCollectionPadding: false });

  // Read back: every edited record as intended, every other record and top-level key as before.
  let after: Record<string, unknown>;
  try {
    const d = parseDocument(out, { uniqueKeys: false });
    if (d.errors.length > 0) return { ok: false, reason: 'the edited file would not parse' };
    after = d.toJS() as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'the edited file would not parse' };
  }
  const recordsOf = (o: Record<string, unknown>): Map<string, unknown> => {
    const m = new Map<string, unknown>();
    const r = o.records;
    if (r && typeof r === 'object') for (const [k, v] of Object.entries(r)) m.set(k, v);
    return m;
  };
  const was = recordsOf(before);
  const now = recordsOf(after);
  const find = (m: Map<string, unknown>, ip: IpAddress): unknown => {
    for (const [k, v] of m) {
      const p = parseIp(k);
      if (p.ok && sameIp(p.value, ip)) return v;
    }
    return undefined;
  };
  for (const { ip, value } of expected.values()) {
    if (JSON.stringify(find(now, ip)) !== JSON.stringify(value)) return { ok: false, reason: 'an edited record would not read back as written' };
  }
  for (const [k, v] of was) {
    const p = parseIp(k);
    if (p.ok && [...expected.values()].some((x) => sameIp(x.ip, p.value))) continue;
    if (JSON.stringify(now.get(k)) !== JSON.stringify(v)) return { ok: false, reason: `the record ${k} would change; nothing written` };
  }
  const topKeys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of topKeys) {
    if (k === 'records' || topLevel.some((t) => t.key === k)) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) return { ok: false, reason: `"${k}" would change; nothing written` };
  }
  return { ok: true, text: out };
}

/**
 * True when the line editor cannot handle the file: the top-level mapping is in flow
 * style (the first content line opens `{`), or `records:` has a non-empty flow value.
 */
export function needsFlowEdit(text: string): boolean {
  for (const line of text.split('\n')) {
    const t = line.replace(/^\uFEFF/, '').trim();
    if (t === '' || t.startsWith('#') || t === '---' || t.startsWith('%')) continue;
    if (t.startsWith('{') || t.startsWith('---')) return true;
    break;
  }
  return /^records:[ \t]*[{[](?![ \t]*\}[ \t]*(?:#.*)?\r?$)/m.test(text);
}
