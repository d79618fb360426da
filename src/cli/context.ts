/**
 * What every command needs from the process: the repository root, the folder the command
 * was started in, output streams, and the environment. The only module (with main.ts)
 * that touches `process`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RdnsError } from '../core/errors.js';
import { terminalText } from '../core/text.js';

/**
 * The repository that holds `start`, as git finds its work tree: the nearest folder
 * upwards with an rdns.yaml or a zones/ folder, stopping at the git top level (.git).
 * None found: `start` itself.
 */
export function findRepositoryRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'rdns.yaml')) || existsSync(join(dir, 'zones'))) return dir;
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(start);
    dir = up;
  }
}

export interface CliContext {
  /** Repository root: found upwards from {@link cwd}. */
  readonly root: string;
  /**
   * The folder the command was started in (-C/--cwd DIR, else the working directory),
   * absolute. Paths the user types are relative to it, as in their shell (see cli/paths.ts).
   */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colours and progress bars only on a terminal, never in CI logs. */
  readonly interactive: boolean;
  readonly color: boolean;
  /** Resolves on Ctrl+C or SIGTERM (long-running commands: rdns serve). */
  readonly waitForStop: () => Promise<void>;
  /** All of standard input (`rdns bulk -`). */
  readonly readStdin: () => Buffer;
}

/** What the program gets from its process: the real one (processIo), or a test's in-process stand-in. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard output is a terminal. */
  readonly isTTY: boolean;
  readonly readStdin: () => Buffer;
  readonly waitForStop: () => Promise<void>;
}

/** This process's folder, environment and streams. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    readStdin: () => readFileSync(0),
    waitForStop: () =>
      new Promise<void>((r) => {
        process.once('SIGINT', () => r());
        process.once('SIGTERM', () => r());
      }),
  };
}

/** The context of a run with `io` (default: this process); `dir` (-C/--cwd): run as if started there, like `git -C`. */
export function processContext(dir?: string, io: CliIo = processIo()): CliContext {
  const env = io.env;
  const tty = io.isTTY && !env.CI;
  const cwd = resolve(io.cwd, dir ?? '.');
  const color = tty && !env.NO_COLOR;
  if (dir !== undefined && !isFolder(cwd)) throw new RdnsError(`-C ${dir}: no such folder`, 2);
  return {
    root: findRepositoryRoot(cwd),
    cwd,
    env,
    // Data reaches no terminal as control characters, whichever printer wrote it (issue 18, item 8).
    stdout: (t) => io.stdout(terminalText(t, color)),
    stderr: (t) => io.stderr(terminalText(t, color)),
    interactive: tty,
    color,
    waitForStop: io.waitForStop,
    readStdin: io.readStdin,
  };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
