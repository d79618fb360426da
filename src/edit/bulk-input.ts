/**
 * `rdns bulk` input: one `IP HOST` per line, separated by spaces, tabs or a comma
 * (what a spreadsheet export or a provisioning script produces). `IP default` resets
 * the address to its block default. Blank lines and `#` comments are ignored; CRLF
 * line ends and a UTF-8 byte order mark are accepted.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { PtrRequest } from './plan.js';

export interface BulkInput {
  readonly requests: PtrRequest[];
  readonly diagnostics: Diagnostic[];
  /** Lines that asked for a change (not blank, not comments), valid or not. */
  readonly lineCount: number;
}

/** Parses bulk input text. `file` names it in diagnostics (`-` is shown as `<stdin>`). Never throws. */
export function parseBulkInput(text: string, file: string): BulkInput {
  const requests: PtrRequest[] = [];
  const diagnostics: Diagnostic[] = [];
  let lineCount = 0;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // A comment starts at a `#` at the line start or after whitespace (hostnames never contain `#`).
    const content = line.replace(/(^|[\s,])#.*$/, '$1').trim();
    if (content === '') return;
    lineCount++;
    const column = line.length - line.trimStart().length + 1;
    const pos = { file, line: i + 1, column };
    const fields = content.split(/\s*,\s*|\s+/);
    if (fields.length !== 2 || fields.some((f) => f === '')) {
      diagnostics.push(diag('bulk.syntax', `expected "IP HOST" (or "IP default"), separated by a space, tab or comma; found ${fields.filter(Boolean).length} field(s)`, pos, { value: content.slice(0, 200) }));
      return;
    }
    const [ip, host] = fields as [string, string];
    requests.push({ ip, host: host.toLowerCase() === 'default' ? undefined : host, pos });
  });
  return { requests, diagnostics, lineCount };
}
