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
import type { Config, TeamMembers } from '../core/model.js';
import { diffRevisions, type RevisionDiff } from '../diff/diff-revisions.js';
import { loadConfigAt, loadFilesAt, loadRepositoryAt, type RevisionModel } from '../git/load-revisions.js';
import { changedFiles } from '../git/changed-files.js';
import { readFilesAt } from '../git/read-files.js';
import { commitDateOf, resolveRevisions, type ResolvedRevisions } from '../git/revisions.js';
import { createGitHubClient, normaliseApiUrl, parseRepository } from '../github/client.js';
import type { PullRequestHost } from '../github/host.js';
import { createPullRequestHost } from '../github/octokit-host.js';
import { CONFIG_FILE, configData } from '../loader/config.js';
import { loadRepository, type Repository } from '../loader/repository.js';
import { changedSettings, checkConfigChange } from '../policy/config-change.js';
import { committedStateFindings } from '../policy/committed-state.js';
import { checkGuards } from '../policy/guards.js';
import { checkOwnership, type TeamMembership } from '../policy/ownership.js';
import { renderFindings, sharedZoneFiles } from '../render/zone-records.js';
import type { PullRequestEvent } from './github-event.js';
import { forcePushes, headPushTime, labelApproval } from './label-approval.js';
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
  /** The n-th retry of a failed GitHub request waits n² × this many ms (default 1000). */
  readonly retryBaseMs?: number;
  /** The least time between two GitHub writes (default 1000 ms, as GitHub asks). */
  readonly writeGapMs?: number;
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
  /** Team membership from elsewhere (replaces every other source). */
  readonly isTeamMember?: TeamMembership;
  /**
   * Offline team membership (`rdns ci --teams FILE`): a team listed here is answered from
   * here; then the target branch's rdns.yaml `teams:`; only other teams are asked from GitHub.
   */
  readonly teams?: TeamMembers;
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
      const hostFor = (token: string): PullRequestHost => createPullRequestHost(createGitHubClient({ token, baseUrl, warn: (m) => opts.warn?.(m), ...(gh.retryBaseMs !== undefined ? { retryBaseMs: gh.retryBaseMs } : {}), ...(gh.writeGapMs !== undefined ? { writeGapMs: gh.writeGapMs } : {}) }), repoRef, token);
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
          // The label approves a commit, by a person (issue 18): who added it, their role, and when, against when the head was pushed.
          const events = host.issueEvents ? await host.issueEvents(pr.number) : [];
          const committed = await commitDateOf(root, pr.headSha ?? (await trusted()).revisions.headCommit);
          const pushed = headPushTime([
            committed ? { at: committed, source: 'the commit date' } : undefined,
            ...forcePushes(events),
            // The synchronize event is the push itself; GitHub stamps the pull request with its time.
            pr.action === 'synchronize' && pr.updatedAt ? { at: pr.updatedAt, source: 'this push' } : undefined,
          ]);
          const roleOf = (login: string): Promise<string> => (host.roleOf ? host.roleOf(login) : Promise.reject(new Error('the GitHub host cannot read roles')));
          const verdict = await labelApproval({ label: approval, author: pr.author, repository: gh?.repository ?? 'the repository', events, pushed, roleOf });
          if (!verdict.approved && verdict.byAuthor) {
            live = live.filter((l) => !isApproval(l));
            labelNotice = verdict.why;
          } else if (!verdict.approved) {
            labelUnverified = verdict.why;
            // A new push drops the approval: take the label off, so no later run (a re-run, another label) counts it again.
            const present = live.find(isApproval);
            if (verdict.stale && pr.action === 'synchronize' && host.removeLabel && present) {
              try {
                await host.removeLabel(pr.number, present);
                labelNotice = `"${present}" removed: a new push needs a new approval`;
              } catch (e) {
                labelNotice = `the "${present}" label of an earlier commit could not be removed (${(e as Error).message})`;
              }
            }
          }
        } catch (e) {
          labelUnverified = `who added it could not be read (${(e as Error).message})`;
        }
      }
    }
    if (labelUnverified) live = live.filter((l) => !isApproval(l));
    return [...live, ...(opts.labels ?? [])];
  };
  // Offline sources first: the operator's --teams file, then the target branch's rdns.yaml `teams:` (never the pull request's).
  const offlineSources = new Set<string>();
  const isTeamMember: TeamMembership =
    opts.isTeamMember ??
    (async (org, team, login) => {
      const key = `${org}/${team}`.replace(/^@/, '').toLowerCase();
      const who = login.replace(/^@/, '').toLowerCase();
      const fromFile = opts.teams?.[key];
      if (fromFile) {
        offlineSources.add('--teams');
        return fromFile.includes(who);
      }
      const fromConfig = (await trusted()).config.teams[key];
      if (fromConfig) {
        offlineSources.add('teams: in rdns.yaml');
        return fromConfig.includes(who);
      }
      const { members } = await hosts();
      if (!members) throw new RdnsError(`@${org}/${team} owns a changed address and is in no offline team list, so its membership can only be asked from GitHub`, 2, 'pass --teams FILE (team → members), add it to teams: in rdns.yaml, or set GITHUB_TOKEN (or RDNS_ORG_TOKEN) and GITHUB_REPOSITORY');
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
      if (!author || !diff) {
        // Said in every output format (text, json, github), not only in the comment's table.
        const unchecked = !author ? [diag('ownership.unchecked', 'ownership not checked (no --author): pass --author LOGIN to check that the author may change every changed address')] : [];
        return { diagnostics: [...(config?.diagnostics ?? []), ...unchecked], skipped: 'ownership not checked (no --author)' };
      }
      const o = await ownershipStep(cs, diff, await baseTip(diff), author, isTeamMember);
      const offline = offlineSources.size > 0 ? `team membership from ${[...offlineSources].join(' and ')}` : undefined;
      return { diagnostics: [...(config?.diagnostics ?? []), ...o.diagnostics], note: [o.note, offline, config?.note].filter(Boolean).join('; ') };
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
  // Zones shared at either side: a block's options for one concern every block in it.
  const sharedZones = new Map<string, string[]>();
  for (const side of [diff.pair.base, diff.pair.head]) for (const [zone, files] of sharedZoneFiles(side)) sharedZones.set(zone, [...new Set([...(sharedZones.get(zone) ?? []), ...files])]);
  const diagnostics = await checkOwnership({ author, changeSet: cs, base, head: diff.pair.head, mergeBase: diff.pair.base, isTeamMember: lookup, renames: diff.pair.renames, sharedZones });
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
