/**
 * `default` name templates: a generic PTR for every address of a range (a block, an
 * allocation or a pool) that has no record of its own. A template must give every
 * address of its range a unique name, which is decided here from which address bits
 * each placeholder encodes — never by enumerating the addresses.
 *
 * Syntax: `{name}`, and for the numeric placeholders (`{host}`, `{a}`…`{d}`) an offset and
 * a format: `{name+N}` / `{name-N}` add N, `{name:F}` formats with F = base letter
 * (`d` decimal, `x` hex, `X` hex, `o` octal) and/or a width (zero padded), e.g. `{host:x2}`,
 * `{d-128:x2}`, `{host+1:3}` — the `${offset,width,base}` of BIND's `$GENERATE`.
 */
import { type IpAddress, type IpPrefix, bitsOf, bytesOf, formatIp, nibblesOf, sizeOf } from './ip.js';
import { canonicalName, normalizeHostname } from './hostname.js';

/**
 * The addresses one template names: a prefix, or (pools) every `step`-th address of it
 * starting `offset` addresses after its network address, `count` of them at most.
 */
export interface AddressRange {
  readonly prefix: IpPrefix;
  readonly offset?: bigint;
  readonly step?: bigint;
  readonly count?: bigint;
}

interface Placeholder {
  readonly families: readonly (4 | 6)[];
  readonly doc: string;
  /** Address bits [from, to) the placeholder encodes, for a range of prefix length `length`. */
  readonly bits: (version: 4 | 6, length: number) => readonly [number, number];
  /** Text placeholders render here; numeric ones through {@link Placeholder.value}. */
  readonly render?: (ip: IpAddress) => string;
  /** Numeric placeholders: the number, relative to the range's prefix for `{host}`. */
  readonly value?: (ip: IpAddress, prefix: IpPrefix) => bigint;
  /** Numeric: bit position (from the least significant bit) of an octet, for value bounds. */
  readonly shift?: number;
}

const all = (v: 4 | 6): readonly [number, number] => [0, bitsOf(v)];
const octet = (i: number): Placeholder => ({
  families: [4],
  doc: `octet ${i + 1} in decimal`,
  bits: () => [i * 8, i * 8 + 8],
  value: (ip) => BigInt(bytesOf(ip)[i]!),
  shift: 24 - i * 8,
});

function dashedV6(ip: IpAddress): string {
  let t = formatIp(ip).replace(/:/g, '-');
  if (t.startsWith('-')) t = `0${t}`;
  if (t.endsWith('-')) t = `${t}0`;
  return t;
}

/** The placeholders a template may use, with what each encodes (documented in docs/block-files.md). */
export const PLACEHOLDERS: Readonly<Record<string, Placeholder>> = {
  dashed: {
    families: [4, 6],
    doc: 'the whole address with "-" for "." or ":" (198-51-100-22, 2001-db8--22)',
    bits: all,
    render: (ip) => (ip.version === 4 ? bytesOf(ip).join('-') : dashedV6(ip)),
  },
  reversed: {
    families: [4],
    doc: 'the octets in reverse order, dashed (22-100-51-198)',
    bits: all,
    render: (ip) => bytesOf(ip).reverse().join('-'),
  },
  hex: {
    families: [4, 6],
    doc: 'the whole address as fixed-width hex (c6336416, 20010db8000000000000000000000022)',
    bits: all,
    render: (ip) => nibblesOf(ip),
  },
  host: {
    families: [4, 6],
    doc: 'the host part inside the range: decimal for IPv4, fixed-width hex for IPv6',
    bits: (v, len) => [len, bitsOf(v)],
    value: (ip, prefix) => ip.value - prefix.network,
  },
  a: octet(0),
  b: octet(1),
  c: octet(2),
  d: octet(3),
};

const TOKEN = /\{([^{}]*)\}/g;
const SPEC = /^([a-z]+)(?:([+-])(\d{1,20}))?(?::([doxX])?(\d{1,2})?)?$/;

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly token: string; readonly name: string; readonly p: Placeholder; readonly add: bigint; readonly base?: 8 | 10 | 16; readonly width?: number };

