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
openTab(location.hash.slice(1) || 'pools');

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

function showDecision(target, ld) {
  const d = ld.decision;
  const scorers = [...new Set(d.candidates.flatMap(c => Object.keys(c.scores || {})))];
  target.hidden = false;
  target.replaceChildren(
    el('h3', {}, 'Request ' + d.requestId),
    el('p', {}, 'profile ', el('code', {}, d.profile || ''), ', objective ', el('code', {}, d.objective || '-'),
      ', priority ' + d.priority + ', fairness id ', el('code', {}, d.fairnessId || '-'),
      ', attempts ' + ((d.outcome || {}).attempts ?? '') + ((d.outcome || {}).errorType ? ', error ' + d.outcome.errorType : ''),
      ', logged at partition ' + ld.partition + ' offset ' + ld.offset),
    el('table', {}, el('thead', {}, el('tr', {}, ['endpoint', 'waiting', 'running', 'KV', 'in flight', 'metrics age ms',
      ...scorers, 'total', 'filtered by'].map(h => el('th', {}, h)))),
    el('tbody', {}, d.candidates.map(c => el('tr', { class: c.endpoint === d.chosenEndpoint ? 'good' : '' },
      el('td', {}, (c.endpoint === d.chosenEndpoint ? '\u2713 ' : '') + c.endpoint), el('td', {}, c.waitingRequests ?? ''),
      el('td', {}, c.runningRequests ?? ''), el('td', {}, c.kvCacheUsage != null ? (100 * c.kvCacheUsage).toFixed(1) + '%' : ''),
      el('td', {}, c.inFlight), el('td', {}, c.metricsAgeMs ?? ''),
      ...scorers.map(s => el('td', {}, c.scores && c.scores[s] != null ? c.scores[s].toFixed(3) : '')),
      el('td', {}, c.totalScore.toFixed(3)), el('td', {}, c.filteredBy || ''))))));
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

api('/api/resources').then(r => {
  if (!r.editable) {
    document.querySelectorAll('.editor button[type=submit], .editor .delete, #pool-new, #model-new, #pool-edit')
      .forEach(b => { b.disabled = true; b.title = 'editing is off: no Kubernetes API'; });
  }
}).catch(() => {});
refresh();
setInterval(refresh, 2000);
