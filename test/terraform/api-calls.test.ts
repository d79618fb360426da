import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { apiCallLog, apiCallsText, callsPerRecord, countApiCalls, secondsAtQuota, sumApiCalls, NO_API_CALLS } from '../../src/terraform/api-calls.js';

// An excerpt of a real provider DEBUG log (Terraform 1.11.4, hashicorp/aws 5.100.0 applying
// against the Route53 stand-in throttling at 5 requests/s): one entry of each kind of request,
// the throttled ChangeResourceRecordSets and GetHostedZone retried (attempt=2), the STS
// credential check, and fields that follow a multi-line body.
const LOG = readFileSync(new URL('fixtures/provider-debug.log', import.meta.url), 'utf8');

describe('countApiCalls: requests in the provider DEBUG log', () => {
  it('counts each "HTTP Request Sent" entry by action, Route 53 apart from STS, retries included and counted', () => {
    expect(countApiCalls(LOG)).toEqual({
      byAction: {
        ChangeResourceRecordSets: 2,
        CreateHostedZone: 1,
        GetChange: 1,
        GetHostedZone: 2,
        ListResourceRecordSets: 2,
        ListTagsForResource: 1,
        'sts:GetCallerIdentity': 1,
      },
      total: 10,
      route53: 9,
      retries: 3,
      route53Retries: 3,
    });
  });

  it('reads fields that come after a multi-line body, and never counts body text', () => {
    const log = [
      '2026-12-02T17:14:07.616Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP Request Sent: rpc.service="Route 53" http.method=POST',
      '  http.request.body=',
      '  | <Comment>HTTP Request Sent: rpc.method=DeleteHostedZone rpc.service=STS</Comment>',
      '   rpc.method=ChangeResourceRecordSets http.request.header.amz_sdk_request="attempt=3; max=25"',
      '2026-12-02T17:14:07.620Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP Response Received: http.status_code=200',
    ].join('\n');
    expect(countApiCalls(log)).toEqual({ byAction: { ChangeResourceRecordSets: 1 }, total: 1, route53: 1, retries: 1, route53Retries: 1 });
    expect(countApiCalls('')).toEqual(NO_API_CALLS);
  });

  it('sums, prints and projects counts at Route 53\'s 5 requests/s', () => {
    const a = countApiCalls(LOG);
    const sum = sumApiCalls([a, a])!;
    expect([sum.total, sum.route53, sum.retries, sum.route53Retries, sum.byAction.GetHostedZone]).toEqual([20, 18, 6, 6, 4]);
    expect(sumApiCalls([a, undefined])).toBeUndefined();
    expect(secondsAtQuota(sum)).toBe(3.6);
    expect(apiCallsText(a)).toBe(
      '9 Route 53 (ChangeResourceRecordSets 2, CreateHostedZone 1, GetChange 1, GetHostedZone 2, ListResourceRecordSets 2, ListTagsForResource 1); 1 sts:GetCallerIdentity; 3 of them retries (throttled or failed attempts)',
    );
  });
});

describe('callsPerRecord: Route 53 calls per changed record of an apply', () => {
  it('gives the calls per record with the retries and without them, only of Route 53', () => {
    // A throttled STS retry is not a Route 53 call; a Route 53 retry is one and counts against its quota.
    const log = [
      '2026-12-02T17:14:07.600Z [DEBUG] provider: HTTP Request Sent: rpc.service=STS rpc.method=GetCallerIdentity http.request.header.amz_sdk_request="attempt=2; max=25"',
      ...['GetHostedZone', 'ChangeResourceRecordSets', 'ChangeResourceRecordSets', 'GetChange', 'GetHostedZone', 'ListResourceRecordSets'].map(
        (m, i) => `2026-12-02T17:14:07.61${i}Z [DEBUG] provider: HTTP Request Sent: rpc.service="Route 53" rpc.method=${m} http.request.header.amz_sdk_request="attempt=${i === 2 ? 2 : 1}; max=25"`,
      ),
    ].join('\n');
    const calls = countApiCalls(log);
    expect([calls.route53, calls.retries, calls.route53Retries]).toEqual([6, 2, 1]);
    expect(callsPerRecord(calls, 2)).toEqual({ withRetries: 3, withoutRetries: 2.5 });
    expect(callsPerRecord(calls, 0)).toBeUndefined();
  });
});

describe('apiCallLog', () => {
  it('gives Terraform a private log path and deletes the log once read', () => {
    const log = apiCallLog({ PATH: '/usr/bin' })!;
    expect(log.env.TF_LOG_PROVIDER).toBe('DEBUG');
    writeFileSync(log.env.TF_LOG_PATH!, LOG);
    expect(log.collect()?.total).toBe(10);
    expect(existsSync(log.env.TF_LOG_PATH!)).toBe(false);
  });

  it('counts no call when Terraform wrote no log (no provider started)', () => {
    expect(apiCallLog({})!.collect()).toEqual(NO_API_CALLS);
  });

  it.each(['TF_LOG', 'TF_LOG_PATH', 'TF_LOG_PROVIDER', 'TF_LOG_CORE'])('leaves the operator\'s own %s alone (calls not counted)', (name) => {
    expect(apiCallLog({ [name]: 'TRACE' })).toBeUndefined();
  });
});
