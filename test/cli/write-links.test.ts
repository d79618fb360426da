/**
 * Every file rdns writes goes through the atomic writer, which refuses to write through
 * a symbolic link: a link committed where `rdns export --out-dir` (or `rdns audit --out`)
 * writes must not redirect the write to its target.
 */
import { lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

describe('writers refuse links', () => {
  it('rdns export --out-dir does not write through a zone file that is a link', () => {
    const outside = writeRepo({ 'bashrc': 'echo hello\n' });
    const root = writeRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: a.example.com\n', 'out/README': 'x\n' });
    symlinkSync(join(outside, 'bashrc'), join(root, 'out/2.0.192.in-addr.arpa.zone'));
    const r = runCli(['export', '--format', 'zone', '--out-dir', 'out'], { cwd: root });
    expect(readFileSync(join(outside, 'bashrc'), 'utf8')).toBe('echo hello\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write the zone files to out: .*2\.0\.192\.in-addr\.arpa\.zone is a symbolic link/);
    expect(lstatSync(join(root, 'out/2.0.192.in-addr.arpa.zone')).isSymbolicLink()).toBe(true);
  });
});
