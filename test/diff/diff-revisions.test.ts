import { describe, expect, it } from 'vitest';
import { diffRevisions } from '../../src/diff/diff-revisions.js';
import { cloneGitRepo, createGitRepo } from '../helpers/git-repo.js';

const block = (prefix: string, records: Record<string, string>, extra = ''): string =>
  `prefix: ${prefix}\nowners: ["@example-isp/noc"]\n${extra}records:\n${Object.entries(records)
    .map(([ip, ptr]) => `  ${ip}: ${ptr}`)
    .join('\n')}\n`;

type Diff = Awaited<ReturnType<typeof diffRevisions>>;
const lines = (d: Diff): string[] => d.changeSet.changes.map((c) => `${c.kind} ${c.ipText} ${c.old?.ptr ?? '-'} ${c.new?.ptr ?? '-'} ${c.file}`);

describe('diffRevisions', () => {
  it('finds added, changed, removed and reset records between two commits', async () => {
    const repo = createGitRepo({
      'zones/a.yaml': block('198.51.100.0/24', { '198.51.100.1': 'one.example.com', '198.51.100.2': 'two.example.com', '198.51.100.3': 'three.example.com' }),
      'zones/b.yaml': block('192.0.2.0/24', { '192.0.2.9': 'nine.example.com' }, 'default: "{dashed}.static.example.net"\n'),
    });
    repo.commit('change', {
      'zones/a.yaml': block('198.51.100.0/24', { '198.51.100.1': 'one.example.com', '198.51.100.2': 'deux.example.com', '198.51.100.4': 'four.example.com' }),
      'zones/b.yaml': block('192.0.2.0/24', {}, 'default: "{dashed}.static.example.net"\n'),
    });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(lines(d)).toEqual([
      'reset 192.0.2.9 nine.example.com. 192-0-2-9.static.example.net. zones/b.yaml',
      'changed 198.51.100.2 two.example.com. deux.example.com. zones/a.yaml',
      'removed 198.51.100.3 three.example.com. - zones/a.yaml',
      'added 198.51.100.4 - four.example.com. zones/a.yaml',
    ]);
    const cs = d.changeSet;
    expect(cs.counts).toEqual({ added: 1, changed: 1, reset: 1, removed: 1, moved: 0 });
    expect(cs.perZone['100.51.198.in-addr.arpa.']).toEqual({ added: 1, changed: 1, reset: 0, removed: 1, moved: 0 });
    expect(cs.perBlock['zones/b.yaml']!.reset).toBe(1);
    expect(cs.baseZoneRecords['100.51.198.in-addr.arpa.']).toBe(3);
    // The head position of a changed line, for annotations.
    expect(cs.changes[1]!.new!.pos).toMatchObject({ file: 'zones/a.yaml', line: 5 });
  });

  it('sees no change when a file is reordered, reformatted or IPv6 is written in another notation', async () => {
    const repo = createGitRepo({
      'zones/v6.yaml': block('2001:db8:100::/48', { '2001:db8:100::1': 'a.example.com', '2001:db8:100::2': 'b.example.com' }),
      'zones/v4.yaml': block('192.0.2.0/24', { '192.0.2.1': 'a.example.com', '192.0.2.2': 'b.example.com' }),
    });
    repo.commit('cosmetic', {
      'zones/v6.yaml':
        '# comment\nprefix: "2001:db8:100::/48"\nowners:\n  - "@example-isp/noc"\nrecords:\n  "2001:0db8:0100:0000:0000:0000:0000:0002": { ptr: B.Example.COM. }\n  2001:DB8:100:0::1: a.example.com.\n',
      'zones/v4.yaml': block('192.0.2.0/24', { '192.0.2.2': 'b.example.com.', '192.0.2.1': 'A.example.com' }),
    });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(d.changeSet.files).toEqual(['zones/v4.yaml', 'zones/v6.yaml']);
    expect(d.changeSet.changes).toEqual([]);
    expect(d.changeSet.blockChanges).toEqual([]);
  });

  it('treats a renamed file as no change and records that go to another file as moves', async () => {
    const recs = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`192.0.2.${i * 50}`, `h${i}.example.com`]));
    const repo = createGitRepo({ 'zones/whole.yaml': block('192.0.2.0/24', recs), 'zones/other.yaml': block('198.51.100.0/24', { '198.51.100.7': 'seven.example.com' }) });
    repo.rename('zones/other.yaml', 'zones/renamed/other.yaml');
    const renamed = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(renamed.changeSet.changes).toEqual([]);
    expect(renamed.pair.renames.get('zones/other.yaml')).toBe('zones/renamed/other.yaml');

    // Split the /24 into two /25 files; one PTR changes on the way.
    repo.remove('zones/whole.yaml');
    const low = Object.fromEntries(Object.entries(recs).filter(([ip]) => Number(ip.split('.')[3]) < 128));
    const high = Object.fromEntries(Object.entries(recs).filter(([ip]) => Number(ip.split('.')[3]) >= 128));
    high['192.0.2.150'] = 'changed.example.com';
    repo.commit('split', { 'zones/low.yaml': block('192.0.2.0/25', low), 'zones/high.yaml': block('192.0.2.128/25', high) });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    // git pairs whole.yaml with the similar low.yaml (a rename): its records stayed; the others moved.
    expect(d.pair.renames.get('zones/whole.yaml')).toBe('zones/low.yaml');
    expect(lines(d)).toEqual([
      'changed 192.0.2.150 h3.example.com. changed.example.com. zones/high.yaml',
      'moved 192.0.2.200 h4.example.com. h4.example.com. zones/high.yaml',
      'moved 192.0.2.250 h5.example.com. h5.example.com. zones/high.yaml',
    ]);
    expect(d.changeSet.changes[1]!.old!.file).toBe('zones/whole.yaml');
    // Both halves cover the /24: they share the parent zone, no RFC 2317 zones.
    expect(Object.keys(d.changeSet.perZone)).toEqual(['2.0.192.in-addr.arpa.']);
    expect(d.changeSet.blockChanges.map((b) => `${b.kind} ${b.file} ${b.oldFile ?? ''} ${b.fields.join(',')}`)).toEqual([
      'added zones/high.yaml  ',
      'modified zones/low.yaml zones/whole.yaml prefix',
    ]);
  });

  it('counts a record removed from a renamed file under the file it has now (one file per block, not the old name too)', async () => {
    const recs = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`192.0.2.${i + 1}`, `h${i}.example.com`]));
    const repo = createGitRepo({ 'zones/192.0.2.0_24.yaml': block('192.0.2.0/24', recs) });
    repo.rename('zones/192.0.2.0_24.yaml', 'zones/pop1.yaml');
    const { ['192.0.2.1']: _gone, ...rest } = recs;
    repo.commit('remove one, change one', { 'zones/pop1.yaml': block('192.0.2.0/24', { ...rest, '192.0.2.2': 'new.example.com' }) });
    const d = await diffRevisions(repo.root, { base: 'HEAD~2', head: 'HEAD' });
    expect(d.pair.renames.get('zones/192.0.2.0_24.yaml')).toBe('zones/pop1.yaml');
    expect(lines(d)).toEqual(['removed 192.0.2.1 h0.example.com. - zones/pop1.yaml', 'changed 192.0.2.2 h1.example.com. new.example.com. zones/pop1.yaml']);
    expect(Object.keys(d.changeSet.perBlock)).toEqual(['zones/pop1.yaml']);
    expect(d.changeSet.perBlock['zones/pop1.yaml']).toMatchObject({ removed: 1, changed: 1 });
    // The old path stays on the removed state: that is where the record was.
    expect(d.changeSet.changes[0]!.old!.file).toBe('zones/192.0.2.0_24.yaml');
  });

  it('loads an unchanged neighbour that shares the zone, so the zone and its size are right', async () => {
    const repo = createGitRepo({
      'zones/low.yaml': block('203.0.113.0/25', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`203.0.113.${i + 1}`, `l${i}.example.com`]))),
      'zones/high.yaml': block('203.0.113.128/25', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`203.0.113.${i + 129}`, `h${i}.example.com`]))),
      'zones/far.yaml': block('198.51.100.0/24', { '198.51.100.1': 'far.example.com' }),
    });
    repo.commit('one change', { 'zones/low.yaml': block('203.0.113.0/25', { '203.0.113.1': 'l0.example.com' }) });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(d.changeSet.counts.removed).toBe(11);
    expect(d.changeSet.perZone).toHaveProperty(['113.0.203.in-addr.arpa.']);
    expect(d.changeSet.baseZoneRecords['113.0.203.in-addr.arpa.']).toBe(24);
    expect(d.pair.base.files).toEqual(['zones/high.yaml', 'zones/low.yaml']); // far.yaml is not parsed
  });

  it('reports TTL changes (also from the block ttl), a record replacing the default, and block settings', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com' }, 'default: "{dashed}.static.example.net"\n') });
    repo.commit('ttl', {
      'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com', '192.0.2.5': 'five.example.com' }, 'ttl: 600\ndefault: "host-{dashed}.static.example.net"\n'),
    });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    const [ttl, overDefault] = d.changeSet.changes;
    expect(ttl).toMatchObject({ kind: 'changed', ipText: '192.0.2.1', old: { ttl: 3600 }, new: { ttl: 600 } });
    expect(overDefault).toMatchObject({ kind: 'changed', ipText: '192.0.2.5', old: { source: 'default', ptr: '192-0-2-5.static.example.net.' }, new: { source: 'record' } });
    // The new default renames the 255 generic names the base gave (256 addresses, one record).
    expect(d.changeSet.blockChanges).toEqual([expect.objectContaining({ kind: 'modified', file: 'zones/a.yaml', fields: ['ttl', 'default'], generic: { renamed: 255, removed: 0 } })]);
  });

  it('counts the generic names that a deleted block file or a removed default takes away', async () => {
    const repo = createGitRepo({
      'zones/a.yaml': block('192.0.2.0/26', { '192.0.2.1': 'one.example.com' }, 'default: "{dashed}.static.example.net"\n'),
      'zones/b.yaml': block('198.51.100.0/25', { '198.51.100.1': 'one.example.com', '198.51.100.2': 'two.example.com' }, 'default: "{dashed}.static.example.net"\n'),
    });
    repo.git('rm', '-q', 'zones/a.yaml');
    repo.commit('drop a, b loses its default', { 'zones/b.yaml': block('198.51.100.0/25', { '198.51.100.1': 'one.example.com', '198.51.100.2': 'two.example.com' }) });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(d.changeSet.blockChanges.map((b) => [b.kind, b.file, b.generic])).toEqual([
      ['removed', 'zones/a.yaml', { renamed: 0, removed: 63 }],
      ['modified', 'zones/b.yaml', { renamed: 0, removed: 126 }],
    ]);
  });

  it('skips a file that no longer loads and reports its problems instead of calling every record removed', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com' }) });
    repo.commit('broken', { 'zones/a.yaml': 'prefix: [oops\n' });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(d.changeSet.changes).toEqual([]);
    expect(d.changeSet.skipped).toEqual(['zones/a.yaml']);
    expect(d.diagnostics.map((x) => x.code)).toContain('yaml.syntax');
  });

  it('compares the work tree by default and ignores files outside the block folders', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com' }), 'docs/x.yaml': 'a: 1\n' });
    repo.write({ 'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'uno.example.com' }), 'docs/x.yaml': 'a: 2\n' });
    const d = await diffRevisions(repo.root, { base: 'HEAD' });
    expect(lines(d)).toEqual(['changed 192.0.2.1 one.example.com. uno.example.com. zones/a.yaml']);
    expect(d.changeSet.head).toBe(':worktree');
  });

  it('diffs a pull request in a shallow clone of its merge commit after fetching the base', async () => {
    const origin = createGitRepo({ 'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com' }) });
    origin.branch('pr').checkout('pr');
    origin.commit('pr', { 'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com', '192.0.2.2': 'two.example.com' }) });
    origin.checkout('main');
    origin.commit('main', { 'zones/b.yaml': block('198.51.100.0/24', { '198.51.100.1': 'b.example.com' }) });
    origin.branch('merge', 'main').checkout('merge');
    origin.merge('pr');
    origin.checkout('main');
    const clone = cloneGitRepo(origin, { depth: 1, branch: 'merge' });
    const d = await diffRevisions(clone.root, { base: 'main' });
    expect(lines(d)).toEqual(['added 192.0.2.2 - two.example.com. zones/a.yaml']);
    expect(d.pair.revisions.fetched.length).toBeGreaterThan(0);
  });

  it('compares every block when rdns.yaml changes what records mean (defaults.ttl)', async () => {
    const repo = createGitRepo({
      'rdns.yaml': 'defaults:\n  ttl: 3600\n',
      'zones/a.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com' }),
      'zones/b.yaml': 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: { ptr: fixed.example.com, ttl: 300 }\n',
    });
    repo.commit('ttl', { 'rdns.yaml': 'defaults:\n  ttl: 7200\n' });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(d.changeSet.changes.map((c) => `${c.kind} ${c.ipText} ${c.old?.ttl} ${c.new?.ttl}`)).toEqual(['changed 192.0.2.1 3600 7200']);
    expect(d.changeSet.files).toEqual(['rdns.yaml', 'zones/a.yaml', 'zones/b.yaml']);
  });

  it('limits the comparison to the given paths', async () => {
    const repo = createGitRepo({ 'zones/a/x.yaml': block('192.0.2.0/24', { '192.0.2.1': 'one.example.com' }), 'zones/b/y.yaml': block('198.51.100.0/24', { '198.51.100.1': 'one.example.com' }) });
    repo.commit('both', { 'zones/a/x.yaml': block('192.0.2.0/24', {}), 'zones/b/y.yaml': block('198.51.100.0/24', {}) });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD', paths: ['zones/b'] });
    expect(lines(d)).toEqual(['removed 198.51.100.1 one.example.com. - zones/b/y.yaml']);
  });

  it('does not report the records of a neighbour that only one revision needed to load', async () => {
    const repo = createGitRepo({
      'zones/c.yaml': block('10.0.0.0/24', { '10.0.0.1': 'old.example.com' }),
      'zones/n.yaml': block('203.0.113.128/25', { '203.0.113.200': 'n.example.com' }),
    });
    repo.commit('move the block', { 'zones/c.yaml': block('203.0.113.0/25', { '203.0.113.1': 'new.example.com' }) });
    const d = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(d.pair.head.files).toEqual(['zones/c.yaml', 'zones/n.yaml']);
    expect(lines(d)).toEqual(['removed 10.0.0.1 old.example.com. - zones/c.yaml', 'added 203.0.113.1 - new.example.com. zones/c.yaml']);
  });
});

