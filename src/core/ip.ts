/**
 * IPv4 and IPv6 addresses and prefixes as plain values.
 *
 * Parsing is strict on purpose: a PTR repository is an operator's source of truth,
 * so `010.0.0.1` (octal in some libc parsers, decimal in others), zone ids
 * (`fe80::1%eth0`) and prefixes with host bits set are rejected instead of guessed at.
 * Syntax of IPv6 text is delegated to ipaddr.js; the arithmetic is plain bigint.
 */
import ipaddr from 'ipaddr.js';

export type IpVersion = 4 | 6;

/** An address: its family and its value as an unsigned integer (32 or 128 bits). */
export interface IpAddress {
  readonly version: IpVersion;
  readonly value: bigint;
}

/** A network prefix: `network` has no host bits set. */
export interface IpPrefix {
  readonly version: IpVersion;
  readonly network: bigint;
  readonly length: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export const bitsOf = (version: IpVersion): number => (version === 4 ? 32 : 128);

const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;

function parseV4(text: string): Parsed<IpAddress> {
  const parts = text.split('.');
  if (parts.length !== 4) return { ok: false, reason: `"${text}" is not an IPv4 address (expected four dotted decimal octets)` };
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) {
      const why = /^0\d+$/.test(part) ? `octet "${part}" has a leading zero (ambiguous: octal or decimal)` : `octet "${part}" is not a decimal number`;
      return { ok: false, reason: `"${text}" is not a valid IPv4 address: ${why}` };
    }
    const n = Number(part);
    if (n > 255) return { ok: false, reason: `"${text}" is not a valid IPv4 address: octet ${n} is greater than 255` };
    value = value * 256 + n;
  }
  return { ok: true, value: { version: 4, value: BigInt(value) } };
}

