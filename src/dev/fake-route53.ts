/**
 * A local stand-in for the Amazon Route 53 REST/XML API (version 2013-04-01) on 127.0.0.1,
 * enough for the hashicorp/aws provider's `aws_route53_zone`, `aws_route53_record`,
 * `aws_route53_records_exclusive` and `data "aws_route53_zone"`. It keeps hosted zones and
 * record sets the way Route 53 does (SOA + 4 NS with every new zone, names lower case with
 * a trailing dot and characters other than a-z 0-9 - _ as `\NNN` octal escapes, CREATE of
 * an existing set and DELETE of a differing one rejected, transactional change batches
 * with the documented limits of 1,000 ResourceRecord elements and 32,000 value characters,
 * UPSERT counted twice), answers errors in Route 53's XML shapes, and records every
 * request. A request it does not implement gets a 400 `UnknownOperation` and lands in
 * {@link FakeRoute53.unknownRequests}, so a test can fail on it.
 *
 * It counts requests by API action ({@link FakeRoute53.counts}) and, with `rateLimit`,
 * throttles the way Route 53 does at its documented quota of five requests per second per
 * account: a request over the rate is answered HTTP 400 `Throttling` / "Rate exceeded", which
 * the AWS SDKs retry with back-off, so a provider's retry path is exercised. It also answers
 * STS `GetCallerIdentity` (the provider's credential check), so the provider can run with
 * its production settings and only `AWS_ENDPOINT_URL_ROUTE_53` / `AWS_ENDPOINT_URL_STS` in
 * its environment (see {@link standInEnvironment}).
 *
 * A dev tool: tests use it, and `scripts/fake-route53.mjs` runs it for trying a plan
 * offline. No production path of src/ imports it (eslint enforces that).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

export interface FakeRecordSet {
  /** API form: lower case, trailing dot, `\NNN` escapes (e.g. `0\05726.2.0.192.in-addr.arpa.`). */
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  setIdentifier?: string;
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  /** Elements of the set the fake does not interpret (Weight, Region, Failover, …), kept verbatim. */
  extra?: Record<string, string>;
}

export interface FakeHostedZone {
  /** Bare id, e.g. `Z0000000000000000001` (the API shows `/hostedzone/<id>`). */
  readonly id: string;
  /** API form with trailing dot. */
  readonly name: string;
  readonly callerReference: string;
  comment: string;
  readonly privateZone: boolean;
  readonly nameServers: readonly string[];
  readonly tags: Map<string, string>;
  /** Record sets by {@link recordKey}. */
  readonly records: Map<string, FakeRecordSet>;
}

export interface Route53Request {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The API action this request was routed to (`ChangeResourceRecordSets`, …), or `Unknown`. */
  action: string;
  /** Raw request body (XML) as sent. */
  readonly body: string;
  status: number;
  /** Route 53 error code answered, if any (`InvalidChangeBatch`, `NoSuchHostedZone`, …). */
  errorCode?: string;
  /** For ChangeResourceRecordSets: the changes in the batch, and the ResourceRecord / character counts the limits saw. */
  batch?: { changes: { action: string; name: string; type: string; values: string[] }[]; records: number; characters: number };
}

export interface FakeRoute53Options {
  /** Per-request limits of ChangeResourceRecordSets (defaults: Route 53's documented 1,000 and 32,000). */
  maxRecordsPerBatch?: number;
  maxCharactersPerBatch?: number;
  /** Page size cap of ListResourceRecordSets (Route 53: 300). */
  maxListRecords?: number;
  /**
   * Route 53 requests per second before `Throttling` (Route 53's quota: 5 per account);
   * unset: no throttling. A token bucket of `rateLimit` tokens refilled at `rateLimit` per
   * second, so a burst of that many passes. STS calls are not counted against it.
   */
  rateLimit?: number;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Milliseconds clock of the rate limit (default `performance.now`; tests pass their own). */
  clock?: () => number;
  /**
   * GetChange answers PENDING this many times per change before INSYNC (default 0: INSYNC at
   * once). Real Route 53 takes up to about a minute to propagate a change: a client that
   * polls must poll until INSYNC, and its polls count against the quota.
   */
  pendingPolls?: number;
}

/** The account the fake's STS answers for. */
export const FAKE_ACCOUNT_ID = '123456789012';

