/**
 * `rdns synth`, `rdns stacks` and `rdns export` as a user runs them: the CLI (in-process)
 * in a real repository (a temp dir, a real git history for --changed-since).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE, writeRepo } from './fixture.js';
import { runCliInProcess, type CliResult } from '../helpers/cli.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const RDNS = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function repo(files: Record<string, string> = FIXTURE): string {
  const root = writeRepo(files, 'rdns-cli-');
  temps.push(root);
  return root;
}

/** `rdns -C ROOT ARGS` in this process (the exit code and output of a real run, without a process start; test/helpers/cli.ts). */
const rdns = (root: string, ...args: string[]): Promise<CliResult> => runCliInProcess(['-C', root, ...args], { cwd: process.cwd(), env: { CDKTF_OUTDIR: '' } });

function git(root: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.net', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('rdns synth', () => {
  it('writes cdktf.out/ with one stack per reverse zone and prints a line per stack', async () => {
    const root = repo();
    const r = await rdns(root, 'synth');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^rdns-198-51-100-0-24 +100\.51\.198\.in-addr\.arpa\. +zones\/198\.51\.100\.0_24\.yaml +258 records \(\+223 forward\), 482 resources, 483 refresh reads/m);
    expect(r.stdout).toMatch(/synthesized 4 stacks, 390 records into cdktf\.out\/\n$/);
    expect(readdirSync(join(root, 'cdktf.out', 'stacks')).sort()).toEqual(['rdns-192-0-2-0-24', 'rdns-198-51-100-0-24', 'rdns-2001-db8-100-48', 'rdns-203-0-113-0-25']);
    // Same bytes as the in-process synth that the golden files pin.
    const golden = readFileSync(join(import.meta.dirname, 'golden', 'rdns-203-0-113-0-25', 'cdk.tf.json'), 'utf8');
    expect(readFileSync(join(root, 'cdktf.out', 'stacks', 'rdns-203-0-113-0-25', 'cdk.tf.json'), 'utf8')).toBe(golden);
  });

  it('refuses to render a repository with errors: diagnostics, exit 1, nothing written', async () => {
    const root = repo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: "bad_name.example.net"\n' });
    const r = await rdns(root, 'synth', '--format', 'json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; line: number }[] };
    expect(out.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['hostname.invalid', 'zones/a.yaml', 4]]);
    expect(existsSync(join(root, 'cdktf.out'))).toBe(false);
  });

  it('export keeps its stdout for data: findings of a repository with errors go to stderr', async () => {
    const root = repo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: "bad_name.example.net"\n' });
    const r = await rdns(root, 'export', '--format', 'json');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^zones\/a\.yaml:3:3: error hostname\.invalid/m);
  });

  it('reports a delegation DNS cannot express with its place in the file', async () => {
    const root = repo({ 'zones/a.yaml': 'prefix: 2001:db8::/48\nowners: []\nallocations:\n  - prefix: 2001:db8:0:10::/62\n    delegate_to: [ns1.cust.example]\n' });
    const r = await rdns(root, 'synth');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('zones/a.yaml:4:');
    expect(r.stdout).toContain('render.delegation');
  });

  it('--changed-since synthesizes only the stacks that render differently; stacks lists them as a matrix', async () => {
    const root = repo();
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'initial');
    git(root, 'checkout', '-qb', 'change');
    const file = join(root, 'zones', '203.0.113.0_25.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('api.example.org', 'api2.example.org'));
    git(root, 'commit', '-qam', 'change one PTR');
    expect((await rdns(root, 'synth')).status).toBe(0);
    const s = await rdns(root, 'synth', '--changed-since', 'main');
    expect(s.status).toBe(0);
    expect(s.stdout).toContain('synthesized 1 stack, 128 records into cdktf.out/ (of 4: the stacks that changed since main)');
    expect(readdirSync(join(root, 'cdktf.out', 'stacks'))).toEqual(['rdns-203-0-113-0-25']);
    const m = await rdns(root, 'stacks', '--changed-since', 'main', '--format', 'json');
    expect(m.status).toBe(0);
    expect(JSON.parse(m.stdout)).toEqual({
      include: [{ job: 1, stack: 'rdns-203-0-113-0-25', stacks: 'rdns-203-0-113-0-25', files: ['zones/203.0.113.0_25.yaml'], zones: ['0-25.113.0.203.in-addr.arpa.'], records: 128, resources: 130 }],
    });
    const none = await rdns(root, 'stacks', '--changed-since', 'HEAD', '--format', 'json');
    expect(JSON.parse(none.stdout)).toEqual({ include: [] });
    const bad = await rdns(root, 'synth', '--changed-since', 'no-such-branch');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('rdns: unknown base revision "no-such-branch"');
  });

  it('--changed-since follows one PTR of a /16 to its one zone, and a new neighbour block to every zone it moves', async () => {
    const root = repo({
      'zones/big.yaml': 'prefix: 10.1.0.0/22\nowners: []\ndefault: "h-{dashed}.example.net"\nrecords:\n  10.1.2.7: mail.example.org\n',
      'zones/half.yaml': 'prefix: 10.9.0.0/25\nowners: ["@acme"]\nrecords:\n  10.9.0.5: api.example.org\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'initial');
    const all = JSON.parse((await rdns(root, 'stacks', '--format', 'json')).stdout) as { include: { stacks: string }[] };
    expect(all.include.map((j) => j.stacks)).toEqual(['rdns-10-1-0-0-24', 'rdns-10-1-1-0-24', 'rdns-10-1-2-0-24', 'rdns-10-1-3-0-24', 'rdns-10-9-0-0-25']);
    writeFileSync(join(root, 'zones', 'big.yaml'), readFileSync(join(root, 'zones', 'big.yaml'), 'utf8').replace('mail.example.org', 'mx.example.org'));
    expect((await rdns(root, 'stacks', '--changed-since', 'HEAD')).stdout).toMatch(/^rdns-10-1-2-0-24 +2\.1\.10\.in-addr\.arpa\. +zones\/big\.yaml +256 records/);
    git(root, 'commit', '-qam', 'one PTR');
    // The other half of 10.9.0.0/24 arrives: both halves now share the /24 zone, so the old
    // RFC 2317 zone of half.yaml goes away and its records move into the new stack.
    writeFileSync(join(root, 'zones', 'other.yaml'), 'prefix: 10.9.0.128/25\nowners: []\nrecords:\n  10.9.0.130: web.example.org\n');
    const moved = await rdns(root, 'stacks', '--changed-since', 'HEAD');
    expect(moved.status).toBe(0);
    expect(moved.stdout).toMatch(/^rdns-10-9-0-0-24 +0\.9\.10\.in-addr\.arpa\. +zones\/half\.yaml, zones\/other\.yaml +2 records/m);
    expect(moved.stdout).toMatch(/^rdns-10-9-0-0-25 +0-25\.0\.9\.10\.in-addr\.arpa\. +no longer rendered \(was zones\/half\.yaml\)$/m);
    // GitHub runs at most 256 jobs per matrix: beyond --max-jobs, stacks share a job.
    const grouped = JSON.parse((await rdns(root, 'stacks', '--max-jobs', '2', '--format', 'json')).stdout) as { include: { job: number; stacks: string }[] };
    expect(grouped.include.map((j) => j.stacks)).toEqual(['rdns-10-1-0-0-24 rdns-10-1-1-0-24 rdns-10-1-2-0-24', 'rdns-10-1-3-0-24 rdns-10-9-0-0-24']);
  });

  it('rdns stacks lists every stack with its zones', async () => {
    const r = await rdns(repo(), 'stacks', '--format', 'json');
    const m = JSON.parse(r.stdout) as { include: { stack: string; zones: string[] }[] };
    expect(m.include.map((s) => [s.stack, s.zones])).toEqual([
      ['rdns-192-0-2-0-24', ['2.0.192.in-addr.arpa.']],
      ['rdns-198-51-100-0-24', ['100.51.198.in-addr.arpa.']],
      ['rdns-203-0-113-0-25', ['0-25.113.0.203.in-addr.arpa.']],
      ['rdns-2001-db8-100-48', ['0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.']],
    ]);
  });
});

