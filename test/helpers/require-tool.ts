/**
 * The one rule for tests that need an outside tool (BIND, Terraform, Chromium): present, they
 * run; missing, they are skipped with a loud notice — except under CI, where a missing tool is a
 * failure, never a skip. `.ci/run` sets CI=true itself.
 */

/** Under CI: CI is set to anything but "", "0" or "false" (CI=false is a local run). */
export function underCI(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/**
 * `missing` is undefined when the tool is here: true (run the tests). Otherwise a loud notice and
 * false (skip them), or under CI an error (fail them). The message says what is missing and how
 * to install it.
 */
export function toolOrSkip(missing: string | undefined): boolean {
  if (missing === undefined) return true;
  if (underCI()) throw new Error(`${missing} (CI=${process.env.CI}: under CI a missing tool is a failure, not a skip)`);
  console.warn(`\n${'!'.repeat(78)}\n${missing}\n${'!'.repeat(78)}\n`);
  return false;
}

/** What vitest may do with snapshots: under CI nothing (a missing one fails); elsewhere write new ones. */
export function snapshotUpdate(env: Readonly<Record<string, string | undefined>> = process.env): 'none' | 'new' {
  return underCI(env) ? 'none' : 'new';
}

/**
 * Under CI, the reason to refuse the run when it would rewrite expected results (UPDATE_GOLDEN,
 * RDNS_UPDATE_DOCS, UPDATE_SNAPSHOT, `vitest -u`); undefined when it may go on.
 */
export function rewriteRefusedUnderCI(env: Readonly<Record<string, string | undefined>>, snapshotMode: string): string | undefined {
  if (!underCI(env)) return undefined;
  const rewriting = ['UPDATE_GOLDEN', 'RDNS_UPDATE_DOCS', 'UPDATE_SNAPSHOT'].filter((v) => env[v]);
  if (snapshotMode !== 'none') rewriting.push(`snapshot update "${snapshotMode}"`);
  if (rewriting.length === 0) return undefined;
  return `refusing to rewrite expected results under CI (CI=${env.CI}): ${rewriting.join(', ')}. Update them locally and commit the reviewed diff.`;
}
