import { describe, expect, it } from 'vitest';
import type { ChangeCounts, ChangeSet } from '../../src/core/changeset.js';
import { checkGuards } from '../../src/policy/guards.js';

const counts = (c: Partial<ChangeCounts>): ChangeCounts => ({ added: 0, changed: 0, reset: 0, removed: 0, moved: 0, ...c });
const GUARDS = { maxChangedRecords: 100, maxDeletePercent: 20, label: 'rdns/bulk-approved' };
const Z = '100.51.198.in-addr.arpa.';

const changeSet = (perZone: Record<string, Partial<ChangeCounts>>, baseZoneRecords: Record<string, number>): ChangeSet => {
  const zones = Object.fromEntries(Object.entries(perZone).map(([z, c]) => [z, counts(c)]));
  const total = counts({});
  for (const c of Object.values(zones)) for (const k of Object.keys(total) as (keyof ChangeCounts)[]) total[k] += c[k];
  return { base: 'a', head: 'b', changes: [], counts: total, perBlock: {}, perZone: zones, baseZoneRecords, blockChanges: [], files: [], skipped: [] };
};

describe('checkGuards', () => {
  it.each([
    ['a small change passes', { [Z]: { added: 5, changed: 5 } }, { [Z]: 200 }, [], []],
    ['exactly the limit passes', { [Z]: { changed: 100 } }, { [Z]: 200 }, [], []],
    ['one over the limit needs the label', { [Z]: { changed: 101 } }, { [Z]: 200 }, [], ['error guard.too-many-changes']],
    ['moves between files do not count', { [Z]: { changed: 50, moved: 500 } }, { [Z]: 1000 }, [], []],
    ['deleting more than 20% of a zone needs the label', { [Z]: { removed: 30, reset: 11 } }, { [Z]: 200 }, [], ['error guard.mass-delete']],
    ['20% exactly passes', { [Z]: { removed: 40 } }, { [Z]: 200 }, [], []],
    ['small zones are exempt from the share (octoDNS minimum of 10)', { [Z]: { removed: 9 } }, { [Z]: 9 }, [], []],
    ['the label turns both into warnings', { [Z]: { removed: 150 } }, { [Z]: 200 }, ['rdns/bulk-approved'], ['warning guard.too-many-changes', 'warning guard.mass-delete']],
    ['the label compares case-insensitively', { [Z]: { removed: 150 } }, { [Z]: 200 }, ['RDNS/Bulk-Approved'], ['warning guard.too-many-changes', 'warning guard.mass-delete']],
    ['another label does not approve', { [Z]: { removed: 150 } }, { [Z]: 200 }, ['bug'], ['error guard.too-many-changes', 'error guard.mass-delete']],
  ])('%s', (_name, perZone, base, labels, expected) => {
    const ds = checkGuards({ changeSet: changeSet(perZone, base), guards: GUARDS, labels });
    expect(ds.map((d) => `${d.severity} ${d.code}`)).toEqual(expected);
  });

  it('says how many records, which zone and how to approve', () => {
    const [many, mass] = checkGuards({ changeSet: changeSet({ [Z]: { removed: 150 } }, { [Z]: 200 }), guards: GUARDS, labels: [] });
    expect(many!.message).toBe('150 records change, more than guards.max_changed_records (100); add the "rdns/bulk-approved" label to the pull request to approve it');
    expect(mass!.message).toBe(`150 of 200 records of ${Z} are deleted or reset to the default (75.0%, more than guards.max_delete_percent 20%); add the "rdns/bulk-approved" label to the pull request to approve it`);
    expect(mass!.value).toBe(Z);
  });

  it('counts what a block change publishes: generic PTRs of a new default, forward A/AAAA, delegated addresses, records moved to another zone', () => {
    const pos = { file: 'zones/c.yaml', line: 1, column: 1 };
    const cs = {
      ...changeSet({}, {}),
      blockChanges: [
        { kind: 'added' as const, file: 'zones/c.yaml', prefix: '192.0.2.0/30', fields: [], pos, generic: { added: 4, renamed: 0, removed: 0 }, forward: { added: 4, removed: 0 } },
        { kind: 'modified' as const, file: 'zones/d.yaml', prefix: '198.51.100.0/24', fields: ['allocations'], pos, delegations: [{ kind: 'added' as const, prefix: '198.51.100.32/28', after: ['ns1.example.net'], addresses: 16 }] },
        { kind: 'modified' as const, file: 'zones/e.yaml', prefix: '203.0.113.0/25', fields: ['zone'], pos, zoneMove: { from: ['0-25.113.0.203.in-addr.arpa.'], to: ['113.0.203.in-addr.arpa.'], records: 3 } },
      ],
    };
    const ds = checkGuards({ changeSet: cs, guards: { ...GUARDS, maxChangedRecords: 26 }, labels: [] });
    expect(ds.map((d) => d.message)).toEqual([
      '27 records change (including 27 generic names of a new, changed or removed default, forward A/AAAA records, delegated addresses, records moved to another reverse zone), more than guards.max_changed_records (26); add the "rdns/bulk-approved" label to the pull request to approve it',
    ]);
    expect(checkGuards({ changeSet: cs, guards: { ...GUARDS, maxChangedRecords: 27 }, labels: [] })).toEqual([]);
  });

  it('counts the generic names of a changed or removed default, and blocks losing all of them', () => {
    const pos = { file: 'zones/b.yaml', line: 2, column: 9 };
    const cs = {
      ...changeSet({ [Z]: { changed: 1 } }, { [Z]: 4 }),
      blockChanges: [
        { kind: 'modified' as const, file: 'zones/a.yaml', prefix: '198.51.100.0/24', fields: ['default'], pos: { ...pos, file: 'zones/a.yaml' }, generic: { renamed: 60, removed: 0 } },
        { kind: 'removed' as const, file: 'zones/b.yaml', prefix: '192.0.2.0/26', fields: [], pos, generic: { renamed: 0, removed: 64 } },
      ],
    };
    const ds = checkGuards({ changeSet: cs, guards: GUARDS, labels: [] });
    expect(ds.map((d) => `${d.severity} ${d.code} ${d.file ?? ''}`)).toEqual(['error guard.too-many-changes ', 'error guard.mass-delete zones/b.yaml']);
    expect(ds[0]!.message).toMatch(/^125 records change \(including 124 generic names of a new, changed or removed default\)/);
    expect(ds[1]!.message).toMatch(/^deleting the block file leaves 64 addresses of 192\.0\.2\.0\/26 without their generic PTR/);
  });
});
