/**
 * Change guards: the safety of octoDNS's unsafe-plan threshold for bulk edits. A pull
 * request that changes many records, or deletes a large share of a zone, must carry
 * the approval label; with the label the finding stays visible as a warning.
 */
import { blockRecordCount, type BlockChange, type ChangeSet } from '../core/changeset.js';
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
 * `maxChangedRecords` (moves between files do not count; generic names of a changed or
 * removed `default` do), and `guard.mass-delete` for every zone where removed plus
 * reset-to-default records exceed `maxDeletePercent` of the zone's records in the base,
 * and for every block whose generic names all disappear. Errors without the label,
 * warnings with it.
 */
export function checkGuards(input: GuardInput): Diagnostic[] {
  const { changeSet: cs, guards } = input;
  const approved = input.labels.some((l) => l.toLowerCase() === guards.label.toLowerCase());
  const severity = approved ? 'warning' : 'error';
  const consequence = approved ? `approved by the "${guards.label}" label` : `add the "${guards.label}" label to the pull request to approve it`;
  const out: Diagnostic[] = [];
  // One line of YAML can change thousands of answers: a `default` (every generic PTR of the block),
  // `forward` (an A/AAAA per generic name), `delegate_to` (every address of the allocation), or a
  // neighbour that moves a block's records into another zone.
  const generic = cs.blockChanges.reduce((n, b) => n + blockRecordCount(b), 0);
  const changed = dnsChangeCount(cs.counts) + generic;
  if (changed > guards.maxChangedRecords) {
    const including = generic > 0 ? ` (including ${generic} ${blockEffectWords(cs.blockChanges)})` : '';
    out.push(diag('guard.too-many-changes', `${changed} records change${including}, more than guards.max_changed_records (${guards.maxChangedRecords}); ${consequence}`, undefined, { severity, value: String(changed) }));
  }
  for (const b of cs.blockChanges) {
    const removed = b.generic?.removed ?? 0;
    if (removed < MIN_ZONE_RECORDS_FOR_SHARE) continue;
    // The block's whole generic coverage goes: 100% of those answers, whatever the limit.
    const how = b.kind === 'removed' ? 'deleting the block file' : 'removing its default';
    out.push(
      diag('guard.mass-delete', `${how} leaves ${removed} addresses of ${b.prefix} without their generic PTR (100%, more than guards.max_delete_percent ${guards.maxDeletePercent}%); ${consequence}`, b.pos, {
        severity,
        value: b.prefix,
      }),
    );
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

/** What the block-level part of the count is made of, e.g. `generic names of a changed or removed default`. */
function blockEffectWords(changes: readonly BlockChange[]): string {
  const kinds = [
    changes.some((b) => b.generic) ? 'generic names of a new, changed or removed default' : '',
    changes.some((b) => b.forward) ? 'forward A/AAAA records' : '',
    changes.some((b) => b.delegations) ? 'delegated addresses' : '',
    changes.some((b) => b.zoneMove) ? 'records moved to another reverse zone' : '',
  ].filter(Boolean);
  return kinds.join(', ');
}
