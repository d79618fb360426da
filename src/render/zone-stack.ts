/**
 * One hosted reverse zone → one Terraform stack (cdktf). The only module besides synth.ts
 * that knows about cdktf: swapping the IaC tool touches src/render/ only.
 *
 * Resource names are derived from prefixes (never from positions in a file), so
 * reordering or reformatting a block file leaves every Terraform address unchanged.
 * Per-record data stays plain arrays/maps: one construct per zone, not per PTR
 * (constructing 65,536 cdktf constructs is what makes a naive synth slow).
 */
import { LocalBackend, S3Backend, TerraformIterator, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone/index.js';
import { Route53RecordsExclusive } from '@cdktf/provider-aws/lib/route53-records-exclusive/index.js';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record/index.js';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone/index.js';
import { withoutTrailingDot } from '../core/hostname.js';
import { formatPrefix } from '../core/ip.js';
import type { Config } from '../core/model.js';
import { recordSetsOf } from './record-sets.js';
import type { ZoneStack as ZoneStackModel } from './stacks.js';
import { prefixSlug, type ForwardRecords, type ZoneContents } from './zone-records.js';

/**
 * Terraform treats `${` and `%{` in any string as template syntax. Every value we
 * render is a validated DNS name or a pattern-checked setting; this is the last line
 * of defence for any free text that might ever be added (e.g. a comment).
 */
export const escapeTemplate = (text: string): string => text.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');


/**
 * Provider settings for a Route53-compatible API other than AWS (an emulator on loopback):
 * the checks that would ask AWS (STS for the account, the EC2 metadata service, the region
 * list) are skipped, with static dummy keys: an emulator accepts any signature, and no real
 * credential is ever needed or written. The endpoint itself is not rendered: `rdns plan`
 * and `rdns apply` pass it to Terraform as `AWS_ENDPOINT_URL_ROUTE_53` / `_STS`, because the
 * provider's `endpoints` block (a set of 303 attributes) costs ≈ 5 s of CPU to validate,
 * twice per plan. It still hashes into every stack's fingerprint (stacks.ts).
 */
function emulatorSettings(): Record<string, unknown> {
  return {
    accessKey: 'rdns-emulator',
    secretKey: 'rdns-emulator',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
  };
}

/** Data put into a resource after cdktf resolved the stack: `tf.resource[type][name][attribute] = value`. */
interface Deferred {
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
  readonly value: unknown;
}

/** Builds the stack of one reverse zone. */
export class ZoneStack extends TerraformStack {
  /**
   * Record data bypasses cdktf's token resolution, which walks every value several
   * times per synth (seconds for 65,536 records). It is plain validated strings and
   * numbers, so there is nothing to resolve; checkSynthOutput() scans the result.
   */
  private readonly deferred: Deferred[] = [];

  /** `stateDir`: the absolute folder of local state (outside the repository), unless rdns.yaml sets `backend.path`. */
  constructor(scope: Construct, model: ZoneStackModel, config: Config, stateDir: string) {
    super(scope, model.stack);
    new AwsProvider(this, 'aws', { region: config.region, ...(config.endpoint ? emulatorSettings() : {}) });
    // The prebuilt provider pins its own exact version; the operator's constraint wins.
    this.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: config.providerVersion });
    const b = config.backend;
    if (b.type === 's3') {
      new S3Backend(this, {
        bucket: b.bucket,
        key: `${b.key ? `${b.key.replace(/\/$/, '')}/` : ''}${model.stack}.tfstate`,
        region: b.region ?? config.region,
        encrypt: b.encrypt,
        dynamodbTable: b.dynamodbTable,
      });
      // S3-native state locking (Terraform ≥ 1.10) is newer than cdktf's S3BackendConfig.
      if (b.useLockfile) this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // An absolute folder outside the checkout: Terraform never reads state a pull request committed.
      new LocalBackend(this, { path: `${(b.path ?? stateDir).replace(/\/+$/, '')}/${model.stack}.tfstate` });
    }
    this.addZone(model.zone);
    for (const fwd of model.forward) this.addForward(fwd);
  }

  private addZone(zone: ZoneContents): void {
    const slug = prefixSlug(zone.prefix);
    let zoneId: string;
    if (zone.zoneId) zoneId = zone.zoneId;
    else {
      const z = new Route53Zone(this, `zone_${slug}`, {
        name: withoutTrailingDot(zone.zone),
        comment: escapeTemplate(`Reverse DNS for ${formatPrefix(zone.prefix)}, managed by rdns-gitops`),
        // A reverse zone holding live PTRs must never vanish with a stray destroy.
        lifecycle: { preventDestroy: true },
      });
      z.overrideLogicalId(`zone_${slug}`);
      zoneId = z.zoneId;
      new TerraformOutput(this, `name_servers_${slug}`, {
        value: z.nameServers,
        description: `Name servers of ${zone.zone} (register them for the delegation)`,
      }).overrideLogicalId(`name_servers_${slug}`);
    }
    const sets = recordSetsOf(zone.records);
    if (zone.mode === 'per-record') {
      if (sets.length === 0) return;
      // An adopted zone may already hold these records (e.g. after `rdns import`): take them over instead of failing the apply.
      this.addRecordsForEach(`records_${slug}`, zoneId, sets.map((s) => ({ name: s.name, type: s.type, ttl: s.ttl, records: [...s.values] })), Boolean(zone.zoneId));
      return;
    }
    const exclusive = new Route53RecordsExclusive(this, `records_${slug}`, { zoneId });
    exclusive.overrideLogicalId(`records_${slug}`);
    this.deferred.push({
      type: 'aws_route53_records_exclusive',
      name: `records_${slug}`,
      attribute: 'resource_record_set',
      value: sets.map((s) => ({ name: s.name, resource_records: s.values.map((value) => ({ value })), ttl: s.ttl, type: s.type })),
    });
  }

  override toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
    for (const d of this.deferred) {
      const resource = tf.resource?.[d.type]?.[d.name];
      if (!resource) throw new Error(`internal: resource ${d.type}.${d.name} missing after synth`);
      resource[d.attribute] = d.value;
    }
    return tf;
  }

  private addForward(fwd: ForwardRecords): void {
    const slug = fwd.zone.replace(/\.$/, '').replace(/[^a-z0-9]+/gi, '_');
    let zoneId = fwd.zoneId;
    if (!zoneId) {
      const data = new DataAwsRoute53Zone(this, `forward_zone_${slug}`, { name: withoutTrailingDot(fwd.zone), privateZone: false });
      data.overrideLogicalId(`forward_zone_${slug}`);
      zoneId = data.zoneId;
    }
    // The forward zone is shared with records rdns did not create: never exclusive, one
    // instance per name, and never allow_overwrite — a name someone else published there
    // makes the apply fail instead of being taken over.
    this.addRecordsForEach(`forward_${slug}`, zoneId, fwd.records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, records: [r.value] })), false);
  }

  /**
   * One aws_route53_record with one instance per record set, keyed by "TYPE name" so that
   * addresses stay stable when a file is reordered. The map is added after synth (deferred)
   * so cdktf never walks tens of thousands of entries. `existingZone`: the hosted zone was
   * not created here and may hold records of these names already; Route53 refuses to
   * create a record set that exists unless `allow_overwrite` is set.
   */
  private addRecordsForEach(id: string, zoneId: string, sets: readonly { name: string; type: string; ttl: number; records: string[] }[], existingZone: boolean): void {
    const byKey: Record<string, (typeof sets)[number]> = {};
    for (const set of sets) byKey[`${set.type} ${set.name}`] = set;
    const each = TerraformIterator.fromMap({});
    this.deferred.push({ type: 'aws_route53_record', name: id, attribute: 'for_each', value: byKey });
    new Route53Record(this, id, {
      forEach: each,
      zoneId,
      name: each.getString('name'),
      type: each.getString('type'),
      ttl: each.getNumber('ttl'),
      records: each.getList('records'),
      ...(existingZone ? { allowOverwrite: true } : {}),
    }).overrideLogicalId(id);
  }
}
