/**
 * The plan in PTR terms from `terraform show -json` (format 1.x): what a reviewer reads
 * in the pull-request comment. Inputs are shaped as Terraform 1.11 prints them.
 */
import { describe, expect, it } from 'vitest';
import { diagnosticsText, failedPlan, hasChanges, parseUiStream, resourceChangesFromStream, summarizePlan, type UiMessage } from '../../src/terraform/plan-summary.js';
import { planMarkdown, planText } from '../../src/terraform/plan-format.js';

const set = (name: string, value: string, ttl = 3600, type = 'PTR') => ({ name, type, ttl, resource_records: [{ value }] });

describe('summarizePlan', () => {
  it('reads added, changed and removed PTRs of an exclusive zone by name, ignoring trailing dots and case', () => {
    const plan = summarizePlan('rdns-192-0-2-0-24', '2.0.192.in-addr.arpa.', {
      resource_changes: [
        {
          address: 'aws_route53_records_exclusive.records_192_0_2_0_24',
          type: 'aws_route53_records_exclusive',
          change: {
            actions: ['update'],
            before: { resource_record_set: [set('1.2.0.192.in-addr.arpa', 'gw.example.com.'), set('10.2.0.192.in-addr.arpa.', 'mail.example.com.'), set('11.2.0.192.in-addr.arpa.', 'old.example.com.'), set('12.2.0.192.in-addr.arpa.', 'ttl.example.com.', 300)] },
            after: { resource_record_set: [set('1.2.0.192.IN-ADDR.ARPA.', 'gw.example.com.'), set('10.2.0.192.in-addr.arpa.', 'mx1.example.com.'), set('9.2.0.192.in-addr.arpa.', 'new.example.com.'), set('12.2.0.192.in-addr.arpa.', 'ttl.example.com.', 600)] },
          },
        },
        { address: 'data.aws_route53_zone.forward', mode: 'data', type: 'aws_route53_zone', change: { actions: ['read'] } },
      ],
    });
    expect(plan.records.added).toEqual([{ name: '9.2.0.192.in-addr.arpa.', type: 'PTR', ip: '192.0.2.9', ttl: 3600, values: ['new.example.com.'] }]);
    // Address order, not text order: .10 before .12.
    expect(plan.records.changed.map((c) => [c.ip, c.old.values[0], c.new.values[0], c.old.ttl, c.new.ttl])).toEqual([
      ['192.0.2.10', 'mail.example.com.', 'mx1.example.com.', 3600, 3600],
      ['192.0.2.12', 'ttl.example.com.', 'ttl.example.com.', 300, 600],
    ]);
    expect(plan.records.removed.map((r) => r.ip)).toEqual(['192.0.2.11']);
    expect(plan.zoneAction).toBeUndefined();
    expect(hasChanges(plan)).toBe(true);
  });

  it('reads per-record instances, forward A records, zone creation, RFC 2317 child names and anything else', () => {
    const plan = summarizePlan('rdns-198-51-100-0-29', '0-29.100.51.198.in-addr.arpa.', {
      resource_changes: [
        { address: 'aws_route53_zone.zone_198_51_100_0_29', type: 'aws_route53_zone', change: { actions: ['create'], before: null, after: { name: '0-29.100.51.198.in-addr.arpa' } } },
        { address: 'aws_route53_record.records_x["PTR 2.0-29.100.51.198.in-addr.arpa."]', type: 'aws_route53_record', change: { actions: ['create'], before: null, after: { name: '2.0-29.100.51.198.in-addr.arpa.', type: 'PTR', ttl: 3600, records: ['h2.example.net.'] } } },
        { address: 'aws_route53_record.records_x["PTR 3.0-29.100.51.198.in-addr.arpa."]', type: 'aws_route53_record', change: { actions: ['delete'], before: { name: '3.0-29.100.51.198.in-addr.arpa.', type: 'PTR', ttl: 3600, records: ['h3.example.net.'] }, after: null } },
        { address: 'aws_route53_record.records_x["PTR 4.0-29.100.51.198.in-addr.arpa."]', type: 'aws_route53_record', change: { actions: ['no-op'], before: {}, after: {} } },
        { address: 'aws_route53_record.forward_example_net["A h2.example.net."]', type: 'aws_route53_record', change: { actions: ['create'], before: null, after: { name: 'h2.example.net.', type: 'A', ttl: 3600, records: ['198.51.100.2'] } } },
        { address: 'aws_route53_health_check.x', type: 'aws_route53_health_check', change: { actions: ['delete', 'create'] } },
      ],
    });
    expect(plan.zoneAction).toBe('create');
    expect(plan.records.added.map((a) => [a.ip, a.values])).toEqual([['198.51.100.2', ['h2.example.net.']]]);
    expect(plan.records.removed.map((a) => a.ip)).toEqual(['198.51.100.3']);
    expect(plan.forward.added.map((a) => [a.name, a.type, a.ip])).toEqual([['h2.example.net.', 'A', '198.51.100.2']]);
    expect(plan.other).toEqual([{ address: 'aws_route53_health_check.x', actions: ['delete', 'create'] }]);
  });

  it('a plan without resource changes changes nothing; text and markdown say so', () => {
    const plan = summarizePlan('rdns-192-0-2-0-24', '2.0.192.in-addr.arpa.', { resource_changes: [] });
    expect(hasChanges(plan)).toBe(false);
    const report = { stacks: [plan], removed: [] };
    expect(planText(report)).toBe('rdns-192-0-2-0-24  2.0.192.in-addr.arpa.  no changes\n1 stack planned (0 with changes): 0 records added, 0 changed, 0 removed\n');
    expect(planMarkdown(report)).toContain('1 stack planned with no changes.');
  });

  it('markdown escapes what it shows and caps the rows of a large zone', () => {
    const after = Array.from({ length: 80 }, (_, i) => set(`${i}.2.0.192.in-addr.arpa.`, `h${i}.example.com.`));
    const plan = summarizePlan('rdns-192-0-2-0-24', '2.0.192.in-addr.arpa.', { resource_changes: [{ address: 'a', type: 'aws_route53_records_exclusive', change: { actions: ['create'], before: null, after: { resource_record_set: after } } }] });
    const md = planMarkdown({ stacks: [plan], removed: [{ stack: 'rdns-10-0-0-0-24', zone: '0.0.10.in-addr.arpa.', files: ['zones/x.yaml'] }] });
    expect(md.startsWith('<!-- rdns-gitops:plan -->\n## 📝 terraform plan — 1 stack planned (1 with changes): 80 records added, 0 changed, 0 removed\n')).toBe(true);
    expect(md).toContain('| ➕ | `192.0.2.0` | PTR | `h0.example.com.` |');
    expect(md).toContain('| | … and 30 more | | (see the job\'s plan JSON) |');
    expect(md).toContain('stack `rdns-10-0-0-0-24` (`0.0.10.in-addr.arpa.`) is no longer rendered');
  });

describe('upgrades, removed zones and the live check', () => {
  const record = (name: string, value: string) => ({ zone_id: 'Z1', name, type: 'PTR', ttl: 3600, records: [value] });

  it('an upgrade plan is imports, moves and a forgotten records_exclusive: no record added, changed or removed', () => {
    const plan = summarizePlan('rdns-192-0-2-0-24', '2.0.192.in-addr.arpa.', {
      resource_changes: [
        { address: 'aws_route53_records_exclusive.records_192_0_2_0_24', type: 'aws_route53_records_exclusive', change: { actions: ['forget'], before: { resource_record_set: [set('1.2.0.192.in-addr.arpa.', 'gw.example.com.')] }, after: null } },
        { address: 'aws_route53_record.ptr_1_2_0_192_in-addr_arpa', type: 'aws_route53_record', change: { actions: ['no-op'], importing: { id: 'Z1_1.2.0.192.in-addr.arpa_PTR' }, before: record('1.2.0.192.in-addr.arpa', 'gw.example.com.'), after: record('1.2.0.192.in-addr.arpa.', 'gw.example.com.') } },
        { address: 'aws_route53_record.ptr_2_2_0_192_in-addr_arpa', previous_address: 'aws_route53_record.records_192_0_2_0_24["PTR 2.2.0.192.in-addr.arpa."]', type: 'aws_route53_record', change: { actions: ['no-op'], before: record('2.2.0.192.in-addr.arpa', 'a.example.com.'), after: record('2.2.0.192.in-addr.arpa', 'a.example.com.') } },
        { address: 'terraform_data.rdns_live_check', type: 'terraform_data', change: { actions: ['create'] } },
      ],
    });
    expect(plan.records).toEqual({ added: [], changed: [], removed: [] });
    expect(plan.other).toEqual([]);
    expect(plan.migration).toEqual({ moved: 1, imported: 1, released: ['aws_route53_records_exclusive.records_192_0_2_0_24'] });
    // Applied like a change (the state moves), though Route53 is untouched.
    expect(hasChanges(plan)).toBe(true);
    expect(planText({ stacks: [plan], removed: [] })).toContain('upgrade of the state: 1 record moved, 1 imported, aws_route53_records_exclusive.records_192_0_2_0_24 released (nothing deleted or re-created in Route53)');
  });

  it('a zone no longer rendered: its records removed, its hosted zone released', () => {
    const plan = summarizePlan('rdns-198-18-7-0-24', '7.18.198.in-addr.arpa.', {
      resource_changes: [
        { address: 'aws_route53_zone.zone_198_18_7_0_24', type: 'aws_route53_zone', change: { actions: ['forget'], before: { name: '7.18.198.in-addr.arpa' }, after: null } },
        { address: 'aws_route53_record.ptr_1_7_18_198_in-addr_arpa', type: 'aws_route53_record', change: { actions: ['delete'], before: record('1.7.18.198.in-addr.arpa.', 'a.example.com.'), after: null } },
      ],
    });
    expect(plan.zoneAction).toBe('release');
    expect(plan.records.removed.map((r) => r.ip)).toEqual(['198.18.7.1']);
    const text = planText({ stacks: [plan], removed: [{ stack: 'rdns-198-18-7-0-24', zone: '7.18.198.in-addr.arpa.', files: ['zones/gone.yaml'] }] });
    expect(text).toContain('rdns-198-18-7-0-24  7.18.198.in-addr.arpa.  zone: kept in Route53, no longer managed\n  - 198.18.7.1           PTR   a.example.com.\n');
    expect(text).toContain('no longer rendered (was zones/gone.yaml): planned above as the removal of its records; the hosted zone stays unless rdns plan --destroy-zones');
  });

  it('a failed live check reads as the records that differ, in PTR terms, with their addresses', () => {
    const plan = failedPlan('rdns-192-0-2-0-24', '2.0.192.in-addr.arpa.', 'terraform plan: Error: Resource postcondition failed\nrdns.drift: the hosted zone differs from git and from what Terraform last applied:\nchanged | PTR 10.2.0.192.in-addr.arpa. | route53: evil.example. | git: mail.example.com.\nadded | PTR 9.2.0.192.in-addr.arpa. | route53: nine.example. | git: (none)\nReconcile: …');
    expect(plan.drift).toEqual([
      { kind: 'added', type: 'PTR', name: '9.2.0.192.in-addr.arpa.', route53: 'nine.example.', ip: '192.0.2.9' },
      { kind: 'changed', type: 'PTR', name: '10.2.0.192.in-addr.arpa.', route53: 'evil.example.', git: 'mail.example.com.', ip: '192.0.2.10', address: 'aws_route53_record.ptr_10_2_0_192_in-addr_arpa' },
    ]);
    const md = planMarkdown({ stacks: [plan], removed: [] });
    expect(md).toContain('| ⚠️ | `192.0.2.10` | PTR | changed outside git: Route53 has `evil.example.`, git has `mail.example.com.` |');
    expect(planText({ stacks: [plan], removed: [] })).toContain('  ! 192.0.2.10           PTR   changed outside git: Route53 has evil.example., git has mail.example.com. (aws_route53_record.ptr_10_2_0_192_in-addr_arpa)\n');
  });
});
});

