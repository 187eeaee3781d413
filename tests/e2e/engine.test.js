// The engine workers: one seed trains the same on one or two workers, the page's thread
// stays free while they train and does not hold them up, and Automatic measures the
// backends and picks the faster (the CPU, on SwiftShader's emulated WebGPU). Needs `dist/`.
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

const losses = (lab) => lab.page.evaluate(() => sessionStorage.getItem('anc.losses.csv'));
const rows = (csv) => csv.trim().split('\n').slice(1).map((line) => line.split(',').map(Number));

async function run(lab, { preset = 'poc8', epochs = 1, iterations = 30, batch = 128, seed = 3 } = {}) {
  await lab.choosePreset(preset);
  await lab.setField('epochs', epochs);
  await lab.setField('iterations_per_epoch', iterations);
  await lab.setField('batch_size', batch);
  await lab.setField('seed', seed);
  await lab.start();
}

test('one seed trains the same on one engine worker and on two', { timeout: 300_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const trained = {};
    for (const workers of [1, 2]) {
      const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu&workers=${workers}`);
      await run(lab);
      await lab.waitForDone(120_000);
      assert.equal(await lab.iteration(), 30);
      assert.match(await lab.badge(), workers === 2 ? /2 workers/ : /^CPU — chosen$/);
      trained[workers] = { losses: rows(await losses(lab)), bob: await lab.by('results').textContent() };
      assert.deepEqual(lab.problems, []);
      await lab.page.close();
    }
    const [one, two] = [trained[1].losses, trained[2].losses];
    assert.equal(one.length, 30);
    assert.equal(two.length, 30);
    // Split batches add the same gradients in another order: float rounding only.
    for (let i = 0; i < one.length; i++) {
      for (let j = 1; j < one[i].length; j++) {
        assert.ok(Math.abs(one[i][j] - two[i][j]) <= 1e-3 * Math.max(1, Math.abs(one[i][j])),
          `iteration ${i + 1}, column ${j}: one worker ${one[i][j]} vs two ${two[i][j]}`);
      }
    }
    // The moved networks are not the first ones: the losses changed along the run.
    assert.notEqual(one[0][1], one[29][1]);
    // On the CPU the page and its workers share one module: the WebGPU engine is never fetched.
    assert.ok(server.requests.some((u) => /^\/anc-web-[0-9a-f]+_bg\.wasm$/.test(u)), server.requests.join(' '));
    assert.ok(!server.requests.some((u) => u.includes('anc-webgpu')), 'the CPU run fetched the WebGPU engine');
  } finally {
    await browser.close();
  }
});

test('while the workers train, the page has no long task, and training goes on while its thread is busy', { timeout: 300_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    console.log(`controls drawn ${lab.paintMs} ms after navigation by the page's clock (first contentful paint), seen by the test after ${lab.loadMs} ms`);
    // The page settles first: the form's shipped models load when it opens (their cipher
    // views are measured in an engine worker), which is not the training's work.
    await lab.page.waitForFunction(() => (document.querySelector('[data-testid=views-model]')?.textContent || '').includes('model: poc8 ('), null, { timeout: 60_000 });
    await lab.page.waitForTimeout(500);
    await run(lab, { preset: 'seed16', epochs: 40, iterations: 128, batch: 512 });
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) >= 20);
    // From here on it trains steadily (starting a run, with its first draws, is not counted).
    await lab.page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
        .observe({ type: 'longtask' });
    });
    const speedOver = async (ms) => {
      const [t0, i0] = [Date.now(), await lab.iteration()];
      await new Promise((r) => setTimeout(r, ms));
      return (await lab.iteration() - i0) / ((Date.now() - t0) / 1000);
    };
    const visible = await speedOver(4000);
    const longTasks = await lab.page.evaluate(() => window.longTasks);
    // A hidden page's timers are throttled by the browser, but headless Chromium never
    // hides a page (its visibilityState stays 'visible' behind another tab, minimised,
    // even headed under Xvfb). So the test takes the page's thread away outright: the
    // workers must keep training while it is held for 4 s (by a synchronous request, which
    // uses no core: a busy loop would take one of the workers' two).
    const [t0, i0] = [Date.now(), await lab.iteration()];
    await lab.page.evaluate(() => {
      const request = new XMLHttpRequest();
      request.open('GET', '__sleep/4000', false);
      request.send();
    });
    await lab.page.waitForTimeout(300); // the rows queued meanwhile arrive
    const blocked = (await lab.iteration() - i0) / ((Date.now() - t0) / 1000);
    console.log(`free page ${visible.toFixed(1)} it/s, page thread busy ${blocked.toFixed(1)} it/s; long tasks ${JSON.stringify(longTasks)}`);
    assert.ok(visible > 0);
    assert.ok(blocked >= 0.8 * visible, `${blocked} it/s with the page's thread busy against ${visible} free`);
    assert.deepEqual(longTasks.filter((d) => d > 50), [], 'tasks over 50 ms on the page thread while training');
    await lab.by('reset').click();
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});

test('Automatic times the backends, picks the faster (the CPU on SwiftShader) and remembers it', { timeout: 300_000 }, async (t) => {
  const browser = await launch({ webgpu: true });
  try {
    const lab = await LabPage.open(browser.context, server.url);
    if (!(await lab.page.evaluate(async () => !!(navigator.gpu && await navigator.gpu.requestAdapter())))) {
      t.skip('no WebGPU adapter in this browser');
      return;
    }
    await run(lab);
    // While it measures, the progress line says what it times.
    await lab.page.waitForFunction(() => /Choosing a backend/.test(document.querySelector('[data-testid=status]').textContent));
    await lab.waitForDone(120_000);
    const badge = await lab.badge();
    assert.match(badge, /^CPU: \d+ it\/s (vs WebGPU [\d.]+ it\/s here|here; WebGPU: .+)/, badge);
    // WebGPU was timed in its own engine module, fetched with the page's build named.
    assert.ok(server.requests.some((u) => /^\/anc-webgpu_bg\.wasm\?build=anc-web-[0-9a-f]+$/.test(u)), server.requests.join(' '));
    assert.equal(await lab.iteration(), 30);
    await lab.screenshot('automatic-chose-cpu');
    // The next run takes the measurement kept in this browser: no second wait.
    await run(lab, { seed: 4 });
    await lab.waitForDone(120_000);
    assert.match(await lab.badge(), /^CPU: .*\(measured earlier in this browser\)/);
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});
