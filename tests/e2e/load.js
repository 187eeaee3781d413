// Prints how long the built page takes to draw its controls (the Start button) after
// navigation, and the long tasks (> 50 ms) on its thread while it opens, for ROUNDS page
// loads in one browser. `DIST=dist ROUNDS=5 node tests/e2e/load.js` after building.
'use strict';
const path = require('node:path');
const { serve } = require('./server');
const { launch } = require('./lab_page');

const DIST = process.env.DIST || path.join(__dirname, '..', '..', 'dist');
const ROUNDS = Number(process.env.ROUNDS || 5);

(async () => {
  const server = await serve(DIST);
  const browser = await launch({ webgpu: false });
  await browser.context.addInitScript(() => {
    self.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => self.longTasks.push([Math.round(e.startTime), Math.round(e.duration)])))
      .observe({ type: 'longtask', buffered: true });
  });
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const page = await browser.context.newPage();
      const started = Date.now();
      await page.goto(server.url);
      await page.getByTestId('start').waitFor();
      const drawn = Date.now() - started;
      await page.waitForTimeout(3000);
      const longTasks = await page.evaluate(() => self.longTasks);
      console.log(JSON.stringify({ round, controls_drawn_ms: drawn, long_tasks_start_and_ms: longTasks }));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
})();