interface Compiled {
  readonly parts: readonly Part[];
  readonly error?: string;
}

const compiledCache = new Map<string, Compiled>();

function compile(template: string): Compiled {
  const hit = compiledCache.get(template);
  if (hit) return hit;
  const parts: Part[] = [];
  let error: string | undefined;
  let at = 0;
  if (/[{}]/.test(template.replace(TOKEN, ''))) error = `unbalanced "{" or "}" in "${template}"`;
  for (const m of template.matchAll(TOKEN)) {
    if (m.index > at) parts.push({ kind: 'text', text: template.slice(at, m.index) });
    at = m.index + m[0].length;
    const token = m[1] ?? '';
    const s = SPEC.exec(token);
    const p = s ? PLACEHOLDERS[s[1]!] : undefined;
    if (!s || !p) {
      const name = s?.[1] ?? token;
      error ??= `unknown placeholder {${name}}; use one of ${Object.keys(PLACEHOLDERS).map((k) => `{${k}}`).join(', ')}, with {host+N:x2}-style offsets and formats on {host} and {a}…{d}`;
      continue;
    }
    const modified = s[2] !== undefined || s[4] !== undefined || s[5] !== undefined || token.includes(':');
    if (modified && !p.value) error ??= `{${token}}: offsets and formats apply to {host} and {a}…{d} only`;
    if (token.endsWith(':')) error ??= `{${token}}: an empty format; write a base letter (d, x, X, o) and/or a width, e.g. {${s[1]}:x2}`;
    const add = s[2] === undefined ? 0n : (s[2] === '-' ? -1n : 1n) * BigInt(s[3]!);
    const base = s[4] === undefined ? undefined : s[4] === 'o' ? 8 : s[4] === 'd' ? 10 : 16;
    parts.push({ kind: 'placeholder', token, name: s[1]!, p, add, base, width: s[5] === undefined ? undefined : Number(s[5]) });
  }
  if (at < template.length) parts.push({ kind: 'text', text: template.slice(at) });
  const c: Compiled = { parts, error };
  if (compiledCache.size > 10_000) compiledCache.clear();
  compiledCache.set(template, c);
  return c;
}

/** Base and minimum width of a numeric placeholder: as written, else decimal (IPv4) or fixed-width hex (IPv6 `{host}`). */
function formatOf(part: Extract<Part, { kind: 'placeholder' }>, prefix: IpPrefix): { base: number; width: number } {
  if (part.base !== undefined || part.width !== undefined) return { base: part.base ?? 10, width: part.width ?? 0 };
  if (prefix.version === 6) return { base: 16, width: Math.max(1, Math.ceil((bitsOf(6) - prefix.length) / 4)) };
  return { base: 10, width: 0 };
}

function renderNumber(v: bigint, base: number, width: number): string {
  const s = v < 0n ? `-${(-v).toString(base)}` : v.toString(base);
  return s.padStart(width, '0');
}

const rangeOf = (r: IpPrefix | AddressRange): AddressRange => ('prefix' in r ? r : { prefix: r });

/** First and last address of a range (its own addresses, not its prefix's). */
export function rangeBounds(r: AddressRange): { first: bigint; last: bigint; count: bigint } {
  const size = sizeOf(r.prefix);
  const offset = r.offset ?? 0n;
  const step = r.step ?? 1n;
  const fit = offset >= size ? 0n : (size - 1n - offset) / step + 1n;
  const count = r.count === undefined || r.count > fit ? fit : r.count;
  const first = r.prefix.network + offset;
  return { first, last: first + (count > 0n ? count - 1n : 0n) * step, count };
}

/** Lowest and highest value a numeric placeholder takes over [first, last]. */
function valueBounds(p: Placeholder, prefix: IpPrefix, first: bigint, last: bigint): [bigint, bigint] {
  if (p.shift === undefined) return [p.value!({ version: prefix.version, value: first }, prefix), p.value!({ version: prefix.version, value: last }, prefix)];
  const s = BigInt(p.shift);
  if (first >> (s + 8n) === last >> (s + 8n)) return [(first >> s) & 255n, (last >> s) & 255n];
  return [0n, 255n];
}

