/**
 * Diagnostics → check-run annotations, and the publishing of one CI result to the pull
 * request through a {@link PullRequestHost}: the sticky comment and the check run.
 * Publishing is best effort: a fork's read-only token cannot comment, and that must not
 * hide the findings (the exit code still blocks the merge), so failures come back as
 * notices instead of being thrown.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import { type CheckAnnotation, type CheckRunReport, type PublishedCheckRun, type PublishedComment, type PullRequestHost } from '../github/host.js';
import { COMMENT_MARKER } from './comment.js';
import type { CiReport } from './run-ci.js';

/** Name of the check run shown in the pull request's checks list. */
export const CHECK_NAME = 'rdns';

/**
 * Annotations sent per run: 20 requests of 50. Writes are paced ≥ 1 s apart, so 10,000
 * findings would hold the job for minutes; past this the counts in the summary speak.
 */
export const MAX_ANNOTATIONS = 1000;

/** One annotation per diagnostic that has a place in a file (others are in the summary only). */
export function toAnnotations(diagnostics: readonly Diagnostic[]): CheckAnnotation[] {
  const out: CheckAnnotation[] = [];
  for (const d of diagnostics) {
    if (!d.file) continue;
    const line = d.line ?? 1;
    const a: { -readonly [K in keyof CheckAnnotation]: CheckAnnotation[K] } = {
      path: d.file,
      start_line: line,
      end_line: line,
      annotation_level: d.severity === 'error' ? 'failure' : 'warning',
      message: d.message.slice(0, 64 * 1024 - 1),
      title: d.code.slice(0, 255),
    };
    // GitHub accepts columns only on single-line annotations, which these are.
    if (d.line && d.column) {
      a.start_column = d.column;
      a.end_column = d.column;
    }
    out.push(a);
  }
  return out;
}

/** The check run for a report: failure on errors, success otherwise (warnings show as annotations). */
export function checkRunOf(report: CiReport, headSha: string, summary: string): CheckRunReport {
  // Errors first: if the list is cut, what blocks the merge is still on the lines.
  const all = toAnnotations([...report.diagnostics.filter((d) => d.severity === 'error'), ...report.diagnostics.filter((d) => d.severity !== 'error')]);
  const title =
    report.errors > 0
      ? `${report.errors} error${report.errors === 1 ? '' : 's'}${report.warnings > 0 ? `, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}` : ''}`
      : report.warnings > 0
        ? `passed with ${report.warnings} warning${report.warnings === 1 ? '' : 's'}`
        : 'all checks passed';
  return {
    name: CHECK_NAME,
    headSha,
    conclusion: report.errors > 0 ? 'failure' : 'success',
    title,
    summary: (all.length > MAX_ANNOTATIONS ? `Annotations: the first ${MAX_ANNOTATIONS} of ${all.length} findings.\n\n` : '') + summary.replace(`${COMMENT_MARKER}\n`, ''),
    annotations: all.slice(0, MAX_ANNOTATIONS),
  };
}

export interface PublishOutcome {
  readonly comment?: PublishedComment;
  readonly checkRun?: PublishedCheckRun;
  /** What could not be published, for stderr (no token in them: host errors are redacted). */
  readonly notices: readonly string[];
}

/** Posts or updates the sticky comment, then creates the check run (when the head commit is known). */
export async function publishToPullRequest(host: PullRequestHost, report: CiReport, body: string, pr: { number: number; headSha?: string }): Promise<PublishOutcome> {
  const notices: string[] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof RdnsError)) throw e;
      notices.push(`could not publish the ${what}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
      return undefined;
    }
  };
  const comment = await attempt('pull-request comment', () => host.upsertStickyComment(pr.number, COMMENT_MARKER, body));
  const checkRun = pr.headSha ? await attempt('check run', () => host.publishCheckRun(checkRunOf(report, pr.headSha!, body))) : undefined;
  return { comment, checkRun, notices };
}
