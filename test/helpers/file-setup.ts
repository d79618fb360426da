/**
 * Before each test file (vitest setupFiles): a temp folder of its own, as TMPDIR, so every
 * mkdtemp(tmpdir()) of the file, its helpers and the processes it starts lands there; removed
 * after the file's last hook. Readable by every user, like /tmp (some tests run the CLI as nobody).
 */
import { afterAll } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fileTmp = mkdtempSync(join(process.env.RDNS_TEST_RUN_TMP ?? tmpdir(), 'file-'));
chmodSync(fileTmp, 0o755);
process.env.TMPDIR = fileTmp;
// Local Terraform state of the file's repositories (one folder per checkout), never the user's ~/.local/state/rdns.
process.env.RDNS_STATE_HOME = join(fileTmp, 'terraform-state');

afterAll(() => {
  rmSync(fileTmp, { recursive: true, force: true, maxRetries: 3 });
});
