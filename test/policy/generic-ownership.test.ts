/**
 * Issue 18, item 6: generic names are records too. In a block without owners, a pool or
 * default change that renames the addresses of a customer's allocation must need that
 * customer's owners, as a change of their records does; checked by address range, for
 * every published name a change moves (block, allocation and pool defaults).
 */
import { describe, expect, it } from 'vitest';
import { computeChangeSet } from '../../src/diff/compute-change-set.js';
import { DEFAULT_CONFIG } from '../../src/loader/config.js';
import { checkBlockSources } from '../../src/loader/repository.js';
import { checkOwnership } from '../../src/policy/ownership.js';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';

const model = (rev: string, text: string) => {
  const repo = checkBlockSources('/repo', [{ file: 'zones/s.yaml', bytes: Buffer.from(text) }], DEFAULT_CONFIG);
  expect(repo.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { rev, config: DEFAULT_CONFIG, blocks: repo.blocks, layouts: repo.layouts };
};

// No block owners: anyone with write access may change it, except what is acme's.
const SHARED = `prefix: 203.0.113.0/24
default: "{dashed}.static.example.net"
allocations:
  - prefix: 203.0.113.16/28
    account: acme
    owners: ["@acme-corp"]
  - prefix: 203.0.113.64/27
    account: vm
    owners: ["@acme-corp"]
    default: "vm{host}.acme.example"
records:
  203.0.113.5: free.example.com
  203.0.113.20: vps.acme.example
`;

const check = async (author: string, head: string, base = SHARED) => {
  const b = model('base', base);
  const h = model('head', head);
  const changeSet = computeChangeSet({ base: b, head: h, files: ['zones/s.yaml'] });
  return checkOwnership({ author, changeSet, base: b, head: h, isTeamMember: async () => false });
};

describe('generic names are records too (issue 18, item 6)', () => {
  it.each([
    ['a new block default renames the addresses of acme\'s /28', SHARED.replace('{dashed}.static.example.net', '{dashed}.dyn.example.net'), '203.0.113.16'],
    ['removing the block default takes acme\'s names away', SHARED.replace('default: "{dashed}.static.example.net"\n', ''), '203.0.113.16'],
    ['a pool over acme\'s addresses renames them', `${SHARED.replace('records:', 'pools:\n  - prefix: 203.0.113.0/26\n    step: 4\n    default: "p{host}.pool.example.net"\nrecords:')}`, '203.0.113.16'],
    ['a change of acme\'s own allocation default', SHARED.replace('vm{host}.acme.example', 'evil{host}.example.net'), '203.0.113.64'],
  ])('%s: needs acme\'s owners', async (_what, head, first) => {
    const ds = await check('mallory', head);
    expect(ds).toEqual([
      expect.objectContaining({ severity: 'error', code: 'ownership.not-yours', file: 'zones/s.yaml', line: 1, ip: first, message: expect.stringMatching(/^not yours: this changes the generic name of \d+\.\d+\.\d+\.\d+ .*in allocation 203\.0\.113\.(16\/28|64\/27) \((acme|vm)\); it may be changed by @acme-corp \(@mallory is not one of them\)$/) }),
    ]);
  });

  it('names the first renamed address with its old and new name', async () => {
    const [d] = await check('mallory', SHARED.replace('{dashed}.static.example.net', '{dashed}.dyn.example.net'));
    expect(d?.message).toBe(
      'not yours: this changes the generic name of 203.0.113.16 (203-0-113-16.static.example.net → 203-0-113-16.dyn.example.net) and the other addresses of its template in allocation 203.0.113.16/28 (acme); it may be changed by @acme-corp (@mallory is not one of them)',
    );
  });

  it.each([
    ['acme itself may rename its addresses', 'acme-corp', SHARED.replace('{dashed}.static.example.net', '{dashed}.dyn.example.net')],
    ['a default change that moves no name of acme (its /27 keeps its own default; .20 is a record)', 'mallory', SHARED.replace('prefix: 203.0.113.16/28', 'prefix: 203.0.113.16/30').replace('{dashed}.static', '{dashed}.other').replace('  - prefix: 203.0.113.16/30\n    account: acme\n', '  - prefix: 203.0.113.20/32\n    account: acme\n')],
    ['a pool outside acme\'s addresses', 'mallory', `${SHARED.replace('records:', 'pools:\n  - prefix: 203.0.113.128/25\n    default: "p{host}.pool.example.net"\nrecords:')}`],
  ])('%s', async (_what, author, head) => {
    const base = head.includes('203.0.113.20/32') ? SHARED.replace('  - prefix: 203.0.113.16/28\n    account: acme\n', '  - prefix: 203.0.113.20/32\n    account: acme\n') : SHARED;
    expect(await check(author, head, base)).toEqual([]);
  });
});

describe('rdns ci (built CLI): a pool over a customer\'s addresses in a block without owners', () => {
  it('is ownership.not-yours on the block, for anyone but the customer', () => {
    const repo = createGitRepo({ 'zones/s.yaml': SHARED });
    repo.checkout('main');
    repo.git('checkout', '-q', '-b', 'change');
    repo.commit('pool', { 'zones/s.yaml': SHARED.replace('records:', 'pools:\n  - prefix: 203.0.113.0/26\n    default: "p{host}.pool.example.net"\nrecords:') });
    const run = (author: string) => runCli(['ci', '--base', 'main', '--head', 'change', '--author', author, '--no-fcrdns', '--no-publish', '--format', 'json'], { cwd: repo.root, env: { GITHUB_ACTIONS: undefined, GITHUB_EVENT_PATH: undefined, GITHUB_TOKEN: undefined } });
    const r = run('mallory');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const errors = (JSON.parse(r.stdout) as { diagnostics: { severity: string; code: string; ip?: string; file?: string }[] }).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([expect.objectContaining({ code: 'ownership.not-yours', ip: '203.0.113.16', file: 'zones/s.yaml' })]);
    expect(run('acme-corp').status).toBe(0);
  });
});
