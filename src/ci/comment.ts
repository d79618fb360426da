/**
 * The pull-request comment (and job step summary): a verdict, one line per check, the
 * findings and the record changes as tables. Always under GitHub's 65,536-character
 * limit: tables are cut to fit and the comment says how many rows are left out.
 * Pure: report in, markdown out.
 */
import { blockRecordCount, type BlockChange, type ChangeCounts, type RecordChange } from '../core/changeset.js';
import { blockEffectsText } from '../diff/format-change-set.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { MAX_COMMENT_CHARS } from '../github/host.js';
import type { CiReport, StepName, StepReport } from './run-ci.js';
import { plural } from '../core/text.js';
import { printable } from '../core/file-name.js';
import { displayName } from '../core/hostname.js';

/** Hidden first line of the sticky comment; finding it again is how re-runs update in place. */
export const COMMENT_MARKER = '<!-- rdns-gitops:ci -->';

export interface CommentOptions {
  /** Upper bound for the whole body (default GitHub's comment limit). */
  readonly maxChars?: number;
  /** Rows per table before the size limit is even considered (readability). */
  readonly maxFindingRows?: number;
  readonly maxChangeRows?: number;
  /** Links file positions to the head commit: `${serverUrl}/${repository}/blob/${sha}/${file}#L${line}`. */
  readonly links?: { readonly serverUrl: string; readonly repository: string; readonly sha: string };
  /** Link to the workflow run, shown in the footer. */
  readonly runUrl?: string;
  /** The base as the user named it (e.g. `main`), for the `rdns diff` hint. */
  readonly baseRef?: string;
}

const STEP_TITLES: Readonly<Record<StepName, string>> = {
  validate: 'validate',
  diff: 'diff',
  ownership: 'ownership',
  guards: 'change guards',
  fcrdns: 'FCrDNS',
};

const KIND_LABELS: Readonly<Record<keyof ChangeCounts, string>> = {
  added: '➕ added',
  changed: '✏️ changed',
  reset: '↩️ reset',
  removed: '➖ removed',
  moved: '🚚 moved',
};


// GitHub handles in messages would notify whole teams on every push: show them as code.
const HANDLE = /@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?/g;

// Any line break GitHub's renderer honours (a lone CR too) would end the table row.
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// What GFM turns into a link by itself: `scheme://…` and `www.…` (mentions are handled as code).
const AUTOLINK = /\b([a-z][a-z0-9+.-]*)(?=:\/\/)|\b(www)(?=\.)/gi;

/**
 * Text for a table cell: markdown and HTML neutralised, one line, handles as code, other
 * control characters written as `\u{…}`, and no autolinks: a zero-width space after
 * `https` / `www` keeps a URL from a pull request's YAML as plain text.
 */
export function cellText(text: string): string {
  const escape = (s: string): string =>
    printable(s.replace(LINE_BREAK, ' '))
      .replace(/[\\`*_[\]<>|~&#]/g, (c) => `\\${c}`)
      .replace(AUTOLINK, (m) => `${m}\u200b`);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(HANDLE)) {
    out += escape(text.slice(last, m.index)) + code(m[0]);
    last = m.index + m[0].length;
  }
  return out + escape(text.slice(last));
}

/** A value as inline code inside a table cell. */
export function code(text: string): string {
  const clean = printable(text.replace(/`/g, "'").replace(LINE_BREAK, ' ')).replace(/\|/g, '\\|');
  return `\`${clean}\``;
}

function verdict(r: CiReport): string {
  if (r.errors > 0) return `## ❌ rdns: merge blocked — ${plural(r.errors, 'error')}${r.warnings > 0 ? `, ${plural(r.warnings, 'warning')}` : ''}`;
  if (r.warnings > 0) return `## ⚠️ rdns: checks passed with ${plural(r.warnings, 'warning')}`;
  return '## ✅ rdns: all checks passed';
}

function stepRow(s: StepReport): string {
  const icon = s.skipped ? '⏭️' : s.errors > 0 ? '❌' : s.warnings > 0 ? '⚠️' : '✅';
  const counts = [s.errors > 0 ? plural(s.errors, 'error') : '', s.warnings > 0 ? plural(s.warnings, 'warning') : ''].filter(Boolean).join(', ');
  const text = s.skipped ? `skipped: ${s.skipped}` : [s.note, counts].filter(Boolean).join(' — ') || 'ok';
  return `| ${icon} ${STEP_TITLES[s.name]} | ${cellText(text)} |`;
}

