import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindOrSkip, type BindServer } from '../helpers/bind.js';
import { silentServer, startFixtureBind, tempRepo } from './fixtures.js';
import { runCliInProcess, type CliResult } from '../helpers/cli.js';

const CLI = join(import.meta.dirname, '../../dist/cli/main.js');
/** `rdns -C ROOT ARGS` in this process (the exit code and output of a real run, without a process start; test/helpers/cli.ts). */
const rdns = (root: string, ...args: string[]): Promise<CliResult> => runCliInProcess(['-C', root, ...args], { cwd: process.cwd(), env: { CI: '' }, timeoutMs: 20_000 });

const GOOD = `prefix: 192.0.2.0/24
owners: ["@noc"]
records:
  192.0.2.25: mail.example.test
  192.0.2.30: multi.example.test
`;
const BAD = `${GOOD}  192.0.2.31: missing.example.test
  192.0.2.32: host.broken.test
`;

const have = bindOrSkip();

describe.skipIf(!have)('rdns check (built CLI) against BIND on loopback', () => {
  let server: BindServer;
  beforeAll(async () => {
    ({ server } = await startFixtureBind());
  });
  afterAll(async () => server?.stop());

  it('exits 0 and says ok when every PTR resolves back', async () => {
    const r = await rdns(tempRepo({ 'zones/a.yaml': GOOD }), 'check', '--resolver', server.address);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok: 1 file, 2 records, 0 errors, 0 warnings\n');
    expect(r.status).toBe(0);
  });

  it('exits 1 with compiler-style lines for failures', async () => {
    const r = await rdns(tempRepo({ 'zones/a.yaml': BAD }), 'check', '--resolver', server.address, '--timeout', '1000');
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^zones\/a\.yaml:6:3: error fcrdns\.nxdomain 192\.0\.2\.31 → missing\.example\.test, but missing\.example\.test does not exist \(NXDOMAIN\)/);
    expect(lines[1]).toMatch(/^zones\/a\.yaml:7:3: warning fcrdns\.servfail /);
    expect(lines[2]).toBe('failed: 1 file, 4 records, 1 error, 1 warning');
  });

  it('--format json gives the validate shape with a summary', async () => {
    const r = await rdns(tempRepo({ 'zones/a.yaml': BAD }), 'check', '--resolver', server.address, '--format', 'json', '--strict');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toEqual({ files: 1, records: 4, errors: 2, warnings: 0, generic: 0, passed: 2 });
    expect(out.diagnostics[0]).toEqual({
      severity: 'error',
      code: 'fcrdns.nxdomain',
      message: expect.stringContaining('does not exist'),
      file: 'zones/a.yaml',
      line: 6,
      column: 3,
      ip: '192.0.2.31',
      value: 'missing.example.test',
    });
    expect(out.diagnostics[1]).toMatchObject({ severity: 'error', code: 'fcrdns.servfail', line: 7 });
  });

  it('--format github prints workflow annotations', async () => {
    const r = await rdns(tempRepo({ 'zones/a.yaml': BAD }), 'check', '--resolver', server.address, '--format', 'github');
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[1]).toMatch(/^::warning file=zones\/a\.yaml,line=7,col=3,title=fcrdns\.servfail::192\.0\.2\.32 → host\.broken\.test/);
    expect(r.stdout.split('\n')[0]).toMatch(/^::error file=zones\/a\.yaml,line=6,col=3,title=fcrdns\.nxdomain::192\.0\.2\.31 → missing\.example\.test/);
  });

  it('exits 2 when the server refuses every query (nothing verified), not 0 with warnings', async () => {
    const r = await rdns(tempRepo({ 'zones/a.yaml': 'prefix: 198.51.100.0/24\nowners: ["@noc"]\nrecords:\n  198.51.100.1: mail.example.org\n' }), 'check', '--resolver', server.address, '--timeout', '500');
    expect(r.stdout).toMatch(/^error resolver\.unreachable the DNS server refused every query/);
    expect(r.status).toBe(2);
  });

  it('prints plain progress lines (no bar, no colours) in CI logs, and groups generic names per block', async () => {
    const root = tempRepo({ 'zones/big.yaml': 'prefix: 10.9.0.0/22\nowners: ["@noc"]\ndefault: "x-{dashed}.example.test"\n' });
    const r = spawnSync(process.execPath, [CLI, '-C', root, 'check', '--resolver', server.address], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, CI: 'true' } });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('rdns check: '))).toContain('rdns check: 1024/1024');
    expect(r.stderr).not.toContain('\u001b[');
    expect(r.stdout).toBe(
      'zones/big.yaml:1:9: error fcrdns.nxdomain 1024 of 1024 generic names of 10.9.0.0/22: nxdomain (10.9.0.0–10.9.3.255); e.g. 10.9.0.0 → x-10-9-0-0.example.test, but x-10-9-0-0.example.test does not exist (NXDOMAIN); add "x-10-9-0-0.example.test A 10.9.0.0" to its zone or change the PTR\n' +
        'failed: 1 file, 0 records, 1 error, 0 warnings\n',
    );
    // JSON lists every failing address of the group (issue 11: reviewing what matters).
    const json = JSON.parse((await rdns(root, 'check', '--resolver', server.address, '--format', 'json')).stdout);
    const ips = json.diagnostics[0].ips as string[];
    expect(ips).toHaveLength(1024);
    expect([ips[0], ips[1023]]).toEqual(['10.9.0.0', '10.9.3.255']);
  });

  it('--changed-since REF checks only the records added or changed since REF', async () => {
    const root = tempRepo({ 'zones/a.yaml': `${GOOD}  192.0.2.40: missing.example.test\n` });
    const git = (...a: string[]) => execFileSync('git', a, { cwd: root, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', 'base');
    // The old broken record stays; one record is changed to a broken name and one added.
    writeFileSync(join(root, 'zones/a.yaml'), `${GOOD.replace('multi.example.test', 'wrong.example.test')}  192.0.2.40: missing.example.test\n  192.0.2.41: mail.example.test\n`);
    const r = await rdns(root, 'check', '--changed-since', 'main', '--resolver', server.address, '--format', 'json');
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics.map((d: { code: string; ip: string; line: number }) => [d.code, d.ip, d.line])).toEqual([
      ['fcrdns.mismatch', '192.0.2.30', 5],
      ['fcrdns.mismatch', '192.0.2.41', 7],
    ]);
    expect(out.summary.records).toBe(2);
    expect(r.status).toBe(1);
    // Against the empty first commit every record is new.
    const all = JSON.parse((await rdns(root, 'check', '--changed-since', 'main~1', '--resolver', server.address, '--format', 'json')).stdout);
    expect(all.summary.records).toBe(4);
  });
});

describe('rdns check without a reachable resolver', () => {
  it('exits 2 when no server answers, and 0 with --report-only (findings still printed)', async () => {
    const silent = await silentServer();
    try {
      const root = tempRepo({ 'zones/a.yaml': GOOD });
      const r = await rdns(root, 'check', '--resolver', silent.address, '--timeout', '200', '--retries', '0');
      expect(r.status).toBe(2);
      expect(r.stdout).toMatch(/error resolver\.unreachable no DNS server answered \(127\.0\.0\.1:\d+\)/);
      const ro = await rdns(root, 'check', '--resolver', silent.address, '--timeout', '200', '--retries', '0', '--report-only');
      expect(ro.status).toBe(0);
      expect(ro.stdout).toContain('resolver.unreachable');
      // Two runs, each giving up after a few silent questions.
      expect(silent.queries()).toBeLessThan(40);
    } finally {
      await silent.close();
    }
  });

  it('a malformed --resolver is a usage error (exit 2) with a hint', async () => {
    const r = await rdns(tempRepo({ 'zones/a.yaml': GOOD }), 'check', '--resolver', 'dns.example.net');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--resolver dns.example.net: not a DNS server address');
    expect(r.stderr).toContain('hint: write it as HOST or HOST:PORT');
  });
});
