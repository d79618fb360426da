/**
 * The batched apply's decisions without Terraform: which plans it may carry out
 * (batchPlanOf), how record changes are packed into Route 53 requests (changeBatches), and
 * what applyBatched does when the state, the files or Route 53 disagree with the plan. The
 * whole path with the real Terraform and the stand-in is test/terraform/batch-apply.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBatched, batchMinimum, batchPlanOf, RECONCILE_FILE, recordChangesOf, stackFilesHash, type BatchPlan } from '../../src/terraform/batch-apply.js';
import type { DesiredResources, ResourceChange, UiMessage } from '../../src/terraform/plan-summary.js';
import { changeBatches, type RecordChange, type Route53Changes } from '../../src/terraform/route53-changes.js';
import { NO_API_CALLS } from '../../src/terraform/api-calls.js';

const ZONE = 'Z0000000000000000001';
const name = (n: number): string => `${n}.100.51.198.in-addr.arpa.`;
const address = (n: number): string => `aws_route53_record.ptr_${n}`;
/** A state instance of a plain PTR as hashicorp/aws 5.100 writes it. */
const stateRecord = (n: number, host: string, extra: Record<string, unknown> = {}) => ({
  mode: 'managed',
  type: 'aws_route53_record',
  name: `ptr_${n}`,
  instances: [
    {
      schema_version: 2,
      attributes: {
        alias: [], allow_overwrite: null, cidr_routing_policy: [], failover_routing_policy: [], fqdn: name(n).slice(0, -1), geolocation_routing_policy: [],
        geoproximity_routing_policy: [], health_check_id: '', id: `${ZONE}_${name(n)}_PTR`, latency_routing_policy: [], multivalue_answer_routing_policy: false,
        name: name(n).slice(0, -1), records: [host], set_identifier: '', timeouts: null, ttl: 3600, type: 'PTR', weighted_routing_policy: [], zone_id: ZONE, ...extra,
      },
    },
  ],
});
const zoneResource = { mode: 'managed', type: 'aws_route53_zone', name: 'zone_a', instances: [{ attributes: { zone_id: ZONE, name: '100.51.198.in-addr.arpa' } }] };
type StateResource = { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] };
const stateOf = (...records: StateResource[]) => ({ version: 4, lineage: 'L-1', serial: 7, resources: [zoneResource as StateResource, ...records] });
const rendered = (n: number, host: string, extra: Record<string, unknown> = {}) => ({ name: name(n), type: 'PTR', ttl: 3600, records: [host], zone_id: '${aws_route53_zone.zone_a.zone_id}', ...extra });
const planned = (n: number, action: string): UiMessage => ({ type: 'planned_change', change: { action, resource: { addr: address(n), resource_type: 'aws_route53_record', resource_name: `ptr_${n}` } } });
const change = (n: number, action: string, before: unknown, after: unknown): ResourceChange => ({
  address: address(n),
  type: 'aws_route53_record',
  change: { actions: [action], before: before as Record<string, unknown>, after: after as Record<string, unknown> },
});
const attrs = (s: ReturnType<typeof stateRecord>) => s.instances[0]!.attributes;

/** Two updated, one created, one deleted, one untouched: the plan of a small bulk edit. */
function bulkEdit() {
  const s3 = stateRecord(3, 'c.example.net.');
  const s1 = stateRecord(1, 'a.example.net.');
  const s2 = stateRecord(2, 'b.example.net.');
  const s5 = stateRecord(5, 'e.example.net.');
  const state = stateOf(s1, s2, s3, s5);
  const desired: DesiredResources = { aws_route53_record: { ptr_1: rendered(1, 'a2.example.net.'), ptr_2: rendered(2, 'b2.example.net.'), ptr_3: rendered(3, 'c.example.net.'), ptr_4: rendered(4, 'd.example.net.') } };
  const messages = [planned(1, 'update'), planned(2, 'update'), planned(4, 'create'), planned(5, 'delete'), { type: 'planned_change', change: { action: 'read', resource: { addr: 'data.aws_route53_records.live' } } } as UiMessage];
  const changes = [
    change(1, 'update', attrs(s1), null),
    change(2, 'update', attrs(s2), null),
    change(4, 'create', null, null),
    change(5, 'delete', attrs(s5), null),
  ];
  return { state, desired, messages, changes };
}

