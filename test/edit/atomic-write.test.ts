/** writeFileAtomic: old or new content, never half; no write through a link; the file's mode kept; nothing left behind. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsafeWriteError, writeFileAtomic } from '../../src/edit/atomic-write.js';

const folder = (): string => mkdtempSync(join(tmpdir(), 'rdns-atomic-'));

describe('writeFileAtomic', () => {
  it('creates a new file (mode 0644) and replaces an existing one, keeping its mode, with no temp file left', () => {
    const dir = folder();
    const a = join(dir, 'a.yaml');
    writeFileAtomic(a, 'prefix: 192.0.2.0/24\n');
    expect(readFileSync(a, 'utf8')).toBe('prefix: 192.0.2.0/24\n');
    expect(statSync(a).mode & 0o777).toBe(0o644);
    chmodSync(a, 0o600);
    writeFileAtomic(a, Buffer.from('prefix: 198.51.100.0/24\n'));
    expect(readFileSync(a, 'utf8')).toBe('prefix: 198.51.100.0/24\n');
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });

  it('replaces the file by rename: a reader holding the old file keeps reading the old content', () => {
    const dir = folder();
    const a = join(dir, 'a.yaml');
    writeFileSync(a, 'old\n');
    const before = statSync(a).ino;
    writeFileAtomic(a, 'new\n');
    expect(statSync(a).ino).not.toBe(before);
    expect(readFileSync(a, 'utf8')).toBe('new\n');
  });

  it('refuses a symbolic link as the target (file.symlink) and leaves the link and its target alone', () => {
    const dir = folder();
    const outside = join(folder(), 'secret');
    writeFileSync(outside, 'keep\n');
    symlinkSync(outside, join(dir, 'a.yaml'));
    const err = (() => {
      try {
        writeFileAtomic(join(dir, 'a.yaml'), 'evil\n');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UnsafeWriteError);
    expect(err).toMatchObject({ code: 'file.symlink', message: expect.stringContaining('is a symbolic link; rdns does not write through links') });
    expect(readFileSync(outside, 'utf8')).toBe('keep\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });

  it('refuses a target that is not a regular file (file.not-regular)', () => {
    const dir = folder();
    mkdirSync(join(dir, 'a.yaml'));
    expect(() => writeFileAtomic(join(dir, 'a.yaml'), 'x\n')).toThrow(expect.objectContaining({ code: 'file.not-regular', message: expect.stringContaining('is not a regular file; not written') }));
  });

  it('with root: refuses a folder on the path that links out of the repository, and writes inside it', () => {
    const root = folder();
    const outside = folder();
    symlinkSync(outside, join(root, 'zones'));
    expect(() => writeFileAtomic(join(root, 'zones', 'a.yaml'), 'x\n', { root })).toThrow(expect.objectContaining({ code: 'file.symlink', message: expect.stringContaining('outside the repository; not written') }));
    expect(readdirSync(outside)).toEqual([]);
    mkdirSync(join(root, 'real'));
    writeFileAtomic(join(root, 'real', 'a.yaml'), 'ok\n', { root });
    expect(readFileSync(join(root, 'real', 'a.yaml'), 'utf8')).toBe('ok\n');
  });

  // Root writes into any folder: skipped (reported as such) when the tests run as root.
  it.skipIf(process.getuid?.() === 0)('fails without touching the old content when the folder cannot be written, and leaves no temp file', () => {
    const dir = folder();
    const a = join(dir, 'a.yaml');
    writeFileSync(a, 'old\n');
    chmodSync(dir, 0o500);
    try {
      expect(() => writeFileAtomic(a, 'new\n')).toThrow(/EACCES/);
      expect(readFileSync(a, 'utf8')).toBe('old\n');
      expect(readdirSync(dir)).toEqual(['a.yaml']);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
