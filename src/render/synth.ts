/**
 * The cdktf app: zone stacks → cdktf.out/ (one stack per hosted reverse zone), the same
 * layout `npx cdktf synth` produces, so `cdktf plan|deploy <stack>` and plain
 * `terraform -chdir=cdktf.out/stacks/<stack>` both work on it.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { App } from 'cdktf';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { Config } from '../core/model.js';
import { ZoneStack } from './zone-stack.js';
import { stackInfoOf, type StackInfo, type ZoneStack as ZoneStackModel } from './stacks.js';

export interface SynthOptions {
  /** Output folder (cdktf.out). */
  readonly outdir: string;
  /** Remove stacks of an earlier synth that this one does not produce (off for partial synths). */
  readonly prune?: boolean;
  /**
   * Repository root: local Terraform state lives there (`terraform.<stack>.tfstate`), outside
   * `outdir`, whose stacks/ every synth replaces. Default: the current directory.
   */
  readonly root?: string;
}

/** Synthesizes `stacks` into `outdir`; returns what was written. */
export function synthesize(stacks: readonly ZoneStackModel[], config: Config, options: SynthOptions): StackInfo[] {
  if (options.prune) pruneStacks(options.outdir);
  const app = new App({ outdir: options.outdir, stackTraces: false, skipValidation: true });
  // Terraform reads a relative local-state path from the stack folder; every stack folder is equally deep.
  const toRoot = relative(join(resolve(options.outdir), 'stacks', 'stack'), resolve(options.root ?? '.')).split(sep).join('/');
  for (const s of stacks) new ZoneStack(app, s, config, toRoot);
  app.synth();
  return stacks.map(stackInfoOf);
}
/**
 * Only a folder that looks like an earlier synth (it has manifest.json) loses its
 * stacks/ subfolder; an --out pointing at anything else is never emptied.
 */
function pruneStacks(outdir: string): void {
  if (!existsSync(join(outdir, 'manifest.json'))) return;
  const stacks = join(outdir, 'stacks');
  if (existsSync(stacks)) rmSync(stacks, { recursive: true, force: true });
}

// Interpolations we write ourselves: references between our own resources and for_each.
const OWN_INTERPOLATION = /^\$\{(?:(?:aws_route53_zone|data\.aws_route53_zone)\.[A-Za-z0-9_]+\.(?:zone_id|name_servers)|each\.value\.(?:name|type|ttl|records))\}$/;

/**
 * Scans synthesized stacks for Terraform template syntax that we did not write:
 * nothing from a YAML file may reach Terraform as an expression.
 */
export function checkSynthOutput(outdir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return out;
  for (const name of readdirSync(stacks)) {
    const file = join(stacks, name, 'cdk.tf.json');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?<![$%])[$%]\{[^"}]*\}?/g)) {
      if (OWN_INTERPOLATION.test(m[0])) continue;
      out.push(diag('render.value', `stack ${name}: unexpected Terraform template syntax ${JSON.stringify(m[0])} in the output`, undefined, { value: m[0] }));
    }
  }
  return out;
}
