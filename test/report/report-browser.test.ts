// rdns report in a real browser (headless Chromium): the grid shows the right state for
// known addresses, details carry PTR, source, owners, note and last change, search finds
// addresses, and the page loads nothing from the network.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { AUDIT, BLOCKS } from './fixtures.js';

const enabled = browserAvailable();

describe.skipIf(!enabled)('rdns report in Chromium', { timeout: 90_000 }, () => {
  let repo: GitRepo;
  let browser: Browser;
  let close: () => Promise<void>;
  let page: Page;
  const requests: string[] = [];
  let pageUrl = '';

  beforeAll(async () => {
    repo = createGitRepo(BLOCKS);
    // A later commit changes the mapping-form record's ptr line only: its last change must be this commit.
    repo.commit('rename the acme relay (#77)', { 'zones/198.51.100.0_24.yaml': BLOCKS['zones/198.51.100.0_24.yaml']!.replace('ptr: smtp.acme.example', 'ptr: relay.acme.example') });
    writeFileSync(join(repo.root, 'audit.json'), AUDIT);
    const r = runCli(['report', '--out', 'site', '--audit', 'audit.json'], { cwd: repo.root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'wrote site/index.html\n' +
        '  IPv4: 2 blocks, 512 addresses: 3 own records, 190 default, 64 delegated, 253 without PTR, 1 FCrDNS failure, 1 drift, 0 not applied\n' +
        '  IPv6: 1 block, 65,536 /64s: 2 own records, 0 default, 0 delegated, 65,536 /64s less 2 addresses without PTR, 0 FCrDNS failures, 0 drift, 0 not applied\n',
    );
    ({ browser, close } = await launchBrowser());
    page = await browser.newPage();
    page.on('request', (q) => requests.push(q.url()));
    pageUrl = pathToFileURL(join(repo.root, 'site', 'index.html')).href;
    await page.goto(pageUrl);
    await page.waitForSelector('html[data-ready="1"]');
  }, 120_000);
  afterAll(async () => close?.());

  const cellState = async (ip: string): Promise<string> => {
    await page.goto(`${pageUrl}#ip=${ip}`);
    await page.waitForSelector('.grid i.sel');
    return page.$eval('.grid i.sel', (e) => e.className.replace(/\s*sel\s*/, '').trim());
  };

  it('the overview lists every block with a coverage bar', async () => {
    await page.goto(`${pageUrl}#`);
    const rows = await page.$$eval('main tbody tr', (trs) => trs.map((tr) => tr.querySelector('td a')?.textContent));
    expect(rows).toEqual(['192.0.2.0/24', '198.51.100.0/24', '2001:db8:100::/48']);
    // 198.51.100.0/24: 190 of 256 default, 64 delegated.
    const widths = await page.$$eval('main tbody tr:nth-child(2) .bar span', (s) => s.map((x) => `${x.className}:${(x as HTMLElement).style.width}`));
    expect(widths).toContain('s-D:74.219%');
    expect(widths).toContain('s-G:25%');
  });

  it('colours known addresses by state: own record, default, none, delegated, FCrDNS failure, drift', async () => {
    expect(await cellState('198.51.100.22')).toBe('s-R');
    expect(await cellState('198.51.100.23')).toBe('s-D');
    expect(await cellState('192.0.2.3')).toBe('s-N');
    expect(await cellState('198.51.100.130')).toBe('s-G');
    expect(await cellState('192.0.2.25')).toBe('s-F');
    expect(await cellState('192.0.2.99')).toBe('s-X');
    // Unverifiable drift is no finding to colour.
    expect(await cellState('192.0.2.1')).toBe('s-R');
    const legend = await page.$$eval('.legend li', (l) => l.map((x) => x.textContent));
    expect(legend).toEqual(['own record', 'default (generic name)', 'delegated', 'FCrDNS failure', 'drift (DNS differs from git)', 'not applied (git has it, DNS not yet)', 'no PTR']);
  });

  it('shows PTR, source, owners, note and the last change of an address', async () => {
    await cellState('198.51.100.34');
    const aside = await page.textContent('aside');
    expect(aside).toContain('relay.acme.example.');
    expect(aside).toContain('own record, zones/198.51.100.0_24.yaml:15');
    expect(aside).toContain('@acme-corp @example-isp/noc');
    expect(aside).toContain('NOC-1234');
    expect(await page.textContent('[data-field="change"]')).toContain('rename the acme relay (#77)');
    // A generic name: its source is the default template, its last change the commit that added the template.
    await cellState('198.51.100.23');
    expect(await page.textContent('[data-field="ptr"]')).toBe('198-51-100-23.static.example.net.');
    expect(await page.textContent('[data-field="source"]')).toContain('{dashed}.static.example.net');
    expect(await page.textContent('[data-field="change"]')).toContain('initial');
  });

  it('moves through the grid with the arrow keys', async () => {
    await cellState('198.51.100.22');
    await page.keyboard.press('ArrowRight');
    expect(await page.textContent('aside h2')).toBe('198.51.100.23');
    await page.keyboard.press('ArrowDown');
    expect(await page.textContent('aside h2')).toBe('198.51.100.39');
  });

  it('Ctrl+K focuses the search; a hostname finds its addresses; Enter opens the first', async () => {
    await page.goto(`${pageUrl}#`);
    await page.keyboard.press('Control+k');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type('acme.example');
    // The list follows the typing (debounced): wait for the results of the whole query.
    const found = (): Promise<(string | null)[]> => page.$$eval('#results li[data-i] .mono', (l) => l.map((x) => x.textContent));
    await expect.poll(found, { timeout: 10_000 }).toEqual(['198.51.100.34', '2001:db8:100:20::25']);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#ip=198.51.100.34');
    expect(await page.textContent('aside h2')).toBe('198.51.100.34');
  });

  it('search by address and by prefix; an IPv6 address opens the /64 view', async () => {
    await page.fill('#q', '2001:db8:100:20::25');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.addr.sel');
    expect(await page.textContent('aside h2')).toBe('2001:db8:100:20::25');
    expect(await page.textContent('aside')).toContain('@acme-corp');
    await page.fill('#q', '198.51.100.128/26');
    await expect.poll(() => page.$$eval('#results:not([hidden]) li[data-i]', (l) => l.map((x) => x.textContent)), { timeout: 10_000 }).toEqual(['block198.51.100.0/24Colo hall B', 'allocation198.51.100.128/26initech', '/24198.51.100.0/24198.51.100.0/24']);
  });

  it('loads nothing from the network', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  });

  it('is readable in dark mode', async () => {
    const dark = await browser.newPage({ colorScheme: 'dark' });
    await dark.goto(pageUrl);
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(13, 17, 23)');
    await dark.close();
  });
});
