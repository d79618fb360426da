import { describe, expect, it } from 'vitest';
import { cellText, COMMENT_MARKER, renderComment } from '../../src/ci/comment.js';
import { pullRequestOfEvent } from '../../src/ci/github-event.js';
import { checkRunOf, MAX_ANNOTATIONS, toAnnotations } from '../../src/ci/publish.js';
import { runCi, type CiReport, type CiSteps } from '../../src/ci/run-ci.js';
import type { ChangeSet, RecordChange } from '../../src/core/changeset.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { parseIp } from '../../src/core/ip.js';
import { MAX_COMMENT_CHARS } from '../../src/github/host.js';

const ip = (text: string) => {
  const p = parseIp(text);
  if (!p.ok) throw new Error(text);
  return p.value;
};

/** `n` added records spread over `files` block files. */
function bigChangeSet(n: number, files: number): ChangeSet {
  const changes: RecordChange[] = [];
  for (let i = 0; i < n; i++) {
    const text = `10.${Math.floor(i / 65536) % 256}.${Math.floor(i / 256) % 256}.${i % 256}`;
    const file = `zones/block-${String(i % files).padStart(2, '0')}.yaml`;
    changes.push({ kind: 'added', ip: ip(text), ipText: text, zone: 'x.in-addr.arpa.', file, new: { ptr: `host-${i}.customers.example-isp.net.`, source: 'record', file, pos: { file, line: 10 + i, column: 3 } } });
  }
  const counts = { added: n, changed: 0, reset: 0, removed: 0, moved: 0 };
  const perBlock: Record<string, typeof counts> = {};
  for (let f = 0; f < files; f++) perBlock[`zones/block-${String(f).padStart(2, '0')}.yaml`] = { ...counts, added: Math.ceil(n / files) };
  return { base: 'a', head: 'b', changes, counts, perBlock, perZone: {}, baseZoneRecords: {}, blockChanges: [], files: Object.keys(perBlock), skipped: [] };
}

const finding = (i: number): Diagnostic => ({ severity: 'error', code: 'hostname.invalid', message: `198.51.100.${i % 256}: a long explanation of what is wrong with this name `.repeat(3), file: 'zones/a.yaml', line: i + 1, column: 3 });

const report = (over: Partial<CiReport>): CiReport => ({ steps: [{ name: 'validate', errors: 0, warnings: 0, note: '1 file, 2 records' }], diagnostics: [], errors: 0, warnings: 0, ...over });