describe('rdns synth stays inside what it owns (the pull request is untrusted)', () => {
  const A = { 'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: a.example.net\n' };

  it('never deletes files it did not write: a stacks/ folder of someone else is refused, not emptied', async () => {
    const root = repo({ ...A, 'infra/stacks/vpc/main.tf': 'resource "x" "y" {}\n', 'infra/manifest.json': '{}' });
    const r = await rdns(root, 'synth', '--out', 'infra');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('infra holds files rdns did not write (stacks/vpc)');
    expect(readFileSync(join(root, 'infra/stacks/vpc/main.tf'), 'utf8')).toBe('resource "x" "y" {}\n');
    // A folder of other files without any earlier synth is refused too.
    const other = repo({ ...A, 'docs/README.md': 'hello\n' });
    expect((await rdns(other, 'synth', '--out', 'docs')).status).toBe(2);
    expect(readFileSync(join(other, 'docs/README.md'), 'utf8')).toBe('hello\n');
  });

  it('removes the stacks of its own earlier synth, and only those', async () => {
    const root = repo({ ...A, 'zones/b.yaml': 'prefix: 198.51.100.0/24\nowners: []\n' });
    expect((await rdns(root, 'synth')).status).toBe(0);
    rmSync(join(root, 'zones/b.yaml'));
    const r = await rdns(root, 'synth');
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(root, 'cdktf.out', 'stacks'))).toEqual(['rdns-192-0-2-0-24']);
  });

  it('refuses an output folder outside the repository or the repository itself', async () => {
    const root = repo(A);
    for (const out of ['/', '..', '.', 'zones']) {
      const r = await rdns(root, 'synth', '--out', out);
      expect(r.status, out).toBe(2);
      expect(r.stderr, out).toMatch(/rdns: (the output folder must be a folder of its own inside the repository|.* holds files rdns did not write)/);
    }
  });

  it('rejects a backend.path that is not an absolute folder outside the repository (state in the checkout could come from a pull request)', async () => {
    for (const path of ['cdktf.out/stacks/', 'state', '../state', '/var/lib/../rdns']) {
      const root = repo({ ...A, 'rdns.yaml': `backend: {type: local, path: "${path}"}\n` });
      const r = await rdns(root, 'validate');
      expect(r.status, path).toBe(1);
      expect(r.stdout, path).toMatch(/rdns\.yaml:1:\d+: error config\.invalid backend\.path .* must be an absolute folder outside the repository/);
    }
    const root = repo(A);
    writeFileSync(join(root, 'rdns.yaml'), `backend: {type: local, path: "${root}/state"}\n`);
    const r = await rdns(root, 'synth');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`rdns: local Terraform state: ${root}/state is inside the repository, where a pull request could commit the state Terraform reads`);
  });

  it('keeps local state outside the checkout, one folder per checkout; a state file in the repository root is never read', () => {
    const root = repo(A);
    const home = join(root, '..', `${root.split('/').pop()}-state`);
    temps.push(home);
    // The old default: a pull request could commit this file, naming any provider.
    writeFileSync(join(root, 'terraform.rdns-192-0-2-0-24.tfstate'), '{"version": 4, "resources": []}');
    const r = spawnSync(process.execPath, [RDNS, '-C', root, 'synth'], { encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: '', RDNS_STATE_HOME: home } });
    expect(r.status, r.stderr).toBe(0);
    const path = (JSON.parse(readFileSync(join(root, 'cdktf.out', 'stacks', 'rdns-192-0-2-0-24', 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { local: { path: string } } } }).terraform.backend.local.path;
    const dir = readdirSync(home);
    expect(dir).toHaveLength(1);
    expect(path).toBe(join(home, dir[0]!, 'rdns-192-0-2-0-24.tfstate'));
    expect(r.stderr).toContain(`rdns: warning: terraform.rdns-192-0-2-0-24.tfstate in the repository is not read (state in the checkout could come from a pull request); local state lives in ${join(home, dir[0]!)}: mv terraform.rdns-192-0-2-0-24.tfstate ${path}`);
  });
});

