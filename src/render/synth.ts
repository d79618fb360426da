/**
 * The cdktf app: zone stacks → cdktf.out/ (one stack per hosted reverse zone), the same
 * layout `npx cdktf synth` produces, so `cdktf plan|deploy <stack>` and plain
 * `terraform -chdir=cdktf.out/stacks/<stack>` both work on it.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { App } from 'cdktf';
import { diag, type Diagnostic } from '../core/diagnostics.js';
import type { Config } from '../core/model.js';
import { LIVE_CHECK_EXPRESSIONS } from './live-check.js';
import type { StackPreparation } from './state-migration.js';
import { RemovedZoneStack, ZoneStack } from './zone-stack.js';
import { stackInfoOf, type StackInfo, type ZoneStack as ZoneStackModel } from './stacks.js';

export interface SynthOptions {
  /** Output folder (cdktf.out). */
  readonly outdir: string;
  /** Remove stacks of an earlier synth that this one does not produce (off for partial synths). */
  readonly prune?: boolean;
  /** Stacks of zones no longer rendered: written with no records, so a plan removes what their state holds. */
  readonly removed?: readonly string[];
  /**
   * Absolute folder of local Terraform state (`<stack>.tfstate`) when rdns.yaml sets no
   * `backend.path`: outside the repository, so that Terraform never reads a state file a
   * pull request committed, and outside `outdir`, whose stacks/ every synth replaces.
   */
  readonly stateDir: string;
}

/** Synthesizes `stacks` into `outdir`; returns what was written. */
export function synthesize(stacks: readonly ZoneStackModel[], config: Config, options: SynthOptions): StackInfo[] {
  if (options.prune) pruneStacks(options.outdir);
  const app = new App({ outdir: options.outdir, stackTraces: false, skipValidation: true });
  for (const s of stacks) new ZoneStack(app, s, config, resolve(options.stateDir));
  for (const name of options.removed ?? []) new RemovedZoneStack(app, name, config, resolve(options.stateDir));
  app.synth();
  return stacks.map(stackInfoOf);
}
/** What synth and `rdns plan` write at the top of their output folder. */
const OWN_ENTRIES = new Set(['manifest.json', 'stacks', 'rdns-plan.json', 'plugin-cache', 'terraform-data']);

/**
 * Checks that `outdir` is a folder synth may write and empty: inside the repository `root`
 * (not the root itself), and holding nothing but an earlier synth's output. Returns why
 * not, or undefined. A pull request chooses neither --out nor what lies in the folder, but
 * an operator's typo must not cost them a folder of their own.
 */
export function outdirProblem(root: string, outdir: string): string | undefined {
  const rel = relative(resolve(root), resolve(outdir));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return 'the output folder must be a folder of its own inside the repository';
  if (!existsSync(outdir)) return undefined;
  const shown = rel.split(sep).join('/');
  if (!statSync(outdir).isDirectory()) return `${shown} is not a folder`;
  const foreign = readdirSync(outdir).filter((e) => !OWN_ENTRIES.has(e));
  const own = stacksOfManifest(outdir);
  const stacks = join(outdir, 'stacks');
  if (existsSync(stacks)) foreign.push(...readdirSync(stacks).filter((e) => !own.has(e)).map((e) => `stacks/${e}`));
  if (foreign.length > 0) return `${shown} holds files rdns did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''})`;
  return undefined;
}

/** Stack names of the manifest.json of an earlier synth (none when there is none). */
function stacksOfManifest(outdir: string): Set<string> {
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks?: Record<string, unknown> };
    return new Set(Object.keys(manifest.stacks ?? {}).filter((n) => /^[A-Za-z0-9_-]+$/.test(n)));
  } catch {
    return new Set();
  }
}

/** Removes the stacks an earlier synth wrote (listed in its manifest), nothing else. */
function pruneStacks(outdir: string): void {
  for (const name of stacksOfManifest(outdir)) rmSync(join(outdir, 'stacks', name), { recursive: true, force: true });
}

// Interpolations we write ourselves: references between our own resources.
const OWN_INTERPOLATION = /^\$\{(?:aws_route53_zone|data\.aws_route53_zone)\.[A-Za-z0-9_]+\.(?:zone_id|name_servers)\}$/;
// The live check's expressions are constant text (live-check.ts): allowed only verbatim, as whole JSON strings.
const OWN_EXPRESSIONS = LIVE_CHECK_EXPRESSIONS.map((e) => JSON.stringify(e));

/**
 * Scans synthesized stacks for Terraform template syntax that we did not write:
 * nothing from a YAML file may reach Terraform as an expression.
 */
export function checkSynthOutput(outdir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return out;
  for (const name of readdirSync(stacks)) out.push(...checkStackOutput(outdir, name));
  return out;
}

/** checkSynthOutput for one stack folder (its synth output and the files written from its state). */
export function checkStackOutput(outdir: string, name: string): Diagnostic[] {
  return ['cdk.tf.json', PREPARATION_FILES.variables, PREPARATION_FILES.migration].flatMap((f) => scanFile(name, join(outdir, 'stacks', name, f)));
}

function scanFile(name: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!existsSync(file)) return out;
  let text = readFileSync(file, 'utf8');
  for (const e of OWN_EXPRESSIONS) text = text.split(e).join('""');
  for (const m of text.matchAll(/(?<![$%])[$%]\{[^"}]*\}?/g)) {
    if (OWN_INTERPOLATION.test(m[0])) continue;
    out.push(diag('render.value', `stack ${name}: unexpected Terraform template syntax ${JSON.stringify(m[0])} in the output`, undefined, { value: m[0] }));
  }
  return out;
}

/** The files `writeStackPreparation` adds to a stack folder (replaced by the next synth). */
export const PREPARATION_FILES = { variables: 'rdns-state.auto.tfvars.json', migration: 'rdns-migration.tf.json' } as const;

/**
 * Writes what the stack's state tells its next plan into the stack folder: the applied set
 * and whether the plan refreshes (`rdns-state.auto.tfvars.json`, read by Terraform on its
 * own), and the upgrade's moved/import/removed blocks (`rdns-migration.tf.json`) when there
 * are any. Values are literal JSON, checked like the synth output.
 */
export function writeStackPreparation(dir: string, prep: StackPreparation, refreshed: boolean): void {
  const variables = join(dir, PREPARATION_FILES.variables);
  if (prep.applied) writeFileSync(variables, `${JSON.stringify({ rdns_applied: prep.applied, rdns_refreshed: refreshed }, null, 2)}\n`);
  else rmSync(variables, { force: true });
  const migration = join(dir, PREPARATION_FILES.migration);
  if (prep.migration) writeFileSync(migration, `${JSON.stringify(prep.migration, null, 2)}\n`);
  else rmSync(migration, { force: true });
}