export type TemplateCheck =
  | { ok: true; placeholders: string[]; coversNetwork: boolean }
  | { ok: false; code: 'template.invalid' | 'template.collision'; reason: string };

/**
 * Checks a template against the range it names (a block's prefix, or an allocation or
 * pool): known placeholders for the address family, every address bit that varies inside
 * the range encoded (unique names), no negative numbers, and valid hostnames at both ends.
 * `coversNetwork` tells whether names stay unique across ranges too.
 */
export function checkTemplate(template: string, where: IpPrefix | AddressRange): TemplateCheck {
  const range = rangeOf(where);
  const block = range.prefix;
  const compiled = compile(template);
  if (compiled.error) return { ok: false, code: 'template.invalid', reason: compiled.error };
  const placeholders = compiled.parts.filter((p): p is Extract<Part, { kind: 'placeholder' }> => p.kind === 'placeholder');
  const bits = bitsOf(block.version);
  const covered = new Array<boolean>(bits).fill(false);
  for (const ph of placeholders) {
    if (!ph.p.families.includes(block.version)) return { ok: false, code: 'template.invalid', reason: `{${ph.name}} is for IPv${ph.p.families[0]} addresses, this range is IPv${block.version}` };
    const [from, to] = ph.p.bits(block.version, block.length);
    for (let i = from; i < to; i++) covered[i] = true;
  }
  const { first, last, count } = rangeBounds(range);
  if (count === 0n) return { ok: false, code: 'template.invalid', reason: `the range ${formatIp({ version: block.version, value: block.network })}/${block.length} with this offset has no addresses` };
  // A step of 2^k keeps the low k bits of every address of the range the same: they need not be encoded.
  const step = range.step ?? 1n;
  let fixedLow = 0;
  if (count > 1n && (step & (step - 1n)) === 0n) while (1n << BigInt(fixedLow + 1) <= step) fixedLow++;
  const uncoveredHost = count <= 1n ? -1 : covered.slice(block.length, bits - fixedLow).indexOf(false);
  if (uncoveredHost >= 0) {
    return {
      ok: false,
      code: 'template.collision',
      reason: placeholders.length === 0
        ? `"${template}" has no placeholder, so every address would get the same name; add {dashed}`
        : `"${template}" gives several addresses the same name (address bit ${block.length + uncoveredHost} is not encoded); add {dashed} or {host}`,
    };
  }
  for (const ph of placeholders) {
    if (!ph.p.value) continue;
    const [lo] = valueBounds(ph.p, block, first, last);
    if (lo + ph.add < 0n) return { ok: false, code: 'template.invalid', reason: `{${ph.token}} is negative (${lo + ph.add}) for some addresses of the range; the lowest value of {${ph.name}} there is ${lo}` };
  }
  const runTogether = adjacentVariableWidth(compiled.parts, block, first, last);
  if (runTogether) {
    return {
      ok: false,
      code: 'template.collision',
      reason: `"${template}" gives several addresses the same name: {${runTogether[0]}} and {${runTogether[1]}} run together without a separator (as "1" "11" and "11" "1" both read "111"); put a "-" or "." between them, or give both a width ({name:3})`,
    };
  }
  for (const v of [first, last]) {
    const ip: IpAddress = { version: block.version, value: v };
    const host = normalizeHostname(renderTemplate(template, ip, block));
    if (!host.ok) return { ok: false, code: 'template.invalid', reason: `for ${formatIp(ip)} it gives an invalid hostname: ${host.reason}` };
  }
  return { ok: true, placeholders: placeholders.map((p) => p.name), coversNetwork: !covered.includes(false) };
}

