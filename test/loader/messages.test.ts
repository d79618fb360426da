/** Issue 11, item 5: messages a person understands without the docs. */
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/loader/repository.js';
import { setPtr } from '../../src/edit/api.js';
import { writeRepo } from '../helpers/repo-files.js';

const messages = (text: string): string[] => loadRepository(writeRepo({ 'zones/a.yaml': text })).diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);

describe('messages name the likely mistake', () => {
  it.each([
    ['prefix: 198.51.100.0/24\nrecords:\n  198.51.100.23:mail2.example.com\n', '3:3 schema.invalid missing space after the colon: write "198.51.100.23: mail2.example.com"'],
    ['prefix: 198.51.100.0/24\nrecords:\n  198.51.100.22: mail.example.com\n  198.51.100.23:mail2.example.com\n', '4:16 yaml.syntax missing space after the colon: write "198.51.100.23: mail2.example.com"'],
    ['prefix: 192.0.2.0/24\n\tttl: 300\n', '2:1 yaml.syntax a tab in the indentation: YAML indents with spaces only'],
    ['prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1:\n    ptr: a.example.com\n    tll: 300\n', '5:5 schema.unknown-key unknown key "tll" in records.192.0.2.1; did you mean "ttl"?'],
    ['prefix: 192.0.2.0/24\ndefualt: "{dashed}.example.net"\n', '2:1 schema.unknown-key unknown key "defualt" in the file; did you mean "default"?'],
    ['prefix: 192.0.2.0/24\nrecords:\n  192.0.2.24:\n', '3:14 schema.invalid the record of 192.0.2.24 is empty: write its hostname after the colon (192.0.2.24: host.example.net), or remove the line so the block default applies'],
  ])('%j', (text, expected) => {
    expect(messages(text)[0]).toContain(expected);
  });

  it('an rdns.yaml that does not validate stops set (nothing written)', () => {
    const root = writeRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\n', 'rdns.yaml': 'policy:\n  deny: ["("]\n' });
    const r = setPtr(root, '192.0.2.9', 'x.example.com');
    expect(r.written).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ code: 'config.invalid', file: 'rdns.yaml' });
    expect(r.diagnostics[0]!.message).toContain('rdns.yaml must validate before PTRs are changed');
  });
});
