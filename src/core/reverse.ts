/**
 * Reverse DNS names: owner names of PTR records (RFC 1035 §3.5 in-addr.arpa,
 * RFC 3596 §2.5 ip6.arpa) and the reverse zones a block maps to, including
 * RFC 2317 classless delegation for IPv4 blocks smaller than a /24.
 */
import { type IpAddress, type IpPrefix, bitsOf, bytesOf, formatPrefix, maskOf, nibblesOf, supernetOf, subnetsOf } from './ip.js';

/** Where zone cuts fall: IPv4 at an octet, IPv6 at any nibble. */
export interface ZoneBoundaries {
  readonly ipv4: 8 | 16 | 24;
  readonly ipv6: number;
}

export const DEFAULT_BOUNDARIES: ZoneBoundaries = { ipv4: 24, ipv6: 48 };

/** A reverse zone: its apex name (fully qualified) and the addresses it answers for. */
export interface ReverseZone {
  readonly name: string;
  readonly prefix: IpPrefix;
  /** RFC 2317: the zone is a classless child of `parent`, reached through CNAMEs. */
  readonly classless: boolean;
  /** For classless zones: the octet-aligned parent zone that holds the CNAMEs. */
  readonly parent?: string;
}

/** How a block's addresses are cut into zones; see {@link zoneLayoutOf}. */
export interface ZoneLayout {
  readonly block: IpPrefix;
  /** Prefix length of each zone (equal to the block length for classless zones). */
  readonly length: number;
  readonly classless: boolean;
}

/** `22.100.51.198.in-addr.arpa.` or the 32-nibble `…ip6.arpa.` name of an address. */
export function reverseNameOf(ip: IpAddress): string {
  if (ip.version === 4) {
    const [a, b, c, d] = bytesOf(ip);
    return `${d}.${c}.${b}.${a}.in-addr.arpa.`;
  }
  const n = nibblesOf(ip);
  let out = '';
  for (let i = n.length - 1; i >= 0; i--) out += `${n[i]}.`;
  return `${out}ip6.arpa.`;
}

/** The zone apex for a prefix on an octet (IPv4) or nibble (IPv6) boundary. */
export function zoneNameOf(prefix: IpPrefix): string {
  const step = prefix.version === 4 ? 8 : 4;
  if (prefix.length % step !== 0) throw new RangeError(`${formatPrefix(prefix)} is not on a ${step}-bit boundary`);
  const suffix = prefix.version === 4 ? 'in-addr.arpa.' : 'ip6.arpa.';
  const labels =
    prefix.version === 4
      ? bytesOf({ version: 4, value: prefix.network }).slice(0, prefix.length / 8).map(String)
      : nibblesOf({ version: 6, value: prefix.network }).slice(0, prefix.length / 4).split('');
  return labels.length === 0 ? suffix : `${labels.reverse().join('.')}.${suffix}`;
}

/** RFC 2317 name in the `-` form (`0-25.113.0.203.in-addr.arpa.`): Route53 stores `/` as `\057`. */
export function classlessZoneNameOf(block: IpPrefix): string {
  if (block.version !== 4 || block.length <= 24) throw new RangeError(`${formatPrefix(block)}: classless names are for IPv4 blocks longer than /24`);
  const [a, b, c, d] = bytesOf({ version: 4, value: block.network });
  return `${d}-${block.length}.${c}.${b}.${a}.in-addr.arpa.`;
}

/**
 * Decides how a block is cut into reverse zones.
 *
 * - A block as large as the boundary or larger is split at the boundary.
 * - A smaller block shares the boundary zone when the operator owns that zone
 *   (`parentOwned`), otherwise it gets zones of its own: at its own length when
 *   that is aligned, RFC 2317 classless for IPv4 longer than /24, else split at
 *   the next aligned length.
 */
export function zoneLayoutOf(block: IpPrefix, boundaries: ZoneBoundaries, parentOwned: boolean): ZoneLayout {
  const boundary = block.version === 4 ? boundaries.ipv4 : boundaries.ipv6;
  const step = block.version === 4 ? 8 : 4;
  if (block.length <= boundary || parentOwned) return { block, length: boundary, classless: false };
  if (block.length % step === 0) return { block, length: block.length, classless: false };
  if (block.version === 4 && block.length > 24) return { block, length: block.length, classless: true };
  return { block, length: Math.ceil(block.length / step) * step, classless: false };
}

/** The zone of the layout that holds `ip` (which must lie in the layout's block). */
export function reverseZoneOf(ip: IpAddress, layout: ZoneLayout): ReverseZone {
  if (layout.classless) {
    return { name: classlessZoneNameOf(layout.block), prefix: layout.block, classless: true, parent: zoneNameOf(supernetOf(ip, 24)) };
  }
  const prefix = supernetOf(ip, layout.length);
  return { name: zoneNameOf(prefix), prefix, classless: false };
}

/** Number of zones a layout produces (may be huge for a large IPv6 block). */
export function zoneCountOf(layout: ZoneLayout): bigint {
  if (layout.classless || layout.length <= layout.block.length) return 1n;
  return 1n << BigInt(layout.length - layout.block.length);
}

