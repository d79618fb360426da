/**
 * `rdns ci` against pull requests, round two: the base it is judged against, files the
 * loader would not see, state a pull request carries, zones shared between blocks. Each
 * test is an attack that passed before (issue 18), run as the pull_request workflow runs it
 * (test/helpers/ci-run.ts) in a real git repository against the local GitHub stand-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCi, type CiRun } from '../helpers/ci-run.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-api.js';

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
    gh = await startFakeGitHub({ token: TOKEN });
    gh.teams.set('example-isp/noc', ['alice']);
    gh.teams.set('example-isp/admins', ['root-admin']);
    work = mkdtempSync(join(tmpdir(), 'rdns-ci-base-'));
    return async () => {
      await gh.close();
      rmSync(work, { recursive: true, force: true });
    };
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

  const ci = (repo: GitRepo, author: string, args: string[] = [], env?: Record<string, string | undefined>): Promise<CiRun> =>
    runCi({ work, repo, author, token: TOKEN, apiUrl: gh.url, env }, ['--no-fcrdns', ...args], 90_000);

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
