/**
 * `rdns serve`: the report plus the portal tasks (set, reset, bulk paste with counts and
 * a preview before anything is written) on loopback. Edits go through the library calls
 * the CLI uses (setPtrChecked, resetPtr, applyBulkChecked: the same forward check, the same
 * counts, lossless line edits, ownership as `--as`).
 *
 * Guarded like a notebook server: a random per-run token in the URL; every API call
 * carries it in a header (a cross-site page can neither read it nor set that header
 * without a CORS preflight, which gets no CORS answer); the Host header must name this
 * server (DNS rebinding) and an Origin, when sent, must be this server's; writes are
 * POST with a JSON body only. One request at a time touches the work tree.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { withoutTrailingDot, normalizeHostname } from '../core/hostname.js';
import { parseIp } from '../core/ip.js';
import { applyBulkChecked, resetPtr, setPtrChecked, type ChangeResult } from '../edit/api.js';
import type { ForwardCheckOptions } from '../edit/confirm-forward.js';
import type { DnsResolver } from '../checks/resolver.js';
import type { Actor } from '../edit/plan.js';
import { writeFileAtomic } from '../edit/atomic-write.js';
import type { ProposedChange } from '../edit/propose.js';
import { uncommittedFiles } from '../git/work-tree.js';
import { renderReportHtml } from '../report/html.js';
import { loadReportData } from '../report/index.js';
import type { FindingsFile } from '../report/findings.js';

export interface PortalOptions {
  readonly root: string;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly actor?: Actor;
  /** Given: every write is committed on a new branch and proposed as a pull request (see proposeChange). */
  readonly propose?: (result: ChangeResult, verb: string) => Promise<ProposedChange>;
  /**
   * The forward check of `rdns set/bulk` (same resolver, same rule): every new PTR must
   * resolve back before it is previewed as valid or written. `allowUnverified` comes only
   * from here (the server's flags), never from a request. Absent = `--no-fcrdns`. A new
   * resolver per request (as each CLI run has its own): no answer is cached across
   * requests, so a fixed A record counts on the next preview.
   */
  readonly fcrdns?: { readonly resolver: () => DnsResolver; readonly allowUnverified?: boolean };
  readonly findings?: FindingsFile;
  /** Fixed token (tests); default: 32 random bytes. */
  readonly token?: string;
}

export interface PortalServer {
  /** The URL to open, with the token. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_BODY = 2 * 1024 * 1024;

interface EditRequest {
  op: 'set' | 'reset' | 'bulk';
  ip?: string;
  host?: string;
  note?: string;
  text?: string;
  skipInvalid?: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the portal; resolves once it listens. */
export async function startPortal(options: PortalOptions): Promise<PortalServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const bindHost = options.host ?? '127.0.0.1';
  let port = 0;
  let queue: Promise<unknown> = Promise.resolve();
  // One edit at a time: two writes must not interleave in the work tree or in git.
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const allowedHosts = (): Set<string> => {
    const names = new Set([bindHost, '127.0.0.1', 'localhost', '[::1]', '::1']);
    return new Set([...names].map((h) => `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`.toLowerCase()));
  };
  const tokenOk = (given: string | undefined | null): boolean => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts().has(hostHeader)) throw new HttpError(403, 'unexpected Host header (rdns serve answers only to its own address)');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) throw new HttpError(403, 'cross-origin request refused');
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'cross-site request refused');
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    if (req.method === 'GET' && url.pathname === '/') {
      if (!tokenOk(url.searchParams.get('token'))) throw new HttpError(403, 'open the URL rdns serve printed (it carries this run\'s token)');
      const data = await serialized(() => loadReportData(options.root, { findings: options.findings }));
      const fcrdns = !options.fcrdns ? 'off' : options.fcrdns.allowUnverified ? 'allow-unverified' : 'checked';
      const html = renderReportHtml(data, { portal: { pr: Boolean(options.propose), actor: options.actor?.user, fcrdns } });
      send(res, 200, 'text/html; charset=utf-8', html);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/favicon.ico') {
      send(res, 204, 'text/plain', '');
      return;
    }
    if (!url.pathname.startsWith('/api/')) throw new HttpError(404, 'not found');
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    if (!tokenOk(req.headers['x-rdns-token'] as string | undefined)) throw new HttpError(403, 'missing or wrong token');
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send JSON (Content-Type: application/json)');
    const body = await readJson(req);
    let result: unknown;
    switch (url.pathname) {
      case '/api/data':
        result = await serialized(() => loadReportData(options.root, { findings: options.findings }));
        break;
      case '/api/check':
        result = await checkName(options, body);
        break;
      case '/api/preview':
        result = await serialized(async () => editResponse(await runEdit(options, editRequestOf(body), false)));
        break;
      case '/api/apply':
        result = await serialized(() => applyEdit(options, editRequestOf(body)));
        break;
      default:
        throw new HttpError(404, 'not found');
    }
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(result));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) send(res, status, 'application/json; charset=utf-8', JSON.stringify({ error: message }));
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, bindHost, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const origin = `http://${shownHost}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `request larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the body is not a JSON object');
  }
}

