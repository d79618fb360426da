import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from '../../src/core/ip.js';
import { DEFAULT_CONFIG } from '../../src/loader/config.js';
import { loadBlockFile } from '../../src/loader/block-file.js';
import { editRecords, readRecord, type RecordEdit } from '../../src/edit/record-edit.js';

// A small deterministic generator (mulberry32), so a failure can be replayed.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A block file with every record style the editor must cope with, and what it says. */
function generate(r: () => number): { text: string; records: Map<string, { ptr: string; ttl?: number }> } {
  const records = new Map<string, { ptr: string; ttl?: number }>();
  let text = '# yaml-language-server: $schema=../schema/block.schema.json\n# Hosting LAN — hand-maintained\nprefix: 10.9.0.0/22   # four /24s\nowners: ["@noc"]\n\nrecords:\n';
  for (let i = 0; i < 1024; i++) {
    if (r() < 0.6) continue;
    const ip = `10.9.${i >> 8}.${i & 255}`;
    const host = `h${i}.example.net`;
    const style = Math.floor(r() * 6);
    if (r() < 0.1) text += `  # block ${i}\n`;
    if (r() < 0.05) text += '\n';
    if (style === 0) text += `  ${ip}: ${host}\n`;
    else if (style === 1) text += `  "${ip}": '${host}'   # quoted\n`;
    else if (style === 2) text += `  ${ip}:\n    ptr: ${host}\n    ttl: 600\n`;
    else if (style === 3) text += `  ${ip}: {ptr: "${host}", ttl: 120}\n`;
    else if (style === 4) text += `  ${ip}:   ${host}    # trailing\n`;
    else text += `  ${ip}:\n    # the record's own comment\n    ptr: ${host}\n`;
    records.set(ip, { ptr: host, ttl: style === 2 ? 600 : style === 3 ? 120 : undefined });
  }
  text += '# end of records\n';
  return { text, records };
}

const ipOf = (t: string) => {
  const p = parseIp(t);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};

describe('editRecords on generated files (every style, random edits)', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: the file loads, says exactly what was asked, and keeps every untouched line in order`, () => {
      const r = rng(seed);
      const { text, records } = generate(r);
      const expected = new Map(records);
      const edits: RecordEdit[] = [];
      const touched = new Set<string>();
      for (let k = 0; k < 120; k++) {
        const i = Math.floor(r() * 1024);
        const ip = `10.9.${i >> 8}.${i & 255}`;
        if (touched.has(ip)) continue;
        touched.add(ip);
        const roll = r();
        if (roll < 0.3) {
          edits.push({ op: 'reset', ip: ipOf(ip), ipText: ip });
          expected.delete(ip);
        } else {
          const ttl = roll < 0.45 ? 300 : undefined;
          const ptr = `new-${i}.example.org`;
          edits.push({ op: 'set', ip: ipOf(ip), ipText: ip, ptr, ttl });
          expected.set(ip, { ptr, ttl: ttl ?? expected.get(ip)?.ttl });
        }
      }
      const out = editRecords(text, edits);
      if (!out.ok) throw new Error(out.reason);
      const loaded = loadBlockFile(Buffer.from(out.text), 'zones/x.yaml', DEFAULT_CONFIG);
      expect(loaded.diagnostics).toEqual([]);
      const got = new Map(loaded.block!.records.map((x) => [x.ipText, { ptr: x.ptr.replace(/\.$/, ''), ttl: x.ttl }]));
      expect(got).toEqual(expected);
      // New and kept records are in IP order where the file was.
      const order = loaded.block!.records.map((x) => x.ip.value);
      expect([...order].sort((a, b) => (a < b ? -1 : 1))).toEqual(order);
      // Every line that is not part of an edited record is still there, in the same order.
      const editedKeys = new Set([...touched].map((ip) => formatIp(ipOf(ip))));
      const inEdited = (line: string): boolean => {
        const m = /^ {2}"?(10\.9\.\d+\.\d+)"?:/.exec(line);
        return m !== null && editedKeys.has(m[1]!);
      };
      const origLines = text.split('\n');
      const keep: string[] = [];
      let skipping = false;
      for (const line of origLines) {
        if (/^ {2}\S/.test(line) && !line.trimStart().startsWith('#')) skipping = inEdited(line);
        else if (!/^ {4}/.test(line)) skipping = false;
        if (!skipping) keep.push(line);
      }
      const outLines = out.text.split('\n');
      let j = 0;
      for (const line of keep) {
        while (j < outLines.length && outLines[j] !== line) j++;
        expect(j, `line "${line}" is missing or out of order`).toBeLessThan(outLines.length);
        j++;
      }
      for (const [ip, v] of expected) expect(readRecord(out.text, ipOf(ip))?.ptr).toBe(v.ptr);
    });
  }
});
