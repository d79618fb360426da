/**
 * The straightforward cdktf rendering: one `aws_route53_record` construct per record.
 * Not used by `rdns synth`; kept as the same-run baseline of bench/synth.bench.mjs,
 * so the benchmark shows what the records_exclusive design saves (time, memory,
 * and a Route53 read per record on every refresh).
 */
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone/index.js';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record/index.js';
import type { Config } from '../core/model.js';
import { recordSetsOf } from './record-sets.js';
import { prefixSlug, type RenderModel } from './zone-records.js';

/** Synthesizes `model` with one construct per record set; returns the number of constructs. */
export function synthesizePerRecordConstructs(model: RenderModel, config: Config, outdir: string): number {
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  let count = 0;
  for (const block of model.blocks) {
    const stack = new TerraformStack(app, block.stack);
    new AwsProvider(stack, 'aws', { region: config.region });
    for (const zone of block.zones) {
      if (zone.delegatedTo) continue;
      const slug = prefixSlug(zone.prefix);
      const zoneId = zone.zoneId ?? new Route53Zone(stack, `zone_${slug}`, { name: zone.zone.replace(/\.$/, '') }).zoneId;
      for (const s of recordSetsOf(zone.records)) {
        new Route53Record(stack, `${s.type}_${s.name}`, { zoneId, name: s.name, type: s.type, ttl: s.ttl, records: [...s.values] });
        count++;
      }
    }
  }
  app.synth();
  return count;
}
