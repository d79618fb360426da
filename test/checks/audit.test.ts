import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditReport } from '../../src/checks/audit.js';
import { auditMarkdown, mdCell } from '../../src/checks/audit-report.js';
import { createDnsResolver } from '../../src/checks/resolver.js';
import { loadRepository } from '../../src/loader/repository.js';
import { bindOrSkip, type BindServer } from '../helpers/bind.js';
import { silentServer, startFixtureBind, tempRepo } from './fixtures.js';

export const AUDIT_REPO = {
  'zones/192.0.2.0_24.yaml': `prefix: 192.0.2.0/24
owners: ["@noc"]
allocations:
  - prefix: 192.0.2.128/26
    account: cust
    owners: ["@cust"]
    delegate_to: [ns1.customer.test, ns2.customer.test]
records:
  192.0.2.25: mail.example.test
  192.0.2.30: multi.example.test
  192.0.2.31: missing.example.test
`,
  'zones/192.0.3.0_24.yaml': `prefix: 192.0.3.0/24
owners: ["@noc"]
records:
  192.0.3.1: mail.example.test
`,
  'zones/192.0.4.0_24.yaml': `prefix: 192.0.4.0/24
owners: ["@noc"]
default: "h-{dashed}.example.test"
`,
  'zones/192.0.5.0_24.yaml': `prefix: 192.0.5.0/24
owners: ["@noc"]
records:
  192.0.5.1: mail.example.test
`,
  'zones/2001-db8.yaml': `prefix: 2001:db8::/48
owners: ["@noc"]
records:
  2001:db8::25: mail.example.test
`,
};

const have = bindOrSkip();

