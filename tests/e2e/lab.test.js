// End-to-end tests of the page in headless Debian Chromium: on the CPU fallback (no
// WebGPU adapter) and, where this browser gives one, on WebGPU. Needs `dist/` built
// (scripts/test.sh builds it). Screenshots go to target/e2e/.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const DIST = path.join(__dirname, '..', '..', 'dist');
let server;

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'build the page first (trunk build)');
  server = await serve(DIST);
});
after(async () => server && server.close());

/** A short poc8 run the tests can wait for. */
async function shortRun(lab, { epochs = 1, iterations = 30, batch = 128 } = {}) {
  await lab.choosePreset('poc8');
  await lab.setField('epochs', epochs);
  await lab.setField('iterations_per_epoch', iterations);
  await lab.setField('batch_size', batch);
}

/** The run's losses as the page's CSV download gives them: one [ab, bob, eve] per iteration. */
async function lossRows(lab) {
  const [download] = await Promise.all([lab.page.waitForEvent('download'), lab.by('save-csv').click()]);
  const rows = fs.readFileSync(await download.path(), 'utf8').trim().split('\n').slice(1);
  return rows.map((row) => row.split(',').slice(1).map(Number));
}

test('the static server serves dist/ given a relative path, as scripts/setup.sh does', async () => {
  const local = await serve(path.relative(process.cwd(), DIST) || '.');
  try {
    const page = await fetch(local.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Alice, Bob and Eve/);
    const model = await fetch(`${local.url}models/poc8.bin`);
    assert.equal(model.status, 200);
    assert.equal((await fetch(`${local.url}nothing-here`)).status, 404);
  } finally {
    await local.close();
  }
});

test('the dist JS glue has no command_export wrappers (constructors run once)', () => {
  const glue = fs.readdirSync(DIST).filter((f) => f.endsWith('.js'));
  assert.ok(glue.length > 0, 'no JS glue in dist/');
  for (const f of glue) {
    const text = fs.readFileSync(path.join(DIST, f), 'utf8');
    assert.ok(!text.includes('command_export'), `${f} wraps exports in __wasm_call_ctors`);
  }
});

