// A real BIND 9 (`named` from Debian's bind9 package) on loopback, for tests and
// benchmarks alike (plain JavaScript so that `node bench/*.mjs` can import it too;
// types in named.d.mts, skip-or-fail policy in bind.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';

export const namedPath = () => ['/usr/sbin/named', '/usr/bin/named'].find((p) => spawnSync(p, ['-v']).status === 0);

/** A TCP and UDP port free on 127.0.0.1 right now (high range). */
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const tcpFree = await new Promise((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (!tcpFree) continue;
    const udpFree = await new Promise((res) => {
      const s = createSocket('udp4');
      s.once('error', () => res(false));
      s.bind(port, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}

const fqdn = (n) => (n.endsWith('.') ? n : `${n}.`);

/**
 * Starts named on 127.0.0.1:<free port> serving `zones` ([{name, text}]) as primary
 * (AXFR allowed from loopback), and waits until it runs and answers the SOA of every zone.
 * A free port can be taken between the probe and named's bind (another test's server): named
 * then exits ("unable to listen"), and this starts it again on another port, so a busy machine
 * cannot fail a test here (`options.port`: the port to try first). `options.extraOptions` goes inside `options {}`, `extraConfig` after it.
 */
export async function startBind(zones, options = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBindOnce(zones, options, attempt === 1 && options.port ? options.port : await freePort());
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt >= 20) throw e;
    }
  }
}

class PortTaken extends Error {}

async function startBindOnce(zones, options, port) {
  const named = namedPath();
  if (!named) throw new Error('named is not installed (apt-get install -y bind9)');
  const dir = mkdtempSync(join(tmpdir(), 'rdns-bind-'));
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
  querylog no;
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
  const child = spawn(named, ['-g', '-n', '2', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (b) => {
    log += b.toString();
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((res) => child.once('exit', () => res()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const resolver = new Resolver({ timeout: 300, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  // A hang guard, not a budget: named starts in well under a second on an idle machine.
  const deadline = Date.now() + 120_000;
  // Until named logs "running", an answer on the port may come from someone else's server.
  const running = () => /^\S+ \S+ running$/m.test(log);
  for (const z of [undefined, ...zones]) {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        await stop();
        if (/unable to listen on any configured interfaces|address in use/.test(log)) throw new PortTaken(`port ${port} was taken`);
        throw new Error(`named exited (${child.exitCode ?? child.signalCode}):\n${log}`);
      }
      try {
        if (z === undefined) {
          if (!running()) throw new Error('not running yet');
        } else await resolver.resolveSoa(fqdn(z.name).slice(0, -1));
        break;
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`named did not serve ${z?.name ?? 'anything'} within 120 s:\n${log}`);
        }
        await new Promise((res) => setTimeout(res, 50));
      }
    }
  }
  return { host: '127.0.0.1', port, address: `127.0.0.1:${port}`, dir, stop };
}

/** A minimal zone file: SOA and NS at the apex, then `body` (relative or absolute names). */
export function zoneText(apex, body, ttl = 300) {
  const a = fqdn(apex);
  return `$ORIGIN ${a}
$TTL ${ttl}
@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300
@ IN NS ns1.example.net.
${body}
`;
}
