/** `rdns serve` as a real process for the portal tests, and raw HTTP requests with exactly the headers given. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { RDNS_BIN } from './cli.js';

export interface ServeProcess {
  readonly child: ChildProcess;
  /** The URL it printed, with the token. */
  readonly url: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/** Starts `rdns serve --port 0 ARGS` in `cwd` and resolves with its URL once it printed it. */
export function serve(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [RDNS_BIN, 'serve', '--port', '0', ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`rdns serve printed no URL: ${out}${err}`)), 20_000);
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, url: m[1]!, stderr: () => err });
      }
    });
    child.on('exit', (code) => reject(new Error(`rdns serve exited with ${code}: ${out}${err}`)));
  });
}

/** A raw HTTP request with exactly the headers given (fetch would add its own Origin rules). */
export function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolveReq, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolveReq({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POST to the portal's API with its token, as the page does. */
export async function portalApi(serverUrl: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const u = new URL(serverUrl);
  const r = await raw(new URL(path, u).href, 'POST', { Host: u.host, 'Content-Type': 'application/json', 'X-Rdns-Token': u.searchParams.get('token')! }, JSON.stringify(body));
  return { status: r.status, json: JSON.parse(r.body) as Record<string, unknown> };
}
