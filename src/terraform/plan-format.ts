/**
 * A plan in PTR terms as text (terminal), JSON (the workflow) and markdown (the sticky
 * pull-request comment). Pure.
 */
import { cellText, code } from '../ci/comment.js';
import { plural } from '../core/text.js';
import { DRIFT_ADVICE } from '../render/live-check.js';
import { apiCallsText, sumApiCalls, type ApiCalls } from './api-calls.js';
import { hasChanges, type ChangedRecord, type DriftRecord, type PlannedRecord, type RecordChanges, type StackPlan } from './plan-summary.js';

/** The result of `rdns plan`: one entry per planned stack, plus stacks head no longer has. */
export interface PlanReport {
  readonly stacks: readonly StackPlan[];
  /** Stacks of the base revision that the head no longer produces (planned in `stacks` as the removal of their records). */
  readonly removed: readonly { readonly stack: string; readonly zone: string; readonly files: readonly string[] }[];
  /** Revision the stacks were selected against (`--changed-since`), if any. */
  readonly changedSince?: string;
}

export const PLAN_COMMENT_MARKER = '<!-- rdns-gitops:plan -->';

/** GitHub refuses comments over 65,536 characters; rows per zone are capped well below. */
const MAX_ROWS_PER_ZONE = 50;
const MAX_COMMENT_CHARS = 60_000;

export interface PlanTotals {
  readonly stacks: number;
  readonly withChanges: number;
  readonly errors: number;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly zonesCreated: number;
  readonly zonesDestroyed: number;
  /** AWS API calls of all the plans; absent when a stack's were not counted. */
  readonly apiCalls?: ApiCalls;
}

export function planTotals(r: PlanReport): PlanTotals {
  const sum = (f: (c: RecordChanges) => number): number => r.stacks.reduce((n, s) => n + f(s.records) + f(s.forward), 0);
  const calls = r.stacks.length > 0 ? sumApiCalls(r.stacks.map((s) => s.apiCalls)) : undefined;
  return {
    stacks: r.stacks.length,
    withChanges: r.stacks.filter((s) => s.status === 'ok' && hasChanges(s)).length,
    errors: r.stacks.filter((s) => s.status === 'error').length,
    added: sum((c) => c.added.length),
    changed: sum((c) => c.changed.length),
    removed: sum((c) => c.removed.length),
    zonesCreated: r.stacks.filter((s) => s.zoneAction === 'create').length,
    zonesDestroyed: r.stacks.filter((s) => s.zoneAction === 'delete' || s.zoneAction === 'replace').length,
    ...(calls ? { apiCalls: calls } : {}),
  };
}

export function planJson(r: PlanReport): string {
  return `${JSON.stringify({ ...(r.changedSince ? { changedSince: r.changedSince } : {}), stacks: r.stacks, removed: r.removed, summary: planTotals(r) }, null, 2)}\n`;
}

const label = (x: { ip?: string; name: string; type: string }): string => `${x.ip ?? x.name}${x.type === 'PTR' || x.type === 'A' || x.type === 'AAAA' ? '' : ` ${x.type}`}`;
const values = (v: readonly string[]): string => v.join(', ');

function totalsLine(t: PlanTotals): string {
  const parts = [`${plural(t.added, 'record')} added`, `${t.changed.toLocaleString('en-US')} changed`, `${t.removed.toLocaleString('en-US')} removed`];
  if (t.zonesCreated) parts.push(`${plural(t.zonesCreated, 'zone')} created`);
  if (t.zonesDestroyed) parts.push(`${plural(t.zonesDestroyed, 'zone')} destroyed`);
  return `${plural(t.stacks, 'stack')} planned (${t.withChanges} with changes${t.errors ? `, ${t.errors} failed` : ''}): ${parts.join(', ')}`;
}

const zoneActionText = (a: NonNullable<StackPlan['zoneAction']>): string => (a === 'release' ? 'kept in Route53, no longer managed' : a);

