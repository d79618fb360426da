/** editFiles: every file of one edit is written, or none; what the edit does not touch stays byte for byte; no write through a link. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseIp } from '../../src/core/ip.js';
import { editFiles, type TextEdit } from '../../src/edit/edit-files.js';
import { editRecords, type RecordEdit } from '../../src/edit/record-edit.js';

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

/** A repository folder with `files` (relative path → text). */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rdns-edit-files-'));
  folders.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const read = (root: string, file: string): string => readFileSync(join(root, file), 'utf8');
const zonesListing = (root: string): string[] => readdirSync(join(root, 'zones')).sort();
const setPtr = (ipText: string, ptr: string): RecordEdit => {
  const ip = parseIp(ipText);
  if (!ip.ok) throw new Error(ipText);
  return { op: 'set', ip: ip.value, ipText, ptr };
};
const records = (...edits: RecordEdit[]): TextEdit => (text) => editRecords(text, edits);

const A = 'zones/192.0.2.0_24.yaml';
const B = 'zones/198.51.100.0_24.yaml';
const BLOCK_A = '# lab\nprefix: 192.0.2.0/24\nrecords:\n  192.0.2.9: z.example.test # last\n  192.0.2.1: a.example.test  # first, out of order on purpose\n';
const BLOCK_B = 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: b.example.test\n';