test('CPU fallback: loads cleanly, validates, trains, pauses, evaluates and audits', { timeout: 600_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, server.url);
    console.log(`controls drawn ${lab.paintMs} ms after navigation by the page's clock (first contentful paint), seen by the test after ${lab.loadMs} ms`);
    assert.match(await lab.by('toy-warning').textContent(), /not encryption/i);

    // Invalid input: Start disabled, the core's message beside the field; fixed: enabled.
    await lab.setField('batch_size', '0');
    assert.equal(await lab.startDisabled(), true);
    assert.match(await lab.errorOf('batch_size'), /^Batch size = 0 is not allowed/);
    await lab.setField('batch_size', 'many');
    assert.match(await lab.errorOf('batch_size'), /whole number/);
    await lab.setField('ab_learning_rate', '-1');
    assert.equal(await lab.startDisabled(), true);
    await lab.screenshot('invalid-input');
    await lab.setField('ab_learning_rate', '0.001');
    await lab.setField('batch_size', '512');
    assert.equal(await lab.startDisabled(), false);
    assert.equal(await lab.errorOf('batch_size'), '');

    // Pause really pauses; Resume continues.
    await shortRun(lab, { epochs: 4, iterations: 100, batch: 256 });
    await lab.by('input-seed').press('Enter'); // the keyboard starts it too
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) >= 5);
    assert.match(await lab.badge(), /^CPU/);
    await lab.pause();
    await lab.page.waitForTimeout(300);
    const paused = await lab.iteration();
    await lab.page.waitForTimeout(1000);
    assert.equal(await lab.iteration(), paused, 'iterations went on while paused');
    assert.match(await lab.status(), /Paused/);
    await lab.screenshot('paused');
    await lab.resume();
    await lab.page.waitForFunction((n) => Number(document.querySelector('[data-testid=iteration]').textContent) > n, paused);
    await lab.by('reset').click();
    assert.equal(await lab.iteration(), 0);

    // A short poc8 run trains to the end; the chart is drawn; results appear. While it
    // trains, the page stays responsive: no long task (> 50 ms) near 100 ms.
    await shortRun(lab, { epochs: 2, iterations: 60, batch: 256 });
    await lab.page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    await lab.start();
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) >= 100);
    const longTasks = await lab.page.evaluate(() => window.longTasks.slice());
    const longest = Math.max(0, ...longTasks);
    console.log(`while training: ${longTasks.length} long tasks, longest ${longest.toFixed(0)} ms`);
    assert.ok(longest < 120, `a ${longest} ms task blocked the page while training`);
    await lab.waitForDone(300_000);
    // The caption says where the curves stand, in the chart's own figures.
    const now = await lab.by('losses-now').textContent();
    const [, at] = /^ At iteration (\d+): Bob \d+\.\d\d bits wrong, Eve \d+\.\d\d \(guessing: 4\)\.$/.exec(now) || [];
    assert.equal(Number(at), await lab.iteration(), now);
    assert.equal(await lab.iteration(), 120);
    assert.ok(await lab.inkedPixels() > 2000, 'the loss chart looks blank');
    await lab.by('results').waitFor();
    const bob = Number((await lab.by('bob-correct').textContent()).replace('%', ''));
    assert.ok(bob >= 0 && bob <= 100);
    assert.match(await lab.by('progress-text').textContent(), /iteration 120\/120/);
    await lab.screenshot('trained-cpu');

    // The losses download as CSV, one row per iteration.
    const [download] = await Promise.all([lab.page.waitForEvent('download'), lab.by('save-csv').click()]);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'iteration,ab_loss,bob_loss,eve_loss');
    assert.equal(csv.length, 121);
    assert.match(csv[120], /^120,[\d.]+,[\d.]+,[\d.]+$/);
    const [png] = await Promise.all([lab.page.waitForEvent('download'), lab.by('save-png').click()]);
    assert.equal(png.suggestedFilename(), 'anc-losses.png');
    assert.deepEqual([...fs.readFileSync(await png.path()).subarray(1, 4)], [0x50, 0x4e, 0x47]);

    // The attacker suite runs to its result: a row per attacker, the best named.
    await lab.by('audit-steps-fresh').fill('60');
    await lab.by('audit-start-fresh').click();
    await lab.page.getByTestId('audit-result-fresh').waitFor({ timeout: 120_000 });
    assert.match(await lab.by('audit-result-fresh').textContent(), /Cipher strength: an attacker reads \d+\.\d\d of 8 bits — the best of 7 attackers \(.+\) gets \d+\.\d\d bits wrong of 8/);
    assert.equal(await lab.page.locator('[data-testid=suite-table] tbody tr').count(), 7);
    assert.ok(await lab.inkedPixels('audit-chart-fresh') > 300, 'the audit chart looks blank');
    // So does the continued-Eve audit.
    await lab.by('audit-steps-continue').fill('40');
    await lab.by('audit-start-continue').click();
    await lab.page.getByTestId('audit-result-continue').waitFor({ timeout: 120_000 });
    assert.match(await lab.by('audit-result-continue').textContent(), /This Eve now: \d+\.\d\d bits wrong/);
    await lab.screenshot('audited-cpu');

    // One click hands the trained model (with its fresh-Eve figure) to the message form.
    await lab.by('use-trained').click();
    await lab.page.waitForFunction(() => /Using poc8 \(8 bits\), trained in this page.*the best of 7 fresh attackers \(.+, \d+ steps\)/.test(document.querySelector('[data-testid=model-info]').textContent));
    assert.equal(await lab.by('use-trained').textContent(), 'The message form uses this model');
    await lab.by('encrypt').click();
    await lab.by('decrypt').click();
    assert.ok((await lab.by('bob-text').textContent()).length > 0, 'the trained model decrypts');

    assert.deepEqual(lab.problems, [], 'console errors or foreign requests');
    assert.ok(server.requests.some((u) => u.endsWith('.wasm')));

    // Nothing lost: a reload brings the run back whole — its losses, settings, trained
    // model, results and both audits.
    assert.match(await lab.by('progress-text').textContent(), / it\/s · took \d+:\d\d$/);
    const settings = { preset: await lab.by('preset').inputValue(), epochs: await lab.by('input-epochs').inputValue() };
    const bobFigure = await lab.by('bob-correct').textContent();
    const strength = await lab.by('audit-result-fresh').textContent();
    await lab.page.reload();
    await lab.by('start').waitFor();
    assert.match(await lab.status(), /restored after a reload: the trained model, its settings, results and audits/);
    await lab.page.waitForTimeout(300);
    assert.ok(await lab.inkedPixels() > 2000, 'the restored chart looks blank');
    assert.equal(await lab.by('preset').inputValue(), settings.preset, 'the preset snapped back');
    assert.equal(await lab.by('input-epochs').inputValue(), settings.epochs);
    assert.equal(await lab.by('bob-correct').textContent(), bobFigure);
    assert.equal(await lab.by('audit-result-fresh').textContent(), strength);
    // No speed of this page's to tell for a run it did not time, and the form keeps the model.
    assert.match(await lab.by('progress-text').textContent(), /^epoch \d+\/\d+ · iteration (\d+)\/\1$/);
    assert.match(await lab.by('audit-status-fresh').textContent(), /^Done: 8 attackers \(their results kept across a reload\)\.$/);
    assert.equal(await lab.by('model-choice').inputValue(), 'trained', 'the form went back to a shipped model');
    await lab.page.waitForFunction(() => /Using poc8 \(8 bits\)/.test(document.querySelector('[data-testid=model-info]').textContent));
    assert.match(await lab.by('audit-result-continue').textContent(), /This Eve now/);
    assert.equal(await lab.by('audit-start-continue').isDisabled(), false, 'the restored model can be audited');
    assert.equal(await lab.by('use-trained').isDisabled(), false, 'the restored model can go to the form');
    // Reset forgets it: the next reload starts empty.
    await lab.by('reset').click();
    await lab.page.reload();
    await lab.by('start').waitFor();
    assert.match(await lab.status(), /^Ready/);
  } finally {
    await browser.close();
  }
});

