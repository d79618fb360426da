/**
 * A real BIND 9 on loopback for tests (implementation in named.mjs, shared with the
 * benchmarks). Tests that need it call {@link bindOrSkip}: outside CI a missing
 * `named` skips with a loud notice; under CI=true it fails.
 */
import { namedPath } from './named.mjs';

export { freePort, namedPath, startBind, zoneText, type BindServer, type ZoneFile } from './named.mjs';

/** True when BIND can run here; otherwise a loud skip notice (or a failure under CI=true). */
export function bindOrSkip(): boolean {
  if (namedPath()) return true;
  const msg = 'BIND 9 (named) is not installed: DNS server tests are SKIPPED. Install it with: apt-get install -y bind9 bind9-utils bind9-dnsutils dnsperf';
  if (process.env.CI) throw new Error(`${msg} (CI=true: a missing server is a failure, not a skip)`);
  console.warn(`\n${'!'.repeat(78)}\n${msg}\n${'!'.repeat(78)}\n`);
  return false;
}
