// `lockstep serve` end to end in headless Chromium: a server with a short detection
// refresh, the dashboard opened on an empty store, then the h20 scenario and a ring of
// accounts with hostile handles and texts posted to /api/v1/ingest. The dashboard must
// follow live: the header shows the server's counts, a new_campaign alert arrives over
// server-sent events, the campaign table fills, the report frame loads /report; nothing
// from the data executes, opens a dialog or makes a request, and the page logs no error.
// Then the server restarts under the open page (the feed reconnects without duplicates),
// and the guards: no public bind without a token, and a token that is really required.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BIN, launch, lockstep, requirePrerequisites, tmpdir } from './lib.mjs';

const REFRESH = '2s';
const TOKEN = 'secret-token'; // the server wants at least 8 characters
const CHUNK_RECORDS = 5000;

// Hostile strings, as in hostile.test.mjs: each tries to set window.__pwned, open a
// dialog or make a request.
const HOSTILE = [
  '<script>window.__pwned=1;alert(1)</script>',
  '</script><script>window.__pwned=2;alert(2)</script>',
  '<img src=x onerror="window.__pwned=4;alert(4)">',
  '<svg onload="window.__pwned=5;alert(5)"><script>window.__pwned=5</script></svg>',
  '"><iframe src="javascript:window.top.__pwned=7;alert(7)"></iframe>',
  '<a href="javascript:window.__pwned=8;alert(8)">open</a>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(9)">',
  '<style>@import url(http://127.0.0.1:9/leak.css);body{background:url(http://127.0.0.1:9/bg.png)}</style>',
  '<img src="http://127.0.0.1:9/pixel.png"><link rel=stylesheet href="http://127.0.0.1:9/x.css">',
  '<base href="http://127.0.0.1:9/"><form action="http://127.0.0.1:9/"><button>go</button></form>',
  '<details open ontoggle="window.__pwned=12;alert(12)">x</details>',
  '\u2028\u2029\');window.__pwned=14;//',
  '${window.__pwned=15}`;window.__pwned=15;`',
  '\u202Egnp.exe\u202C \u2066isolate\u2069 zero\u200Bwidth \uFEFFbom',
];
const HOSTILE_URLS = [
  'javascript:window.__pwned=20;alert(20)',
  'JaVaScRiPt:alert(21)',
  'data:text/html,<script>alert(22)</script>',
  'http://127.0.0.1:9/"><script>window.__pwned=23</script>',
];
const HOSTILE_NAMES = [
  '<img src=x onerror=window.__pwned=30>',
  '</script><script>window.__pwned=31</script>',
  '\u202Enimda__pwned',
  '__proto__',
  'constructor',
  '"onmouseover="window.__pwned=32',
  '<svg/onload=window.__pwned=33>',
  'javascript:alert(34)//__pwned',
  'x'.repeat(500) + '<script>window.__pwned=35</script>',
  'toString',
];

// ------------------------------------------------------------------------------------
// Servers: every one started is killed, whatever happens.

const running = new Set();
process.on('exit', () => { for (const s of running) { try { s.proc.kill('SIGKILL'); } catch { /* gone */ } } });
after(async () => { await Promise.all([...running].map((s) => s.stop())); });

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/** Start `lockstep serve ARGS`; the returned handle's stop() is idempotent and bounded. */
function startServer(args) {
  requirePrerequisites();
  // A token only ever comes from the arguments here, never from the environment.
  const env = { ...process.env };
  delete env.LOCKSTEP_TOKEN;
  const proc = spawn(BIN, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const keep = (b) => { output = (output + b.toString()).slice(-20000); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const s = {
    proc,
    exited,
    output: () => output,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    /** SIGTERM, then SIGKILL after 10 s; true when it stopped on SIGTERM. */
    async stop() {
      let graceful = true;
      if (s.alive()) {
        proc.kill('SIGTERM');
        const done = await Promise.race([exited, sleep(10_000).then(() => null)]);
        if (done === null && s.alive()) {
          graceful = false;
          proc.kill('SIGKILL');
          await Promise.race([exited, sleep(5_000)]);
        }
      }
      running.delete(s);
      return graceful;
    },
  };
  running.add(s);
  return s;
}

async function http(url, opts = {}) {
  return fetch(url, { redirect: 'manual', ...opts, signal: AbortSignal.timeout(opts.timeout || 30_000) });
}

async function waitHealthy(server, base, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (!server.alive()) throw new Error(`lockstep serve exited (${server.proc.exitCode}): ${server.output()}`);
    try {
      const r = await http(base + '/healthz', { timeout: 2000 });
      if (r.status === 200) return;
    } catch { /* not up yet */ }
    await sleep(200);
  }
  throw new Error(`lockstep serve did not answer /healthz within ${timeout} ms: ${server.output()}`);
}

/** Poll fn until it returns a truthy value, or fail with what it last saw. */
async function until(what, fn, timeout, every = 500) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last && last.ok !== false) return last;
    await sleep(every);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