for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`Start brings the chart into view and keyboard focus goes on (${viewport.width}×${viewport.height})`, { timeout: 300_000 }, async () => {
    const browser = await launch({ webgpu: false });
    try {
      const lab = await LabPage.openSized(browser.context, `${server.url}?backend=cpu`, viewport);
      await lab.choosePreset('poc8');
      await lab.setField('epochs', 200);
      const chartShows = () => lab.page.evaluate(() => {
        const r = document.querySelector('[data-testid=loss-chart]').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight + 1;
      });
      const focused = () => lab.page.evaluate(() => document.activeElement?.dataset?.testid || document.activeElement?.tagName);
      assert.equal(await chartShows(), false, 'the chart is below the fold before Start (else this test proves nothing)');
      // From the keyboard: Start, then Pause and Resume, each with Space on the focused button.
      await lab.by('start').focus();
      await lab.page.keyboard.press('Enter');
      await lab.page.waitForFunction(() => /Training/.test(document.querySelector('[data-testid=status]').textContent));
      await lab.page.waitForFunction(() => {
        const r = document.querySelector('[data-testid=loss-chart]').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight + 1;
      }, null, { timeout: 10_000 });
      assert.ok(await lab.page.evaluate(() => {
        const r = document.querySelector('[data-testid=progress-text]').getBoundingClientRect();
        return r.top >= 0;
      }), 'the progress line shows with the chart');
      await lab.page.waitForFunction(() => document.activeElement?.dataset?.testid === 'pause', null, { timeout: 10_000 }).catch(() => {});
      assert.equal(await focused(), 'pause', 'focus after Start');
      await lab.page.keyboard.press('Space');
      await lab.page.waitForFunction(() => document.activeElement?.dataset?.testid === 'resume', null, { timeout: 10_000 }).catch(() => {});
      assert.equal(await lab.status(), 'Paused.');
      assert.equal(await focused(), 'resume', 'focus after Pause');
      await lab.page.keyboard.press('Space');
      await lab.page.waitForFunction(() => document.activeElement?.dataset?.testid === 'pause', null, { timeout: 10_000 }).catch(() => {});
      assert.equal(await focused(), 'pause', 'focus after Resume');
      await lab.screenshot(`started-${viewport.width}x${viewport.height}`);
      await lab.by('reset').click();
      assert.deepEqual(lab.problems, []);
    } finally {
      await browser.close();
    }
  });
}

