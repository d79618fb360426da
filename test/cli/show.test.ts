/** Issue 11, item 6: reviewing what matters — rdns show, history notes, --version, any folder. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ACME_ALLOCATION, coloHallB } from '../helpers/block-files.js';
import { runCliInProcess } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

vi.setConfig({ testTimeout: 180_000 });

const BLOCK = coloHallB({
  allocations: `${ACME_ALLOCATION}  - prefix: 198.51.100.64/27
    account: globex
    delegate_to: [ns1.globex.example, ns2.globex.example]
`,
});

describe('rdns show IP', () => {
  it('prints the PTR, its source, block, allocation, owners and last change, from any folder of the repository', async () => {
    const repo = createGitRepo({ 'zones/198.51.100.0_24.yaml': BLOCK });
    repo.commit('example zones (#3)');
    repo.commit('mx for acme (#12)', { 'zones/198.51.100.0_24.yaml': BLOCK.replace('records:\n', 'records:\n  198.51.100.34:\n    ptr: smtp.acme.example\n    note: NOC-1234\n') });
    mkdirSync(join(repo.root, 'zones/deep/er'), { recursive: true });
    const sub = join(repo.root, 'zones/deep/er');
    const r = await rdns(['show', '198.51.100.34'], { cwd: sub });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '198.51.100.34  smtp.acme.example',
      '  ttl         3600',
      '  note        NOC-1234',
      '  source      record in zones/198.51.100.0_24.yaml:13',
      '  block       198.51.100.0/24 (Colo hall B)',
      '  allocation  198.51.100.32/28 account acme',
      '  owners      @acme-corp, @example-isp/noc',
    ]);
    expect(lines[7]).toMatch(/^ {2}changed {5}\d{4}-\d\d-\d\d \d\d:\d\d [0-9a-f]{10} by .* in #12: "mx for acme \(#12\)"$/);

    const def = await rdns(['show', '198.51.100.23', '--format', 'json'], { cwd: sub });
    expect(JSON.parse(def.stdout)).toMatchObject({ ip: '198.51.100.23', ptr: '198-51-100-23.static.example.net.', source: 'default', owners: ['@example-isp/noc'], lastChange: { commit: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    const delegated = await rdns(['show', '198.51.100.70'], { cwd: repo.root });
    expect(delegated.stdout.split('\n')[0]).toBe("198.51.100.70  delegated: the customer's name servers answer (ns1.globex.example, ns2.globex.example)");
    const none = await rdns(['show', '203.0.113.9'], { cwd: repo.root });
    expect(none.stdout).toBe('203.0.113.9  (no PTR: the address is in no block file of this repository)\n');
    expect(none.status).toBe(1);
  });

  it('rdns history shows the note (ticket) of a change; rdns --version prints the package version', async () => {
    const repo = createGitRepo({ 'zones/a.yaml': BLOCK });
    repo.commit('start');
    repo.commit('ticket', { 'zones/a.yaml': BLOCK.replace('  198.51.100.22: mail.example.com\n', '  198.51.100.22:\n    ptr: mx1.example.com\n    note: NOC-2041\n') });
    const h = await rdns(['history', '198.51.100.22'], { cwd: join(repo.root, 'zones') });
    expect(h.stdout).toContain('mail.example.com → mx1.example.com note "NOC-2041"  zones/a.yaml  "ticket"');
    const j = JSON.parse((await rdns(['history', '198.51.100.22', '--format', 'json'], { cwd: repo.root })).stdout);
    expect(j.history[0].new).toEqual({ ptr: 'mx1.example.com.', source: 'record', note: 'NOC-2041' });
    const v = await rdns(['--version'], { cwd: repo.root });
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    expect(v.status).toBe(0);
  });
});

describe('rdns import in a new repository', () => {
  it('creates zones/ and the block file when the repository has none yet', async () => {
    const repo = createGitRepo({ 'db.192.0.2': '$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 3600\n@ IN SOA ns1.example.net. h.example.net. 1 3600 600 86400 300\n@ IN NS ns1.example.net.\n1 IN PTR a.example.net.\n' });
    const r = await rdns(['import', '--zone-file', 'db.192.0.2', '--apply'], { cwd: repo.root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('wrote zones/192.0.2.0_24.yaml');
    expect(readFileSync(join(repo.root, 'zones/192.0.2.0_24.yaml'), 'utf8')).toContain('192.0.2.1: a.example.net');
  });
});
