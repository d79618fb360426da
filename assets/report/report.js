// rdns address map: the client of `rdns report` (static) and `rdns serve` (portal).
// Inlined into the page; no network except the portal's own API on the same origin.
// Every text from the repository (names, notes, owners, commit subjects) is escaped.
(() => {
  'use strict';
  const DATA = JSON.parse(document.getElementById('rdns-data').textContent);
  const CONF = JSON.parse(document.getElementById('rdns-conf').textContent);
  const STATES = {
    R: ['record', 'own record'],
    D: ['default', 'default (generic name)'],
    N: ['none', 'no PTR'],
    G: ['delegated', 'delegated'],
    F: ['fcrdns', 'FCrDNS failure'],
    X: ['drift', 'drift (DNS differs from git)'],
    P: ['pending', 'not applied (git has it, DNS not yet)'],
  };
  const ORDER = ['R', 'D', 'G', 'F', 'X', 'P', 'N'];
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const $ = (sel, root = document) => root.querySelector(sel);
  const main = $('main');
  const token = CONF.portal ? new URLSearchParams(location.search).get('token') || '' : '';
  let data = DATA;
  let selected = null; // {block, grid?, cell?, v6?}

  // ---- theme ---------------------------------------------------------------------------
  const themeBtn = $('#theme');
  const applyTheme = (t) => {
    if (t) document.documentElement.dataset.theme = t;
    else delete document.documentElement.dataset.theme;
    themeBtn.textContent = t === 'dark' ? 'Dark' : t === 'light' ? 'Light' : 'Auto';
  };
  let theme = null;
  try { theme = localStorage.getItem('rdns-theme'); } catch { /* file:// may forbid storage */ }
  applyTheme(theme);
  themeBtn.addEventListener('click', () => {
    theme = theme === null ? 'dark' : theme === 'dark' ? 'light' : null;
    try { if (theme) localStorage.setItem('rdns-theme', theme); else localStorage.removeItem('rdns-theme'); } catch { /* ignore */ }
    applyTheme(theme);
  });

  // ---- IP helpers (search and lookup) ------------------------------------------------------
  function parseV4(s) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
    if (!m) return null;
    const o = m.slice(1).map(Number);
    if (o.some((x) => x > 255)) return null;
    return { v: 4, n: BigInt(((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3]) };
  }
  function parseV6(s) {
    if (!/^[0-9a-f:]+$/i.test(s) || s.split('::').length > 2) return null;
    const [l, r] = s.split('::');
    const L = l ? l.split(':') : [];
    const R = r !== undefined && r ? r.split(':') : [];
    if (r === undefined && L.length !== 8) return null;
    const groups = r === undefined ? L : [...L, ...Array(8 - L.length - R.length).fill('0'), ...R];
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
    let n = 0n;
    for (const g of groups) n = (n << 16n) | BigInt(parseInt(g, 16));
    return { v: 6, n };
  }
  const parseIp = (s) => (s.includes(':') ? parseV6(s) : parseV4(s));
  function parsePrefix(s) {
    const [a, len] = s.split('/');
    const ip = parseIp(a || '');
    const bits = ip && ip.v === 4 ? 32 : 128;
    if (!ip || !/^\d{1,3}$/.test(len || '') || Number(len) > bits) return null;
    const host = BigInt(bits - Number(len));
    return { v: ip.v, n: (ip.n >> host) << host, len: Number(len), size: 1n << host };
  }
  const contains = (p, ip) => p.v === ip.v && ip.n >= p.n && ip.n < p.n + p.size;
  const overlaps = (a, b) => a.v === b.v && a.n < b.n + b.size && b.n < a.n + a.size;
  const fmtV4 = (n) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');

  /** Parses a block's grids on first use (the page carries them as separate JSON elements). */
  function ensure(i) {
    const b = data.blocks[i];
    if (b && b.lazy) {
      const el = document.getElementById(`rdns-block-${i}`);
      const more = el ? JSON.parse(el.textContent) : { grids: [], nets: [] };
      b.grids = more.grids;
      b.nets = more.nets;
      b.lazy = false;
    }
    return b;
  }
  const ensureAll = () => data.blocks.forEach((_, i) => ensure(i));

  // ---- lookup ---------------------------------------------------------------------------------
  const blockPrefixes = () => data.blocks.map((b) => parsePrefix(b.prefix));
  /** Where an address is drawn: {b, g, i} for IPv4 grids, {b, net, k} for IPv6 lists, or {b} only. */
  function locate(text) {
    const ip = parseIp(text.trim());
    if (!ip) return null;
    const bp = blockPrefixes();
    const b = bp.findIndex((p) => p && contains(p, ip));
    if (b < 0) return null;
    const block = ensure(b);
    if (ip.v === 4) {
      const base = fmtV4(ip.n & ~255n).replace(/\d+$/, '');
      const g = block.grids.findIndex((x) => x.base === base);
      return g < 0 ? { b } : { b, g, i: Number(ip.n & 255n) };
    }
    for (let net = 0; net < block.nets.length; net++) {
      const k = block.nets[net].addresses.findIndex((a) => parseV6(a.ip)?.n === ip.n);
      if (k >= 0) return { b, net, k };
    }
    return { b, ip: text.trim() };
  }

  // ---- details --------------------------------------------------------------------------------
  function commitHtml(idx) {
    const c = data.commits[idx];
    if (!c) return '<span class="muted">not in git history (uncommitted, or no history)</span>';
    const [hash, author, date, subject, pr] = c;
    return `<code>${esc(hash.slice(0, 10))}</code> ${esc(date.slice(0, 10))} by ${esc(author)}${pr ? ` (#${esc(pr)})` : ''}<br><span class="muted">${esc(subject)}</span>`;
  }
  function detailOf(loc) {
    const block = data.blocks[loc.b];
    if (loc.g !== undefined) {
      const g = block.grids[loc.g];
      const st = g.states[loc.i];
      if (st === '.') return null;
      let owners = 0;
      for (const [from, o] of g.owners) if (from <= loc.i) owners = o;
      return { ip: g.base + loc.i, state: st, ptr: g.ptrs[loc.i], owners: data.owners[owners] || [], record: g.records[loc.i], findings: g.findings[loc.i], block };
    }
    if (loc.net !== undefined) {
      const a = block.nets[loc.net].addresses[loc.k];
      return { ip: a.ip, state: a.state, ptr: a.ptr, owners: data.owners[a.owners] || [], record: a.record, findings: a.findings, block };
    }
    return { ip: loc.ip, state: block.default ? 'D' : 'N', ptr: '', owners: block.owners, block, unlisted: true };
  }
  function sourceOf(d) {
    if (d.record && d.record[2] > 0) return `own record, <code>${esc(d.block.file)}:${esc(d.record[2])}</code>`;
    if (d.state === 'G') return 'delegated (the customer\'s name servers answer)';
    if (d.state === 'D' || (d.ptr && !(d.record && d.record[2] > 0))) return d.block.default ? `default <code>${esc(d.block.default)}</code> of <code>${esc(d.block.file)}</code>` : 'render model';
    return 'none';
  }
  function showDetails(loc) {
    const aside = $('aside');
    if (!aside) return;
    const d = loc && detailOf(loc);
    if (!d) {
      aside.innerHTML = '<h2>Details</h2><p class="muted">Hover or click an address (arrow keys move, Enter pins).</p>';
      return;
    }
    const [, label] = STATES[d.state];
    const rec = d.record;
    const change = rec && rec[3] >= 0 ? commitHtml(rec[3]) : d.state === 'D' && d.block.defaultChange >= 0 ? `${commitHtml(d.block.defaultChange)}<br><span class="muted">(the default template)</span>` : commitHtml(d.block.fileChange);
    const ptr = d.ptr ? `<code>${esc(d.ptr)}.</code>` : d.unlisted && d.block.default ? `generic name of <code>${esc(d.block.default)}</code>` : '<span class="muted">(none)</span>';
    let html = `<h2 class="mono">${esc(d.ip)}</h2><dl>
      <dt>state</dt><dd><span class="state" data-state="${esc(STATES[d.state][0])}"><i class="s-${d.state}"></i>${esc(label)}</span></dd>
      <dt>PTR</dt><dd data-field="ptr">${ptr}</dd>
      <dt>source</dt><dd data-field="source">${sourceOf(d)}</dd>
      <dt>owners</dt><dd>${d.owners.length ? d.owners.map((o) => `<code>${esc(o)}</code>`).join(' ') : '<span class="muted">anyone with write access</span>'}</dd>
      <dt>TTL</dt><dd>${esc(rec && rec[0] ? rec[0] : d.block.ttl)}</dd>
      ${rec && rec[1] ? `<dt>note</dt><dd data-field="note">${esc(rec[1])}</dd>` : ''}
      <dt>last change</dt><dd data-field="change">${change}</dd>
      <dt>block</dt><dd><a href="#b=${loc.b}">${esc(d.block.prefix)}</a> <span class="muted">${esc(d.block.description || '')}</span></dd>
    </dl>`;
    if (d.findings && d.findings.length) html += `<h3>Findings</h3>${d.findings.map(([code, msg]) => `<p class="diag"><code>${esc(code)}</code> ${esc(msg)}</p>`).join('')}`;
    if (CONF.portal) html += `<div class="row"><button data-act="edit" data-ip="${esc(d.ip)}">Set PTR…</button>${rec && rec[2] > 0 ? `<button data-act="reset" data-ip="${esc(d.ip)}">Reset to default…</button>` : ''}</div>`;
    aside.innerHTML = html;
  }

  // ---- overview ------------------------------------------------------------------------------------
  const num = (s) => BigInt(s).toLocaleString('en-US');
  // IPv6 counts run to 30 digits: /64s (the unit of assignments) or powers of two, as rdns report prints them.
  const big = (n) => (n > 1n << 20n && (n & (n - 1n)) === 0n ? `2^${n.toString(2).length - 1}` : n.toLocaleString('en-US'));
  const plural = (n, one, many = `${one}s`) => `${n} ${String(n) === '1' ? one : many}`;
  function addrs(s, v6) {
    const n = BigInt(s);
    const a = (x) => `${big(x)} address${x === 1n ? '' : 'es'}`;
    if (!v6 || n < 1n << 64n) return a(n);
    const per = 1n << 64n;
    const q = n / per;
    const r = n % per;
    const u = (x) => `${big(x)} /64${x === 1n ? '' : 's'}`;
    if (r === 0n) return u(q);
    if (per - r <= 1n << 20n) return `${u(q + 1n)} less ${a(per - r)}`;
    return r <= 1n << 20n ? `${u(q)} and ${a(r)}` : `about ${u(q)}`;
  }
  const count = (s, v6) => (v6 && BigInt(s) >= 1n << 20n ? addrs(s, true) : num(s));
  function bar(shares) {
    return `<div class="bar" role="img" aria-label="${ORDER.map((c) => `${STATES[c][1]} ${(shares[STATES[c][0]] * 100).toFixed(1)}%`).join(', ')}">${ORDER.filter((c) => c !== 'N')
      .map((c) => `<span class="s-${c}" style="width:${(shares[STATES[c][0]] * 100).toFixed(3)}%" title="${esc(STATES[c][1])}"></span>`)
      .join('')}</div>`;
  }
  function legend() {
    const used = ORDER.filter((c) => data.findingsSource || (c !== 'F' && c !== 'X' && c !== 'P'));
    return `<ul class="legend" aria-label="legend">${used.map((c) => `<li><i class="s-${c}"></i>${esc(STATES[c][1])}</li>`).join('')}</ul>`;
  }
  function problems() {
    if (!data.problems.length) return '';
    return `<div class="problems"><b>${plural(data.problems.length, 'error')} in the repository</b>: blocks that do not load are missing below (run <code>rdns validate</code>).<br>${data.problems.slice(0, 5).map((p) => `<div class="diag"><code>${esc(p.file || '')}${p.line ? `:${esc(p.line)}` : ''}</code> ${esc(p.code)} ${esc(p.message)}</div>`).join('')}</div>`;
  }
  /** Routed space without a block file (rdns.yaml routed: or --routed), per routed prefix. */
  function routedSpace() {
    const r = data.routed;
    if (!r) return '';
    const gaps = r.routed.filter((x) => x.missing.length);
    const head = `${r.routed.length - gaps.length} of ${r.routed.length} routed prefix${r.routed.length === 1 ? '' : 'es'} fully in block files`;
    const rows = gaps.map((x) => `<tr><td class="mono">${esc(x.prefix)}</td><td class="mono">${num(x.covered)} of ${num(x.addresses)}</td><td class="mono">${x.missing.map(esc).join(', ')}</td></tr>`).join('');
    const out = r.unrouted.map((u) => `<tr><td class="mono">${esc(u.block)}</td><td class="mono">${esc(u.file)}</td><td class="mono">${u.outside.map(esc).join(', ')}</td></tr>`).join('');
    return `<div class="routed" id="routed"><h3>Routed space</h3><p class="muted">${esc(head)}.</p>${gaps.length ? `<table><thead><tr><th>routed prefix</th><th>addresses in block files</th><th>without a block file</th></tr></thead><tbody>${rows}</tbody></table>` : ''}${out ? `<table><thead><tr><th>block outside routed space</th><th>file</th><th>not routed</th></tr></thead><tbody>${out}</tbody></table>` : ''}</div>`;
  }
  function overview() {
    main.className = '';
    const fam = (name, t, v6) => (t.blocks ? `<p class="muted">${esc(name)}: ${addrs(t.addresses, v6)} in ${plural(t.blocks, 'block')}: ${ORDER.filter((c) => t[STATES[c][0]] !== '0').map((c) => `${count(t[STATES[c][0]], v6)} ${esc(STATES[c][1])}`).join(', ')}.</p>` : '');
    const rows = data.blocks.map((b, i) => `<tr>
        <td><a href="#b=${i}" class="mono">${esc(b.prefix)}</a></td>
        <td>${esc(b.description || '')}<br><span class="muted mono">${esc(b.file)}</span></td>
        <td>${b.owners.map((o) => `<code>${esc(o)}</code>`).join(' ')}</td>
        <td class="mono">${b.version === 6 ? addrs(b.size, true) : num(b.size)}</td>
        <td>${bar(b.shares)}<span class="muted">${ORDER.filter((c) => b.counts[STATES[c][0]] !== '0').map((c) => `${count(b.counts[STATES[c][0]], b.version === 6)} ${esc(STATES[c][1])}`).join(' · ')}</span></td>
      </tr>`).join('');
    main.innerHTML = `<section><h2>Blocks</h2>${problems()}${routedSpace()}
      ${fam('IPv4', data.totals.v4, false)}${fam('IPv6', data.totals.v6, true)}
      ${legend()}
      <table><thead><tr><th>block</th><th>description / file</th><th>owners</th><th>addresses</th><th style="width:34%">coverage</th></tr></thead><tbody>${rows}</tbody></table></section><aside></aside>`;
    showDetails(null);
  }

  // ---- block view ---------------------------------------------------------------------------------------
  /** Every cell names its address, state and PTR (screen readers read aria-label, a pointer shows the title). */
  function cellsHtml(g) {
    let cells = '';
    for (let i = 0; i < 256; i++) {
      const st = g.states[i];
      const label = st === '.' ? `${g.base}${i}: outside the block` : `${g.base}${i}: ${STATES[st][1]}${g.ptrs[i] ? `, ${g.ptrs[i]}` : ''}`;
      cells += `<i class="s-${st === '.' ? 'o' : st}" role="gridcell" aria-label="${esc(label)}" title="${esc(label)}"></i>`;
    }
    return cells;
  }
  function gridHtml(b, g, gi, filled) {
    return `<div class="gridbox"><h3 class="mono">${esc(g.prefix)}</h3><div class="grid" role="grid" tabindex="0" data-b="${b}" data-g="${gi}" aria-label="${esc(g.prefix)}: arrow keys move, Enter pins the details">${filled ? cellsHtml(g) : ''}</div></div>`;
  }
  /** Draws the cells of a grid drawn empty (large blocks draw the first screen at once, the rest in the next frames). */
  function fillGrid(el) {
    if (!el || el.childElementCount) return;
    el.innerHTML = cellsHtml(data.blocks[Number(el.dataset.b)].grids[Number(el.dataset.g)]);
  }
  let generation = 0;
  function fillRest(bi) {
    const mine = ++generation;
    const grids = [...document.querySelectorAll('.grid')].filter((el) => !el.childElementCount);
    let at = 0;
    const step = () => {
      if (mine !== generation) return;
      for (const end = Math.min(grids.length, at + FIRST_GRIDS); at < end; at++) fillGrid(grids[at]);
      if (at < grids.length) requestAnimationFrame(step);
      else document.documentElement.dataset.drawn = String(bi);
    };
    requestAnimationFrame(step);
  }
  const FIRST_GRIDS = 16;

  function blockView(bi, focus) {
    const b = ensure(bi);
    if (!b) return overview();
    main.className = '';
    const allocs = b.allocations.length
      ? `<table><thead><tr><th>allocation</th><th>account</th><th>owners</th><th>delegated to</th></tr></thead><tbody>${b.allocations.map((a) => `<tr><td class="mono">${esc(a.prefix)}</td><td>${esc(a.account || '')}</td><td>${a.owners.map((o) => `<code>${esc(o)}</code>`).join(' ')}</td><td>${esc((a.delegateTo || []).join(', '))}</td></tr>`).join('')}</tbody></table>`
      : '';
    let body;
    if (b.version === 4) {
      body = `<div class="grids">${b.grids.map((g, gi) => gridHtml(bi, g, gi, gi < FIRST_GRIDS)).join('')}</div>${b.gridsOmitted ? `<p class="muted">${plural(b.gridsOmitted, '/24')} without records or allocations ${b.gridsOmitted === 1 ? 'is' : 'are'} not drawn.</p>` : ''}`;
    } else {
      body = `<p class="muted">Allocated prefixes and the /64s that hold records; every other address ${b.default ? `gets the generic name of <code>${esc(b.default)}</code>` : 'has no PTR'}.</p>
        <table class="v6"><thead><tr><th>prefix</th><th>account</th><th>addresses with a PTR of their own or findings</th></tr></thead><tbody>${b.nets.map((n, ni) => `<tr><td class="mono">${esc(n.prefix)}${n.delegated ? ' <span class="state"><i class="s-G"></i>delegated</span>' : ''}</td><td>${esc(n.account || '')}</td><td class="addrs">${n.addresses.map((a, k) => `<button class="addr mono" data-b="${bi}" data-net="${ni}" data-k="${k}" title="${esc(`${a.ip}: ${STATES[a.state][1]}${a.ptr ? `, ${a.ptr}` : ''}`)}"><i class="s-${a.state}" aria-hidden="true"></i>${esc(a.ip)}</button>`).join('') || '<span class="muted">none</span>'}</td></tr>`).join('')}</tbody></table>`;
    }
    main.innerHTML = `<section><p><a href="#">← all blocks</a></p><h2 class="mono">${esc(b.prefix)}</h2>
      <p>${esc(b.description || '')} <span class="muted">— <code>${esc(b.file)}</code>, owners ${b.owners.map((o) => `<code>${esc(o)}</code>`).join(' ') || 'none'}${b.default ? `, default <code>${esc(b.default)}</code>` : ''}</span></p>
      ${bar(b.shares)}${legend()}${allocs}${body}</section><aside></aside>`;
    delete document.documentElement.dataset.drawn;
    generation++;
    showDetails(focus || null);
    if (b.version === 4) fillRest(bi);
    if (focus) {
      markSelected(focus, true);
      // Keyboard users continue from the address they looked up.
      const target = focus.g !== undefined ? document.querySelector(`.grid[data-g="${focus.g}"]`) : document.querySelector('.addr.sel');
      // (Not while Enter steps through search matches: the next Enter must reach the search box.)
      if (target && !(stepping && document.activeElement === input)) target.focus({ preventScroll: true });
    }
  }
  function markSelected(loc, scroll) {
    document.querySelectorAll('.grid i.sel, .addr.sel').forEach((e) => e.classList.remove('sel'));
    selected = loc;
    let el = null;
    if (loc.g !== undefined) {
      const grid = document.querySelector(`.grid[data-g="${loc.g}"]`);
      fillGrid(grid);
      el = grid?.children[loc.i];
    }
    else if (loc.net !== undefined) el = document.querySelector(`.addr[data-net="${loc.net}"][data-k="${loc.k}"]`);
    if (el) {
      el.classList.add('sel');
      if (scroll) el.scrollIntoView({ block: 'center' });
    }
  }

  // Grid interaction: hover shows, click or Enter pins, arrows move within a grid.
  main.addEventListener('mouseover', (e) => {
    const cell = e.target.closest('.grid i');
    if (!cell || cell.classList.contains('s-o')) return;
    const grid = cell.parentElement;
    showDetails({ b: Number(grid.dataset.b), g: Number(grid.dataset.g), i: [...grid.children].indexOf(cell) });
  });
  main.addEventListener('mouseleave', () => selected && showDetails(selected));
  main.addEventListener('click', (e) => {
    const cell = e.target.closest('.grid i');
    if (cell && !cell.classList.contains('s-o')) {
      const grid = cell.parentElement;
      const loc = { b: Number(grid.dataset.b), g: Number(grid.dataset.g), i: [...grid.children].indexOf(cell) };
      markSelected(loc);
      showDetails(loc);
      grid.focus({ preventScroll: true });
      return;
    }
    const addr = e.target.closest('.addr');
    if (addr) {
      const loc = { b: Number(addr.dataset.b), net: Number(addr.dataset.net), k: Number(addr.dataset.k) };
      markSelected(loc);
      showDetails(loc);
      return;
    }
    const act = e.target.closest('button[data-act]');
    if (act) openPortal(act.dataset.act, act.dataset.ip);
  });
  main.addEventListener('keydown', (e) => {
    const grid = e.target.closest && e.target.closest('.grid');
    if (!grid) return;
    const b = Number(grid.dataset.b);
    const g = Number(grid.dataset.g);
    const states = data.blocks[b].grids[g].states;
    let i = selected && selected.b === b && selected.g === g ? selected.i : states.search(/[^.]/);
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 16, ArrowUp: -16, Home: -256, End: 256 }[e.key];
    if (step !== undefined) {
      e.preventDefault();
      let n = Math.max(0, Math.min(255, i + step));
      while (states[n] === '.' && n !== i) n += step > 0 ? -1 : 1;
      i = n;
    } else if (e.key !== 'Enter' && e.key !== ' ') return;
    else e.preventDefault();
    const loc = { b, g, i };
    markSelected(loc);
    showDetails(loc);
  });
  main.addEventListener('focusin', (e) => {
    const grid = e.target.classList && e.target.classList.contains('grid') ? e.target : null;
    if (!grid) return;
    const b = Number(grid.dataset.b);
    const g = Number(grid.dataset.g);
    if (selected && selected.b === b && selected.g === g) return;
    const i = data.blocks[b].grids[g].states.search(/[^.]/);
    const loc = { b, g, i };
    markSelected(loc);
    showDetails(loc);
  });

  // ---- search -------------------------------------------------------------------------------------------
  const input = $('#q');
  const list = $('#results');
  let hits = [];
  let active = -1;
  // Every match is collected (up to this hang guard) and Enter steps through them; the list shows the first SHOWN.
  const MAX_HITS = 100000;
  const SHOWN = 50;
  let stepping = null; // {q, at}: the query whose matches Enter steps through, and the one shown
  const status = document.createElement('span');
  status.id = 'qstatus';
  status.className = 'muted';
  status.setAttribute('aria-live', 'polite');
  input.insertAdjacentElement('afterend', status);
  function search(q) {
    q = q.trim().toLowerCase().replace(/\.$/, '');
    const out = [];
    if (!q) return out;
    ensureAll();
    const bp = blockPrefixes();
    if (q.includes('/')) {
      const p = parsePrefix(q);
      if (p) {
        data.blocks.forEach((b, i) => bp[i] && overlaps(bp[i], p) && out.push({ kind: 'block', label: b.prefix, sub: b.description || b.file, go: `#b=${i}` }));
        data.blocks.forEach((b, i) => b.allocations.forEach((a) => { const ap = parsePrefix(a.prefix); if (ap && overlaps(ap, p)) out.push({ kind: 'allocation', label: a.prefix, sub: a.account || '', go: `#b=${i}` }); }));
        data.blocks.forEach((b) => b.grids.forEach((g) => { if (p.len > 24 && overlaps(parsePrefix(g.prefix), p)) out.push({ kind: '/24', label: g.prefix, sub: b.prefix, go: `#ip=${g.base}${Number(p.n & 255n)}` }); }));
        return out.slice(0, 50);
      }
    }
    const ip = parseIp(q);
    if (ip) {
      const loc = locate(q);
      if (loc) out.push({ kind: 'address', label: q, sub: data.blocks[loc.b].prefix, go: `#ip=${encodeURIComponent(q)}` });
      else out.push({ kind: 'address', label: q, sub: 'in no block of this repository', go: null });
      return out;
    }
    // Hostnames (and partial addresses): substring over every PTR.
    for (let b = 0; b < data.blocks.length && out.length < MAX_HITS; b++) {
      const block = data.blocks[b];
      if (block.prefix.startsWith(q)) out.push({ kind: 'block', label: block.prefix, sub: block.description || '', go: `#b=${b}` });
      for (const g of block.grids) {
        for (let i = 0; i < 256 && out.length < MAX_HITS; i++) {
          const ptr = g.ptrs[i];
          const ipText = g.base + i;
          if ((ptr && ptr.includes(q)) || (g.states[i] !== '.' && q.length >= 4 && ipText.startsWith(q) && /\d\.\d/.test(q))) out.push({ kind: STATES[g.states[i]][0], label: ipText, sub: ptr, go: `#ip=${ipText}` });
        }
        if (out.length >= MAX_HITS) break;
      }
      for (const n of block.nets) for (const a of n.addresses) if (out.length < MAX_HITS && ((a.ptr && a.ptr.includes(q)) || a.ip.startsWith(q))) out.push({ kind: STATES[a.state][0], label: a.ip, sub: a.ptr, go: `#ip=${encodeURIComponent(a.ip)}` });
    }
    return out;
  }
  function renderResults() {
    if (!hits.length) {
      list.hidden = !input.value.trim();
      list.innerHTML = input.value.trim() ? '<li class="muted" role="option">no match</li>' : '';
      status.textContent = input.value.trim() ? 'no match' : '';
      return;
    }
    list.hidden = false;
    const from = Math.max(0, Math.min(active - SHOWN / 2, hits.length - SHOWN));
    const shown = hits.slice(from, from + SHOWN);
    list.innerHTML = shown.map((h, k) => { const i = from + k; return `<li role="option" id="r${i}" aria-selected="${i === active}" data-i="${i}"><span class="kind">${esc(h.kind)}</span><span class="mono">${esc(h.label)}</span><span class="muted">${esc(h.sub || '')}</span></li>`; }).join('') +
      (hits.length > shown.length ? `<li class="muted" role="presentation">${plural(hits.length.toLocaleString('en-US'), 'match', 'matches')}: ↑↓ and Enter step through all of them</li>` : '');
    status.textContent = plural(hits.length.toLocaleString('en-US'), 'match', 'matches');
    input.setAttribute('aria-activedescendant', active >= 0 ? `r${active}` : '');
  }
  function go(h) {
    if (!h || !h.go) return;
    list.hidden = true;
    if (location.hash === h.go) route();
    else location.hash = h.go;
  }
  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    stepping = null;
    timer = setTimeout(() => {
      hits = search(input.value);
      active = hits.length ? 0 : -1;
      renderResults();
    }, 60);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!hits.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length;
      renderResults();
    } else if (e.key === 'Enter') {
      // The first Enter opens the selected match; each further Enter (Shift+Enter: back) the next one, through every match.
      e.preventDefault();
      clearTimeout(timer);
      const q = input.value;
      if (!stepping || stepping.q !== q) {
        hits = search(q);
        stepping = { q };
        if (active < 0 || active >= hits.length) active = 0;
      } else if (hits.length) active = (active + (e.shiftKey ? -1 : 1) + hits.length) % hits.length;
      const h = hits[active];
      go(h);
      if (h) status.textContent = `match ${(active + 1).toLocaleString('en-US')} of ${hits.length.toLocaleString('en-US')}: ${h.label}`;
    } else if (e.key === 'Escape') {
      list.hidden = true;
      // After stepping through matches, keyboard users continue from the address shown.
      const sel = stepping && document.querySelector('.grid i.sel') ? document.querySelector('.grid i.sel').parentElement : document.querySelector('.addr.sel');
      stepping = null;
      if (sel) sel.focus({ preventScroll: true });
      else input.blur();
    }
  });
  list.addEventListener('mousedown', (e) => {
    const li = e.target.closest('li[data-i]');
    if (li) go(hits[Number(li.dataset.i)]);
  });
  // Hide the list after a blur (late enough for a click on a result), unless the search got the focus back.
  let hideTimer = 0;
  input.addEventListener('blur', () => {
    hideTimer = setTimeout(() => (list.hidden = true), 150);
  });
  input.addEventListener('focus', () => clearTimeout(hideTimer));
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      input.focus();
      input.select();
    } else if (e.key === '/' && document.activeElement === document.body) {
      e.preventDefault();
      input.focus();
    }
  });

  // ---- portal (rdns serve only) -------------------------------------------------------------------------
  async function api(path, body) {
    const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Rdns-Token': token }, body: JSON.stringify(body), credentials: 'omit' });
    const text = await r.text();
    let json;
    try { json = JSON.parse(text); } catch { json = { error: text || `HTTP ${r.status}` }; }
    if (!r.ok && !json.error) json.error = `HTTP ${r.status}`;
    return json;
  }
  // Addresses, names and file names in a message: kept on one line (never broken mid-token).
  const TOKEN = /([A-Za-z0-9_-]*[.:][A-Za-z0-9_.:/-]*[A-Za-z0-9])/;
  const tokens = (text) => String(text).split(TOKEN).map((part, i) => (i % 2 ? `<span class="token">${esc(part)}</span>` : esc(part))).join('');
  const diagHtml = (d) => `<p class="diag ${d.severity === 'error' ? 'bad' : 'warn'}"><code>${esc(d.file || '')}${d.line ? `:${esc(d.line)}` : ''}</code> ${esc(d.code)} ${tokens(d.message)}</p>`;
  function resultHtml(r) {
    if (r.error && !r.counts) return `<p class="bad" role="alert">${esc(r.error)}</p>`;
    const c = r.counts || {};
    let html = `<div class="counts" aria-live="polite">
      <div data-count="valid"><b>${esc(c.valid ?? 0)}</b>valid</div>
      <div data-count="invalid"><b>${esc(c.invalid ?? 0)}</b>invalid</div>
      <div data-count="not-yours"><b>${esc(c.notYours ?? 0)}</b>not yours</div>
      <div data-count="unchanged"><b>${esc(c.unchanged ?? 0)}</b>unchanged</div>${c.unverified ? `
      <div data-count="unverified" class="warn" title="DNS did not answer for these names; saved because rdns serve runs with --allow-unverified"><b>${esc(c.unverified)}</b>unverified</div>` : ''}</div>`;
    if (r.error) html += `<p class="bad" role="alert">${esc(r.error)}</p>`;
    if (r.changes && r.changes.length) html += `<table><thead><tr><th>change</th><th>IP</th><th>old</th><th>new</th><th>file</th></tr></thead><tbody>${r.changes.map((x) => `<tr><td>${esc(x.kind)}</td><td class="mono">${esc(x.ip)}</td><td class="mono">${esc(x.old || '(none)')}</td><td class="mono">${esc(x.new || '(none)')}${x.unverified ? ' <span class="warn">(unverified)</span>' : ''}</td><td class="mono">${esc(x.file)}</td></tr>`).join('')}</tbody></table>`;
    if (r.diagnostics && r.diagnostics.length) html += r.diagnostics.slice(0, 200).map(diagHtml).join('');
    if (r.written && r.written.length) html += `<p class="ok" role="status">wrote ${esc(r.written.join(', '))}</p>`;
    if (r.pr) html += `<p class="ok" role="status" data-pr="${esc(r.pr.number)}">opened pull request <a href="${esc(/^https?:\/\//.test(r.pr.url) ? r.pr.url : '#')}" rel="noopener noreferrer" target="_blank">#${esc(r.pr.number)}</a> from branch <code>${esc(r.pr.branch)}</code></p>`;
    return html;
  }
  // The set form's live verdict: a ✓ only when Write would save the name (the server runs the preview of rdns set).
  function verdictHtml(r) {
    if (r.error) return `<span class="bad">${esc(r.error)}</span>`;
    if (!r.hostname.ok) return `<span class="bad">✗ ${tokens(r.hostname.reason)}</span>`;
    const name = `<span class="token">${esc(r.hostname.value)}</span>`;
    const f = r.fcrdns || {};
    if (!r.ok) {
      const errors = (r.errors || []).map((d) => `<div class="bad">${esc(d.code)} ${tokens(d.message)}</div>`).join('');
      return `<span class="bad">✗ ${name} would be refused</span>${errors || (f.detail ? `<div class="muted">${tokens(f.detail)}</div>` : '')}`;
    }
    const fc = f.status === 'pass' ? ' · <span class="ok">FCrDNS ✓ resolves back</span>'
      : f.status === 'unverified' ? ' · <span class="warn">FCrDNS not verified (DNS did not answer): would be saved unverified (--allow-unverified)</span>'
      : ` · <span class="muted">FCrDNS not checked (${esc(f.detail || '')})</span>`;
    return `<span class="ok">✓ ${name}</span>${fc}`;
  }
  function portalView(focusIp, act) {
    main.className = 'wide';
    const prNote = CONF.pr ? 'Writing commits on a new branch and opens a pull request; your work tree stays as it is.' : 'Writing edits the block files in this work tree (start rdns serve with --pr to open pull requests instead).';
    const fcNote = CONF.fcrdns === 'checked' ? 'A new name must resolve back to its address (FCrDNS) before it is saved, as with rdns set.'
      : CONF.fcrdns === 'allow-unverified' ? 'A new name must resolve back to its address (FCrDNS); names DNS cannot answer for are saved and marked unverified (rdns serve --allow-unverified).'
      : 'Names are saved without checking that they resolve back to their address (rdns serve --no-fcrdns).';
    main.innerHTML = `<section><h2>Portal</h2><p class="muted">${esc(prNote)}${CONF.actor ? ` Changes are checked as <code>@${esc(CONF.actor)}</code>.` : ''}</p><p class="${CONF.fcrdns === 'checked' ? 'muted' : 'warn'}" id="fcrdns-mode">${esc(fcNote)}</p>
      <div class="portal">
        <form class="card" id="one" autocomplete="off"><h3>Set or reset one address</h3>
          <label for="one-ip">IP address</label><input id="one-ip" name="ip" required value="${esc(focusIp || '')}">
          <label for="one-host">hostname (empty or <code>default</code> = reset to the block default)</label><input id="one-host" name="host" value="">
          <div class="verdict" id="one-verdict" aria-live="polite"></div>
          <label for="one-note">note (optional)</label><input id="one-note" name="note">
          <div class="row"><button type="submit" name="preview">Preview</button><button type="button" class="primary" id="one-write" disabled>${CONF.pr ? 'Open pull request' : 'Write'}</button></div>
          <div id="one-result"></div></form>
        <form class="card" id="bulk" autocomplete="off"><h3>Bulk paste</h3>
          <label for="bulk-text">one "IP hostname" per line (space, tab, comma or semicolon; <code>default</code> resets)</label>
          <textarea id="bulk-text" name="text" spellcheck="false" placeholder="198.51.100.40 web1.example.com&#10;198.51.100.41 default"></textarea>
          <div class="row"><button type="submit">Preview</button><button type="button" class="primary" id="bulk-write" disabled>${CONF.pr ? 'Open pull request' : 'Write'}</button></div>
          <div id="bulk-result"></div></form>
      </div></section>`;
    const one = $('#one');
    const oneWrite = $('#one-write');
    const host = $('#one-host');
    const ipIn = $('#one-ip');
    if (act === 'reset') host.value = 'default';
    let previewed = null;
    // Bumped on every edit of the inputs: an answer to an older request is dropped, never shown.
    let oneGen = 0;
    const oneBody = () => ({ op: host.value.trim() === '' || host.value.trim() === 'default' ? 'reset' : 'set', ip: ipIn.value.trim(), host: host.value.trim(), note: $('#one-note').value.trim() || undefined });
    let vt = 0;
    const changed = () => {
      oneGen++;
      oneWrite.disabled = true;
      previewed = null;
      $('#one-result').innerHTML = '';
    };
    const verdict = () => {
      changed();
      clearTimeout(vt);
      const gen = oneGen;
      vt = setTimeout(async () => {
        const h = host.value.trim();
        const out = $('#one-verdict');
        if (!h || h === 'default') { out.innerHTML = h ? '<span class="muted">resets to the block default</span>' : ''; return; }
        out.innerHTML = '<span class="muted">checking…</span>';
        const r = await api('/api/check', { ip: ipIn.value.trim(), host: h });
        if (gen === oneGen) out.innerHTML = verdictHtml(r);
      }, 250);
    };
    host.addEventListener('input', verdict);
    ipIn.addEventListener('input', verdict);
    $('#one-note').addEventListener('input', changed);
    one.addEventListener('submit', async (e) => {
      e.preventDefault();
      const gen = ++oneGen;
      const body = oneBody();
      const r = await api('/api/preview', body);
      if (gen !== oneGen) return;
      $('#one-result').innerHTML = resultHtml(r);
      previewed = !r.error && r.changes && r.changes.length && !r.errors ? JSON.stringify(body) : null;
      oneWrite.disabled = !previewed;
    });
    oneWrite.addEventListener('click', async () => {
      if (!previewed) return;
      oneWrite.disabled = true;
      const r = await api('/api/apply', JSON.parse(previewed));
      previewed = null;
      $('#one-result').innerHTML = resultHtml(r);
      refresh();
    });
    const bulk = $('#bulk');
    const bulkWrite = $('#bulk-write');
    const text = $('#bulk-text');
    let bulkPreviewed = null;
    let bulkGen = 0;
    text.addEventListener('input', () => { bulkGen++; bulkPreviewed = null; bulkWrite.disabled = true; $('#bulk-result').innerHTML = ''; });
    bulk.addEventListener('submit', async (e) => {
      e.preventDefault();
      const gen = ++bulkGen;
      const body = { op: 'bulk', text: text.value };
      const r = await api('/api/preview', body);
      if (gen !== bulkGen) return;
      $('#bulk-result').innerHTML = resultHtml(r);
      bulkPreviewed = !r.error && r.changes && r.changes.length ? JSON.stringify(body) : null;
      bulkWrite.disabled = !bulkPreviewed;
      bulkWrite.textContent = r.errors ? `${CONF.pr ? 'Open pull request' : 'Write'} with the ${r.changes ? r.changes.length : 0} valid lines` : CONF.pr ? 'Open pull request' : 'Write';
    });
    bulkWrite.addEventListener('click', async () => {
      if (!bulkPreviewed) return;
      bulkWrite.disabled = true;
      const r = await api('/api/apply', { ...JSON.parse(bulkPreviewed), skipInvalid: true });
      bulkPreviewed = null;
      $('#bulk-result').innerHTML = resultHtml(r);
      refresh();
    });
    (focusIp ? host : ipIn).focus();
  }
  function openPortal(act, ip) {
    location.hash = `#portal=${encodeURIComponent(act)}:${encodeURIComponent(ip || '')}`;
  }
  async function refresh() {
    const r = await api('/api/data', {});
    if (!r.error) data = r;
  }

  // ---- routing ------------------------------------------------------------------------------------------
  function route() {
    const h = decodeURIComponent(location.hash.slice(1));
    if (h.startsWith('b=')) return blockView(Number(h.slice(2)));
    if (h.startsWith('ip=')) {
      const loc = locate(h.slice(3));
      if (!loc) return overview();
      return blockView(loc.b, loc.g !== undefined || loc.net !== undefined ? loc : null), loc.g === undefined && loc.net === undefined && showDetails(loc);
    }
    if (CONF.portal && h.startsWith('portal')) {
      const rest = h.slice(7);
      const colon = rest.indexOf(':');
      return colon < 0 ? portalView('', rest) : portalView(rest.slice(colon + 1), rest.slice(0, colon));
    }
    overview();
  }
  window.addEventListener('hashchange', route);
  route();
  document.documentElement.dataset.ready = '1';
  if (window.performance && performance.mark) performance.mark('rdns-ready');
})();
