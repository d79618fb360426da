/**
 * What a zone stack's Terraform state tells the next plan, read before it runs (`terraform
 * state pull`; see run-stacks.ts `beforePlan`):
 *
 * - the record sets Terraform last applied (`rdns_applied`, the live check's baseline: a
 *   record whose Route53 value is neither that nor git's was changed outside git);
 * - the upgrade from an earlier layout without an outage: a stack applied with one
 *   `aws_route53_records_exclusive` (rdns ≤ 0.1 default) or with `for_each` instances of
 *   `aws_route53_record` (rdns ≤ 0.1 `mode: per-record`) gets `moved` blocks (for_each
 *   instance → literal block of the same name), `import` blocks (every record set the
 *   exclusive resource held, which therefore exists in Route53) and a `removed { lifecycle {
 *   destroy = false } }` for the exclusive resource, so the first plan shows imports and
 *   moves and never deletes or re-creates a PTR.
 *
 * Import blocks fail on absent remote objects, so they are written only for record sets the
 * state says were applied. Pure: the state is data, the result is Terraform JSON.
 */
import { MANAGED_TYPES } from './live-check.js';
import { RECORD_RESOURCE, recordKeyOf, recordResourceName, recordValueOf } from './record-address.js';
import { recordSetsOf } from './record-sets.js';
import type { ZoneStack as ZoneStackModel } from './stacks.js';
import { canonicalName } from '../core/hostname.js';

/** The parts of a Terraform state (format version 4, `terraform state pull`) read here. */
interface StateResource {
  readonly mode?: string;
  readonly type?: string;
  readonly name?: string;
  readonly module?: string;
  readonly instances?: readonly { readonly index_key?: unknown; readonly attributes?: Record<string, unknown> }[];
}

/** A record set as the state holds it. */
interface StateRecordSet {
  readonly zoneId: string;
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly values: readonly string[];
}

export interface StackPreparation {
  /** Record key → values of the last apply (the reverse zone's managed types only); absent for a stack with no live check. */
  readonly applied?: Record<string, string>;
  /** Terraform JSON with the moved / import / removed blocks of an upgrade; undefined when the state is already in this layout. */
  readonly migration?: Record<string, unknown>;
  /** What the migration does, for the plan report. */
  readonly summary: { readonly moved: number; readonly imported: number; readonly released: readonly string[] };
}

// What a name or an instance key from the state must look like before it is written into a
// moved/import block (a state is data, not code: nothing else reaches the JSON).
const NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.$/;
const TYPE = /^(?:PTR|CNAME|NS|A|AAAA)$/;
const ZONE_ID = /^[A-Za-z0-9]{1,64}$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A record value rdns could have written: a DNS name or an address (never template syntax). */
const VALUE = /^[A-Za-z0-9_.:-]+$/;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const valuesOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function resourcesOf(state: unknown): StateResource[] {
  const list = (state as { resources?: unknown } | undefined)?.resources;
  return Array.isArray(list) ? (list as StateResource[]).filter((r) => r.mode === 'managed' && !r.module) : [];
}

