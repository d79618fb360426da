import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDelegation, type ZoneProbe } from '../../src/checks/delegation.js';
import { createDirectQuerier } from '../../src/checks/direct-query.js';
import { createDnsResolver } from '../../src/checks/resolver.js';
import { bindOrSkip, freePort, startBind, zoneText, type BindServer } from '../helpers/bind.js';
import { silentServer, tempRepo } from './fixtures.js';

const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

/**
 * Two real BINDs on one port number: the parent (0.192.in-addr.arpa and the forward zone
 * with the name servers' addresses) on 127.0.0.1, the child zones' server on ::1. The
 * parent refers 2.0.192 to ns1 (::1, serves it) and ns2 (127.0.0.3, nothing listens),
 * while the zone itself lists ns1 only; 6.0.192 is delegated cleanly; 3.0.192 not at all.
 */
const have = bindOrSkip();

describe.skipIf(!have)('delegation as seen from the parent (two BINDs on loopback)', () => {
  let parent: BindServer;
  let child: BindServer;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    const childNs = (apex: string) => zoneText(apex, '').replace('@ IN NS ns1.example.net.', '@ IN NS ns1.example.test.');
    child = await startBind(
      [
        { name: '2.0.192.in-addr.arpa', text: childNs('2.0.192.in-addr.arpa') },
        { name: '6.0.192.in-addr.arpa', text: childNs('6.0.192.in-addr.arpa') },
      ],
      { extraOptions: `listen-on-v6 port ${port} { ::1; };` },
    );
    parent = await startBindAt(port, [
      {
        name: '0.192.in-addr.arpa',
        text: zoneText('0.192.in-addr.arpa', '2 IN NS ns1.example.test.\n2 IN NS ns2.example.test.\n6 IN NS ns1.example.test.\n').replace('@ IN NS ns1.example.net.', '@ IN NS nsp.example.test.'),
      },
      { name: 'example.test', text: zoneText('example.test', 'nsp IN A 127.0.0.1\nns1 IN AAAA ::1\nns2 IN A 127.0.0.3\n') },
    ]);
  });
  afterAll(async () => {
    await parent?.stop();
    await child?.stop();
  });

  const probe = (zone: string, expected?: string[]): ZoneProbe => ({ zone, file: 'zones/x.yaml', pos: { file: 'zones/x.yaml', line: 1, column: 9 }, expected });
  const run = (z: ZoneProbe) =>
    checkDelegation(z, createDnsResolver({ servers: [parent.address], timeoutMs: 1000, retries: 0 }), { querier: createDirectQuerier({ timeoutMs: 300, retries: 0 }), port });

  it('a referral from the parent to servers that answer with the same NS set is ok', async () => {
    const d = await run(probe('6.0.192.in-addr.arpa.'));
    expect(d).toMatchObject({ status: 'ok', parent: '0.192.in-addr.arpa.', ns: ['ns1.example.test.'], childNs: ['ns1.example.test.'], diagnostics: [] });
  });

  it('finds a name server that does not answer (lame) and NS sets that differ between parent and zone', async () => {
    const d = await run(probe('2.0.192.in-addr.arpa.'));
    expect(d.status).toBe('lame');
    expect(d.ns).toEqual(['ns1.example.test.', 'ns2.example.test.']);
    expect(d.childNs).toEqual(['ns1.example.test.']);
    expect(d.diagnostics.map((x) => [x.code, x.severity, x.message])).toEqual([
      ['delegation.lame', 'error', 'reverse zone 2.0.192.in-addr.arpa: name server ns2.example.test (127.0.0.3) does not answer for the zone (lame delegation)'],
      ['delegation.mismatch', 'warning', "reverse zone 2.0.192.in-addr.arpa: the parent zone 0.192.in-addr.arpa delegates it to ns1.example.test, ns2.example.test, but the zone's own NS set is ns1.example.test"],
    ]);
  });

  it('a zone the parent does not delegate is missing', async () => {
    const d = await run(probe('3.0.192.in-addr.arpa.'));
    expect(d.status).toBe('missing');
    expect(d.diagnostics[0]).toMatchObject({ code: 'delegation.missing', line: 1, value: '3.0.192.in-addr.arpa' });
    expect(d.diagnostics[0]!.message).toContain('the parent zone 0.192.in-addr.arpa has no NS records for 3.0.192.in-addr.arpa');
  });

  it('delegate_to in git must match the servers the parent delegates to', async () => {
    const d = await run(probe('6.0.192.in-addr.arpa.', ['ns1.customer.test.']));
    expect(d.status).toBe('mismatch');
    expect(d.diagnostics.map((x) => x.message)).toEqual(['reverse zone 6.0.192.in-addr.arpa is delegated to ns1.example.test, but delegate_to says ns1.customer.test']);
  });

  it('rdns audit --ns-port asks the parent and every name server directly (built CLI)', () => {
    const root = tempRepo({ 'zones/192.0.2.0_24.yaml': 'prefix: 192.0.2.0/24\nowners: ["@noc"]\n' });
    const r = spawnSync(process.execPath, [CLI, '-C', root, 'audit', '--resolver', parent.address, '--ns-port', String(port), '--timeout', '300', '--format', 'json'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    const codes = JSON.parse(r.stdout).diagnostics.filter((d: { code: string }) => d.code.startsWith('delegation.')).map((d: { code: string; line: number }) => [d.code, d.line]);
    expect(codes).toEqual([
      ['delegation.lame', 1],
      ['delegation.mismatch', 1],
    ]);
    const md = readFileSync(join(root, 'reports/audit.md'), 'utf8');
    expect(md).toContain('| 2.0.192.in-addr.arpa. | lame | ns1.example.test., ns2.example.test. | ns1.example.test. |  | ns2.example.test (127.0.0.3) does not answer; the parent lists');
  });

  it('a name server this host cannot send to (no IPv6 route, as on GitHub-hosted runners) is unverifiable, not lame', async () => {
    const real = createDirectQuerier({ timeoutMs: 300, retries: 0 });
    // ns1's only address is ::1; the broadcast address stands in for an unroutable one: the send fails here, locally.
    const noIpv6 = { query: (server: string, p: number, name: string, type: 'NS' | 'SOA') => real.query(server.includes(':') ? '255.255.255.255' : server, p, name, type) };
    const d = await checkDelegation(probe('6.0.192.in-addr.arpa.'), createDnsResolver({ servers: [parent.address], timeoutMs: 1000, retries: 0 }), { querier: noIpv6, port });
    expect(d.status).toBe('unverifiable');
    expect(d.diagnostics.map((x) => [x.code, x.severity])).toEqual([['delegation.unverifiable', 'warning']]);
    expect(d.diagnostics[0]!.message).toContain('ns1.example.test could not be asked from this host');
  });

  it('--resolver takes an IPv6 server with a port ([::1]:PORT)', async () => {
    const r = createDnsResolver({ servers: [`[::1]:${port}`], timeoutMs: 1000, retries: 0 });
    expect(r.servers).toEqual([`[::1]:${port}`]);
    expect(await r.lookup('2.0.192.in-addr.arpa', 'NS')).toEqual({ outcome: 'answer', values: ['ns1.example.test.'] });
  });

  it('the direct querier reads referrals, authoritative answers and NXDOMAIN', async () => {
    const q = createDirectQuerier({ timeoutMs: 500, retries: 0 });
    expect(await q.query('127.0.0.1', port, '2.0.192.in-addr.arpa', 'NS')).toEqual({ outcome: 'referral', aa: false, ns: ['ns1.example.test.', 'ns2.example.test.'] });
    expect(await q.query('::1', port, '2.0.192.in-addr.arpa', 'NS')).toEqual({ outcome: 'answer', aa: true, ns: ['ns1.example.test.'] });
    expect(await q.query('127.0.0.1', port, '3.0.192.in-addr.arpa', 'NS')).toMatchObject({ outcome: 'nxdomain', aa: true });
    expect((await q.query('127.0.0.1', port, 'example.org', 'SOA')).outcome).toBe('refused');
  });
});