describe('rdns export', () => {
  it('--format json follows the DESIGN.md contract: fully qualified names, sorted by IP, source record|default', async () => {
    const r = await rdns(repo(), 'export', '--format', 'json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { zones: { zone: string; records: Record<string, unknown>[] }[] };
    expect(Object.keys(out)).toEqual(['zones']);
    expect(out.zones.map((z) => z.zone)).toEqual([
      '2.0.192.in-addr.arpa.',
      '100.51.198.in-addr.arpa.',
      '64-27.100.51.198.in-addr.arpa.',
      '0-25.113.0.203.in-addr.arpa.',
      '0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    ]);
    expect(out.zones[0]).toEqual({
      zone: '2.0.192.in-addr.arpa.',
      records: [
        { name: '1.2.0.192.in-addr.arpa.', ip: '192.0.2.1', type: 'PTR', ttl: 3600, value: 'gw1.pop1.example.net.', source: 'record' },
        { name: '25.2.0.192.in-addr.arpa.', ip: '192.0.2.25', type: 'PTR', ttl: 300, value: 'mx1.example.net.', source: 'record' },
      ],
    });
    const b = out.zones[1]!.records;
    expect(b[22]).toEqual({ name: '22.100.51.198.in-addr.arpa.', ip: '198.51.100.22', type: 'PTR', ttl: 7200, value: 'mail.example.com.', source: 'record' });
    expect(b[23]).toEqual({ name: '23.100.51.198.in-addr.arpa.', ip: '198.51.100.23', type: 'PTR', ttl: 7200, value: '198-51-100-23.static.example.net.', source: 'default' });
    expect(b.find((x) => x.type === 'NS')).toEqual({ name: '64-27.100.51.198.in-addr.arpa.', prefix: '198.51.100.64/27', type: 'NS', ttl: 7200, value: 'ns1.globex.example.', source: 'delegation' });
  });

  it('--format csv has a header and a line per record; --zone picks one zone', async () => {
    const r = await rdns(repo(), 'export', '--format', 'csv', '--zone', '2.0.192.in-addr.arpa');
    expect(r.stdout).toBe(
      'zone,name,ip,type,ttl,value,source\n2.0.192.in-addr.arpa.,1.2.0.192.in-addr.arpa.,192.0.2.1,PTR,3600,gw1.pop1.example.net.,record\n2.0.192.in-addr.arpa.,25.2.0.192.in-addr.arpa.,192.0.2.25,PTR,300,mx1.example.net.,record\n',
    );
    const bad = await rdns(repo(), 'export', '--zone', 'nope.in-addr.arpa');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('no such reverse zone: nope.in-addr.arpa.');
  });

  it('--format zone prints master-file text with optional SOA and NS', async () => {
    const r = await rdns(repo(), 'export', '--zone', '2.0.192.in-addr.arpa', '--ns', 'ns1.example.net', '--serial', '7');
    expect(r.stdout).toBe(`; 2.0.192.in-addr.arpa. from zones/192.0.2.0_24.yaml
$ORIGIN 2.0.192.in-addr.arpa.
$TTL 3600
@ 3600 IN SOA ns1.example.net. hostmaster.example.net. 7 3600 600 1209600 300
@ 3600 IN NS ns1.example.net.
1.2.0.192.in-addr.arpa. 3600 IN PTR gw1.pop1.example.net.
25.2.0.192.in-addr.arpa. 300 IN PTR mx1.example.net.
`);
    const bad = await rdns(repo(), 'export', '--ns', 'not a name');
    expect(bad.status).toBe(2);
  });

  it('prints a zone shared by two block files once, with the records of both', async () => {
    const root = repo({
      'zones/a.yaml': 'prefix: 203.0.113.0/25\nowners: []\nrecords:\n  203.0.113.5: api.example.org\n',
      'zones/b.yaml': 'prefix: 203.0.113.128/25\nowners: []\nrecords:\n  203.0.113.130: web.example.org\n',
    });
    const r = await rdns(root, 'export');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`; 113.0.203.in-addr.arpa. from zones/a.yaml, zones/b.yaml
$ORIGIN 113.0.203.in-addr.arpa.
$TTL 3600
5.113.0.203.in-addr.arpa. 3600 IN PTR api.example.org.
130.113.0.203.in-addr.arpa. 3600 IN PTR web.example.org.
`);
    expect((await rdns(root, 'export', '--out-dir', 'out')).stdout).toBe('wrote 1 zone file into out\n');
    expect(readFileSync(join(root, 'out', '113.0.203.in-addr.arpa.zone'), 'utf8')).toBe(r.stdout);
  });

  it('keeps a file name with a line break out of the zone text: the file is refused (file.name), its name shown on one line', async () => {
    const root = repo({ 'zones/a\n@ IN NS evil.example.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: a.example.net\n' });
    const r = await rdns(root, 'export');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^zones\/a\\u\{000A\}@ IN NS evil\.example\.yaml:1:1: error file\.name /m);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^@ IN NS evil/m);
  });
});

