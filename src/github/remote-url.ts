/**
 * Which GitHub repository a git remote URL names, for `--pr` on a laptop (where
 * GITHUB_REPOSITORY is not set): the forms `git clone` accepts for GitHub and GitHub
 * Enterprise Server — https (with or without a user, `.git`, a trailing slash), `ssh://`,
 * the scp-like `git@host:owner/name.git`, and `git://`. Pure.
 */
import type { RepoRef } from './client.js';

export interface RemoteRepository {
  /** Host name, lower case, without port or user (`github.com`, or a GitHub Enterprise Server). */
  readonly host: string;
  readonly repo: RepoRef;
}

const OWNER = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const NAME = /^[A-Za-z0-9._-]+$/;

function fromPath(host: string, path: string): RemoteRepository | undefined {
  const parts = path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '').split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!OWNER.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..') return undefined;
  return { host: host.toLowerCase(), repo: { owner, repo } };
}

/** The repository a remote URL names, or undefined when it is not `HOST/OWNER/NAME` in a form git uses. */
export function repositoryOfRemoteUrl(url: string): RemoteRepository | undefined {
  const text = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(u.protocol) || !u.hostname) return undefined;
    return fromPath(u.hostname, decodeURIComponent(u.pathname));
  }
  // scp-like: [user@]host:owner/name(.git) — no scheme, a colon before the first slash.
  const m = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/)(.+)$/.exec(text);
  return m ? fromPath(m[1]!, m[2]!) : undefined;
}

/** The URL without a user or password (a token in an https remote must never be printed). */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
