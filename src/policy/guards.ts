/**
 * Change guards: the safety of octoDNS's unsafe-plan threshold for bulk edits. A pull
 * request that changes many records, or deletes a large share of a zone, must carry
 * the approval label; with the label the finding stays visible as a warning.
 */
import type { ChangeSet } from '../core/changeset.js';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { GuardSettings } from '../core/model.js';
import { dnsChangeCount } from '../diff/compute-change-set.js';

/**
 * Below this many records in the base a zone is too small for a share to mean much
 * (octoDNS: MIN_EXISTING_RECORDS = 10): deleting 3 of 4 records is not a mass delete.
 */
export const MIN_ZONE_RECORDS_FOR_SHARE = 10;

export interface GuardInput {
  readonly changeSet: ChangeSet;
  /** From the BASE revision's rdns.yaml: a pull request must not loosen its own guards. */
  readonly guards: GuardSettings;
  /** Labels of the pull request (the GitHub module reads them through the API). */
  readonly labels: readonly string[];
}

/**
 * `guard.too-many-changes` when more records change what DNS answers than
 * `maxChangedRecords` (moves between files do not count), and `guard.mass-delete` for
 * every zone where removed plus reset-to-default records exceed `maxDeletePercent`
 * of the zone's records in the base. Errors without the label, warnings with it.
 */
export function checkGuards(input: GuardInput): Diagnostic[] {
  const { changeSet: cs, guards } = input;
  const approved = input.labels.some((l) => l.toLowerCase() === guards.label.toLowerCase());
  const severity = approved ? 'warning' : 'error';
  const consequence = approved ? `approved by the "${guards.label}" label` : `add the "${guards.label}" label to the pull request to approve it`;
  const out: Diagnostic[] = [];
  const changed = dnsChangeCount(cs.counts);
  if (changed > guards.maxChangedRecords) {
    out.push(diag('guard.too-many-changes', `${changed} records change, more than guards.max_changed_records (${guards.maxChangedRecords}); ${consequence}`, undefined, { severity, value: String(changed) }));
  }
  for (const [zone, c] of Object.entries(cs.perZone).sort(([a], [b]) => a.localeCompare(b))) {
    const deleted = c.removed + c.reset;
    const existing = cs.baseZoneRecords[zone] ?? 0;
    if (deleted === 0 || existing < MIN_ZONE_RECORDS_FOR_SHARE) continue;
    const percent = (deleted / existing) * 100;
    if (percent <= guards.maxDeletePercent) continue;
    out.push(
      diag('guard.mass-delete', `${deleted} of ${existing} records of ${zone} are deleted or reset to the default (${percent.toFixed(1)}%, more than guards.max_delete_percent ${guards.maxDeletePercent}%); ${consequence}`, undefined, {
        severity,
        value: zone,
      }),
    );
  }
  return out;
}