function parseV6(text: string): Parsed<IpAddress> {
  if (text.includes('%')) return { ok: false, reason: `"${text}" carries a zone id; PTR records are for global addresses, remove the "%…" part` };
  const embedded = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let hexText = text;
  if (embedded?.[1]) {
    const v4 = parseV4(embedded[1]);
    if (!v4.ok) return { ok: false, reason: `"${text}" has an invalid embedded IPv4 part: ${v4.reason}` };
    // As two hex groups: ipaddr.js reads "::a.b.c.d" (IPv4-compatible, ::/96) as "::ffff:a.b.c.d", another address.
    const n = Number(v4.value.value);
    hexText = `${text.slice(0, text.length - embedded[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  if (!ipaddr.IPv6.isValid(hexText) || /[^0-9a-fA-F:.]/.test(text)) return { ok: false, reason: `"${text}" is not a valid IPv6 address` };
  const bytes = ipaddr.IPv6.parse(hexText).toByteArray();
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return { ok: true, value: { version: 6, value } };
}

/** Parses an IPv4 or IPv6 address in any valid notation; never throws. */
export function parseIp(text: string): Parsed<IpAddress> {
  const t = text.trim();
  if (t === '') return { ok: false, reason: 'empty address' };
  return t.includes(':') ? parseV6(t) : parseV4(t);
}

/** Parses `address/length`. The length is required; host bits must be zero. */
export function parsePrefix(text: string): Parsed<IpPrefix> {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return { ok: false, reason: `"${t}" has no prefix length (write it as address/length, e.g. 198.51.100.0/24)` };
  const addr = parseIp(t.slice(0, slash));
  if (!addr.ok) return addr;
  const lenText = t.slice(slash + 1);
  const max = bitsOf(addr.value.version);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(lenText) || Number(lenText) > max) {
    return { ok: false, reason: `"${t}": prefix length "${lenText}" must be a whole number from 0 to ${max}` };
  }
  const length = Number(lenText);
  const prefix: IpPrefix = { version: addr.value.version, network: addr.value.value & maskOf(addr.value.version, length), length };
  if (prefix.network !== addr.value.value) {
    return { ok: false, reason: `"${t}" has host bits set; the network is ${formatPrefix(prefix)}` };
  }
  return { ok: true, value: prefix };
}

// Every mask of both families, computed once: masks sit on the hot path of every
// containment test and zone lookup, and building them from bigints each time dominated.
const MASKS: Record<IpVersion, bigint[]> = { 4: [], 6: [] };
for (const version of [4, 6] as const) {
  const bits = BigInt(bitsOf(version));
  const all = (1n << bits) - 1n;
  for (let length = 0; length <= bitsOf(version); length++) MASKS[version].push(length === 0 ? 0n : (all << (bits - BigInt(length))) & all);
}

/** The netmask of a prefix length as an integer. */
export function maskOf(version: IpVersion, length: number): bigint {
  const mask = MASKS[version][length];
  if (mask === undefined) throw new RangeError(`prefix length ${length} is out of range for IPv${version}`);
  return mask;
}

/** Canonical text: dotted decimal for IPv4, RFC 5952 for IPv6. */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) {
    const v = Number(ip.value);
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (ip.value >> 32n === 0xffffn) return `::ffff:${formatIp({ version: 4, value: ip.value & 0xffffffffn })}`;
  return ipaddr.fromByteArray(bytesOf(ip)).toString();
}

export function formatPrefix(p: IpPrefix): string {
  return `${formatIp({ version: p.version, value: p.network })}/${p.length}`;
}

/** Big-endian bytes of an address (4 or 16). */
export function bytesOf(ip: IpAddress): number[] {
  const n = bitsOf(ip.version) / 8;
  const out = new Array<number>(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}

/** The 32 hex nibbles of an IPv6 address (8 for IPv4), most significant first. */
export function nibblesOf(ip: IpAddress): string {
  return ip.value.toString(16).padStart(bitsOf(ip.version) / 4, '0');
}

export const firstAddress = (p: IpPrefix): IpAddress => ({ version: p.version, value: p.network });

export function lastAddress(p: IpPrefix): IpAddress {
  return { version: p.version, value: p.network | (~maskOf(p.version, p.length) & ((1n << BigInt(bitsOf(p.version))) - 1n)) };
}

/** Number of addresses in the prefix. */
export const sizeOf = (p: IpPrefix): bigint => 1n << BigInt(bitsOf(p.version) - p.length);

export function prefixContainsIp(p: IpPrefix, ip: IpAddress): boolean {
  return p.version === ip.version && (ip.value & maskOf(p.version, p.length)) === p.network;
}

/** True when `inner` lies entirely inside `outer` (equal prefixes contain each other). */
export function prefixContains(outer: IpPrefix, inner: IpPrefix): boolean {
  return outer.version === inner.version && outer.length <= inner.length && (inner.network & maskOf(outer.version, outer.length)) === outer.network;
}

/** Prefixes overlap exactly when one contains the other. */
export const prefixesOverlap = (a: IpPrefix, b: IpPrefix): boolean => prefixContains(a, b) || prefixContains(b, a);


/** Orders IPv4 before IPv6, then numerically. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.version !== b.version) return a.version - b.version;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export function comparePrefix(a: IpPrefix, b: IpPrefix): number {
  if (a.version !== b.version) return a.version - b.version;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}

/** The prefix of the given length that contains `ip`. */
export function supernetOf(ip: IpAddress, length: number): IpPrefix {
  return { version: ip.version, network: ip.value & maskOf(ip.version, length), length };
}

/** Splits `p` into its sub-prefixes of `length` (length ≥ p.length), in order. */
export function* subnetsOf(p: IpPrefix, length: number): Generator<IpPrefix> {
  const step = 1n << BigInt(bitsOf(p.version) - length);
  const end = lastAddress(p).value;
  for (let n = p.network; n <= end; n += step) yield { version: p.version, network: n, length };
}

/** IPv6 ranges whose addresses are IPv4 addresses written as IPv6 (RFC 4291 §2.5.5). */
const IPV4_EMBEDDING: readonly { readonly kind: 'IPv4-mapped' | 'IPv4-compatible'; readonly range: IpPrefix }[] = [
  { kind: 'IPv4-mapped', range: { version: 6, network: 0xffffn << 32n, length: 96 } },
  { kind: 'IPv4-compatible', range: { version: 6, network: 0n, length: 96 } },
];

/**
 * Why an IPv6 prefix may not be a block or allocation: it lies inside `::ffff:0:0/96`
 * (IPv4-mapped) or `::/96` (IPv4-compatible, deprecated), so its addresses are IPv4
 * addresses whose PTRs live under in-addr.arpa (and a block of them beside the IPv4 block
 * would publish the same address twice); or it contains one of those ranges. Undefined
 * for every other prefix.
 */
export function ipv4EmbeddedProblem(p: IpPrefix): string | undefined {
  if (p.version !== 6) return undefined;
  for (const { kind, range } of IPV4_EMBEDDING) {
    if (prefixContains(range, p)) {
      const v4: IpPrefix = { version: 4, network: p.network & 0xffffffffn, length: p.length - 96 };
      return `"${formatPrefix(p)}" is an ${kind} IPv6 prefix (inside ${formatPrefix(range)}): its addresses are the IPv4 addresses ${formatPrefix(v4)}, whose PTRs live under in-addr.arpa; write the block as ${formatPrefix(v4)}`;
    }
    if (prefixContains(p, range)) return `"${formatPrefix(p)}" contains the ${kind} range ${formatPrefix(range)}, whose addresses are IPv4 addresses written as IPv6; use a prefix outside it`;
  }
  return undefined;
}
