/**
 * The pull-request job as one library function: load the target branch and the head,
 * validate, diff, ownership (with a change to rdns.yaml), change guards and FCrDNS of the
 * changed records, and return the report as data. The CLI (`rdns ci`), the tests and the
 * portal call it; they parse their own input and print or publish the result.
 *
 * The target branch decides every verdict: its rdns.yaml (as it is at its tip) is the
 * policy, its block files name the owners; the head is data.
 */
import { checkFcrdns, fcrdnsTargetsOfChanges } from '../checks/fcrdns.js';
import type { DnsResolver } from '../checks/resolver.js';
import type { ChangeSet } from '../core/changeset.js';
import { diag } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import type { Config } from '../core/model.js';
import { diffRevisions, type RevisionDiff } from '../diff/diff-revisions.js';
import { loadConfigAt, loadFilesAt, loadRepositoryAt, type RevisionModel } from '../git/load-revisions.js';
import { changedFiles } from '../git/changed-files.js';
import { readFilesAt } from '../git/read-files.js';
import { resolveRevisions, type ResolvedRevisions } from '../git/revisions.js';
import { createGitHubClient, normaliseApiUrl, parseRepository } from '../github/client.js';
import type { PullRequestHost } from '../github/host.js';
import { createPullRequestHost } from '../github/octokit-host.js';
import { CONFIG_FILE, configData } from '../loader/config.js';
import { loadRepository, type Repository } from '../loader/repository.js';
import { changedSettings, checkConfigChange } from '../policy/config-change.js';
import { committedStateFindings } from '../policy/committed-state.js';
import { checkGuards } from '../policy/guards.js';
import { checkOwnership, type TeamMembership } from '../policy/ownership.js';
import { renderFindings } from '../render/zone-records.js';
import type { PullRequestEvent } from './github-event.js';
import { runCi, type CiReport, type CiSteps, type StepOutcome } from './run-ci.js';

/** Who to ask GitHub as: the repository and the tokens of the job. */
export interface GitHubAccess {
  /** `owner/name`; without it nothing is sent. */
  readonly repository?: string;
  readonly token?: string;
  /** A token that may read organisation team membership (read:org); GITHUB_TOKEN cannot. */
  readonly orgToken?: string;
  /** The API URL (GitHub Enterprise); default the target branch's `github.api_url`, never the pull request's. */
  readonly apiUrl?: string;
}

export interface PullRequestJobOptions {
  /** Repository root (the checkout). */
  readonly root: string;
  /** The target branch's revision: a commit id, a full ref name, or an unambiguous name (src/git/resolve-revision.ts). */
  readonly base: string;
  /** How reports name the base (e.g. the branch `main` when `base` is its commit); default `base`. */
  readonly baseName?: string;
  /** Head revision; default the checked-out work tree. */
  readonly head?: string;
  /** Check ownership as this user; default the pull request's author. */
  readonly author?: string;
  /** The pull request from the event, when there is one. */
  readonly pr?: PullRequestEvent;
  /** Labels the operator counts as present (`--label`). */
  readonly labels?: readonly string[];
  /** FCrDNS resolver; without one the step is skipped. */
  readonly resolver?: DnsResolver;
  /** Talk to GitHub (labels, who added them, team membership); without it nothing is sent. */
  readonly github?: GitHubAccess;
  /** Team membership from elsewhere (replaces the GitHub lookup). */
  readonly isTeamMember?: TeamMembership;
  /** Warnings of the GitHub client (retries, throttling). */
  readonly warn?: (message: string) => void;
}

export interface PullRequestJobResult {
  readonly report: CiReport;
  /** Files and records of the head as validated. */
  readonly files: number;
  readonly records: number;
  /** The API host of the pull request (to publish the comment and the check run), when there is a token and a pull request. */
  readonly pullRequestHost: () => Promise<PullRequestHost | undefined>;
}

