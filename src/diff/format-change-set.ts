/**
 * A ChangeSet for people and programs: text for terminals, JSON for tools, and a
 * Markdown table for pull-request comments (bounded in rows and characters, since
 * GitHub refuses comments over 65,536 characters).
 */
import { blockRecordCount, type BlockChange, type ChangeCounts, type ChangeSet, type PtrState, type RecordChange } from '../core/changeset.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { dnsChangeCount } from './compute-change-set.js';
import { plural } from '../core/text.js';
import { displayName } from '../core/hostname.js';

const KIND_WORDS: Record<keyof ChangeCounts, string> = { added: 'added', changed: 'changed', reset: 'reset to default', removed: 'removed', moved: 'moved' };
const KINDS = Object.keys(KIND_WORDS) as (keyof ChangeCounts)[];

const total = (c: ChangeCounts): number => dnsChangeCount(c) + c.moved;
/** Records created, changed or deleted by block settings (default, forward, delegate_to, zone moves). */
const blockEffects = (cs: ChangeSet): number => cs.blockChanges.reduce((k, b) => k + blockRecordCount(b), 0);
const shortRev = (rev: string): string => (/^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 12) : rev === ':worktree' ? 'work tree' : rev);

/** `3 added, 1 changed, 2 removed` (kinds with zero left out); `no changes` when empty. */
export function describeCounts(c: ChangeCounts): string {
  const parts = KINDS.filter((k) => c[k] > 0).map((k) => `${c[k].toLocaleString('en-US')} ${KIND_WORDS[k]}`);
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

const ttlNote = (old: PtrState | undefined, now: PtrState | undefined): string => (old && now && old.ttl !== now.ttl ? ` (ttl ${old.ttl ?? '-'} → ${now.ttl ?? '-'})` : '');

/** One line per change: `+` added, `~` changed, `<` reset to the default, `-` removed, `>` moved. */
export function changeLine(c: RecordChange): string {
  switch (c.kind) {
    case 'added':
      return `+ ${c.ipText} ${displayName(c.new!.ptr)}`;
    case 'changed':
      return `~ ${c.ipText} ${displayName(c.old!.ptr)}${c.old!.source === 'default' ? ' (default)' : ''} → ${displayName(c.new!.ptr)}${ttlNote(c.old, c.new)}`;
    case 'reset':
      return `< ${c.ipText} ${displayName(c.old!.ptr)} → ${displayName(c.new!.ptr)} (default)${ttlNote(c.old, c.new)}`;
    case 'removed':
      return `- ${c.ipText} ${displayName(c.old!.ptr)}`;
    case 'moved':
      return `> ${c.ipText} ${displayName(c.new!.ptr)} ${c.old!.file} → ${c.new!.file}`;
  }
}

/** Terminal output: the changes, block-level changes, then counts per zone and per file. */
export function formatChangeSetText(cs: ChangeSet): string {
  const lines = cs.changes.map(changeLine);
  for (const b of cs.blockChanges) {
    const what = `${blockChangeText(b)}${genericText(b)}`;
    lines.push(`! ${b.file} (${b.prefix}): ${what}${b.oldFile ? ` (was ${b.oldFile})` : ''}`);
  }
  for (const f of cs.skipped) lines.push(`? ${f}: not compared, the file does not load in one of the revisions (run rdns validate)`);
  if (lines.length > 0) lines.push('');
  const n = total(cs.counts);
  const effects = blockEffects(cs);
  lines.push(`${shortRev(cs.base)} → ${shortRev(cs.head)}: ${n === 0 ? 'no record changes' : `${plural(n, 'record change')} (${describeCounts(cs.counts)})`}${effects > 0 ? ` and ${plural(effects, 'record')} through block settings` : ''} in ${plural(cs.files.length, 'file')}`);
  for (const [zone, c] of Object.entries(cs.perZone).sort(([a], [b]) => a.localeCompare(b))) {
    const of = cs.baseZoneRecords[zone];
    lines.push(`  zone ${zone} ${describeCounts(c)}${of ? ` (of ${plural(of, 'own record')} in the zone)` : ''}`);
  }
  for (const [file, c] of Object.entries(cs.perBlock).sort(([a], [b]) => a.localeCompare(b))) lines.push(`  file ${file} ${describeCounts(c)}`);
  return `${lines.join('\n')}\n`;
}

const stateJson = (s: PtrState | undefined): Record<string, unknown> | undefined =>
  s && { ptr: s.ptr, ttl: s.ttl, source: s.source, file: s.file, ...(s.pos ? { line: s.pos.line, column: s.pos.column } : {}) };

/** The JSON form (`rdns diff --format json`): changes, counts, per block and zone, block-level changes, diagnostics. */
export function changeSetJson(cs: ChangeSet, diagnostics: readonly Diagnostic[] = []): Record<string, unknown> {
  return {
    base: cs.base,
    head: cs.head,
    files: cs.files,
    changes: cs.changes.map((c) => ({ kind: c.kind, ip: c.ipText, zone: c.zone, file: c.file, old: stateJson(c.old), new: stateJson(c.new) })),
    blockChanges: cs.blockChanges.map((b) => ({
      kind: b.kind,
      file: b.file,
      ...(b.oldFile ? { oldFile: b.oldFile } : {}),
      prefix: b.prefix,
      fields: b.fields,
      ...(b.generic ? { generic: b.generic } : {}),
      ...(b.forward ? { forward: b.forward } : {}),
      ...(b.delegations ? { delegations: b.delegations } : {}),
      ...(b.zoneMove ? { zoneMove: b.zoneMove } : {}),
      line: b.pos.line,
      column: b.pos.column,
    })),
    counts: { ...cs.counts, total: total(cs.counts) },
    perZone: cs.perZone,
    perBlock: cs.perBlock,
    baseZoneRecords: cs.baseZoneRecords,
    skipped: cs.skipped,
    diagnostics,
  };
}

// Everything user-controlled goes into <code> with HTML escaped: no Markdown, no @mentions, no table breaks.
const code = (s: string): string =>
  `<code>${s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;').replace(/`/g, '&#96;').replace(/[\r\n]/g, ' ')}</code>`;

const MARK: Record<keyof ChangeCounts, string> = { added: '➕ added', changed: '✏️ changed', reset: '↩️ reset', removed: '➖ removed', moved: '🔀 moved' };

export interface MarkdownOptions {
  /** Table rows at most (default 100); the rest is counted, not listed. */
  readonly maxRows?: number;
  /** Upper bound of the returned text's length (default 60,000): rows are dropped to stay below it. */
  readonly maxChars?: number;
  /** How to get the full list, shown under a truncated table (default: the `rdns diff` command). */
  readonly fullListHint?: string;
}

/** A Markdown summary for a pull-request comment: counts, a (truncated) table of changes, counts per zone. */
export function renderChangeSetMarkdown(cs: ChangeSet, opts: MarkdownOptions = {}): string {
  const maxRows = opts.maxRows ?? 100;
  const maxChars = opts.maxChars ?? 60_000;
  const n = total(cs.counts);
  const head: string[] = [];
  const effects = blockEffects(cs);
  const through = effects > 0 ? `${plural(effects, 'record')} through block settings (see below)` : '';
  head.push(
    n === 0
      ? effects > 0 ? `**No record changes**, but ${through}.` : '**No record changes.**'
      : `**${plural(n, 'record change')}**: ${describeCounts(cs.counts)} (${plural(cs.files.length, 'file')})${through ? `; and ${through}` : ''}`,
  );
  const tail: string[] = [];
  const zones = Object.entries(cs.perZone).sort(([a], [b]) => a.localeCompare(b));
  if (zones.length > 0) {
    tail.push('', '<details><summary>Per reverse zone</summary>', '', '| zone | added | changed | reset | removed | moved | own records in base |', '|---|--:|--:|--:|--:|--:|--:|');
    for (const [zone, c] of zones.slice(0, 200)) tail.push(`| ${code(zone)} | ${c.added} | ${c.changed} | ${c.reset} | ${c.removed} | ${c.moved} | ${cs.baseZoneRecords[zone] ?? 0} |`);
    if (zones.length > 200) tail.push(`| … ${zones.length - 200} more zones | | | | | | |`);
    tail.push('', '</details>');
  }
  if (cs.blockChanges.length > 0) {
    tail.push('', 'Block settings:');
    for (const b of cs.blockChanges.slice(0, 50)) tail.push(`- ${code(b.file)} (${code(b.prefix)}): ${blockChangeText(b)}${genericText(b)}`);
    if (cs.blockChanges.length > 50) tail.push(`- … ${cs.blockChanges.length - 50} more`);
  }
  const rows: string[] = [];
  if (cs.changes.length > 0) {
    rows.push('', '| change | IP | before | after | file |', '|---|---|---|---|---|');
    let budget = maxChars - [...head, ...tail].join('\n').length - 400;
    let shown = 0;
    for (const c of cs.changes) {
      if (shown >= maxRows) break;
      const before = c.old ? `${code(displayName(c.old.ptr))}${c.old.source === 'default' ? ' (default)' : ''}` : '';
      const after = c.new ? `${code(displayName(c.new.ptr))}${c.new.source === 'default' ? ' (default)' : ''}${ttlNote(c.old, c.new)}` : '';
      const file = c.kind === 'moved' ? `${code(c.old!.file)} → ${code(c.new!.file)}` : code(c.file);
      const row = `| ${MARK[c.kind]} | ${code(c.ipText)} | ${before} | ${after} | ${file} |`;
      if (row.length + 1 > budget) break;
      budget -= row.length + 1;
      rows.push(row);
      shown++;
    }
    if (shown < cs.changes.length) {
      const hint = opts.fullListHint ?? `run \`rdns diff --base ${shortRev(cs.base)}\` for the full list`;
      rows.push('', `_… and ${(cs.changes.length - shown).toLocaleString('en-US')} more changes not shown (${hint})._`);
    }
  }
  return `${[...head, ...rows, ...tail].join('\n')}\n`;
}