describe('batchPlanOf: which plans are written in change batches', () => {
  it('takes a plan of plain record changes: the values before from the state, after from the rendered files, by zone id', () => {
    const { state, desired, messages, changes } = bulkEdit();
    const plan = batchPlanOf({ messages, changes, state, desired, files: 'h', minimum: 3 })!;
    expect(plan).toMatchObject({ lineage: 'L-1', serial: 7, files: 'h' });
    expect(plan.zones.map((z) => z.zoneId)).toEqual([ZONE]);
    const by = new Map(plan.zones[0]!.changes.map((c) => [c.address, c]));
    expect(by.get(address(1))).toEqual({
      address: address(1),
      action: 'update',
      before: { name: '1.100.51.198.in-addr.arpa', type: 'PTR', ttl: 3600, values: ['a.example.net.'] },
      after: { name: name(1), type: 'PTR', ttl: 3600, values: ['a2.example.net.'] },
    });
    expect(by.get(address(4))).toEqual({ address: address(4), action: 'create', after: { name: name(4), type: 'PTR', ttl: 3600, values: ['d.example.net.'] } });
    expect(by.get(address(5))?.action).toBe('delete');
    // The same changes as rdns works them out from the files and the state at apply time.
    expect([...recordChangesOf(desired, state)!.keys()].sort()).toEqual([address(1), address(2), address(4), address(5)]);
  });

  it('leaves to Terraform: fewer changes than the minimum, a planned change it did not read, a replacement, an alias, an unknown zone', () => {
    const { state, desired, messages, changes } = bulkEdit();
    const base = { messages, changes, state, desired, files: 'h' };
    expect(batchPlanOf({ ...base, minimum: 5 })).toBeUndefined();
    expect(batchPlanOf({ ...base, minimum: 4 })).toBeDefined();
    // The zone itself changes too (the plan has a change the record list does not).
    expect(batchPlanOf({ ...base, minimum: 1, messages: [...messages, { type: 'planned_change', change: { action: 'update', resource: { addr: 'aws_route53_zone.zone_a' } } }] })).toBeUndefined();
    expect(batchPlanOf({ ...base, minimum: 1, changes: [...changes.slice(1), { ...changes[0]!, change: { ...changes[0]!.change, actions: ['delete', 'create'] } }] })).toBeUndefined();
    // An alias in the state, an attribute rdns never renders, a zone the state does not know.
    const aliased = stateOf(stateRecord(1, 'a.example.net.', { alias: [{ name: 'x', zone_id: 'Z9', evaluate_target_health: false }] }), stateRecord(2, 'b.example.net.'), stateRecord(5, 'e.example.net.'));
    expect(batchPlanOf({ ...base, minimum: 1, state: aliased, changes: [change(1, 'update', attrs(aliased.resources[1] as ReturnType<typeof stateRecord>), null), ...changes.slice(1)] })).toBeUndefined();
    expect(batchPlanOf({ ...base, minimum: 1, desired: { aws_route53_record: { ...desired.aws_route53_record, ptr_4: rendered(4, 'd.example.net.', { allow_overwrite: true }) } } })).toBeUndefined();
    expect(batchPlanOf({ ...base, minimum: 1, desired: { aws_route53_record: { ...desired.aws_route53_record, ptr_4: rendered(4, 'd.example.net.', { zone_id: '${aws_route53_zone.zone_new.zone_id}' }) } } })).toBeUndefined();
    // A state without lineage and serial is not one Terraform wrote.
    expect(batchPlanOf({ ...base, minimum: 1, state: { ...state, serial: undefined } })).toBeUndefined();
  });

  it('a zone the plan creates: Terraform creates it first, its records keep the reference to it until it has an id', () => {
    const desired: DesiredResources = {
      aws_route53_zone: { zone_new: { '//': { metadata: { path: 's/zone_new' } }, name: '100.51.198.in-addr.arpa', comment: 'Reverse DNS', lifecycle: { prevent_destroy: true } } },
      aws_route53_record: Object.fromEntries([1, 2, 3].map((n) => [`ptr_${n}`, rendered(n, `h${n}.example.net.`, { zone_id: '${aws_route53_zone.zone_new.zone_id}' })])),
    };
    const zone: ResourceChange = { address: 'aws_route53_zone.zone_new', type: 'aws_route53_zone', change: { actions: ['create'] } };
    const messages = [...[1, 2, 3].map((n) => planned(n, 'create')), { type: 'planned_change', change: { action: 'create', resource: { addr: zone.address } } } as UiMessage];
    const changes = [...[1, 2, 3].map((n) => change(n, 'create', null, null)), zone];
    const plan = batchPlanOf({ messages, changes, state: undefined, desired, files: 'h', minimum: 3 })!;
    expect(plan).toMatchObject({ lineage: null, serial: null, createZones: ['aws_route53_zone.zone_new'] });
    expect(plan.zones.map((z) => [z.zoneId, z.changes.length])).toEqual([['${aws_route53_zone.zone_new.zone_id}', 3]]);
    // A zone with settings rdns does not render (a private zone's vpc) is Terraform's.
    const vpc = { ...desired, aws_route53_zone: { zone_new: { name: '100.51.198.in-addr.arpa', vpc: [{ vpc_id: 'v' }] } } };
    expect(batchPlanOf({ messages, changes, state: undefined, desired: vpc, files: 'h', minimum: 3 })).toBeUndefined();
  });

  it('RDNS_APPLY_BATCH=off never batches; otherwise from one record set', () => {
    expect(batchMinimum({ RDNS_APPLY_BATCH: 'off' })).toBeUndefined();
    expect(batchMinimum({})).toBe(1);
  });
});

