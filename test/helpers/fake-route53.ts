/**
 * The Route 53 stand-in for tests: the implementation is the dev tool src/dev/fake-route53.ts
 * (also run by `scripts/fake-route53.mjs` for trying a plan offline); this adds the
 * provider configuration the tests render by hand.
 */
export * from '../../src/dev/fake-route53.js';
import type { FakeRoute53 } from '../../src/dev/fake-route53.js';
import type { ApiCalls } from '../../src/terraform/api-calls.js';

/** A port on 127.0.0.1 where nothing listens (connections are refused): the provider's STS/IAM endpoints. */
export const DEAD_LOOPBACK_URL = 'http://127.0.0.1:9';

/**
 * The `provider "aws"` block (Terraform JSON syntax) for tests against the fake: dummy static
 * credentials and every account/credential/region check skipped. Production-like: no
 * `endpoints` block (a one-element set of 303 attributes that costs ~9.5 s CPU per plan);
 * the endpoints come from {@link route53EndpointEnv} in the Terraform process's environment,
 * as `rdns plan` does it.
 */
export function route53ProviderConfig(): Record<string, unknown> {
  return {
    region: 'us-east-1',
    access_key: 'AKIDFAKEROUTE53TEST',
    secret_key: 'fake-route53-secret',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
}

/**
 * The environment that points hashicorp/aws at the fake: Route 53 at `url`, STS and IAM at a
 * dead loopback port, so a stray call fails fast instead of reaching AWS.
 */
export function route53EndpointEnv(url: string): Record<string, string> {
  return { AWS_ENDPOINT_URL_ROUTE_53: url, AWS_ENDPOINT_URL_STS: DEAD_LOOPBACK_URL, AWS_ENDPOINT_URL_IAM: DEAD_LOOPBACK_URL };
}

/**
 * The stand-in's requests from number `since` on, in the form `rdns plan` / `rdns apply`
 * report API calls (src/terraform/api-calls.ts): a test compares what rdns counted from the
 * provider's log with what the stand-in answered.
 */
export function answeredCalls(fake: FakeRoute53, since = 0): ApiCalls {
  const counts = fake.counts(since);
  const byAction = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const route53 = Object.entries(counts).reduce((n, [k, v]) => n + (k.includes(':') ? 0 : v), 0);
  // The stand-in throttles only Route 53 requests, and the provider retries each.
  return { byAction, total, route53, retries: fake.throttled(since), route53Retries: fake.throttled(since) };
}