export interface FakeRoute53 {
  /** `http://127.0.0.1:PORT`: what `AWS_ENDPOINT_URL_ROUTE_53` and `AWS_ENDPOINT_URL_STS` point the provider at (standInEnvironment). */
  readonly url: string;
  /** Hosted zones by bare id, in creation order. */
  readonly zones: Map<string, FakeHostedZone>;
  readonly requests: Route53Request[];
  /** Creates a hosted zone directly (not logged as a request), e.g. a forward zone a data source looks up. */
  createZone(name: string, options?: { comment?: string; tags?: Record<string, string>; privateZone?: boolean }): FakeHostedZone;
  /** The zones whose name is `name` (any form: case, trailing dot, escapes). */
  zonesNamed(name: string): FakeHostedZone[];
  /** The record set `name`/`type` of a zone (by id or name; name in any form), or undefined. */
  recordSet(zone: string, name: string, type: string, setIdentifier?: string): FakeRecordSet | undefined;
  /** All record sets of a zone (by id or name) in Route 53's list order. */
  recordSets(zone: string): FakeRecordSet[];
  /** Requests the fake does not implement (each was answered 400 UnknownOperation). */
  unknownRequests(): Route53Request[];
  /** Requests as `Action /path?query -> status` lines, for readable assertions and reports. */
  log(): string[];
  /**
   * Requests per API action (`ChangeResourceRecordSets`, `GetChange`, …, STS as
   * `sts:GetCallerIdentity`), throttled ones included (they were made and count against the
   * quota), from request number `since` on (default: all; pass `requests.length` taken
   * before a step to count that step).
   */
  counts(since?: number): Record<string, number>;
  /** Requests answered `Throttling` (from request number `since` on). */
  throttled(since?: number): number;
  /** Changes the rate limit from now on (undefined: no throttling), e.g. none while a benchmark sets up, Route 53's 5 while it measures. */
  setRateLimit(rate: number | undefined): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Names

/** Route 53's stored form of a DNS name: lower case, trailing dot, `\NNN` for anything but a-z 0-9 - _ (docs: DomainNameFormat). */
export function route53Name(input: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '\\' && /^[0-7]{3}$/.test(input.slice(i + 1, i + 4))) {
      bytes.push(parseInt(input.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (ch >= 'A' && ch <= 'Z') out += ch.toLowerCase();
    else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '-' || ch === '_' || ch === '.') out += ch;
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out.endsWith('.') ? out : `${out}.`;
}

/** Key of a record set inside a zone. */
export function recordKey(name: string, type: string, setIdentifier?: string): string {
  return `${route53Name(name)}|${type.toUpperCase()}|${setIdentifier ?? ''}`;
}

// Route 53 lists names sorted with the labels reversed (com.example.www.).
const reversedLabels = (name: string) => name.replace(/\.$/, '').split('.').reverse();
function compareNames(a: string, b: string): number {
  const x = reversedLabels(a);
  const y = reversedLabels(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}
const compareSets = (a: FakeRecordSet, b: FakeRecordSet) =>
  compareNames(a.name, b.name) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) || (a.setIdentifier ?? '').localeCompare(b.setIdentifier ?? '');

const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

// ---------------------------------------------------------------------------------------
// XML: the small subset Route 53 requests use (elements, text, entities; no mixed content).

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}

function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const stack: XmlNode[] = [root];
  const re = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\/\s*([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      const local = m[2].replace(/^.*:/, '');
      if (top.name !== local || stack.length === 1) throw new Error(`malformed XML: unexpected </${m[2]}>`);
      stack.pop();
    } else if (m[3] !== undefined) {
      const node: XmlNode = { name: m[3].replace(/^.*:/, ''), children: [], text: '' };
      top.children.push(node);
      if (m[5] !== '/') stack.push(node);
    } else if (m[6] !== undefined) top.text += decodeEntities(m[6]);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('malformed XML document');
  return root.children[0]!;
}

const child = (n: XmlNode | undefined, name: string) => n?.children.find((c) => c.name === name);
const children = (n: XmlNode | undefined, name: string) => n?.children.filter((c) => c.name === name) ?? [];
const textOf = (n: XmlNode | undefined, name: string) => {
  const c = child(n, name);
  return c === undefined ? undefined : c.text.trim();
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, content: string | number | boolean | undefined) => (content === undefined ? '' : `<${name}>${typeof content === 'string' ? esc(content) : String(content)}</${name}>`);
const raw = (name: string, inner: string) => `<${name}>${inner}</${name}>`;
const doc = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">${inner}</${root}>`;

// ---------------------------------------------------------------------------------------
// Errors

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** InvalidChangeBatch uses its own shape with one Message per problem. */
    readonly messages?: string[],
  ) {
    super(message);
  }
}

