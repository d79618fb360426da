import { describe, expect, it } from 'vitest';
import { computeChangeSet } from '../../src/diff/compute-change-set.js';
import { DEFAULT_CONFIG } from '../../src/loader/config.js';
import { checkBlockSources } from '../../src/loader/repository.js';
import { checkOwnership, ownerMatcher, type TeamMembership } from '../../src/policy/ownership.js';

const model = (rev: string, files: Record<string, string>) => {
  const repo = checkBlockSources('/repo', Object.entries(files).map(([file, text]) => ({ file, bytes: Buffer.from(text) })), DEFAULT_CONFIG);
  expect(repo.diagnostics).toEqual([]);
  return { rev, config: DEFAULT_CONFIG, blocks: repo.blocks, layouts: repo.layouts };
};

const BASE = `prefix: 198.51.100.0/24
owners: ["@example-isp/noc"]
allocations:
  - prefix: 198.51.100.32/28
    account: acme
    owners: ["@acme-corp"]
  - prefix: 198.51.100.64/28
    account: beta
records:
  198.51.100.22: mail.example.com
  198.51.100.34: smtp.acme.example
  198.51.100.40: www.acme.example
  198.51.100.66: beta.example.com
`;
const OPEN = 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: open.example.com\n';
// A block without owners whose allocations are assigned to customers.
const SHARED = `prefix: 203.0.113.0/24
allocations:
  - prefix: 203.0.113.16/28
    account: acme
    owners: ["@acme-corp"]
records:
  203.0.113.5: free.example.com
  203.0.113.20: vps.acme.example
`;

// Team memberships as the GitHub API would answer them; every question is recorded.
const teams: Record<string, string[]> = { 'example-isp/noc': ['nina'], 'acme-corp/dns': ['dave'] };
const asked: string[] = [];
const isTeamMember: TeamMembership = async (org, team, login) => {
  asked.push(`${org}/${team}:${login}`);
  return (teams[`${org}/${team}`] ?? []).includes(login);
};

const check = async (author: string, head: Record<string, string>, base: Record<string, string> = { 'zones/b.yaml': BASE, 'zones/open.yaml': OPEN }) => {
  const b = model('base', base);
  const h = model('head', head);
  const changeSet = computeChangeSet({ base: b, head: h, files: [...new Set([...Object.keys(base), ...Object.keys(head)])] });
  return checkOwnership({ author, changeSet, base: b, head: h, isTeamMember });
};

const edit = (from: string, to: string): Record<string, string> => ({ 'zones/b.yaml': BASE.replace(from, to), 'zones/open.yaml': OPEN });

