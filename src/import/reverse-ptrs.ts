/**
 * Zone records → the PTR of each address. Understands full reverse names, RFC 2317
 * classless children (`5.0-25.113.0.203.in-addr.arpa`, also the `0/25` form) and the
 * parent zone's CNAMEs that point into them, and derives a block prefix from a
 * reverse zone's name.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';
import { normalizeHostname, reverseTargetOf } from '../core/hostname.js';
import { formatIp, formatPrefix, prefixContainsIp, type IpAddress, type IpPrefix } from '../core/ip.js';
import { ipOfReverseName, prefixOfZoneName } from '../core/reverse.js';
import type { GeneratedFrom, ZoneRecord } from './zone-file.js';

export interface ImportedPtr {
  readonly ip: IpAddress;
  readonly ipText: string;
  /** Normalised hostname with trailing dot. */
  readonly ptr: string;
  readonly ttl: number;
  /** Where it came from, for messages. */
  readonly source: { readonly file: string; readonly line: number };
  /** Written by a `$GENERATE` line. */
  readonly generated?: GeneratedFrom;
  /** A hand-written PTR for an address a `$GENERATE` line names too: what that line gives it (the hand one wins, as a record over the pool). */
  readonly overrides?: { readonly ptr: string; readonly generated: GeneratedFrom };
}

export interface ImportedZone {
  /** Apex (fully qualified), e.g. `100.51.198.in-addr.arpa.` or `0-25.113.0.203.in-addr.arpa.`. */
  readonly name: string;
  /** The addresses the zone answers for, when its name says so. */
  readonly prefix?: IpPrefix;
}

const OCTET = /^(?:0|[1-9]\d{0,2})$/;

/** Owner name → address: full reverse names, and names inside an RFC 2317 child zone. */
export function ipOfOwner(name: string): IpAddress | undefined {
  const full = ipOfReverseName(name);
  if (full) return full;
  const n = name.toLowerCase().replace(/\.$/, '');
  if (!n.endsWith('.in-addr.arpa')) return undefined;
  const labels = n.slice(0, -'.in-addr.arpa'.length).split('.');
  // d.<classless label>.c.b.a: the child zone's own label sits between the last two octets.
  if (labels.length !== 5) return undefined;
  const [d, , c, b, a] = labels as [string, string, string, string, string];
  if (![a, b, c, d].every((l) => OCTET.test(l) && Number(l) < 256)) return undefined;
  const zone = prefixOfZoneName(labels.slice(1).join('.') + '.in-addr.arpa');
  const ip: IpAddress = { version: 4, value: BigInt(((Number(a) * 256 + Number(b)) * 256 + Number(c)) * 256 + Number(d)) };
  if (zone && !prefixContainsIp(zone, ip)) return undefined;
  return ip;
}

/**
 * Collects the PTR of every address from the records of one or more zones. A CNAME
 * from a full reverse name into another name is followed (RFC 2317) when that name's
 * PTR is among the records; otherwise it is reported once per target zone.
 */
