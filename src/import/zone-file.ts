/**
 * RFC 1035 §5 master files as BIND writes them: `$ORIGIN`, `$TTL` (RFC 2308),
 * `$INCLUDE` (relative to the including file, loops refused), BIND's `$GENERATE`
 * (ranges with a step, `$`, `$$`, `\$` and `${offset,width,base}`), `@`, relative and
 * absolute names, `;` comments, parentheses over several lines, quoted strings, a blank
 * owner meaning "the previous one", and TTL and class in either order.
 *
 * Pure: includes are read through the `readInclude` callback. Bad lines become
 * diagnostics and are skipped; the rest of the file is still read.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';

export interface ZoneRecord {
  /** Owner name: absolute, lower case, trailing dot. */
  readonly name: string;
  readonly ttl: number;
  readonly type: string;
  /** RDATA fields; names in PTR/CNAME/NS/SOA are made absolute (lower case, trailing dot). */
  readonly rdata: readonly string[];
  readonly file: string;
  readonly line: number;
  /** Records written by a `$GENERATE` line: which one (`id`), the iterator value and the line's right-hand side. */
  readonly generate?: GeneratedFrom;
}

export interface GeneratedFrom {
  readonly id: number;
  readonly value: number;
  /** The rdata template as written (`dyn-${-128,2,x}.pool.example.net.`). */
  readonly rhs: string;
  /** The origin relative names were completed with. */
  readonly origin?: string;
}

export interface ZoneParseOptions {
  /** Name shown in diagnostics. */
  readonly file: string;
  /** Initial $ORIGIN (e.g. from --origin or the zone name of an AXFR). */
  readonly origin?: string;
  /** Reads an `$INCLUDE`d file: `path` as written, `from` the including file; returns its text and a canonical id for loop checks. */
  readonly readInclude?: (path: string, from: string) => { text: string; id: string; file: string };
  /** Upper bound on records (hostile $GENERATE ranges, huge includes). Default 5,000,000. */
  readonly maxRecords?: number;
}

export interface ZoneParseResult {
  readonly records: ZoneRecord[];
  readonly diagnostics: Diagnostic[];
  /** The SOA owner, when the file has one: the zone apex. */
  readonly apex?: string;
}

interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

interface Entry {
  readonly tokens: Token[];
  /** The line starts with whitespace: the owner is the previous one. */
  readonly blankOwner: boolean;
  readonly line: number;
}

const MAX_INCLUDE_DEPTH = 16;
const NAME_RDATA: Record<string, number[]> = { PTR: [0], CNAME: [0], NS: [0], DNAME: [0], SOA: [0, 1] };
const CLASSES = new Set(['IN', 'CH', 'HS', 'CS', 'ANY']);
const TTL_RE = /^(?:\d+|(?:\d+[smhdw])+)$/i;

/** `1h30m` → 5400; plain seconds as they are; undefined when not a TTL. */
export function parseTtlText(text: string): number | undefined {
  if (!TTL_RE.test(text)) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of text.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * (unit[m[2]!] ?? 0);
  return total;
}

/** Splits master-file text into logical entries (parentheses join lines; comments and quotes handled). */
function tokenize(text: string, file: string, diagnostics: Diagnostic[]): Entry[] {
  const entries: Entry[] = [];
  let tokens: Token[] = [];
  let cur = '';
  let inToken = false;
  let depth = 0;
  let line = 1;
  let entryLine = 1;
  let blankOwner = false;
  let atLineStart = true;
  const flush = (): void => {
    if (inToken) tokens.push({ text: cur, quoted: false });
    cur = '';
    inToken = false;
  };
  const endEntry = (): void => {
    flush();
    if (tokens.length > 0) entries.push({ tokens, blankOwner, line: entryLine });
    tokens = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (atLineStart && depth === 0) {
      blankOwner = ch === ' ' || ch === '\t';
      entryLine = line;
      atLineStart = false;
    }
    if (ch === '"') {
      flush();
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) {
          s += text[j]! + text[j + 1]!;
          j += 2;
          continue;
        }
        if (text[j] === '\n') line++;
        s += text[j];
        j++;
      }
      if (j >= text.length) diagnostics.push(diag('import.syntax', 'a quoted string is not closed', { file, line, column: 1 }));
      tokens.push({ text: s, quoted: true });
      i = j;
      continue;
    }
    if (ch === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
      cur += ch + text[i + 1];
      inToken = true;
      i++;
      continue;
    }
    if (ch === ';') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (ch === '(') {
      flush();
      depth++;
      continue;
    }
    if (ch === ')') {
      flush();
      if (depth === 0) diagnostics.push(diag('import.syntax', 'a ")" without "("', { file, line, column: 1 }));
      else depth--;
      continue;
    }
    if (ch === '\n') {
      line++;
      if (depth === 0) {
        endEntry();
        atLineStart = true;
      } else flush();
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      flush();
      continue;
    }
    cur += ch;
    inToken = true;
  }
  if (depth > 0) diagnostics.push(diag('import.syntax', 'a "(" is not closed before the end of the file', { file, line: entryLine, column: 1 }));
  endEntry();
  return entries;
}

