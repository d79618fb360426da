/**
 * The narrow interface through which the pull-request pipeline talks to GitHub. Plain
 * types only (no octokit): src/ci/ and the tests depend on this, octokit-host.ts
 * implements it against the REST API.
 */

/** GitHub's limit for an issue or pull-request comment body (characters). */
export const MAX_COMMENT_CHARS = 65_536;
/** GitHub's limit for a check run's output.summary and output.text (characters). */
export const MAX_CHECK_OUTPUT_CHARS = 65_535;
/** GitHub accepts at most this many annotations per create/update check-run request. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

/** One check-run annotation, in GitHub's field names. */
export interface CheckAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  /** Only when start_line === end_line (GitHub's rule). */
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: 'failure' | 'warning' | 'notice';
  readonly message: string;
  readonly title?: string;
}

export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface CheckRunReport {
  readonly name: string;
  readonly headSha: string;
  readonly conclusion: CheckConclusion;
  readonly title: string;
  /** Markdown, at most {@link MAX_CHECK_OUTPUT_CHARS}. */
  readonly summary: string;
  readonly annotations: readonly CheckAnnotation[];
}

export interface PublishedComment {
  readonly id: number;
  readonly url?: string;
  /** false: an existing comment carrying the marker was updated in place. */
  readonly created: boolean;
}

export interface PublishedCheckRun {
  readonly id: number;
  readonly url?: string;
  /** Update requests sent, each with ≤ 50 annotations. */
  readonly batches: number;
}

/** One event of a pull request's timeline as GitHub's issue events API gives it. */
export interface IssueEvent {
  /** `labeled`, `unlabeled`, `head_ref_force_pushed`, … */
  readonly event: string;
  readonly label?: string;
  /** `type` is `User` for a person, `Bot` for an app or GitHub Actions. */
  readonly actor?: { readonly login: string; readonly type?: string };
  /** ISO time GitHub recorded the event. */
  readonly at?: string;
}

/** What `rdns ci` needs from the pull request's host. */
export interface PullRequestHost {
  /** Current label names of the pull request (read live: the event payload is stale on re-runs). */
  labels(pr: number): Promise<string[]>;
  /** Login of whoever added `label` to the pull request most recently (from its events); undefined when unknown. */
  labelAppliedBy?(pr: number, label: string): Promise<string | undefined>;
  /** The pull request's issue events, oldest first: who added or removed which label when, force pushes. */
  issueEvents?(pr: number): Promise<IssueEvent[]>;
  /** The repository role of `login`: `admin`, `maintain`, `write`, `triage`, `read` or `none`. */
  roleOf?(login: string): Promise<string>;
  /** Removes a label from the pull request (a label that is already gone is no error). */
  removeLabel?(pr: number, label: string): Promise<void>;
  /** Whether `login` is an active member of `org/team` (team slug). */
  isTeamMember(org: string, team: string, login: string): Promise<boolean>;
  /**
   * Creates the one comment carrying `marker`, or updates it in place when it exists,
   * so a pull request has a single sticky summary however often CI re-runs.
   */
  upsertStickyComment(pr: number, marker: string, body: string): Promise<PublishedComment>;
  /** Creates a check run on the head commit and sends its annotations in batches of ≤ 50. */
  publishCheckRun(report: CheckRunReport): Promise<PublishedCheckRun>;
}

/** Splits a list into consecutive chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
