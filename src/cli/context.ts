/**
 * What every command needs from the process: the repository root, output streams,
 * and the environment. The only module (with main.ts) that touches `process`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
  /** Repository root (from -C/--cwd, else the working directory). */
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colours and progress bars only on a terminal, never in CI logs. */
  readonly interactive: boolean;
  readonly color: boolean;
  /** Resolves on Ctrl+C or SIGTERM (long-running commands: rdns serve). */
  readonly waitForStop: () => Promise<void>;
}

export function processContext(cwd?: string): CliContext {
  const env = process.env;
  const tty = Boolean(process.stdout.isTTY) && !env.CI;
  return {
    root: cwd !== undefined ? resolve(cwd) : findRepositoryRoot(process.cwd()),
    env,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    interactive: tty,
    color: tty && !env.NO_COLOR,
    waitForStop: () => new Promise<void>((r) => {
      process.once('SIGINT', () => r());
      process.once('SIGTERM', () => r());
    }),
  };
}
