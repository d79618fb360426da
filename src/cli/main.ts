#!/usr/bin/env node
/**
 * The `rdns` executable: runs the program (program.ts) on this process's arguments and
 * streams; the only place that sets the process's exit code.
 */
import { terminalText } from '../core/text.js';
import { main } from './program.js';

// `rdns export | head`: the reader went away; that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(terminalText(`rdns: ${(e as Error).message}\n`));
    process.exitCode = 2;
  },
);
