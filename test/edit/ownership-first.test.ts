// Ownership before DNS (issue 20, item 2): an address that is not yours is reported as
// "not yours" and its name is never looked up — the resolver here is a UDP socket that
// counts every query it receives (and answers none, so a lookup would also show as a
// timeout). `rdns reset` takes the forward-check flags of `rdns set`.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coloHallB } from '../helpers/block-files.js';
import { spawnCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

const BLOCK = coloHallB({ description: null });

/** The CLI as a child process, without blocking this process's event loop (the socket must keep counting). */
const rdns = (args: readonly string[], cwd: string, input?: string) => spawnCli(args, { cwd, ...(input !== undefined ? { input } : {}) });

describe('ownership before DNS', { timeout: 60_000 }, () => {
  let dns: Socket;
  let queries = 0;
  let resolver = '';
  beforeAll(async () => {
    dns = createSocket('udp4');
    dns.on('message', () => queries++);
    await new Promise<void>((r) => dns.bind(0, '127.0.0.1', r));
    resolver = `127.0.0.1:${dns.address().port}`;
  });
  afterAll(() => dns.close());

  it('rdns set on an address that is not yours says so first and asks no DNS server', async () => {
    const root = writeRepo({ 'zones/198.51.100.0_24.yaml': BLOCK });
    const before = queries;
    const r = await rdns(['set', '198.51.100.22', 'other.example.com', '--as', 'acme-corp', '--resolver', resolver, '--timeout', '500', '--retries', '0'], root);
    expect(r.stdout).toBe(
      'error edit.not-owner not yours: 198.51.100.22 is in 198.51.100.0/24 (zones/198.51.100.0_24.yaml); @acme-corp is not among its owners (@example-isp/noc) nor those of an allocation holding it\nnothing written\n',
    );
    expect(r.status).toBe(1);
    expect(queries - before).toBe(0);
  });

  it('rdns bulk counts the lines as not yours and looks up none of their names', async () => {
    const root = writeRepo({ 'zones/198.51.100.0_24.yaml': BLOCK });
    const before = queries;
    const r = await rdns(['bulk', '-', '--as', 'acme-corp', '--resolver', resolver, '--timeout', '500', '--retries', '0'], root, '198.51.100.22 a.example.com\n198.51.100.23 b.example.com\n10.0.0.1 c.example.com\n');
    expect(r.stdout).toContain('3 lines: 0 valid (0 to change, 0 unchanged), 0 invalid, 3 not yours\n');
    expect(r.stdout).not.toMatch(/fcrdns|resolver\./);
    expect(queries - before).toBe(0);
  });

  it('rdns reset accepts the forward-check flags of rdns set (and checks them)', async () => {
    const root = writeRepo({ 'zones/198.51.100.0_24.yaml': BLOCK });
    const ok = await rdns(['reset', '198.51.100.22', '--resolver', resolver, '--timeout', '500', '--retries', '0', '--dry-run'], root);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('reset   198.51.100.22  mail.example.com → 198-51-100-22.static.example.net (default)  zones/198.51.100.0_24.yaml\npreview only: nothing written\n');
    expect(ok.status).toBe(0);
    const bad = await rdns(['reset', '198.51.100.22', '--resolver', 'not-a-server'], root);
    expect(bad.stderr).toMatch(/--resolver not-a-server: not a DNS server address/);
    expect(bad.status).toBe(2);
  });
});
