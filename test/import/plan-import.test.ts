/**
 * planImport on its own: imported PTRs → new block files for zones no block covers (with a
 * pool where the names are generic), record edits for covered addresses, and conflicts that
 * keep the block file's word unless --overwrite.
 */
import { describe, expect, it } from 'vitest';
import { collectPtrs } from '../../src/import/reverse-ptrs.js';
import { blockFileName, planImport } from '../../src/import/plan-import.js';
import { parseZoneText } from '../../src/import/zone-file.js';
import { parsePrefix } from '../../src/core/ip.js';
import { loadRepository } from '../../src/loader/repository.js';
import { writeRepo } from '../helpers/repo-files.js';

const zone = (apex: string, body: string): string => `$ORIGIN ${apex}\n$TTL 3600\n@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300\n@ IN NS ns1.example.net.\n${body}`;

describe('planImport', () => {
  const root = writeRepo({ 'zones/192.0.2.0_24.yaml': 'prefix: 192.0.2.0/24\nowners: ["@noc"]\nrecords:\n  192.0.2.1: gw.example.net\n  192.0.2.2: old.example.net\n' });
  const repo = loadRepository(root);
  // Covered by the block: one the same, one different, one new. Not covered: 200 generic names and one own name.
  const covered = parseZoneText(zone('2.0.192.in-addr.arpa.', '1 IN PTR gw.example.net.\n2 IN PTR new.example.net.\n3 IN PTR mail.example.net.\n'), { file: 'db.192.0.2' });
  const generic = Array.from({ length: 200 }, (_, i) => `${i} IN PTR host-198-51-100-${i}.dyn.example.net.\n`).join('');
  const uncovered = parseZoneText(zone('100.51.198.in-addr.arpa.', `${generic}250 IN PTR www.example.net.\n`), { file: 'db.198.51.100' });
  const { zones, ptrs } = collectPtrs([...covered.records, ...uncovered.records]);
  const plan = (overwrite: boolean) => planImport(repo, zones, ptrs, { sourceLabel: 'db.192.0.2, db.198.51.100', existingFiles: new Set(['zones/192.0.2.0_24.yaml']), owners: ['@noc'], overwrite });

  it('writes a new block file for an uncovered zone: a pool template for the generic names, records for the rest', () => {
    const p = plan(false);
    expect(p.newFiles.map((f) => [f.file, f.zone, f.records])).toEqual([['zones/198.51.100.0_24.yaml', '100.51.198.in-addr.arpa.', 1]]);
    expect(p.newFiles[0]!.text).toBe(
      '# yaml-language-server: $schema=../schema/block.schema.json\n' +
        '# Imported by rdns import from db.192.0.2, db.198.51.100 (zone 100.51.198.in-addr.arpa.).\n' +
        'prefix: 198.51.100.0/24\n' +
        'description: "Imported from 100.51.198.in-addr.arpa"\n' +
        'owners: ["@noc"]\n' +
        'pools:\n' +
        '  - prefix: 198.51.100.0/24\n' +
        '    count: 200\n' +
        '    default: "host-{dashed}.dyn.example.net"\n' +
        'records:\n' +
        '  198.51.100.250: www.example.net\n',
    );
    expect(p.notes).toContain('zones/198.51.100.0_24.yaml (new): 198.51.100.0/24 from 100.51.198.in-addr.arpa., 201 PTRs; 1 pool give 200 of them, 1 records');
  });

  it('adds what the block lacks, leaves what matches, and keeps the block file\'s word on a conflict', () => {
    const p = plan(false);
    expect(p.changes.map((c) => [c.kind, c.ipText, c.file, c.new?.ptr])).toEqual([['added', '192.0.2.3', 'zones/192.0.2.0_24.yaml', 'mail.example.net.']]);
    expect(p.unchanged.map((u) => u.ipText)).toEqual(['192.0.2.1']);
    expect(p.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'import.conflict', file: 'zones/192.0.2.0_24.yaml', line: 5, column: 3, message: "192.0.2.2: the zone says new.example.net, the block file says old.example.net; kept (use --overwrite to take the zone's)" }),
    ]);
    expect(p.conflicts).toBe(1);
    // 200 by the pool, 1 record in the new file, 192.0.2.1 already there, 192.0.2.3 added; 192.0.2.2 not taken.
    expect(p.counts).toEqual({ imported: 203, asTemplate: 200, refused: 0 });
  });

  it('with overwrite, takes the zone\'s name on a conflict and says so', () => {
    const p = plan(true);
    expect(p.changes.map((c) => [c.kind, c.ipText, c.old?.ptr, c.new?.ptr])).toEqual([
      ['changed', '192.0.2.2', 'old.example.net.', 'new.example.net.'],
      ['added', '192.0.2.3', undefined, 'mail.example.net.'],
    ]);
    expect(p.diagnostics.map((d) => d.message)).toEqual(['192.0.2.2: the zone says new.example.net, the block file says old.example.net (overwritten: --overwrite)']);
    expect(p.counts).toEqual({ imported: 204, asTemplate: 200, refused: 0 });
  });

  it('names new block files after their prefix, and never reuses a taken name', () => {
    const prefix = (text: string) => {
      const r = parsePrefix(text);
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    };
    const p4 = prefix('198.51.100.0/24');
    const p6 = prefix('2001:db8:100::/48');
    expect(blockFileName(p4, new Set())).toBe('zones/198.51.100.0_24.yaml');
    expect(blockFileName(p6, new Set())).toBe('zones/2001-db8-100--_48.yaml');
    expect(blockFileName(p4, new Set(['zones/198.51.100.0_24.yaml']))).not.toBe('zones/198.51.100.0_24.yaml');
  });
});
