/**
 * A Terraform plan in PTR terms. Reads the JSON of `terraform show -json <planfile>` (the
 * documented machine-readable plan format, format_version 1.x) of one zone stack and says
 * which records of the zone are added, changed (old → new) or removed, whether the hosted
 * zone is created or destroyed, and what else Terraform would touch. Pure: no I/O.
 */
import { ipOfPtrOwner } from '../core/reverse.js';
import { driftOf, type DriftedRecord } from '../render/live-check.js';
import { recordAddressOf } from '../render/record-address.js';
import type { ApiCalls } from './api-calls.js';
import { compareIp, formatIp, parseIp } from '../core/ip.js';

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

interface ResourceChange {
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

/** Route53 returns names lower case with a trailing dot; the plan may show either. */
const fqdn = (name: string): string => {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
};

function setsOfExclusive(resource: Record<string, unknown> | undefined): PlannedRecord[] {
  const sets = (resource?.resource_record_set as { name?: string; type?: string; ttl?: number; resource_records?: { value?: string }[] }[] | undefined) ?? [];
  return sets.map((s) => recordOf(String(s.name ?? ''), String(s.type ?? ''), s.ttl, (s.resource_records ?? []).map((r) => String(r.value ?? ''))));
}

function setOfRecord(resource: Record<string, unknown>): PlannedRecord {
  return recordOf(String(resource.name ?? ''), String(resource.type ?? ''), resource.ttl as number | undefined, ((resource.records as string[] | undefined) ?? []).map(String));
}

function recordOf(name: string, type: string, ttl: number | undefined, values: string[]): PlannedRecord {
  const n = fqdn(name);
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
