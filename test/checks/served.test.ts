/**
 * Closing the loop after apply (issue 20, item 12): `rdns check --changed-since REV
 * --authoritative --wait N` asks the zone's authoritative name servers directly, polls
 * within a bounded wait, and says "served by all N name servers" or who lags. Against BIND
 * on loopback whose zone changes while the check waits (driven by the check's own round
 * messages, not by the clock).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectQuerier, type AuthoritativeQuerier } from '../../src/checks/direct-query.js';
import { createDnsResolver } from '../../src/checks/resolver.js';
import { checkServed, servedSummary, type ServedTarget } from '../../src/checks/served.js';
import { parseIp } from '../../src/core/ip.js';
import { bindOrSkip, startBind, zoneText, type BindServer } from '../helpers/bind.js';
import { RDNS_BIN } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';

const FORWARD = zoneText('example.test', 'ns1 IN A 127.0.0.1\nmail IN A 192.0.2.25').replace(/ns1\.example\.net\./g, 'ns1.example.test.');
const reverse = (serial: number, ptr: string): string =>
  zoneText('2.0.192.in-addr.arpa', `25 IN PTR ${ptr}\n1 IN PTR gw1.example.test.`).replace(/ns1\.example\.net\./g, 'ns1.example.test.').replace(' 1 3600 600', ` ${serial} 3600 600`);
const BLOCK = (ptr: string): string => `prefix: 192.0.2.0/24\nowners: ["@noc"]\nrecords:\n  192.0.2.1: gw1.example.test\n  192.0.2.25: ${ptr}\n`;

function run(root: string, args: string[], onStderr?: (text: string) => void): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RDNS_BIN, '-C', root, 'check', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    // A hang guard only: the check's own --wait bounds the run.
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(guard);
      resolve({ status, stdout, stderr });
    });
  });
}

describe.skipIf(!bindOrSkip())('rdns check --authoritative (BIND on loopback)', { timeout: 150_000 }, () => {
  let server: BindServer & { dir?: string };
  let repo: GitRepo;
  let base = '';
  beforeAll(async () => {
    server = await startBind([
      { name: 'example.test', text: FORWARD },
      { name: '2.0.192.in-addr.arpa', text: reverse(1, 'old-mx.example.test.') },
    ]);
    repo = createGitRepo({ 'zones/192.0.2.0_24.yaml': BLOCK('old-mx.example.test') });
    base = repo.rev('HEAD');
    repo.commit('mail on .25', { 'zones/192.0.2.0_24.yaml': BLOCK('mail.example.test') });
  }, 60_000);
  afterAll(async () => server?.stop());

  const args = (): string[] => ['--changed-since', base, '--authoritative', '--resolver', server.address, '--ns-port', String(server.port), '--timeout', '1000'];

  it('names the lagging server and address when the zone does not serve the change within the wait', async () => {
    const r = await run(repo.root, [...args(), '--wait', '0']);
    expect(r.stdout).toBe('not served everywhere after 1 round: ns1.example.test (127.0.0.1) does not serve 192.0.2.25 → mail.example.test (answers old-mx.example.test.)\n');
    expect(r.status).toBe(1);
    const json = JSON.parse((await run(repo.root, [...args(), '--wait', '0', '--format', 'json'])).stdout);
    expect(json.served.lagging).toEqual([{ server: 'ns1.example.test.', address: '127.0.0.1', zone: '2.0.192.in-addr.arpa.', addresses: [{ ip: '192.0.2.25', want: 'mail.example.test.', got: 'old-mx.example.test.' }] }]);
  });

  it('polls until the name server serves the change (the zone is reloaded after the first round)', async () => {
    let reloaded = false;
    const r = await run(repo.root, [...args(), '--wait', '60', '--interval', '1'], (stderr) => {
      if (reloaded || !stderr.includes('round 1, 1 answer still missing')) return;
      reloaded = true;
      // The apply reaches the server: a new serial and the new PTR, then BIND reloads its zones.
      const zoneFile = readFileSync(join(server.dir!, 'named.conf'), 'utf8').match(/zone "2\.0\.192\.in-addr\.arpa\." \{ type primary; file "([^"]+)"/)![1]!;
      writeFileSync(zoneFile, reverse(2, 'mail.example.test.'));
      const pid = Number(readFileSync(join(server.dir!, 'named.pid'), 'utf8').trim());
      process.kill(pid, 'SIGHUP');
    });
    expect(reloaded).toBe(true);
    expect(r.stdout).toBe('1 changed PTR served by all 1 name server\n');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/round 1, 1 answer still missing\n(?:.*\n)*.*round \d+, 0 answers still missing\n/);
  });
});

describe.skipIf(!bindOrSkip())('checkServed: the questions of a round at once, the report in the order of the targets (BIND on loopback)', { timeout: 60_000 }, () => {
  const N = 40;
  let server: BindServer;
  beforeAll(async () => {
    const body = Array.from({ length: N }, (_, i) => `${i + 1} IN PTR host${i + 1}.example.test.`).join('\n');
    server = await startBind([
      { name: 'example.test', text: FORWARD },
      { name: '2.0.192.in-addr.arpa', text: zoneText('2.0.192.in-addr.arpa', body).replace(/ns1\.example\.net\./g, 'ns1.example.test.') },
    ]);
  }, 60_000);
  afterAll(async () => server?.stop());

  // Every even address asks for a name the server does not serve yet.
  const targets: ServedTarget[] = Array.from({ length: N }, (_, i) => {
    const ipText = `192.0.2.${i + 1}`;
    const ip = parseIp(ipText);
    if (!ip.ok) throw new Error(ipText);
    return { ipText, ip: ip.value, ptr: (i + 1) % 2 === 0 ? `new${i + 1}.example.test.` : `host${i + 1}.example.test.` };
  });

  /** The real querier, counting the questions in flight and answering the later questions first. */
  function watched(): { querier: AuthoritativeQuerier; most: () => number } {
    const real = createDirectQuerier({ timeoutMs: 2000 });
    let inFlight = 0;
    let most = 0;
    return {
      most: () => most,
      querier: {
        async query(address, port, name, type) {
          inFlight++;
          most = Math.max(most, inFlight);
          try {
            const answer = await real.query(address, port, name, type);
            const last = Number(name.split('.')[0]);
            await new Promise((r) => setTimeout(r, (N - last) * 2));
            return answer;
          } finally {
            inFlight--;
          }
        },
      },
    };
  }

  const run = async (concurrency?: number) => {
    const w = watched();
    const report = await checkServed(targets, createDnsResolver({ servers: [server.address], timeoutMs: 2000 }), w.querier, { port: server.port, ...(concurrency === undefined ? {} : { concurrency }) });
    return { report, most: w.most() };
  };

  it('asks many servers questions at once by default and lists the lagging addresses in the order of the targets', async () => {
    const { report, most } = await run();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(32);
    expect(report.rounds).toBe(1);
    expect(report.lagging).toHaveLength(1);
    expect(report.lagging[0]!.addresses.map((a) => a.ip)).toEqual(targets.filter((_, i) => (i + 1) % 2 === 0).map((t) => t.ipText));
    expect(report.lagging[0]!.addresses[0]).toEqual({ ip: '192.0.2.2', want: 'new2.example.test.', got: 'host2.example.test.' });
    expect(servedSummary(report)).toMatch(/^not served everywhere after 1 round: ns1\.example\.test \(127\.0\.0\.1\) does not serve 192\.0\.2\.2 → new2\.example\.test \(answers host2\.example\.test\.\), 192\.0\.2\.4 → /);
  });

  it('concurrency 1 asks one question at a time and reports the same', async () => {
    const [one, many] = [await run(1), await run(8)];
    expect(one.most).toBe(1);
    expect(many.most).toBe(8);
    expect(one.report).toEqual(many.report);
  });
});
