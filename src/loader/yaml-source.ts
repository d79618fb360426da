/**
 * YAML text → plain JSON-like data, remembering where every key and value came
 * from. Aliases are refused (no alias bombs, no action at a distance), duplicate
 * keys are reported, and nothing here throws on bad input.
 */
import { LineCounter, parseDocument, isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { diag, type Diagnostic, type SourcePos } from '../core/diagnostics.js';

/** Offsets of a key and its value inside the source text. */
type Offsets = readonly [keyStart: number, valueStart: number];

export interface YamlSource {
  /** The data, or undefined when the file could not be parsed at all. */
  readonly data: unknown;
  readonly diagnostics: Diagnostic[];
  /** Position of the value at a JSON-pointer-like path (segments, not escaped). */
  valuePos(path: readonly (string | number)[]): SourcePos;
  /** Position of the key at a path (for object members; the value's for array items). */
  keyPos(path: readonly (string | number)[]): SourcePos;
}

/** Decodes bytes as UTF-8 (a BOM is dropped) or says where the first bad byte is. */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { error: Diagnostic } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    // Find the first invalid sequence by decoding prefixes line by line.
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i] ?? 0;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      const valid = len > 0 && i + len <= bytes.length && validSequence(bytes.subarray(i, i + len));
      if (!valid) {
        const column = new TextDecoder().decode(bytes.subarray(lineStart, i)).length + 1;
        return {
          error: diag('file.encoding', `not valid UTF-8: byte 0x${b.toString(16).padStart(2, '0')} at offset ${i}; save the file as UTF-8`, { file, line, column }),
        };
      }
      if (b === 0x0a) {
        line++;
        lineStart = i + 1;
      }
      i += len;
    }
    return { error: diag('file.encoding', 'not valid UTF-8', { file, line: 1, column: 1 }) };
  }
}

function validSequence(seq: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(seq);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses one YAML document. `uniqueKeys` is off in the parser (it checks in O(n²));
 * duplicates are found here in O(n) instead.
 */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true, stringKeys: false });
  const at = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const offsets = new WeakMap<object, Map<string | number, Offsets>>();

  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ? { file, line: e.linePos[0].line, column: e.linePos[0].col } : at(e.pos[0]);
    const hint = likelyMistake(text, pos.line);
    const message = e.message.split('\n')[0] ?? e.message;
    diagnostics.push(hint ? diag('yaml.syntax', `${hint.message} (YAML: ${message})`, { file, line: hint.line, column: hint.column }) : diag('yaml.syntax', message, pos));
  }

  const start = (n: Node | null | undefined, fallback: number): number => n?.range?.[0] ?? fallback;

  /** Reports a tag outside the core schema; true when the node had one. */
  const refuseTag = (node: unknown, fallback: number): boolean => {
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag === undefined || CORE_TAGS.has(tag)) return false;
    const at0 = tagStart(text, start(node as Node, fallback));
    const token = text.slice(at0).match(/^!\S*/)?.[0] ?? tag;
    diagnostics.push(diag('yaml.tag', `the YAML tag ${token} is not allowed: block files and rdns.yaml are plain YAML (strings, numbers, booleans, lists, mappings); remove the tag`, at(at0), { value: token }));
    return true;
  };

  const toJs = (node: unknown, fallback: number): unknown => {
    if (node === null || node === undefined) return null;
    // Reported once: the value goes on as written where it is plain data (a Buffer or Date is not).
    if (refuseTag(node, fallback) && isScalar(node) && node.value !== null && typeof node.value === 'object') return null;
    if (isAlias(node)) {
      diagnostics.push(diag('yaml.alias', `alias *${node.source} is not allowed in block files; write the value out`, at(start(node, fallback))));
      return null;
    }
    if (isScalar(node)) return node.value;
    if (isMap(node)) {
      // No prototype: a key such as "__proto__" or "constructor" is just data.
      const obj = Object.create(null) as Record<string, unknown>;
      const table = new Map<string | number, Offsets>();
      offsets.set(obj, table);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const keyStart = start(keyNode, start(node, fallback));
        if (keyNode && !isScalar(keyNode)) {
          diagnostics.push(diag('schema.invalid', 'a mapping key must be a plain value, not a list or mapping', at(keyStart)));
          continue;
        }
        if (keyNode) refuseTag(keyNode, keyStart);
        const key = keyNode ? scalarKeyText(keyNode) : '';
        const valueStart = start(pair.value as Node | null, keyStart);
        if (Object.hasOwn(obj, key)) {
          const first = table.get(key);
          const firstLine = first ? at(first[0]).line : undefined;
          diagnostics.push(diag('yaml.duplicate-key', `key "${key}" appears twice in this mapping${firstLine ? ` (first on line ${firstLine})` : ''}`, at(keyStart), { value: key }));
          continue;
        }
        obj[key] = toJs(pair.value, valueStart);
        table.set(key, [keyStart, valueStart]);
      }
      return obj;
    }
    if (isSeq(node)) {
      const arr: unknown[] = [];
      const table = new Map<string | number, Offsets>();
      offsets.set(arr, table);
      node.items.forEach((item, i) => {
        const s = start(item as Node | null, start(node, fallback));
        table.set(i, [s, s]);
        arr.push(toJs(item, s));
      });
      return arr;
    }
    return null;
  };

  const data = doc.errors.length > 0 ? undefined : toJs(doc.contents, 0);

  const resolve = (path: readonly (string | number)[], which: 0 | 1): SourcePos => {
    let cur: unknown = data;
    let offset = start(doc.contents as Node | null, 0);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as string | number;
      if (cur === null || typeof cur !== 'object') break;
      const entry = offsets.get(cur)?.get(Array.isArray(cur) ? Number(seg) : String(seg));
      if (!entry) break;
      offset = i === path.length - 1 ? entry[which] : entry[1];
      cur = (cur as Record<string, unknown>)[seg as string];
    }
    return at(offset);
  };

  return {
    data,
    diagnostics,
    valuePos: (path) => resolve(path, 1),
    keyPos: (path) => resolve(path, 0),
  };
}

