import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { route53EndpointEnv, route53ProviderConfig, startFakeRoute53, type FakeRoute53 } from './fake-route53.js';
import { runTerraform, terraformEnv, terraformOrSkip, type TerraformResult } from './terraform.js';

// --- Route 53 semantics at the HTTP level (no Terraform needed) ---------------------------

type Change = { action: 'CREATE' | 'DELETE' | 'UPSERT'; name: string; type?: string; ttl?: number; values: string[] };

const changeBatchXml = (changes: Change[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes>${changes
    .map(
      (c) =>
        `<Change><Action>${c.action}</Action><ResourceRecordSet><Name>${c.name}</Name><Type>${c.type ?? 'PTR'}</Type><TTL>${c.ttl ?? 3600}</TTL><ResourceRecords>${c.values
          .map((v) => `<ResourceRecord><Value>${v}</Value></ResourceRecord>`)
          .join('')}</ResourceRecords></ResourceRecordSet></Change>`,
    )
    .join('')}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;

const long = (i: number) => `${'h'.repeat(95)}${String(i).padStart(3, '0')}.n`; // 100 characters

/** Text of every `<tag>` element in an XML answer, in order. */
const all = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

describe('fake Route 53 API semantics', () => {
  let fake: FakeRoute53;
  beforeEach(async () => {
    fake = await startFakeRoute53();
  });
  afterEach(async () => fake.close());

  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${fake.url}${path}`, { method, body, headers: body ? { 'content-type': 'application/xml' } : {} });
    return { status: res.status, xml: await res.text() };
  };
  const change = (zoneId: string, changes: Change[]) => call('POST', `/2013-04-01/hostedzone/${zoneId}/rrset`, changeBatchXml(changes));
  const ptrs = (n: number, zone: string, action: Change['action'] = 'CREATE', value = (i: number) => `host-${i}.example.net.`): Change[] =>
    Array.from({ length: n }, (_, i) => ({ action, name: `${i % 256}.${Math.floor(i / 256)}.${zone}`, values: [value(i)] }));

  it('creates a hosted zone with its SOA and four NS records, names lower case with a trailing dot', async () => {
    const r = await call(
      'POST',
      '/2013-04-01/hostedzone',
      '<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>2.0.192.IN-ADDR.ARPA</Name><CallerReference>ref-1</CallerReference></CreateHostedZoneRequest>',
    );
    expect(r.status).toBe(201);
    expect(all(r.xml, 'Name')).toEqual(['2.0.192.in-addr.arpa.']);
    expect(all(r.xml, 'NameServer')).toHaveLength(4);
    const id = all(r.xml, 'Id')[0]!.replace('/hostedzone/', '');
    const list = await call('GET', `/2013-04-01/hostedzone/${id}/rrset`);
    expect(all(list.xml, 'Type')).toEqual(['NS', 'SOA']);
    expect(all(list.xml, 'Value').filter((v) => v.startsWith('ns-'))).toHaveLength(5); // 4 NS + the SOA's primary
    const again = await call('POST', '/2013-04-01/hostedzone', '<CreateHostedZoneRequest><Name>x.test</Name><CallerReference>ref-1</CallerReference></CreateHostedZoneRequest>');
    expect([again.status, all(again.xml, 'Code')]).toEqual([409, ['HostedZoneAlreadyExists']]);
  });

  it('rejects CREATE of an existing set and a DELETE that does not match, atomically, in the InvalidChangeBatch shape', async () => {
    const z = fake.createZone('2.0.192.in-addr.arpa');
    expect((await change(z.id, [{ action: 'CREATE', name: '10.2.0.192.in-addr.arpa', values: ['web.example.net.'] }])).status).toBe(200);
    const dup = await change(z.id, [
      { action: 'CREATE', name: '11.2.0.192.in-addr.arpa', values: ['mail.example.net.'] },
      { action: 'CREATE', name: '10.2.0.192.IN-ADDR.ARPA.', values: ['other.example.net.'] },
    ]);
    expect(dup.status).toBe(400);
    expect(dup.xml).toContain('<InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Messages><Message>');
    expect(all(dup.xml, 'Message')).toEqual(["Tried to create resource record set [name='10.2.0.192.in-addr.arpa.', type='PTR'] but it already exists"]);
    expect(fake.recordSet(z.id, '11.2.0.192.in-addr.arpa', 'PTR')).toBeUndefined(); // the valid half was not applied either
    const wrongDelete = await change(z.id, [{ action: 'DELETE', name: '10.2.0.192.in-addr.arpa', values: ['other.example.net.'] }]);
    expect(all(wrongDelete.xml, 'Message')).toEqual(["Tried to delete resource record set [name='10.2.0.192.in-addr.arpa.', type='PTR'] but the values provided do not match the current values"]);
    expect((await change(z.id, [{ action: 'UPSERT', name: '10.2.0.192.in-addr.arpa', values: ['www.example.net.'] }])).status).toBe(200);
    expect(fake.recordSet('2.0.192.in-addr.arpa.', '10.2.0.192.in-addr.arpa.', 'PTR')?.values).toEqual(['www.example.net.']);
    expect((await change(z.id, [{ action: 'DELETE', name: '10.2.0.192.in-addr.arpa', values: ['www.example.net.'] }])).status).toBe(200);
    expect(fake.recordSets(z.id).map((s) => s.type)).toEqual(['NS', 'SOA']);
    const missing = await change(z.id, [{ action: 'DELETE', name: '10.2.0.192.in-addr.arpa', values: ['www.example.net.'] }]);
    expect(all(missing.xml, 'Message')).toEqual(["Tried to delete resource record set [name='10.2.0.192.in-addr.arpa.', type='PTR'] but it was not found"]);
  });

  it.each([
    { what: '1,000 CREATEd records', changes: (zone: string) => ptrs(1000, zone), ok: true },
    { what: '1,001 CREATEd records', changes: (zone: string) => ptrs(1001, zone), ok: false, message: 'Number of records limit of 1000 exceeded.' },
    { what: '500 UPSERTs (counted twice)', changes: (zone: string) => ptrs(500, zone, 'UPSERT'), ok: true },
    { what: '501 UPSERTs (counted twice)', changes: (zone: string) => ptrs(501, zone, 'UPSERT'), ok: false, message: 'Number of records limit of 1000 exceeded.' },
    // 100-character values: 320 of them are exactly 32,000 characters; UPSERTed, 160 of them count as 32,000.
    { what: '32,000 value characters', changes: (zone: string) => ptrs(320, zone, 'CREATE', long), ok: true },
    { what: '32,001 value characters', changes: (zone: string) => [...ptrs(320, zone, 'CREATE', long), { action: 'CREATE' as const, name: `x.${zone}`, values: ['y'] }], ok: false, message: 'RDATA character limit of 32000 exceeded.' },
    { what: '16,000 UPSERTed value characters (counted twice)', changes: (zone: string) => ptrs(160, zone, 'UPSERT', long), ok: true },
    { what: '16,001 UPSERTed value characters (counted twice)', changes: (zone: string) => [...ptrs(160, zone, 'UPSERT', long), { action: 'UPSERT' as const, name: `x.${zone}`, values: ['y'] }], ok: false, message: 'RDATA character limit of 32000 exceeded.' },
  ])('enforces the per-request batch limits: $what', async ({ changes, ok, message }) => {
    const z = fake.createZone('0.10.in-addr.arpa');
    const r = await change(z.id, changes('0.10.in-addr.arpa'));
    if (ok) expect(r.status, r.xml).toBe(200);
    else {
      expect(r.status).toBe(400);
      expect(all(r.xml, 'Message')).toEqual([message]);
      expect(fake.recordSets(z.id)).toHaveLength(2); // nothing applied
    }
  });
  it('pages ListResourceRecordSets in Route 53 order (labels reversed, then type) from a name and type', async () => {
    const z = fake.createZone('2.0.192.in-addr.arpa');
    await change(z.id, [
      ...ptrs(5, '2.0.192.in-addr.arpa').map((c, i) => ({ ...c, name: `${i + 1}.2.0.192.in-addr.arpa` })),
      { action: 'CREATE', name: '2.0.192.in-addr.arpa', type: 'TXT', values: ['"v=x"'] },
    ]);
    const seen: string[] = [];
    let query = 'maxitems=3';
    const pages: string[][] = [];
    for (;;) {
      const r = await call('GET', `/2013-04-01/hostedzone/${z.id}/rrset?${query}`);
      const names = all(r.xml, 'Name');
      const types = all(r.xml, 'Type');
      pages.push(names.map((n, i) => `${n} ${types[i]}`));
      seen.push(...pages.at(-1)!);
      if (all(r.xml, 'IsTruncated')[0] !== 'true') break;
      query = `maxitems=3&name=${encodeURIComponent(all(r.xml, 'NextRecordName')[0]!)}&type=${all(r.xml, 'NextRecordType')[0]}`;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(seen).toEqual([
      '2.0.192.in-addr.arpa. NS',
      '2.0.192.in-addr.arpa. SOA',
      '2.0.192.in-addr.arpa. TXT',
      '1.2.0.192.in-addr.arpa. PTR',
      '2.2.0.192.in-addr.arpa. PTR',
      '3.2.0.192.in-addr.arpa. PTR',
      '4.2.0.192.in-addr.arpa. PTR',
      '5.2.0.192.in-addr.arpa. PTR',
    ]);
    // How the provider reads one aws_route53_record: start at its name and type, one item.
    const one = await call('GET', `/2013-04-01/hostedzone/${z.id}/rrset?maxitems=1&name=4.2.0.192.in-addr.arpa.&type=PTR`);
    expect([all(one.xml, 'Name'), all(one.xml, 'NextRecordName')]).toEqual([['4.2.0.192.in-addr.arpa.'], ['5.2.0.192.in-addr.arpa.']]);
  });

  it('stores characters other than a-z 0-9 - _ as octal escapes, as Route 53 answers them (RFC 2317 "/")', async () => {
    const z = fake.createZone('0/26.2.0.192.in-addr.arpa');
    expect(z.name).toBe('0\\05726.2.0.192.in-addr.arpa.');
    await change(z.id, [{ action: 'CREATE', name: '5.0/26.2.0.192.in-addr.arpa.', values: ['a.example.net.'] }]);
    const r = await call('GET', `/2013-04-01/hostedzone/${z.id}/rrset?name=5.0%2F26.2.0.192.in-addr.arpa&type=PTR`);
    expect(all(r.xml, 'Name')[0]).toBe('5.0\\05726.2.0.192.in-addr.arpa.');
    expect(fake.recordSet(z.id, '5.0/26.2.0.192.IN-ADDR.ARPA', 'PTR')?.values).toEqual(['a.example.net.']);
  });

  it('finds zones by name in ListHostedZonesByName order and reports every change INSYNC', async () => {
    const b = fake.createZone('b.example');
    const a = fake.createZone('a.example');
    const r = await call('GET', '/2013-04-01/hostedzonesbyname?dnsname=b.example&maxitems=1');
    expect([all(r.xml, 'Name'), all(r.xml, 'IsTruncated')]).toEqual([['b.example.'], ['false']]);
    const first = await call('GET', '/2013-04-01/hostedzonesbyname?maxitems=1');
    expect([all(first.xml, 'Id'), all(first.xml, 'NextDNSName')]).toEqual([[`/hostedzone/${a.id}`], ['b.example.']]);
    const c = await change(b.id, [{ action: 'CREATE', name: 'www.b.example', type: 'A', values: ['192.0.2.1'] }]);
    expect(all(c.xml, 'Status')).toEqual(['PENDING']);
    const got = await call('GET', `/2013-04-01/change/${all(c.xml, 'Id')[0]!.replace('/change/', '')}`);
    expect(all(got.xml, 'Status')).toEqual(['INSYNC']);
    expect((await call('GET', '/2013-04-01/change/CNOSUCH')).status).toBe(404);
  });

  it('answers a request it does not implement with a 400 and lists it, so a test can fail on it', async () => {
    const r = await call('GET', '/2013-04-01/healthcheck');
    expect(r.status).toBe(400);
    expect(all(r.xml, 'Code')).toEqual(['UnknownOperation']);
    expect(fake.unknownRequests().map((q) => `${q.method} ${q.path}`)).toEqual(['GET /2013-04-01/healthcheck']);
  });

  it('counts requests by API action, from any request number on', async () => {
    const z = fake.createZone('2.0.192.in-addr.arpa');
    await call('GET', `/2013-04-01/hostedzone/${z.id}`);
    const mark = fake.requests.length;
    await change(z.id, [{ action: 'CREATE', name: '1.2.0.192.in-addr.arpa', values: ['a.example.net.'] }]);
    await call('GET', `/2013-04-01/hostedzone/${z.id}/rrset`);
    await call('GET', `/2013-04-01/hostedzone/${z.id}/rrset`);
    expect(fake.counts()).toEqual({ GetHostedZone: 1, ChangeResourceRecordSets: 1, ListResourceRecordSets: 2 });
    expect(fake.counts(mark)).toEqual({ ChangeResourceRecordSets: 1, ListResourceRecordSets: 2 });
    expect(fake.throttled()).toBe(0);
  });

  it('answers STS GetCallerIdentity (the provider\'s credential check) with the fake account', async () => {
    const r = await fetch(`${fake.url}/`, { method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const xml = await r.text();
    expect([r.status, all(xml, 'Account'), all(xml, 'Arn')]).toEqual([200, ['123456789012'], ['arn:aws:iam::123456789012:user/rdns-fake']]);
    const other = await fetch(`${fake.url}/`, { method: 'POST', body: 'Action=AssumeRole&Version=2011-06-15' });
    expect([other.status, all(await other.text(), 'Code')]).toEqual([400, ['InvalidAction']]);
    expect(fake.counts()).toEqual({ 'sts:GetCallerIdentity': 1, Unknown: 1 });
  });
});

describe('fake Route 53 throttling at a rate per second (Route 53: 5 per account)', () => {
  let fake: FakeRoute53;
  afterEach(async () => fake.close());

  it('answers requests over the rate 400 Throttling "Rate exceeded" in Route 53\'s error shape, and admits again as tokens refill (5 a second, at most 5 at once)', async () => {
    let now = 1000;
    fake = await startFakeRoute53({ rateLimit: 5, clock: () => now });
    const z = fake.createZone('2.0.192.in-addr.arpa');
    const get = async () => {
      const res = await fetch(`${fake.url}/2013-04-01/hostedzone/${z.id}`);
      return { status: res.status, xml: await res.text() };
    };
    // A burst of 8 within one instant: the bucket holds 5.
    const burst = await Promise.all(Array.from({ length: 8 }, get));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 400, 400, 400]);
    const throttled = burst.find((r) => r.status === 400)!;
    expect(throttled.xml).toContain('<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>');
    expect(fake.throttled()).toBe(3);
    expect(fake.counts()).toEqual({ GetHostedZone: 8 }); // throttled calls were made: they count
    expect(fake.log().filter((l) => l.endsWith('-> 400 Throttling'))).toHaveLength(3);
    // 5 per second: 0.4 s later two tokens are back, not three.
    now += 400;
    expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([200, 200, 400]);
    // The bucket never holds more than 5, however long the pause.
    now += 60_000;
    expect((await Promise.all(Array.from({ length: 6 }, get))).filter((r) => r.status === 200)).toHaveLength(5);
  });

  it('does not count STS against the Route 53 rate, and throttles nothing without rateLimit', async () => {
    fake = await startFakeRoute53({ rateLimit: 1 });
    const sts = () => fetch(`${fake.url}/`, { method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15' }).then((r) => r.status);
    expect(await Promise.all([sts(), sts(), sts()])).toEqual([200, 200, 200]);
    await fake.close();
    fake = await startFakeRoute53();
    const z = fake.createZone('2.0.192.in-addr.arpa');
    const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${fake.url}/2013-04-01/hostedzone/${z.id}`).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it('refuses a rate that is not positive, and changes the rate while running', async () => {
    await expect(startFakeRoute53({ rateLimit: 0 })).rejects.toThrow('rateLimit must be positive');
    fake = await startFakeRoute53({ clock: () => 0 });
    const z = fake.createZone('2.0.192.in-addr.arpa');
    const burst = async (n: number) => (await Promise.all(Array.from({ length: n }, () => fetch(`${fake.url}/2013-04-01/hostedzone/${z.id}`).then((r) => r.status)))).filter((s) => s === 400).length;
    expect(await burst(8)).toBe(0);
    fake.setRateLimit(2);
    expect(await burst(8)).toBe(6);
    fake.setRateLimit(undefined);
    expect(await burst(8)).toBe(0);
    expect(() => fake.setRateLimit(-1)).toThrow('rateLimit must be positive');
  });
});

const haveTerraform = terraformOrSkip();

const REVERSE = '2.0.192.in-addr.arpa';
const PER_RECORD = '100.51.198.in-addr.arpa';
const FORWARD = 'example.net';

function mainTf(url: string, ptr10: string): Record<string, unknown> {
  const ptr = (last: number, host: string) => ({ name: `${last}.${REVERSE}.`, type: 'PTR', ttl: 3600, resource_records: [{ value: host }] });
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.100' } } },
    provider: { aws: [route53ProviderConfig()] },
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

interface PlannedChange {
  address: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}
type RecordSetJson = { name: string; type: string; ttl: number; resource_records: { value: string }[] };
const setText = (s: RecordSetJson) => `${s.name} ${s.ttl} ${s.type} ${s.resource_records.map((r) => r.value).join(',')}`;

// This suite and the next run at once (each its own stand-in and folder): most of an apply's wall
// time is the provider waiting before it polls a change.
describe.skipIf(!haveTerraform)('fake Route 53 driven by the real Terraform and hashicorp/aws', { concurrent: true }, () => {
  let fake: FakeRoute53;
  let dir: string;
  let env: Record<string, string>;
  const timings: string[] = [];
  const tf = async (...args: string[]): Promise<TerraformResult> => {
    const r = await runTerraform(dir, args, env);
    timings.push(`terraform ${args.filter((a) => !a.startsWith('-input') && a !== '-no-color').join(' ')}: exit ${r.status}, ${(r.ms / 1000).toFixed(1)} s`);
    return r;
  };
  const write = (ptr10: string) => writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(mainTf(fake.url, ptr10), null, 2));
  const requestsSince = (n: number) => fake.requests.slice(n).map((r) => r.action);

  beforeAll(async () => {
    fake = await startFakeRoute53();
    dir = mkdtempSync(join(tmpdir(), 'rdns-fake-route53-'));
    env = { ...terraformEnv(dir), ...route53EndpointEnv(fake.url) };
    fake.createZone(FORWARD, { comment: 'forward zone, managed elsewhere' });
  });
  afterAll(async () => {
    console.log(`Terraform against the fake Route 53 (wall times):\n${timings.join('\n')}\nRequests:\n${fake?.log().join('\n')}`);
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies, then plans no changes, then plans and applies exactly one edited PTR', async () => {
    write('web.example.net.');
    const init = await tf('init', '-input=false', '-no-color');
    expect(init.status, init.stderr).toBe(0);
    const apply = await tf('apply', '-input=false', '-no-color', '-auto-approve');
    expect(apply.status, apply.stderr + apply.stdout).toBe(0);
    expect(fake.unknownRequests()).toEqual([]);
    expect(fake.recordSets(REVERSE).map((s) => `${s.name} ${s.ttl} ${s.type} ${s.values.join(',')}`).filter((t) => t.includes('PTR'))).toEqual([
      '10.2.0.192.in-addr.arpa. 3600 PTR web.example.net.',
      '11.2.0.192.in-addr.arpa. 3600 PTR mail.example.net.',
      '12.2.0.192.in-addr.arpa. 3600 PTR ns1.example.net.',
    ]);
    expect(fake.recordSet(PER_RECORD, '8.100.51.198.in-addr.arpa', 'PTR')).toMatchObject({ ttl: 300, values: ['db.example.net.'] });
    expect(fake.recordSet(FORWARD, 'www.example.net', 'A')?.values).toEqual(['192.0.2.10']);
    // One batch per resource instance; the forward record (allow_overwrite) takes over an existing set with UPSERT.
    const batches0 = fake.requests.filter((r) => r.batch && r.status === 200).map((r) => r.batch!.changes.map((c) => `${c.action} ${c.name}`).sort().join(', '));
    expect(batches0.sort()).toEqual([
      'CREATE 10.2.0.192.in-addr.arpa., CREATE 11.2.0.192.in-addr.arpa., CREATE 12.2.0.192.in-addr.arpa.',
      'CREATE 7.100.51.198.in-addr.arpa.',
      'CREATE 8.100.51.198.in-addr.arpa.',
      'UPSERT www.example.net.',
    ]);

    // Nothing to do right after an apply: no perpetual diff from trailing dots, case or TTL.
    const again = await tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');

    // One edited PTR: the plan touches that record set and nothing else.
    write('www.example.net.');
    const plan = await tf('plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=edit.tfplan');
    expect(plan.status, plan.stdout + plan.stderr).toBe(2);
    const show = await tf('show', '-no-color', '-json', 'edit.tfplan');
    const changes = (JSON.parse(show.stdout) as { resource_changes: PlannedChange[] }).resource_changes.filter((c) => !c.change.actions.every((a) => a === 'no-op' || a === 'read'));
    expect(changes.map((c) => `${c.change.actions.join('+')} ${c.address}`)).toEqual(['update aws_route53_records_exclusive.reverse']);
    const sets = (v: Record<string, unknown> | null) => new Set(((v?.resource_record_set ?? []) as RecordSetJson[]).map(setText));
    const before = sets(changes[0]!.change.before);
    const after = sets(changes[0]!.change.after);
    expect([...before].filter((s) => !after.has(s))).toEqual(['10.2.0.192.in-addr.arpa. 3600 PTR web.example.net.']);
    expect([...after].filter((s) => !before.has(s))).toEqual(['10.2.0.192.in-addr.arpa. 3600 PTR www.example.net.']);

    const n = fake.requests.length;
    const applyEdit = await tf('apply', '-input=false', '-no-color', 'edit.tfplan');
    expect(applyEdit.status, applyEdit.stderr + applyEdit.stdout).toBe(0);
    const batches = fake.requests.slice(n).filter((r) => r.batch);
    expect(batches.map((r) => r.batch!.changes.map((c) => `${c.action} ${c.name} ${c.values.join(',')}`))).toEqual([['UPSERT 10.2.0.192.in-addr.arpa. www.example.net.']]);
    expect(fake.recordSet(REVERSE, '10.2.0.192.in-addr.arpa', 'PTR')?.values).toEqual(['www.example.net.']);
    expect(requestsSince(n)).toContain('GetChange');
    expect(fake.unknownRequests()).toEqual([]);
  }, 900_000);
});

/**
 * Does hashicorp/aws 5.100.0 split a records_exclusive change that is larger than one
 * Route 53 change batch? It does not: it sends every change of the zone in one
 * ChangeResourceRecordSets request, Route 53 rejects it, and the apply fails with the
 * batch's messages dropped by the AWS SDK ("ChangeBatch errors occurred"); the zone is left
 * created and empty. The provider does not know the limits, so the default case lowers the
 * fake's limit to 2 records and applies 3 PTRs (a small, fast stack). RDNS_TF_BIG=1 adds
 * the real limit: 4 PTR sets of 251 names (1,004 ResourceRecord elements; apply took 425 s
 * on a 2-core machine at load 20) and 1,100 single-value PTRs (plan cost grows with the
 * square of the set elements: many minutes).
 */
describe.skipIf(!haveTerraform)('aws_route53_records_exclusive with a change larger than one Route 53 batch', { concurrent: true }, () => {
  const ZONE = '0.10.in-addr.arpa';
  const big = Boolean(process.env.RDNS_TF_BIG);
  const single = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `${i % 256}.${Math.floor(i / 256)}.${ZONE}.`, values: [`host-${i}.example.net.`] }));
  const cases = [
    { what: '3 PTRs with the fake limited to 2 records per batch', run: true, limit: 2, sets: single(3) },
    { what: '4 PTR sets of 251 names (1,004 records), RDNS_TF_BIG', run: big, limit: 1000, sets: Array.from({ length: 4 }, (_, i) => ({ name: `${i}.0.${ZONE}.`, values: Array.from({ length: 251 }, (_, j) => `h${j}.example.net.`) })) },
    { what: '1,100 single-value PTRs, RDNS_TF_BIG', run: big, limit: 1000, sets: single(1100) },
  ];

  it.for(cases)('is sent as one request and rejected, not split: $what', { timeout: 3_600_000 }, async ({ run, limit, sets }, { skip }) => {
    // Reported as skipped, not passed: without RDNS_TF_BIG these cases check nothing.
    if (!run) skip('set RDNS_TF_BIG=1 to run the records_exclusive cases at the real 1,000-record limit (many minutes of terraform)');
    const fake = await startFakeRoute53({ maxRecordsPerBatch: limit });
    const dir = mkdtempSync(join(tmpdir(), 'rdns-fake-route53-big-'));
    try {
      const env = { ...terraformEnv(dir), ...route53EndpointEnv(fake.url) };
      const config = {
        terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '~> 5.100' } } },
        provider: { aws: [route53ProviderConfig()] },
        resource: {
          aws_route53_zone: { big: { name: ZONE } },
          aws_route53_records_exclusive: {
            big: { zone_id: '${aws_route53_zone.big.zone_id}', resource_record_set: sets.map((s) => ({ name: s.name, type: 'PTR', ttl: 3600, resource_records: s.values.map((value) => ({ value })) })) },
          },
        },
      };
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config));
      const records = sets.reduce((n, s) => n + s.values.length, 0);
      expect((await runTerraform(dir, ['init', '-input=false', '-no-color'], env)).status).toBe(0);
      const apply = await runTerraform(dir, ['apply', '-input=false', '-no-color', '-auto-approve'], env);
      console.log(`records_exclusive, ${sets.length} sets / ${records} records: apply exit ${apply.status} after ${(apply.ms / 1000).toFixed(1)} s\n${apply.stderr.split('\n').find((l) => l.startsWith('Error:'))}`);
      expect(apply.status).toBe(1);
      expect(apply.stderr.replace(/\s+/g, ' ')).toMatch(/Error: creating AWS Route 53 Records Exclusive \("Z\d+"\): operation error Route 53: ChangeResourceRecordSets, https response error StatusCode: 400/);
      expect(apply.stderr).toContain('InvalidChangeBatch: ChangeBatch errors occurred');
      const batches = fake.requests.filter((r) => r.action === 'ChangeResourceRecordSets');
      expect(batches.map((r) => [r.status, r.batch?.changes.length, r.batch?.records])).toEqual([[400, sets.length, records]]);
      expect(fake.recordSets(ZONE).map((s) => s.type)).toEqual(['NS', 'SOA']); // the zone exists, with none of the records
      expect(fake.unknownRequests()).toEqual([]);
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
