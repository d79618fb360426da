/**
 * The batched apply of a zone: the record-set changes Terraform planned, written to Route 53
 * in change batches (up to 1,000 records per request) instead of one `aws_route53_record` at
 * a time, then written into Terraform's state by rdns.
 *
 * Why: hashicorp/aws 5.100 makes five Route 53 requests per changed record set (GetHostedZone,
 * ChangeResourceRecordSets, GetChange, then GetHostedZone and ListResourceRecordSets to read
 * it back), and Route 53 allows five requests per second per account. A batch is one request
 * and its GetChange polls per zone (docs/terraform.md has the figures).
 *
 * Faithful to the saved plan by construction:
 * - only a plan made with `-refresh=false` and the zone's live check (the values before are
 *   the state's, which the live check found Route 53 still holding) whose every change is a
 *   plain `aws_route53_record` create, update or delete rdns rendered (no alias, no routing
 *   policy, a zone id the state knows), or the creation of a hosted zone rdns renders, is
 *   batched; anything else is Terraform's apply of the saved plan, as before;
 * - at apply time the state must still have the lineage and serial the plan compared with,
 *   and the stack's files their content (Terraform refuses a stale saved plan the same way),
 *   and the changes worked out again from those files and the state must be the saved ones;
 * - Route 53 refuses the whole batch if a record set differs from the plan's "before"
 *   (DELETE must match exactly; CREATE fails on an existing set): nothing is overwritten that
 *   changed since the plan.
 * After the batches rdns writes the state as the provider writes it (stateWithRecords,
 * `terraform state push`); where it cannot know the provider's shape, one `terraform apply
 * -target=…` imports the created sets, reads the updated ones back and forgets the deleted
 * ones (`removed`, destroy = false). Either way the next plan has no changes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withoutTrailingDot } from '../core/hostname.js';
import { plural } from '../core/text.js';
import { sumApiCalls, type ApiCalls } from './api-calls.js';
import { LITERAL, type DesiredResources, type ResourceChange, type UiMessage } from './plan-summary.js';
import { changeBatches, type BatchLimits, type RecordChange, type RecordSet, type Route53Changes } from './route53-changes.js';

/** What `rdns plan` saves for the batched apply of one stack. */
export interface BatchPlan {
  /** The state the plan compared with (null: the stack had no state yet). */
  readonly lineage: string | null;
  readonly serial: number | null;
  /** sha256 of the stack folder's Terraform files when it was planned. */
  readonly files: string;
  /**
   * Hosted zones the plan creates (`aws_route53_zone.…` addresses): Terraform creates them
   * first (`apply -target`), then their records go in batches.
   */
  readonly createZones?: readonly string[];
  /**
   * Record changes per hosted zone: its id, or for a zone this plan creates the reference to
   * it as rendered (`${aws_route53_zone.….zone_id}`), resolved from the state once it exists.
   */
  readonly zones: readonly { readonly zoneId: string; readonly changes: readonly RecordChange[] }[];
}

/**
 * Fewer changed record sets than this are applied by Terraform, record by record. One is
 * enough: a batch of one set is one ChangeResourceRecordSets, its GetChange polls and a
 * `terraform state push` (no provider start), where the provider needs 5 requests and a
 * Terraform run of ≈ 3 s of CPU (bench part 1: a one-PTR apply).
 */
export const BATCH_MIN_RECORDS = 1;

/** The file the reconciling apply reads its `import` and `removed` blocks from (removed after it). */
export const RECONCILE_FILE = 'rdns-reconcile.tf.json';

/** Addresses per reconciling `terraform apply` (each is a `-target` argument). */
export const TARGETS_PER_RUN = 500;

/**
 * `RDNS_APPLY_BATCH=off` in the environment (at plan or at apply time) applies every plan with
 * Terraform, record by record; otherwise stacks of at least {@link BATCH_MIN_RECORDS} plain
 * record-set changes are batched. Undefined: off.
 */
export function batchMinimum(env: Readonly<Record<string, string | undefined>>): number | undefined {
  return env.RDNS_APPLY_BATCH === 'off' ? undefined : BATCH_MIN_RECORDS;
}