describe('changeBatches: Route 53 requests within its limits', () => {
  const set = (n: number, host: string) => ({ name: name(n), type: 'PTR', ttl: 3600, values: [host] });
  const create = (n: number): RecordChange => ({ address: address(n), action: 'create', after: set(n, `h${n}.example.net.`) });
  const update = (n: number): RecordChange => ({ address: address(n), action: 'update', before: set(n, 'old.example.net.'), after: set(n, 'new.example.net.') });
  const remove = (n: number): RecordChange => ({ address: address(n), action: 'delete', before: set(n, 'old.example.net.') });

  it('sends deletions, then updates (DELETE + CREATE together), then creations', () => {
    const [only, ...rest] = changeBatches([create(1), update(2), remove(3)]);
    expect(rest).toEqual([]);
    expect(only!.changes.map((c) => `${c.Action} ${c.ResourceRecordSet!.Name} ${c.ResourceRecordSet!.ResourceRecords![0]!.Value}`)).toEqual([
      `DELETE ${name(3)} old.example.net.`,
      `DELETE ${name(2)} old.example.net.`,
      `CREATE ${name(2)} new.example.net.`,
      `CREATE ${name(1)} h1.example.net.`,
    ]);
  });

  it('splits at the record and character limits, never an update across two requests', () => {
    const batches = changeBatches([update(1), update(2), create(3)], { records: 3, characters: 32000 });
    expect(batches.map((b) => b.records.map((r) => r.address))).toEqual([[address(1)], [address(2), address(3)]]);
    const byChars = changeBatches([create(1), create(2), create(3)], { records: 1000, characters: 'h1.example.net.'.length * 2 });
    expect(byChars.map((b) => b.records.length)).toEqual([2, 1]);
    // 2,500 record sets: three requests of at most 1,000 ResourceRecord elements.
    const many = changeBatches(Array.from({ length: 2500 }, (_, i) => create(i)));
    expect(many.map((b) => b.changes.length)).toEqual([1000, 1000, 500]);
  });
});

