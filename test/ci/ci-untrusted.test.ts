/**
 * `rdns ci` against pull requests written by an attacker: each test is one attack that got
 * through before (a loosened rdns.yaml, records hidden in a `default` or `forward`, zone moves
 * of someone else's block, delegations, an unverifiable approval label), run with the built
 * CLI in a real git repository against the local stand-in for the GitHub API. Each asserts
 * that the merge is blocked and that the finding says why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ACME_ALLOCATION, coloHallB } from '../helpers/block-files.js';
import { runCi, startPullRequestStandIn } from '../helpers/ci-run.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import type { FakeGitHub } from '../helpers/github-api.js';

const TOKEN = 'ghs_untrustedSecretToken0123456789abcdef';
const BLOCK = 'zones/198.51.100.0_24.yaml';

const CONFIG = `owners: ["@example-isp/admins"]
guards:
  max_changed_records: 5
  max_delete_percent: 20
  label: rdns/bulk-approved
`;

const blockFile = (records: string[], allocation = ''): string =>
  coloHallB({ settings: '', allocations: ACME_ALLOCATION + allocation, records: records.map((r) => `  ${r}\n`).join('') });

const BASE_RECORDS = ['198.51.100.22: mail.example.com', '198.51.100.34: smtp.acme.example'];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('rdns ci (built CLI) on a hostile pull request', () => {
  let gh: FakeGitHub;
  let work: string;

  beforeEach(async () => {
    const standIn = await startPullRequestStandIn(TOKEN);
    ({ gh, work } = standIn);
    return standIn.close;
  });

  /** main with `base` files, and a PR branch `change` that writes `change` (null deletes). */
  const pullRequest = (change: Record<string, string>, base: Record<string, string> = { 'rdns.yaml': CONFIG, [BLOCK]: blockFile(BASE_RECORDS) }): GitRepo => {
    const repo = createGitRepo(base);
    repo.git('checkout', '-q', '-b', 'change');
    repo.commit('the pull request', change);
    return repo;
  };

  const ci = (repo: GitRepo, author: string, options: { labels?: string[]; args?: string[] } = {}): Promise<Run> =>
    runCi({ work, repo, author, labels: options.labels, token: TOKEN, apiUrl: gh.url }, ['--no-fcrdns', ...(options.args ?? [])], 90_000);

  const comment = (): string => {
    const list = gh.comments.get(7) ?? [];
    expect(list).toHaveLength(1);
    return list[0]!.body;
  };
  const lineOf = (repo: GitRepo, file: string, text: string): number => readFileSync(join(repo.root, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

  describe('policy comes from the target branch, all of it', () => {
    it('a pull request that loosens policy.ttl does not get its own TTL 0 record through, and its rdns.yaml change is a finding', async () => {
      const loosened = `${CONFIG}policy:\n  ttl:\n    min: 0\n`;
      const repo = pullRequest({ 'rdns.yaml': loosened, [BLOCK]: blockFile([...BASE_RECORDS, '198.51.100.40:\n    ptr: web.example.com\n    ttl: 0']) });
      const r = await ci(repo, 'alice');
      expect(r.status).toBe(1);
      const line = lineOf(repo, BLOCK, 'ttl: 0');
      expect(r.stdout).toMatch(new RegExp(`^::error file=zones/198\\.51\\.100\\.0_24\\.yaml,line=${line},col=\\d+,title=record\\.ttl::TTL 0 is outside the allowed range 60–86400`, 'm'));
      expect(r.stdout).toMatch(/^::error file=rdns\.yaml,line=1,col=1,title=config\.changed::this pull request changes rdns\.yaml \(policy\); it may be changed by @example-isp\/admins \(@alice is not one of them\)/m);
    });

    it('the zone quota, the file size limit and the approval label come from the target branch too', async () => {
      const loosened = `owners: ["@example-isp/admins"]\nzones:\n  max_records: 100000\nlimits:\n  max_file_bytes: 1048576\nguards:\n  max_changed_records: 5000\n  label: any-label\n`;
      const base = { 'rdns.yaml': `${CONFIG}zones:\n  max_records: 100\nlimits:\n  max_file_bytes: 1024\n`, [BLOCK]: blockFile(BASE_RECORDS) };
      const big = `prefix: 192.0.3.0/24\nowners: ["@mallory"]\n${'# padding padding padding padding padding padding padding\n'.repeat(30)}`;
      const repo = pullRequest({ 'rdns.yaml': loosened, 'zones/192.0.2.0_24.yaml': 'prefix: 192.0.2.0/24\nowners: ["@mallory"]\ndefault: "{dashed}.example.net"\n', 'zones/192.0.3.0_24.yaml': big }, base);
      const r = await ci(repo, 'mallory', { labels: ['any-label'] });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/title=zone\.too-large::.*256 records per reverse zone, more than zones\.max_records \(100\)/);
      expect(r.stdout).toMatch(/^::error file=zones\/192\.0\.3\.0_24\.yaml,line=1,col=1,title=file\.too-large::\d+ bytes is more than limits\.max_file_bytes \(1024\)/m);
      expect(r.stdout).toMatch(/title=guard\.too-many-changes::256 records change.*more than guards\.max_changed_records \(5\); add the "rdns\/bulk-approved" label/);
      expect(r.stdout).toContain('title=config.changed::this pull request changes rdns.yaml (guards, limits, zones)');
    });

    it('an owner named in the target branch\'s rdns.yaml may change it', async () => {
      const repo = pullRequest({ 'rdns.yaml': CONFIG.replace('max_changed_records: 5', 'max_changed_records: 50') });
      const r = await ci(repo, 'root-admin');
      expect(r.status).toBe(0);
      expect(comment()).toContain('rdns.yaml changed by `@root-admin`, one of its owners');
      // Someone else: blocked, and an owner list the pull request adds for itself does not count.
      const grab = pullRequest({ 'rdns.yaml': CONFIG.replace('@example-isp/admins', '@mallory') });
      const m = await ci(grab, 'mallory');
      expect(m.status).toBe(1);
      expect(m.stdout).toMatch(/title=config\.changed::this pull request changes rdns\.yaml \(owners\); it may be changed by @example-isp\/admins \(@mallory is not one of them\)/);
    });

    it('without owners in rdns.yaml nobody may change it through a pull request: the administrators must', async () => {
      const base = { 'rdns.yaml': CONFIG.replace('owners: ["@example-isp/admins"]\n', ''), [BLOCK]: blockFile(BASE_RECORDS) };
      const repo = pullRequest({ 'rdns.yaml': `${base['rdns.yaml']}defaults:\n  ttl: 300\n` }, base);
      const r = await ci(repo, 'alice');
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/title=config\.changed::this pull request changes rdns\.yaml \(defaults\); the target branch's rdns\.yaml names no owners, so only the repository's administrators can approve it/);
    });
  });

  describe('changes that count as changes', () => {
    it('a new /32 whose default and forward publish www.example.com is refused and shown as the records it creates', async () => {
      const file = 'zones/192.0.2.77_32.yaml';
      const repo = pullRequest({ [file]: 'prefix: 192.0.2.77/32\nowners: ["@mallory"]\ndefault: "www.example.com"\nforward:\n  zone: example.com\n' });
      const r = await ci(repo, 'mallory');
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^::error file=zones\/192\.0\.2\.77_32\.yaml,line=\d+,col=\d+,title=forward\.not-generic::forward: the default "www\.example\.com" has no address placeholder/m);
      const body = comment();
      expect(body).not.toContain('No PTR changes');
      expect(body).toContain('1 generic PTR added');
      expect(body).toContain('1 forward A/AAAA added');
    });

    it('a new adjacent block that moves another owner\'s records into a shared /24 needs that block\'s owners', async () => {
      const base = { 'rdns.yaml': CONFIG, 'zones/203.0.113.0_25.yaml': 'prefix: 203.0.113.0/25\nowners: ["@example-isp/noc"]\nrecords:\n  203.0.113.5: api.example.org\n' };
      const repo = pullRequest({ 'zones/203.0.113.128_25.yaml': 'prefix: 203.0.113.128/25\nowners: ["@mallory"]\nrecords:\n  203.0.113.200: www.mallory.example\n' }, base);
      const r = await ci(repo, 'mallory');
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(
        /title=ownership\.not-yours::not yours: this moves the records of 203\.0\.113\.0\/25 \(zones\/203\.0\.113\.0_25\.yaml\) from reverse zone 0-25\.113\.0\.203\.in-addr\.arpa\. to 113\.0\.203\.in-addr\.arpa\.; block settings may be changed by @example-isp\/noc \(@mallory is not one of them\)/,
      );
      expect(comment()).toContain('reverse zone moved');
      // The owner of both may.
      gh.teams.set('example-isp/noc', ['alice', 'mallory']);
      expect((await ci(repo, 'mallory')).status).toBe(0);
    });

    it('adding delegate_to is a change: the comment shows the delegation, the guards count its addresses, and a record left inside is flagged where it stands (it moves to the customer\'s child zone)', async () => {
      const delegation = '    delegate_to: [ns1.acme.example, ns2.acme.example]\n';
      const repo = pullRequest({ [BLOCK]: blockFile(BASE_RECORDS, delegation) });
      const r = await ci(repo, 'alice');
      expect(r.status).toBe(1);
      const line = lineOf(repo, BLOCK, '198.51.100.34:');
      // A warning since rdns delegate: the record stays in the file and is published in the customer's child zone.
      expect(r.stdout).toMatch(new RegExp(`^::warning file=zones/198\\.51\\.100\\.0_24\\.yaml,line=${line},col=3,title=record\\.delegated::198\\.51\\.100\\.34 is inside allocation 198\\.51\\.100\\.32/28, delegated to ns1\\.acme\\.example.*child zone`, 'm'));
      expect(r.stdout).toMatch(/title=guard\.too-many-changes::16 records change/);
      const body = comment();
      expect(body).not.toContain('No PTR changes');
      expect(body).toContain('198.51.100.32/28 delegated to');
    });
  });

  describe('the approval label fails closed', () => {
    const bulk = [...BASE_RECORDS, ...Array.from({ length: 8 }, (_, i) => `198.51.100.${100 + i}: bulk${i}.example.com`)];

    for (const status of [500, 403]) {
      it(`labels unreadable (HTTP ${status}): the label of the event approves nothing, and the finding says why`, async () => {
        gh.failNext('GET', /\/issues\/7\/labels$/, status, 10);
        const r = await ci(pullRequest({ [BLOCK]: blockFile(bulk) }), 'alice', { labels: ['rdns/bulk-approved'] });
        expect(r.status).toBe(1);
        expect(r.stdout).toMatch(/^::error title=guard\.too-many-changes::8 records change, more than guards\.max_changed_records \(5\); add the "rdns\/bulk-approved" label/m);
        expect(r.stdout).toMatch(new RegExp(`^::warning title=guard\\.label-unverified::the "rdns/bulk-approved" label does not count: the pull request's labels could not be read .*\\(${status}\\)`, 'm'));
      }, 60_000);

      it(`who added the label unreadable (HTTP ${status}): no verified approver, no approval`, async () => {
        gh.labels.set(7, ['rdns/bulk-approved']);
        gh.failNext('GET', /\/issues\/7\/events$/, status, 10);
        const r = await ci(pullRequest({ [BLOCK]: blockFile(bulk) }), 'alice', { labels: ['rdns/bulk-approved'] });
        expect(r.status).toBe(1);
        expect(r.stdout).toMatch(/^::error title=guard\.too-many-changes::8 records change/m);
        expect(r.stdout).toMatch(new RegExp(`^::warning title=guard\\.label-unverified::the "rdns/bulk-approved" label does not count: who added it could not be read .*\\(${status}\\)`, 'm'));
      }, 60_000);
    }

    it('a label whose events name nobody approves nothing', async () => {
      gh.labels.set(7, ['rdns/bulk-approved']);
      const r = await ci(pullRequest({ [BLOCK]: blockFile(bulk) }), 'alice');
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/title=guard\.label-unverified::the "rdns\/bulk-approved" label does not count: its events do not say who added it/);
    });
  });
});
