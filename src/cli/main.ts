#!/usr/bin/env node
/**
 * The `rdns` command line. Wires commands to the modules; the only place that
 * exits the process. Exit codes: 0 clean, 1 findings at error severity, 2 usage or
 * environment error.
 */
import { Command, CommanderError } from 'commander';
import { RdnsError } from '../core/errors.js';
import { terminalText } from '../core/text.js';
import { processContext, type CliContext } from './context.js';
import { registerValidate } from './commands/validate.js';
import { registerDiff } from './commands/diff.js';
import { registerCodeowners } from './commands/codeowners.js';
import { registerCheck } from './commands/check.js';
import { registerAudit } from './commands/audit.js';
import { registerSynth } from './commands/synth.js';
import { registerStacks } from './commands/stacks.js';
import { registerPlan } from './commands/plan.js';
import { registerExport } from './commands/export.js';
import { registerCi } from './commands/ci.js';
import { registerSet } from './commands/set.js';
import { registerReset } from './commands/reset.js';
import { registerBulk } from './commands/bulk.js';
import { registerImport } from './commands/import.js';
import { registerHistory } from './commands/history.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerShow } from './commands/show.js';
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('rdns')
    .description('Reverse DNS (PTR) as code: validate, check, render and change PTR block files')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('-C, --cwd <dir>', 'run as if started in <dir> (default: the repository that holds the current folder, like git)')
    .showHelpAfterError('(run rdns --help for usage)')
    .exitOverride();
  const context = (): CliContext => processContext(program.opts<{ cwd?: string }>().cwd);

  // One line per command; each command lives in commands/<name>.ts.
  registerValidate(program, context, setExit);
  registerDiff(program, context, setExit);
  registerCodeowners(program, context, setExit);
  registerCheck(program, context, setExit);
  registerAudit(program, context, setExit);
  registerSynth(program, context, setExit);
  registerStacks(program, context, setExit);
  registerPlan(program, context, setExit);
  registerExport(program, context, setExit);
  registerCi(program, context, setExit);
  registerSet(program, context, setExit);
  registerReset(program, context, setExit);
  registerBulk(program, context, setExit);
  registerImport(program, context, setExit);
  registerHistory(program, context, setExit);
  registerReport(program, context, setExit);
  registerServe(program, context, setExit);
  registerShow(program, context, setExit);

  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; every usage mistake is 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof RdnsError) {
      process.stderr.write(terminalText(`rdns: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`));
      return e.exitCode;
    }
    process.stderr.write(terminalText(`rdns: internal error: ${(e as Error).message}\n${process.env.RDNS_DEBUG ? `${(e as Error).stack}\n` : '(set RDNS_DEBUG=1 for a stack trace)\n'}`));
    return 2;
  }
}

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
