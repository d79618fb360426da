/**
 * {@link PullRequestHost} over the GitHub REST API (octokit from client.ts). Every failure
 * becomes an RdnsError with the token redacted.
 */
import { RdnsError } from '../core/errors.js';
import { toGitHubError, type GitHubClient, type RepoRef } from './client.js';
import {
  chunk,
  MAX_ANNOTATIONS_PER_REQUEST,
  MAX_CHECK_OUTPUT_CHARS,
  type CheckRunReport,
  type PublishedCheckRun,
  type PublishedComment,
  type PullRequestHost,
} from './host.js';

/**
 * The REST implementation. `token` is only used to redact error messages (the client
 * already holds it for authentication).
 */
export function createPullRequestHost(client: GitHubClient, repo: RepoRef, token?: string): PullRequestHost {
  const { owner, repo: name } = repo;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw e instanceof RdnsError ? e : toGitHubError(e, what, token);
    }
  };
  // Ownership asks about the same author and team for many records: one request each.
  const membership = new Map<string, Promise<boolean>>();
  // GitHub answers 404 both for "not a member" and for a team the token may not read (GITHUB_TOKEN
  // never can): a 404 only means "not a member" once the team itself is visible. Asked once per team.
  const visibleTeams = new Map<string, Promise<void>>();
  const teamVisible = (org: string, team: string): Promise<void> => {
    const key = `${org}/${team}`.toLowerCase();
    let answer = visibleTeams.get(key);
    if (!answer) {
      answer = call(`GET /orgs/${org}/teams/${team}`, async () => {
        try {
          await client.rest.teams.getByName({ org, team_slug: team });
        } catch (e) {
          const status = (e as { status?: number }).status;
          if (status !== 404 && status !== 403) throw e;
          throw new RdnsError(
            `@${org}/${team} is not visible to the token (GitHub answered ${status}): the team does not exist, or the token cannot read organisation teams`,
            2,
            'GITHUB_TOKEN cannot read team membership: set RDNS_ORG_TOKEN to a token with read:org (or a GitHub App token with Members: read); check the team slug in owners',
          );
        }
      });
      visibleTeams.set(key, answer);
    }
    return answer;
  };

  return {
    labels: (pr) =>
      call(`GET /repos/${owner}/${name}/issues/${pr}/labels`, async () => {
        const labels = await client.paginate(client.rest.issues.listLabelsOnIssue, { owner, repo: name, issue_number: pr, per_page: 100 });
        return labels.map((l) => l.name);
      }),

    labelAppliedBy: (pr, label) =>
      call(`GET /repos/${owner}/${name}/issues/${pr}/events`, async () => {
        const events = await client.paginate(client.rest.issues.listEvents, { owner, repo: name, issue_number: pr, per_page: 100 });
        const want = label.toLowerCase();
        const added = events.filter((e) => e.event === 'labeled' && (e as { label?: { name?: string } }).label?.name?.toLowerCase() === want);
        return added.at(-1)?.actor?.login ?? undefined;
      }),

    issueEvents: (pr) =>
      call(`GET /repos/${owner}/${name}/issues/${pr}/events`, async () => {
        const events = await client.paginate(client.rest.issues.listEvents, { owner, repo: name, issue_number: pr, per_page: 100 });
        return events.map((e) => {
          const label = (e as { label?: { name?: string } }).label?.name;
          return {
            event: e.event,
            ...(label !== undefined ? { label } : {}),
            ...(e.actor ? { actor: { login: e.actor.login, ...(e.actor.type ? { type: e.actor.type } : {}) } } : {}),
            ...(e.created_at ? { at: e.created_at } : {}),
          };
        });
      }),

    roleOf: (login) =>
      call(`GET /repos/${owner}/${name}/collaborators/${login}/permission`, async () => {
        try {
          const res = await client.rest.repos.getCollaboratorPermissionLevel({ owner, repo: name, username: login });
          // role_name is exact (triage, maintain); the legacy permission folds them into read and write.
          return (res.data as { role_name?: string }).role_name ?? res.data.permission;
        } catch (e) {
          if ((e as { status?: number }).status === 404) return 'none';
          throw e;
        }
      }),

    removeLabel: (pr, label) =>
      call(`DELETE /repos/${owner}/${name}/issues/${pr}/labels/${label}`, async () => {
        try {
          await client.rest.issues.removeLabel({ owner, repo: name, issue_number: pr, name: label });
        } catch (e) {
          if ((e as { status?: number }).status !== 404) throw e;
        }
      }),

    isTeamMember(org, team, login) {
      const key = `${org}/${team}/${login}`.toLowerCase();
      let answer = membership.get(key);
      if (!answer) {
        answer = (async () => {
          const member = await call(`GET /orgs/${org}/teams/${team}/memberships/${login}`, async () => {
            try {
              const res = await client.rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username: login });
              // A pending invitation does not make someone a member yet.
              return res.data.state === 'active';
            } catch (e) {
              if ((e as { status?: number }).status === 404) return undefined;
              throw e;
            }
          });
          if (member !== undefined) return member;
          await teamVisible(org, team);
          return false;
        })();
        membership.set(key, answer);
      }
      return answer;
    },

    upsertStickyComment: (pr, marker, body) =>
      call(`sticky comment on #${pr}`, async (): Promise<PublishedComment> => {
        const comments = await client.paginate(client.rest.issues.listComments, { owner, repo: name, issue_number: pr, per_page: 100 });
        // The marker opens our body; a human quoting it further down must not be overwritten.
        const marked = comments.filter((c) => (c.body ?? '').trimStart().startsWith(marker));
        // Anyone may post a comment that starts with the marker: updating theirs would put the verdict
        // under their name (and let them edit it) or fail. Ours is the bot's (GITHUB_TOKEN, a GitHub App),
        // or, for a personal token, the token owner's.
        let mine = marked.find((c) => c.user?.type === 'Bot');
        if (!mine && marked.length > 0) {
          const me = await client.rest.users.getAuthenticated().then(
            (r) => r.data.login.toLowerCase(),
            () => undefined, // installation tokens may not ask: then only a bot's comment is ours
          );
          mine = me ? marked.find((c) => c.user?.login.toLowerCase() === me) : undefined;
        }
        if (mine) {
          const res = await client.rest.issues.updateComment({ owner, repo: name, comment_id: mine.id, body });
          return { id: res.data.id, url: res.data.html_url, created: false };
        }
        const res = await client.rest.issues.createComment({ owner, repo: name, issue_number: pr, body });
        return { id: res.data.id, url: res.data.html_url, created: true };
      }),

    publishCheckRun: (report: CheckRunReport) =>
      call(`check run "${report.name}"`, async (): Promise<PublishedCheckRun> => {
        const output = { title: report.title, summary: report.summary.slice(0, MAX_CHECK_OUTPUT_CHARS) };
        const created = await client.rest.checks.create({ owner, repo: name, name: report.name, head_sha: report.headSha, status: 'in_progress', output });
        const batches = chunk(report.annotations, MAX_ANNOTATIONS_PER_REQUEST);
        if (batches.length === 0) batches.push([]);
        // GitHub appends the annotations of each update; the last update also completes the run.
        for (const [i, annotations] of batches.entries()) {
          const last = i === batches.length - 1;
          await client.rest.checks.update({
            owner,
            repo: name,
            check_run_id: created.data.id,
            output: { ...output, annotations: annotations.map((a) => ({ ...a })) },
            ...(last ? { status: 'completed' as const, conclusion: report.conclusion, completed_at: new Date().toISOString() } : {}),
          });
        }
        return { id: created.data.id, url: created.data.html_url ?? undefined, batches: batches.length };
      }),
  };
}
