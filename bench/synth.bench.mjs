// `rdns synth` of 65,536 PTRs: one /16 block file with a `default` template and 4,096
// explicit records → 256 /24 reverse zones. Targets for the whole process: ≤ 5 s wall,
// ≤ 500 MB peak RSS. Same-run baseline: the straightforward cdktf rendering with one
// aws_route53_record construct per PTR (src/render/naive-synth.ts). Also prints the
// resources of all stacks and the Route53 reads of a full refresh and of a pull-request plan.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RDNS, fmt, measure, report } from './lib.mjs';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rdns-bench-synth-'));
try {
  // 198.18.0.0/15 is the benchmarking range (RFC 2544); every 16th address has its own record.
  const records = [];
  for (let c = 0; c < 256; c++) for (let d = 0; d < 256; d += 16) records.push(`  198.18.${c}.${d}: host-${c}-${d}.bench.example.net`);
  mkdirSync(join(root, 'zones'));
  writeFileSync(
    join(root, 'zones', '198.18.0.0_16.yaml'),
    `prefix: 198.18.0.0/16\nowners: ["@example-isp/noc"]\ndefault: "{dashed}.static.example.net"\nrecords:\n${records.join('\n')}\n`,
  );

  const ours = measure([RDNS, '-C', root, 'synth', '--format', 'json', '--out', join(root, 'out')]);
  if (ours.status !== 0) throw new Error(`rdns synth failed:\n${ours.stdout}${ours.stderr}`);
  // One stack per reverse zone: sum what the stacks hold.
  const total = (stacks) => stacks.reduce((t, s) => ({ records: t.records + s.records, resources: t.resources + s.resources, refreshReads: t.refreshReads + s.refreshReads }), { records: 0, resources: 0, refreshReads: 0 });
  const stacks = JSON.parse(ours.stdout).stacks;
  const all = total(stacks);
  console.log(`rdns synth: ${all.records} records in ${stacks.length} zones, ${stacks.length} stacks (one per zone)`);
  const okTime = report('rdns synth wall time', ours.seconds, 's', 5);
  const okRss = report('rdns synth peak RSS', ours.rssMb, 'MB', 500);

  // Baseline: one construct per PTR, same loading and model code, measured the same way.
  const baselineCode = `
    import { loadRepository } from ${JSON.stringify(join(DIST, 'loader/repository.js'))};
    import { zoneContents } from ${JSON.stringify(join(DIST, 'render/zone-records.js'))};
    import { synthesizePerRecordConstructs } from ${JSON.stringify(join(DIST, 'render/naive-synth.js'))};
    const repo = loadRepository(${JSON.stringify(root)});
    const n = synthesizePerRecordConstructs(zoneContents(repo), repo.config, ${JSON.stringify(join(root, 'out-baseline'))});
    console.log(n);`;
  const base = measure(['--input-type=module', '-e', baselineCode]);
  if (base.status !== 0) throw new Error(`baseline failed:\n${base.stderr}`);
  console.log(`baseline (one aws_route53_record construct per PTR, ${base.stdout.trim()} constructs): ${fmt(base.seconds)} s, ${fmt(base.rssMb, 0)} MB`);
  console.log(`ratio baseline / rdns synth: ${fmt(base.seconds / ours.seconds, 1)}x time, ${fmt(base.rssMb / ours.rssMb, 1)}x memory`);

  // Route53 allows 5 requests per second per account.
  const at5 = (calls) => (calls / 5 >= 3600 ? `${fmt(calls / 5 / 3600, 1)} h` : `${fmt(calls / 5, 0)} s`);
  // A pull-request plan (-refresh=false) reads each zone once, in its live check: one ListResourceRecordSets page per 300 record sets.
  const listPages = stacks.reduce((n, s) => n + Math.max(1, Math.ceil(s.records / 300)), 0);
  console.log('\nresources of all stacks and the Route53 reads of a plan of every stack (one aws_route53_record block per record set, every zone mode):');
  console.log(`  ${all.resources} resources (hosted zone, one per record set, the live check's); full refresh (rdns plan --refresh): ${all.refreshReads} reads (one per record set, GetHostedZone, the list pages) ≈ ${at5(all.refreshReads)} at 5 req/s`);
  console.log(`  pull-request plan (-refresh=false and the live check): ${listPages} ListResourceRecordSets pages ≈ ${at5(listPages)} at 5 req/s`);
  process.exitCode = okTime && okRss ? 0 : 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
