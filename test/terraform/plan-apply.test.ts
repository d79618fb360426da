/**
 * `rdns plan` and `rdns apply` with the real Terraform and hashicorp/aws provider, against
 * a Route53 stand-in on loopback (route53.endpoint, passed to the provider as
 * AWS_ENDPOINT_URL_ROUTE_53 as in production-like config): every rendering feature plans and
 * applies, a second plan shows no changes, and one edited PTR plans as exactly that change.
 * Kept to a few PTRs per stack: a provider start alone costs seconds (TERRAFORM-COST.md).
 *
 * The tests are independent (each its own Route53 stand-in and repository) and run at
 * once: most of an apply's wall time is the provider waiting before it polls a change.
 * They share one plugin cache, which every init takes a lock on (rdns's and the helper's).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initStack } from '../../src/terraform/run-stacks.js';
import { answeredCalls, type FakeRoute53 } from '../helpers/fake-route53.js';
import { apiCallsText } from '../../src/terraform/api-calls.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { runTerraform, terraformOrSkip, terraformPath } from '../helpers/terraform.js';
import { rdnsAsync, useTerraform } from '../helpers/terraform-fixture.js';

const haveTerraform = terraformOrSkip();

/** The built CLI as a child process, asynchronously: the fake Route53 answers from this process. */
const rdns = rdnsAsync;

interface PlanJson {
  stacks: {
    stack: string;
    zone: string;
    status: string;
    zoneAction?: string;
    error?: string;
    records: { added: { ip?: string; values: string[] }[]; changed: { ip?: string; old: { values: string[] }; new: { values: string[] } }[]; removed: unknown[] };
    forward: { added: { name: string; values: string[] }[]; changed: unknown[]; removed: unknown[] };
    other: unknown[];
  }[];
  summary: { stacks: number; withChanges: number; errors: number; added: number; changed: number; removed: number };
}

const config = (endpoint: string, adopted?: string): string => `route53:
  provider_version: "~> 5.100"
  endpoint: ${endpoint}
${adopted ? `  zones:\n    113.0.203.in-addr.arpa.: { zone_id: ${adopted} }\n` : ''}`;

const BLOCKS = {
  // RFC 2317 as parent: a customer's /28 delegated with NS + one CNAME per address.
  'zones/192.0.2.0_24.yaml': `prefix: 192.0.2.0/24
owners: []
allocations:
  - prefix: 192.0.2.64/28
    account: cust
    delegate_to: [ns1.cust.example.org]
records:
  192.0.2.1: gw.example.com
  192.0.2.10: mail.example.com
`,
  // RFC 2317 as child (the /24 is not ours) with generic names published forward.
  'zones/198.51.100.0_29.yaml': `prefix: 198.51.100.0/29
owners: []
default: "{dashed}.pool.example.net"
forward: { zone: example.net }
records:
  198.51.100.1: router.example.com
`,
  // IPv6, one aws_route53_record per PTR.
  'zones/2001-db8-100.yaml': `prefix: 2001:db8:100::/48
owners: []
zones:
  0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa: { mode: per-record }
records:
  2001:db8:100::1: v6.example.com
  2001:db8:100::53: ns.example.com
`,
  // A hosted zone that already exists (adopted by id).
  'zones/203.0.113.0_24.yaml': `prefix: 203.0.113.0/24
owners: []
records:
  203.0.113.5: api.example.org
`,
};

