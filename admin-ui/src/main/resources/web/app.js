// admin-ui: plain DOM, no build step. Every view reads the admin API (/api/...), which reads
// routing-stream, Kafka and the Kubernetes API; nothing is cached here beyond the page.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => (k === 'class' ? (e.className = v) : e.setAttribute(k, v)));
  children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
  return e;
};

async function api(path, options = {}) {
  const res = await fetch(path, { headers: { 'content-type': 'application/json' }, ...options });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    throw new Error(body && body.error ? body.error.message : res.status + ' ' + res.statusText);
  }
  return body;
}

function status(text, bad) {
  const s = $('#status');
  s.textContent = text;
  s.className = bad ? 'bad' : 'muted';
}

// ---- charts: small SVGs drawn here, no library
const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#2457c5', '#c0392b', '#1e7d32', '#8e44ad', '#d68910', '#138d90', '#7f8c8d', '#a04000', '#1a5276',
  '#b03a2e', '#196f3d', '#6c3483'];
const svg = (tag, attrs = {}, ...children) => {
  const e = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
  return e;
};
const fmt = v => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * A line chart: series [{name, points: [[x, y], ...]}], x and y linear from their minimum (or 0) to
 * their maximum; a legend under it. opts: {title, width, height, yMax, xLabel, yLabel, xFormat}.
 */
function lineChart(series, opts = {}) {
  const W = opts.width || 360, H = opts.height || 150, L = 44, R = 8, T = 20, B = 24;
  const xs = series.flatMap(s => s.points.map(p => p[0]));
  const ys = series.flatMap(s => s.points.map(p => p[1]));
  const x0 = xs.length ? Math.min(...xs) : 0, x1 = xs.length ? Math.max(...xs) : 1;
  const y1 = opts.yMax != null ? opts.yMax : Math.max(1e-9, ...ys, 0) * 1.05;
  const X = x => L + (x1 === x0 ? 0 : (x - x0) / (x1 - x0)) * (W - L - R);
  const Y = y => T + (1 - Math.min(y, y1) / y1) * (H - T - B);
  const chart = svg('svg', { width: W, height: H, class: 'chart', role: 'img', 'aria-label': opts.title || 'chart' },
    svg('text', { x: L, y: 13, class: 'chart-title' }, opts.title || ''),
    svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
    svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
    svg('text', { x: L - 4, y: T + 4, class: 'tick', 'text-anchor': 'end' }, fmt(y1)),
    svg('text', { x: L - 4, y: H - B, class: 'tick', 'text-anchor': 'end' }, '0'),
    svg('text', { x: L, y: H - 8, class: 'tick' }, opts.xFormat ? opts.xFormat(x0) : fmt(x0)),
    svg('text', { x: W - R, y: H - 8, class: 'tick', 'text-anchor': 'end' },
      (opts.xFormat ? opts.xFormat(x1) : fmt(x1)) + (opts.xLabel ? ' ' + opts.xLabel : '')));
  series.forEach((s, i) => {
    if (s.points.length) {
      chart.append(svg('polyline', { points: s.points.map(p => X(p[0]).toFixed(1) + ',' + Y(p[1]).toFixed(1)).join(' '),
        fill: 'none', stroke: PALETTE[i % PALETTE.length], 'stroke-width': 1.5, 'data-series': s.name }));
    }
  });
  return el('figure', { class: 'chart-box' }, chart, legend(series.map(s => s.name)));
}

function legend(names) {
  return el('figcaption', { class: 'legend' }, names.map((n, i) =>
    el('span', {}, el('i', { style: 'background:' + PALETTE[i % PALETTE.length] }), n)));
}

/**
 * Horizontal stacked bars: rows [{label, parts: [number per part]}], parts named by partNames (each
 * part a scorer's weighted score); negative parts are not expected. opts: {title, width}.
 */
