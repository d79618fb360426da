/**
 * Hostname policy from rdns.yaml: names that suggest spam infrastructure
 * (dynamic pools, residential ranges, bulk mailers, embedded IP addresses) are
 * refused for explicit records, unless `policy.allow` names them as an exception.
 * Generic names from `default` are exempt.
 */
import { domainToUnicode } from 'node:url';
import { asciiReadingOf } from '../core/confusables.js';
import { canonicalName } from '../core/hostname.js';
import type { AllowRule, Config } from '../core/model.js';
import { DEFAULT_DENY } from '../loader/config.js';
import { compileLinear, firstMatch } from './linear-pattern.js';

/**
 * The built-in deny patterns are constants of this tool, reviewed to have no nested or
 * overlapping quantifiers: they run on the native engine (some 200 times faster than
 * RE2 in JavaScript, which counts at a million records). Every other pattern, including
 * one in rdns.yaml, runs on RE2 in linear time; a copy of a built-in is the same text.
 */
const BUILT_IN = new Map(DEFAULT_DENY.map((d) => [d.source, new RegExp(d.source, 'i')]));

/**
 * Why a normalised hostname is refused, in words for the user (the part that matched,
 * what it suggests, and which deny rule it is), or undefined when it is allowed: no
 * deny rule matches, or an exception of `policy.allow` names it.
 */
export function explainDenial(fqdn: string, config: Pick<Config, 'deny'> & Partial<Pick<Config, 'allow'>>): string | undefined {
  const why = denial(fqdn, config);
  // Only names that a rule refuses are compared with the exceptions: the common case costs nothing.
  // An exception names the name itself, never what it reads as: a look-alike of an allowed name stays refused.
  return why && config.allow && allowedBy(fqdn, config.allow) ? undefined : why;
}

function denial(fqdn: string, config: Pick<Config, 'deny'>): string | undefined {
  const name = fqdn.endsWith('.') ? fqdn.slice(0, -1) : fqdn;
  const direct = denialOf(name, config);
  if (direct || !/(^|\.)xn--/i.test(name)) return direct;
  // What a reader sees: letters that look like ASCII ones read as those (Cyrillic "ԁһср" is "dhcp").
  const reading = asciiReadingOf(domainToUnicode(name) || name);
  const seen = reading !== name ? denialOf(reading, config) : undefined;
  return seen && `it reads as "${reading}" (look-alike letters, Unicode TS #39), and ${seen}`;
}

function denialOf(name: string, config: Pick<Config, 'deny'>): string | undefined {
  for (const d of config.deny) {
    const builtIn = BUILT_IN.get(d.source);
    const m = builtIn ? builtIn.exec(name)?.[0] : firstMatch(d.source, name);
    if (m === undefined) continue;
    const part = m.replace(/^[.-]|[.-]$/g, '');
    const rule = `deny rule ${d.rule ?? `/${d.source}/`}; a real host's name can be excepted in policy.allow of rdns.yaml`;
    return d.why
      ? `"${part}" is ${d.why}; receiving mail servers treat such names as end-user or bulk-mail space (${rule})`
      : `it matches the deny pattern /${d.source}/ of policy.deny in rdns.yaml (${rule})`;
  }
  return undefined;
}

/** The exception of `policy.allow` that names `fqdn` (an exact name, or a pattern the whole name matches), if any. */
export function allowedBy(fqdn: string, allow: readonly AllowRule[]): AllowRule | undefined {
  const full = canonicalName(fqdn);
  for (const a of allow) {
    if (a.name !== undefined && a.name === full) return a;
    if (a.pattern !== undefined) {
      const c = compileLinear(`^(?:${a.pattern})$`);
      if (c.ok && c.matcher.matches(full.slice(0, -1))) return a;
    }
  }
  return undefined;
}
