/**
 * PTR target hostnames: the rules a name must meet before it is published
 * (RFC 1035 §2.3.1 LDH labels as relaxed by RFC 1123 §2.1, RFC 5891 IDNA),
 * and its normal form: lower case, punycode, one trailing dot.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { parseIp, type Parsed } from './ip.js';
import { printable } from './text.js';
import { looksLikeAscii } from './confusables.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ALL_DIGITS = /^\d+$/;

/**
 * Normalises a PTR target. Returns the fully qualified name with a trailing dot,
 * or the first rule it breaks in words a user can act on. Never throws.
 */
export function normalizeHostname(raw: string): Parsed<string> {
  const fail = (why: string): Parsed<string> => ({ ok: false, reason: why });
  if (raw.length === 0) return fail('the hostname is empty');
  if (raw.length > 1024) return fail(`the hostname is ${raw.length} characters long (at most 253)`);
  if (/\s/.test(raw)) return fail('a hostname cannot contain whitespace');
  if (raw.includes('*')) return fail('wildcards are not allowed in a PTR target');
  if (raw.includes('_')) return fail('underscores are not allowed in hostnames (RFC 1123 letters, digits and hyphens only)');
  let name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (name.startsWith('[') || parseIp(name).ok) return fail(`"${shown(raw)}" is an IP address; a PTR must point to a hostname`);
  if (name === '' || name.startsWith('.') || name.endsWith('.') || name.includes('..')) return fail('the hostname has an empty label ("..", or a leading dot)');
  // Invisible, control and symbol characters (zero-width space, emoji) are what a
  // look-alike name is made of; IDNA2008 disallows them even where UTS 46 maps them away.
  if (/[\p{Cc}\p{Cf}\p{So}\p{Co}\p{Cn}]/u.test(name)) return fail(`"${shown(raw)}" contains invisible, control or symbol characters, which IDNA2008 does not allow in hostnames`);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    const ascii = domainToASCII(name);
    if (ascii === '') return fail(`"${shown(raw)}" cannot be converted to an ASCII (punycode) name under IDNA rules`);
    // UTS 46 maps the ideographic and full-width full stops (。．｡) to ".": one may end the name.
    name = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
    if (name === '' || name.startsWith('.') || name.endsWith('.') || name.includes('..')) return fail('the hostname has an empty label ("..", or a leading dot)');
  }
  name = name.toLowerCase();
  if (name.length > 253) return fail(`the hostname is ${name.length} characters long (at most 253)`);
  const labels = name.split('.');
  if (labels.length < 2) return fail(`"${shown(raw)}" is a bare word; a PTR target must be a fully qualified name such as ${name}.example.net`);
  for (const label of labels) {
    if (label.length > 63) return fail(`label "${label.slice(0, 20)}…" is ${label.length} characters long (at most 63)`);
    if (!LABEL.test(label)) {
      if (label.startsWith('-') || label.endsWith('-')) return fail(`label "${label}" starts or ends with a hyphen`);
      return fail(`label "${label}" has characters other than letters, digits and hyphens`);
    }
    if (label.startsWith('xn--') && domainToASCII(label) === '') return fail(`label "${label}" is not valid punycode`);
  }
  if (ALL_DIGITS.test(labels[labels.length - 1] ?? '')) return fail(`the top-level domain "${labels[labels.length - 1]}" is all-numeric`);
  return { ok: true, value: `${name}.` };
}

/**
 * A user's raw text for a message: invisible and control characters (what the message
 * is often about: a zero-width space, an escape sequence) written as `\u{200B}`, so they
 * can be seen and cannot act on a terminal; long text cut.
 */
function shown(raw: string): string {
  const chars = Array.from(raw);
  const cut = chars.length > 100 ? [...chars.slice(0, 100), '…'] : chars;
  return printable(cut.join(''));
}

/**
 * A contact mailbox (`hostmaster@acme.example`) as the SOA RNAME (`hostmaster.acme.example.`;
 * a dot in the local part is escaped, `jane\\.doe.acme.example.`, RFC 1035 §8). The local part
 * is letters, digits and `. _ + -` (no leading, trailing or double dot); the domain a hostname.
 */