function stackedBars(rows, partNames, opts = {}) {
  const W = opts.width || 560, rowH = 20, L = 120, R = 90, T = 20;
  const H = T + rows.length * rowH + 6;
  const max = Math.max(1e-9, ...rows.map(r => r.parts.reduce((a, b) => a + Math.max(0, b), 0)));
  const scale = v => (Math.max(0, v) / max) * (W - L - R);
  const chart = svg('svg', { width: W, height: H, class: 'chart', role: 'img', 'aria-label': opts.title || 'bars' },
    svg('text', { x: L, y: 13, class: 'chart-title' }, opts.title || ''));
  rows.forEach((r, i) => {
    const y = T + i * rowH;
    chart.append(svg('text', { x: L - 6, y: y + 13, class: 'tick', 'text-anchor': 'end' }, r.label));
    let x = L;
    r.parts.forEach((v, p) => {
      const w = scale(v);
      if (w > 0) {
        chart.append(svg('rect', { x: x.toFixed(1), y: y + 2, width: w.toFixed(1), height: rowH - 6,
          fill: PALETTE[p % PALETTE.length], 'data-part': partNames[p] }, svg('title', {}, partNames[p] + ': ' + fmt(v))));
      }
      x += w;
    });
    const total = r.parts.reduce((a, b) => a + b, 0);
    chart.append(svg('text', { x: x + 4, y: y + 13, class: 'tick' }, r.note != null ? r.note : fmt(total)));
  });
  return el('figure', { class: 'chart-box' }, chart, legend(partNames));
}

// ---- tabs (the URL's #fragment names the open tab, so a view can be bookmarked)
let current = 'pools';

function openTab(name) {
  const button = document.querySelector('nav button[data-tab="' + name + '"]') || document.querySelector('nav button');
  document.querySelectorAll('nav button').forEach(x => x.classList.toggle('active', x === button));
  document.querySelectorAll('main > section').forEach(s => (s.hidden = s.id !== 'tab-' + button.dataset.tab));
  current = button.dataset.tab;
}

document.querySelectorAll('nav button').forEach(b => b.addEventListener('click', () => {
  history.replaceState(null, '', '#' + b.dataset.tab);
  openTab(b.dataset.tab);
  refresh();
}));
function route() {
  const hash = decodeURIComponent(location.hash.slice(1));
  if (hash.startsWith('pool/')) {
    openTab('pools');
    selectedPool = hash.slice('pool/'.length);
  } else if (hash.startsWith('whatif/')) {
    // #whatif/<from>/<to>[/<namespace>/<pool>]: a replay to bookmark or share, run on open.
    openTab('whatif');
    const [from, to, ns, name] = hash.slice('whatif/'.length).split('/');
    const pool = ns && name ? ns + '/' + name : '';
    const f = $('#whatif-form');
    f.from.value = localInput(new Date(from));
    f.to.value = localInput(new Date(to));
    f.pool.value = pool;
    f.requestSubmit();
  } else if (hash.startsWith('decision/')) {
    openTab('decisions');
    $('#decision-filter').paused.checked = true;
    showDecision($('#decision-detail'), { decision: { requestId: hash.slice('decision/'.length), candidates: [] } });
  } else {
    openTab(hash || 'pools');
  }
}
window.addEventListener('hashchange', route);

// ---- pools
let selectedPool = null;

function selectorText(sel) {
  return Object.entries(sel || {}).map(([k, v]) => k + '=' + v).join(', ');
}

async function loadPools() {
  const { pools } = await api('/api/pools');
  const body = $('#pools tbody');
  body.replaceChildren(...pools.map(row => {
    const p = row.pool;
    const key = p.meta.namespace + '/' + p.meta.name;
    const tr = el('tr', {}, el('td', {}, key), el('td', {}, p.apiVersion.split('/')[1]),
      el('td', {}, selectorText(p.selector)), el('td', {}, (p.targetPorts || []).join(', ')),
      el('td', {}, p.endpointPicker ? p.endpointPicker.failureMode : 'FailClose'),
      el('td', { class: row.status === 'Accepted' ? 'good' : 'bad' }, row.status));
    tr.addEventListener('click', () => { selectedPool = key; loadPool(); });
    return tr;
  }));
  if (selectedPool) {
    await loadPool();
  }
}

// Each endpoint's load as this page sampled it (every refresh), for the live charts: the last 5 minutes.
const HISTORY_MS = 5 * 60 * 1000;
const poolHistory = {};

