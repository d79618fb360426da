import { ACME_ALLOCATION, ACME_SMTP, COLO_B_MAIL, coloHallB, coreRouters } from '../helpers/block-files.js';

/** A small repository for the report and portal tests: IPv4 with records, default, an allocation, a delegation; IPv6. */
export const BLOCKS: Record<string, string> = {
  'rdns.yaml': 'defaults:\n  ttl: 3600\n',
  'zones/192.0.2.0_24.yaml': coreRouters('NOC-1001 outbound mail'),
  'zones/198.51.100.0_24.yaml': coloHallB({
    allocations: `${ACME_ALLOCATION}  - prefix: 198.51.100.128/26
    account: initech
    owners: ["@initech"]
    delegate_to: [ns1.initech.example, ns2.initech.example]
`,
    records: COLO_B_MAIL + ACME_SMTP,
  }),
  'zones/2001-db8-100.yaml': `prefix: 2001:db8:100::/48
description: IPv6 hosting
owners: ["@example-isp/noc"]
allocations:
  - prefix: 2001:db8:100:20::/64
    account: acme
    owners: ["@acme-corp"]
records:
  2001:db8:100::1: gw1.dc1.example.net
  2001:db8:100:20::25: smtp.acme.example
`,
};

/** An audit.json as rdns audit writes it (the fields the report reads). */
export const AUDIT = JSON.stringify({
  generatedAt: '2026-11-30T05:17:00.000Z',
  resolvers: [],
  unreachable: false,
  summary: {},
  fcrdnsFailures: [{ ip: '192.0.2.25', ptr: 'mx1.example.net.', source: 'record', status: 'mismatch', addresses: ['192.0.2.99'], file: 'zones/192.0.2.0_24.yaml', line: 6 }],
  staleRecords: [],
  drift: [
    { kind: 'stale', ip: '192.0.2.99', file: 'zones/192.0.2.0_24.yaml', live: ['old-mx.example.net.'] },
    { kind: 'unverifiable', ip: '192.0.2.1', file: 'zones/192.0.2.0_24.yaml', git: 'gw1.pop1.example.net.', live: [] },
  ],
  coverage: [],
  delegation: [],
  diagnostics: [],
});
