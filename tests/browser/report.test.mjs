// The report of `lockstep demo` in headless Chromium: it opens without errors, the
// network draws, a click on a campaign shows its evidence, search finds an account, and a
// click on a node shows its posts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, openReport, lockstep, tmpdir, inkShare, colourCount } from './lib.mjs';

let browser, dir, report;

before(async () => {
  dir = tmpdir('lockstep-report-demo-');
  lockstep('demo', '--out', dir);
  report = path.join(dir, 'results', 'report.html');
  assert.ok(fs.existsSync(report), 'demo wrote report.html');
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the report opens offline with no errors and no requests', async () => {
  const { page, log } = await openReport(browser.context, report);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.dialogs, []);
  assert.deepEqual(log.requests, []);
  // Every section drew.
  const broken = await page.locator('text=could not be drawn').count();
  assert.equal(broken, 0);
  const cards = await page.locator('#overview .card').count();
  assert.ok(cards >= 5, `overview cards: ${cards}`);
  const campaigns = await page.locator('tr.campaign-row').count();
  assert.ok(campaigns >= 1, 'at least one campaign listed');
  assert.match(await page.locator('#overview').innerText(), /Parameters used/);
  // The analysis wrote narratives.json and echo.json: their sections are shown.
  if (fs.existsSync(path.join(dir, 'results', 'narratives.json'))) {
    assert.ok(await page.locator('#narratives').isVisible());
    assert.ok((await page.locator('tr.narrative-row').count()) > 0, 'narratives listed');
    assert.ok((await page.locator('#narrative-detail .chart svg').count()) >= 1, 'narrative timeline drawn');
  }
  if (fs.existsSync(path.join(dir, 'results', 'echo.json'))) assert.ok(await page.locator('#echo').isVisible());
  await page.close();
});

test('the first screen (1400x900) shows the findings, not parameters', async () => {
  const { page, log } = await openReport(browser.context, report);
  assert.deepEqual(log.pageErrors, []);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const findings = page.locator('#findings');
  assert.ok(await findings.isVisible(), 'findings section shown');
  const box = await findings.boundingBox();
  assert.ok(box && box.y < 150, `findings start at ${box && box.y}`);
  // The headline names the campaigns; the first rows of the table of campaigns are on the
  // first screen, with a label in words and the strongest evidence.
  const headline = await page.locator('#findings .headline').innerText();
  assert.match(headline, /\d+ campaigns?/);
  const rows = page.locator('#findings tr.finding-row');
  assert.ok((await rows.count()) >= 1, 'campaigns listed in the findings');
  const first = await rows.first().boundingBox();
  assert.ok(first && first.y + first.height <= 900, 'the strongest campaign is on the first screen');
  const cells = await rows.first().locator('td').allInnerTexts();
  assert.match(cells[0], /^Campaign \d+$/);
  assert.match(cells[1], /(copy-paste|repost ring|link ring|hashtag push|reply swarm|boost ring|cross-platform|mixed), \d+ accounts?/);
  assert.match(cells[3], /apart/);
  // Parameters are folded away below the findings.
  const params = page.locator('#overview h3', { hasText: 'Parameters used' });
  assert.equal(await params.isVisible(), false, 'parameters are not shown until opened');
  const overview = await page.locator('#overview').boundingBox();
  assert.ok(overview.y > box.y, 'overview comes after the findings');
  // A link in the findings opens its campaign.
  const link = page.locator('#findings button[data-link^="#campaign-"]').first();
  const target = (await link.getAttribute('data-link')).replace('#campaign-', '');
  await link.click();
  assert.equal(await page.locator('#campaign-detail').getAttribute('data-campaign'), target);
  assert.match(await page.locator('#campaign-detail h3').first().innerText(), new RegExp(`Campaign ${target}: `));
  await page.close();
});

test('report.html#campaign-N opens that campaign', async () => {
  const { page } = await openReport(browser.context, report);
  const ids = await page.locator('tr.campaign-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-campaign')));
  const last = ids[ids.length - 1];
  await page.goto(`${page.url().split('#')[0]}#campaign-${last}`);
  await page.reload();
  await page.waitForSelector('html[data-report-ready="1"]');
  assert.equal(await page.locator('#campaign-detail').getAttribute('data-campaign'), last);
  await page.close();
});

test('the network draws', async () => {
  const { page } = await openReport(browser.context, report);
  const info = await page.evaluate(() => ({
    nodes: window.lockstepReport.graph.order,
    edges: window.lockstepReport.graph.size,
    canvases: document.querySelectorAll('#sigma canvas').length,
  }));
  assert.ok(info.nodes > 10, `nodes: ${info.nodes}`);
  assert.ok(info.edges > 10, `edges: ${info.edges}`);
  assert.ok(info.canvases >= 2, `sigma canvases: ${info.canvases}`);
  const shot = await page.locator('#sigma').screenshot();
  const ink = inkShare(shot);
  assert.ok(ink > 0.01, `drawn share of the network view: ${ink}`);
  assert.ok(colourCount(shot) >= 4, 'nodes are coloured by campaign');
  await page.close();
});

