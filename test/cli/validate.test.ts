import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const REPO = fileURLToPath(new URL('../..', import.meta.url));

// Both blocks give half or more of their addresses a PTR (no coverage.low warning).
const bad = {
  'zones/b.yaml': 'prefix: 198.51.100.22/31\nrecords:\n  198.51.100.22: mail\n  198.51.100.23: ok.example.com\n',
  'zones/a.yaml': 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: "gw:1.example.net"\ndefault: "{dashed}.example.net"\n',
};

describe('rdns validate (the real process)', () => {
  it('passes the bundled example zones with exit 0', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rdns-example-'));
    cpSync(join(REPO, 'zones'), join(root, 'zones'), { recursive: true });
    cpSync(join(REPO, 'rdns.yaml'), join(root, 'rdns.yaml'));
    cpSync(join(REPO, 'schema'), join(root, 'schema'), { recursive: true });
    const r = await rdns(['validate'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Clean, the first thing a newcomer runs: not even a warning.
    expect(r.stdout).toBe('ok: 4 files, 15 records, 0 errors, 0 warnings\n');
  });

  it('prints compiler-style text and exits 1 on errors', async () => {
    const root = writeRepo(bad);
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^zones\/a\.yaml:3:3: error hostname\.invalid 192\.0\.2\.1: label "gw:1" has characters/),
      expect.stringMatching(/^zones\/b\.yaml:3:3: error hostname\.invalid 198\.51\.100\.22: "mail" is a bare word/),
      'failed: 2 files, 3 records, 2 errors, 0 warnings',
      '',
    ]);
  });

  it('prints the JSON contract of DESIGN.md', async () => {
    const root = writeRepo(bad);
    const r = await rdns(['validate', '--format', 'json', 'zones/b.yaml'], { cwd: root });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      diagnostics: [
        {
          severity: 'error',
          code: 'hostname.invalid',
          message: expect.stringContaining('bare word'),
          file: 'zones/b.yaml',
          line: 3,
          column: 3,
          ip: '198.51.100.22',
          value: 'mail',
        },
      ],
      summary: { files: 1, records: 2, errors: 1, warnings: 0 },
    });
  });

  it('prints GitHub workflow commands with escaped properties', async () => {
    const root = writeRepo(bad);
    const r = await rdns(['validate', '--format', 'github'], { cwd: root });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::error file=zones\/a\.yaml,line=3,col=3,title=hostname\.invalid::192\.0\.2\.1: label "gw:1"/);
    expect(lines[1]).toMatch(/^::error file=zones\/b\.yaml,line=3,col=3,title=hostname\.invalid::/);
  });

  // Real processes: the exit codes and streams as the shell sees them.
  it('exits 0 with a clean tree given by path, and 2 for a path that does not exist', () => {
    const root = writeRepo({ ...bad, 'other/ok.yaml': 'prefix: 203.0.113.0/24\nrecords:\n  203.0.113.1: gw.example.net\ndefault: "{dashed}.example.net"\n' });
    // Only the path given is read: the errors of zones/ do not show.
    expect(runCli(['validate', 'other'], { cwd: root })).toEqual({ status: 0, stdout: 'ok: 1 file, 1 record, 0 errors, 0 warnings\n', stderr: '' });
    const missing = runCli(['validate', 'nope/'], { cwd: root });
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/nope\/: no such file or folder/);
  });

  it('exits 2 on usage errors, naming the mistake on stderr', () => {
    const root = writeRepo(bad);
    const usage = (error: string) => ({ status: 2, stdout: '', stderr: `error: ${error}\n(run rdns --help for usage)\n` });
    expect(runCli(['validate', '--format', 'xml'], { cwd: root })).toEqual(usage("option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, github."));
    expect(runCli(['validate', '--bogus'], { cwd: root })).toEqual(usage("unknown option '--bogus'"));
    expect(runCli(['no-such-command'], { cwd: root })).toEqual(usage("unknown command 'no-such-command'"));
  });

  it('runs from another directory with -C', async () => {
    const root = writeRepo(bad);
    const r = await rdns(['-C', root, 'validate', '--format', 'json'], { cwd: tmpdir() });
    expect(JSON.parse(r.stdout).summary.errors).toBe(2);
  });
});

