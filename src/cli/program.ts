/**
 * The `rdns` program: parses the arguments, loads only the command that runs, and returns
 * the exit code (0 clean, 1 findings at error severity, 2 usage or environment error).
 * Never exits the process; main.ts (the executable) does that. Tests call it in-process
 * with their own {@link CliIo}.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { RdnsError } from '../core/errors.js';
import { terminalText } from '../core/text.js';
import { processContext, processIo, type CliContext, type CliIo } from './context.js';

type Register = (program: Command, context: () => CliContext, setExit: (code: number) => void) => void;

/**
 * Every command, in the order `rdns --help` lists them; each lives in commands/<name>.ts and is
 * imported only when it runs (loading all of them cost every start ~0.3 CPU-s), or for --help.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['validate', async () => (await import('./commands/validate.js')).registerValidate],
  ['diff', async () => (await import('./commands/diff.js')).registerDiff],
  ['codeowners', async () => (await import('./commands/codeowners.js')).registerCodeowners],
  ['check', async () => (await import('./commands/check.js')).registerCheck],
  ['audit', async () => (await import('./commands/audit.js')).registerAudit],
  ['synth', async () => (await import('./commands/synth.js')).registerSynth],
  ['stacks', async () => (await import('./commands/stacks.js')).registerStacks],
  ['plan', async () => (await import('./commands/plan.js')).registerPlan],
  ['export', async () => (await import('./commands/export.js')).registerExport],
  ['ci', async () => (await import('./commands/ci.js')).registerCi],
  ['set', async () => (await import('./commands/set.js')).registerSet],
  ['reset', async () => (await import('./commands/reset.js')).registerReset],
  ['bulk', async () => (await import('./commands/bulk.js')).registerBulk],
  ['delegate', async () => (await import('./commands/delegate.js')).registerDelegate],
  ['undelegate', async () => (await import('./commands/delegate.js')).registerUndelegate],
  ['import', async () => (await import('./commands/import.js')).registerImport],
  ['history', async () => (await import('./commands/history.js')).registerHistory],
  ['report', async () => (await import('./commands/report.js')).registerReport],
  ['serve', async () => (await import('./commands/serve.js')).registerServe],
  ['show', async () => (await import('./commands/show.js')).registerShow],
];

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The command word of `argv`: the first argument that is not a global option (-C DIR, --cwd DIR,
 * --cwd=DIR, -CDIR). Undefined for `rdns`, `rdns --version`, `rdns --help`.
 */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-C' || a === '--cwd') i++;
    else if (a === '--') return argv[i + 1];
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** Which commands to load for `argv`: the one it names, or none for --version, or all (help, a typo: commander lists or suggests them). */
function commandsFor(argv: readonly string[]): ReadonlyArray<(typeof COMMANDS)[number]> {
  const word = commandWord(argv);
  const named = COMMANDS.find(([name]) => name === word);
  if (named) return [named];
  if (word === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help')) return [];
  return COMMANDS;
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('rdns')
    .description('Reverse DNS (PTR) as code: validate, check, render and change PTR block files')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('-C, --cwd <dir>', 'run as if started in <dir> (default: the repository that holds the current folder, like git)')
    .showHelpAfterError('(run rdns --help for usage)')
    .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) })
    .exitOverride();
  const context = (): CliContext => processContext(program.opts<{ cwd?: string }>().cwd, io);

  try {
    for (const [, load] of commandsFor(argv)) (await load())(program, context, setExit);
    for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) });
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; every usage mistake is 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof RdnsError) {
      io.stderr(terminalText(`rdns: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`));
      return e.exitCode;
    }
    io.stderr(terminalText(`rdns: internal error: ${(e as Error).message}\n${io.env.RDNS_DEBUG ? `${(e as Error).stack}\n` : '(set RDNS_DEBUG=1 for a stack trace)\n'}`));
    return 2;
  }
}
