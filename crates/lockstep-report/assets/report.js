// lockstep report: renders the data embedded in #data with DOM APIs only.
// Every string from the data is written with textContent or as an attribute value via
// setAttribute on elements that cannot run it; nothing is ever parsed as HTML.
(function () {
  'use strict';

  var T0 = performance.now();
  var timings = {};
  function mark(name) { timings[name] = Math.round(performance.now() - T0); }
  var statusEl = document.getElementById('status');
  var DATA, LICENCES;
  try {
    DATA = JSON.parse(document.getElementById('data').textContent);
    LICENCES = JSON.parse(document.getElementById('licences').textContent);
  } catch (e) {
    statusEl.textContent = 'The report data could not be read: ' + String(e && e.message);
    return;
  }

  // ---------------------------------------------------------------- DOM helpers
  var SVGNS = 'http://www.w3.org/2000/svg';
  // Invisible or direction-changing characters, shown as visible marks.
  var HIDDEN = /[\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]/g;

  function hex4(c) {
    var h = c.charCodeAt(0).toString(16).toUpperCase();
    while (h.length < 4) h = '0' + h;
    return 'U+' + h;
  }

  // Text from the data as DOM nodes: text nodes, with hidden characters as marks.
  function txt(s) {
    if (s === null || s === undefined) s = '';
    s = String(s);
    var frag = document.createDocumentFragment();
    HIDDEN.lastIndex = 0;
    var last = 0, m;
    while ((m = HIDDEN.exec(s)) !== null) {
      if (m.index > last) frag.appendChild(document.createTextNode(s.slice(last, m.index)));
      var mark = document.createElement('span');
      mark.className = 'cc';
      mark.textContent = hex4(m[0]);
      mark.setAttribute('title', 'hidden character ' + hex4(m[0]));
      frag.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < s.length) frag.appendChild(document.createTextNode(s.slice(last)));
    return frag;
  }

  // el('td', {class: 'num'}, child, ...): children are Nodes or text (from data or not).
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'id' || k === 'title' || k === 'colspan' || k === 'type' || k === 'value' || k === 'hidden' || k.slice(0, 5) === 'data-' || k.slice(0, 5) === 'aria-') e.setAttribute(k, v === true ? '' : String(v));
        else throw new Error('attribute not allowed: ' + k);
      }
    }
    for (var i = 2; i < arguments.length; i++) append(e, arguments[i]);
    return e;
  }
  function append(parent, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(parent, x); }); return; }
    if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(txt(c));
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) {
        if (/^on/i.test(k) || /href/i.test(k)) throw new Error('attribute not allowed: ' + k);
        e.setAttribute(k, String(attrs[k]));
      }
    }
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function body(id) { return document.querySelector('#' + id + ' .body'); }
  function num(x, digits) {
    if (typeof x !== 'number' || !isFinite(x)) return x === null || x === undefined ? '—' : String(x);
    if (digits === undefined && !Number.isInteger(x) && x !== 0 && Math.abs(x) < 0.001) return x.toExponential(2);
    if (digits === undefined) return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 3 });
    return x.toFixed(digits);
  }
  function unixTime(s) {
    if (typeof s !== 'number' || !isFinite(s)) return '—';
    var d = new Date(s * 1000);
    if (isNaN(d.getTime())) return String(s);
    return d.toISOString().replace('.000Z', 'Z');
  }
  function td(v, cls) { return el('td', { class: cls ? cls + ' d' : 'd' }, v); }
  function tdn(v, digits) { return el('td', { class: 'num' }, num(v, digits)); }
  // An input's time precision (summary.json inputs[].time_precision, .precisions,
  // .minute_from_data): the main one, and how many posts have another.
  function timePrecision(f) {
    if (!f.time_precision) return '—';
    var out = f.time_precision + (f.minute_from_data ? ' (from the data)' : '');
    var p = f.precisions || {};
    var others = ['millisecond', 'second', 'minute', 'approximate'].filter(function (k) { return k !== f.time_precision && p[k]; })
      .map(function (k) { return num(p[k]) + ' ' + k; });
    return others.length ? out + '; ' + others.join(', ') : out;
  }
  function table(headers, rows, numeric) {
    var t = el('table');
    var tr = el('tr');
    headers.forEach(function (h, i) { tr.appendChild(el('th', { class: numeric && numeric[i] ? 'num' : null }, h)); });
    t.appendChild(el('thead', null, tr));
    var tb = el('tbody');
    rows.forEach(function (r) { tb.appendChild(r); });
    t.appendChild(tb);
    return t;
  }
  function scroll(node) { return el('div', { class: 'scroll' }, node); }
  function kv(pairs) {
    var d = el('div', { class: 'kv' });
    pairs.forEach(function (p) {
      d.appendChild(el('div', { class: 'k' }, p[0]));
      d.appendChild(el('div', { class: 'v d' }, p[1]));
    });
    return d;
  }
  function isPlain(o) { return o !== null && typeof o === 'object' && !Array.isArray(o); }

  // Any JSON value as nested tables: the fallback for fields the page does not know.
  function generic(v, depth) {
    depth = depth || 0;
    if (v === null || v === undefined) return '—';
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) && v.length < 40) return el('span', { class: 'nowrap' }, v);
    if (typeof v !== 'object') return typeof v === 'number' ? num(v) : String(v);
    if (depth > 4) return JSON.stringify(v).slice(0, 300);
    if (Array.isArray(v)) {
      if (v.length === 0) return '—';
      if (v.every(function (x) { return x === null || typeof x !== 'object'; })) {
        var shown = v.slice(0, 60).map(function (x) { return typeof x === 'number' ? num(x) : String(x); }).join(', ');
        return v.length > 60 ? shown + ', … (' + v.length + ')' : shown;
      }
      if (v.every(isPlain)) {
        var keys = [];
        v.slice(0, 200).forEach(function (o) { Object.keys(o).forEach(function (k) { if (keys.indexOf(k) < 0 && keys.length < 30) keys.push(k); }); });
        var rows = v.slice(0, 200).map(function (o) {
          return el('tr', null, keys.map(function (k) { return td(generic(o[k], depth + 1)); }));
        });
        var t = table(keys, rows);
        return v.length > 200 ? [scroll(t), el('p', { class: 'muted' }, 'first 200 of ' + v.length)] : scroll(t);
      }
      return el('ol', null, v.slice(0, 100).map(function (x) { return el('li', { class: 'd' }, generic(x, depth + 1)); }));
    }
    var ks = Object.keys(v);
    if (ks.length === 0) return '—';
    return kv(ks.slice(0, 200).map(function (k) { return [k, generic(v[k], depth + 1)]; }));
  }

  // Bar chart (SVG built with DOM calls). bars: [{label, value, title}].
  function barChart(title, bars, opts) {
    opts = opts || {};
    var W = opts.width || 520, H = opts.height || 160, padL = 40, padB = 34, padT = 8;
    var max = 0;
    bars.forEach(function (b) { if (b.value > max) max = b.value; });
    var s = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    var label = svg('title', {});
    label.textContent = title;
    s.appendChild(label);
    var iw = W - padL - 8, ih = H - padB - padT, bw = iw / Math.max(1, bars.length);
    (opts.bands || []).forEach(function (band) {
      var x0 = padL + band[0] * bw, x1 = padL + (band[1] + 1) * bw;
      s.appendChild(svg('rect', { x: x0, y: padT, width: Math.max(1, x1 - x0), height: ih, fill: '#fde7d4' }));
    });
    s.appendChild(svg('line', { x1: padL, y1: padT + ih, x2: W - 8, y2: padT + ih, stroke: '#98a2b3' }));
    [0, 0.5, 1].forEach(function (f) {
      var y = padT + ih - f * ih;
      var t = svg('text', { x: padL - 4, y: y + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#667085' });
      t.textContent = num(Math.round(max * f));
      s.appendChild(t);
    });
    var every = Math.max(1, Math.ceil(bars.length / (opts.maxLabels || 12)));
    bars.forEach(function (b, i) {
      var h = max > 0 ? (b.value / max) * ih : 0;
      var gap = bw > 4 ? 1 : 0;
      var r = svg('rect', { x: padL + i * bw + gap, y: padT + ih - h, width: Math.max(0.5, bw - 2 * gap), height: Math.max(0, h), fill: opts.color || '#2f5fd0' });
      var tt = svg('title', {});
      tt.textContent = b.title || (b.label + ': ' + num(b.value));
      r.appendChild(tt);
      s.appendChild(r);
      if (typeof b.over === 'number' && b.over > 0 && max > 0) {
        var ho = Math.min(h, (b.over / max) * ih);
        var ro = svg('rect', { x: padL + i * bw + gap, y: padT + ih - ho, width: Math.max(0.5, bw - 2 * gap), height: ho, fill: opts.overColor || '#1d2330' });
        var to = svg('title', {});
        to.textContent = tt.textContent;
        ro.appendChild(to);
        s.appendChild(ro);
      }
      if (i % every === 0) {
        var t = svg('text', { x: padL + i * bw + bw / 2, y: padT + ih + 14, 'text-anchor': 'middle', 'font-size': 10, fill: '#667085' });
        t.textContent = b.label;
        s.appendChild(t);
      }
    });
    if (opts.xTitle) {
      var xt = svg('text', { x: padL + iw / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 10, fill: '#667085' });
      xt.textContent = opts.xTitle;
      s.appendChild(xt);
    }
    return el('div', { class: 'chart' }, el('div', { class: 't' }, title), s);
  }

  // ---------------------------------------------------------------- shared data
  var S = DATA.summary || {};
  var G = DATA.graph || { id: [], label: [], campaign: [], x: [], y: [], edges: [] };
  var CAMPAIGNS = Array.isArray(DATA.campaigns) ? DATA.campaigns : [];
  var PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324',
    '#469990', '#800000', '#808000', '#000075', '#bfef45', '#dcbeff', '#fabed4', '#ffd8b1', '#aaffc3', '#a9a9a9', '#ffe119', '#5f9ea0'];
  var NONE_COLOUR = '#b8bec8';
  var rankOf = new Map();
  CAMPAIGNS.forEach(function (c, i) { rankOf.set(c.id, i); });
  function colourOf(cid) {
    var r = rankOf.get(cid);
    return r === undefined ? NONE_COLOUR : PALETTE[r % PALETTE.length];
  }
  function swatch(cid) {
    var s = el('span', { class: 'swatch' });
    s.style.background = colourOf(cid);
    return s;
  }
  var nodeOfAccount = new Map();
  for (var i0 = 0; i0 < G.id.length; i0++) nodeOfAccount.set(G.id[i0], i0);
  function accountLabel(id) {
    var n = nodeOfAccount.get(id);
    if (n === undefined || G.label[n] === id) return id;
    return G.label[n] + ' (' + id + ')';
  }
  // Own properties only: ids from the data such as "__proto__" or "constructor" must not
  // reach inherited ones.
  function own(o, k) { return o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined; }
  function postText(pid) {
    var p = own(DATA.posts, pid);
    if (Array.isArray(p)) return p[3];
    var t = own(DATA.sample_texts, pid);
    return typeof t === 'string' ? t : null;
  }
  mark('parse');
  var api = { ready: false, timings: timings };
  window.lockstepReport = api;

  // ---------------------------------------------------------------- overview
  // ---------------------------------------------------------------- findings
  // The brief (lockstep-brief): paragraphs, lists and tables of spans; a span with a link
  // (#campaign-3, #echo, ...) becomes a button that opens that part of the report.
  function goTo(link) {
    var m = /^#campaign-(\d+)$/.exec(String(link));
    if (m && rankOf.has(Number(m[1]))) { selectCampaign(Number(m[1]), true); return; }
    var id = String(link).replace(/^#/, '');
    var sec = /^[a-z]+$/.test(id) ? document.getElementById(id) : null;
    if (sec) sec.scrollIntoView({ block: 'start' });
  }
  function spans(list) {
    return (Array.isArray(list) ? list : []).map(function (sp) {
      if (!isPlain(sp)) return generic(sp);
      if (typeof sp.link === 'string') {
        var btn = el('button', { type: 'button', class: 'link d', 'data-link': sp.link }, sp.text);
        btn.addEventListener('click', function () { goTo(sp.link); });
        return btn;
      }
      return sp.strong ? el('strong', { class: 'd' }, sp.text) : el('span', { class: 'd' }, sp.text);
    });
  }
  function renderFindings() {
    var B = DATA.brief;
    var b = body('findings');
    if (!isPlain(B)) { b.appendChild(el('p', { class: 'muted' }, 'No findings: this directory has no campaigns.json.')); return; }
    b.appendChild(el('p', { class: 'headline' }, spans(B.headline)));
    (Array.isArray(B.sections) ? B.sections : []).forEach(function (s) {
      if (!isPlain(s)) return;
      b.appendChild(el('h3', { id: 'findings-' + String(s.id).replace(/[^a-z]/g, '') }, s.title));
      (Array.isArray(s.blocks) ? s.blocks : []).forEach(function (k) {
        if (!isPlain(k)) return;
        if (k.type === 'para') b.appendChild(el('p', null, spans(k.spans)));
        else if (k.type === 'list') b.appendChild(el('ul', null, (k.items || []).map(function (i) { return el('li', null, spans(i)); })));
        else if (k.type === 'table') {
          var rows = (k.rows || []).map(function (r) { return el('tr', { class: 'finding-row' }, (r || []).map(function (cell) { return el('td', { class: 'd' }, spans(cell)); })); });
          b.appendChild(scroll(table(k.head || [], rows)));
        } else append(b, generic(k));
      });
    });
  }

  function renderOverview() {
    var b = body('overview');
    var c = S.counts || {};
    var cards = el('div', { class: 'cards' });
    [['posts', c.posts], ['accounts', c.accounts], ['campaigns', c.campaigns !== undefined ? c.campaigns : CAMPAIGNS.length],
      ['accounts in campaigns', c.campaign_accounts], ['significant edges', c.edges], ['evidence rows', c.evidence_rows],
      ['records read', c.records], ['rejected records', c.rejected], ['duplicates', c.duplicates]].forEach(function (p) {
      if (p[1] === undefined) return;
      cards.appendChild(el('div', { class: 'card' }, el('div', { class: 'v' }, num(p[1])), el('div', { class: 'k' }, p[0])));
    });
    b.appendChild(cards);
    if (S.lockstep_version || S.total_s !== undefined) {
      b.appendChild(el('p', { class: 'muted' }, 'lockstep ' + (S.lockstep_version || '?') + ' · ' + (S.command || 'analyze') +
        (S.total_s !== undefined ? ' · ' + num(S.total_s, 2) + ' s' : '') + ' · report by ' + (DATA.meta && DATA.meta.generator)));
    }
    var inputs = Array.isArray(S.inputs) ? S.inputs : [];
    b.appendChild(el('h3', null, 'Inputs'));
    if (inputs.length === 0) b.appendChild(el('p', { class: 'muted' }, 'No input list in summary.json.'));
    else {
      b.appendChild(scroll(table(['file', 'format', 'records', 'accepted', 'rejected', 'duplicates', 'time precision', 'bytes', 'sha256'],
        inputs.map(function (f) {
          return el('tr', null, td(f.path, 'mono'), td(f.format), tdn(f.records), tdn(f.accepted), tdn(f.rejected), tdn(f.duplicates), td(timePrecision(f)), tdn(f.bytes), td(f.sha256, 'mono'));
        }), [0, 0, 1, 1, 1, 1, 0, 1, 0])));
    }
    var rej = DATA.rejected;
    b.appendChild(el('h3', null, 'Rejected records'));
    if (!rej) b.appendChild(el('p', { class: 'muted' }, (c.rejected ? num(c.rejected) + ' rejected; rejected.jsonl is not in the directory.' : 'None: every record was read.')));
    else {
      b.appendChild(el('p', null, num(rej.total) + ' records were quarantined in rejected.jsonl (file, line, reason, raw record).'));
      b.appendChild(table(['reason', 'records'], rej.reasons.map(function (r) { return el('tr', null, td(r[0]), tdn(r[1])); }), [0, 1]));
      if (rej.examples && rej.examples.length) {
        b.appendChild(el('details', null, el('summary', null, 'First ' + rej.examples.length + ' rejected records'),
          scroll(table(['file', 'line', 'reason', 'raw record'], rej.examples.map(function (x) {
            x = x || {};
            return el('tr', null, td(x.file, 'mono'), tdn(x.line), td(x.reason), td(x.raw, 'mono text'));
          }), [0, 1, 0, 0]))));
      }
    }
    if (Array.isArray(S.warnings) && S.warnings.length) {
      b.appendChild(el('h3', null, 'Warnings'));
      b.appendChild(el('ul', null, S.warnings.map(function (w) { return el('li', { class: 'd warn' }, generic(w)); })));
    }
    // Parameters, behaviour figures and timings: for the method section of a write-up, not
    // the first read, so folded.
    var params = el('details', { id: 'parameters' }, el('summary', null, 'Parameters used, behaviours tested and timings'));
    params.appendChild(el('h3', null, 'Parameters used'));
    append(params, generic(S.parameters));
    if (Array.isArray(S.behaviours) && S.behaviours.length) {
      params.appendChild(el('h3', null, 'Behaviours tested'));
      append(params, generic(S.behaviours));
    }
    if (S.timings_s) {
      params.appendChild(el('h3', null, 'Timings (s)'));
      append(params, generic(S.timings_s));
    }
    b.appendChild(params);
    var known = ['counts', 'inputs', 'warnings', 'parameters', 'behaviours', 'timings_s', 'lockstep_version', 'command', 'total_s'];
    var other = {};
    Object.keys(S).forEach(function (k) { if (known.indexOf(k) < 0) other[k] = S[k]; });
    if (Object.keys(other).length) {
      b.appendChild(el('h3', null, 'Other run facts'));
      append(b, generic(other));
    }
  }

  // ---------------------------------------------------------------- campaigns
  var campaignDetail = null;
  function renderCampaigns() {
    var b = body('campaigns');
    if (CAMPAIGNS.length === 0) {
      b.appendChild(el('p', { class: 'muted' }, 'No campaign was found.'));
      return;
    }
    b.appendChild(el('p', { class: 'muted' }, CAMPAIGNS.length + ' campaign(s), ranked by score. Click one for its members, behaviours, charts and evidence.'));
    var rows = CAMPAIGNS.map(function (c, i) {
      var beh = isPlain(c.behaviours) ? Object.keys(c.behaviours).map(function (k) { return el('span', { class: 'pill' }, k + ' ' + num(c.behaviours[k])); }) : generic(c.behaviours);
      var leaders = Array.isArray(c.leaders) ? c.leaders.slice(0, 3).map(accountLabel).join(', ') : '';
      var tr = el('tr', { class: 'campaign-row', 'data-campaign': String(c.id) },
        tdn(i + 1), el('td', null, swatch(c.id), String(c.id)), td(c.label || c.kind || ''), tdn(c.score, 3), tdn(c.size), td(beh),
        tdn(c.evidence ? c.evidence.total : undefined), td(fmtTime(c.first_post), 'mono'), td(fmtTime(c.last_post), 'mono'),
        tdn(c.coordinated_share, 2), td(leaders), td(Array.isArray(c.platforms) ? c.platforms.join(', ') : ''));
      tr.addEventListener('click', function () { selectCampaign(c.id, true); });
      return tr;
    });
    b.appendChild(scroll(table(['#', 'campaign', 'what it is', 'score', 'accounts', 'behaviours (edges)', 'co-actions', 'first post', 'last post', 'coordinated share', 'leaders', 'platforms'],
      rows, [1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0])));
    campaignDetail = el('div', { id: 'campaign-detail', class: 'detail' });
    b.appendChild(campaignDetail);
  }

  function selectCampaign(cid, scrollTo) {
    var c = CAMPAIGNS[rankOf.get(cid)];
    if (!c || !campaignDetail) return;
    document.querySelectorAll('tr.campaign-row').forEach(function (r) {
      r.classList.toggle('selected', r.getAttribute('data-campaign') === String(cid));
    });
    var d = clear(campaignDetail);
    d.setAttribute('data-campaign', String(cid));
    var show = el('button', { type: 'button', class: 'link' }, 'Show in the network');
    show.addEventListener('click', function () {
      var f = document.getElementById('campaign-filter');
      f.value = String(cid);
      f.dispatchEvent(new Event('change'));
      document.getElementById('network').scrollIntoView();
    });
    d.appendChild(el('h3', { id: 'campaign-' + cid }, swatch(cid), 'Campaign ' + cid + (c.label ? ': ' : ''), c.label ? el('span', { class: 'label d' }, c.label) : null,
      ' · rank ' + (rankOf.get(cid) + 1) + ' · score ' + num(c.score, 3) + ' · ', show));
    var facts = [['kind', c.kind || '—'], ['accounts', num(c.size)], ['active', fmtTime(c.first_post) + ' → ' + fmtTime(c.last_post)],
      ['internal edges', num(c.internal_edges)], ['coordinated share of posts', num(c.coordinated_share, 3)]];
    if (c.busiest_9h_start_utc !== undefined) facts.push(['busiest 9 h (UTC)', 'from ' + c.busiest_9h_start_utc + ':00, ' + num(100 * (c.busiest_9h_share || 0), 1) + ' % of posts']);
    if (c.implied_utc_offset !== undefined && c.implied_utc_offset !== null) facts.push(['implied UTC offset', (c.implied_utc_offset >= 0 ? '+' : '') + c.implied_utc_offset]);
    if (c.creation_known) facts.push(['account creation batches', generic(c.creation_batches)]);
    facts.push(['leaders', Array.isArray(c.leaders) ? c.leaders.map(accountLabel).join(', ') : '—']);
    facts.push(['score components', generic(c.score_components)]);
    facts.push(['behaviours (internal edges)', generic(c.behaviours)]);
    if (Array.isArray(c.disarm) && c.disarm.length) facts.push(['DISARM techniques', c.disarm.join(', ')]);
    var known = ['id', 'score', 'size', 'score_components', 'behaviours', 'internal_edges', 'first_post', 'last_post', 'coordinated_share',
      'hour_profile_utc', 'busiest_9h_start_utc', 'busiest_9h_share', 'implied_utc_offset', 'creation_batches', 'creation_known', 'leaders',
      'evidence', 'evidence_samples', 'kind', 'label', 'disarm'];
    Object.keys(c).forEach(function (k) { if (known.indexOf(k) < 0) facts.push([k, generic(c[k])]); });
    d.appendChild(kv(facts));

    var charts = el('div', { class: 'charts' });
    if (Array.isArray(c.hour_profile_utc)) {
      charts.appendChild(barChart('Posts by hour of day (UTC)', c.hour_profile_utc.map(function (v, h) {
        return { label: String(h), value: v, title: h + ':00–' + h + ':59 UTC: ' + num(v) + ' posts' };
      }), { color: colourOf(cid), maxLabels: 12, xTitle: 'hour (UTC)' }));
    }
    var ev = c.evidence || {};
    var edges = (DATA.meta && DATA.meta.lag_edges_s) || [];
    if (Array.isArray(ev.lag_counts)) {
      charts.appendChild(barChart('Lag between co-acting posts (|dt|, ' + num(ev.total) + ' co-actions)', ev.lag_counts.map(function (v, i) {
        var lo = edges[i], hi = edges[i + 1];
        var label = hi === undefined ? '≥' + fmtDur(lo) : fmtDur(lo);
        return { label: label, value: v, title: (hi === undefined ? '≥ ' + fmtDur(lo) : fmtDur(lo) + ' – ' + fmtDur(hi)) + ': ' + num(v) };
      }), { color: '#475467', maxLabels: 13, xTitle: 'seconds between the two posts (bin start)' }));
    }
    d.appendChild(charts);
    var act = campaignActivity(cid);
    if (act) {
      var ach = timelineChart('Members’ posts over time (dark: coordinated; shaded: bursts)', act.series, act.bursts, '#c7cdd6');
      if (ach) d.appendChild(ach);
    }

    // Members.
    var members = [];
    for (var i = 0; i < G.id.length; i++) if (G.campaign[i] === cid) members.push(i);
    members.sort(function (a, b2) { return (G.score[b2] || 0) - (G.score[a] || 0); });
    d.appendChild(el('h4', null, 'Members (' + members.length + ')'));
    var mrows = members.slice(0, 500).map(function (n) {
      var a = el('button', { type: 'button', class: 'link d' }, G.id[n]);
      a.addEventListener('click', function () { api.selectNode && api.selectNode(n, true); });
      var cells = [el('td', null, a), td(G.label[n] === G.id[n] ? '' : G.label[n]), td(G.roles ? G.roles[G.role[n]] : ''),
        tdn(G.score[n], 3), tdn(G.posts ? G.posts[n] : undefined), tdn(G.coordinated_posts ? G.coordinated_posts[n] : undefined), tdn(G.degree[n])];
      // The platform column comes last, so a single-platform run reads as before.
      if (G.platform) cells.push(td(G.platform[n] || ''));
      return el('tr', null, cells);
    });
    var mhead = ['account', 'handle', 'role', 'score', 'posts', 'coordinated posts', 'edges'], mnum = [0, 0, 0, 1, 1, 1, 1];
    if (G.platform) { mhead.push('platform'); mnum.push(0); }
    d.appendChild(scroll(table(mhead, mrows, mnum)));
    if (members.length > 500) d.appendChild(el('p', { class: 'muted' }, 'First 500 of ' + members.length + ' members; all are in accounts.csv.'));

    // Evidence.
    var rows = Array.isArray(ev.rows) ? ev.rows : [];
    d.appendChild(el('h4', null, 'Evidence: post pairs that acted together (' + rows.length + ' of ' + num(ev.total || 0) + ')'));
    if (ev.by_behaviour) d.appendChild(el('p', { class: 'muted' }, 'Co-actions by behaviour: ',
      Object.keys(ev.by_behaviour).map(function (k) { return el('span', { class: 'pill' }, k + ' ' + num(ev.by_behaviour[k])); })));
    var erows = rows.map(function (r) {
      return el('tr', { class: 'evidence-row' }, td(r[0]), td(r[1], 'text'),
        td(unixTime(r[4]), 'mono'), td(accountLabel(r[3])), td(postText(r[2]), 'text'),
        td(unixTime(r[7]), 'mono'), td(accountLabel(r[6])), td(postText(r[5]), 'text'), tdn(r[8]));
    });
    var et = table(['behaviour', 'object', 'time A', 'account A', 'post A', 'time B', 'account B', 'post B', 'dt (s)'], erows, [0, 0, 0, 0, 0, 0, 0, 0, 1]);
    et.classList.add('evidence');
    d.appendChild(scroll(et));
    if (rows.length < (ev.total || 0)) d.appendChild(el('p', { class: 'muted' }, 'Every co-action is in evidence.csv (and evidence.parquet), with post ids to join back to the data.'));
    if (scrollTo) d.scrollIntoView({ block: 'start' });
  }
  // RFC 3339 UTC text as `2025-08-01 02:00:05 UTC`; anything else as given.
  function fmtTime(t) {
    if (typeof t !== 'string' || !t) return '?';
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(t);
    return m ? m[1] + ' ' + m[2] + ' UTC' : t;
  }
  // Seconds as a duration: `12 s`, `40 min`, `2 h 10 min`, `3.5 days`.
  function fmtSpan(s) {
    s = Math.abs(s);
    if (!isFinite(s)) return '—';
    if (s < 90) return Math.round(s) + ' s';
    var min = Math.round(s / 60);
    if (min < 60) return min + ' min';
    if (s < 48 * 3600) return Math.floor(min / 60) + ' h' + (min % 60 ? ' ' + (min % 60) + ' min' : '');
    return (s / 86400).toFixed(1) + ' days';
  }
  function fmtLag(s) {
    if (typeof s !== 'number' || !isFinite(s)) return '—';
    return fmtSpan(s) + (s < 0 ? ' before publication' : ' after publication');
  }
  function fmtDur(s) {
    if (s === undefined) return '';
    if (s >= 3600) return (s / 3600) + 'h';
    if (s >= 60) return (s / 60) + 'm';
    return s + 's';
  }

  // ---------------------------------------------------------------- network
  function renderNetwork() {
    var container = document.getElementById('sigma');
    var panel = document.getElementById('node-panel');
    var n = G.id.length, m = G.edges.length / 2;
    document.getElementById('net-count').textContent = num(n) + ' accounts, ' + num(m) + ' edges' +
      (G.edge_rows !== undefined && G.edges_drawn !== undefined && G.edges_drawn < G.edge_rows ? ' (pairs of ' + num(G.edge_rows) + ' behaviour edges)' : '');
    var filter = document.getElementById('campaign-filter');
    CAMPAIGNS.forEach(function (c) { filter.appendChild(el('option', { value: String(c.id) }, 'campaign ' + c.id + ' (' + c.size + ')')); });

    // Legend.
    var legend = document.getElementById('legend');
    CAMPAIGNS.slice(0, 20).forEach(function (c) { legend.appendChild(el('span', null, swatch(c.id), 'campaign ' + c.id)); });
    if (CAMPAIGNS.length > 20) legend.appendChild(el('span', { class: 'muted' }, 'colours repeat after 20 campaigns'));
    legend.appendChild(el('span', null, swatch(-1), 'in no campaign'));

    if (n === 0) {
      container.appendChild(el('p', { class: 'muted' }, 'No account has a significant edge.'));
      return null;
    }
    if (typeof graphology === 'undefined' || typeof Sigma === 'undefined') {
      container.appendChild(el('p', { class: 'warn' }, 'The network libraries did not load.'));
      return null;
    }
    var maxDeg = 1;
    for (var i = 0; i < n; i++) if (G.degree[i] > maxDeg) maxDeg = G.degree[i];
    var base = n > 20000 ? 0.7 : n > 5000 ? 1.5 : n > 1000 ? 2.5 : 4;
    var graph = new graphology.Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
    for (i = 0; i < n; i++) {
      graph.addNode(String(i), {
        x: G.x[i], y: G.y[i], label: G.label[i],
        size: base + base * 2.5 * Math.sqrt(G.degree[i] / maxDeg),
        color: colourOf(G.campaign[i]),
      });
    }
    for (var e = 0; e < m; e++) {
      var a = G.edges[2 * e], b2 = G.edges[2 * e + 1];
      var same = G.campaign[a] === G.campaign[b2] && G.campaign[a] > 0;
      graph.addEdge(String(a), String(b2), { color: same ? colourOf(G.campaign[a]) + '55' : '#d0d5dd88', size: m > 50000 ? 0.5 : 1, c: same ? G.campaign[a] : 0, beh: G.edge_behaviours[e] });
    }
    mark('graph');
    var state = { selected: null, neighbours: null, campaign: null };
    var renderer;
    try {
      renderer = new Sigma(graph, container, {
        renderEdgeLabels: false,
        enableEdgeEvents: false,
        hideEdgesOnMove: m > 20000,
        hideLabelsOnMove: n > 5000,
        labelRenderedSizeThreshold: n > 2000 ? 9 : 5,
        labelDensity: 0.5,
        labelFont: 'system-ui, sans-serif',
        // Large graphs: no z-sorting, and one-pixel GL lines for edges (cheaper to
        // rasterise than sigma's default rectangles, even in software WebGL).
        zIndex: m <= 50000,
        nodeProgramClasses: n > 20000 && Sigma.rendering && Sigma.rendering.NodePointProgram ? { circle: Sigma.rendering.NodePointProgram } : {},
        edgeProgramClasses: m > 50000 && Sigma.rendering && Sigma.rendering.EdgeLineProgram ? { line: Sigma.rendering.EdgeLineProgram } : {},
        minCameraRatio: 0.005,
        maxCameraRatio: 4,
        nodeReducer: function (key, attrs) {
          var k = +key;
          if (state.selected !== null) {
            if (k === state.selected) return Object.assign({}, attrs, { highlighted: true, zIndex: 2, size: attrs.size * 1.6 });
            if (state.neighbours.has(k)) return Object.assign({}, attrs, { zIndex: 1 });
            return Object.assign({}, attrs, { color: '#e4e7ec', label: '', zIndex: 0 });
          }
          if (state.campaign !== null && G.campaign[k] !== state.campaign) return Object.assign({}, attrs, { color: '#eceef2', label: '', zIndex: 0 });
          return attrs;
        },
        edgeReducer: function (key, attrs) {
          if (state.selected !== null) {
            var ext = graph.extremities(key);
            if (+ext[0] !== state.selected && +ext[1] !== state.selected) return Object.assign({}, attrs, { hidden: true });
            return Object.assign({}, attrs, { color: '#344054', size: 1 });
          }
          if (state.campaign !== null && attrs.c !== state.campaign) return Object.assign({}, attrs, { hidden: true });
          return attrs;
        },
      });
    } catch (err) {
      container.appendChild(el('p', { class: 'warn' }, 'The network cannot be drawn here (WebGL is not available: ' + String(err && err.message) +
        '). Open network.gexf or network.graphml in Gephi instead.'));
      return null;
    }

    function showNode(k) {
      clear(panel);
      var cid = G.campaign[k];
      panel.setAttribute('data-node', String(k));
      panel.appendChild(el('h3', { class: 'd' }, G.label[k]));
      var facts = [['account id', el('span', { class: 'mono d' }, G.id[k])],
        ['campaign', cid > 0 ? [swatch(cid), String(cid)] : 'none'],
        ['role', G.roles ? G.roles[G.role[k]] || '—' : '—'], ['score', num(G.score[k], 3)],
        ['posts', num(G.posts ? G.posts[k] : undefined)], ['coordinated posts', num(G.coordinated_posts ? G.coordinated_posts[k] : undefined)],
        ['edges', num(G.degree[k])]];
      panel.appendChild(kv(facts));
      if (cid > 0) {
        var go = el('button', { type: 'button', class: 'link' }, 'Open campaign ' + cid);
        go.addEventListener('click', function () { selectCampaign(cid, true); });
        panel.appendChild(go);
      }
      // Behaviours on its edges.
      var mask = 0;
      graph.forEachEdge(String(k), function (ek, at) { mask |= at.beh || 0; });
      var behs = (G.behaviours || []).filter(function (bn, bi) { return mask & (1 << bi); });
      if (behs.length) panel.appendChild(el('p', null, behs.map(function (bn) { return el('span', { class: 'pill' }, bn); })));
      var list = own(DATA.posts_by_node, String(k)) || [];
      panel.appendChild(el('h4', null, 'Coordinated posts' + (list.length ? ' (' + list.length + ' shown)' : '')));
      if (list.length === 0) {
        panel.appendChild(el('p', { class: 'muted' }, DATA.meta && DATA.meta.have_posts_file ? 'No posts of this account are in the report.' :
          'coordinated_posts.csv is not in the analyze directory; see evidence.csv for this account’s post ids.'));
      }
      list.forEach(function (pid) {
        var p = own(DATA.posts, pid);
        if (!Array.isArray(p)) return;
        var meta = el('div', { class: 'muted mono' }, String(p[1]) + ' · ' + String(p[2]) + ' · ', el('span', { class: 'd' }, pid));
        var post = el('div', { class: 'post' }, meta, el('div', { class: 'd text' }, p[3]));
        if (p[4] && p[4].length) post.appendChild(el('div', { class: 'd mono' }, 'links: ', p[4].join(' ')));
        if (p[5] && p[5].length) post.appendChild(el('div', { class: 'd' }, p[5].map(function (h) { return el('span', { class: 'pill' }, h); })));
        panel.appendChild(post);
      });
    }

    function selectNode(k, focus) {
      if (k === null || k === undefined || k < 0 || k >= n) {
        state.selected = null;
        state.neighbours = null;
        clear(panel).appendChild(el('p', { class: 'muted' }, 'Click a node to see the account and its posts.'));
        panel.removeAttribute('data-node');
        renderer.refresh({ skipIndexation: true });
        return;
      }
      state.selected = k;
      state.neighbours = new Set(graph.neighbors(String(k)).map(Number));
      showNode(k);
      renderer.refresh({ skipIndexation: true });
      if (focus) {
        var dd = renderer.getNodeDisplayData(String(k));
        if (dd) renderer.getCamera().animate({ x: dd.x, y: dd.y, ratio: Math.min(renderer.getCamera().ratio, 0.2) }, { duration: 300 });
        document.getElementById('network').scrollIntoView({ block: 'start' });
      }
    }

    renderer.on('clickNode', function (ev) { selectNode(+ev.node, false); });
    renderer.on('clickStage', function () { selectNode(null); });
    filter.addEventListener('change', function () {
      state.campaign = filter.value === '' ? null : +filter.value;
      selectNode(null);
    });
    document.getElementById('reset-view').addEventListener('click', function () {
      filter.value = '';
      state.campaign = null;
      selectNode(null);
      renderer.getCamera().animatedReset({ duration: 300 });
    });

    // Search by account id or handle.
    var input = document.getElementById('search');
    var results = document.getElementById('search-results');
    function search(q) {
      q = q.trim().toLowerCase();
      var found = [];
      if (q.length === 0) return found;
      for (var j = 0; j < n && found.length < 20; j++) {
        if (G.id[j].toLowerCase() === q || G.label[j].toLowerCase() === q) found.unshift(j);
      }
      for (j = 0; j < n && found.length < 20; j++) {
        if (found.indexOf(j) < 0 && (G.id[j].toLowerCase().indexOf(q) >= 0 || G.label[j].toLowerCase().indexOf(q) >= 0)) found.push(j);
      }
      return found;
    }
    input.addEventListener('input', function () {
      clear(results);
      var found = search(input.value);
      if (input.value.trim() && found.length === 0) results.appendChild(el('li', { class: 'muted' }, 'no account matches'));
      found.forEach(function (j) {
        var bt = el('button', { type: 'button', 'data-node': String(j) }, swatch(G.campaign[j]), G.label[j] === G.id[j] ? G.id[j] : G.label[j] + ' · ' + G.id[j]);
        bt.addEventListener('click', function () { selectNode(j, true); });
        results.appendChild(el('li', null, bt));
      });
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') {
        var found = search(input.value);
        if (found.length) selectNode(found[0], true);
      }
    });

    api.graph = graph;
    api.renderer = renderer;
    api.selectNode = selectNode;
    return renderer;
  }

  // ---------------------------------------------------------------- narratives
  // A time series as bars: lockstep-narratives' {bin_seconds, bin_start[], posts[],
  // coordinated_posts[]} or {start, bin_s, counts[]}. Bursts ({onset|start, end|until})
  // are shaded; coordinated posts are drawn over the posts.
  function seriesOf(tl) {
    if (!isPlain(tl)) return null;
    var counts = Array.isArray(tl.posts) ? tl.posts : Array.isArray(tl.counts) ? tl.counts : null;
    if (!counts) return null;
    var bin = +(tl.bin_seconds || tl.bin_s) || 3600;
    var starts = Array.isArray(tl.bin_start) ? tl.bin_start.map(function (x) { return Date.parse(x); }) : null;
    var t0 = starts ? starts[0] : Date.parse(tl.start);
    return {
      counts: counts.map(function (v) { return +v || 0; }),
      coordinated: Array.isArray(tl.coordinated_posts) ? tl.coordinated_posts.map(function (v) { return +v || 0; }) : null,
      bin: bin,
      time: function (i) { return starts && isFinite(starts[i]) ? starts[i] : t0 + i * bin * 1000; },
      index: function (t) {
        if (starts) { var k = 0; while (k + 1 < starts.length && starts[k + 1] <= t) k++; return k; }
        return Math.floor((t - t0) / 1000 / bin);
      },
    };
  }
  function timelineChart(title, tl, bursts, colour) {
    var S2 = seriesOf(tl);
    if (!S2 || S2.counts.length === 0) return null;
    var bands = [];
    (Array.isArray(bursts) ? bursts : []).forEach(function (bu) {
      if (!isPlain(bu)) return;
      var s0 = Date.parse(bu.onset || bu.start), s1 = Date.parse(bu.end || bu.until || bu.onset || bu.start);
      if (isFinite(s0)) {
        var i0 = S2.index(s0), i1 = isFinite(s1) ? S2.index(s1) : i0;
        bands.push([Math.max(0, i0), Math.min(S2.counts.length - 1, Math.max(i0, i1))]);
      }
    });
    var bars = S2.counts.map(function (v, i) {
      var t = S2.time(i), iso = isFinite(t) ? new Date(t).toISOString().replace(':00.000Z', 'Z') : String(i);
      var co = S2.coordinated ? S2.coordinated[i] : null;
      return { label: isFinite(t) ? iso.slice(5, 13).replace('T', ' ') + 'h' : String(i), value: v, over: co,
        title: iso + ': ' + num(v) + ' posts' + (co !== null ? ', ' + num(co) + ' coordinated' : '') };
    });
    return barChart(title, bars, { width: 900, height: 170, color: colour || '#b4a7f5', overColor: '#5b3fd6', bands: bands, maxLabels: 12,
      xTitle: 'time (UTC, bins of ' + fmtDur(S2.bin) + ')' + (S2.coordinated ? '; dark: coordinated posts' : '') + (bands.length ? '; shaded: bursts' : '') });
  }

  var NARR_KNOWN = ['id', 'name', 'label', 'posts', 'accounts', 'coordinated_posts', 'coordinated_share', 'reposts', 'first_seen', 'last_seen',
    'peak_bin', 'peak_posts', 'template_count', 'template_posts', 'template_ids', 'series', 'timeline', 'bursts', 'campaigns', 'examples',
    'top_accounts', 'top_terms', 'terms', 'templates'];
  function campaignPills(list) {
    if (!Array.isArray(list)) return generic(list);
    return list.slice(0, 20).map(function (c) {
      var id = isPlain(c) ? c.campaign_id : c;
      var extra = isPlain(c) && c.posts !== undefined ? ' (' + num(c.posts) + ' posts)' : '';
      return el('span', { class: 'pill' }, swatch(id), 'campaign ' + id + extra);
    });
  }
  function narrativeDetail(box, nv) {
    clear(box);
    box.appendChild(el('h3', { class: 'd' }, 'Narrative ' + (nv.id !== undefined ? nv.id : '') + ': ', nv.name || nv.label || ''));
    var facts = [];
    [['posts', 'posts'], ['accounts', 'accounts'], ['coordinated_posts', 'coordinated posts'], ['coordinated_share', 'coordinated share'],
      ['reposts', 'reposts'], ['first_seen', 'first seen'], ['last_seen', 'last seen'], ['peak_bin', 'peak hour'], ['peak_posts', 'posts in the peak hour'],
      ['template_count', 'message templates'], ['template_posts', 'posts from templates']].forEach(function (p) {
      if (nv[p[0]] !== undefined) facts.push([p[1], generic(nv[p[0]])]);
    });
    var terms = Array.isArray(nv.top_terms) ? nv.top_terms : Array.isArray(nv.terms) ? nv.terms : null;
    if (terms) facts.push(['terms', terms.slice(0, 30).map(function (t) { return el('span', { class: 'pill' }, isPlain(t) ? t.term + (t.weight !== undefined ? ' ' + num(t.weight, 2) : '') : String(t)); })]);
    if (nv.campaigns !== undefined) facts.push(['campaigns', campaignPills(nv.campaigns)]);
    Object.keys(nv).forEach(function (k) { if (NARR_KNOWN.indexOf(k) < 0) facts.push([k, generic(nv[k])]); });
    box.appendChild(kv(facts));
    var ch = timelineChart('Posts per bin', nv.series || nv.timeline, nv.bursts);
    if (ch) box.appendChild(ch);
    if (Array.isArray(nv.bursts) && nv.bursts.length) { box.appendChild(el('h4', null, 'Bursts')); append(box, generic(nv.bursts)); }
    if (Array.isArray(nv.examples) && nv.examples.length) {
      box.appendChild(el('h4', null, 'Example posts'));
      box.appendChild(scroll(table(['time', 'account', 'post', 'text', 'template (posts)'], nv.examples.slice(0, 50).map(function (x) {
        x = isPlain(x) ? x : {};
        return el('tr', null, td(x.time, 'mono'), td(accountLabel(x.account_id)), td(x.post_id, 'mono'), td(x.text, 'text'),
          td(x.template_id !== undefined ? x.template_id + (x.template_posts !== undefined ? ' (' + num(x.template_posts) + ')' : '') : '—'));
      }))));
    }
    if (Array.isArray(nv.templates) && nv.templates.length) { box.appendChild(el('h4', null, 'Message templates')); append(box, generic(nv.templates)); }
    if (Array.isArray(nv.top_accounts) && nv.top_accounts.length) {
      box.appendChild(el('h4', null, 'Most active accounts'));
      box.appendChild(scroll(table(['account', 'handle', 'campaign', 'posts'], nv.top_accounts.slice(0, 50).map(function (a) {
        a = isPlain(a) ? a : {};
        return el('tr', null, td(a.account_id, 'mono'), td(a.handle), el('td', null, a.campaign_id ? [swatch(a.campaign_id), String(a.campaign_id)] : '—'), tdn(a.posts));
      }), [0, 0, 0, 1])));
    }
  }

  function renderNarratives() {
    var N = DATA.narratives;
    if (N === null || N === undefined) return;
    document.getElementById('narratives').hidden = false;
    document.getElementById('nav-narratives').hidden = false;
    var b = body('narratives');
    var list = Array.isArray(N) ? N : Array.isArray(N.narratives) ? N.narratives : null;
    if (!isPlain(N) && !list) { append(b, generic(N)); return; }
    if (isPlain(N)) {
      if (isPlain(N.counts)) b.appendChild(kv(Object.keys(N.counts).map(function (k) { return [k.replace(/_/g, ' '), generic(N.counts[k])]; })));
      if (isPlain(N.overall)) {
        var ch = timelineChart('All posts' + (N.overall.series && N.overall.series.coordinated_posts ? ' (dark: coordinated)' : ''), N.overall.series, N.overall.campaign_bursts, '#c7cdd6');
        if (ch) b.appendChild(ch);
      }
    }
    if (list) {
      b.appendChild(el('h3', null, list.length + ' narrative(s), by posts'));
      var detail = el('div', { id: 'narrative-detail', class: 'detail' });
      var sorted = list.filter(isPlain).slice().sort(function (x, y) { return (+y.posts || 0) - (+x.posts || 0); });
      var rows = sorted.slice(0, 500).map(function (nv) {
        var tr = el('tr', { class: 'narrative-row' }, tdn(nv.id), td(nv.name || nv.label || '—'), tdn(nv.posts), tdn(nv.accounts),
          tdn(nv.coordinated_share, 2), td(campaignPills(nv.campaigns)), td(nv.first_seen, 'mono'), td(nv.peak_bin, 'mono'),
          tdn(Array.isArray(nv.bursts) ? nv.bursts.length : undefined));
        tr.addEventListener('click', function () {
          document.querySelectorAll('tr.narrative-row').forEach(function (r) { r.classList.remove('selected'); });
          tr.classList.add('selected');
          narrativeDetail(detail, nv);
        });
        return tr;
      });
      b.appendChild(scroll(table(['id', 'narrative', 'posts', 'accounts', 'coordinated share', 'campaigns', 'first seen', 'peak hour', 'bursts'], rows, [1, 0, 1, 1, 1, 0, 0, 0, 1])));
      if (sorted.length > 500) b.appendChild(el('p', { class: 'muted' }, 'First 500 of ' + sorted.length + ' narratives; all are in narratives.json.'));
      b.appendChild(detail);
      if (rows.length) { rows[0].classList.add('selected'); narrativeDetail(detail, sorted[0]); }
    }
    if (isPlain(N)) {
      if (Array.isArray(N.watch_terms) && N.watch_terms.length) { b.appendChild(el('h3', null, 'Watch terms')); append(b, generic(N.watch_terms)); }
      var rest = {};
      Object.keys(N).forEach(function (k) {
        if (['narratives', 'counts', 'overall', 'campaigns', 'watch_terms'].indexOf(k) < 0) rest[k] = N[k];
      });
      if (Object.keys(rest).length) b.appendChild(el('details', null, el('summary', null, 'Methods, parameters and other fields'), el('div', null, generic(rest))));
    }
  }
  // lockstep-narratives' activity of one campaign: {campaign_id, series, bursts, ...}.
  function campaignActivity(cid) {
    var N = DATA.narratives;
    if (!isPlain(N) || !Array.isArray(N.campaigns)) return null;
    for (var i = 0; i < N.campaigns.length; i++) {
      var c = N.campaigns[i];
      if (isPlain(c) && c.campaign_id === cid) return c;
    }
    return null;
  }

  // ---------------------------------------------------------------- echo
  function renderEcho() {
    var E = DATA.echo;
    if (E === null || E === undefined) return;
    document.getElementById('echo').hidden = false;
    document.getElementById('nav-echo').hidden = false;
    var b = body('echo');
    if (!isPlain(E)) { append(b, generic(E)); return; }
    var refs = E.references;
    b.appendChild(el('h3', null, 'References echoed'));
    b.appendChild(el('p', { class: 'muted' }, 'Reference items (for example state-media articles, given with --reference) and the posts that repeat them. Links are shown as text and are not clickable.'));
    if (!Array.isArray(refs) || refs.length === 0) b.appendChild(el('p', { class: 'muted' }, refs === null || refs === undefined || (Array.isArray(refs) && refs.length === 0) ? 'No reference was given, or none was echoed.' : ''));
    else {
      refs.forEach(function (r, i) {
        if (!isPlain(r)) { append(b, generic(r)); return; }
        var box = el('div', { class: 'detail echo-ref' });
        box.appendChild(el('h4', { class: 'd' }, 'Reference ' + (r.id !== undefined ? r.id : i + 1) + ': ', r.title || r.url || ''));
        var facts = [];
        var big = ['series', 'bursts', 'text', 'title'];
        Object.keys(r).forEach(function (k) { if (big.indexOf(k) < 0) facts.push([k.replace(/_/g, ' '), k === 'campaigns' ? campaignPills(r[k]) : generic(r[k])]); });
        var lagOf = isPlain(r.lag) ? r.lag : {};
        var posts = typeof r.posts === 'number' ? r.posts : 0, coord = typeof r.coordinated_posts === 'number' ? r.coordinated_posts : 0;
        var said = [];
        if (r.source || r.published_at) said.push([r.source, r.published_at ? 'published ' + fmtTime(r.published_at) : ''].filter(Boolean).join(', ') + '.');
        if (typeof r.posts === 'number') {
          said.push(num(posts) + ' posts by ' + num(r.accounts || 0) + ' accounts echo it' +
            (typeof r.first_echo_lag_s === 'number' ? '; the first ' + fmtLag(r.first_echo_lag_s) : '') +
            (typeof lagOf.median_s === 'number' ? ', half of them by ' + fmtLag(lagOf.median_s) : '') + '.');
          if (lagOf.before_publication) said.push(num(lagOf.before_publication) + ' appeared before it was published.');
          said.push(num(coord) + ' are coordinated (evidence of a campaign); ' + num(Math.max(0, posts - coord)) + ' are overt echo.');
        }
        if (typeof r.url === 'string' && r.url) box.appendChild(el('p', { class: 'd mono' }, r.url));
        box.appendChild(el('p', { class: 'echo-sentence' }, said.join(' '), Array.isArray(r.campaigns) && r.campaigns.length ? [' Campaigns: ', campaignPills(r.campaigns)] : null));
        if (typeof r.text === 'string' && r.text) box.appendChild(el('div', { class: 'd text' }, r.text));
        box.appendChild(el('details', null, el('summary', null, 'All figures'), kv(facts)));
        var ch = timelineChart('Echoing posts', r.series, r.bursts, '#f4b183');
        if (ch) box.appendChild(ch);
        b.appendChild(box);
      });
    }
    b.appendChild(el('h3', null, 'Seed accounts'));
    b.appendChild(el('p', { class: 'muted' }, 'Accounts given with --seed-accounts, who amplified them, and the campaigns tied to them.'));
    var SA = E.seed_accounts;
    if (SA === null || SA === undefined) b.appendChild(el('p', { class: 'muted' }, 'No seed accounts were given.'));
    else if (isPlain(SA) && (Array.isArray(SA.seeds) || Array.isArray(SA.campaigns))) {
      var delay = function (d) { return isPlain(d) && typeof d.median_s === 'number' ? fmtSpan(d.median_s) : '—'; };
      var within = function (d) { return isPlain(d) && d.within_60s !== undefined ? num(100 * d.within_60s, 0) + ' %' : '—'; };
      if (Array.isArray(SA.campaigns) && SA.campaigns.length) {
        b.appendChild(el('h4', null, 'Campaigns that amplify seed accounts'));
        b.appendChild(scroll(table(['campaign', 'accounts', 'amplifying', 'share of members', 'amplifications', 'median delay', 'within 60 s', 'seeds'],
          SA.campaigns.filter(isPlain).map(function (c) {
            return el('tr', { class: 'seed-campaign' }, el('td', null, swatch(c.campaign_id), String(c.campaign_id)), tdn(c.accounts), tdn(c.amplifying_accounts),
              tdn(c.share_of_members, 2), tdn(c.amplifications), td(delay(c.delay)), td(within(c.delay)), td(Array.isArray(c.seeds) ? c.seeds.map(accountLabel).join(', ') : generic(c.seeds)));
          }), [0, 1, 1, 1, 1, 0, 0, 0])));
      }
      if (Array.isArray(SA.seeds) && SA.seeds.length) {
        b.appendChild(el('h4', null, 'Seed accounts'));
        b.appendChild(scroll(table(['seed', 'handle', 'label', 'found', 'posts', 'amplifications', 'amplifiers', 'by kind', 'median delay', 'within 60 s', 'campaigns'],
          SA.seeds.filter(isPlain).map(function (x) {
            return el('tr', { class: 'seed-row' }, td(x.account_id || x.key, 'mono'), td(x.handle), td(x.label), td(x.found === undefined ? '—' : x.found ? 'yes' : 'no'),
              tdn(x.posts), tdn(x.amplifications), tdn(x.amplifier_accounts),
              td(isPlain(x.by_kind) ? Object.keys(x.by_kind).filter(function (k) { return x.by_kind[k]; }).map(function (k) { return k + ' ' + num(x.by_kind[k]); }).join(', ') : generic(x.by_kind)),
              td(delay(x.delay)), td(within(x.delay)), td(campaignPills(x.campaigns)));
          }), [0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0])));
        SA.seeds.filter(isPlain).forEach(function (x) {
          if (!Array.isArray(x.top_amplifiers) || !x.top_amplifiers.length) return;
          b.appendChild(el('details', null, el('summary', { class: 'd' }, 'Top amplifiers of ' + (x.handle || x.account_id || x.key)), el('div', null, generic(x.top_amplifiers))));
        });
      }
      var srest = {};
      Object.keys(SA).forEach(function (k) { if (k !== 'seeds' && k !== 'campaigns') srest[k] = SA[k]; });
      if (Object.keys(srest).length) append(b, generic(srest));
    } else append(b, generic(SA));
    var rest = {};
    Object.keys(E).forEach(function (k) { if (k !== 'references' && k !== 'seed_accounts') rest[k] = E[k]; });
    if (Object.keys(rest).length) b.appendChild(el('details', null, el('summary', null, 'Methods, parameters and other fields'), el('div', null, generic(rest))));
  }

  // ---------------------------------------------------------------- about
  function renderAbout() {
    var b = body('about');
    var meta = DATA.meta || {};
    b.appendChild(el('p', null, 'This file is self-contained: it loads nothing from the network and connects nowhere (a Content-Security-Policy forbids it). ' +
      'Text from the data is shown as text only; invisible and direction-changing characters are shown as marks such as ', el('span', { class: 'cc' }, 'U+202E'),
      '; links are not clickable; long strings are cut.'));
    b.appendChild(el('h4', null, 'Files read'));
    b.appendChild(el('p', { class: 'mono d' }, (meta.files || []).join(' · ')));
    b.appendChild(el('h4', null, 'What the report shows at most'));
    append(b, generic(meta.limits));
    b.appendChild(el('h4', null, 'Bundled software'));
    (Array.isArray(LICENCES) ? LICENCES : []).forEach(function (l) {
      b.appendChild(el('details', null, el('summary', null, l.name + ' ' + l.version + ' (' + l.licence + ')'), el('pre', { class: 'licence' }, l.text)));
    });
  }

  // ---------------------------------------------------------------- main
  function guard(name, f) {
    try { return f(); } catch (e) {
      var sec = document.getElementById(name);
      if (sec) sec.appendChild(el('p', { class: 'warn' }, 'This section (' + name + ') could not be drawn: ' + String(e && e.message)));
      return null;
    }
  }
  guard('findings', renderFindings);
  mark('findings');
  guard('overview', renderOverview);
  mark('overview');
  guard('campaigns', renderCampaigns);
  mark('campaigns');
  var renderer = guard('network', renderNetwork);
  mark('network');
  guard('narratives', renderNarratives);
  guard('echo', renderEcho);
  guard('about', renderAbout);
  api.selectCampaign = selectCampaign;
  if (CAMPAIGNS.length) guard('campaigns', function () { selectCampaign(CAMPAIGNS[0].id, false); });
  // Links from findings.md: report.html#campaign-3 opens that campaign.
  if (/^#campaign-\d+$/.test(location.hash)) guard('campaigns', function () { goTo(location.hash); });
  mark('sections');
  statusEl.hidden = true;
  function ready() {
    mark('ready');
    api.ready = true;
    document.documentElement.setAttribute('data-report-ready', '1');
  }
  if (renderer) {
    // Sigma renders on the next animation frame; mark the page ready after it has.
    requestAnimationFrame(function () { requestAnimationFrame(ready); });
  } else ready();
})();
