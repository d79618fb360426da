/**
 * The library API of rdns-gitops, for provisioning code and other tools: the core
 * model, the repository loader, changing PTRs from code, change sets, checks, the
 * render model and the pull-request job. The `rdns` command is built on the same API.
 */
export * from './core/index.js';
export * from './loader/index.js';
// Changing PTRs from code: setPtr / resetPtr / applyBulk (see src/edit/api.ts).
export * from './edit/index.js';
// Pull requests: record-level change sets between git revisions, ownership, guards, CODEOWNERS.
export * from './diff/index.js';
export { changedFiles, readFilesAt, resolveRevisions, loadRevisionPair, WORKTREE, type ChangedFile, type ResolvedRevisions, type RevisionPair, type RevisionModel } from './git/index.js';
export { checkOwnership, ownerMatcher, type TeamMembership, type OwnershipInput } from './policy/ownership.js';
export { checkGuards, type GuardInput } from './policy/guards.js';
export { renderCodeowners, checkCodeowners, codeownersLines } from './policy/codeowners.js';
// The rendered zones without cdktf: every zone's effective records (defaults, RFC 2317), and export formats.
export { zoneContents, effectiveRecords, stackNameOf, type ZoneContents, type ZoneRecord, type BlockContents, type RenderModel, type ForwardRecords } from './render/zone-records.js';
export { formatExportJson, formatExportCsv, formatZoneFile, formatExportZones, type ApexOptions, type ExportFormat } from './render/export-format.js';
export { stackInfoOf, zoneStacksOf, changedStacks, type StackInfo, type ZoneStack } from './render/stacks.js';
export { summarizePlan, type StackPlan } from './terraform/plan-summary.js';
// DNS checks through an injected resolver: FCrDNS (checkFcrdns with fcrdnsTargetsOfChanges for a pull request), audit, delegation.
export * from './checks/index.js';
// The pull-request job without the CLI: runPullRequestJob (the whole job), runCi over injected steps, the sticky comment, check-run annotations, and GitHub behind PullRequestHost.
export { runPullRequestJob, type PullRequestJobOptions, type PullRequestJobResult, type GitHubAccess } from './ci/pull-request-job.js';
export { runCi, ciExitCode, type CiReport, type CiSteps, type StepOutcome, type DiffOutcome, type PullRequestInfo } from './ci/run-ci.js';
export { renderComment, COMMENT_MARKER, type CommentOptions } from './ci/comment.js';
export { toAnnotations, checkRunOf, publishToPullRequest, CHECK_NAME, type PublishOutcome } from './ci/publish.js';
export { pullRequestOfEvent, type PullRequestEvent } from './ci/github-event.js';
export { createGitHubClient, parseRepository, type GitHubClient, type GitHubClientOptions, type RepoRef } from './github/client.js';
export { createPullRequestHost } from './github/octokit-host.js';
export type { PullRequestHost, CheckAnnotation, CheckRunReport, PublishedComment, PublishedCheckRun } from './github/host.js';
