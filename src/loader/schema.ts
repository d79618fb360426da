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

let compiled: { block: ValidateFunction; config: ValidateFunction } | undefined;

function validators(): { block: ValidateFunction; config: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const read = (name: string): object => JSON.parse(readFileSync(`${SCHEMA_DIR}${name}`, 'utf8')) as object;
    ajv.addSchema(read('block.schema.json'), 'block.schema.json');
    ajv.addSchema(read('config.schema.json'), 'config.schema.json');
    compiled = { block: ajv.getSchema('block.schema.json')!, config: ajv.getSchema('config.schema.json')! };
  }
  return compiled;
}

const unescape = (seg: string): string => seg.replace(/~1/g, '/').replace(/~0/g, '~');
const pathOf = (pointer: string): string[] => (pointer === '' ? [] : pointer.slice(1).split('/').map(unescape));

/** Validates `source.data` against the block or config schema; diagnostics point at the YAML. */
export function validateSchema(kind: 'block' | 'config', source: YamlSource): Diagnostic[] {
  const validate = validators()[kind];
  if (validate(source.data)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  // A failed `oneOf` reports every branch; keep the branch errors only when they are all there is.
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of specific.length > 0 ? specific : errors) {
    const path = pathOf(e.instancePath);
    const where = path.length > 0 ? path.join('.') : 'the file';
    let d: Diagnostic;
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      d = diag('schema.unknown-key', `unknown key "${key}" in ${where}`, source.keyPos([...path, key]), { value: key });
    } else if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      d = diag('schema.missing-key', `${where} is missing the required key "${key}"`, source.valuePos(path));
    } else {
      const value = valueAt(source.data, path);
      d = diag('schema.invalid', `${where} ${e.message ?? 'is invalid'}${allowed(e)}`, source.valuePos(path), {
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
