/**
 * `rdns bulk` input: one `IP HOST [NOTE]` per line, as people paste it from a spreadsheet
 * or a provisioning script: separated by spaces, a tab, a comma or a semicolon, fields
 * optionally in double quotes (CSV: `""` is a quote inside). The first line is a header
 * when its first field is not an address (`IP Address,PTR Hostname,Ticket`). A third
 * column (tab, comma or semicolon separated) is the record's note, e.g. the ticket.
 * `IP default` resets the address to its block default. Blank lines, rows of empty cells
 * (`,`), `#` comments and the empty cells a spreadsheet writes at the end of a row are
 * ignored; CRLF line ends and a UTF-8 byte order mark are accepted. Whatever is not
 * understood is refused with the line and the column of the first field that is wrong.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';
import { parseIp } from '../core/ip.js';
import type { PtrRequest } from './plan.js';

export interface BulkInput {
  readonly requests: PtrRequest[];
  readonly diagnostics: Diagnostic[];
  /** Lines that asked for a change (not blank, not comments, not the header), valid or not. */
  readonly lineCount: number;
  /** The input line number of every change line, in order (change line k is `changeLines[k - 1]`). */
  readonly changeLines: number[];
  /** The input line of a header that was skipped, if any. */
  readonly headerLine?: number;
}

interface Field {
  readonly text: string;
  /** 1-based column of the field's first character (its opening quote when quoted). */
  readonly column: number;
}

type Split = { ok: true; fields: Field[]; separator: string } | { ok: false; column: number; reason: string };

const SEPARATOR_NAMES: Record<string, string> = { '\t': 'tab', ';': 'semicolon', ',': 'comma', ' ': 'space' };

/** The separator of one line: a tab, else a semicolon, else a comma (outside quotes), else spaces. */
function separatorOf(line: string): string {
  let quoted = false;
  let semicolon = false;
  let comma = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\t') return '\t';
    else if (!quoted && ch === ';') semicolon = true;
    else if (!quoted && ch === ',') comma = true;
  }
  return semicolon ? ';' : comma ? ',' : ' ';
}

/** Splits one line into fields (CSV quoting); spaces around fields are dropped. */
function splitFields(line: string): Split {
  const separator = separatorOf(line);
  const fields: Field[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: string | undefined): boolean => c === ' ' || (c === '\t' && separator !== '\t');
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) {
      // A trailing separator leaves an empty last field (`ip,`), spaces alone do not.
      if (separator !== ' ' && fields.length > 0 && line.trimEnd().endsWith(separator)) fields.push({ text: '', column: n + 1 });
      break;
    }
    const column = i + 1;
    let text = '';
    if (line[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            text += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        text += line[i++];
      }
      if (!closed) return { ok: false, column, reason: 'a quoted field has no closing quote (")' };
      while (i < n && isSpace(line[i])) i++;
      if (i < n && line[i] !== separator) return { ok: false, column: i + 1, reason: `unexpected "${line[i]}" after a quoted field; separate fields with a ${SEPARATOR_NAMES[separator]}` };
    } else {
      const start = i;
      while (i < n && line[i] !== separator && !(separator === ' ' && isSpace(line[i]))) i++;
      text = line.slice(start, i).trimEnd();
    }
    fields.push({ text, column });
    if (i < n && line[i] === separator) {
      i++;
      if (separator !== ' ' && i >= n) fields.push({ text: '', column: n + 1 });
    }
    if (i >= n) break;
  }
  return { ok: true, fields, separator };
}

/** Something typed as an address (digits with dots or colons), even a wrong one: never a header. */
const ADDRESS_LIKE = /^(?:[0-9a-f.:]*[0-9][0-9a-f.:]*(?:%\S+)?|[^\s:]*:[^\s:]*:\S*)$/i;

/** A header row: its first field is not an address, and no field is one (`example.com,192.0.2.1` is a swapped line, not a header). */
function isHeader(fields: readonly Field[]): boolean {
  const lead = fields[0]!.text;
  return !ADDRESS_LIKE.test(lead) && !parseIp(lead).ok && !fields.some((f) => parseIp(f.text).ok);
}

