/**
 * The synthesized Terraform JSON, produced in-process (the same function `rdns synth`
 * and `npx cdktf synth` run). Golden files pin the whole output; the other tests
 * state each feature on its own so a failure says what broke.
 * UPDATE_GOLDEN=1 npx vitest run test/render/synth.test.ts refreshes the golden files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRepository } from '../../src/loader/repository.js';
import { zoneContents } from '../../src/render/zone-records.js';
import { checkSynthOutput, synthesize } from '../../src/render/synth.js';
import { zoneStacksOf } from '../../src/render/stacks.js';
import { LIVE_CHECK_EXPRESSIONS } from '../../src/render/live-check.js';
import { FIXTURE, writeRepo } from './fixture.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Synthesizes a repository; returns every stack's cdk.tf.json text by stack name. */
function synth(files: Record<string, string>): { stacks: Record<string, string>; outdir: string; root: string; stateDir: string } {
  const root = writeRepo(files);
  temps.push(root);
  const repo = loadRepository(root);
  expect(repo.diagnostics).toEqual([]);
  const model = zoneContents(repo);
  expect(model.diagnostics).toEqual([]);
  const outdir = join(root, 'cdktf.out');
  const stateDir = mkdtempSync(join(tmpdir(), 'rdns-state-'));
  temps.push(stateDir);
  synthesize(zoneStacksOf(model), repo.config, { outdir, prune: true, stateDir });
  const stacks: Record<string, string> = {};
  for (const name of readdirSync(join(outdir, 'stacks')).sort()) stacks[name] = readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
  return { stacks, outdir, root, stateDir };
}

/** The record resources of a stack: `aws_route53_record` name → body, and the reverse-zone sets (not A/AAAA) as before. */
const recordsOf = (tf: Json): Record<string, Json> => (tf.resource.aws_route53_record ?? {}) as Record<string, Json>;
const reverseSets = (tf: Json): Json[] => Object.values(recordsOf(tf)).filter((r) => r.type !== 'A' && r.type !== 'AAAA');

const fixture = synth(FIXTURE);
const parsed = (stack: string): Json => JSON.parse(fixture.stacks[stack]!) as Json;

describe('golden cdk.tf.json', () => {
  it('matches the committed golden file of every stack', () => {
    const names = Object.keys(fixture.stacks);
    if (process.env.UPDATE_GOLDEN) {
      rmSync(GOLDEN, { recursive: true, force: true });
      for (const n of names) {
        mkdirSync(join(GOLDEN, n), { recursive: true });
        writeFileSync(join(GOLDEN, n, 'cdk.tf.json'), fixture.stacks[n]!);
      }
    }
    expect(readdirSync(GOLDEN).sort()).toEqual(names);
    for (const n of names) expect(fixture.stacks[n], `stack ${n} differs from test/render/golden (UPDATE_GOLDEN=1 refreshes)`).toBe(readFileSync(join(GOLDEN, n, 'cdk.tf.json'), 'utf8'));
  });
});

