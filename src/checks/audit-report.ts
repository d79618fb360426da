/**
 * Audit report writers: Markdown for people (a scheduled job's artifact or issue
 * body) and JSON for tools. Live DNS data is untrusted text: every table cell is
 * escaped so a hostile PTR cannot break out of the table or inject markup.
 */
import type { AuditReport } from './audit.js';
import type { RoutedReport } from './routed.js';

/** Long tables are cut here in Markdown; the JSON keeps every row. */
export const MARKDOWN_ROW_LIMIT = 500;

/** Escapes text for one Markdown table cell. */
export function mdCell(text: string | number | undefined): string {
  if (text === undefined || text === '') return '';
  return String(text)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the report
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_{}[\]<>|~]/g, (c) => `\\${c}`)
    .slice(0, 300);
}

const pct = (share: number): string => (share >= 0.001 || share === 0 ? `${(share * 100).toFixed(1)}%` : `${(share * 100).toExponential(1)}%`);

function table(headers: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string[] {
  const out = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of rows.slice(0, MARKDOWN_ROW_LIMIT)) out.push(`| ${r.map(mdCell).join(' | ')} |`);
  if (rows.length > MARKDOWN_ROW_LIMIT) out.push('', `… and ${rows.length - MARKDOWN_ROW_LIMIT} more rows (all of them are in audit.json).`);
  return out;
}

const n = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

const where = (file: string, line?: number): string => (line ? `${file}:${line}` : file);