/** Parses bulk input text. `file` names it in diagnostics (`-` is shown as `<stdin>`). Never throws. */
export function parseBulkInput(text: string, file: string): BulkInput {
  const requests: PtrRequest[] = [];
  const diagnostics: Diagnostic[] = [];
  const changeLines: number[] = [];
  let headerLine: number | undefined;
  let seenContent = false;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split('\n');
  lines.forEach((raw, i) => {
    const full = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // A comment starts at a `#` at the line start or after a space or separator (hostnames never contain `#`).
    const line = full.replace(/(^|[\s,;])#.*$/, '$1');
    if (line.trim() === '') return;
    const split = splitFields(line);
    // A spreadsheet row with nothing in it (`,` or `;;`): a blank line, not a change line.
    if (split.ok && split.fields.every((f) => f.text === '')) return;
    const first = !seenContent;
    seenContent = true;
    const at = (column: number): { file: string; line: number; column: number } => ({ file, line: i + 1, column });
    if (split.ok && first && isHeader(split.fields)) {
      headerLine = i + 1;
      return;
    }
    changeLines.push(i + 1);
    const content = line.trim().slice(0, 200);
    if (!split.ok) {
      diagnostics.push(diag('bulk.syntax', `column ${split.column}: ${split.reason}`, at(split.column), { value: content }));
      return;
    }
    const sepName = SEPARATOR_NAMES[split.separator]!;
    // Empty cells at the end of a row are what spreadsheets export for empty columns.
    let fields = split.fields;
    while (fields.length > 1 && fields[fields.length - 1]!.text === '') fields = fields.slice(0, -1);
    const trailing = fields.length < split.fields.length;
    const lead = fields[0]!;
    if (fields.length === 1) {
      const hint = parseIp(lead.text).ok
        ? `the hostname is missing after ${lead.text}${trailing ? ` (the line ends with a ${sepName})` : ''}`
        : `expected "IP HOST" (or "IP default")`;
      diagnostics.push(diag('bulk.syntax', `${hint}; one field found, fields are separated by a space, tab, comma or semicolon`, at(trailing ? split.fields[1]!.column : lead.column + lead.text.length), { value: content }));
      return;
    }
    const empty = fields.findIndex((f) => f.text === '');
    if (empty >= 0) {
      diagnostics.push(diag('bulk.syntax', `column ${fields[empty]!.column}: the ${empty === 0 ? 'address' : 'hostname'} is empty (two ${sepName}s in a row)`, at(fields[empty]!.column), { value: content }));
      return;
    }
    const spaced = split.separator === ' ';
    if (fields.length > 3 || (fields.length === 3 && spaced)) {
      const extra = fields[spaced ? 2 : 3]!;
      const which = spaced ? 'third' : 'fourth';
      const why = spaced ? `expected "IP HOST" (or "IP default") separated by one space; a note as the third column needs a tab, comma or semicolon between the fields` : 'expected "IP HOST NOTE" at most';
      diagnostics.push(diag('bulk.syntax', `column ${extra.column}: unexpected ${which} field "${extra.text.slice(0, 60)}"; ${why}`, at(extra.column), { value: content }));
      return;
    }
    const [ipField, hostField, noteField] = fields as [Field, Field, Field | undefined];
    if (!parseIp(ipField.text).ok && parseIp(hostField.text).ok) {
      diagnostics.push(diag('bulk.syntax', `column ${ipField.column}: the address comes first: write "${hostField.text} ${ipField.text}"`, at(ipField.column), { value: content }));
      return;
    }
    const reset = hostField.text.toLowerCase() === 'default';
    if (reset && noteField) {
      diagnostics.push(diag('bulk.syntax', `column ${noteField.column}: "default" removes the record and its note; leave the note column empty`, at(noteField.column), { value: content }));
      return;
    }
    requests.push({ ip: ipField.text, host: reset ? undefined : hostField.text, ...(noteField ? { note: noteField.text } : {}), pos: at(ipField.column), hostColumn: hostField.column });
  });
  return { requests, diagnostics, lineCount: changeLines.length, changeLines, ...(headerLine !== undefined ? { headerLine } : {}) };
}
