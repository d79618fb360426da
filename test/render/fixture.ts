/**
 * A repository that exercises every render feature: explicit records, `default`
 * coverage, a shared /24 with an RFC 2317 delegation, an upstream-owned /25
 * (classless zone), IPv6, per-record mode, adopted hosted zones, forward records,
 * and an S3 backend. Written to a temp dir; tests load it like a user's repo.
 */
import { COLO_B_DEFAULT, coloHallB, coreRouters } from '../helpers/block-files.js';
import { writeRepo as writeRepoFiles } from '../helpers/repo-files.js';

export const FIXTURE: Record<string, string> = {
  'rdns.yaml': `defaults:
  ttl: 3600
route53:
  region: eu-central-1
  provider_version: "~> 6.20"
  zones:
    2.0.192.in-addr.arpa:
      zone_id: Z0123456789ABCDEFGHIJ
backend:
  type: s3
  bucket: example-rdns-state
  key: rdns
  region: eu-west-1
  use_lockfile: true
`,
  // Adopted zone (rdns.yaml), explicit records only, per-record TTL.
  'zones/192.0.2.0_24.yaml': coreRouters(),
  // Created zone with default coverage, an RFC 2317 delegation and forward records.
  'zones/198.51.100.0_24.yaml': coloHallB({
    settings: `ttl: 7200\n${COLO_B_DEFAULT}forward:\n  zone: static.example.net\n`,
    allocations: `  - prefix: 198.51.100.64/27
    account: globex
    owners: ["@globex/hostmasters"]
    delegate_to: [ns1.globex.example, ns2.globex.example]
`,
  }),
  // The upstream owns the /24: own classless zone, generic names by host number.
  'zones/203.0.113.0_25.yaml': `prefix: 203.0.113.0/25
owners: ["@example-isp/noc"]
default: "vps-{host}.customers.example.net"
records:
  203.0.113.5: api.example.org
`,
  // IPv6, shared with other tools: one aws_route53_record per PTR; zone adopted in the block file.
  'zones/2001-db8-100.yaml': `prefix: 2001:db8:100::/48
owners: ["@example-isp/noc"]
zones:
  0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa:
    mode: per-record
records:
  2001:db8:100::1: gw1.dc1.example.net
  2001:DB8:100:20:0:0:0:25: smtp.acme.example
`,
};

/** Writes `files` (default: the fixture) into a fresh temp dir and returns its path. */
export const writeRepo = (files: Record<string, string> = FIXTURE, prefix = 'rdns-render-'): string => writeRepoFiles(files, prefix);
