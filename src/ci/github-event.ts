/**
 * The parts of a GitHub Actions event payload (the JSON at GITHUB_EVENT_PATH) that the
 * pull-request job needs. Pure: the CLI reads the file and passes the parsed JSON in.
 */
import type { PullRequestInfo } from './run-ci.js';

export interface PullRequestEvent extends PullRequestInfo {
  /** `pull_request.base.sha`: the target branch's commit the event names, the base `rdns ci` judges against. */
  readonly baseSha?: string;
  /** Labels as they were when the event fired (stale on re-runs: read them live when possible). */
  readonly labels: readonly string[];
  /** `opened`, `synchronize` (a push to the head branch), `labeled`, … */
  readonly action?: string;
  /** `pull_request.updated_at`: GitHub sets it to the time of the event (for `synchronize`, the push). */
  readonly updatedAt?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The pull request of a `pull_request` (or `pull_request_target`) event; undefined for
 * other events (push, schedule, workflow_dispatch) or a payload without one.
 */
export function pullRequestOfEvent(payload: unknown): PullRequestEvent | undefined {
  if (!isObject(payload) || !isObject(payload.pull_request)) return undefined;
  const pr = payload.pull_request;
  const number = typeof pr.number === 'number' ? pr.number : typeof payload.number === 'number' ? payload.number : undefined;
  const user = isObject(pr.user) && typeof pr.user.login === 'string' ? pr.user.login : undefined;
  if (number === undefined || !Number.isInteger(number) || number <= 0 || !user) return undefined;
  const head = isObject(pr.head) && typeof pr.head.sha === 'string' && /^[0-9a-f]{40}$/i.test(pr.head.sha) ? pr.head.sha : undefined;
  const base = isObject(pr.base) && typeof pr.base.ref === 'string' ? pr.base.ref : undefined;
  const baseSha = isObject(pr.base) && typeof pr.base.sha === 'string' && /^[0-9a-f]{40}$/i.test(pr.base.sha) ? pr.base.sha : undefined;
  const labels = Array.isArray(pr.labels) ? pr.labels.flatMap((l) => (isObject(l) && typeof l.name === 'string' ? [l.name] : [])) : [];
  const action = typeof payload.action === 'string' ? payload.action : undefined;
  const updatedAt = typeof pr.updated_at === 'string' && !Number.isNaN(Date.parse(pr.updated_at)) ? pr.updated_at : undefined;
  return { number, author: user, labels, ...(head ? { headSha: head } : {}), ...(base ? { baseRef: base } : {}), ...(baseSha ? { baseSha } : {}), ...(action ? { action } : {}), ...(updatedAt ? { updatedAt } : {}) };
}