test('a click on a campaign shows its evidence', async () => {
  const { page } = await openReport(browser.context, report);
  const rows = page.locator('tr.campaign-row');
  const n = await rows.count();
  const target = rows.nth(n > 1 ? 1 : 0);
  const cid = await target.getAttribute('data-campaign');
  await target.click();
  const detail = page.locator('#campaign-detail');
  assert.equal(await detail.getAttribute('data-campaign'), cid);
  assert.match(await detail.locator('h3').first().innerText(), new RegExp(`Campaign ${cid}\\b`));
  const evidence = detail.locator('table.evidence tbody tr');
  const count = await evidence.count();
  assert.ok(count > 0, 'evidence rows shown');
  // Evidence rows carry times and post texts.
  const first = await evidence.first().locator('td').allInnerTexts();
  assert.match(first[2], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(first[4].trim().length > 0 || first[7].trim().length > 0, 'post text shown');
  // The charts are there.
  assert.ok((await detail.locator('.chart svg').count()) >= 2, 'hour-of-day and lag charts');
  assert.ok((await detail.locator('.chart svg rect').count()) > 24);
  await page.close();
});

test('search finds an account and shows its posts', async () => {
  const { page } = await openReport(browser.context, report);
  const pick = await page.evaluate(() => {
    const g = window.lockstepReport;
    const data = JSON.parse(document.getElementById('data').textContent);
    const G = data.graph;
    const i = G.campaign.findIndex((c) => c > 0);
    return { id: G.id[i], label: G.label[i], node: i };
  });
  await page.fill('#search', pick.label);
  const result = page.locator(`#search-results button[data-node="${pick.node}"]`);
  await result.waitFor();
  await result.click();
  const panel = page.locator('#node-panel');
  assert.equal(await panel.getAttribute('data-node'), String(pick.node));
  const text = await panel.innerText();
  assert.ok(text.includes(pick.id), 'panel names the account');
  assert.ok((await panel.locator('.post').count()) > 0, 'panel lists the account\u2019s posts');
  await page.close();
});

test('a click on a node in the canvas opens its panel', async () => {
  const { page } = await openReport(browser.context, report);
  await page.locator('#sigma').scrollIntoViewIfNeeded();
  const target = await page.evaluate(() => {
    const { graph, renderer } = window.lockstepReport;
    // The node with the highest degree, in viewport coordinates.
    let best = null, deg = -1;
    graph.forEachNode((k) => { const d = graph.degree(k); if (d > deg) { deg = d; best = k; } });
    const dd = renderer.getNodeDisplayData(best);
    const vp = renderer.framedGraphToViewport(dd);
    const box = document.getElementById('sigma').getBoundingClientRect();
    return { key: best, x: box.left + vp.x, y: box.top + vp.y };
  });
  await page.mouse.click(target.x, target.y);
  const panel = page.locator('#node-panel');
  await page.waitForFunction(() => document.getElementById('node-panel').hasAttribute('data-node'));
  assert.equal(await panel.getAttribute('data-node'), target.key);
  await page.close();
});

test('narratives and echo render when the analysis wrote them', async () => {
  // A copy of the demo results with narratives.json and echo.json in the documented shape
  // (crates/lockstep-report/README.md), re-rendered with `lockstep report`.
  const copy = tmpdir('lockstep-report-narratives-');
  try {
    for (const f of fs.readdirSync(path.join(dir, 'results'))) {
      if (f !== 'report.html') fs.copyFileSync(path.join(dir, 'results', f), path.join(copy, f));
    }
    fs.writeFileSync(path.join(copy, 'narratives.json'), JSON.stringify({
      narratives: [{
        id: 1, label: 'American chips, American control', terms: ['后门', 'backdoor', '<b>H20</b>'],
        posts: 1234, accounts: 321, campaigns: [1, 2],
        timeline: { start: '2025-08-01T00:00:00Z', bin_s: 3600, counts: Array.from({ length: 96 }, (_, i) => (i * 37) % 50) },
        bursts: [{ start: '2025-08-01T10:00:00Z', end: '2025-08-01T14:00:00Z', posts: 400, score: 8.1 }],
        templates: [{ id: 7, text: '美国芯片，美国控制 <script>window.__pwned=1</script>', posts: 120 }],
        novel_field: { nested: [1, 2, 3] },
      }],
    }));
    fs.writeFileSync(path.join(copy, 'echo.json'), JSON.stringify({
      references: [{ id: 'ref-1', source: "People's Daily", title: 'H20 backdoor', url: 'javascript:window.__pwned=2', echoes: 40, median_lag_s: 3600 }],
      seed_accounts: [{ account_id: '123', handle: '<img src=x onerror=window.__pwned=3>', found: true, campaign_id: 1 }],
    }));
    lockstep('report', copy);
    const { page, log } = await openReport(browser.context, path.join(copy, 'report.html'));
    assert.ok(await page.locator('#narratives').isVisible());
    assert.ok(await page.locator('#echo').isVisible());
    const n = await page.locator('#narratives').innerText();
    assert.match(n, /American chips, American control/);
    assert.match(n, /美国芯片，美国控制 <script>/);
    assert.match(n, /novel_field/);
    assert.equal(await page.locator('#narratives .chart svg').count(), 1, 'timeline chart');
    assert.ok((await page.locator('#narratives .chart rect').count()) >= 96);
    const e = await page.locator('#echo').innerText();
    assert.match(e, /People's Daily/);
    assert.match(e, /javascript:window.__pwned=2/);
    assert.match(e, /<img src=x onerror=window.__pwned=3>/);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('text=could not be drawn').count(), 0);
    assert.deepEqual(log.consoleErrors.concat(log.pageErrors, log.dialogs, log.requests), []);
    await page.close();
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
