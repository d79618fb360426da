/**
 * How a name reads to a person: Unicode TS #39 confusable skeletons, from the Unicode
 * confusables data (`unhomoglyph`, the one importer of that package). Only letters outside
 * ASCII are mapped to the ASCII characters they look like (Cyrillic "ԁһср" → "dhcp"):
 * ASCII itself stays as written, so "m" is not read as "rn" nor "1" as "l", and a
 * deny pattern written for ASCII names sees the name a reader sees.
 */
import { createRequire } from 'node:module';

type Skeleton = (s: string) => string;
let skeleton: Skeleton | undefined;
// Loaded on the first non-ASCII name: most repositories never pay for the 100 kB table.
const load = (): Skeleton => (skeleton ??= createRequire(import.meta.url)('unhomoglyph') as Skeleton);

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
// eslint-disable-next-line no-control-regex
const NON_ASCII_RUN = /[^\x00-\x7f]+/g;

/**
 * The ASCII reading of `text`: every non-ASCII character (after canonical decomposition)
 * replaced by the prototype it is confusable with, lower-cased. Characters without an
 * ASCII look-alike stay (a combining accent, most Cyrillic words), so the result is all
 * ASCII only when the whole text looks like ASCII. Text without non-ASCII comes back as is.
 */
export function asciiReadingOf(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const map = load();
  return text
    .normalize('NFD')
    .replace(NON_ASCII_RUN, (run) => map(run))
    .normalize('NFD')
    .toLowerCase();
}

/** Whether `label` has non-ASCII letters and yet reads as a plain LDH label (`сосо` → `coco`). */
export function looksLikeAscii(label: string): string | undefined {
  if (!NON_ASCII.test(label)) return undefined;
  const reading = asciiReadingOf(label);
  return /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(reading) ? reading : undefined;
}
