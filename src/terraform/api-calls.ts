/**
 * The AWS API calls a Terraform run made, counted from the provider's own log: with
 * `TF_LOG_PROVIDER=DEBUG` and `TF_LOG_PATH`, hashicorp/aws (aws-sdk-go-v2 through
 * aws-sdk-go-base) writes one `HTTP Request Sent:` entry per request, retries included,
 * naming the service (`rpc.service`) and the action (`rpc.method`). That is what production
 * sends to Route 53, so the count is real there too, not only against the stand-in.
 *
 * Cost, measured (Terraform 1.11.4, hashicorp/aws 5.100.0, a refreshed plan of 256 PTRs,
 * 515 requests): ≈ 2 MB of log and no CPU difference beyond run-to-run noise (6.2–6.4 s with
 * and without), so it is on by default. The log holds request and response bodies (record
 * data; the provider masks signatures): it is written to a private temporary folder, read
 * once and deleted, never shown.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Route 53's documented quota: five API requests per second per AWS account. */
export const ROUTE53_REQUESTS_PER_SECOND = 5;

export interface ApiCalls {
  /** Requests per action, retries included: Route 53 actions by name (`ChangeResourceRecordSets`), others as `service:Action` (`sts:GetCallerIdentity`). */
  readonly byAction: Readonly<Record<string, number>>;
  /** All requests. */
  readonly total: number;
  /** Route 53 requests: what counts against its quota of five per second. */
  readonly route53: number;
  /** Requests that repeated an earlier attempt (throttled or failed, then retried by the SDK). */
  readonly retries: number;
  /** Of the retries, those to Route 53 (its throttled requests are retried and count against its quota too). */
  readonly route53Retries: number;
}

export const NO_API_CALLS: ApiCalls = { byAction: {}, total: 0, route53: 0, retries: 0, route53Retries: 0 };

const SENT = /HTTP Request Sent:/;
const METHOD = /\brpc\.method=("?)([A-Za-z0-9]+)\1/;
const SERVICE = /\brpc\.service=(?:"([^"]*)"|(\S+))/;
const ATTEMPT = /attempt=(\d+)/;

/** A log entry starts with its timestamp; fields after a multi-line body continue on later lines. */
const ENTRY_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
/** Lines of a logged body (`  | <xml…>`): data, never fields. */
const BODY_LINE = /^\s*\|/;

/**
 * Counts the requests in a provider DEBUG log (see the module comment). An entry's fields
 * come in no fixed order and may follow a multi-line body, so each entry is read whole.
 */
export function countApiCalls(log: string): ApiCalls {
  const byAction: Record<string, number> = {};
  let total = 0;
  let route53 = 0;
  let retries = 0;
  let route53Retries = 0;
  const count = (entry: string): void => {
    if (!SENT.test(entry)) return;
    const action = METHOD.exec(entry)?.[2] ?? 'unknown';
    const service = SERVICE.exec(entry);
    const name = service ? (service[1] ?? service[2] ?? '') : '';
    const isRoute53 = name === 'Route 53';
    const key = isRoute53 ? action : `${serviceKey(name)}:${action}`;
    byAction[key] = (byAction[key] ?? 0) + 1;
    total++;
    if (isRoute53) route53++;
    if (Number(ATTEMPT.exec(entry)?.[1] ?? 1) > 1) {
      retries++;
      if (isRoute53) route53Retries++;
    }
  };
  let entry = '';
  for (const line of log.split('\n')) {
    if (ENTRY_START.test(line)) {
      count(entry);
      entry = line;
    } else if (!BODY_LINE.test(line)) entry += ` ${line}`;
  }
  count(entry);
  return { byAction: sortKeys(byAction), total, route53, retries, route53Retries };
}

/** `STS` → `sts`, `Route 53 Domains` → `route53domains`. */
const serviceKey = (service: string): string => service.toLowerCase().replace(/\s+/g, '') || 'unknown';

function sortKeys(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The sum of several counts; undefined when any is undefined (not counted). */
export function sumApiCalls(list: readonly (ApiCalls | undefined)[]): ApiCalls | undefined {
  if (list.some((c) => c === undefined)) return undefined;
  const byAction: Record<string, number> = {};
  for (const c of list as ApiCalls[]) for (const [k, n] of Object.entries(c.byAction)) byAction[k] = (byAction[k] ?? 0) + n;
  const sum = (f: (c: ApiCalls) => number) => (list as ApiCalls[]).reduce((n, c) => n + f(c), 0);
  return { byAction: sortKeys(byAction), total: sum((c) => c.total), route53: sum((c) => c.route53), retries: sum((c) => c.retries), route53Retries: sum((c) => c.route53Retries ?? 0) };
}

/** Seconds the Route 53 requests take at least at its quota of five per second. */
export const secondsAtQuota = (calls: ApiCalls): number => calls.route53 / ROUTE53_REQUESTS_PER_SECOND;

/**
 * Route 53 calls per changed record of an apply, with its retries and without them (what
 * the provider needs at least: for each record set of hashicorp/aws 5.100, GetHostedZone,
 * ChangeResourceRecordSets, GetChange until in sync, then GetHostedZone and
 * ListResourceRecordSets to read it back). Undefined when nothing changed.
 */
export function callsPerRecord(calls: ApiCalls, changedRecords: number): { readonly withRetries: number; readonly withoutRetries: number } | undefined {
  if (!(changedRecords > 0)) return undefined;
  return { withRetries: calls.route53 / changedRecords, withoutRetries: (calls.route53 - (calls.route53Retries ?? 0)) / changedRecords };
}

/** `3 of them retries` (`1 of them a retry`) for reports. */
export const retriesText = (n: number): string => `${n.toLocaleString('en-US')} of them ${n === 1 ? 'a retry' : 'retries'}`;

/** `6 Route 53 (ChangeResourceRecordSets 1, GetChange 1, …), 1 STS` for reports. */
export function apiCallsText(calls: ApiCalls): string {
  const route53 = Object.entries(calls.byAction).filter(([k]) => !k.includes(':'));
  const other = Object.entries(calls.byAction).filter(([k]) => k.includes(':'));
  const parts = [`${calls.route53.toLocaleString('en-US')} Route 53${route53.length ? ` (${route53.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`];
  if (other.length) parts.push(other.map(([k, n]) => `${n} ${k}`).join(', '));
  if (calls.retries) parts.push(`${retriesText(calls.retries)} (throttled or failed attempts)`);
  return parts.join('; ');
}

export interface ApiCallLog {
  /** Variables to add to the Terraform process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Reads and deletes the log: the calls of the run (undefined when there was no log). */
  collect(): ApiCalls | undefined;
}

/**
 * A provider DEBUG log for one Terraform run, or undefined when the environment already
 * sets Terraform's logging (`TF_LOG`, `TF_LOG_PATH`, `TF_LOG_PROVIDER`): the operator's own
 * log settings win, and the calls are then not counted.
 */
export function apiCallLog(env: Readonly<Record<string, string | undefined>>): ApiCallLog | undefined {
  if (env.TF_LOG || env.TF_LOG_PATH || env.TF_LOG_PROVIDER || env.TF_LOG_CORE) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rdns-tf-log-'));
  const path = join(dir, 'provider.log');
  return {
    env: { TF_LOG_PROVIDER: 'DEBUG', TF_LOG_PATH: path },
    collect: () => {
      try {
        return countApiCalls(readFileSync(path, 'utf8'));
      } catch (e) {
        // No log at all: Terraform started no provider, so it made no call.
        return (e as NodeJS.ErrnoException).code === 'ENOENT' ? NO_API_CALLS : undefined;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
