// FCrDNS throughput: `rdns check` of a /16 block file with 65,536 records against a
// real BIND on loopback (every name has its A record), beside dnsperf's queries per
// second for the same 65,536 names at the same concurrency against the same server
// (the ceiling: a C load generator with no parsing, no model, no Promise per query).
// Target: ≥ 8,000 records/s for the whole process (YAML load included).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measure, RDNS, report } from './lib.mjs';
import { namedPath, startBind } from './bind.mjs';

const CONCURRENCY = 64;
if (!namedPath()) {
  console.log('SKIPPED: named (BIND 9) is not installed; apt-get install -y bind9 dnsperf');
  process.exit(process.env.CI ? 1 : 0);
}

const dir = mkdtempSync(join(tmpdir(), 'rdns-bench-fcrdns-'));
const records = [];
const forward = ['$ORIGIN bench.test.', '$TTL 300', '@ IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300', '@ IN NS ns1.bench.test.', 'ns1 IN A 127.0.0.1'];
const queries = [];
for (let c = 0; c < 256; c++) {
  for (let d = 0; d < 256; d++) {
    records.push(`  10.20.${c}.${d}: h-${c}-${d}.bench.test`);
    forward.push(`h-${c}-${d} IN A 10.20.${c}.${d}`);
    queries.push(`h-${c}-${d}.bench.test A`);
  }
}
mkdirSync(join(dir, 'zones'));
writeFileSync(join(dir, 'zones', '10.20.0.0_16.yaml'), `prefix: 10.20.0.0/16\nowners: ["@bench"]\nrecords:\n${records.join('\n')}\n`);
writeFileSync(join(dir, 'rdns.yaml'), 'zones:\n  max_records: 100000\n');
writeFileSync(join(dir, 'queries.txt'), `${queries.join('\n')}\n`);

const server = await startBind([{ name: 'bench.test', text: `${forward.join('\n')}\n` }]);
let ok = true;
try {
  // Warm BIND's caches and the page cache once, so the two measurements see the same server state.
  spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(server.port), '-d', join(dir, 'queries.txt'), '-n', '1', '-q', String(CONCURRENCY)], { encoding: 'utf8' });

  const run = measure([RDNS, '-C', dir, 'check', '--resolver', server.address, '--concurrency', String(CONCURRENCY), '--timeout', '2000', '--format', 'json']);
  const out = run.status === 0 || run.status === 1 ? JSON.parse(run.stdout) : undefined;
  if (!out || out.summary.passed !== 65_536) {
    console.log(`rdns check did not pass every record (exit ${run.status}):\n${run.stderr.slice(0, 2000)}${run.stdout.slice(0, 2000)}`);
    ok = false;
  }
  const perSecond = 65_536 / run.seconds;
  // Loading and validating the 65,536 records is part of every run; measured alone it shows what the DNS part costs.
  const load = measure([RDNS, '-C', dir, 'validate']);
  const dnsPerSecond = 65_536 / Math.max(0.001, run.seconds - load.seconds);

  const perf = spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(server.port), '-d', join(dir, 'queries.txt'), '-n', '1', '-q', String(CONCURRENCY)], { encoding: 'utf8' });
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(perf.stdout ?? '')?.[1] ?? NaN);

  console.log(`records: 65,536 in one /16 block file; concurrency ${CONCURRENCY}; named -n 2 on 127.0.0.1:${server.port}`);
  console.log(`rdns check: ${fmt(run.seconds)} s wall, peak RSS ${fmt(run.rssMb, 0)} MB, ${out?.summary.passed ?? 0} passed`);
  console.log(`of which loading: ${fmt(load.seconds)} s (rdns validate of the same file); the DNS part alone: ${fmt(dnsPerSecond, 0)} records/s`);
  console.log(`baseline dnsperf (same names, same server, -q ${CONCURRENCY}): ${fmt(qps, 0)} queries/s`);
  console.log(`ratio rdns/dnsperf: ${fmt(perSecond / qps)} (whole run), ${fmt(dnsPerSecond / qps)} (DNS part)`);
  ok = report('rdns check throughput', perSecond, 'records/s', 8000, true) && ok;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
