/**
 * Issue 11, item 8 ("the README's examples are re-run and match"): every example in
 * README.md and docs/*.md that is marked `<!-- example: SETUP -->` on the line before its
 * fenced block is run again here, command by command, with `rdns` (in-process), and what it
 * prints must be exactly what the block shows.
 *
 * SETUP names one of the repositories below, each a fresh git repository in a temp folder
 * made from the repository's own zones/ and rdns.yaml (the bundled example) with fixed
 * authors and dates, so commit ids in the output are the same on every run. Only examples
 * that need no network and no Terraform are marked.
 *
 * In a block, a line `$ COMMAND` is a command; the lines up to the next `$ ` are its
 * output. Commands: `rdns …` (also `npx rdns …`, run through the CLI test helper), `git …`,
 * `cat FILE`, `echo $?`, each optionally piped through `| head -N` / `| tail -N` and
 * followed by `; echo "exit $?"`. rdns's stderr is shown after its stdout (no marked
 * example writes to stderr today). Nothing in the output is normalised except the temp
 * folder's path, should a command print it (none does).
 *
 * After a deliberate change of output or of the bundled example, `RDNS_UPDATE_DOCS=1 npx
 * vitest run test/docs-examples.test.ts` writes the real transcripts into the docs; review
 * them with `git diff docs/`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runCliInProcess } from './helpers/cli.js';
import { createGitRepo, type GitRepo } from './helpers/git-repo.js';

vi.setConfig({ testTimeout: 180_000 });

const root = fileURLToPath(new URL('..', import.meta.url));
const DATE = '2026-11-23T16:31:00+00:00';

/** Variables that would make rdns behave as in a CI job or pick up a real GitHub. */
const QUIET_ENV: Record<string, string | undefined> = { TZ: 'UTC', CI: undefined, GITHUB_ACTIONS: undefined, GITHUB_BASE_REF: undefined, GITHUB_EVENT_PATH: undefined, GITHUB_REPOSITORY: undefined, GITHUB_TOKEN: undefined, GITHUB_STEP_SUMMARY: undefined, GITHUB_API_URL: undefined, RDNS_ORG_TOKEN: undefined };

/** `rdns ARGS` of a setup, in this process (test/helpers/cli.ts); it must succeed. */
const rdns = async (repo: GitRepo, ...args: string[]): Promise<void> => {
  const r = await runCliInProcess(args, { cwd: repo.root, env: QUIET_ENV });
  if (r.status !== 0) throw new Error(`setup: rdns ${args.join(' ')} exited ${r.status}\n${r.stdout}${r.stderr}`);
};