function poolCharts(pool, endpoints, now) {
  const h = poolHistory[pool] || (poolHistory[pool] = {});
  endpoints.forEach(e => {
    const m = e.metrics || {};
    const s = h[e.endpoint] || (h[e.endpoint] = { waiting: [], running: [], kv: [], hits: [], last: null });
    if (m.waitingRequests != null) {
      s.waiting.push([now, m.waitingRequests]);
      s.running.push([now, m.runningRequests || 0]);
      s.kv.push([now, 100 * (m.kvCacheUsage || 0)]);
    }
    // Hit rate over the last interval, from the engine's cumulative prefix-cache counters.
    if (m.prefixCacheQueries != null) {
      if (s.last && m.prefixCacheQueries > s.last.q) {
        s.hits.push([now, 100 * (m.prefixCacheHits - s.last.h) / (m.prefixCacheQueries - s.last.q)]);
      }
      s.last = { q: m.prefixCacheQueries, h: m.prefixCacheHits || 0 };
    }
    ['waiting', 'running', 'kv', 'hits'].forEach(k => {
      while (s[k].length && s[k][0][0] < now - HISTORY_MS) {
        s[k].shift();
      }
    });
  });
  const names = endpoints.map(e => e.endpoint).filter(n => h[n]);
  const series = k => names.map(n => ({ name: n.split('/').pop(), points: h[n][k].map(([t, v]) => [(t - now) / 1000, v]) }));
  const x = { xLabel: 's', xFormat: v => v.toFixed(0) };
  $('#pool-charts').replaceChildren(
    lineChart(series('waiting'), { ...x, title: 'waiting requests' }),
    lineChart(series('running'), { ...x, title: 'running requests' }),
    lineChart(series('kv'), { ...x, title: 'KV-cache usage %', yMax: 100 }),
    lineChart(series('hits'), { ...x, title: 'prefix-cache hit rate % (per interval)', yMax: 100 }));
}

async function loadPool() {
  const [ns, name] = selectedPool.split('/');
  let d;
  try {
    d = await api('/api/pools/' + ns + '/' + name);
  } catch (e) {
    $('#pool-detail').hidden = true;
    selectedPool = null;
    throw e;
  }
  $('#pool-detail').hidden = false;
  $('#pool-title').textContent = 'Pool ' + selectedPool;
  $('#pool-reasons').textContent = (d.pool.reasons || []).join('; ');
  const now = Date.now();
  $('#endpoints tbody').replaceChildren(...d.endpoints.map(e => {
    const m = e.metrics || {};
    const kv = m.kvCacheUsage == null ? null : m.kvCacheUsage;
    const hits = m.prefixCacheQueries ? Math.round(100 * m.prefixCacheHits / m.prefixCacheQueries) + '%' : '';
    return el('tr', {}, el('td', {}, e.endpoint), el('td', {}, e.address + ':' + e.port),
      el('td', {}, m.waitingRequests ?? ''), el('td', {}, m.runningRequests ?? ''),
      el('td', {}, kv == null ? '' : [el('span', { class: 'bar', style: 'width:' + Math.round(60 * kv) + 'px' }),
        (100 * kv).toFixed(1) + '%']),
      el('td', {}, (m.loraRunning || []).join(',') + ' / ' + (m.loraWaiting || []).join(',')),
      el('td', {}, hits),
      el('td', { class: m.scrapeError ? 'bad' : '' }, m.observedAtMs ? (now - m.observedAtMs) + ' ms'
        + (m.scrapeError ? ' (' + m.scrapeError + ')' : '') : 'no metrics'));
  }));
  poolCharts(selectedPool, d.endpoints, now);
  $('#pool-models tbody').replaceChildren(...d.models.map(m => el('tr', {}, el('td', {}, m.modelName),
    el('td', {}, m.criticality || 'Standard'), el('td', {}, targetsText(m.targets)),
    el('td', { class: m.status === 'Accepted' ? 'good' : 'bad' }, m.status))));
  $('#pool-edit').onclick = () => editPool(ns, name, d.pool.pool);
}

async function storedVersion(form, path) {
  // An update names the version it was made from; the API refuses it if the object changed since.
  form.dataset.resourceVersion = '';
  try {
    const stored = await api(path);
    form.dataset.resourceVersion = stored.metadata.resourceVersion || '';
  } catch (e) {
    $('.result', form).className = 'result bad';
    $('.result', form).textContent = 'cannot read the stored object: ' + e.message;
  }
}

