// "Train 8 ciphers at once": a teacher trains the form's settings with 8 seeds, watches a
// small chart per cipher, pauses and resumes, reads the results side by side, hands the
// strongest to the message form, reloads (nothing is lost); then starts again, stops
// half-way and reloads.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

let server;
before(async () => { server = await serve(path.join(__dirname, '..', '..', 'dist')); });
after(async () => server && server.close());

const status = (lab) => lab.by('population-status').textContent();

/** Waits until the population is done or stopped; returns its status line. */
async function waitForEnd(lab, timeout) {
  await lab.page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=population-status]')?.textContent || '';
    return s.startsWith('Done') || s.startsWith('Stopped');
  }, null, { timeout, polling: 250 });
  return status(lab);
}

test('eight ciphers train at once, side by side, and the strongest goes to the message form', { timeout: 900_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    const start = lab.by('population-start');
    // poc8's extra dense layer is not something a population trains: refused by name.
    await lab.choosePreset('poc8');
    assert.ok(await start.isDisabled());
    assert.match(await lab.by('population-why-not').textContent(), /cannot train as a population: .*extra_dense/);
    // seed16 with Adam at a higher rate for 4 epochs: some seeds give a cipher Bob reads,
    // some fail (natively seeds 1–4 gave Bob 88, 50, 95, 97 %).
    await lab.choosePreset('seed16');
    await lab.by('input-optimizer').selectOption('adam');
    await lab.setField('ab_learning_rate', 0.004);
    await lab.setField('eve_learning_rate', 0.004);
    await lab.setField('epochs', 4);
    assert.match(await status(lab), /the settings above with seeds 1 to 8/);
    await lab.by('population-steps').fill('0');
    assert.ok(await start.isDisabled(), 'a bad budget is refused');
    await lab.by('population-steps').fill('40');
    const began = Date.now();
    await start.click();
    await lab.page.waitForFunction(() => /training 8 ciphers: iteration [1-9]/.test(document.querySelector('[data-testid=population-status]').textContent));
    assert.equal(await lab.page.locator('[data-testid^=population-member-]').count(), 8);
    assert.ok(await lab.startDisabled(), 'one training at a time: the lab waits');
    // Pause holds every member; resume goes on.
    await lab.by('population-pause').click();
    await lab.page.waitForTimeout(400);
    const held = await status(lab);
    assert.match(held, /^paused · training 8 ciphers/);
    await lab.page.waitForTimeout(1500);
    assert.equal(await status(lab), held, 'nothing trains while paused');
    await lab.by('population-pause').click();
    const end = await waitForEnd(lab, 800_000);
    console.log(`population of 8 (seed16, Adam 0.004, 4 epochs, 40 attacker steps): ${((Date.now() - began) / 1000).toFixed(1)} s; ${end}`);
    assert.match(end, /^Done: 8 ciphers trained in \d+:\d\d; \d+ that Bob reads attacked/);
    assert.ok(!(await lab.startDisabled()), 'the lab can train again');
    // Every cipher has its curves.
    for (let k = 0; k < 8; k++) {
      assert.ok(await lab.inkedPixels(`population-chart-${k}`) > 100, `member ${k} has no curves`);
    }
    // The table: a row per seed, a failure where Bob reads under 90 %, else the best attacker.
    const rows = lab.page.locator('[data-testid=population-table] tbody tr');
    assert.equal(await rows.count(), 8);
    const table = [];
    for (let k = 0; k < 8; k++) {
      const cells = await rows.nth(k).locator('th, td').allTextContents();
      const bob = Number.parseFloat(cells[1]);
      assert.equal(cells[0], String(k + 1));
      if (bob < 90) {
        assert.equal(cells[4], 'not attacked (Bob fails)');
        table.push(null);
      } else {
        const m = /^(\d+\.\d\d) \((.+), (\d+) steps\)$/.exec(cells[4]);
        assert.ok(m, `row ${k}: ${cells[4]}`);
        assert.ok(Number(m[3]) <= 40, 'at most the screening budget');
        table.push(Number(m[1]));
      }
    }
    console.log('best attacker bits wrong per seed:', JSON.stringify(table));
    const usable = table.filter((b) => b !== null);
    const strongest = await lab.by('population-strongest').textContent();
    if (usable.length === 0) {
      assert.match(strongest, /None of the 8 is usable/);
    } else {
      // The strongest is the usable seed whose best attacker reads least.
      const best = Math.max(...usable);
      const seed = table.indexOf(best) + 1;
      assert.match(strongest, new RegExp(`^The strongest: seed ${seed} — its best attacker \\(.+, \\d+ steps\\) gets ${best.toFixed(2)} bits wrong of 16`));
      assert.match(await lab.by(`population-member-${seed - 1}`).textContent(), /the strongest/);
      await lab.by('population-use-strongest').click();
      await lab.page.waitForFunction((s) => new RegExp(`seed ${s}, one of 8 ciphers trained at once`).test(document.querySelector('[data-testid=model-info]').textContent), seed);
      const info = await lab.by('model-info').textContent();
      assert.match(info, /the best of 7 fresh attackers \(.+, \d+ steps\) gets \d+\.\d\d bits wrong of 16/);
      assert.match(await lab.by('population-use-strongest').textContent(), new RegExp(`The message form uses seed ${seed}`));
    }
    await lab.screenshotOf('population', 'population');
    assert.equal(await lab.sidewaysOnPhone(), 0, 'the page scrolls sideways on a phone');
    await lab.screenshotOf('population', 'population-phone');
    await lab.page.setViewportSize({ width: 1200, height: 900 });
    // A reload brings it all back: the table, the strongest, every chart.
    const before = await rows.allTextContents();
    const strongestBefore = await lab.by('population-strongest').textContent();
    await lab.page.reload();
    await lab.by('population-table').waitFor();
    assert.match(await status(lab), /^Done: 8 ciphers trained in .*\(Restored after a reload\.\)$/);
    assert.deepEqual(await rows.allTextContents(), before);
    assert.equal(await lab.by('population-strongest').textContent(), strongestBefore);
    for (let k = 0; k < 8; k++) {
      assert.ok(await lab.inkedPixels(`population-chart-${k}`) > 100, `member ${k} lost its curves`);
    }
    assert.deepEqual(await lab.axeViolations('[data-testid=population]'), [], 'axe-core on the results');
    // Again, and stopped half-way: what was trained stays, the lab is free.
    await start.click();
    await lab.page.waitForFunction(() => /training 8 ciphers: iteration (\d{3,}) of/.test(document.querySelector('[data-testid=population-status]').textContent));
    await lab.by('population-stop').click();
    assert.match(await waitForEnd(lab, 10_000), /^Stopped: you stopped it/);
    assert.ok(await lab.inkedPixels('population-chart-0') > 50, 'the stopped curves are kept');
    // No card still says it trains.
    const cards = await lab.page.locator('[data-testid^=population-member-] .verdict').allTextContents();
    assert.equal(cards.length, 8);
    assert.deepEqual(cards.filter((c) => /training…|at work/.test(c)), [], 'a stopped card still says it trains');
    assert.ok(cards.every((c) => /stopped before it finished training/.test(c)), JSON.stringify(cards));
    assert.ok(!(await start.isDisabled()) && !(await lab.startDisabled()));
    await lab.page.reload();
    await lab.by('population-chart-0').waitFor();
    assert.match(await status(lab), /^Stopped: you stopped it\. .*\(Restored after a reload\.\)$/);
    assert.ok(await lab.inkedPixels('population-chart-0') > 50, 'the stopped curves come back');
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});
