// Parquetry console: polls the JSON API, renders processes, draws charts (Chart.js, served by this console), sends
// commands. Every time is shown in UTC with its date. When the console stops answering, the page says so and marks
// every number as stale instead of showing the last ones as if they were live.
'use strict';

const POLL_MS = 1000;
const HISTORY_MS = 2000;
const REQUEST_TIMEOUT_MS = 5000;
// No answer for this long: the page says the connection is lost and the numbers are stale.
const STALE_AFTER_MS = 3500;
const COMMANDS = ['flush', 'rotate', 'pause', 'resume'];
let session = { controlsEnabled: false, authenticated: false };
let lastOkMs = 0;
let lastError = '';
let stale = false;
const rendered = new Map(); // id -> kind
const charts = new Map(); // id -> {lag, rate}
const latest = new Map(); // id -> last view

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

/** A request with a time limit: a console that hangs counts as lost, like one that is gone. */
async function api(path, options) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
  try {
    const r = await fetch(path, Object.assign({ headers: { 'Accept': 'application/json' }, credentials: 'same-origin', signal: ctl.signal },
      options || {}));
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    return { status: r.status, body };
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------------- formats

function num(n) { return Number(n || 0).toLocaleString('en-US'); }
function si(n) {
  const a = Math.abs(n);
  return a >= 1e9 ? (n / 1e9).toFixed(a >= 1e10 ? 0 : 1) + ' G' : a >= 1e6 ? (n / 1e6).toFixed(a >= 1e7 ? 0 : 1) + ' M'
    : a >= 1e3 ? (n / 1e3).toFixed(a >= 1e4 ? 0 : 1) + ' k' : a >= 100 || a === 0 ? String(Math.round(n)) : n.toFixed(a >= 1 ? 1 : 2);
}
function rate(n) { return si(n) + '/s'; }
function bytes(n) {
  if (n == null || n < 0) return '?';
  const u = ['B', 'KB', 'MB', 'GB', 'TB']; let i = 0; let v = Number(n || 0);
  while (v >= 1000 && i < u.length - 1) { v /= 1000; i++; }
  return (i === 0 ? v : v.toFixed(1)) + ' ' + u[i];
}
function duration(ms) {
  if (ms == null) return 'unknown';
  const s = Math.round(ms / 1000);
  if (s < 120) return s + ' s';
  if (s < 7200) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 172800) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}
