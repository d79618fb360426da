/**
 * A Terraform plan in PTR terms. Reads the JSON of `terraform show -json <planfile>` (the
 * documented machine-readable plan format, format_version 1.x) of one zone stack and says
 * which records of the zone are added, changed (old → new) or removed, whether the hosted
 * zone is created or destroyed, and what else Terraform would touch.
 *
 * `show -json` loads the provider's schema again (≈ 2 s of CPU per stack), so where it can,
 * rdns builds the same input without it (see {@link resourceChangesFromStream}): which
 * resource gets which action from the `terraform plan -json` stream, the values before from
 * the state the plan started from, the values after from the stack's own Terraform JSON.
 * Pure: no I/O.
 */
import { ipOfPtrOwner } from '../core/reverse.js';
import { driftOf, type DriftedRecord } from '../render/live-check.js';
import { recordAddressOf } from '../render/record-address.js';
import type { ApiCalls } from './api-calls.js';
import { compareIp, formatIp, parseIp } from '../core/ip.js';
import { canonicalName } from '../core/hostname.js';

/** One DNS record set as the plan shows it. */
export interface PlannedRecord {
  readonly name: string;
  readonly type: string;
  /** The address a PTR (or RFC 2317 CNAME) answers for; the value for A/AAAA. */
  readonly ip?: string;
  readonly ttl?: number;
  readonly values: readonly string[];
}

export interface ChangedRecord {
  readonly name: string;
  readonly type: string;
  readonly ip?: string;
  readonly old: { readonly ttl?: number; readonly values: readonly string[] };
  readonly new: { readonly ttl?: number; readonly values: readonly string[] };
}

export interface RecordChanges {
  readonly added: readonly PlannedRecord[];
  readonly changed: readonly ChangedRecord[];
  readonly removed: readonly PlannedRecord[];
}

/** What a plan does to one zone stack. */
export interface StackPlan {
  readonly stack: string;
  readonly zone: string;
  /** `ok`: planned (maybe with no changes); `error`: Terraform failed (see `error`). */
  readonly status: 'ok' | 'error';
  /**
   * The hosted zone itself: created, destroyed or replaced; `release`: a zone no longer
   * rendered leaves the state but stays in Route53. Absent when untouched.
   */
  readonly zoneAction?: 'create' | 'delete' | 'replace' | 'release';
  /** Reverse records (PTR, and NS/CNAME of delegations). */
  readonly records: RecordChanges;
  /** Forward A/AAAA records of generic names. */
  readonly forward: RecordChanges;
  /** Any other resource Terraform would change: address and actions. */
  readonly other: readonly { readonly address: string; readonly actions: readonly string[] }[];
  /** Terraform's own message when status is `error`. */
  readonly error?: string;
  /** Records the live check found changed, deleted or added outside git (the plan failed on them). */
  readonly drift?: readonly DriftRecord[];
  /**
   * An upgrade from an earlier layout (state moved, records imported, the old resource
   * forgotten without deleting anything): what the plan does to the state, not to Route53.
   */
  readonly migration?: { readonly moved: number; readonly imported: number; readonly released: readonly string[] };
  /**
   * How the stack was planned: `full` refresh of every resource, or `live-check` (the zone
   * read once by its live check, `-refresh=false`). Absent in reports of older versions.
   */
  readonly refresh?: 'full' | 'live-check';
  /** The AWS API calls the plan made (its refresh and live checks), when counted. */
  readonly apiCalls?: ApiCalls;
}

/** A record found changed outside git, with the address it answers for and its Terraform resource. */
export interface DriftRecord extends DriftedRecord {
  readonly ip?: string;
  readonly address?: string;
}

/** One entry of `resource_changes` in `terraform show -json`, the parts read here. */
export interface ResourceChange {
  address: string;
  mode?: string;
  type: string;
  previous_address?: string;
  change: { actions: string[]; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; importing?: unknown };
}

/** The live check's resource (live-check.ts): its creation is no change to the zone. */
const LIVE_CHECK = 'terraform_data.rdns_live_check';

const EMPTY: RecordChanges = { added: [], changed: [], removed: [] };

