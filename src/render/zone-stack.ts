/**
 * One hosted reverse zone → one Terraform stack (cdktf). The only module besides synth.ts
 * that knows about cdktf: swapping the IaC tool touches src/render/ only.
 *
 * Resource names are derived from prefixes and record names (never from positions in a
 * file), so reordering or reformatting a block file leaves every Terraform address
 * unchanged. Per-record data stays plain JSON added after synth: one construct per zone,
 * not per PTR (constructing 65,536 cdktf constructs is what makes a naive synth slow).
 */
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone/index.js';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone/index.js';
import { withoutTrailingDot } from '../core/hostname.js';
import { formatPrefix } from '../core/ip.js';
import type { Config } from '../core/model.js';
import { liveCheckJson } from './live-check.js';
import { RECORD_RESOURCE, recordKeyOf, recordResourceName, recordValueOf } from './record-address.js';
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
 * and `rdns apply` give it to Terraform in the environment as `AWS_ENDPOINT_URL_ROUTE_53` /
 * `AWS_ENDPOINT_URL_STS` (terraformEnvironment in src/terraform/run-stacks.ts; the cost
 * figures are in docs/terraform.md). It still hashes into every stack's fingerprint (stacks.ts).
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

/** A record set as the `aws_route53_record` resource of one literal block. */
interface RecordResource {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly string[];
}

/**
 * Merges `part` into `tf` one level below each top-level block (`resource.aws_route53_record`,
 * `locals`, `variable`, …), refusing to overwrite what cdktf or an earlier part wrote.
 */
function mergeInto(tf: Record<string, unknown>, part: Record<string, unknown>): void {
  for (const [block, content] of Object.entries(part)) {
    const target = ((tf[block] as Record<string, unknown> | undefined) ??= {});
    for (const [key, value] of Object.entries(content as Record<string, unknown>)) {
      if (block === 'resource' || block === 'data') {
        const byName = ((target[key] as Record<string, unknown> | undefined) ??= {});
        for (const [name, body] of Object.entries(value as Record<string, unknown>)) {
          if (name in byName) throw new Error(`internal: ${block} ${key}.${name} rendered twice`);
          byName[name] = body;
        }
      } else {
        if (key in target) throw new Error(`internal: ${block} ${key} rendered twice`);
        target[key] = value;
      }
    }
  }
}