/** sha256 of the Terraform files of a stack folder (`*.tf.json`, `*.tfvars.json`), by name. */
export function stackFilesHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => (n.endsWith('.tf.json') || n.endsWith('.tfvars.json')) && n !== RECONCILE_FILE).sort()) {
    h.update(`${f}\0`).update(readFileSync(join(dir, f))).update('\0');
  }
  return h.digest('hex');
}

type Attributes = Record<string, unknown>;

/** Attributes of a state record set that rdns never renders: a set with any of them is Terraform's to change. */
const EMPTY_IN_PLAIN_SETS = ['alias', 'cidr_routing_policy', 'failover_routing_policy', 'geolocation_routing_policy', 'geoproximity_routing_policy', 'latency_routing_policy', 'weighted_routing_policy'];

const blank = (v: unknown): boolean => v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0);

/** Name, type, TTL and values of a set (without its zone id). */
const plainSet = (r: RecordSet): RecordSet => ({ name: r.name, type: r.type, ttl: r.ttl, values: r.values });

/** A state `aws_route53_record` as a plain record set, undefined when it is anything else. */
function stateRecordSet(a: Attributes | null | undefined): (RecordSet & { zoneId: string }) | undefined {
  if (!a) return undefined;
  if (EMPTY_IN_PLAIN_SETS.some((k) => !blank(a[k])) || !blank(a.set_identifier) || !blank(a.health_check_id) || !blank(a.multivalue_answer_routing_policy)) return undefined;
  const { name, type, ttl, records, zone_id: zoneId } = a;
  if (typeof name !== 'string' || typeof type !== 'string' || typeof ttl !== 'number' || typeof zoneId !== 'string' || !zoneId) return undefined;
  if (!Array.isArray(records) || records.length === 0 || !records.every((v) => typeof v === 'string')) return undefined;
  return { name, type, ttl, values: records as string[], zoneId };
}

const ZONE_REFERENCE = /^\$\{(data\.)?(aws_route53_zone)\.([A-Za-z0-9_-]+)\.zone_id\}$/;
const RENDERED_KEYS = new Set(['name', 'type', 'ttl', 'records', 'zone_id']);

/** The single-instance resources of a state (`type.name`, data sources `data.type.name`) → attributes; built once per state. */
const stateIndexes = new WeakMap<object, Map<string, Attributes>>();
function stateIndex(state: unknown): Map<string, Attributes> {
  if (typeof state !== 'object' || state === null) return new Map();
  let index = stateIndexes.get(state);
  if (!index) {
    index = new Map();
    const resources = (state as { resources?: { mode?: string; type?: string; name?: string; module?: string; instances?: { attributes?: Attributes; index_key?: unknown }[] }[] }).resources ?? [];
    for (const r of resources) {
      const only = !r.module && r.instances?.length === 1 && r.instances[0]!.index_key === undefined ? r.instances[0]!.attributes : undefined;
      if (only) index.set(`${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`, only);
    }
    stateIndexes.set(state, index);
  }
  return index;
}

/** The zone id a rendered `zone_id` stands for: a literal, or the state's value of the zone resource (or data source) it refers to. */
function zoneIdOf(value: unknown, state: unknown): string | undefined {
  if (LITERAL(value)) return value;
  const m = typeof value === 'string' ? ZONE_REFERENCE.exec(value) : null;
  if (!m) return undefined;
  const [, data, type, name] = m;
  const zoneId = stateIndex(state).get(`${data ? 'data.' : ''}${type}.${name}`)?.zone_id;
  return typeof zoneId === 'string' && zoneId ? zoneId : undefined;
}

/**
 * A rendered `aws_route53_record` as a plain record set with its zone id, undefined when it
 * is anything else. `created`: zone resources the plan creates; a record in one of them keeps
 * the reference as its zone id.
 */