export function contactMailbox(raw: string): Parsed<{ email: string; rname: string }> {
  const at = raw.lastIndexOf('@');
  if (at <= 0) return { ok: false, reason: `"${shown(raw)}" is not an e-mail address (local@domain)` };
  const local = raw.slice(0, at);
  if (local.length > 64 || !/^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*$/.test(local)) {
    return { ok: false, reason: `"${shown(raw)}": the part before @ may hold only letters, digits and . _ + - (at most 64, no leading, trailing or double dot)` };
  }
  const domain = normalizeHostname(raw.slice(at + 1));
  if (!domain.ok) return { ok: false, reason: `"${shown(raw)}": ${domain.reason}` };
  return { ok: true, value: { email: `${local}@${withoutTrailingDot(domain.value)}`, rname: `${local.replace(/\./g, '\\.')}.${domain.value}` } };
}

/**
 * A DNS name as names are compared: lower case with a trailing dot (`Mail.Example.COM` →
 * `mail.example.com.`; `.` and `` are the root, `.`). No validation: for names from
 * the wire, a zone file or a resolver, which are only ever compared.
 */
export const canonicalName = (name: string): string => {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
};

/** `mail.example.com.` → `mail.example.com` (for display and YAML). */
export const withoutTrailingDot = (fqdn: string): string => (fqdn.endsWith('.') ? fqdn.slice(0, -1) : fqdn);

// Lower-case LDH labels, each followed by a dot; at most 253 characters before the last dot.
const NORMALIZED = /^(?=.{4,254}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){2,}$/;

/**
 * True when `fqdn` is already in normal form (what {@link normalizeHostname} returns).
 * A fast check for names that were built or normalised earlier (rendered zones); falls
 * back to the full rules for punycode labels.
 */
export function isNormalizedHostname(fqdn: string): boolean {
  if (!NORMALIZED.test(fqdn) || /\.\d+\.$/.test(fqdn)) return false;
  if (fqdn.includes('xn--')) return normalizeHostname(fqdn).ok;
  return true;
}

// Scripts a letter can be told apart by (Unicode Script property); digits, hyphens and
// combining marks (Common, Inherited) belong to every script.
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil',
  'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Khmer', 'Mongolian',
  'Hiragana', 'Katakana', 'Bopomofo', 'Han',
].map((name) => ({ name, re: new RegExp(`\\p{Script=${name}}`, 'u') }));
const COMMON = /[\p{Script=Common}\p{Script=Inherited}]/u;
// UTS 39 "highly restrictive": one script, or Latin with the scripts written together in Japanese, Chinese or Korean.
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

/**
 * The first label of a hostname that mixes scripts the way look-alike names do
 * (`раypal`: Cyrillic р and а among Latin letters), with the scripts it mixes; undefined
 * when every label keeps to one script or to a combination UTS 39 calls highly
 * restrictive (Latin with Han and kana, with Han and Bopomofo, or with Han and Hangul).
 * Browsers show such names as punycode. Labels written as `xn--…` are decoded first.
 */
export function mixedScriptLabel(hostname: string): { label: string; scripts: string[] } | undefined {
  const name = withoutTrailingDot(hostname);
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(name) && !/(^|\.)xn--/i.test(name)) return undefined;
  const unicode = domainToUnicode(name) || name;
  for (const label of unicode.split('.')) {
    const scripts: string[] = [];
    for (const ch of label) {
      if (COMMON.test(ch)) continue;
      const script = SCRIPTS.find((s) => s.re.test(ch))?.name ?? 'another script';
      if (!scripts.includes(script)) scripts.push(script);
    }
    const rank = (s: string): number => SCRIPTS.findIndex((x) => x.name === s) >>> 0;
    if (scripts.length > 1 && !ALLOWED_MIXES.some((mix) => scripts.every((s) => mix.includes(s)))) return { label, scripts: scripts.sort((a, b) => rank(a) - rank(b)) };
  }
  return undefined;
}

