import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindOrSkip, type BindServer } from '../helpers/bind.js';
import { silentServer, startFixtureBind, tempRepo } from './fixtures.js';

const CLI = join(import.meta.dirname, '../../dist/cli/main.js');
const rdns = (root: string, ...args: string[]) => spawnSync(process.execPath, [CLI, '-C', root, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, CI: 'true' } });

const CLEAN = {
  'zones/192.0.2.0_24.yaml': `prefix: 192.0.2.0/24
owners: ["@noc"]
records:
  192.0.2.25: mail.example.test
  192.0.2.30: old-name.example.test
  192.0.2.40: leftover.example.test
`,
};

const have = bindOrSkip();

describe.skipIf(!have)('rdns audit (built CLI) against BIND on loopback', () => {
  let server: BindServer;
  beforeAll(async () => {
    ({ server } = await startFixtureBind());
  });
  afterAll(async () => server?.stop());

  it('writes reports/audit.md and reports/audit.json and exits 1 on error findings', () => {
    const root = tempRepo({
      'zones/192.0.2.0_24.yaml': CLEAN['zones/192.0.2.0_24.yaml'].replace('old-name.example.test', 'multi.example.test'),
    });
    const r = rdns(root, 'audit', '--resolver', server.address, '--timeout', '1000');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('zones/192.0.2.0_24.yaml:5:3: error drift.changed 192.0.2.30: DNS serves PTR old-name.example.test, git says multi.example.test');
    expect(r.stderr).toContain('report: reports/audit.md and reports/audit.json');
    const json = JSON.parse(readFileSync(join(root, 'reports/audit.json'), 'utf8'));
    expect(json.summary).toMatchObject({ blocks: 1, records: 3, driftChanged: 1, zones: 1, zonesWithProblems: 0 });
    expect(json.drift).toEqual([expect.objectContaining({ kind: 'changed', ip: '192.0.2.30', git: 'multi.example.test', live: ['old-name.example.test'] })]);
    const md = readFileSync(join(root, 'reports/audit.md'), 'utf8');
    expect(md).toMatch(/^# Reverse DNS audit\n/);
    expect(md).toContain('| 2.0.192.in-addr.arpa. | ok | ns1.example.test. |  |  |  |');
  });

  it('exits 0 when there are only warnings; --out chooses the folder; no colours or bars in CI logs', () => {
    // .25 is right; DNS still serves PTRs for .30 and .40, which git does not have: stale, a warning each.
    const root = tempRepo({ 'zones/192.0.2.0_24.yaml': 'prefix: 192.0.2.0/24\nowners: ["@noc"]\nrecords:\n  192.0.2.25: mail.example.test\n' });
    const r = rdns(root, 'audit', '--resolver', server.address, '--out', 'out/audit', '--format', 'json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics.map((d: { code: string; severity: string; ip: string }) => [d.severity, d.code, d.ip])).toEqual([['warning', 'drift.stale', '192.0.2.30']]);
    expect(out.diagnostics[0].message).toMatch(/^2 of 255 addresses without a PTR in git of 192\.0\.2\.0\/24: stale \(192\.0\.2\.30, 192\.0\.2\.40\); e\.g\. 192\.0\.2\.30: DNS still serves PTR old-name\.example\.test/);
    const json = JSON.parse(readFileSync(join(root, 'out/audit/audit.json'), 'utf8'));
    expect(json.drift.map((d: { ip: string; live: string[] }) => [d.ip, d.live])).toEqual([
      ['192.0.2.30', ['old-name.example.test']],
      ['192.0.2.40', ['leftover.example.test']],
    ]);
    expect(existsSync(join(root, 'reports'))).toBe(false);
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('exits 2 when no DNS server answers, 0 with --report-only', async () => {
    const silent = await silentServer();
    try {
      const root = tempRepo(CLEAN);
      const r = rdns(root, 'audit', '--resolver', silent.address, '--timeout', '200', '--retries', '0');
      expect(r.status).toBe(2);
      expect(r.stdout).toContain('resolver.unreachable');
      expect(readFileSync(join(root, 'reports/audit.md'), 'utf8')).toContain('No DNS server answered');
      expect(rdns(root, 'audit', '--resolver', silent.address, '--timeout', '200', '--retries', '0', '--report-only').status).toBe(0);
    } finally {
      await silent.close();
    }
  });
});
