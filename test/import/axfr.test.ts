import { createServer, type Server } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axfr } from '../../src/import/axfr.js';

/**
 * A hostile zone-transfer server on loopback (BIND refuses to serve out-of-zone data, so
 * it cannot play this part): the transfer of 100.51.198.in-addr.arpa carries a PTR of
 * another block.
 */
let server: Server;
let port = 0;
const soa = { name: '100.51.198.in-addr.arpa', type: 'SOA' as const, ttl: 3600, data: { mname: 'ns1.example.net', rname: 'h.example.net', serial: 1, refresh: 3600, retry: 600, expire: 1209600, minimum: 300 } };

beforeAll(async () => {
  server = createServer((socket) => {
    socket.once('data', (chunk) => {
      const query = dnsPacket.decode(chunk.subarray(2));
      socket.end(
        dnsPacket.streamEncode({
          type: 'response',
          id: query.id,
          flags: dnsPacket.AUTHORITATIVE_ANSWER,
          questions: query.questions,
          answers: [
            soa,
            { name: '5.100.51.198.in-addr.arpa', type: 'PTR', ttl: 3600, data: 'five.example.net' },
            { name: '9.2.0.192.in-addr.arpa', type: 'PTR', ttl: 3600, data: 'injected.example.net' },
            soa,
          ],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('axfr', () => {
  it('keeps only the records of the transferred zone (RFC 5936 §6)', async () => {
    const records = await axfr({ host: '127.0.0.1', port }, '100.51.198.in-addr.arpa', { timeoutMs: 5000 });
    expect(records.map((r) => `${r.name} ${r.type} ${r.rdata[0]}`)).toEqual(['100.51.198.in-addr.arpa. SOA ns1.example.net.', '5.100.51.198.in-addr.arpa. PTR five.example.net.']);
  });
});