/** 2026-11-21 13:59:05 UTC */
function utc(ms) { return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—'; }
function utcTime(ms) { return new Date(ms).toISOString().substring(11, 19); }
function utcDate(ms) { return new Date(ms).toISOString().substring(0, 10); }
function base(path) { return path ? path.substring(path.lastIndexOf('/') + 1) : '—'; }

/** The lag as people should read it: a count, a lower bound, or unknown; never 0 for something not known. */
function lagText(c) {
  if (c.lagQuality === 'unknown' || c.lagRecords == null) return 'unknown';
  return (c.lagQuality === 'at_least' ? '≥ ' : '') + num(c.lagRecords);
}
function behindText(c) {
  if (c.lagSeconds == null) return 'unknown';
  if (!c.behindSinceMs) return 'caught up';
  return duration(c.lagSeconds * 1000) + ' (since ' + utc(c.behindSinceMs) + ')';
}

// ------------------------------------------------------------------------------------------------------------ cards

function metric(id, key, label, title) {
  return el('div', { class: 'metric', title: title || '' }, el('span', { class: 'label', text: label }),
    el('span', { class: 'value', id: key + '-' + id, text: '…' }), el('span', { class: 'sub', id: key + '-sub-' + id }));
}

function line(id, key, label) {
  return el('div', { class: 'line' }, el('span', { class: 'label', text: label + ': ' }), el('span', { class: 'file', id: key + '-' + id, text: '…' }));
}

function chartBox(id, key, title) {
  return el('div', { class: 'chart-box' }, el('div', { class: 'chart-title', text: title }),
    el('div', { class: 'chart' }, el('canvas', { id: 'chart-' + key + '-' + id, role: 'img', 'aria-label': title })));
}

function card(p) {
  const id = p.id;
  const title = p.kind === 'converter' ? el('a', { href: '/converter.html?id=' + encodeURIComponent(id), text: id }) : document.createTextNode(id);
  const c = el('article', { class: 'card', id: 'proc-' + id, 'data-kind': p.kind },
    el('h2', {}, title, el('span', { class: 'kind', text: p.kind }), el('span', { class: 'badge', id: 'state-' + id, text: p.state })),
    el('div', { class: 'stale-note', id: 'stale-' + id }),
    el('div', { class: 'error card-error', id: 'error-' + id }));
  const body = el('div', { class: 'body', id: 'body-' + id });
  if (p.kind === 'converter') {
    body.append(el('div', { class: 'metrics' },
      metric(id, 'lag', 'not committed (records)', 'records after the checkpoint up to the queue\'s head: not read yet + read into the file being written'),
      metric(id, 'lagtime', 'behind the queue\'s head', 'time since the converter last had read everything appended'),
      metric(id, 'rows', 'records/s read', 'averaged over the console\'s rate window'),
      metric(id, 'mbps', 'Parquet MB/s written', 'committed files plus the file being written, averaged over the rate window'),
      metric(id, 'files', 'files committed'),
      metric(id, 'errors', 'errors · quarantined')));
    body.append(line(id, 'current', 'current file'), line(id, 'last-commit', 'last commit'), el('div', { class: 'line warn', id: 'pause-info-' + id }),
      el('div', { class: 'error', id: 'last-error-' + id }));
    const controls = el('div', { class: 'controls' });
    for (const cmd of COMMANDS) {
      const b = el('button', { id: cmd + '-' + id, type: 'button', text: cmd[0].toUpperCase() + cmd.slice(1) });
      b.addEventListener('click', () => (cmd === 'pause' ? askPause(id) : command(id, cmd)));
      controls.append(b);
    }
    const confirm = el('div', { class: 'confirm', id: 'confirm-pause-' + id, hidden: '' },
      el('span', { text: 'Pause ' + id + '? It commits the current file and converts nothing more, across restarts, until resumed. ' }),
      el('button', { type: 'button', id: 'confirm-pause-yes-' + id, class: 'danger', text: 'Pause ' + id }),
      el('button', { type: 'button', id: 'confirm-pause-no-' + id, text: 'Cancel' }));
    confirm.querySelector('#confirm-pause-yes-' + CSS.escape(id)).addEventListener('click', () => { confirm.hidden = true; command(id, 'pause'); });
    confirm.querySelector('#confirm-pause-no-' + CSS.escape(id)).addEventListener('click', () => { confirm.hidden = true; });
    body.append(controls, confirm, el('div', { class: 'outcome', id: 'outcome-' + id }));
    body.append(el('div', { class: 'charts' }, chartBox(id, 'lag', 'Lag: records not committed'), chartBox(id, 'rate', 'Throughput')));
  } else {
    body.append(el('div', { class: 'metrics' },
      metric(id, 'appended', 'appended'), metric(id, 'arate', 'appends/s', 'averaged over the console\'s rate window'),
      metric(id, 'refused', 'refused'), metric(id, 'free', 'free disk'), metric(id, 'guard', 'disk guard'),
      metric(id, 'lastappend', 'last append')));
    body.append(el('div', { class: 'error', id: 'last-error-' + id }));
    body.append(el('div', { class: 'charts' }, chartBox(id, 'rate', 'Appends')));
  }
  c.append(body);
  return c;
}

function set(id, key, text) { const e = $(key + '-' + id); if (e) e.textContent = text; }

function update(p) {
  const id = p.id;
  latest.set(id, p);
  const badge = $('state-' + id);
  const c = p; // the API serves a kind's fields in the process's own object
  const lagging = p.kind === 'converter' && p.lagging;
  badge.textContent = lagging ? p.state + ' · lagging' : p.state;
  badge.className = 'badge ' + (lagging ? 'lagging' : p.state) + (p.health === 'out_of_service' ? ' out_of_service' : '');
  badge.title = 'health: ' + p.health + (p.heartbeatAgeMs != null ? ', heartbeat ' + duration(p.heartbeatAgeMs) + ' ago' : '');
  $('error-' + id).textContent = p.error ? p.error : '';
  $('body-' + id).hidden = !!p.error;
  if (p.error) return;
  if (p.kind === 'converter') {
    set(id, 'lag', lagText(c));
    set(id, 'lag-sub', c.lagQuality === 'unknown' ? (c.lagNote || '') :
      'unread ' + num(c.unreadRecords) + ' · in current file ' + num(c.uncommittedRecords) + (c.lagQuality === 'at_least' ? ' · at least' : ''));
    $('lag-sub-' + id).title = c.lagNote || '';
    set(id, 'lagtime', behindText(c));
    set(id, 'rows', rate(c.rowsPerSecond));
    set(id, 'mbps', c.megabytesPerSecond.toFixed(2));
    set(id, 'files', num(c.filesCommitted));
    set(id, 'errors', num(c.errors) + ' · ' + num(c.quarantined));
    set(id, 'current', c.currentFile ? base(c.currentFile) + ' — ' + num(c.currentRows) + ' rows, ' + bytes(c.currentBytes) + ', open ' + duration(c.currentAgeMs) : 'none');
    set(id, 'last-commit', c.lastCommitFile ? (c.lastCommitPartition ? c.lastCommitPartition + '/' : '') + base(c.lastCommitFile) + ' — '
      + num(c.lastCommitRows) + ' rows, ' + bytes(c.lastCommitBytes) + ' at ' + utc(c.lastCommitAtMs) : 'none yet');
    const pauseInfo = c.pausedSinceMs > 0 ? 'paused since ' + utc(c.pausedSinceMs) + ' (kept across restarts until resumed)'
      : p.state === 'retrying' ? 'output failing: ' + num(c.outputFailures) + ' failure(s) in a row, next retry ' + utc(c.nextRetryAtMs) : '';
    set(id, 'pause-info', pauseInfo);
    set(id, 'last-error', p.lastError ? 'last error: ' + p.lastError : '');
  } else {
    set(id, 'appended', num(c.appended)); set(id, 'arate', rate(c.appendsPerSecond));
    set(id, 'refused', num(c.refusedDiskGuard + c.refusedClosed + (c.refusedTooLong || 0))); set(id, 'free', bytes(c.freeBytes));
    set(id, 'guard', c.diskGuardTripped ? 'TRIPPED: refusing appends' : 'ok'); set(id, 'lastappend', utc(c.lastAppendMs));
    set(id, 'last-error', p.lastError ? 'last error: ' + p.lastError : '');
  }
  updateControls(p);
}

function updateControls(p) {
  if (p.kind !== 'converter') return;
  const id = p.id;
  const disabled = stale || !session.controlsEnabled || !p.alive || !!p.error;
  for (const cmd of COMMANDS) {
    const b = $(cmd + '-' + id);
    if (!b) continue;
    b.disabled = disabled;
    b.title = stale ? 'no connection to the console' : !session.controlsEnabled ? session.reason
      : !p.alive ? 'the converter is not running' : (session.authenticated ? '' : 'log in first');
  }
}

function askPause(id) {
  if (!session.authenticated) { window.location = '/login.html'; return; }
  $('confirm-pause-' + id).hidden = false;
}

async function command(id, cmd) {
  const out = $('outcome-' + id);
  if (!session.authenticated) { window.location = '/login.html'; return; }
  out.className = 'outcome'; out.textContent = cmd + '…';
  try {
    const r = await api('/api/converters/' + encodeURIComponent(id) + '/' + cmd,
      { method: 'POST', headers: { 'Accept': 'application/json', 'X-XSRF-TOKEN': csrfToken() } });
    const msg = r.body && (r.body.message || r.body.error) ? (r.body.message || r.body.error) : 'HTTP ' + r.status;
    out.className = 'outcome ' + (r.status === 200 ? 'ok' : 'bad');
    out.textContent = msg;
  } catch (e) {
    out.className = 'outcome bad';
    out.textContent = cmd + ': no answer from the console (' + e.message + '); whether it was done is unknown';
  }
  poll();
}

// ----------------------------------------------------------------------------------------------------------- charts

const COLORS = { unread: '#c53030', uncommitted: '#b7791f', read: '#2b6cb0', appended: '#2f855a', mb: '#6b46c1' };

function timeAxis() {
  return {
    type: 'linear',
    title: { display: true, text: 'time (UTC)' },
    ticks: {
      maxTicksLimit: 6,
      maxRotation: 0,
      // The first tick carries the date; times are UTC like every time on the page.
      callback: (v, i) => (i === 0 ? utcDate(v) + ' ' : '') + utcTime(v)
    }
  };
}

function valueAxis(title, position, grid) {
  return { type: 'linear', position: position || 'left', beginAtZero: true, title: { display: true, text: title },
    ticks: { callback: v => si(v) }, grid: { drawOnChartArea: grid !== false } };
}

function makeChart(canvas, datasets, scales) {
  if (typeof Chart === 'undefined' || !canvas) return null;
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: datasets.map(d => Object.assign({ data: [], pointRadius: 0, borderWidth: 1.5, tension: 0, spanGaps: false,
      fill: false }, d)) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
      interaction: { mode: 'index', intersect: false },
      scales: Object.assign({ x: timeAxis() }, scales),
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2 } },
        tooltip: { callbacks: { title: items => (items.length ? utc(items[0].parsed.x) : ''),
          label: item => item.dataset.label + ': ' + (item.parsed.y == null ? 'unknown' : num(Math.round(item.parsed.y * 100) / 100)) } }
      }
    }
  });
}

