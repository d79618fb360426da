import type { Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import type { ChangeResult } from '../../edit/api.js';
import { checkProposeAccess, proposeChange } from '../../edit/propose.js';
import { loadConfig } from '../../loader/config.js';
import type { CliContext } from '../context.js';

export interface PrFlags {
  pr?: boolean;
  base?: string;
}

export const prOptions = (cmd: Command): Command =>
  cmd
    .option('--pr', 'commit the changed block files on a new branch rdns/…, push it to origin and open a pull request (needs GITHUB_TOKEN and GITHUB_REPOSITORY)')
    .option('--base <branch>', 'with --pr: the branch the pull request targets (default: the current branch)');

/**
 * The `--pr` tail of set, reset and bulk. Settings come from the environment
 * (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL) or rdns.yaml `github.api_url`.
 * Returns the exit code.
 */
function prSettings(ctx: CliContext, when: string): { token: string; repository: string; apiUrl?: string } {
  const token = ctx.env.GITHUB_TOKEN;
  if (!token) throw new RdnsError(`--pr needs a GitHub token; ${when}`, 2, 'set GITHUB_TOKEN (a token that may push and open pull requests)');
  const repository = ctx.env.GITHUB_REPOSITORY;
  if (!repository) throw new RdnsError(`--pr needs the repository; ${when}`, 2, 'set GITHUB_REPOSITORY=owner/name');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new RdnsError(`--pr: GITHUB_REPOSITORY "${repository}" is not owner/name; ${when}`, 2, 'set GITHUB_REPOSITORY=owner/name');
  const apiUrl = ctx.env.GITHUB_API_URL || loadConfig(ctx.root).config.githubApiUrl;
  return { token, repository, apiUrl };
}

/**
 * The `--pr` check before anything is written: the token and repository are there and
 * the token may push to the repository (asked from GitHub). Throws (exit 2) otherwise.
 */
export async function checkPullRequestFlags(ctx: CliContext, flags: PrFlags): Promise<void> {
  if (!flags.pr) return;
  const s = prSettings(ctx, 'nothing was written');
  await checkProposeAccess({ ...s, warn: (m) => ctx.stderr(`rdns: ${m}\n`) });
}

export async function openPullRequestFromCli(ctx: CliContext, r: ChangeResult, flags: PrFlags, verb: string): Promise<number> {
  const { token, repository, apiUrl } = prSettings(ctx, 'the change is written but not committed');
  const p = await proposeChange(ctx.root, r, { token, repository, apiUrl, base: flags.base, verb, warn: (m) => ctx.stderr(`rdns: ${m}\n`) });
  // JSON output stays one document: the pull request goes to stderr there.
  const say = (flags as { format?: string }).format === 'json' ? ctx.stderr : ctx.stdout;
  say(`pushed ${p.branch} (${p.commit.slice(0, 10)}) to ${p.remote}\nopened pull request #${p.number}: ${p.url}\n`);
  return 0;
}
