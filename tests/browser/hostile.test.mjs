// Hostile text is the norm in this field: an operation can plant markup in its posts,
// handles and links to attack the analyst who opens the report. This test builds an input
// whose coordinated ring posts, reposts and links hostile strings (so they reach the
// campaigns, the evidence, the network labels and the post panels), analyses it, opens
// the report in headless Chromium and asserts that nothing executes: no script, no
// dialog, no request leaving the page, no injected element, and the canary stays unset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openReport, lockstep, tmpdir } from './lib.mjs';

// Each payload tries to set window.__pwned and to open a dialog, or to make a request.
export const HOSTILE = [
  '<script>window.__pwned=1;alert(1)</script>',
  '</script><script>window.__pwned=2;alert(2)</script>',
  '</SCRIPT ><script >window.__pwned=3</script >',
  '<img src=x onerror="window.__pwned=4;alert(4)">',
  '<svg onload="window.__pwned=5;alert(5)"><script>window.__pwned=5</script></svg>',
  '<svg><animate onbegin="window.__pwned=6" attributeName=x dur=1s>',
  '"><iframe src="javascript:window.top.__pwned=7;alert(7)"></iframe>',
  '<a href="javascript:window.__pwned=8;alert(8)">open</a>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(9)">',
  '<!--<script>window.__pwned=10</script>-->',
  '<style>@import url(http://127.0.0.1:9/leak.css);body{background:url(http://127.0.0.1:9/bg.png)}</style>',
  '<img src="http://127.0.0.1:9/pixel.png"><link rel=stylesheet href="http://127.0.0.1:9/x.css">',
  '<base href="http://127.0.0.1:9/"><form action="http://127.0.0.1:9/"><button>go</button></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=11">',
  '<details open ontoggle="window.__pwned=12;alert(12)">x</details>',
  '<object data="javascript:window.__pwned=13"></object><embed src="javascript:window.__pwned=13">',
  '\u2028\u2029\');window.__pwned=14;//',
  '${window.__pwned=15}`;window.__pwned=15;`',
  '{{SCRIPTS}}{{DATA}}{{CSP}}',
  '\u202Egnp.exe\u202C \u2066isolate\u2069 zero\u200Bwidth \uFEFFbom',
  '\\u003cscript\\u003ewindow.__pwned=16\\u003c/script\\u003e',
  '<template><script>window.__pwned=17</script></template><noscript><p title="</noscript><img src=x onerror=window.__pwned=17>">',
];
const HOSTILE_URLS = [
  'javascript:window.__pwned=20;alert(20)',
  'JaVaScRiPt:alert(21)',
  'data:text/html,<script>alert(22)</script>',
  'http://127.0.0.1:9/"><script>window.__pwned=23</script>',
  'vbscript:msgbox(24)',
];
const HOSTILE_NAMES = [
  '<img src=x onerror=window.__pwned=30>',
  '</script><script>window.__pwned=31</script>',
  '\u202Enimda',
  '__proto__',
  'constructor',
  '"onmouseover="window.__pwned=32',
  '<svg/onload=window.__pwned=33>',
  'javascript:alert(34)',
  'x'.repeat(5000) + '<script>window.__pwned=35</script>',
  'toString',
];
const MEGABYTE = 'A'.repeat(1 << 20) + '<script>window.__pwned=40;alert(40)</script>';

