/**
 * The in-process runner is only worth having if a test cannot tell it from the real process:
 * the same stdout, stderr and exit code for the same run, the run's own folder, environment and
 * standard input, and nothing of the run left in the test's process.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess, type CliOptions } from './cli.js';
import { writeRepo } from './repo-files.js';

const bad = {
  'zones/b.yaml': 'prefix: 198.51.100.22/31\nrecords:\n  198.51.100.22: mail\n  198.51.100.23: ok.example.com\n',
  'zones/a.yaml': 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: "gw:1.example.net"\ndefault: "{dashed}.example.net"\n',
};

describe('runCliInProcess: what the real process does, inside the test process', () => {
  const root = writeRepo({ ...bad, 'sub/dir/.keep': '' });
  const cases: Array<[string, string[], CliOptions]> = [
    ['--version', ['--version'], { cwd: root }],
    ['--help', ['--help'], { cwd: root }],
    ['findings: exit 1, text on stdout', ['validate'], { cwd: root }],
    ['JSON of one file', ['validate', '--format', 'json', 'zones/b.yaml'], { cwd: root }],
    ['a usage error: exit 2 on stderr', ['validate', '--format', 'xml'], { cwd: root }],
    ['an unknown command with a suggestion', ['valdate'], { cwd: root }],
    ['a path that does not exist', ['validate', 'nope/'], { cwd: root }],
    ['paths relative to the folder it starts in', ['validate', '../../zones/a.yaml'], { cwd: join(root, 'sub', 'dir') }],
    ['-C relative to the folder it starts in', ['-C', '..', 'validate', '--format', 'json'], { cwd: join(root, 'sub') }],
    ['the environment (diff without a base reads GITHUB_BASE_REF)', ['diff'], { cwd: root, env: { GITHUB_BASE_REF: undefined } }],
    ['standard input (bulk -)', ['bulk', '-', '--format', 'json'], { cwd: root, input: '192.0.2.9 host9.example.net\n' }],
  ];
  for (const [title, args, options] of cases) {
    it(`${title}: rdns ${args.join(' ')}`, async () => {
      const spawned = runCli(args, options);
      const inProcess = await runCliInProcess(args, options);
      expect(inProcess).toEqual(spawned);
      // Each case shows something: output, and a non-zero exit where the case says so.
      expect(spawned.stdout + spawned.stderr).not.toBe('');
    });
  }

  it('leaves the test process as it was: folder, environment, exit code', async () => {
    const cwd = process.cwd();
    const env = { ...process.env };
    const r = await runCliInProcess(['validate'], { cwd: join(root, 'sub'), env: { RDNS_PROBE: 'x', HOME: '/nonexistent' } });
    expect(r.status).toBe(1);
    expect(process.cwd()).toBe(cwd);
    expect(process.env).toEqual(env);
    expect(process.exitCode).toBeUndefined();
  });

  it('runs concurrent calls one after the other (folder and environment are per process)', async () => {
    const other = writeRepo({ 'zones/c.yaml': 'prefix: 203.0.113.0/24\nrecords:\n  203.0.113.1: gw.example.net\n  203.0.113.2: gw2.example.net\n' });
    mkdirSync(join(other, 'sub'));
    const [a, b] = await Promise.all([runCliInProcess(['validate'], { cwd: root }), runCliInProcess(['validate', '--format', 'json'], { cwd: join(other, 'sub') })]);
    expect(a.status).toBe(1);
    expect(b.status).toBe(0);
    expect(JSON.parse(b.stdout).summary).toMatchObject({ files: 1, records: 2, errors: 0 });
  });

  it('writes where the run was started, not where the test process is', async () => {
    const repo = writeRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: gw.example.net\n' });
    const r = await runCliInProcess(['set', '192.0.2.2', 'two.example.net', '--no-fcrdns'], { cwd: repo });
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(join(repo, 'zones/a.yaml'), 'utf8')).toContain('192.0.2.2: two.example.net');
  });
});
