/**
 * `--pr`, the GitHub half: open the pull request for a pushed branch, with the change
 * table as its body. The only octokit call of the editing tools.
 */
import type { RepoRef } from './client.js';
import { createGitHubClient, toGitHubError } from './client.js';

export interface PullRequestRequest {
  readonly token: string;
  readonly apiUrl?: string;
  readonly repo: RepoRef;
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  /** Tests against a local server turn GitHub's write pacing off. */
  readonly throttle?: boolean;
  readonly warn?: (message: string) => void;
  /** Running inside a CI job: decides the advice when GitHub cannot be reached (default: a person's machine). */
  readonly ci?: boolean;
}

export interface OpenedPullRequest {
  readonly number: number;
  readonly url: string;
}

/** POST /repos/{owner}/{repo}/pulls. Failures become an RdnsError (exit 2) without the token. */
export async function openPullRequest(req: PullRequestRequest): Promise<OpenedPullRequest> {
  const client = createGitHubClient({ token: req.token, baseUrl: req.apiUrl, throttle: req.throttle, warn: req.warn, retries: 2, retryBaseMs: 200 });
  try {
    const res = await client.rest.pulls.create({ owner: req.repo.owner, repo: req.repo.repo, head: req.head, base: req.base, title: req.title.slice(0, 256), body: req.body.slice(0, 65_536), maintainer_can_modify: true });
    return { number: res.data.number, url: res.data.html_url };
  } catch (e) {
    throw toGitHubError(e, `opening the pull request ${req.head} → ${req.base}`, req.token, { apiUrl: req.apiUrl, ci: req.ci });
  }
}

/**
 * Before anything is written for `--pr`: GET /repos/{owner}/{repo} with the token, so a
 * wrong token, a mistyped repository or a token that may not push is reported while the
 * work tree is still untouched. Failures are RdnsErrors (exit 2) without the token.
 */
export async function checkPullRequestAccess(req: Pick<PullRequestRequest, 'token' | 'apiUrl' | 'repo' | 'throttle' | 'warn' | 'ci'>): Promise<void> {
  const client = createGitHubClient({ token: req.token, baseUrl: req.apiUrl, throttle: req.throttle, warn: req.warn, retries: 1, retryBaseMs: 200 });
  let data: { permissions?: { push?: boolean } };
  try {
    data = (await client.rest.repos.get({ owner: req.repo.owner, repo: req.repo.repo })).data;
  } catch (e) {
    throw toGitHubError(e, `reading the repository ${req.repo.owner}/${req.repo.repo} (checked before writing anything)`, req.token, { apiUrl: req.apiUrl, ci: req.ci });
  }
  if (data.permissions && data.permissions.push === false) {
    throw toGitHubError({ status: 403, message: `the token may read ${req.repo.owner}/${req.repo.repo} but not push to it (checked before writing anything)` }, 'checking push access', req.token, { apiUrl: req.apiUrl, ci: req.ci });
  }
}
