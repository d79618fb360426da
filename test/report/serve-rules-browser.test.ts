// The portal keeps the CLI's rules (issue 20, item 1), in a real Chromium against `rdns serve`
// with a real BIND on loopback as the resolver: a forward mismatch or an NXDOMAIN name is
// counted invalid and never written, the set form never shows a ✓ beside a refusal, an
// unverified name is saved only when the server was started with --allow-unverified (and
// is shown as such), an earlier preview disappears when the input changes, and addresses
// and names never wrap in the middle.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bindOrSkip, freePort, startBind, zoneText, type BindServer } from '../helpers/bind.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { portalApi, serve } from '../helpers/serve.js';
import { BLOCKS } from './fixtures.js';

const FILE = 'zones/198.51.100.0_24.yaml';
const enabled = browserAvailable() && bindOrSkip();

const count = (page: Page, form: 'one' | 'bulk', k: string): Promise<string | null> => page.textContent(`#${form}-result [data-count="${k}"] b`);
const rows = (page: Page, form: 'one' | 'bulk'): Promise<string[]> => page.$$eval(`#${form}-result tbody tr`, (trs) => trs.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent).join(' ')));

describe.skipIf(!enabled)('rdns serve applies the CLI rules (Chromium, BIND on loopback)', { timeout: 120_000 }, () => {
  let bind: BindServer;
  let repo: GitRepo;
  let browser: Browser;
  let close: () => Promise<void>;
  const servers: ChildProcess[] = [];
  let checked: string;

  beforeAll(async () => {
    bind = await startBind([
      {
        name: 'acme.example',
        // web2 points elsewhere (a mismatch for .41); nx.acme.example does not exist.
        text: zoneText('acme.example', 'web1 A 198.51.100.40\nweb2 A 198.51.100.99\nweb4 A 198.51.100.43\nmail-gateway-with-a-long-name AAAA 2001:db8:100:20::40\n'),
      },
    ]);
    repo = createGitRepo(BLOCKS);
    const s = await serve(repo.root, ['--as', 'acme-corp', '--resolver', bind.address]);
    servers.push(s.child);
    checked = s.url;
    ({ browser, close } = await launchBrowser());
  }, 120_000);
  afterAll(async () => {
    await close?.();
    for (const c of servers) c.kill('SIGTERM');
    await bind?.stop();
  });

  const open = async (url: string, width = 1280): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${url}#portal`);
    await page.waitForSelector('#bulk-text');
    return page;
  };

  it('bulk paste: a mismatch and an NXDOMAIN name are invalid, and Write saves only the confirmed lines', async () => {
    const page = await open(checked);
    await page.fill(
      '#bulk-text',
      [
        '198.51.100.40 web1.acme.example', // resolves back
        '198.51.100.41 web2.acme.example', // resolves to 198.51.100.99
        '198.51.100.42 nx.acme.example', // NXDOMAIN
        '198.51.100.43 web4.acme.example', // resolves back
        '192.0.2.50 x.example.com', // not acme's
      ].join('\n'),
    );
    await page.click('#bulk button[type="submit"]');
    await page.waitForSelector('#bulk-result [data-count="valid"]');
    expect(await count(page, 'bulk', 'valid')).toBe('2');
    expect(await count(page, 'bulk', 'invalid')).toBe('2');
    expect(await count(page, 'bulk', 'not-yours')).toBe('1');
    expect(await rows(page, 'bulk')).toEqual([
      'added 198.51.100.40 198-51-100-40.static.example.net (default) web1.acme.example zones/198.51.100.0_24.yaml',
      'added 198.51.100.43 198-51-100-43.static.example.net (default) web4.acme.example zones/198.51.100.0_24.yaml',
    ]);
    const diags = await page.$$eval('#bulk-result .diag.bad', (ps) => ps.map((p) => p.textContent));
    expect(diags.join('\n')).toMatch(/fcrdns\.mismatch 198\.51\.100\.41 → web2\.acme\.example, but web2\.acme\.example resolves to 198\.51\.100\.99/);
    expect(diags.join('\n')).toMatch(/fcrdns\.nxdomain 198\.51\.100\.42 → nx\.acme\.example/);
    expect(repo.git('status', '--porcelain')).toBe('');

    await page.click('#bulk-write');
    await page.waitForSelector('#bulk-result [role="status"]');
    expect(readFileSync(join(repo.root, FILE), 'utf8')).toBe(`${BLOCKS[FILE]}  198.51.100.40: web1.acme.example\n  198.51.100.43: web4.acme.example\n`);
    repo.git('checkout', '--', '.');
    await page.close();
  });

  it('set form: a mismatch shows no ✓, counts as invalid and cannot be written; a confirmed name can', async () => {
    const page = await open(checked);
    await page.fill('#one-ip', '198.51.100.41');
    await page.fill('#one-host', 'web2.acme.example');
    await page.waitForFunction(() => /mismatch/i.test(document.querySelector('#one-verdict')?.textContent ?? ''));
    const verdict = await page.textContent('#one-verdict');
    expect(verdict).toMatch(/resolves to 198\.51\.100\.99/);
    expect(verdict).not.toContain('✓');
    expect(await page.$$('#one-verdict .ok')).toHaveLength(0);
    await page.click('#one button[type="submit"]');
    await page.waitForSelector('#one-result [data-count="invalid"]');
    expect(await count(page, 'one', 'invalid')).toBe('1');
    expect(await count(page, 'one', 'valid')).toBe('0');
    expect(await page.isDisabled('#one-write')).toBe(true);

    await page.fill('#one-ip', '198.51.100.40');
    await page.fill('#one-host', 'web1.acme.example');
    await page.waitForFunction(() => /resolves back/.test(document.querySelector('#one-verdict')?.textContent ?? ''));
    expect(await page.$$('#one-verdict .bad')).toHaveLength(0);
    await page.click('#one button[type="submit"]');
    await page.waitForSelector('#one-result tbody tr');
    expect(await count(page, 'one', 'valid')).toBe('1');
    expect(await page.isEnabled('#one-write')).toBe(true);
    // Nothing was written by the previews, and the API refuses a mismatch even when asked directly.
    expect(repo.git('status', '--porcelain')).toBe('');
    const direct = await portalApi(checked, '/api/apply', { op: 'set', ip: '198.51.100.41', host: 'web2.acme.example', allowUnverified: true, skipInvalid: true });
    expect(direct.json.written).toEqual([]);
    expect(repo.git('status', '--porcelain')).toBe('');
    await page.close();
  });

  it('an earlier preview is cleared as soon as the input changes', async () => {
    const page = await open(checked);
    await page.fill('#one-ip', '198.51.100.40');
    await page.fill('#one-host', 'web1.acme.example');
    await page.click('#one button[type="submit"]');
    await page.waitForSelector('#one-result tbody tr');
    await page.type('#one-note', 'NOC-1');
    expect(await page.innerHTML('#one-result')).toBe('');
    expect(await page.isDisabled('#one-write')).toBe(true);

    await page.fill('#bulk-text', '198.51.100.40 web1.acme.example');
    await page.click('#bulk button[type="submit"]');
    await page.waitForSelector('#bulk-result [data-count="valid"]');
    await page.type('#bulk-text', '\n198.51.100.43 web4.acme.example');
    expect(await page.innerHTML('#bulk-result')).toBe('');
    expect(await page.isDisabled('#bulk-write')).toBe(true);
    await page.close();
  });

  it('addresses and names never wrap in the middle, also in a narrow window', async () => {
    const page = await open(checked, 420);
    await page.fill('#bulk-text', ['2001:db8:100:20::40 mail-gateway-with-a-long-name.acme.example', '198.51.100.43 web4.acme.example', '2001:db8:100:20::41 nx-with-a-long-name.acme.example'].join('\n'));
    await page.click('#bulk button[type="submit"]');
    await page.waitForSelector('#bulk-result tbody tr');
    await page.fill('#one-ip', '2001:db8:100:20::41');
    await page.fill('#one-host', 'nx-with-a-long-name.acme.example');
    await page.waitForFunction(() => /does not exist/.test(document.querySelector('#one-verdict')?.textContent ?? ''));
    // Every address, name and file name is one unbroken line of text (its client rects share one top).
    const broken = await page.$$eval('#bulk-result td.mono, #bulk-result code, #one-verdict code, #bulk-result .diag .token, #one-verdict .token', (els) =>
      els
        .filter((el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          return tops.size > 1;
        })
        .map((el) => el.textContent),
    );
    expect(await page.$$eval('#bulk-result td.mono', (els) => els.length)).toBeGreaterThanOrEqual(8);
    expect(broken).toEqual([]);
    // The addresses inside messages are tokens too.
    expect(await page.$$eval('#bulk-result .diag .token', (els) => els.map((e) => e.textContent))).toContain('2001:db8:100:20::41');
    await page.close();
  });

  describe('DNS does not answer', () => {
    let dead: number;
    beforeAll(async () => {
      dead = await freePort();
    });

    it('without --allow-unverified the name is refused', async () => {
      const s = await serve(repo.root, ['--resolver', `127.0.0.1:${dead}`, '--timeout', '300', '--retries', '0']);
      servers.push(s.child);
      const page = await open(s.url);
      await page.fill('#one-ip', '198.51.100.40');
      await page.fill('#one-host', 'web1.acme.example');
      await page.click('#one button[type="submit"]');
      await page.waitForSelector('#one-result [data-count="invalid"]');
      expect(await count(page, 'one', 'invalid')).toBe('1');
      expect(await page.textContent('#one-result')).toMatch(/no DNS server answered/);
      expect(await page.isDisabled('#one-write')).toBe(true);
      // The page cannot ask for it either.
      const direct = await portalApi(s.url, '/api/apply', { op: 'set', ip: '198.51.100.40', host: 'web1.acme.example', allowUnverified: true });
      expect(direct.json.written).toEqual([]);
      expect(repo.git('status', '--porcelain')).toBe('');
      await page.close();
    });

    it('with --allow-unverified the name is saved and shown as unverified', async () => {
      const s = await serve(repo.root, ['--resolver', `127.0.0.1:${dead}`, '--timeout', '300', '--retries', '0', '--allow-unverified']);
      servers.push(s.child);
      const page = await open(s.url);
      expect(await page.textContent('main')).toContain('--allow-unverified');
      await page.fill('#one-ip', '198.51.100.40');
      await page.fill('#one-host', 'web1.acme.example');
      await page.waitForFunction(() => /not verified/.test(document.querySelector('#one-verdict')?.textContent ?? ''));
      expect(await page.textContent('#one-verdict')).not.toContain('resolves back');
      await page.click('#one button[type="submit"]');
      await page.waitForSelector('#one-result tbody tr');
      expect(await count(page, 'one', 'valid')).toBe('1');
      expect(await count(page, 'one', 'unverified')).toBe('1');
      expect(await rows(page, 'one')).toEqual(['added 198.51.100.40 198-51-100-40.static.example.net (default) web1.acme.example (unverified) zones/198.51.100.0_24.yaml']);
      await page.click('#one-write');
      await page.waitForSelector('#one-result [role="status"]');
      expect(await page.textContent('#one-result')).toMatch(/saved unverified \(--allow-unverified\)/);
      expect(readFileSync(join(repo.root, FILE), 'utf8')).toBe(`${BLOCKS[FILE]}  198.51.100.40: web1.acme.example\n`);
      repo.git('checkout', '--', '.');
      await page.close();
    });
  });
});