describe('checkOwnership', () => {
  it.each([
    ['a block owner (team member) changes an allocation address', 'nina', edit('www.acme.example', 'web.acme.example'), []],
    ['the allocation owner changes an address in its allocation', 'acme-corp', edit('www.acme.example', 'web.acme.example'), []],
    ['logins compare case-insensitively', '@ACME-Corp', edit('www.acme.example', 'web.acme.example'), []],
    ['the allocation owner changes an address outside its allocation', 'acme-corp', edit('mail.example.com', 'mx.example.com'), ['198.51.100.22']],
    ['a stranger removes an allocation record', 'mallory', edit('  198.51.100.40: www.acme.example\n', ''), ['198.51.100.40']],
    ['an allocation without owners falls back to the block owners', 'acme-corp', edit('beta.example.com', 'b.example.com'), ['198.51.100.66']],
    ['anyone may change a block without owners', 'mallory', { 'zones/b.yaml': BASE, 'zones/open.yaml': OPEN.replace('open.', 'other.') }, []],
  ])('%s', async (_name, author, head, notYours) => {
    const ds = await check(author, head);
    expect(ds.map((d) => d.ip)).toEqual(notYours);
    for (const d of ds) expect(d).toMatchObject({ severity: 'error', code: 'ownership.not-yours', file: 'zones/b.yaml' });
  });

  it.each([
    ['another customer may not change an allocation that names owners, even in a block without owners', 'globex', '203.0.113.20: vps.acme.example', '203.0.113.20: evil.example.com', ['203.0.113.20']],
    ['… its owner may', 'acme-corp', '203.0.113.20: vps.acme.example', '203.0.113.20: web.acme.example', []],
    ['… and the rest of the block stays open to anyone', 'globex', '203.0.113.5: free.example.com', '203.0.113.5: other.example.com', []],
  ])('%s', async (_name, author, from, to, notYours) => {
    const ds = await check(author, { 'zones/s.yaml': SHARED.replace(from, to) }, { 'zones/s.yaml': SHARED });
    expect(ds.map((d) => d.ip)).toEqual(notYours);
    for (const d of ds) expect(d.message).toContain('it may be changed by @acme-corp (@globex is not one of them)');
  });

  it.each([
    ['rewriting the owners of the allocation', SHARED.replace('["@acme-corp"]', '["@globex"]'), 'changes allocations'],
    ['dropping the allocation', SHARED.replace(/allocations:\n(?:.*\n){3}/, ''), 'changes allocations'],
  ])('in a block without owners, another customer may not take an allocation away by %s (the next pull request would be free)', async (_name, head, what) => {
    const ds = await check('globex', { 'zones/s.yaml': head }, { 'zones/s.yaml': SHARED });
    expect(ds).toEqual([
      expect.objectContaining({
        code: 'ownership.not-yours',
        message: `not yours: this ${what} of 203.0.113.0/24, and with it allocation 203.0.113.16/28 (acme); it may be changed by @acme-corp (@globex is not one of them)`,
      }),
    ]);
    expect(await check('acme-corp', { 'zones/s.yaml': head }, { 'zones/s.yaml': SHARED })).toEqual([]);
    // Other settings of an open block stay open.
    expect(await check('globex', { 'zones/s.yaml': `description: shared\n${SHARED}` }, { 'zones/s.yaml': SHARED })).toEqual([]);
  });

  it('names the address, the allocation and who may change it, on the changed line of the head', async () => {
    const [d] = await check('mallory', edit('www.acme.example', 'evil.example.com'));
    expect(d!.message).toBe('not yours: 198.51.100.40 belongs to allocation 198.51.100.32/28 (acme); it may be changed by @acme-corp, @example-isp/noc (@mallory is not one of them)');
    expect(d).toMatchObject({ line: 12, column: 3, ip: '198.51.100.40', value: 'evil.example.com.' });
  });

  it('points a removal at the block prefix line', async () => {
    const [d] = await check('mallory', edit('  198.51.100.22: mail.example.com\n', ''));
    expect(d).toMatchObject({ file: 'zones/b.yaml', line: 1, column: 9, ip: '198.51.100.22' });
    expect(d!.message).toContain('belongs to block 198.51.100.0/24 (zones/b.yaml); it may be changed by @example-isp/noc');
  });

  it('judges by the owners of the base: adding yourself to owners grants nothing', async () => {
    const head = { 'zones/b.yaml': BASE.replace('owners: ["@example-isp/noc"]', 'owners: ["@mallory"]').replace('mail.example.com', 'evil.example.com'), 'zones/open.yaml': OPEN };
    const ds = await check('mallory', head);
    expect(ds.map((d) => d.ip ?? d.value)).toEqual(['198.51.100.22', 'owners']);
    expect(ds[1]!.message).toContain('changes owners of 198.51.100.0/24; block settings may be changed by @example-isp/noc');
  });

  it('requires the owner of the block where a record was and where it goes', async () => {
    const base = { 'zones/a.yaml': 'prefix: 203.0.113.0/24\nowners: ["@acme-corp"]\nrecords:\n  203.0.113.200: x.example.com\n' };
    const head = {
      'zones/a.yaml': 'prefix: 203.0.113.0/25\nowners: ["@acme-corp"]\n',
      'zones/c.yaml': 'prefix: 203.0.113.128/25\nowners: ["@other"]\nrecords:\n  203.0.113.200: x.example.com\n',
    };
    const ds = await check('acme-corp', head, base);
    expect(ds.map((d) => [d.ip, d.file])).toEqual([['203.0.113.200', 'zones/c.yaml']]);
    expect(ds[0]!.message).toContain('it may be changed by @other');
    // Not an owner of a.yaml: the record's move and the block's prefix change are refused.
    expect((await check('nina', head, base)).map((d) => d.ip ?? d.value)).toEqual(['203.0.113.200', 'prefix']);
  });

  it('asks the team API once per team, however many addresses change', async () => {
    asked.length = 0;
    const head = edit('mail.example.com', 'mx.example.com');
    head['zones/b.yaml'] = head['zones/b.yaml']!.replace('beta.example.com', 'b.example.com');
    expect(await check('dave', head)).toHaveLength(2);
    expect(asked).toEqual(['example-isp/noc:dave']);
  });

  it('treats a failing team lookup as "not a member"', async () => {
    const match = ownerMatcher('nina', async () => {
      throw new Error('API down');
    });
    expect(await match(['@example-isp/noc'])).toBe(false);
    expect(await match(['@Nina'])).toBe(true);
  });
});
