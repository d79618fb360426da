import { describe, expect, it } from 'vitest';
import { changedFiles, parseNameStatus, WORKTREE } from '../../src/git/changed-files.js';
import { listFilesAt, readFilesAt } from '../../src/git/read-files.js';
import { createGitRepo } from '../helpers/git-repo.js';

const BODY = (n: number): string => `prefix: 192.0.${n}.0/24\nrecords:\n${Array.from({ length: 20 }, (_, i) => `  192.0.${n}.${i + 1}: host${i}.example.com\n`).join('')}`;

describe('changedFiles', () => {
  it('pairs a renamed block file instead of reporting a delete and an add', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': BODY(1), 'zones/b.yaml': BODY(2), 'zones/c.yaml': BODY(3) });
    repo.rename('zones/a.yaml', 'zones/site/a-renamed.yaml');
    repo.commit('edit and delete', { 'zones/b.yaml': BODY(2).replace('host0.', 'changed.') });
    repo.remove('zones/c.yaml');
    repo.commit('delete c');
    expect(await changedFiles(repo.root, 'HEAD~3', 'HEAD', ['zones'])).toEqual([
      { status: 'modified', path: 'zones/b.yaml' },
      { status: 'deleted', path: 'zones/c.yaml' },
      { status: 'renamed', path: 'zones/site/a-renamed.yaml', oldPath: 'zones/a.yaml' },
    ]);
  });

  it('sees uncommitted and untracked files when comparing with the work tree', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': BODY(1), 'README.md': 'x' });
    repo.write({ 'zones/a.yaml': BODY(1).replace('host3.', 'edited.'), 'zones/new file.yaml': BODY(4), 'README.md': 'y' });
    expect(await changedFiles(repo.root, 'HEAD', WORKTREE, ['zones'])).toEqual([
      { status: 'modified', path: 'zones/a.yaml' },
      { status: 'added', path: 'zones/new file.yaml' },
    ]);
  });

  it('parses copies as additions and keeps odd file names intact', () => {
    expect(parseNameStatus('M\0zones/a b.yaml\0C075\0zones/x.yaml\0zones/y.yaml\0R100\0zones/ä.yaml\0zones/ö.yaml\0')).toEqual([
      { status: 'modified', path: 'zones/a b.yaml' },
      { status: 'added', path: 'zones/y.yaml' },
      { status: 'renamed', path: 'zones/ö.yaml', oldPath: 'zones/ä.yaml' },
    ]);
  });
});

describe('readFilesAt', () => {
  it('reads many files of an older revision at once and leaves out the missing ones', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': BODY(1), 'zones/b.yaml': BODY(2) });
    const first = repo.rev('HEAD');
    repo.commit('change a', { 'zones/a.yaml': 'prefix: 192.0.1.0/24\n' });
    const files = await readFilesAt(repo.root, first, ['zones/a.yaml', 'zones/b.yaml', 'zones/missing.yaml']);
    expect([...files.keys()].sort()).toEqual(['zones/a.yaml', 'zones/b.yaml']);
    expect(Buffer.from(files.get('zones/a.yaml')!).toString()).toBe(BODY(1));
    expect(Buffer.from((await readFilesAt(repo.root, 'HEAD', ['zones/a.yaml'])).get('zones/a.yaml')!).toString()).toBe('prefix: 192.0.1.0/24\n');
    expect(await listFilesAt(repo.root, first, ['zones'])).toEqual(['zones/a.yaml', 'zones/b.yaml']);
  });

  it('keeps bytes exactly (a file that is not UTF-8 reaches the loader as it is)', async () => {
    const bytes = Uint8Array.from([0x70, 0xff, 0xfe, 0x0a]);
    const repo = createGitRepo({ 'zones/bin.yaml': bytes });
    expect([...(await readFilesAt(repo.root, 'HEAD', ['zones/bin.yaml'])).get('zones/bin.yaml')!]).toEqual([...bytes]);
  });
});