/** Runs the pull-request job. Throws RdnsError (exit 2) for environment errors (unknown revisions, unreachable history). */
export async function runPullRequestJob(opts: PullRequestJobOptions): Promise<PullRequestJobResult> {
  const { root, base, pr } = opts;
  const author = opts.author ?? pr?.author;
  const gh = opts.github;

  // The target branch decides: its rdns.yaml (as it is at its tip) is the policy for every
  // verdict below; the head's rdns.yaml is data, and a change to it is a finding of its own.
  let trustedPolicy: Promise<{ revisions: ResolvedRevisions; config: Config }> | undefined;
  const trusted = (): Promise<{ revisions: ResolvedRevisions; config: Config }> =>
    (trustedPolicy ??= (async () => {
      const revisions = await resolveRevisions(root, { base, head: opts.head });
      return { revisions, config: (await loadConfigAt(root, revisions.baseTip)).config };
    })());

  // Without a token and a repository there is nothing to talk to: a local run. Labels,
  // the comment and the check run also need a pull request. Built once the diff is known:
  // without an explicit API URL it is the target branch's github.api_url, never the pull
  // request's own rdns.yaml (which could send the token to a server of its choosing).
  const repoRef = gh?.repository && (gh.token || gh.orgToken) ? parseRepository(gh.repository) : undefined;
  if (gh?.apiUrl) normaliseApiUrl(gh.apiUrl);
  let clients: Promise<{ api?: PullRequestHost; members?: PullRequestHost }> | undefined;
  const hosts = (): Promise<{ api?: PullRequestHost; members?: PullRequestHost }> =>
    (clients ??= (async () => {
      if (!repoRef || !gh) return {};
      const baseUrl = gh.apiUrl ?? (await trusted()).config.githubApiUrl;
      const hostFor = (token: string): PullRequestHost => createPullRequestHost(createGitHubClient({ token, baseUrl, warn: (m) => opts.warn?.(m) }), repoRef, token);
      const api = gh.token ? hostFor(gh.token) : undefined;
      // GITHUB_TOKEN cannot read organisation teams; RDNS_ORG_TOKEN (read:org) can.
      return { api, members: gh.orgToken ? hostFor(gh.orgToken) : api };
    })());
  const prHost = async (): Promise<PullRequestHost | undefined> => (pr ? (await hosts()).api : undefined);

  let labelNotice: string | undefined;
  // Why the approval label on the pull request does not count (GitHub could not confirm who added it).
  let labelUnverified: string | undefined;
  const labels = async (approval: string): Promise<string[]> => {
    const isApproval = (l: string): boolean => l.toLowerCase() === approval.toLowerCase();
    let live = pr?.labels ?? [];
    const host = await prHost();
    if (!host || !pr) {
      // The event's labels say nothing about who added them: only --label (the operator's word) approves.
      if (live.some(isApproval)) labelUnverified = 'no GitHub token to check who added it';
    } else {
      try {
        live = await host.labels(pr.number);
      } catch (e) {
        // Fail closed: the event payload is no verified approval.
        if (live.some(isApproval)) labelUnverified = `the pull request's labels could not be read (${(e as Error).message})`;
        labelNotice = `labels from the event (the API failed: ${(e as Error).message})`;
      }
      // Whoever can push a branch can also label: the author's own label approves nothing, nor one nobody is known to have added.
      if (!labelUnverified && live.some(isApproval)) {
        try {
          const by = host.labelAppliedBy ? await host.labelAppliedBy(pr.number, approval) : undefined;
          if (!by) labelUnverified = 'its events do not say who added it';
          else if (by.toLowerCase() === pr.author.toLowerCase()) {
            live = live.filter((l) => !isApproval(l));
            labelNotice = `"${approval}" was added by the author @${by}, and an author cannot approve their own change: someone else must add it`;
          }
        } catch (e) {
          labelUnverified = `who added it could not be read (${(e as Error).message})`;
        }
      }
    }
    if (labelUnverified) live = live.filter((l) => !isApproval(l));
    return [...live, ...(opts.labels ?? [])];
  };
  const isTeamMember: TeamMembership =
    opts.isTeamMember ??
    (async (org, team, login) => {
      const { members } = await hosts();
      if (!members) throw new RdnsError(`@${org}/${team} owns a changed address, and team membership can only be asked from GitHub`, 2, 'set GITHUB_TOKEN (or RDNS_ORG_TOKEN) and GITHUB_REPOSITORY');
      return members.isTeamMember(org, team, login);
    });

  let configSettings: string[] | undefined;
  let repo: Repository | undefined;
  let diff: RevisionDiff | undefined;
  // Owners and guard limits come from the target branch as it is now (its tip), not as it was
  // at the merge base: a right revoked on main since the branch started must not still count.
  let tip: Promise<RevisionModel> | undefined;
  const baseTip = (d: RevisionDiff): Promise<RevisionModel> => {
    const { base: mergeBase, baseTip: tipCommit } = d.pair.revisions;
    if (tipCommit === mergeBase) return Promise.resolve(d.pair.base);
    return (tip ??= loadFilesAt(root, tipCommit, [...new Set([...d.pair.base.files, ...d.pair.head.files])]));
  };
  const steps: CiSteps = {
    validate: async () => {
      // --head: that revision, not the checked-out files; judged by the target branch's rdns.yaml.
      const { config, revisions } = await trusted();
      repo = opts.head ? await loadRepositoryAt(root, revisions.headCommit, undefined, config) : loadRepository(root, undefined, { config });
      return { diagnostics: [...repo.diagnostics, ...renderFindings(repo)], note: `${repo.fileCount} file${repo.fileCount === 1 ? '' : 's'}, ${repo.recordCount} record${repo.recordCount === 1 ? '' : 's'}` };
    },
    diff: async () => {
      const { revisions, config } = await trusted();
      const d = await diffRevisions(root, { base: revisions.baseTip, head: opts.head === undefined ? undefined : revisions.headCommit, revisions, config });
      diff = d;
      const n = d.changeSet.changes.length;
      // Every path the pull request adds or changes, not only block files: Terraform state it carries is refused.
      const touched = (await changedFiles(root, revisions.base, revisions.head)).filter((f) => f.status !== 'deleted').map((f) => f.path);
      const diagnostics = [...d.diagnostics, ...committedStateFindings(touched)];
      if (d.pair.changed.some((f) => f.path === CONFIG_FILE || f.oldPath === CONFIG_FILE)) {
        const [before, after] = await Promise.all([readFilesAt(root, revisions.base, [CONFIG_FILE]), readFilesAt(root, revisions.head, [CONFIG_FILE])]);
        configSettings = changedSettings(configData(before.get(CONFIG_FILE)), configData(after.get(CONFIG_FILE)));
      }
      return { changeSet: d.changeSet, diagnostics, note: `${n} record change${n === 1 ? '' : 's'} in ${d.changeSet.files.length} block file${d.changeSet.files.length === 1 ? '' : 's'} since ${opts.baseName ?? base}` };
    },
    ownership: async (cs) => {
      const config = configSettings ? await checkConfigChange({ settings: configSettings, owners: (await trusted()).config.owners, author, isTeamMember }) : undefined;
      if (!author || !diff) return { diagnostics: config?.diagnostics ?? [], skipped: 'no pull-request author (pass --author LOGIN)' };
      const o = await ownershipStep(cs, diff, await baseTip(diff), author, isTeamMember);
      return { diagnostics: [...(config?.diagnostics ?? []), ...o.diagnostics], note: [o.note, config?.note].filter(Boolean).join('; ') };
    },
    guards: async (cs) => {
      // The base's limits: a pull request must not lift the guard that judges it.
      const { config } = await trusted();
      const have = await labels(config.guards.label);
      const approved = have.some((l) => l.toLowerCase() === config.guards.label.toLowerCase());
      const changed = cs.counts.added + cs.counts.changed + cs.counts.reset + cs.counts.removed;
      return {
        diagnostics: [
          ...checkGuards({ changeSet: cs, guards: config.guards, labels: have }),
          ...(labelUnverified ? [diag('guard.label-unverified', `the "${config.guards.label}" label does not count: ${labelUnverified}`)] : []),
        ],
        note: `${changed} record${changed === 1 ? '' : 's'} changed (limit ${config.guards.maxChangedRecords}, deletes ≤ ${config.guards.maxDeletePercent}% of a zone)${approved ? `; label "${config.guards.label}" present` : ''}${labelNotice ? `; ${labelNotice}` : ''}`,
      };
    },
    fcrdns: (cs) => (opts.resolver ? fcrdnsStep(cs, opts.resolver) : Promise.resolve({ diagnostics: [], skipped: '--no-fcrdns' })),
  };
  const report = await runCi(steps, pr);
  return { report, files: repo?.fileCount ?? 0, records: repo?.recordCount ?? 0, pullRequestHost: prHost };
}