test('a projector (1920×1080): a wide page, the chart beside the settings, larger type, full screen', { timeout: 120_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.openSized(browser.context, `${server.url}?backend=cpu`, { width: 1920, height: 1080 });
    const main = await lab.page.locator('main').boundingBox();
    assert.ok(main.width >= 1600, `the page is ${main.width} px wide on a 1920 px projector`);
    assert.equal(await lab.page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '20px');
    const [chart, start] = [await lab.by('loss-chart').boundingBox(), await lab.by('start').boundingBox()];
    assert.ok(chart.x > start.x + start.width, 'the chart is not beside the settings');
    assert.ok(chart.width >= 900 && chart.height >= 450, `the chart is ${chart.width}×${chart.height}`);
    assert.ok(chart.y < start.y + start.height, 'the chart starts below the Start button');
    // Saved at its shown size times the device's pixel ratio.
    await lab.choosePreset('poc8');
    await lab.setField('epochs', 2);
    await lab.start();
    await lab.waitForDone(120_000);
    const [png] = await Promise.all([lab.page.waitForEvent('download'), lab.by('save-png').click()]);
    const bytes = fs.readFileSync(await png.path());
    const shown = await lab.page.evaluate(() => {
      const c = document.querySelector('[data-testid=loss-chart]');
      return [Math.round(c.clientWidth * devicePixelRatio), Math.round(c.clientHeight * devicePixelRatio)];
    });
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], shown);
    await lab.screenshot('projector-1920x1080');
    // Full screen: the chart fills the screen and is drawn again at that size.
    await lab.by('full-screen').click();
    await lab.page.waitForFunction(() => document.fullscreenElement?.classList.contains('chart'), null, { timeout: 10_000 });
    await lab.page.waitForFunction(() => document.querySelector('[data-testid=loss-chart]').clientHeight >= 700, null, { timeout: 10_000 });
    await lab.screenshot('projector-full-screen');
    await lab.page.evaluate(() => document.exitFullscreen());
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});

test('stop and keep: a teacher short of time ends the run early and uses what it has', { timeout: 600_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    await lab.choosePreset('poc8');
    await lab.setField('epochs', 200);
    assert.ok(await lab.by('stop-keep').isDisabled(), 'nothing to stop yet');
    await lab.start();
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) >= 100, null, { timeout: 120_000 });
    // From a pause, as a teacher would: the run ends where it is, and is kept.
    await lab.pause();
    await lab.by('stop-keep').click();
    await lab.waitForDone(120_000);
    // Every iteration it trained reached the page (the last rows were posted).
    assert.equal(await lab.iteration(), Number(/Done at iteration (\d+)/.exec(await lab.status())[1]));
    const status = await lab.status();
    const [, at, total] = (/Done at iteration (\d+) of (\d+) \(stopped and kept\)/.exec(status) || []).map(Number);
    assert.ok(at >= 100 && at < total, status);
    // What a finished run offers: the message form and the attackers.
    assert.ok(!(await lab.by('use-trained').isDisabled()));
    assert.ok(!(await lab.by('audit-start-fresh').isDisabled()));
    await lab.by('use-trained').click();
    await lab.page.waitForFunction(() => /trained in this page/.test(document.querySelector('[data-testid=model-info]').textContent));
    // The model file says how far it trained, and a reload keeps the stop.
    const [download] = await Promise.all([lab.page.waitForEvent('download'), lab.by('download-model').click()]);
    const header = fs.readFileSync(await download.path()).toString('latin1');
    assert.match(header, new RegExp(`"iterations_trained":${at}[,}]`));
    await lab.page.reload();
    await lab.by('start').waitFor();
    await lab.page.waitForFunction((n) => new RegExp(`^Done at iteration ${n} of \\d+ \\(stopped and kept\\) \\(restored`)
      .test(document.querySelector('[data-testid=status]').textContent), at);
    // While it runs (no pause first), on the two side-by-side workers of a CPU run: the
    // first stops and the run ends; none waits forever for the other.
    await lab.choosePreset('poc8');
    await lab.setField('epochs', 200);
    await lab.start();
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) >= 100, null, { timeout: 120_000 });
    await lab.by('stop-keep').click();
    await lab.waitForDone(120_000);
    assert.match(await lab.status(), /^Done at iteration \d+ of \d+ \(stopped and kept\)/);
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});

