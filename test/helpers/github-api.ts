/**
 * A local stand-in for the GitHub REST API (node:http on 127.0.0.1): it keeps the state
 * the endpoints used by rdns need (labels, team memberships, issue comments, check runs),
 * records every request so tests can assert the exact traffic, and can be told to fail
 * the next matching requests (e.g. a 502) to exercise retries.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined for no body). */
  readonly body: unknown;
  /** HTTP status the fake answered. */
  status: number;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string;
  output: { title?: string; summary?: string };
  annotations: Record<string, unknown>[];
}

export interface FakeIssueEvent {
  event: 'labeled' | 'unlabeled' | 'head_ref_force_pushed';
  label?: string;
  actor: string;
  actorType?: 'User' | 'Bot';
  at?: string;
}

type Handler = (req: RecordedRequest, params: string[]) => { status: number; body?: unknown; headers?: Record<string, string> };

export interface FakeGitHub {
  /** `http://127.0.0.1:PORT` — pass as GITHUB_API_URL / baseUrl. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Label names per pull request number. */
  readonly labels: Map<number, string[]>;
  /**
   * Issue events per pull request number: `labeled` / `unlabeled` with who did it (a `User`
   * unless `actorType` says `Bot`) and when (`at`, ISO time; default: when it is served),
   * and `head_ref_force_pushed`.
   */
  readonly labelEvents: Map<number, FakeIssueEvent[]>;
  /** Repository role per login (lower case): `admin`, `maintain`, `write`, `triage`, `read`; absent: `none`. */
  readonly permissions: Map<string, string>;
  /** Active members per `org/team` (lower case), e.g. `example-isp/noc` → ['alice']. */
  readonly teams: Map<string, string[]>;
  /** Comments per issue / pull request number. */
  readonly comments: Map<number, FakeComment[]>;
  readonly checkRuns: FakeCheckRun[];
  /** Answer the next `times` requests matching method and path with `status`. */
  failNext(method: string, path: RegExp, status: number, times?: number): void;
  /** Adds or overrides an endpoint (checked before the built-in ones). */
  route(method: string, path: RegExp, handler: Handler): void;
  /** Requests as `METHOD /path` lines, for readable assertions. */
  log(): string[];
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. `token`: when set, requests without it (or one of them) get 401. */
export async function startFakeGitHub(options: { token?: string | readonly string[] } = {}): Promise<FakeGitHub> {
  const tokens = options.token === undefined ? [] : typeof options.token === 'string' ? [options.token] : [...options.token];
  const requests: RecordedRequest[] = [];
  const labels = new Map<number, string[]>();
  const teams = new Map<string, string[]>();
  const labelEvents: FakeGitHub['labelEvents'] = new Map();
  const permissions = new Map<string, string>();
  const comments = new Map<number, FakeComment[]>();
  const checkRuns: FakeCheckRun[] = [];
  const failures: { method: string; path: RegExp; status: number; times: number }[] = [];
  const custom: { method: string; path: RegExp; handler: Handler }[] = [];
  let nextId = 1000;
  let base = '';

  // GitHub's pagination: per_page (default 30, max 100), page, and a Link header to the next page.
  const page = (r: RecordedRequest, items: unknown[]): ReturnType<Handler> => {
    const per = Math.min(100, Number(r.query.get('per_page') ?? 30));
    const n = Number(r.query.get('page') ?? 1);
    const headers: Record<string, string> = {};
    if (n * per < items.length) {
      const next = new URLSearchParams(r.query);
      next.set('page', String(n + 1));
      headers.link = `<${base}${r.path}?${next}>; rel="next"`;
    }
    return { status: 200, body: items.slice((n - 1) * per, n * per), headers };
  };

  const builtin: { method: string; path: RegExp; handler: Handler }[] = [
    {
      method: 'GET',
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/labels$/,
      handler: (r, [n]) => page(r, (labels.get(Number(n)) ?? []).map((name, i) => ({ id: i + 1, name }))),
    },
    {
      method: 'GET',
      path: /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/,
      handler: (_r, [org, team, user]) => {
        const members = teams.get(`${org}/${team}`.toLowerCase()) ?? [];
        return members.some((m) => m.toLowerCase() === user!.toLowerCase())
          ? { status: 200, body: { state: 'active', role: 'member', url: `${base}/orgs/${org}/teams/${team}/memberships/${user}` } }
          : { status: 404, body: { message: 'Not Found' } };
      },
    },
    {
      method: 'GET',
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/events$/,
      handler: (r, [n]) =>
        page(
          r,
          (labelEvents.get(Number(n)) ?? []).map((e, i) => ({
            id: i + 1,
            event: e.event,
            actor: { login: e.actor, type: e.actorType ?? 'User' },
            ...(e.label !== undefined ? { label: { name: e.label } } : {}),
            created_at: e.at ?? new Date().toISOString(),
          })),
        ),
    },
    {
      // GitHub's legacy `permission` folds maintain into write and triage into read; `role_name` is exact.
      method: 'GET',
      path: /^\/repos\/[^/]+\/[^/]+\/collaborators\/([^/]+)\/permission$/,
      handler: (_r, [user]) => {
        const role = permissions.get(user!.toLowerCase()) ?? 'none';
        const legacy = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
        return { status: 200, body: { permission: legacy, role_name: role, user: { login: user } } };
      },
    },
    {
      method: 'DELETE',
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/labels\/([^/]+)$/,
      handler: (_r, [n, name]) => {
        const list = labels.get(Number(n)) ?? [];
        if (!list.includes(name!)) return { status: 404, body: { message: 'Label does not exist' } };
        labels.set(Number(n), list.filter((l) => l !== name));
        return { status: 200, body: labels.get(Number(n))!.map((l, i) => ({ id: i + 1, name: l })) };
      },
    },
    {
      // A team the token can see (GitHub answers 404 alike for a missing team and one the token may not read).
      method: 'GET',
      path: /^\/orgs\/([^/]+)\/teams\/([^/]+)$/,
      handler: (_r, [org, team]) => (teams.has(`${org}/${team}`.toLowerCase()) ? { status: 200, body: { slug: team, name: team } } : { status: 404, body: { message: 'Not Found' } }),
    },
    {
      method: 'GET',
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/,
      handler: (r, [n]) => page(r, comments.get(Number(n)) ?? []),
    },
    {
      method: 'POST',
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/,
      handler: (r, [n]) => {
        const c: FakeComment = { id: nextId++, body: (r.body as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' }, html_url: `https://github.test/pull/${n}#issuecomment-${nextId}` };
        comments.set(Number(n), [...(comments.get(Number(n)) ?? []), c]);
        return { status: 201, body: c };
      },
    },
    {
      method: 'PATCH',
      path: /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/,
      handler: (r, [id]) => {
        for (const list of comments.values()) {
          const c = list.find((x) => x.id === Number(id));
          if (c) {
            c.body = (r.body as { body: string }).body;
            return { status: 200, body: c };
          }
        }
        return { status: 404, body: { message: 'Not Found' } };
      },
    },
    {
      method: 'POST',
      path: /^\/repos\/[^/]+\/[^/]+\/check-runs$/,
      handler: (r) => {
        const b = r.body as { name: string; head_sha: string; status?: string; output?: FakeCheckRun['output'] & { annotations?: Record<string, unknown>[] } };
        const run: FakeCheckRun = { id: nextId++, name: b.name, head_sha: b.head_sha, status: b.status ?? 'queued', output: { title: b.output?.title, summary: b.output?.summary }, annotations: [...(b.output?.annotations ?? [])] };
        checkRuns.push(run);
        return { status: 201, body: { ...run, html_url: `https://github.test/runs/${run.id}` } };
      },
    },
    {
      method: 'PATCH',
      path: /^\/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/,
      handler: (r, [id]) => {
        const run = checkRuns.find((x) => x.id === Number(id));
        if (!run) return { status: 404, body: { message: 'Not Found' } };
        const b = r.body as { status?: string; conclusion?: string; output?: FakeCheckRun['output'] & { annotations?: Record<string, unknown>[] } };
        // GitHub's own limit: more than 50 annotations in one request is a 422.
        if ((b.output?.annotations?.length ?? 0) > 50) return { status: 422, body: { message: 'Only 50 annotations are allowed per request' } };
        if (b.status) run.status = b.status;
        if (b.conclusion) run.conclusion = b.conclusion;
        if (b.output) run.output = { title: b.output.title, summary: b.output.summary };
        run.annotations.push(...(b.output?.annotations ?? []));
        return { status: 200, body: { ...run, html_url: `https://github.test/runs/${run.id}` } };
      },
    },
  ];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, status: 0 };
      requests.push(rec);
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
        rec.status = status;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      if (tokens.length > 0 && !tokens.some((t) => req.headers.authorization === `token ${t}` || req.headers.authorization === `Bearer ${t}`)) {
        return send(401, { message: 'Bad credentials' });
      }
      const failure = failures.find((f) => f.times > 0 && f.method === rec.method && f.path.test(rec.path));
      if (failure) {
        failure.times--;
        return send(failure.status, { message: `injected ${failure.status}` });
      }
      for (const r of [...custom, ...builtin]) {
        if (r.method !== rec.method) continue;
        const m = r.path.exec(rec.path);
        if (!m) continue;
        const out = r.handler(rec, m.slice(1).map((s) => decodeURIComponent(s)));
        return send(out.status, out.body, out.headers);
      }
      send(404, { message: `fake GitHub: no route for ${rec.method} ${rec.path}` });
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    labels,
    labelEvents,
    permissions,
    teams,
    comments,
    checkRuns,
    failNext: (method, path, status, times = 1) => void failures.push({ method, path, status, times }),
    route: (method, path, handler) => void custom.push({ method, path, handler }),
    log: () => requests.map((r) => `${r.method} ${r.path}`),
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}
