// knowhow web UI: plain JS, no build step. Every text from the server is shown with textContent, never parsed as
// HTML, so a chunk holding <script> shows as text. The API key lives in sessionStorage: gone when the tab closes.
'use strict';

const KEY = 'knowhow.key';
const $ = (id) => document.getElementById(id);

function key() { return sessionStorage.getItem(KEY) || ''; }

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (key()) h['Authorization'] = 'Bearer ' + key();
  return h;
}

function showError(message) { $('error').textContent = message || ''; }

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error.message + ' (' + body.error.code + ', HTTP ' + response.status + ')';
  } catch (e) { /* not JSON */ }
  return 'HTTP ' + response.status;
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = headers(opts.headers);
  const response = await fetch(path, opts);
  if (!response.ok) throw new Error(await errorOf(response));
  return response;
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

// ---- key

async function whoami() {
  const status = $('whoami');
  try {
    const me = await (await api('/api/whoami')).json();
    status.textContent = me.anonymous ? 'anonymous (public documents only)'
      : 'key ' + me.name + ' · ' + me.scope + (me.groups.length ? ' · groups ' + me.groups.join(', ') : ' · public documents only');
    showError('');
  } catch (e) {
    status.textContent = key() ? 'this key is not accepted' : 'no key';
  }
}

$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const value = $('api-key').value.trim();
  if (value) sessionStorage.setItem(KEY, value);
  $('api-key').value = '';
  whoami();
  refreshSources();
});
$('key-forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); whoami(); });

// ---- tabs (buttons; arrow keys move between them)

const tabs = ['ask', 'docs', 'reports'];
function select(name) {
  for (const t of tabs) {
    $('tab-' + t).setAttribute('aria-selected', String(t === name));
    $(t).hidden = t !== name;
  }
  if (name === 'docs') refreshSources();
  if (name === 'reports') loadReports();
}
tabs.forEach((t, i) => {
  const b = $('tab-' + t);
  b.addEventListener('click', () => select(t));
  b.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
    const next = tabs[(i + (ev.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    select(next);
    $('tab-' + next).focus();
  });
});

// ---- ask, streamed

function parseEvents(buffer, onEvent) {
  let cut;
  while ((cut = buffer.indexOf('\n\n')) >= 0) {
    const block = buffer.slice(0, cut);
    buffer = buffer.slice(cut + 2);
    let event = 'message', data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    onEvent(event, data ? JSON.parse(data) : null);
  }
  return buffer;
}

$('ask-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const answer = $('answer');
  clear(answer);
  clear($('citations'));
  $('answer-meta').textContent = '';
  $('chunk-view').hidden = true;
  showError('');
  const body = { question: $('question').value };
  if ($('strategy').value) body.strategy = $('strategy').value;
  if ($('k').value) body.k = Number($('k').value);
  answer.setAttribute('aria-busy', 'true');
  $('ask-button').disabled = true;
  try {
    const response = await api('/api/ask', {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream' },
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (event, data) => {
        if (event === 'token') answer.textContent += data.text;
        else if (event === 'answer') showAnswer(data);
        else if (event === 'error') showError(data.error.message);
      });
    }
  } catch (e) {
    showError(e.message);
  } finally {
    answer.setAttribute('aria-busy', 'false');
    $('ask-button').disabled = false;
  }
});

function showAnswer(a) {
  $('answer').textContent = a.answer;
  const bits = [a.strategy, a.abstained ? 'abstained' : (a.grounded === false ? 'not fully supported by its sources' : 'grounded')];
  if (a.timings_ms && a.timings_ms.total !== undefined) bits.push(Math.round(a.timings_ms.total) + ' ms');
  $('answer-meta').textContent = bits.join(' · ');
  const list = $('citations');
  clear(list);
  for (const c of a.citations) {
    const li = el('li');
    const heading = c.heading_path && c.heading_path.length ? ' › ' + c.heading_path.join(' › ') : '';
    const button = el('button', '[' + c.n + '] ' + c.source + heading, { type: 'button', 'data-n': c.n });
    button.addEventListener('click', () => showCitation(c));
    li.appendChild(button);
    list.appendChild(li);
  }
}

async function showCitation(c) {
  $('chunk-view').hidden = false;
  $('chunk-title').textContent = '[' + c.n + '] ' + c.source;
  $('chunk-text').textContent = c.text;
  const list = $('source-chunks');
  clear(list);
  try {
    const data = await (await api('/api/sources/chunks?source=' + encodeURIComponent(c.source))).json();
    for (const ch of data.chunks) list.appendChild(el('li', ch.text));
  } catch (e) {
    list.appendChild(el('li', e.message));
  }
}

// ---- documents: upload with progress, list, delete

$('upload-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const files = $('files').files;
  if (!files.length) return;
  const form = new FormData();
  for (const f of files) form.append('file', f, f.name);
  if ($('group').value.trim()) form.append('group', $('group').value.trim());
  if ($('tag').value.trim()) form.append('tag', $('tag').value.trim());
  const bar = $('upload-progress'), status = $('upload-status');
  bar.hidden = false;
  bar.value = 0;
  status.textContent = 'Uploading ' + files.length + ' file(s)…';
  showError('');
  // XMLHttpRequest, not fetch: it reports upload progress.
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/ingest');
  if (key()) xhr.setRequestHeader('Authorization', 'Bearer ' + key());
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(50 * e.loaded / e.total); };
  xhr.onload = () => {
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
    if (xhr.status >= 300 || !body) {
      status.textContent = 'Upload failed.';
      showError(body && body.error ? body.error.message + ' (HTTP ' + xhr.status + ')' : 'HTTP ' + xhr.status);
      return;
    }
    followJob(body.job.id);
  };
  xhr.onerror = () => showError('the upload did not reach the server');
  xhr.send(form);
});

