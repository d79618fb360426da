/**
 * The Terraform stack layout, described without cdktf: one stack per hosted reverse zone.
 *
 * Why per zone (measured, see docs/terraform.md "Terraform stacks"): the AWS provider costs about
 * 2.5 ms of provider CPU and 7–10 ms of Terraform core per record set in a plan plus seconds
 * to start, and a stack per block file made a pull request that changes one PTR of a /16
 * plan 65,536 records. A hosted zone is the smallest unit Route53 can list and lock in one
 * state, so a change plans exactly the zones it touches.
 *
 * `rdns stacks` (the GitHub Actions matrix), `rdns synth`, `rdns plan` and `rdns apply` all
 * read this; it is cheap because it never loads cdktf.
 */
import { createHash } from 'node:crypto';
import { formatPrefix } from '../core/ip.js';
import type { Config } from '../core/model.js';
import { recordSetCount } from './record-sets.js';
import { stackNameOf, type ForwardRecords, type RenderModel, type ZoneContents } from './zone-records.js';

/** Route53 ListResourceRecordSets returns at most 300 record sets per page. */
export const LIST_PAGE_SIZE = 300;

/** GitHub Actions runs at most 256 jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;

/** One Terraform stack: a hosted reverse zone, its records, and the forward names of its generic PTRs. */
export interface ZoneStack {
  /** Stable name derived from the zone's prefix, e.g. `rdns-198-51-100-0-24` (folder under cdktf.out/stacks/). */
  readonly stack: string;
  readonly zone: ZoneContents;
  /** Block files whose records the zone holds (several when blocks share a zone). */
  readonly files: readonly string[];
  /** A/AAAA records of generic names for addresses of this zone, one entry per forward zone. */
  readonly forward: readonly ForwardRecords[];
}

/** What `rdns stacks` and `rdns synth` report per stack. */
export interface StackInfo {
  readonly stack: string;
  /** The reverse zone, fully qualified. */
  readonly zone: string;
  /** The zone's prefix. */
  readonly prefix: string;
  /** First block file of the zone (kept for matrix consumers); `files` has all of them. */
  readonly file: string;
  readonly files: readonly string[];
  /** Records the zone holds (PTR, CNAME, NS). */
  readonly records: number;
  /** Forward A/AAAA records published with it. */
  readonly forwardRecords: number;
  /** Terraform resources in the stack (the zone, one per record set, the live check). */
  readonly resources: number;
  /** Route53 read calls a full `terraform plan -refresh=true` needs (a pull-request plan reads the zone list only). */
  readonly refreshReads: number;
}

/** Every hosted reverse zone of the model as a stack, in address order (delegated child zones are the customer's). */
export function zoneStacksOf(model: RenderModel): ZoneStack[] {
  // Forward records per reverse zone, grouped once (a /16 with `forward` has 65,536).
  const forwardOf = new Map<string, Map<string, ForwardRecords['records'][number][]>>();
  for (const b of model.blocks) {
    if (!b.forward) continue;
    const byZone = new Map<string, ForwardRecords['records'][number][]>();
    for (const r of b.forward.records) {
      const list = byZone.get(r.reverseZone);
      if (list) list.push(r);
      else byZone.set(r.reverseZone, [r]);
    }
    forwardOf.set(b.file, byZone);
  }
  const blockOf = new Map(model.blocks.map((b) => [b.file, b]));
  const out: ZoneStack[] = [];
  for (const block of model.blocks) {
    for (const zone of block.zones) {
      if (zone.delegatedTo) continue;
      const files = [zone.file, ...(zone.sharedWith ?? [])];
      // Blocks sharing a zone may publish into the same forward zone: one entry per forward zone.
      const forward = new Map<string, { zone: string; zoneId?: string; records: ForwardRecords['records'][number][] }>();
      for (const f of files) {
        const fwd = blockOf.get(f)?.forward;
        const records = forwardOf.get(f)?.get(zone.zone);
        if (!fwd || !records) continue;
        const entry = forward.get(fwd.zone) ?? { zone: fwd.zone, zoneId: fwd.zoneId, records: [] };
        entry.zoneId ??= fwd.zoneId;
        entry.records.push(...records);
        forward.set(fwd.zone, entry);
      }
      out.push({ stack: stackNameOf(zone.prefix), zone, files, forward: [...forward.values()] });
    }
  }
  return out;
}

