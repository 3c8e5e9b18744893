// Benchmark: time for headless Chromium to open a report and draw its network.
// usage: node bench-open.mjs REPORT.html [RUNS]   (prints one JSON line per run)
import fs from 'node:fs';
import path from 'node:path';
import { launch, openReport, inkShare } from './lib.mjs';

const [report, runsArg] = process.argv.slice(2);
if (!report) {
  console.error('usage: node bench-open.mjs REPORT.html [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 3);
const bytes = fs.statSync(report).size;
let failed = false;
for (let r = 0; r < runs; r++) {
  const browser = await launch();
  try {
    const t0 = Date.now();
    const { page, log } = await openReport(browser.context, path.resolve(report), { timeout: 120_000 });
    const ready = Date.now() - t0;
    // Drawn: the network view has visible ink (checked on a screenshot of the canvas).
    const ink = inkShare(await page.locator('#sigma').screenshot());
    const drawn = Date.now() - t0;
    const info = await page.evaluate(() => ({ nodes: window.lockstepReport.graph.order, edges: window.lockstepReport.graph.size }));
    const ok = ink > 0.01 && log.pageErrors.length === 0 && log.consoleErrors.length === 0;
    failed ||= !ok;
    console.log(JSON.stringify({ run: r + 1, bytes, nodes: info.nodes, edges: info.edges, ready_s: ready / 1000, open_and_draw_s: drawn / 1000, ink: Number(ink.toFixed(4)), errors: log.pageErrors.concat(log.consoleErrors) }));
  } finally {
    await browser.close();
  }
}
process.exit(failed ? 1 : 0);
