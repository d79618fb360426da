import type { Command } from 'commander';
import { resetPtr } from '../../edit/api.js';
import type { Format } from '../report.js';
import type { CliContext } from '../context.js';
import { actorOf, changeFormatOption, forwardCheckOf, forwardOptions, ownerOptions, printChangeResult, type ForwardFlags } from './set.js';
import { checkPullRequestFlags, openPullRequestFromCli, prOptions, type PrFlags } from './pr-flow.js';

/** `rdns reset IP`: remove the address's own record so the block default (or no PTR) applies. */
export function registerReset(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  const reset = program
    .command('reset')
    .description('remove IP\'s own record so the block default (or no PTR) applies again')
    .argument('<ip>', 'IPv4 or IPv6 address (any notation)')
    .option('--dry-run', 'show the change, write nothing')
    .option('--delete', 'in a block without default: remove the PTR entirely (the address is left without a PTR)')
    .addOption(changeFormatOption());
  // The flags of rdns set, so one script can pass the same ones to both; they are checked,
  // but a reset asks no DNS: it brings back the block's generic name (rdns check verifies those).
  forwardOptions(reset);
  ownerOptions(reset);
  prOptions(reset);
  reset.action(async (ip: string, opts: { dryRun?: boolean; delete?: boolean; format: Format; as?: string; team?: string[] } & PrFlags & ForwardFlags) => {
    const ctx = context();
    forwardCheckOf(opts);
    await checkPullRequestFlags(ctx, opts);
    const r = resetPtr(ctx.root, ip, { apply: !opts.dryRun, actor: actorOf(opts), allowDelete: opts.delete });
    setExit(printChangeResult(ctx, r, { format: opts.format, applied: !opts.dryRun }));
    if (opts.pr && r.errors === 0 && r.written.length > 0) setExit(await openPullRequestFromCli(ctx, r, opts, 'reset'));
  });
}