/** The forward check for one request: the server's settings, a fresh resolver. */
const forwardCheck = (options: PortalOptions): ForwardCheckOptions | undefined => (options.fcrdns ? { resolver: options.fcrdns.resolver(), allowUnverified: options.fcrdns.allowUnverified } : undefined);

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function editRequestOf(body: Record<string, unknown>): EditRequest {
  const op = body.op;
  if (op !== 'set' && op !== 'reset' && op !== 'bulk') throw new HttpError(400, 'op must be set, reset or bulk');
  return { op, ip: text(body.ip), host: text(body.host), note: text(body.note) || undefined, text: text(body.text), skipInvalid: body.skipInvalid === true };
}

interface EditResult {
  readonly result: ChangeResult;
  readonly counts: { valid: number; invalid: number; notYours: number; unchanged: number; unverified: number };
}

/**
 * The same library calls as `rdns set/reset/bulk`, with the server's forward check;
 * `apply: false` is the preview. A name DNS refuses is counted invalid, as in the CLI.
 */
async function runEdit(options: PortalOptions, r: EditRequest, apply: boolean): Promise<EditResult> {
  const common = { apply, actor: options.actor, fcrdns: forwardCheck(options) };
  if (r.op === 'bulk') {
    const b = await applyBulkChecked(options.root, r.text ?? '', { ...common, source: '<pasted>', skipInvalid: r.skipInvalid });
    return { result: b, counts: { valid: b.valid, invalid: b.invalid, notYours: b.notYours, unchanged: b.unchanged, unverified: b.forward?.unverified.length ?? 0 } };
  }
  if (!r.ip) throw new HttpError(400, 'ip is required');
  const host = r.host?.trim();
  const result = r.op === 'reset' || !host || host === 'default' ? resetPtr(options.root, r.ip, common) : await setPtrChecked(options.root, r.ip, host, { ...common, note: r.note });
  const p = result.plan;
  return { result, counts: { valid: p.changes.length + p.unchanged.length, invalid: p.invalid, notYours: p.notYours, unchanged: p.unchanged.length, unverified: result.forward?.unverified.length ?? 0 } };
}

const diagnosticJson = (d: Diagnostic): Record<string, unknown> => ({ severity: d.severity, code: d.code, message: d.message, file: d.file, line: d.line, column: d.column, ip: d.ip });

function editResponse(e: EditResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const r = e.result;
  const unverified = new Set(r.forward?.unverified ?? []);
  return {
    counts: e.counts,
    errors: r.errors,
    changes: r.changes.map((c) => ({
      kind: c.kind,
      ip: c.ipText,
      file: c.file,
      old: c.old ? `${withoutTrailingDot(c.old.ptr)}${c.old.source === 'default' ? ' (default)' : ''}` : undefined,
      new: c.new ? `${withoutTrailingDot(c.new.ptr)}${c.new.source === 'default' ? ' (default)' : ''}` : undefined,
      ...(unverified.has(c) ? { unverified: true } : {}),
    })),
    diagnostics: r.diagnostics.map(diagnosticJson),
    written: r.written,
    ...extra,
  };
}

