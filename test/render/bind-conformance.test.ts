/**
 * What the world would see: `rdns export` zone files loaded into a real BIND 9 on
 * loopback, then every address of the fixture asked for its PTR. The expected names
 * are worked out here from the YAML (not from the render model), so the test holds
 * the whole chain to the block files: records, generic names, IPv6, and RFC 2317
 * CNAME chains through a delegated child zone and through an upstream's /24.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';
import { bindOrSkip, startBind, zoneText, type BindServer } from '../helpers/bind.js';
import { FIXTURE, writeRepo } from './fixture.js';

const RDNS = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const have = bindOrSkip();

/** PTR each address must resolve to, straight from the fixture's YAML. */
function expectedFromYaml(): Map<string, string> {
  const want = new Map<string, string>();
  want.set('192.0.2.1', 'gw1.pop1.example.net');
  want.set('192.0.2.25', 'mx1.example.net');
  for (let d = 0; d < 256; d++) want.set(`198.51.100.${d}`, `198-51-100-${d}.static.example.net`);
  want.set('198.51.100.22', 'mail.example.com');
  for (let d = 0; d < 128; d++) want.set(`203.0.113.${d}`, `vps-${d}.customers.example.net`);
  want.set('203.0.113.5', 'api.example.org');
  want.set('2001:db8:100::1', 'gw1.dc1.example.net');
  want.set('2001:db8:100:20::25', 'smtp.acme.example');
  return want;
}

function reverseName(ip: string): string {
  if (!ip.includes(':')) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const groups = ip.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
  const full = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail].map((g) => g.padStart(4, '0')).join('');
  return `${full.split('').reverse().join('.')}.ip6.arpa`;
}

/**
 * PTR of a reverse name as a recursive resolver would find it: an authoritative
 * server answers a CNAME into another zone without chasing it, so follow it here.
 */
