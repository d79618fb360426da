import { afterEach, describe, expect, it, vi } from 'vitest';
import { rewriteRefusedUnderCI, snapshotUpdate, toolOrSkip, underCI } from './require-tool.js';

describe('one rule for missing tools (BIND, Terraform, Chromium): skip loudly, or fail under CI', () => {
  const saved = process.env.CI;
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
    vi.restoreAllMocks();
  });

  it('counts CI=true, CI=1 and any other value as CI, and unset, empty, 0 and false as a local run', () => {
    for (const v of ['true', '1', 'yes', 'TRUE', 'github']) expect(underCI({ CI: v }), v).toBe(true);
    for (const v of [undefined, '', '0', 'false', 'FALSE', ' ']) expect(underCI({ CI: v }), String(v)).toBe(false);
  });

  it('runs with the tool present, skips loudly without it locally, and fails under CI', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    process.env.CI = 'false';
    expect(toolOrSkip(undefined)).toBe(true);
    expect(toolOrSkip('X is missing: tests are SKIPPED')).toBe(false);
    expect(warn.mock.calls[0]?.[0]).toContain('X is missing: tests are SKIPPED');
    process.env.CI = 'true';
    expect(toolOrSkip(undefined)).toBe(true);
    expect(() => toolOrSkip('X is missing')).toThrow('X is missing (CI=true: under CI a missing tool is a failure, not a skip)');
  });

  it('never writes a snapshot under CI (a missing one fails), and writes new ones locally', () => {
    expect(snapshotUpdate({ CI: 'true' })).toBe('none');
    expect(snapshotUpdate({ CI: 'false' })).toBe('new');
    expect(snapshotUpdate({})).toBe('new');
  });

  it('refuses UPDATE_GOLDEN, RDNS_UPDATE_DOCS and snapshot updates under CI, and allows them locally', () => {
    expect(rewriteRefusedUnderCI({ CI: 'true' }, 'none')).toBeUndefined();
    expect(rewriteRefusedUnderCI({ CI: 'true', UPDATE_GOLDEN: '1' }, 'none')).toMatch(/^refusing to rewrite expected results under CI \(CI=true\): UPDATE_GOLDEN\./);
    expect(rewriteRefusedUnderCI({ CI: '1', RDNS_UPDATE_DOCS: '1' }, 'none')).toMatch(/: RDNS_UPDATE_DOCS\./);
    expect(rewriteRefusedUnderCI({ CI: 'true' }, 'all')).toMatch(/: snapshot update "all"\./);
    expect(rewriteRefusedUnderCI({ CI: 'false', UPDATE_GOLDEN: '1', RDNS_UPDATE_DOCS: '1' }, 'all')).toBeUndefined();
  });
});