/**
 * Writes the change; with `propose`, commits it on a new branch and opens the pull
 * request. The work tree is never left half-changed: the block files to edit must have
 * no uncommitted changes, and when committing or proposing fails they get their
 * content back.
 */
async function applyEdit(options: PortalOptions, r: EditRequest): Promise<Record<string, unknown>> {
  if (!options.propose) return editResponse(await runEdit(options, r, true));
  const preview = await runEdit(options, r, false);
  const files = [...new Set(preview.result.changes.map((c) => c.file))];
  if (preview.result.errors > 0 && !r.skipInvalid) return editResponse(preview, { error: 'refused: fix or remove the invalid lines first (nothing was written)' });
  if (files.length === 0) return editResponse(preview);
  const dirty = await uncommittedFiles(options.root, files);
  if (dirty === undefined) throw new HttpError(409, 'the repository is not a git work tree, so no pull request can be opened');
  if (dirty.length > 0) throw new HttpError(409, `${dirty.join(', ')} has changes that are not committed; commit or stash them first (a pull request would carry them)`);
  const before = new Map(files.map((f) => [f, readFileSync(join(options.root, f))]));
  const done = await runEdit(options, r, true);
  if (done.result.written.length === 0) return editResponse(done);
  try {
    const pr = await options.propose(done.result, r.op);
    return editResponse(done, { pr: { number: pr.number, url: pr.url, branch: pr.branch } });
  } catch (e) {
    // Back to the state before the request (commitOnBranchAndPush has already returned to the original branch).
    for (const [f, bytes] of before) writeFileAtomic(join(options.root, f), bytes);
    throw new HttpError(502, `the change was not proposed, and the work tree is as it was: ${(e as Error).message}`);
  }
}

/**
 * Live verdict for the set form: the normalised hostname, then the preview of `rdns set`
 * (policy, ownership, and the forward check with the server's resolver), so the form can
 * never call a name good that Write would refuse.
 */
async function checkName(options: PortalOptions, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const hostText = text(body.host) ?? '';
  const host = normalizeHostname(hostText);
  const hostname = host.ok ? { ok: true, value: withoutTrailingDot(host.value) } : { ok: false, reason: host.reason };
  if (!host.ok) return { ok: false, hostname };
  if (!parseIp(text(body.ip) ?? '').ok) return { ok: false, hostname, fcrdns: { status: 'skipped', detail: 'no valid IP address yet' } };
  const r = await setPtrChecked(options.root, text(body.ip)!, hostText, { apply: false, actor: options.actor, fcrdns: forwardCheck(options) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map(diagnosticJson);
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning').map(diagnosticJson);
  return { ok: r.errors === 0, hostname, fcrdns: forwardVerdict(options, r), errors, warnings };
}

/** What the forward check said about the one name of a set preview. */
function forwardVerdict(options: PortalOptions, r: ChangeResult): Record<string, unknown> {
  if (!options.fcrdns) return { status: 'skipped', detail: 'rdns serve --no-fcrdns' };
  const f = r.forward;
  if (!f) return { status: 'skipped', detail: r.errors > 0 ? 'not asked: the change is refused before DNS' : 'no new name to check' };
  if (f.checked === 0 && !f.unreachable) return { status: 'skipped', detail: 'no new name to check' };
  if (f.unverified.length > 0) return { status: 'unverified', detail: 'DNS did not answer; saved unverified (--allow-unverified)' };
  const d = f.diagnostics.find((x) => x.severity === 'error');
  if (d) return { status: d.code === 'resolver.unreachable' ? 'unreachable' : d.code.replace(/^fcrdns\./, ''), detail: d.message };
  return { status: 'pass' };
}