function csvField(s) {
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** The toolkit's CSV: a background of ordinary accounts and a ring of 10 posting hostile text. */
function hostileInput(file) {
  const rows = ['message_id,user_id,username,repost_id,reply_id,message,timestamp,urls'];
  let id = 5_000_000;
  const t0 = 1_754_006_400;
  const row = (user, name, repost, reply, text, ts, urls) =>
    rows.push([String(id++), String(user), name, repost, reply, text, String(ts), urls].map(csvField).join(','));
  // Background: 200 accounts with ordinary, distinct posts spread over four days.
  for (let u = 0; u < 200; u++) {
    for (let k = 0; k < 15; k++) {
      row(100 + u, `plain_${u}`, '', '', `ordinary post ${u}-${k} about the weather number ${(u * 31 + k * 17) % 997}`,
        t0 + ((u * 7919 + k * 104729) % (4 * 86400)), k % 5 === 0 ? `https://news.example/${u}/${k}` : '');
    }
  }
  // The ring: 10 accounts with hostile handles. In each of 16 rounds one posts a hostile
  // text with hostile links, the others copy it and repost it within seconds.
  const ring = Array.from({ length: 10 }, (_, i) => ({ user: 900 + i, name: HOSTILE_NAMES[i] }));
  for (let r = 0; r < 16; r++) {
    const base = t0 + 3600 + r * 5400;
    // Every round also carries the invisible and direction-changing characters.
    const text = HOSTILE[r % HOSTILE.length] + ' ' + HOSTILE[(r + 7) % HOSTILE.length] + ' ' + HOSTILE[19] + (r === 3 ? MEGABYTE : '');
    const urls = `${HOSTILE_URLS[r % HOSTILE_URLS.length]} https://ring.example/${r}`;
    const seedId = id;
    row(ring[0].user, ring[0].name, '', '', text, base, urls);
    ring.forEach((a, i) => {
      if (i > 0) row(a.user, a.name, '', '', text, base + i, urls);
    });
    ring.forEach((a, i) => {
      if (i > 0) row(a.user, a.name, String(seedId), '', 'RT ' + text, base + 20 + i, '');
    });
  }
  // Records that are rejected carry hostile text into rejected.jsonl and the overview.
  rows.push(['x1', '<script>window.__pwned=50</script>', 'bad', '', '', HOSTILE[0], 'not-a-time', ''].map(csvField).join(','));
  rows.push(['x2', '1', HOSTILE[3], '', '', HOSTILE[1], '', HOSTILE_URLS[0]].map(csvField).join(','));
  fs.writeFileSync(file, rows.join('\n') + '\n');
}

let browser, dir, out;

before(async () => {
  dir = tmpdir('lockstep-report-hostile-');
  hostileInput(path.join(dir, 'hostile.csv'));
  out = path.join(dir, 'out');
  lockstep('analyze', path.join(dir, 'hostile.csv'), '--out', out);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the hostile strings reached the campaigns, evidence and posts', () => {
  const campaigns = JSON.parse(fs.readFileSync(path.join(out, 'campaigns.json'), 'utf8')).campaigns;
  assert.ok(campaigns.length >= 1, 'the ring is a campaign');
  const ev = fs.readFileSync(path.join(out, 'evidence.csv'), 'utf8');
  assert.ok(ev.includes('<script>window.__pwned=1'), 'hostile text is in the evidence');
  const accounts = fs.readFileSync(path.join(out, 'accounts.csv'), 'utf8');
  assert.ok(accounts.includes('<img src=x onerror=window.__pwned=30>'), 'hostile handles are campaign members');
  assert.ok(fs.existsSync(path.join(out, 'rejected.jsonl')), 'bad records were quarantined');
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.ok(html.length < 20 << 20, `the megabyte strings were cut (${html.length} bytes)`);
  // No hostile markup survives as markup in the file.
  for (const needle of ['<script>window.__pwned', '</script><script>window', '<img src=x', '<svg onload', '<iframe', '{{SCRIPTS}}<']) {
    assert.ok(!html.includes(needle), `raw ${needle} in report.html`);
  }
  assert.equal((html.match(/<script/g) || []).length, 5, 'only the report\u2019s own script elements');
});

test('nothing executes, opens or connects', async () => {
  const { page, log } = await openReport(browser.context, path.join(out, 'report.html'));
  // Walk every campaign and open the panel of every ring account, so each hostile string
  // is rendered in every place it can appear.
  const rows = await page.locator('tr.campaign-row').count();
  for (let i = 0; i < rows; i++) {
    await page.locator('tr.campaign-row').nth(i).click();
    assert.ok((await page.locator('#campaign-detail table.evidence tbody tr').count()) > 0);
  }
  const nodes = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('data').textContent);
    return data.graph.campaign.map((c, i) => [c, i]).filter(([c]) => c > 0).map(([, i]) => i);
  });
  for (const n of nodes) {
    await page.evaluate((k) => window.lockstepReport.selectNode(k, true), n);
  }
  for (const q of ['<img', 'script', '__proto__', 'constructor', '\u202E']) {
    await page.fill('#search', q);
    const hit = page.locator('#search-results button').first();
    if (await hit.count()) await hit.click();
  }
  await page.locator('details').evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
  await page.mouse.move(300, 300);
  await page.waitForTimeout(500);

  const probe = await page.evaluate(() => ({
    pwned: window.__pwned,
    injected: document.querySelectorAll('img, iframe, object, embed, link, base, form, meta[http-equiv="refresh"], template, math, details[ontoggle], [onerror], [onload], [onclick], [onmouseover], [onbegin], a[href^="javascript" i]').length,
    scripts: document.scripts.length,
    location: location.href,
    text: document.body.innerText,
    marks: Array.from(document.querySelectorAll('.cc')).map((e) => e.textContent),
  }));
  assert.equal(probe.pwned, undefined, 'the canary was set: a payload ran');
  assert.deepEqual(log.dialogs, [], 'a dialog opened');
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, [], 'console errors (a CSP violation means something tried to load or run)');
  assert.deepEqual(log.requests, [], 'requests left the page');
  assert.deepEqual(log.blocked, []);
  assert.equal(probe.injected, 0, 'elements from the data were injected');
  assert.equal(probe.scripts, 5);
  assert.ok(probe.location.startsWith('file:'), `navigated away to ${probe.location}`);
  // The payloads are shown as text, visibly.
  assert.ok(probe.text.includes('<script>window.__pwned=1;alert(1)</script>'), 'hostile text is shown as text');
  assert.ok(probe.text.includes('<img src=x onerror=window.__pwned=30>'), 'hostile handle is shown as text');
  assert.ok(probe.text.includes('javascript:window.__pwned=20'), 'hostile link is shown as text');
  assert.ok(probe.marks.includes('U+202E'), 'right-to-left override shown as a mark');
  assert.ok(probe.marks.includes('U+200B'), 'zero-width space shown as a mark');
  assert.match(probe.text, /cut: \d{7} characters/, 'the megabyte post was cut');
  await page.close();
});
