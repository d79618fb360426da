/**
 * Parsing block files on several cores. YAML parsing dominates `rdns validate` on
 * large repositories and each file is independent, so files are dealt to worker
 * threads; the cross-file checks then run in the calling thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../core/model.js';
import { loadBlockFile, type LoadedBlock } from './block-file.js';
import type { BlockSource } from './repository.js';

/** Below this much YAML a worker's start-up costs more than it saves. */
const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

export interface WorkerRequest {
  readonly sources: readonly BlockSource[];
  readonly config: Config;
}

/** Loads each source; the order of the result follows `sources`. */
export async function loadBlockFilesParallel(sources: readonly BlockSource[], config: Config, minBytes = PARALLEL_MIN_BYTES): Promise<LoadedBlock[]> {
  const total = sources.reduce((n, s) => n + s.bytes.length, 0);
  const workers = Math.min(availableParallelism(), 4, sources.length);
  if (workers < 2 || total < minBytes) return sources.map((s) => loadBlockFile(s.bytes, s.file, config));
  // Deal files largest first onto the least loaded worker, so one big file does not leave the others idle.
  const order = sources.map((s, i) => i).sort((a, b) => sources[b]!.bytes.length - sources[a]!.bytes.length);
  const shares = Array.from({ length: workers }, () => ({ bytes: 0, indexes: [] as number[] }));
  for (const i of order) {
    const least = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.bytes += sources[i]!.bytes.length;
    least.indexes.push(i);
  }
  const results = new Array<LoadedBlock>(sources.length);
  await Promise.all(
    shares.map(async (share) => {
      const request: WorkerRequest = { sources: share.indexes.map((i) => sources[i]!), config };
      const loaded = await runWorker(request);
      share.indexes.forEach((i, k) => {
        results[i] = loaded[k]!;
      });
    }),
  );
  return results;
}

// Beside this module once built; when this module runs from source (the tests), the built copy.
const WORKER = [new URL('./parallel-worker.js', import.meta.url), new URL('../../dist/loader/parallel-worker.js', import.meta.url)].find((u) => existsSync(fileURLToPath(u)));

function runWorker(request: WorkerRequest): Promise<LoadedBlock[]> {
  return new Promise((resolve, reject) => {
    if (!WORKER) return reject(new Error('parallel-worker.js not found: run npm run build'));
    const worker = new Worker(WORKER, { workerData: request });
    worker.once('message', (m: LoadedBlock[]) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`block file worker exited with code ${code}`));
    });
  });
}
