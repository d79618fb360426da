/** Records grouped into DNS record sets (one per name and type), as Route53 stores them. */
import type { ZoneRecord } from './zone-records.js';

export interface RecordSet {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly string[];
}

/** Groups records by (type, name) in first-seen order; a set takes the lowest TTL of its records. */
export function recordSetsOf(records: readonly ZoneRecord[]): RecordSet[] {
  const sets = new Map<string, { name: string; type: string; ttl: number; values: string[] }>();
  for (const r of records) {
    const key = `${r.type} ${r.name}`;
    const s = sets.get(key);
    if (s) {
      s.values.push(r.value);
      s.ttl = Math.min(s.ttl, r.ttl);
    } else sets.set(key, { name: r.name, type: r.type, ttl: r.ttl, values: [r.value] });
  }
  return [...sets.values()];
}

export const recordSetCount = (records: readonly ZoneRecord[]): number => new Set(records.map((r) => `${r.type} ${r.name}`)).size;
