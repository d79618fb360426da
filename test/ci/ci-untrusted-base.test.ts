/**
 * `rdns ci` against pull requests, round two: the base it is judged against, files the
 * loader would not see, state a pull request carries, zones shared between blocks. Each
 * test is an attack that passed before (issue 18), run as the pull_request workflow runs it
 * (test/helpers/ci-run.ts) in a real git repository against the local GitHub stand-in.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCi, startPullRequestStandIn, type CiRun } from '../helpers/ci-run.js';
import { runCli } from '../helpers/cli.js';
import { cloneGitRepo, createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import type { FakeGitHub } from '../helpers/github-api.js';

const TOKEN = 'ghs_baseSecretToken0123456789abcdefgh';
const BLOCK = 'zones/198.51.100.0_24.yaml';
const CONFIG = 'owners: ["@example-isp/admins"]\nguards:\n  max_changed_records: 5\n  max_delete_percent: 20\n';
const NOC_BLOCK = `prefix: 198.51.100.0/24
owners: ["@example-isp/noc"]
records:
  198.51.100.22: mail.example.com
  198.51.100.23: www.example.com
`;
const BASE = { 'rdns.yaml': CONFIG, [BLOCK]: NOC_BLOCK };

const repos: GitRepo[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r.root, { recursive: true, force: true });
});

describe('rdns ci on a hostile pull request, round two', () => {
  let gh: FakeGitHub;
  let work: string;

  beforeEach(async () => {
    const standIn = await startPullRequestStandIn(TOKEN);
    ({ gh, work } = standIn);
    return standIn.close;
  });

  /** main with `base`, and the pull request's branch `change` writing `change` (files to delete: `remove`). */
  const pullRequest = (change: Record<string, string>, base: Record<string, string> = BASE, remove: string[] = []): GitRepo => {
    const repo = createGitRepo(base);
    repos.push(repo);
    repo.git('checkout', '-q', '-b', 'change');
    repo.remove(...remove);
    repo.commit('the pull request', change);
    return repo;
  };

  const ci = (repo: GitRepo, author: string, args: string[] = [], more: { env?: Record<string, string | undefined>; baseSha?: string | null } = {}): Promise<CiRun> =>
    runCi({ work, repo, author, token: TOKEN, apiUrl: gh.url, ...more }, ['--no-fcrdns', ...args], 90_000);

  /**
   * The checkout of the pull_request workflow (actions/checkout, fetch-depth: 0): a clone with
   * every branch under refs/remotes/origin/ and every tag, no local `main`, HEAD detached at
   * the pull request. The author, who may push tags, has pushed `tags` (name → commit of origin).
   */
  const actionsCheckout = (origin: GitRepo, tags: Record<string, string>): GitRepo => {
    for (const [name, commit] of Object.entries(tags)) origin.git('tag', '-f', name, commit);
    const clone = cloneGitRepo(origin);
    repos.push(clone);
    clone.git('checkout', '-q', '--detach', 'refs/remotes/origin/change');
    clone.git('branch', '-D', 'main');
    return clone;
  };

  /** main (the NOC's block), the pull request `change` (mallory's edit of the NOC's record), and `evil`: a commit off main that makes mallory the owner, never merged. */
  const tagAttack = (): { origin: GitRepo; evil: string; mainTip: string } => {
    const origin = createGitRepo(BASE);
    repos.push(origin);
    const mainTip = origin.rev('HEAD');
    origin.git('checkout', '-q', '-b', 'evil');
    const evil = origin.commit('grant myself', { 'rdns.yaml': CONFIG.replace('@example-isp/admins', '@mallory'), [BLOCK]: NOC_BLOCK.replace('@example-isp/noc', '@mallory') });
    origin.git('checkout', '-q', '-b', 'change', mainTip);
    origin.commit('the pull request', { [BLOCK]: NOC_BLOCK.replace('mail.example.com', 'mail.mallory.example') });
    origin.git('checkout', '-q', 'main');
    return { origin, evil, mainTip };
  };

  describe('1. the base must be the base', () => {
    for (const tag of ['main', 'origin/main']) {
      it(`a tag named ${tag} pushed by the author does not become the base: owners and policy come from the target branch`, async () => {
        const { origin, evil } = tagAttack();
        const clone = actionsCheckout(origin, { [tag]: evil });
        // As the workflow runs it: the event names the base commit.
        const r = await ci(clone, 'mallory');
        expect(r.status, r.stdout + r.stderr).toBe(1);
        expect(r.stdout).toMatch(/title=ownership\.not-yours::not yours: 198\.51\.100\.22 belongs to block 198\.51\.100\.0\/24 .*@example-isp\/noc \(@mallory is not one of them\)/);
        // An event without base.sha (GITHUB_BASE_REF=main only): the remote-tracking branch, fully qualified.
        const old = await ci(clone, 'mallory', [], { baseSha: null });
        expect(old.status, old.stdout + old.stderr).toBe(1);
        expect(old.stdout).toContain('title=ownership.not-yours::not yours: 198.51.100.22');
      });
    }

    it('a revision that names a tag and a branch at once is refused with a clear error, in rdns ci and in --changed-since', async () => {
      const { origin, evil } = tagAttack();
      const clone = actionsCheckout(origin, { 'origin/main': evil, main: evil });
      const r = await ci(clone, 'mallory', ['--base', 'origin/main']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^rdns: the revision "origin\/main" is ambiguous: it names refs\/tags\/origin\/main \(\w{7}\) and refs\/remotes\/origin\/main \(\w{7}\)\nhint: pass a commit SHA or a full ref name \(refs\/remotes\/origin\/main\)/m);
      for (const command of ['stacks', 'synth', 'check', 'diff']) {
        const args = command === 'diff' ? ['diff', '--base', 'main'] : [command, '--changed-since', 'main', ...(command === 'check' ? ['--resolver', '127.0.0.1:9'] : [])];
        const c = runCli(args, { cwd: clone.root, env: { CDKTF_OUTDIR: undefined } });
        expect(c.status, `${command}: ${c.stderr}`).toBe(2);
        expect(c.stderr, command).toContain('rdns: the revision "main" is ambiguous: it names refs/tags/main');
      }
      // Fully qualified, it is what it says.
      const ok = runCli(['stacks', '--changed-since', 'refs/remotes/origin/main'], { cwd: clone.root });
      expect(ok.status, ok.stderr).toBe(0);
    });
  });

  describe('2. one rule for which files are block files', () => {
    const GENERIC = `${NOC_BLOCK}default: "{dashed}.static.example-isp.net"\n`;
    for (const hidden of ['zones/.attic/198.51.100.0_24.yaml', 'zones/node_modules/198.51.100.0_24.yaml', 'zones/.198.51.100.0_24.yaml']) {
      it(`moving a block file out of view (${hidden}) deletes every record: the owners must agree and the delete guard counts them`, async () => {
        const repo = createGitRepo({ 'rdns.yaml': CONFIG, [BLOCK]: GENERIC });
        repos.push(repo);
        repo.git('checkout', '-q', '-b', 'change');
        repo.rename(BLOCK, hidden);
        const r = await ci(repo, 'mallory');
        expect(r.status, r.stdout).toBe(1);
        expect(r.stdout).toMatch(/title=ownership\.not-yours::not yours: 198\.51\.100\.22 belongs to block 198\.51\.100\.0\/24 \(zones\/198\.51\.100\.0_24\.yaml\)/);
        expect(r.stdout).toMatch(/title=guard\.mass-delete::/);
        expect(gh.comments.get(7)?.[0]?.body).not.toContain('No PTR changes');
        // What synth publishes agrees: the block is gone from the work tree's view too.
        const stacks = runCli(['stacks', '--changed-since', 'main'], { cwd: repo.root });
        expect(stacks.status, stacks.stderr).toBe(0);
        expect(stacks.stdout).toBe('rdns-198-51-100-0-24  100.51.198.in-addr.arpa.  no longer rendered (was zones/198.51.100.0_24.yaml)\n');
      });
    }

    it('a new block over addresses that a block moved out of view owned needs that block\'s owners', async () => {
      const repo = createGitRepo(BASE);
      repos.push(repo);
      repo.git('checkout', '-q', '-b', 'change');
      repo.rename(BLOCK, 'zones/.attic/noc.yaml', 'hide it');
      repo.commit('claim it', { 'zones/mine.yaml': NOC_BLOCK.replace('@example-isp/noc', '@mallory').replace('mail.example.com', 'mail.mallory.example') });
      const r = await ci(repo, 'mallory');
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/title=ownership\.not-yours::not yours: 198\.51\.100\.22 .*@example-isp\/noc \(@mallory is not one of them\)/);
      expect(r.stdout).toMatch(/title=ownership\.not-yours::not yours: 198\.51\.100\.23 .*@example-isp\/noc/);
    });
  });

  describe('4. shared zones are everyone\'s', () => {
    const NOC = 'zones/203.0.113.0_25.yaml';
    const CUSTOMER = 'zones/203.0.113.128_25.yaml';
    const ZONE = '113.0.203.in-addr.arpa';
    const shared = (config = CONFIG): Record<string, string> => ({
      'rdns.yaml': config,
      [NOC]: 'prefix: 203.0.113.0/25\nowners: ["@example-isp/noc"]\nrecords:\n  203.0.113.5: api.example.org\n',
      [CUSTOMER]: 'prefix: 203.0.113.128/25\nowners: ["@mallory"]\nrecords:\n  203.0.113.130: www.mallory.example\n',
    });
    const grab = `zones:\n  ${ZONE}: {zone_id: Z9999999999MALLORYXYZ, mode: per-record}\n`;

    it('zone options a block sets for a zone it shares need the owners of every block in it', async () => {
      const base = shared();
      const repo = pullRequest({ [CUSTOMER]: base[CUSTOMER]!.replace('records:', `${grab}records:`) }, base);
      const r = await ci(repo, 'mallory');
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout).toMatch(
        /title=ownership\.not-yours::not yours: zones: 113\.0\.203\.in-addr\.arpa\. in zones\/203\.0\.113\.128_25\.yaml sets the options of a reverse zone shared with 203\.0\.113\.0\/25 \(zones\/203\.0\.113\.0_25\.yaml\); it may be changed by @example-isp\/noc \(@mallory is not one of them\)/,
      );
      // The owners of every block in the zone may.
      gh.teams.set('example-isp/noc', ['alice', 'mallory']);
      expect((await ci(repo, 'mallory')).status).toBe(0);
    });

    it('rdns.yaml route53.zones wins over a block\'s options for a shared zone, and a block that disagrees is an error', async () => {
      const base = shared(`${CONFIG}route53:\n  zones:\n    ${ZONE}: {zone_id: Z0123456789ABCDEFGHIJ}\n`);
      const repo = pullRequest({ [CUSTOMER]: base[CUSTOMER]!.replace('records:', `${grab}records:`) }, base);
      gh.teams.set('example-isp/noc', ['alice', 'mallory']);
      const r = await ci(repo, 'mallory');
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/title=zone\.shared-options::zones: 113\.0\.203\.in-addr\.arpa\. sets zone_id Z9999999999MALLORYXYZ for a reverse zone shared with zones\/203\.0\.113\.0_25\.yaml, but rdns\.yaml route53\.zones sets Z0123456789ABCDEFGHIJ/);
      const synth = runCli(['synth'], { cwd: repo.root, env: { CDKTF_OUTDIR: undefined } });
      expect(synth.status).toBe(1);
      // Agreeing with rdns.yaml, the block renders; the zone is the one rdns.yaml names.
      repo.write({ [CUSTOMER]: base[CUSTOMER]!.replace('records:', `zones:\n  ${ZONE}: {zone_id: Z0123456789ABCDEFGHIJ}\nrecords:`) });
      const ok = runCli(['synth'], { cwd: repo.root, env: { CDKTF_OUTDIR: undefined } });
      expect(ok.status, ok.stdout + ok.stderr).toBe(0);
      const tf = JSON.parse(readFileSync(join(repo.root, 'cdktf.out/stacks/rdns-203-0-113-0-24/cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, { zone_id?: string }>> };
      expect(JSON.stringify(tf)).toContain('Z0123456789ABCDEFGHIJ');
      expect(JSON.stringify(tf)).not.toContain('MALLORY');
    });

    it('two blocks that disagree on a shared zone\'s options are an error, not "the first file wins"', async () => {
      const base = shared();
      base[NOC] = base[NOC]!.replace('records:', `zones:\n  ${ZONE}: {zone_id: Z0123456789ABCDEFGHIJ}\nrecords:`);
      const repo = pullRequest({ [CUSTOMER]: base[CUSTOMER]!.replace('records:', `${grab}records:`) }, base);
      gh.teams.set('example-isp/noc', ['alice', 'mallory']);
      const r = await ci(repo, 'mallory');
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/title=zone\.shared-options::zones: 113\.0\.203\.in-addr\.arpa\. sets zone_id Z9999999999MALLORYXYZ for a reverse zone shared with zones\/203\.0\.113\.0_25\.yaml, which sets Z0123456789ABCDEFGHIJ/);
    });
  });

  describe('3. state from the pull request is never read', () => {
    it('a committed state file or Terraform folder is refused (state.committed), wherever it lies', async () => {
      const state = JSON.stringify({ version: 4, terraform_version: '1.11.0', resources: [{ mode: 'managed', type: 'x', name: 'y', provider: 'provider["registry.terraform.io/mallory/evil"]', instances: [] }] });
      const repo = pullRequest({
        'terraform.rdns-198-51-100-0-24.tfstate': state,
        'zones/old.tfstate.backup': state,
        'cdktf.out/stacks/rdns-198-51-100-0-24/.terraform/terraform.tfstate': state,
        '.terraform.lock.hcl': '# provider "registry.terraform.io/mallory/evil"\n',
      });
      const r = await ci(repo, 'alice');
      expect(r.status).toBe(1);
      for (const f of ['terraform.rdns-198-51-100-0-24.tfstate', 'zones/old.tfstate.backup', 'cdktf.out/stacks/rdns-198-51-100-0-24/.terraform/terraform.tfstate', '.terraform.lock.hcl']) {
        expect(r.stdout).toContain(`::error file=${f},line=1,col=1,title=state.committed::`);
      }
      expect(r.stdout).toMatch(/title=state\.committed::a pull request may not commit Terraform state or Terraform's working files \(terraform\.rdns-198-51-100-0-24\.tfstate\): Terraform would install and run the providers they name/);
    });
  });
});
