import { describe, expect, it } from 'vitest';
import type { ChangeSet, RecordChange } from '../../src/core/changeset.js';
import { changeLine, renderChangeSetMarkdown } from '../../src/diff/format-change-set.js';

const change = (i: number, file = 'zones/a.yaml'): RecordChange => ({
  kind: 'added',
  ip: { version: 4, value: BigInt(0xc0000200 + i) },
  ipText: `192.0.2.${i}`,
  zone: '2.0.192.in-addr.arpa.',
  file,
  new: { ptr: `host${i}.example.com.`, ttl: 3600, source: 'record', file },
});

const changeSet = (changes: RecordChange[]): ChangeSet => ({
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  changes,
  counts: { added: changes.length, changed: 0, reset: 0, removed: 0, moved: 0 },
  perBlock: {},
  perZone: { '2.0.192.in-addr.arpa.': { added: changes.length, changed: 0, reset: 0, removed: 0, moved: 0 } },
  baseZoneRecords: {},
  blockChanges: [],
  files: ['zones/a.yaml'],
  skipped: [],
});

describe('renderChangeSetMarkdown', () => {
  it('lists at most maxRows rows and counts the rest', () => {
    const md = renderChangeSetMarkdown(changeSet(Array.from({ length: 250 }, (_, i) => change(i))), { maxRows: 10 });
    expect(md.match(/^\| ➕ added /gm)).toHaveLength(10);
    expect(md).toContain('_… and 240 more changes not shown (run `rdns diff --base aaaaaaaaaaaa` for the full list)._');
    expect(md).toContain('**250 record changes**: 250 added (1 file)');
  });

  it('stays under maxChars however many changes there are', () => {
    const md = renderChangeSetMarkdown(changeSet(Array.from({ length: 5000 }, (_, i) => change(i % 256))), { maxRows: 5000, maxChars: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/more changes not shown/);
  });

  it('renders hostile file names inert: no table breaks, no HTML, no @mentions', () => {
    const md = renderChangeSetMarkdown(changeSet([change(1, 'zones/x|<img src=x>`@org/team`.yaml')]));
    const row = md.split('\n').find((l) => l.startsWith('| ➕'))!;
    expect(row.split(' | ')).toHaveLength(5);
    expect(row).toContain('<code>zones/x&#124;&lt;img src=x&gt;&#96;@org/team&#96;.yaml</code>');
  });

  it('says so when nothing changed', () => {
    expect(renderChangeSetMarkdown({ ...changeSet([]), perZone: {} })).toBe('**No record changes.**\n');
  });
});

describe('changeLine', () => {
  it('marks each kind the way docs/commands.md shows', () => {
    expect(changeLine(change(22))).toBe('+ 192.0.2.22 host22.example.com.');
  });
});
