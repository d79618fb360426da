import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../src/core/diagnostics.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);

/** Markdown outside fenced code blocks (``` … ```), line for line (fenced lines are emptied). */
function prose(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation and symbols dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown file's headings, with GitHub's `-1`, `-2` … for repeated ones. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of prose(text).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every relative link and image target of a markdown file (inline code and fenced blocks excluded). */
function relativeLinks(text: string): string[] {
  const body = prose(text).replace(/`[^`\n]*`/g, '');
  return [...body.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('README', () => {
  it('shows the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('links every page of docs/', () => {
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) expect(readme, page).toContain(`](${page})`);
  });
});

describe('docs/diagnostics.md', () => {
  it('documents every diagnostic code once, with its severity, in the codes table', () => {
    const doc = read('docs/diagnostics.md');
    const at = doc.indexOf('| code | severity | meaning |');
    expect(at).toBeGreaterThanOrEqual(0);
    const table = doc.slice(at);
    const end = table.indexOf('\n\n');
    const rows = [...(end < 0 ? table : table.slice(0, end)).matchAll(/^\| `([a-z0-9.-]+)` \| (error|warning) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual(Object.entries(DIAGNOSTIC_CODES).map(([code, [severity]]) => `${code} ${severity}`));
  });
});

/** The links of `text` (the content of `file`, repository-relative) that lead nowhere, each with the reason. */
function brokenLinks(file: string, text: string): string[] {
  const broken: string[] = [];
  for (const link of relativeLinks(text)) {
    const hash = link.indexOf('#');
    const path = decodeURIComponent(hash < 0 ? link : link.slice(0, hash));
    const anchor = hash < 0 ? '' : link.slice(hash + 1);
    const target = path === '' ? join(root, file) : resolve(root, dirname(file), path);
    const inside = relative(root, target);
    if (inside === '..' || inside.startsWith(`..${sep}`)) broken.push(`${link}: leaves the repository`);
    else if (!existsSync(target)) broken.push(`${link}: no such file`);
    else if (anchor && statSync(target).isFile() && target.endsWith('.md')) {
      const anchors = anchorsOf(path === '' ? text : readFileSync(target, 'utf8'));
      if (!anchors.has(anchor)) broken.push(`${link}: no heading with this anchor in ${inside}`);
    }
  }
  return broken;
}

describe('links in README.md and docs/*.md', () => {
  it.each(['README.md', ...pages])('%s: every relative link names a file of the repository, and every #anchor a heading there', (file) => {
    expect(brokenLinks(file, read(file))).toEqual([]);
  });

  it('the checker finds a missing file, a missing anchor and a link out of the repository, and ignores code', () => {
    const text = '# Top\n[a](docs/nope.md) [b](docs/terraform.md#no-such-heading) [c](../shared/x.md) [d](#top) [e](#nowhere)\n' +
      '`[f](in-code.md)` ![g](docs/img/portal.png) [h](docs/terraform.md#terraform-stacks-why-one-per-zone) [i](https://example.com/x)\n```\n[j](in-a-fence.md)\n```\n';
    expect(brokenLinks('README.md', text)).toEqual([
      'docs/nope.md: no such file',
      'docs/terraform.md#no-such-heading: no heading with this anchor in docs/terraform.md',
      '../shared/x.md: leaves the repository',
      '#nowhere: no heading with this anchor in README.md',
    ]);
    expect(slug('`rdns validate [PATH...]`')).toBe('rdns-validate-path');
    expect(slug('📝 terraform plan — 1 stack')).toBe('-terraform-plan--1-stack');
    expect([...anchorsOf('# A\n## A\n### A\n')]).toEqual(['a', 'a-1', 'a-2']);
  });
});
