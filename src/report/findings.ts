/**
 * What an audit or check run found per address, read from its JSON (`rdns audit`'s
 * audit.json, or the `--format json` output of `rdns check` / `rdns audit` / `rdns ci`),
 * for the report's FCrDNS-failure and drift colours. The file is data from another run,
 * possibly edited by hand: it is checked field by field, never trusted for markup.
 */
import { formatIp, parseIp } from '../core/ip.js';

/** `drift`: DNS serves something else (changed outside git, stale); `not-applied`: git has a PTR DNS does not serve yet. */
export type FindingKind = 'fcrdns' | 'drift' | 'not-applied';

export interface AddressFinding {
  readonly kind: FindingKind;
  /** Stable code, e.g. `fcrdns.mismatch`, `drift.changed`. */
  readonly code: string;
  readonly message: string;
}

export interface FindingsFile {
  /** Canonical IP text → findings (FCrDNS failures first). */
  readonly byIp: Map<string, AddressFinding[]>;
  /** What the file was: `audit.json` of DATE, `check/ci JSON`. */
  readonly source: string;
}

const FCRDNS_FAIL = new Set(['fcrdns.mismatch', 'fcrdns.nxdomain', 'fcrdns.nodata']);
const DRIFT = new Set(['drift.changed', 'drift.not-applied', 'drift.stale']);
const RANK: Record<FindingKind, number> = { fcrdns: 0, drift: 1, 'not-applied': 2 };
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Parses the JSON text; returns a reason instead of throwing when it is neither an audit nor a check report. */
export function parseFindings(text: string): { ok: true; value: FindingsFile } | { ok: false; reason: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null) return { ok: false, reason: 'expected a JSON object (audit.json, or the --format json output of rdns check)' };
  const byIp = new Map<string, AddressFinding[]>();
  const add = (ipText: unknown, f: AddressFinding): void => {
    const s = str(ipText);
    if (!s) return;
    const p = parseIp(s);
    if (!p.ok) return;
    const key = formatIp(p.value);
    const list = byIp.get(key) ?? [];
    if (!list.some((x) => x.code === f.code)) list.push(f);
    list.sort((a, b) => RANK[a.kind] - RANK[b.kind]);
    byIp.set(key, list);
  };
  const o = doc as Record<string, unknown>;
  if (Array.isArray(o.fcrdnsFailures) || Array.isArray(o.drift)) {
    for (const f of Array.isArray(o.fcrdnsFailures) ? o.fcrdnsFailures : []) {
      const r = f as Record<string, unknown>;
      const status = str(r.status) ?? 'failed';
      const resolves = Array.isArray(r.addresses) ? r.addresses.filter((a) => typeof a === 'string').join(', ') : '';
      add(r.ip, { kind: 'fcrdns', code: `fcrdns.${status}`, message: `${str(r.ptr) ?? '?'}: ${status}${resolves ? ` (resolves to ${resolves})` : ''}` });
    }
    for (const d of Array.isArray(o.drift) ? o.drift : []) {
      const r = d as Record<string, unknown>;
      const kind = str(r.kind);
      if (!kind || !DRIFT.has(`drift.${kind}`)) continue;
      const live = Array.isArray(r.live) ? r.live.filter((a) => typeof a === 'string').join(', ') : '';
      if (kind === 'not-applied') add(r.ip, { kind: 'not-applied', code: 'drift.not-applied', message: `git has ${str(r.git) ?? '(none)'}, DNS serves no PTR yet (not applied)` });
      else add(r.ip, { kind: 'drift', code: `drift.${kind}`, message: `DNS serves ${live || '(none)'}, git has ${str(r.git) ?? '(none)'}` });
    }
    return { ok: true, value: { byIp, source: `audit of ${str(o.generatedAt) ?? 'unknown date'}` } };
  }
  if (Array.isArray(o.diagnostics)) {
    for (const d of o.diagnostics) {
      const r = d as Record<string, unknown>;
      const code = str(r.code) ?? '';
      if (FCRDNS_FAIL.has(code)) add(r.ip, { kind: 'fcrdns', code, message: str(r.message) ?? code });
      else if (DRIFT.has(code)) add(r.ip, { kind: code === 'drift.not-applied' ? 'not-applied' : 'drift', code, message: str(r.message) ?? code });
    }
    return { ok: true, value: { byIp, source: 'check findings' } };
  }
  return { ok: false, reason: 'neither an audit report (fcrdnsFailures, drift) nor a findings report (diagnostics)' };
}
