import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resolver } from 'node:dns/promises';
import { createSocket } from 'node:dgram';
import { bindOrSkip, freePort, startBind, zoneText, type BindServer } from './bind.js';

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

  it('starts on another port when its port was taken between the probe and the bind', async () => {
    // Another process takes the port first: named cannot listen there and exits.
    const taken = await freePort();
    const squatter = createSocket('udp4');
    await new Promise<void>((res) => squatter.bind(taken, '127.0.0.1', () => res()));
    let other: BindServer | undefined;
    try {
      other = await startBind([{ name: 'example.test', text: zoneText('example.test', 'www IN A 192.0.2.81\n') }], { port: taken });
      expect(other.port).not.toBe(taken);
      const r = new Resolver({ timeout: 1000, tries: 1 });
      r.setServers([other.address]);
      expect(await r.resolve4('www.example.test')).toEqual(['192.0.2.81']);
    } finally {
      await other?.stop();
      squatter.close();
    }
  });
});
