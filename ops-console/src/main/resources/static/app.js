// Parquetry console: polls the JSON API, renders processes, draws charts, sends commands. No framework, no network
// beyond this server.
'use strict';

const POLL_MS = 1000;
// The SVG namespace name: an identifier, never fetched.
const SVG_NS = 'http://www.w3.org/2000/svg';
const HISTORY_MS = 2000;
let session = { controlsEnabled: false, authenticated: false };

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

async function api(path, options) {
  const r = await fetch(path, Object.assign({ headers: { 'Accept': 'application/json' }, credentials: 'same-origin' }, options || {}));
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  return { status: r.status, body };
}

function num(n) { return Number(n || 0).toLocaleString('en-US'); }
function rate(n) { return n >= 1e6 ? (n / 1e6).toFixed(2) + ' M/s' : n >= 1e3 ? (n / 1e3).toFixed(1) + ' k/s' : Math.round(n) + ' /s'; }
function bytes(n) {
  if (n < 0) return '?';
  const u = ['B', 'KB', 'MB', 'GB', 'TB']; let i = 0; let v = Number(n || 0);
  while (v >= 1000 && i < u.length - 1) { v /= 1000; i++; }
  return (i === 0 ? v : v.toFixed(1)) + ' ' + u[i];
}
function age(ms) {
  if (ms <= 0) return '0 s';
  const s = Math.round(ms / 1000);
  return s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
}
function base(path) { return path ? path.substring(path.lastIndexOf('/') + 1) : '—'; }
function when(ms) { return ms > 0 ? new Date(ms).toLocaleTimeString() : '—'; }

function metric(id, key, label) {
  return el('div', { class: 'metric' }, el('span', { class: 'label', text: label }), el('span', { class: 'value', id: key + '-' + id, text: '…' }));
}

function card(p) {
  const id = p.id;
  const title = p.kind === 'converter' ? el('a', { href: '/converter.html?id=' + encodeURIComponent(id), text: id }) : document.createTextNode(id);
  const c = el('article', { class: 'card', id: 'proc-' + id, 'data-kind': p.kind },
    el('h2', {}, title, el('span', { class: 'kind', text: p.kind }), el('span', { class: 'badge', id: 'state-' + id, text: p.state })));
  if (p.kind === 'converter') {
    c.append(el('div', { class: 'metrics' },
      metric(id, 'lag', 'lag: records not yet committed'), metric(id, 'lagtime', 'reading behind the queue by'), metric(id, 'rows', 'rows/s read'),
      metric(id, 'mbps', 'MB/s committed'), metric(id, 'files', 'files committed'), metric(id, 'errors', 'errors')));
    c.append(el('div', {}, el('span', { class: 'label', text: 'current file: ' }), el('span', { class: 'file', id: 'current-' + id, text: '…' })));
    c.append(el('div', {}, el('span', { class: 'label', text: 'last commit: ' }), el('span', { class: 'file', id: 'last-commit-' + id, text: '…' })));
    c.append(el('div', { class: 'error', id: 'last-error-' + id }));
    const controls = el('div', { class: 'controls' });
    for (const cmd of ['flush', 'rotate', 'pause', 'resume']) {
      const b = el('button', { id: cmd + '-' + id, type: 'button', text: cmd[0].toUpperCase() + cmd.slice(1) });
      b.addEventListener('click', () => command(id, cmd));
      controls.append(b);
    }
    c.append(controls, el('div', { class: 'outcome', id: 'outcome-' + id }));
  } else {
    c.append(el('div', { class: 'metrics' },
      metric(id, 'appended', 'appended'), metric(id, 'arate', 'appends/s'), metric(id, 'refused', 'refused'),
      metric(id, 'free', 'free disk'), metric(id, 'guard', 'disk guard'), metric(id, 'lastappend', 'last append')));
  }
  c.append(el('div', { class: 'legend', id: 'legend-' + id }));
  c.append(svgChart(id));
  return c;
}

function svgChart(id) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'chart'); svg.setAttribute('id', 'chart-' + id);
  svg.setAttribute('viewBox', '0 0 600 90'); svg.setAttribute('preserveAspectRatio', 'none');
  return svg;
}