function renderedRecordSet(body: Attributes | undefined, state: unknown, created: ReadonlySet<string> = new Set()): (RecordSet & { zoneId: string }) | undefined {
  if (!body || Object.keys(body).some((k) => !RENDERED_KEYS.has(k))) return undefined;
  const { name, type, ttl, records } = body;
  if (!LITERAL(name) || !LITERAL(type) || typeof ttl !== 'number') return undefined;
  if (!Array.isArray(records) || records.length === 0 || !records.every(LITERAL)) return undefined;
  const reference = typeof body.zone_id === 'string' ? ZONE_REFERENCE.exec(body.zone_id) : null;
  const zoneId = reference && !reference[1] && created.has(`${reference[2]}.${reference[3]}`) ? (body.zone_id as string) : zoneIdOf(body.zone_id, state);
  return zoneId ? { name, type, ttl, values: records, zoneId } : undefined;
}

/**
 * The batch plan of a stack planned with `-refresh=false` and its live check, from the plan's
 * `-json` stream, the changes read from it (resourceChangesFromStream), the state read before
 * the plan and the stack's rendered resources; undefined where the stack is Terraform's to
 * apply (see the module comment) or changes fewer than `minimum` record sets.
 */
export function batchPlanOf(input: {
  readonly messages: readonly UiMessage[];
  readonly changes: readonly ResourceChange[];
  readonly state: unknown;
  readonly desired: DesiredResources;
  readonly files: string;
  readonly minimum: number;
}): BatchPlan | undefined {
  const { state } = input;
  const lineage = state === undefined ? null : (state as { lineage?: unknown }).lineage;
  const serial = state === undefined ? null : (state as { serial?: unknown }).serial;
  if (state !== undefined && (typeof lineage !== 'string' || typeof serial !== 'number')) return undefined;
  // Every planned change of a managed resource must be one of the changes read.
  const planned = input.messages.filter((m) => m.type === 'planned_change' && !m.change?.resource?.addr?.startsWith('data.'));
  if (planned.length !== input.changes.length) return undefined;
  // Hosted zones created (rendered by rdns: a name and a comment, nothing else), first by Terraform.
  const zones = input.changes.filter((c) => c.type === 'aws_route53_zone');
  if (zones.some((z) => z.change.actions.join() !== 'create' || !plainZone(input.desired.aws_route53_zone?.[z.address.slice('aws_route53_zone.'.length)]))) return undefined;
  const created = new Set(zones.map((z) => z.address));
  const records = input.changes.filter((c) => c.type !== 'aws_route53_zone');
  if (records.length < input.minimum) return undefined;
  // The changes as rdns works them out from the state and the files (as it does again at apply
  // time): Terraform must have planned exactly these, address for address, action for action.
  const computed = recordChangesOf(input.desired, state, created);
  if (!computed || computed.size !== records.length) return undefined;
  const byZone = new Map<string, RecordChange[]>();
  for (const c of records) {
    const mine = computed.get(c.address);
    if (c.type !== 'aws_route53_record' || !mine || c.change.actions.join() !== mine.action) return undefined;
    const { zoneId, ...change } = mine;
    const list = byZone.get(zoneId) ?? [];
    list.push(change);
    byZone.set(zoneId, list);
  }
  // A created zone without records in the batch is Terraform's (nothing to batch there).
  if ([...created].some((z) => ![...byZone.keys()].some((id) => id.includes(`{${z}.zone_id}`)))) return undefined;
  return {
    lineage: lineage as string | null,
    serial: serial as number | null,
    files: input.files,
    ...(created.size > 0 ? { createZones: [...created].sort() } : {}),
    zones: [...byZone].map(([zoneId, changes]) => ({ zoneId, changes })),
  };
}

/** A rendered hosted zone as rdns renders it: public, a name and a comment (and prevent_destroy), nothing Terraform would need more for. */
function plainZone(body: Attributes | undefined): boolean {
  if (!body || !LITERAL(body.name)) return false;
  // `//`: cdktf's metadata (a comment to Terraform).
  return Object.keys(body).every((k) => k === 'name' || k === 'comment' || k === 'lifecycle' || k === '//');
}