describe('the plan from the -json stream, the state and the stack\'s Terraform JSON (no terraform show)', () => {
  const Z = 'aws_route53_zone.zone_192_0_2_0_24';
  const ref = '${aws_route53_zone.zone_192_0_2_0_24.zone_id}';
  const ptr = (n: number, value: string, ttl = 3600) => ({ name: `${n}.2.0.192.in-addr.arpa.`, records: [value], ttl, type: 'PTR', zone_id: ref });
  const stateRecord = (n: number, value: string) => ({
    mode: 'managed',
    type: 'aws_route53_record',
    name: `ptr_${n}_2_0_192_in-addr_arpa`,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: 2, attributes: { id: `Z1_${n}.2.0.192.in-addr.arpa._PTR`, name: `${n}.2.0.192.in-addr.arpa`, type: 'PTR', ttl: 3600, records: [value], zone_id: 'Z1', fqdn: `${n}.2.0.192.in-addr.arpa` } }],
  });
  const state = { version: 4, resources: [{ mode: 'managed', type: 'aws_route53_zone', name: 'zone_192_0_2_0_24', instances: [{ attributes: { id: 'Z1', name: '2.0.192.in-addr.arpa' } }] }, stateRecord(1, 'gw.example.com.'), stateRecord(3, 'three.example.com.'), stateRecord(10, 'mail.example.com.')] };
  const desired = { aws_route53_zone: { zone_192_0_2_0_24: { name: '2.0.192.in-addr.arpa' } }, aws_route53_record: { 'ptr_1_2_0_192_in-addr_arpa': ptr(1, 'gw.example.com.'), 'ptr_5_2_0_192_in-addr_arpa': ptr(5, 'five.example.com.'), 'ptr_10_2_0_192_in-addr_arpa': ptr(10, 'mx1.example.com.') } };
  // As Terraform 1.11 prints them (abridged: the fields rdns reads and a few it does not).
  const change = (addr: string, action: string, extra: Record<string, unknown> = {}): UiMessage => {
    const [type, name] = addr.split('.') as [string, string];
    return { type: 'planned_change', '@message': `${addr}: Plan to ${action}`, change: { resource: { addr, module: '', resource: addr, implied_provider: 'aws', resource_type: type, resource_name: name, resource_key: null }, action, ...extra } } as UiMessage;
  };
  const summary = (add: number, changed: number, remove: number, imported = 0): UiMessage => ({ type: 'change_summary', changes: { add, change: changed, import: imported, remove, operation: 'plan' } });
  const stream = [
    { type: 'version', terraform: '1.11.4', ui: '1.2' },
    { type: 'apply_start', hook: { resource: { addr: 'data.aws_route53_records.live' }, action: 'read' } },
    change('aws_route53_record.ptr_3_2_0_192_in-addr_arpa', 'delete', { reason: 'delete_because_no_resource_config' }),
    change('aws_route53_record.ptr_5_2_0_192_in-addr_arpa', 'create'),
    change('aws_route53_record.ptr_10_2_0_192_in-addr_arpa', 'update'),
    change('terraform_data.rdns_live_check', 'update'),
    summary(1, 2, 1),
  ] as UiMessage[];
  const showJson = {
    resource_changes: [
      { address: 'aws_route53_record.ptr_10_2_0_192_in-addr_arpa', type: 'aws_route53_record', change: { actions: ['update'], before: stateRecord(10, 'mail.example.com.').instances[0]!.attributes, after: { ...stateRecord(10, 'mx1.example.com.').instances[0]!.attributes } } },
      { address: 'aws_route53_record.ptr_3_2_0_192_in-addr_arpa', type: 'aws_route53_record', change: { actions: ['delete'], before: stateRecord(3, 'three.example.com.').instances[0]!.attributes, after: null } },
      { address: 'aws_route53_record.ptr_5_2_0_192_in-addr_arpa', type: 'aws_route53_record', change: { actions: ['create'], before: null, after: { name: '5.2.0.192.in-addr.arpa', type: 'PTR', ttl: 3600, records: ['five.example.com.'], zone_id: 'Z1' } } },
      { address: Z, type: 'aws_route53_zone', change: { actions: ['no-op'], before: {}, after: {} } },
      { address: 'terraform_data.rdns_live_check', type: 'terraform_data', change: { actions: ['update'] } },
    ],
  };

  it('reads the same added, changed and removed PTRs as terraform show -json does', () => {
    const changes = resourceChangesFromStream(stream, state, desired);
    expect(changes?.map((c) => [c.address, c.change.actions])).toEqual([
      ['aws_route53_record.ptr_10_2_0_192_in-addr_arpa', ['update']],
      ['aws_route53_record.ptr_3_2_0_192_in-addr_arpa', ['delete']],
      ['aws_route53_record.ptr_5_2_0_192_in-addr_arpa', ['create']],
    ]);
    const fast = summarizePlan('rdns-192-0-2-0-24', '2.0.192.in-addr.arpa.', { resource_changes: changes });
    expect(fast).toEqual(summarizePlan('rdns-192-0-2-0-24', '2.0.192.in-addr.arpa.', showJson));
    expect(fast.records.changed).toEqual([{ name: '10.2.0.192.in-addr.arpa.', type: 'PTR', ip: '192.0.2.10', old: { ttl: 3600, values: ['mail.example.com.'] }, new: { ttl: 3600, values: ['mx1.example.com.'] } }]);
    expect(fast.records.added.map((r) => r.ip)).toEqual(['192.0.2.5']);
    expect(fast.records.removed.map((r) => r.ip)).toEqual(['192.0.2.3']);
  });

  it('reads a zone created with its records, a zone released and other resources by their action', () => {
    const changes = resourceChangesFromStream([change(Z, 'create'), change('aws_route53_record.ptr_5_2_0_192_in-addr_arpa', 'create'), change('aws_route53_health_check.x', 'update'), summary(2, 1, 0)], undefined, desired);
    expect(summarizePlan('s', '2.0.192.in-addr.arpa.', { resource_changes: changes })).toMatchObject({ zoneAction: 'create', records: { added: [{ ip: '192.0.2.5' }] }, other: [{ address: 'aws_route53_health_check.x', actions: ['update'] }] });
    const removal = resourceChangesFromStream([change(Z, 'remove'), change('aws_route53_record.ptr_3_2_0_192_in-addr_arpa', 'delete'), summary(0, 0, 1)], state, {});
    expect(summarizePlan('s', '2.0.192.in-addr.arpa.', { resource_changes: removal })).toMatchObject({ zoneAction: 'release', records: { removed: [{ ip: '192.0.2.3', values: ['three.example.com.'] }] } });
  });

  it('declines (so rdns asks terraform show) wherever the sources would be a guess', () => {
    const ok = resourceChangesFromStream(stream, state, desired);
    expect(ok).toBeDefined();
    const without = (i: number) => stream.filter((_, j) => j !== i);
    const declined: [string, UiMessage[], unknown, Record<string, unknown>][] = [
      ['no change summary', without(stream.length - 1), state, desired],
      ['counts that disagree', [...without(stream.length - 1), summary(1, 1, 1)], state, desired],
      ['a refresh reported drift', [{ type: 'resource_drift' }, ...stream], state, desired],
      ['an import', [change('aws_route53_record.ptr_1_2_0_192_in-addr_arpa', 'import', { importing: { id: 'Z1_1.2.0.192.in-addr.arpa_PTR' } }), summary(0, 0, 0, 1)], state, desired],
      ['an import with an update', [change('aws_route53_record.ptr_1_2_0_192_in-addr_arpa', 'update', { importing: { id: 'x' } }), summary(0, 1, 0, 1)], state, desired],
      ['a move', [change('aws_route53_record.ptr_1_2_0_192_in-addr_arpa', 'update', { previous_resource: { addr: 'aws_route53_record.records_x["PTR 1.2.0.192.in-addr.arpa."]' } }), summary(0, 1, 0)], state, desired],
      ['a for_each instance', [{ ...change('aws_route53_record.r', 'update'), change: { ...change('aws_route53_record.r', 'update').change!, resource: { addr: 'aws_route53_record.r["x"]', resource_type: 'aws_route53_record', resource_name: 'r', resource_key: 'x' } } }, summary(0, 1, 0)], state, desired],
      ['a replaced zone', [change(Z, 'replace'), summary(1, 0, 1)], state, desired],
      ['a record the state does not hold', [change('aws_route53_record.ptr_5_2_0_192_in-addr_arpa', 'update'), summary(0, 1, 0)], state, desired],
      ['a record the configuration does not hold', [change('aws_route53_record.ptr_3_2_0_192_in-addr_arpa', 'update'), summary(0, 1, 0)], state, desired],
      ['values that are not literals', stream, state, { aws_route53_record: { ...desired.aws_route53_record, 'ptr_10_2_0_192_in-addr_arpa': ptr(10, '${var.x}') } }],
      ['a TTL that is not a number', stream, state, { aws_route53_record: { ...desired.aws_route53_record, 'ptr_10_2_0_192_in-addr_arpa': { ...ptr(10, 'mx1.example.com.'), ttl: '${var.ttl}' } } }],
    ];
    for (const [why, messages, st, want] of declined) expect(resourceChangesFromStream(messages, st, want as never), why).toBeUndefined();
  });

  it('reads the stream line by line and prints its errors as Terraform does, the drift they carry intact', () => {
    const detail = 'rdns.drift: the hosted zone differs from git and from what Terraform last applied:\nchanged | PTR 1.2.0.192.in-addr.arpa. | route53: one.example.net. | git: uno.example.net.\nReconcile: …';
    const out = [
      JSON.stringify({ type: 'version', terraform: '1.11.4' }),
      'not json',
      JSON.stringify({ type: 'diagnostic', '@level': 'warning', diagnostic: { severity: 'warning', summary: 'Deprecated' } }),
      JSON.stringify({
        type: 'diagnostic',
        '@level': 'error',
        diagnostic: { severity: 'error', summary: 'Resource postcondition failed', detail, range: { filename: 'cdk.tf.json', start: { line: 25 } }, snippet: { context: 'data.aws_route53_records.live.lifecycle.postcondition[0]', code: '  "condition": "${…}",', start_line: 25, values: [{ traversal: 'var.rdns_refreshed', statement: 'is false' }] } },
      }),
    ].join('\n');
    const messages = parseUiStream(out);
    expect(messages).toHaveLength(3);
    const text = diagnosticsText(messages)!;
    expect(text).toBe(
      [
        'Error: Resource postcondition failed',
        '',
        '  on cdk.tf.json line 25, in data.aws_route53_records.live.lifecycle.postcondition[0]:',
        '  25:   "condition": "${…}",',
        '    ├────────────────',
        '    │ var.rdns_refreshed is false',
        '',
        detail,
      ].join('\n'),
    );
    expect(failedPlan('s', '2.0.192.in-addr.arpa.', `terraform plan: ${text}`).drift).toEqual([{ kind: 'changed', type: 'PTR', name: '1.2.0.192.in-addr.arpa.', route53: 'one.example.net.', git: 'uno.example.net.', ip: '192.0.2.1', address: 'aws_route53_record.ptr_1_2_0_192_in-addr_arpa' }]);
    expect(diagnosticsText(parseUiStream(out.split('\n').slice(0, 3).join('\n')))).toBeUndefined();
  });
});
