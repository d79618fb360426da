/**
 * The plan in PTR terms from `terraform show -json` (format 1.x): what a reviewer reads
 * in the pull-request comment. Inputs are shaped as Terraform 1.11 prints them.
 */
import { describe, expect, it } from 'vitest';
import { failedPlan, hasChanges, summarizePlan } from '../../src/terraform/plan-summary.js';
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
