import { describe, expect, it } from 'vitest';
import { lastChanges } from '../../src/git/last-change.js';
import { createGitRepo } from '../helpers/git-repo.js';

const FILE = 'zones/a.yaml';
const V1 = `prefix: 198.51.100.0/24
owners: ["@noc"]
default: "{dashed}.static.example.net"
records:
  198.51.100.1: a.example.com
  198.51.100.2:
    ptr: b.example.com
    ttl: 300
  198.51.100.3: c.example.com
  2001:db8::1: v6.example.com
`;

describe('lastChanges: the newest commit per record from one git log pass', () => {
  it('attributes key lines, mapping-form ptr lines, removals and the default template', async () => {
    const repo = createGitRepo({ [FILE]: V1 });
    const first = repo.rev('HEAD');
    // Changes only the ptr: line of a mapping-form record (its key line is context).
    const second = repo.commit('b renamed (#12)', { [FILE]: V1.replace('ptr: b.example.com', 'ptr: b2.example.com') });
    // Removes .3 (reset to default) and changes the default template.
    const third = repo.commit('reset c, new template', { [FILE]: V1.replace('ptr: b.example.com', 'ptr: b2.example.com').replace('  198.51.100.3: c.example.com\n', '').replace('{dashed}.static', '{dashed}.dyn') });
    repo.commit('unrelated', { 'README.md': 'x\n' });
    const changes = await lastChanges(repo.root);
    const f = changes.get(FILE)!;
    expect(f.records.get('198.51.100.1')?.commit).toBe(first);
    expect(f.records.get('198.51.100.2')).toMatchObject({ commit: second, subject: 'b renamed (#12)', pr: 12, author: 'Test User' });
    expect(f.records.get('198.51.100.3')?.commit).toBe(third);
    expect(f.records.get('2001:db8::1')?.commit).toBe(first);
    expect(f.defaultChange?.commit).toBe(third);
    expect(f.fileChange?.commit).toBe(third);
    expect([...changes.keys()]).toEqual([FILE]);
  });

  it('outside a git work tree there is simply no history', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    expect((await lastChanges(mkdtempSync(join(tmpdir(), 'rdns-nogit-')))).size).toBe(0);
  });
});
