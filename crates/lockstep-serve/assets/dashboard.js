// lockstep serve: the live dashboard.
//
// Everything that comes from the data (handles, account ids, alert titles, behaviour
// names, times) is hostile until shown otherwise: it is written with textContent and DOM
// APIs only, never parsed as HTML, and never used to build a URL. The only URLs this page
// requests are fixed paths on its own origin. The server's Content-Security-Policy forbids
// inline script and style, so this file sets no style attributes either: state is shown
// with classes, data-* attributes and the hidden attribute.
'use strict';

(function () {
  const STATS_EVERY_MS = 5000;
  const ALERT_CAP = 500;
  const CAMPAIGN_ROWS_MAX = 1000;
  const FIRST_ACCOUNTS = 6;
  const REPORT_LOAD_TIMEOUT_MS = 120000;

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------
  // Safe rendering helpers

  /** An element with an optional class and text (set as text, never as markup). */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // Characters that hide or reorder text (bidi overrides and isolates, zero-width and
  // other invisible characters, C0/C1 controls). They are shown as visible marks.
  const HIDDEN_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb]/;

  /** Cut a string to at most max characters (code points), saying how long it was. */
  function clip(s, max) {
    const cps = Array.from(s);
    if (cps.length <= max) return s;
    return cps.slice(0, max).join('') + '\u2026 [cut: ' + cps.length + ' characters]';
  }

  /**
   * A data string as an isolated run of text (a <bdi>, so a right-to-left override in a
   * handle cannot reorder what is around it) with its invisible and direction-changing
   * characters shown as marks such as U+202E.
   */
  function dataText(value, max) {
    const b = document.createElement('bdi');
    b.className = 'd';
    if (value === null || value === undefined) { b.textContent = '\u2013'; return b; }
    const s = clip(typeof value === 'string' ? value : String(value), max || 300);
    let run = '';
    for (const ch of s) {
      if (HIDDEN_CHARS.test(ch)) {
        if (run) { b.appendChild(document.createTextNode(run)); run = ''; }
        const cp = ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
        b.appendChild(el('span', 'cc', 'U+' + cp));
      } else {
        run += ch;
      }
    }
    if (run) b.appendChild(document.createTextNode(run));
    return b;
  }

  function isNum(n) { return typeof n === 'number' && Number.isFinite(n); }
  function isId(n) { return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0; }

  function fmtInt(n) { return isNum(n) ? Math.round(n).toLocaleString('en-US') : '\u2013'; }

  function fmtScore(n) {
    if (!isNum(n)) return '\u2013';
    const a = Math.abs(n);
    return a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : n.toFixed(2);
  }

  function fmtSeconds(s) {
    if (!isNum(s)) return '\u2013';
    if (s < 1) return Math.round(s * 1000) + ' ms';
    if (s < 60) return s.toFixed(1) + ' s';
    return fmtDuration(s);
  }

  function fmtDuration(s) {
    if (!isNum(s) || s < 0) return '\u2013';
    s = Math.floor(s);
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d) return d + ' d ' + h + ' h';
    if (h) return h + ' h ' + m + ' min';
    if (m) return m + ' min ' + (s % 60) + ' s';
    return s + ' s';
  }

  /** An RFC 3339 time as "YYYY-MM-DD HH:MM:SSZ" (UTC), or the raw string if unparsable. */
  function fmtTime(s) {
    if (typeof s !== 'string' || !s) return '\u2013';
    const t = Date.parse(s);
    if (!Number.isFinite(t)) return clip(s, 40);
    return new Date(t).toISOString().slice(0, 19).replace('T', ' ') + 'Z';
  }

  function fmtAgo(s) {
    const t = typeof s === 'string' ? Date.parse(s) : NaN;
    if (!Number.isFinite(t)) return '';
    const d = (Date.now() - t) / 1000;
    if (d < 2) return 'just now';
    return fmtDuration(d) + ' ago';
  }

  function clock() { return new Date().toTimeString().slice(0, 8); }

  function setText(id, text) { const e = $(id); if (e) e.textContent = text; }

  // ---------------------------------------------------------------------------------
  // Fetching (same origin only; the server's cookie authenticates)

  class HttpError extends Error {
    constructor(status) { super('HTTP ' + status); this.status = status; }
  }

  async function getJSON(path) {
    const r = await fetch(path, {
      credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
    });
    if (!r.ok) throw new HttpError(r.status);
    return r.json();
  }

  function authProblem(err) {
    const is401 = err instanceof HttpError && err.status === 401;
    $('banner').hidden = !is401;
    return is401;
  }

  // ---------------------------------------------------------------------------------
  // Stats header, polled

  let generation = null;      // refresh generation of the latest stats
  let campaignsGen = undefined; // generation the campaign table shows
  let reportGen = undefined;    // generation the report frame shows (or is loading)
  let refreshFinished = null;

  function renderStats(s) {
    const posts = $('stat-posts');
    posts.textContent = fmtInt(s.posts);
    posts.setAttribute('data-value', isNum(s.posts) ? String(s.posts) : '');
    const sub = [];
    if (isNum(s.duplicates) && s.duplicates) sub.push(fmtInt(s.duplicates) + ' duplicates');
    if (isNum(s.rejected) && s.rejected) sub.push(fmtInt(s.rejected) + ' rejected');
    if (isNum(s.late) && s.late) sub.push(fmtInt(s.late) + ' late');
    if (isNum(s.refused) && s.refused) sub.push(fmtInt(s.refused) + ' refused');
    if (isNum(s.files) && s.files) sub.push(fmtInt(s.files) + ' files');
    setText('stat-posts-sub', sub.join(' \u00b7 '));
    setText('stat-window-posts', fmtInt(s.window_posts));
    setText('stat-horizon', isNum(s.horizon_hours) ? 'horizon ' + (Number.isInteger(s.horizon_hours) ? s.horizon_hours + ' h' : fmtDuration(s.horizon_hours * 3600)) : '');
    setText('stat-window-accounts', fmtInt(s.window_accounts));
    setText('stat-watermark', s.watermark ? fmtTime(s.watermark) : 'no posts yet');
    setText('stat-campaigns', fmtInt(s.campaigns));
    setText('stat-alerts', fmtInt(s.alerts));
    setText('stat-pending', fmtInt(s.pending));

    const r = s.refresh && typeof s.refresh === 'object' ? s.refresh : null;
    if (r) {
      refreshFinished = typeof r.finished === 'string' ? r.finished : null;
      setText('stat-refresh', fmtTime(r.finished));
      setText('stat-refresh-sub', 'generation ' + fmtInt(r.generation) + ' \u00b7 took ' + fmtSeconds(r.seconds) +
        ' \u00b7 ' + fmtInt(r.posts) + ' posts \u00b7 ' + fmtAgo(r.finished));
    } else {
      refreshFinished = null;
      setText('stat-refresh', 'none yet');
      setText('stat-refresh-sub', '');
    }

    const j = s.jetstream && typeof s.jetstream === 'object' ? s.jetstream : null;
    $('card-jetstream').hidden = !j;
    if (j) {
      const on = j.connected === true;
      const v = $('stat-jetstream');
      v.textContent = on ? 'connected' : 'disconnected';
      v.setAttribute('data-state', on ? 'ok' : 'bad');
      const parts = [fmtInt(j.events) + ' events'];
      if (isNum(j.reconnects) && j.reconnects) parts.push(fmtInt(j.reconnects) + ' reconnects');
      if (isNum(j.cursor_us)) {
        const t = new Date(j.cursor_us / 1000);
        if (Number.isFinite(t.getTime())) parts.push('cursor ' + t.toISOString().slice(0, 19).replace('T', ' ') + 'Z');
      }
      setText('stat-jetstream-sub', parts.join(' \u00b7 '));
    }

    const hooks = Array.isArray(s.webhooks) ? s.webhooks.filter((h) => h && typeof h === 'object') : [];
    $('card-webhooks').hidden = hooks.length === 0;
    if (hooks.length) {
      const sum = (k) => hooks.reduce((a, h) => a + (isNum(h[k]) ? h[k] : 0), 0);
      const failing = hooks.filter((h) => typeof h.last_error === 'string' && h.last_error).length;
      const v = $('stat-webhooks');
      v.textContent = fmtInt(sum('delivered')) + ' delivered';
      v.setAttribute('data-state', failing ? 'bad' : 'ok');
      setText('stat-webhooks-sub', fmtInt(hooks.length) + (hooks.length === 1 ? ' hook' : ' hooks') + ' \u00b7 ' +
        fmtInt(sum('failures')) + ' failed attempts' + (failing ? ' \u00b7 ' + failing + ' failing now' : ''));
    }

    // What needs the analyst's attention, as text.
    const problems = [];
    if (typeof s.error === 'string' && s.error) problems.push(['Detection', s.error]);
    if (j && j.connected !== true && typeof j.last_error === 'string' && j.last_error) problems.push(['Jetstream', j.last_error]);
    for (const h of hooks) {
      if (typeof h.last_error === 'string' && h.last_error) problems.push(['Webhook ' + clip(String(h.url), 80), h.last_error]);
    }
    const ul = $('problems');
    ul.replaceChildren(...problems.map(([what, msg]) => {
      const li = el('li');
      li.appendChild(el('strong', null, what + ': '));
      li.appendChild(dataText(msg, 500));
      return li;
    }));
    ul.hidden = problems.length === 0;
  }

  function setStatsState(state, text) {
    const e = $('stats-state');
    e.setAttribute('data-state', state);
    e.textContent = text;
  }

  async function pollStats() {
    try {
      const s = await getJSON('/api/v1/stats');
      authProblem(null);
      if (!s || typeof s !== 'object') throw new Error('unexpected answer');
      renderStats(s);
      setStatsState('ok', 'stats updated ' + clock() + (isNum(s.uptime_s) ? ' \u00b7 server up ' + fmtDuration(s.uptime_s) : ''));
      const g = s.refresh && isId(s.refresh.generation) ? s.refresh.generation : null;
      generation = g;
      if (g !== null && campaignsGen !== g) loadCampaigns(g);
      if (g !== null && reportGen !== g) reportChanged(g);
    } catch (err) {
      authProblem(err);
      setStatsState('bad', 'stats: ' + (err && err.message ? err.message : 'failed') + ' at ' + clock() + ', retrying');
    } finally {
      setTimeout(pollStats, STATS_EVERY_MS);
    }
  }

  // ---------------------------------------------------------------------------------
  // Alert feed, live over server-sent events

  const KINDS = {
    new_campaign: 'new campaign',
    campaign_growth: 'campaign growth',
    campaign_set_aside: 'set aside',
    narrative_burst: 'narrative burst',
    watch_term_spike: 'watch-term spike',
    echo: 'echo',
  };

  const shown = new Map(); // seq -> <li>
  let lastSeq = null;      // highest seq received
  let source = null;
  let retryMs = 2000;
  let unread = 0;

  function setConn(state, text) {
    const c = $('conn');
    c.setAttribute('data-state', state);
    setText('conn-text', text);
  }

  function alertItem(a, via) {
    const li = el('li', 'alert');
    const kind = typeof a.kind === 'string' && Object.prototype.hasOwnProperty.call(KINDS, a.kind) ? a.kind : 'other';
    li.setAttribute('data-kind', kind);
    li.setAttribute('data-via', via);
    if (isId(a.seq)) li.setAttribute('data-seq', String(a.seq));

    const head = el('div', 'alert-head');
    const badge = el('span', 'badge kind-' + kind);
    if (kind === 'other') badge.appendChild(dataText(a.kind, 40));
    else badge.textContent = KINDS[kind];
    head.appendChild(badge);
    const title = el('span', 'alert-title');
    title.appendChild(dataText(a.title, 400));
    head.appendChild(title);
    li.appendChild(head);

    const meta = el('div', 'alert-meta');
    const ev = el('span', 'when', 'event ' + fmtTime(a.event_time));
    ev.title = 'event time (the stream\u2019s watermark when it fired)';
    const wall = el('span', 'when', 'seen ' + fmtTime(a.created));
    wall.title = 'wall-clock time on the server';
    meta.appendChild(ev);
    meta.appendChild(wall);
    if (isId(a.seq)) meta.appendChild(el('span', 'seq', '#' + a.seq));
    if (isId(a.campaign_id)) {
      const b = el('button', 'link', 'campaign ' + a.campaign_id);
      b.type = 'button';
      const cid = a.campaign_id;
      b.addEventListener('click', () => selectCampaign(cid, true));
      meta.appendChild(b);
    }
    li.appendChild(meta);

    if (a.detail && typeof a.detail === 'object' && Object.keys(a.detail).length) {
      const d = el('details', 'alert-detail');
      d.appendChild(el('summary', null, 'detail'));
      let json = '';
      try { json = JSON.stringify(a.detail, null, 1); } catch (e) { json = String(e); }
      const pre = el('pre');
      pre.appendChild(dataText(json, 4000));
      d.appendChild(pre);
      li.appendChild(d);
    }
    return li;
  }

  function updateAlertCount() {
    const n = shown.size + (Number($('alerts').getAttribute('data-unnumbered')) || 0);
    setText('alerts-count', n ? 'showing ' + fmtInt(n) + (n >= ALERT_CAP ? ' (the latest ' + ALERT_CAP + ')' : '') : 'none yet');
    $('alerts-empty').hidden = n > 0;
  }

  /** Add one alert in seq order (newest first), once, keeping at most ALERT_CAP. */
  function addAlert(a, via) {
    if (!a || typeof a !== 'object') return;
    const list = $('alerts');
    const seq = isId(a.seq) ? a.seq : null;
    if (seq !== null) {
      if (shown.has(seq)) return;
      if (lastSeq === null || seq > lastSeq) lastSeq = seq;
      if (shown.size >= ALERT_CAP) {
        const oldest = Math.min(...shown.keys());
        if (seq < oldest) return;
      }
    }
    const li = alertItem(a, via);
    if (seq === null) {
      list.insertBefore(li, list.firstChild);
      list.setAttribute('data-unnumbered', String((Number(list.getAttribute('data-unnumbered')) || 0) + 1));
    } else {
      // Alerts arrive in order, so the place is almost always the top.
      let at = list.firstElementChild;
      while (at) {
        const s = Number(at.getAttribute('data-seq'));
        if (at.hasAttribute('data-seq') && s < seq) break;
        at = at.nextElementSibling;
      }
      list.insertBefore(li, at);
      shown.set(seq, li);
    }
    if (via === 'stream') li.classList.add('fresh');
    while (list.children.length > ALERT_CAP) {
      const last = list.lastElementChild;
      if (last.hasAttribute('data-seq')) shown.delete(Number(last.getAttribute('data-seq')));
      else list.setAttribute('data-unnumbered', String(Math.max(0, (Number(list.getAttribute('data-unnumbered')) || 0) - 1)));
      last.remove();
    }
    if (document.hidden) {
      unread++;
      document.title = '(' + unread + ') lockstep live';
    }
    updateAlertCount();
  }

  function onAlertEvent(ev) {
    let a;
    try { a = JSON.parse(ev.data); } catch (e) { return; }
    addAlert(a, 'stream');
  }

  /** Alerts missed while the stream was closed for good (EventSource gave up). */
  async function fillGap() {
    if (lastSeq === null) return;
    const q = new URLSearchParams({ after: String(lastSeq), limit: String(ALERT_CAP) });
    const list = await getJSON('/api/v1/alerts?' + q.toString());
    if (Array.isArray(list)) for (const a of list) addAlert(a, 'fetch');
  }

  function connect() {
    if (source) source.close();
    setConn('connecting', 'alerts: connecting\u2026');
    // EventSource reconnects by itself after a dropped connection and sends
    // Last-Event-ID, so the server replays what was missed.
    const es = new EventSource('/api/v1/alerts/stream');
    source = es;
    es.addEventListener('open', () => {
      retryMs = 2000;
      authProblem(null);
      setConn('live', 'alerts: live');
    });
    es.addEventListener('alert', onAlertEvent);
    es.addEventListener('message', onAlertEvent);
    es.addEventListener('error', () => {
      if (source !== es) return;
      if (es.readyState === EventSource.CLOSED) {
        // The server refused the stream (for example 401, or it is not up): EventSource
        // stops for good, so try again with a back-off, filling the gap first.
        es.close();
        source = null;
        setConn('closed', 'alerts: disconnected, retrying in ' + Math.round(retryMs / 1000) + ' s');
        const wait = retryMs;
        retryMs = Math.min(retryMs * 2, 60000);
        setTimeout(async () => {
          try { await fillGap(); } catch (err) { authProblem(err); }
          connect();
        }, wait);
      } else {
        setConn('reconnecting', 'alerts: reconnecting\u2026');
      }
    });
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && unread) {
      unread = 0;
      document.title = 'lockstep live';
    }
  });

  // ---------------------------------------------------------------------------------
  // Campaign table

  let campaigns = [];
  let sortKey = 'score', sortDir = -1;
  let selected = null;

  function behavioursCell(b) {
    const td = el('td', 'behaviours');
    if (!b || typeof b !== 'object') return td;
    const entries = Object.entries(b).filter(([, v]) => isNum(v)).sort((x, y) => y[1] - x[1]);
    for (const [k, v] of entries.slice(0, 8)) {
      const p = el('span', 'pill');
      p.appendChild(dataText(k, 40));
      p.appendChild(document.createTextNode(' ' + fmtInt(v)));
      td.appendChild(p);
    }
    if (entries.length > 8) td.appendChild(el('span', 'muted', '+' + (entries.length - 8)));
    return td;
  }

  function accountsCell(c) {
    const td = el('td', 'accounts');
    const accounts = Array.isArray(c.accounts) ? c.accounts : [];
    const handles = Array.isArray(c.handles) ? c.handles : [];
    const n = Math.max(accounts.length, handles.length);
    for (let i = 0; i < Math.min(n, FIRST_ACCOUNTS); i++) {
      const span = el('span', 'account chip');
      const h = handles[i];
      const id = accounts[i];
      if (typeof h === 'string' && h) {
        span.appendChild(dataText(h, 60));
        if (id !== undefined && id !== null) span.title = 'account ' + clip(String(id), 80);
      } else {
        span.appendChild(dataText(id, 60));
      }
      td.appendChild(span);
    }
    const size = isNum(c.size) ? c.size : n;
    if (size > FIRST_ACCOUNTS) td.appendChild(el('span', 'muted', '+' + fmtInt(size - Math.min(n, FIRST_ACCOUNTS)) + ' more'));
    return td;
  }

  /** When the campaign was seen (event time), with the time of its first or last post under it. */
  function timeCell(seen, label, post) {
    const td = el('td', 'time');
    td.appendChild(el('div', 'nowrap', fmtTime(seen)));
    if (typeof post === 'string' && post) td.appendChild(el('div', 'sub nowrap', label + ' ' + fmtTime(post)));
    td.title = 'event time';
    return td;
  }

  function matches(c, q) {
    if (!q) return true;
    if (String(c.id) === q) return true;
    const has = (arr) => Array.isArray(arr) && arr.some((x) => typeof x === 'string' && x.toLowerCase().includes(q));
    return has(c.handles) || has(c.accounts);
  }

  function sortValue(c, key) {
    const v = c[key];
    if (key === 'first_seen' || key === 'last_seen') {
      const t = typeof v === 'string' ? Date.parse(v) : NaN;
      return Number.isFinite(t) ? t : -Infinity;
    }
    return isNum(v) ? v : -Infinity;
  }

  function renderCampaigns() {
    const q = $('campaign-filter').value.trim().toLowerCase();
    const rows = campaigns.filter((c) => matches(c, q));
    rows.sort((a, b) => (sortValue(a, sortKey) - sortValue(b, sortKey)) * sortDir || (sortValue(a, 'id') - sortValue(b, 'id')));
    const body = document.createDocumentFragment();
    for (const c of rows.slice(0, CAMPAIGN_ROWS_MAX)) {
      const tr = el('tr', 'campaign-row');
      const id = isId(c.id) ? c.id : null;
      if (id !== null) tr.setAttribute('data-campaign', String(id));
      if (id !== null && id === selected) tr.classList.add('selected');
      if (c.alerted === true) tr.classList.add('alerted');
      tr.appendChild(el('td', 'num', id === null ? '\u2013' : String(id)));
      tr.appendChild(el('td', 'num', fmtInt(c.size)));
      tr.appendChild(el('td', 'num', fmtScore(c.score)));
      tr.appendChild(behavioursCell(c.behaviours));
      tr.appendChild(timeCell(c.first_seen, 'first post', c.first_post));
      tr.appendChild(timeCell(c.last_seen, 'last post', c.last_post));
      tr.appendChild(accountsCell(c));
      if (id !== null) tr.addEventListener('click', () => selectCampaign(id, false));
      body.appendChild(tr);
    }
    if (rows.length === 0) {
      const tr = el('tr', 'empty');
      const td = el('td', 'muted', campaigns.length ? 'No campaign matches the filter.' : 'No campaign in the window.');
      td.colSpan = 7;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    const tbody = $('campaign-rows');
    tbody.replaceChildren(body);
    const more = $('campaigns-more');
    more.hidden = rows.length <= CAMPAIGN_ROWS_MAX;
    more.textContent = more.hidden ? '' : 'Showing ' + fmtInt(CAMPAIGN_ROWS_MAX) + ' of ' + fmtInt(rows.length) + ': filter to narrow.';
    for (const b of document.querySelectorAll('button.sort')) {
      const on = b.getAttribute('data-key') === sortKey;
      b.setAttribute('data-sort', on ? (sortDir < 0 ? 'desc' : 'asc') : '');
    }
  }

  function selectCampaign(id, scroll) {
    selected = selected === id && !scroll ? null : id;
    for (const tr of document.querySelectorAll('tr.campaign-row.selected')) tr.classList.remove('selected');
    if (selected === null) return;
    for (const tr of document.querySelectorAll('tr.campaign-row')) {
      if (tr.getAttribute('data-campaign') === String(selected)) {
        tr.classList.add('selected');
        if (scroll) tr.scrollIntoView({ block: 'center' });
      }
    }
  }

  let campaignsLoading = false;
  async function loadCampaigns(g) {
    if (campaignsLoading) return;
    campaignsLoading = true;
    try {
      const list = await getJSON('/api/v1/campaigns');
      campaigns = Array.isArray(list) ? list.filter((c) => c && typeof c === 'object') : [];
      campaignsGen = g;
      renderCampaigns();
      setText('campaigns-state', fmtInt(campaigns.length) + ' as of refresh ' + fmtInt(g) + ' (' + clock() + ')');
    } catch (err) {
      authProblem(err);
      setText('campaigns-state', 'could not load campaigns (' + (err && err.message ? err.message : 'failed') + '), retrying');
    } finally {
      campaignsLoading = false;
    }
  }

  // ---------------------------------------------------------------------------------
  // The live report, in a sandboxed frame (scripts only: no access to this page)

  let reportLoading = false;
  let reportLoadStarted = 0;
  let reportPending = null;
  let reportReloads = 0;
  let reportShownGen = null;

  function reportChanged(g) {
    if (reportShownGen !== null && !$('report-follow').checked) {
      reportGen = g;
      $('report-reload').hidden = false;
      return;
    }
    loadReport(g);
  }

  async function loadReport(g) {
    if (reportLoading && Date.now() - reportLoadStarted < REPORT_LOAD_TIMEOUT_MS) {
      reportPending = g; // reload once the current load finishes
      reportGen = g;
      return;
    }
    reportLoading = true;
    reportLoadStarted = Date.now();
    reportGen = g;
    let status = 0;
    try {
      const r = await fetch('/report', { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' });
      status = r.status;
    } catch (err) {
      status = 0;
    }
    if (status === 404 || status === 0 || (status >= 400 && status !== 405)) {
      reportLoading = false;
      reportGen = undefined; // try again at the next poll
      if (status === 401) $('banner').hidden = false;
      setText('report-state', status === 404 ? 'no report yet' : 'report unavailable (' + (status ? 'HTTP ' + status : 'network error') + '), retrying');
      if (reportShownGen === null) $('report-placeholder').hidden = false;
      return;
    }
    const frame = $('report-frame');
    reportReloads++;
    setText('report-state', 'loading the report of refresh ' + fmtInt(g) + '\u2026');
    frame.setAttribute('data-generation', String(g));
    // A counter of our own (never data) makes every reload a fresh request.
    frame.src = '/report?v=' + reportReloads;
    frame.hidden = false;
    $('report-placeholder').hidden = true;
    $('report-reload').hidden = true;
  }

  function onReportLoad() {
    if (!reportLoading) return;
    reportLoading = false;
    const frame = $('report-frame');
    reportShownGen = Number(frame.getAttribute('data-generation'));
    frame.setAttribute('data-loaded', String(reportReloads));
    setText('report-state', 'refresh ' + fmtInt(reportShownGen) + ', loaded ' + clock());
    if (reportPending !== null && reportPending !== reportShownGen) {
      const g = reportPending;
      reportPending = null;
      reportChanged(g);
    } else {
      reportPending = null;
    }
  }

  // ---------------------------------------------------------------------------------

  function start() {
    $('report-frame').addEventListener('load', onReportLoad);
    $('report-reload').addEventListener('click', () => { if (generation !== null) loadReport(generation); });
    $('report-follow').addEventListener('change', () => {
      if ($('report-follow').checked && generation !== null && generation !== reportShownGen) loadReport(generation);
    });
    $('campaign-filter').addEventListener('input', renderCampaigns);
    for (const b of document.querySelectorAll('button.sort')) {
      b.addEventListener('click', () => {
        const k = b.getAttribute('data-key');
        if (k === sortKey) sortDir = -sortDir;
        else { sortKey = k; sortDir = k === 'id' || k === 'first_seen' ? 1 : -1; }
        renderCampaigns();
      });
    }
    // The relative "ago" of the last refresh ticks between polls.
    setInterval(() => {
      if (refreshFinished) {
        const sub = $('stat-refresh-sub');
        const t = sub.textContent;
        const cut = t.lastIndexOf(' \u00b7 ');
        if (cut >= 0) sub.textContent = t.slice(0, cut) + ' \u00b7 ' + fmtAgo(refreshFinished);
      }
    }, 1000);
    connect();
    pollStats();
    document.documentElement.setAttribute('data-dashboard-ready', '1');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
