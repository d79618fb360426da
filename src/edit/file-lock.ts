/**
 * A lock file beside a block file (`.<name>.lock`), so that several `rdns set` / `bulk`
 * processes editing one file at once take turns instead of overwriting each other's
 * edits: each one reads the file only after it holds the lock, and renames its new
 * version over it before letting go. Created with O_EXCL (`wx`), so exactly one process
 * gets it; it holds the owner's pid and start time. A lock whose process is gone (same
 * host) or that is older than `staleMs` is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';

export interface LockOptions {
  /** How long to wait for another holder (default 10 s). */
  readonly waitMs?: number;
  /** A lock older than this is abandoned (default 60 s; an edit takes well under a second). */
  readonly staleMs?: number;
}

export type LockResult = { ok: true; release: () => void } | { ok: false; holder: string };

export const lockPathOf = (file: string): string => join(dirname(file), `.${basename(file)}.lock`);

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What the lock file says about its holder, and whether it is abandoned. */
function inspect(lock: string, staleMs: number): { stale: boolean; holder: string } | undefined {
  let text: string;
  let mtime: number;
  try {
    text = readFileSync(lock, 'utf8');
    mtime = statSync(lock).mtimeMs;
  } catch {
    return undefined; // gone meanwhile
  }
  const [pidText, host, started] = text.split('\n');
  const pid = Number(pidText);
  const age = Date.now() - mtime;
  const holder = `pid ${pidText || '?'} on ${host || '?'} since ${started || new Date(mtime).toISOString()}`;
  // A lock being written right now may still be empty: only its age can make it stale.
  const dead = Number.isInteger(pid) && pid > 0 && host === hostname() && !alive(pid);
  return { stale: dead || age > staleMs, holder };
}

/** Takes the lock of `file` (waiting up to `waitMs`); never throws for a held lock. */
export function lockFile(file: string, options: LockOptions = {}): LockResult {
  const lock = lockPathOf(file);
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  const staleMs = options.staleMs ?? 60_000;
  let delay = 5;
  let holder = 'another process';
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      try {
        writeSync(fd, `${process.pid}\n${hostname()}\n${new Date().toISOString()}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          rmSync(lock, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const seen = inspect(lock, staleMs);
    if (seen) {
      holder = seen.holder;
      if (seen.stale) {
        // Remove only the lock we judged: a fresh lock placed meanwhile has another identity.
        try {
          const again = readFileSync(lock, 'utf8');
          if (`${again.split('\n')[0]}` === seen.holder.split(' ')[1]) rmSync(lock, { force: true });
        } catch {
          // gone already
        }
        continue;
      }
    }
    if (Date.now() >= deadline) return { ok: false, holder };
    sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}
