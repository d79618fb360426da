/**
 * The GitHub REST client: octokit with the retry plugin (5xx and network failures) and
 * the throttling plugin (primary and secondary rate limits, ≥ 1 s between writes).
 * src/github/ is the only folder that imports octokit; everything else talks to GitHub
 * through the narrow interfaces in host.ts, so tests and other code never see octokit.
 *
 * The token is passed in (the CLI reads GITHUB_TOKEN) and never appears in any message:
 * every error leaving this folder goes through {@link toGitHubError}, which redacts it.
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { RdnsError } from '../core/errors.js';

// Typed as the plain REST Octokit: the plugins add behaviour, not methods we call.
const RdnsOctokit: typeof Octokit = Octokit.plugin(retry, throttling);

/** An authenticated octokit with retry and throttling. Only code in src/github/ uses it directly. */
export type GitHubClient = Octokit;

export const DEFAULT_API_URL = 'https://api.github.com';

export interface GitHubClientOptions {
  /** GITHUB_TOKEN, a GitHub App installation token or a personal access token. */
  readonly token: string;
  /** REST base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  readonly baseUrl?: string;
  /** Receives retry and rate-limit notices (never the token). Default: dropped. */
  readonly warn?: (message: string) => void;
  /** Retries of a request that failed with a 5xx or a network error (default 3). */
  readonly retries?: number;
  /** The n-th retry waits n² × this many ms (default 1000; tests lower it). */
  readonly retryBaseMs?: number;
  /** Per-request timeout in ms (default 30 s): a hung API must not hang CI for six hours. */
  readonly timeoutMs?: number;
  /** Rate-limit handling and writes ≥ 1 s apart as GitHub asks (default true; tests against a local server may turn it off). */
  readonly throttle?: boolean;
  /**
   * With throttling: writes one at a time, at least this many ms apart, and so are writes that
   * notify people (a comment) among themselves (default: the plugin's 1 s, and 3 s for those, as
   * GitHub asks; tests against a local server lower it).
   */
  readonly writeGapMs?: number;
}

/** A write limiter of the throttling plugin (a Bottleneck group: one write at a time, a minimum gap between their starts). */
export type WriteLimiter = NonNullable<Extract<NonNullable<ConstructorParameters<typeof Octokit>[0]>['throttle'], { onRateLimit: unknown }>['write']>;

/** The clock of {@link spacedWrites} (tests pass their own). */
export interface WriteClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: WriteClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * A write limiter of the plugin with a gap of `gapMs` instead of its 1 s (3 s for writes that
 * notify): writes wait their turn, and each starts `gapMs` after the one before it started. Its
 * own, not the plugin's groups, which every client of the process shares.
 */
export function spacedWrites(gapMs: number, clock: WriteClock = REAL_CLOCK): WriteLimiter {
  let queue: Promise<unknown> = Promise.resolve();
  let nextStart = -Infinity;
  const schedule = <T>(_options: unknown, job: () => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      const wait = nextStart - clock.now();
      if (wait > 0) await clock.sleep(wait);
      nextStart = clock.now() + gapMs;
      return job();
    });
    queue = run.catch(() => undefined);
    return run;
  };
  return { key: () => ({ schedule }) } as unknown as WriteLimiter;
}

/** `owner/name` of a repository. */
export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** Parses `owner/name` (GITHUB_REPOSITORY); throws a usage error otherwise. */
export function parseRepository(slug: string): RepoRef {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(slug.trim());
  if (!m) throw new RdnsError(`"${slug}" is not a repository (owner/name)`, 2, 'set GITHUB_REPOSITORY=owner/name (GitHub Actions sets it)');
  return { owner: m[1]!, repo: m[2]! };
}

/** Checks and normalises an API base URL (no trailing slash). */
export function normaliseApiUrl(url: string | undefined): string {
  const raw = (url ?? '').trim() || DEFAULT_API_URL;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new RdnsError(`GitHub API URL "${raw}" is not a URL`, 2, 'use https://api.github.com or https://HOST/api/v3 (GitHub Enterprise Server)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RdnsError(`GitHub API URL "${raw}" must be http(s)`, 2, 'use https://api.github.com or https://HOST/api/v3 (GitHub Enterprise Server)');
  }
  // Credentials in the URL would be sent everywhere and printed in errors.
  if (parsed.username || parsed.password) throw new RdnsError('the GitHub API URL must not contain credentials', 2, 'pass the token in GITHUB_TOKEN');
  return parsed.toString().replace(/\/+$/, '');
}