/**
 * Two placeholders of variable width (decimal octets, `{host}` of IPv4, numbers whose width
 * is less than their longest value, the ends of `{dashed}` and `{reversed}`) with only
 * digits between them cannot be told apart again: `{c}{d}` gives 1.11 and 11.1 the same
 * name although every bit is encoded. Returns the first such pair. Fixed-width
 * placeholders (`{hex}`, IPv6 `{host}`, `{d:3}`) keep the digits running.
 */
function adjacentVariableWidth(parts: readonly Part[], prefix: IpPrefix, first: bigint, last: bigint): [string, string] | undefined {
  const hexy = prefix.version === 6 || parts.some((p) => p.kind === 'placeholder' && p.base === 16);
  const alphabet = hexy ? /[0-9a-f]/i : /[0-9]/;
  const variable = (part: Extract<Part, { kind: 'placeholder' }>): boolean => {
    if (!part.p.value) return prefix.version === 4 ? part.name !== 'hex' : part.name === 'dashed';
    const { base, width } = formatOf(part, prefix);
    // Octets count over all their values: names must stay apart across ranges too (ip{a}{b}{c}{d}).
    const [lo, hi] = part.p.shift === undefined ? valueBounds(part.p, prefix, first, last) : [0n, 255n];
    const longest = Math.max(renderNumber(lo + part.add, base, 0).length, renderNumber(hi + part.add, base, 0).length);
    if (width >= longest) return false;
    // Values between lo and hi have every length between theirs.
    return renderNumber(lo + part.add, base, 0).length !== longest;
  };
  let open: string | undefined;
  for (const part of parts) {
    if (part.kind === 'text') {
      if ([...part.text].some((ch) => !alphabet.test(ch))) open = undefined;
      continue;
    }
    if (!variable(part)) continue;
    if (open !== undefined) return [open, part.token];
    open = part.token;
  }
  return undefined;
}

/**
 * The raw (not yet normalised) generic name of `ip`; `prefix` is the prefix of the range
 * the template belongs to (`{host}` counts from its network address). Use after
 * {@link checkTemplate} passed.
 */
export function renderTemplate(template: string, ip: IpAddress, prefix: IpPrefix): string {
  let out = '';
  for (const part of compile(template).parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.p.render) out += part.p.render(ip);
    else {
      const { base, width } = formatOf(part, prefix);
      out += renderNumber(part.p.value!(ip, prefix) + part.add, base, width);
    }
  }
  return out;
}

/** The normalised generic PTR of `ip` (lower case, trailing dot). */
export function genericNameOf(template: string, ip: IpAddress, prefix: IpPrefix): string {
  return canonicalName(renderTemplate(template, ip, prefix));
}

/** Placeholders replaced by `{}` (numbers all look alike): templates of the same shape may give the same names. */
export function templateShape(template: string): string {
  return template.toLowerCase().replace(TOKEN, '{}');
}

/**
 * The same names with `{host}` counted from another prefix's network address: `{host}` of
 * 198.51.100.0/24 is `{host+16}` of 198.51.100.16/28. Formats become explicit where the
 * default depends on the prefix (IPv6 width). Other placeholders are absolute and stay.
 */
export function rebaseTemplate(template: string, from: IpPrefix, to: IpPrefix): string {
  const compiled = compile(template);
  if (compiled.error) return template;
  let out = '';
  for (const part of compiled.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    if (part.name !== 'host') {
      out += `{${part.token}}`;
      continue;
    }
    const add = part.add + (to.network - from.network);
    const explicit = part.base !== undefined || part.width !== undefined || from.version === 6;
    const { base, width } = formatOf(part, from);
    const fmt = explicit ? `:${base === 16 ? 'x' : base === 8 ? 'o' : 'd'}${width > 0 ? width : ''}` : '';
    out += `{host${add === 0n ? '' : add > 0n ? `+${add}` : `${add}`}${fmt}}`;
  }
  return out;
}

/** Whether a template uses `{host}` (whose names depend on the range's prefix). */
export const usesHost = (template: string): boolean => compile(template).parts.some((p) => p.kind === 'placeholder' && p.name === 'host');
