/**
 * Every stack `rdns synth` writes for the render fixture (explicit records, `default` with
 * forward A records, an RFC 2317 delegation with CNAMEs and NS, an upstream-owned /25 in
 * its own classless zone, IPv6 in per-record mode, an adopted hosted zone, the S3 backend)
 * passes the real `terraform init -backend=false` and `terraform validate` with the
 * hashicorp/aws provider: what the golden files pin is also what Terraform accepts.
 */
import { readdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runTerraform, terraformEnv, terraformOrSkip } from '../helpers/terraform.js';
import { FIXTURE, writeRepo } from '../render/fixture.js';

const haveTerraform = terraformOrSkip();
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe.skipIf(!haveTerraform)('synthesized stacks and the real Terraform', () => {
  it('init and validate every stack of a repository that uses every render feature', async () => {
    // The mirror holds hashicorp/aws 5.100: the fixture's constraint is the only change.
    const root = writeRepo({ ...FIXTURE, 'rdns.yaml': FIXTURE['rdns.yaml']!.replace('"~> 6.20"', '"~> 5.100"') });
    const tf = mkdtempSync(join(tmpdir(), 'rdns-tf-validate-'));
    temps.push(root, tf);
    const env = terraformEnv(tf);
    const synth = runCli(['synth'], { cwd: root });
    expect(synth.status, synth.stdout + synth.stderr).toBe(0);
    const stacks = readdirSync(join(root, 'cdktf.out', 'stacks')).sort();
    expect(stacks).toEqual(['rdns-192-0-2-0-24', 'rdns-198-51-100-0-24', 'rdns-2001-db8-100-48', 'rdns-203-0-113-0-25']);
    const results = await Promise.all(
      stacks.map(async (stack) => {
        const dir = join(root, 'cdktf.out', 'stacks', stack);
        const init = await runTerraform(dir, ['init', '-backend=false', '-input=false', '-no-color'], env);
        if (init.status !== 0) return `${stack}: init: ${init.stderr}`;
        const validate = await runTerraform(dir, ['validate', '-json', '-no-color'], env);
        const report = JSON.parse(validate.stdout) as { valid: boolean; error_count: number; warning_count: number; diagnostics: { summary: string }[] };
        return `${stack}: valid=${report.valid} errors=${report.error_count} ${report.diagnostics.map((d) => d.summary).join('; ')}`.trim();
      }),
    );
    expect(results).toEqual(stacks.map((s) => `${s}: valid=true errors=0`));
  }, 900_000);
});