function editPool(ns, name, pool) {
  const f = $('#pool-form');
  f.hidden = false;
  f.dataset.resourceVersion = '';
  if (name) {
    storedVersion(f, '/api/resources/pools/' + ns + '/' + name);
  }
  f.namespace.value = ns || 'llm';
  f.name.value = name || '';
  f.namespace.readOnly = f.name.readOnly = !!name;
  f.selector.value = pool ? selectorText(pool.selector) : '';
  f.targetPorts.value = pool ? (pool.targetPorts || []).join(', ') : '8000';
  f.failureMode.value = pool && pool.endpointPicker ? pool.endpointPicker.failureMode : '';
  $('.delete', f).hidden = !name;
  $('.result', f).textContent = '';
}

$('#pool-new').addEventListener('click', () => editPool(null, null, null));
$('#pool-form .cancel').addEventListener('click', () => ($('#pool-form').hidden = true));
$('#pool-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const f = ev.target;
  const selector = {};
  f.selector.value.split(',').map(s => s.trim()).filter(Boolean).forEach(pair => {
    const i = pair.indexOf('=');
    selector[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  });
  const body = { selector, targetPorts: f.targetPorts.value.split(',').map(s => Number(s.trim())).filter(n => n),
    failureMode: f.failureMode.value || null, resourceVersion: f.dataset.resourceVersion || null };
  await save(f, '/api/resources/pools/' + f.namespace.value + '/' + f.name.value, 'PUT', body);
});
$('#pool-form .delete').addEventListener('click', async () => {
  const f = $('#pool-form');
  if (confirm('Delete InferencePool ' + f.namespace.value + '/' + f.name.value + '?')) {
    await save(f, '/api/resources/pools/' + f.namespace.value + '/' + f.name.value, 'DELETE');
    selectedPool = null;
    $('#pool-detail').hidden = true;
  }
});

// ---- models
function targetsText(targets) {
  return (targets || []).map(t => t.name + (t.weight != null ? ':' + t.weight : '')).join(', ');
}

async function loadModels() {
  const { models } = await api('/api/models');
  $('#models tbody').replaceChildren(...models.map(m => {
    const tr = el('tr', {}, el('td', {}, m.resource), el('td', {}, m.modelName), el('td', {}, m.pool),
      el('td', {}, m.criticality || 'Standard'), el('td', {}, targetsText(m.targets)),
      el('td', { class: m.status === 'Accepted' ? 'good' : 'bad' }, m.status + (m.reasons && m.reasons.length
        ? ': ' + m.reasons.join('; ') : '')));
    tr.addEventListener('click', () => editModel(m));
    return tr;
  }));
}

function editModel(m) {
  const f = $('#model-form');
  f.hidden = false;
  const [ns, name] = m ? m.resource.split('/') : ['llm', ''];
  f.dataset.resourceVersion = '';
  if (m) {
    storedVersion(f, '/api/resources/models/' + ns + '/' + name);
  }
  f.namespace.value = ns;
  f.name.value = name;
  f.namespace.readOnly = f.name.readOnly = !!m;
  f.modelName.value = m ? m.modelName : '';
  f.poolRef.value = m ? m.pool.split('/')[1] : '';
  f.criticality.value = m && m.criticality ? m.criticality : '';
  f.targetModels.value = m ? targetsText(m.targets.length === 1 && m.targets[0].name === m.modelName
    && m.targets[0].weight == null ? [] : m.targets) : '';
  $('.delete', f).hidden = !m;
  $('.result', f).textContent = '';
}

$('#model-new').addEventListener('click', () => editModel(null));
$('#model-form .cancel').addEventListener('click', () => ($('#model-form').hidden = true));
$('#model-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const f = ev.target;
  const targetModels = f.targetModels.value.split(',').map(s => s.trim()).filter(Boolean).map(t => {
    const [n, w] = t.split(':');
    return w === undefined ? { name: n.trim() } : { name: n.trim(), weight: Number(w) };
  });
  const body = { modelName: f.modelName.value, poolRef: f.poolRef.value, criticality: f.criticality.value || null,
    targetModels, resourceVersion: f.dataset.resourceVersion || null };
  await save(f, '/api/resources/models/' + f.namespace.value + '/' + f.name.value, 'PUT', body);
});
$('#model-form .delete').addEventListener('click', async () => {
  const f = $('#model-form');
  if (confirm('Delete InferenceModel ' + f.namespace.value + '/' + f.name.value + '?')) {
    await save(f, '/api/resources/models/' + f.namespace.value + '/' + f.name.value, 'DELETE');
  }
});

