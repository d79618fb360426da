/**
 * Findings about generic names (`default`) come in thousands when a forward or reverse
 * zone is missing: they are reported once per block and kind, with one example, while
 * findings about records keep one diagnostic each at the record's line.
 */
import { diag, type Diagnostic, type DiagnosticCode, type Severity, type SourcePos } from '../core/diagnostics.js';
import { compareIp, formatIp, parseIp, type IpAddress } from '../core/ip.js';

/**
 * Addresses as a compact list of ranges, `192.0.2.0–192.0.2.63, 192.0.2.70`, at most
 * `max` items (the rest counted), for people; JSON carries every address.
 */
export function compactRanges(ipTexts: readonly string[], max = 20): string {
  const ips = ipTexts.map((t) => parseIp(t)).filter((r): r is { ok: true; value: IpAddress } => r.ok).map((r) => r.value).sort(compareIp);
  const ranges: [IpAddress, IpAddress][] = [];
  for (const ip of ips) {
    const last = ranges[ranges.length - 1];
    if (last && last[1].version === ip.version && ip.value - last[1].value <= 1n) last[1] = ip;
    else ranges.push([ip, ip]);
  }
  const shown = ranges.slice(0, max).map(([a, b]) => (a.value === b.value ? formatIp(a) : `${formatIp(a)}–${formatIp(b)}`));
  return `${shown.join(', ')}${ranges.length > max ? `, … (${ranges.length - max} more ranges)` : ''}`;
}

export interface Finding {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** Absent: one diagnostic of its own (a record). Else the group's noun, e.g. `generic names`. */
  readonly group?: string;
  readonly file: string;
  /** Block prefix text (groups generic names). */
  readonly block?: string;
  readonly pos?: SourcePos;
  readonly ip: string;
  readonly value?: string;
  readonly message: string;
  /** Short word for the kind, used in the grouped message (e.g. `nxdomain`). */
  readonly kind: string;
}

/** Key of a group of findings: block file, block and noun. */
export const groupKey = (file: string, block: string | undefined, group: string): string => `${file}\0${block ?? ''}\0${group}`;

/** Counts items per group: the denominators of the grouped messages. */
export function countGroups(items: Iterable<{ file: string; block?: string; group?: string }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of items) {
    if (t.group === undefined) continue;
    const k = groupKey(t.file, t.block, t.group);
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** One diagnostic per ungrouped finding; one per (group, code) for the rest, with the first as example. */
export function findingsToDiagnostics(findings: readonly Finding[], totals: ReadonlyMap<string, number>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.group === undefined) {
      out.push(diag(f.code, f.message, f.pos, { ip: f.ip, value: f.value, severity: f.severity }));
      continue;
    }
    const key = `${groupKey(f.file, f.block, f.group)}\0${f.code}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const total = totals.get(groupKey(first.file, first.block, first.group!)) ?? group.length;
    const all = group.map((f) => f.ip);
    const d = diag(first.code, `${group.length} of ${total} ${first.group} of ${first.block ?? first.file}: ${first.kind} (${compactRanges(all)}); e.g. ${first.message}`, first.pos, {
      ip: first.ip,
      value: first.value,
      severity: first.severity,
    });
    d.ips = all;
    out.push(d);
  }
  return out;
}
