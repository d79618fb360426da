/**
 * A real BIND 9 (`named` from Debian's bind9 package) on loopback, started by a
 * test with the zones it needs. Tests that need it call {@link bindOrSkip}: outside
 * CI a missing `named` skips with a loud notice; under CI=true it fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';

export interface ZoneFile {
  /** Zone apex, e.g. `100.51.198.in-addr.arpa` (trailing dot optional). */
  readonly name: string;
  /** Zone file text (master file format). */
  readonly text: string;
}

export interface BindServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:port`, the form `--resolver` takes. */
  readonly address: string;
  readonly dir: string;
  stop(): Promise<void>;
}

const NAMED = ['/usr/sbin/named', '/usr/bin/named'];

export function namedPath(): string | undefined {
  for (const p of NAMED) if (spawnSync(p, ['-v']).status === 0) return p;
  return undefined;
}

/** True when BIND can run here; otherwise a loud skip notice (or a failure under CI=true). */
export function bindOrSkip(): boolean {
  if (namedPath()) return true;
  const msg = 'BIND 9 (named) is not installed: DNS server tests are SKIPPED. Install it with: apt-get install -y bind9 bind9-utils bind9-dnsutils dnsperf';
  if (process.env.CI) throw new Error(`${msg} (CI=true: a missing server is a failure, not a skip)`);
  console.warn(`\n${'!'.repeat(78)}\n${msg}\n${'!'.repeat(78)}\n`);
  return false;
}

/** A TCP and UDP port free on 127.0.0.1 right now (high range). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const tcpFree = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (!tcpFree) continue;
    const udpFree = await new Promise<boolean>((res) => {
      const s = createSocket('udp4');
      s.once('error', () => res(false));
      s.bind(port, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}

const fqdn = (n: string): string => (n.endsWith('.') ? n : `${n}.`);

/**
 * Starts named on 127.0.0.1:<free port> serving `zones` as primary (AXFR allowed from
 * loopback), and waits until it answers the SOA of every zone (bounded: 15 s).
 */
export async function startBind(zones: readonly ZoneFile[], options: { extraOptions?: string; extraConfig?: string } = {}): Promise<BindServer> {
  const named = namedPath();
  if (!named) throw new Error('named is not installed (apt-get install -y bind9)');
  const dir = mkdtempSync(join(tmpdir(), 'rdns-bind-'));
  const port = await freePort();
  const zoneStanzas = zones
    .map((z, i) => {
      writeFileSync(join(dir, `zone${i}.db`), z.text);
      return `zone "${fqdn(z.name)}" { type primary; file "${join(dir, `zone${i}.db`)}"; allow-transfer { 127.0.0.1; }; };`;
    })
    .join('\n');
  writeFileSync(
    join(dir, 'named.conf'),
    `options {
  directory "${dir}";
  pid-file "${join(dir, 'named.pid')}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
  minimal-responses yes;
  max-cache-size 16m;
  ${options.extraOptions ?? ''}
};
controls { };
${options.extraConfig ?? ''}
${zoneStanzas}
`,
  );
  const check = spawnSync('/usr/bin/named-checkconf', ['-z', join(dir, 'named.conf')], { encoding: 'utf8' });
  if (check.status !== 0 && check.status !== null) throw new Error(`named-checkconf failed:\n${check.stdout}${check.stderr}`);
  const child: ChildProcess = spawn(named, ['-g', '-n', '2', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (b: Buffer) => {
    log += b.toString();
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const resolver = new Resolver({ timeout: 300, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 15_000;
  for (const z of zones) {
    for (;;) {
      if (child.exitCode !== null) {
        await stop();
        throw new Error(`named exited (${child.exitCode}):\n${log}`);
      }
      try {
        await resolver.resolveSoa(fqdn(z.name).slice(0, -1));
        break;
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`named did not serve ${z.name} within 15 s:\n${log}`);
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }
  return { host: '127.0.0.1', port, address: `127.0.0.1:${port}`, dir, stop };
}

/** A minimal zone file: SOA and NS at the apex, then `body` (relative or absolute names). */
export function zoneText(apex: string, body: string, ttl = 300): string {
  const a = fqdn(apex);
  return `$ORIGIN ${a}
$TTL ${ttl}
@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300
@ IN NS ns1.example.net.
${body}
`;
}
