import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resolver } from 'node:dns/promises';
import { bindOrSkip, startBind, zoneText, type BindServer } from './bind.js';

const haveBind = bindOrSkip();

describe.skipIf(!haveBind)('test harness: BIND on loopback', () => {
  let server: BindServer;
  beforeAll(async () => {
    server = await startBind([{ name: 'example.test', text: zoneText('example.test', 'www IN A 192.0.2.80\n') }]);
  });
  afterAll(async () => server?.stop());

  it('answers queries for the zones it was started with', async () => {
    const r = new Resolver({ timeout: 1000, tries: 1 });
    r.setServers([server.address]);
    expect(await r.resolve4('www.example.test')).toEqual(['192.0.2.80']);
  });
});
