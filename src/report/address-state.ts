/**
 * The state of an address as the report colours it. One function decides it, over the
 * render model (what DNS will serve: `effectiveRecords`) and the findings of an audit
 * or check, so the map shows what Terraform publishes and nothing else.
 */
import type { ZoneContents, ZoneRecord } from '../render/zone-records.js';
import type { AddressFinding } from './findings.js';

/**
 * own record, generic name of `default`, no PTR, served by the customer's name servers;
 * with findings: FCrDNS failure, drift (DNS serves something else than git), not applied
 * (git has a PTR that DNS does not serve yet: an apply is due, nothing is wrong).
 */
export type AddressState = 'record' | 'default' | 'none' | 'delegated' | 'fcrdns' | 'drift' | 'pending';

/** One letter per state in the report's compact grid strings (`.` = outside the block). */
export const STATE_CODE: Readonly<Record<AddressState, string>> = { record: 'R', default: 'D', none: 'N', delegated: 'G', fcrdns: 'F', drift: 'X', pending: 'P' };

/**
 * The state of one address: `record` is the render model's PTR for it (undefined: none),
 * `zone` the zone it sits in (a delegated child zone makes it `delegated`, whatever the
 * customer's servers answer), `findings` what an audit or check said about it. A finding
 * wins the colour (it is what needs attention); the details still show the PTR's source.
 */
export function addressStateOf(record: ZoneRecord | undefined, zone: Pick<ZoneContents, 'delegatedTo'> | undefined, findings?: readonly AddressFinding[]): AddressState {
  if (findings && findings.length > 0) return findings.some((f) => f.kind === 'drift') ? 'drift' : findings.some((f) => f.kind === 'fcrdns') ? 'fcrdns' : 'pending';
  if (zone?.delegatedTo || record?.source === 'delegation') return 'delegated';
  if (!record) return 'none';
  return record.source === 'record' ? 'record' : 'default';
}
