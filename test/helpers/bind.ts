/**
 * A real BIND 9 on loopback for tests (implementation in named.mjs, shared with the
 * benchmarks). Tests that need it call {@link bindOrSkip}: outside CI a missing
 * `named` skips with a loud notice; under CI it fails (require-tool.ts).
 */
import { namedPath } from './named.mjs';
import { toolOrSkip } from './require-tool.js';

export { freePort, namedPath, startBind, zoneText, type BindServer, type ZoneFile } from './named.mjs';

/** True when BIND can run here; otherwise a loud skip notice (or a failure under CI=true). */
export function bindOrSkip(): boolean {
  return toolOrSkip(namedPath() ? undefined : 'BIND 9 (named) is not installed: DNS server tests are SKIPPED. Install it with: apt-get install -y bind9 bind9-utils bind9-dnsutils dnsperf');
}
