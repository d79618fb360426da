import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const FILES = {
  'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: ["@example-isp/noc"]\nrecords:\n  192.0.2.1: a.example.com\n',
  'zones/b.yaml': 'prefix: 198.51.100.0/24\nowners: ["@acme-corp", "@example-isp/noc"]\n',
};

describe('rdns codeowners (the real process)', () => {
  it('writes .github/CODEOWNERS, then --check and validate agree it is current', async () => {
    const root = writeRepo(FILES);
    const w = await rdns(['codeowners'], { cwd: root });
    expect(w.status).toBe(0);
    expect(w.stdout).toBe('wrote .github/CODEOWNERS: 2 block files with owners\n');
    const text = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8');
    expect(text).toContain('/zones/a.yaml @example-isp/noc\n/zones/b.yaml @acme-corp @example-isp/noc\n');
    expect((await rdns(['codeowners', '--check'], { cwd: root })).status).toBe(0);
    expect((await rdns(['codeowners'], { cwd: root })).stdout).toBe('.github/CODEOWNERS is up to date (2 block files with owners)\n');
    const v = await rdns(['validate'], { cwd: root });
    expect(v.status).toBe(0);
    expect(v.stdout).not.toContain('codeowners.stale');
  });

  it('--check exits 1 and validate warns (exit 0) when an owner changed', async () => {
    const root = writeRepo(FILES);
    (await rdns(['codeowners'], { cwd: root }));
    const fs = { ...FILES, 'zones/b.yaml': FILES['zones/b.yaml'].replace('@acme-corp', '@other') };
    const root2 = writeRepo({ ...fs, '.github/CODEOWNERS': readFileSync(join(root, '.github/CODEOWNERS'), 'utf8') });
    const c = await rdns(['codeowners', '--check', '--format', 'json'], { cwd: root2 });
    expect(c.status).toBe(1);
    expect(JSON.parse(c.stdout).diagnostics[0]).toMatchObject({ code: 'codeowners.stale', severity: 'warning', file: '.github/CODEOWNERS' });
    const v = await rdns(['validate'], { cwd: root2 });
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^\.github\/CODEOWNERS:1:1: warning codeowners\.stale .*"\/zones\/b\.yaml @other @example-isp\/noc" is missing/m);
  });

  it('updates the CODEOWNERS the repository already has at the root: a new .github/CODEOWNERS would make GitHub ignore its rules', async () => {
    const own = '# hand-written\n/src/ @example-isp/dev\n/.github/ @example-isp/admins\n';
    const root = writeRepo({ ...FILES, CODEOWNERS: own });
    const w = await rdns(['codeowners'], { cwd: root });
    expect(w.status).toBe(0);
    expect(w.stdout).toBe('wrote CODEOWNERS: 2 block files with owners\n');
    expect(existsSync(join(root, '.github/CODEOWNERS'))).toBe(false);
    const text = readFileSync(join(root, 'CODEOWNERS'), 'utf8');
    expect(text.startsWith(own)).toBe(true);
    expect(text).toContain('/zones/a.yaml @example-isp/noc\n');
    expect((await rdns(['codeowners', '--check'], { cwd: root })).status).toBe(0);
    const stale = writeRepo({ ...FILES, 'docs/CODEOWNERS': own });
    expect((await rdns(['validate'], { cwd: stale })).stdout).toMatch(/^docs\/CODEOWNERS:1:1: warning codeowners\.stale /m);
  });

  it('makes the owners of rdns.yaml the code owners of everything that judges: rdns.yaml, schema/, .github/, the tool (src/, package files, scripts, .ci/), every CODEOWNERS, and new files under zones/', async () => {
    const root = writeRepo({ ...FILES, 'rdns.yaml': 'owners: ["@example-isp/admins", "@root-admin"]\n' });
    const w = await rdns(['codeowners'], { cwd: root });
    expect(w.status).toBe(0);
    const text = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8');
    expect(text).toContain('/rdns.yaml @example-isp/admins @root-admin\n/schema/ @example-isp/admins @root-admin\n/.github/ @example-isp/admins @root-admin\n');
    expect(text).toContain('/zones/a.yaml @example-isp/noc\n');
    // The judge: after merge, src/, the lockfile, the build and CI scripts are the trusted tool and the apply job.
    for (const p of ['/src/', '/package.json', '/package-lock.json', '/.npmrc', '/tsconfig*.json', '/cdktf.json', '/scripts/', '/.ci/', '/CODEOWNERS', '/docs/CODEOWNERS']) {
      expect(text, p).toContain(`\n${p} @example-isp/admins @root-admin\n`);
    }
    // New files under zones/ (no line of their own yet) need the settings owners; the block lines come after the catch-all, so they win.
    const lines = text.split('\n');
    expect(lines.indexOf('/zones/ @example-isp/admins @root-admin')).toBeGreaterThan(0);
    expect(lines.indexOf('/zones/ @example-isp/admins @root-admin')).toBeLessThan(lines.indexOf('/zones/a.yaml @example-isp/noc'));
    expect((await rdns(['codeowners', '--check'], { cwd: root })).status).toBe(0);
    // Changing the owners of rdns.yaml makes the file stale.
    const changed = writeRepo({ ...FILES, 'rdns.yaml': 'owners: ["@someone-else"]\n', '.github/CODEOWNERS': text });
    expect((await rdns(['codeowners', '--check'], { cwd: changed })).status).toBe(1);
    expect((await rdns(['validate'], { cwd: changed })).stdout).toMatch(/warning codeowners\.stale .*"\/rdns\.yaml @someone-else" is missing/);
  });

  it('validate says nothing about CODEOWNERS when the repository has none', async () => {
    const v = await rdns(['validate'], { cwd: writeRepo(FILES) });
    // (the sparse example blocks warn coverage.low; nothing about CODEOWNERS)
    expect(v.status).toBe(0);
    expect(v.stdout).not.toMatch(/codeowners/i);
    expect(v.stdout).toMatch(/^ok(?: with warnings)?: 2 files, 1 record, 0 errors/m);
  });

  it('refuses to write from block files with errors', async () => {
    const root = writeRepo({ ...FILES, 'zones/c.yaml': 'prefix: [broken\n' });
    const r = await rdns(['codeowners'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not written: the block files have errors');
  });

  it('does not write through a CODEOWNERS that is a link: its target (outside the repository) is left as it was', async () => {
    const outside = writeRepo({ 'authorized_keys': 'ssh-ed25519 AAAA admin\n' });
    const target = join(outside, 'authorized_keys');
    const root = writeRepo({ ...FILES, '.github/README': 'x\n' });
    symlinkSync(target, join(root, '.github/CODEOWNERS'));
    const w = await rdns(['codeowners'], { cwd: root });
    expect(readFileSync(target, 'utf8')).toBe('ssh-ed25519 AAAA admin\n');
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/^\.github\/CODEOWNERS:1:1: error file\.symlink the file|^\.github\/CODEOWNERS:1:1: error file\.symlink \.github\/CODEOWNERS is a symbolic link/m);
    expect(lstatSync(join(root, '.github/CODEOWNERS')).isSymbolicLink()).toBe(true);
    // validate says so too (it used to compare the target's text with the owners).
    const v = await rdns(['validate'], { cwd: root });
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/^\.github\/CODEOWNERS:1:1: error file\.symlink /m);
  });

  it('does not write into a .github folder that is a link out of the repository', async () => {
    const outside = writeRepo({ 'keep.txt': 'x\n' });
    const root = writeRepo(FILES);
    symlinkSync(outside, join(root, '.github'));
    const w = await rdns(['codeowners'], { cwd: root });
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/^\.github\/CODEOWNERS:1:1: error file\.symlink .*outside the repository/m);
    expect(readdirSync(outside)).toEqual(['keep.txt']);
  });
});
