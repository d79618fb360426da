/** Issue 11, item 8: the first five minutes — `npm start` ends clean, explains, and suggests next steps. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { namedPath } from './helpers/named.mjs';
import { toolOrSkip } from './helpers/require-tool.js';

const checkout = fileURLToPath(new URL('..', import.meta.url));

/** The parts of the checkout `npm start` uses, in a temp folder: what it writes (cdktf.out/) stays out of the checkout. */
function startCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'rdns-start-'));
  for (const part of ['scripts/start.mjs', 'test/helpers/named.mjs', 'dist', 'schema', 'assets', 'zones', 'rdns.yaml', 'package.json']) cpSync(join(checkout, part), join(root, part), { recursive: true });
  symlinkSync(join(checkout, 'node_modules'), join(root, 'node_modules'));
  return root;
}

describe('npm start (scripts/start.mjs) on the bundled example', () => {
  it('validates, synthesizes, checks FCrDNS and ends with exit 0, what happened and what to try next', () => {
    const root = startCopy();
    const r = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: root, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1', CI: '' } });
    expect(r.status).toBe(0);
    // Clean: no error and no warning on the bundled example.
    expect(r.stdout).toContain('── rdns validate: schema, hostname policy and structure of every block file\nok: 4 files, 15 records, 0 errors, 0 warnings\n');
    expect(r.stdout).toMatch(/synthesized 4 stacks, \d+ records into cdktf\.out\//);
    if (namedPath()) {
      // The example names are served by a local BIND: the check passes for real, no "failed … errors".
      const check = r.stdout.slice(r.stdout.indexOf('── rdns check'));
      expect(check).toMatch(/^── rdns check: FCrDNS of every PTR, against a local BIND serving the example names\nok: 4 files, 15 records, 0 errors, 0 warnings\n/);
    } else {
      // Under CI a missing BIND fails here (require-tool.ts) instead of checking the weaker message.
      toolOrSkip('BIND 9 (named) is not installed: npm start cannot serve the example names, so its FCrDNS check is not verified');
      expect(r.stdout).toContain('the example names (example.net, example.com, …) are documentation names that do not exist in DNS');
    }
    expect(r.stdout).not.toMatch(/^failed:/m);
    expect(r.stdout).toContain('── What just happened');
    expect(r.stdout).toContain('npx rdns set 198.51.100.40 web1.example.com --no-fcrdns');
    expect(r.stdout).toContain('--pr');
    expect(existsSync(join(root, 'cdktf.out', 'manifest.json'))).toBe(true);
  }, 300_000);

  it('package.json start runs it, and .gitignore covers what the commands write', () => {
    const pkg = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toContain('node scripts/start.mjs');
    const ignore = readFileSync(new URL('../.gitignore', import.meta.url), 'utf8').split('\n');
    for (const p of ['cdktf.out/', '/reports/', '*.tfstate*', 'zones/**/.*.lock']) expect(ignore).toContain(p);
  });
});
