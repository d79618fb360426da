/**
 * `default` name templates: a generic PTR for every address of a block that has
 * no record of its own. A template must give every address a unique name, which
 * is decided here from which address bits each placeholder encodes.
 */
import { type IpAddress, type IpPrefix, bitsOf, bytesOf, formatIp, lastAddress, nibblesOf, firstAddress } from './ip.js';
import { normalizeHostname } from './hostname.js';

interface Placeholder {
  readonly families: readonly (4 | 6)[];
  readonly doc: string;
  /** Address bits [from, to) the placeholder encodes, for a block of `blockLength`. */
  readonly bits: (version: 4 | 6, blockLength: number) => readonly [number, number];
  readonly render: (ip: IpAddress, block: IpPrefix) => string;
}

const all = (v: 4 | 6): readonly [number, number] => [0, bitsOf(v)];
const octet = (i: number): Placeholder => ({
  families: [4],
  doc: `octet ${i + 1} in decimal`,
  bits: () => [i * 8, i * 8 + 8],
  render: (ip) => String(bytesOf(ip)[i]),
});

function dashedV6(ip: IpAddress): string {
  let t = formatIp(ip).replace(/:/g, '-');
  if (t.startsWith('-')) t = `0${t}`;
  if (t.endsWith('-')) t = `${t}0`;
  return t;
}

/** The placeholders a template may use, with what each encodes (documented in the README). */
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
    doc: 'the host part inside the block: decimal for IPv4, fixed-width hex for IPv6',
    bits: (v, len) => [len, bitsOf(v)],
    render: (ip, block) => {
      const offset = ip.value - block.network;
      if (ip.version === 4) return offset.toString(10);
      const width = Math.max(1, Math.ceil((bitsOf(6) - block.length) / 4));
      return offset.toString(16).padStart(width, '0');
    },
  },
  a: octet(0),
  b: octet(1),
  c: octet(2),
  d: octet(3),
};

const TOKEN = /\{([^{}]*)\}/g;

export type TemplateCheck =
  | { ok: true; placeholders: string[]; coversNetwork: boolean }
  | { ok: false; code: 'template.invalid' | 'template.collision'; reason: string };

/**
 * Checks a template against its block: known placeholders for the address family,
 * every host bit encoded (unique names), and valid hostnames at both ends of the block.
 * `coversNetwork` tells whether names stay unique across blocks too.
 */
export function checkTemplate(template: string, block: IpPrefix): TemplateCheck {
  const names = [...template.matchAll(TOKEN)].map((m) => m[1] ?? '');
  if (/[{}]/.test(template.replace(TOKEN, ''))) return { ok: false, code: 'template.invalid', reason: `unbalanced "{" or "}" in "${template}"` };
  const covered = new Array<boolean>(bitsOf(block.version)).fill(false);
  for (const name of names) {
    const p = PLACEHOLDERS[name];
    if (!p) return { ok: false, code: 'template.invalid', reason: `unknown placeholder {${name}}; use one of ${Object.keys(PLACEHOLDERS).map((k) => `{${k}}`).join(', ')}` };
    if (!p.families.includes(block.version)) return { ok: false, code: 'template.invalid', reason: `{${name}} is for IPv${p.families[0]} addresses, this block is IPv${block.version}` };
    const [from, to] = p.bits(block.version, block.length);
    for (let i = from; i < to; i++) covered[i] = true;
  }
  const uncoveredHost = covered.slice(block.length).indexOf(false);
  if (uncoveredHost >= 0) {
    return {
      ok: false,
      code: 'template.collision',
      reason: names.length === 0
        ? `"${template}" has no placeholder, so every address would get the same name; add {dashed}`
        : `"${template}" gives several addresses the same name (address bit ${block.length + uncoveredHost} is not encoded); add {dashed} or {host}`,
    };
  }
  const runTogether = adjacentVariableWidth(template, block.version);
  if (runTogether) {
    return {
      ok: false,
      code: 'template.collision',
      reason: `"${template}" gives several addresses the same name: {${runTogether[0]}} and {${runTogether[1]}} run together without a separator (as "1" "11" and "11" "1" both read "111"); put a "-" or "." between them`,
    };
  }
  for (const ip of [firstAddress(block), lastAddress(block)]) {
    const host = normalizeHostname(renderTemplate(template, ip, block));
    if (!host.ok) return { ok: false, code: 'template.invalid', reason: `for ${formatIp(ip)} it gives an invalid hostname: ${host.reason}` };
  }
  return { ok: true, placeholders: names, coversNetwork: !covered.includes(false) };
}

/**
 * Two placeholders of variable width (decimal octets, `{host}` of IPv4, the ends of
 * `{dashed}` and `{reversed}`) with only digits between them cannot be told apart again:
 * `{c}{d}` gives 1.11 and 11.1 the same name although every bit is encoded. Returns the
 * first such pair. Fixed-width placeholders (`{hex}`, IPv6 `{host}`) keep the digits running.
 */
function adjacentVariableWidth(template: string, version: 4 | 6): [string, string] | undefined {
  // What a variable-width rendering may start and end with: decimal digits (IPv4), hex digits (IPv6 {dashed}).
  const alphabet = version === 4 ? /[0-9]/ : /[0-9a-f]/i;
  const variable = (name: string): boolean => (version === 4 ? name !== 'hex' : name === 'dashed');
  let open: string | undefined;
  let at = 0;
  for (const m of template.matchAll(TOKEN)) {
    const literal = template.slice(at, m.index);
    if ([...literal].some((ch) => !alphabet.test(ch))) open = undefined;
    at = m.index + m[0].length;
    const name = m[1] ?? '';
    if (!variable(name)) continue;
    if (open !== undefined) return [open, name];
    open = name;
  }
  return undefined;
}

/** The raw (not yet normalised) generic name of `ip`; use after {@link checkTemplate} passed. */
export function renderTemplate(template: string, ip: IpAddress, block: IpPrefix): string {
  return template.replace(TOKEN, (_m, name: string) => PLACEHOLDERS[name]?.render(ip, block) ?? '');
}

/** The normalised generic PTR of `ip` (lower case, trailing dot). */
export function genericNameOf(template: string, ip: IpAddress, block: IpPrefix): string {
  const raw = renderTemplate(template, ip, block).toLowerCase();
  return raw.endsWith('.') ? raw : `${raw}.`;
}
