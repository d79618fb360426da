/**
 * What a synth produces, described without cdktf: stack names, files, zones and the
 * Route53 cost of refreshing them. `rdns stacks` (the GitHub Actions matrix) and the
 * synth summary read this; it is cheap because it never loads cdktf.
 */
import { formatPrefix } from '../core/ip.js';
import type { BlockContents } from './zone-records.js';
import { recordSetCount } from './record-sets.js';

/** Route53 ListResourceRecordSets returns at most 300 record sets per page. */
export const LIST_PAGE_SIZE = 300;

export interface StackInfo {
  /** Terraform stack name (folder under cdktf.out/stacks/). */
  readonly stack: string;
  readonly file: string;
  readonly prefix: string;
  /** Zones Route53 hosts for this stack (delegated child zones excluded). */
  readonly zones: readonly string[];
  readonly records: number;
  /** Terraform resources in the stack (zones, record resources and their instances). */
  readonly resources: number;
  /** Route53 read calls a full `terraform plan` refresh needs. */
  readonly refreshReads: number;
}

/** One entry per block, in prefix order. */
export function stackInfoOf(block: BlockContents): StackInfo {
  let resources = 0;
  let reads = 0;
  let records = 0;
  const zones: string[] = [];
  for (const z of block.zones) {
    if (z.delegatedTo) continue;
    zones.push(z.zone);
    records += z.records.length;
    if (!z.zoneId) {
      resources += 1;
      reads += 1; // GetHostedZone
    }
    const sets = recordSetCount(z.records);
    if (z.mode === 'per-record') {
      resources += sets;
      reads += sets;
    } else {
      // Rendered even when empty: an exclusive zone with no records in git is kept empty.
      resources += 1;
      reads += Math.max(1, Math.ceil(sets / LIST_PAGE_SIZE));
    }
  }
  if (block.forward && block.forward.records.length > 0) {
    resources += block.forward.records.length;
    reads += block.forward.records.length + (block.forward.zoneId ? 0 : 1);
  }
  return { stack: block.stack, file: block.file, prefix: formatPrefix(block.prefix), zones, records, resources, refreshReads: reads };
}
