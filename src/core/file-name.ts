/**
 * Which block file names the tool accepts. A block file's path becomes a line of
 * CODEOWNERS (`/zones/x.yaml @owners`), a GitHub annotation and a table cell of the
 * pull-request comment: a newline in a name would start a new CODEOWNERS rule of the
 * author's choosing, white space would split the pattern from its owners, and
 * GitHub's CODEOWNERS has no working escape for `#`, `!` or `[ ]`. Such names are
 * refused rather than escaped.
 */

const NAMES: Readonly<Record<number, string>> = { 0x09: 'a tab', 0x0a: 'a line feed', 0x0d: 'a carriage return', 0x20: 'a space', 0xa0: 'a no-break space', 0x7f: 'a delete character' };

/** `a line feed (U+000A)`, `"#"`: a character named so that it can be seen in a message. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const u = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[cp];
  if (name) return `${name} (${u})`;
  if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Z}\s]/u.test(ch)) return `an invisible or control character (${u})`;
  return `"${ch}"`;
}

// Control, format (bidi overrides, zero-width), private-use, unassigned, separators and
// white space; then what CODEOWNERS patterns cannot say: comment, negation, glob, escape.
const REFUSED = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Z}\s#!*?[\]\\]/u;

/**
 * Why a repository-relative path cannot be a block file, or undefined when it can.
 * Letters of any script, digits and `. _ - @ + = , ~ ' ( ) { } $ % & ^ ;` are fine.
 */
export function fileNameProblem(path: string): string | undefined {
  const m = REFUSED.exec(path);
  if (!m) return undefined;
  return `the file name contains ${describeChar(m[0])}; block file names may not contain control or invisible characters, white space or any of # ! * ? [ ] \\ (a CODEOWNERS line cannot express them): rename the file`;
}

/** Text from a file or link name, with control and invisible characters written as `\u{…}` (see core/text.ts). */
export { printable } from './text.js';
