/**
 * A pull request that changes rdns.yaml changes the policy every later pull request is
 * judged by. `rdns ci` never applies the head's rdns.yaml (the target branch's decides
 * every verdict); the change itself needs the repository's administrators: the `owners`
 * that the TARGET branch's rdns.yaml names. Without owners, nobody can approve it through
 * a pull request (an administrator merges past the check).
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';
import { ownerMatcher, type TeamMembership } from './ownership.js';

export const CONFIG_POS = { file: 'rdns.yaml', line: 1, column: 1 } as const;

/** Top-level settings whose value differs, sorted (`the whole file` when one side does not parse). */
export function changedSettings(before: unknown, after: unknown): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (before === undefined || after === undefined) return ['the whole file'];
  const a = isMap(before) ? before : {};
  const b = isMap(after) ? after : {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

export interface ConfigChangeInput {
  /** Top-level settings the pull request changes ({@link changedSettings}). */
  readonly settings: readonly string[];
  /** `owners` of the target branch's rdns.yaml. */
  readonly owners: readonly string[];
  /** The pull request's author; undefined when unknown (a local run without --author). */
  readonly author?: string;
  readonly isTeamMember: TeamMembership;
}

/** `config.changed` unless the author is one of the target branch's rdns.yaml owners; the note says who changed it when allowed. */
export async function checkConfigChange(input: ConfigChangeInput): Promise<{ diagnostics: Diagnostic[]; note?: string }> {
  const what = `this pull request changes rdns.yaml (${input.settings.join(', ') || 'formatting only'})`;
  const applies = 'until it is merged the checks use the target branch\'s rdns.yaml';
  const refuse = (why: string): { diagnostics: Diagnostic[] } => ({ diagnostics: [diag('config.changed', `${what}; ${why}; ${applies}`, CONFIG_POS, { value: input.settings.join(',') })] });
  if (input.owners.length === 0) return refuse("the target branch's rdns.yaml names no owners, so only the repository's administrators can approve it (they add `owners:` to rdns.yaml, or merge past this check)");
  if (!input.author) return refuse(`no pull-request author to check against its owners ${input.owners.join(', ')} (pass --author LOGIN)`);
  const who = `@${input.author.replace(/^@/, '')}`;
  if (await ownerMatcher(input.author, input.isTeamMember)(input.owners)) return { diagnostics: [], note: `rdns.yaml changed by ${who}, one of its owners` };
  return refuse(`it may be changed by ${input.owners.join(', ')} (${who} is not one of them)`);
}
