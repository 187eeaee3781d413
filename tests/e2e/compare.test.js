// Comparing runs: each finished run of the visit is kept when the next starts, listed with
// what it reached (newest first) and drawn faintly under the next one's curves.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const DIST = path.join(__dirname, '..', '..', 'dist');
let server;
before(async () => { server = await serve(DIST); });
after(async () => server && server.close());

test('earlier runs stay to compare: listed newest first, faint in the chart, forgotten on request', { timeout: 300_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    const runs = () => lab.page.locator('[data-testid=earlier-runs] tbody tr th').allTextContents();
    await lab.choosePreset('poc8');
    await lab.setField('epochs', 1);
    await lab.setField('iterations_per_epoch', 20);
    await lab.setField('batch_size', 64);
    const train = async (seed) => {
      await lab.setField('seed', seed);
      await lab.start();
      await lab.waitForDone(120_000);
    };
    await train(1);
    assert.equal(await lab.by('earlier-runs').count(), 0, 'nothing earlier yet');
    const alone = await lab.inkedPixels();
    await train(2);
    assert.deepEqual(await runs(), ['poc8, seed 1']);
    // The earlier run's curves are drawn too: more ink than one run's.
    assert.ok(await lab.inkedPixels() > alone, 'the earlier curves are not drawn');
    // A reset forgets the current run, not the earlier ones; an unfinished run is not kept.
    await lab.by('reset').click();
    await train(3);
    assert.deepEqual(await runs(), ['poc8, seed 1']);
    await train(4);
    assert.deepEqual(await runs(), ['poc8, seed 3', 'poc8, seed 1']);
    const cells = await lab.page.locator('[data-testid=earlier-runs] tbody tr:first-child td').allTextContents();
    assert.match(cells[0], /^\d+\.\d\d %$/);
    await lab.screenshot('earlier-runs');
    assert.equal(await lab.sidewaysOnPhone(), 0, 'the earlier runs make the page scroll sideways on a phone');
    await lab.by('forget-earlier').click();
    assert.equal(await lab.by('earlier-runs').count(), 0);
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});