async function lookupPtr(resolver: Resolver, name: string, hops = 0): Promise<string[]> {
  try {
    return await resolver.resolvePtr(name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENODATA' || hops > 4) throw e;
    const [target] = await resolver.resolveCname(name);
    if (!target) throw e;
    return lookupPtr(resolver, target, hops + 1);
  }
}

const dig = (port: number, args: string[]): string[] =>
  spawnSync('dig', ['-p', String(port), '@127.0.0.1', ...args, '+noall', '+answer', '+time=2', '+tries=1'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(/\s+/).filter((f, i) => i !== 2).join(' '));

describe.skipIf(!have)('exported zones served by BIND 9 answer like the YAML', () => {
  let root: string;
  let server: BindServer;
  let resolver: Resolver;
  const zoneFiles: { name: string; text: string }[] = [];

  beforeAll(async () => {
    root = writeRepo(FIXTURE, 'rdns-bind-');
    const r = spawnSync(process.execPath, [RDNS, '-C', root, 'export', '--format', 'zone', '--ns', 'ns1.example.net', '--ns', 'ns2.example.net', '--serial', '2026112301', '--out-dir', 'exported'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const f of readdirSync(join(root, 'exported')).sort()) zoneFiles.push({ name: f.replace(/\.zone$/, ''), text: readFileSync(join(root, 'exported', f), 'utf8') });
    // The upstream's side of RFC 2317 for our /25: CNAMEs in their /24 (RFC 2317 §4).
    const upstream = Array.from({ length: 128 }, (_, d) => `${d} IN CNAME ${d}.0-25.113.0.203.in-addr.arpa.`).join('\n');
    server = await startBind([...zoneFiles, { name: '113.0.203.in-addr.arpa', text: zoneText('113.0.203.in-addr.arpa', upstream) }]);
    resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([server.address]);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('exports one master file per zone, each accepted by named-checkzone', () => {
    expect(zoneFiles.map((z) => z.name)).toEqual([
      '0-25.113.0.203.in-addr.arpa',
      '0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa',
      '100.51.198.in-addr.arpa',
      '2.0.192.in-addr.arpa',
      '64-27.100.51.198.in-addr.arpa',
    ]);
    for (const z of zoneFiles) {
      const check = spawnSync('/usr/bin/named-checkzone', ['-i', 'local', z.name, join(root, 'exported', `${z.name}.zone`)], { encoding: 'utf8' });
      expect(check.stdout + check.stderr, z.name).toContain('OK');
      expect(check.status, `${z.name}: ${check.stdout}${check.stderr}`).toBe(0);
    }
  });

  it('answers every address (IPv4, IPv6, generic names, both RFC 2317 chains) with the PTR of the YAML', async () => {
    const want = expectedFromYaml();
    const got = new Map<string, string>();
    const ips = [...want.keys()];
    for (let i = 0; i < ips.length; i += 32) {
      await Promise.all(
        ips.slice(i, i + 32).map(async (ip) => {
          const names = await lookupPtr(resolver, reverseName(ip)).catch((e: NodeJS.ErrnoException) => [`error ${e.code}`]);
          got.set(ip, names.join(' '));
        }),
      );
    }
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
  });

  it('dig -x gives the CNAME of a delegated allocation, and the customer zone the generic PTR', () => {
    expect(dig(server.port, ['-x', '198.51.100.70'])).toEqual(['70.100.51.198.in-addr.arpa. 7200 CNAME 70.64-27.100.51.198.in-addr.arpa.']);
    expect(dig(server.port, ['70.64-27.100.51.198.in-addr.arpa.', 'PTR'])).toEqual(['70.64-27.100.51.198.in-addr.arpa. 7200 PTR 198-51-100-70.static.example.net.']);
  });

  it('dig -x through the upstream /24 reaches the classless zone; an address outside the blocks has no PTR', () => {
    expect(dig(server.port, ['-x', '203.0.113.5'])).toEqual(['5.113.0.203.in-addr.arpa. 300 CNAME 5.0-25.113.0.203.in-addr.arpa.']);
    expect(dig(server.port, ['5.0-25.113.0.203.in-addr.arpa.', 'PTR'])).toEqual(['5.0-25.113.0.203.in-addr.arpa. 3600 PTR api.example.org.']);
    expect(dig(server.port, ['-x', '2001:db8:100::1'])).toEqual(['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa. 3600 PTR gw1.dc1.example.net.']);
    const none = spawnSync('dig', ['-p', String(server.port), '@127.0.0.1', '-x', '192.0.2.2', '+time=2', '+tries=1'], { encoding: 'utf8' });
    expect(none.stdout).toContain('status: NXDOMAIN');
  });

  it('publishes the delegation of the customer zone in the parent (NS at the child apex)', () => {
    const parent = zoneFiles.find((z) => z.name === '100.51.198.in-addr.arpa')!.text;
    expect(parent).toContain('64-27.100.51.198.in-addr.arpa. 7200 IN NS ns1.globex.example.');
    expect(parent).toContain('64-27.100.51.198.in-addr.arpa. 7200 IN NS ns2.globex.example.');
  });

  it('gives the customer zone the NS set the parent delegates to (not the --ns servers) and the customer\'s SOA contact (not the ISP\'s hostmaster)', () => {
    expect(dig(server.port, ['64-27.100.51.198.in-addr.arpa.', 'NS']).sort()).toEqual([
      '64-27.100.51.198.in-addr.arpa. 7200 NS ns1.globex.example.',
      '64-27.100.51.198.in-addr.arpa. 7200 NS ns2.globex.example.',
    ]);
    expect(dig(server.port, ['64-27.100.51.198.in-addr.arpa.', 'SOA'])[0]).toMatch(/^64-27\.100\.51\.198\.in-addr\.arpa\. 7200 SOA ns1\.globex\.example\. hostmaster\.globex\.example\. 2026112301 /);
  });
});
