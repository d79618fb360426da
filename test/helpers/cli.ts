/**
 * Runs `rdns` for tests, two ways:
 *
 * - {@link runCliInProcess}: the program (src/cli/program.ts) inside the test's process, with the
 *   run's folder, environment, standard input and exit code, and its own stdout/stderr. The
 *   default for tests about what a command does: no process start (~0.3 CPU-s each) and no
 *   build needed (it runs the source).
 * - {@link runCli}: the built `rdns` (dist/cli/main.js) as a real process. For tests about the
 *   process boundary: exit codes as the shell sees them, stdout/stderr of a real process, another
 *   user (uid), signals, a real terminal-less start. The vitest global setup builds dist/ first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// RDNS_TEST_BIN: another build (e.g. of an older commit, to see a new test fail there).
export const RDNS_BIN = process.env.RDNS_TEST_BIN ?? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Added to this process's environment (with NO_COLOR=1, CHECKPOINT_DISABLE=1); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Standard input (default: empty). */
  input?: string;
  /** Hang guard. */
  timeoutMs?: number;
  /** Run as another user (spawned only). */
  uid?: number;
  gid?: number;
}

/** The environment a run sees: this process's, NO_COLOR=1, CHECKPOINT_DISABLE=1, then the test's. */
export function cliEnv(extra?: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CHECKPOINT_DISABLE: '1', ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as Record<string, string>;
}

const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
let copyForOthers: string | undefined;

/**
 * The built CLI where any user can run it: another user (uid) cannot reach this checkout when it
 * lives in a private folder (a clone in a 0700 mktemp -d, or in root's home). A copy, once per test
 * file, in the temp folder: dist/, schema/, assets/, package.json, and node_modules as hard links
 * (same file system: instant and no space; otherwise copied).
 */
export function binForOtherUsers(): string {
  if (process.env.RDNS_TEST_BIN) return process.env.RDNS_TEST_BIN;
  if (copyForOthers && existsSync(copyForOthers)) return copyForOthers;
  const dir = mkdtempSync(join(tmpdir(), 'rdns-cli-copy-'));
  spawnSync('chmod', ['755', dir]);
  for (const part of ['dist', 'schema', 'assets', 'package.json']) cpSync(join(CHECKOUT, part), join(dir, part), { recursive: true });
  const linked = spawnSync('cp', ['-al', join(CHECKOUT, 'node_modules'), join(dir, 'node_modules')]);
  if (linked.status !== 0) cpSync(join(CHECKOUT, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
  copyForOthers = join(dir, 'dist', 'cli', 'main.js');
  return copyForOthers;
}

/** `rdns ARGS` as a real process (the built dist/cli/main.js, or RDNS_TEST_BIN; as another user, a copy it can read). */
export function runCli(args: readonly string[], options: CliOptions): CliResult {
  const otherUser = options.uid !== undefined && options.uid !== process.getuid?.();
  const r = spawnSync(process.execPath, [otherUser ? binForOtherUsers() : RDNS_BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
    // Run as another user (when the tests run as root): root reads what a real CI user cannot.
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `rdns ARGS` as a real process without blocking this one (a stand-in server of the test, such as
 * the fake GitHub API, must keep answering while it runs).
 */
export function spawnCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const otherUser = options.uid !== undefined && options.uid !== process.getuid?.();
    const child = spawn(process.execPath, [otherUser ? binForOtherUsers() : RDNS_BIN, ...args], {
      cwd: options.cwd,
      env: cliEnv(options.env),
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

let running: Promise<unknown> = Promise.resolve();

/**
 * `rdns ARGS` inside this process, as faithful to {@link runCli} as one process allows: for the
 * run, process.cwd() is `options.cwd` and process.env is exactly the environment a spawned run
 * would get (child processes such as git see it too); stdout, stderr and stdin are the run's own;
 * the exit code is what main() returns, and a process.exit() call fails the run instead of
 * ending the test process. Runs are serialised (cwd and env are per process). With RDNS_TEST_BIN
 * or a uid it spawns instead: another build or another user needs its own process.
 */
export function runCliInProcess(args: readonly string[], options: CliOptions): Promise<CliResult> {
  if (process.env.RDNS_TEST_BIN || options.uid !== undefined) return spawnCli(args, options);
  const run = running.then(() => inProcess(args, options));
  running = run.catch(() => undefined);
  return run;
}

async function inProcess(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const { main } = await import('../../src/cli/program.js');
  const env = cliEnv(options.env);
  let stdout = '';
  let stderr = '';
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const savedExit = process.exit;
  const setEnv = (to: Record<string, string | undefined>): void => {
    for (const k of Object.keys(process.env)) if (!(k in to)) delete process.env[k];
    for (const [k, v] of Object.entries(to)) if (v !== undefined) process.env[k] = v;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    setEnv(env);
    process.chdir(options.cwd);
    process.exit = ((code?: number) => {
      throw new Error(`rdns called process.exit(${code ?? ''}) in-process: only src/cli/main.ts may end the process`);
    }) as typeof process.exit;
    const status = await Promise.race([
      main(args, {
        cwd: options.cwd,
        env,
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        isTTY: false,
        readStdin: () => Buffer.from(options.input ?? '', 'utf8'),
        waitForStop: () => new Promise<void>(() => undefined),
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`rdns ${args.join(' ')}: no exit after ${options.timeoutMs ?? 60_000} ms (in-process)\nstdout: ${stdout}\nstderr: ${stderr}`)), options.timeoutMs ?? 60_000);
      }),
    ]);
    return { status, stdout, stderr };
  } finally {
    clearTimeout(timer);
    process.exit = savedExit;
    process.chdir(savedCwd);
    setEnv(savedEnv);
  }
}
