// The portal's live verdict for the set form, against a real BIND on loopback: the
// normalised hostname and the preview of rdns set, forward check included (FCrDNS):
// `ok` is true only when Write would save the name.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsResolver } from '../../src/checks/resolver.js';
import { startPortal, type PortalServer } from '../../src/serve/portal-server.js';
import { bindOrSkip, startBind, zoneText, type BindServer } from '../helpers/bind.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { BLOCKS } from './fixtures.js';

function post(portal: PortalServer, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const u = new URL(path, portal.origin);
  return new Promise((resolvePost, reject) => {
    const req = request(u, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Rdns-Token': portal.token } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolvePost({ status: res.statusCode ?? 0, json: JSON.parse(data) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe.skipIf(!bindOrSkip())('rdns serve: live hostname and FCrDNS verdict', () => {
  let bind: BindServer;
  let portal: PortalServer;
  beforeAll(async () => {
    bind = await startBind([{ name: 'acme.example', text: zoneText('acme.example', 'web1 A 198.51.100.40\nwrong A 198.51.100.99\n') }]);
    const repo = createGitRepo(BLOCKS);
    portal = await startPortal({ root: repo.root, port: 0, fcrdns: { resolver: () => createDnsResolver({ servers: [bind.address], timeoutMs: 2000, retries: 1 }) } });
  }, 60_000);
  afterAll(async () => {
    await portal?.close();
    await bind?.stop();
  });

  it.each([
    ['WEB1.acme.example', { ok: true, hostname: { ok: true, value: 'web1.acme.example' }, fcrdns: { status: 'pass' }, errors: [], warnings: [] }],
    [
      'wrong.acme.example',
      {
        ok: false,
        hostname: { ok: true, value: 'wrong.acme.example' },
        fcrdns: { status: 'mismatch', detail: expect.stringContaining('wrong.acme.example resolves to 198.51.100.99, not to 198.51.100.40') },
        errors: [expect.objectContaining({ code: 'fcrdns.mismatch', ip: '198.51.100.40' })],
        warnings: [],
      },
    ],
    [
      'gone.acme.example',
      { ok: false, hostname: { ok: true, value: 'gone.acme.example' }, fcrdns: { status: 'nxdomain', detail: expect.stringContaining('does not exist (NXDOMAIN)') }, errors: [expect.objectContaining({ code: 'fcrdns.nxdomain' })], warnings: [] },
    ],
    ['bad_name.acme.example', { ok: false, hostname: { ok: false, reason: expect.stringContaining('underscores are not allowed') } }],
  ])('%s', async (host, expected) => {
    const r = await post(portal, '/api/check', { ip: '198.51.100.40', host });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(expected);
  });
});