function update(p) {
  const id = p.id;
  const set = (k, v) => { const e = $(k + '-' + id); if (e) e.textContent = v; };
  const badge = $('state-' + id);
  badge.textContent = p.state; badge.className = 'badge ' + p.state;
  if (p.kind === 'converter') {
    set('lag', num(p.lagRecords)); set('lagtime', p.lagRecords > 0 ? age(p.lagMs) : 'caught up');
    set('rows', rate(p.rowsPerSecond)); set('mbps', p.megabytesPerSecond.toFixed(2)); set('files', num(p.filesCommitted));
    set('errors', num(p.errors));
    set('current', p.currentFile ? base(p.currentFile) + ' — ' + num(p.currentRows) + ' rows, ' + bytes(p.currentBytes) + ', ' + age(p.currentAgeMs) : 'none');
    set('last-commit', p.lastCommitFile ? base(p.lastCommitFile) + ' — ' + num(p.lastCommitRows) + ' rows, ' + bytes(p.lastCommitBytes) + ' at ' + when(p.lastCommitAtMs) : 'none yet');
    set('last-error', p.lastError ? 'last error: ' + p.lastError : '');
    const disabled = !session.controlsEnabled || !p.alive;
    for (const cmd of ['flush', 'rotate', 'pause', 'resume']) {
      const b = $(cmd + '-' + id);
      b.disabled = disabled;
      b.title = !session.controlsEnabled ? session.reason : !p.alive ? 'the converter is not running' : (session.authenticated ? '' : 'log in first');
    }
  } else {
    set('appended', num(p.appended)); set('arate', rate(p.appendsPerSecond)); set('refused', num(p.refusedDiskGuard + p.refusedClosed));
    set('free', bytes(p.freeBytes)); set('guard', p.diskGuardTripped ? 'TRIPPED' : 'ok'); set('lastappend', when(p.lastAppendMs));
  }
}

async function command(id, cmd) {
  const out = $('outcome-' + id);
  if (!session.authenticated) { window.location = '/login.html'; return; }
  out.className = 'outcome'; out.textContent = cmd + '…';
  const r = await api('/api/converters/' + encodeURIComponent(id) + '/' + cmd, { method: 'POST', headers: { 'Accept': 'application/json', 'X-XSRF-TOKEN': csrfToken() } });
  const msg = r.body && (r.body.message || r.body.error) ? (r.body.message || r.body.error) : 'HTTP ' + r.status;
  out.className = 'outcome ' + (r.status === 200 ? 'ok' : 'bad');
  out.textContent = msg;
  poll();
}

function drawChart(id, samples, kind) {
  const svg = $('chart-' + id);
  if (!svg) return;
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const legend = $('legend-' + id);
  if (samples.length < 2) { legend.textContent = 'collecting samples…'; return; }
  const t0 = samples[0].atMs; const t1 = samples[samples.length - 1].atMs; const span = Math.max(1, t1 - t0);
  const series = kind === 'converter'
    ? [['lag', samples.map(s => s.lagRecords)], ['rate', samples.map(s => s.rowsPerSecond)]]
    : [['rate', samples.map(s => s.appendsPerSecond)]];
  for (const [cls, values] of series) {
    const max = Math.max(1, ...values);
    const pts = values.map((v, i) => ((samples[i].atMs - t0) / span * 600).toFixed(1) + ',' + (86 - v / max * 80).toFixed(1)).join(' ');
    const line = document.createElementNS(SVG_NS, 'polyline');
    line.setAttribute('class', cls); line.setAttribute('points', pts);
    svg.append(line);
  }
  const minutes = Math.round(span / 60000);
  legend.innerHTML = '';
  if (kind === 'converter') {
    legend.append(el('span', { class: 'l', text: '— lag (max ' + num(Math.max(...samples.map(s => s.lagRecords))) + ')' }), ' ',
      el('span', { class: 'r', text: '— rows/s (max ' + rate(Math.max(...samples.map(s => s.rowsPerSecond))) + ')' }));
  } else {
    legend.append(el('span', { class: 'r', text: '— appends/s (max ' + rate(Math.max(...samples.map(s => s.appendsPerSecond))) + ')' }));
  }
  legend.append(' over the last ' + (minutes < 1 ? Math.round(span / 1000) + ' s' : minutes + ' min'));
}