// ------------------------------------------------------------------------------------
// Data

/** The raw records of a CSV text (quoted fields may hold newlines), header included. */
function csvRecords(text) {
  const out = [];
  let start = 0, quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) { out.push(text.slice(start, i)); start = i + 1; }
  }
  if (start < text.length) out.push(text.slice(start));
  return out.filter((r) => r.length > 0);
}

function csvFields(record) {
  const out = [];
  let cur = '', quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (quoted) {
      if (c === '"' && record[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

function csvField(s) {
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** A ring of 10 accounts with hostile handles copying and reposting hostile posts, ending at `end`. */
function hostileBatch(end) {
  const rows = ['message_id,user_id,username,repost_id,reply_id,message,timestamp,urls'];
  let id = 9_100_000_000;
  const row = (user, name, repost, text, ts, urls) =>
    rows.push([String(id++), String(user), name, repost, '', text, String(ts), urls].map(csvField).join(','));
  const ring = HOSTILE_NAMES.map((name, i) => ({ user: 7_770_000 + i, name }));
  const rounds = 16, gap = 1800;
  for (let r = 0; r < rounds; r++) {
    const base = end - (rounds - r) * gap;
    const text = HOSTILE[r % HOSTILE.length] + ' ' + HOSTILE[(r + 5) % HOSTILE.length] + ' ' + HOSTILE[13];
    const urls = `${HOSTILE_URLS[r % HOSTILE_URLS.length]} https://ring.example/${r}`;
    const seed = String(id);
    ring.forEach((a, i) => row(a.user, a.name, '', text, base + i, urls));
    ring.forEach((a, i) => { if (i > 0) row(a.user, a.name, seed, 'RT ' + text, base + 20 + i, ''); });
  }
  return rows.join('\n') + '\n';
}

async function ingest(base, body, headers = {}) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const r = await http(base + '/api/v1/ingest?format=cnt-csv', {
      method: 'POST', body, headers: { 'content-type': 'text/csv', ...headers }, timeout: 60_000,
    });
    if (r.status === 503 || r.status === 429) {
      const wait = Math.min(Number(r.headers.get('retry-after')) || 1, 5);
      await r.arrayBuffer();
      await sleep(wait * 1000);
      continue;
    }
    const text = await r.text();
    assert.equal(r.status, 200, `ingest answered ${r.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  }
  throw new Error('ingest stayed busy (503/429) for 40 attempts');
}

async function getJSON(base, p, headers = {}) {
  const r = await http(base + p, { headers });
  const text = await r.text();
  assert.equal(r.status, 200, `GET ${p} answered ${r.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// ------------------------------------------------------------------------------------
// The page, with everything that could go wrong recorded

async function openDashboard(context, base, urlPath = '/') {
  const page = await context.newPage();
  const origin = new URL(base).origin;
  const log = { consoleErrors: [], pageErrors: [], dialogs: [], requests: [], blocked: [] };
  const local = (u) => u.startsWith('data:') || u === 'about:blank' || u === 'about:srcdoc' || new URL(u).origin === origin;
  page.on('console', (m) => { if (m.type() === 'error') log.consoleErrors.push(`${m.text()} @ ${m.location().url || ''}`); });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  page.on('dialog', async (d) => { log.dialogs.push(`${d.type()}: ${d.message()}`); await d.dismiss().catch(() => {}); });
  page.on('popup', (p) => log.dialogs.push(`popup: ${p.url()}`));
  page.on('request', (r) => log.requests.push(r.url()));
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (local(u)) return route.continue();
    log.blocked.push(u);
    return route.abort();
  });
  await page.goto(base + urlPath, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForSelector('html[data-dashboard-ready="1"]', { timeout: 15_000 });
  return { page, log, local };
}

const dash = {
  posts: (page) => page.locator('#stat-posts').getAttribute('data-value'),
  conn: (page) => page.locator('#conn').getAttribute('data-state'),
};

// ------------------------------------------------------------------------------------

const live = {}; // shared by the first two tests: the server, its data and the open page

test('the dashboard follows ingest live: counts, alerts over SSE, campaigns, report', { timeout: 300_000 }, async (t) => {
  requirePrerequisites();
  const dir = tmpdir('lockstep-serve-');
  live.dir = dir;
  t.after(() => { if (!live.keep) fs.rmSync(dir, { recursive: true, force: true }); });
  fs.writeFileSync(path.join(dir, 'serve.toml'), `[detection]\nrefresh = "${REFRESH}"\n`);
  lockstep('generate', '--scenario', 'h20', '--seed', '1', '--scale', '0.3', '--out', path.join(dir, 'gen'));

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  live.port = port;
  live.base = base;
  live.args = ['--db', path.join(dir, 'db.sqlite'), '--bind', `127.0.0.1:${port}`, '--config', path.join(dir, 'serve.toml')];
  live.server = startServer(live.args);
  t.after(() => { if (!live.keep) return live.server.stop(); });
  await waitHealthy(live.server, base);

  // The page opens on an empty store: the report is a placeholder until it exists.
  const browser = await launch();
  live.browser = browser;
  t.after(() => { if (!live.keep) return browser.close(); });
  const { page, log } = await openDashboard(browser.context, base);
  live.page = page;
  live.log = log;
  await until('the alert stream to connect', async () => (await dash.conn(page)) === 'live', 15_000);
  const early = await http(base + '/report');
  await early.arrayBuffer();
  if (early.status === 404) {
    assert.ok(await page.locator('#report-placeholder').isVisible(), 'placeholder shown while /report is 404');
    assert.ok(await page.locator('#report-frame').isHidden(), 'no frame before the report exists');
  }

  // The h20 scenario in chunks of ~5,000 records (the header on each), then the ring.
  const records = csvRecords(fs.readFileSync(path.join(dir, 'gen', 'posts.csv'), 'utf8'));
  const header = records.shift();
  const tsCol = csvFields(header).indexOf('timestamp');
  let maxTs = 0;
  for (const r of records) maxTs = Math.max(maxTs, Number(csvFields(r)[tsCol]) || 0);
  assert.ok(maxTs > 1.7e9, `timestamps found (${maxTs})`);
  let accepted = 0, fresh = 0;
  for (let i = 0; i < records.length; i += CHUNK_RECORDS) {
    const res = await ingest(base, [header, ...records.slice(i, i + CHUNK_RECORDS)].join('\n') + '\n');
    accepted += res.accepted;
    fresh += res.new;
  }
  assert.equal(accepted, records.length, 'every generated post accepted');
  const ring = await ingest(base, hostileBatch(maxTs));
  assert.ok(ring.accepted >= 150, `hostile ring accepted: ${JSON.stringify(ring)}`);
  fresh += ring.new;

  // The header shows the count the server reports (polled every 5 s).
  const stats = await getJSON(base, '/api/v1/stats');
  assert.equal(stats.posts, fresh, 'the server counts every new post');
  await until('the header to show the posts count', async () => {
    const v = await dash.posts(page);
    return { ok: v === String(stats.posts), shown: v, want: stats.posts };
  }, 20_000);
  const shownText = (await page.locator('#stat-posts').innerText()).replace(/[^0-9]/g, '');
  assert.equal(shownText, String(stats.posts), 'the visible posts count');

  // A new_campaign alert arrives over the stream.
  await page.waitForSelector('#alerts li.alert[data-kind="new_campaign"][data-via="stream"]', { timeout: 90_000 });
  assert.ok(log.requests.some((u) => new URL(u).pathname === '/api/v1/alerts/stream'), 'the feed is an EventSource');
  const seqs = await page.locator('#alerts li.alert').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('data-seq'))));
  assert.ok(seqs.length >= 1 && seqs.length <= 500);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
  assert.equal(new Set(seqs).size, seqs.length, 'each alert once');

  // The campaign table fills, and holds the hostile ring (found through the filter).
  await page.waitForSelector('#campaign-rows tr.campaign-row', { timeout: 60_000 });
  await until('the hostile ring among the campaigns', async () => {
    const list = await getJSON(base, '/api/v1/campaigns');
    return list.some((c) => (c.handles || []).some((h) => HOSTILE_NAMES.includes(h)));
  }, 90_000, 2000);
  await until('the ring in the campaign table', async () => {
    await page.fill('#campaign-filter', '__pwned');
    return (await page.locator('#campaign-rows tr.campaign-row').count()) >= 1;
  }, 20_000, 1000);
  const ringText = await page.locator('#campaign-rows').innerText();
  assert.ok(ringText.includes('__pwned'), 'hostile handles shown as text');
  await page.fill('#campaign-filter', '');

  // The report frame loaded /report, which drew.
  await page.waitForSelector('#report-frame[data-loaded]', { timeout: 90_000 });
  assert.ok(await page.locator('#report-placeholder').isHidden(), 'placeholder gone');
  const reportFrame = await until('the report frame', async () => {
    const f = page.frames().find((fr) => fr !== page.mainFrame() && fr.url().startsWith(base + '/report'));
    if (!f) return null;
    const ready = await f.evaluate(() => document.documentElement.getAttribute('data-report-ready')).catch(() => null);
    return ready === '1' ? f : null;
  }, 60_000);
  assert.equal(await reportFrame.evaluate(() => window.__pwned), undefined, 'nothing ran in the report');
  assert.equal(await page.locator('#open-report').getAttribute('href'), '/report');

  // Render every alert's detail and the campaign of each alert, then look for damage.
  await page.locator('#alerts details').evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
  const jump = page.locator('#alerts .alert-meta button.link').first();
  if (await jump.count()) await jump.click();
  await page.waitForTimeout(500);
  const probe = await page.evaluate(() => ({
    pwned: window.__pwned,
    injected: document.querySelectorAll('img, object, embed, base, form, svg, math, template, meta[http-equiv], ' +
      'link:not([rel="stylesheet"]):not([rel="icon"]), [onerror], [onload], [onclick], [onmouseover], [ontoggle], ' +
      '[style], a[href^="javascript" i]').length,
    iframes: document.querySelectorAll('iframe').length,
    scripts: document.scripts.length,
    location: location.href,
    text: document.body.innerText,
  }));
  assert.equal(probe.pwned, undefined, 'the canary was set: a payload ran');
  assert.equal(probe.injected, 0, 'elements from the data were injected');
  assert.equal(probe.iframes, 1, 'only the report frame');
  assert.equal(probe.scripts, 1, 'only the dashboard\u2019s script');
  assert.equal(probe.location, base + '/', 'the page navigated away');
  assert.deepEqual(log.dialogs, [], 'a dialog or popup opened');
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, [], 'console errors (a CSP violation means something tried to load or run)');
  assert.deepEqual(log.blocked, [], 'requests left 127.0.0.1');
  assert.ok(log.requests.every((u) => u.startsWith(base + '/') || u.startsWith('data:')), 'every request is to the server');
  live.keep = true; // the next test reuses the server and the page
});

test('the feed reconnects after a restart, without duplicates, and the posts are durable', { timeout: 120_000 }, async (t) => {
  assert.ok(live.keep, 'needs the server and page of the previous test');
  t.after(async () => {
    await live.server.stop();
    await live.browser.close();
    fs.rmSync(live.dir, { recursive: true, force: true });
  });
  const { page, log, base } = live;
  const before = await getJSON(base, '/api/v1/stats');
  const shownBefore = await page.locator('#alerts li.alert').count();
  const t0 = Date.now();
  const graceful = await live.server.stop();
  assert.ok(graceful, `SIGTERM did not stop the server within 10 s with the dashboard's alert stream open: ${live.server.output()}`);
  assert.ok(Date.now() - t0 < 10_000);
  await until('the page to see the stream drop', async () => (await dash.conn(page)) !== 'live', 15_000, 200);
  live.server = startServer(live.args);
  await waitHealthy(live.server, base);
  await until('the stream to reconnect', async () => (await dash.conn(page)) === 'live', 30_000);
  const afterStats = await getJSON(base, '/api/v1/stats');
  assert.equal(afterStats.posts, before.posts, 'posts survive a restart');
  await page.waitForTimeout(3000);
  const seqs = await page.locator('#alerts li.alert').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('data-seq'))));
  assert.ok(seqs.length >= shownBefore, 'the feed kept its alerts');
  assert.equal(new Set(seqs).size, seqs.length, 'no alert shown twice after the reconnect');
  const known = new Set();
  for (let after = 0; ;) {
    const page1 = await getJSON(base, `/api/v1/alerts?after=${after}&limit=1000`);
    if (!page1.length) break;
    for (const a of page1) known.add(a.seq);
    after = Math.max(...page1.map((a) => a.seq));
  }
  assert.ok(seqs.every((s) => known.has(s)), 'every alert shown is one the server has (sequence numbers survive a restart)');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // Fetches that failed while the server was down are network errors, not page errors.
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.dialogs, []);
  assert.deepEqual(log.blocked, []);
});