describe.skipIf(!have)('runAudit against BIND on loopback', () => {
  let server: BindServer;
  let report: AuditReport;
  const progress: number[] = [];
  beforeAll(async () => {
    ({ server } = await startFixtureBind());
    const repo = loadRepository(tempRepo(AUDIT_REPO));
    expect(repo.diagnostics).toEqual([]);
    const resolver = createDnsResolver({ servers: [server.address], timeoutMs: 1000, retries: 0 });
    report = await runAudit(repo, resolver, { onProgress: (done, total) => progress.push(done / total), now: () => new Date('2026-01-02T03:04:05Z') });
  });
  afterAll(async () => server?.stop());

  it('finds records whose name no longer resolves to the address (stale records)', () => {
    expect(report.staleRecords.map((r) => [r.ip, r.ptr, r.status, r.line])).toEqual([
      ['192.0.2.31', 'missing.example.test', 'nxdomain', 11],
      ['192.0.3.1', 'mail.example.test', 'mismatch', 4],
      ['192.0.5.1', 'mail.example.test', 'mismatch', 4],
    ]);
    expect(report.summary).toMatchObject({ records: 6, generic: 256, fcrdnsChecked: 262, fcrdnsPassed: 3 });
  });

  it('compares the live PTR of every address with git: changed, not applied, stale, unverifiable', () => {
    const in2 = report.drift.filter((d) => d.ip.startsWith('192.0.2.'));
    expect(in2).toEqual([
      { kind: 'changed', ip: '192.0.2.30', file: 'zones/192.0.2.0_24.yaml', line: 10, git: 'multi.example.test', gitSource: 'record', live: ['old-name.example.test'] },
      { kind: 'not-applied', ip: '192.0.2.31', file: 'zones/192.0.2.0_24.yaml', line: 11, git: 'missing.example.test', gitSource: 'record', live: [] },
      { kind: 'stale', ip: '192.0.2.40', file: 'zones/192.0.2.0_24.yaml', live: ['leftover.example.test'] },
    ]);
    // The generic names of 192.0.4.0/24 are not in DNS yet: reported once, listed in full.
    expect(report.drift.filter((d) => d.ip.startsWith('192.0.4.') && d.kind === 'not-applied')).toHaveLength(256);
    // 192.0.5.0/24's zone does not load: nothing there can be read.
    expect(report.drift.filter((d) => d.ip.startsWith('192.0.5.')).every((d) => d.kind === 'unverifiable')).toBe(true);
    expect(report.summary).toMatchObject({ driftChanged: 1, driftStale: 1 });
  });

  it('gives one diagnostic per record and one per block for generic names and scanned addresses', () => {
    const brief = report.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.code} ${d.ip ?? ''}`);
    expect(brief).toContain('zones/192.0.2.0_24.yaml:10 error drift.changed 192.0.2.30');
    expect(brief).toContain('zones/192.0.2.0_24.yaml:11 warning drift.not-applied 192.0.2.31');
    expect(brief).toContain('zones/192.0.2.0_24.yaml:1 warning drift.stale 192.0.2.40');
    const generic = report.diagnostics.filter((d) => d.file === 'zones/192.0.4.0_24.yaml' && d.code === 'drift.not-applied');
    expect(generic).toHaveLength(1);
    expect(generic[0]!.message).toMatch(/^256 of 256 generic names of 192\.0\.4\.0\/24: not applied \(192\.0\.4\.0–192\.0\.4\.255\); e\.g\. 192\.0\.4\.0: git has PTR h-192-0-4-0\.example\.test, DNS has none/);
    const unverifiable = report.diagnostics.filter((d) => d.code === 'drift.unverifiable');
    expect(unverifiable.map((d) => [d.file, d.line, d.message.slice(0, 45)])).toEqual([
      ['zones/192.0.5.0_24.yaml', 1, '255 of 255 addresses without a PTR in git of '],
      ['zones/192.0.5.0_24.yaml', 4, '192.0.5.1: could not read the PTR of 1.5.0.19'],
      ['zones/2001-db8.yaml', 4, '2001:db8::25: could not read the PTR of 5.2.0'], // (45 characters),
    ]);
  });

  it('checks the delegation of every reverse zone', () => {
    const byZone = Object.fromEntries(report.delegation.map((z) => [z.zone, [z.status, z.ns]]));
    expect(byZone).toEqual({
      '2.0.192.in-addr.arpa.': ['ok', ['ns1.example.test.']],
      '128-26.2.0.192.in-addr.arpa.': ['mismatch', ['ns1.example.test.']],
      '3.0.192.in-addr.arpa.': ['missing', []],
      '4.0.192.in-addr.arpa.': ['lame', ['ns9.example.test.']],
      '5.0.192.in-addr.arpa.': ['lame', []],
      '0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.': ['unverifiable', []],
    });
    const codes = report.diagnostics.filter((d) => d.code.startsWith('delegation.')).map((d) => [d.code, d.value, d.line]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['delegation.mismatch', '128-26.2.0.192.in-addr.arpa', 4],
        ['delegation.missing', '3.0.192.in-addr.arpa', 1],
        ['delegation.lame', 'ns9.example.test', 1],
        ['delegation.lame', '5.0.192.in-addr.arpa', 1],
      ]),
    );
  });

  it('says when the delegation verdicts rest on the resolver\'s view, and tells how to fix a missing delegation (issue 11)', () => {
    // No direct questions to the parents' servers here: every verdict is the resolver's view.
    expect(report.delegation.every((z) => z.basis === 'resolver')).toBe(true);
    expect(auditMarkdown(report)).toMatch(/\| delegation \| 1 of 6 reverse zones delegated correctly \(as the resolver sees them: the parent zones' servers could not be asked, so a referral was not verified\) \|/);
    const missing = report.diagnostics.find((d) => d.code === 'delegation.missing')!;
    expect(missing.message).toMatch(/register the zone's name servers \(the stack output name_servers_<prefix> of rdns synth, or the hosted zone's NS set\) with your RIR/);
  });

  it('reports coverage per block', () => {
    expect(report.coverage.map((c) => [c.block, c.addresses, c.withPtr, c.share, c.live])).toEqual([
      ['192.0.2.0/24', '256', '3', 0.011718, 3],
      ['192.0.3.0/24', '256', '1', 0.003906, 0],
      ['192.0.4.0/24', '256', '256', 1, 0],
      ['192.0.5.0/24', '256', '1', 0.003906, 0],
      ['2001:db8::/48', '1208925819614629174706176', '1', 0, undefined],
    ]);
    expect(report.diagnostics.find((d) => d.code === 'audit.partial')?.file).toBe('zones/2001-db8.yaml');
  });

  it('says nothing could be checked when the server refuses every query', async () => {
    const repo = loadRepository(tempRepo({ 'zones/a.yaml': 'prefix: 198.51.100.0/28\nowners: ["@noc"]\nrecords:\n  198.51.100.1: mail.example.org\n' }));
    const refused = await runAudit(repo, createDnsResolver({ servers: [server.address], timeoutMs: 1000, retries: 0 }));
    expect(refused.unreachable).toBe(true);
    expect(refused.diagnostics.map((d) => d.code)).toEqual(['resolver.unreachable']);
    expect(auditMarkdown(refused)).toContain('every query was refused');
  });

  it('reports progress up to the end', () => {
    expect(progress.length).toBeGreaterThan(500);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('renders a Markdown report with every section', () => {
    const md = auditMarkdown(report);
    expect(md).toContain('Generated 2026-01-02T03:04:05.000Z through `127.0.0.1:');
    for (const h of ['## Summary', '## Coverage per block', '## FCrDNS failures', '## Stale records', '## Drift between git and DNS', '## Delegation of reverse zones']) expect(md).toContain(h);
    expect(md).toContain('| 192.0.2.30 | changed outside git | multi.example.test | old-name.example.test | zones/192.0.2.0\\_24.yaml:10 |');
    expect(md).toContain('| 3 of 262 names resolve back');
  });
});

describe('audit reports', () => {
  it('escape hostile live data in Markdown cells', () => {
    expect(mdCell('evil|name`<script>\n')).toBe('evil\\|name\\`\\<script\\>\\\\x0a');
    expect(mdCell('[x](http://e.test)')).toBe('\\[x\\](http://e.test)');
  });

  it('say so when no server answers', async () => {
    const silent = await silentServer();
    try {
      const repo = loadRepository(tempRepo(AUDIT_REPO));
      const report = await runAudit(repo, createDnsResolver({ servers: [silent.address], timeoutMs: 200, retries: 0 }));
      expect(report.unreachable).toBe(true);
      expect(report.diagnostics.map((d) => d.code)).toContain('resolver.unreachable');
      expect(auditMarkdown(report)).toContain('No DNS server answered');
    } finally {
      await silent.close();
    }
  });
});