function countsLine(c: ChangeCounts): string {
  return (Object.keys(KIND_LABELS) as (keyof ChangeCounts)[])
    .filter((k) => c[k] > 0)
    .map((k) => `${c[k].toLocaleString('en-US')} ${k}`)
    .join(' · ');
}

const sumCounts = (cs: readonly RecordChange[]): ChangeCounts => {
  const c: ChangeCounts = { added: 0, changed: 0, reset: 0, removed: 0, moved: 0 };
  for (const x of cs) c[x.kind]++;
  return c;
};

/** Renders the comment body: the marker first, then the verdict, checks, findings and changes. */
export function renderComment(report: CiReport, options: CommentOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_COMMENT_CHARS;
  const place = (file: string | undefined, line: number | undefined): string => {
    if (!file) return '—';
    const text = line ? `${file}:${line}` : file;
    if (!options.links) return code(text);
    const { serverUrl, repository, sha } = options.links;
    const path = file.split('/').map(encodeURIComponent).join('/');
    return `[${code(text)}](${serverUrl.replace(/\/+$/, '')}/${repository}/blob/${sha}/${path}${line ? `#L${line}` : ''})`;
  };
  const findingRow = (d: Diagnostic): string => `| ${d.severity === 'error' ? '❌' : '⚠️'} | ${place(d.file, d.line)} | ${code(d.code)} | ${cellText(d.message)} |`;
  const ptrText = (c: RecordChange): string => {
    // IDN: the punycode that DNS serves, and the Unicode a reviewer reads.
    const name = (p: string): string => code(displayName(p.replace(/\.$/, '')));
    const dflt = (s: RecordChange['new']): string => (s?.source === 'default' ? ' _(default)_' : '');
    switch (c.kind) {
      case 'added':
        return `${name(c.new!.ptr)}${dflt(c.new)}`;
      case 'removed':
        return `~~${name(c.old!.ptr)}~~`;
      case 'moved':
        return name(c.new!.ptr);
      default:
        return `${c.old ? `${name(c.old.ptr)}${dflt(c.old)} → ` : ''}${c.new ? `${name(c.new.ptr)}${dflt(c.new)}` : ''}`;
    }
  };
  const changeRow = (c: RecordChange): string => {
    const where = c.kind === 'moved' && c.old ? `${code(c.old.file)} → ${place(c.file, c.new?.pos?.line)}` : place(c.file, c.new?.pos?.line ?? c.old?.pos?.line);
    const ttl = c.new?.ttl !== undefined && c.old?.ttl !== undefined && c.new.ttl !== c.old.ttl ? ` (TTL ${c.old.ttl} → ${c.new.ttl})` : '';
    return `| ${KIND_LABELS[c.kind]} | ${code(c.ipText)} | ${ptrText(c)}${ttl} | ${where} |`;
  };

  const cs = report.changeSet;
  const changes = cs?.changes ?? [];
  const header: string[] = [COMMENT_MARKER, verdict(report), ''];
  // Records that block settings create, change or delete (default, forward, delegate_to, zone moves).
  const effects = cs ? cs.blockChanges.reduce((n, b) => n + blockRecordCount(b), 0) : 0;
  const throughBlocks = `**${plural(effects, 'record')}** change${effects === 1 ? 's' : ''} through block settings (generic names, forward records, delegations, zone moves)`;
  if (cs) {
    const counts = sumCounts(changes);
    const files = cs.files.length;
    header.push(
      changes.length === 0 && effects === 0
        ? `No PTR changes${files > 0 ? ` (${plural(files, 'block file')} touched)` : ''}.`
        : changes.length === 0
          ? `${throughBlocks}.`
          : `**${plural(changes.length, 'record change')}** in ${plural(files, 'block file')}: ${countsLine(counts)}${effects > 0 ? `; and ${throughBlocks}` : ''}`,
      '',
    );
  }
  header.push('| check | result |', '|---|---|', ...report.steps.map(stepRow), '');

  const perBlock = cs ? Object.entries(cs.perBlock).sort(([a], [b]) => a.localeCompare(b)) : [];
  const blockChanges = cs?.blockChanges ?? [];
  const blockChangeRow = (b: BlockChange): string =>
    `- ${code(b.file)} (${code(b.prefix)}): ${cellText(`${b.kind === 'modified' ? `${b.fields.join(', ')} changed` : `block ${b.kind}`}${blockEffectsText(b)}`)}`;
  const footerParts = ['<sub>rdns-gitops · this comment is updated on every push'];
  if (options.runUrl) footerParts.push(` · [workflow run](${options.runUrl})`);
  footerParts.push('</sub>');
  const footer = ['', footerParts.join('')];
  const diffHint = `run \`rdns diff --base ${options.baseRef ?? 'BASE'}\` for the full list`;

  const build = (findingRows: number, changeRows: number, blockRows: number): string => {
    const out = [...header];
    // Errors first: they are what blocks the merge.
    const ds = [...report.diagnostics.filter((d) => d.severity === 'error'), ...report.diagnostics.filter((d) => d.severity !== 'error')];
    if (ds.length > 0) {
      out.push(`### Findings (${ds.length.toLocaleString('en-US')})`, '', '| | where | code | message |', '|---|---|---|---|', ...ds.slice(0, findingRows).map(findingRow));
      if (ds.length > findingRows) out.push('', `…and ${plural(ds.length - findingRows, 'more finding')}: see the check run's annotations, or run \`rdns ci\` locally.`);
      out.push('');
    }
    if (blockChanges.length > 0) {
      out.push(`### Block changes (${blockChanges.length.toLocaleString('en-US')})`, '', ...blockChanges.slice(0, blockRows).map(blockChangeRow));
      if (blockChanges.length > blockRows) out.push('', `…and ${plural(blockChanges.length - blockRows, 'more block change')}: ${diffHint}.`);
      out.push('');
    }
    if (perBlock.length > 1 && changes.length > changeRows) {
      out.push('### Changes per block file', '', '| block file | added | changed | reset | removed | moved |', '|---|---:|---:|---:|---:|---:|');
      for (const [file, c] of perBlock.slice(0, blockRows)) out.push(`| ${code(file)} | ${c.added} | ${c.changed} | ${c.reset} | ${c.removed} | ${c.moved} |`);
      if (perBlock.length > blockRows) out.push('', `…and ${plural(perBlock.length - blockRows, 'more block file')}.`);
      out.push('');
    }
    if (changes.length > 0) {
      const shown = Math.min(changeRows, changes.length);
      out.push(shown < changes.length ? `### Changes (first ${shown.toLocaleString('en-US')} of ${changes.length.toLocaleString('en-US')})` : `### Changes (${changes.length.toLocaleString('en-US')})`, '');
      if (shown > 0) out.push('<details open><summary>by IP</summary>', '', '| | IP | PTR | file |', '|---|---|---|---|', ...changes.slice(0, shown).map(changeRow), '', '</details>');
      if (shown < changes.length) out.push('', `…and ${plural(changes.length - shown, 'more change')}: ${diffHint}.`);
    }
    out.push(...footer);
    return `${out.join('\n')}\n`;
  };

  let findingRows = options.maxFindingRows ?? 100;
  let changeRows = options.maxChangeRows ?? 250;
  let blockRows = 50;
  let body = build(findingRows, changeRows, blockRows);
  // Halve the tables until the body fits; a handful of tries reaches zero rows.
  while (body.length > maxChars && (findingRows > 0 || changeRows > 0 || blockRows > 0)) {
    findingRows = Math.floor(findingRows / 2);
    changeRows = Math.floor(changeRows / 2);
    blockRows = Math.floor(blockRows / 2);
    body = build(findingRows, changeRows, blockRows);
  }
  if (body.length > maxChars) {
    // Only reachable with a tiny limit: cut hard, keep the marker so the comment stays sticky.
    const note = '\n\n…(cut to fit the size limit)\n';
    body = body.slice(0, Math.max(0, maxChars - note.length)) + note;
  }
  return body;
}
