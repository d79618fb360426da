/**
 * Trying `rdns plan` / `rdns apply` with no AWS account: the provider version that a
 * mirror cannot satisfy is explained in rdns terms, the three commands of docs/terraform.md
 * ("Try a plan and apply offline") work as written, and the API calls rdns reports are the
 * calls the Route53 stand-in answered, throttled retries included.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCalls } from '../../src/terraform/api-calls.js';
import { RDNS_BIN } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';
import { CACHE_READ_ONLY_ONCE_FILLED, providerMirror, sharedPluginCacheDir, terraformOrSkip } from '../helpers/terraform.js';

const haveTerraform = terraformOrSkip();
const SCRIPT = fileURLToPath(new URL('../../scripts/fake-route53.mjs', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/terraform.md', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A command as a child process, asynchronously (an in-process stand-in must keep answering). */
function run(command: string, args: readonly string[], cwd: string, env: Record<string, string | undefined>): Promise<Run> {
  const full: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CHECKPOINT_DISABLE: '1', ...env };
  for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: full as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000); // a hang guard
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const rdns = (cwd: string, env: Record<string, string | undefined>, ...args: string[]) => run(process.execPath, [RDNS_BIN, ...args], cwd, env);

/** A Terraform CLI configuration that installs hashicorp/aws from the mirror only (as an offline machine has). */
function mirrorConfig(dir: string): Record<string, string> {
  const rc = join(dir, 'terraform.rc');
  writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(providerMirror())}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
  return { TF_CLI_CONFIG_FILE: rc, TF_PLUGIN_CACHE_DIR: sharedPluginCacheDir(), ...CACHE_READ_ONLY_ONCE_FILLED };
}

const BLOCK = `prefix: 192.0.2.0/24
owners: []
records:
  192.0.2.1: gw.example.net
  192.0.2.2: mail.example.net
`;

