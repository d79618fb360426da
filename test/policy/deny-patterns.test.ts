/**
 * Deny patterns come from rdns.yaml, which a pull request can edit: they run on an RE2
 * engine (linear time), so a pattern such as `^(a+)+b` cannot hang validation, and
 * syntax that needs backtracking (backreferences, lookaround) is refused at its place.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { DEFAULT_CONFIG, parseConfig } from '../../src/loader/config.js';
import { explainDenial } from '../../src/policy/hostname-policy.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

describe('deny patterns run in linear time', () => {
  // A hang detector, not a speed goal: the old engine needs about 2^40 steps for this label.
  it('an evil deny_extra pattern with a 40-character label completes', () => {
    const label = 'a'.repeat(40);
    const root = writeRepo({
      'rdns.yaml': 'policy:\n  deny_extra: ["^(a+)+b", "^(a|a)*$"]\n',
      'zones/a.yaml': `prefix: 192.0.2.0/24\nrecords:\n  192.0.2.1: ${label}.example.com\n  192.0.2.2: ab.example.com\n`,
    });
    const r = runCli(['validate', '--format', 'json'], { cwd: root, timeoutMs: 10_000 });
    expect(r.status).toBe(1);
    const ds = (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
    // ^(a+)+b matches "ab.example.com"; the 40 a's are followed by "." and match neither pattern.
    expect(ds.filter((d) => d.severity === 'error').map((d) => [d.code, d.ip])).toEqual([['hostname.denied', '192.0.2.2']]);
  });

  it.each([
    ['a backreference', '(a)\\\\1', /backreference|invalid escape/],
    ['a lookahead', '^(?=mail)', /not supported|Perl syntax/],
    ['a lookbehind', '(?<!x)spam', /not supported|Perl syntax/],
  ])('%s is config.invalid at its line and column', (_what, pattern, why) => {
    const { config, diagnostics } = parseConfig(Buffer.from(`# policy\npolicy:\n  deny_extra:\n    - "^ok-"\n    - "${pattern}"\n`), 'rdns.yaml');
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'config.invalid', file: 'rdns.yaml', line: 5, column: 7, message: expect.stringMatching(why) })]);
    expect(diagnostics[0]?.message).toMatch(/policy\.deny_extra\[1\]/);
    // The valid pattern still applies.
    expect(explainDenial('ok-1.example.com.', config)).toBeDefined();
  });

  it('the built-in patterns still work on the RE2 engine, case-insensitively', () => {
    expect(explainDenial('DHCP-23.Pool.example.net.', DEFAULT_CONFIG)).toMatch(/"DHCP" is a word that marks dynamic/);
    expect(explainDenial('198-51-100-22.static.example.net.', DEFAULT_CONFIG)).toMatch(/embedded IP address/);
    expect(explainDenial('mail.example.com.', DEFAULT_CONFIG)).toBeUndefined();
  });
});