/** What the batched apply needs from Terraform (run-stacks.ts gives it the stack's own). */
export interface BatchApplyContext {
  /** The stack folder. */
  readonly dir: string;
  /** The stack's state now. */
  readonly state: () => Promise<unknown>;
  /** The stack's rendered resources now (its `*.tf.json` files). */
  readonly desired: () => DesiredResources | undefined;
  /** Writes the stack's state (`terraform state push`, under the state lock); resolves to an error message or undefined. */
  readonly pushState: (state: unknown) => Promise<string | undefined>;
  /** The hashicorp/aws version the stack was initialized with (its lock file), when known. */
  readonly providerVersion?: string;
  /** Runs `terraform apply` with these arguments in the stack folder (apply environment, calls counted). */
  readonly apply: (args: readonly string[]) => Promise<{ code: number; output: string; calls?: ApiCalls }>;
  readonly route53: Route53Changes;
  /** Comment of each change batch (Route 53 keeps it with the change). */
  readonly comment: string;
  /** Limits of one request (default Route 53's). */
  readonly limits?: BatchLimits;
}

export interface BatchApplyResult {
  /** Error message when the stack is not (fully) applied. */
  readonly error?: string;
  /** Change batches Route 53 accepted, and the record sets they changed. */
  readonly batches: number;
  readonly records: number;
  /** Resources the reconciling apply added, changed or destroyed itself (0 when Route 53 held what was planned). */
  readonly extra: number;
  readonly calls: ApiCalls;
}

/** Terraform's "Apply complete! Resources: N imported, A added, C changed, D destroyed." */
const APPLY_COMPLETE = /Apply complete! Resources: (?:(\d+) imported, )?(\d+) added, (\d+) changed, (\d+) destroyed/;

/**
 * Applies `plan` (see the module comment). Refuses before writing anything when the state or
 * the stack's files moved since the plan. When Route 53 refuses a batch, the batches before
 * it stay applied and are reconciled into the state; the error says which records were not.
 */
