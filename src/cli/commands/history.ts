import type { Command } from 'commander';
import { Option } from 'commander';
import { RdnsError } from '../../core/errors.js';
import { displayName, withoutTrailingDot } from '../../core/hostname.js';
import { formatIp, formatPrefix, parseIp, parsePrefix } from '../../core/ip.js';
import { prefixHistory, ptrHistory, type PrefixHistoryEntry, type PtrAt } from '../../git/history.js';
import { printable } from '../../core/text.js';
import type { CliContext } from '../context.js';

const show = (v: PtrAt | undefined): string => (v ? `${displayName(withoutTrailingDot(v.ptr))}${v.source === 'default' ? ' (default)' : ''}${v.ttl !== undefined ? ` ttl ${v.ttl}` : ''}` : '(no PTR)');
const json = (v: PtrAt | undefined): Record<string, unknown> | null => (v ? { ptr: v.ptr, source: v.source, ...(v.ttl !== undefined ? { ttl: v.ttl } : {}), ...(v.note !== undefined ? { note: v.note } : {}) } : null);

const noteOf = (old: PtrAt | undefined, now: PtrAt | undefined): string => (now?.note !== undefined && now.note !== old?.note ? ` note "${printable(now.note)}"` : '');
const headerOf = (e: { date: string; commit: string; author: string; email: string; pr?: number }): string =>
  `${e.date.slice(0, 16).replace('T', ' ')}  ${e.commit.slice(0, 10)}  ${printable(e.author)} <${printable(e.email)}>${e.pr !== undefined ? `  #${e.pr}` : ''}`;
const commitJson = (e: { commit: string; date: string; author: string; email: string; subject: string; pr?: number; files: readonly string[] }): Record<string, unknown> => ({
  commit: e.commit,
  date: e.date,
  author: e.author,
  email: e.email,
  subject: e.subject,
  pr: e.pr ?? null,
  files: e.files,
});

/** Address lines one commit shows in text before "… and N more". */
const TEXT_LINES_PER_COMMIT = 50;

function prefixText(prefix: string, entries: readonly PrefixHistoryEntry[]): string {
  if (entries.length === 0) return `${prefix}: no commit changed a PTR inside it\n`;
  const blocks = entries.map((e) => {
    const width = Math.max(...e.changes.slice(0, TEXT_LINES_PER_COMMIT).map((c) => c.ip.length), 0);
    const lines = e.changes.slice(0, TEXT_LINES_PER_COMMIT).map((c) => `    ${c.ip.padEnd(width)}  ${show(c.old)} → ${show(c.new)}${noteOf(c.old, c.new)}`);
    if (e.changes.length > TEXT_LINES_PER_COMMIT) lines.push(`    … and ${e.changes.length - TEXT_LINES_PER_COMMIT} more (--format json lists every address)`);
    for (const g of e.generic) lines.push(`    ${g.range}  generic names: ${g.before} before, ${g.after} after (${printable(g.file)}; too many to list)`);
    return `${headerOf(e)}  ${e.files.map(printable).join(', ')}  "${printable(e.subject)}"\n${lines.join('\n')}`;
  });
  const addresses = entries.reduce((n, e) => n + e.changes.length, 0);
  return `${prefix}: ${entries.length} commit${entries.length === 1 ? '' : 's'} changed ${addresses} PTR${addresses === 1 ? '' : 's'}, newest first\n${blocks.join('\n')}\n`;
}

/** `rdns history IP|PREFIX`: who changed these PTRs, when, in which commit and pull request. */
export function registerHistory(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('history')
    .description('every commit that changed the PTR of IP (or any PTR inside PREFIX): date, author, old → new, pull request')
    .argument('<ip|prefix>', 'IPv4 or IPv6 address (any notation), or a prefix such as 192.0.2.0/28')
    .option('--rev <rev>', 'search the history of this branch or commit', 'HEAD')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (target: string, opts: { rev: string; format: 'text' | 'json' }) => {
      const ctx = context();
      if (opts.rev.startsWith('-')) throw new RdnsError(`--rev "${opts.rev}" is not a revision`, 2);
      if (target.includes('/')) {
        const prefix = parsePrefix(target);
        if (!prefix.ok) throw new RdnsError(`"${target}": ${prefix.reason}`, 2);
        const entries = await prefixHistory(ctx.root, prefix.value, { rev: opts.rev });
        const canonical = formatPrefix(prefix.value);
        if (opts.format === 'json') {
          const history = entries.map((e) => ({ ...commitJson(e), changes: e.changes.map((c) => ({ ip: c.ip, old: json(c.old), new: json(c.new) })), generic: e.generic }));
          ctx.stdout(`${JSON.stringify({ prefix: canonical, history }, null, 2)}\n`);
        } else ctx.stdout(prefixText(canonical, entries));
        setExit(0);
        return;
      }
      const ip = parseIp(target);
      if (!ip.ok) throw new RdnsError(ip.reason, 2);
      const entries = await ptrHistory(ctx.root, ip.value, { rev: opts.rev });
      const canonical = formatIp(ip.value);
      if (opts.format === 'json') {
        ctx.stdout(`${JSON.stringify({ ip: canonical, history: entries.map((e) => ({ ...commitJson(e), old: json(e.old), new: json(e.new) })) }, null, 2)}\n`);
      } else if (entries.length === 0) {
        ctx.stdout(`${canonical}: no commit changed its PTR\n`);
      } else {
        const lines = entries.map((e) => `${headerOf(e)}\n    ${show(e.old)} → ${show(e.new)}${noteOf(e.old, e.new)}  ${e.files.map(printable).join(', ')}  "${printable(e.subject)}"`);
        ctx.stdout(`${canonical}: ${entries.length} change${entries.length === 1 ? '' : 's'}, newest first\n${lines.join('\n')}\n`);
      }
      setExit(0);
    });
}
