/**
 * Forward confirmation at the moment of change, the rule of a provider's PTR portal: a
 * new PTR is saved only when its name resolves (A for IPv4, AAAA for IPv6) back to the
 * address. Uses the same checks as `rdns check` (src/checks/fcrdns.ts) through the
 * injected resolver, so its timeouts and fail-fast apply: without network the answer
 * comes after one short timeout, not one per name.
 */
import { checkFcrdns, type FcrdnsTarget } from '../checks/fcrdns.js';
import type { DnsResolver } from '../checks/resolver.js';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { PlannedChange } from './plan.js';

export interface ForwardCheckOptions {
  readonly resolver: DnsResolver;
  /** Names that cannot be verified (SERVFAIL, timeout, no DNS at all) are saved with a warning instead of refused. */
  readonly allowUnverified?: boolean;
}

export interface ForwardCheck {
  /** One per failing name (at the request's line), or one `resolver.unreachable`. */
  readonly diagnostics: Diagnostic[];
  /** Changes that must not be written. */
  readonly refused: PlannedChange[];
  /** Names checked and names that resolve back. */
  readonly checked: number;
  readonly passed: number;
  /** No DNS server answered: nothing was verified (refused unless allowUnverified). */
  readonly unreachable: boolean;
  /** Changes saved although DNS could not answer for them (allowUnverified only). */
  readonly unverified: PlannedChange[];
}

const HOW = 'the forward record must match before the PTR is saved: fix the A/AAAA record first (or --no-fcrdns)';

/** Confirms the new PTR of every `added`/`changed` change; resets need no confirmation. */
export async function confirmForward(changes: readonly PlannedChange[], options: ForwardCheckOptions): Promise<ForwardCheck> {
  const toCheck = changes.filter((c) => c.new?.source === 'record');
  const byTarget = new Map<FcrdnsTarget, PlannedChange>();
  const targets = toCheck.map((c) => {
    const t: FcrdnsTarget = { ip: c.ip, ipText: c.ipText, ptr: c.new!.ptr, source: 'record', file: c.pos?.file ?? c.file, ...(c.pos ? { pos: c.pos } : {}) };
    byTarget.set(t, c);
    return t;
  });
  if (targets.length === 0) return { diagnostics: [], refused: [], checked: 0, passed: 0, unreachable: false, unverified: [] };
  const report = await checkFcrdns(targets, options.resolver, { strict: !options.allowUnverified });
  if (report.unreachable) {
    const d = report.diagnostics[0]!;
    const tail = options.allowUnverified ? '; saved unverified (--allow-unverified)' : '; nothing was saved: use --resolver HOST:PORT, or --allow-unverified to save without the check';
    return {
      diagnostics: [{ ...d, severity: options.allowUnverified ? 'warning' : 'error', message: `${d.message}${tail}` }],
      refused: options.allowUnverified ? [] : toCheck,
      checked: report.checked,
      passed: 0,
      unreachable: !options.allowUnverified,
      unverified: options.allowUnverified ? toCheck : [],
    };
  }
  const refused: PlannedChange[] = [];
  const unverified: PlannedChange[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const r of report.results) {
    if (r.status === 'pass') continue;
    const change = byTarget.get(r.target)!;
    const unverifiable = r.status === 'servfail' || r.status === 'timeout';
    const allowed = unverifiable && options.allowUnverified;
    if (!allowed) refused.push(change);
    else unverified.push(change);
    const d = report.diagnostics.find((x) => x.ip === r.target.ipText && x.line === r.target.pos?.line);
    const message = `${d?.message ?? `${r.target.ipText} → ${r.target.ptr}: ${r.status}`}; ${allowed ? 'saved unverified (--allow-unverified)' : unverifiable ? `not saved: ${HOW.replace('(or --no-fcrdns)', '(or --allow-unverified when DNS cannot answer)')}` : `not saved: ${HOW}`}`;
    diagnostics.push({ ...(d ?? diag('fcrdns.mismatch', message, r.target.pos, { ip: r.target.ipText })), severity: allowed ? 'warning' : 'error', message });
  }
  return { diagnostics, refused, checked: report.checked, passed: report.passed, unreachable: false, unverified };
}