async function save(form, path, method, body) {
  const result = $('.result', form);
  try {
    const stored = await api(path, { method, body: body ? JSON.stringify(body) : undefined });
    form.dataset.resourceVersion = stored && stored.metadata ? stored.metadata.resourceVersion || '' : '';
    result.className = 'result good';
    result.textContent = method === 'DELETE' ? 'Deleted. The tables drop it once the ingestor and routing-stream see it.'
      : 'Saved to the Kubernetes API. The tables show it once the ingestor and routing-stream have it.';
  } catch (e) {
    result.className = 'result bad';
    result.textContent = e.message;
  }
}

// ---- decisions
function decisionRows(list, detail) {
  return list.map(ld => {
    const d = ld.decision;
    const o = d.outcome || {};
    const tr = el('tr', {}, el('td', {}, new Date(d.receivedAtMs).toLocaleTimeString()), el('td', {}, d.requestId.slice(0, 8)),
      d.requestedModel == null
        ? el('td', { class: 'muted', title: 'no model: the request was refused before its body was read or parsed, or the body named none' }, '\u2014')
        : el('td', {}, d.requestedModel + (d.targetModel && d.targetModel !== d.requestedModel ? ' \u2192 ' + d.targetModel : '')),
      el('td', {}, d.pool || ''), el('td', {}, d.criticality || ''), el('td', {}, d.chosenEndpoint || ''),
      el('td', { class: o.status >= 400 ? 'bad' : '' }, o.status ?? ''),
      el('td', {}, o.ttftMicros != null ? (o.ttftMicros / 1000).toFixed(1) : ''), el('td', {}, o.outputTokens ?? ''),
      el('td', {}, o.totalMicros != null ? (o.totalMicros / 1000).toFixed(1) : ''),
      d.decisionNanos
        ? el('td', {}, (d.decisionNanos / 1000).toFixed(1))
        : el('td', { class: 'muted', title: 'not scheduled: refused before an endpoint was picked' }, '\u2014'));
    tr.addEventListener('click', () => showDecision(detail, ld));
    return tr;
  });
}

/** The profile's scorer weights and filter thresholds, from its recorded canonical configuration. */
function profileWeights(config) {
  const weights = {};
  ((config || '').split(';').find(p => p.startsWith('scorers=')) || 'scorers=').slice(8).split(',')
    .filter(Boolean).forEach(spec => {
      const i = spec.lastIndexOf(':');
      weights[spec.slice(0, i)] = Number(spec.slice(i + 1));
    });
  return weights;
}

/** A decision's page: the record read by request id (from memory or Kafka), explained and charted. */
async function showDecision(target, ld) {
  target.hidden = false;
  target.replaceChildren(el('p', { class: 'muted' }, 'reading request ' + ld.decision.requestId + ' ...'));
  let r;
  try {
    r = await api('/api/decisions/' + encodeURIComponent(ld.decision.requestId));
  } catch (e) {
    // Not found by id (an older record kept only here): show what the list had.
    r = { decision: ld.decision, partition: ld.partition, offset: ld.offset, explanation: null, lookup: e.message };
  }
  renderDecision(target, r);
}