describe('stacks and resources', () => {
  it('writes one stack per block file, named from the prefix, and a cdktf manifest', () => {
    expect(Object.keys(fixture.stacks)).toEqual(['rdns-192-0-2-0-24', 'rdns-198-51-100-0-24', 'rdns-2001-db8-100-48', 'rdns-203-0-113-0-25']);
    const manifest = JSON.parse(readFileSync(join(fixture.outdir, 'manifest.json'), 'utf8')) as Json;
    expect(Object.keys(manifest.stacks as Json).sort()).toEqual(Object.keys(fixture.stacks));
  });

  it('creates a hosted zone and renders every record set as its own literal aws_route53_record, named from its owner name', () => {
    const tf = parsed('rdns-198-51-100-0-24');
    expect(tf.resource.aws_route53_zone).toEqual({
      zone_198_51_100_0_24: expect.objectContaining({ name: '100.51.198.in-addr.arpa', lifecycle: { prevent_destroy: true } }),
    });
    expect(tf.resource.aws_route53_records_exclusive).toBeUndefined();
    const records = recordsOf(tf);
    // 224 PTRs (the delegated /27 excluded), 32 CNAMEs, one NS set with both servers.
    expect(reverseSets(tf)).toHaveLength(224 + 32 + 1);
    expect(records['ptr_22_100_51_198_in-addr_arpa']).toEqual({
      zone_id: '${aws_route53_zone.zone_198_51_100_0_24.zone_id}',
      name: '22.100.51.198.in-addr.arpa.',
      type: 'PTR',
      ttl: 7200,
      records: ['mail.example.com.'],
    });
    expect(records['ptr_23_100_51_198_in-addr_arpa']).toMatchObject({ name: '23.100.51.198.in-addr.arpa.', records: ['198-51-100-23.static.example.net.'] });
    // Literal blocks: no for_each, no count.
    expect(Object.values(records).some((r) => 'for_each' in r || 'count' in r)).toBe(false);
    expect(tf.output.name_servers_198_51_100_0_24.value).toBe('${aws_route53_zone.zone_198_51_100_0_24.name_servers}');
  });

  it('renders RFC 2317 delegations as NS for the child zone and a CNAME per address in the parent', () => {
    const tf = parsed('rdns-198-51-100-0-24');
    const sets = reverseSets(tf);
    expect(recordsOf(tf)['ns_64-27_100_51_198_in-addr_arpa']).toMatchObject({ name: '64-27.100.51.198.in-addr.arpa.', type: 'NS', ttl: 7200, records: ['ns1.globex.example.', 'ns2.globex.example.'] });
    const cnames = sets.filter((s) => s.type === 'CNAME');
    expect(cnames.map((s) => s.name)).toEqual(Array.from({ length: 32 }, (_, i) => `${64 + i}.100.51.198.in-addr.arpa.`));
    expect(recordsOf(tf)['cname_70_100_51_198_in-addr_arpa']).toMatchObject({ name: '70.100.51.198.in-addr.arpa.', type: 'CNAME', ttl: 7200, records: ['70.64-27.100.51.198.in-addr.arpa.'] });
    // The delegated addresses' PTRs are the customer's: none of them is published here.
    expect(sets.some((s) => s.type === 'PTR' && s.name === '70.100.51.198.in-addr.arpa.')).toBe(false);
  });

  it('gives a block whose /24 is not owned its own classless zone in the "-" form', () => {
    const tf = parsed('rdns-203-0-113-0-25');
    expect(tf.resource.aws_route53_zone.zone_203_0_113_0_25.name).toBe('0-25.113.0.203.in-addr.arpa');
    expect(reverseSets(tf)).toHaveLength(128);
    expect(recordsOf(tf)['ptr_5_0-25_113_0_203_in-addr_arpa']).toMatchObject({ name: '5.0-25.113.0.203.in-addr.arpa.', type: 'PTR', ttl: 3600, records: ['api.example.org.'] });
    expect(JSON.stringify(tf)).not.toContain('\\\\057');
  });

  it('adopts a hosted zone by id (rdns.yaml route53.zones): no zone resource, no output', () => {
    const tf = parsed('rdns-192-0-2-0-24');
    expect(tf.resource.aws_route53_zone).toBeUndefined();
    expect(tf.output).toBeUndefined();
    // An adopted zone may hold these names already (filled by records_exclusive, another tool, rdns import): taken over.
    expect(recordsOf(tf)).toEqual({
      'ptr_1_2_0_192_in-addr_arpa': { zone_id: 'Z0123456789ABCDEFGHIJ', name: '1.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 3600, records: ['gw1.pop1.example.net.'], allow_overwrite: true },
      'ptr_25_2_0_192_in-addr_arpa': { zone_id: 'Z0123456789ABCDEFGHIJ', name: '25.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 300, records: ['mx1.example.net.'], allow_overwrite: true },
    });
    expect(tf.data.aws_route53_records.live.zone_id).toBe('Z0123456789ABCDEFGHIJ');
    expect(tf.resource.terraform_data).toBeUndefined();
  });

  it('renders mode: per-record with the same literal blocks; only the live check differs (records added outside git are left alone)', () => {
    const tf = parsed('rdns-2001-db8-100-48');
    expect(Object.keys(recordsOf(tf))).toEqual([
      'ptr_1_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_1_0_8_b_d_0_1_0_0_2_ip6_arpa',
      'ptr_5_2_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_2_0_0_0_0_1_0_8_b_d_0_1_0_0_2_ip6_arpa',
    ]);
    expect(tf.locals.rdns_exclusive).toBe(false);
    expect(parsed('rdns-198-51-100-0-24').locals.rdns_exclusive).toBe(true);
    expect(tf.locals.rdns_rendered).toEqual({
      'PTR 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.': 'gw1.dc1.example.net.',
      'PTR 5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa.': 'smtp.acme.example.',
    });
  });

  it('checks the live zone on every plan: one data source read and a precondition that fails the plan', () => {
    const tf = parsed('rdns-198-51-100-0-24');
    expect(tf.data.aws_route53_records.live.zone_id).toBe('${aws_route53_zone.zone_198_51_100_0_24.zone_id}');
    expect(tf.locals.rdns_apex).toBe('100.51.198.in-addr.arpa');
    expect(tf.locals.rdns_rendered['NS 64-27.100.51.198.in-addr.arpa.']).toBe('ns1.globex.example. ns2.globex.example.');
    expect(Object.keys(tf.locals.rdns_rendered as Json)).toHaveLength(257);
    const check = tf.data.aws_route53_records.live.lifecycle.postcondition[0];
    expect(check.condition).toMatch(/^\$\{length\(var\.rdns_applied == null \? \[\] : concat\(/);
    expect(check.error_message).toMatch(/^rdns\.drift: /);
    expect(tf.variable.rdns_applied).toMatchObject({ type: 'map(string)', default: null });
  });

  it('publishes forward A records of generic names into the forward zone (looked up by name)', () => {
    const tf = parsed('rdns-198-51-100-0-24');
    expect(tf.data.aws_route53_zone.forward_zone_static_example_net).toMatchObject({ name: 'static.example.net', private_zone: false });
    const fwd = Object.values(recordsOf(tf)).filter((r) => r.type === 'A');
    expect(fwd).toHaveLength(223);
    expect(recordsOf(tf)['a_198-51-100-23_static_example_net']).toEqual({
      zone_id: '${data.aws_route53_zone.forward_zone_static_example_net.zone_id}',
      name: '198-51-100-23.static.example.net.',
      type: 'A',
      ttl: 7200,
      records: ['198.51.100.23'],
    });
    // The forward zone is shared with records rdns did not create: a name already published
    // there (say www.example.net by another team) fails the apply instead of being taken over.
    expect(fwd.some((r) => 'allow_overwrite' in r)).toBe(false);
  });

  it('takes over records that already exist in an adopted per-record zone; a zone created here has none to take over', () => {
    const { stacks } = synth({
      'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\nzones:\n  2.0.192.in-addr.arpa: {zone_id: Z0123456789ABCDEFGHIJ, mode: per-record}\nrecords:\n  192.0.2.1: a.example.net\n',
      'zones/b.yaml': 'prefix: 198.51.100.0/24\nowners: []\nzones:\n  100.51.198.in-addr.arpa: {mode: per-record}\nrecords:\n  198.51.100.1: b.example.net\n',
    });
    const adopted = recordsOf(JSON.parse(stacks['rdns-192-0-2-0-24']!) as Json)['ptr_1_2_0_192_in-addr_arpa']!;
    expect(adopted.zone_id).toBe('Z0123456789ABCDEFGHIJ');
    expect(adopted.allow_overwrite).toBe(true);
    expect(recordsOf(JSON.parse(stacks['rdns-198-51-100-0-24']!) as Json)['ptr_1_100_51_198_in-addr_arpa']!.allow_overwrite).toBeUndefined();
  });

  it('takes backend, region and provider constraint from rdns.yaml (S3 with native locking, state key per stack)', () => {
    const tf = parsed('rdns-198-51-100-0-24');
    expect(tf.terraform.backend).toEqual({ s3: { bucket: 'example-rdns-state', key: 'rdns/rdns-198-51-100-0-24.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } });
    expect(tf.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: '~> 6.20' });
    expect(tf.provider.aws).toEqual([{ region: 'eu-central-1' }]);
  });

  it('uses local state per stack when rdns.yaml sets no backend, kept outside the repository (where a pull request cannot put it) and outside cdktf.out', () => {
    const { stacks, outdir, root, stateDir } = synth({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: a.example.net\n' });
    const tf = JSON.parse(stacks['rdns-192-0-2-0-24']!) as Json;
    expect(tf.terraform.backend).toEqual({ local: { path: join(stateDir, 'rdns-192-0-2-0-24.tfstate') } });
    const state = tf.terraform.backend.local.path as string;
    expect(state.startsWith(`${root}/`)).toBe(false);
    writeFileSync(state, '{"version": 4}');
    const repo = loadRepository(root);
    synthesize(zoneStacksOf(zoneContents(repo)), repo.config, { outdir, prune: true, stateDir });
    expect(readFileSync(state, 'utf8')).toBe('{"version": 4}');
    // backend.path: an absolute folder of the operator's choosing.
    const inFolder = synth({ 'rdns.yaml': 'backend: {type: local, path: /var/lib/rdns/}\n', 'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\n' });
    expect((JSON.parse(inFolder.stacks['rdns-192-0-2-0-24']!) as Json).terraform.backend.local.path).toBe('/var/lib/rdns/rdns-192-0-2-0-24.tfstate');
    expect(tf.terraform.required_providers.aws.version).toBe('~> 6.0');
    expect(tf.provider.aws).toEqual([{ region: 'us-east-1' }]);
  });
});

describe('a reverse zone shared by two block files', () => {
  it('creates one hosted zone holding the records of both, in one stack named from the zone', () => {
    const { stacks } = synth({
      'zones/a.yaml': 'prefix: 203.0.113.0/25\nowners: []\nrecords:\n  203.0.113.5: api.example.org\n',
      'zones/b.yaml': 'prefix: 203.0.113.128/25\nowners: []\nrecords:\n  203.0.113.130: web.example.org\n',
    });
    expect(Object.keys(stacks)).toEqual(['rdns-203-0-113-0-24']);
    const tf = JSON.parse(stacks['rdns-203-0-113-0-24']!) as Json;
    expect(Object.values(tf.resource.aws_route53_zone).map((z) => (z as Json).name)).toEqual(['113.0.203.in-addr.arpa']);
    expect(reverseSets(tf).map((s: Json) => s.name as string).sort()).toEqual(['130.113.0.203.in-addr.arpa.', '5.113.0.203.in-addr.arpa.']);
  });
});

describe('one stack per reverse zone', () => {
  it('splits a block larger than a zone into a stack per zone, each with its own state and forward names', () => {
    const { stacks } = synth({
      'zones/a.yaml': 'prefix: 192.0.2.0/23\nowners: []\ndefault: "h-{dashed}.example.net"\nforward: {zone: example.net}\nrecords:\n  192.0.3.9: mail.example.org\n',
    });
    expect(Object.keys(stacks)).toEqual(['rdns-192-0-2-0-24', 'rdns-192-0-3-0-24']);
    const second = JSON.parse(stacks['rdns-192-0-3-0-24']!) as Json;
    expect(second.terraform.backend.local.path).toMatch(/\/rdns-192-0-3-0-24\.tfstate$/);
    const ptrs = reverseSets(second);
    expect(ptrs).toHaveLength(256);
    expect(ptrs.find((p) => p.name === '9.3.0.192.in-addr.arpa.')!.records).toEqual(['mail.example.org.']);
    // Forward A records only for the generic names of this zone's addresses (255: .9 has its own PTR).
    const fwd = Object.values(recordsOf(second)).filter((r) => r.type === 'A');
    expect(fwd).toHaveLength(255);
    expect(fwd.every((r) => (r.records[0] as string).startsWith('192.0.3.'))).toBe(true);
    expect(fwd.some((r) => 'allow_overwrite' in r)).toBe(false);
  });
  it('changes nothing when a block file is reordered, reformatted and renamed', () => {
    const shuffled = { ...FIXTURE };
    delete shuffled['zones/198.51.100.0_24.yaml'];
    shuffled['zones/colo/hall-b.yml'] = `# reordered and reformatted: same block
records:
  "198.51.100.22":   { ptr: Mail.Example.COM. }
allocations:
  - delegate_to:
      - ns1.globex.example
      - NS2.globex.example.
    owners: ['@globex/hostmasters']
    account: globex
    prefix: 198.51.100.64/27
forward: { zone: static.example.net. }
default: '{dashed}.static.example.net'
ttl: 7200
owners: ['@example-isp/noc']
description: "Colo hall B, reordered"
prefix: 198.51.100.0/24
`;
    const again = synth(shuffled);
    expect(again.stacks['rdns-198-51-100-0-24']).toBe(fixture.stacks['rdns-198-51-100-0-24']);
  });
});

describe('hostile input', () => {
  it('keeps descriptions, notes, accounts and file names out of the Terraform JSON', () => {
    const evil = '${file("/etc/passwd")} %{ for x in y }x%{ endfor } "quoted" \\ back';
    const { stacks, outdir } = synth({
      'zones/${evil}.yaml': `prefix: 192.0.2.0/24
description: '${evil}'
owners: []
allocations:
  - prefix: 192.0.2.128/25
    account: '${evil}'
    description: '${evil}'
records:
  192.0.2.1:
    ptr: gw.example.net
    note: '${evil}'
`,
    });
    const text = stacks['rdns-192-0-2-0-24']!;
    expect(text).not.toContain('passwd');
    expect(text).not.toContain('endfor');
    expect(text).not.toContain('${evil}');
    // The only interpolations are our own references and the live check's constant expressions.
    const own = new Set(LIVE_CHECK_EXPRESSIONS.map((e) => JSON.stringify(e)));
    const tf = JSON.parse(text) as Json;
    const post = tf.data.aws_route53_records.live.lifecycle.postcondition[0] as Json;
    expect(own.has(JSON.stringify(post.condition)) && own.has(JSON.stringify(post.error_message))).toBe(true);
    let rest = text;
    for (const e of own) rest = rest.split(e).join('""');
    expect([...new Set(rest.match(/\$\{[^}]*\}/g))].sort()).toEqual(['${aws_route53_zone.zone_192_0_2_0_24.name_servers}', '${aws_route53_zone.zone_192_0_2_0_24.zone_id}']);
    expect(checkSynthOutput(outdir)).toEqual([]);
  });

  it('checkSynthOutput reports template syntax that is not ours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdns-scan-'));
    temps.push(dir);
    mkdirSync(join(dir, 'stacks', 's'), { recursive: true });
    writeFileSync(join(dir, 'stacks', 's', 'cdk.tf.json'), JSON.stringify({ a: '${aws_route53_zone.z.zone_id}', b: 'x ${file("/etc/passwd")}', c: '%{ if true }', d: '$${escaped}' }));
    const found = checkSynthOutput(dir);
    expect(found.map((d) => [d.code, d.value])).toEqual([
      ['render.value', '${file(\\'],
      ['render.value', '%{ if true }'],
    ]);
    expect(existsSync(join(dir, 'stacks'))).toBe(true);
  });
});
