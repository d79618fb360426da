/**
 * Route 53 change batches: the record-set changes of one hosted zone written with as few
 * `ChangeResourceRecordSets` requests as Route 53's limits allow, then polled until INSYNC.
 * The only module that talks to the AWS SDK; the batched apply (batch-apply.ts) decides what
 * to write and brings Terraform's state along.
 *
 * Route 53 applies a change batch as one transaction: a DELETE must match the record set
 * exactly (name, type, TTL, every value) and a CREATE fails where the set exists, or nothing
 * in the batch is applied. A zone changed behind the plan's back therefore refuses the batch
 * instead of being overwritten.
 */
import { ChangeResourceRecordSetsCommand, GetChangeCommand, Route53Client, type Change } from '@aws-sdk/client-route-53';
import { NO_API_CALLS, type ApiCalls } from './api-calls.js';

/** A plain record set: what rdns renders (no alias, no routing policy). */
export interface RecordSet {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly string[];
}

/** One record set's change: what Terraform planned for one `aws_route53_record`. */
export interface RecordChange {
  /** The Terraform address (`aws_route53_record.ptr_…`). */
  readonly address: string;
  readonly action: 'create' | 'update' | 'delete';
  /** The set as the state has it (update, delete). */
  readonly before?: RecordSet;
  /** The set as git renders it (create, update). */
  readonly after?: RecordSet;
}

/** Route 53's documented limits of one ChangeResourceRecordSets request. */
export interface BatchLimits {
  /** ResourceRecord elements (an UPSERT counts twice; rdns sends DELETE and CREATE). */
  readonly records: number;
  /** Characters of all Value elements together. */
  readonly characters: number;
}

export const ROUTE53_BATCH_LIMITS: BatchLimits = { records: 1000, characters: 32000 };

/** Changes of one request, and the record changes they carry out (each whole in one request). */
export interface ChangeBatch {
  readonly changes: readonly Change[];
  readonly records: readonly RecordChange[];
}

const resourceRecordSet = (r: RecordSet): NonNullable<Change['ResourceRecordSet']> => ({
  Name: r.name,
  Type: r.type as NonNullable<Change['ResourceRecordSet']>['Type'],
  TTL: r.ttl,
  ResourceRecords: r.values.map((Value) => ({ Value })),
});

/** The request changes of one record change: an update is DELETE of the old set and CREATE of the new, as the provider does it. */
function changesOf(c: RecordChange): Change[] {
  const out: Change[] = [];
  if (c.before && c.action !== 'create') out.push({ Action: 'DELETE', ResourceRecordSet: resourceRecordSet(c.before) });
  if (c.after && c.action !== 'delete') out.push({ Action: 'CREATE', ResourceRecordSet: resourceRecordSet(c.after) });
  return out;
}

const weight = (changes: readonly Change[]): { records: number; characters: number } => ({
  records: changes.reduce((n, c) => n + (c.ResourceRecordSet?.ResourceRecords?.length ?? 0), 0),
  characters: changes.reduce((n, c) => n + (c.ResourceRecordSet?.ResourceRecords ?? []).reduce((m, r) => m + (r.Value?.length ?? 0), 0), 0),
});

/**
 * Packs record changes into requests within `limits`, deletions first, then updates, then
 * creations (a name that turns from PTR into a delegation CNAME is free before it is
 * taken), each record change whole in one request (its DELETE and CREATE together).
 * Throws for a single record change beyond the limits (never rendered by rdns).
 */
export function changeBatches(records: readonly RecordChange[], limits: BatchLimits = ROUTE53_BATCH_LIMITS): ChangeBatch[] {
  const rank = { delete: 0, update: 1, create: 2 } as const;
  const ordered = [...records].sort((a, b) => rank[a.action] - rank[b.action]);
  const out: { changes: Change[]; records: RecordChange[]; recordCount: number; characters: number }[] = [];
  for (const r of ordered) {
    const changes = changesOf(r);
    const w = weight(changes);
    if (w.records > limits.records || w.characters > limits.characters) throw new Error(`internal: ${r.address} alone is beyond Route 53's limits of one change batch`);
    let last = out[out.length - 1];
    if (!last || last.recordCount + w.records > limits.records || last.characters + w.characters > limits.characters) {
      last = { changes: [], records: [], recordCount: 0, characters: 0 };
      out.push(last);
    }
    last.changes.push(...changes);
    last.records.push(r);
    last.recordCount += w.records;
    last.characters += w.characters;
  }
  return out.map(({ changes, records: rs }) => ({ changes, records: rs }));
}