/** Commits everything as `who` <who@example.com> at DATE (author and committer), so the commit id is fixed. */
function commitAs(repo: GitRepo, who: string, message: string): void {
  repo.git('add', '-A');
  const id = { GIT_AUTHOR_NAME: who, GIT_AUTHOR_EMAIL: `${who}@example.com`, GIT_COMMITTER_NAME: who, GIT_COMMITTER_EMAIL: `${who}@example.com`, GIT_AUTHOR_DATE: DATE, GIT_COMMITTER_DATE: DATE };
  execFileSync('git', ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', message], { cwd: repo.root, env: { ...process.env, ...id }, stdio: 'ignore' });
}

/** The bundled example (zones/, rdns.yaml) committed on `main` by alice as "example zones". */
function bundled(): GitRepo {
  const repo = createGitRepo();
  cpSync(join(root, 'zones'), join(repo.root, 'zones'), { recursive: true });
  cpSync(join(root, 'rdns.yaml'), join(repo.root, 'rdns.yaml'));
  commitAs(repo, 'alice', 'example zones');
  return repo;
}

/** The repositories an example can name; the docs say in words what each one holds. */
const SETUPS: Record<string, () => GitRepo | Promise<GitRepo>> = {
  bundled,
  /** Three more commits: bob sets web1 and mx1 (#7), carol provisions vm50, dave moves vm50 to acme (#12). */
  history: async () => {
    const repo = bundled();
    await rdns(repo, 'set', '198.51.100.40', 'web1.example.com', '--no-fcrdns');
    await rdns(repo, 'set', '198.51.100.22', 'mx1.example.com', '--ttl', '300', '--no-fcrdns');
    commitAs(repo, 'bob', 'web1 and mx1 (#7)');
    await rdns(repo, 'set', '198.51.100.50', 'vm50.customers.example.net', '--no-fcrdns');
    commitAs(repo, 'carol', 'provisioning batch');
    await rdns(repo, 'set', '198.51.100.50', 'vm50.acme.example', '--no-fcrdns');
    commitAs(repo, 'dave', 'vm50 moves to acme (#12)');
    return repo;
  },
  /** Uncommitted edits of four PTRs of 198.51.100.0/24 since `main`. */
  diff: async () => {
    const repo = bundled();
    await rdns(repo, 'set', '198.51.100.22', 'mx1.example.com', '--no-fcrdns');
    await rdns(repo, 'set', '198.51.100.23', 'mx2.example.com', '--no-fcrdns');
    await rdns(repo, 'set', '198.51.100.35', 'www.acme.example', '--ttl', '600', '--no-fcrdns');
    await rdns(repo, 'reset', '198.51.100.70');
    return repo;
  },
  /** A branch `change` that changed one PTR of zones/203.0.113.0_25.yaml, with `origin/main` at the example. */
  branch: async () => {
    const repo = bundled();
    repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    repo.git('checkout', '-q', '-b', 'change');
    await rdns(repo, 'set', '203.0.113.5', 'api2.example.org', '--no-fcrdns');
    commitAs(repo, 'bob', 'api moves to api2');
    return repo;
  },
};

interface Example {
  where: string;
  setup: string;
  transcript: string;
}

/** The marked examples of a markdown file: the marker line, then a fenced block. */
function examplesOf(file: string): Example[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const found: Example[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^<!-- example: ([a-z-]+) -->$/.exec(lines[i]!);
    if (!m) continue;
    const where = `${file}:${i + 1}`;
    if (!lines[i + 1]?.startsWith('```')) throw new Error(`${where}: an example marker must be followed by a fenced block`);
    const end = lines.indexOf('```', i + 2);
    if (end < 0) throw new Error(`${where}: the fenced block does not end`);
    found.push({ where, setup: m[1]!, transcript: lines.slice(i + 2, end).join('\n') });
  }
  return found;
}

/** Splits a command line into words, as a POSIX shell would for the quoting the examples use. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:[^\s"'\\]|\\.)+)/g)) out.push(m[1] ?? m[2] ?? m[3]!.replace(/\\(.)/g, '$1'));
  return out;
}

/** Runs one `$` line of an example in `repo`; returns what a terminal would show and the exit status. */
async function run(repo: GitRepo, line: string, lastStatus: number): Promise<{ output: string; status: number }> {
  let command = line;
  const echoExit = command.endsWith('; echo "exit $?"');
  if (echoExit) command = command.slice(0, -'; echo "exit $?"'.length);
  const [main, ...pipes] = command.split(' | ');
  const argv = words(main!);
  if (argv[0] === 'npx') argv.shift();
  let stdout: string;
  let stderr = '';
  let status = 0;
  if (argv[0] === 'rdns') {
    const r = await runCliInProcess(argv.slice(1), { cwd: repo.root, env: QUIET_ENV });
    ({ stdout, stderr } = r);
    status = r.status ?? -1;
  } else if (argv[0] === 'git') {
    stdout = execFileSync('git', ['-c', 'core.pager=cat', '-c', 'color.ui=false', ...argv.slice(1)], { cwd: repo.root, encoding: 'utf8' });
  } else if (argv[0] === 'cat' && argv.length === 2) {
    stdout = readFileSync(join(repo.root, argv[1]!), 'utf8');
  } else if (main === 'echo $?') {
    stdout = `${lastStatus}\n`;
  } else {
    throw new Error(`unsupported command in an example: ${line}`);
  }
  for (const pipe of pipes) {
    const p = /^(head|tail) -(?:n )?(\d+)$/.exec(pipe);
    if (!p) throw new Error(`unsupported pipe in an example: ${line}`);
    const n = Number(p[2]);
    const kept = stdout.split('\n');
    if (kept.at(-1) === '') kept.pop();
    stdout = kept.length === 0 ? '' : `${(p[1] === 'head' ? kept.slice(0, n) : kept.slice(-n)).join('\n')}\n`;
    status = 0; // a pipeline's status is its last command's
  }
  let output = stdout + stderr;
  if (echoExit) output += `exit ${status}\n`;
  return { output, status };
}

/** Runs every `$` line of the transcript in a fresh repository of its setup and returns the transcript as it really is. */
async function rerun(example: Example): Promise<string> {
  const repo = await SETUPS[example.setup]!();
  try {
    const real: string[] = [];
    let status = 0;
    for (const line of example.transcript.split('\n')) {
      if (!line.startsWith('$ ')) continue;
      const r = await run(repo, line.slice(2), status);
      status = r.status;
      // The temp folder is the one variable part; no example prints it today.
      const output = r.output.replaceAll(repo.root, '.').replace(/\n$/, '');
      if (output !== '') real.push(line, ...output.split('\n'));
      else real.push(line);
    }
    return real.join('\n');
  } finally {
    rmSync(repo.root, { recursive: true, force: true });
  }
}

const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const examples = files.flatMap(examplesOf);

describe('the documented examples, re-run on the bundled example repository', () => {
  it('finds the marked examples, each with a known setup and a command first', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const e of examples) {
      expect(Object.keys(SETUPS), e.where).toContain(e.setup);
      expect(e.transcript.startsWith('$ '), e.where).toBe(true);
    }
  });

  it.each(examples.map((e) => [e.where, e] as const))('%s prints what it shows', async (_where, example) => {
    const real = await rerun(example);
    // RDNS_UPDATE_DOCS=1: write the real output into the docs (after a deliberate change of output or data), then read the diff.
    if (process.env.RDNS_UPDATE_DOCS === '1' && real !== example.transcript) {
      const file = join(root, example.where.slice(0, example.where.lastIndexOf(':')));
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const old = example.transcript.split('\n');
      // The transcript starts two lines under its marker (after the opening fence); an earlier
      // example of the file may have been rewritten already, so the marker is looked for.
      const marker = lines.findIndex((l, i) => l === `<!-- example: ${example.setup} -->` && lines.slice(i + 2, i + 2 + old.length).join('\n') === example.transcript);
      expect(marker, `${example.where}: the example is no longer where it was read`).toBeGreaterThanOrEqual(0);
      lines.splice(marker + 2, old.length, ...real.split('\n'));
      writeFileSync(file, lines.join('\n'));
      return;
    }
    expect(real).toBe(example.transcript);
  });

  it('a drifted example fails: another output than the real one does not match', async () => {
    const e: Example = { where: 'inline', setup: 'bundled', transcript: '$ rdns show 198.51.100.34\n198.51.100.34  smtp.example.invalid' };
    const real = await rerun(e);
    expect(real).not.toBe(e.transcript);
    expect(real.split('\n')[1]).toBe('198.51.100.34  smtp.acme.example');
  });
});