describe.skipIf(!haveTerraform)('trying a plan offline', { concurrent: true }, () => {
  let dir: string;
  let tfEnv: Record<string, string>;
  const cleanup: (() => void)[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rdns-offline-'));
    tfEnv = mirrorConfig(dir);
  });
  afterAll(() => {
    for (const c of cleanup) c();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names route53.provider_version and the installed version when the constraint matches nothing in the mirror', async () => {
    const repo = createGitRepo({ 'zones/192.0.2.0_24.yaml': BLOCK }); // default constraint: ~> 6.0
    cleanup.push(() => rmSync(repo.root, { recursive: true, force: true }));
    const r = await rdns(repo.root, { ...tfEnv, TF_PLUGIN_CACHE_DIR: join(dir, 'empty-cache') }, 'plan');
    expect(r.status).toBe(1);
    const mirror = providerMirror()!;
    expect(r.stdout).toContain(
      [
        'rdns-192-0-2-0-24  2.0.192.in-addr.arpa.  FAILED',
        '  terraform init: hashicorp/aws ~> 6.0 (route53.provider_version in rdns.yaml; default ~> 6.0) matches no version Terraform can install here.',
        `  Installed: 5.100.0 (filesystem mirror ${mirror}).`,
        '  To plan with it, set in rdns.yaml:  route53: { provider_version: "~> 5.100" }  — or let Terraform reach registry.terraform.io (or a mirror holding a version that matches ~> 6.0).',
        '  ',
        '  Terraform said: ',
      ].join('\n'),
    );
    expect(r.stdout).toContain('no available releases match the given constraints ~> 6.0'); // Terraform's own words stay below
  }, 300_000);

  it('is the three commands of docs/terraform.md: the stand-in from scripts/, rdns plan, rdns apply — and the reported calls are the calls it answered', async () => {
    const docs = readFileSync(DOCS, 'utf8');
    const section = docs.slice(docs.indexOf('## Try a plan and apply offline'));
    const commands = [...section.slice(0, section.indexOf('\n## ', 4)).matchAll(/^\$ (.+)$/gm)].map((m) => m[1]!).slice(0, 3);
    expect(commands).toEqual(['eval "$(node scripts/fake-route53.mjs --detach)"', 'npx rdns plan', 'npx rdns apply']);
    const repo = createGitRepo({ 'rdns.yaml': 'route53:\n  provider_version: "~> 5.100"\n', 'zones/192.0.2.0_24.yaml': BLOCK });
    cleanup.push(() => rmSync(repo.root, { recursive: true, force: true }));
    // As written, but from this checkout (node scripts/… and npx rdns resolve there), on any free port, with the mirror
    // (offline), and throttling at 1 request/s so that the provider's retries surely run and are counted.
    const script = [
      commands[0]!.replace('node scripts/fake-route53.mjs --detach', `node ${JSON.stringify(SCRIPT)} --detach --port 0 --rate 1 --mirror ${JSON.stringify(providerMirror())}`),
      'echo "STAND_IN $AWS_ENDPOINT_URL_ROUTE_53"',
      commands[1]!.replace('npx rdns', `node ${JSON.stringify(RDNS_BIN)}`) + ' --format json > plan.json',
      commands[2]!.replace('npx rdns', `node ${JSON.stringify(RDNS_BIN)}`) + ' --format json > apply.json',
    ].join(' && ');
    const r = await run('bash', ['-c', script], repo.root, { TF_PLUGIN_CACHE_DIR: sharedPluginCacheDir(), TF_CLI_CONFIG_FILE: undefined, AWS_ENDPOINT_URL_ROUTE_53: undefined });
    const pid = /kill (\d+)/.exec(r.stderr)?.[1];
    if (pid)
      cleanup.push(() => {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // stopped already
        }
      });
    const logFile = /requests logged to (\S+)\)/.exec(r.stderr)?.[1];
    if (logFile) cleanup.push(() => rmSync(dirname(logFile), { recursive: true, force: true }));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^STAND_IN http:\/\/127\.0\.0\.1:\d+$/m);
    const plan = JSON.parse(readFileSync(join(repo.root, 'plan.json'), 'utf8')) as { summary: { added: number; zonesCreated: number; apiCalls: ApiCalls } };
    expect(plan.summary).toMatchObject({ added: 2, zonesCreated: 1 });
    const apply = JSON.parse(readFileSync(join(repo.root, 'apply.json'), 'utf8')) as { applied: string[]; totalApiCalls: ApiCalls };
    expect(apply.applied).toEqual(['rdns-192-0-2-0-24']);
    // Stop the stand-in: it prints what it answered, per action.
    process.kill(Number(pid), 'SIGTERM');
    let summary = '';
    for (let i = 0; i < 100 && !summary; i++) {
      await new Promise((res) => setTimeout(res, 100));
      summary = readFileSync(logFile!, 'utf8').split('\n').find((l) => /^\d+ requests \(/.test(l)) ?? '';
    }
    const m = /^(\d+) requests \((\d+) throttled\): (.*)$/.exec(summary)!;
    const answered = Object.fromEntries(m[3]!.split(', ').map((p) => [p.slice(0, p.lastIndexOf(' ')), Number(p.slice(p.lastIndexOf(' ') + 1))]));
    const reported = [plan.summary.apiCalls, apply.totalApiCalls];
    const sum: Record<string, number> = {};
    for (const c of reported) for (const [k, n] of Object.entries(c.byAction)) sum[k] = (sum[k] ?? 0) + n;
    expect(sum).toEqual(answered);
    // Throttled answers were retried by the provider, and rdns counted each retry.
    expect(Number(m[2])).toBeGreaterThan(0);
    expect(reported[0]!.retries + reported[1]!.retries).toBe(Number(m[2]));
    expect(answered.ChangeResourceRecordSets).toBeGreaterThanOrEqual(2);
    // No endpoint in rdns.yaml: the provider ran with its production settings (it asked STS who it is).
    expect(answered['sts:GetCallerIdentity']).toBeGreaterThanOrEqual(2);
  }, 900_000);
});
