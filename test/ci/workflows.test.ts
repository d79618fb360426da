/**
 * Lints .github/workflows: the public GitHub workflow JSON Schema (through
 * @action-validator/core, offline) and the security rules a reviewer would check by
 * hand: least-privilege permissions per job, no pull_request_target, actions pinned to
 * full commit SHAs, no `${{ }}` expressions inside shell or script bodies (script
 * injection), OIDC only where AWS is used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = join(import.meta.dirname, '../../.github/workflows');
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string> | string;
  steps?: Step[];
  environment?: string;
  concurrency?: unknown;
  needs?: string | string[];
  if?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}

const text = (f: string): string => readFileSync(join(DIR, f), 'utf8');
const load = (f: string): Workflow => parse(text(f)) as Workflow;

/** Structural security findings for one workflow text (empty = fine). */
function securityFindings(source: string): string[] {
  const wf = parse(source) as Workflow;
  const out: string[] = [];
  const triggers = typeof wf.on === 'string' ? [wf.on] : Array.isArray(wf.on) ? wf.on : Object.keys(wf.on ?? {});
  if (triggers.includes('pull_request_target')) out.push('uses pull_request_target');
  if (!wf.permissions || Object.keys(wf.permissions).length > 0) out.push('top-level permissions must be {} (each job asks for its own)');
  for (const [name, job] of Object.entries(wf.jobs ?? {})) {
    if (!job.permissions || typeof job.permissions === 'string') out.push(`job ${name}: no explicit permissions map`);
    const perms = typeof job.permissions === 'object' ? job.permissions : {};
    const usesAws = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    if (perms['id-token'] === 'write' && !usesAws) out.push(`job ${name}: id-token: write without AWS`);
    if (usesAws && perms['id-token'] !== 'write') out.push(`job ${name}: AWS without OIDC`);
    for (const [i, step] of (job.steps ?? []).entries()) {
      if (step.uses && !step.uses.startsWith('./') && !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(step.uses)) out.push(`job ${name} step ${i}: ${step.uses} is not pinned to a full commit SHA`);
      if (step.run?.includes('${{')) out.push(`job ${name} step ${i}: \${{ }} inside run: (pass it through env:)`);
      const script = step.with?.script;
      if (typeof script === 'string' && script.includes('${{')) out.push(`job ${name} step ${i}: \${{ }} inside a github-script body`);
    }
  }
  // Pins need a human-readable version next to them.
  for (const line of source.split('\n')) {
    const m = /uses:\s*([^\s#]+@[0-9a-f]{40})(.*)$/.exec(line);
    if (m && !/#\s*v\d+(\.\d+)*/.test(m[2]!)) out.push(`${m[1]}: no "# vX.Y.Z" comment`);
  }
  return out;
}

describe('.github/workflows', () => {
  it('ships the three pipelines', () => {
    expect(FILES).toEqual(['apply.yml', 'audit.yml', 'pull-request.yml']);
  });

  it.each(FILES)('%s is valid against the GitHub workflow schema', (f) => {
    expect(validateWorkflow(text(f)).errors).toEqual([]);
  });

  it.each(FILES)('%s follows the security rules', (f) => {
    expect(securityFindings(text(f))).toEqual([]);
  });

  it('the lint catches what it is meant to catch', () => {
    const bad = `on: pull_request_target
permissions: write-all
jobs:
  x:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.event.pull_request.title }}"
`;
    expect(securityFindings(bad)).toEqual([
      'uses pull_request_target',
      'top-level permissions must be {} (each job asks for its own)',
      'job x: id-token: write without AWS',
      'job x step 0: actions/checkout@v4 is not pinned to a full commit SHA',
      'job x step 1: ${{ }} inside run: (pass it through env:)',
    ]);
    expect(validateWorkflow('on: pusx\njobs:\n  a:\n    runs-onn: ubuntu-latest\n').errors.length).toBeGreaterThan(0);
  });

  it('pull request: rdns ci with full history, write access only for the comment and the check run; rdns plan per group of changed stacks', () => {
    const wf = load('pull-request.yml');
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    const ci = wf.jobs.ci!;
    expect(ci.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', checks: 'write' });
    const head = ci.steps!.find((s) => s.with?.path === 'repo')!;
    expect(head.with).toMatchObject({ 'fetch-depth': 0, 'persist-credentials': false });
    // Annotations and comment links are placed on the head's lines: check out the head, not the merge commit.
    expect(head.with).toMatchObject({ ref: '${{ github.event.pull_request.head.sha }}' });
    expect(ci.steps!.some((s) => s.run === 'node ../.rdns-tool/dist/cli/main.js ci --base "$BASE_SHA"' && s.env?.GITHUB_TOKEN === '${{ github.token }}')).toBe(true);
    expect(ci.steps!.some((s) => s.run?.includes('main.js stacks --changed-since "$BASE_SHA"') && s.run.includes('--format json'))).toBe(true);
    // The base is the event's commit, never a name a tag could shadow (issue 18, class 1).
    const ciStep = ci.steps!.find((s) => s.run?.includes('main.js ci'))!;
    expect(ciStep.run).toContain('main.js ci --base "$BASE_SHA"');
    expect(ciStep.env).toMatchObject({ BASE_SHA: '${{ github.event.pull_request.base.sha }}' });
    const plan = wf.jobs.plan!;
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(plan.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(plan.steps!.map((s) => s.uses?.split('@')[0])).toContain('hashicorp/setup-terraform');
    const planStep = plan.steps!.find((s) => s.run?.includes('main.js plan --changed-since'))!;
    expect(planStep.run).toContain('--stack "$STACKS" --no-lock --format json');
    expect(planStep.env).toMatchObject({ STACKS: '${{ matrix.stacks }}' });
    expect(wf.jobs['plan-summary']!.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(wf.jobs['plan-summary']!.steps!.some((s) => s.run?.includes('main.js plan --merge') && s.run.includes('--format markdown'))).toBe(true);
    // The sticky plan comment is the bot's own, never a comment someone else started with the marker.
    const script = wf.jobs['plan-summary']!.steps!.find((s) => typeof s.with?.script === 'string')!.with!.script as string;
    expect(script).toMatch(/startsWith\(marker\) && c\.user && c\.user\.type === 'Bot'/);
  });

  it('pull request: every job that holds a token runs the base branch\'s rdns, never the pull request\'s code', () => {
    const wf = load('pull-request.yml');
    for (const [name, job] of Object.entries(wf.jobs)) {
      const steps = job.steps ?? [];
      const tool = steps.find((s) => s.with?.path === '.rdns-tool');
      expect(tool?.with, `job ${name}`).toMatchObject({ ref: '${{ github.event.pull_request.base.sha }}', 'persist-credentials': false });
      const build = steps.findIndex((s) => s.run === '.rdns-tool/.github/scripts/build-trusted-tool.sh');
      expect(build, `job ${name} builds the trusted tool`).toBeGreaterThan(-1);
      for (const s of steps) {
        const run = s.run ?? '';
        // No install, build or script of the head: no npm/npx in the head's checkout, no head script.
        expect(run, `job ${name}`).not.toMatch(/\bnpx\b|npm (ci|install|run|test|start)|\.\/node_modules|repo\/\.github/);
        if (/main\.js/.test(run)) expect(run, `job ${name}`).toMatch(/\.rdns-tool\/dist\/cli\/main\.js/);
      }
      // The cloud credential arrives after the tool is built and the base's rdns.yaml is in place.
      const aws = steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      if (aws >= 0) {
        expect(aws).toBeGreaterThan(build);
        expect(aws).toBeGreaterThan(steps.findIndex((s) => s.run?.includes('git show "${BASE_SHA}:rdns.yaml" > rdns.yaml')));
      }
    }
    const script = readFileSync(join(DIR, '..', 'scripts', 'build-trusted-tool.sh'), 'utf8');
    expect(script).toContain('npm ci --ignore-scripts');
  });

  it('apply: on push to main, one apply at a time, behind the production environment, rdns plan then rdns apply', () => {
    const wf = load('apply.yml');
    expect(wf.on).toHaveProperty('push.branches', ['main']);
    expect(wf.concurrency).toEqual({ group: 'rdns-apply', 'cancel-in-progress': false });
    const apply = wf.jobs.apply!;
    expect(apply.environment).toBe('production');
    expect(apply.permissions).toEqual({ contents: 'read', actions: 'read', 'id-token': 'write' });
    const runs = apply.steps!.map((s) => s.run ?? '');
    const plan = runs.findIndex((r) => r.includes('node dist/cli/main.js plan "$@" --format markdown'));
    const applied = runs.findIndex((r) => r.includes('node dist/cli/main.js apply'));
    expect(plan).toBeGreaterThan(-1);
    expect(applied).toBeGreaterThan(plan);
  });

  it('apply: a push whose run was replaced while waiting is still applied (changes since the last successful apply, not since github.event.before)', () => {
    // GitHub keeps one running and ONE pending run per concurrency group: a third push cancels the
    // waiting second one, so "changed since the push's previous tip" would never apply push 2.
    const source = text('apply.yml');
    expect(source).not.toContain('github.event.before');
    const step = load('apply.yml').jobs.apply!.steps!.find((s) => s.run?.includes('actions/workflows'))!;
    expect(step.run).toMatch(/actions\/workflows\/\$\{workflow\}\/runs\?branch=main&status=success&per_page=1/);
    expect(step.env).toMatchObject({ GH_TOKEN: '${{ github.token }}' });
    const plan = load('apply.yml').jobs.apply!.steps!.find((s) => s.run?.includes('main.js plan'))!;
    expect(plan.run).toContain('set -- --changed-since "$SINCE"');
    expect(plan.env).toMatchObject({ SINCE: '${{ steps.since.outputs.rev }}' });
  });

  it('apply: after rdns apply, the changed PTRs are verified on the authoritative name servers and the verdict goes into the summary', () => {
    const steps = load('apply.yml').jobs.apply!.steps!;
    const applied = steps.findIndex((s) => s.run?.includes('node dist/cli/main.js apply'));
    const served = steps.findIndex((s) => s.run?.includes('--authoritative'));
    expect(served).toBeGreaterThan(applied);
    const step = steps[served]!;
    expect(step.run).toContain('node dist/cli/main.js check --changed-since "$SINCE" --authoritative --wait 300');
    expect(step.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(step.run).toContain('exit $status');
    expect(step.env).toMatchObject({ SINCE: '${{ steps.since.outputs.rev }}' });
  });

  it('apply: a manual run from another branch applies nothing', () => {
    expect(load('apply.yml').jobs.apply!.if).toBe("github.ref == 'refs/heads/main'");
  });

  it('audit: a daily plan with a full refresh, read-only, without the state lock, failing on drift', () => {
    const drift = load('audit.yml').jobs.drift!;
    expect(drift.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const steps = drift.steps!;
    const plan = steps.findIndex((s) => s.run?.includes('npx rdns plan --refresh --no-lock --format json'));
    const creds = steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds).toBeGreaterThan(0);
    expect(steps[creds]!.with).toMatchObject({ 'role-to-assume': '${{ vars.RDNS_AWS_PLAN_ROLE_ARN }}' });
    expect(plan).toBeGreaterThan(creds);
    expect(steps[plan]!.run).toContain('s.withChanges > 0');
  });

  it('audit: scheduled, may only write issues', () => {
    const wf = load('audit.yml');
    expect(wf.on).toHaveProperty('schedule');
    expect(wf.jobs.audit!.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(wf.jobs.audit!.steps!.some((s) => s.run?.includes('npx rdns audit'))).toBe(true);
    // The address map: built with the audit's findings, uploaded, linked from the step summary.
    const steps = wf.jobs.audit!.steps!;
    const report = steps.findIndex((s) => s.run?.includes('npx rdns report --out "$RUNNER_TEMP/map"'));
    expect(report).toBeGreaterThan(0);
    expect(steps[report]!.run).toContain('--audit "$RUNNER_TEMP/audit/audit.json"');
    const upload = steps.findIndex((s) => s.id === 'map');
    expect(upload).toBeGreaterThan(report);
    expect(steps[upload]!.with).toMatchObject({ name: 'address-map', path: '${{ runner.temp }}/map/' });
    const link = steps.find((s) => s.run?.includes('$GITHUB_STEP_SUMMARY') && s.run.includes('$MAP_URL'));
    expect(link?.env).toEqual({ MAP_URL: '${{ steps.map.outputs.artifact-url }}' });
  });
});
