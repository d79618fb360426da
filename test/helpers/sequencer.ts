/**
 * The order test files start in: those that run Terraform first, then vitest's own order
 * (longest by the last run's cache first, files it has not seen by size).
 *
 * A Terraform file takes minutes (the provider waits 10–30 s before it polls each change, and
 * each plan costs seconds of CPU), so it is the run's critical path: started last, it runs on
 * alone while the other worker idles. A fresh clone (CI) has no cache, and vitest would order
 * by size, which starts test/terraform/layout.test.ts halfway through the run.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const TERRAFORM = /[/\\]test[/\\](terraform[/\\][^/\\]+|helpers[/\\]fake-route53)\.test\.ts$/;

export class TerraformFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => TERRAFORM.test(f.moduleId)), ...sorted.filter((f) => !TERRAFORM.test(f.moduleId))];
  }
}
