/**
 * The pull-request job as pure orchestration: run the steps (validate, diff, ownership,
 * change guards, FCrDNS of what changed) through injected functions, collect every
 * diagnostic, and describe the outcome as data ({@link CiReport}). Rendering (comment,
 * step summary, annotations) and publishing are separate; nothing here does I/O itself.
 */
import type { ChangeSet } from '../core/changeset.js';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';

export type StepName = 'validate' | 'diff' | 'ownership' | 'guards' | 'fcrdns';

/** What one step found. `note` is the one-line result a reviewer reads in the summary table. */
export interface StepOutcome {
  readonly diagnostics: readonly Diagnostic[];
  readonly note?: string;
  /** Set when the step did not run, with the reason (e.g. no pull-request author). */
  readonly skipped?: string;
}

export interface DiffOutcome extends StepOutcome {
  readonly changeSet?: ChangeSet;
}

/**
 * The steps, wired by the caller (the CLI) to validate, diff, ownership, guards and
 * FCrDNS. A step that throws aborts the run (an environment error, exit code 2).
 */
export interface CiSteps {
  validate(): Promise<StepOutcome> | StepOutcome;
  diff(): Promise<DiffOutcome>;
  ownership(changeSet: ChangeSet): Promise<StepOutcome>;
  guards(changeSet: ChangeSet): Promise<StepOutcome> | StepOutcome;
  fcrdns(changeSet: ChangeSet): Promise<StepOutcome>;
}

/** The pull request being checked, when there is one. */
export interface PullRequestInfo {
  readonly number: number;
  readonly author: string;
  /** Commit the check run is attached to (the PR head, not the merge commit). */
  readonly headSha?: string;
  readonly baseRef?: string;
}

export interface StepReport {
  readonly name: StepName;
  readonly errors: number;
  readonly warnings: number;
  readonly note?: string;
  readonly skipped?: string;
}

export interface CiReport {
  readonly steps: readonly StepReport[];
  /** Every finding of every step, de-duplicated and sorted by place. */
  readonly diagnostics: readonly Diagnostic[];
  readonly changeSet?: ChangeSet;
  readonly errors: number;
  readonly warnings: number;
  readonly pr?: PullRequestInfo;
}

const SKIPPED_NO_DIFF = 'the change set could not be computed';

/** Runs the steps in order; ownership, guards and FCrDNS need the change set and are skipped without one. */
export async function runCi(steps: CiSteps, pr?: PullRequestInfo): Promise<CiReport> {
  const reports: StepReport[] = [];
  const all: Diagnostic[] = [];
  const seen = new Set<string>();
  const record = (name: StepName, o: StepOutcome): void => {
    // validate (all files) and the diff (changed files at head) meet the same problems: count each once, where first found.
    const fresh = o.diagnostics.filter((d) => {
      const key = keyOf(d);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    reports.push(stepReport(name, { ...o, diagnostics: fresh }));
    all.push(...fresh);
  };
  record('validate', await steps.validate());
  const diff = await steps.diff();
  record('diff', diff);
  const cs = diff.changeSet;
  record('ownership', cs ? await steps.ownership(cs) : { diagnostics: [], skipped: SKIPPED_NO_DIFF });
  record('guards', cs ? await steps.guards(cs) : { diagnostics: [], skipped: SKIPPED_NO_DIFF });
  record('fcrdns', cs ? await steps.fcrdns(cs) : { diagnostics: [], skipped: SKIPPED_NO_DIFF });
  const diagnostics = sortDiagnostics(all);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { steps: reports, diagnostics, changeSet: cs, errors, warnings: diagnostics.length - errors, pr };
}

function stepReport(name: StepName, o: StepOutcome): StepReport {
  const errors = o.diagnostics.filter((d) => d.severity === 'error').length;
  const r: { -readonly [K in keyof StepReport]: StepReport[K] } = { name, errors, warnings: o.diagnostics.length - errors };
  if (o.note !== undefined) r.note = o.note;
  if (o.skipped !== undefined) r.skipped = o.skipped;
  return r;
}

const keyOf = (d: Diagnostic): string => [d.code, d.file, d.line, d.column, d.ip, d.message].join('\0');

/** Exit code of `rdns ci`: 1 blocks the merge. */
export const ciExitCode = (r: CiReport): 0 | 1 => (r.errors > 0 ? 1 : 0);
