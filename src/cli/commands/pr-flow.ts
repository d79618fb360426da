import type { Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import type { ChangeResult } from '../../edit/api.js';
import type { CliContext } from '../context.js';

export interface PrFlags {
  pr?: boolean;
  base?: string;
}

export const prOptions = (cmd: Command): Command =>
  cmd.option('--pr', 'commit the change on a new branch rdns/…, push it to origin and open a pull request (GITHUB_TOKEN, GITHUB_REPOSITORY)').option('--base <branch>', 'with --pr: the branch the pull request targets (default: the current branch)');

export async function openPullRequestFromCli(_ctx: CliContext, _r: ChangeResult, _flags: PrFlags, _verb: string): Promise<number> {
  throw new RdnsError('--pr is not available yet', 2);
}