/** Summarizes `terraform show -json` output of the plan of the stack of `zone`. */
export function summarizePlan(stack: string, zone: string, planJson: unknown): StackPlan {
  const changes = ((planJson as { resource_changes?: ResourceChange[] })?.resource_changes ?? []).filter((c) => c.mode !== 'data');
  let zoneAction: StackPlan['zoneAction'];
  const records = new Collector();
  const forward = new Collector();
  const other: { address: string; actions: string[] }[] = [];
  const migration = { moved: 0, imported: 0, released: [] as string[] };
  for (const c of changes) {
    const actions = c.change.actions;
    if (c.address === LIVE_CHECK) continue;
    if (c.change.importing) migration.imported++;
    if (c.previous_address && c.previous_address !== c.address) migration.moved++;
    if (actions.length === 1 && actions[0] === 'forget') {
      // removed { lifecycle { destroy = false } }: out of the state, untouched in Route53.
      if (c.type === 'aws_route53_zone') zoneAction = 'release';
      else migration.released.push(c.address);
      continue;
    }
    if (actions.length === 1 && (actions[0] === 'no-op' || actions[0] === 'read')) continue;
    const before = c.change.before ?? undefined;
    const after = c.change.after ?? undefined;
    if (c.type === 'aws_route53_zone') {
      zoneAction = actions.includes('create') && actions.includes('delete') ? 'replace' : actions.includes('create') ? 'create' : actions.includes('delete') ? 'delete' : undefined;
      if (!zoneAction) other.push({ address: c.address, actions });
    } else if (c.type === 'aws_route53_records_exclusive') {
      records.compare(setsOfExclusive(before), setsOfExclusive(after));
    } else if (c.type === 'aws_route53_record') {
      const b = before ? setOfRecord(before) : undefined;
      const a = after ? setOfRecord(after) : undefined;
      const target = (a ?? b)?.type === 'A' || (a ?? b)?.type === 'AAAA' ? forward : records;
      target.compare(b ? [b] : [], a ? [a] : []);
    } else {
      other.push({ address: c.address, actions });
    }
  }
  const migrated = migration.moved + migration.imported + migration.released.length > 0;
  return { stack, zone, status: 'ok', ...(zoneAction ? { zoneAction } : {}), records: records.result(), forward: forward.result(), other, ...(migrated ? { migration } : {}) };
}

/** The plan of a stack Terraform could not plan; a failed live check is read into `drift`, in PTR terms. */
export function failedPlan(stack: string, zone: string, error: string): StackPlan {
  const drift: DriftRecord[] = driftOf(error).map((d) => {
    const ip = ipOfPtrOwner(d.name);
    return { ...d, ...(ip ? { ip: formatIp(ip) } : {}), ...(d.kind !== 'added' ? { address: recordAddressOf(d.type, d.name) } : {}) };
  });
  return { stack, zone, status: 'error', records: EMPTY, forward: EMPTY, other: [], error, ...(drift.length ? { drift: drift.sort(byName) } : {}) };
}

/** True when the plan would change anything (Route53, or the state: an upgrade's moves and imports are applied too). */
export const hasChanges = (p: StackPlan): boolean =>
  p.zoneAction !== undefined || p.other.length > 0 || p.migration !== undefined || [p.records, p.forward].some((r) => r.added.length + r.changed.length + r.removed.length > 0);

function setsOfExclusive(resource: Record<string, unknown> | undefined): PlannedRecord[] {
  const sets = (resource?.resource_record_set as { name?: string; type?: string; ttl?: number; resource_records?: { value?: string }[] }[] | undefined) ?? [];
  return sets.map((s) => recordOf(String(s.name ?? ''), String(s.type ?? ''), s.ttl, (s.resource_records ?? []).map((r) => String(r.value ?? ''))));
}

function setOfRecord(resource: Record<string, unknown>): PlannedRecord {
  return recordOf(String(resource.name ?? ''), String(resource.type ?? ''), resource.ttl as number | undefined, ((resource.records as string[] | undefined) ?? []).map(String));
}

function recordOf(name: string, type: string, ttl: number | undefined, values: string[]): PlannedRecord {
  const n = canonicalName(name); // Route53 returns names lower case with a trailing dot; the plan may show either
  let ip: string | undefined;
  if (type === 'A' || type === 'AAAA') ip = values[0];
  else {
    const parsed = ipOfPtrOwner(n);
    if (parsed) ip = formatIp(parsed);
  }
  return { name: n, type, ...(ip ? { ip } : {}), ...(typeof ttl === 'number' ? { ttl } : {}), values: [...values].sort() };
}

class Collector {
  private readonly added: PlannedRecord[] = [];
  private readonly changed: ChangedRecord[] = [];
  private readonly removed: PlannedRecord[] = [];

