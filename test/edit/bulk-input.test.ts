// rdns bulk's input parser on its own (src/edit/bulk-input.ts): what a spreadsheet or a
// script pastes, line by line — header rows, a note column, blank rows, trailing
// delimiters — and the exact message and column for what it does not understand.
// Plus the library's handling of the note when a record's name changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBulkInput } from '../../src/edit/bulk-input.js';
import { applyBulk, setPtr } from '../../src/edit/api.js';
import { writeRepo } from '../helpers/repo-files.js';

const requestsOf = (text: string): { ip: string; host?: string; note?: string; line: number }[] =>
  parseBulkInput(text, 'in.csv').requests.map((r) => ({ ip: r.ip, ...(r.host !== undefined ? { host: r.host } : {}), ...(r.note !== undefined ? { note: r.note } : {}), line: r.pos!.line }));
const errorsOf = (text: string): string[] => parseBulkInput(text, 'in.csv').diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);

describe('parseBulkInput', () => {
  it.each([
    ['IP Address,PTR Hostname'],
    ['ip;hostname'],
    ['Address\tName\tTicket'],
    ['"IP","Reverse DNS name","Comment"'],
    ['IPv4 address'],
  ])('any first line whose first field is not an address is a header: %s', (header) => {
    const p = parseBulkInput(`${header}\n198.51.100.40,web1.example.com\n`, 'in.csv');
    expect(p.headerLine).toBe(1);
    expect(p.diagnostics).toEqual([]);
    expect(p.lineCount).toBe(1);
    expect(requestsOf(`${header}\n198.51.100.40,web1.example.com\n`)).toEqual([{ ip: '198.51.100.40', host: 'web1.example.com', line: 2 }]);
  });

  it.each([
    ['198.51.100.053 vm53.example.net', [{ ip: '198.51.100.053', host: 'vm53.example.net', line: 1 }]],
    ['2001:db8::zz web.example.net', [{ ip: '2001:db8::zz', host: 'web.example.net', line: 1 }]],
  ])('a first line that is a (wrong) address is a change line, not a header: %s', (text, expected) => {
    expect(parseBulkInput(text, 'in.csv').headerLine).toBeUndefined();
    expect(requestsOf(text)).toEqual(expected);
  });

  it('a swapped first line is not taken for a header', () => {
    expect(errorsOf('web1.example.com 198.51.100.40\n')).toEqual(['1:1 bulk.syntax column 1: the address comes first: write "198.51.100.40 web1.example.com"']);
  });

  it('only the first line can be a header', () => {
    // A later one is a change line (its "address" is then refused by the plan: record.ip-invalid).
    expect(requestsOf('198.51.100.40 a.example.com\nIP Address,PTR Hostname\n')).toEqual([
      { ip: '198.51.100.40', host: 'a.example.com', line: 1 },
      { ip: 'IP Address', host: 'PTR Hostname', line: 2 },
    ]);
  });

  it.each([
    ['198.51.100.40,web1.example.com,NOC-42', 'NOC-42'],
    ['198.51.100.40\tweb1.example.com\tNOC-42 moved rack', 'NOC-42 moved rack'],
    ['198.51.100.40;web1.example.com;"NOC-42; urgent"', 'NOC-42; urgent'],
    ['"198.51.100.40","web1.example.com","say ""hi"""', 'say "hi"'],
  ])('a third column is the note: %s', (line, note) => {
    expect(requestsOf(line)).toEqual([{ ip: '198.51.100.40', host: 'web1.example.com', note, line: 1 }]);
  });

  it('rows of empty cells are skipped like blank lines and not counted', () => {
    const p = parseBulkInput('ip,hostname\n,\n198.51.100.40,a.example.com\n;;\n\t\n,,\n"",""\n198.51.100.41,b.example.com\n', 'in.csv');
    expect(p.diagnostics).toEqual([]);
    expect(p.lineCount).toBe(2);
    expect(p.changeLines).toEqual([3, 8]);
  });

  it('empty cells at the end of a row (a trailing delimiter) are dropped', () => {
    expect(requestsOf('198.51.100.40,web1.example.com,\n198.51.100.41;web2.example.com;;\n198.51.100.42\tweb3.example.com\tNOC-1\t\n')).toEqual([
      { ip: '198.51.100.40', host: 'web1.example.com', line: 1 },
      { ip: '198.51.100.41', host: 'web2.example.com', line: 2 },
      { ip: '198.51.100.42', host: 'web3.example.com', note: 'NOC-1', line: 3 },
    ]);
  });

  it.each([
    ['198.51.100.40,', '1:15 bulk.syntax the hostname is missing after 198.51.100.40 (the line ends with a comma); one field found, fields are separated by a space, tab, comma or semicolon'],
    ['198.51.100.40;;', '1:15 bulk.syntax the hostname is missing after 198.51.100.40 (the line ends with a semicolon); one field found, fields are separated by a space, tab, comma or semicolon'],
    ['198.51.100.40', '1:14 bulk.syntax the hostname is missing after 198.51.100.40; one field found, fields are separated by a space, tab, comma or semicolon'],
    ['198.51.100.40,,web1.example.com', '1:15 bulk.syntax column 15: the hostname is empty (two commas in a row)'],
    [',web1.example.com', '1:1 bulk.syntax column 1: the address is empty (two commas in a row)'],
    ['198.51.100.40,web1.example.com,NOC-1,extra', '1:38 bulk.syntax column 38: unexpected fourth field "extra"; expected "IP HOST NOTE" at most'],
    ['198.51.100.40 web1.example.com NOC-1', '1:32 bulk.syntax column 32: unexpected third field "NOC-1"; expected "IP HOST" (or "IP default") separated by one space; a note as the third column needs a tab, comma or semicolon between the fields'],
    ['198.51.100.40,default,NOC-1', '1:23 bulk.syntax column 23: "default" removes the record and its note; leave the note column empty'],
    ['198.51.100.40,"web1.example.com', '1:15 bulk.syntax column 15: a quoted field has no closing quote (")'],
  ])('refuses %s with the right message and column', (line, message) => {
    expect(errorsOf(`ip,hostname\n${line}\n`).map((m) => m.replace(/^2:/, '1:'))).toEqual([message]);
  });

  it('comments, CRLF and a byte order mark', () => {
    expect(requestsOf('\uFEFF# batch\r\n198.51.100.40 a.example.com # first\r\n198.51.100.41,default\r\n')).toEqual([
      { ip: '198.51.100.40', host: 'a.example.com', line: 2 },
      { ip: '198.51.100.41', line: 3 },
    ]);
  });
});