export function collectPtrs(records: readonly ZoneRecord[]): { ptrs: ImportedPtr[]; zones: ImportedZone[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ptrByName = new Map<string, ZoneRecord>();
  // Owner name → the `$GENERATE` record that a hand-written PTR overrides.
  const shadowed = new Map<string, ZoneRecord>();
  const zones = new Map<string, ImportedZone>();
  for (const r of records) {
    if (r.type === 'SOA' && !zones.has(r.name)) zones.set(r.name, { name: r.name, prefix: prefixOfZoneName(r.name) });
    if (r.type === 'PTR') {
      const first = ptrByName.get(r.name);
      if (first) {
        // The same RR twice (an include read twice) is one record, as in BIND.
        if (first.rdata[0] === r.rdata[0]) continue;
        // A hand-written PTR inside a `$GENERATE` range is an override: it stays a record over the pool.
        const generated = [first, r].filter((x) => x.generate);
        if (generated.length === 1 && !shadowed.has(r.name)) {
          const hand = first.generate ? r : first;
          ptrByName.set(r.name, hand);
          shadowed.set(r.name, generated[0]!);
          continue;
        }
        diagnostics.push(diag('import.refused', `${r.name} has several PTRs; only the first (${first.rdata[0]}, line ${first.line}) can be imported, one PTR per address`, { file: r.file, line: r.line, column: 1 }, { value: r.rdata[0] }));
        continue;
      }
      ptrByName.set(r.name, r);
    }
  }
  const byIp = new Map<string, ImportedPtr>();
  const add = (ip: IpAddress, r: ZoneRecord, via?: ZoneRecord): void => {
    const ipText = formatIp(ip);
    const host = normalizeHostname(r.rdata[0] ?? '');
    const at = { file: (via ?? r).file, line: (via ?? r).line, column: 1 };
    if (!host.ok) {
      diagnostics.push(diag('import.refused', `${ipText}: ${host.reason}; not imported`, at, { ip: ipText, value: r.rdata[0] }));
      return;
    }
    const reverse = reverseTargetOf(host.value);
    if (reverse) {
      diagnostics.push(diag('hostname.reverse-target', `${ipText}: ${reverse.message}; not imported`, at, { ip: ipText, value: r.rdata[0] }));
      return;
    }
    const prev = byIp.get(ipText);
    if (prev) {
      if (prev.ptr !== host.value) diagnostics.push(diag('import.refused', `${ipText} has two PTRs (${prev.ptr} and ${host.value}); only the first can be imported, one PTR per address`, at, { ip: ipText, value: host.value }));
      return;
    }
    const gen = via ? undefined : shadowed.get(r.name);
    const genHost = gen?.generate ? normalizeHostname(gen.rdata[0] ?? '') : undefined;
    const overrides = gen?.generate && genHost?.ok ? { overrides: { ptr: genHost.value, generated: gen.generate } } : {};
    byIp.set(ipText, { ip, ipText, ptr: host.value, ttl: r.ttl, source: { file: r.file, line: r.line }, ...(r.generate ? { generated: r.generate } : {}), ...overrides });
  };
  for (const r of ptrByName.values()) {
    const ip = ipOfOwner(r.name);
    if (ip) add(ip, r);
    else if (zones.has(r.name)) {
      // RFC 1101: a PTR at a reverse zone's apex names the network, not an address. Block files name addresses only.
      diagnostics.push(
        diag('import.refused', `${r.name} PTR ${r.rdata[0]}: a PTR at the apex of the zone names the network (RFC 1101), not an address; block files hold PTRs of addresses only, so it is not imported`, { file: r.file, line: r.line, column: 1 }, { value: r.name }),
      );
    } else diagnostics.push(diag('import.refused', `${r.name} is not the reverse name of one address; not imported`, { file: r.file, line: r.line, column: 1 }, { value: r.name }));
  }
  const unresolved = new Map<string, { count: number; first: ZoneRecord }>();
  for (const r of records) {
    if (r.type !== 'CNAME') continue;
    const ip = ipOfReverseName(r.name);
    if (!ip) continue;
    const target = ptrByName.get(r.rdata[0] ?? '');
    if (target) {
      if (ipOfOwner(target.name) === undefined) add(ip, target, r);
      continue;
    }
    const zone = (r.rdata[0] ?? '').split('.').slice(1).join('.');
    // The child zone is in the input and simply has no PTR for this address: nothing to say.
    if (zones.has(zone)) continue;
    const u = unresolved.get(zone);
    if (u) u.count++;
    else unresolved.set(zone, { count: 1, first: r });
  }
  for (const [zone, u] of unresolved) {
    diagnostics.push(
      diag('import.skipped', `${u.count} address${u.count === 1 ? ' is a CNAME' : 'es are CNAMEs'} into ${zone} (RFC 2317), whose PTRs are not in the input; import that zone too (another --zone-file or --axfr)`, { file: u.first.file, line: u.first.line, column: 1 }, { value: zone }),
    );
  }
  const ptrs = [...byIp.values()];
  return { ptrs, zones: [...zones.values()], diagnostics };
}

export const describeZone = (z: ImportedZone): string => `${z.name}${z.prefix ? ` (${formatPrefix(z.prefix)})` : ''}`;
