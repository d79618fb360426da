/**
 * JSON Schema validation (ajv) of parsed YAML, with every error mapped back to the
 * line and column of the offending key or value.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { YamlSource } from './yaml-source.js';

/** The folder holding block.schema.json and config.schema.json (shipped with the package). */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

let compiled: { block: ValidateFunction; config: ValidateFunction; teams: ValidateFunction } | undefined;

function validators(): { block: ValidateFunction; config: ValidateFunction; teams: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    const read = (name: string): object => JSON.parse(readFileSync(`${SCHEMA_DIR}${name}`, 'utf8')) as object;
    ajv.addSchema(read('block.schema.json'), 'block.schema.json');
    ajv.addSchema(read('config.schema.json'), 'config.schema.json');
    ajv.addSchema(read('teams.schema.json'), 'teams.schema.json');
    compiled = { block: ajv.getSchema('block.schema.json')!, config: ajv.getSchema('config.schema.json')!, teams: ajv.getSchema('teams.schema.json')! };
  }
  return compiled;
}

const unescape = (seg: string): string => seg.replace(/~1/g, '/').replace(/~0/g, '~');
const pathOf = (pointer: string): string[] => (pointer === '' ? [] : pointer.slice(1).split('/').map(unescape));

/** Validates `source.data` against the block, config or teams schema; diagnostics point at the YAML. */
export function validateSchema(kind: 'block' | 'config' | 'teams', source: YamlSource): Diagnostic[] {
  const validate = validators()[kind];
  if (validate(source.data)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  // A failed `oneOf` reports every branch; keep the branch errors only when they are all there is.
  // A bad key under `propertyNames` comes as the key's own error (with propertyName) plus a summary: keep the first.
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if' && e.keyword !== 'propertyNames');
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of specific.length > 0 ? specific : errors) {
    const path = pathOf(e.instancePath);
    const where = path.length > 0 ? path.join('.') : 'the file';
    let d: Diagnostic;
    const badKey = (e as ErrorObject & { propertyName?: string }).propertyName;
    if (badKey !== undefined) {
      d = diag('schema.invalid', `the key "${badKey}" in ${where} ${e.message ?? 'is invalid'}`, source.keyPos([...path, badKey]), { value: badKey });
    } else if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
      const near = closest(key, known);
      const list = known.length > 0 && known.length <= 12 ? ` (known here: ${known.join(', ')})` : '';
      d = diag('schema.unknown-key', `unknown key "${key}" in ${where}${near ? `; did you mean "${near}"?` : list}`, source.keyPos([...path, key]), { value: key });
    } else if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      d = diag('schema.missing-key', `${where} is missing the required key "${key}"`, source.valuePos(path));
    } else {
      const value = valueAt(source.data, path);
      const empty = value === null || value === undefined;
      const glued = typeof value === 'string' ? /^((?:\d{1,3}\.){3}\d{1,3}|[a-z_]+):(\S.*)$/.exec(value) : null;
      const message = glued
        ? `missing space after the colon: write "${glued[1]}: ${glued[2]}" (without the space YAML reads the whole line as one text, so ${where} is not a mapping)`
        : empty && path.length === 2 && path[0] === 'records'
          ? `the record of ${path[1]} is empty: write its hostname after the colon (${path[1]}: host.example.net), or remove the line so the block default applies`
          : empty
            ? `${where} is empty: write a value after the colon, or remove the key`
            : `${where} ${e.message ?? 'is invalid'}${allowed(e)}`;
      d = diag('schema.invalid', message, source.valuePos(path), {
        value: typeof value === 'object' ? undefined : String(value),
      });
    }
    const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/** Levenshtein distance, small strings only. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** The known key a typo most likely meant (`tll` → `ttl`), if one is close enough. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(key.toLowerCase(), k);
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return best !== undefined && bestD <= 2 && bestD < key.length ? best : undefined;
}

function allowed(e: ErrorObject): string {
  const p = e.params as { allowedValues?: unknown[] };
  return Array.isArray(p.allowedValues) ? `: ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