function renderDecision(target, r) {
  const d = r.decision;
  const o = d.outcome || {};
  const s = d.scheduling || {};
  const scorers = [...new Set(d.candidates.flatMap(c => Object.keys(c.scores || {})))];
  const weights = profileWeights(s.profileConfig);
  const queue = c => Math.max(0, (c.waitingRequests || 0) + (c.inFlightSinceMetrics || 0));
  const prefix = c => Object.entries(c.prefixBlocks || {}).map(([k, v]) => v + (k === 'precise-prefix-cache' ? ' (precise)' : '')).join(', ');
  const scored = d.candidates.filter(c => !c.filteredBy && Object.keys(c.scores || {}).length);
  const parts = [];
  parts.push(el('h3', {}, 'Request ', el('code', { id: 'decision-id' }, d.requestId), ' ',
    el('a', { href: '#decision/' + encodeURIComponent(d.requestId), class: 'small' }, 'link')));
  parts.push(el('p', {}, 'model ', el('code', {}, d.requestedModel || '\u2014'), d.targetModel && d.targetModel !== d.requestedModel
    ? [' \u2192 ', el('code', {}, d.targetModel)] : '', ', pool ', el('code', {}, d.pool || '\u2014'),
  ', profile ', el('code', {}, d.profile || '\u2014'), s.configHash ? [' (config ', el('code', { title: s.profileConfig }, s.configHash), ')'] : '',
  ', criticality ' + (d.criticality || '\u2014') + ', priority ' + d.priority + ', fairness id ', el('code', {}, d.fairnessId || '-'),
  ', logged at partition ' + r.partition + ' offset ' + r.offset + (r.foundIn ? ' (read from ' + r.foundIn + ')' : '')));
  if (r.explanation) {
    parts.push(el('pre', { class: 'explanation', id: 'decision-explanation' }, r.explanation));
  } else if (r.lookup) {
    parts.push(el('p', { class: 'bad' }, 'no explanation: ' + r.lookup));
  }
  if (scored.length) {
    parts.push(stackedBars(scored.map(c => ({
      label: c.endpoint.split('/').pop(),
      parts: scorers.map(n => (c.scores[n] || 0) * (weights[n] != null ? weights[n] : 1)),
      note: c.totalScore.toFixed(2) + (c.endpoint === d.candidates[0].endpoint ? ' \u2190 picked' : '')
    })), scorers.map(n => n + (weights[n] != null ? ' \u00d7' + weights[n] : '')),
    { title: 'weighted score per scorer (the picker takes the highest total)' }));
  }
  parts.push(el('table', { id: 'decision-candidates' }, el('thead', {}, el('tr', {}, ['endpoint', 'queue (scraped + since)',
    'running', 'KV', 'in flight', 'metrics age ms', 'prefix blocks', ...scorers, 'total', 'filtered by'].map(h => el('th', {}, h)))),
  el('tbody', {}, d.candidates.map(c => el('tr', { class: c.endpoint === d.chosenEndpoint ? 'good' : '' },
    el('td', {}, (c.endpoint === d.chosenEndpoint ? '\u2713 ' : '') + c.endpoint),
    el('td', {}, c.waitingRequests == null ? '' : queue(c) + ' (' + c.waitingRequests + ' + ' + (c.inFlightSinceMetrics ?? '?') + ')'),
    el('td', {}, c.runningRequests ?? ''), el('td', {}, c.kvCacheUsage != null ? (100 * c.kvCacheUsage).toFixed(1) + '%' : ''),
    el('td', {}, c.inFlight), el('td', {}, c.metricsAgeMs ?? ''), el('td', {}, prefix(c)),
    ...scorers.map(n => el('td', {}, c.scores && c.scores[n] != null ? c.scores[n].toFixed(3) : '')),
    el('td', {}, c.totalScore.toFixed(3)), el('td', {}, c.filteredBy || ''))))));
  if ((d.attempts || []).length) {
    parts.push(el('p', {}, 'attempts: ', d.attempts.map((a, i) => el('span', { class: a.error ? 'bad' : 'good' },
      (i ? ' \u2192 ' : '') + a.endpoint + ' ' + (a.status ?? '') + (a.error ? ' (' + a.error + ')' : '') + ' in '
      + (a.micros / 1000).toFixed(1) + ' ms'))));
  }
  parts.push(el('p', {}, 'outcome ' + o.status + (o.errorType ? ' ' + o.errorType : '') + ', TTFT '
    + (o.ttftMicros != null ? (o.ttftMicros / 1000).toFixed(1) + ' ms' : '\u2014') + ', total '
    + (o.totalMicros / 1000).toFixed(1) + ' ms, tokens ' + (o.promptTokens ?? '?') + ' + ' + (o.outputTokens ?? '?')));
  if (d.pool && s.decidedAtMs) {
    const tableLink = el('button', { class: 'small', id: 'decision-table' }, 'pool table as the gateway saw it');
    const tableBox = el('div', {});
    tableLink.addEventListener('click', () => showTableAt(tableBox, d.pool, s.decidedAtMs).catch(e =>
      tableBox.replaceChildren(el('p', { class: 'bad' }, e.message))));
    parts.push(el('p', {}, tableLink), tableBox);
  }
  target.replaceChildren(...parts);
}