/** What the batched apply needs from Route 53 (the SDK in production, a fake in unit tests). */
export interface Route53Changes {
  /** Sends one change batch; resolves to its change id, rejects with Route 53's message. */
  submit(zoneId: string, batch: ChangeBatch, comment: string): Promise<string>;
  /** Resolves when the change is INSYNC (polling), rejects after `timeoutMs`. */
  waitInsync(changeId: string): Promise<void>;
  /** The requests made so far, retries included. */
  calls(): ApiCalls;
}

export interface Route53ChangesOptions {
  /** The environment of the apply: credentials, `AWS_ENDPOINT_URL_ROUTE_53` (an emulator), `AWS_REGION`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** rdns.yaml `route53.region` (Route 53 is global; the region picks the partition). */
  readonly region?: string;
  /** rdns.yaml `route53.endpoint` is set: sign with the dummy keys the provider gets in emulator mode (zone-stack.ts). */
  readonly emulator?: boolean;
  /** First GetChange after this long, then at this interval (default 10 s: Route 53 propagates in about a minute). */
  readonly pollMs?: number;
  /** Give up waiting for INSYNC after this long (default 30 min, as hashicorp/aws). */
  readonly timeoutMs?: number;
}

/**
 * Route 53's error as one line. An InvalidChangeBatch comes in a shape of its own
 * (`<InvalidChangeBatch><Messages><Message>…`), which the SDK reports as an `Unknown` error
 * with the messages in `Messages`.
 */
export function route53ErrorText(e: unknown): string {
  const err = e as { name?: string; message?: string; Messages?: { Message?: string | string[] } };
  const messages = err.Messages?.Message;
  if (messages !== undefined) return `InvalidChangeBatch: ${(Array.isArray(messages) ? messages : [messages]).join('; ')}`;
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
}

/** Default GetChange interval: each poll is a request against the five per second. */
export const CHANGE_POLL_MS = 10_000;

/**
 * Route 53 through the AWS SDK, with the credentials and endpoint Terraform's provider would
 * use from the same environment (static keys from `env`, else the SDK's default chain:
 * profile, web identity, container and instance roles), the adaptive retry mode, and every
 * request counted (retries included) the way api-calls.ts counts the provider's.
 */
export function sdkRoute53Changes(options: Route53ChangesOptions): Route53Changes {
  const env = options.env;
  // The SDK warns on every Node < 22 process; rdns's own engines field is the place for that.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = env.AWS_ENDPOINT_URL_ROUTE_53 || env.AWS_ENDPOINT_URL || undefined;
  const client = new Route53Client({
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    ...(options.emulator
      ? { credentials: { accessKeyId: 'rdns-emulator', secretAccessKey: 'rdns-emulator' } }
      : env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } }
      : {}),
    retryMode: env.AWS_RETRY_MODE === 'standard' || env.AWS_RETRY_MODE === 'legacy' ? 'standard' : 'adaptive',
    maxAttempts: Number(env.AWS_MAX_ATTEMPTS) > 0 ? Number(env.AWS_MAX_ATTEMPTS) : 10,
  });
  const byAction: Record<string, number> = {};
  let total = 0;
  let retries = 0;
  // Below the retry middleware: once per attempt.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const c = context as { commandName?: string; rdnsAttempt?: number };
      const action = (c.commandName ?? 'Unknown').replace(/Command$/, '');
      byAction[action] = (byAction[action] ?? 0) + 1;
      total++;
      c.rdnsAttempt = (c.rdnsAttempt ?? 0) + 1;
      if (c.rdnsAttempt > 1) retries++;
      return next(args);
    },
    { step: 'deserialize', name: 'rdnsCountCalls' },
  );
  const pollMs = options.pollMs ?? CHANGE_POLL_MS;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  return {
    async submit(zoneId, batch, comment) {
      try {
        const r = await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: comment, Changes: [...batch.changes] } }));
        const id = r.ChangeInfo?.Id;
        if (!id) throw new Error('Route 53 answered without a change id');
        return id;
      } catch (e) {
        throw new Error(route53ErrorText(e));
      }
    },
    async waitInsync(changeId) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await new Promise((r) => setTimeout(r, pollMs));
        const r = await client.send(new GetChangeCommand({ Id: changeId }));
        if (r.ChangeInfo?.Status === 'INSYNC') return;
        if (Date.now() > until) throw new Error(`change ${changeId} not INSYNC after ${Math.round(timeoutMs / 1000)} s`);
      }
    },
    calls() {
      if (total === 0) return NO_API_CALLS;
      return { byAction: { ...byAction }, total, route53: total, retries, route53Retries: retries };
    },
  };
}
