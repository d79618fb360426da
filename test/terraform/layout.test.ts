/**
 * The record layout with the real Terraform and hashicorp/aws against the Route53 stand-in:
 * the live check fails a plan on records changed, deleted or added outside git (naming them
 * in PTR terms), and a stack applied with an earlier layout (one
 * `aws_route53_records_exclusive`, or `for_each` instances) upgrades with imports and moves
 * only — no PTR deleted or re-created — after which a plan shows no changes.
 * A few PTRs per stack: every plan starts the provider.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordKey, standInEnvironment, type FakeRoute53 } from '../helpers/fake-route53.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { runTerraform, terraformOrSkip } from '../helpers/terraform.js';
import { rdnsAsync, useTerraform } from '../helpers/terraform-fixture.js';

const haveTerraform = terraformOrSkip();

/** The built CLI as a child process (the stand-in answers from this process). */
const rdns = rdnsAsync;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const config = (endpoint: string): string => `route53:\n  provider_version: "~> 5.100"\n  endpoint: ${endpoint}\n`;

/** Writes a record set into the stand-in directly, as someone with console access would. */
function outsideGit(fake: FakeRoute53, zone: string, name: string, value: string | undefined): void {
  const z = [...fake.zones.values()].find((x) => x.name === zone)!;
  if (value === undefined) z.records.delete(recordKey(name, 'PTR'));
  else z.records.set(recordKey(name, 'PTR'), { name, type: 'PTR', ttl: 3600, values: [value] });
}

/**
 * The stack as rdns 0.1 rendered it (kept here as the upgrade's starting point): the reverse
 * zone's record sets in one `aws_route53_records_exclusive`, or as `for_each` instances of
 * one `aws_route53_record` keyed "TYPE name"; no live check.
 */
function oldLayout(tf: Json, layout: 'exclusive' | 'for_each', slug: string): Json {
  const records = tf.resource.aws_route53_record as Record<string, Json>;
  const zoneId = Object.values(records)[0]!.zone_id as string;
  const sets = Object.values(records);
  const old: Json = { ...tf, resource: { ...tf.resource } };
  delete old.resource.aws_route53_record;
  delete old.data.aws_route53_records;
  if (Object.keys(old.data).length === 0) delete old.data;
  delete old.locals;
  delete old.variable;
  if (layout === 'exclusive') {
    old.resource.aws_route53_records_exclusive = {
      [`records_${slug}`]: { zone_id: zoneId, resource_record_set: sets.map((s) => ({ name: s.name, type: s.type, ttl: s.ttl, resource_records: (s.records as string[]).map((value) => ({ value })) })) },
    };
  } else {
    old.resource.aws_route53_record = {
      [`records_${slug}`]: {
        for_each: Object.fromEntries(sets.map((s) => [`${s.type} ${s.name}`, { name: s.name, type: s.type, ttl: s.ttl, records: s.records }])),
        zone_id: zoneId,
        name: '${each.value.name}',
        type: '${each.value.type}',
        ttl: '${each.value.ttl}',
        records: '${each.value.records}',
      },
    };
  }
  return old;
}