/** The pool's table rebuilt from the log as of a time (routing-stream's ?at=). */
async function showTableAt(box, pool, atMs) {
  const [ns, name] = pool.split('/');
  const at = new Date(atMs).toISOString();
  const t = await api('/api/pools/' + ns + '/' + name + '?at=' + encodeURIComponent(at));
  box.replaceChildren(el('h4', {}, 'Pool ' + pool + ' as of ' + at),
    el('table', {}, el('thead', {}, el('tr', {}, ['endpoint', 'waiting', 'running', 'KV', 'metrics observed'].map(h => el('th', {}, h)))),
      el('tbody', {}, (t.endpoints || []).map(e => {
        const m = e.metrics || {};
        return el('tr', {}, el('td', {}, e.endpoint), el('td', {}, m.waitingRequests ?? ''), el('td', {}, m.runningRequests ?? ''),
          el('td', {}, m.kvCacheUsage != null ? (100 * m.kvCacheUsage).toFixed(1) + '%' : ''),
          el('td', {}, m.observedAtMs ? new Date(m.observedAtMs).toISOString() : ''));
      }))));
}

function filterQuery(form, names) {
  const q = new URLSearchParams();
  names.forEach(n => form[n] && form[n].value && q.set(n, form[n].value));
  return q;
}

async function loadDecisions() {
  const f = $('#decision-filter');
  if (f.paused.checked) {
    return;
  }
  const r = await api('/api/decisions?' + filterQuery(f, ['model', 'pool', 'endpoint', 'status', 'limit']));
  $('#decisions tbody').replaceChildren(...decisionRows(r.decisions, $('#decision-detail')));
  if (!r.following) {
    status('not following the decisions topic yet (is Kafka up?)', true);
  }
}

// ---- replay
function localInput(date) {
  const p = n => String(n).padStart(2, '0');
  return date.getFullYear() + '-' + p(date.getMonth() + 1) + '-' + p(date.getDate()) + 'T' + p(date.getHours()) + ':'
    + p(date.getMinutes()) + ':' + p(date.getSeconds());
}

(() => {
  const f = $('#replay-form');
  const now = new Date();
  f.to.value = localInput(new Date(now.getTime() + 60_000));
  f.from.value = localInput(new Date(now.getTime() - 5 * 60_000));
})();

function windowFields(f) {
  return { from: new Date(f.from.value).toISOString(), to: new Date(f.to.value).toISOString(), model: f.model.value,
    pool: f.pool.value, status: f.status.value };
}

$('#replay-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const w = windowFields(ev.target);
  try {
    const r = await api('/api/decisions/window?' + new URLSearchParams(Object.entries(w).filter(([, v]) => v)));
    $('#replay-result').textContent = r.decisions.length + ' decisions' + (r.truncated ? ' (truncated: narrow the window)' : '')
      + (r.unreadable ? ', ' + r.unreadable + ' unreadable records skipped' : '');
    $('#replay tbody').replaceChildren(...decisionRows(r.decisions, $('#replay-detail')));
  } catch (e) {
    $('#replay-result').textContent = e.message;
  }
});
$('#replay-copy').addEventListener('click', async () => {
  const f = $('#replay-form');
  try {
    const r = await api('/api/replays', { method: 'POST', body: JSON.stringify({ ...windowFields(f), id: f.replayId.value || null }) });
    f.replayId.value = r.id;
    $('#replay-result').textContent = 'Replay ' + r.id + ': ' + r.records + ' decisions copied to topic ' + r.topic
      + ' (keys ' + r.id + '/<request id>)' + (r.truncated ? ', truncated' : '');
  } catch (e) {
    $('#replay-result').textContent = e.message;
  }
});
$('#replay-open').addEventListener('click', async () => {
  const f = $('#replay-form');
  try {
    const r = await api('/api/replays/' + encodeURIComponent(f.replayId.value));
    $('#replay-result').textContent = 'Replay ' + r.id + ': ' + r.decisions.length + ' decisions';
    $('#replay tbody').replaceChildren(...decisionRows(r.decisions, $('#replay-detail')));
  } catch (e) {
    $('#replay-result').textContent = e.message;
  }
});

