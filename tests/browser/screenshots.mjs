// Screenshots of a report for the docs: node screenshots.mjs REPORT.html OUT_DIR
// Writes report-findings.png (the first screen), report-overview.png, report-campaign.png
// and report-network.png.
// The docs' screenshots are of `lockstep demo --out /tmp/demo` (h20 scenario), taken with
// a CJK font installed (Debian's fonts-wqy-zenhei), so Chinese text shows.
import path from 'node:path';
import { launch, openReport } from './lib.mjs';

const [report, outDir] = process.argv.slice(2);
if (!report || !outDir) {
  console.error('usage: node screenshots.mjs REPORT.html OUT_DIR');
  process.exit(2);
}
const browser = await launch();
try {
  const { page, log } = await openReport(browser.context, path.resolve(report));
  if (log.pageErrors.length || log.consoleErrors.length) throw new Error(JSON.stringify(log));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(outDir, 'report-findings.png') });
  await page.evaluate(() => { document.getElementById('overview').scrollIntoView({ block: 'start' }); window.scrollBy(0, -50); });
  await page.screenshot({ path: path.join(outDir, 'report-overview.png') });
  const rows = page.locator('tr.campaign-row');
  await rows.first().click();
  await page.locator('#campaign-detail').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -60));
  // Taller, so the members and the evidence pairs are in the picture too.
  await page.setViewportSize({ width: 1400, height: 1700 });
  await page.screenshot({ path: path.join(outDir, 'report-campaign.png') });
  await page.setViewportSize({ width: 1400, height: 900 });
  // The network with the top campaign's most connected member selected.
  await page.evaluate(() => {
    const { graph, selectNode } = window.lockstepReport;
    const data = JSON.parse(document.getElementById('data').textContent);
    const top = data.campaigns.length ? data.campaigns[0].id : 0;
    let best = null, deg = -1;
    graph.forEachNode((k) => {
      const d = graph.degree(k);
      if (data.graph.campaign[+k] === top && d > deg) { deg = d; best = k; }
    });
    selectNode(+best, false);
    document.getElementById('network').scrollIntoView({ block: 'start' });
    window.scrollBy(0, -50);
  });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(outDir, 'report-network.png') });
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
}
