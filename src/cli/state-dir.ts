/**
 * The folder of local Terraform state for this run (the environment decides the default;
 * see src/terraform/local-state.ts for why it lies outside the repository).
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RdnsError } from '../core/errors.js';
import type { Config } from '../core/model.js';
import { defaultStateDir, legacyStateFiles, stateDirProblem } from '../terraform/local-state.js';
import type { CliContext } from './context.js';

/** `$RDNS_STATE_HOME`, else `$XDG_STATE_HOME/rdns`, else `~/.local/state/rdns`. */
export function stateHome(env: CliContext['env']): string {
  if (env.RDNS_STATE_HOME) return env.RDNS_STATE_HOME;
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'rdns');
}

/**
 * The absolute folder that holds `<stack>.tfstate` with the local backend: rdns.yaml's
 * `backend.path`, else one folder per checkout under {@link stateHome}. Created (0700) when
 * missing. A folder inside the repository is a usage error (exit 2).
 */
export function localStateDir(ctx: CliContext, config: Config): string {
  const dir = config.backend.type === 'local' && config.backend.path ? config.backend.path : defaultStateDir(ctx.root, stateHome(ctx.env));
  if (config.backend.type !== 'local') return dir;
  const problem = stateDirProblem(ctx.root, dir);
  if (problem) throw new RdnsError(`local Terraform state: ${problem}`, 2, 'set backend.path in rdns.yaml (or RDNS_STATE_HOME) to an absolute folder outside the repository, or use the s3 backend');
  for (const f of legacyStateFiles(ctx.root)) {
    const stack = f.slice('terraform.'.length, -'.tfstate'.length);
    ctx.stderr(`rdns: warning: ${f} in the repository is not read (state in the checkout could come from a pull request); local state lives in ${dir}: mv ${f} ${join(dir, `${stack}.tfstate`)}\n`);
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new RdnsError(`cannot create the local Terraform state folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2, 'set RDNS_STATE_HOME or backend.path in rdns.yaml to a writable folder outside the repository');
  }
  return dir;
}
