/**
 * Proposing a change instead of committing it to the default branch: the block files a
 * {@link ChangeResult} wrote go on a new branch `rdns/…`, are pushed, and a pull request
 * with the change table is opened. Used by `--pr` and by provisioning code:
 *
 * ```ts
 * const r = setPtr(root, '198.51.100.40', 'web1.example.com');
 * if (r.errors === 0) await proposeChange(root, r, { token, repository: 'example-isp/rdns' });
 * ```
 */
import { RdnsError } from '../core/errors.js';
import { branchNameFor, commitOnBranchAndPush } from '../git/branch-push.js';
import { parseRepository } from '../github/client.js';
import { checkPullRequestAccess, openPullRequest } from '../github/pull-request.js';
import type { ChangeResult } from './api.js';
import { changeSummary, markdownTable } from './change-report.js';

export interface ProposeOptions {
  /** GitHub token that may push and open pull requests (never printed). */
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  /** REST base URL (GitHub Enterprise Server: https://HOST/api/v3). */
  readonly apiUrl?: string;
  /** Target branch (default: the branch checked out now). */
  readonly base?: string;
  /** Word for titles and branch names: set, reset, bulk, import. */
  readonly verb?: string;
  readonly remote?: string;
  readonly now?: Date;
  readonly warn?: (message: string) => void;
  /** Running inside a CI job (advice on failures); default: a person's machine. */
  readonly ci?: boolean;
  /** Tests against a local GitHub stand-in turn GitHub's write pacing off. */
  readonly throttle?: boolean;
}

export interface ProposedChange {
  readonly branch: string;
  readonly base: string;
  readonly commit: string;
  readonly remote: string;
  readonly number: number;
  readonly url: string;
}

/** Branch, commit (only `result.written`), push, pull request. Failures are RdnsErrors (exit 2). */
export async function proposeChange(root: string, result: ChangeResult, options: ProposeOptions): Promise<ProposedChange> {
  if (result.written.length === 0) throw new RdnsError('nothing was written, so there is nothing to propose', 2);
  const repo = parseRepository(options.repository);
  const verb = options.verb ?? 'bulk';
  const summary = changeSummary(result.changes, verb);
  const branch = branchNameFor(summary.replace(/→/g, 'to'), options.now ?? new Date());
  const body = `${summary}\n\n${markdownTable(result.changes)}\n\n_Opened by \`rdns ${verb.split(' ')[0]} --pr\`._\n`;
  const lines = result.changes.slice(0, 100).map((c) => `${c.kind} ${c.ipText}: ${c.old?.ptr ?? '(none)'} -> ${c.new?.ptr ?? '(none)'}`);
  const more = result.changes.length > 100 ? `\n… and ${result.changes.length - 100} more` : '';
  const message = `${summary}\n\n${lines.join('\n')}${more}\n`;
  const pushed = await commitOnBranchAndPush(root, { files: result.written, branch, message, base: options.base, remote: options.remote });
  const pr = await openPullRequest({ token: options.token, apiUrl: options.apiUrl, repo, head: pushed.branch, base: pushed.base, title: summary, body, warn: options.warn, ci: options.ci, throttle: options.throttle });
  return { ...pushed, number: pr.number, url: pr.url };
}

/** Checks `--pr` settings (token, repository, push access) before anything is written. */
export async function checkProposeAccess(options: Pick<ProposeOptions, 'token' | 'repository' | 'apiUrl' | 'warn' | 'ci'>): Promise<void> {
  await checkPullRequestAccess({ token: options.token, apiUrl: options.apiUrl, repo: parseRepository(options.repository), warn: options.warn, ci: options.ci });
}
