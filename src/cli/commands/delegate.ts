import { Option, type Command } from 'commander';
import { delegatePrefix, formatHandoff, undelegatePrefix, type DelegationResult } from '../../edit/delegate.js';
import { withoutTrailingDot } from '../../core/hostname.js';
import { diagnosticJson, diagnosticText } from '../report.js';
import type { CliContext } from '../context.js';

const commaList = (v: string, prev: readonly string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

type Flags = { dryRun?: boolean; format: 'text' | 'json' };

const formatOption = (): Option => new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');

function print(ctx: CliContext, r: DelegationResult, opts: Flags): number {
  if (opts.format === 'json') {
    const h = r.handoff;
    const handoff = h && {
      child: h.child,
      parent: h.parent,
      nameServers: h.nameServers,
      ...(h.contact ? { contact: h.contact } : {}),
      parentRecords: h.parentRecords.map((x) => ({ name: x.name, type: x.type, ttl: x.ttl, value: x.value })),
      childRecords: h.childZone.records.length,
      movedRecords: h.movedRecords,
    };
    const { action, prefix, file, account, changed, written, republished } = r;
    ctx.stdout(`${JSON.stringify({ action, prefix, file, account, changed, written, diagnostics: r.diagnostics.map(diagnosticJson), ...(handoff ? { handoff } : {}), ...(republished !== undefined ? { republished } : {}) }, null, 2)}\n`);
    return r.errors > 0 ? 1 : 0;
  }
  const lines = r.diagnostics.map((d) => diagnosticText(d));
  if (r.errors === 0) {
    const who = r.account ? ` (account ${r.account})` : '';
    if (r.action === 'delegate') {
      const to = r.handoff ? ` to ${r.handoff.nameServers.map(withoutTrailingDot).join(', ')}` : '';
      lines.push(`${r.changed ? 'delegated' : 'already delegated'} ${r.prefix}${who}${to}  ${r.file}`);
    } else {
      lines.push(
        r.changed
          ? `undelegated ${r.prefix}${who}: its ${r.republished} record${r.republished === 1 ? '' : 's'} and generic names are published in the parent zone again  ${r.file}`
          : `${r.prefix}${who} is not delegated  ${r.file}`,
      );
    }
  }
  if (r.written.length > 0) lines.push(`wrote ${r.written.join(', ')}`);
  else if (r.errors > 0) lines.push('nothing written');
  else if (opts.dryRun && r.changed) lines.push('preview only: nothing written');
  else lines.push('nothing to change');
  let text = `${lines.join('\n')}\n`;
  if (r.handoff && r.file) text += formatHandoff(r.handoff, r.file);
  ctx.stdout(text);
  return r.errors > 0 ? 1 : 0;
}

/** `rdns delegate PREFIX --to NS[,NS…]`: RFC 2317 delegation of an allocation (src/edit/delegate.ts). */
export function registerDelegate(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('delegate')
    .description('delegate an allocation to the customer\'s name servers (RFC 2317) and print the hand-off')
    .argument('<prefix>', 'the allocation, e.g. 198.51.100.64/27')
    .requiredOption('--to <ns>', 'the customer\'s name servers (comma-separated or repeated)', commaList)
    .option('--contact <email>', 'the customer\'s contact: SOA mailbox of the child zone (kept as the allocation\'s contact)')
    .option('--dry-run', 'show the change and the hand-off, write nothing')
    .addOption(formatOption())
    .action((prefix: string, opts: Flags & { to: string[]; contact?: string }) => {
      const ctx = context();
      setExit(print(ctx, delegatePrefix(ctx.root, prefix, opts.to, { apply: !opts.dryRun, ...(opts.contact !== undefined ? { contact: opts.contact } : {}) }), opts));
    });
}

/** `rdns undelegate PREFIX`: remove `delegate_to`; the range is published in the parent zone again. */
export function registerUndelegate(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('undelegate')
    .description('remove an allocation\'s delegation: its records are published in the parent zone again')
    .argument('<prefix>', 'the delegated allocation, e.g. 198.51.100.64/27')
    .option('--dry-run', 'show the change, write nothing')
    .addOption(formatOption())
    .action((prefix: string, opts: Flags) => {
      const ctx = context();
      setExit(print(ctx, undelegatePrefix(ctx.root, prefix, { apply: !opts.dryRun }), opts));
    });
}
