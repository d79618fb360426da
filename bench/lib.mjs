// Shared helpers for benchmarks: run a command and measure wall time and peak RSS.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RDNS = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/**
 * Runs `argv` (a node script and its arguments, or any command when `command` is given)
 * under /usr/bin/time when present, returning wall seconds, CPU seconds, peak RSS in MB, status and output.
 */
export function measure(argv, { cwd, command = process.execPath, env } = {}) {
  const t0 = process.hrtime.bigint();
  const useTime = spawnSync('/usr/bin/time', ['--version']).status === 0;
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '__RSS_KB=%M __CPU=%U+%S', command, ...argv], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(command, argv, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /__RSS_KB=(\d+) __CPU=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  // CPU seconds (user + system) tell more than wall time on a busy shared machine.
  const cpuSeconds = m ? Number(m[2]) + Number(m[3]) : NaN;
  return { seconds, cpuSeconds, rssMb: m ? Number(m[1]) / 1024 : NaN, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Prints one figure against its target: `name: 1.23 s (target ≤ 2.5 s) OK`. */
export function report(name, value, unit, target, higherIsBetter = false) {
  const ok = higherIsBetter ? value >= target : value <= target;
  console.log(`${name}: ${fmt(value)} ${unit} (target ${higherIsBetter ? '≥' : '≤'} ${target} ${unit}) ${ok ? 'OK' : 'OVER TARGET'}`);
  return ok;
}

/**
 * Like {@link measure}, without blocking this process (a stand-in server in this process
 * must keep answering): runs `command argv` under /usr/bin/time, whose user+sys includes
 * every child the command waited for (rdns → terraform → provider).
 */
export function measureAsync(argv, { cwd, command = process.execPath, env } = {}) {
  const useTime = spawnSync('/usr/bin/time', ['--version']).status === 0;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const args = useTime ? ['-f', '__RSS_KB=%M __CPU=%U+%S', command, ...argv] : argv;
    const child = spawn(useTime ? '/usr/bin/time' : command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /__RSS_KB=(\d+) __CPU=([\d.]+)\+([\d.]+)/.exec(stderr);
      resolve({ seconds, cpuSeconds: m ? Number(m[2]) + Number(m[3]) : NaN, rssMb: m ? Number(m[1]) / 1024 : NaN, status, stdout, stderr: stderr.replace(/^.*__RSS_KB=.*$/m, '').trimEnd() });
    });
  });
}
