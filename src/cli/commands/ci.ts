import { appendFileSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { checkFcrdns, fcrdnsTargetsOfChanges } from '../../checks/fcrdns.js';
import type { DnsResolver } from '../../checks/resolver.js';
import { COMMENT_MARKER, renderComment, type CommentOptions } from '../../ci/comment.js';
import { pullRequestOfEvent, type PullRequestEvent } from '../../ci/github-event.js';
import { CHECK_NAME, publishToPullRequest } from '../../ci/publish.js';
import { ciExitCode, runCi, type CiSteps, type StepOutcome } from '../../ci/run-ci.js';
import type { ChangeSet } from '../../core/changeset.js';
import { diag, type Diagnostic } from '../../core/diagnostics.js';
import { RdnsError } from '../../core/errors.js';
import { diffRevisions, type RevisionDiff } from '../../diff/diff-revisions.js';
import { loadConfigAt, loadFilesAt, loadRepositoryAt, type RevisionModel } from '../../git/load-revisions.js';
import { readFilesAt } from '../../git/read-files.js';
import { resolveRevisions, type ResolvedRevisions } from '../../git/revisions.js';
import type { Config } from '../../core/model.js';
import { checkConfigChange, changedSettings } from '../../policy/config-change.js';
import { createGitHubClient, normaliseApiUrl, parseRepository } from '../../github/client.js';
import type { PullRequestHost } from '../../github/host.js';
import { createPullRequestHost } from '../../github/octokit-host.js';
import { checkGuards } from '../../policy/guards.js';
import { renderFindings } from '../../render/zone-records.js';
import { CONFIG_FILE, configData } from '../../loader/config.js';
import { checkOwnership } from '../../policy/ownership.js';
import { loadRepository, type Repository } from '../../loader/repository.js';
import { FORMATS, formatDiagnostics, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { resolverFromFlags } from './check.js';
import { collect } from '../options.js';

type CiFormat = Format | 'markdown';

interface CiFlags {
  base?: string;
  head?: string;
  format?: CiFormat;
  resolver: string[];
  timeout: string;
  fcrdns: boolean;
  publish: boolean;
  author?: string;
  label: string[];
}


/** The GitHub Actions environment `rdns ci` reads (all through the CLI context). */
interface ActionsEnv {
  readonly pr?: PullRequestEvent;
  readonly repository?: string;
  readonly token?: string;
  /** A token that may read organisation team membership (read:org); GITHUB_TOKEN cannot. */
  readonly orgToken?: string;
  readonly apiUrl?: string;
  readonly serverUrl: string;
  readonly runUrl?: string;
  readonly stepSummary?: string;
  readonly baseRef?: string;
  readonly inActions: boolean;
}

function actionsEnv(ctx: CliContext): ActionsEnv {
  const env = ctx.env;
  let pr: PullRequestEvent | undefined;
  if (env.GITHUB_EVENT_PATH) {
    let text: string;
    try {
      text = readFileSync(env.GITHUB_EVENT_PATH, 'utf8');
    } catch (e) {
      throw new RdnsError(`cannot read the GitHub event (GITHUB_EVENT_PATH): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
    try {
      pr = pullRequestOfEvent(JSON.parse(text));
    } catch {
      throw new RdnsError('the GitHub event (GITHUB_EVENT_PATH) is not JSON', 2);
    }
  }
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY || undefined;
  return {
    pr,
    repository,
    token: env.GITHUB_TOKEN || undefined,
    orgToken: env.RDNS_ORG_TOKEN || undefined,
    apiUrl: env.GITHUB_API_URL || undefined,
    serverUrl,
    runUrl: repository && env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    stepSummary: env.GITHUB_STEP_SUMMARY || undefined,
    baseRef: env.GITHUB_BASE_REF || undefined,
    inActions: env.GITHUB_ACTIONS === 'true',
  };
}

/** `rdns ci`: the pull-request job. */
export function registerCi(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('ci')
    .description('the pull-request job: validate, diff, ownership, change guards, FCrDNS of changed records; annotations, step summary, one sticky PR comment and a check run')
    .option('--base <ref>', 'target branch or revision (default: GITHUB_BASE_REF, else the event\'s base branch)')
    .option('--head <ref>', 'head revision (default: the checked-out work tree)')
    .addOption(new Option('--format <format>', 'stdout: markdown = the PR comment body (default outside GitHub Actions), github = workflow-command annotations (default in Actions)').choices([...FORMATS, 'markdown']))
    .option('--resolver <host:port>', 'DNS server for FCrDNS (repeatable; default: the system resolvers)', collect, [])
    .option('--timeout <ms>', 'FCrDNS per-try timeout in milliseconds', '2000')
    .option('--no-fcrdns', 'skip FCrDNS (e.g. names only resolvable on another network)')
    .option('--no-publish', 'do not comment on the pull request or create a check run')
    .option('--author <login>', 'check ownership as this GitHub user (default: the pull request\'s author)')
    .option('--label <name>', 'treat the pull request as carrying this label (repeatable; added to the labels read from GitHub)', collect, [])
    .action(async (opts: CiFlags) => {
      const ctx = context();
      const gh = actionsEnv(ctx);
      const format: CiFormat = opts.format ?? (gh.inActions ? 'github' : 'markdown');
      const base = opts.base ?? gh.baseRef ?? gh.pr?.baseRef;
      if (!base) throw new RdnsError('no base revision to compare with', 2, 'pass --base main (in a pull_request workflow GITHUB_BASE_REF is set)');
      const author = opts.author ?? gh.pr?.author;
      // Built before any work, so a bad --resolver is a usage error at once.
      const resolver = opts.fcrdns ? resolverFromFlags({ resolver: opts.resolver, timeout: opts.timeout, retries: '1', concurrency: '64' }) : undefined;

      // Without a token and a repository there is nothing to talk to: a local run. Labels,
      // the comment and the check run also need a pull request. Built once the diff is known:
      // without GITHUB_API_URL the API URL is the target branch's github.api_url, never the pull
      // request's own rdns.yaml (which could send the token to a server of its choosing).
      const repoRef = gh.repository && (gh.token || gh.orgToken) ? parseRepository(gh.repository) : undefined;
      if (gh.apiUrl) normaliseApiUrl(gh.apiUrl);
      let clients: Promise<{ api?: PullRequestHost; members?: PullRequestHost }> | undefined;
      const hosts = (): Promise<{ api?: PullRequestHost; members?: PullRequestHost }> =>
        (clients ??= (async () => {
          if (!repoRef) return {};
          const baseUrl = gh.apiUrl ?? (await trusted()).config.githubApiUrl;
          const hostFor = (token: string): PullRequestHost => createPullRequestHost(createGitHubClient({ token, baseUrl, warn: (m) => ctx.stderr(`rdns: ${m}\n`) }), repoRef, token);
          const api = gh.token ? hostFor(gh.token) : undefined;
          // GITHUB_TOKEN cannot read organisation teams; RDNS_ORG_TOKEN (read:org) can.
          return { api, members: gh.orgToken ? hostFor(gh.orgToken) : api };
        })());
      const prHost = async (): Promise<PullRequestHost | undefined> => (gh.pr ? (await hosts()).api : undefined);
      let labelNotice: string | undefined;
      // Why the approval label on the pull request does not count (GitHub could not confirm who added it).
      let labelUnverified: string | undefined;
      const labels = async (approval: string): Promise<string[]> => {
        const isApproval = (l: string): boolean => l.toLowerCase() === approval.toLowerCase();
        let live = gh.pr?.labels ?? [];
        const host = await prHost();
        if (!host || !gh.pr) {
          // The event's labels say nothing about who added them: only --label (the operator's word) approves.
          if (live.some(isApproval)) labelUnverified = 'no GitHub token to check who added it';
        } else {
          try {
            live = await host.labels(gh.pr.number);
          } catch (e) {
            // Fail closed: the event payload is no verified approval.
            if (live.some(isApproval)) labelUnverified = `the pull request's labels could not be read (${(e as Error).message})`;
            labelNotice = `labels from the event (the API failed: ${(e as Error).message})`;
          }
          // Whoever can push a branch can also label: the author's own label approves nothing, nor one nobody is known to have added.
          if (!labelUnverified && live.some(isApproval)) {
            try {
              const by = host.labelAppliedBy ? await host.labelAppliedBy(gh.pr.number, approval) : undefined;
              if (!by) labelUnverified = 'its events do not say who added it';
              else if (by.toLowerCase() === gh.pr.author.toLowerCase()) {
                live = live.filter((l) => !isApproval(l));
                labelNotice = `"${approval}" was added by the author @${by}, and an author cannot approve their own change: someone else must add it`;
              }
            } catch (e) {
              labelUnverified = `who added it could not be read (${(e as Error).message})`;
            }
          }
        }
        if (labelUnverified) live = live.filter((l) => !isApproval(l));
        return [...live, ...opts.label];
      };
      const isTeamMember = async (org: string, team: string, login: string): Promise<boolean> => {
        const { members } = await hosts();
        if (!members) throw new RdnsError(`@${org}/${team} owns a changed address, and team membership can only be asked from GitHub`, 2, 'set GITHUB_TOKEN (or RDNS_ORG_TOKEN) and GITHUB_REPOSITORY');
        return members.isTeamMember(org, team, login);
      };

      // The target branch decides: its rdns.yaml (as it is at its tip) is the policy for every
      // verdict below; the head's rdns.yaml is data, and a change to it is a finding of its own.
      let trustedPolicy: Promise<{ revisions: ResolvedRevisions; config: Config }> | undefined;
      const trusted = (): Promise<{ revisions: ResolvedRevisions; config: Config }> =>
        (trustedPolicy ??= (async () => {
          const revisions = await resolveRevisions(ctx.root, { base, head: opts.head });
          return { revisions, config: (await loadConfigAt(ctx.root, revisions.baseTip)).config };
        })());
      let configSettings: string[] | undefined;

      let repo: Repository | undefined;
      let diff: RevisionDiff | undefined;
      // Owners and guard limits come from the target branch as it is now (its tip), not as it was
      // at the merge base: a right revoked on main since the branch started must not still count.
      let tip: Promise<RevisionModel> | undefined;
      const baseTip = (d: RevisionDiff): Promise<RevisionModel> => {
        const { base: mergeBase, baseTip: tipCommit } = d.pair.revisions;
        if (tipCommit === mergeBase) return Promise.resolve(d.pair.base);
        return (tip ??= loadFilesAt(ctx.root, tipCommit, [...new Set([...d.pair.base.files, ...d.pair.head.files])]));
      };
      const steps: CiSteps = {
        validate: async () => {
          // --head: that revision, not the checked-out files; judged by the target branch's rdns.yaml.
          const { config } = await trusted();
          repo = opts.head ? await loadRepositoryAt(ctx.root, opts.head, undefined, config) : loadRepository(ctx.root, undefined, { config });
          return { diagnostics: [...repo.diagnostics, ...renderFindings(repo)], note: `${repo.fileCount} file${repo.fileCount === 1 ? '' : 's'}, ${repo.recordCount} record${repo.recordCount === 1 ? '' : 's'}` };
        },
        diff: async () => {
          const { revisions, config } = await trusted();
          const d = await diffRevisions(ctx.root, { base, head: opts.head, revisions, config });
          diff = d;
          const n = d.changeSet.changes.length;
          const diagnostics = [...d.diagnostics];
          if (d.pair.changed.some((f) => f.path === CONFIG_FILE || f.oldPath === CONFIG_FILE)) {
            const [before, after] = await Promise.all([readFilesAt(ctx.root, revisions.base, [CONFIG_FILE]), readFilesAt(ctx.root, revisions.head, [CONFIG_FILE])]);
            configSettings = changedSettings(configData(before.get(CONFIG_FILE)), configData(after.get(CONFIG_FILE)));
          }
          return { changeSet: d.changeSet, diagnostics, note: `${n} record change${n === 1 ? '' : 's'} in ${d.changeSet.files.length} block file${d.changeSet.files.length === 1 ? '' : 's'} since ${base}` };
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
        fcrdns: (cs) => (resolver ? fcrdnsStep(cs, resolver) : Promise.resolve({ diagnostics: [], skipped: '--no-fcrdns' })),
      };
      const report = await runCi(steps, gh.pr);

      const commentOptions: CommentOptions = {
        baseRef: base,
        runUrl: gh.runUrl,
        ...(gh.repository && gh.pr?.headSha ? { links: { serverUrl: gh.serverUrl, repository: gh.repository, sha: gh.pr.headSha } } : {}),
      };
      const body = renderComment(report, commentOptions);
      const summary = { ...summarize(report.diagnostics, repo?.fileCount ?? 0, repo?.recordCount ?? 0), changes: report.changeSet?.changes.length ?? 0 };
      if (format === 'markdown') ctx.stdout(body);
      else ctx.stdout(formatDiagnostics(format, report.diagnostics as Diagnostic[], summary, ctx.color));

      if (gh.stepSummary) {
        try {
          // The step summary has a 1 MiB limit; the comment's own bound keeps well under it.
          appendFileSync(gh.stepSummary, `${body.replace(`${COMMENT_MARKER}\n`, '')}\n`);
        } catch (e) {
          ctx.stderr(`rdns: warning: cannot write the step summary (GITHUB_STEP_SUMMARY): ${(e as Error).message}\n`);
        }
      }
      const host = opts.publish ? await prHost() : undefined;
      if (host && gh.pr && opts.publish) {
        const published = await publishToPullRequest(host, report, body, gh.pr);
        for (const n of published.notices) ctx.stderr(`rdns: warning: ${n}\n`);
        if (published.comment) ctx.stderr(`rdns: pull-request comment ${published.comment.created ? 'created' : 'updated'}${published.comment.url ? `: ${published.comment.url}` : ''}\n`);
        if (published.checkRun) ctx.stderr(`rdns: check run "${CHECK_NAME}" completed with ${report.diagnostics.filter((d) => d.file).length} annotations in ${published.checkRun.batches} update(s)\n`);
      } else if (gh.inActions && opts.publish) {
        ctx.stderr(`rdns: not commenting: ${!gh.pr ? 'not a pull_request event' : !gh.token ? 'GITHUB_TOKEN is not set' : 'GITHUB_REPOSITORY is not set'}\n`);
      }
      setExit(ciExitCode(report));
    });
}

/** Ownership of every changed address; failed team lookups count as "not a member" (fail closed) and are named in the note. */
async function ownershipStep(cs: ChangeSet, diff: RevisionDiff, tip: RevisionModel, author: string, isTeamMember: (org: string, team: string, login: string) => Promise<boolean>): Promise<StepOutcome> {
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