  /** Record sets are identified by (type, name); anything else that differs is a change. */
  compare(before: readonly PlannedRecord[], after: readonly PlannedRecord[]): void {
    const key = (r: PlannedRecord): string => `${r.type} ${r.name}`;
    const old = new Map(before.map((r) => [key(r), r]));
    for (const a of after) {
      const b = old.get(key(a));
      old.delete(key(a));
      if (!b) this.added.push(a);
      else if (b.ttl !== a.ttl || b.values.join('\n') !== a.values.join('\n')) {
        this.changed.push({ name: a.name, type: a.type, ...(a.ip ? { ip: a.ip } : {}), old: { ttl: b.ttl, values: b.values }, new: { ttl: a.ttl, values: a.values } });
      }
    }
    this.removed.push(...old.values());
  }

  result(): RecordChanges {
    return { added: this.added.sort(byName), changed: this.changed.sort(byName), removed: this.removed.sort(byName) };
  }
}

/** Address order where a record has an address, name order otherwise. */
function byName(a: { name: string; ip?: string }, b: { name: string; ip?: string }): number {
  const x = a.ip ? parseIp(a.ip) : undefined;
  const y = b.ip ? parseIp(b.ip) : undefined;
  if (x?.ok && y?.ok && x.value.version === y.value.version) return compareIp(x.value, y.value) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** One message of Terraform's machine-readable UI (`terraform plan -json`, ui 1.x), the parts read here. */
export interface UiMessage {
  readonly type?: string;
  readonly '@level'?: string;
  readonly '@message'?: string;
  readonly change?: {
    readonly resource?: UiResource;
    readonly previous_resource?: UiResource;
    readonly action?: string;
    readonly importing?: unknown;
    readonly deposed?: unknown;
  };
  readonly changes?: { readonly add?: number; readonly change?: number; readonly import?: number; readonly remove?: number; readonly operation?: string };
  readonly diagnostic?: UiDiagnostic;
}

interface UiResource {
  readonly addr?: string;
  readonly module?: string;
  readonly resource_type?: string;
  readonly resource_name?: string;
  readonly resource_key?: unknown;
}

/** A diagnostic as `terraform -json` prints it. */
export interface UiDiagnostic {
  readonly severity?: string;
  readonly summary?: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename?: string; readonly start?: { readonly line?: number } };
  readonly snippet?: { readonly context?: string | null; readonly code?: string; readonly start_line?: number; readonly values?: readonly { readonly traversal?: string; readonly statement?: string }[] };
}

/** The messages of a `terraform -json` run (one JSON object per line; anything else is skipped). */
export function parseUiStream(stdout: string): UiMessage[] {
  const out: UiMessage[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as UiMessage);
    } catch {
      // not a message
    }
  }
  return out;
}

/**
 * The error diagnostics of a `-json` run as Terraform prints them without `-json` (summary,
 * where, the values it names, detail), detail lines unwrapped. Undefined when there are none.
 */
export function diagnosticsText(messages: readonly UiMessage[]): string | undefined {
  const errors = messages.map((m) => m.diagnostic).filter((d): d is UiDiagnostic => d !== undefined && d.severity === 'error');
  if (errors.length === 0) return undefined;
  return errors
    .map((d) => {
      const lines = [`Error: ${d.summary ?? ''}`];
      const where: string[] = [];
      if (d.address) where.push(`  with ${d.address},`);
      if (d.range?.filename) where.push(`  on ${d.range.filename} line ${d.range.start?.line ?? '?'}${d.snippet?.context ? `, in ${d.snippet.context}` : ''}:`);
      if (d.snippet?.code !== undefined) {
        d.snippet.code.split('\n').forEach((c, i) => where.push(`  ${(d.snippet?.start_line ?? 0) + i}: ${c}`));
        const values = d.snippet.values ?? [];
        if (values.length > 0) where.push('    ├────────────────', ...values.map((v) => `    │ ${v.traversal ?? ''} ${v.statement ?? ''}`));
      }
      if (where.length > 0) lines.push('', ...where);
      if (d.detail) lines.push('', d.detail);
      return lines.join('\n');
    })
    .join('\n\n');
}

/** The Terraform JSON `resource` blocks of a stack, by type and name (cdk.tf.json and the files written beside it). */
export type DesiredResources = Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;

/** A string Terraform takes literally (no `${` or `%{` template). */
export const LITERAL = (v: unknown): v is string => typeof v === 'string' && !v.includes('${') && !v.includes('%{');

