import { Option, type Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import { parseIp } from '../../core/ip.js';
import { addressLines, showAddress } from '../../edit/show-address.js';
import { ptrHistory } from '../../git/history.js';
import { loadRepository } from '../../loader/repository.js';
import { printable } from '../../core/text.js';
import type { CliContext } from '../context.js';

/** `rdns show IP`: an address's PTR, where it comes from, its block, owners and last change. */
export function registerShow(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('show')
    .description("an address's PTR, its source (record, default, delegated), block, owners and last change")
    .argument('<ip>', 'IPv4 or IPv6 address (any notation)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (ipText: string, opts: { format: 'text' | 'json' }) => {
      const ctx = context();
      const ip = parseIp(ipText);
      if (!ip.ok) throw new RdnsError(ip.reason, 2);
      const info = showAddress(loadRepository(ctx.root), ip.value);
      // The last change, when this is a git work tree (a plain folder has no history).
      let last: Awaited<ReturnType<typeof ptrHistory>>[number] | undefined;
      try {
        last = info.block ? (await ptrHistory(ctx.root, ip.value))[0] : undefined;
      } catch {
        last = undefined;
      }
      if (opts.format === 'json') {
        const lastChange = last ? { commit: last.commit, date: last.date, author: last.author, subject: last.subject, pr: last.pr ?? null } : null;
        ctx.stdout(`${JSON.stringify({ ...info, lastChange }, null, 2)}\n`);
      } else {
        const lines = addressLines(info);
        if (last) lines.push(`  changed     ${last.date.slice(0, 16).replace('T', ' ')} ${last.commit.slice(0, 10)} by ${printable(last.author)}${last.pr !== undefined ? ` in #${last.pr}` : ''}: "${printable(last.subject)}"`);
        else if (info.block) lines.push('  changed     no commit yet');
        ctx.stdout(`${lines.join('\n')}\n`);
      }
      setExit(info.block ? 0 : 1);
    });
}
