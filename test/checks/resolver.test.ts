import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsResolver, parseServer } from '../../src/checks/resolver.js';
import { bindOrSkip, type BindServer } from '../helpers/bind.js';
import { silentServer, startFixtureBind } from './fixtures.js';

describe('parseServer: the --resolver syntax', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['2001:DB8::0:1', { host: '2001:db8::1', port: 53 }],
    ['[2001:db8::1]', { host: '2001:db8::1', port: 53 }],
  ])('%s', (text, expected) => expect(parseServer(text)).toEqual(expected));

  it.each(['', 'dns.example.net', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:53x', '010.0.0.1', '[::1]:', '[::1', '1.2.3.4:-1'])('rejects %j', (text) => {
    expect(parseServer(text)).toBeUndefined();
  });

  it('refuses a bad server when the resolver is built', () => {
    expect(() => createDnsResolver({ servers: ['ns.example.net'] })).toThrow(/not a DNS server address/);
  });
});

const have = bindOrSkip();

describe.skipIf(!have)('createDnsResolver against BIND on loopback', () => {
  let server: BindServer;
  beforeAll(async () => {
    ({ server } = await startFixtureBind());
  });
  afterAll(async () => server?.stop());

  const resolver = () => createDnsResolver({ servers: [server.address], timeoutMs: 1000, retries: 0 });

  it('answers A, AAAA, PTR, NS and SOA with normalised values', async () => {
    const r = resolver();
    expect(await r.lookup('multi.example.test', 'A')).toEqual({ outcome: 'answer', values: ['192.0.2.1', '192.0.2.30'] });
    expect(await r.lookup('mail.example.test.', 'AAAA')).toEqual({ outcome: 'answer', values: ['2001:db8::25'] });
    expect(await r.lookup('25.2.0.192.in-addr.arpa', 'PTR')).toEqual({ outcome: 'answer', values: ['mail.example.test.'] });
    expect(await r.lookup('2.0.192.in-addr.arpa', 'NS')).toEqual({ outcome: 'answer', values: ['ns1.example.test.'] });
    expect((await r.lookup('example.test', 'SOA')).values[0]).toMatch(/^ns1\.example\.net\. hostmaster\.example\.net\. 1$/);
  });

  it('follows a CNAME chain to the address (alias2 → alias → mail)', async () => {
    const r = resolver();
    expect(await r.lookup('alias2.example.test', 'A')).toEqual({ outcome: 'answer', values: ['192.0.2.25'] });
    expect(await r.lookup('alias2.example.test', 'AAAA')).toEqual({ outcome: 'answer', values: ['2001:db8::25'] });
    expect(await r.lookup('alias2.example.test', 'CNAME')).toEqual({ outcome: 'answer', values: ['alias.example.test.'] });
  });

  it('classifies NXDOMAIN, NODATA and SERVFAIL', async () => {
    const r = resolver();
    expect((await r.lookup('missing.example.test', 'A')).outcome).toBe('nxdomain');
    expect((await r.lookup('txtonly.example.test', 'A')).outcome).toBe('nodata');
    expect((await r.lookup('v6only.example.test', 'A')).outcome).toBe('nodata');
    expect((await r.lookup('host.broken.test', 'A')).outcome).toBe('servfail');
  });

  it('escapes bytes in live names that could break a terminal or a report', async () => {
    const a = await resolver().lookup('weird.example.test', 'PTR');
    expect(a.outcome).toBe('answer');
    expect(a.values).toEqual(['evil\\124name\\007\\227.example.test.']);
  });

  it('asks the server once for a name that repeats, also while the first query is in flight', async () => {
    const r = resolver();
    const answers = await Promise.all([r.lookup('mail.example.test', 'A'), r.lookup('MAIL.example.test.', 'A'), r.lookup('mail.example.test', 'A')]);
    expect(answers.map((a) => a.values)).toEqual([['192.0.2.25'], ['192.0.2.25'], ['192.0.2.25']]);
    expect(r.stats()).toMatchObject({ lookups: 3, queries: 1, cacheHits: 2 });
  });

  it('uses the next server when the first one is silent', async () => {
    const silent = await silentServer();
    try {
      const r = createDnsResolver({ servers: [silent.address, server.address], timeoutMs: 300, retries: 0 });
      expect(await r.lookup('mail.example.test', 'A')).toEqual({ outcome: 'answer', values: ['192.0.2.25'] });
    } finally {
      await silent.close();
    }
  });
});

describe('a server that never answers', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(async () => silent?.close());

  it('times out after the configured tries', async () => {
    const r = createDnsResolver({ servers: [silent.address], timeoutMs: 200, retries: 1 });
    const before = silent.queries();
    const a = await r.lookup('mail.example.test', 'A');
    expect(a.outcome).toBe('timeout');
    // Bounded by tries, not by a clock: one question and one retry.
    expect(silent.queries() - before).toBe(2);
  });

  it('stops sending after many silent queries, so a run without network ends quickly', async () => {
    const r = createDnsResolver({ servers: [silent.address], timeoutMs: 200, retries: 0, concurrency: 8, failFastAfter: 8 });
    const before = silent.queries();
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => r.lookup(`h${i}.example.test`, 'A')));
    expect(answers.every((a) => a.outcome === 'timeout')).toBe(true);
    expect(r.stats().queries).toBeLessThan(20);
    expect(r.stats().skipped).toBeGreaterThan(480);
    // What reached the server: the few questions before it gave up, not 500 timeouts' worth.
    expect(silent.queries() - before).toBeLessThan(20);
  });
});