/** Makes a name absolute: `@` is the origin, names without a final unescaped dot get the origin appended. */
export function absoluteName(name: string, origin: string | undefined): string | undefined {
  if (name === '@') return origin;
  const absolute = name.endsWith('.') && !name.endsWith('\\.');
  const lower = name.toLowerCase();
  if (absolute) return lower;
  if (!origin) return undefined;
  return origin === '.' ? `${lower}.` : `${lower}.${origin}`;
}

/** One `$GENERATE` side: `$` → the value, `${offset,width,base}`, `$$` / `\$` → a literal `$`. */
export function expandGenerate(template: string, value: number): string | undefined {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '\\' && template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i);
      if (close < 0) return undefined;
      const m = /^([+-]?\d+)?(?:,(\d+))?(?:,([doxXnN]))?$/.exec(template.slice(i + 2, close));
      if (!m) return undefined;
      const v = value + Number(m[1] ?? 0);
      if (v < 0) return undefined;
      const width = Number(m[2] ?? 0);
      const base = m[3] ?? 'd';
      let s: string;
      if (base === 'n' || base === 'N') {
        // Nibble mode: hex digits reversed and dotted, as used in ip6.arpa owners. As in
        // BIND, the width counts characters including the dots (`${0,7,n}` of 1 is 1.0.0.0).
        s = '';
        let rest = v;
        let left = width;
        for (;;) {
          s += (rest & 15).toString(16);
          rest = Math.floor(rest / 16);
          left--;
          if (rest === 0 && left <= 0) break;
          s += '.';
          left--;
          if (rest === 0 && left <= 0) break;
        }
        // An even width ends on a dot: BIND refuses that (an empty label).
        if (s.endsWith('.')) return undefined;
        if (base === 'N') s = s.toUpperCase();
      } else {
        s = base === 'o' ? v.toString(8) : base === 'x' ? v.toString(16) : base === 'X' ? v.toString(16).toUpperCase() : v.toString(10);
        s = s.padStart(width, '0');
      }
      out += s;
      i = close;
      continue;
    }
    out += String(value);
  }
  return out;
}