function chartsOf(id, kind) {
  if (charts.has(id)) return charts.get(id);
  let made;
  if (kind === 'converter') {
    made = {
      lag: makeChart($('chart-lag-' + id), [
        { label: 'not read yet (backlog)', borderColor: COLORS.unread, backgroundColor: COLORS.unread, yAxisID: 'y' },
        { label: 'read, not committed (current file)', borderColor: COLORS.uncommitted, backgroundColor: COLORS.uncommitted, yAxisID: 'y' }],
      { y: valueAxis('records') }),
      rate: makeChart($('chart-rate-' + id), [
        { label: 'records/s read', borderColor: COLORS.read, backgroundColor: COLORS.read, yAxisID: 'y' },
        { label: 'Parquet MB/s written', borderColor: COLORS.mb, backgroundColor: COLORS.mb, yAxisID: 'y1', borderDash: [4, 3] }],
      { y: valueAxis('records/s'), y1: valueAxis('MB/s', 'right', false) })
    };
  } else {
    made = { rate: makeChart($('chart-rate-' + id), [
      { label: 'appends/s', borderColor: COLORS.appended, backgroundColor: COLORS.appended, yAxisID: 'y' }], { y: valueAxis('records/s') }) };
  }
  charts.set(id, made);
  return made;
}