describe.skipIf(!have)('delegation through the resolver only (no direct questions)', () => {
  it('an NS lookup that times out leaves the delegation unverified; it is not reported missing', async () => {
    const server = await startBind([{ name: '2.0.192.in-addr.arpa', text: zoneText('2.0.192.in-addr.arpa', '') }]);
    const silent = await silentServer();
    try {
      const real = createDnsResolver({ servers: [server.address], timeoutMs: 1000, retries: 0 });
      const lost = createDnsResolver({ servers: [silent.address], timeoutMs: 200, retries: 0 });
      // SOA questions reach the server, NS questions are lost on the way (a silent server).
      const flaky = { servers: real.servers, stats: real.stats, lookup: (n: string, t: Parameters<typeof real.lookup>[1]) => (t === 'NS' ? lost.lookup(n, t) : real.lookup(n, t)) };
      const d = await checkDelegation({ zone: '2.0.192.in-addr.arpa.', file: 'zones/x.yaml', pos: { file: 'zones/x.yaml', line: 1, column: 9 } }, flaky);
      expect(d.status).toBe('unverifiable');
      expect(d.diagnostics.map((x) => [x.code, x.severity])).toEqual([['delegation.unverifiable', 'warning']]);
      // Without the loss, the same zone is fine.
      expect((await checkDelegation({ zone: '2.0.192.in-addr.arpa.', file: 'zones/x.yaml', pos: { file: 'zones/x.yaml', line: 1, column: 9 } }, real)).status).toBe('ok');
    } finally {
      await silent.close();
      await server.stop();
    }
  });
});

describe('the direct querier and a server it cannot send to', () => {
  it('says the question could not be sent (network), which is not a timeout', async () => {
    const a = await createDirectQuerier({ timeoutMs: 200, retries: 1 }).query('255.255.255.255', 53, 'example.test', 'NS');
    expect(a.outcome).toBe('network');
    expect(a.detail).toContain('cannot send to 255.255.255.255 port 53');
  });
});

describe('the direct querier and a server that never answers', () => {
  it('times out within the bound', async () => {
    const silent = await silentServer();
    try {
      const [host, p] = silent.address.split(':') as [string, string];
      const a = await createDirectQuerier({ timeoutMs: 200, retries: 1 }).query(host, Number(p), 'example.test', 'NS');
      expect(a.outcome).toBe('timeout');
      // One question and one retry, then it gives up.
      expect(silent.queries()).toBe(2);
    } finally {
      await silent.close();
    }
  });
});

/** startBind on a given port: the parent must listen on the port the child also uses on ::1. */
async function startBindAt(port: number, zones: Parameters<typeof startBind>[0]): Promise<BindServer> {
  // startBind picks its own port; ask it for an extra listener on ours instead.
  return startBind(zones, { extraOptions: `listen-on port ${port} { 127.0.0.1; };` }).then((s) => ({ ...s, port, address: `127.0.0.1:${port}` as const }));
}
