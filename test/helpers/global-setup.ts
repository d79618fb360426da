/**
 * Once per `vitest run`, before any test file:
 * - refuses to rewrite expectations under CI (UPDATE_GOLDEN, RDNS_UPDATE_DOCS, `vitest -u`):
 *   a CI run checks them, it never writes them (a missing snapshot fails there too);
 * - builds dist/ when a source is newer than it: the spawned-CLI tests run dist/cli/main.js,
 *   and a bare `npx vitest run` after an edit would otherwise test stale code;
 * - makes one temp folder for the run (each test file gets its own folder in it as TMPDIR,
 *   see file-setup.ts) and removes it at the end, so no run leaves temp files behind.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { rewriteRefusedUnderCI } from './require-tool.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds dist/ (npm run build) when src/, tsconfig*.json or package.json changed since the last build. */
export function buildIfStale(root = ROOT): 'built' | 'fresh' {
  const built = join(root, 'dist', 'cli', 'main.js');
  const inputs = Math.max(newestMtime(join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= inputs) return 'fresh';
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  return 'built';
}

export function setup(project: TestProject): () => void {
  const refused = rewriteRefusedUnderCI(process.env, project.config.snapshotOptions.updateSnapshot);
  if (refused) throw new Error(refused);
  if (buildIfStale() === 'built') process.stderr.write('vitest global setup: dist/ was older than src/ — rebuilt it (npm run build) for the tests that run the built CLI\n');
  // One folder per run; readable by every user (some tests run the CLI as nobody).
  const runTmp = mkdtempSync(join(tmpdir(), 'rdns-test-run-'));
  chmodSync(runTmp, 0o755);
  process.env.RDNS_TEST_RUN_TMP = runTmp;
  return () => rmSync(runTmp, { recursive: true, force: true });
}
