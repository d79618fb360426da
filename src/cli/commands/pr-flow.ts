import type { Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import type { ChangeResult } from '../../edit/api.js';
import { changeSummary, markdownTable } from '../../edit/change-report.js';
import { branchNameFor, commitOnBranchAndPush } from '../../git/branch-push.js';
import { parseRepository } from '../../github/client.js';
import { openPullRequest } from '../../github/pull-request.js';
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
 * The `--pr` tail of set, reset and bulk: branch, commit, push, pull request. Settings
 * come from the environment (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL) or
 * rdns.yaml `github.api_url`. Returns the exit code.
 */
export async function openPullRequestFromCli(ctx: CliContext, r: ChangeResult, flags: PrFlags, verb: string): Promise<number> {
  const token = ctx.env.GITHUB_TOKEN;
  if (!token) throw new RdnsError('--pr needs a GitHub token; the change is written but not committed', 2, 'set GITHUB_TOKEN (a token that may push and open pull requests)');
  const slug = ctx.env.GITHUB_REPOSITORY;
  if (!slug) throw new RdnsError('--pr needs the repository; the change is written but not committed', 2, 'set GITHUB_REPOSITORY=owner/name');
  const repo = parseRepository(slug);
  const apiUrl = ctx.env.GITHUB_API_URL || loadConfig(ctx.root).config.githubApiUrl;
  const summary = changeSummary(r.changes, verb);
  const branch = branchNameFor(summary.replace(/→/g, 'to'), new Date());
  const body = `${summary}\n\n${markdownTable(r.changes)}\n\n_Opened by \`rdns ${verb} --pr\`._\n`;
  const message = `${summary}\n\n${r.changes
    .slice(0, 100)
    .map((c) => `${c.kind} ${c.ipText}: ${c.old?.ptr ?? '(none)'} -> ${c.new?.ptr ?? '(none)'}`)
    .join('\n')}${r.changes.length > 100 ? `\n… and ${r.changes.length - 100} more` : ''}\n`;
  const pushed = await commitOnBranchAndPush(ctx.root, { files: r.written, branch, message, base: flags.base });
  const pr = await openPullRequest({ token, apiUrl, repo, head: pushed.branch, base: pushed.base, title: summary, body, warn: (m) => ctx.stderr(`rdns: ${m}\n`) });
  // JSON output stays one document: the pull request goes to stderr there.
  const say = (flags as { format?: string }).format === 'json' ? ctx.stderr : ctx.stdout;
  say(`pushed ${pushed.branch} (${pushed.commit.slice(0, 10)}) to ${pushed.remote}\nopened pull request #${pr.number}: ${pr.url}\n`);
  return 0;
}