const BLOCK = `prefix: 198.51.100.0/24
default: "{dashed}.static.example.net"
records:
  198.51.100.22:
    ptr: mail.example.com
    ttl: 300
    note: NOC-1234  # the old ticket
  198.51.100.23: {ptr: www.example.com, note: NOC-7}
`;
const FILE = 'zones/198.51.100.0_24.yaml';

describe('the note of a record whose name changes', () => {
  it('a new name without a note drops the old note (and keeps the TTL)', () => {
    const root = writeRepo({ [FILE]: BLOCK });
    const r = applyBulk(root, '198.51.100.22 mx1.example.com\n198.51.100.23 web.example.com\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.changes.map((c) => c.new)).toEqual([
      { ptr: 'mx1.example.com.', source: 'record', ttl: 300 },
      { ptr: 'web.example.com.', source: 'record' },
    ]);
    expect(readFileSync(join(root, FILE), 'utf8')).toBe(`prefix: 198.51.100.0/24
default: "{dashed}.static.example.net"
records:
  198.51.100.22:
    ptr: mx1.example.com
    ttl: 300
  198.51.100.23: {ptr: web.example.com}
`);
  });

  it('a note given replaces the old one; the same name keeps it', () => {
    const root = writeRepo({ [FILE]: BLOCK });
    const r = applyBulk(root, 'ip,hostname,ticket\n198.51.100.22,mx1.example.com,NOC-2041\n');
    expect(r.diagnostics).toEqual([]);
    expect(readFileSync(join(root, FILE), 'utf8')).toContain('    ptr: mx1.example.com\n    ttl: 300\n    note: NOC-2041  # the old ticket\n');
    const same = setPtr(root, '198.51.100.23', 'www.example.com', { ttl: 600 });
    expect(same.changes[0]!.new).toEqual({ ptr: 'www.example.com.', source: 'record', ttl: 600, note: 'NOC-7' });
    expect(readFileSync(join(root, FILE), 'utf8')).toContain('  198.51.100.23: {ptr: www.example.com, note: NOC-7, ttl: 600}\n');
  });
});