const blockChangeText = (b: BlockChange): string => (b.kind === 'modified' ? `${b.fields.join(', ')} changed` : `block ${b.kind}`);

/**
 * ` — 255 generic names renamed, 1 forward A/AAAA added, 198.51.100.32/28 delegated to ns1.…`:
 * the records a block-level change creates, changes or deletes. Empty when there are none.
 */
export function blockEffectsText(b: BlockChange): string {
  const bare = (ns: string): string => ns.replace(/\.$/, '');
  const addresses = (k: number): string => `${k.toLocaleString('en-US')} address${k === 1 ? '' : 'es'}`;
  const n = (count: number, what: string): string => (count > 0 ? `${count.toLocaleString('en-US')} ${what}` : '');
  const parts = [
    n(b.generic?.added ?? 0, (b.generic?.added ?? 0) === 1 ? 'generic PTR added' : 'generic PTRs added'),
    n(b.generic?.renamed ?? 0, 'generic names renamed'),
    n(b.generic?.removed ?? 0, 'generic names removed'),
    n(b.forward?.added ?? 0, 'forward A/AAAA added'),
    n(b.forward?.removed ?? 0, 'forward A/AAAA removed'),
    ...(b.delegations ?? []).map((d) =>
      d.kind === 'added'
        ? `${d.prefix} delegated to ${d.after!.map(bare).join(', ')} (${addresses(d.addresses)} answered there)`
        : d.kind === 'removed'
          ? `${d.prefix} no longer delegated to ${d.before!.map(bare).join(', ')} (${addresses(d.addresses)})`
          : `${d.prefix} delegated to ${d.after!.map(bare).join(', ')} instead of ${d.before!.map(bare).join(', ')}`,
    ),
    b.zoneMove ? `reverse zone moved: ${b.zoneMove.from.join(', ')} → ${b.zoneMove.to.join(', ')} (${plural(b.zoneMove.records, 'record')})` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` — ${parts.join(', ')}` : '';
}

const genericText = blockEffectsText;
