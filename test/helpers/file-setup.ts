/**
 * Before each test file (vitest setupFiles): a temp folder of its own, as TMPDIR, so every
 * mkdtemp(tmpdir()) of the file, its helpers and the processes it starts lands there; removed
 * after the file's last hook. Readable by every user, like /tmp (some tests run the CLI as nobody).
 *
 * RDNS_TEST_CPU_LOG=FILE appends one line per test file: its path, then the CPU seconds of the
 * file (user+sys of the worker and of every process it started and waited for: terraform, the
 * provider, git, named…) and its wall seconds — to see which files are CPU-bound and which wait.
 */
import { afterAll, expect } from 'vitest';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const fileTmp = mkdtempSync(join(process.env.RDNS_TEST_RUN_TMP ?? tmpdir(), 'file-'));
chmodSync(fileTmp, 0o755);
process.env.TMPDIR = fileTmp;
// Local Terraform state of the file's repositories (one folder per checkout), never the user's ~/.local/state/rdns.
process.env.RDNS_STATE_HOME = join(fileTmp, 'terraform-state');

/** CPU seconds of this process and its waited-for children (Linux /proc: utime, stime, cutime, cstime in clock ticks of 1/100 s). */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
}
const cpuLog = process.env.RDNS_TEST_CPU_LOG;
const started = cpuLog ? { cpu: cpuSeconds(), wall: Date.now() } : undefined;
const testFile = relative(process.cwd(), expect.getState().testPath ?? '');

afterAll(() => {
  rmSync(fileTmp, { recursive: true, force: true, maxRetries: 3 });
  if (cpuLog && started) appendFileSync(cpuLog, `${testFile}\t${(cpuSeconds() - started.cpu).toFixed(1)}\t${((Date.now() - started.wall) / 1000).toFixed(1)}\n`);
});
