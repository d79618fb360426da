/**
 * Issue 18, item 8: no terminal control from data. A note in a block file, a commit's
 * author and subject are a pull request's text: an OSC 8 hyperlink, a line erase or a
 * C1 control sequence in them must reach the reviewer's terminal as visible text
 * (`\u{001B}`), never as a control character, in every text output.
 */
import { describe, expect, it, vi } from 'vitest';
import { printable, terminalText } from '../../src/core/text.js';
import { runCli } from '../helpers/cli.js';
import { createGitRepo } from '../helpers/git-repo.js';

vi.setConfig({ testTimeout: 180_000 });

const ESC = '\x1b';
// A link that shows "NOC-1234" and points elsewhere, then erases the line it is on.
const OSC8 = `${ESC}]8;;https://evil.example/${ESC}\\NOC-1234${ESC}]8;;${ESC}\\${ESC}[2K`;
// The same in C1 form (CSI = U+009B), DEL, a bell, and a line break that would start a fake line.
const C1 = '\u009b2K\u007f\u0007';
// Any C0 control other than line feed and tab, DEL, or a C1 control.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

const BLOCK = `prefix: 198.51.100.0/24
owners: ["@example-isp/noc"]
default: "{dashed}.static.example.net"
records:
  198.51.100.22: mail.example.com
`;
// YAML double quotes spell the controls as escapes (\\e, \\x9b): the file itself stays printable.
const yamlEscaped = (s: string): string =>
  JSON.stringify(s)
    .slice(1, -1)
    .replace(/\\u001b/g, '\\e')
    .replace(/[\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
const NOTE = `${OSC8}${C1}\n  owners      @mallory`;

function attackRepo() {
  const repo = createGitRepo({ 'zones/a.yaml': BLOCK });
  repo.commit('start');
  repo.write({ 'zones/a.yaml': BLOCK.replace('  198.51.100.22: mail.example.com\n', `  198.51.100.22:\n    ptr: mx1.example.com\n    note: "${yamlEscaped(NOTE)}"\n`) });
  repo.git('add', '-A');
  repo.git('-c', `user.name=Mallory ${ESC}]8;;https://evil.example/${ESC}\\trusted-admin${ESC}]8;;${ESC}\\`, 'commit', '-q', '-m', `fix mx ${ESC}[2K${ESC}[1A\u009b1A (#7)`);
  return repo;
}

const visible = (out: string): void => {
  expect(out).not.toMatch(CONTROL);
  expect(out).toContain('\\u{001B}]8;;https://evil.example/');
};

describe('no terminal control from data (issue 18, item 8)', () => {
  it('rdns show prints a note and the last commit with their control characters written out', () => {
    const repo = attackRepo();
    const r = runCli(['show', '198.51.100.22'], { cwd: repo.root });
    expect(r.stderr).toBe('');
    visible(r.stdout);
    const lines = r.stdout.trimEnd().split('\n');
    // The line break in the note does not start a line of its own: no second "owners" line.
    expect(lines.filter((l) => l.startsWith('  owners'))).toEqual(['  owners      @example-isp/noc']);
    expect(lines.find((l) => l.startsWith('  note'))).toBe(
      '  note        \\u{001B}]8;;https://evil.example/\\u{001B}\\NOC-1234\\u{001B}]8;;\\u{001B}\\\\u{001B}[2K\\u{009B}2K\\u{007F}\\u{0007}\\u{000A}  owners      @mallory',
    );
    expect(lines.find((l) => l.startsWith('  changed'))).toMatch(/by Mallory \\u\{001B\}\]8;;https:\/\/evil\.example\/\\u\{001B\}\\trusted-admin.* in #7: "fix mx \\u\{001B\}\[2K\\u\{001B\}\[1A\\u\{009B\}1A \(#7\)"$/);
  });

  it('rdns history (one address and a prefix) prints notes, authors and subjects the same way', () => {
    const repo = attackRepo();
    for (const target of ['198.51.100.22', '198.51.100.16/28']) {
      const r = runCli(['history', target], { cwd: repo.root });
      expect(r.stderr).toBe('');
      visible(r.stdout);
      expect(r.stdout).toContain('fix mx \\u{001B}[2K\\u{001B}[1A\\u{009B}1A (#7)');
      expect(r.stdout).not.toMatch(/\n {2}owners {6}@mallory/);
    }
    // JSON keeps the data exactly (a JSON parser gets the note back) and is printable too.
    const j = runCli(['history', '198.51.100.22', '--format', 'json'], { cwd: repo.root });
    expect(j.stdout).not.toMatch(CONTROL);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.history[0].new.note).toBe(NOTE);
    expect(parsed.history[0].subject).toBe(`fix mx ${ESC}[2K${ESC}[1A\u009b1A (#7)`);
  });
});

describe('the one escape of every text printer', () => {
  it.each([
    ['OSC 8 link', `${OSC8}`, '\\u{001B}]8;;https://evil.example/\\u{001B}\\NOC-1234\\u{001B}]8;;\\u{001B}\\\\u{001B}[2K'],
    ['C1, DEL, bell, line break, tab', `a${C1}\n\tb`, 'a\\u{009B}2K\\u{007F}\\u{0007}\\u{000A}\\u{0009}b'],
    ['bidi override and zero-width space', 'abc\u202Edef\u200B', 'abc\\u{202E}def\\u{200B}'],
    ['plain text and other scripts', 'münchen пример', 'münchen пример'],
  ])('printable: %s', (_, raw, shown) => {
    expect(printable(raw)).toBe(shown);
  });

  it('terminalText: the last guard of CLI output keeps line breaks, tabs and (with colour) the tool\'s own SGR codes', () => {
    expect(terminalText(`a\tb\n${ESC}[31merror${ESC}[0m ${ESC}]8;;x${ESC}\\\u009b\r\n`)).toBe('a\tb\n\\u001B[31merror\\u001B[0m \\u001B]8;;x\\u001B\\\\u009B\\u000D\n');
    expect(terminalText(`${ESC}[31merror${ESC}[0m ${ESC}[2K`, true)).toBe(`${ESC}[31merror${ESC}[0m \\u001B[2K`);
    // In JSON the guard's form is the JSON escape of the same character.
    const json = JSON.stringify({ note: `x\u009b\u007fy` });
    expect(JSON.parse(terminalText(json))).toEqual({ note: 'x\u009b\u007fy' });
  });
});
