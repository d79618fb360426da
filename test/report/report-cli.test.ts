import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

describe('rdns report (CLI)', () => {
  it('writes one self-contained page for the bundled example: no external URL to load', () => {
    const out = mkdtempSync(join(tmpdir(), 'rdns-report-'));
    const r = runCli(['report', '--out', out], { cwd: PROJECT });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*index\.html\n {2}IPv4: 3 blocks, 640 addresses: 11 own records, 629 default, 0 delegated, 0 without PTR\n {2}IPv6: 1 block, 65,536 \/64s: 4 own records, 0 default, 0 delegated, 65,536 \/64s less 4 addresses without PTR\n/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    // Nothing fetched from anywhere: no src=/href= to another origin, no @import, and a CSP that forbids it.
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?http/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('gw1.pop1.example.net');
  });

  it('a hostile note cannot end the data element', () => {
    const root = mkdtempSync(join(tmpdir(), 'rdns-report-'));
    writeFileSync(join(root, 'rdns.yaml'), '{}\n');
    mkdirSync(join(root, 'zones'));
    writeFileSync(join(root, 'zones', 'a.yaml'), 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1:\n    ptr: a.example.com\n    note: "</script><script>alert(1)</script>"\n');
    const r = runCli(['report', '--out', 'site'], { cwd: root });
    expect(r.status).toBe(0);
    const html = readFileSync(join(root, 'site', 'index.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('\\u003c/script\\u003e\\u003cscript\\u003ealert(1)');
  });

  it('an unreadable or foreign --audit file is a usage error naming it', () => {
    const root = mkdtempSync(join(tmpdir(), 'rdns-report-'));
    writeFileSync(join(root, 'x.json'), '{"hello": 1}');
    const missing = runCli(['report', '--audit', 'nope.json'], { cwd: PROJECT });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('rdns: --audit nope.json: cannot read the file (ENOENT)\n');
    const foreign = runCli(['report', '--audit', join(root, 'x.json')], { cwd: PROJECT });
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain('neither an audit report (fcrdnsFailures, drift) nor a findings report (diagnostics)');
  });
});
