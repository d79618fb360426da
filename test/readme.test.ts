import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../src/core/diagnostics.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every diagnostic code in the codes table', () => {
    const documented = new Set([...readme.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]));
    expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !documented.has(c))).toEqual([]);
  });

  it('shows the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