describe('an output folder that cannot be written', () => {
  it('is an environment error (exit 2) that names the folder, not an internal error', async () => {
    const root = repo();
    const synth = await rdns(root, 'synth', '--out', 'zones/192.0.2.0_24.yaml/out');
    expect(synth.stderr).toBe('rdns: cannot write the stacks to zones/192.0.2.0_24.yaml/out: ENOTDIR\nhint: pass a writable folder with --out\n');
    expect(synth.status).toBe(2);
    const exported = await rdns(root, 'export', '--out-dir', 'zones/192.0.2.0_24.yaml/out');
    expect(exported.stderr).toBe('rdns: cannot write the zone files to zones/192.0.2.0_24.yaml/out: ENOTDIR\nhint: pass a writable folder with --out-dir\n');
    expect(exported.status).toBe(2);
  });
});

describe('npx cdktf synth', () => {
  it('runs the renderer from cdktf.json and writes the same stacks', () => {
    const root = repo();
    writeFileSync(join(root, 'cdktf.json'), readFileSync(join(REPO_ROOT, 'cdktf.json'), 'utf8').replace('node dist/cli/main.js', `node ${RDNS}`));
    const r = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], { cwd: root, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' }, timeout: 90_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readdirSync(join(root, 'cdktf.out', 'stacks')).sort()).toEqual(['rdns-192-0-2-0-24', 'rdns-198-51-100-0-24', 'rdns-2001-db8-100-48', 'rdns-203-0-113-0-25']);
    expect(readFileSync(join(root, 'cdktf.out', 'stacks', 'rdns-198-51-100-0-24', 'cdk.tf.json'), 'utf8')).toBe(
      readFileSync(join(import.meta.dirname, 'golden', 'rdns-198-51-100-0-24', 'cdk.tf.json'), 'utf8'),
    );
  }, 90_000);
});

describe('rdns synth on a repository over the Route53 quota', () => {
  it('reports the quota once (validation), not again from the render model', async () => {
    const root = writeRepo({ 'rdns.yaml': 'zones: { max_records: 2 }\n', 'zones/a.yaml': 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: a.example.com\n  198.51.100.2: b.example.com\n  198.51.100.3: c.example.com\n' }, 'rdns-quota-');
    temps.push(root);
    const r = await rdns(root, 'synth');
    expect(r.status).toBe(1);
    expect(r.stdout.match(/zone\.too-large/g)).toHaveLength(1);
  });
});
