/** Runs `rdns ci` as the pull_request workflow would: an event file, the Actions environment, the fake GitHub API. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runCliInProcess, spawnCli } from './cli.js';
import type { GitRepo } from './git-repo.js';
import { startFakeGitHub, type FakeGitHub } from './github-api.js';

/**
 * The GitHub side of the hostile pull-request tests (ci-untrusted, ci-untrusted-base): the
 * fake API answering `token`, the NOC team (alice) and the administrators (root-admin) of
 * example-isp, and a folder for the event file. `close` stops the API and removes the folder.
 */
export async function startPullRequestStandIn(token: string): Promise<{ gh: FakeGitHub; work: string; close: () => Promise<void> }> {
  const gh = await startFakeGitHub({ token });
  gh.teams.set('example-isp/noc', ['alice']);
  gh.teams.set('example-isp/admins', ['root-admin']);
  const work = mkdtempSync(join(tmpdir(), 'rdns-ci-pr-'));
  return {
    gh,
    work,
    close: async () => {
      await gh.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export interface CiRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface PullRequest {
  /** Folder for the event file. */
  readonly work: string;
  readonly repo: GitRepo;
  readonly author: string;
  readonly labels?: readonly string[];
  readonly token: string;
  /** The fake GitHub API's URL. */
  readonly apiUrl: string;
  /** The event's action (default `synchronize`) and `pull_request.updated_at` (GitHub sets it to the time of the event). */
  readonly action?: string;
  readonly updatedAt?: string;
  /** The event's `pull_request.base.sha` (default: the tip of the branch `main`, as GitHub sends it; null: none, as an older event). */
  readonly baseSha?: string | null;
  /** More variables (undefined removes one). */
  readonly env?: Record<string, string | undefined>;
}

/** The variables a pull_request job sets for PR #7 from branch `change` into `main` (undefined: unset), with its event file written. */
export function pullRequestVariables(pr: PullRequest): Record<string, string | undefined> {
  const event = join(pr.work, 'event.json');
  const baseSha = pr.baseSha === undefined ? branchTip(pr.repo, 'main') : pr.baseSha;
  writeFileSync(
    event,
    JSON.stringify({
      action: pr.action ?? 'synchronize',
      number: 7,
      pull_request: { number: 7, user: { login: pr.author }, ...(pr.updatedAt ? { updated_at: pr.updatedAt } : {}), base: { ref: 'main', ...(baseSha ? { sha: baseSha } : {}) }, head: { sha: pr.repo.rev('HEAD'), ref: 'change' }, labels: (pr.labels ?? []).map((name) => ({ name })) },
    }),
  );
  return {
    CI: 'true',
    NO_COLOR: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'example-isp/rdns',
    GITHUB_BASE_REF: 'main',
    GITHUB_TOKEN: pr.token,
    GITHUB_API_URL: pr.apiUrl,
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_STEP_SUMMARY: undefined,
    // Retries as in production (same count), waiting 10·n² ms instead of 1 000·n² (14 s per failed call).
    RDNS_GITHUB_RETRY_BASE_MS: '10',
    // Writes still one at a time, 10 ms apart instead of GitHub's 1 s and 3 s between comments (each run waited 3 s for the last one's comment).
    RDNS_GITHUB_WRITE_GAP_MS: '10',
    ...pr.env,
  };
}

/** The whole environment of that job: this process's, with the job's variables. */
export function pullRequestEnv(pr: PullRequest): NodeJS.ProcessEnv {
  return cliEnv(pullRequestVariables(pr));
}

/**
 * `rdns ci ARGS` in the repository, in-process (runCliInProcess: the same output and exit code,
 * no process start); `how: 'spawn'` runs the built CLI as a real process. Asynchronous either way:
 * the fake API lives in the test's process.
 */
export function runCi(pr: PullRequest, args: readonly string[], timeoutMs: number, how: 'in-process' | 'spawn' = 'in-process'): Promise<CiRun> {
  const options = { cwd: pr.repo.root, env: pullRequestVariables(pr), timeoutMs };
  return how === 'in-process' ? runCliInProcess(['ci', ...args], options) : spawnCli(['ci', ...args], options);
}

/** The commit of branch `name` (local, else origin's): a fully qualified ref, which no tag can shadow. */
function branchTip(repo: GitRepo, name: string): string | undefined {
  for (const ref of [`refs/heads/${name}`, `refs/remotes/origin/${name}`]) {
    try {
      return repo.git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
    } catch {
      // not this one
    }
  }
  return undefined;
}