test('a public bind without a token is refused', { timeout: 60_000 }, async (t) => {
  requirePrerequisites();
  const dir = tmpdir('lockstep-serve-public-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const server = startServer(['--db', path.join(dir, 'db.sqlite'), '--bind', `0.0.0.0:${port}`]);
  t.after(() => server.stop());
  const done = await Promise.race([server.exited, sleep(20_000).then(() => null)]);
  assert.ok(done !== null, `lockstep serve kept running on 0.0.0.0 without a token: ${server.output()}`);
  assert.ok(done.code !== 0 && done.code !== null, `exit ${JSON.stringify(done)}: ${server.output()}`);
  assert.match(server.output(), /token/i, 'the message says a token is needed');
});

test('with --token, requests need it and /?token= opens the dashboard', { timeout: 180_000 }, async (t) => {
  requirePrerequisites();
  const dir = tmpdir('lockstep-serve-token-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  fs.writeFileSync(path.join(dir, 'serve.toml'), `[detection]\nrefresh = "${REFRESH}"\n`);
  const server = startServer(['--db', path.join(dir, 'db.sqlite'), '--bind', `127.0.0.1:${port}`,
    '--config', path.join(dir, 'serve.toml'), '--token', TOKEN]);
  t.after(() => server.stop());
  await waitHealthy(server, base);

  for (const [what, headers] of [['no token', {}], ['a wrong token', { authorization: 'Bearer wrong' }],
    ['a wrong cookie', { cookie: 'lockstep_token=wrong' }]]) {
    const r = await http(base + '/api/v1/stats', { headers });
    await r.arrayBuffer();
    assert.equal(r.status, 401, `stats with ${what}`);
    const p = await http(base + '/api/v1/ingest', { method: 'POST', body: 'message_id,user_id\n', headers });
    await p.arrayBuffer();
    assert.equal(p.status, 401, `ingest with ${what}`);
  }
  const ok = await getJSON(base, '/api/v1/stats', { authorization: 'Bearer ' + TOKEN });
  assert.equal(typeof ok.posts, 'number');

  const browser = await launch();
  t.after(() => browser.close());
  const { page, log } = await openDashboard(browser.context, base, '/?token=' + TOKEN);
  assert.equal(page.url(), base + '/', 'the token is swapped for a cookie and dropped from the address');
  await until('stats with the cookie', async () => (await page.locator('#stats-state').getAttribute('data-state')) === 'ok', 15_000);
  await until('the alert stream with the cookie', async () => (await dash.conn(page)) === 'live', 15_000);
  assert.ok(await page.locator('#banner').isHidden(), 'no authorisation banner');
  assert.equal(await dash.posts(page), '0');
  // Posts sent with the bearer token reach the page, and the report frame (sandboxed, so
  // its request is the only one not made by the page's own scripts) loads with the cookie.
  const sent = await ingest(base, hostileBatch(1_754_300_000), { authorization: 'Bearer ' + TOKEN });
  await until('the header to show the posts', async () => (await dash.posts(page)) === String(sent.new), 20_000);
  await page.waitForSelector('#report-frame[data-loaded]', { timeout: 60_000 });
  await until('the report in the frame', async () => {
    const f = page.frames().find((fr) => fr !== page.mainFrame() && fr.url().startsWith(base + '/report'));
    return f && (await f.evaluate(() => document.documentElement.getAttribute('data-report-ready')).catch(() => null)) === '1';
  }, 60_000);
  assert.deepEqual(log.consoleErrors.concat(log.pageErrors, log.dialogs, log.blocked), []);

  // Without the cookie the page says how to get in instead of failing silently.
  const other = await launch();
  t.after(() => other.close());
  const bare = await other.context.newPage();
  const res = await bare.goto(base + '/', { timeout: 30_000 });
  if (res.status() === 200) {
    await bare.waitForSelector('#banner:not([hidden])', { timeout: 15_000 });
  } else {
    assert.equal(res.status(), 401, 'the dashboard without a token');
  }
});
