/**
 * Terraform state and working files in a pull request. A state file names providers and
 * Terraform installs and runs what it names; `.terraform*` holds providers, modules and
 * their lock file. None of it may come from the checkout of a pull request.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';

/** Whether `path` (repository-relative) is a Terraform state file or lies in/is a Terraform working file or folder. */
export function isTerraformStatePath(path: string): boolean {
  return path.split('/').some((part) => part.includes('.tfstate') || part.startsWith('.terraform') || part === 'terraform.rc');
}

/** `state.committed` for every path the pull request adds or changes (deleted paths are fine). */
export function committedStateFindings(paths: readonly string[]): Diagnostic[] {
  return paths
    .filter(isTerraformStatePath)
    .map((path) =>
      diag('state.committed', `a pull request may not commit Terraform state or Terraform's working files (${path}): Terraform would install and run the providers they name; remove it (state lives outside the repository, or in a remote backend)`, { file: path, line: 1, column: 1 }),
    );
}
