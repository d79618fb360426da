/**
 * The plan in PTR terms from `terraform show -json` (format 1.x): what a reviewer reads
 * in the pull-request comment. Inputs are shaped as Terraform 1.11 prints them.
 */
import { describe, expect, it } from 'vitest';
import { hasChanges, summarizePlan } from '../../src/terraform/plan-summary.js';
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
});
