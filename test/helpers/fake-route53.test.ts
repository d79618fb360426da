import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { route53ProviderConfig, startFakeRoute53, type FakeRoute53 } from './fake-route53.js';
import { runTerraform, terraformEnv, terraformOrSkip, type TerraformResult } from './terraform.js';

const haveTerraform = terraformOrSkip();

const REVERSE = '2.0.192.in-addr.arpa';
const PER_RECORD = '100.51.198.in-addr.arpa';
const FORWARD = 'example.net';

function mainTf(url: string, ptr10: string): Record<string, unknown> {
  const ptr = (last: number, host: string) => ({ name: `${last}.${REVERSE}.`, type: 'PTR', ttl: 3600, resource_records: [{ value: host }] });
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.100' } } },
    provider: { aws: [route53ProviderConfig(url)] },
    data: { aws_route53_zone: { forward: { name: FORWARD, private_zone: false } } },
    resource: {
      aws_route53_zone: {
        reverse: { name: REVERSE, comment: 'Reverse DNS for 192.0.2.0/24, managed by rdns-gitops' },
        per_record: { name: PER_RECORD, comment: 'Reverse DNS for 198.51.100.0/24, managed by rdns-gitops' },
      },
      aws_route53_records_exclusive: {
        reverse: {
          zone_id: '${aws_route53_zone.reverse.zone_id}',
          resource_record_set: [ptr(10, ptr10), ptr(11, 'mail.example.net.'), ptr(12, 'ns1.example.net.')],
        },
      },
      aws_route53_record: {
        per_record: {
          for_each: {
            'PTR 7.100.51.198.in-addr.arpa.': { name: '7.100.51.198.in-addr.arpa.', type: 'PTR', ttl: 3600, records: ['vpn.example.net.'] },
            'PTR 8.100.51.198.in-addr.arpa.': { name: '8.100.51.198.in-addr.arpa.', type: 'PTR', ttl: 300, records: ['db.example.net.'] },
          },
          zone_id: '${aws_route53_zone.per_record.zone_id}',
          name: '${each.value.name}',
          type: '${each.value.type}',
          ttl: '${each.value.ttl}',
          records: '${each.value.records}',
        },
        forward: {
          for_each: { 'A www.example.net.': { name: 'www.example.net.', type: 'A', ttl: 3600, records: ['192.0.2.10'] } },
          zone_id: '${data.aws_route53_zone.forward.zone_id}',
          name: '${each.value.name}',
          type: '${each.value.type}',
          ttl: '${each.value.ttl}',
          records: '${each.value.records}',
          allow_overwrite: true,
        },
      },
    },
  };
}

describe.skipIf(!haveTerraform)('fake Route 53 driven by the real Terraform and hashicorp/aws', () => {
  let fake: FakeRoute53;
  let dir: string;
  let env: Record<string, string>;
  const tf = async (...args: string[]): Promise<TerraformResult> => {
    const r = await runTerraform(dir, args, env);
    console.log(`terraform ${args.join(' ')}: exit ${r.status}, ${(r.ms / 1000).toFixed(1)} s`);
    return r;
  };
  const write = (ptr10: string) => writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(mainTf(fake.url, ptr10), null, 2));

  beforeAll(async () => {
    fake = await startFakeRoute53();
    dir = mkdtempSync(join(tmpdir(), 'rdns-fake-route53-'));
    env = terraformEnv(dir);
    fake.createZone(FORWARD, { comment: 'forward zone, managed elsewhere' });
  });
  afterAll(async () => {
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies, then plans no changes, then plans and applies exactly one edited PTR', async () => {
    write('web.example.net.');
    const init = await tf('init', '-input=false', '-no-color');
    expect(init.status, init.stderr).toBe(0);
    const apply = await tf('apply', '-input=false', '-no-color', '-auto-approve');
    console.log(fake.log().join('\n'));
    expect(apply.status, apply.stderr + apply.stdout).toBe(0);
    expect(fake.unknownRequests()).toEqual([]);
    const plan = await tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
    console.log(plan.stdout);
    expect(plan.status, plan.stdout + plan.stderr).toBe(0);
  }, 600_000);
});
