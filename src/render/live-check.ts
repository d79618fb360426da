/**
 * The live check of a zone stack: exclusivity and drift without reading each record.
 *
 * A plan with `-refresh=false` trusts the state; Route53 may hold something else. Each zone
 * stack therefore reads its zone with `data "aws_route53_records"` (one
 * ListResourceRecordSets page per 300 record sets, read on every plan, refreshed or not)
 * and a postcondition on it compares it with what git renders and what Terraform
 * last applied (`var.rdns_applied`, which `rdns plan` reads from the stack's state): a
 * record changed, deleted or (in an exclusive zone) added outside git fails the plan with
 * its name and both values. A check block would only warn; a postcondition fails the plan.
 *
 * Every expression here is constant text. What varies per zone (the rendered records, the
 * apex, the mode) goes into locals as plain validated strings, so checkSynthOutput can
 * allow exactly these expressions and nothing a block file wrote. Pure: no cdktf.
 */

/** Record types rdns manages in a reverse zone (below the apex). */
export const MANAGED_TYPES = ['PTR', 'CNAME', 'NS'] as const;

/** The code at the start of the precondition's message, how rdns recognises it. */
export const DRIFT_CODE = 'rdns.drift';

/** Reconciliation advice, printed by Terraform and by rdns. */
export const DRIFT_ADVICE =
  'Reconcile: `rdns plan --refresh` plans records changed or deleted outside git back to what git says; a record added outside git must be deleted from the hosted zone (or added to its block file).';

// The zone as Route53 holds it: record key → sorted values, managed types below the apex.
const LIVE = [
  '{ for s in self.resource_record_sets :',
  '"${s.type} ${lower(trimsuffix(s.name, "."))}." => join(" ", sort([for r in s.resource_records : r.value]))',
  'if contains(local.rdns_types, s.type) && lower(trimsuffix(s.name, ".")) != local.rdns_apex }',
].join(' ');

// Records that differ, as message lines. HCL does not short-circuit `&&`: every lookup has a
// default. A postcondition may refer to its own object only as `self`, not through a local,
// so the live map is written out where it is used.
const DRIFT = [
  'var.rdns_applied == null ? [] : concat(',
  `[for k, v in ${LIVE} : "changed | \${k} | route53: \${v} | git: \${lookup(local.rdns_rendered, k, "")}"`,
  'if !var.rdns_refreshed && lookup(local.rdns_rendered, k, null) != null && v != lookup(local.rdns_rendered, k, "") && v != lookup(var.rdns_applied, k, "")],',
  `[for k, v in ${LIVE} : "added | \${k} | route53: \${v} | git: (none)"`,
  'if local.rdns_exclusive && lookup(local.rdns_rendered, k, null) == null && lookup(var.rdns_applied, k, null) == null],',
  `[for k in setsubtract(keys(var.rdns_applied), keys(${LIVE})) : "deleted | \${k} | route53: (none) | git: \${var.rdns_applied[k]}"`,
  'if !var.rdns_refreshed && lookup(local.rdns_rendered, k, null) == var.rdns_applied[k]]',
  ')',
].join(' ');

const CONDITION = `\${length(${DRIFT}) == 0}`;
const MESSAGE = `${DRIFT_CODE}: the hosted zone differs from git and from what Terraform last applied:\n\${join("\\n", ${DRIFT})}\n${DRIFT_ADVICE}`;
const ZONE_REF = /^\$\{(?:aws_route53_zone\.[A-Za-z0-9_]+\.zone_id)\}$/;

/** The expressions of the live check, as they appear in the Terraform JSON (for checkSynthOutput). */
export const LIVE_CHECK_EXPRESSIONS: readonly string[] = [CONDITION, MESSAGE];

/**
 * The Terraform JSON of the live check of one zone: a `data "aws_route53_records"` whose
 * postcondition fails the plan. `zoneId`: a literal id or a reference to the stack's own
 * `aws_route53_zone`; `rendered`: record key → values (see recordKeyOf).
 */
export function liveCheckJson(zoneId: string, apex: string, exclusive: boolean, rendered: Readonly<Record<string, string>>): Record<string, unknown> {
  if (zoneId.includes('${') && !ZONE_REF.test(zoneId)) throw new Error(`internal: unexpected zone reference ${zoneId}`);
  return {
    variable: {
      rdns_applied: {
        type: 'map(string)',
        default: null,
        description: 'Record sets of the last apply (key "TYPE name" → values), read from the state by rdns plan; null skips the live check',
      },
      rdns_refreshed: { type: 'bool', default: false, description: 'true when the plan refreshes every record (rdns plan --refresh): only records added outside git fail it' },
    },
    locals: {
      rdns_apex: apex.toLowerCase().replace(/\.$/, ''),
      rdns_exclusive: exclusive,
      rdns_types: [...MANAGED_TYPES],
      rdns_rendered: rendered,
    },
    data: {
      aws_route53_records: {
        live: { zone_id: zoneId, lifecycle: { postcondition: [{ condition: CONDITION, error_message: MESSAGE }] } },
      },
    },
  };
}

/** One record the live check found changed, added or deleted outside git. */
export interface DriftedRecord {
  readonly kind: 'changed' | 'added' | 'deleted';
  readonly type: string;
  readonly name: string;
  /** What Route53 holds (absent: deleted outside git). */
  readonly route53?: string;
  /** What git renders (absent: added outside git). */
  readonly git?: string;
}

/**
 * The records of a failed live check in Terraform's output (none when the failure is
 * something else). Terraform wraps long message lines at spaces (and may frame them with
 * box drawing), so the message is read as one line of text.
 */
export function driftOf(terraformMessage: string): DriftedRecord[] {
  const at = terraformMessage.indexOf(`${DRIFT_CODE}:`);
  if (at < 0) return [];
  const text = terraformMessage
    .slice(at)
    .split('\n')
    .map((l) => l.replace(/^\s*[│╷╵]?\s*/, '').trim())
    .join(' ')
    .replace(/ Reconcile: .*$/, '');
  const out: DriftedRecord[] = [];
  const entry = /(changed|added|deleted) \| (\S+) (\S+) \| route53: (.*?) \| git: (.*?)(?= (?:changed|added|deleted) \| |$)/g;
  for (const m of text.matchAll(entry)) {
    out.push({
      kind: m[1] as DriftedRecord['kind'],
      type: m[2]!,
      name: m[3]!,
      ...(m[4] !== '(none)' ? { route53: m[4]! } : {}),
      ...(m[5] !== '(none)' ? { git: m[5]!.trim() } : {}),
    });
  }
  return out;
}
