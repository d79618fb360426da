import { appendFileSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { COMMENT_MARKER, renderComment, type CommentOptions } from '../../ci/comment.js';
import { pullRequestOfEvent, type PullRequestEvent } from '../../ci/github-event.js';
import { CHECK_NAME, publishToPullRequest } from '../../ci/publish.js';
import { runPullRequestJob } from '../../ci/pull-request-job.js';
import { ciExitCode } from '../../ci/run-ci.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { RdnsError } from '../../core/errors.js';
import { FORMATS, formatDiagnostics, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { resolverFromFlags } from './check.js';
import { collect } from '../options.js';
import { typedPath } from '../paths.js';
import type { TeamMembers } from '../../core/model.js';
import { parseTeamsFile } from '../../loader/teams-file.js';

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
  teams?: string;
}

/** `--teams FILE`: team → members, read and checked before any work (a mistake is a usage error naming line and column). */
function readTeams(ctx: CliContext, file: string): TeamMembers {
  let bytes: Buffer;
  try {
    bytes = readFileSync(typedPath(ctx, file));
  } catch (e) {
    throw new RdnsError(`--teams ${file}: cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
  const r = parseTeamsFile(bytes, file);
  if (r.diagnostics.length > 0) {
    throw new RdnsError(`--teams ${file} is not a team list:\n${r.diagnostics.map((d) => `  ${d.file ?? file}:${d.line ?? 1}:${d.column ?? 1}: ${d.code} ${d.message}`).join('\n')}`, 2, 'write one team a line with its members: "example-isp/noc: [alice, bob]" (schema/teams.schema.json)');
  }
  return r.teams;
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
  /** RDNS_GITHUB_RETRY_BASE_MS: the wait before GitHub retries (n² × this many ms). */
  readonly retryBaseMs?: number;
  /** RDNS_GITHUB_WRITE_GAP_MS: the least time between two GitHub writes (default 1000 ms). */
  readonly writeGapMs?: number;
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
    retryBaseMs: millisecondsOf('RDNS_GITHUB_RETRY_BASE_MS', env.RDNS_GITHUB_RETRY_BASE_MS),
    writeGapMs: millisecondsOf('RDNS_GITHUB_WRITE_GAP_MS', env.RDNS_GITHUB_WRITE_GAP_MS),
  };
}

function millisecondsOf(name: string, text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (!/^\d{1,6}$/.test(text)) throw new RdnsError(`${name} must be a number of milliseconds, not "${text}"`, 2);
  return Number(text);
}

/** `rdns ci`: the pull-request job. */
export function registerCi(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('ci')
    .description('the pull-request job: validate, diff, ownership, change guards, FCrDNS of changed records; annotations, step summary, one sticky PR comment and a check run')
    .option('--base <ref>', 'the target branch\'s commit or full ref (default: the event\'s pull_request.base.sha, else refs/remotes/origin/$GITHUB_BASE_REF); a name a tag could shadow is refused')
    .option('--head <ref>', 'head revision (default: the checked-out work tree)')
    .addOption(new Option('--format <format>', 'stdout: markdown = the PR comment body (default outside GitHub Actions), github = workflow-command annotations (default in Actions)').choices([...FORMATS, 'markdown']))
    .option('--resolver <host:port>', 'DNS server for FCrDNS (repeatable; default: the system resolvers)', collect, [])
    .option('--timeout <ms>', 'FCrDNS per-try timeout in milliseconds', '2000')
    .option('--no-fcrdns', 'skip FCrDNS (e.g. names only resolvable on another network)')
    .option('--no-publish', 'do not comment on the pull request or create a check run')
    .option('--author <login>', 'check ownership as this GitHub user (default: the pull request\'s author)')
    .option('--label <name>', 'treat the pull request as carrying this label (repeatable; added to the labels read from GitHub)', collect, [])
    .option('--teams <file>', 'team membership without GitHub: a YAML/JSON file of "org/team: [login, …]" (teams it lists are not asked from GitHub)')
    .action(async (opts: CiFlags) => {
      const ctx = context();
      const teams = opts.teams !== undefined ? readTeams(ctx, opts.teams) : undefined;
      const gh = actionsEnv(ctx);
      const format: CiFormat = opts.format ?? (gh.inActions ? 'github' : 'markdown');
      // The base is the target branch's commit the event names; else its remote-tracking branch,
      // fully qualified: a tag the author pushes (named `main`, `origin/main`) can shadow a bare name.
      const branch = gh.baseRef ?? gh.pr?.baseRef;
      const base = opts.base ?? gh.pr?.baseSha ?? (branch ? `refs/remotes/origin/${branch}` : undefined);
      if (!base) throw new RdnsError('no base revision to compare with', 2, 'pass --base with the target branch\'s commit (in a pull_request workflow: the event\'s pull_request.base.sha)');
      const baseName = opts.base ?? branch ?? base;
      // Built before any work, so a bad --resolver is a usage error at once.
      const resolver = opts.fcrdns ? resolverFromFlags({ resolver: opts.resolver, timeout: opts.timeout, retries: '1', concurrency: '64' }) : undefined;
      const { report, files, records, pullRequestHost } = await runPullRequestJob({
        root: ctx.root,
        base,
        baseName,
        head: opts.head,
        author: opts.author,
        pr: gh.pr,
        labels: opts.label,
        ...(teams ? { teams } : {}),
        resolver,
        github: { repository: gh.repository, token: gh.token, orgToken: gh.orgToken, apiUrl: gh.apiUrl, retryBaseMs: gh.retryBaseMs, writeGapMs: gh.writeGapMs },
        warn: (m) => ctx.stderr(`rdns: ${m}\n`),
      });

      const commentOptions: CommentOptions = {
        baseRef: baseName,
        runUrl: gh.runUrl,
        ...(gh.repository && gh.pr?.headSha ? { links: { serverUrl: gh.serverUrl, repository: gh.repository, sha: gh.pr.headSha } } : {}),
      };
      const body = renderComment(report, commentOptions);
      const summary = { ...summarize(report.diagnostics, files, records), changes: report.changeSet?.changes.length ?? 0 };
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
      const host = opts.publish ? await pullRequestHost() : undefined;
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
