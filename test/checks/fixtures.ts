/**
 * Shared DNS fixtures for the check tests: one real BIND on loopback serving forward
 * zones (matches, mismatches, NODATA, CNAME chains, IPv6), reverse zones (for drift and
 * delegation), and a secondary zone whose primary is dead (SERVFAIL); plus a silent
 * UDP socket (timeouts) and throwaway repositories of block files.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, startBind, zoneText, type BindServer } from '../helpers/bind.js';

export const FORWARD = zoneText(
  'example.test',
  `mail        IN A     192.0.2.25
mail        IN AAAA  2001:db8::25
wrong       IN A     192.0.2.99
wrong       IN A     192.0.2.100
multi       IN A     192.0.2.1
multi       IN A     192.0.2.30
alias       IN CNAME mail
alias2      IN CNAME alias.example.test.
txtonly     IN TXT   "no address here"
v6only      IN AAAA  2001:db8::40
ns1         IN A     127.0.0.1
gen-192-0-2-0 IN A   192.0.2.0
gen-192-0-2-1 IN A   192.0.2.1
gen-192-0-2-2 IN A   192.0.2.77
weird       IN PTR   evil\\124name\\007\\227.example.test.
`,
);

/** Reverse zone of 192.0.2.0/24 as "DNS sees it": .25 matches git, .30 differs, .40 is not in git. */
export const REVERSE = zoneText(
  '2.0.192.in-addr.arpa',
  `25 IN PTR mail.example.test.
30 IN PTR old-name.example.test.
40 IN PTR leftover.example.test.
`,
).replace('@ IN NS ns1.example.net.', '@ IN NS ns1.example.test.');

/** RFC 2317 child zone of 192.0.2.128/26, served by ns1.example.test (git says the customer's servers). */
export const CLASSLESS = zoneText('128-26.2.0.192.in-addr.arpa', '').replace('@ IN NS ns1.example.net.', '@ IN NS ns1.example.test.');

/**
 * Zones: example.test (forward); 2.0.192.in-addr.arpa (reverse, delegated fine);
 * 0.192.in-addr.arpa (the parent: no delegation for 3.0.192, so that one is NXDOMAIN);
 * 4.0.192.in-addr.arpa whose only name server has no address (lame); and two secondaries
 * whose primary is dead (SERVFAIL): broken.test and 5.0.192.in-addr.arpa.
 */
export async function startFixtureBind(): Promise<{ server: BindServer; deadPort: number }> {
  const deadPort = await freePort();
  const dead = (zone: string): string => `zone "${zone}." { type secondary; file "${zone}.db"; primaries { 127.0.0.1 port ${deadPort}; }; };`;
  const server = await startBind(
    [
      { name: 'example.test', text: FORWARD },
      { name: '2.0.192.in-addr.arpa', text: REVERSE },
      { name: '128-26.2.0.192.in-addr.arpa', text: CLASSLESS },
      { name: '0.192.in-addr.arpa', text: zoneText('0.192.in-addr.arpa', '') },
      { name: '4.0.192.in-addr.arpa', text: zoneText('4.0.192.in-addr.arpa', '').replace('@ IN NS ns1.example.net.', '@ IN NS ns9.example.test.') },
    ],
    { extraConfig: [dead('broken.test'), dead('5.0.192.in-addr.arpa')].join('\n') },
  );
  return { server, deadPort };
}

/** A UDP socket on 127.0.0.1 that reads queries and never answers. */
export async function silentServer(): Promise<{ address: string; close: () => Promise<void>; queries: () => number }> {
  const sock: Socket = createSocket('udp4');
  // It answers nothing, and counts what it was asked: a bounded run asks a bounded number of times
  // (the tests count questions, never milliseconds: a busy machine must not fail them).
  let queries = 0;
  sock.on('message', () => void queries++);
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  const { port } = sock.address();
  return { address: `127.0.0.1:${port}`, close: () => new Promise<void>((res) => sock.close(() => res())), queries: () => queries };
}

/** A temporary repository with the given files (path → content). */
export function tempRepo(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'rdns-check-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
