/**
 * Paths typed on the command line mean what they mean in the user's shell, like git's:
 * relative to the folder rdns was started in (or to -C DIR), not to the repository root.
 * Findings and JSON keep naming files relative to the repository root.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { writeRepo } from '../helpers/repo-files.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

// b.yaml has one error; the other blocks are clean and give most addresses a PTR.
const FILES = {
  'zones/a.yaml': 'prefix: 192.0.2.0/24\ndefault: "{dashed}.example.net"\nrecords:\n  192.0.2.1: gw.example.net\n',
  'zones/b.yaml': 'prefix: 198.51.100.22/31\nrecords:\n  198.51.100.22: mail\n  198.51.100.23: ok.example.com\n',
  'zones/sub/c.yaml': 'prefix: 203.0.113.0/24\ndefault: "{dashed}.example.org"\n',
  'deploy/notes.txt': 'not rdns output\n',
};
const CLEAN = Object.fromEntries(Object.entries(FILES).filter(([f]) => f !== 'zones/b.yaml'));

const json = (stdout: string): { diagnostics: { code: string; file?: string }[]; summary: { files: number; errors: number } } => JSON.parse(stdout);

describe('paths typed in a folder inside the repository', () => {
  it('validate: a file named from a subfolder is that file, and its findings name it from the repository root', async () => {
    const root = writeRepo(FILES);
    const fromZones = await rdns(['validate', '--format', 'json', 'b.yaml'], { cwd: join(root, 'zones') });
    expect(fromZones.stderr).toBe('');
    expect(fromZones.status).toBe(1);
    expect(json(fromZones.stdout)).toMatchObject({ diagnostics: [{ code: 'hostname.invalid', file: 'zones/b.yaml' }], summary: { files: 1, errors: 1 } });

    const fromSub = await rdns(['validate', '--format', 'json', 'c.yaml', '../b.yaml'], { cwd: join(root, 'zones', 'sub') });
    expect(fromSub.status).toBe(1);
    expect(json(fromSub.stdout)).toMatchObject({ diagnostics: [{ file: 'zones/b.yaml' }], summary: { files: 2, errors: 1 } });

    // `.` in zones/ is the whole of zones/; an absolute path is itself.
    expect(json((await rdns(['validate', '--format', 'json', '.'], { cwd: join(root, 'zones') })).stdout).summary.files).toBe(3);
    const absolute = await rdns(['validate', '--format', 'json', join(root, 'zones', 'sub', 'c.yaml')], { cwd: join(root, 'zones') });
    expect(absolute.status).toBe(0);
    expect(json(absolute.stdout).summary.files).toBe(1);

    // -C DIR: as if started in DIR (like git -C), from anywhere.
    const dashC = await rdns(['-C', join(root, 'zones'), 'validate', '--format', 'json', 'b.yaml'], { cwd: tmpdir() });
    expect(json(dashC.stdout)).toMatchObject({ diagnostics: [{ file: 'zones/b.yaml' }], summary: { files: 1 } });
  });

  it('a block path outside the repository is a usage error naming the path and the repository', async () => {
    const root = writeRepo(FILES);
    const elsewhere = writeRepo({ 'x.yaml': 'prefix: 192.0.2.0/24\n' });
    for (const cmd of [['validate'], ['check'], ['export', '--format', 'json'], ['synth'], ['stacks']]) {
      const r = await rdns([...cmd, join(elsewhere, 'x.yaml')], { cwd: join(root, 'zones') });
      expect(r.status, cmd[0]).toBe(2);
      expect(r.stderr, cmd[0]).toContain(`${join(elsewhere, 'x.yaml')}: outside the repository ${root}`);
    }
    const relative = await rdns(['validate', '../../../x.yaml'], { cwd: join(root, 'zones', 'sub') });
    expect(relative.status).toBe(2);
    expect(relative.stderr).toContain(`../../../x.yaml: outside the repository ${root}`);
  });

  it('check and export take block paths relative to the current folder', async () => {
    const root = writeRepo(FILES);
    // c.yaml has no own records and the default template is not checked: no DNS query is made.
    const check = await rdns(['check', '--format', 'json', 'c.yaml'], { cwd: join(root, 'zones', 'sub') });
    expect(check.stderr).toBe('');
    expect(json(check.stdout).summary.files).toBe(1);
    const exported = await rdns(['export', '--format', 'json', 'sub/c.yaml'], { cwd: join(root, 'zones') });
    expect(exported.status).toBe(0);
    expect((JSON.parse(exported.stdout) as { zones: { zone: string }[] }).zones.map((z) => z.zone)).toEqual(['113.0.203.in-addr.arpa.']);
    const outDir = await rdns(['export', '--out-dir', 'zonefiles', 'c.yaml'], { cwd: join(root, 'zones', 'sub') });
    expect(outDir.status).toBe(0);
    expect(existsSync(join(root, 'zones', 'sub', 'zonefiles', '113.0.203.in-addr.arpa.zone'))).toBe(true);
  });

  it('bulk reads the paste file relative to the current folder, also with -C', async () => {
    const root = writeRepo({ ...FILES, 'paste.txt': '192.0.2.7 seven.example.net\n192.0.2.8 mail\n' });
    for (const r of [
      (await rdns(['bulk', '--no-fcrdns', '../../paste.txt'], { cwd: join(root, 'zones', 'sub') })),
      (await rdns(['-C', join(root, 'zones', 'sub'), 'bulk', '--no-fcrdns', '../../paste.txt'], { cwd: tmpdir() })),
    ]) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(1);
      // The paste file is named as typed; the block file from the repository root.
      expect(r.stdout).toMatch(/^\.\.\/\.\.\/paste\.txt:2:11: error hostname\.invalid 192\.0\.2\.8: "mail" is a bare word/m);
      expect(r.stdout).toMatch(/^added +192\.0\.2\.7 .* → seven\.example\.net +zones\/a\.yaml$/m);
    }
  });

  it('synth --out is a folder relative to the current folder; outside the repository or a foreign folder is refused', async () => {
    const root = writeRepo(CLEAN);
    const deploy = join(root, 'deploy');
    const r = await rdns(['synth', '--out', 'tf'], { cwd: deploy, env: { CDKTF_OUTDIR: '' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/into deploy\/tf\/\n$/);
    expect(existsSync(join(deploy, 'tf', 'stacks', 'rdns-203-0-113-0-24'))).toBe(true);
    expect(existsSync(join(root, 'tf'))).toBe(false);

    const outside = await rdns(['synth', '--out', '../../out'], { cwd: deploy, env: { CDKTF_OUTDIR: '' } });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('the output folder must be a folder of its own inside the repository');
    // `.` here is deploy/, which holds files rdns did not write (and the tf/ folder just written).
    const foreign = await rdns(['synth', '--out', '.'], { cwd: deploy, env: { CDKTF_OUTDIR: '' } });
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain('deploy holds files rdns did not write (notes.txt, tf)');
    expect(existsSync(join(deploy, 'stacks'))).toBe(false);
  });

  it('report --out and --audit, and plan --merge, are relative to the current folder', async () => {
    const root = writeRepo({ ...FILES, 'deploy/findings.json': '{"diagnostics": [], "summary": {"files": 0, "records": 0, "errors": 0, "warnings": 0}}\n', 'deploy/plan-1.json': '{"stacks": [], "removed": []}\n' });
    const deploy = join(root, 'deploy');
    const report = await rdns(['report', '--out', 'map', '--audit', 'findings.json', '../zones/a.yaml'], { cwd: deploy });
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    expect(report.stdout).toMatch(/^wrote deploy\/map\/index\.html\n {2}IPv4: 1 block,/);
    expect(existsSync(join(deploy, 'map', 'index.html'))).toBe(true);

    const merged = await rdns(['plan', '--merge', 'plan-1.json', '--format', 'json'], { cwd: deploy });
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ stacks: [] });
  });

  it('diff takes block paths relative to the current folder as pathspecs', async () => {
    const repo = createGitRepo(FILES);
    repo.write({ 'zones/sub/c.yaml': `${FILES['zones/sub/c.yaml']}records:\n  203.0.113.9: nine.example.org\n`, 'zones/a.yaml': `${FILES['zones/a.yaml']}  192.0.2.2: two.example.net\n` });
    const r = await rdns(['diff', '--base', 'HEAD', '--no-fetch', '--format', 'json', 'c.yaml'], { cwd: join(repo.root, 'zones', 'sub') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { changes: { ip: string; file: string }[] };
    expect(out.changes.map((c) => [c.ip, c.file])).toEqual([['203.0.113.9', 'zones/sub/c.yaml']]);
  });

  it('import --zone-file is relative to the current folder (-C DIR)', async () => {
    const root = writeRepo({ 'zones/.keep': '', 'in/db.113': '$ORIGIN 113.0.203.in-addr.arpa.\n@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300\n1 PTR one.example.net.\n' });
    const elsewhere = mkdtempSync(join(tmpdir(), 'rdns-elsewhere-'));
    const r = await rdns(['-C', join(root, 'in'), 'import', '--zone-file', 'db.113', '--owner', '@noc', '--apply', '--format', 'json'], { cwd: elsewhere });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ newFiles: [{ file: 'zones/203.0.113.0_24.yaml' }], written: ['zones/203.0.113.0_24.yaml'] });
    expect(readFileSync(join(root, 'zones', '203.0.113.0_24.yaml'), 'utf8')).toContain('203.0.113.1: one.example.net');
  });
});
