/**
 * From a stack's Terraform state to what its next plan needs: the applied record sets (the
 * live check's baseline) and, for a stack applied with an earlier layout, the moved /
 * import / removed blocks of an upgrade that deletes nothing. Table-driven over states of
 * each layout.
 */
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/loader/repository.js';
import { zoneContents } from '../../src/render/zone-records.js';
import { zoneStacksOf } from '../../src/render/stacks.js';
import { prepareFromState } from '../../src/render/state-migration.js';
import { recordAddressOf, recordResourceName } from '../../src/render/record-address.js';
import { driftOf } from '../../src/render/live-check.js';
import { writeRepo } from './fixture.js';

const repo = loadRepository(writeRepo({ 'zones/a.yaml': 'prefix: 192.0.2.0/24\nowners: []\nrecords:\n  192.0.2.1: gw.example.com\n  192.0.2.10: mail.example.com\n' }));
const stack = zoneStacksOf(zoneContents(repo))[0]!;
const set = (n: number, v: string) => ({ name: `${n}.2.0.192.in-addr.arpa.`, type: 'PTR', ttl: 3600, resource_records: [{ value: v }] });

const exclusiveState = {
  version: 4,
  resources: [
    { mode: 'managed', type: 'aws_route53_zone', name: 'zone_192_0_2_0_24', instances: [{ attributes: { zone_id: 'Z0001' } }] },
    { mode: 'managed', type: 'aws_route53_records_exclusive', name: 'records_192_0_2_0_24', instances: [{ attributes: { zone_id: 'Z0001', resource_record_set: [set(1, 'gw.example.com.'), set(10, 'mail.example.com.'), set(20, 'gone.example.com.')] } }] },
  ],
};
const forEachState = {
  version: 4,
  resources: [
    {
      mode: 'managed',
      type: 'aws_route53_record',
      name: 'records_192_0_2_0_24',
      instances: [
        { index_key: 'PTR 1.2.0.192.in-addr.arpa.', attributes: { zone_id: 'Z0001', name: '1.2.0.192.in-addr.arpa', type: 'PTR', records: ['gw.example.com.'] } },
        { index_key: 'PTR 10.2.0.192.in-addr.arpa.', attributes: { zone_id: 'Z0001', name: '10.2.0.192.in-addr.arpa', type: 'PTR', records: ['mail.example.com.'] } },
      ],
    },
  ],
};
const literalState = {
  version: 4,
  resources: [
    { mode: 'managed', type: 'aws_route53_record', name: recordResourceName('PTR', '1.2.0.192.in-addr.arpa.'), instances: [{ attributes: { zone_id: 'Z0001', name: '1.2.0.192.in-addr.arpa', type: 'PTR', records: ['gw.example.com.'] } }] },
    { mode: 'managed', type: 'aws_route53_record', name: 'a_h_example_net', instances: [{ attributes: { zone_id: 'Z0009', name: 'h.example.net', type: 'A', records: ['192.0.2.7'] } }] },
  ],
};

