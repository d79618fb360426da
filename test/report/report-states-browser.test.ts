// The address map, round two (issue 20, item 8), in headless Chromium: "not applied" is a
// state and colour apart from drift, grid cells carry labels, search steps through every
// match, counts are pluralised and IPv6 counts read as /64s.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { BLOCKS } from './fixtures.js';

// 70 hosts named alike: more matches than the result list shows.
const MANY = Array.from({ length: 70 }, (_, i) => `  203.0.113.${i + 1}: web${i + 1}.hosting.example`).join('\n');
const FILES = { ...BLOCKS, 'zones/203.0.113.0_24.yaml': `prefix: 203.0.113.0/24\ndescription: Hosting\nowners: ["@example-isp/noc"]\nrecords:\n${MANY}\n` };

const AUDIT = JSON.stringify({
  generatedAt: '2026-12-02T05:17:00.000Z',
  resolvers: [],
  unreachable: false,
  summary: {},
  fcrdnsFailures: [],
  staleRecords: [],
  drift: [
    { kind: 'not-applied', ip: '198.51.100.22', file: 'zones/198.51.100.0_24.yaml', line: 14, git: 'mail.example.com', gitSource: 'record', live: [] },
    { kind: 'changed', ip: '192.0.2.25', file: 'zones/192.0.2.0_24.yaml', line: 6, git: 'mx1.example.net', gitSource: 'record', live: ['mail.example.net'] },
  ],
  coverage: [],
  delegation: [],
  diagnostics: [],
});

describe.skipIf(!browserAvailable())('the address map: states, labels, search, counts (Chromium)', { timeout: 90_000 }, () => {
  let browser: Browser;
  let close: () => Promise<void>;
  let page: Page;
  let pageUrl = '';
  let stdout = '';

  beforeAll(async () => {
    const repo = createGitRepo(FILES);
    writeFileSync(join(repo.root, 'audit.json'), AUDIT);
    const r = runCli(['report', '--out', 'site', '--audit', 'audit.json'], { cwd: repo.root });
    expect(r.status).toBe(0);
    stdout = r.stdout;
    ({ browser, close } = await launchBrowser());
    page = await browser.newPage();
    pageUrl = pathToFileURL(join(repo.root, 'site', 'index.html')).href;
    await page.goto(pageUrl);
    await page.waitForSelector('html[data-ready="1"]');
  }, 120_000);
  afterAll(async () => close?.());

  const cell = async (ip: string): Promise<{ cls: string; label: string | null; title: string | null }> => {
    await page.goto(`${pageUrl}#ip=${ip}`);
    await page.waitForSelector('.grid i.sel');
    return page.$eval('.grid i.sel', (e) => ({ cls: e.className.replace(/\s*sel\s*/, '').trim(), label: e.getAttribute('aria-label'), title: e.getAttribute('title') }));
  };

  it('rdns report counts not applied apart from drift, pluralised, IPv6 in /64s', () => {
    expect(stdout).toContain('  IPv4: 3 blocks, 768 addresses: 72 own records, 190 default, 64 delegated, 440 without PTR, 0 FCrDNS failures, 1 drift, 1 not applied\n');
    expect(stdout).toContain('  IPv6: 1 block, 65,536 /64s: 2 own records, 0 default, 0 delegated, 65,536 /64s less 2 addresses without PTR');
  });

  it('a name git has but DNS does not serve yet is "not applied", in its own colour; drift stays drift', async () => {
    const pending = await cell('198.51.100.22');
    expect(pending.cls).toBe('s-P');
    expect(await page.textContent('aside')).toContain('not applied (git has it, DNS not yet)');
    const drift = await cell('192.0.2.25');
    expect(drift.cls).toBe('s-X');
    const colour = (cls: string): Promise<string> => page.evaluate((c) => getComputedStyle(document.querySelector(`.legend i.${c}`)!).backgroundColor, cls);
    expect(await colour('s-P')).not.toBe(await colour('s-X'));
  });

  it('every grid cell names its address, state and PTR for screen readers and on hover', async () => {
    const c = await cell('198.51.100.34');
    expect(c.label).toBe('198.51.100.34: own record, smtp.acme.example');
    expect(c.title).toBe(c.label);
    const none = await cell('192.0.2.3');
    expect(none.label).toBe('192.0.2.3: no PTR');
    const labelled = await page.$$eval('.grid i', (cells) => cells.filter((e) => !e.getAttribute('aria-label')).length);
    expect(labelled).toBe(0);
  });

  it('search counts every match and Enter steps through all of them, past the shown list', async () => {
    await page.goto(`${pageUrl}#`);
    await page.fill('#q', 'hosting.example');
    await expect.poll(() => page.textContent('#qstatus'), { timeout: 10_000 }).toBe('70 matches');
    expect(await page.$$eval('#results li', (l) => l[l.length - 1]!.textContent)).toBe('70 matches: ↑↓ and Enter step through all of them');
    await page.focus('#q');
    const visited: string[] = [];
    for (let i = 0; i < 70; i++) {
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => location.hash === `#ip=203.0.113.${n}`, i + 1, { timeout: 5000 }).catch(async (e) => {
        throw new Error(`step ${i + 1}: at ${await page.evaluate(() => location.hash)}, focus ${await page.evaluate(() => document.activeElement?.tagName + "#" + document.activeElement?.id)}, ${await page.textContent("#qstatus")}: ${String(e)}`);
      });
      visited.push(await page.evaluate(() => location.hash));
    }
    expect(new Set(visited).size).toBe(70);
    expect(await page.textContent('#qstatus')).toBe('match 70 of 70: 203.0.113.70');
    // Past the last, back to the first; Shift+Enter goes back.
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#ip=203.0.113.1');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => location.hash === '#ip=203.0.113.70');
  });

  it('the overview pluralises and reads IPv6 space in /64s', async () => {
    await page.goto(`${pageUrl}#`);
    const text = await page.textContent('main');
    expect(text).toContain('IPv6: 65,536 /64s in 1 block');
    expect(text).toContain('IPv4: 768 addresses in 3 blocks');
    expect(text).not.toMatch(/\(s\)/);
  });
});
