import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseIp, formatIp } from '../../src/core/ip.js';
import { editRecords, type RecordEdit } from '../../src/edit/record-edit.js';

const ipOf = (t: string) => {
  const p = parseIp(t);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};
const set = (ip: string, ptr: string, extra: { ttl?: number; note?: string } = {}): RecordEdit => ({ op: 'set', ip: ipOf(ip), ipText: formatIp(ipOf(ip)), ptr, ...extra });
const reset = (ip: string): RecordEdit => ({ op: 'reset', ip: ipOf(ip), ipText: formatIp(ipOf(ip)) });
const edit = (text: string, edits: RecordEdit[]): string => {
  const r = editRecords(text, edits);
  if (!r.ok) throw new Error(r.reason);
  return r.text;
};

const FILE = `# yaml-language-server: $schema=../schema/block.schema.json
# Colo hall B — keep in IP order, please.
prefix: 198.51.100.0/24
description:   "Colo hall B"   # odd spacing stays
owners: ['@example-isp/noc']
records:
  # routers
  198.51.100.1: gw1.example.net     # primary
  198.51.100.2: 'gw2.example.net'

  # mail
  198.51.100.25:
    ptr: "mx1.example.net"
    ttl: 300
    note: NOC-1001
  198.51.100.30: old.example.net
# trailing comment
`;

