/**
 * Throwaway git repositories in temp dirs for tests: init, write and commit files,
 * branch, merge, clone (also shallow). Drives the real git binary; generic, so any
 * test that needs history can use it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const IDENTITY = ['-c', 'user.name=Test User', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always'];

export class GitRepo {
  constructor(readonly root: string) {}

  /** Runs git in the repository and returns trimmed stdout; throws with stderr on failure. */
  git(...args: string[]): string {
    return execFileSync('git', [...IDENTITY, ...args], { cwd: this.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  /** Writes files (repository-relative path → content) without committing. */
  write(files: Record<string, string | Uint8Array>): this {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.root, path)), { recursive: true });
      writeFileSync(join(this.root, path), content);
    }
    return this;
  }

  /** Deletes files from the work tree without committing. */
  remove(...paths: string[]): this {
    for (const p of paths) rmSync(join(this.root, p), { force: true });
    return this;
  }

  /** Writes `files` (if any), stages everything and commits; returns the new commit id. */
  commit(message: string, files: Record<string, string | Uint8Array> = {}): string {
    this.write(files);
    this.git('add', '-A');
    this.git('commit', '--allow-empty', '-q', '-m', message);
    return this.rev('HEAD');
  }

  /** `git mv` then commit: a rename git can detect. */
  rename(from: string, to: string, message = `rename ${from}`): string {
    mkdirSync(dirname(join(this.root, to)), { recursive: true });
    this.git('mv', from, to);
    return this.commit(message);
  }

  branch(name: string, from = 'HEAD'): this {
    this.git('branch', name, from);
    return this;
  }

  checkout(name: string): this {
    this.git('checkout', '-q', name);
    return this;
  }

  /** Merges `name` into the current branch with a merge commit; returns its id. */
  merge(name: string, message = `merge ${name}`): string {
    this.git('merge', '--no-ff', '-q', '-m', message, name);
    return this.rev('HEAD');
  }

  rev(ref: string): string {
    return this.git('rev-parse', ref);
  }
}

/** A new repository on branch `main`, with `files` committed as the first commit when given. */
export function createGitRepo(files?: Record<string, string | Uint8Array>): GitRepo {
  const root = mkdtempSync(join(tmpdir(), 'rdns-git-'));
  const repo = new GitRepo(root);
  repo.git('init', '-q', '-b', 'main');
  if (files) repo.commit('initial', files);
  return repo;
}

/** `git clone` of `source` into a temp dir (file:// URL, so `depth` really makes a shallow clone). */
export function cloneGitRepo(source: GitRepo, opts: { depth?: number; branch?: string } = {}): GitRepo {
  const root = mkdtempSync(join(tmpdir(), 'rdns-clone-'));
  const args = ['clone', '-q'];
  if (opts.depth) args.push('--depth', String(opts.depth));
  if (opts.branch) args.push('--branch', opts.branch);
  args.push(`file://${source.root}`, root);
  execFileSync('git', [...IDENTITY, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return new GitRepo(root);
}