/**
 * The first label written in one script other than ASCII's that reads as a plain ASCII
 * label (`сосо` in Cyrillic reads "coco", `ԁһср-2` "dhcp-2"): a whole-script confusable
 * (UTS 39), which the mixed-script check cannot see. `reading` is the ASCII it looks like.
 * Labels that mix scripts are left to {@link mixedScriptLabel}.
 */
export function confusableLabel(hostname: string): { label: string; script: string; reading: string } | undefined {
  const name = withoutTrailingDot(hostname);
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(name) && !/(^|\.)xn--/i.test(name)) return undefined;
  const unicode = domainToUnicode(name) || name;
  for (const label of unicode.split('.')) {
    const reading = looksLikeAscii(label);
    if (!reading) continue;
    const scripts = new Set<string>();
    for (const ch of label) if (!COMMON.test(ch)) scripts.add(SCRIPTS.find((s) => s.re.test(ch))?.name ?? 'another script');
    if (scripts.size === 1) return { label, script: [...scripts][0]!, reading };
  }
  return undefined;
}

/**
 * A hostname for people: as written, and when it has punycode labels the
 * Unicode form beside it (`xn--mnchen-3ya.example (münchen.example)`), so a reviewer sees
 * which name an internationalised PTR really is.
 */
export function displayName(name: string): string {
  const plain = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!/(^|\.)xn--/i.test(plain)) return name;
  const unicode = domainToUnicode(plain);
  return unicode && unicode !== plain ? `${name} (${unicode})` : name;
}

/** A PTR target inside the reverse tree, and the name its author most likely meant. */
export interface ReverseTarget {
  /** Why it is refused, in words a user can act on. */
  readonly message: string;
  /** The likely intended name (fully qualified, trailing dot), when one can be told. */
  readonly intended?: string;
}

const REVERSE_V4_LABEL = /^(?:\d{1,3}|\d{1,3}[-/]\d{1,3})$/;
const NIBBLE = /^[0-9a-f]$/;

/**
 * A PTR target inside `in-addr.arpa.` or `ip6.arpa.` names no host: it is nearly always a
 * relative name that a zone file completed with its origin (`3 PTR mail` in
 * `30.20.10.in-addr.arpa` is `mail.30.20.10.in-addr.arpa.`; `PTR mail.example.com`
 * without its trailing dot likewise). Returns the problem with the likely intended name
 * (the labels before the reverse-zone part: `mail.example.com.`), or undefined for a name
 * outside the reverse tree. `fqdn` is a normalised name ({@link normalizeHostname}).
 */
export function reverseTargetOf(fqdn: string): ReverseTarget | undefined {
  const name = withoutTrailingDot(fqdn).toLowerCase();
  const tree = name.endsWith('.in-addr.arpa') || name === 'in-addr.arpa' ? 'in-addr.arpa' : name.endsWith('.ip6.arpa') || name === 'ip6.arpa' ? 'ip6.arpa' : undefined;
  if (!tree) return undefined;
  const labels = name === tree ? [] : name.slice(0, -tree.length - 1).split('.');
  // The zone's own labels: up to four octets and an RFC 2317 label, or up to 32 nibbles.
  const isZoneLabel = tree === 'in-addr.arpa' ? (l: string) => REVERSE_V4_LABEL.test(l) : (l: string) => NIBBLE.test(l);
  const max = tree === 'in-addr.arpa' ? 5 : 32;
  let cut = labels.length;
  while (cut > 0 && labels.length - cut < max && isZoneLabel(labels[cut - 1]!)) cut--;
  const relative = labels.slice(0, cut).join('.');
  const base = `"${name}" is inside ${tree}, the reverse tree: it names no host`;
  if (relative === '') return { message: `${base}; a PTR target must be a host's fully qualified name` };
  const completed = `a relative name in a zone file ("${relative}", written without a trailing dot) gets the zone's origin appended`;
  if (!relative.includes('.')) return { message: `${base}; ${completed}: write the host's full name, such as ${relative}.example.net (with a trailing dot in a zone file)` };
  return { message: `${base}; ${completed}: did you mean ${relative}?`, intended: `${relative}.` };
}
