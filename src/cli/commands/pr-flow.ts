import type { Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import type { ChangeResult } from '../../edit/api.js';
import { checkProposeAccess, proposeChange } from '../../edit/propose.js';
import { loadConfig } from '../../loader/config.js';
import { remoteUrl } from '../../git/remotes.js';
import { repositoryOfRemoteUrl, withoutCredentials } from '../../github/remote-url.js';
import type { CliContext } from '../context.js';

export interface PrFlags {
  pr?: boolean;
  base?: string;
}

export const prOptions = (cmd: Command): Command =>
  cmd
    .option('--pr', 'commit the changed block files on a new branch rdns/…, push it to origin and open a pull request (needs GITHUB_TOKEN; the repository is GITHUB_REPOSITORY or the origin remote)')
    .option('--base <branch>', 'with --pr: the branch the pull request targets (default: the current branch)');

export interface PullRequestSettings {
  readonly token: string;
  readonly repository: string;
  readonly apiUrl?: string;
  /** Inside GitHub Actions (advice on failures differs from a laptop's). */
  readonly ci: boolean;
}

/**
 * The `--pr` settings of set, reset, bulk and serve: GITHUB_TOKEN; the repository from
 * GITHUB_REPOSITORY, else from the `origin` remote (https or ssh URL, as on a laptop);
 * the API from GITHUB_API_URL or rdns.yaml `github.api_url`. Throws (exit 2) when one
 * is missing; `when` says what state the work tree is in.
 */
export async function pullRequestSettings(ctx: CliContext, when: string): Promise<PullRequestSettings> {
  const token = ctx.env.GITHUB_TOKEN;
  if (!token) throw new RdnsError(`--pr needs a GitHub token; ${when}`, 2, 'set GITHUB_TOKEN (a token that may push and open pull requests, e.g. from `gh auth token`)');
  const apiUrl = ctx.env.GITHUB_API_URL || loadConfig(ctx.root).config.githubApiUrl;
  const ci = ctx.env.GITHUB_ACTIONS === 'true';
  let repository = ctx.env.GITHUB_REPOSITORY;
  if (repository) {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new RdnsError(`--pr: GITHUB_REPOSITORY "${repository}" is not owner/name; ${when}`, 2, 'set GITHUB_REPOSITORY=owner/name');
    return { token, repository, apiUrl, ci };
  }
  const url = await remoteUrl(ctx.root, 'origin');
  if (!url) throw new RdnsError(`--pr needs the repository: GITHUB_REPOSITORY is not set and there is no origin remote; ${when}`, 2, 'set GITHUB_REPOSITORY=owner/name, or add the GitHub repository as origin (git remote add origin git@github.com:OWNER/NAME.git)');
  const remote = repositoryOfRemoteUrl(url);
  if (!remote) throw new RdnsError(`--pr: the origin remote ${withoutCredentials(url)} does not name a GitHub repository (HOST/OWNER/NAME); ${when}`, 2, 'set GITHUB_REPOSITORY=owner/name');
  if (!apiUrl && remote.host !== 'github.com') {
    // The token goes only where the user said: a remote on another host needs its API URL set explicitly.
    throw new RdnsError(`--pr: the origin remote is on ${remote.host}, not github.com; ${when}`, 2, `for GitHub Enterprise Server set GITHUB_API_URL=https://${remote.host}/api/v3 (or github.api_url in rdns.yaml), or set GITHUB_REPOSITORY`);
  }
  repository = `${remote.repo.owner}/${remote.repo.repo}`;
  return { token, repository, apiUrl, ci };
}

/**
 * The `--pr` check before anything is written: the token and repository are there and
 * the token may push to the repository (asked from GitHub). Throws (exit 2) otherwise.
 */
export async function checkPullRequestFlags(ctx: CliContext, flags: PrFlags): Promise<void> {
  if (!flags.pr) return;
  const s = await pullRequestSettings(ctx, 'nothing was written');
  await checkProposeAccess({ ...s, warn: (m) => ctx.stderr(`rdns: ${m}\n`) });
}

export async function openPullRequestFromCli(ctx: CliContext, r: ChangeResult, flags: PrFlags, verb: string): Promise<number> {
  const { token, repository, apiUrl, ci } = await pullRequestSettings(ctx, 'the change is written but not committed');
  const p = await proposeChange(ctx.root, r, { token, repository, apiUrl, ci, base: flags.base, verb, warn: (m) => ctx.stderr(`rdns: ${m}\n`) });
  // JSON output stays one document: the pull request goes to stderr there.
  const say = (flags as { format?: string }).format === 'json' ? ctx.stderr : ctx.stdout;
  say(`pushed ${p.branch} (${p.commit.slice(0, 10)}) to ${p.remote}\nopened pull request #${p.number}: ${p.url}\n`);
  return 0;
}
