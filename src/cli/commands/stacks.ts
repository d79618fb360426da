import { Option, type Command } from 'commander';
import { stackInfoOf } from '../../render/stacks.js';
import type { CliContext } from '../context.js';
import { loadForRender, stackLines } from './synth.js';

/** `rdns stacks [--changed-since REF] --format json`: the stacks a synth produces, for a CI matrix. */
export function registerStacks(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  program
    .command('stacks')
    .description('list the Terraform stacks (one per block file); --format json prints a GitHub Actions matrix')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--changed-since <ref>', 'only the stacks of block files changed since this git revision')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .action(async (paths: string[], opts: { changedSince?: string; format: 'text' | 'json' | 'github' }) => {
      const ctx = context();
      const input = await loadForRender(ctx, paths, opts.format, opts.changedSince);
      if (!input) return setExit(1);
      const stacks = input.model.blocks.map(stackInfoOf);
      if (opts.format === 'json') {
        // `strategy.matrix: ${{ fromJSON(...) }}` takes this object as it is.
        ctx.stdout(`${JSON.stringify({ include: stacks.map((s) => ({ stack: s.stack, file: s.file, prefix: s.prefix, zones: s.zones, records: s.records, resources: s.resources })) })}\n`);
      } else {
        ctx.stdout(stacks.length > 0 ? `${stackLines(stacks)}\n` : `no stacks${opts.changedSince ? ` (no block file changed since ${opts.changedSince})` : ''}\n`);
      }
      setExit(0);
    });
}