describe.skipIf(!haveTerraform)('rdns plan / rdns apply with the real Terraform', { concurrent: true }, () => {
  const terraform = useTerraform('rdns-tf-');
  let env: Record<string, string>;
  let tfDir: string;
  beforeAll(() => {
    ({ env, dir: tfDir } = terraform);
  });
  /** A Route53 stand-in of this test's own, closed after the file. */
  const route53 = (): Promise<FakeRoute53> => terraform.route53();
  /** A repository of `blocks` whose rdns.yaml points at `fake` and adopts `adopted` (113.0.203.in-addr.arpa.) when given. */
  const repoOf = (fake: FakeRoute53, blocks: Record<string, string>, adopted?: string): GitRepo =>
    createGitRepo({ 'rdns.yaml': config(fake.url, adopted), ...blocks });

  it('fails the stack whose forward zone does not exist (exit 1, Terraform\'s message on stderr); Terraform missing is exit 2', async () => {
    const fake = await route53();
    const repo = repoOf(fake, { 'zones/198.51.100.0_29.yaml': BLOCKS['zones/198.51.100.0_29.yaml'] });
    const r = await rdns(repo.root, env, 'plan', '--stack', 'rdns-198-51-100-0-29', '--format', 'json');
    expect(r.status, r.stderr).toBe(1);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.stacks.map((s) => [s.stack, s.status])).toEqual([['rdns-198-51-100-0-29', 'error']]);
    expect(plan.stacks[0]!.error).toMatch(/no matching Route 53 Hosted Zone found|not found/i);
    expect(r.stderr).toMatch(/rdns-198-51-100-0-29: terraform plan: .*Hosted Zone/is);
    const missing = await rdns(repo.root, { ...env, RDNS_TERRAFORM: join(tfDir, 'no-terraform') }, 'plan');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('terraform not found');
  }, 900_000);

  it('plans every stack in PTR terms (json and markdown), applies them, and then plans no changes', async () => {
    const fake = await route53();
    const adopted = fake.createZone('113.0.203.in-addr.arpa.');
    fake.createZone('example.net.');
    const repo = repoOf(fake, BLOCKS, adopted.id);
    // Four stacks at once, each with its first init (the inits take turns in the plugin cache).
    const r = await rdns(repo.root, env, 'plan', '--parallel', '4', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    const by = new Map(plan.stacks.map((s) => [s.stack, s]));
    expect([...by.keys()].sort()).toEqual(['rdns-192-0-2-0-24', 'rdns-198-51-100-0-29', 'rdns-2001-db8-100-48', 'rdns-203-0-113-0-24']);
    expect(plan.stacks.every((s) => s.status === 'ok')).toBe(true);
    expect(by.get('rdns-203-0-113-0-24')!.zoneAction).toBeUndefined(); // adopted, not created
    expect(by.get('rdns-192-0-2-0-24')!.zoneAction).toBe('create');
    // 2 PTRs + NS of the delegation + 16 CNAMEs.
    expect(by.get('rdns-192-0-2-0-24')!.records.added).toHaveLength(19);
    const classless = by.get('rdns-198-51-100-0-29')!;
    expect(classless.zone).toBe('0-29.100.51.198.in-addr.arpa.');
    expect(classless.records.added.map((a) => `${a.ip} ${a.values.join()}`)).toContain('198.51.100.2 198-51-100-2.pool.example.net.');
    expect(classless.forward.added.map((a) => a.name)).toHaveLength(7);
    expect(by.get('rdns-2001-db8-100-48')!.records.added.map((a) => a.ip)).toEqual(['2001:db8:100::1', '2001:db8:100::53']);
    // The emulator endpoint reaches Terraform through the environment, not the provider block.
    const tf = JSON.parse(readFileSync(join(repo.root, 'cdktf.out/stacks/rdns-192-0-2-0-24/cdk.tf.json'), 'utf8')) as { provider: { aws: Record<string, unknown>[] } };
    expect(tf.provider.aws[0]).not.toHaveProperty('endpoints');
    expect(tf.provider.aws[0]).toMatchObject({ skip_credentials_validation: true, skip_requesting_account_id: true });

    const md = await rdns(repo.root, env, 'plan', '--merge', 'cdktf.out/rdns-plan.json', '--format', 'markdown');
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/^<!-- rdns-gitops:plan -->\n## 📝 terraform plan — 4 stacks planned \(4 with changes\)/);
    expect(md.stdout).toContain('| `0-29.100.51.198.in-addr.arpa.` | `rdns-198-51-100-0-29` | create | 15 | 0 | 0 |');

    const applied = await rdns(repo.root, env, 'apply', '--parallel', '4');
    expect(applied.status, applied.stderr).toBe(0);
    // Reported in apply order: more specific zones first (the calls, and how: in a change batch or record by record, after each).
    expect(applied.stdout.split('\n').slice(0, 4).map((l) => l.replace(/ {2}\(\d+ Route 53 calls?(; [^)]*)?\)$/, ''))).toEqual(['applied      rdns-198-51-100-0-29', 'applied      rdns-192-0-2-0-24', 'applied      rdns-203-0-113-0-24', 'applied      rdns-2001-db8-100-48']);
    // The new /24 with its delegation (2 PTRs, NS, 16 CNAMEs): Terraform created the zone, rdns sent its records in one change batch.
    expect(applied.stdout).toMatch(/^applied {6}rdns-192-0-2-0-24 {2}\(\d+ Route 53 calls; 1 change batch of 19 record sets\)$/m);
    expect(fake.recordSet('2.0.192.in-addr.arpa.', '10.2.0.192.in-addr.arpa.', 'PTR')?.values).toEqual(['mail.example.com.']);
    expect(fake.recordSet('2.0.192.in-addr.arpa.', '65.2.0.192.in-addr.arpa.', 'CNAME')?.values).toEqual(['65.64-28.2.0.192.in-addr.arpa.']);
    expect(fake.recordSet('example.net.', '198-51-100-7.pool.example.net.', 'A')?.values).toEqual(['198.51.100.7']);
    expect(fake.recordSet('113.0.203.in-addr.arpa.', '5.113.0.203.in-addr.arpa.', 'PTR')?.values).toEqual(['api.example.org.']);

    // What Route53 gives back reads as what git says: no perpetual diff (trailing dots, case, TTL, \057).
    // A full refresh, and no init: the stacks' terraform blocks did not change.
    const again = await rdns(repo.root, env, 'plan', '--refresh', '--format', 'json');
    expect(again.status, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as PlanJson;
    expect(second.summary).toMatchObject({ stacks: 4, withChanges: 0, errors: 0, added: 0, changed: 0, removed: 0 });

    // Edited (a PTR changed, one added, one removed; a named address back to its generic
    // name: its PTR changes and its forward A record is added): the pull-request plan is read
    // from the plan's -json stream, the state and the stacks' Terraform JSON, with no
    // `terraform show`, and says exactly what `show -json` says.
    const edit = (file: string, from: string, to: string) => writeFileSync(join(repo.root, file), readFileSync(join(repo.root, file), 'utf8').replace(from, to));
    edit('zones/192.0.2.0_24.yaml', '  192.0.2.1: gw.example.com\n  192.0.2.10: mail.example.com\n', '  192.0.2.10: mx1.example.com\n  192.0.2.11: new.example.com\n');
    edit('zones/198.51.100.0_29.yaml', '  198.51.100.1: router.example.com\n', '');
    const log = join(tfDir, 'tf-calls.log');
    const wrapper = join(tfDir, 'terraform-logged');
    writeFileSync(wrapper, `#!/bin/sh\necho "$1" >> "$TF_CALLS_LOG"\nexec ${JSON.stringify(terraformPath())} "$@"\n`, { mode: 0o755 });
    const planned = async (extra: Record<string, string>): Promise<{ stacks: unknown[]; commands: string[] }> => {
      writeFileSync(log, '');
      const p = await rdns(repo.root, { ...env, RDNS_TERRAFORM: wrapper, TF_CALLS_LOG: log, ...extra }, 'plan', '--format', 'json');
      expect(p.status, p.stderr).toBe(0);
      const stacks = (JSON.parse(p.stdout) as { stacks: { apiCalls?: unknown }[] }).stacks.map(({ apiCalls: _calls, ...rest }) => rest);
      return { stacks, commands: readFileSync(log, 'utf8').trim().split('\n') };
    };
    const fromStream = await planned({});
    const fromShow = await planned({ RDNS_PLAN_READ: 'terraform' });
    expect(fromStream.commands.filter((c) => c === 'plan')).toHaveLength(4);
    expect(fromStream.commands).not.toContain('show');
    expect(fromShow.commands.filter((c) => c === 'show')).toHaveLength(2);
    expect(fromShow.commands.filter((c) => c === 'state')).toHaveLength(4);
    expect(fromStream.commands).not.toContain('state');
    expect(fromStream.stacks).toEqual(fromShow.stacks);
    const edited = new Map((fromStream.stacks as PlanJson['stacks']).map((s) => [s.stack, s]));
    expect(edited.get('rdns-192-0-2-0-24')!.records).toMatchObject({ added: [{ ip: '192.0.2.11', values: ['new.example.com.'] }], changed: [{ ip: '192.0.2.10', old: { values: ['mail.example.com.'] }, new: { values: ['mx1.example.com.'] } }], removed: [{ ip: '192.0.2.1' }] });
    expect(edited.get('rdns-198-51-100-0-29')!.records.changed).toMatchObject([{ ip: '198.51.100.1', old: { values: ['router.example.com.'] }, new: { values: ['198-51-100-1.pool.example.net.'] } }]);
    expect(edited.get('rdns-198-51-100-0-29')!.forward.added).toMatchObject([{ name: '198-51-100-1.pool.example.net.', values: ['198.51.100.1'] }]);
    expect(fake.unknownRequests()).toEqual([]);
  }, 1_500_000);

  it('plans one edited PTR as exactly that change, in its one stack, applies it, and refuses a plan the block files moved past', async () => {
    const fake = await route53();
    // Two PTRs are enough here (the delegation's records are the test above's).
    const repo = repoOf(fake, { 'zones/192.0.2.0_24.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: gw.example.com\n  192.0.2.10: mail.example.com\n' });
    expect((await rdns(repo.root, env, 'plan')).status).toBe(0);
    expect((await rdns(repo.root, env, 'apply')).status).toBe(0);
    repo.commit('applied state');
    const file = join(repo.root, 'zones/192.0.2.0_24.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('mail.example.com', 'mx1.example.com'));
    const beforePlan = fake.requests.length;
    const r = await rdns(repo.root, env, 'plan', '--changed-since', 'HEAD');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'rdns-192-0-2-0-24  2.0.192.in-addr.arpa.',
        '  ~ 192.0.2.10           PTR   mail.example.com. → mx1.example.com.',
        '1 stack planned (1 with changes): 0 records added, 1 changed, 0 removed',
        // The calls rdns counted from the provider's log are the calls the stand-in answered.
        `API calls: ${apiCallsText(answeredCalls(fake, beforePlan))}`,
        '',
      ].join('\n'),
    );
    const md = await rdns(repo.root, env, 'plan', '--merge', 'cdktf.out/rdns-plan.json', '--format', 'markdown');
    expect(md.stdout).toContain('| ✏️ | `192.0.2.10` | PTR | `mail.example.com.` → `mx1.example.com.` |');
    const beforeApply = fake.requests.length;
    const applied = await rdns(repo.root, env, 'apply');
    expect(applied.status, applied.stderr).toBe(0);
    const calls = answeredCalls(fake, beforeApply);
    // The stand-in does not throttle here: no retries. One changed set: one change batch and its poll.
    expect(calls.retries).toBe(0);
    expect(calls.byAction).toEqual({ ChangeResourceRecordSets: 1, GetChange: 1 });
    expect(applied.stdout).toBe(
      [
        `applied      rdns-192-0-2-0-24  (${calls.route53} Route 53 calls; 1 change batch of 1 record set)`,
        '1 stack applied',
        `API calls: ${apiCallsText(calls)}`,
        `1 changed record: ${calls.route53.toFixed(2)} Route 53 calls per record, ${calls.route53.toFixed(2)} without the retries; ≥ ${Math.ceil(calls.route53 / 5)} s of Route 53's quota (5 requests/s per account)`,
        '',
      ].join('\n'),
    );
    expect(fake.recordSet('2.0.192.in-addr.arpa.', '10.2.0.192.in-addr.arpa.', 'PTR')?.values).toEqual(['mx1.example.com.']);
    // A second apply finds no saved plan: the applied one is spent.
    expect((await rdns(repo.root, env, 'apply')).status).toBe(2);

    // A plan that the block files moved past is refused, and nothing reaches Route53.
    writeFileSync(file, readFileSync(file, 'utf8').replace('gw.example.com', 'gw2.example.com'));
    expect((await rdns(repo.root, env, 'plan', '--stack', 'rdns-192-0-2-0-24')).status).toBe(0);
    writeFileSync(file, readFileSync(file, 'utf8').replace('gw2.example.com', 'gw3.example.com'));
    const stale = await rdns(repo.root, env, 'apply');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('the saved plan is out of date for rdns-192-0-2-0-24');
    expect(fake.recordSet('2.0.192.in-addr.arpa.', '1.2.0.192.in-addr.arpa.', 'PTR')?.values).toEqual(['gw.example.com.']);
  }, 900_000);

  it('runs many stacks\' inits at once without racing in the plugin cache, repeatedly (the CI failure: "lstat …/plugin-cache…: no such file")', async () => {
    const fake = await route53();
    const blocks = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`zones/10.0.${i}.0_24.yaml`, `prefix: 10.0.${i}.0/24\nowners: []\nrecords:\n  10.0.${i}.1: h${i}.example.com\n`]));
    const repo = repoOf(fake, blocks);
    const cache = mkdtempSync(join(tfDir, 'race-cache-'));
    const raceEnv = { ...env, TF_PLUGIN_CACHE_DIR: cache };
    // rdns plan --parallel 4 from an empty cache: four stacks, four first inits, plans beside inits.
    const r = await rdns(repo.root, raceEnv, 'plan', '--parallel', '4', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as PlanJson).summary).toMatchObject({ stacks: 4, withChanges: 4, errors: 0, added: 4 });
    // Then the inits alone, all at once, two more rounds from a new empty cache each time.
    const stacks = readdirSync(join(repo.root, 'cdktf.out', 'stacks'));
    expect(stacks).toHaveLength(4);
    for (let round = 0; round < 2; round++) {
      rmSync(join(repo.root, 'cdktf.out', 'terraform-data'), { recursive: true, force: true });
      const roundCache = mkdtempSync(join(tfDir, `race-cache-${round}-`));
      const outcomes = await Promise.all(
        stacks.map((stack) =>
          initStack({ stack, zone: '', dir: join(repo.root, 'cdktf.out', 'stacks', stack) }, 'test', { binary: terraformPath(), env: { ...process.env, ...env, TF_PLUGIN_CACHE_DIR: roundCache } }),
        ),
      );
      expect(outcomes).toEqual(stacks.map(() => ({ ran: true })));
    }
  }, 900_000);

  it('S3 backend stacks validate with -backend=false', async () => {
    const s3 = createGitRepo({
      'rdns.yaml': 'route53:\n  provider_version: "~> 5.100"\nbackend:\n  type: s3\n  bucket: rdns-state\n  key: rdns/\n',
      'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: a.example.com\n',
    });
    // Its own plugin cache: a bare `terraform init` without a lock file replaces the cache
    // entry, under the plans of the tests running beside this one.
    const s3env = { ...env, TF_PLUGIN_CACHE_DIR: mkdtempSync(join(tfDir, 's3-cache-')) };
    expect((await rdns(s3.root, s3env, 'synth')).status).toBe(0);
    const dir = join(s3.root, 'cdktf.out', 'stacks', 'rdns-192-0-2-0-24');
    const init = await runTerraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], s3env);
    expect(init.status, init.stderr).toBe(0);
    const validate = await runTerraform(dir, ['validate', '-no-color'], s3env);
    expect(validate.status, validate.stderr + validate.stdout).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')).terraform.backend.s3).toMatchObject({ bucket: 'rdns-state', key: 'rdns/rdns-192-0-2-0-24.tfstate', use_lockfile: true });
  }, 900_000);
});