function errorBody(err: ApiError, requestId: string): string {
  if (err.messages) {
    // Route 53's InvalidChangeBatch: <InvalidChangeBatch><Messages><Message>…</Message></Messages><RequestId>…
    return doc('InvalidChangeBatch', raw('Messages', err.messages.map((m) => el('Message', m)).join('')) + el('RequestId', requestId));
  }
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return doc('ErrorResponse', raw('Error', el('Type', type) + el('Code', err.code) + el('Message', err.message)) + el('RequestId', requestId));
}

const noSuchZone = (id: string) => new ApiError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${id}`);
const invalidInput = (message: string) => new ApiError(400, 'InvalidInput', message);

// ---------------------------------------------------------------------------------------
// The server

interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

type Handler = (req: Route53Request, params: string[], xml: () => XmlNode) => Reply;

/** Starts the fake on a free loopback port. */
export async function startFakeRoute53(options: FakeRoute53Options = {}): Promise<FakeRoute53> {
  const maxRecords = options.maxRecordsPerBatch ?? 1000;
  const maxChars = options.maxCharactersPerBatch ?? 32000;
  const maxList = options.maxListRecords ?? 300;
  let rate = options.rateLimit;
  const checkRate = (r: number | undefined) => {
    if (r !== undefined && !(r > 0)) throw new RangeError(`rateLimit must be positive, got ${r}`);
  };
  checkRate(rate);
  let tokens = rate ?? 0;
  const clock = options.clock ?? (() => performance.now());
  let refilledAt = clock();
  /** Takes a token of the rate limit; false when the request must be throttled. */
  const admit = (): boolean => {
    if (rate === undefined) return true;
    const t = clock();
    tokens = Math.min(rate, tokens + ((t - refilledAt) / 1000) * rate);
    refilledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const zones = new Map<string, FakeHostedZone>();
  const requests: Route53Request[] = [];
  const changes = new Map<string, string>(); // change id -> SubmittedAt
  const polls = new Map<string, number>(); // change id -> GetChange requests answered
  const callerRefs = new Set<string>();
  let zoneSeq = 0;
  let changeSeq = 0;
  let requestSeq = 0;

  const now = () => new Date().toISOString().replace(/\.\d+Z$/, '.000Z');
  const newChange = () => {
    const id = `C${String(++changeSeq).padStart(20, '0')}`;
    changes.set(id, now());
    return id;
  };
  // Route 53 answers PENDING on a change and INSYNC later; the fake is in sync at once.
  const changeInfo = (id: string, status: 'PENDING' | 'INSYNC', comment?: string) =>
    raw('ChangeInfo', el('Id', `/change/${id}`) + el('Status', status) + el('SubmittedAt', changes.get(id)) + el('Comment', comment));

  function addZone(name: string, callerReference: string, comment: string, privateZone: boolean): FakeHostedZone {
    const seq = ++zoneSeq;
    const id = `Z${String(seq).padStart(20, '0')}`;
    const apex = route53Name(name);
    const nameServers = [0, 1, 2, 3].map((i) => `ns-${(seq * 4 + i) % 2048}.awsdns-${String((seq + i) % 64).padStart(2, '0')}.${['com', 'net', 'org', 'co.uk'][i]}`);
    const zone: FakeHostedZone = { id, name: apex, callerReference, comment, privateZone, nameServers, tags: new Map(), records: new Map() };
    zone.records.set(recordKey(apex, 'SOA'), { name: apex, type: 'SOA', ttl: 900, values: [`${nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] });
    zone.records.set(recordKey(apex, 'NS'), { name: apex, type: 'NS', ttl: 172800, values: nameServers.map((n) => `${n}.`) });
    zones.set(id, zone);
    return zone;
  }

  const bareZoneId = (id: string) => decodeURIComponent(id).replace(/^\/?hostedzone\//, '');
  function zoneById(id: string): FakeHostedZone {
    const zone = zones.get(bareZoneId(id));
    if (!zone) throw noSuchZone(bareZoneId(id));
    return zone;
  }
  function resolveZone(zone: string): FakeHostedZone {
    const byId = zones.get(bareZoneId(zone));
    if (byId) return byId;
    const named = [...zones.values()].filter((z) => z.name === route53Name(zone));
    if (named.length !== 1) throw new Error(`fake-route53: ${named.length} zones named ${zone}`);
    return named[0]!;
  }

  const hostedZoneXml = (z: FakeHostedZone) =>
    raw(
      'HostedZone',
      el('Id', `/hostedzone/${z.id}`) +
        el('Name', z.name) +
        el('CallerReference', z.callerReference) +
        raw('Config', (z.comment ? el('Comment', z.comment) : '') + el('PrivateZone', z.privateZone)) +
        el('ResourceRecordSetCount', z.records.size),
    );
  const delegationSetXml = (z: FakeHostedZone) => raw('DelegationSet', raw('NameServers', z.nameServers.map((n) => el('NameServer', n)).join('')));

  const recordSetXml = (r: FakeRecordSet) =>
    raw(
      'ResourceRecordSet',
      el('Name', r.name) +
        el('Type', r.type) +
        el('SetIdentifier', r.setIdentifier) +
        Object.entries(r.extra ?? {})
          .map(([k, v]) => el(k, v))
          .join('') +
        el('TTL', r.ttl) +
        (r.aliasTarget
          ? raw('AliasTarget', el('HostedZoneId', r.aliasTarget.hostedZoneId) + el('DNSName', r.aliasTarget.dnsName) + el('EvaluateTargetHealth', r.aliasTarget.evaluateTargetHealth))
          : raw('ResourceRecords', r.values.map((v) => raw('ResourceRecord', el('Value', v))).join(''))),
    );

  function parseRecordSet(n: XmlNode | undefined, action: string): FakeRecordSet {
    const name = textOf(n, 'Name');
    const type = textOf(n, 'Type');
    if (!n || !name || !type) throw invalidInput('Invalid request: ResourceRecordSet requires Name and Type');
    const ttlText = textOf(n, 'TTL');
    const values = children(child(n, 'ResourceRecords'), 'ResourceRecord').map((rr) => textOf(rr, 'Value') ?? '');
    const alias = child(n, 'AliasTarget');
    const setIdentifier = textOf(n, 'SetIdentifier');
    const describe = `[Action=${action}, Name=${name}, Type=${type}, SetIdentifier=${setIdentifier ?? 'null'}]`;
    if (!alias && (ttlText === undefined || values.length === 0))
      throw invalidInput(`Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with ${describe}`);
    if (alias && (ttlText !== undefined || values.length > 0)) throw invalidInput(`Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with ${describe}`);
    const known = new Set(['Name', 'Type', 'TTL', 'ResourceRecords', 'AliasTarget', 'SetIdentifier']);
    const extra: Record<string, string> = {};
    for (const c of n.children) if (!known.has(c.name)) extra[c.name] = c.text.trim();
    const set: FakeRecordSet = { name: route53Name(name), type: type.toUpperCase(), values };
    if (ttlText !== undefined) set.ttl = Number(ttlText);
    if (setIdentifier !== undefined) set.setIdentifier = setIdentifier;
    if (alias)
      set.aliasTarget = {
        hostedZoneId: textOf(alias, 'HostedZoneId') ?? '',
        dnsName: route53Name(textOf(alias, 'DNSName') ?? ''),
        evaluateTargetHealth: textOf(alias, 'EvaluateTargetHealth') === 'true',
      };
    if (Object.keys(extra).length > 0) set.extra = extra;
    return set;
  }

  const sameSet = (a: FakeRecordSet, b: FakeRecordSet) =>
    a.ttl === b.ttl &&
    JSON.stringify(a.values) === JSON.stringify(b.values) &&
    JSON.stringify(a.aliasTarget ?? null) === JSON.stringify(b.aliasTarget ?? null) &&
    JSON.stringify(a.extra ?? {}) === JSON.stringify(b.extra ?? {});

  function changeRecordSets(req: Route53Request, zone: FakeHostedZone, body: XmlNode): Reply {
    const batch = child(body, 'ChangeBatch');
    const changeNodes = children(child(batch, 'Changes'), 'Change');
    if (changeNodes.length === 0) throw invalidInput('1 validation error detected: Value null at \'changeBatch.changes\' failed to satisfy constraint: Member must not be null');
    const parsed = changeNodes.map((c) => {
      const action = textOf(c, 'Action') ?? '';
      if (!['CREATE', 'DELETE', 'UPSERT'].includes(action)) throw invalidInput(`Invalid request: Action ${action} is not one of CREATE, DELETE, UPSERT`);
      return { action, set: parseRecordSet(child(c, 'ResourceRecordSet'), action) };
    });
    // Documented limits per request, checked before anything else; UPSERT counts twice.
    let records = 0;
    let characters = 0;
    for (const { action, set } of parsed) {
      const weight = action === 'UPSERT' ? 2 : 1;
      records += weight * set.values.length;
      characters += weight * set.values.reduce((n, v) => n + v.length, 0);
    }
    req.batch = { changes: parsed.map(({ action, set }) => ({ action, name: set.name, type: set.type, values: set.values })), records, characters };
    if (records > maxRecords) throw new ApiError(400, 'InvalidChangeBatch', `Number of records limit of ${maxRecords} exceeded.`, [`Number of records limit of ${maxRecords} exceeded.`]);
    if (characters > maxChars) throw new ApiError(400, 'InvalidChangeBatch', `RDATA character limit of ${maxChars} exceeded.`, [`RDATA character limit of ${maxChars} exceeded.`]);

    // Transactional: work on a copy, commit only when every change is valid.
    const next = new Map(zone.records);
    const problems: string[] = [];
    for (const { action, set } of parsed) {
      const what = `[name='${set.name}', type='${set.type}'${set.setIdentifier ? `, set-identifier='${set.setIdentifier}'` : ''}]`;
      if (!inZone(set.name, zone.name)) {
        problems.push(`RRSet with DNS name ${set.name} is not permitted in zone ${zone.name}`);
        continue;
      }
      const key = recordKey(set.name, set.type, set.setIdentifier);
      const current = next.get(key);
      if (action === 'CREATE') {
        if (current) problems.push(`Tried to create resource record set ${what} but it already exists`);
        else next.set(key, set);
      } else if (action === 'UPSERT') {
        if (set.name === zone.name && set.type === 'SOA' && set.values.length !== 1) problems.push('A HostedZone must contain exactly one SOA record.');
        else next.set(key, set);
      } else if (!current) {
        problems.push(`Tried to delete resource record set ${what} but it was not found`);
      } else if (!sameSet(current, set)) {
        problems.push(`Tried to delete resource record set ${what} but the values provided do not match the current values`);
      } else if (set.name === zone.name && (set.type === 'SOA' || set.type === 'NS')) {
        problems.push(set.type === 'SOA' ? 'A HostedZone must contain exactly one SOA record.' : 'A HostedZone must contain at least one NS record for the zone itself.');
      } else {
        next.delete(key);
      }
    }
    if (problems.length > 0) throw new ApiError(400, 'InvalidChangeBatch', problems.join('; '), problems);
    zone.records.clear();
    for (const [k, v] of next) zone.records.set(k, v);
    const id = newChange();
    return { status: 200, body: doc('ChangeResourceRecordSetsResponse', changeInfo(id, 'PENDING', textOf(batch, 'Comment'))) };
  }

  function listRecordSets(req: Route53Request, zone: FakeHostedZone): Reply {
    const startName = req.query.get('name');
    const startType = req.query.get('type');
    const startId = req.query.get('identifier');
    if (startType && !startName) throw invalidInput('The input is not valid: type requires name');
    const max = Math.min(Number(req.query.get('maxitems') ?? maxList) || maxList, maxList);
    let sets = [...zone.records.values()].sort(compareSets);
    if (startName) {
      const start: FakeRecordSet = { name: route53Name(startName), type: (startType ?? '').toUpperCase(), values: [] };
      if (startId) start.setIdentifier = startId;
      sets = sets.filter((s) => compareSets(s, start) >= 0);
    }
    const page = sets.slice(0, max);
    const truncated = sets.length > max;
    const next = sets[max];
    const body =
      raw('ResourceRecordSets', page.map(recordSetXml).join('')) +
      el('IsTruncated', truncated) +
      (truncated && next ? el('NextRecordName', next.name) + el('NextRecordType', next.type) + el('NextRecordIdentifier', next.setIdentifier) : '') +
      el('MaxItems', String(max));
    return { status: 200, body: doc('ListResourceRecordSetsResponse', body) };
  }

  function tagsXml(zone: FakeHostedZone) {
    return raw(
      'ResourceTagSet',
      el('ResourceType', 'hostedzone') + el('ResourceId', zone.id) + raw('Tags', [...zone.tags].map(([k, v]) => raw('Tag', el('Key', k) + el('Value', v))).join('')),
    );
  }

  const routes: { method: string; path: RegExp; action: string; handler: Handler }[] = [
    {
      method: 'POST',
      path: /^\/2013-04-01\/hostedzone\/?$/,
      action: 'CreateHostedZone',
      handler: (_r, _p, xml) => {
        const body = xml();
        const name = textOf(body, 'Name');
        const ref = textOf(body, 'CallerReference');
        if (!name || !ref) throw invalidInput('Invalid request: CreateHostedZone requires Name and CallerReference');
        if (callerRefs.has(ref)) throw new ApiError(409, 'HostedZoneAlreadyExists', `A hosted zone has already been created with the specified caller reference.`);
        const config = child(body, 'HostedZoneConfig');
        const privateZone = textOf(config, 'PrivateZone') === 'true' || child(body, 'VPC') !== undefined;
        callerRefs.add(ref);
        const zone = addZone(name, ref, textOf(config, 'Comment') ?? '', privateZone);
        const id = newChange();
        return {
          status: 201,
          headers: { location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}` },
          body: doc('CreateHostedZoneResponse', hostedZoneXml(zone) + changeInfo(id, 'PENDING') + delegationSetXml(zone)),
        };
      },
    },
    {
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone\/?$/,
      action: 'ListHostedZones',
      handler: (r) => {
        const max = Math.min(Number(r.query.get('maxitems') ?? 100) || 100, 100);
        let list = [...zones.values()];
        const marker = r.query.get('marker');
        if (marker) {
          const i = list.findIndex((z) => z.id === marker);
          if (i < 0) throw invalidInput(`Invalid marker: ${marker}`);
          list = list.slice(i);
        }
        const type = r.query.get('hostedzonetype');
        if (type) list = list.filter((z) => (type === 'PrivateHostedZone') === z.privateZone);
        const page = list.slice(0, max);
        const truncated = list.length > max;
        const body =
          raw('HostedZones', page.map(hostedZoneXml).join('')) +
          (marker ? el('Marker', marker) : '') +
          el('IsTruncated', truncated) +
          (truncated ? el('NextMarker', list[max]!.id) : '') +
          el('MaxItems', String(max));
        return { status: 200, body: doc('ListHostedZonesResponse', body) };
      },
    },
    {
      method: 'GET',
      path: /^\/2013-04-01\/hostedzonesbyname\/?$/,
      action: 'ListHostedZonesByName',
      handler: (r) => {
        const max = Math.min(Number(r.query.get('maxitems') ?? 100) || 100, 100);
        const dnsName = r.query.get('dnsname');
        const startId = r.query.get('hostedzoneid');
        if (startId && !dnsName) throw invalidInput('The input is not valid: hostedzoneid requires dnsname');
        const order = (a: FakeHostedZone, b: FakeHostedZone) => compareNames(a.name, b.name) || a.id.localeCompare(b.id);
        let list = [...zones.values()].sort(order);
        if (dnsName) {
          const start = route53Name(dnsName);
          list = list.filter((z) => compareNames(z.name, start) > 0 || (compareNames(z.name, start) === 0 && (!startId || z.id >= bareZoneId(startId))));
        }
        const page = list.slice(0, max);
        const truncated = list.length > max;
        const body =
          raw('HostedZones', page.map(hostedZoneXml).join('')) +
          (dnsName ? el('DNSName', route53Name(dnsName)) : '') +
          (startId ? el('HostedZoneId', bareZoneId(startId)) : '') +
          el('IsTruncated', truncated) +
          (truncated ? el('NextDNSName', list[max]!.name) + el('NextHostedZoneId', list[max]!.id) : '') +
          el('MaxItems', String(max));
        return { status: 200, body: doc('ListHostedZonesByNameResponse', body) };
      },
    },
    {
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      action: 'ListResourceRecordSets',
      handler: (r, [id]) => listRecordSets(r, zoneById(id!)),
    },
    {
      method: 'POST',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      action: 'ChangeResourceRecordSets',
      handler: (r, [id], xml) => changeRecordSets(r, zoneById(id!), xml()),
    },
    {
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      action: 'GetHostedZone',
      handler: (_r, [id]) => {
        const z = zoneById(id!);
        return { status: 200, body: doc('GetHostedZoneResponse', hostedZoneXml(z) + delegationSetXml(z)) };
      },
    },
    {
      method: 'POST',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      action: 'UpdateHostedZoneComment',
      handler: (_r, [id], xml) => {
        const z = zoneById(id!);
        z.comment = textOf(xml(), 'Comment') ?? '';
        return { status: 200, body: doc('UpdateHostedZoneCommentResponse', hostedZoneXml(z)) };
      },
    },
    {
      method: 'DELETE',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)$/,
      action: 'DeleteHostedZone',
      handler: (_r, [id]) => {
        const z = zoneById(id!);
        const extra = [...z.records.values()].some((s) => !(s.name === z.name && (s.type === 'SOA' || s.type === 'NS')));
        if (extra) throw new ApiError(400, 'HostedZoneNotEmpty', 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.');
        zones.delete(z.id);
        return { status: 200, body: doc('DeleteHostedZoneResponse', changeInfo(newChange(), 'PENDING')) };
      },
    },
    {
      method: 'GET',
      path: /^\/2013-04-01\/change\/([^/]+)$/,
      action: 'GetChange',
      handler: (_r, [rawId]) => {
        const id = decodeURIComponent(rawId!).replace(/^\/?change\//, '');
        if (!changes.has(id)) throw new ApiError(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${id}`);
        const polled = (polls.get(id) ?? 0) + 1;
        polls.set(id, polled);
        return { status: 200, body: doc('GetChangeResponse', changeInfo(id, polled > (options.pendingPolls ?? 0) ? 'INSYNC' : 'PENDING')) };
      },
    },
    {
      method: 'GET',
      path: /^\/2013-04-01\/tags\/hostedzone\/([^/]+)$/,
      action: 'ListTagsForResource',
      handler: (_r, [id]) => ({ status: 200, body: doc('ListTagsForResourceResponse', tagsXml(zoneById(id!))) }),
    },
    {
      method: 'POST',
      path: /^\/2013-04-01\/tags\/hostedzone\/([^/]+)$/,
      action: 'ChangeTagsForResource',
      handler: (_r, [id], xml) => {
        const z = zoneById(id!);
        const body = xml();
        for (const key of children(child(body, 'RemoveTagKeys'), 'Key')) z.tags.delete(key.text.trim());
        for (const tag of children(child(body, 'AddTags'), 'Tag')) z.tags.set(textOf(tag, 'Key') ?? '', textOf(tag, 'Value') ?? '');
        return { status: 200, body: doc('ChangeTagsForResourceResponse', '') };
      },
    },
    {
      method: 'POST',
      path: /^\/2013-04-01\/tags\/hostedzone\/?$/,
      action: 'ListTagsForResources',
      handler: (_r, _p, xml) => {
        const ids = children(child(xml(), 'ResourceIds'), 'ResourceId').map((n) => n.text.trim());
        return { status: 200, body: doc('ListTagsForResourcesResponse', raw('ResourceTagSets', ids.map((id) => tagsXml(zoneById(id))).join(''))) };
      },
    },
  ];

  /** STS (Query protocol): GetCallerIdentity, which the provider calls to validate credentials and learn the account. */
  function sts(rec: Route53Request, form: URLSearchParams, requestId: string): Reply {
    const action = form.get('Action') ?? '';
    rec.action = `sts:${action}`;
    const stsNs = 'https://sts.amazonaws.com/doc/2011-06-15/';
    if (action !== 'GetCallerIdentity') {
      rec.action = 'Unknown';
      rec.errorCode = 'InvalidAction';
      return {
        status: 400,
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${stsNs}">${raw('Error', el('Type', 'Sender') + el('Code', 'InvalidAction') + el('Message', `fake-route53 does not implement STS ${action}`))}${el('RequestId', requestId)}</ErrorResponse>`,
      };
    }
    const result = raw('GetCallerIdentityResult', el('Arn', `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/rdns-fake`) + el('UserId', 'AIDAFAKEROUTE53STANDIN') + el('Account', FAKE_ACCOUNT_ID));
    return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?>\n<GetCallerIdentityResponse xmlns="${stsNs}">${result}${raw('ResponseMetadata', el('RequestId', requestId))}</GetCallerIdentityResponse>` };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = Buffer.concat(chunks).toString('utf8');
    const rec: Route53Request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, action: 'Unknown', body, status: 0 };
    requests.push(rec);
    const requestId = `00000000-0000-4000-8000-${String(++requestSeq).padStart(12, '0')}`;
    let reply: Reply;
    try {
      if (rec.method === 'POST' && (rec.path === '/' || rec.path === '') && /(^|&)Action=/.test(body)) {
        reply = sts(rec, new URLSearchParams(body), requestId);
        rec.status = reply.status;
        res.writeHead(reply.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(reply.body);
        return;
      }
      const route = routes.find((r) => r.method === rec.method && r.path.test(rec.path));
      if (!route) throw new ApiError(400, 'UnknownOperation', `fake-route53 does not implement ${rec.method} ${rec.path}${url.search}`);
      rec.action = route.action;
      // Route 53 answers a request over the account's rate with 400 Throttling, before looking at it.
      if (!admit()) throw new ApiError(400, 'Throttling', 'Rate exceeded');
      const params = route.path.exec(rec.path)!.slice(1);
      reply = route.handler(rec, params, () => {
        try {
          return parseXml(body);
        } catch (e) {
          throw invalidInput(`Could not parse request body: ${(e as Error).message}`);
        }
      });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      rec.errorCode = e.code;
      reply = { status: e.status, body: errorBody(e, requestId) };
    }
    rec.status = reply.status;
    res.writeHead(reply.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...reply.headers });
    res.end(reply.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end(errorBody(new ApiError(500, 'InternalFailure', String(err)), 'fake'));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    zones,
    requests,
    createZone: (name, o = {}) => {
      const zone = addZone(name, `fake-${zoneSeq + 1}`, o.comment ?? '', o.privateZone ?? false);
      for (const [k, v] of Object.entries(o.tags ?? {})) zone.tags.set(k, v);
      return zone;
    },
    zonesNamed: (name) => [...zones.values()].filter((z) => z.name === route53Name(name)),
    recordSet: (zone, name, type, setIdentifier) => resolveZone(zone).records.get(recordKey(name, type, setIdentifier)),
    recordSets: (zone) => [...resolveZone(zone).records.values()].sort(compareSets),
    unknownRequests: () => requests.filter((r) => r.action === 'Unknown'),
    counts: (since = 0) => {
      const out: Record<string, number> = {};
      for (const r of requests.slice(since)) out[r.action] = (out[r.action] ?? 0) + 1;
      return out;
    },
    setRateLimit: (r) => {
      checkRate(r);
      rate = r;
      tokens = r ?? 0;
      refilledAt = clock();
    },
    throttled: (since = 0) => requests.slice(since).filter((r) => r.errorCode === 'Throttling').length,
    log: () => requests.map((r) => `${r.action} ${r.method} ${r.path}${[...r.query].length ? `?${r.query}` : ''} -> ${r.status}${r.errorCode ? ` ${r.errorCode}` : ''}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The environment under which Terraform's hashicorp/aws talks only to the stand-in at
 * `url`, with its production provider settings (no `endpoints` block, no skipped checks):
 * the SDK's per-service endpoint variables and dummy static keys (the stand-in accepts any
 * signature; no real credential is needed or written).
 */
export function standInEnvironment(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_ROUTE_53: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_ACCESS_KEY_ID: 'AKIDFAKEROUTE53TEST',
    AWS_SECRET_ACCESS_KEY: 'fake-route53-secret',
    AWS_REGION: 'us-east-1',
    // No EC2 instance metadata lookups from a laptop or a CI runner.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