async function followJob(id) {
  const bar = $('upload-progress'), status = $('upload-status');
  for (;;) {
    let job;
    try {
      job = (await (await api('/api/jobs/' + encodeURIComponent(id))).json()).job;
    } catch (e) {
      showError(e.message);
      return;
    }
    const p = job.progress;
    if (p.total > 0) bar.value = 50 + Math.round(50 * p.done / p.total);
    status.textContent = 'Job ' + job.id + ': ' + job.state + (p.total ? ' (' + p.done + ' of ' + p.total + ')' : '');
    if (job.state === 'done') {
      const r = job.result;
      bar.value = 100;
      status.textContent = 'Ingested: ' + r.added + ' added, ' + r.updated + ' updated, ' + r.failed + ' failed, ' + r.chunks_written + ' chunks written.';
      for (const f of r.files) if (f.error) showError(f.error);
      refreshSources();
      return;
    }
    if (job.state === 'failed' || job.state === 'cancelled') {
      status.textContent = 'Job ' + job.id + ' ' + job.state + '.';
      if (job.error) showError(job.error.message);
      return;
    }
    await new Promise((r) => setTimeout(r, 400));
  }
}

async function refreshSources() {
  const tbody = $('sources');
  let data;
  try {
    data = await (await api('/api/sources')).json();
  } catch (e) {
    clear(tbody);
    showError(e.message);
    return;
  }
  clear(tbody);
  for (const s of data.sources) {
    const tr = el('tr');
    tr.appendChild(el('td', s.source));
    tr.appendChild(el('td', s.chunks));
    tr.appendChild(el('td', s.access_groups.length ? s.access_groups.join(', ') : 'public'));
    tr.appendChild(el('td', s.ingested_at ? s.ingested_at.slice(0, 19).replace('T', ' ') : ''));
    const td = el('td');
    const del = el('button', 'Delete', { type: 'button', 'aria-label': 'Delete ' + s.source });
    del.addEventListener('click', () => deleteSource(s.source));
    td.appendChild(del);
    tr.appendChild(td);
    tbody.appendChild(tr);
  }
}
$('refresh-sources').addEventListener('click', refreshSources);

async function deleteSource(source) {
  if (!window.confirm('Delete ' + source + ' and all its chunks?')) return;
  try {
    await api('/api/sources?source=' + encodeURIComponent(source), { method: 'DELETE' });
    $('upload-status').textContent = 'Deleted ' + source;
    showError('');
  } catch (e) {
    showError(e.message);
  }
  refreshSources();
}

// ---- evaluation reports (admin keys)

async function loadReports() {
  const list = $('report-list'), status = $('reports-status');
  clear(list);
  let data;
  try {
    data = await (await api('/api/reports')).json();
  } catch (e) {
    status.textContent = 'No reports to show: ' + e.message;
    return;
  }
  status.textContent = data.reports.length ? '' : 'No evaluation report yet (they appear under KB/reports/).';
  for (const r of data.reports) for (const f of r.files) {
    const li = el('li');
    const b = el('button', f, { type: 'button' });
    b.addEventListener('click', () => openReport(f));
    li.appendChild(b);
    list.appendChild(li);
  }
}

async function openReport(file) {
  const text = $('report-text'), frame = $('report-frame');
  try {
    const response = await api('/api/reports/' + file.split('/').map(encodeURIComponent).join('/'));
    if (file.toLowerCase().endsWith('.html')) {
      // A sandboxed frame (no scripts, opaque origin) from a blob: the report's HTML never runs as this page.
      frame.src = URL.createObjectURL(new Blob([await response.text()], { type: 'text/html' }));
      frame.hidden = false;
      text.hidden = true;
    } else {
      text.textContent = await response.text();
      text.hidden = false;
      frame.hidden = true;
    }
  } catch (e) {
    showError(e.message);
  }
}

whoami();
