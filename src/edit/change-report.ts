/**
 * How `rdns set`, `reset` and `bulk` show a plan: a table of changes for people, the
 * diagnostics contract of DESIGN.md plus `changes` for machines, and a markdown table
 * for pull requests and commit messages.
 */
import { displayName, withoutTrailingDot } from '../core/hostname.js';
import type { PlannedChange, PtrValue, UnchangedRequest } from './plan.js';

const show = (v: PtrValue | undefined): string => (v ? `${displayName(withoutTrailingDot(v.ptr))}${v.source === 'default' ? ' (default)' : ''}${v.ttl !== undefined ? ` ttl ${v.ttl}` : ''}` : '(no PTR)');

/** `added   198.51.100.40  (no PTR) → web1.example.com  zones/x.yaml` lines, one per change. */
export function changeLines(changes: readonly PlannedChange[]): string[] {
  const w = Math.max(0, ...changes.map((c) => c.ipText.length));
  return changes.map((c) => `${c.kind.padEnd(7)} ${c.ipText.padEnd(w)}  ${show(c.old)} → ${show(c.new)}  ${c.file}${c.notes.length > 0 ? `  (${c.notes.join('; ')})` : ''}`);
}

export function unchangedLines(unchanged: readonly UnchangedRequest[]): string[] {
  return unchanged.map((u) => `same    ${u.ipText}  ${show(u.current)}${u.notes.length > 0 ? `  (${u.notes.join('; ')})` : ''}`);
}

export function jsonValue(v: PtrValue | undefined): Record<string, unknown> | null {
  if (!v) return null;
  const o: Record<string, unknown> = { ptr: v.ptr, source: v.source };
  if (v.ttl !== undefined) o.ttl = v.ttl;
  if (v.note !== undefined) o.note = v.note;
  return o;
}

export function jsonChange(c: PlannedChange): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: c.kind, ip: c.ipText, file: c.file, old: jsonValue(c.old), new: jsonValue(c.new) };
  if (c.pos) o.line = c.pos.line;
  if (c.notes.length > 0) o.notes = c.notes;
  return o;
}

const cell = (s: string): string => s.replace(/[|\\`*_<>[\]]/g, (ch) => `\\${ch}`).replace(/[\r\n]+/g, ' ');

/** Markdown table of the changes (pull request body); long lists are cut at `limit` rows. */
export function markdownTable(changes: readonly PlannedChange[], limit = 200): string {
  const rows = changes.slice(0, limit).map((c) => `| ${c.kind} | \`${c.ipText}\` | ${cell(show(c.old))} | ${cell(show(c.new))} | ${cell(c.file)} |`);
  const more = changes.length > limit ? `\n\n… and ${changes.length - limit} more changes (see the diff).` : '';
  return `| change | IP | old | new | file |\n|---|---|---|---|---|\n${rows.join('\n')}${more}`;
}

/** One-line summary for a commit subject or branch name: `set 198.51.100.40 → web1.example.com`, `bulk: 12 added, 3 reset`. */
export function changeSummary(changes: readonly PlannedChange[], verb = 'bulk'): string {
  if (changes.length === 1) {
    const c = changes[0]!;
    return c.kind === 'reset' ? `reset ${c.ipText} to ${c.new ? 'the block default' : 'no PTR'}` : `set ${c.ipText} → ${withoutTrailingDot(c.new?.ptr ?? '')}`;
  }
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return `${verb}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')} PTR${changes.length === 1 ? '' : 's'}`;
}