// The tests run at once, each with its own stand-in and repository: most of their wall time is
// the provider waiting before it polls a change.
describe.skipIf(!haveTerraform)('record layout with the real Terraform', { concurrent: true }, () => {
  const terraform = useTerraform('rdns-tf-layout-');
  /** This test's own stand-in, and the environment to run Terraform and rdns with. */
  const standIn = async (): Promise<{ fake: FakeRoute53; env: Record<string, string> }> => {
    const fake = await terraform.route53();
    // Terraform run directly (the old layout's apply) reaches the stand-in through the environment, as rdns does.
    return { fake, env: { ...terraform.env, ...standInEnvironment(fake.url) } };
  };

  it('fails the plan on a PTR changed, deleted or added outside git, naming each with both values', async () => {
    const { fake, env } = await standIn();
    const repo = createGitRepo({
      'rdns.yaml': config(fake.url),
      'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: gw.example.com\n  192.0.2.10: mail.example.com\n  192.0.2.11: www.example.com\n',
    });
    expect((await rdns(repo.root, env, 'plan')).status).toBe(0);
    const applied = await rdns(repo.root, env, 'apply');
    expect(applied.status, applied.stderr).toBe(0);
    outsideGit(fake, '2.0.192.in-addr.arpa.', '10.2.0.192.in-addr.arpa.', 'evil.example.');
    outsideGit(fake, '2.0.192.in-addr.arpa.', '9.2.0.192.in-addr.arpa.', 'nine.example.');
    outsideGit(fake, '2.0.192.in-addr.arpa.', '11.2.0.192.in-addr.arpa.', undefined);

    // A pull-request plan (-refresh=false): the live check finds all three, in PTR terms.
    const r = await rdns(repo.root, env, 'plan', '--format', 'json');
    expect(r.status, r.stderr).toBe(1);
    const plan = JSON.parse(r.stdout) as Json;
    expect(plan.stacks[0].drift).toEqual([
      { kind: 'added', type: 'PTR', name: '9.2.0.192.in-addr.arpa.', route53: 'nine.example.', ip: '192.0.2.9' },
      { kind: 'changed', type: 'PTR', name: '10.2.0.192.in-addr.arpa.', route53: 'evil.example.', git: 'mail.example.com.', ip: '192.0.2.10', address: 'aws_route53_record.ptr_10_2_0_192_in-addr_arpa' },
      { kind: 'deleted', type: 'PTR', name: '11.2.0.192.in-addr.arpa.', git: 'www.example.com.', ip: '192.0.2.11', address: 'aws_route53_record.ptr_11_2_0_192_in-addr_arpa' },
    ]);
    // A plan that refreshes every record sees the changed and the deleted PTR itself; the PTR
    // added outside git, which Terraform has no state for, still fails it.
    const text = await rdns(repo.root, env, 'plan', '--refresh');
    expect(text.stdout).toContain('rdns-192-0-2-0-24  2.0.192.in-addr.arpa.  FAILED: the hosted zone differs from git\n  ! 192.0.2.9            PTR   added outside git: Route53 has nine.example., git has none\n');
    expect(text.stdout).toContain('rdns plan --refresh');

    // Only one List call per zone page: no per-record read.
    const lists = fake.log().filter((l) => l.startsWith('ListResourceRecordSets'));
    expect(lists.length).toBeGreaterThan(0);

    // Adding the stray PTR to git (or deleting it) reconciles; the refreshed plan reverts the other two.
    writeFileSync(join(repo.root, 'zones/a.yaml'), `${readFileSync(join(repo.root, 'zones/a.yaml'), 'utf8')}  192.0.2.9: nine.example\n`);
    const fixed = await rdns(repo.root, env, 'plan', '--refresh', '--format', 'json');
    expect(fixed.status, fixed.stdout + fixed.stderr).toBe(0);
    const records = (JSON.parse(fixed.stdout) as Json).stacks[0].records;
    expect(records.changed.map((c: Json) => [c.ip, c.old.values, c.new.values])).toEqual([['192.0.2.10', ['evil.example.'], ['mail.example.com.']]]);
    expect(records.added.map((a: Json) => a.ip)).toEqual(['192.0.2.9', '192.0.2.11']);
  }, 1_500_000);

  for (const layout of ['exclusive', 'for_each'] as const) {
    it(`upgrades a stack applied with the ${layout === 'exclusive' ? 'aws_route53_records_exclusive' : 'for_each'} layout with imports and moves only, then plans no changes`, async () => {
      const { fake, env } = await standIn();
      const third = layout === 'exclusive' ? '198.51.100' : '203.0.113';
      const repo = createGitRepo({
        'rdns.yaml': config(fake.url),
        'zones/b.yaml': `prefix: ${third}.0/24\nowners: []\nallocations:\n  - prefix: ${third}.64/30\n    account: c\n    delegate_to: [ns1.cust.example.org]\nrecords:\n  ${third}.1: gw.example.com\n  ${third}.2: mx.example.com\n`,
      });
      const stack = `rdns-${third.replace(/\./g, '-')}-0-24`;
      const slug = `${third.replace(/\./g, '_')}_0_24`;
      expect((await rdns(repo.root, env, 'synth')).status).toBe(0);
      const dir = join(repo.root, 'cdktf.out', 'stacks', stack);
      const tf = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as Json;
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(oldLayout(tf, layout, slug), null, 2));
      expect((await runTerraform(dir, ['init', '-input=false', '-no-color'], env)).status).toBe(0);
      const old = await runTerraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], env);
      expect(old.status, old.stderr).toBe(0);
      const zone = `${third.split('.').reverse().join('.')}.in-addr.arpa.`;
      const before = fake.recordSets(zone).map((s) => `${s.type} ${s.name} ${s.values.join(',')}`);
      expect(before).toHaveLength(2 + 2 + 1 + 4); // apex SOA and NS, 2 PTRs, the delegation's NS and 4 CNAMEs
      const changesBefore = fake.requests.filter((q) => q.action === 'ChangeResourceRecordSets').length;

      const plan = await rdns(repo.root, env, 'plan', '--format', 'json');
      expect(plan.status, plan.stdout + plan.stderr).toBe(0);
      const s = (JSON.parse(plan.stdout) as Json).stacks[0];
      expect(s.records).toEqual({ added: [], changed: [], removed: [] });
      expect(s.other).toEqual([]);
      expect(s.migration).toEqual(
        layout === 'exclusive'
          ? { moved: 0, imported: 7, released: [`aws_route53_records_exclusive.records_${slug}`] }
          : { moved: 7, imported: 0, released: [] },
      );
      const text = await rdns(repo.root, env, 'plan');
      expect(text.stdout).toContain('(nothing deleted or re-created in Route53)');
      expect(text.stdout).not.toMatch(/^\s+[-~] /m);

      const applied = await rdns(repo.root, env, 'apply');
      expect(applied.status, applied.stderr).toBe(0);
      // The upgrade touched the state only: no change request reached Route53.
      expect(fake.requests.filter((q) => q.action === 'ChangeResourceRecordSets').length).toBe(changesBefore);
      expect(fake.recordSets(zone).map((x) => `${x.type} ${x.name} ${x.values.join(',')}`)).toEqual(before);

      const again = await rdns(repo.root, env, 'plan', '--format', 'json');
      expect(again.status, again.stdout + again.stderr).toBe(0);
      expect((JSON.parse(again.stdout) as Json).summary).toMatchObject({ withChanges: 0, added: 0, changed: 0, removed: 0 });
    }, 1_500_000);
  }

  it('plans a zone that is no longer rendered as the removal of its records, keeps its hosted zone, and applies it', async () => {
    const { fake, env } = await standIn();
    const repo = createGitRepo({
      'rdns.yaml': config(fake.url),
      'zones/keep.yaml': 'prefix: 192.0.2.0/25\nowners: []\nrecords:\n  192.0.2.5: keep.example.com\n',
      'zones/gone.yaml': 'prefix: 198.18.7.0/24\nowners: []\nrecords:\n  198.18.7.1: a.example.com\n  198.18.7.2: b.example.com\n',
    });
    expect((await rdns(repo.root, env, 'plan')).status).toBe(0);
    expect((await rdns(repo.root, env, 'apply')).status).toBe(0);
    expect(fake.recordSet('7.18.198.in-addr.arpa.', '1.7.18.198.in-addr.arpa.', 'PTR')?.values).toEqual(['a.example.com.']);
    repo.commit('applied');
    rmSync(join(repo.root, 'zones/gone.yaml'));

    const plan = await rdns(repo.root, env, 'plan', '--changed-since', 'HEAD', '--format', 'json');
    expect(plan.status, plan.stdout + plan.stderr).toBe(0);
    const report = JSON.parse(plan.stdout) as Json;
    expect(report.removed).toEqual([{ stack: 'rdns-198-18-7-0-24', zone: '7.18.198.in-addr.arpa.', files: ['zones/gone.yaml'] }]);
    const gone = report.stacks.find((s: Json) => s.stack === 'rdns-198-18-7-0-24');
    expect(gone.zoneAction).toBe('release');
    expect(gone.records.removed.map((r: Json) => `${r.ip} ${r.values.join()}`)).toEqual(['198.18.7.1 a.example.com.', '198.18.7.2 b.example.com.']);
    const text = await rdns(repo.root, env, 'plan', '--merge', 'cdktf.out/rdns-plan.json');
    expect(text.stdout).toContain('rdns-198-18-7-0-24  7.18.198.in-addr.arpa.  zone: kept in Route53, no longer managed\n  - 198.18.7.1           PTR   a.example.com.\n');

    const applied = await rdns(repo.root, env, 'apply');
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('applied      rdns-198-18-7-0-24');
    // The records are gone; the hosted zone stays with its SOA and NS.
    expect(fake.recordSets('7.18.198.in-addr.arpa.').map((s) => s.type).sort()).toEqual(['NS', 'SOA']);
  }, 1_500_000);
});