/** The provider and the backend of a zone stack (its state: one per hosted zone, under the stack's name). */
function addProviderAndBackend(stack: TerraformStack, name: string, config: Config, stateDir: string): void {
  new AwsProvider(stack, 'aws', { region: config.region, ...(config.endpoint ? emulatorSettings() : {}) });
  // The prebuilt provider pins its own exact version; the operator's constraint wins.
  stack.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: config.providerVersion });
  const b = config.backend;
  if (b.type === 's3') {
    new S3Backend(stack, {
      bucket: b.bucket,
      key: `${b.key ? `${b.key.replace(/\/$/, '')}/` : ''}${name}.tfstate`,
      region: b.region ?? config.region,
      encrypt: b.encrypt,
      dynamodbTable: b.dynamodbTable,
    });
    // S3-native state locking (Terraform ≥ 1.10) is newer than cdktf's S3BackendConfig.
    if (b.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else {
    // An absolute folder outside the checkout: Terraform never reads state a pull request committed.
    new LocalBackend(stack, { path: `${(b.path ?? stateDir).replace(/\/+$/, '')}/${name}.tfstate` });
  }
}

/** Builds the stack of one reverse zone. */
export class ZoneStack extends TerraformStack {
  /**
   * Record resources, the live check and other per-record data are added after cdktf
   * resolved the stack (toTerraform): cdktf's token resolution walks every value several
   * times per synth (seconds for 65,536 records), and one construct per record is what
   * makes a naive synth slow. It is plain validated strings and numbers, so there is
   * nothing to resolve; checkSynthOutput() scans the result.
   */
  private readonly parts: Record<string, unknown>[] = [];

  /** `stateDir`: the absolute folder of local state (outside the repository), unless rdns.yaml sets `backend.path`. */
  constructor(scope: Construct, model: ZoneStackModel, config: Config, stateDir: string) {
    super(scope, model.stack);
    addProviderAndBackend(this, model.stack, config, stateDir);
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
      zoneId = `\${aws_route53_zone.zone_${slug}.zone_id}`;
      new TerraformOutput(this, `name_servers_${slug}`, {
        value: z.nameServers,
        description: `Name servers of ${zone.zone} (register them for the delegation)`,
      }).overrideLogicalId(`name_servers_${slug}`);
    }
    const sets = recordSetsOf(zone.records);
    // An adopted zone may already hold these records (a zone that records_exclusive or
    // another tool filled, `rdns import`): take them over instead of failing the apply.
    // A zone created here holds nothing but what this stack put there.
    this.addRecords(zoneId, sets.map((s) => ({ name: s.name, type: s.type, ttl: s.ttl, values: s.values })), Boolean(zone.zoneId));
    const rendered: Record<string, string> = {};
    for (const s of sets) rendered[recordKeyOf(s.type, s.name)] = recordValueOf(s.values);
    this.parts.push(liveCheckJson(zoneId, zone.zone, zone.mode === 'exclusive', rendered));
  }

  override toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as Record<string, unknown>;
    for (const part of this.parts) mergeInto(tf, part);
    return tf;
  }

  private addForward(fwd: ForwardRecords): void {
    const slug = fwd.zone.replace(/\.$/, '').replace(/[^a-z0-9]+/gi, '_');
    let zoneId = fwd.zoneId;
    if (!zoneId) {
      const data = new DataAwsRoute53Zone(this, `forward_zone_${slug}`, { name: withoutTrailingDot(fwd.zone), privateZone: false });
      data.overrideLogicalId(`forward_zone_${slug}`);
      zoneId = `\${data.aws_route53_zone.forward_zone_${slug}.zone_id}`;
    }
    // The forward zone is shared with records rdns did not create: one resource per name,
    // and never allow_overwrite — a name someone else published there makes the apply fail
    // instead of being taken over.
    this.addRecords(zoneId, fwd.records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, values: [r.value] })), false);
  }

  /**
   * One literal `aws_route53_record` block per record set, named from its type and owner
   * name (recordResourceName): Terraform plans literal blocks in time linear in their number,
   * where `for_each` over a map grows with its square in Terraform core and
   * `aws_route53_records_exclusive` with the square of its set in the provider.
   * `existingZone`: the hosted zone was not created here and may hold records of these names
   * already; Route53 refuses to create a record set that exists unless `allow_overwrite` is set.
   */
  private addRecords(zoneId: string, sets: readonly RecordResource[], existingZone: boolean): void {
    if (sets.length === 0) return;
    const resources: Record<string, unknown> = {};
    for (const s of sets) {
      resources[recordResourceName(s.type, s.name)] = {
        zone_id: zoneId,
        name: s.name,
        type: s.type,
        ttl: s.ttl,
        records: [...s.values],
        ...(existingZone ? { allow_overwrite: true } : {}),
      };
    }
    this.parts.push({ resource: { [RECORD_RESOURCE]: resources } });
  }
}

/**
 * The stack of a zone that is no longer rendered (its block file deleted or moved): the
 * same state and provider with no records, so Terraform plans the removal of every record
 * the state holds. The hosted zone is kept (rdns writes a `removed { lifecycle { destroy =
 * false } }` for it from the state before the plan) unless the plan destroys zones.
 */
export class RemovedZoneStack extends TerraformStack {
  constructor(scope: Construct, name: string, config: Config, stateDir: string) {
    super(scope, name);
    addProviderAndBackend(this, name, config, stateDir);
  }
}
