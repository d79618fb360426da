import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('JSON Schemas for ajv and editors', () => {
  it.each(['block.schema.json', 'config.schema.json'])('%s compiles on its own (no remote $ref for editors to fetch)', (name) => {
    const schema = JSON.parse(readFileSync(join(REPO, 'schema', name), 'utf8')) as object;
    expect(JSON.stringify(schema)).not.toMatch(/"\$ref":"(?!#)/);
    expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(schema)).not.toThrow();
  });

  it('every bundled file names an existing schema in its yaml-language-server modeline', () => {
    const files = [...readdirSync(join(REPO, 'zones')).map((f) => join(REPO, 'zones', f)), join(REPO, 'rdns.yaml')];
    for (const f of files) {
      const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(f, 'utf8'));
      expect(m, f).not.toBeNull();
      expect(existsSync(resolve(dirname(f), m![1]!)), f).toBe(true);
    }
  });
});