// ---- what-if: re-decide and replay a window under other profiles
function renderWhatIf(r) {
  const d = r.redecision || {};
  const pct = v => (v == null ? '\u2014' : (100 * v).toFixed(1) + '%');
  const ms = v => (v == null ? '\u2014' : v.toFixed(1));
  const other = Object.entries(d.otherProfilesWouldPickAnother || {}).map(([p, n]) => p + ' ' + n).join(', ');
  $('#whatif-result').className = d.different ? 'bad' : '';
  $('#whatif-result').replaceChildren(el('span', { id: 'whatif-determinism' },
    'determinism: ' + d.same + ' of ' + (d.same + d.different) + ' re-decided with their recorded profile reproduce the'
    + ' recorded choice (' + pct(d.reproduced) + ')' + (d.different ? ', ' + d.different + ' differ' : '')
    + (Object.keys(d.skipped || {}).length ? '; not re-decided: ' + JSON.stringify(d.skipped) : '')
    + (other ? '; would have picked another endpoint: ' + other : '')
    + '. Replayed ' + r.arrivals.requests + ' requests on ' + (r.replays[0] ? r.replays[0].pods.length : 0) + ' simulated pods.'));
  const series = [];
  if (r.recordedTtftQuantiles) {
    series.push({ name: 'recorded', points: r.recordedTtftQuantiles.map(([q, v]) => [v, 100 * q]) });
  }
  r.replays.forEach(x => series.push({ name: x.profile, points: (x.ttftQuantiles || []).map(([q, v]) => [v, 100 * q]) }));
  $('#whatif-charts').replaceChildren(lineChart(series, { title: 'TTFT distribution (% of requests under x ms)',
    width: 560, height: 260, yMax: 100, xLabel: 'ms' }));
  const rows = [];
  if (r.recordedTtftMs) {
    rows.push(el('tr', { class: 'muted' }, el('td', {}, '(recorded)'), el('td', {}, r.recordedTtftMs.count),
      el('td', {}, ms(r.recordedTtftMs.p50)), el('td', {}, ms(r.recordedTtftMs.p90)), el('td', {}, ms(r.recordedTtftMs.p99)),
      el('td', {}, ''), el('td', {}, ''), el('td', {}, ''), el('td', {}, ''), el('td', {}, '')));
  }
  r.replays.forEach(x => rows.push(el('tr', {}, el('td', {}, x.profile), el('td', {}, x.measured),
    el('td', {}, ms(x.ttftMs.p50)), el('td', {}, ms(x.ttftMs.p90)), el('td', {}, ms(x.ttftMs.p99)),
    el('td', {}, ms(x.tpotMs.p90)), el('td', {}, ms(x.e2eMs.p90)), el('td', {}, pct(x.prefixHitRate)),
    el('td', {}, x.pods.map(p => p.requests).join(' / ')), el('td', {}, x.speed == null ? '' : x.speed.toFixed(0) + 'x'))));
  $('#whatif-table tbody').replaceChildren(...rows);
}

$('#whatif-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const f = ev.target;
  const body = { from: new Date(f.from.value).toISOString(), to: new Date(f.to.value).toISOString(),
    pool: f.pool.value || null, model: f.model.value || null, profiles: f.profiles.value };
  $('#whatif-result').className = 'muted';
  $('#whatif-result').textContent = 'replaying ...';
  try {
    renderWhatIf(await api('/api/whatif', { method: 'POST', body: JSON.stringify(body) }));
  } catch (e) {
    $('#whatif-result').className = 'bad';
    $('#whatif-result').textContent = e.message;
  }
});
(() => {
  const now = new Date();
  $('#whatif-form').to.value = localInput(now);
  $('#whatif-form').from.value = localInput(new Date(now.getTime() - 10 * 60 * 1000));
})();

// ---- refresh loop
async function refresh() {
  try {
    if (current === 'pools') {
      await loadPools();
    } else if (current === 'models') {
      await loadModels();
    } else if (current === 'decisions') {
      await loadDecisions();
    }
    if (!$('#status').classList.contains('bad') || current !== 'decisions') {
      status('updated ' + new Date().toLocaleTimeString());
    }
  } catch (e) {
    status(e.message, true);
  }
}

$('#decision-lookup').addEventListener('submit', ev => {
  ev.preventDefault();
  const id = ev.target.requestId.value.trim();
  if (id) {
    location.hash = '#decision/' + encodeURIComponent(id);
  }
});

api('/api/resources').then(r => {
  if (!r.editable) {
    document.querySelectorAll('.editor button[type=submit], .editor .delete, #pool-new, #model-new, #pool-edit')
      .forEach(b => { b.disabled = true; b.title = 'editing is off: no Kubernetes API'; });
  }
}).catch(() => {});
route();
refresh();
setInterval(refresh, 2000);