export function stackInfoOf(s: ZoneStack): StackInfo {
  const z = s.zone;
  let resources = 0;
  let reads = 0;
  if (!z.zoneId) {
    resources += 1;
    reads += 1; // GetHostedZone
  }
  // One literal aws_route53_record per record set (each read once by a full refresh), and
  // the live check: one ListResourceRecordSets page per 300 record sets on every plan.
  const sets = recordSetCount(z.records);
  resources += sets + 1;
  reads += sets + Math.max(1, Math.ceil(sets / LIST_PAGE_SIZE));
  let forwardRecords = 0;
  for (const f of s.forward) {
    forwardRecords += f.records.length;
    resources += f.records.length;
    reads += f.records.length + (f.zoneId ? 0 : 1);
  }
  return { stack: s.stack, zone: z.zone, prefix: formatPrefix(z.prefix), file: s.files[0]!, files: s.files, records: z.records.length, forwardRecords, resources, refreshReads: reads };
}

/**
 * A digest of everything a stack renders from: the zone's records and options, its forward
 * records and the settings every stack is rendered with. Equal digests at two revisions mean
 * Terraform has nothing new to do for the stack.
 */
export function stackFingerprint(s: ZoneStack, config: Config): string {
  const z = s.zone;
  const h = createHash('sha256');
  h.update(JSON.stringify([config.region, config.providerVersion, config.endpoint ?? '', config.backend, z.zone, z.zoneId ?? '', z.mode]));
  for (const r of z.records) h.update(`\n${r.type} ${r.name} ${r.ttl} ${r.value}`);
  for (const f of s.forward) {
    h.update(`\nforward ${f.zone} ${f.zoneId ?? ''}`);
    for (const r of f.records) h.update(`\n${r.type} ${r.name} ${r.ttl} ${r.value}`);
  }
  return h.digest('hex');
}

/** The stacks a change affects: rendered differently at head, or gone at head. */
export interface StackChanges {
  /** Stacks at head that are new or render differently than at base. */
  readonly changed: readonly ZoneStack[];
  /** Stacks of base that head no longer produces (zone removed, or moved into another zone). */
  readonly removed: readonly { readonly stack: string; readonly zone: string; readonly files: readonly string[] }[];
}

/** Compares the stacks of two revisions by what they render. */
export function changedStacks(base: { stacks: readonly ZoneStack[]; config: Config }, head: { stacks: readonly ZoneStack[]; config: Config }): StackChanges {
  const before = new Map(base.stacks.map((s) => [s.stack, stackFingerprint(s, base.config)]));
  const names = new Set(head.stacks.map((s) => s.stack));
  return {
    changed: head.stacks.filter((s) => before.get(s.stack) !== stackFingerprint(s, head.config)),
    removed: base.stacks.filter((s) => !names.has(s.stack)).map((s) => ({ stack: s.stack, zone: s.zone.zone, files: s.files })),
  };
}

/**
 * Order in which stacks are applied: IPv4 before IPv6, and within a family more specific
 * zones first (an RFC 2317 child and a zone carved out of a shorter prefix exist before
 * anything that could point at them), then address order. Stable, so a re-run applies in the same order.
 */
export function applyOrder<T extends { readonly zone: ZoneContents }>(stacks: readonly T[]): T[] {
  return [...stacks].sort((a, b) => a.zone.prefix.version - b.zone.prefix.version || b.zone.prefix.length - a.zone.prefix.length || (a.zone.prefix.network < b.zone.prefix.network ? -1 : a.zone.prefix.network > b.zone.prefix.network ? 1 : 0));
}

/**
 * Splits stacks into at most `maxJobs` groups of consecutive stacks (GitHub's matrix limit
 * is 256 jobs): a bulk change over 1,000 zones still plans, four stacks per job.
 */
export function jobsOf<T>(stacks: readonly T[], maxJobs = MAX_MATRIX_JOBS): T[][] {
  if (stacks.length === 0) return [];
  const per = Math.ceil(stacks.length / Math.max(1, maxJobs));
  const jobs: T[][] = [];
  for (let i = 0; i < stacks.length; i += per) jobs.push(stacks.slice(i, i + per));
  return jobs;
}
