/** Worker thread body for {@link loadBlockFilesParallel}: loads its share of block files. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadBlockFile } from './block-file.js';
import type { WorkerRequest } from './parallel.js';

const { sources, config } = workerData as WorkerRequest;
parentPort?.postMessage(sources.map((s) => loadBlockFile(s.bytes, s.file, config)));
