/**
 * Issue 18, item 5: the approval label approves a commit, by a person. The built `rdns ci`
 * against the local GitHub stand-in: the change-guard label counts only when a user (not a
 * bot) with triage or higher added it after the head commit was pushed; a new push drops it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runCi } from '../helpers/ci-run.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { startFakeGitHub, type FakeGitHub, type FakeIssueEvent } from '../helpers/github-api.js';

vi.setConfig({ testTimeout: 120_000 });

// The head commit is dated 2026-01-02 03:04:05Z; labels are dated around it.
process.env.GIT_AUTHOR_DATE = '2026-01-02T03:04:05Z';
process.env.GIT_COMMITTER_DATE = '2026-01-02T03:04:05Z';
const BEFORE_PUSH = '2026-01-01T12:00:00Z';
const AFTER_PUSH = '2026-01-03T09:00:00Z';

const TOKEN = 'ghs_labelApprovalToken0123456789abcdef';
const LABEL = 'rdns/bulk-approved';
const BLOCK = 'zones/198.51.100.0_24.yaml';
const CONFIG = `guards:\n  max_changed_records: 5\n  label: ${LABEL}\n`;
const block = (n: number): string =>
  `prefix: 198.51.100.0/24\nowners: ["@alice"]\nrecords:\n${Array.from({ length: n }, (_, i) => `  198.51.100.${100 + i}: bulk${i}.example.com`).join('\n')}\n`;

describe('the approval label approves a commit, by a person (issue 18, item 5)', () => {
  let gh: FakeGitHub;
  let work: string;
  let repo: GitRepo;

  beforeEach(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
    gh.labels.set(7, [LABEL]);
    gh.permissions.set('nina', 'triage');
    gh.permissions.set('rdns-helper[bot]', 'write');
    gh.permissions.set('rita', 'read');
    work = mkdtempSync(join(tmpdir(), 'rdns-label-'));
    // A bulk change of 8 records (limit 5) by @alice, who owns the block.
    repo = createGitRepo({ 'rdns.yaml': CONFIG, [BLOCK]: block(1) });
    repo.checkout('main');
    repo.git('checkout', '-q', '-b', 'change');
    repo.commit('bulk', { [BLOCK]: block(9) });
    return async () => gh.close();
  });

  const ci = (events: FakeIssueEvent[], event: { action?: string; updatedAt?: string } = {}) => {
    gh.labelEvents.set(7, events);
    return runCi({ work, repo, author: 'alice', token: TOKEN, apiUrl: gh.url, ...event }, ['--no-fcrdns', '--format', 'text', '--no-publish'], 60_000);
  };
  const labeled = (actor: string, at: string, actorType?: 'User' | 'Bot'): FakeIssueEvent => ({ event: 'labeled', label: LABEL, actor, at, ...(actorType ? { actorType } : {}) });
  const blocked = /error guard\.too-many-changes 8 records change, more than guards\.max_changed_records \(5\)/;

  it('counts the label of a user with triage, added after the head commit was pushed', async () => {
    const r = await ci([labeled('nina', AFTER_PUSH)], { action: 'labeled', updatedAt: AFTER_PUSH });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/warning guard\.too-many-changes 8 records change.*approved by the "rdns\/bulk-approved" label/);
    expect(r.status).toBe(0);
  });

  it('a bot adding the label approves nothing, whatever its permission', async () => {
    const r = await ci([labeled('rdns-helper[bot]', AFTER_PUSH, 'Bot')], { action: 'labeled' });
    expect(r.stdout).toMatch(blocked);
    expect(r.stdout).toContain('warning guard.label-unverified the "rdns/bulk-approved" label does not count: it was added by @rdns-helper[bot], a bot; a person must add it');
    expect(r.status).toBe(1);
  });

  it('a user without triage (read only) adding the label approves nothing', async () => {
    const r = await ci([labeled('rita', AFTER_PUSH)], { action: 'labeled' });
    expect(r.stdout).toMatch(blocked);
    expect(r.stdout).toContain('the "rdns/bulk-approved" label does not count: it was added by @rita, who has the read role on example-isp/rdns (triage or higher approves)');
    expect(r.status).toBe(1);
  });

  it('a label added before the head commit was pushed approves nothing', async () => {
    const r = await ci([labeled('nina', BEFORE_PUSH)], { action: 'labeled' });
    expect(r.stdout).toMatch(blocked);
    expect(r.stdout).toContain(`the "rdns/bulk-approved" label does not count: @nina added it at ${BEFORE_PUSH.replace('Z', '')}`);
    expect(r.stdout).toContain('before the head commit was pushed (2026-01-02T03:04:05');
    expect(r.status).toBe(1);
  });

  it('a force push after the label drops it (the commit date can be any; the push event is GitHub\'s)', async () => {
    const r = await ci([labeled('nina', AFTER_PUSH), { event: 'head_ref_force_pushed', actor: 'alice', at: '2026-01-04T00:00:00Z' }], { action: 'labeled' });
    expect(r.stdout).toMatch(blocked);
    expect(r.stdout).toContain('before the head commit was pushed (2026-01-04T00:00:00');
    expect(r.status).toBe(1);
  });

  it('a new push (the synchronize event) drops the label: it does not count and is removed from the pull request', async () => {
    const r = await ci([labeled('nina', AFTER_PUSH)], { action: 'synchronize', updatedAt: '2026-01-05T00:00:00Z' });
    expect(r.stdout).toMatch(blocked);
    expect(r.stdout).toContain('before the head commit was pushed (2026-01-05T00:00:00');
    expect(r.status).toBe(1);
    expect(gh.log()).toContain(`DELETE /repos/example-isp/rdns/issues/7/labels/${encodeURIComponent(LABEL)}`);
    expect(gh.labels.get(7)).toEqual([]);
  });
});
