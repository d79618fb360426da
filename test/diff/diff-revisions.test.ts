import { describe, expect, it } from 'vitest';
import { diffRevisions } from '../../src/diff/diff-revisions.js';
import { createGitRepo } from '../helpers/git-repo.js';

const block = (prefix: string, records: Record<string, string>, extra = ''): string =>
  `prefix: ${prefix}\nowners: ["@example-isp/noc"]\n${extra}records:\n${Object.entries(records)
    .map(([ip, ptr]) => `  ${ip}: ${ptr}`)
    .join('\n')}\n`;

const summary = (cs: Awaited<ReturnType<typeof diffRevisions>>['changeSet']): string[] =>
  cs.changes.map((c) => `${c.kind} ${c.ipText} ${c.old?.ptr ?? '-'} ${c.new?.ptr ?? '-'} ${c.file}`);

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
    const { changeSet } = await diffRevisions(repo.root, { base: 'HEAD~1', head: 'HEAD' });
    expect(summary(changeSet)).toEqual([
      'reset 192.0.2.9 nine.example.com. 192-0-2-9.static.example.net. zones/b.yaml',
      'changed 198.51.100.2 two.example.com. deux.example.com. zones/a.yaml',
      'removed 198.51.100.3 three.example.com. - zones/a.yaml',
      'added 198.51.100.4 - four.example.com. zones/a.yaml',
    ]);
    expect(changeSet.counts).toEqual({ added: 1, changed: 1, reset: 1, removed: 1, moved: 0 });
    expect(changeSet.perZone['100.51.198.in-addr.arpa.']).toEqual({ added: 1, changed: 1, reset: 0, removed: 1, moved: 0 });
    expect(changeSet.perBlock['zones/b.yaml']!.reset).toBe(1);
    expect(changeSet.baseZoneRecords['100.51.198.in-addr.arpa.']).toBe(3);
  });
});
