// Prints how long the built page takes to draw its controls (the Start button) after
// navigation, and the long tasks (> 50 ms) on its thread while it opens: ROUNDS page loads
// in each of BROWSERS just-started browsers (the first page of each is the slowest: nothing
// of the page is cached or compiled yet). `DIST=dist BROWSERS=3 ROUNDS=2 node tests/e2e/load.js`
// after building. Two clocks: `controls_drawn_ms` from the test's `goto` (what the e2e tests
// print, with the browser's own navigation work), `in_page_ms` the page's clock
// (`performance.now()`, from its navigation start), with first contentful paint beside it.
'use strict';
const path = require('node:path');
const { serve } = require('./server');
const { launch } = require('./lab_page');

const DIST = process.env.DIST || path.join(__dirname, '..', '..', 'dist');
const ROUNDS = Number(process.env.ROUNDS || 5);
const BROWSERS = Number(process.env.BROWSERS || 1);

(async () => {
  const server = await serve(DIST);
  try {
    for (let b = 0; b < BROWSERS; b++) {
      const browser = await launch({ webgpu: false });
      await browser.context.addInitScript(() => {
        self.longTasks = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => self.longTasks.push([Math.round(e.startTime), Math.round(e.duration)])))
          .observe({ type: 'longtask', buffered: true });
        new MutationObserver((_, observer) => {
          if (document.querySelector('[data-testid=start]')) {
            self.controlsAt = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const page = await browser.context.newPage();
          const started = Date.now();
          await page.goto(server.url);
          await page.getByTestId('start').waitFor();
          const drawn = Date.now() - started;
          await page.waitForTimeout(3000);
          const seen = await page.evaluate(() => ({
            in_page_ms: Math.round(self.controlsAt),
            first_contentful_paint_ms: Math.round((performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime),
            long_tasks_start_and_ms: self.longTasks,
          }));
          console.log(JSON.stringify({ browser: b, round, controls_drawn_ms: drawn, ...seen }));
          await page.close();
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
})();
