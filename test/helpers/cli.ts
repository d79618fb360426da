/** Runs the built `rdns` (dist/cli/main.js) as a real process. `npm test` builds first. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// RDNS_TEST_BIN: another build (e.g. of an older commit, to see a new test fail there).
export const RDNS_BIN = process.env.RDNS_TEST_BIN ?? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number; uid?: number; gid?: number }): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CHECKPOINT_DISABLE: '1', ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [RDNS_BIN, ...args], {
    cwd: options.cwd,
    env: env as NodeJS.ProcessEnv,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
    // Run as another user (when the tests run as root): root reads what a real CI user cannot.
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