/** Parses master-file text. Never throws. */
export function parseZoneText(text: string, options: ZoneParseOptions): ZoneParseResult {
  const diagnostics: Diagnostic[] = [];
  const records: ZoneRecord[] = [];
  const maxRecords = options.maxRecords ?? 5_000_000;
  let apex: string | undefined;
  let lastTtl: number | undefined;
  let generateCount = 0;

  const parseFile = (body: string, file: string, originIn: string | undefined, stack: readonly string[], inheritedTtl?: number): number | undefined => {
    let origin = originIn ? absoluteName(originIn.endsWith('.') ? originIn : `${originIn}.`, '.') : undefined;
    let defaultTtl: number | undefined = inheritedTtl;
    let lastOwner: string | undefined;
    const at = (line: number) => ({ file, line, column: 1 });

    const addRecord = (ownerText: string | undefined, rest: Token[], line: number, generated?: GeneratedFrom): void => {
      if (records.length >= maxRecords) {
        if (records.length === maxRecords) diagnostics.push(diag('import.syntax', `more than ${maxRecords} records; the rest is ignored`, at(line)));
        return;
      }
      let owner = lastOwner;
      if (ownerText !== undefined) {
        owner = absoluteName(ownerText, origin);
        if (!owner) {
          diagnostics.push(diag('import.syntax', `"${ownerText}" is a relative name and there is no $ORIGIN; pass --origin`, at(line), { value: ownerText }));
          return;
        }
      }
      if (!owner) {
        diagnostics.push(diag('import.syntax', 'the first record has no owner name', at(line)));
        return;
      }
      lastOwner = owner;
      let ttl: number | undefined;
      let i = 0;
      for (; i < rest.length && i < 2; i++) {
        const t = rest[i]!;
        if (t.quoted) break;
        const asTtl = parseTtlText(t.text);
        if (asTtl !== undefined && ttl === undefined) ttl = asTtl;
        else if (CLASSES.has(t.text.toUpperCase()) || /^CLASS\d+$/i.test(t.text)) {
          if (!['IN', 'CLASS1'].includes(t.text.toUpperCase())) {
            diagnostics.push(diag('import.syntax', `class ${t.text} is not IN; the record is skipped`, at(line)));
            return;
          }
        } else break;
      }
      const typeTok = rest[i];
      if (!typeTok || typeTok.quoted || !/^(?:[A-Za-z][A-Za-z0-9-]*|TYPE\d+)$/.test(typeTok.text)) {
        diagnostics.push(diag('import.syntax', `no record type on this line${typeTok ? ` ("${typeTok.text.slice(0, 40)}")` : ''}`, at(line)));
        return;
      }
      const type = typeTok.text.toUpperCase();
      const rdata = rest.slice(i + 1).map((t) => t.text);
      for (const idx of NAME_RDATA[type] ?? []) {
        const n = rdata[idx];
        if (n === undefined) continue;
        const abs = absoluteName(n, origin);
        if (!abs) {
          diagnostics.push(diag('import.syntax', `"${n}" is a relative name and there is no $ORIGIN; pass --origin`, at(line), { value: n }));
          return;
        }
        rdata[idx] = abs;
      }
      if ((NAME_RDATA[type] ?? []).some((idx) => rdata[idx] === undefined)) {
        diagnostics.push(diag('import.syntax', `${type} record without its data`, at(line)));
        return;
      }
      if (ttl !== undefined) lastTtl = ttl;
      if (type === 'SOA') {
        apex ??= owner;
        const min = parseTtlText(rdata[6] ?? '');
        if (defaultTtl === undefined && min !== undefined) defaultTtl = ttl ?? min;
      }
      records.push({ name: owner, ttl: ttl ?? defaultTtl ?? lastTtl ?? 3600, type, rdata, file, line, ...(generated ? { generate: generated } : {}) });
    };

    for (const e of tokenize(body, file, diagnostics)) {
      const first = e.tokens[0]!;
      if (!e.blankOwner && !first.quoted && first.text.startsWith('$')) {
        const args = e.tokens.slice(1);
        const dir = first.text.toUpperCase();
        if (dir === '$ORIGIN') {
          const o = args[0] ? absoluteName(args[0].text, origin ?? '.') : undefined;
          if (!o) diagnostics.push(diag('import.syntax', '$ORIGIN needs a name', at(e.line)));
          else origin = o;
        } else if (dir === '$TTL') {
          const t = args[0] ? parseTtlText(args[0].text) : undefined;
          if (t === undefined) diagnostics.push(diag('import.syntax', `$TTL needs a time ("${args[0]?.text ?? ''}")`, at(e.line)));
          else defaultTtl = t;
        } else if (dir === '$INCLUDE') {
          if (!args[0]) {
            diagnostics.push(diag('import.syntax', '$INCLUDE needs a file name', at(e.line)));
            continue;
          }
          if (!options.readInclude) {
            diagnostics.push(diag('import.include', `$INCLUDE ${args[0].text}: includes cannot be read here`, at(e.line)));
            continue;
          }
          let inc;
          try {
            inc = options.readInclude(args[0].text, file);
          } catch (err) {
            diagnostics.push(diag('import.include', `$INCLUDE ${args[0].text}: ${(err as Error).message}`, at(e.line), { value: args[0].text }));
            continue;
          }
          if (stack.includes(inc.id) || stack.length >= MAX_INCLUDE_DEPTH) {
            diagnostics.push(diag('import.include', `$INCLUDE ${args[0].text}: ${stack.includes(inc.id) ? 'the file includes itself (loop)' : `more than ${MAX_INCLUDE_DEPTH} nested includes`}`, at(e.line), { value: args[0].text }));
            continue;
          }
          const incOrigin = args[1] ? absoluteName(args[1].text, origin ?? '.') : origin;
          // RFC 1035 §5.1: the origin given to (or set inside) an include does not leak back.
          parseFile(inc.text, inc.file, incOrigin, [...stack, inc.id], defaultTtl);
        } else if (dir === '$GENERATE') {
          generate(args, e.line);
        } else {
          diagnostics.push(diag('import.syntax', `unknown directive ${first.text}`, at(e.line)));
        }
        continue;
      }
      if (e.blankOwner) addRecord(undefined, e.tokens, e.line);
      else addRecord(first.text, e.tokens.slice(1), e.line);
    }

    function generate(args: Token[], line: number): void {
      const m = args[0] ? /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(args[0].text) : null;
      if (!m || args.length < 4) {
        diagnostics.push(diag('import.syntax', '$GENERATE needs "start-stop[/step] lhs [ttl] [class] type rhs"', at(line)));
        return;
      }
      const start = Number(m[1]);
      const stop = Number(m[2]);
      const step = Number(m[3] ?? 1);
      if (stop < start || step < 1 || (stop - start) / step > 65_535) {
        diagnostics.push(diag('import.syntax', `$GENERATE range ${args[0]!.text} is empty, has step 0, or is larger than 65,536 steps`, at(line)));
        return;
      }
      const lhs = args[1]!.text;
      const id = ++generateCount;
      const middle = args.slice(2, -1);
      const rhs = args[args.length - 1]!.text;
      for (let v = start; v <= stop; v += step) {
        const owner = expandGenerate(lhs, v);
        const data = expandGenerate(rhs, v);
        if (owner === undefined || data === undefined) {
          diagnostics.push(diag('import.syntax', `$GENERATE: bad modifier in "${owner === undefined ? lhs : rhs}" (use \${offset,width,base})`, at(line)));
          return;
        }
        addRecord(owner, [...middle, { text: data, quoted: false }], line, { id, value: v, rhs, origin });
      }
    }
    return defaultTtl;
  };

  parseFile(text, options.file, options.origin, [options.file]);
  diagnostics.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : 0));
  return { records, diagnostics, apex };
}
