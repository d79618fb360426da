/**
 * The pull-request jobs run rdns as built from the base branch (.github/scripts/
 * build-trusted-tool.sh in a checkout of the base), never the pull request's code. Here a
 * pull request rewrites src/ so that every run passes, and adds a record that must fail:
 * built the way the workflow builds it, the verdict is still "error"; the control builds
 * the head's own code and shows the attack would have worked without that.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROJECT = join(import.meta.dirname, '..', '..');
const TOOL_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'schema', '.github/scripts'];
const work = mkdtempSync(join(tmpdir(), 'rdns-trusted-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.net', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function build(checkout: string): void {
  const r = spawnSync('bash', [join(checkout, '.github/scripts/build-trusted-tool.sh')], {
    env: { ...process.env, RDNS_TOOL_NODE_MODULES: join(PROJECT, 'node_modules') },
    encoding: 'utf8',
    timeout: 600_000,
  });
  expect(r.status, r.stderr + r.stdout).toBe(0);
}

const validate = (tool: string, data: string) => spawnSync(process.execPath, [join(tool, 'dist/cli/main.js'), 'validate', '--format', 'json'], { cwd: data, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('the trusted tool of the pull-request jobs', () => {
  it("keeps the base branch's verdict when the pull request rewrites src/ to pass everything", () => {
    const repo = join(work, 'repo');
    for (const f of TOOL_FILES) cpSync(join(PROJECT, f), join(repo, f), { recursive: true });
    cpSync(join(PROJECT, 'zones', '192.0.2.0_24.yaml'), join(repo, 'zones', '192.0.2.0_24.yaml'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');

    // The attack: every command exits 0, whatever it found; plus a record that must fail.
    git(repo, 'checkout', '-qb', 'attack');
    const main = join(repo, 'src/cli/program.ts');
    const source = readFileSync(main, 'utf8');
    expect(source).toContain('    return exitCode;\n');
    writeFileSync(main, source.replace('    return exitCode;\n', '    return 0;\n'));
    const zone = join(repo, 'zones', '192.0.2.0_24.yaml');
    writeFileSync(zone, `${readFileSync(zone, 'utf8').trimEnd()}\n  192.0.2.250: bad_name.example.net\n`);
    git(repo, 'commit', '-qam', 'trust me');

    // As the workflow does: the base checked out into .rdns-tool/, built, run on the head's files.
    const tool = join(work, '.rdns-tool');
    git(repo, 'worktree', 'add', '-q', '--detach', tool, base);
    build(tool);
    const trusted = validate(tool, repo);
    expect(trusted.status, trusted.stderr).toBe(1);
    expect((JSON.parse(trusted.stdout) as { diagnostics: { code: string; line: number }[] }).diagnostics.map((d) => d.code)).toContain('hostname.invalid');

    // Control: the head's own build lets the same change through.
    build(repo);
    const head = validate(repo, repo);
    expect(head.status).toBe(0);
  }, 900_000);
});
