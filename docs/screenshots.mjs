#!/usr/bin/env node
// Regenerates the screenshots in docs/commands.md of rdns report and rdns serve (docs/img/*.png) from
// the bundled example, in headless Chromium: `npm run build && node docs/screenshots.mjs`.
/* global document */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const project = fileURLToPath(new URL('..', import.meta.url));
const rdns = join(project, 'dist', 'cli', 'main.js');
const img = (name) => join(project, 'docs', 'img', name);
const root = mkdtempSync(join(tmpdir(), 'rdns-shots-'));
cpSync(join(project, 'zones'), join(root, 'zones'), { recursive: true });
cpSync(join(project, 'rdns.yaml'), join(root, 'rdns.yaml'));
const git = (...a) => execFileSync('git', ['-c', 'user.name=NOC', '-c', 'user.email=noc@example.net', ...a], { cwd: root, stdio: 'ignore' });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'example blocks (#1)');
// The audit of the example in docs/commands.md: 192.0.2.25 fails FCrDNS, 192.0.2.99 is stale in DNS.
writeFileSync(join(root, 'audit.json'), JSON.stringify({
  generatedAt: '2026-12-01T05:17:00.000Z',
  fcrdnsFailures: [{ ip: '192.0.2.25', ptr: 'mx1.example.net.', source: 'record', status: 'mismatch', addresses: ['192.0.2.99'] }],
  drift: [{ kind: 'changed', ip: '192.0.2.25', git: 'mx1.example.net.', live: ['mail.example.net.'] }, { kind: 'stale', ip: '192.0.2.99', live: ['old-mx.example.net.'] }],
}));
execFileSync(process.execPath, [rdns, 'report', '--out', 'site', '--audit', 'audit.json'], { cwd: root });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const url = pathToFileURL(join(root, 'site', 'index.html')).href;
await page.goto(url);
await page.screenshot({ path: img('report-overview.png') });
await page.goto(`${url}#ip=192.0.2.25`);
await page.waitForSelector('.grid i.sel');
await page.screenshot({ path: img('report-block.png') });
const dark = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' });
await dark.goto(`${url}#ip=198.51.100.34`);
await dark.waitForSelector('.grid i.sel');
await dark.screenshot({ path: img('report-block-dark.png') });

const child = spawn(process.execPath, [rdns, 'serve', '--port', '0', '--no-fcrdns', '--as', 'acme-corp'], { cwd: root });
const served = await new Promise((resolve) => child.stdout.on('data', (b) => { const m = /open (\S+)/.exec(b.toString()); if (m) resolve(m[1]); }));
await page.goto(`${served}#portal`);
await page.fill('#one-ip', '198.51.100.36');
await page.fill('#one-host', 'vpn.acme.example');
await page.fill('#bulk-text', '198.51.100.40 web1.acme.example\n198.51.100.41,web2.acme.example\n198.51.100.42 not_a_host!\n192.0.2.50 x.example.com\n');
await page.click('#bulk button[type="submit"]');
await page.waitForSelector('#bulk-result [data-count="valid"]');
await page.evaluate(() => document.activeElement && document.activeElement.blur());
await page.screenshot({ path: img('portal.png'), fullPage: true });
child.kill('SIGTERM');
await browser.close();
console.log('wrote docs/img/report-overview.png, report-block.png, report-block-dark.png, portal.png');
