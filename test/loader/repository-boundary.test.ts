/**
 * The repository boundary, as a hostile pull request would probe it through the built
 * `rdns`: block files, rdns.yaml and CODEOWNERS that are links out of the repository,
 * FIFOs, devices, folders named like files, huge files, unreadable folders and file
 * names that CODEOWNERS cannot express. Each is a placed diagnostic, never a read of
 * something outside the repository, a hang or an "internal error".
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

// A default names every address: a sparse block would also warn coverage.low, which these tests are not about.
const OK_BLOCK = 'prefix: 198.51.100.0/24\nowners: ["@example-isp/noc"]\ndefault: "{dashed}.static.example.net"\nrecords:\n  198.51.100.1: a.example.com\n';
// A hang of the old code ends here and fails the test; a passing run takes well under a second.
const HANG = 10_000;

interface Json {
  diagnostics: Diagnostic[];
  summary: { files: number; errors: number };
}

function validate(root: string, args: string[] = [], opts: { uid?: number } = {}): { status: number | null; json: Json; stdout: string; stderr: string } {
  const r = runCli(['validate', '--format', 'json', ...args], { cwd: root, timeoutMs: HANG, ...opts });
  let json: Json = { diagnostics: [], summary: { files: 0, errors: 0 } };
  try {
    json = JSON.parse(r.stdout) as Json;
  } catch {
    // left empty: the assertions below say what was expected
  }
  return { status: r.status, json, stdout: r.stdout, stderr: r.stderr };
}

const secretFile = (): string => {
  const outside = writeRepo({ 'secret.yaml': 'aws_secret_access_key: wJalrXUtnFEMI-K7MDENG\n' });
  return join(outside, 'secret.yaml');
};

describe('block files that are not regular files inside the repository', () => {
  it('a link out of the repository is refused at its path; the target is never read or shown', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    symlinkSync(secretFile(), join(root, 'zones/192.0.2.0_24.yaml'));
    const r = validate(root);
    expect(r.stdout).not.toContain('aws_secret_access_key');
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'file.symlink', file: 'zones/192.0.2.0_24.yaml', line: 1, column: 1, message: expect.stringMatching(/symbolic link/) }),
    ]);
  });

  it('a link to /dev/zero is refused at once (it used to read gigabytes)', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    symlinkSync('/dev/zero', join(root, 'zones/zero.yaml'));
    const r = validate(root);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual(['zones/zero.yaml:1:1 file.symlink']);
  });

  it('a link to another block file inside the repository is refused too: its owners would not guard the target', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK, 'shared/v4.yaml': 'prefix: 203.0.113.0/24\n' });
    symlinkSync('../shared/v4.yaml', join(root, 'zones/203.0.113.0_24.yaml'));
    const r = validate(root);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.symlink', file: 'zones/203.0.113.0_24.yaml', message: expect.stringMatching(/\.\.\/shared\/v4\.yaml/) })]);
  });

  it('a zones/ folder (or a subfolder) that is a link is not walked', () => {
    const outside = writeRepo({ 'leak.yaml': 'prefix: 192.0.2.0/24\nsecret_key: hunter2\n' });
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    symlinkSync(outside, join(root, 'zones/imported'));
    const sub = validate(root);
    expect(sub.stdout).not.toContain('hunter2');
    expect(sub.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.symlink', file: 'zones/imported', line: 1, column: 1 })]);
    const top = writeRepo({ 'rdns.yaml': 'defaults: { ttl: 3600 }\n' });
    symlinkSync(outside, join(top, 'zones'));
    const r = validate(top);
    expect(r.stdout).not.toContain('hunter2');
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.symlink', file: 'zones', line: 1, column: 1 })]);
  });

  it('a FIFO named like a block file is refused, also when named on the command line (it used to hang)', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    execFileSync('mkfifo', [join(root, 'zones/fifo.yaml')]);
    const all = validate(root);
    expect(all.json.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual(['zones/fifo.yaml:1:1 file.not-regular']);
    const named = validate(root, ['zones/fifo.yaml']);
    expect(named.status).toBe(1);
    expect(named.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.not-regular', file: 'zones/fifo.yaml', message: expect.stringMatching(/FIFO/) })]);
  });

  it('a device node named like a block file is refused without reading it', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    // Tests run as root (CI too); the node is /dev/zero's twin.
    execFileSync('mknod', [join(root, 'zones/dev.yaml'), 'c', '1', '5']);
    const r = validate(root, ['zones/dev.yaml']);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.not-regular', file: 'zones/dev.yaml', message: expect.stringMatching(/device/) })]);
  });

  it('a folder named like a block file is refused', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK, 'zones/x.yaml/inner.yaml': 'prefix: 192.0.2.0/24\n' });
    const r = validate(root);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.not-regular', file: 'zones/x.yaml', line: 1, column: 1, message: expect.stringMatching(/folder/) })]);
  });

  it('limits.max_file_bytes is enforced before reading: a sparse 3 GiB file is refused by its size', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK, 'zones/huge.yaml': '' });
    truncateSync(join(root, 'zones/huge.yaml'), 3 * 1024 ** 3);
    const r = validate(root);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([
      expect.objectContaining({ code: 'file.too-large', file: 'zones/huge.yaml', line: 1, column: 1, message: expect.stringMatching(/^3221225472 bytes is more than limits\.max_file_bytes \(33554432\)/) }),
    ]);
  });

  it('rdns.yaml that is a link out of the repository or a FIFO is refused, and the defaults are not silently used', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    symlinkSync(secretFile(), join(root, 'rdns.yaml'));
    const link = validate(root);
    expect(link.stdout).not.toContain('aws_secret_access_key');
    expect(link.status).toBe(1);
    expect(link.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.symlink', file: 'rdns.yaml', line: 1, column: 1 })]);
    const fifo = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    execFileSync('mkfifo', [join(fifo, 'rdns.yaml')]);
    const f = validate(fifo);
    expect(f.status).toBe(1);
    expect(f.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.not-regular', file: 'rdns.yaml' })]);
  });
});

describe('folders and CODEOWNERS that cannot be read are placed diagnostics, not an internal error', () => {
  // Root reads every folder: run rdns as "nobody" (uid 65534) when the tests run as root.
  const asUser = process.getuid?.() === 0 ? { uid: 65534 } : {};

  it('an unreadable subfolder of zones/', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK, 'zones/private/a.yaml': 'prefix: 192.0.2.0/24\n' });
    chmodSync(root, 0o755);
    chmodSync(join(root, 'zones/private'), 0o000);
    const r = validate(root, [], asUser);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'file.unreadable', file: 'zones/private', line: 1, column: 1, message: expect.stringMatching(/EACCES/) })]);
    expect(r.json.summary.files).toBe(1);
  });

  it('a CODEOWNERS that is a folder', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK, '.github/CODEOWNERS/README': 'not a file\n' });
    const r = validate(root);
    expect(r.stderr).toBe('');
    expect(r.json.diagnostics).toEqual([expect.objectContaining({ code: 'file.not-regular', file: '.github/CODEOWNERS', line: 1, column: 1 })]);
    expect(r.status).toBe(1);
    const w = runCli(['codeowners'], { cwd: root });
    expect(w.stderr).not.toMatch(/internal error/);
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/\.github\/CODEOWNERS:1:1: error file\.not-regular/);
  });
});

describe('block file names that CODEOWNERS cannot express', () => {
  // "/zones/x\n.github\t@mallory\tx.yaml @noc" would give @mallory the .github folder.
  const EVIL = 'x\n.github\t@mallory\tx.yaml';

  it('a name with a newline and tabs is refused by validate, and rdns codeowners writes no line for it', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK, [`zones/${EVIL}`]: 'prefix: 192.0.2.0/24\nowners: ["@example-isp/noc"]\n' });
    const r = validate(root);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'file.name', file: `zones/${EVIL}`, line: 1, column: 1, message: expect.stringMatching(/U\+000A/) }),
    ]);
    const w = runCli(['codeowners'], { cwd: root });
    expect(w.status).toBe(1);
    expect(() => readFileSync(join(root, '.github/CODEOWNERS'), 'utf8')).toThrow();
  });

  it.each([
    ['a tab', 'a\tb.yaml'],
    ['a space', 'a b.yaml'],
    ['a carriage return', 'a\rb.yaml'],
    ['an escape character', 'a\u001bb.yaml'],
    ['a right-to-left override', 'a\u202eb.yaml'],
    ['a character range', 'a[1].yaml'],
    ['a leading "#"', '#a.yaml'],
    ['a leading "!"', '!a.yaml'],
    ['a wildcard', 'a*.yaml'],
    ['a backslash', 'a\\b.yaml'],
  ])('%s', (_what, name) => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK });
    mkdirSync(join(root, 'zones/sub'));
    writeFileSync(join(root, 'zones/sub', name), 'prefix: 192.0.2.0/24\n');
    const r = validate(root);
    expect(r.status).toBe(1);
    expect(r.json.diagnostics.map((d) => [d.code, d.file])).toEqual([['file.name', `zones/sub/${name}`]]);
  });

  it('ordinary names pass: letters (also non-ASCII), digits, dots, dashes, underscores, @ and +', () => {
    const root = writeRepo({ 'zones/ok.yaml': OK_BLOCK, 'zones/Köln_hall-2@dc+1.yaml': 'prefix: 192.0.2.0/24\ndefault: "{dashed}.k.example.net"\n' });
    const r = validate(root);
    expect(r.json.diagnostics).toEqual([]);
    expect(r.status).toBe(0);
  });
});