export async function applyBatched(saved: BatchPlan, ctx: BatchApplyContext): Promise<BatchApplyResult | { readonly fallback: string }> {
  let plan = saved;
  const calls: (ApiCalls | undefined)[] = [];
  const result = (r: Omit<BatchApplyResult, 'calls'>): BatchApplyResult => ({ ...r, calls: sumApiCalls([...calls.filter((c): c is ApiCalls => c !== undefined), ctx.route53.calls()])! });
  let state = await ctx.state();
  const id = state as { lineage?: unknown; serial?: unknown } | undefined;
  if ((id?.lineage ?? null) !== plan.lineage || (id?.serial ?? null) !== plan.serial) return { fallback: 'the state changed since rdns plan' };
  if (stackFilesHash(ctx.dir) !== plan.files) return { fallback: "the stack's Terraform files changed since rdns plan" };
  const desired = ctx.desired();
  if (!desired) return { fallback: "the stack's Terraform files cannot be read" };
  // Zones the plan creates: Terraform creates them (and nothing else) first.
  if (plan.createZones?.length) {
    if (!plan.createZones.every((z) => plainZone(desired.aws_route53_zone?.[z.slice('aws_route53_zone.'.length)]))) return { fallback: 'the saved batch differs from what the stack files and the state give' };
    const r = await ctx.apply(plan.createZones.map((z) => `-target=${z}`));
    calls.push(r.calls);
    if (r.code !== 0) return result({ error: `creating the hosted zone: ${r.output}`, batches: 0, records: 0, extra: 0 });
    state = await ctx.state();
  }
  // What is written is what the files and the state say, never only what the saved report says.
  const resolved = resolveZones(plan, state);
  const expected = recordChangesOf(desired, state);
  if (!resolved || !expected || !sameChanges(resolved, expected)) {
    const error = 'the saved batch differs from what the stack files and the state give';
    // Once a zone was created the saved plan is stale for Terraform too: stop here.
    return plan.createZones?.length ? result({ error: `${error}; the hosted zone was created, nothing else applied: run rdns plan again`, batches: 0, records: 0, extra: 0 }) : { fallback: error };
  }
  plan = resolved;
  const done: RecordChange[] = [];
  const waits: Promise<void>[] = [];
  let error: string | undefined;
  let accepted = 0;
  const total = plan.zones.reduce((n, z) => n + z.changes.length, 0);
  outer: for (const zone of plan.zones) {
    const batches = changeBatches(zone.changes, ctx.limits);
    for (const [i, batch] of batches.entries()) {
      try {
        const id = await ctx.route53.submit(zone.zoneId, batch, ctx.comment);
        accepted++;
        done.push(...batch.records);
        waits.push(ctx.route53.waitInsync(id));
      } catch (e) {
        const left = total - done.length;
        error = `Route 53 refused change batch ${i + 1} of ${batches.length} of zone ${zone.zoneId} (${(e as Error).message}); ${plural(left, 'record set')} of the plan not applied${done.length > 0 ? `, ${done.length} applied before it (now in the state)` : ', nothing applied'}; run rdns plan again`;
        break outer;
      }
    }
  }
  let extra = 0;
  const reconcile = async (): Promise<string | undefined> => {
    for (let i = 0; i < done.length; i += TARGETS_PER_RUN) {
      const part = done.slice(i, i + TARGETS_PER_RUN);
      writeReconcileFile(ctx.dir, plan, part);
      try {
        const r = await ctx.apply(part.map((c) => `-target=${c.address}`));
        calls.push(r.calls);
        if (r.code !== 0) return `the records are in Route 53, but bringing them into the Terraform state failed: ${r.output}`;
        const m = APPLY_COMPLETE.exec(r.output);
        extra += m ? Number(m[2]) + Number(m[3]) + Number(m[4]) : 0;
      } finally {
        rmSync(join(ctx.dir, RECONCILE_FILE), { force: true });
      }
    }
    return undefined;
  };
  // The state as the provider would write it, with no request; else Terraform reads each set back.
  const written = done.length > 0 ? stateWithRecords(state, plan, done, desired, ctx.providerVersion) : undefined;
  const record = async (): Promise<string | undefined> => {
    const error = await ctx.pushState(written);
    if (!error) return undefined;
    // Terraform then reads them back (it takes the state lock itself).
    const again = await reconcile();
    return again ? `the records are in Route 53, but writing them into the Terraform state failed: ${error}\n${again}` : undefined;
  };
  const [insync, reconciled] = await Promise.allSettled([Promise.all(waits), written ? record() : reconcile()]);
  const problems = [
    error,
    reconciled.status === 'rejected' ? String((reconciled.reason as Error).message) : reconciled.value,
    insync.status === 'rejected' ? `waiting for Route 53 to propagate: ${(insync.reason as Error).message}` : undefined,
  ].filter((p): p is string => Boolean(p));
  return result({ ...(problems.length > 0 ? { error: problems.join('\n') } : {}), batches: accepted, records: done.length, extra });
}

/**
 * The record-set changes from the state to the rendered resources, by address, as a plan
 * with `-refresh=false` makes them (ttl or values differ: update; only rendered: create; only
 * in the state: delete). `created`: zone resources the plan creates (their records keep the
 * reference as zone id). Undefined where a set is not plain or its zone is unknown. rdns plan
 * saves a batch only where Terraform planned exactly these; rdns apply writes only if they
 * are still these.
 */
export function recordChangesOf(desired: DesiredResources, state: unknown, created: ReadonlySet<string> = new Set()): Map<string, RecordChange & { zoneId: string }> | undefined {
  const out = new Map<string, RecordChange & { zoneId: string }>();
  const resources = (state as { resources?: { mode?: string; type?: string; name?: string; module?: string; instances?: { attributes?: Attributes; index_key?: unknown }[] }[] } | undefined)?.resources ?? [];
  const before = new Map<string, RecordSet & { zoneId: string }>();
  for (const r of resources) {
    if (r.mode !== 'managed' || r.type !== 'aws_route53_record' || r.module) continue;
    const set = r.instances?.length === 1 && r.instances[0]!.index_key === undefined ? stateRecordSet(r.instances[0]!.attributes) : undefined;
    if (!set) return undefined;
    before.set(`aws_route53_record.${r.name}`, set);
  }
  const rendered = desired.aws_route53_record ?? {};
  for (const [name, body] of Object.entries(rendered)) {
    const address = `aws_route53_record.${name}`;
    const after = renderedRecordSet(body, state, created);
    const was = before.get(address);
    if (!after) return undefined;
    if (!was) out.set(address, { address, action: 'create', after: plainSet(after), zoneId: after.zoneId });
    else if (was.ttl !== after.ttl || [...was.values].sort().join('\n') !== [...after.values].sort().join('\n')) out.set(address, { address, action: 'update', before: plainSet(was), after: plainSet(after), zoneId: after.zoneId });
  }
  for (const [address, was] of before) {
    if (!(address.slice('aws_route53_record.'.length) in rendered)) out.set(address, { address, action: 'delete', before: plainSet(was), zoneId: was.zoneId });
  }
  return out;
}

