/**
 * Relative-name accidents (issue 20, item 10): `3 PTR mail` in a reverse zone file is
 * `mail.30.20.10.in-addr.arpa.`, which names no host. Import, validate and set refuse
 * such a target (`hostname.reverse-target`) and name the likely intended one; a hand
 * override inside a `$GENERATE` range stays a record over the pool.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';
import { reverseTargetOf } from '../../src/core/hostname.js';
import { loadRepository } from '../../src/loader/repository.js';

/** `rdns` in this process: the exit code and output of a real run, without a process start (test/helpers/cli.ts). */
const rdns = runCliInProcess;

const SCHEMA = fileURLToPath(new URL('../../schema', import.meta.url));

describe('reverseTargetOf: names inside the reverse tree and what was meant', () => {
  it.each([
    ['mail.30.20.10.in-addr.arpa.', undefined, '("mail", written without a trailing dot)'],
    ['mail.example.com.30.20.10.in-addr.arpa.', 'mail.example.com.', 'did you mean mail.example.com?'],
    ['www.example.com.0-25.113.0.203.in-addr.arpa.', 'www.example.com.', 'did you mean www.example.com?'],
    ['mx1.example.net.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.', 'mx1.example.net.', 'inside ip6.arpa'],
    ['3.30.20.10.in-addr.arpa.', undefined, 'a PTR target must be a host\'s fully qualified name'],
  ])('%s', (name, intended, text) => {
    const r = reverseTargetOf(name);
    expect(r?.intended).toBe(intended);
    expect(r?.message).toContain(text);
  });

  it.each(['mail.example.com.', 'arpa.example.net.', 'in-addr.arpa.example.net.', 'host.arpa.'])('%s is an ordinary name', (name) => {
    expect(reverseTargetOf(name)).toBeUndefined();
  });
});

const BLOCK = `prefix: 10.20.30.0/24
owners: ["@example-isp/noc"]
records:
  10.20.30.1: gw1.example.net
  10.20.30.3: mail.30.20.10.in-addr.arpa   # pasted from a zone file
`;

describe('validate and set refuse a target in the reverse tree', () => {
  it('rdns validate names the record\'s line and the likely intended name', async () => {
    const root = writeRepo({ 'zones/10.20.30.0_24.yaml': BLOCK.replace('mail.30.20.10.in-addr.arpa', 'mail.example.com.30.20.10.in-addr.arpa') });
    const r = await rdns(['validate'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'zones/10.20.30.0_24.yaml:5:3: error hostname.reverse-target 10.20.30.3: "mail.example.com.30.20.10.in-addr.arpa" is inside in-addr.arpa, the reverse tree: it names no host; a relative name in a zone file ("mail.example.com", written without a trailing dot) gets the zone\'s origin appended: did you mean mail.example.com?',
    );
    const json = JSON.parse((await rdns(['validate', '--format', 'json'], { cwd: root })).stdout) as { diagnostics: { code: string; ip: string }[] };
    expect(json.diagnostics.filter((d) => d.code.startsWith('hostname.')).map((d) => `${d.code} ${d.ip}`)).toEqual(['hostname.reverse-target 10.20.30.3']);
  });

  it('rdns set refuses it and writes nothing; rdns reset removes such a record', async () => {
    const root = writeRepo({ 'zones/10.20.30.0_24.yaml': BLOCK });
    const r = await rdns(['set', '--no-fcrdns', '10.20.30.4', 'www.30.20.10.in-addr.arpa.'], { cwd: root });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('error hostname.reverse-target 10.20.30.4: "www.30.20.10.in-addr.arpa" is inside in-addr.arpa');
    expect(readFileSync(join(root, 'zones/10.20.30.0_24.yaml'), 'utf8')).toBe(BLOCK);
    const reset = await rdns(['reset', '--delete', '10.20.30.3'], { cwd: root });
    expect(reset.stderr).toBe('');
    expect(reset.status).toBe(0);
    expect(readFileSync(join(root, 'zones/10.20.30.0_24.yaml'), 'utf8')).toBe(BLOCK.replace('  10.20.30.3: mail.30.20.10.in-addr.arpa   # pasted from a zone file\n', ''));
  });
});

const ZONE = `$ORIGIN 30.20.10.in-addr.arpa.
$TTL 3600
@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 1209600 300
@ IN NS ns1.example.net.
3 PTR mail
4 PTR www.example.com
$GENERATE 10-200 $ PTR dyn-$.pool.example.net.
50 PTR router.example.net.
7 PTR ns1.example.net.
`;

describe('rdns import: relative names and hand overrides of $GENERATE', () => {
  it('refuses the relative names with the intended name; keeps the override as a record over the pool', async () => {
    const root = writeRepo({ 'zones/.keep': '' });
    cpSync(SCHEMA, join(root, 'schema'), { recursive: true });
    writeFileSync(join(root, 'z.zone'), ZONE);
    const preview = await rdns(['import', '--zone-file', 'z.zone'], { cwd: root });
    expect(preview.status).toBe(1);
    expect(preview.stdout).toContain('z.zone:5:1: error hostname.reverse-target 10.20.30.3: "mail.30.20.10.in-addr.arpa" is inside in-addr.arpa');
    expect(preview.stdout).toContain('z.zone:6:1: error hostname.reverse-target 10.20.30.4: "www.example.com.30.20.10.in-addr.arpa" is inside in-addr.arpa, the reverse tree: it names no host; a relative name in a zone file ("www.example.com", written without a trailing dot) gets the zone\'s origin appended: did you mean www.example.com?; not imported');
    expect(preview.stdout).not.toContain('several PTRs');
    expect(preview.stdout).toContain('194 PTRs read: 192 imported (190 as template names, 2 as records), 2 refused');

    const applied = await rdns(['import', '--zone-file', 'z.zone', '--apply', '--skip-refused'], { cwd: root });
    expect(applied.status).toBe(0);
    const file = readFileSync(join(root, 'zones/10.20.30.0_24.yaml'), 'utf8');
    expect(file).toContain('pools:\n  - prefix: 10.20.30.0/24\n    offset: 10\n    count: 191\n    default: "dyn-{d}.pool.example.net"\n');
    expect(file).toContain('records:\n  10.20.30.7: ns1.example.net\n  10.20.30.50: router.example.net\n');
    const repo = loadRepository(root);
    expect(repo.diagnostics).toEqual([]);
    // What DNS will serve: the hand name at .50, the pool around it.
    const show = async (ip: string): Promise<string> => (await rdns(['show', ip, '--format', 'json'], { cwd: root })).stdout;
    expect(JSON.parse(await show('10.20.30.50'))).toMatchObject({ ptr: 'router.example.net.' });
    expect(JSON.parse(await show('10.20.30.51'))).toMatchObject({ ptr: 'dyn-51.pool.example.net.' });
  });

  it('the override is kept whichever comes first in the file', async () => {
    const root = writeRepo({ 'zones/.keep': '' });
    writeFileSync(join(root, 'z.zone'), ZONE.replace('50 PTR router.example.net.\n', '').replace('$GENERATE', '50 PTR router.example.net.\n$GENERATE'));
    const applied = await rdns(['import', '--zone-file', 'z.zone', '--apply', '--skip-refused'], { cwd: root });
    expect(applied.status).toBe(0);
    expect(readFileSync(join(root, 'zones/10.20.30.0_24.yaml'), 'utf8')).toContain('  10.20.30.50: router.example.net\n');
  });
});