/** Ownership of every changed address; failed team lookups count as "not a member" (fail closed) and are named in the note. */
async function ownershipStep(cs: ChangeSet, diff: RevisionDiff, tip: RevisionModel, author: string, isTeamMember: TeamMembership): Promise<StepOutcome> {
  const failures: string[] = [];
  const lookup = async (org: string, team: string, login: string): Promise<boolean> => {
    try {
      return await isTeamMember(org, team, login);
    } catch (e) {
      failures.push(e instanceof RdnsError ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : (e as Error).message);
      throw e;
    }
  };
  // The tip's blocks first; a block file the target branch no longer has keeps its owners of the merge base.
  const tipFiles = new Set(tip.blocks.map((b) => b.file));
  const base = tip === diff.pair.base ? tip : { blocks: [...tip.blocks, ...diff.pair.base.blocks.filter((b) => !tipFiles.has(b.file))] };
  const diagnostics = await checkOwnership({ author, changeSet: cs, base, head: diff.pair.head, isTeamMember: lookup, renames: diff.pair.renames });
  const who = `@${author.replace(/^@/, '')}`;
  if (failures.length > 0) return { diagnostics, note: `team membership could not be read, counted as not a member: ${failures[0]}` };
  return { diagnostics, note: diagnostics.length === 0 ? `${who} may change every changed address` : `${who} changes addresses owned by others` };
}

async function fcrdnsStep(cs: ChangeSet, resolver: DnsResolver): Promise<StepOutcome> {
  const targets = fcrdnsTargetsOfChanges(cs.changes);
  if (targets.length === 0) return { diagnostics: [], note: 'no new PTR to confirm' };
  const r = await checkFcrdns(targets, resolver);
  if (r.unreachable) {
    // No DNS from the runner is not the author's fault: say so, but do not block the merge.
    return {
      diagnostics: r.diagnostics.map((d) => ({ ...d, severity: 'warning' as const })),
      note: `not verified: no DNS server answered (${targets.length} name${targets.length === 1 ? '' : 's'})`,
    };
  }
  return { diagnostics: r.diagnostics, note: `${r.passed} of ${r.checked} new PTR name${r.checked === 1 ? '' : 's'} confirmed (resolve back to the IP)` };
}