/** The plan with each zone reference replaced by the id the state now has for it; undefined when one is unknown. */
function resolveZones(plan: BatchPlan, state: unknown): BatchPlan | undefined {
  const zones = plan.zones.map((z) => ({ ...z, zoneId: zoneIdOf(z.zoneId, state) }));
  return zones.every((z) => z.zoneId) ? { ...plan, zones: zones as { zoneId: string; changes: readonly RecordChange[] }[] } : undefined;
}

/** True when the saved batch carries out exactly `expected`: the same addresses, actions, zones and sets. */
function sameChanges(plan: BatchPlan, expected: ReadonlyMap<string, RecordChange & { zoneId: string }>): boolean {
  const key = (c: RecordChange, zoneId: string): string => JSON.stringify([c.address, c.action, zoneId, c.before ?? null, c.after ?? null]);
  const saved = plan.zones.flatMap((z) => z.changes.map((c) => key(c, z.zoneId))).sort();
  const wanted = [...expected.values()].map((c) => key({ address: c.address, action: c.action, ...(c.before ? { before: c.before } : {}), ...(c.after ? { after: c.after } : {}) }, c.zoneId)).sort();
  return saved.length === wanted.length && saved.every((k, i) => k === wanted[i]);
}

/**
 * The attributes hashicorp/aws 5.x (schema version 2 of `aws_route53_record`) writes for a
 * plain record set, beside name, type, ttl, records, zone_id, fqdn and id. A state whose
 * record instances have other attributes (another provider major version) is brought along
 * by Terraform instead (import, read-back).
 */
const PLAIN_SET_ATTRIBUTES: Readonly<Record<string, unknown>> = {
  alias: [],
  allow_overwrite: null,
  cidr_routing_policy: [],
  failover_routing_policy: [],
  geolocation_routing_policy: [],
  geoproximity_routing_policy: [],
  health_check_id: '',
  latency_routing_policy: [],
  multivalue_answer_routing_policy: false,
  set_identifier: '',
  timeouts: null,
  weighted_routing_policy: [],
};
const SET_ATTRIBUTES = new Set([...Object.keys(PLAIN_SET_ATTRIBUTES), 'name', 'type', 'ttl', 'records', 'zone_id', 'fqdn', 'id']);
/** The provider's private data of such an instance: its timeouts (30 min) and schema version 2. */
const PLAIN_SET_PRIVATE = Buffer.from(JSON.stringify({ 'e2bfb730-ecaa-11e6-8f88-34363bc7c4c0': { create: 1800000000000, delete: 1800000000000, update: 1800000000000 }, schema_version: '2' })).toString('base64');
const AWS_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

type StateInstance = { schema_version?: number; attributes?: Attributes; sensitive_attributes?: unknown[]; private?: string; dependencies?: string[]; index_key?: unknown };
type StateResource = { mode?: string; type?: string; name?: string; module?: string; provider?: string; instances?: StateInstance[] };

/**
 * The state after `done` (record changes Route 53 took), written as hashicorp/aws writes it
 * after its own create, update and delete (the tests compare it with a refreshed state);
 * undefined where rdns cannot know that shape (records of another provider major version, a
 * zone reached through a data source with no record of it in the state yet): then Terraform
 * reads the sets back (import blocks, `-target`).
 */
