/**
 * Whether the change-guard label on a pull request approves its head commit. The label
 * approves a commit, by a person: it counts only when the latest `labeled` event for it
 * names a user (not a bot) other than the author, with the triage role or higher on the
 * repository, at a time after the head commit was pushed. A later push needs a new label.
 * Pure apart from the role lookup it is given; fails closed (anything unknown: no).
 */
import type { IssueEvent } from '../github/host.js';

/** Roles that may apply labels (and so approve). */
const APPROVING_ROLES = new Set(['triage', 'write', 'maintain', 'admin']);

export interface PushTime {
  /** ISO time. */
  readonly at: string;
  /** Where it comes from, for the message: `the commit date`, `a force push`, `this push`. */
  readonly source: string;
}

export type LabelApproval = { readonly approved: true; readonly by: string } | { readonly approved: false; readonly why: string; readonly byAuthor?: boolean; readonly stale?: boolean };

const iso = (t: string): string => new Date(t).toISOString().replace(/\.000Z$/, 'Z');

/** The latest of the times the head may have been pushed (GitHub's own events beat a commit date, which the author chooses). */
export function headPushTime(candidates: readonly (PushTime | undefined)[]): PushTime | undefined {
  let latest: PushTime | undefined;
  for (const c of candidates) if (c && !Number.isNaN(Date.parse(c.at)) && (!latest || Date.parse(c.at) > Date.parse(latest.at))) latest = c;
  return latest;
}

/** Force pushes to the head branch, from the pull request's events. */
export const forcePushes = (events: readonly IssueEvent[]): PushTime[] =>
  events.filter((e) => e.event === 'head_ref_force_pushed' && e.at).map((e) => ({ at: e.at!, source: 'a force push' }));

export async function labelApproval(input: {
  readonly label: string;
  readonly author: string;
  readonly repository: string;
  readonly events: readonly IssueEvent[];
  readonly pushed: PushTime | undefined;
  readonly roleOf: (login: string) => Promise<string>;
}): Promise<LabelApproval> {
  const want = input.label.toLowerCase();
  const added = input.events.filter((e) => e.event === 'labeled' && e.label?.toLowerCase() === want).at(-1);
  const by = added?.actor?.login;
  if (!added || !by) return { approved: false, why: 'its events do not say who added it' };
  if (by.toLowerCase() === input.author.replace(/^@/, '').toLowerCase()) {
    return { approved: false, byAuthor: true, why: `"${input.label}" was added by the author @${by}, and an author cannot approve their own change: someone else must add it` };
  }
  if (added.actor?.type !== 'User') return { approved: false, why: `it was added by @${by}, a ${added.actor?.type === 'Bot' ? 'bot' : `${added.actor?.type ?? 'unknown'} account`}; a person must add it` };
  if (!added.at || Number.isNaN(Date.parse(added.at))) return { approved: false, why: `its event does not say when @${by} added it` };
  if (!input.pushed) return { approved: false, why: 'when the head commit was pushed is not known' };
  if (Date.parse(added.at) <= Date.parse(input.pushed.at)) {
    return { approved: false, stale: true, why: `@${by} added it at ${iso(added.at)}, before the head commit was pushed (${iso(input.pushed.at)}, ${input.pushed.source}): a new push needs a new approval` };
  }
  let role: string;
  try {
    role = await input.roleOf(by);
  } catch (e) {
    return { approved: false, why: `the role of @${by} could not be read (${(e as Error).message})` };
  }
  if (!APPROVING_ROLES.has(role)) return { approved: false, why: `it was added by @${by}, who has the ${role} role on ${input.repository} (triage or higher approves)` };
  return { approved: true, by };
}