function drawCharts(id, kind, samples) {
  const ch = chartsOf(id, kind);
  const xs = samples.map(s => s.atMs);
  const series = (chart, fns) => {
    if (!chart) return;
    fns.forEach((f, i) => { chart.data.datasets[i].data = samples.map((s, j) => ({ x: xs[j], y: f(s) })); });
    chart.update('none');
  };
  if (kind === 'converter') {
    series(ch.lag, [s => s.unreadRecords, s => s.uncommittedRecords]);
    series(ch.rate, [s => s.rowsPerSecond, s => s.megabytesPerSecond]);
  } else {
    series(ch.rate, [s => s.appendsPerSecond]);
  }
}

// ------------------------------------------------------------------------------------------------- staleness

/** Says plainly that the console does not answer and that what the page shows is old. */
function checkStale() {
  const now = Date.now();
  const lost = lastOkMs === 0 ? lastError !== '' : now - lastOkMs > STALE_AFTER_MS;
  const banner = $('connection');
  if (lost) {
    stale = true;
    document.body.classList.add('stale');
    banner.hidden = false;
    banner.textContent = 'Connection to the console lost' + (lastError ? ' (' + lastError + ')' : '') + '. '
      + (lastOkMs ? 'Everything below is from ' + utc(lastOkMs) + ', ' + duration(now - lastOkMs) + ' ago, and is not updating.'
        : 'Nothing could be loaded.') + ' Retrying every second…';
    for (const [id, p] of latest) {
      const badge = $('state-' + id);
      badge.textContent = 'unknown';
      badge.className = 'badge unknown';
      badge.title = 'no connection: last seen ' + (p.kind === 'converter' && p.lagging ? 'lagging' : p.state) + ' at ' + utc(lastOkMs);
      set(id, 'stale', 'not updating: last seen ' + (p.kind === 'converter' && p.lagging ? 'lagging' : p.state) + ' at ' + utc(lastOkMs));
      updateControls(p);
    }
  } else if (stale) {
    stale = false;
    document.body.classList.remove('stale');
    banner.hidden = true;
    for (const [id, p] of latest) { set(id, 'stale', ''); update(p); }
  }
}

// ------------------------------------------------------------------------------------------------------ polling