/** The moved / import / removed blocks and the applied set for `stack`, given its state (undefined: no state yet). */
export function prepareFromState(state: unknown, stack: ZoneStackModel): StackPreparation {
  const resources = resourcesOf(state);
  const rendered = new Map<string, { name: string; type: string }>();
  for (const s of recordSetsOf(stack.zone.records)) rendered.set(recordResourceName(s.type, s.name), s);
  for (const f of stack.forward) for (const r of f.records) rendered.set(recordResourceName(r.type, r.name), r);

  const applied: Record<string, string> = {};
  const noteApplied = (s: StateRecordSet): void => {
    if ((MANAGED_TYPES as readonly string[]).includes(s.type) && NAME.test(s.name) && s.values.every((v) => VALUE.test(v))) applied[recordKeyOf(s.type, s.name)] = recordValueOf(s.values.map(fqdnIfName(s.type)));
  };
  const moved: { from: string; to: string }[] = [];
  const imports: { to: string; id: string }[] = [];
  const released: string[] = [];
  const keep: Record<string, unknown> = {};
  const current = new Set(resources.filter((r) => r.type === RECORD_RESOURCE && !hasKeys(r)).map((r) => r.name));

  for (const r of resources) {
    if (r.type === 'aws_route53_records_exclusive' && r.name && IDENT.test(r.name)) {
      const attrs = r.instances?.[0]?.attributes ?? {};
      const zoneId = str(attrs.zone_id);
      const sets = Array.isArray(attrs.resource_record_set) ? (attrs.resource_record_set as Record<string, unknown>[]) : [];
      released.push(`aws_route53_records_exclusive.${r.name}`);
      for (const raw of sets) {
        const s: StateRecordSet = { zoneId, name: canonicalName(str(raw.name)), type: str(raw.type), ttl: typeof raw.ttl === 'number' ? raw.ttl : undefined, values: (Array.isArray(raw.resource_records) ? raw.resource_records : []).map((v) => str((v as { value?: unknown }).value)) };
        noteApplied(s);
        if (!NAME.test(s.name) || !TYPE.test(s.type) || !ZONE_ID.test(zoneId) || !s.values.every((v) => VALUE.test(v))) continue;
        const to = recordResourceName(s.type, s.name);
        if (current.has(to)) continue;
        imports.push({ to: `${RECORD_RESOURCE}.${to}`, id: `${zoneId}_${s.name.replace(/\.$/, '')}_${s.type}` });
        // A record set git no longer has: imported with the values it has, so this plan
        // deletes nothing; the next plan (no migration left) removes it like any removal.
        if (!rendered.has(to)) keep[to] = { zone_id: zoneId, name: s.name, type: s.type, ttl: s.ttl ?? 300, records: s.values };
      }
    } else if (r.type === RECORD_RESOURCE && r.name && IDENT.test(r.name)) {
      for (const inst of r.instances ?? []) {
        const a = inst.attributes ?? {};
        const s: StateRecordSet = { zoneId: str(a.zone_id), name: canonicalName(str(a.name)), type: str(a.type), values: valuesOf(a.records) };
        noteApplied(s);
        if (typeof inst.index_key !== 'string') continue;
        // for_each instance `records_<prefix>["PTR <name>"]` → the literal block of that name.
        const m = /^([A-Z]+) (\S+)$/.exec(inst.index_key);
        if (!m || !TYPE.test(m[1]!) || !NAME.test(canonicalName(m[2]!))) continue;
        const to = recordResourceName(m[1]!, m[2]!);
        if (current.has(to)) continue;
        moved.push({ from: `${RECORD_RESOURCE}.${r.name}[${JSON.stringify(inst.index_key)}]`, to: `${RECORD_RESOURCE}.${to}` });
      }
    }
  }
  const summary = { moved: moved.length, imported: imports.length, released };
  if (moved.length + imports.length + released.length === 0) return { applied, summary };
  const migration: Record<string, unknown> = {
    ...(moved.length ? { moved } : {}),
    ...(imports.length ? { import: imports } : {}),
    ...(released.length ? { removed: released.map((from) => ({ from, lifecycle: { destroy: false } })) } : {}),
    ...(Object.keys(keep).length ? { resource: { [RECORD_RESOURCE]: keep } } : {}),
  };
  return { applied, migration, summary };
}

const hasKeys = (r: StateResource): boolean => (r.instances ?? []).some((i) => i.index_key !== undefined);

/** Route53 hands back name values (PTR, CNAME, NS targets) with a trailing dot; A/AAAA values are addresses. */
const fqdnIfName = (type: string) => (v: string): string => (type === 'A' || type === 'AAAA' ? v : canonicalName(v));

/**
 * For the stack of a zone that is no longer rendered (RemovedZoneStack): its configuration
 * holds no records, so Terraform plans the removal of every record in the state; the hosted
 * zone itself is forgotten (`removed { lifecycle { destroy = false } }`: it stays in Route53
 * with its SOA and NS) unless `destroyZones`.
 */
export function prepareRemoval(state: unknown, destroyZones: boolean): StackPreparation {
  const zones = destroyZones ? [] : resourcesOf(state).filter((r) => r.type === 'aws_route53_zone' && r.name && IDENT.test(r.name)).map((r) => `aws_route53_zone.${r.name}`);
  const summary = { moved: 0, imported: 0, released: zones };
  if (zones.length === 0) return { summary };
  return { migration: { removed: zones.map((from) => ({ from, lifecycle: { destroy: false } })) }, summary };
}