describe('editFiles', () => {
  it('writes every changed file, keeping comments, order, a byte order mark and CRLF; unchanged files are not rewritten', () => {
    const bomCrlf = `\uFEFF${BLOCK_B.replace(/\n/g, '\r\n')}`;
    const root = repo({ [A]: BLOCK_A, [B]: bomCrlf, 'zones/203.0.113.0_24.yaml': 'prefix: 203.0.113.0/24\n' });
    const seen: string[] = [];
    const r = editFiles(
      root,
      new Map<string, TextEdit>([
        [A, records(setPtr('192.0.2.9', 'new.example.test'), setPtr('192.0.2.5', 'five.example.test'))],
        [B, (text) => (seen.push(text), records(setPtr('198.51.100.1', 'b2.example.test'))(text))],
        ['zones/203.0.113.0_24.yaml', (text) => ({ ok: true, text })],
      ]),
    );
    expect(r).toEqual({ changed: [A, B], written: [A, B], diagnostics: [] });
    // Only the changed and the new line differ: comments and the order as written stay.
    expect(read(root, A)).toBe('# lab\nprefix: 192.0.2.0/24\nrecords:\n  192.0.2.5: five.example.test\n  192.0.2.9: new.example.test # last\n  192.0.2.1: a.example.test  # first, out of order on purpose\n');
    // The edit sees the text without the mark; the file keeps it.
    expect(seen[0]!.startsWith('\uFEFF')).toBe(false);
    expect(read(root, B)).toBe('\uFEFFprefix: 198.51.100.0/24\r\nrecords:\r\n  198.51.100.1: b2.example.test\r\n');
    expect(zonesListing(root)).toEqual(['192.0.2.0_24.yaml', '198.51.100.0_24.yaml', '203.0.113.0_24.yaml']);
  });

  it('writes nothing when one file cannot be edited safely, and says which file and why', () => {
    const root = repo({ [A]: BLOCK_A, [B]: BLOCK_B });
    const r = editFiles(
      root,
      new Map<string, TextEdit>([
        [A, records(setPtr('192.0.2.9', 'new.example.test'))],
        [B, () => ({ ok: false, reason: 'the file does not parse' })],
      ]),
    );
    expect(r.written).toEqual([]);
    expect(r.changed).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'edit.unsafe', severity: 'error', file: B, line: 1, column: 1, message: 'not edited (the file is left as it was): the file does not parse' })]);
    expect(read(root, A)).toBe(BLOCK_A);
    expect(read(root, B)).toBe(BLOCK_B);
    expect(zonesListing(root)).toEqual(['192.0.2.0_24.yaml', '198.51.100.0_24.yaml']);
  });

  it('refuses a block file that is a link (file.symlink), leaves the link target alone and writes no other file', () => {
    const outside = repo({ 'secret.yaml': BLOCK_B });
    const root = repo({ [A]: BLOCK_A });
    symlinkSync(join(outside, 'secret.yaml'), join(root, B));
    const r = editFiles(
      root,
      new Map<string, TextEdit>([
        [A, records(setPtr('192.0.2.9', 'new.example.test'))],
        [B, records(setPtr('198.51.100.1', 'evil.example.test'))],
      ]),
    );
    expect(r.written).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'file.symlink', file: B })]);
    expect(read(root, A)).toBe(BLOCK_A);
    expect(read(outside, 'secret.yaml')).toBe(BLOCK_B);
  });

  it('writes nothing when a file is swapped for a link after it was read: the write of one is refused, the other file stays old and no temp file is left', () => {
    const outside = repo({ 'secret.yaml': BLOCK_B });
    const root = repo({ [A]: BLOCK_A, [B]: BLOCK_B });
    const swap: TextEdit = (text) => {
      // Another program (not an rdns, so the lock does not stop it) replaces the file meanwhile.
      rmSync(join(root, B));
      symlinkSync(join(outside, 'secret.yaml'), join(root, B));
      return records(setPtr('198.51.100.1', 'evil.example.test'))(text);
    };
    const r = editFiles(root, new Map<string, TextEdit>([[A, records(setPtr('192.0.2.9', 'new.example.test'))], [B, swap]]));
    expect(r.written).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'file.symlink', file: B, message: expect.stringContaining('is a symbolic link; rdns does not write through links') })]);
    expect(read(root, A)).toBe(BLOCK_A);
    expect(read(outside, 'secret.yaml')).toBe(BLOCK_B);
    expect(zonesListing(root)).toEqual(['192.0.2.0_24.yaml', '198.51.100.0_24.yaml']);
  });

  it('a missing file is file.unreadable and stops the others', () => {
    const root = repo({ [A]: BLOCK_A });
    const r = editFiles(root, new Map<string, TextEdit>([[A, records(setPtr('192.0.2.9', 'new.example.test'))], [B, records(setPtr('198.51.100.1', 'b.example.test'))]]));
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'file.unreadable', file: B, message: 'cannot read the file: ENOENT' })]);
    expect(read(root, A)).toBe(BLOCK_A);
  });

  it('a preview (apply: false) says which files would change, writes nothing and takes no lock', () => {
    const root = repo({ [A]: BLOCK_A, [B]: BLOCK_B });
    const held: string[] = [];
    const r = editFiles(
      root,
      new Map<string, TextEdit>([
        [A, (text) => (held.push(...zonesListing(root).filter((f) => f.endsWith('.lock'))), records(setPtr('192.0.2.9', 'new.example.test'))(text))],
        [B, (text) => ({ ok: true, text })],
      ]),
      { apply: false },
    );
    expect(r).toEqual({ changed: [A], written: [], diagnostics: [] });
    expect(held).toEqual([]);
    expect(read(root, A)).toBe(BLOCK_A);
  });

  it('holds the lock of every file while it edits, and lets go of all of them after', () => {
    const root = repo({ [A]: BLOCK_A, [B]: BLOCK_B });
    const locks: string[][] = [];
    const peek: TextEdit = (text) => (locks.push(zonesListing(root).filter((f) => f.endsWith('.lock'))), { ok: true, text: `${text}# edited\n` });
    editFiles(root, new Map<string, TextEdit>([[B, peek], [A, peek]]));
    // Taken in sorted order, so two runs over the same files cannot deadlock.
    expect(locks).toEqual([['.192.0.2.0_24.yaml.lock'], ['.192.0.2.0_24.yaml.lock', '.198.51.100.0_24.yaml.lock']]);
    expect(zonesListing(root)).toEqual(['192.0.2.0_24.yaml', '198.51.100.0_24.yaml']);
    expect(read(root, A)).toBe(`${BLOCK_A}# edited\n`);
  });
});