test('WebGPU (where this browser gives an adapter): trains; a lost device stops cleanly and the CPU takes over', { timeout: 600_000 }, async (t) => {
  const browser = await launch({ webgpu: true });
  try {
    const page = await browser.context.newPage();
    // Keep a handle on each engine worker's GPUDevice so the test can lose it mid-run.
    page.on('worker', (worker) => worker.evaluate(() => {
      if (!globalThis.GPUAdapter) return;
      const requestDevice = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (...args) {
        const device = await requestDevice.apply(this, args);
        self.gpuDeviceForTests = device;
        return device;
      };
    }).catch(() => {}));
    const lab = await LabPage.open(browser.context, `${server.url}?backend=webgpu`, page);
    const hasAdapter = await lab.page.evaluate(async () => !!(navigator.gpu && await navigator.gpu.requestAdapter()));
    if (!hasAdapter) {
      t.skip('no WebGPU adapter in this browser');
      return;
    }
    await shortRun(lab, { epochs: 1, iterations: 4, batch: 64 });
    await lab.start();
    await lab.waitForDone(400_000);
    assert.match(await lab.badge(), /^WebGPU/);
    assert.equal(await lab.iteration(), 4);
    await lab.by('results').waitFor();
    assert.ok(await lab.inkedPixels() > 500, 'the loss chart looks blank');
    await lab.screenshot('trained-webgpu');
    const webgpuLosses = await lossRows(lab);
    // A WebGPU-trained model reaches the message form too (its weights read back asynchronously).
    await lab.by('use-trained').click();
    await lab.page.waitForFunction(() => /trained in this page/.test(document.querySelector('[data-testid=model-info]').textContent), null, { timeout: 60_000 });
    await lab.by('encrypt').click();
    await lab.by('decrypt').click();
    assert.ok((await lab.by('bob-text').textContent()).length > 0, 'the WebGPU-trained model decrypts on the CPU');
    assert.deepEqual(lab.problems, [], 'console errors, WebGPU validation warnings or foreign requests');

    // The device is lost mid-run: the run stops with a message, keeps its losses, and
    // offers the CPU backend, which then trains.
    await shortRun(lab, { epochs: 1, iterations: 40, batch: 64 });
    await lab.start();
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) >= 2, null, { timeout: 300_000 });
    let lost = 0;
    for (const worker of lab.page.workers()) {
      lost += await worker.evaluate(() => (self.gpuDeviceForTests ? (self.gpuDeviceForTests.destroy(), 1) : 0));
    }
    assert.equal(lost, 1, 'one engine worker holds a WebGPU device');
    await lab.page.waitForFunction(() => /^Stopped/.test(document.querySelector('[data-testid=status]').textContent), null, { timeout: 120_000 });
    assert.match(await lab.status(), /device failed while training \(.+\)\. The losses so far are kept/);
    const kept = await lab.iteration();
    assert.ok(kept >= 2);
    await lab.screenshot('webgpu-lost');
    await lab.by('use-cpu').click();
    assert.match(await lab.status(), /restored/);
    await shortRun(lab, { epochs: 1, iterations: 4, batch: 64 });
    await lab.start();
    await lab.waitForDone(120_000);
    assert.match(await lab.badge(), /^CPU/);
    assert.equal(await lab.iteration(), 4);
    // The same run on the CPU computes the same losses as on WebGPU (the GPU path's fused
    // kernels against the CPU's fused host operations): the first row is the untrained
    // networks' forward pass, the later ones follow the first optimiser steps.
    const cpuLosses = await lossRows(lab);
    assert.equal(cpuLosses.length, webgpuLosses.length);
    const gap = Math.max(...cpuLosses.flatMap((row, i) => row.map((v, j) => Math.abs(v - webgpuLosses[i][j]))));
    console.log(`WebGPU against CPU, same run: losses differ by at most ${gap.toExponential(2)}`);
    assert.ok(gap < 1e-4, `WebGPU's losses differ from the CPU's by ${gap}`);
  } finally {
    await browser.close();
  }
});
