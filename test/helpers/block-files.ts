/**
 * Block files the tests share (issue 19, item 6): one definition each, the variants built from it.
 * Tests assert on line numbers and exact text of these files, so a variant must come out byte for
 * byte as the test wrote it before; change a default here and every user sees it.
 */

/** Core routers, 192.0.2.0/24: explicit records only, the mail record with its own TTL and `note`. */
export const coreRouters = (note = 'NOC-1001'): string => `prefix: 192.0.2.0/24
description: Core routers
owners: ["@example-isp/noc"]
records:
  192.0.2.1: gw1.pop1.example.net
  192.0.2.25:
    ptr: mx1.example.net
    ttl: 300
    note: ${note}
`;

/** Colo hall B's generic names (a `default:` line). */
export const COLO_B_DEFAULT = 'default: "{dashed}.static.example.net"\n';

/** acme's /28 in Colo hall B, an `allocations:` entry. */
export const ACME_ALLOCATION = `  - prefix: 198.51.100.32/28
    account: acme
    owners: ["@acme-corp"]
`;

/** Colo hall B's first record, a `records:` entry. */
export const COLO_B_MAIL = '  198.51.100.22: mail.example.com\n';

/** acme's outbound mail in its /28, with a note (a `records:` entry). */
export const ACME_SMTP = `  198.51.100.34:
    ptr: smtp.acme.example
    note: NOC-1234
`;

export interface ColoHallBParts {
  /** Lines before `prefix:` (a schema comment). */
  head?: string;
  /** The `description:` value; null leaves the line out. */
  description?: string | null;
  /** Lines between `owners:` and `allocations:` (ttl, default, forward). */
  settings?: string;
  /** The `allocations:` entries. */
  allocations?: string;
  /** The `records:` entries. */
  records?: string;
}

/** Colo hall B, 198.51.100.0/24: generic names, acme's /28 and one record unless `parts` says otherwise. */
export function coloHallB({
  head = '',
  description = 'Colo hall B',
  settings = COLO_B_DEFAULT,
  allocations = ACME_ALLOCATION,
  records = COLO_B_MAIL,
}: ColoHallBParts = {}): string {
  const describe = description === null ? '' : `description: ${description}\n`;
  return `${head}prefix: 198.51.100.0/24\n${describe}owners: ["@example-isp/noc"]\n${settings}allocations:\n${allocations}records:\n${records}`;
}

/**
 * 192.0.2.0/24 named three ways: the block's `default`, acme's allocation default and a pool of
 * every second address of the upper /25; one record. `morePools` and `moreRecords` are appended entries.
 */
export const mixedDefaults = (morePools = '', moreRecords = ''): string => `prefix: 192.0.2.0/24
owners: ["@example-isp/noc"]
default: "{dashed}.static.example.net"
allocations:
  - prefix: 192.0.2.64/27
    account: acme
    default: "vm{host}.acme.example"
pools:
  - prefix: 192.0.2.128/25
    step: 2
    default: "dyn-{d-128:x2}.pool.example.net"
${morePools}records:
  192.0.2.130: router.example.net
${moreRecords}`;