// The YAML 1.2 core schema; anything else (!foo, !!binary, !!set, !!omap, !!timestamp) is refused.
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Where the tag of a node that starts at `valueStart` begins (the node's range starts after its tag). */
function tagStart(text: string, valueStart: number): number {
  let i = valueStart - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  let j = i;
  while (j >= 0 && !/\s/.test(text[j]!)) j--;
  return text[j + 1] === '!' ? j + 1 : valueStart;
}

/** A key as the user wrote it: `0x10` stays "0x10", `1.10` stays "1.10". */
function scalarKeyText(node: Node): string {
  const s = node as unknown as { source?: string; value: unknown; type?: string };
  if (s.type === 'PLAIN' && typeof s.source === 'string') return s.source;
  return String(s.value);
}

/**
 * The mistake a person most likely made near a YAML syntax error, in words: the parser's
 * own message ("Implicit keys need to be on a single line") rarely says it. Looks at the
 * error's line and the two before it.
 */
export function likelyMistake(text: string, errorLine: number): { message: string; line: number; column: number } | undefined {
  const lines = text.split('\n');
  for (let n = errorLine; n >= Math.max(1, errorLine - 2); n--) {
    const raw = (lines[n - 1] ?? '').replace(/\r$/, '');
    const tab = /^( *)\t/.exec(raw);
    if (tab) return { message: 'a tab in the indentation: YAML indents with spaces only', line: n, column: tab[1]!.length + 1 };
    // `198.51.100.23:mail2.example.com` or `ttl:300`: a key glued to its value.
    const glued = /^(\s*)((?:\d{1,3}\.){3}\d{1,3}|[a-z_]+):(?=[^\s:/])(\S.*)$/.exec(raw);
    if (glued && !/^\s*["']/.test(raw)) {
      return { message: `missing space after the colon: write "${glued[2]}: ${glued[3]!.replace(/\s+#.*$/, '')}"`, line: n, column: glued[1]!.length + glued[2]!.length + 1 };
    }
    const quotes = (raw.replace(/\s#.*$/, '').match(/"/g) ?? []).length;
    if (quotes % 2 === 1) return { message: 'a double quote (") is not closed on this line', line: n, column: raw.indexOf('"') + 1 };
  }
  return undefined;
}
