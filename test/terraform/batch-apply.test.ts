/**
 * `rdns apply` in Route 53 change batches, with the real Terraform and hashicorp/aws against
 * the Route 53 stand-in: a new zone is created by Terraform and its records sent in one
 * batch; a bulk edit of an applied zone is one ChangeResourceRecordSets request, polled until
 * INSYNC, then brought into the state so that a fully refreshed plan has no changes; a zone changed in Route 53 after the plan refuses the batch whole; a state
 * that moved after the plan is Terraform's to refuse. A few PTRs per stack (a provider start
 * costs seconds); the calls per record at scale are `npm run bench -- plan`.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { answeredCalls, type FakeRoute53 } from '../helpers/fake-route53.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { runTerraform, terraformOrSkip } from '../helpers/terraform.js';
import { rdnsAsync as rdns, useTerraform } from '../helpers/terraform-fixture.js';

const haveTerraform = terraformOrSkip();
const STACK = 'rdns-192-0-2-0-24';
const ZONE = '2.0.192.in-addr.arpa.';

interface ApplyJson {
  applied: string[];
  failed?: { stack: string; error: string };
  changedRecords: number;
  batched: Record<string, { batches: number; records: number; extra: number }>;
  recordByRecord?: Record<string, string>;
  callsPerRecord?: { withRetries: number; withoutRetries: number };
}

const block = (records: Record<number, string>): string =>
  `prefix: 192.0.2.0/24\nowners: []\nrecords:\n${Object.entries(records).map(([n, h]) => `  192.0.2.${n}: ${h}\n`).join('')}`;

describe.skipIf(!haveTerraform)('rdns apply in Route 53 change batches (real Terraform)', { concurrent: true }, () => {
  const terraform = useTerraform('rdns-tf-batch-');
  let env: Record<string, string>;
  beforeAll(() => {
    // The stand-in answers PENDING twice per change: the apply must poll until INSYNC, quickly here.
    env = { ...terraform.env, RDNS_CHANGE_POLL_MS: '20' };
  });

  const live = (fake: FakeRoute53, n: number): string[] | undefined => fake.recordSet(ZONE, `${n}.${ZONE}`, 'PTR')?.values;

  /** A repository of five PTRs, planned and applied from empty: Terraform creates the hosted zone, its records go in one batch. */
  async function appliedZone(fake: FakeRoute53): Promise<{ repo: GitRepo; env: Record<string, string>; stateFile: string }> {
    const stateHome = mkdtempSync(join(terraform.dir, 'state-'));
    const e = { ...env, RDNS_STATE_HOME: stateHome };
    const repo = createGitRepo({
      'rdns.yaml': `route53:\n  provider_version: "~> 5.100"\n  endpoint: ${fake.url}\n`,
      'zones/192.0.2.0_24.yaml': block({ 1: 'a1.example.com', 2: 'a2.example.com', 3: 'a3.example.com', 4: 'a4.example.com', 5: 'a5.example.com' }),
    });
    expect((await rdns(repo.root, e, 'plan')).status).toBe(0);
    const since = fake.requests.length;
    const first = await rdns(repo.root, e, 'apply', '--format', 'json');
    expect(first.status, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as ApplyJson).batched).toEqual({ [STACK]: { batches: 1, records: 5, extra: 0 } });
    expect(answeredCalls(fake, since).byAction).toMatchObject({ CreateHostedZone: 1, ChangeResourceRecordSets: 1 });
    expect([1, 2, 3, 4, 5].map((n) => live(fake, n)?.join())).toEqual(['a1.example.com.', 'a2.example.com.', 'a3.example.com.', 'a4.example.com.', 'a5.example.com.']);
    const states = readdirSync(stateHome, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(`${STACK}.tfstate`));
    expect(states).toHaveLength(1);
    return { repo, env: e, stateFile: join(stateHome, states[0]!) };
  }

  it('writes a bulk edit as one change batch, polls it until INSYNC, and leaves a state that a full refresh finds equal to Route 53 and git', async () => {
    const fake = await terraform.route53({ pendingPolls: 2 });
    const { repo, env: e, stateFile } = await appliedZone(fake);
    // Two changed, two added, one removed.
    writeFileSync(join(repo.root, 'zones/192.0.2.0_24.yaml'), block({ 1: 'b1.example.com', 2: 'b2.example.com', 3: 'a3.example.com', 4: 'a4.example.com', 7: 'b7.example.com', 8: 'b8.example.com' }));
    const plan = await rdns(repo.root, e, 'plan');
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('2 records added, 2 changed, 1 removed');
    const since = fake.requests.length;
    const r = await rdns(repo.root, e, 'apply', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ApplyJson;
    expect(out.applied).toEqual([STACK]);
    expect(out.batched).toEqual({ [STACK]: { batches: 1, records: 5, extra: 0 } });
    const calls = answeredCalls(fake, since).byAction;
    expect(calls.ChangeResourceRecordSets).toBe(1);
    // Polled until INSYNC: two PENDING answers, then INSYNC.
    expect(calls.GetChange).toBe(3);
    // What a user sees in the report: under three Route 53 calls per changed record (the provider alone needs five).
    expect(out.changedRecords).toBe(5);
    expect(out.callsPerRecord!.withRetries).toBeLessThanOrEqual(3);
    expect([1, 2, 3, 4, 5, 7, 8].map((n) => live(fake, n)?.join())).toEqual(['b1.example.com.', 'b2.example.com.', 'a3.example.com.', 'a4.example.com.', undefined, 'b7.example.com.', 'b8.example.com.']);
    // rdns wrote the state itself (no Terraform run, no read of a record): exactly as the
    // provider writes it, attribute for attribute, which a refresh of every record shows.
    expect(calls.ListResourceRecordSets ?? 0).toBe(0);
    const records = (): Record<string, unknown> => {
      const st = JSON.parse(readFileSync(stateFile, 'utf8')) as { resources: { type: string; name: string; instances: { attributes: unknown; schema_version: number }[] }[] };
      return Object.fromEntries(st.resources.filter((x) => x.type === 'aws_route53_record').map((x) => [x.name, x.instances]));
    };
    expect(existsSync(join(repo.root, 'cdktf.out/stacks', STACK, 'rdns-reconcile.tf.json'))).toBe(false);
    expect(existsSync(join(repo.root, 'cdktf.out/terraform-data', STACK, 'rdns-state-push.json'))).toBe(false);
    const written = records();
    expect(Object.keys(written)).toHaveLength(6);
    const refreshed = await runTerraform(join(repo.root, 'cdktf.out/stacks', STACK), ['apply', '-refresh-only', '-auto-approve', '-no-color', '-input=false'], {
      ...e,
      TF_DATA_DIR: join(repo.root, 'cdktf.out/terraform-data', STACK),
      AWS_ENDPOINT_URL_ROUTE_53: fake.url,
      AWS_ENDPOINT_URL_STS: fake.url,
    });
    expect(refreshed.status, refreshed.stderr).toBe(0);
    // (The provider itself reads a new zone's tags back as {} where it wrote null: not a record.)
    expect(refreshed.stdout).not.toMatch(/# aws_route53_record\.\S+ has (changed|been deleted)/);
    expect(records()).toEqual(written);
    // Every record refreshed from Route 53: the state, Route 53 and git agree.
    const again = await rdns(repo.root, e, 'plan', '--refresh', '--format', 'json');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ summary: { withChanges: 0, added: 0, changed: 0, removed: 0 } });
    expect(fake.unknownRequests()).toEqual([]);
  }, 900_000);

  it('a record changed in Route 53 after the plan: the batch is refused whole, nothing written; a state moved after the plan: Terraform refuses its stale plan', async () => {
    const fake = await terraform.route53();
    const { repo, env: e, stateFile } = await appliedZone(fake);
    writeFileSync(join(repo.root, 'zones/192.0.2.0_24.yaml'), block({ 1: 'c1.example.com', 2: 'c2.example.com', 3: 'c3.example.com', 4: 'a4.example.com', 5: 'a5.example.com' }));
    expect((await rdns(repo.root, e, 'plan')).status).toBe(0);
    // Someone edits 192.0.2.2 in the console between plan and apply.
    fake.recordSet(ZONE, `2.${ZONE}`, 'PTR')!.values = ['console.example.net.'];
    const refused = await rdns(repo.root, e, 'apply', '--format', 'json');
    expect(refused.status).toBe(1);
    const out = JSON.parse(refused.stdout) as ApplyJson;
    expect(out.failed?.stack).toBe(STACK);
    expect(out.failed?.error).toMatch(/Route 53 refused change batch 1 of 1 of zone Z\w+ \(InvalidChangeBatch: .*\); 3 record sets of the plan not applied, nothing applied; run rdns plan again/);
    // All or nothing: the other two changes were not made either.
    expect([1, 2, 3].map((n) => live(fake, n)?.join())).toEqual(['a1.example.com.', 'console.example.net.', 'a3.example.com.']);
    // The next plan stops at the live check, naming the record changed outside git.
    const drift = await rdns(repo.root, e, 'plan');
    expect(drift.status).toBe(1);
    expect(`${drift.stdout}${drift.stderr}`).toMatch(/192\.0\.2\.2\b[\s\S]*console\.example\.net/);

    // Back to what the state says, planned again; then the state moves (another apply) before this one.
    fake.recordSet(ZONE, `2.${ZONE}`, 'PTR')!.values = ['a2.example.com.'];
    expect((await rdns(repo.root, e, 'plan')).status).toBe(0);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { serial: number };
    writeFileSync(stateFile, JSON.stringify({ ...state, serial: state.serial + 1 }));
    const since = fake.requests.length;
    const stale = await rdns(repo.root, e, 'apply', '--format', 'json');
    expect(stale.status).toBe(1);
    const staleOut = JSON.parse(stale.stdout) as ApplyJson;
    expect(staleOut.recordByRecord).toEqual({ [STACK]: 'the state changed since rdns plan' });
    expect(staleOut.failed?.error).toMatch(/Saved plan is stale/);
    expect(answeredCalls(fake, since).byAction.ChangeResourceRecordSets).toBeUndefined();
  }, 900_000);
});
