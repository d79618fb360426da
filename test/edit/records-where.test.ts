/** textWithRecordsWhere: the records of a prefix read from a large file without parsing the rest (rdns history PREFIX). */
import { describe, expect, it } from 'vitest';
import { parsePrefix, prefixContainsIp } from '../../src/core/ip.js';
import { textWithRecordsWhere } from '../../src/edit/record-edit.js';
import { loadBlockFile } from '../../src/loader/block-file.js';
import { DEFAULT_CONFIG } from '../../src/loader/config.js';

const inside = (p: string) => {
  const q = parsePrefix(p);
  if (!q.ok) throw new Error(q.reason);
  return (ip: Parameters<typeof prefixContainsIp>[1]) => prefixContainsIp(q.value, ip);
};
const load = (text: string) => loadBlockFile(Buffer.from(text), 'zones/a.yaml', DEFAULT_CONFIG);

describe('textWithRecordsWhere', () => {
  const file = [
    '# head comment',
    'prefix: 192.0.2.0/24',
    'default: "{dashed}.example.net"',
    'records:',
    '  # routers',
    '  192.0.2.1: gw1.example.net',
    '  192.0.2.9:',
    '    ptr: nine.example.net   # mapping form',
    '    ttl: 300',
    '',
    '    note: NOC-9',
    '  "192.0.2.10": ten.example.net',
    '  192.0.2.200: far.example.net',
    'pools:',
    '  - prefix: 192.0.2.128/25',
    '    default: "dsl-{host}.example.net"',
    '',
  ].join('\n');

  it('keeps the chosen records whole (mapping form, quoted keys) and every line outside records', () => {
    const reduced = textWithRecordsWhere(file, inside('192.0.2.8/29'))!;
    expect(reduced).toBe(['# head comment', 'prefix: 192.0.2.0/24', 'default: "{dashed}.example.net"', 'records:', '  192.0.2.9:', '    ptr: nine.example.net   # mapping form', '    ttl: 300', '', '    note: NOC-9', '  "192.0.2.10": ten.example.net', 'pools:', '  - prefix: 192.0.2.128/25', '    default: "dsl-{host}.example.net"', ''].join('\n'));
    const whole = load(file).block!;
    const part = load(reduced).block!;
    expect(part.records).toEqual(whole.records.filter((r) => inside('192.0.2.8/29')(r.ip)).map((r) => ({ ...r, pos: expect.anything() })));
    expect(part.pools).toHaveLength(1);
    expect(part.default).toBe(whole.default);
  });

  it('no record chosen: an empty records key, still a valid block', () => {
    const reduced = textWithRecordsWhere(file, () => false)!;
    expect(load(reduced).block!.records).toEqual([]);
    expect(load(reduced).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('flow-style records, or a record line at the wrong indent: undefined (the caller parses the whole file)', () => {
    expect(textWithRecordsWhere('prefix: 192.0.2.0/24\nrecords: {192.0.2.1: a.example.net}\n', () => true)).toBeUndefined();
    expect(textWithRecordsWhere('prefix: 192.0.2.0/24\nrecords:\n    192.0.2.1: a.example.net\n  192.0.2.2: b.example.net\n', () => true)).toBeUndefined();
  });

  it('a file without records is returned as it is', () => {
    const text = 'prefix: 192.0.2.0/24\ndefault: "{dashed}.example.net"\n';
    expect(textWithRecordsWhere(text, () => false)).toBe(text);
  });
});
