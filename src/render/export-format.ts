/**
 * `rdns export`: the rendered reverse zones as JSON (the DESIGN.md contract), CSV, or
 * RFC 1035 master files that BIND, Knot or NSD load as they are. Pure text functions
 * over the render model (no cdktf), so the exported zones are exactly what synth
 * publishes.
 */
import type { ZoneContents, ZoneRecord } from './zone-records.js';

export type ExportFormat = 'zone' | 'json' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['zone', 'json', 'csv'];

/** SOA and NS at the apex, for a zone file a server can load on its own. */
export interface ApexOptions {
  /** Name servers (fully qualified, trailing dot); the first is the SOA MNAME. */
  readonly nameServers: readonly string[];
  /** SOA RNAME (mailbox as a name, e.g. `hostmaster.example.net.`). */
  readonly hostmaster: string;
  readonly serial: number;
}

/** A JSON record exactly as DESIGN.md specifies; NS records of a delegation carry `prefix` instead of `ip`. */
function jsonRecord(r: ZoneRecord): Record<string, string | number> {
  const o: Record<string, string | number> = { name: r.name };
  if (r.ip !== undefined) o.ip = r.ip;
  if (r.prefix !== undefined) o.prefix = r.prefix;
  o.type = r.type;
  o.ttl = r.ttl;
  o.value = r.value;
  o.source = r.source;
  return o;
}

/** `{"zones": [{"zone": "…", "records": [...]}]}`, records sorted by IP. */
export function formatExportJson(zones: readonly ZoneContents[]): string {
  return `${JSON.stringify({ zones: zones.map((z) => ({ zone: z.zone, records: z.records.map(jsonRecord) })) }, null, 2)}\n`;
}

/** One line per record with a header; every field is a DNS name, address or number (no quoting needed). */
export function formatExportCsv(zones: readonly ZoneContents[]): string {
  const lines = ['zone,name,ip,type,ttl,value,source'];
  for (const z of zones) for (const r of z.records) lines.push([z.zone, r.name, r.ip ?? r.prefix ?? '', r.type, r.ttl, r.value, r.source].join(','));
  return `${lines.join('\n')}\n`;
}

/** Comment text cannot carry a line break (it would become a record) or control characters. */
const safeComment = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?');

/** One zone as a master file: `$ORIGIN`, `$TTL`, optional SOA/NS, then every record. */
export function formatZoneFile(zone: ZoneContents, apex?: ApexOptions): string {
  const ttl = zone.records[0]?.ttl ?? 3600;
  const files = [zone.file, ...(zone.sharedWith ?? [])].map(safeComment).join(', ');
  const lines = [
    `; ${safeComment(zone.zone)} from ${files}${zone.delegatedTo ? ` (delegated to ${zone.delegatedTo.join(' ')}: their servers serve this zone)` : ''}`,
    `$ORIGIN ${zone.zone}`,
    `$TTL ${ttl}`,
  ];
  // A delegated child zone is served by the customer's servers: its apex must name the
  // servers the parent delegates to, or resolvers that follow the zone's own NS set go
  // to servers that are not authoritative for it (and audit reports delegation.mismatch).
  const delegated = zone.delegatedTo && zone.delegatedTo.length > 0 ? zone.delegatedTo : undefined;
  const nameServers = delegated ?? apex?.nameServers;
  // The customer's zone carries the customer's contact (the allocation's `contact`, else
  // hostmaster at the domain of their first name server), never the ISP's --hostmaster.
  const hostmaster = delegated ? (zone.contact ?? `hostmaster.${delegated[0]!.slice(delegated[0]!.indexOf('.') + 1)}`) : apex?.hostmaster;
  if ((apex || zone.contact) && nameServers && nameServers.length > 0) {
    // Refresh/retry/expire/minimum as RFC 1912 suggests; the minimum is the negative-caching TTL.
    lines.push(`@ ${ttl} IN SOA ${nameServers[0]} ${hostmaster} ${apex?.serial ?? 1} 3600 600 1209600 300`);
    for (const ns of nameServers) lines.push(`@ ${ttl} IN NS ${ns}`);
  }
  if (zone.classless && zone.parent && !zone.delegatedTo) {
    lines.push(`; RFC 2317: the holder of ${zone.parent} must publish "<n>.${zone.parent} CNAME <n>.${zone.zone}" for each address`);
  }
  for (const r of zone.records) lines.push(`${r.name} ${r.ttl} IN ${r.type} ${r.value}`);
  return `${lines.join('\n')}\n`;
}

/** Every zone, one after the other (each starts with its own `$ORIGIN`). */
export function formatExportZones(zones: readonly ZoneContents[], apex?: ApexOptions): string {
  return zones.map((z) => formatZoneFile(z, apex)).join('\n');
}

/** File name for a zone's master file: the apex without the trailing dot, plus `.zone`. */
export const zoneFileName = (zone: string): string => `${zone.replace(/\.$/, '')}.zone`;
