/**
 * policy.allow end to end (issue 20, item 6): real hosts whose names look generic are
 * refused until rdns.yaml names them as exceptions; validate, set and bulk then accept
 * them, and every refusal names the deny rule that matched.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const BLOCK = `prefix: 192.0.2.0/24
owners: ["@example-isp/noc"]
default: "{dashed}.static.example.net"
records:
  192.0.2.1: pool.ntp.example
  192.0.2.2: mx.spam-filter.example   # the filtering service
`;
const ALLOW = `# exceptions reviewed by the NOC
policy:
  allow:
    - pool.ntp.example
    - name: mx.spam-filter.example
      note: NOC-77, our filtering service
    - pattern: "dhcp[0-9]+\\\\.example"
`;

describe('policy.allow (the real process)', () => {
  it('validate refuses the names and names each rule; with the exceptions in rdns.yaml it passes', async () => {
    const root = writeRepo({ 'zones/192.0.2.0_24.yaml': BLOCK });
    const before = await rdns(['validate'], { cwd: root });
    expect(before.status).toBe(1);
    expect(before.stdout).toContain(
      'zones/192.0.2.0_24.yaml:5:3: error hostname.denied 192.0.2.1: "pool.ntp.example" is refused by the hostname policy: "pool" is a word that marks dynamic or residential address space; receiving mail servers treat such names as end-user or bulk-mail space (deny rule built-in "dynamic-words"; a real host\'s name can be excepted in policy.allow of rdns.yaml)',
    );
    expect(before.stdout).toContain('error hostname.denied 192.0.2.2: "mx.spam-filter.example" is refused by the hostname policy: "spam" is a bulk-mail word; receiving mail servers treat such names as end-user or bulk-mail space (deny rule built-in "bulk-mail";');
    writeFileSync(join(root, 'rdns.yaml'), ALLOW);
    const after = await rdns(['validate'], { cwd: root });
    expect(after.stdout).toBe('ok: 1 file, 2 records, 0 errors, 0 warnings\n');
    expect(after.status).toBe(0);
  });

  it('set and bulk accept an excepted name and still refuse its neighbours', async () => {
    const root = writeRepo({ 'zones/192.0.2.0_24.yaml': BLOCK, 'rdns.yaml': ALLOW });
    const ok = await rdns(['set', '--no-fcrdns', '192.0.2.3', 'DHCP1.example.'], { cwd: root });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(readFileSync(join(root, 'zones/192.0.2.0_24.yaml'), 'utf8')).toContain('  192.0.2.3: dhcp1.example\n');
    const refused = await rdns(['set', '--no-fcrdns', '192.0.2.4', 'dhcp1.example.org'], { cwd: root });
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('(deny rule built-in "dynamic-words"; a real host\'s name can be excepted in policy.allow of rdns.yaml)');
    writeFileSync(join(root, 'batch.txt'), '192.0.2.10 dhcp2.example\n192.0.2.11 pool.ntp.example.org\n');
    const bulk = await rdns(['bulk', 'batch.txt', '--no-fcrdns'], { cwd: root });
    expect(bulk.stdout).toContain('2 lines: 1 valid (1 to change, 0 unchanged), 1 invalid, 0 not yours');
    expect(bulk.stdout).toContain('added   192.0.2.10  192-0-2-10.static.example.net (default) → dhcp2.example');
    expect(bulk.stdout).toContain('batch.txt:2:12: error hostname.denied 192.0.2.11: "pool.ntp.example.org" is refused by the hostname policy');
  });

  it('a wrong exception is config.invalid at its line, and the rest of the list still applies', async () => {
    const root = writeRepo({ 'zones/192.0.2.0_24.yaml': BLOCK, 'rdns.yaml': ALLOW.replace('    - pool.ntp.example\n', '    - pool ntp.example\n') });
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('rdns.yaml:4:7: error config.invalid policy.allow[0] "pool ntp.example" is not a hostname: a hostname cannot contain whitespace');
    expect(r.stdout).toContain('error hostname.denied 192.0.2.1:');
    expect(r.stdout).not.toContain('192.0.2.2:');
  });
});