/** Builds the client. Does no request (so it cannot fail on the network). */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  if (!options.token) throw new RdnsError('no GitHub token', 2, 'set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ github.token }})');
  const warn = (m: string): void => options.warn?.(redact(m, options.token));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const limitHandler =
    (kind: string) =>
    (retryAfter: number, req: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      // Two waits are plenty for a CI job; after that the run fails with the API's message.
      const again = retryCount < 2 && retryAfter <= 120;
      warn(`GitHub ${kind} rate limit on ${req.method} ${req.url}: ${again ? `retrying in ${retryAfter} s` : 'giving up'}`);
      return again;
    };
  const throttle = {
    onRateLimit: limitHandler('primary'),
    onSecondaryRateLimit: limitHandler('secondary'),
    ...(options.writeGapMs !== undefined ? { write: spacedWrites(options.writeGapMs), notifications: spacedWrites(options.writeGapMs) } : {}),
  };
  const client = new RdnsOctokit({
    auth: options.token,
    baseUrl: normaliseApiUrl(options.baseUrl),
    userAgent: 'rdns-gitops',
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: options.throttle === false ? { ...throttle, enabled: false } : throttle,
    request: {
      // Bounded requests (an explicit signal from a caller wins); every 5xx is noted, so a
      // slow run that retried says why.
      fetch: async (url: string | URL, init?: RequestInit) => {
        const res = await fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
        if (res.status >= 500) warn(`GitHub ${init?.method ?? 'GET'} ${new URL(String(url)).pathname} answered ${res.status}`);
        return res;
      },
    },
    // octokit's default logger writes to the console. Its error lines repeat failures the
    // caller reports anyway (and 404 is an expected answer for team membership): drop them.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => warn(m), error: () => {} },
  });
  return client;
}

/** Removes the token (and any bearer/token header value) from a text. */
export function redact(text: string, token: string | undefined): string {
  let out = text;
  if (token && token.length >= 4) out = out.split(token).join('[REDACTED]');
  return out.replace(/\b(token|bearer)\s+[A-Za-z0-9_.-]{8,}/gi, '$1 [REDACTED]');
}

/** Where a GitHub call was made from, for the hint of a failure. */
export interface GitHubCallSite {
  /** The API base URL asked (its host is named when it cannot be reached). */
  readonly apiUrl?: string;
  /** Inside a CI job (GitHub Actions): "re-run the job" is the advice there; elsewhere it means nothing. */
  readonly ci?: boolean;
}

/**
 * Any failure of a GitHub call → an RdnsError (exit 2) whose message names the request
 * and GitHub's answer, with a hint for the usual causes, and never the token. Without a
 * `site`, the call is taken to run in CI (the pull-request job).
 */
export function toGitHubError(e: unknown, what: string, token: string | undefined, site?: GitHubCallSite): RdnsError {
  const err = e as { status?: number; message?: string; response?: { data?: { message?: string } } };
  const status = typeof err.status === 'number' ? err.status : undefined;
  const apiMessage = err.response?.data?.message ?? err.message ?? String(e);
  // octokit reports a request that got no HTTP answer at all (DNS, refused, TLS, timeout) as a 500 without a response.
  const unreachable = status === undefined || (status === 500 && err.response === undefined && (e as { name?: string }).name === 'HttpError');
  const local = site !== undefined && site.ci !== true;
  if (unreachable && local) {
    let host = 'api.github.com';
    try {
      host = new URL(normaliseApiUrl(site.apiUrl)).host;
    } catch {
      // keep the default name
    }
    return new RdnsError(redact(`could not reach ${host}: ${apiMessage} (while ${what})`, token), 2, `check the network connection (a proxy or firewall?) and the API URL (GITHUB_API_URL, or github.api_url in rdns.yaml; now ${normaliseApiUrlSafe(site.apiUrl)})`);
  }
  const hint =
    status === 401
      ? 'the token is invalid or expired: check GITHUB_TOKEN'
      : status === 403 || status === 404
        ? local
          ? 'the token lacks a permission, or the repository name is wrong (a fine-grained token needs Contents and Pull requests: read and write on this repository)'
          : 'the token lacks a permission (workflow permissions: pull-requests: write, checks: write; team membership needs a token with read:org / members: read)'
        : unreachable || (status !== undefined && status >= 500)
          ? local
            ? `GitHub answered ${status ?? 'nothing'}: try again in a few minutes (https://www.githubstatus.com)`
            : 'GitHub (or github.api_url / GITHUB_API_URL) did not answer; re-run the job'
          : undefined;
  return new RdnsError(redact(`GitHub API: ${what} failed${status ? ` (${status})` : ''}: ${apiMessage}`, token), 2, hint);
}

function normaliseApiUrlSafe(url: string | undefined): string {
  try {
    return normaliseApiUrl(url);
  } catch {
    return String(url);
  }
}
