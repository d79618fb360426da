/**
 * One case per loader diagnostic code: the code, and the exact file, line and column
 * a user's editor would jump to.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, type Diagnostic } from '../../src/core/diagnostics.js';
import { loadRepository } from '../../src/loader/repository.js';
import { renderFindings } from '../../src/render/zone-records.js';
import { writeRepo } from '../helpers/repo-files.js';

interface Case {
  code: string;
  files: Record<string, string | Uint8Array>;
  at: { file: string; line: number; column: number };
  message?: RegExp;
  setup?: (root: string) => void;
  /** Found when the blocks are rendered (what `rdns validate` and `rdns ci` also report), not by the loader alone. */
  render?: true;
}

const block = (body: string, prefix = '198.51.100.0/24'): string => `prefix: ${prefix}\n${body}`;

const cases: Case[] = [
  {
    code: 'file.symlink',
    files: { 'zones/ok.yaml': block('') },
    setup: (root) => symlinkSync(join(root, 'zones/missing-target.yaml'), join(root, 'zones/dangling.yaml')),
    at: { file: 'zones/dangling.yaml', line: 1, column: 1 },
  },
  { code: 'file.not-regular', files: { 'zones/ok.yaml': block(''), 'zones/a.yaml/b.yaml': block('', '192.0.2.0/24') }, at: { file: 'zones/a.yaml', line: 1, column: 1 }, message: /is a folder/ },
  { code: 'file.name', files: { 'zones/a b.yaml': block('') }, at: { file: 'zones/a b.yaml', line: 1, column: 1 }, message: /a space \(U\+0020\)/ },
  {
    code: 'file.encoding',
    files: { 'zones/a.yaml': Buffer.concat([Buffer.from('prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: caf'), Buffer.from([0xe9]), Buffer.from('.example\n')]) },
    at: { file: 'zones/a.yaml', line: 3, column: 20 },
    message: /0xe9/,
  },
  { code: 'file.empty', files: { 'zones/a.yaml': '# nothing here yet\n' }, at: { file: 'zones/a.yaml', line: 1, column: 1 } },
  { code: 'yaml.syntax', files: { 'zones/a.yaml': 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: [unclosed\n' }, at: { file: 'zones/a.yaml', line: 4, column: 1 } },
  {
    code: 'yaml.duplicate-key',
    files: { 'zones/a.yaml': block('records:\n  198.51.100.1: a.example.com\n  198.51.100.1: b.example.com\n') },
    at: { file: 'zones/a.yaml', line: 4, column: 3 },
    message: /first on line 3/,
  },
  { code: 'yaml.alias', files: { 'zones/a.yaml': block('owners: &o ["@noc"]\nallocations:\n  - prefix: 198.51.100.0/28\n    owners: *o\n') }, at: { file: 'zones/a.yaml', line: 5, column: 13 } },
  { code: 'schema.invalid', files: { 'zones/a.yaml': block('ttl: soon\n') }, at: { file: 'zones/a.yaml', line: 2, column: 6 }, message: /ttl must be integer/ },
  { code: 'schema.unknown-key', files: { 'zones/a.yaml': block('recrods:\n  198.51.100.1: a.example.com\n') }, at: { file: 'zones/a.yaml', line: 2, column: 1 }, message: /"recrods"/ },
  { code: 'schema.missing-key', files: { 'zones/a.yaml': 'description: no prefix\n' }, at: { file: 'zones/a.yaml', line: 1, column: 1 }, message: /"prefix"/ },
  { code: 'prefix.invalid', files: { 'zones/a.yaml': 'prefix: 198.51.100.1/24\n' }, at: { file: 'zones/a.yaml', line: 1, column: 9 }, message: /host bits/ },
  { code: 'record.ip-invalid', files: { 'zones/a.yaml': block('records:\n  198.51.100.010: a.example.com\n') }, at: { file: 'zones/a.yaml', line: 3, column: 3 }, message: /leading zero/ },
  { code: 'record.outside-block', files: { 'zones/a.yaml': block('records:\n  198.51.101.1: a.example.com\n') }, at: { file: 'zones/a.yaml', line: 3, column: 3 } },
  {
    code: 'record.duplicate',
    files: { 'zones/a.yaml': block('records:\n  2001:db8::1: a.example.com\n  2001:0db8:0:0::0001: b.example.com\n', '2001:db8::/64') },
    at: { file: 'zones/a.yaml', line: 4, column: 3 },
    message: /already has a record on line 3/,
  },
  { code: 'record.ttl', files: { 'zones/a.yaml': block('records:\n  198.51.100.1: { ptr: a.example.com, ttl: 5 }\n') }, at: { file: 'zones/a.yaml', line: 3, column: 44 } },
  { code: 'hostname.invalid', files: { 'zones/a.yaml': block('records:\n  198.51.100.22: mail\n') }, at: { file: 'zones/a.yaml', line: 3, column: 3 }, message: /bare word/ },
  {
    code: 'hostname.invalid',
    files: { 'zones/a.yaml': block('records:\n  198.51.100.22:\n    ttl: 300\n    ptr: "${aws_instance.x.id}.example.com"\n') },
    at: { file: 'zones/a.yaml', line: 5, column: 10 },
  },
  // The host on a line of its own: that line, not the key's (also when the file has schema errors).
  { code: 'hostname.invalid', files: { 'zones/a.yaml': block('records:\n  198.51.100.22:\n    mail\n') }, at: { file: 'zones/a.yaml', line: 4, column: 5 }, message: /bare word/ },
  { code: 'hostname.invalid', files: { 'zones/a.yaml': block('ttl: x\nrecords:\n  198.51.100.22:\n    "mail"\n') }, at: { file: 'zones/a.yaml', line: 5, column: 5 }, message: /bare word/ },
  { code: 'hostname.denied', files: { 'zones/a.yaml': block('records:\n  198.51.100.9: dhcp-9.pool.example.com\n') }, at: { file: 'zones/a.yaml', line: 3, column: 3 } },
  { code: 'hostname.reverse-target', files: { 'zones/a.yaml': block('records:\n  198.51.100.9:\n    ptr: mx.example.com.100.51.198.in-addr.arpa\n') }, at: { file: 'zones/a.yaml', line: 4, column: 10 }, message: /did you mean mx\.example\.com\?/ },
  {
    code: 'block.overlap',
    files: { 'zones/a.yaml': block(''), 'zones/b.yaml': '# a sub-block\nprefix: 198.51.100.128/25\n' },
    at: { file: 'zones/b.yaml', line: 2, column: 9 },
    message: /zones\/a\.yaml/,
  },
  {
    code: 'record.duplicate',
    files: { 'zones/a.yaml': block('records:\n  198.51.100.200: a.example.com\n'), 'zones/b.yaml': 'prefix: 198.51.100.128/25\nrecords:\n  198.51.100.200: b.example.com\n' },
    at: { file: 'zones/b.yaml', line: 3, column: 3 },
    message: /zones\/a\.yaml:3/,
  },
  { code: 'allocation.outside-block', files: { 'zones/a.yaml': block('allocations:\n  - prefix: 198.51.101.0/28\n') }, at: { file: 'zones/a.yaml', line: 3, column: 13 } },
  {
    code: 'allocation.overlap',
    files: { 'zones/a.yaml': block('allocations:\n  - prefix: 198.51.100.0/27\n  - prefix: 198.51.100.16/28\n') },
    at: { file: 'zones/a.yaml', line: 4, column: 13 },
    message: /line 3/,
  },
  { code: 'owner.invalid', files: { 'zones/a.yaml': block('owners: ["@noc", "noc@example.com"]\n') }, at: { file: 'zones/a.yaml', line: 2, column: 18 } },
  { code: 'template.invalid', files: { 'zones/a.yaml': block('default: "{ip}.example.net"\n') }, at: { file: 'zones/a.yaml', line: 2, column: 10 }, message: /unknown placeholder/ },
  { code: 'template.collision', files: { 'zones/a.yaml': block('default: static.example.net\n') }, at: { file: 'zones/a.yaml', line: 2, column: 10 } },
  {
    code: 'template.collision',
    files: { 'zones/a.yaml': block('default: "h{d}.example.net"\n'), 'zones/b.yaml': block('default: "h{d}.example.net"\n', '192.0.2.0/24') },
    // 192.0.2.0/24 (b.yaml) sorts first, so the second user of the template, a.yaml, is reported.
    at: { file: 'zones/a.yaml', line: 1, column: 9 },
    message: /also used by zones\/b\.yaml/,
  },
  {
    code: 'template.collision',
    files: { 'zones/a.yaml': block('default: "h{d}.example.net"\n'), 'zones/b.yaml': block('default: "h{host}.example.net"\n', '192.0.2.0/24') },
    at: { file: 'zones/a.yaml', line: 1, column: 9 },
    message: /"h\{d\}\.example\.net" has the same shape as "h\{host\}\.example\.net" in zones\/b\.yaml/,
  },
  {
    code: 'zone.too-large',
    files: { 'rdns.yaml': 'zones: { max_records: 2 }\n', 'zones/a.yaml': block('records:\n  198.51.100.1: a.example.com\n  198.51.100.2: b.example.com\n  198.51.100.3: c.example.com\n') },
    at: { file: 'zones/a.yaml', line: 1, column: 9 },
    message: /3 PTR records/,
  },
  {
    code: 'zone.too-many',
    files: { 'zones/a.yaml': 'prefix: 2000::/16\nrecords:\n  "2000::1": a.example.com\n' },
    at: { file: 'zones/a.yaml', line: 1, column: 9 },
    message: /splits into 4294967296 reverse zones at zones\.ipv6_boundary/,
  },
  {
    code: 'zone.many',
    files: { 'zones/a.yaml': 'prefix: 10.0.0.0/12\nrecords:\n  10.0.0.1: a.example.com\n' },
    at: { file: 'zones/a.yaml', line: 1, column: 9 },
    message: /renders 4096 reverse zones .*zones\.ipv4_boundary/,
  },
  {
    code: 'zone.unknown',
    files: { 'zones/a.yaml': 'prefix: 203.0.113.0/25\nzones:\n  0-25.113.0.203.in-addr.arpa: { zone_id: Z1 }\n  0/25.113.0.203.in-addr.arpa.: { zone_id: Z2 }\n' },
    at: { file: 'zones/a.yaml', line: 4, column: 3 },
    message: /"0\/25\.113\.0\.203\.in-addr\.arpa\." is not a reverse zone of 203\.0\.113\.0\/25 \(113\.0\.203\.in-addr\.arpa\., 0-25\.113\.0\.203\.in-addr\.arpa\.\); RFC 2317 zones are named with "-"/,
  },
  // Two /25 blocks share 100.51.198.in-addr.arpa: one block cannot override rdns.yaml's options for it.
  {
    code: 'zone.shared-options',
    files: {
      'rdns.yaml': 'route53:\n  zones:\n    100.51.198.in-addr.arpa: { mode: exclusive }\n',
      'zones/a.yaml': 'prefix: 198.51.100.0/25\nzones:\n  100.51.198.in-addr.arpa: { mode: per-record }\n',
      'zones/b.yaml': 'prefix: 198.51.100.128/25\n',
    },
    render: true,
    at: { file: 'zones/a.yaml', line: 1, column: 9 },
    message: /sets mode per-record for a reverse zone shared with zones\/b\.yaml, but rdns\.yaml route53\.zones sets exclusive/,
  },
  { code: 'config.invalid', files: { 'rdns.yaml': 'policy:\n  deny_extra: ["(unclosed"]\n', 'zones/a.yaml': block('') }, at: { file: 'rdns.yaml', line: 2, column: 16 } },
  // rdns.yaml's route53.zones names a zone no block has: its zone_id would be ignored.
  {
    code: 'zone.unknown',
    files: { 'rdns.yaml': 'route53:\n  zones:\n    100.51.198.in-addr.arpa: { mode: per-record }\n    2.0.192.in-addr.arpa.: { zone_id: Z123 }\n', 'zones/a.yaml': block('') },
    at: { file: 'rdns.yaml', line: 4, column: 5 },
    message: /route53\.zones: "2\.0\.192\.in-addr\.arpa\." is not a reverse zone of any block/,
  },
  { code: 'yaml.tag', files: { 'zones/a.yaml': block('records:\n  198.51.100.1: !foo a.example.com\n') }, at: { file: 'zones/a.yaml', line: 3, column: 17 }, message: /tag !foo/ },
  { code: 'yaml.tag', files: { 'zones/a.yaml': block('records:\n  !!binary AAAA: a.example.com\n') }, at: { file: 'zones/a.yaml', line: 3, column: 3 }, message: /!!binary/ },
  { code: 'yaml.tag', files: { 'rdns.yaml': 'defaults:\n  ttl: !!binary AAAA\n', 'zones/a.yaml': block('') }, at: { file: 'rdns.yaml', line: 2, column: 8 }, message: /!!binary/ },
  // The same addresses as 198.51.100.0/24, written as IPv6: both would publish 198.51.100.1.
  { code: 'prefix.invalid', files: { 'zones/a.yaml': block(''), 'zones/b.yaml': 'prefix: ::ffff:198.51.100.0/120\n' }, at: { file: 'zones/b.yaml', line: 1, column: 9 }, message: /IPv4-mapped IPv6 prefix.*198\.51\.100\.0\/24/ },
  { code: 'prefix.invalid', files: { 'zones/a.yaml': 'prefix: ::c633:6400/120\n' }, at: { file: 'zones/a.yaml', line: 1, column: 9 }, message: /IPv4-compatible IPv6 prefix.*198\.51\.100\.0\/24/ },
  { code: 'prefix.invalid', files: { 'zones/a.yaml': 'prefix: 2001:db8::/32\nallocations:\n  - prefix: ::ffff:192.0.2.0/120\n' }, at: { file: 'zones/a.yaml', line: 3, column: 13 }, message: /IPv4-mapped/ },
  { code: 'prefix.invalid', files: { 'zones/a.yaml': 'prefix: ::/64\n' }, at: { file: 'zones/a.yaml', line: 1, column: 9 }, message: /contains the IPv4-(mapped|compatible)/ },
  // "раypal": Cyrillic "р" and "а" among Latin letters, as a browser would flag it.
  { code: 'hostname.mixed-script', files: { 'zones/a.yaml': block('records:\n  198.51.100.1: раypal.example.com\n') }, at: { file: 'zones/a.yaml', line: 3, column: 3 }, message: /Latin and Cyrillic/ },
  { code: 'hostname.confusable', files: { 'zones/a.yaml': block('records:\n  198.51.100.1: сосо.example.com\n') }, at: { file: 'zones/a.yaml', line: 3, column: 3 }, message: /Cyrillic letters that look like the Latin "coco"/ },
  { code: 'schema.invalid', files: { 'rdns.yaml': 'zones:\n  ipv4_boundary: 20\n', 'zones/a.yaml': block('') }, at: { file: 'rdns.yaml', line: 2, column: 18 } },
  // defaults.ttl applies to every record without its own TTL: it must be within policy.ttl.
  { code: 'config.invalid', files: { 'rdns.yaml': 'defaults:\n  ttl: 30\n', 'zones/a.yaml': block('') }, at: { file: 'rdns.yaml', line: 2, column: 8 }, message: /defaults\.ttl 30 is outside policy\.ttl 60–86400/ },
  { code: 'config.invalid', files: { 'rdns.yaml': 'policy:\n  ttl: { min: 7200 }\n', 'zones/a.yaml': block('') }, at: { file: 'rdns.yaml', line: 2, column: 8 }, message: /defaults\.ttl 3600 \(the default\) is outside policy\.ttl 7200–86400/ },
  { code: 'config.invalid', files: { 'rdns.yaml': 'owners: ["@ok", "not a handle"]\n', 'zones/a.yaml': block('') }, at: { file: 'rdns.yaml', line: 1, column: 17 }, message: /owners\[1\] "not a handle" is not a GitHub user/ },
  {
    code: 'record.delegated',
    files: { 'zones/a.yaml': block('allocations:\n  - prefix: 198.51.100.32/28\n    delegate_to: [ns1.cust.example]\nrecords:\n  198.51.100.33: a.cust.example\n') },
    at: { file: 'zones/a.yaml', line: 6, column: 3 },
    message: /not published by this repository; it is in the child zone `rdns export` prints for the customer/,
  },
  {
    code: 'allocation.contact',
    files: { 'zones/a.yaml': block('allocations:\n  - prefix: 198.51.100.32/28\n    contact: "jane doe@acme.example"\n') },
    at: { file: 'zones/a.yaml', line: 4, column: 14 },
    message: /contact: "jane doe@acme.example": the part before @ may hold only letters, digits/,
  },
  { code: 'forward.not-generic', files: { 'zones/a.yaml': block('default: "h{host}.example.net"\nforward: { zone: example.net }\n') }, at: { file: 'zones/a.yaml', line: 3, column: 1 }, message: /encodes only part of the address/ },
  {
    code: 'forward.duplicate',
    files: {
      'zones/a.yaml': 'prefix: 192.0.2.0/30\ndefault: "{reversed}.example.com"\nforward: { zone: example.com }\n',
      'zones/b.yaml': 'prefix: 1.2.0.192/30\ndefault: "{dashed}.example.com"\nforward: { zone: example.com }\n',
    },
    at: { file: 'zones/a.yaml', line: 1, column: 9 },
    message: /also published for 1\.2\.0\.192 by zones\/b\.yaml/,
  },
];

describe('loader diagnostics: code and exact position', () => {
  it.each(cases.map((c) => [c.code, c] as const))('%s', (code, c) => {
    const root = writeRepo(c.files);
    c.setup?.(root);
    const repo = loadRepository(root);
    const diagnostics = c.render ? [...repo.diagnostics, ...renderFindings(repo)] : repo.diagnostics;
    const hit = diagnostics.find((d: Diagnostic) => d.code === code);
    expect(hit, JSON.stringify(diagnostics, null, 1)).toBeDefined();
    expect({ file: hit?.file, line: hit?.line, column: hit?.column }).toEqual(c.at);
    if (c.message) expect(hit?.message).toMatch(c.message);
  });

  // file.too-large and file.unreadable (a folder only a non-root user cannot read) are in repository-boundary.test.ts.
  it('has a case for every loader code', () => {
    const covered = new Set(cases.map((c) => c.code));
    const loaderCodes = ['file.', 'yaml.', 'schema.', 'prefix.', 'record.', 'hostname.', 'block.', 'allocation.', 'owner.', 'template.', 'zone.', 'config.', 'forward.'];
    // config.changed is `rdns ci`'s (a pull request that changes rdns.yaml), not the loader's.
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((k) => loaderCodes.some((p) => k.startsWith(p)) && !covered.has(k) && k !== 'file.too-large' && k !== 'file.unreadable' && k !== 'config.changed');
    expect(missing).toEqual([]);
  });
});

describe('hostile and huge input never throws', () => {
  it('reports a 50 MB file as too large without parsing it', () => {
    const big = `prefix: 10.0.0.0/8\nrecords:\n${'  10.0.0.1: a.example.com\n'.repeat(2_000_000)}`;
    const root = writeRepo({ 'zones/big.yaml': big });
    const { diagnostics } = loadRepository(root);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'file.too-large', file: 'zones/big.yaml', line: 1, column: 1 })]);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['prefix: 198.51.100.0/24', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 20; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const root = writeRepo({ 'zones/bomb.yaml': `${lines.join('\n')}\n` });
    const { diagnostics } = loadRepository(root);
    expect(diagnostics.filter((d) => d.code === 'yaml.alias').length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.file === 'zones/bomb.yaml' && d.line && d.column)).toBe(true);
  });

  // Each is one error with its code, at the line and column of the offending node.
  it.each([
    ['a list', '- 1\n- 2\n', 'schema.invalid', 1, 1, 'the file must be object'],
    ['a scalar', 'just text\n', 'schema.invalid', 1, 1, 'the file must be object'],
    ['records as a list', 'prefix: 198.51.100.0/24\nrecords: [1, 2]\n', 'schema.invalid', 2, 10, 'records must be object,null'],
    ['a record as a number', 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: 42\n', 'schema.invalid', 3, 17, 'records.198.51.100.1 must be string,object'],
    ['a prefix as a number', 'prefix: 10\n', 'schema.invalid', 1, 9, 'prefix must be string'],
    ['a mapping key', 'prefix: 198.51.100.0/24\nrecords:\n  ? [a, b]\n  : x.example.com\n', 'schema.invalid', 3, 5, 'a mapping key must be a plain value, not a list or mapping'],
    ['two documents', 'prefix: 198.51.100.0/24\n---\nprefix: 192.0.2.0/24\n', 'yaml.syntax', 2, 1, 'multiple documents'],
    ['tabs for indentation', 'prefix: 198.51.100.0/24\nrecords:\n\t198.51.100.1: a.example.com\n', 'yaml.syntax', 3, 1, 'a tab in the indentation'],
    ['a NUL byte', 'prefix: 198.51.100.0/24\u0000\n', 'prefix.invalid', 1, 9, 'must be a whole number'],
    ['__proto__ as a key', 'prefix: 198.51.100.0/24\nrecords:\n  __proto__: a.example.com\n', 'record.ip-invalid', 3, 3, '"__proto__" is not an IPv4 address'],
  ])('%s', (_what, text, code, line, column, message) => {
    const root = writeRepo({ 'zones/x.yaml': text });
    const { diagnostics } = loadRepository(root);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'error', code, file: 'zones/x.yaml', line, column, message: expect.stringContaining(message) })]);
  });

  it('records written as a list: one schema error, no findings about list indexes as addresses', () => {
    const root = writeRepo({ 'zones/x.yaml': 'prefix: 198.51.100.0/24\nrecords:\n  - 198.51.100.5\n' });
    expect(loadRepository(root).diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['schema.invalid', 3, 3]]);
  });

  it('accepts a UTF-8 BOM and CRLF line endings', () => {
    const root = writeRepo({ 'zones/x.yaml': '\ufeffprefix: 198.51.100.0/24\r\nrecords:\r\n  198.51.100.1: a.example.com\r\n' });
    const repo = loadRepository(root);
    expect(repo.diagnostics).toEqual([]);
    expect(repo.blocks[0]?.records[0]?.ptr).toBe('a.example.com.');
  });
});