export function stateWithRecords(state: unknown, plan: BatchPlan, done: readonly RecordChange[], desired: DesiredResources, providerVersion?: string): unknown {
  const s = state as { version?: number; serial?: number; lineage?: string; resources?: StateResource[] } | undefined;
  if (!s || s.version !== 4 || typeof s.serial !== 'number' || !Array.isArray(s.resources)) return undefined;
  const records = s.resources.filter((r) => r.mode === 'managed' && r.type === 'aws_route53_record');
  // Exactly 5.x's attributes (a newer provider may add or drop some: then Terraform writes them).
  const shapeKnown =
    records.length > 0
      ? records.every((r) => r.instances?.every((i) => i.schema_version === 2 && Object.keys(i.attributes ?? {}).length === SET_ATTRIBUTES.size && Object.keys(i.attributes ?? {}).every((k) => SET_ATTRIBUTES.has(k))))
      : /^5\./.test(providerVersion ?? '');
  if (!shapeKnown) return undefined;
  const zoneOf = new Map(plan.zones.flatMap((z) => z.changes.map((c) => [c.address, z.zoneId] as const)));
  const byAddress = new Map<string, number>(s.resources.map((r, i) => [`${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`, i]));
  const resources = [...s.resources];
  const gone = new Set<number>();
  for (const c of done) {
    const at = byAddress.get(c.address);
    if (c.action === 'delete') {
      if (at === undefined) return undefined;
      gone.add(at);
      continue;
    }
    const set = c.after!;
    const zoneId = zoneOf.get(c.address)!;
    const rendered = desired.aws_route53_record?.[c.address.slice('aws_route53_record.'.length)];
    const reference = typeof rendered?.zone_id === 'string' ? ZONE_REFERENCE.exec(rendered.zone_id) : null;
    // Terraform records what a resource's configuration refers to (destroy order): the zone resource.
    const dependencies = reference ? (reference[1] ? undefined : [`${reference[2]}.${reference[3]}`]) : [];
    const bare = withoutTrailingDot(set.name);
    const attributes: Attributes = { ...PLAIN_SET_ATTRIBUTES, fqdn: bare, id: `${zoneId}_${set.name}_${set.type}`, name: bare, records: [...set.values].sort(), ttl: set.ttl, type: set.type, zone_id: zoneId };
    if (c.action === 'update') {
      if (at === undefined) return undefined;
      const old = resources[at]!;
      const instance = old.instances?.[0];
      if (!instance?.attributes) return undefined;
      resources[at] = { ...old, instances: [{ ...instance, attributes: { ...instance.attributes, records: attributes.records, ttl: set.ttl } }] };
    } else {
      if (at !== undefined || dependencies === undefined) return undefined;
      resources.push({
        mode: 'managed',
        type: 'aws_route53_record',
        name: c.address.slice('aws_route53_record.'.length),
        provider: AWS_PROVIDER,
        instances: [{ schema_version: 2, attributes: Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))), sensitive_attributes: [], private: PLAIN_SET_PRIVATE, dependencies }],
      });
    }
  }
  return { ...s, serial: s.serial + 1, resources: resources.filter((_, i) => !gone.has(i)) };
}

/** The `import` blocks of created sets and `removed` blocks of deleted ones, for the reconciling apply. */
function writeReconcileFile(dir: string, plan: BatchPlan, changes: readonly RecordChange[]): void {
  const zoneOf = new Map(plan.zones.flatMap((z) => z.changes.map((c) => [c.address, z.zoneId] as const)));
  const imports = changes.filter((c) => c.action === 'create').map((c) => ({ to: c.address, id: `${zoneOf.get(c.address)}_${c.after!.name}_${c.after!.type}` }));
  const removed = changes.filter((c) => c.action === 'delete').map((c) => ({ from: c.address, lifecycle: { destroy: false } }));
  writeFileSync(join(dir, RECONCILE_FILE), `${JSON.stringify({ ...(imports.length ? { import: imports } : {}), ...(removed.length ? { removed } : {}) }, null, 2)}\n`);
}
