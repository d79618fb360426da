/**
 * Block files read from git revisions (what `rdns ci` and `rdns diff` compare) meet the
 * same boundary as files on disk: a symbolic link (git mode 120000) is refused and not
 * followed, in a commit and in the checked-out work tree; a blob over
 * limits.max_file_bytes is refused by the size git reports; a name CODEOWNERS cannot
 * express is refused. The built `rdns ci` in real git repositories.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { runCli } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { writeRepo } from '../helpers/repo-files.js';

const BASE = {
  'rdns.yaml': 'limits:\n  max_file_bytes: 2048\n',
  'zones/198.51.100.0_24.yaml': 'prefix: 198.51.100.0/24\nowners: ["@example-isp/noc"]\nrecords:\n  198.51.100.1: a.example.com\n',
};

function ci(repo: GitRepo, head?: string): { status: number | null; stdout: string; diagnostics: Diagnostic[] } {
  const args = ['ci', '--base', 'main', ...(head ? ['--head', head] : []), '--no-fcrdns', '--no-publish', '--format', 'json'];
  const env = { GITHUB_ACTIONS: undefined, GITHUB_EVENT_PATH: undefined, GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_BASE_REF: undefined };
  const r = runCli(args, { cwd: repo.root, env, timeoutMs: 60_000 });
  let diagnostics: Diagnostic[] = [];
  try {
    diagnostics = (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  } catch {
    // asserted below
  }
  return { status: r.status, stdout: r.stdout, diagnostics };
}

// Run without --author, so every run also says ownership was not checked (no file): not about the boundary.
const placed = (ds: readonly Diagnostic[]): string[] =>
  [...new Set(ds.filter((d) => d.code !== 'ownership.unchecked').map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`))].sort();

function branchWithLink(): { repo: GitRepo; secret: string } {
  const outside = writeRepo({ 'secret.yaml': 'prefix: 192.0.2.0/24\naws_secret_access_key: wJalrXUtnFEMI-K7MDENG\n' });
  const repo = createGitRepo(BASE);
  repo.branch('feature').checkout('feature');
  symlinkSync(join(outside, 'secret.yaml'), join(repo.root, 'zones/192.0.2.0_24.yaml'));
  repo.commit('add a block as a link');
  return { repo, secret: 'aws_secret_access_key' };
}

describe('rdns ci: links, sizes and names at git revisions', () => {
  it('a block file committed as a link is refused in the work tree: the target is not read', () => {
    const { repo, secret } = branchWithLink();
    const r = ci(repo);
    expect(r.stdout).not.toContain(secret);
    expect(r.status).toBe(1);
    expect(placed(r.diagnostics)).toEqual(['zones/192.0.2.0_24.yaml:1:1 file.symlink']);
  });

  it('a block file committed as a link is refused at a commit (git mode 120000), not parsed as its target path', () => {
    const { repo, secret } = branchWithLink();
    const r = ci(repo, 'feature');
    expect(r.stdout).not.toContain(secret);
    expect(r.status).toBe(1);
    expect(placed(r.diagnostics)).toEqual(['zones/192.0.2.0_24.yaml:1:1 file.symlink']);
    expect(r.diagnostics.find((d) => d.code === 'file.symlink')?.message).toMatch(/symbolic link \(to ".*secret\.yaml"\)/);
  });

  it('a blob over limits.max_file_bytes is refused by the size git reports', () => {
    const repo = createGitRepo(BASE);
    repo.branch('feature').checkout('feature');
    const records = Array.from({ length: 100 }, (_, i) => `  192.0.2.${i + 1}: h${i}.example.com`).join('\n');
    repo.commit('a big block', { 'zones/192.0.2.0_24.yaml': `prefix: 192.0.2.0/24\nrecords:\n${records}\n` });
    const r = ci(repo, 'feature');
    expect(r.status).toBe(1);
    expect(placed(r.diagnostics)).toEqual(['zones/192.0.2.0_24.yaml:1:1 file.too-large']);
    expect(r.diagnostics.find((d) => d.code === 'file.too-large')?.message).toMatch(/^3\d{3} bytes is more than limits\.max_file_bytes \(2048\)/);
  });

  it('a block file name with a newline and tabs is refused at a commit and in the work tree', () => {
    const name = 'zones/x\n.github\t@mallory\tx.yaml';
    const repo = createGitRepo(BASE);
    repo.branch('feature').checkout('feature');
    repo.commit('an odd name', { [name]: 'prefix: 192.0.2.0/24\nowners: ["@mallory"]\n' });
    for (const head of ['feature', undefined]) {
      const r = ci(repo, head);
      expect(r.status).toBe(1);
      expect(r.diagnostics.filter((d) => d.code === 'file.name').map((d) => d.file)).toEqual([name]);
    }
  });
});
