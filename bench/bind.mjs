// A BIND 9 (`named`) on a free loopback port for benchmarks: the JavaScript twin of
// test/helpers/bind.ts (benchmarks run plain node and cannot import the .ts helpers).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';

export const namedPath = () => ['/usr/sbin/named', '/usr/bin/named'].find((p) => spawnSync(p, ['-v']).status === 0);

async function freePort() {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const tcp = await new Promise((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
    const udp =
      tcp &&
      (await new Promise((res) => {
        const s = createSocket('udp4');
        s.once('error', () => res(false));
        s.bind(port, '127.0.0.1', () => s.close(() => res(true)));
      }));
    if (udp) return port;
  }
  throw new Error('no free port on 127.0.0.1');
}

/** Starts named serving `zones` ([{name, text}]) and resolves once every zone answers its SOA (15 s bound). */
export async function startBind(zones) {
  const named = namedPath();
  if (!named) throw new Error('named is not installed (apt-get install -y bind9)');
  const dir = mkdtempSync(join(tmpdir(), 'rdns-bench-bind-'));
  const port = await freePort();
  const stanzas = zones.map((z, i) => {
    writeFileSync(join(dir, `zone${i}.db`), z.text);
    return `zone "${z.name}." { type primary; file "${join(dir, `zone${i}.db`)}"; };`;
  });
  writeFileSync(
    join(dir, 'named.conf'),
    `options { directory "${dir}"; pid-file "${join(dir, 'named.pid')}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; notify no; dnssec-validation no; minimal-responses yes; querylog no; };
controls { };
${stanzas.join('\n')}
`,
  );
  const child = spawn(named, ['-g', '-n', '2', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b) => (log += b.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((res) => child.once('exit', res));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const r = new Resolver({ timeout: 300, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 15_000;
  for (const z of zones) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`named exited:\n${log}`);
      try {
        await r.resolveSoa(z.name);
        break;
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`named did not serve ${z.name} in 15 s:\n${log}`);
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }
  return { port, address: `127.0.0.1:${port}`, stop };
}