describe('editRecords keeps every other byte', () => {
  it('changes one value in place, keeping its quoting and trailing comment', () => {
    const out = edit(FILE, [set('198.51.100.1', 'router1.example.net'), set('198.51.100.2', 'router2.example.net')]);
    expect(out).toBe(FILE.replace('gw1.example.net     # primary', 'router1.example.net     # primary').replace("'gw2.example.net'", "'router2.example.net'"));
  });

  it('changes the ptr of a mapping-form record and adds a missing note line', () => {
    const out = edit(FILE, [set('198.51.100.25', 'mx9.example.net', { note: 'NOC-2' })]);
    expect(out).toBe(FILE.replace('"mx1.example.net"', '"mx9.example.net"').replace('    note: NOC-1001', '    note: NOC-2'));
    const out2 = edit(FILE, [set('198.51.100.30', 'new.example.net', { ttl: 600 })]);
    expect(out2).toBe(FILE.replace('  198.51.100.30: old.example.net\n', '  198.51.100.30:\n    ptr: new.example.net\n    ttl: 600\n'));
  });

  it('moves a trailing comment onto the key line when a record grows a TTL', () => {
    const out = edit(FILE, [set('198.51.100.1', 'gw1.example.net', { ttl: 120 })]);
    expect(out).toBe(FILE.replace('  198.51.100.1: gw1.example.net     # primary\n', '  198.51.100.1: # primary\n    ptr: gw1.example.net\n    ttl: 120\n'));
    expect(parse(out).records['198.51.100.1']).toEqual({ ptr: 'gw1.example.net', ttl: 120 });
  });

  it('inserts new records in IP order, before the comments that lead into the next record', () => {
    const out = edit(FILE, [set('198.51.100.3', 'three.example.net'), set('198.51.100.0', 'zero.example.net'), set('198.51.100.200', 'last.example.net'), set('198.51.100.26', 'b.example.net')]);
    expect(out).toBe(
      FILE.replace('records:\n', 'records:\n  198.51.100.0: zero.example.net\n')
        .replace("  198.51.100.2: 'gw2.example.net'\n", "  198.51.100.2: 'gw2.example.net'\n  198.51.100.3: three.example.net\n")
        .replace('    note: NOC-1001\n', '    note: NOC-1001\n  198.51.100.26: b.example.net\n')
        .replace('  198.51.100.30: old.example.net\n', '  198.51.100.30: old.example.net\n  198.51.100.200: last.example.net\n'),
    );
  });

  it('reset removes exactly the record\'s own lines (mapping form too)', () => {
    const out = edit(FILE, [reset('198.51.100.25'), reset('198.51.100.1'), reset('198.51.100.99')]);
    expect(out).toBe(FILE.replace('  198.51.100.1: gw1.example.net     # primary\n', '').replace('  198.51.100.25:\n    ptr: "mx1.example.net"\n    ttl: 300\n    note: NOC-1001\n', ''));
  });

  it('matches IPv6 keys in any notation and keeps CRLF line ends', () => {
    const v6 = 'prefix: 2001:db8::/32\r\nrecords:\r\n  2001:0db8:0:0::1: a.example.net\r\n  "2001:db8::f": f.example.net\r\n';
    const out = edit(v6, [set('2001:db8::0:1', 'b.example.net'), set('2001:db8::5', 'five.example.net'), reset('2001:db8:0::f')]);
    expect(out).toBe('prefix: 2001:db8::/32\r\nrecords:\r\n  2001:0db8:0:0::1: b.example.net\r\n  2001:db8::5: five.example.net\r\n');
  });

  it.each([
    ['no records key', 'prefix: 192.0.2.0/24\nowners: []\n', 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.7: seven.example.net\n'],
    ['no records key, no final newline', 'prefix: 192.0.2.0/24', 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.7: seven.example.net'],
    ['records: {}', 'prefix: 192.0.2.0/24\nrecords: {}   # none yet\n', 'prefix: 192.0.2.0/24\nrecords:   # none yet\n  192.0.2.7: seven.example.net\n'],
    ['records: null', 'prefix: 192.0.2.0/24\nrecords: null\nttl: 60\n', 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.7: seven.example.net\nttl: 60\n'],
    ['records: (empty)', 'prefix: 192.0.2.0/24\nrecords:\n# end\n', 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.7: seven.example.net\n# end\n'],
    ['four-space indent', 'prefix: 192.0.2.0/24\nrecords:\n    192.0.2.9: nine.example.net\n', 'prefix: 192.0.2.0/24\nrecords:\n    192.0.2.7: seven.example.net\n    192.0.2.9: nine.example.net\n'],
  ])('handles %s', (_name, before, after) => {
    expect(edit(before, [set('192.0.2.7', 'seven.example.net')])).toBe(after);
  });

  it('quotes values that YAML would read as something else, and hostile notes', () => {
    const out = edit('prefix: 192.0.2.0/24\nrecords:\n', [set('192.0.2.1', '1.5e3'), set('192.0.2.2', 'a.example.net', { note: 'x: y # z\n\u0007"' })]);
    const data = parse(out);
    expect(data.records['192.0.2.1']).toBe('1.5e3');
    expect(data.records['192.0.2.2']).toEqual({ ptr: 'a.example.net', note: 'x: y # z\n\u0007"' });
    expect(out.split('\n')).toHaveLength(7);
  });

  it('refuses files it cannot edit safely, leaving them as they are; flow style goes through the Document API', () => {
    expect(editRecords('prefix: 192.0.2.0/24\nrecords: {192.0.2.1: a.example.net}\n', [set('192.0.2.2', 'b.example.net')])).toEqual({ ok: true, text: 'prefix: 192.0.2.0/24\nrecords: {192.0.2.1: a.example.net, 192.0.2.2: b.example.net}\n' });
    expect(editRecords('{prefix: 192.0.2.0/24, records: {192.0.2.1: a.example.net, "192.0.2.1": b.example.net}}\n', [set('192.0.2.1', 'c.example.net')]).ok).toBe(false);
    expect(editRecords('prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: a.example.net\n  192.0.2.01: b.example.net\n  "192.0.2.1": c.example.net\n', [set('192.0.2.1', 'b.example.net')]).ok).toBe(false);
  });

  it('sets a top-level key (import proposing a default) before records', () => {
    const r = editRecords('prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: a.example.net\n', [reset('192.0.2.1')], [{ key: 'default', value: '{dashed}.dyn.example.net' }]);
    expect(r).toEqual({ ok: true, text: 'prefix: 192.0.2.0/24\ndefault: "{dashed}.dyn.example.net"\nrecords:\n' });
  });
});

describe('editRecords on flow-style and commented mapping records', () => {
  it('adds keys inside a flow mapping and keeps comments inside a block mapping', () => {
    const ip = parseIp('192.0.2.1');
    const ip2 = parseIp('192.0.2.2');
    if (!ip.ok || !ip2.ok) throw new Error();
    const text = 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: {ptr: "a.example.net", ttl: 120}  # flow\n  192.0.2.2:\n    # why\n    ptr: b.example.net\n';
    const r = editRecords(text, [
      { op: 'set', ip: ip.value, ipText: '192.0.2.1', ptr: 'c.example.net', note: 'T-1' },
      { op: 'set', ip: ip2.value, ipText: '192.0.2.2', ptr: 'd.example.net', ttl: 60 },
    ]);
    expect(r).toEqual({ ok: true, text: 'prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: {ptr: "c.example.net", ttl: 120, note: T-1}  # flow\n  192.0.2.2:\n    # why\n    ptr: d.example.net\n    ttl: 60\n' });
  });
});

describe('editRecords never runs two lines together', () => {
  it('adds records before and after the others in a file without a final line break, and keeps it without one', () => {
    const text = 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.5: a.example.com\n  198.51.100.9: b.example.com';
    const out = edit(text, [set('198.51.100.1', 'x.example.com'), set('198.51.100.20', 'y.example.com')]);
    expect(out).toBe('prefix: 198.51.100.0/24\nrecords:\n  198.51.100.1: x.example.com\n  198.51.100.5: a.example.com\n  198.51.100.9: b.example.com\n  198.51.100.20: y.example.com');
    const crlf = edit(text.replace(/\n/g, '\r\n'), [set('198.51.100.1', 'x.example.com'), set('198.51.100.20', 'y.example.com')]);
    expect(crlf).toBe(out.replace(/\n/g, '\r\n'));
  });

  it('replaces a block-scalar PTR (| or >-) and keeps the line break before the next record', () => {
    for (const style of ['|', '>-', '|+']) {
      const text = `prefix: 198.51.100.0/24\nrecords:\n  198.51.100.5: ${style}\n    a.example.com\n  198.51.100.9: b.example.com\n`;
      const out = edit(text, [set('198.51.100.5', 'q.example.com')]);
      expect(out).toBe('prefix: 198.51.100.0/24\nrecords:\n  198.51.100.5: q.example.com\n  198.51.100.9: b.example.com\n');
    }
  });

  it('changes a block-scalar ptr or note inside a mapping record and adds keys after it', () => {
    const text = 'prefix: 198.51.100.0/24\nrecords:\n  198.51.100.5:\n    ptr: >-\n      a.example.com\n    note: |\n      moved from rack 4\n  198.51.100.9: b.example.com\n';
    const out = edit(text, [set('198.51.100.5', 'q.example.com', { ttl: 300 })]);
    expect(out).toBe('prefix: 198.51.100.0/24\nrecords:\n  198.51.100.5:\n    ptr: q.example.com\n    note: |\n      moved from rack 4\n    ttl: 300\n  198.51.100.9: b.example.com\n');
    expect(parse(out).records).toEqual({ '198.51.100.5': { ptr: 'q.example.com', note: 'moved from rack 4\n', ttl: 300 }, '198.51.100.9': 'b.example.com' });
    const out2 = edit(text, [set('198.51.100.5', 'a.example.com', { note: 'NOC-7' })]);
    expect(parse(out2).records['198.51.100.5']).toEqual({ ptr: 'a.example.com', note: 'NOC-7' });
    expect(out2).toContain('    note: NOC-7\n  198.51.100.9: b.example.com\n');
  });
});
