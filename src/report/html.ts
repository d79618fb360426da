/**
 * The report as one self-contained HTML page: the stylesheet, the script and the data
 * are inlined (no CDN, no fetch), so it opens from a CI artifact or a laptop offline.
 * Data goes into a `<script type="application/json">` element with `<` escaped, so no
 * name or note from a block file can end the element or inject markup.
 */
import { readFileSync } from 'node:fs';
import type { ReportData } from './report-model.js';

const asset = (name: string): string => readFileSync(new URL(`../../assets/report/${name}`, import.meta.url), 'utf8');

let cached: { css: string; js: string } | undefined;
const assets = (): { css: string; js: string } => (cached ??= { css: asset('report.css'), js: asset('report.js') });

/** JSON safe inside a script element: `<`, `>`, `&` and the JS line separators escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface PageOptions {
  /** `rdns serve`: show the portal (set, reset, bulk paste) and talk to its API. */
  readonly portal?: { readonly pr: boolean; readonly actor?: string; readonly fcrdns?: 'checked' | 'allow-unverified' | 'off' };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The whole page. */
export function renderReportHtml(data: ReportData, options: PageOptions = {}): string {
  const { css, js } = assets();
  const conf = { portal: Boolean(options.portal), pr: options.portal?.pr ?? false, actor: options.portal?.actor, fcrdns: options.portal?.fcrdns ?? 'off' };
  // The overview needs only the block summaries: each block's grids are parsed when first shown or searched.
  const summary = { ...data, blocks: data.blocks.map((b) => ({ ...b, grids: [], nets: [], lazy: true })) };
  const blocks = data.blocks.map((b, i) => `<script type="application/json" id="rdns-block-${i}">${scriptJson({ grids: b.grids, nets: b.nets })}</script>`).join('\n');
  const title = options.portal ? 'rdns portal' : 'rdns address map';
  const stamp = `generated ${data.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${data.findingsSource ? ` · findings: ${data.findingsSource}` : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${css}</style>
</head>
<body>
<header>
<h1><a href="#">${title}</a></h1>
<nav><a class="btn" href="#">Blocks</a>${options.portal ? '<a class="btn" href="#portal">Portal</a>' : ''}<button type="button" id="theme" title="colour theme (auto follows the system)">Auto</button></nav>
<span class="meta">${escapeHtml(stamp)}</span>
<div class="search" role="search">
<label class="sr" for="q">Search IP, prefix or hostname</label>
<input id="q" type="search" placeholder="IP, prefix or hostname" autocomplete="off" role="combobox" aria-expanded="false" aria-controls="results" aria-autocomplete="list"><kbd>Ctrl K</kbd>
<ul id="results" role="listbox" class="results" hidden></ul>
</div>
</header>
<main></main>
<script type="application/json" id="rdns-data">${scriptJson(summary)}</script>
${blocks}
<script type="application/json" id="rdns-conf">${scriptJson(conf)}</script>
<script>${js}</script>
</body>
</html>
`;
}
