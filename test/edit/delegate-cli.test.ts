/**
 * Issue 20 item 7: delegating a customer's range (RFC 2317) is a workflow, not a hand edit.
 * `rdns delegate` writes delegate_to (and the customer's contact) in place, keeps the range's
 * records as the child zone `rdns export` prints, prints the hand-off; `rdns undelegate`
 * reverses it. Real git repositories in temp folders; the exported zones served by a real
 * BIND on loopback.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bindOrSkip, startBind, type BindServer } from '../helpers/bind.js';
import { runCliInProcess } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';

vi.setConfig({ testTimeout: 120_000 });

const FILE = 'zones/198.51.100.0_24.yaml';
const BLOCK = `# Colo hall B: keep this comment
prefix: 198.51.100.0/24
description: "Colo hall B"
owners: ["@example-isp/noc"]
default: "{dashed}.static.example.net"   # generic PTR for every IP without its own record
allocations:
  - prefix: 198.51.100.32/28
    account: acme   # NOC-77
    owners: ["@acme-corp"]

  # globex: second floor
  - prefix: 198.51.100.64/27
    account: globex
    owners: [ "@globex/hostmasters" ]
records:
  198.51.100.22: mail.example.com
  198.51.100.34:
    ptr: smtp.acme.example
    ttl: 300
    note: NOC-1234
  198.51.100.35: www.acme.example   # web
  198.51.100.70: mx.globex.example
`;

const repo = (): GitRepo => createGitRepo({ [FILE]: BLOCK });
const rdns = (r: GitRepo, ...args: string[]) => runCliInProcess(args, { cwd: r.root });
const read = (r: GitRepo): string => readFileSync(join(r.root, FILE), 'utf8');

describe('rdns delegate', () => {
  it('writes delegate_to and contact into the allocation, changing no other line, and prints the hand-off', async () => {
    const r = repo();
    const out = await rdns(r, 'delegate', '198.51.100.32/28', '--to', 'NS1.acme.example,ns2.acme.example.', '--contact', 'hostmaster@acme.example');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    // The diff: two added lines after the allocation's last key, nothing else (comments, spacing, order stay).
    expect(r.git('diff', '-U0', '--no-color').split('\n').filter((l) => /^[+-](?![+-])/.test(l))).toEqual([
      '+    delegate_to: [ns1.acme.example, ns2.acme.example]',
      '+    contact: "hostmaster@acme.example"',
    ]);
    expect(read(r)).toContain('    owners: ["@acme-corp"]\n    delegate_to: [ns1.acme.example, ns2.acme.example]\n    contact: "hostmaster@acme.example"\n\n  # globex: second floor\n');
    expect(out.stdout).toContain(`delegated 198.51.100.32/28 (account acme) to ns1.acme.example, ns2.acme.example  ${FILE}\nwrote ${FILE}\n`);
    expect(out.stdout).toContain('The customer serves the zone 32-28.100.51.198.in-addr.arpa on ns1.acme.example, ns2.acme.example (SOA contact hostmaster@acme.example)');
    expect(out.stdout).toContain('16 PTRs; 2 records of the range kept in zones/198.51.100.0_24.yaml');
    // What the ISP publishes in its /24: the NS set and one CNAME per address of the /28.
    expect(out.stdout).toContain('We publish in 100.51.198.in-addr.arpa (rdns plan, then apply):\n  32-28.100.51.198.in-addr.arpa. 3600 IN NS ns1.acme.example.\n  32-28.100.51.198.in-addr.arpa. 3600 IN NS ns2.acme.example.\n');
    const cnames = out.stdout.split('\n').filter((l) => / IN CNAME /.test(l));
    expect(cnames).toHaveLength(16);
    expect(cnames[0]).toBe('  32.100.51.198.in-addr.arpa. 3600 IN CNAME 32.32-28.100.51.198.in-addr.arpa.');
    expect(cnames[15]).toBe('  47.100.51.198.in-addr.arpa. 3600 IN CNAME 47.32-28.100.51.198.in-addr.arpa.');
    expect(out.stdout).toContain('  dig +short NS 32-28.100.51.198.in-addr.arpa\n  dig +norec @ns1.acme.example 32-28.100.51.198.in-addr.arpa SOA\n');
    expect(out.stdout).toContain('  dig +short -x 198.51.100.34\n');

    // A second run is a no-op.
    const again = await rdns(r, 'delegate', '198.51.100.32/28', '--to', 'ns1.acme.example,ns2.acme.example');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already delegated 198.51.100.32/28');
    expect(again.stdout).toContain('nothing to change');
    expect(r.git('status', '--porcelain').trim()).toBe(`M ${FILE}`);
  });

  it('export prints the child zone with the range\'s records and the customer\'s SOA contact; the parent has NS and CNAMEs instead', async () => {
    const r = repo();
    expect((await rdns(r, 'delegate', '198.51.100.32/28', '--to', 'ns1.acme.example', '--contact', 'jane.doe@acme.example')).status).toBe(0);
    const child = await rdns(r, 'export', '--zone', '32-28.100.51.198.in-addr.arpa', '--ns', 'ns1.example-isp.net', '--hostmaster', 'hostmaster.example-isp.net');
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('@ 3600 IN SOA ns1.acme.example. jane\\.doe.acme.example. 1 3600 600 1209600 300\n@ 3600 IN NS ns1.acme.example.\n');
    expect(child.stdout).not.toContain('example-isp');
    expect(child.stdout).toContain('34.32-28.100.51.198.in-addr.arpa. 300 IN PTR smtp.acme.example.\n35.32-28.100.51.198.in-addr.arpa. 3600 IN PTR www.acme.example.\n');
    expect(child.stdout).toContain('33.32-28.100.51.198.in-addr.arpa. 3600 IN PTR 198-51-100-33.static.example.net.\n');
    // The records stay in the block file; validate says where they are served, without failing.
    expect(read(r)).toContain('  198.51.100.34:\n    ptr: smtp.acme.example\n');
    const v = await rdns(r, 'validate');
    expect(v.status).toBe(0);
    expect(v.stdout + v.stderr).toMatch(/warning record\.delegated 198\.51\.100\.34 is inside allocation 198\.51\.100\.32\/28.*child zone `rdns export` prints/);
    const parent = await rdns(r, 'export', '--zone', '100.51.198.in-addr.arpa');
    expect(parent.stdout).toContain('34.100.51.198.in-addr.arpa. 3600 IN CNAME 34.32-28.100.51.198.in-addr.arpa.\n');
    expect(parent.stdout).not.toContain('smtp.acme.example');
    expect(parent.stdout).toContain('22.100.51.198.in-addr.arpa. 3600 IN PTR mail.example.com.\n');
  });

  it('--dry-run prints the hand-off and writes nothing; --format json gives it as data', async () => {
    const r = repo();
    const dry = await rdns(r, 'delegate', '198.51.100.64/27', '--to', 'ns1.globex.example', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('delegated 198.51.100.64/27 (account globex) to ns1.globex.example  zones/198.51.100.0_24.yaml\npreview only: nothing written\n');
    expect(dry.stdout).toContain('64-27.100.51.198.in-addr.arpa. 3600 IN NS ns1.globex.example.');
    expect(read(r)).toBe(BLOCK);
    const json = await rdns(r, 'delegate', '198.51.100.64/27', '--to', 'ns1.globex.example', '--format', 'json');
    expect(json.status).toBe(0);
    const data = JSON.parse(json.stdout) as { changed: boolean; written: string[]; handoff: { child: string; parent: string; nameServers: string[]; parentRecords: { type: string }[]; childRecords: number; movedRecords: number } };
    expect(data).toMatchObject({ changed: true, written: [FILE], handoff: { child: '64-27.100.51.198.in-addr.arpa.', parent: '100.51.198.in-addr.arpa.', nameServers: ['ns1.globex.example.'], childRecords: 32, movedRecords: 1 } });
    expect(data.handoff.parentRecords.filter((x) => x.type === 'CNAME')).toHaveLength(32);
  });

  it('undelegate removes delegate_to: the records are published in the parent zone again', async () => {
    const r = repo();
    await rdns(r, 'delegate', '198.51.100.32/28', '--to', 'ns1.acme.example');
    r.commit('delegate acme');
    const out = await rdns(r, 'undelegate', '198.51.100.32/28');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(`undelegated 198.51.100.32/28 (account acme): its 2 records and generic names are published in the parent zone again  ${FILE}\nwrote ${FILE}\n`);
    expect(read(r)).toBe(BLOCK);
    const parent = await rdns(r, 'export', '--zone', '100.51.198.in-addr.arpa');
    expect(parent.stdout).toContain('34.100.51.198.in-addr.arpa. 300 IN PTR smtp.acme.example.\n');
    expect(parent.stdout).not.toContain('CNAME');
    const noop = await rdns(r, 'undelegate', '198.51.100.32/28');
    expect(noop.status).toBe(0);
    expect(noop.stdout).toContain('198.51.100.32/28 (account acme) is not delegated');
  });

  it('undelegate keeps the contact (it names the customer), and removes a block-style delegate_to list', async () => {
    const r = createGitRepo({ [FILE]: BLOCK.replace('    owners: ["@acme-corp"]\n', '    owners: ["@acme-corp"]\n    delegate_to:   # theirs\n      - ns1.acme.example\n      - ns2.acme.example\n    contact: noc@acme.example\n') });
    const out = await rdns(r, 'undelegate', '198.51.100.32/28');
    expect(out.status).toBe(0);
    expect(read(r)).toBe(BLOCK.replace('    owners: ["@acme-corp"]\n', '    owners: ["@acme-corp"]\n    contact: noc@acme.example\n'));
  });

  it('refuses what cannot be delegated: no allocation, off the RFC 2317 boundary, outside every block; bad input is a usage error', async () => {
    const r = createGitRepo({ [FILE]: BLOCK.replace('  - prefix: 198.51.100.64/27', '  - prefix: 198.51.100.64/26') });
    const none = await rdns(r, 'delegate', '198.51.100.32/29', '--to', 'ns1.acme.example');
    expect(none.status).toBe(1);
    expect(none.stdout).toContain(`${FILE}:2:9: error delegate.no-allocation ${FILE} has no allocation 198.51.100.32/29; overlapping allocation: 198.51.100.32/28`);
    // A /23 allocation spans whole /24 zones: that is no delegation but giving the zones away.
    const wide = createGitRepo({ 'zones/198.51.0.0_16.yaml': 'prefix: 198.51.0.0/16\nallocations:\n  - prefix: 198.51.100.0/23\n    account: big\n' });
    const off = await rdns(wide, 'delegate', '198.51.100.0/23', '--to', 'ns1.big.example');
    expect(off.status).toBe(1);
    expect(off.stdout).toContain('zones/198.51.0.0_16.yaml:3:13: error delegate.boundary allocation 198.51.100.0/23 cannot be delegated: it covers a whole reverse zone (/24)');
    expect(readFileSync(join(wide.root, 'zones/198.51.0.0_16.yaml'), 'utf8')).not.toContain('delegate_to');
    const outside = await rdns(r, 'delegate', '10.0.0.0/27', '--to', 'ns1.acme.example');
    expect(outside.status).toBe(1);
    expect(outside.stdout).toContain('error edit.no-block 10.0.0.0/27 is in no block file');
    for (const args of [
      ['delegate', '198.51.100.32/28', '--to', 'ns_1.acme.example'],
      ['delegate', '198.51.100.32/28', '--to', '192.0.2.1'],
      ['delegate', '198.51.100.33/28', '--to', 'ns1.acme.example'],
      ['delegate', '198.51.100.32/28', '--to', 'ns1.acme.example', '--contact', 'not-an-email'],
      ['delegate', '198.51.100.32/28'],
      ['undelegate', 'nonsense'],
    ]) {
      const u = await rdns(r, ...args);
      expect(u.status, args.join(' ')).toBe(2);
    }
    expect(r.git('status', '--porcelain')).toBe('');
  });

  it('sends a delegated allocation to new servers in place (a CRLF file keeps its line ends and the comment); a flow-style file is refused untouched', async () => {
    const crlf = 'prefix: 192.0.2.0/24\r\nallocations:\r\n  - prefix: 192.0.2.64/26 # c\r\n    account: c\r\n    delegate_to: [ns9.c.example]   # old\r\n    owners: ["@c"]\r\n';
    const r = createGitRepo({ 'zones/c.yaml': crlf });
    const out = await rdns(r, 'delegate', '192.0.2.64/26', '--to', 'ns1.c.example');
    expect(out.status).toBe(0);
    expect(readFileSync(join(r.root, 'zones/c.yaml'), 'utf8')).toBe(crlf.replace('[ns9.c.example]', '[ns1.c.example]'));
    const flow = '{prefix: 198.51.100.0/24, allocations: [{prefix: 198.51.100.0/28, account: f}]}\n';
    const f = createGitRepo({ 'zones/f.yaml': flow });
    const refused = await rdns(f, 'delegate', '198.51.100.0/28', '--to', 'ns1.f.example');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('zones/f.yaml:1:1: error edit.unsafe not edited (the file is left as it was): allocation 198.51.100.0/28 is written in flow style');
    expect(readFileSync(join(f.root, 'zones/f.yaml'), 'utf8')).toBe(flow);
  });

  it('IPv6: a nibble-aligned allocation is an NS delegation of its own ip6.arpa zone; off the nibble boundary it is refused', async () => {
    const r = createGitRepo({ 'zones/v6.yaml': 'prefix: 2001:db8:100::/48\nallocations:\n  - prefix: 2001:db8:100:4000::/52\n    account: v6c\n  - prefix: 2001:db8:100:8000::/50\n    account: odd\nrecords:\n  2001:db8:100:4000::1: a.v6c.example\n' });
    const ok = await rdns(r, 'delegate', '2001:db8:100:4000::/52', '--to', 'ns1.v6c.example');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('We publish in 0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa (rdns plan, then apply):\n  4.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa. 3600 IN NS ns1.v6c.example.\nCheck once both are live:');
    const child = await rdns(r, 'export', '--zone', '4.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(child.stdout).toContain('IN PTR a.v6c.example.');
    const odd = await rdns(r, 'delegate', '2001:db8:100:8000::/50', '--to', 'ns1.v6c.example');
    expect(odd.status).toBe(1);
    expect(odd.stdout).toContain('zones/v6.yaml:6:13: error delegate.boundary allocation 2001:db8:100:8000::/50 cannot be delegated: /50 is not on a nibble boundary');
  });

  it('a contact in the block file that is no e-mail address is allocation.contact with its line and column', async () => {
    const r = createGitRepo({ [FILE]: BLOCK.replace('    owners: ["@acme-corp"]\n', '    owners: ["@acme-corp"]\n    contact: hostmaster.acme.example\n') });
    const v = await rdns(r, 'validate');
    expect(v.status).toBe(1);
    expect(v.stdout + v.stderr).toContain(`${FILE}:10:14: error allocation.contact allocation 198.51.100.32/28 contact: "hostmaster.acme.example" is not an e-mail address`);
  });
});

const have = bindOrSkip();
describe.skipIf(!have)('the exported zones served by BIND on loopback', () => {
  let server: BindServer | undefined;
  afterAll(async () => server?.stop());

  it('dig -x of a moved address follows the CNAME into the customer\'s child zone and gets the record that was in the block file', async () => {
    const r = repo();
    expect((await rdns(r, 'delegate', '198.51.100.32/28', '--to', 'ns1.acme.example', '--contact', 'hostmaster@acme.example')).status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'rdns-delegate-zones-'));
    const exported = await rdns(r, 'export', '--ns', 'ns1.example-isp.net', '--out-dir', dir);
    expect(exported.status).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['100.51.198.in-addr.arpa.zone', '32-28.100.51.198.in-addr.arpa.zone']);
    server = await startBind(files.map((f) => ({ name: f.replace(/\.zone$/, ''), text: readFileSync(join(dir, f), 'utf8') })));
    const dig = (...args: string[]): string => {
      const d = spawnSync('dig', ['@127.0.0.1', '-p', String(server!.port), '+norec', '+time=5', '+tries=2', ...args], { encoding: 'utf8' });
      expect(d.status, d.stderr).toBe(0);
      return d.stdout;
    };
    // The ISP's zone answers with the CNAME into the child zone; the child zone (the customer's) has the PTR.
    expect(dig('+short', '-x', '198.51.100.34').trim().split('\n')[0]).toBe('34.32-28.100.51.198.in-addr.arpa.');
    expect(dig('+short', '34.32-28.100.51.198.in-addr.arpa', 'PTR').trim()).toBe('smtp.acme.example.');
    expect(dig('+short', '40.32-28.100.51.198.in-addr.arpa', 'PTR').trim()).toBe('198-51-100-40.static.example.net.');
    expect(dig('+short', '32-28.100.51.198.in-addr.arpa', 'SOA').trim()).toBe('ns1.acme.example. hostmaster.acme.example. 1 3600 600 1209600 300');
    expect(dig('+short', '-x', '198.51.100.22').trim()).toBe('mail.example.com.');
  });
});