async function loadSession() {
  const r = await api('/api/session');
  if (r.status === 200) session = r.body;
  const s = $('session');
  if (s) {
    s.innerHTML = '';
    if (session.authenticated) {
      const form = el('form', { method: 'post', action: '/logout', id: 'logout-form' }, el('span', { text: 'operator: ' + session.user + ' ' }),
        el('input', { type: 'hidden', name: '_csrf', value: csrfToken() }), el('button', { type: 'submit', id: 'logout', text: 'Log out' }));
      s.append(form);
    } else if (session.controlsEnabled) {
      s.append(el('a', { href: '/login.html', id: 'login-link', text: 'Log in to use the controls' }));
    }
  }
  const note = $('controls-note');
  if (note) { note.hidden = session.controlsEnabled; note.textContent = session.reason || ''; }
}

const rendered = new Map();

async function poll() {
  const onlyId = document.body.dataset.page === 'detail' ? new URLSearchParams(location.search).get('id') : null;
  const r = await api('/api/processes');
  if (r.status !== 200) return;
  const list = onlyId ? r.body.filter(p => p.id === onlyId) : r.body;
  const grid = $('processes');
  $('empty') && ($('empty').hidden = list.length > 0);
  for (const p of list) {
    if (!rendered.has(p.id)) { const c = card(p); grid.append(c); rendered.set(p.id, p.kind); }
    update(p);
  }
  $('updated').textContent = new Date().toLocaleTimeString();
}

async function pollHistory() {
  for (const [id, kind] of rendered) {
    const r = await api('/api/processes/' + encodeURIComponent(id) + '/history');
    if (r.status === 200) drawChart(id, r.body, kind);
  }
}

async function loadDetail() {
  const id = new URLSearchParams(location.search).get('id');
  $('detail-id').textContent = id;
  const r = await api('/api/processes/' + encodeURIComponent(id) + '?commits=50');
  if (r.status !== 200) { $('config').append(el('tr', {}, el('td', { text: 'error' }), el('td', { text: (r.body && r.body.error) || 'HTTP ' + r.status }))); return; }
  const p = r.body.process;
  const cfg = $('config'); cfg.innerHTML = '';
  for (const [k, v] of [['queue', p.queue], ['dataset', p.dataset], ['schema', p.schema], ['source', p.source], ['settings', p.settings],
    ['status file', p.statusFile], ['commit log', r.body.commitLog], ['pid', p.pid]]) {
    cfg.append(el('tr', {}, el('td', { text: k }), el('td', { class: 'file', text: v == null ? '—' : String(v) })));
  }
  const body = $('commits').querySelector('tbody'); body.innerHTML = '';
  for (const c of r.body.recentCommits) {
    body.append(el('tr', {}, el('td', { class: 'file', text: base(c.file) }), el('td', { text: num(c.rows) }), el('td', { text: bytes(c.bytes) }),
      el('td', { text: c.firstIndex + ' – ' + c.lastIndex }), el('td', { text: new Date(c.committedAt).toLocaleString() }),
      el('td', { text: c.cause }), el('td', { text: c.bytes > 0 ? (c.uncompressedBytes / c.bytes).toFixed(1) + '×' : '—' })));
  }
}

function loginPage() {
  $('csrf').value = csrfToken();
  $('login-form').addEventListener('submit', () => { $('csrf').value = csrfToken(); });
  if (location.search.indexOf('error') >= 0) $('login-error').hidden = false;
}

document.addEventListener('DOMContentLoaded', async () => {
  const page = document.body.dataset.page;
  if (page === 'login') {
    await api('/api/session'); // sets the CSRF cookie
    loginPage();
    return;
  }
  await loadSession();
  await poll();
  await pollHistory();
  setInterval(poll, POLL_MS);
  setInterval(pollHistory, HISTORY_MS);
  if (page === 'detail') { await loadDetail(); setInterval(loadDetail, 5000); }
});