describe('applyBatched: checks before anything is written, and a refused batch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdns-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Route 53 that records what it was sent and refuses the `refuse`-th request. */
  function route53(refuse?: number): Route53Changes & { sent: string[][] } {
    const sent: string[][] = [];
    return {
      sent,
      async submit(_zone, batch) {
        sent.push(batch.records.map((r) => r.address));
        if (sent.length === refuse) throw new Error('InvalidChangeBatch: [Tried to delete resource record set [name=\'x\', type=\'PTR\'] but the values provided do not match the current values]');
        return `C${sent.length}`;
      },
      waitInsync: async () => undefined,
      calls: () => ({ ...NO_API_CALLS, byAction: { ChangeResourceRecordSets: sent.length }, total: sent.length, route53: sent.length }),
    };
  }

  function setUp() {
    const { state, desired, messages, changes } = bulkEdit();
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify({ resource: desired }));
    const plan = batchPlanOf({ messages, changes, state, desired, files: stackFilesHash(dir), minimum: 1 })!;
    const applies: { targets: readonly string[]; reconcile: unknown }[] = [];
    const pushed: unknown[] = [];
    const ctx = (r53: Route53Changes, over: Partial<{ state: unknown; desired: DesiredResources }> = {}) => ({
      dir,
      route53: r53,
      comment: 'test',
      state: async () => over.state ?? state,
      pushState: async (written: unknown) => {
        pushed.push(written);
        return undefined;
      },
      desired: () => over.desired ?? desired,
      apply: async (targets: readonly string[]) => {
        applies.push({ targets, reconcile: JSON.parse(readFileSync(join(dir, RECONCILE_FILE), 'utf8')) });
        return { code: 0, output: `Apply complete! Resources: ${targets.length} imported, 0 added, 0 changed, 0 destroyed.` };
      },
    });
    return { plan, state, desired, applies, pushed, ctx };
  }

  it('writes one batch, then the state as hashicorp/aws 5 writes it: the created set added, the changed ones changed, the deleted one gone', async () => {
    const { plan, applies, pushed, ctx } = setUp();
    const r = (await applyBatched(plan, ctx(route53()))) as Exclude<Awaited<ReturnType<typeof applyBatched>>, { fallback: string }>;
    expect(r).toMatchObject({ batches: 1, records: 4, extra: 0 });
    expect(r.error).toBeUndefined();
    // No Terraform run, no read of any record.
    expect(applies).toEqual([]);
    const state = pushed[0] as { serial: number; lineage: string; resources: { name: string; instances: { attributes: Record<string, unknown>; dependencies?: string[]; schema_version: number }[] }[] };
    expect(state).toMatchObject({ serial: 8, lineage: 'L-1' });
    const by = new Map(state.resources.map((x) => [x.name, x.instances[0]!]));
    expect([...by.keys()].sort()).toEqual(['ptr_1', 'ptr_2', 'ptr_3', 'ptr_4', 'zone_a']);
    expect(by.get('ptr_1')!.attributes).toEqual({ ...attrs(stateRecord(1, 'a.example.net.')), records: ['a2.example.net.'] });
    // A created set: the attributes of one the provider created (a state it wrote), its zone a dependency.
    expect(by.get('ptr_4')).toMatchObject({ schema_version: 2, dependencies: ['aws_route53_zone.zone_a'] });
    expect(by.get('ptr_4')!.attributes).toEqual({ ...attrs(stateRecord(4, 'd.example.net.')) });
  });

  it('a state of records in another shape (another provider major version): Terraform imports the created sets, reads back the changed ones, forgets the deleted one', async () => {
    const { plan, applies, pushed, ctx, state } = setUp();
    const withAttributes = (change: (a: Record<string, unknown>) => Record<string, unknown>) => ({
      ...state,
      resources: state.resources.map((x) => (x.type === 'aws_route53_record' ? { ...x, instances: x.instances.map((i) => ({ ...i, attributes: change(i.attributes) })) } : x)),
    });
    // One attribute fewer than 5.x writes: not a shape rdns knows either.
    const fewer = withAttributes(({ timeouts: _gone, ...rest }) => rest);
    expect(await applyBatched(plan, { ...ctx(route53(), { state: fewer }) })).toMatchObject({ batches: 1 });
    expect(pushed).toEqual([]);
    applies.length = 0;
    const other = withAttributes((a) => ({ ...a, region: 'us-east-1' }));
    const r = await applyBatched(plan, { ...ctx(route53(), { state: other }) });
    expect(r).toMatchObject({ batches: 1, records: 4, extra: 0 });
    expect(pushed).toEqual([]);
    expect(applies).toHaveLength(1);
    expect([...applies[0]!.targets].sort()).toEqual([address(1), address(2), address(4), address(5)].map((a) => `-target=${a}`).sort());
    expect(applies[0]!.reconcile).toEqual({
      import: [{ to: address(4), id: `${ZONE}_${name(4)}_PTR` }],
      removed: [{ from: address(5), lifecycle: { destroy: false } }],
    });
  });

  it('falls back to Terraform, writing nothing, when the state, the files or the saved changes moved', async () => {
    const { plan, state, desired, ctx } = setUp();
    const r53 = route53();
    expect(await applyBatched(plan, ctx(r53, { state: { ...state, serial: 8 } }))).toEqual({ fallback: 'the state changed since rdns plan' });
    // A saved batch edited after the plan (a value the files do not render) is not written.
    const forged: BatchPlan = { ...plan, zones: [{ zoneId: ZONE, changes: plan.zones[0]!.changes.map((c) => (c.action === 'create' ? { ...c, after: { ...c.after!, values: ['evil.example.'] } } : c)) }] };
    expect(await applyBatched(forged, ctx(r53))).toEqual({ fallback: 'the saved batch differs from what the stack files and the state give' });
    expect(await applyBatched(plan, ctx(r53, { desired: { aws_route53_record: { ...desired.aws_route53_record, ptr_4: rendered(4, 'other.example.net.') } } }))).toMatchObject({ fallback: expect.stringContaining('differs') });
    writeFileSync(join(dir, 'extra.tf.json'), '{}');
    expect(await applyBatched(plan, ctx(r53))).toEqual({ fallback: "the stack's Terraform files changed since rdns plan" });
    rmSync(join(dir, 'extra.tf.json'));
    expect(r53.sent).toEqual([]);
  });

  it('a state push that fails (the lock held by another run): Terraform brings the state along instead', async () => {
    const { plan, applies, ctx } = setUp();
    const r = await applyBatched(plan, { ...ctx(route53()), pushState: async () => 'Error acquiring the state lock' });
    expect(r).toMatchObject({ batches: 1, records: 4 });
    expect((r as { error?: string }).error).toBeUndefined();
    expect(applies).toHaveLength(1);
    expect(applies[0]!.reconcile).toMatchObject({ import: [{ to: address(4) }], removed: [{ from: address(5) }] });
  });

  it('a refused batch: the batches before it are reconciled into the state, the error says what was not applied', async () => {
    const { plan, pushed, ctx } = setUp();
    // One record set per request (limits of 2 ResourceRecord elements: an update is two); the third is refused.
    const limits = { records: 2, characters: 32000 };
    expect(changeBatches(plan.zones[0]!.changes, limits)).toHaveLength(4);
    const r53 = route53(3);
    const r = await applyBatched(plan, { ...ctx(r53), limits });
    if ('fallback' in r) throw new Error(r.fallback);
    expect(r.batches).toBe(2);
    expect(r.records).toBe(2);
    expect(r.error).toMatch(/Route 53 refused change batch 3 of 4 of zone Z0000000000000000001 \(InvalidChangeBatch: .*do not match.*\); 2 record sets of the plan not applied, 2 applied before it \(now in the state\)/);
    // Only what Route 53 took goes into the state: the deletion and the first update.
    const written = pushed[0] as { resources: { name: string; instances: { attributes: { records: string[] } }[] }[] };
    expect(written.resources.map((x) => `${x.name} ${x.instances[0]!.attributes.records?.join() ?? ''}`).sort()).toEqual(['ptr_1 a2.example.net.', 'ptr_2 b.example.net.', 'ptr_3 c.example.net.', 'zone_a ']);
  });
});

describe('route53ErrorText', () => {
  it("reads InvalidChangeBatch's own shape (the SDK calls it Unknown) and every other error by name", async () => {
    const { route53ErrorText } = await import('../../src/terraform/route53-changes.js');
    expect(route53ErrorText({ name: 'Unknown', message: 'UnknownError', Messages: { Message: "Tried to create resource record set [name='1.x.', type='PTR'] but it already exists" } })).toBe(
      "InvalidChangeBatch: Tried to create resource record set [name='1.x.', type='PTR'] but it already exists",
    );
    expect(route53ErrorText({ name: 'Unknown', Messages: { Message: ['a', 'b'] } })).toBe('InvalidChangeBatch: a; b');
    expect(route53ErrorText(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))).toBe('Throttling: Rate exceeded');
  });
});
