/**
 * Terraform addresses of record sets, derived from the record's type and owner name only:
 * a PTR keeps its address however the block file is ordered, split or reformatted, and
 * the same address is computed from a Terraform state (upgrades, drift) as from git.
 * Pure: no cdktf.
 */
import { createHash } from 'node:crypto';
import { canonicalName } from '../core/hostname.js';

/** The resource type every record set is rendered as. */
export const RECORD_RESOURCE = 'aws_route53_record';

/**
 * `PTR 22.100.51.198.in-addr.arpa.` → `ptr_22_100_51_198_in-addr_arpa`. Owner names are
 * validated DNS names (letters, digits, `-`, `.`): dots become `_`, which no such name
 * holds, so distinct names give distinct identifiers. Anything else (an `_` label) gets a
 * digest suffix so it cannot collide with a plain name.
 */
export function recordResourceName(type: string, name: string): string {
  const bare = name.toLowerCase().replace(/\.$/, '');
  const slug = bare.replace(/\./g, '_');
  const plain = /^[a-z0-9.-]+$/.test(bare);
  const safe = plain ? slug : `${slug.replace(/[^a-z0-9_-]/g, '_')}_${createHash('sha256').update(bare).digest('hex').slice(0, 10)}`;
  return `${type.toLowerCase()}_${safe}`;
}

/** `aws_route53_record.ptr_22_100_51_198_in-addr_arpa` */
export const recordAddressOf = (type: string, name: string): string => `${RECORD_RESOURCE}.${recordResourceName(type, name)}`;

/** Key of a record set in the drift check and the applied set: `PTR 22.100.51.198.in-addr.arpa.` (name lower case, trailing dot). */
export function recordKeyOf(type: string, name: string): string {
  return `${type.toUpperCase()} ${canonicalName(name)}`;
}

/** Values of a record set as the drift check compares them: sorted, space-separated. */
export const recordValueOf = (values: readonly string[]): string => [...values].sort().join(' ');