/**
 * The `resource_changes` of `terraform show -json` for a plan made with `-refresh=false`,
 * built without `show`: the actions from the plan's `-json` stream (`planned_change`,
 * checked against its `change_summary`), `before` from `state` (what such a plan compares
 * with: the state as pulled before it), `after` from `desired` (a record set's name, type,
 * TTL and values are literals rdns rendered; the provider only normalizes the name's case
 * and trailing dot, which the summary ignores). Only the attributes the summary reads are
 * filled in.
 *
 * Undefined wherever that would be a guess, and the caller asks `show -json`: a stream
 * without its change summary, or whose counts disagree; drift reported (a refresh ran); a
 * move, an import or a deposed object (an upgrade: its `before` is what the import reads);
 * a module, a `count`/`for_each` instance; a replace of anything but a record set; a record
 * set the state or the configuration does not hold, or holds in a form rdns does not write.
 */
export function resourceChangesFromStream(messages: readonly UiMessage[], state: unknown, desired: DesiredResources): ResourceChange[] | undefined {
  const summary = messages.find((m) => m.type === 'change_summary')?.changes;
  if (!summary || summary.operation !== 'plan') return undefined;
  if (messages.some((m) => m.type === 'resource_drift')) return undefined;
  const count = { create: 0, update: 0, delete: 0, replace: 0 };
  const prior = priorAttributes(state);
  const out: ResourceChange[] = [];
  for (const m of messages) {
    if (m.type !== 'planned_change') continue;
    const c = m.change;
    const r = c?.resource;
    if (!c || !r?.addr || !r.resource_type || !r.resource_name) return undefined;
    if (r.addr.startsWith('data.')) {
      if (c.action !== 'read') return undefined;
      continue;
    }
    if (r.module || r.resource_key !== null && r.resource_key !== undefined || c.previous_resource || c.importing || c.deposed) return undefined;
    if (r.addr !== `${r.resource_type}.${r.resource_name}`) return undefined;
    const action = c.action;
    if (action === 'remove') {
      out.push({ address: r.addr, type: r.resource_type, change: { actions: ['forget'] } });
      continue;
    }
    if (action !== 'create' && action !== 'update' && action !== 'delete' && action !== 'replace') return undefined;
    count[action]++;
    if (r.addr === LIVE_CHECK) continue;
    if (r.resource_type === 'aws_route53_record') {
      const before = action === 'create' ? null : prior.get(`${r.resource_type}.${r.resource_name}`);
      const after = action === 'delete' ? null : desiredRecord(desired, r.resource_name);
      if (before === undefined || after === undefined) return undefined;
      out.push({ address: r.addr, type: r.resource_type, change: { actions: action === 'replace' ? ['delete', 'create'] : [action], before, after } });
    } else if (action === 'replace') {
      return undefined; // delete-then-create or create-then-delete: the stream does not say
    } else {
      out.push({ address: r.addr, type: r.resource_type, change: { actions: [action] } });
    }
  }
  if ((summary.add ?? -1) !== count.create + count.replace || (summary.change ?? -1) !== count.update || (summary.remove ?? -1) !== count.delete + count.replace || (summary.import ?? 0) !== 0) return undefined;
  // `show -json` lists resource changes in address order.
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * The attributes of each managed resource outside modules (`type.name`) in a state of format
 * version 4, read once per plan. A resource held twice, with instance keys, several or
 * deposed instances is left out: its plan is read with `show`.
 */
function priorAttributes(state: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const resources = (state as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(resources)) return out;
  const unusable = new Set<string>();
  for (const x of resources as { mode?: string; type?: string; name?: string; module?: string; instances?: unknown }[]) {
    if (x.mode !== 'managed' || x.module) continue;
    const key = `${x.type}.${x.name}`;
    const instance = (Array.isArray(x.instances) && x.instances.length === 1 ? x.instances[0] : undefined) as { index_key?: unknown; deposed?: unknown; attributes?: unknown } | undefined;
    const plain = instance && instance.index_key === undefined && instance.deposed === undefined && typeof instance.attributes === 'object' && instance.attributes !== null;
    if (!plain || unusable.has(key) || out.has(key)) {
      out.delete(key);
      unusable.add(key);
      continue;
    }
    out.set(key, instance.attributes as Record<string, unknown>);
  }
  return out;
}

/** A record set as rdns renders it (literal name, type, TTL and values); undefined for anything else. */
function desiredRecord(desired: DesiredResources, name: string): Record<string, unknown> | undefined {
  const r = desired.aws_route53_record?.[name];
  if (!r || r.count !== undefined || r.for_each !== undefined || r.alias !== undefined) return undefined;
  if (!LITERAL(r.name) || !LITERAL(r.type)) return undefined;
  if (r.ttl !== undefined && typeof r.ttl !== 'number') return undefined;
  if (!Array.isArray(r.records) || !r.records.every(LITERAL)) return undefined;
  return { name: r.name, type: r.type, ...(r.ttl !== undefined ? { ttl: r.ttl } : {}), records: r.records };
}
