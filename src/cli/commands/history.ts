import type { Command } from 'commander';
import { Option } from 'commander';
import { RdnsError } from '../../core/errors.js';
import { displayName, withoutTrailingDot } from '../../core/hostname.js';
import { formatIp, parseIp } from '../../core/ip.js';
import { ptrHistory, type PtrAt } from '../../git/history.js';
import type { CliContext } from '../context.js';

const show = (v: PtrAt | undefined): string => (v ? `${displayName(withoutTrailingDot(v.ptr))}${v.source === 'default' ? ' (default)' : ''}${v.ttl !== undefined ? ` ttl ${v.ttl}` : ''}` : '(no PTR)');
const json = (v: PtrAt | undefined): Record<string, unknown> | null => (v ? { ptr: v.ptr, source: v.source, ...(v.ttl !== undefined ? { ttl: v.ttl } : {}), ...(v.note !== undefined ? { note: v.note } : {}) } : null);

/** `rdns history IP`: who changed this PTR, when, in which commit and pull request. */
export function registerHistory(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('history')
    .description('every commit that changed the PTR of IP: date, author, old → new, pull request')
    .argument('<ip>', 'IPv4 or IPv6 address (any notation)')
    .option('--rev <rev>', 'search the history of this branch or commit', 'HEAD')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (ipText: string, opts: { rev: string; format: 'text' | 'json' }) => {
      const ctx = context();
      const ip = parseIp(ipText);
      if (!ip.ok) throw new RdnsError(ip.reason, 2);
      if (opts.rev.startsWith('-')) throw new RdnsError(`--rev "${opts.rev}" is not a revision`, 2);
      const entries = await ptrHistory(ctx.root, ip.value, { rev: opts.rev });
      const canonical = formatIp(ip.value);
      if (opts.format === 'json') {
        ctx.stdout(
          `${JSON.stringify(
            {
              ip: canonical,
              history: entries.map((e) => ({ commit: e.commit, date: e.date, author: e.author, email: e.email, subject: e.subject, pr: e.pr ?? null, files: e.files, old: json(e.old), new: json(e.new) })),
            },
            null,
            2,
          )}\n`,
        );
      } else if (entries.length === 0) {
        ctx.stdout(`${canonical}: no commit changed its PTR\n`);
      } else {
        const lines = entries.map((e) => `${e.date.slice(0, 16).replace('T', ' ')}  ${e.commit.slice(0, 10)}  ${e.author} <${e.email}>${e.pr !== undefined ? `  #${e.pr}` : ''}\n    ${show(e.old)} → ${show(e.new)}${e.new?.note !== undefined && e.new.note !== e.old?.note ? ` note "${e.new.note}"` : ''}  ${e.files.join(', ')}  "${e.subject}"`);
        ctx.stdout(`${canonical}: ${entries.length} change${entries.length === 1 ? '' : 's'}, newest first\n${lines.join('\n')}\n`);
      }
      setExit(0);
    });
}