/** `192.0.2.10 PTR changed outside git: Route53 has x., git has y.` */
export function driftText(d: DriftRecord): string {
  const what =
    d.kind === 'changed' ? `changed outside git: Route53 has ${d.route53}, git has ${d.git}` : d.kind === 'added' ? `added outside git: Route53 has ${d.route53}, git has none` : `deleted outside git: git has ${d.git}`;
  return `${label(d).padEnd(20)} ${d.type.padEnd(5)} ${what}${d.address ? ` (${d.address})` : ''}`;
}

function migrationText(m: NonNullable<StackPlan['migration']>): string {
  const parts = [`${plural(m.moved, 'record')} moved`, `${m.imported.toLocaleString('en-US')} imported`, ...m.released.map((r) => `${r} released`)];
  return `upgrade of the state: ${parts.join(', ')} (nothing deleted or re-created in Route53)`;
}

/** `+ 198.51.100.7  PTR h7.example.net.` lines per stack. */
export function planText(r: PlanReport): string {
  const lines: string[] = [];
  for (const s of r.stacks) {
    if (s.status === 'error' && s.drift) {
      lines.push(`${s.stack}  ${s.zone}  FAILED: the hosted zone differs from git`, ...s.drift.map((d) => `  ! ${driftText(d)}`), `  ${DRIFT_ADVICE}`);
      continue;
    }
    if (s.status === 'error') {
      lines.push(`${s.stack}  ${s.zone}  FAILED`, ...s.error!.split('\n').map((l) => `  ${l}`));
      continue;
    }
    if (!hasChanges(s)) {
      lines.push(`${s.stack}  ${s.zone}  no changes`);
      continue;
    }
    lines.push(`${s.stack}  ${s.zone}${s.zoneAction ? `  zone: ${zoneActionText(s.zoneAction)}` : ''}`);
    const put = (c: RecordChanges, tag: string): void => {
      for (const a of c.added) lines.push(`  + ${label(a).padEnd(20)} ${a.type.padEnd(5)} ${values(a.values)}${tag}`);
      for (const x of c.changed) lines.push(`  ~ ${label(x).padEnd(20)} ${x.type.padEnd(5)} ${changeText(x)}${tag}`);
      for (const d of c.removed) lines.push(`  - ${label(d).padEnd(20)} ${d.type.padEnd(5)} ${values(d.values)}${tag}`);
    };
    put(s.records, '');
    put(s.forward, '  (forward)');
    for (const o of s.other) lines.push(`  ! ${o.address}: ${o.actions.join(', ')}`);
    if (s.migration) lines.push(`  ${migrationText(s.migration)}`);
  }
  for (const x of r.removed) lines.push(`${x.stack}  ${x.zone}  no longer rendered (was ${x.files.join(', ')}): planned above as the removal of its records; the hosted zone stays unless rdns plan --destroy-zones`);
  const t = planTotals(r);
  lines.push(totalsLine(t));
  if (t.apiCalls) lines.push(`API calls: ${apiCallsText(t.apiCalls)}`);
  return `${lines.join('\n')}\n`;
}

function changeText(x: ChangedRecord): string {
  const v = values(x.old.values) !== values(x.new.values) ? `${values(x.old.values)} → ${values(x.new.values)}` : values(x.new.values);
  return x.old.ttl !== x.new.ttl ? `${v} (TTL ${x.old.ttl ?? '?'} → ${x.new.ttl ?? '?'})` : v;
}