/** Every zone of a layout, in address order. Check {@link zoneCountOf} first for IPv6. */
export function reverseZonesOf(layout: ZoneLayout): ReverseZone[] {
  if (layout.classless || layout.length <= layout.block.length) {
    return [reverseZoneOf({ version: layout.block.version, value: layout.block.network }, layout)];
  }
  return [...subnetsOf(layout.block, layout.length)].map((p) => ({ name: zoneNameOf(p), prefix: p, classless: false }));
}

const DECIMAL_LABEL = /^(?:0|[1-9]\d{0,2})$/;

/**
 * The prefix a reverse zone answers for: `100.51.198.in-addr.arpa` → 198.51.100.0/24,
 * `0-25.113.0.203.in-addr.arpa` or `0/25.…` → 203.0.113.0/25, nibble ip6.arpa names → /4n.
 */
export function prefixOfZoneName(zone: string): IpPrefix | undefined {
  const n = zone.toLowerCase().replace(/\.$/, '');
  if (n === 'in-addr.arpa' || n.endsWith('.in-addr.arpa')) {
    const labels = n === 'in-addr.arpa' ? [] : n.slice(0, -'.in-addr.arpa'.length).split('.');
    const classless = labels.length === 4 ? /^(\d{1,3})(?:-|\/|\\\/)(\d{1,2})$/.exec(labels[0]!) : null;
    const octets = classless ? labels.slice(1) : labels;
    if (octets.length > 3 || !octets.every((l) => DECIMAL_LABEL.test(l) && Number(l) < 256)) return undefined;
    const bytes = [...octets].reverse().map(Number);
    let length = bytes.length * 8;
    if (classless) {
      bytes.push(Number(classless[1]));
      length = Number(classless[2]);
      if (length <= 24 || length > 32 || Number(classless[1]) > 255) return undefined;
    }
    while (bytes.length < 4) bytes.push(0);
    const value = BigInt(((bytes[0]! * 256 + bytes[1]!) * 256 + bytes[2]!) * 256 + bytes[3]!);
    if ((value & maskOf(4, length)) !== value) return undefined;
    return { version: 4, network: value, length };
  }
  if (n === 'ip6.arpa' || n.endsWith('.ip6.arpa')) {
    const labels = n === 'ip6.arpa' ? [] : n.slice(0, -'.ip6.arpa'.length).split('.');
    if (labels.length > 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    const hex = [...labels].reverse().join('').padEnd(32, '0');
    return { version: 6, network: BigInt(`0x${hex}`), length: labels.length * 4 };
  }
  return undefined;
}

/** Parses a reverse owner name back to the address (full names only). */
export function ipOfReverseName(name: string): IpAddress | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n.endsWith('.in-addr.arpa')) {
    const labels = n.slice(0, -'.in-addr.arpa'.length).split('.');
    if (labels.length !== 4 || !labels.every((l) => DECIMAL_LABEL.test(l) && Number(l) < 256)) return undefined;
    const [d, c, b, a] = labels.map(Number) as [number, number, number, number];
    return { version: 4, value: BigInt(((a * 256 + b) * 256 + c) * 256 + d) };
  }
  if (n.endsWith('.ip6.arpa')) {
    const labels = n.slice(0, -'.ip6.arpa'.length).split('.');
    if (labels.length !== bitsOf(6) / 4 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    return { version: 6, value: BigInt(`0x${labels.reverse().join('')}`) };
  }
  return undefined;
}

/**
 * The address an owner name inside an RFC 2317 classless child zone answers for:
 * `5.0-25.113.0.203.in-addr.arpa.` → 203.0.113.5 (RFC 2317 §4: the child holds
 * `<last octet>.<child zone>`). The child zone label takes the forms {@link prefixOfZoneName}
 * reads (`0-25`, `0/25`, Route53's `0\057 25`); the last octet must lie inside that range
 * (`200.0-25…` answers for nothing). Undefined for any other name.
 */
export function ipOfClasslessName(name: string): IpAddress | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  const dot = n.indexOf('.');
  if (dot < 0 || !n.endsWith('.in-addr.arpa')) return undefined;
  const host = n.slice(0, dot);
  if (!DECIMAL_LABEL.test(host) || Number(host) > 255) return undefined;
  const zone = prefixOfZoneName(n.slice(dot + 1).replace(/\\057/g, '/'));
  if (!zone || zone.version !== 4 || zone.length <= 24) return undefined;
  const value = (zone.network & ~0xffn) | BigInt(Number(host));
  if ((value & maskOf(4, zone.length)) !== zone.network) return undefined;
  return { version: 4, value };
}

/** The address a reverse owner name answers for: a full in-addr.arpa / ip6.arpa name or a name inside an RFC 2317 child zone. */
export function ipOfPtrOwner(name: string): IpAddress | undefined {
  return ipOfReverseName(name) ?? ipOfClasslessName(name);
}
