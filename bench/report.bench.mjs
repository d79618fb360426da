// Benchmark of the address map (issue 13): `rdns report` on a /16 (65,536 addresses: a
// default template, 16,384 own records, allocations, a delegation, audit findings), then
// the page's load time in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core), from navigation start to the overview being ready, and the time to
// draw the block's 256 grids (65,536 cells) until the next frame.
// Targets: the page ready ≤ 1.5 s; the block view's first screen ≤ 0.5 s, all 65,536 cells ≤ 2 s. Baselines: `rdns validate`
// of the same repository, and in the browser a bare page holding the same data that only
// JSON.parses all of it (the least any page with these names must do).
/* global document, location, requestAnimationFrame -- page.evaluate callbacks run in the browser */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { RDNS, fmt, measure, report } from './lib.mjs';

const CHROMIUM = process.env.RDNS_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`${CHROMIUM} is missing: apt-get install -y chromium (or run .ci/run)`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'rdns-bench-report-'));
let ok = true;
try {
  const root = join(work, 'repo');
  mkdirSync(join(root, 'zones'), { recursive: true });
  let text = 'prefix: 10.20.0.0/16\ndescription: hosting /16\nowners: ["@example-isp/noc"]\ndefault: "{dashed}.static.example.net"\nallocations:\n';
  for (let a = 0; a < 63; a++) text += `  - prefix: 10.20.${a * 4}.0/22\n    account: customer-${a}\n    owners: ["@customer-${a}"]\n`;
  text += '  - prefix: 10.20.255.128/25\n    account: delegated\n    owners: ["@initech"]\n    delegate_to: [ns1.initech.example]\nrecords:\n';
  for (let i = 0; i < 65536; i += 4) if ((i >> 8) !== 255) text += `  10.20.${i >> 8}.${i & 255}: host-${i}.example.net\n`;
  writeFileSync(join(root, 'zones', '10.20.0.0_16.yaml'), text);
  writeFileSync(join(root, 'rdns.yaml'), 'zones:\n  max_records: 10000\n');
  const fcrdnsFailures = [];
  for (let i = 0; i < 2000; i += 8) fcrdnsFailures.push({ ip: `10.20.${i >> 8}.${i & 255}`, ptr: `host-${i}.example.net.`, source: 'record', status: 'nxdomain', addresses: [], file: 'zones/10.20.0.0_16.yaml' });
  writeFileSync(join(root, 'audit.json'), JSON.stringify({ generatedAt: new Date().toISOString(), fcrdnsFailures, drift: [{ kind: 'changed', ip: '10.20.1.1', file: 'zones/10.20.0.0_16.yaml', git: 'a.', live: ['b.'] }] }));
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'a /16');

  const base = measure([RDNS, 'validate'], { cwd: root });
  if (base.status !== 0) throw new Error(`validate failed: ${base.stdout}${base.stderr}`);
  const run = measure([RDNS, 'report', '--out', 'site', '--audit', 'audit.json'], { cwd: root });
  if (run.status !== 0) throw new Error(`report failed (${run.status}): ${run.stdout}${run.stderr}`);
  const file = join(root, 'site', 'index.html');
  console.log(`baseline rdns validate (65,536 addresses): ${fmt(base.seconds)} s, ${fmt(base.rssMb, 0)} MB`);
  console.log(`rdns report: ${fmt(run.seconds)} s, ${fmt(run.rssMb, 0)} MB (ratio to validate ${fmt(run.seconds / base.seconds)}×), page ${fmt(statSync(file).size / 1e6, 1)} MB`);

  // The bare page: the report's data elements, one script that parses them all, nothing drawn.
  const html = readFileSync(file, 'utf8');
  const dataElements = html.match(/<script type="application\/json"[^>]*>[\s\S]*?<\/script>/g).join('\n');
  const bare = join(root, 'site', 'bare.html');
  writeFileSync(bare, `<!doctype html><html><body>${dataElements}<script>for (const e of document.querySelectorAll('script[type="application/json"]')) JSON.parse(e.textContent); document.documentElement.dataset.ready = '1'; performance.mark('rdns-ready');</script></body></html>`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  try {
    const loads = [];
    const views = [];
    const firsts = [];
    const bares = [];
    for (let n = 0; n < 3; n++) {
      const b = await browser.newPage();
      await b.goto(pathToFileURL(bare).href);
      await b.waitForSelector('html[data-ready="1"]');
      bares.push(await b.evaluate(() => performance.getEntriesByName('rdns-ready')[0].startTime / 1000));
      await b.close();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-ready="1"]');
      // Navigation start → the script has parsed the data and drawn the overview.
      loads.push(await page.evaluate(() => performance.getEntriesByName('rdns-ready')[0].startTime / 1000));
      // The block view: its first screen of grids drawn, then all 256 grids of the /16 (65,536 cells) drawn and laid out.
      const [first, all] = await page.evaluate(
        () =>
          new Promise((done) => {
            const t0 = performance.now();
            let firstAt = 0;
            location.hash = '#b=0';
            const wait = () => {
              if (!firstAt && document.querySelector('.grid i')) {
                void document.body.offsetHeight;
                firstAt = performance.now();
              }
              if (document.documentElement.dataset.drawn !== '0') return requestAnimationFrame(wait);
              void document.body.offsetHeight;
              requestAnimationFrame(() => done([(firstAt - t0) / 1000, (performance.now() - t0) / 1000]));
            };
            wait();
          }),
      );
      firsts.push(first);
      views.push(all);
      const cells = await page.$$eval('.grid i', (c) => c.length);
      if (cells !== 65536) throw new Error(`expected 65,536 cells, found ${cells}`);
      await page.close();
    }
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores (figures grow with it)`);
    console.log(`baseline bare page parsing the same data (median of 3): ${fmt(median(bares))} s`);
    console.log(`page load, 65,536 addresses (median of 3): ${fmt(median(loads))} s (ratio to the bare page ${fmt(median(loads) / median(bares))}×); runs ${loads.map((x) => fmt(x)).join(', ')}`);
    console.log(`block view, first screen of grids drawn (median of 3): ${fmt(median(firsts))} s; runs ${firsts.map((x) => fmt(x)).join(', ')}`);
    console.log(`block view, all 65,536 cells drawn (median of 3): ${fmt(median(views))} s; runs ${views.map((x) => fmt(x)).join(', ')}`);
    ok = report('report page ready in the browser (65,536 addresses)', median(loads), 's', 1.5) && ok;
    ok = report('block view of 65,536 addresses, first screen', median(firsts), 's', 0.5) && ok;
    ok = report('block view, all 65,536 cells drawn', median(views), 's', 2) && ok;
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