describe('rdns validate: coverage', () => {
  it('warns for an IPv4 block that gives most addresses no PTR, and counts pool names as covered', async () => {
    const sparse = 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: gw.example.net\n';
    const pooled = `${sparse}pools:\n  - prefix: 198.51.100.128/25\n    default: "dyn-{host}.pool.example.net"\n`;
    const r = await rdns(['validate', '--format', 'json'], { cwd: writeRepo({ 'zones/a.yaml': sparse }) });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'coverage.low', file: 'zones/a.yaml', line: 1, column: 9, value: '0.3', message: expect.stringContaining('1 of 256 addresses (0.3%)') }),
    ]);
    const ok = await rdns(['validate'], { cwd: writeRepo({ 'zones/a.yaml': pooled }) });
    expect(ok.stdout).toBe('ok: 1 file, 1 record, 0 errors, 0 warnings\n');
    // IPv6 space is named sparsely: no warning.
    expect((await rdns(['validate'], { cwd: writeRepo({ 'zones/a.yaml': 'prefix: 2001:db8::/48\n' }) })).stdout).toMatch(/0 warnings/);
  });
});

describe('rdns validate finds what only rendering would refuse', () => {
  it('reports a delegation DNS cannot express, so a repository that validates also synthesizes', async () => {
    const root = writeRepo({ 'zones/a.yaml': 'prefix: 2001:db8::/48\nallocations:\n  - prefix: 2001:db8:0:10::/62\n    delegate_to: [ns1.cust.example]\n' });
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^zones\/a\.yaml:3:13: error render\.delegation /m);
  });
});

describe('rdns validate: what a block asks DNS to publish must be what it says', () => {
  it('refuses forward for a default that is no generic name (it would publish www.example.com as an A record)', async () => {
    const root = writeRepo({ 'zones/192.0.2.77_32.yaml': 'prefix: 192.0.2.77/32\ndefault: "www.example.com"\nforward:\n  zone: example.com\n' });
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^zones\/192\.0\.2\.77_32\.yaml:3:1: error forward\.not-generic forward: the default "www\.example\.com" has no address placeholder/m);
    // {host} alone names the address only inside its block: refused too; {dashed} is fine.
    const host = writeRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/30\ndefault: "h{host}.example.com"\nforward:\n  zone: example.com\n' });
    expect((await rdns(['validate'], { cwd: host })).stdout).toMatch(/error forward\.not-generic forward: the default "h\{host\}\.example\.com" encodes only part of the address \(\{host\}\)/);
    const ok = writeRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/30\ndefault: "{dashed}.example.com"\nforward:\n  zone: example.com\n' });
    expect((await rdns(['validate'], { cwd: ok })).status).toBe(0);
  });

  it('refuses two blocks whose forward names meet ({reversed} of 192.0.2.1 is {dashed} of 1.2.0.192)', async () => {
    const root = writeRepo({
      'zones/a.yaml': 'prefix: 192.0.2.0/30\ndefault: "{reversed}.example.com"\nforward:\n  zone: example.com\n',
      'zones/b.yaml': 'prefix: 1.2.0.192/30\ndefault: "{dashed}.example.com"\nforward:\n  zone: example.com\n',
    });
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^zones\/a\.yaml:1:9: error forward\.duplicate forward name 1-2-0-192\.example\.com\. of 192\.0\.2\.1 is also published for 1\.2\.0\.192 by zones\/b\.yaml/m);
  });

  it('warns of a record inside a delegated allocation: the customer\'s name servers answer for it (it is their child zone\'s, as rdns delegate keeps it)', async () => {
    const root = writeRepo({ 'zones/a.yaml': 'prefix: 198.51.100.0/24\nallocations:\n  - prefix: 198.51.100.32/28\n    delegate_to: [ns1.acme.example]\nrecords:\n  198.51.100.34: smtp.acme.example\n' });
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^zones\/a\.yaml:6:3: warning record\.delegated 198\.51\.100\.34 is inside allocation 198\.51\.100\.32\/28, delegated to ns1\.acme\.example/m);
  });
});