describe('prepareFromState', () => {
  it('a stack with no state yet: an empty baseline, nothing to migrate', () => {
    expect(prepareFromState(undefined, stack)).toEqual({ applied: {}, summary: { moved: 0, imported: 0, released: [] } });
  });

  it('records_exclusive: imports every set it held into its literal block, forgets the old resource without destroying, keeps a set git dropped until the next plan', () => {
    const p = prepareFromState(exclusiveState, stack);
    expect(p.applied).toEqual({ 'PTR 1.2.0.192.in-addr.arpa.': 'gw.example.com.', 'PTR 10.2.0.192.in-addr.arpa.': 'mail.example.com.', 'PTR 20.2.0.192.in-addr.arpa.': 'gone.example.com.' });
    expect(p.migration).toEqual({
      import: [
        { to: recordAddressOf('PTR', '1.2.0.192.in-addr.arpa.'), id: 'Z0001_1.2.0.192.in-addr.arpa_PTR' },
        { to: recordAddressOf('PTR', '10.2.0.192.in-addr.arpa.'), id: 'Z0001_10.2.0.192.in-addr.arpa_PTR' },
        { to: recordAddressOf('PTR', '20.2.0.192.in-addr.arpa.'), id: 'Z0001_20.2.0.192.in-addr.arpa_PTR' },
      ],
      removed: [{ from: 'aws_route53_records_exclusive.records_192_0_2_0_24', lifecycle: { destroy: false } }],
      // Git no longer has .20: imported as it is (nothing deleted by the upgrade), removed by the plan after it.
      resource: { aws_route53_record: { 'ptr_20_2_0_192_in-addr_arpa': { zone_id: 'Z0001', name: '20.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 3600, records: ['gone.example.com.'] } } },
    });
  });

  it('for_each: moves each instance to the literal block of its name', () => {
    const p = prepareFromState(forEachState, stack);
    expect(p.migration).toEqual({
      moved: [
        { from: 'aws_route53_record.records_192_0_2_0_24["PTR 1.2.0.192.in-addr.arpa."]', to: 'aws_route53_record.ptr_1_2_0_192_in-addr_arpa' },
        { from: 'aws_route53_record.records_192_0_2_0_24["PTR 10.2.0.192.in-addr.arpa."]', to: 'aws_route53_record.ptr_10_2_0_192_in-addr_arpa' },
      ],
    });
    expect(p.applied?.['PTR 10.2.0.192.in-addr.arpa.']).toBe('mail.example.com.');
  });

  it('the current layout: the applied reverse records only (no forward A), nothing to migrate', () => {
    expect(prepareFromState(literalState, stack)).toEqual({ applied: { 'PTR 1.2.0.192.in-addr.arpa.': 'gw.example.com.' }, summary: { moved: 0, imported: 0, released: [] } });
  });

  it('writes nothing from a state that holds template syntax or odd names into the blocks', () => {
    const evil = JSON.parse(JSON.stringify(exclusiveState).replace('gone.example.com.', '${file(\\"/etc/passwd\\")}')) as typeof exclusiveState;
    const p = prepareFromState(evil, stack);
    expect(JSON.stringify(p)).not.toContain('passwd');
    const odd = structuredClone(forEachState);
    (odd.resources[0]!.instances[1] as { index_key: string }).index_key = 'PTR 10.2.0.192.in-addr.arpa."] x';
    expect(prepareFromState(odd, stack).migration).toEqual({ moved: [expect.objectContaining({ to: 'aws_route53_record.ptr_1_2_0_192_in-addr_arpa' })] });
  });
});

describe('driftOf', () => {
  it('reads the records of a failed live check out of Terraform\'s message', () => {
    const message = [
      'Error: Resource postcondition failed',
      'rdns.drift: the hosted zone differs from git and from what Terraform last applied:',
      'changed | PTR 10.2.0.192.in-addr.arpa. | route53: evil.example. | git: mail.example.com.',
      'added | PTR 9.2.0.192.in-addr.arpa. | route53: nine.example. | git: (none)',
      'deleted | NS 64-27.2.0.192.in-addr.arpa. | route53: (none) | git: ns1.example. ns2.example.',
    ].join('\n');
    expect(driftOf(message)).toEqual([
      { kind: 'changed', type: 'PTR', name: '10.2.0.192.in-addr.arpa.', route53: 'evil.example.', git: 'mail.example.com.' },
      { kind: 'added', type: 'PTR', name: '9.2.0.192.in-addr.arpa.', route53: 'nine.example.' },
      { kind: 'deleted', type: 'NS', name: '64-27.2.0.192.in-addr.arpa.', git: 'ns1.example. ns2.example.' },
    ]);
    expect(driftOf('Error: something else\nchanged | PTR x. | route53: a | git: b')).toEqual([]);
    // Terraform wraps long lines at spaces and frames them.
    const wrapped = '│ rdns.drift: the hosted zone differs from git and from what Terraform last\n│ applied:\n│ changed | PTR 10.2.0.192.in-addr.arpa. | route53: evil.example. | git:\n│ mail.example.com.\n│ Reconcile: `rdns plan --refresh` plans';
    expect(driftOf(wrapped)).toEqual([{ kind: 'changed', type: 'PTR', name: '10.2.0.192.in-addr.arpa.', route53: 'evil.example.', git: 'mail.example.com.' }]);
  });
});