/** The audit as a Markdown document. */
export function auditMarkdown(r: AuditReport): string {
  const s = r.summary;
  const out: string[] = ['# Reverse DNS audit', ''];
  out.push(`Generated ${r.generatedAt} through ${r.resolvers.length > 0 ? r.resolvers.map((x) => `\`${x}\``).join(', ') : 'the system resolvers'}.`, '');
  if (r.unreachable) {
    out.push('**No DNS server answered (or every query was refused): nothing could be checked.**', '');
    for (const d of r.diagnostics) out.push(`- ${d.severity} \`${d.code}\`: ${mdCell(d.message)}`);
    return `${out.join('\n')}\n`;
  }
  out.push('## Summary', '');
  out.push(
    ...table(
      ['check', 'result'],
      [
        ['FCrDNS', `${s.fcrdnsPassed} of ${s.fcrdnsChecked} names resolve back (${s.records} records, ${s.generic} generic names)`],
        ['stale records', `${n(s.staleRecords, 'record')} whose name no longer resolves to the address`],
        ['drift', `${s.driftChanged} changed outside git, ${n(s.driftStale, 'stale PTR')} in DNS, ${s.driftUnverifiable} unverifiable (${n(s.ptrRead, 'PTR')} read)`],
        ['not applied', s.driftNotApplied === 0 ? 'none: DNS serves every PTR git has' : `${n(s.driftNotApplied, 'PTR')} in git that DNS does not serve yet (an apply is due; not drift)`],
        ['delegation', `${s.zones - s.zonesWithProblems} of ${s.zones} reverse zones delegated correctly${resolverView(r.delegation)}`],
        ...(r.routed ? [['routed space', routedSummary(r.routed)]] : []),
        ['findings', `${n(s.errors, 'error')}, ${n(s.warnings, 'warning')}`],
      ],
    ),
    '',
  );

  out.push('## Coverage per block', '');
  out.push(
    ...table(
      ['block', 'file', 'addresses', 'with a PTR in git', 'share', 'records', 'pool names', 'default', 'live PTRs'],
      r.coverage.map((c) => [c.block, c.file, c.addresses, c.withPtr, pct(c.share), c.records, c.poolNames, c.viaDefault ? 'yes' : 'no', c.scanned !== undefined ? `${c.live} of ${c.scanned}` : 'not scanned']),
    ),
    '',
  );

  if (r.routed) {
    out.push('## Routed space without a block file', '', 'Every routed address needs a PTR: routed prefixes (or parts) that no block file covers, and blocks outside every routed prefix.', '');
    const gaps = r.routed.routed.filter((x) => x.missing.length > 0);
    if (gaps.length === 0) out.push('None: every routed prefix is covered by block files.', '');
    else out.push(...table(['routed prefix', 'addresses', 'in block files', 'without a block file', 'where'], gaps.map((x) => [x.prefix, x.addresses, x.covered, x.missing.join(', '), x.file ? where(x.file, x.line) : ''])), '');
    if (r.routed.unrouted.length > 0) out.push(...table(['block outside routed space', 'file', 'not routed'], r.routed.unrouted.map((u) => [u.block, u.file, u.outside.join(', ')])), '');
  }

  out.push('## FCrDNS failures', '');
  if (r.fcrdnsFailures.length === 0) out.push('None: every name resolves back to its address.', '');
  else out.push(...table(['address', 'PTR', 'from', 'result', 'resolves to', 'where'], r.fcrdnsFailures.map((f) => [f.ip, f.ptr, f.source, f.status, f.addresses.join(', '), where(f.file, f.line)])), '');

  out.push('## Stale records', '', 'Records in git whose name no longer resolves to the address (remove or fix them).', '');
  if (r.staleRecords.length === 0) out.push('None.', '');
  else out.push(...table(['address', 'PTR', 'result', 'resolves to', 'where'], r.staleRecords.map((f) => [f.ip, f.ptr, f.status, f.addresses.join(', '), where(f.file, f.line)])), '');

  // Not applied (git is ahead of DNS: an apply is due) is apart from drift (DNS serves something git does not say).
  const drift = r.drift.filter((d) => d.kind !== 'not-applied');
  const pending = r.drift.filter((d) => d.kind === 'not-applied');
  out.push('## Drift between git and DNS', '');
  if (drift.length === 0) out.push('None: DNS serves nothing that git does not say.', '');
  else {
    const label = { 'not-applied': 'not applied yet', changed: 'changed outside git', stale: 'stale in DNS', unverifiable: 'unverifiable' } as const;
    out.push(...table(['address', 'drift', 'git', 'DNS', 'where'], drift.map((d) => [d.ip, label[d.kind], d.git ?? '(none)', d.live.length > 0 ? d.live.join(', ') : '(none)', where(d.file, d.line)])), '');
  }
  out.push('## Not applied yet', '', 'PTRs in git that DNS does not serve yet: the next apply publishes them.', '');
  if (pending.length === 0) out.push('None.', '');
  else out.push(...table(['address', 'git', 'where'], pending.map((d) => [d.ip, d.git ?? '', where(d.file, d.line)])), '');

  out.push('## Delegation of reverse zones', '');
  out.push(
    ...table(
      ['zone', 'status', 'NS from the parent', 'NS of the zone itself', 'expected (delegate_to)', 'detail'],
      r.delegation.map((z) => [z.zone, z.status, z.ns.join(', ') || '(none)', z.childNs?.join(', ') ?? '', z.expected?.join(', ') ?? '', z.detail ?? '']),
    ),
    '',
  );
  return `${out.join('\n')}\n`;
}

function routedSummary(r: RoutedReport): string {
  const gaps = r.routed.filter((x) => x.missing.length > 0);
  const covered = `${r.routed.length - gaps.length} of ${r.routed.length} routed ${r.routed.length === 1 ? 'prefix' : 'prefixes'} fully in block files`;
  return `${covered}${gaps.length > 0 ? `; without a block file: ${gaps.flatMap((x) => x.missing).slice(0, 8).join(', ')}` : ''}${r.unrouted.length > 0 ? `; ${n(r.unrouted.length, 'block')} outside routed space` : ''}`;
}

/** The audit as JSON (every row, no cut). */
export const auditJson = (r: AuditReport): string => `${JSON.stringify(r, null, 2)}\n`;

/** Says when verdicts rest on the resolver's view: the parent zone's servers could not be asked directly. */
function resolverView(zones: readonly { basis?: 'parent' | 'resolver' }[]): string {
  const n = zones.filter((z) => z.basis === 'resolver').length;
  if (n === 0) return '';
  return n === zones.length
    ? " (as the resolver sees them: the parent zones' servers could not be asked, so a referral was not verified)"
    : ` (${n} of them as the resolver sees them: their parent zone's servers could not be asked)`;
}
