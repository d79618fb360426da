/** The configured URL of a remote, as written in .git/config (not rewritten by url.*.insteadOf). */
import { tryGit } from './git-client.js';

/** `remote.<name>.url`, or undefined when the remote does not exist (or root is not a git work tree). */
export async function remoteUrl(root: string, remote = 'origin'): Promise<string | undefined> {
  const out = await tryGit(root, ['config', '--get', `remote.${remote}.url`]);
  const url = out?.trim();
  return url ? url : undefined;
}
