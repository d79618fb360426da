/** `--routed FILE` and `routed:` of rdns.yaml: the routed prefixes coverage must account for. */
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { RdnsError } from '../core/errors.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Config } from '../core/model.js';
import { parseRoutedList, routedOfConfig, type RoutedPrefix } from '../checks/routed.js';
import type { CliContext } from './context.js';
import { typedPath } from './paths.js';

export const routedOption = (): Option => new Option('--routed <file>', 'routed prefixes, one a line (a router or RIR export); default: routed: of rdns.yaml');

/** The routed prefixes: from `--routed FILE` (replacing rdns.yaml's), else from rdns.yaml; an unreadable file is a usage error. */
export function routedPrefixes(ctx: CliContext, file: string | undefined, config: Pick<Config, 'routed'>): { prefixes: RoutedPrefix[]; diagnostics: Diagnostic[] } {
  if (file === undefined) return { prefixes: routedOfConfig(config), diagnostics: [] };
  let text: string;
  try {
    text = file === '-' ? Buffer.from(ctx.readStdin()).toString('utf8') : readFileSync(typedPath(ctx, file), 'utf8');
  } catch (e) {
    throw new RdnsError(`cannot read --routed ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
  return parseRoutedList(text, file === '-' ? '<stdin>' : file);
}
