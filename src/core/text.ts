/** Small wording helpers shared by every report (CLI text, PR comment, diff). */

/** `1 record`, `1,048,576 records`. */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;

const log2 = (n: bigint): number => n.toString(2).length - 1;
/** `65,536`, or `2^80` for a power of two past 2^20 (readable where IPv6 counts run to 30 digits). */
const bigCount = (n: bigint): string => (n > 1n << 20n && (n & (n - 1n)) === 0n ? `2^${log2(n)}` : n.toLocaleString('en-US'));

/**
 * A count of addresses for people: IPv4 as a number (`1 address`, `512 addresses`); IPv6
 * in /64s, the unit of IPv6 assignments (`65,536 /64s`, `2^31 /64s`, `65,536 /64s less 2
 * addresses`), and below a /64 as a number or a power of two (`2^32 addresses`).
 */
export function addressCount(version: 4 | 6, n: bigint): string {
  const addresses = (x: bigint): string => `${bigCount(x)} address${x === 1n ? '' : 'es'}`;
  if (version === 4 || n < 1n << 64n) return addresses(n);
  const per64 = 1n << 64n;
  const nets = n / per64;
  const rest = n % per64;
  const unit = (q: bigint): string => `${bigCount(q)} /64${q === 1n ? '' : 's'}`;
  if (rest === 0n) return unit(nets);
  if (per64 - rest <= 1n << 20n) return `${unit(nets + 1n)} less ${addresses(per64 - rest)}`;
  if (rest <= 1n << 20n) return `${unit(nets)} and ${addresses(rest)}`;
  return `about ${unit(nets)}`;
}

// Control (C0, DEL, C1), format (bidi overrides, zero-width), private-use, unassigned and line/paragraph separators.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;
const hex = (ch: string): string => ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/**
 * A value from data (a note, a commit's author or subject, a file name) as one line of
 * visible text: every control and invisible character written as `\u{001B}`, line breaks
 * and tabs included, so an escape sequence cannot act on a terminal (OSC 8 links, line
 * erase, cursor moves) and a line break cannot start a line of its own. Every text printer
 * writes data through this function; a PR comment adds Markdown escaping on top.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => `\\u{${hex(ch)}}`);
}

// Every C0 control but tab and line feed, DEL and every C1 control; with colour, our own SGR sequences are kept.
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL_OR_SGR = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Whatever the CLI writes to a terminal or a pipe, last: any control character left
 * (data a printer forgot to pass through {@link printable}) becomes `\u001B`, which is
 * also a JSON escape of the same character, so JSON output keeps its value. `color`
 * keeps the colour codes (SGR, `ESC[31m`) the tool itself writes on a terminal.
 */
export function terminalText(out: string, color = false): string {
  return out.replace(color ? TERMINAL_CONTROL_OR_SGR : TERMINAL_CONTROL, (ch) => (ch.length > 1 ? ch : `\\u${hex(ch)}`));
}
