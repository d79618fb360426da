/**
 * What every command needs from the process: the repository root, output streams,
 * and the environment. The only module (with main.ts) that touches `process`.
 */
import { resolve } from 'node:path';

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
    root: resolve(cwd ?? process.cwd()),
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