describe('renderComment', () => {
  it('a 10,000-record change with 5,000 findings stays under 65,536 characters, with counts and truncated tables', () => {
    const diagnostics = Array.from({ length: 5000 }, (_, i) => finding(i));
    const body = renderComment(report({ changeSet: bigChangeSet(10_000, 40), diagnostics, errors: 5000 }), { baseRef: 'main' });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.startsWith(`${COMMENT_MARKER}\n## ❌ rdns: merge blocked — 5,000 errors`)).toBe(true);
    expect(body).toContain('**10,000 record changes** in 40 block files: 10,000 added');
    expect(body).toContain('### Findings (5,000)');
    expect(body).toMatch(/…and 4,\d{3} more findings: see the check run's annotations/);
    expect(body).toMatch(/### Changes \(first \d+ of 10,000\)/);
    expect(body).toMatch(/…and 9,\d{3} more changes: run `rdns diff --base main` for the full list\./);
    expect(body).toContain('### Changes per block file');
  });

  it('fits any limit, keeping the marker first', () => {
    const body = renderComment(report({ changeSet: bigChangeSet(500, 3), diagnostics: [finding(1)], errors: 1 }), { maxChars: 2000 });
    expect(body.length).toBeLessThanOrEqual(2000);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
  });

  it('a small change is shown in full', () => {
    const body = renderComment(report({ changeSet: bigChangeSet(3, 1) }));
    expect(body).toContain('## ✅ rdns: all checks passed');
    expect(body).toContain('### Changes (3)');
    expect(body).not.toContain('more change');
    expect(body).toContain('| ➕ added | `10.0.0.2` | `host-2.customers.example-isp.net` | `zones/block-00.yaml:12` |');
  });

  it.each([
    ['pipes | and <b>html</b>', 'pipes \\| and \\<b\\>html\\</b\\>'],
    ['may be changed by @example-isp/noc, @acme-corp', 'may be changed by `@example-isp/noc`, `@acme-corp`'],
    ['two\nlines', 'two lines'],
    ['[link](https://evil.example)', '\\[link\\](https\u200b://evil.example)'],
    // A lone carriage return is a line break to GitHub's renderer too; other control characters are shown, not sent.
    ['one\rtwo\r\nthree\u2028four', 'one two three four'],
    // Shown as \u{0007}: the backslash is escaped for Markdown like any other.
    ['bell\u0007 and escape\u001b[31m', 'bell\\\\u{0007} and escape\\\\u{001B}\\[31m'],
    // Bare URLs would become links to wherever the pull request says: broken with a zero-width space.
    ['unknown key "https://evil.example/login" in records', 'unknown key "https\u200b://evil.example/login" in records'],
    ['see www.evil.example or HTTP://x.example', 'see www\u200b.evil.example or HTTP\u200b://x.example'],
  ])('cell text %j → %j (no markup, no mentions, no links, one line)', (input, out) => {
    expect(cellText(input)).toBe(out);
  });

  it('a finding whose message carries a URL and a lone CR renders as one table row with no autolink', () => {
    const d: Diagnostic = { severity: 'error', code: 'schema.unknown-key', message: 'unknown key "x\r| ❌ | fake row https://evil.example/pwn" in records', file: 'zones/a.yaml', line: 3, column: 3 };
    const body = renderComment(report({ diagnostics: [d], errors: 1 }));
    expect(body).not.toContain('\r');
    expect(body).not.toMatch(/https:\/\/evil/);
    const rows = body.split('\n').filter((l) => l.includes('schema.unknown-key'));
    expect(rows).toEqual(['| ❌ | `zones/a.yaml:3` | `schema.unknown-key` | unknown key "x \\| ❌ \\| fake row https\u200b://evil.example/pwn" in records |']);
  });
});

describe('annotations and the check run', () => {
  it('one annotation per placed finding, columns kept; findings without a place stay in the summary only', () => {
    const ds: Diagnostic[] = [finding(0), { severity: 'warning', code: 'guard.too-many-changes', message: 'm' }];
    expect(toAnnotations(ds)).toEqual([{ path: 'zones/a.yaml', start_line: 1, end_line: 1, start_column: 3, end_column: 3, annotation_level: 'failure', message: finding(0).message, title: 'hostname.invalid' }]);
    const run = checkRunOf(report({ diagnostics: ds, errors: 1, warnings: 1 }), 'f'.repeat(40), `${COMMENT_MARKER}\nbody`);
    expect(run).toMatchObject({ name: 'rdns', conclusion: 'failure', title: '1 error, 1 warning', summary: 'body' });
  });
});

describe('annotation cap', () => {
  it('sends at most 1,000 annotations, errors first, and says so in the summary', () => {
    const warnings: Diagnostic[] = Array.from({ length: 600 }, (_, i) => ({ ...finding(i), severity: 'warning' }));
    const errors = Array.from({ length: 900 }, (_, i) => finding(i));
    const run = checkRunOf(report({ diagnostics: [...warnings, ...errors], errors: 900, warnings: 600 }), 'f'.repeat(40), 'body');
    expect(run.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(run.annotations.filter((a) => a.annotation_level === 'failure')).toHaveLength(900);
    expect(run.summary.startsWith('Annotations: the first 1000 of 1500 findings.')).toBe(true);
  });
});

describe('runCi', () => {
  const steps = (over: Partial<CiSteps>): CiSteps => ({
    validate: () => ({ diagnostics: [finding(1)] }),
    diff: async () => ({ diagnostics: [finding(1)], changeSet: bigChangeSet(1, 1) }),
    ownership: async () => ({ diagnostics: [] }),
    guards: () => ({ diagnostics: [{ severity: 'warning', code: 'guard.too-many-changes', message: 'approved' }] }),
    fcrdns: async () => ({ diagnostics: [], note: '1 of 1' }),
    ...over,
  });

  it('counts a finding once, in the step that found it first; warnings do not fail', async () => {
    const r = await runCi(steps({}));
    expect(r.steps.map((s) => [s.name, s.errors, s.warnings])).toEqual([
      ['validate', 1, 0],
      ['diff', 0, 0],
      ['ownership', 0, 0],
      ['guards', 0, 1],
      ['fcrdns', 0, 0],
    ]);
    expect([r.errors, r.warnings, r.diagnostics.length]).toEqual([1, 1, 2]);
  });

  it('without a change set the dependent steps are skipped, not silently passed', async () => {
    const r = await runCi(steps({ diff: async () => ({ diagnostics: [] }) }));
    expect(r.steps.slice(2).map((s) => s.skipped)).toEqual(['the change set could not be computed', 'the change set could not be computed', 'the change set could not be computed']);
  });
});

describe('pullRequestOfEvent', () => {
  it('reads number, author, head sha, base branch and labels of a pull_request event', () => {
    const sha = 'a'.repeat(40);
    expect(
      pullRequestOfEvent({ number: 7, pull_request: { number: 7, user: { login: 'alice' }, head: { sha }, base: { ref: 'main' }, labels: [{ name: 'rdns/bulk-approved' }, { id: 3 }] } }),
    ).toEqual({ number: 7, author: 'alice', headSha: sha, baseRef: 'main', labels: ['rdns/bulk-approved'] });
  });

  it.each([[{ ref: 'refs/heads/main', commits: [] }], [null], [{ pull_request: { number: 'x', user: { login: 'a' } } }], [{ pull_request: { number: 3 } }]])('is undefined for %j', (payload) => {
    expect(pullRequestOfEvent(payload)).toBeUndefined();
  });
});