/** The sticky pull-request comment. */
export function planMarkdown(r: PlanReport): string {
  const t = planTotals(r);
  const icon = t.errors > 0 ? '❌' : t.withChanges > 0 ? '📝' : '✅';
  const out: string[] = [PLAN_COMMENT_MARKER, `## ${icon} terraform plan — ${cellText(totalsLine(t))}`, ''];
  if (t.apiCalls) out.push(`API calls of the plan: ${cellText(apiCallsText(t.apiCalls))}`, '');
  if (r.stacks.length === 0 && r.removed.length === 0) out.push(`No stack changes${r.changedSince ? ` since ${code(r.changedSince)}` : ''}: Terraform has nothing to do.`, '');
  const rows = r.stacks.filter((s) => s.status === 'error' || hasChanges(s));
  if (rows.length > 0) {
    out.push('| zone | stack | zone action | added | changed | removed |', '|---|---|---|---:|---:|---:|');
    for (const s of rows) {
      const n = (f: (c: RecordChanges) => number): number => f(s.records) + f(s.forward);
      out.push(
        s.status === 'error'
          ? `| ${code(s.zone)} | ${code(s.stack)} | ❌ plan failed | | | |`
          : `| ${code(s.zone)} | ${code(s.stack)} | ${s.zoneAction ? zoneActionText(s.zoneAction) : ''} | ${n((c) => c.added.length)} | ${n((c) => c.changed.length)} | ${n((c) => c.removed.length)} |`,
      );
    }
    out.push('');
  }
  const unchanged = r.stacks.length - rows.length;
  if (unchanged > 0) out.push(`${plural(unchanged, 'stack')} planned with no changes.`, '');
  for (const s of rows) {
    out.push(`<details${rows.length <= 5 ? ' open' : ''}><summary>${cellText(s.zone)} (${cellText(s.stack)})</summary>`, '');
    if (s.status === 'error' && s.drift) {
      out.push('The hosted zone differs from git:', '', '| | address | type | |', '|---|---|---|---|');
      for (const d of s.drift.slice(0, MAX_ROWS_PER_ZONE)) {
        const text = d.kind === 'changed' ? `changed outside git: Route53 has ${code(d.route53 ?? '')}, git has ${code(d.git ?? '')}` : d.kind === 'added' ? `added outside git: ${code(d.route53 ?? '')}` : `deleted outside git (git has ${code(d.git ?? '')})`;
        out.push(`| ⚠️ | ${code(label(d))} | ${d.type} | ${text} |`);
      }
      out.push('', cellText(DRIFT_ADVICE), '</details>', '');
      continue;
    }
    if (s.status === 'error') {
      out.push('```', s.error!.replace(/```/g, "'''"), '```', '</details>', '');
      continue;
    }
    const table: string[] = [];
    const put = (c: RecordChanges, fwd: boolean): void => {
      const row = (sign: string, x: PlannedRecord | ChangedRecord, text: string): void => void table.push(`| ${sign} | ${code(label(x))} | ${x.type}${fwd ? ' (forward)' : ''} | ${text} |`);
      for (const a of c.added) row('➕', a, code(values(a.values)));
      for (const x of c.changed) row('✏️', x, `${code(values(x.old.values))} → ${code(values(x.new.values))}${x.old.ttl !== x.new.ttl ? ` (TTL ${x.old.ttl ?? '?'} → ${x.new.ttl ?? '?'})` : ''}`);
      for (const d of c.removed) row('➖', d, `~~${code(values(d.values))}~~`);
    };
    put(s.records, false);
    put(s.forward, true);
    if (table.length > 0) {
      out.push('| | address | type | value |', '|---|---|---|---|', ...table.slice(0, MAX_ROWS_PER_ZONE));
      if (table.length > MAX_ROWS_PER_ZONE) out.push(`| | … and ${(table.length - MAX_ROWS_PER_ZONE).toLocaleString('en-US')} more | | (see the job's plan JSON) |`);
      out.push('');
    }
    for (const o of s.other) out.push(`- ⚠️ ${code(o.address)}: ${o.actions.join(', ')}`);
    if (s.migration) out.push(`- ${cellText(migrationText(s.migration))}`);
    out.push('</details>', '');
  }
  for (const x of r.removed) out.push(`- ⚠️ stack ${code(x.stack)} (${code(x.zone)}) is no longer rendered (was ${x.files.map(code).join(', ')}): planned as the removal of its records; the hosted zone stays unless \`rdns plan --destroy-zones\`.`);
  let body = `${out.join('\n').trimEnd()}\n`;
  if (body.length > MAX_COMMENT_CHARS) body = `${body.slice(0, MAX_COMMENT_CHARS)}\n\n…(cut at ${MAX_COMMENT_CHARS.toLocaleString('en-US')} characters: see the job summary)\n`;
  return body;
}
