/**
 * Diagnostics → text (compiler style), JSON (the stable contract in DESIGN.md) or
 * GitHub workflow commands. Shared by every command that reports findings.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import { plural } from '../core/text.js';
import { printable } from '../core/file-name.js';

export type Format = 'text' | 'json' | 'github';
export const FORMATS: readonly Format[] = ['text', 'json', 'github'];

export interface Summary {
  files: number;
  records: number;
  errors: number;
  warnings: number;
  [extra: string]: number;
}

export function summarize(diagnostics: readonly Diagnostic[], files: number, records: number): Summary {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { files, records, errors, warnings };
}

// A file name is the pull request's text too: a line break in it must not start a line of its own.
const where = (d: Diagnostic): string => (d.file ? `${printable(d.file)}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '');

const paintWith =
  (color: boolean) =>
  (code: string, s: string): string =>
    color ? `\x1b[${code}m${s}\x1b[0m` : s;

/** One diagnostic as a compiler-style line: `zones/x.yaml:12:3: error hostname.invalid message`. */
export function diagnosticText(d: Diagnostic, color = false): string {
  const paint = paintWith(color);
  return `${where(d)}${paint(d.severity === 'error' ? '31' : '33', d.severity)} ${paint('2', d.code)} ${d.message}`;
}

/** One diagnostic in the JSON contract: fields in DESIGN.md's order, absent ones left out. */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const o: Record<string, unknown> = { severity: d.severity, code: d.code, message: d.message };
  if (d.file !== undefined) o.file = d.file;
  if (d.line !== undefined) o.line = d.line;
  if (d.column !== undefined) o.column = d.column;
  if (d.ip !== undefined) o.ip = d.ip;
  if (d.value !== undefined) o.value = d.value;
  if (d.ips !== undefined) o.ips = d.ips;
  return o;
}

/** `zones/x.yaml:12:3 error hostname.invalid message` lines, then a one-line summary. */
export function formatText(diagnostics: readonly Diagnostic[], summary: Summary, color = false): string {
  const paint = paintWith(color);
  const lines = diagnostics.map((d) => diagnosticText(d, color));
  const verdict = summary.errors === 0 && summary.warnings === 0 ? paint('32', 'ok') : summary.errors > 0 ? paint('31', 'failed') : paint('33', 'ok with warnings');
  lines.push(`${verdict}: ${plural(summary.files, 'file')}, ${plural(summary.records, 'record')}, ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`);
  return `${lines.join('\n')}\n`;
}

/** `{"diagnostics": [...], "summary": {...}}` exactly as in DESIGN.md. */
export function formatJson(diagnostics: readonly Diagnostic[], summary: Summary): string {
  return `${JSON.stringify({ diagnostics: diagnostics.map(diagnosticJson), summary }, null, 2)}\n`;
}

// Workflow command escaping (actions/toolkit core/command.ts): data escapes %, CR, LF; properties also : and ,.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One `::error file=…,line=…,col=…,title=…::message` line per diagnostic. */
export function formatGithub(diagnostics: readonly Diagnostic[], summary: Summary): string {
  const lines = diagnostics.map((d) => {
    const props: string[] = [];
    if (d.file) props.push(`file=${escapeProperty(d.file)}`);
    if (d.line) props.push(`line=${d.line}`);
    if (d.column) props.push(`col=${d.column}`);
    props.push(`title=${escapeProperty(d.code)}`);
    return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(d.message)}`;
  });
  lines.push(`rdns: ${summary.files} files, ${summary.records} records, ${summary.errors} errors, ${summary.warnings} warnings`);
  return `${lines.join('\n')}\n`;
}

export function formatDiagnostics(format: Format, diagnostics: readonly Diagnostic[], summary: Summary, color = false): string {
  if (format === 'json') return formatJson(diagnostics, summary);
  if (format === 'github') return formatGithub(diagnostics, summary);
  return formatText(diagnostics, summary, color);
}