async function loadSession() {
  try {
    const r = await api('/api/session');
    if (r.status === 200) session = r.body;
  } catch (e) {
    lastError = e.message;
  }
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

async function poll() {
  const onlyId = document.body.dataset.page === 'detail' ? new URLSearchParams(location.search).get('id') : null;
  let r;
  try {
    r = await api('/api/processes');
    if (r.status !== 200) throw new Error('HTTP ' + r.status);
  } catch (e) {
    lastError = e.name === 'AbortError' ? 'no answer within ' + REQUEST_TIMEOUT_MS / 1000 + ' s' : e.message;
    checkStale();
    return;
  }
  lastOkMs = Date.now();
  lastError = '';
  const list = onlyId ? r.body.filter(p => p.id === onlyId) : r.body;
  const grid = $('processes');
  if ($('empty')) $('empty').hidden = list.length > 0;
  for (const p of list) {
    if (!rendered.has(p.id)) { grid.append(card(p)); rendered.set(p.id, p.kind); }
    update(p);
  }
  checkStale();
  $('updated').textContent = utc(lastOkMs);
}

async function pollHistory() {
  for (const [id, kind] of rendered) {
    try {
      const r = await api('/api/processes/' + encodeURIComponent(id) + '/history');
      if (r.status === 200) drawCharts(id, kind, r.body);
    } catch (e) {
      return; // poll() says the connection is lost
    }
  }
}

async function loadDetail() {
  const id = new URLSearchParams(location.search).get('id');
  $('detail-id').textContent = id;
  let r;
  try {
    r = await api('/api/processes/' + encodeURIComponent(id) + '?commits=50');
  } catch (e) {
    return;
  }
  const cfg = $('config');
  if (r.status !== 200) {
    cfg.innerHTML = '';
    cfg.append(el('tr', {}, el('td', { text: 'error' }), el('td', { text: (r.body && r.body.error) || 'HTTP ' + r.status })));
    return;
  }
  const p = r.body.process;
  cfg.innerHTML = '';
  const rows = [['status file', p.statusFile], ['pid', p.pid], ['started', utc(p.startedAtMs)]];
  if (p.kind === 'converter' && !p.error) {
    rows.unshift(['queue', p.queue], ['queue id', p.queueId], ['dataset', p.dataset], ['schema', p.schema],
      ['schema version', schemaText(p)], ['source', p.source], ['version', p.version], ['settings', p.settings]);
    rows.push(['commit log', r.body.commitLog], ['checkpoint', p.checkpoint], ['last read', p.lastRead],
      ['queue head', p.head + ' (' + p.headSource + ')'], ['lag', lagText(p) + (p.lagNote ? ': ' + p.lagNote : '')],
      ['quarantined records', num(p.quarantined)], ['records skipped in accepted damaged ranges', num(p.skippedRecords)],
      ['timestamps truncated to the file\'s unit', num(p.truncatedTimestamps)],
      ['queue cycle files deleted by retention', num(p.retentionDeleted)],
      ['rotations', Object.entries(p.rotations).map(([k, v]) => k + ' ' + v).join(', ')]);
  }
  if (p.error) rows.push(['error', p.error]);
  for (const [k, v] of rows) {
    cfg.append(el('tr', {}, el('td', { text: k }), el('td', { class: 'file', text: v == null || v === '' ? '—' : String(v) })));
  }
  const note = $('commits-note');
  const skipped = r.body.commitLogLinesSkipped;
  note.hidden = !skipped && !r.body.commitLogError;
  note.textContent = r.body.commitLogError ? 'the commit log cannot be read: ' + r.body.commitLogError
    : skipped ? skipped + ' line(s) of the commit log could not be read (cut short by a crash or a full disk) and are not shown.' : '';
  const body = $('commits').querySelector('tbody'); body.innerHTML = '';
  for (const c of r.body.recentCommits) {
    body.append(el('tr', {}, el('td', { class: 'file', text: c.partition || '—' }), el('td', { class: 'file', text: base(c.file), title: c.file }),
      el('td', { text: num(c.rows) }), el('td', { text: bytes(c.bytes) }), el('td', { text: c.firstIndex + ' – ' + c.lastIndex }),
      el('td', { text: utc(c.committedAt) }), el('td', { text: c.cause }),
      el('td', { text: c.bytes > 0 ? (c.uncompressedBytes / c.bytes).toFixed(1) + '×' : '—' })));
  }
}

// "files written in v2; the queue's newest is v3, since 2026-11-21 14:02:11 UTC" (null before status minor 4: '—')
function schemaText(p) {
  if (p.schemaVersion == null) return null;
  const since = p.queueSchemaChangedAtMs ? ', since ' + utc(p.queueSchemaChangedAtMs) : ' (its first)';
  return 'files written in v' + p.schemaVersion + '; the queue\'s newest is v' + p.queueSchemaVersion + since;
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
  setInterval(checkStale, 500);
  if (page === 'detail') { await loadDetail(); setInterval(loadDetail, 5000); }
});
