/**
 * Regular expressions from rdns.yaml (hostname deny patterns), run on RE2 (the re2js
 * port: pure JavaScript, no native build). RE2 matches in time linear in the input, so
 * a pattern written by a pull request, such as `^(a+)+b`, cannot hang validation; the
 * price is that syntax needing backtracking (backreferences, lookahead, lookbehind) is
 * refused when the pattern is compiled. The only module that imports re2js.
 */
import { RE2JS } from 're2js';

export type Compiled = { readonly ok: true; readonly matcher: RE2JS } | { readonly ok: false; readonly reason: string };

const cache = new Map<string, Compiled>();

/** Compiles a case-insensitive pattern, or says why it cannot run in linear time. Cached by source. */
export function compileLinear(source: string): Compiled {
  const known = cache.get(source);
  if (known) return known;
  let c: Compiled;
  try {
    c = { ok: true, matcher: RE2JS.compile(source, RE2JS.CASE_INSENSITIVE) };
  } catch (e) {
    const detail = (e as Error).message.replace(/^error parsing regexp: /, '');
    const hint = /\\[1-9]|\(\?[=!<]/.test(source) ? '; backreferences and lookaround are not supported (patterns run on RE2, in linear time)' : '';
    c = { ok: false, reason: `${detail}${hint}` };
  }
  cache.set(source, c);
  return c;
}

/** The first match of `source` in `text` (its text), or undefined; a pattern that does not compile matches nothing. */
export function firstMatch(source: string, text: string): string | undefined {
  const c = compileLinear(source);
  if (!c.ok) return undefined;
  const m = c.matcher.matcher(text);
  return m.find() ? (m.group(0) ?? '') : undefined;
}
