// Prints one JSON line: seed16 iterations per second in the page (CPU wasm on two engine
// workers and on one, "train 8 ciphers at once" in member-iterations per second, and WebGPU
// where this browser gives an adapter) beside native `anc bench` (two threads and one, and
// a population of 8) measured in the same run.
'use strict';
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const ITERATIONS = Number(process.env.ITERATIONS || 200);
// WebGPU here is SwiftShader (a CPU emulation): a few iterations tell its speed.
const WEBGPU_ITERATIONS = Number(process.env.WEBGPU_ITERATIONS || 10);
const ROOT = path.join(__dirname, '..', '..');
// Another build of the page to measure (to compare two builds in one sitting).
const DIST = process.env.DIST || path.join(ROOT, 'dist');
// SINGLE_RUNS=1 measures only the single runs (CPU, two workers and one) against native.
const SINGLE_RUNS = process.env.SINGLE_RUNS === '1';
// Timed native iterations (each of anc bench's two runs: two threads, then one).
const NATIVE_ITERATIONS = Number(process.env.NATIVE_ITERATIONS || 1500);

/**
 * Records, inside the page, when each text of the element `testId` was shown: a
 * MutationObserver pushes [performance.now(), text] at every change. The test then waits
 * without polling the page every few milliseconds, which took CPU from the training
 * workers on this 2-core machine, and the times are the page's own (the page updates the
 * counter a few times a second, so polling was no more precise).
 */
async function recordShown(page, testId) {
  await page.evaluate((id) => {
    const el = document.querySelector(`[data-testid=${id}]`);
    window.benchShown = [];
    new MutationObserver(() => window.benchShown.push([performance.now(), el.textContent]))
      .observe(el, { childList: true, characterData: true, subtree: true });
  }, testId);
}

/**
 * Steady speed from the records of `recordShown`, each text read as a count by `parse`:
 * counts per second from the first time the count was at least `from` to the first time it
 * was at least `to`, with the counts shown then.
 */
async function steadyRate(page, parse, from, to) {
  const shown = (await page.evaluate(() => window.benchShown)).map(([ms, text]) => [ms, parse(text)]);
  const first = (k) => shown.find(([, v]) => v >= k);
  const [start, end] = [first(from), first(to)];
  if (!start || !end) throw new Error(`the counter never showed ${from} and ${to}: ${JSON.stringify(shown)}`);
  const seconds = (end[0] - start[0]) / 1000;
  // A counter that moved on to another state (Infinity) had shown `to` by then.
  const last = Number.isFinite(end[1]) ? end[1] : to;
  return { warm: start[1], rate: seconds > 0 ? (last - start[1]) / seconds : 0, atMs: start[0] };
}

/** What the population's status says once its members have trained. */
const POPULATION_TRAINED = /attacking|^Done|^Stopped/;

async function inPage(url, webgpu, iterations, query = '') {
  const browser = await launch({ webgpu });
  try {
    const lab = await LabPage.open(browser.context, url + (webgpu ? '?backend=webgpu' : `?backend=cpu${query}`));
    if (webgpu && !(await lab.page.evaluate(async () => !!(navigator.gpu && await navigator.gpu.requestAdapter())))) {
      return { skipped: 'no WebGPU adapter' };
    }
    await lab.setField('iterations_per_epoch', iterations);
    await lab.setField('epochs', 1);
    await recordShown(lab.page, 'iteration');
    const [started, startedMs] = [Date.now(), await lab.page.evaluate(() => performance.now())];
    await lab.start();
    await lab.waitForDone(3_600_000);
    // Steady speed: from the end of a warm-up (a fifth of the run; WebGPU compiles its
    // pipelines on the first steps) to the last iteration, by the page's iteration count.
    const { warm: warmIteration, rate: steady, atMs } =
      await steadyRate(lab.page, Number, Math.max(1, Math.floor(iterations / 5)), iterations);
    const firstIterationsS = (atMs - startedMs) / 1000;
    const text = await lab.by('progress-text').textContent();
    const rate = Number(/([\d.]+) it\/s/.exec(text)[1]);
    return {
      iterations, iterations_per_s: steady, whole_run_iterations_per_s: rate,
      warmup_iterations: warmIteration, warmup_s: firstIterationsS,
      wall_s: (Date.now() - started) / 1000, backend: await lab.badge(),
    };
  } finally {
    await browser.close();
  }
}

/** Steady member-iterations per second of "train 8 ciphers at once" (CPU workers). */
async function populationInPage(url, iterations) {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${url}?backend=cpu`);
    await lab.setField('iterations_per_epoch', iterations);
    await lab.setField('epochs', 1);
    await lab.by('population-steps').fill('1');
    // The status says "iteration X of Y each" while the members train, then moves on.
    await recordShown(lab.page, 'population-status');
    const started = Date.now();
    await lab.by('population-start').click();
    await lab.page.waitForFunction((trained) => new RegExp(trained).test(
      document.querySelector('[data-testid=population-status]').textContent), POPULATION_TRAINED.source,
    { timeout: 3_600_000, polling: 250 });
    const count = (text) => {
      const m = /iteration (\d+) of/.exec(text);
      return m ? Number(m[1]) : POPULATION_TRAINED.test(text) ? Infinity : 0;
    };
    const { rate } = await steadyRate(lab.page, count, Math.max(1, Math.floor(iterations / 5)), iterations);
    const members = 8;
    return {
      members, iterations, member_iterations_per_s: members * rate,
      wall_s: (Date.now() - started) / 1000,
    };
  } finally {
    await browser.close();
  }
}

(async () => {
  const server = await serve(DIST);
  try {
    // Native over about as long as the page's steady window (a few seconds, not anc
    // bench's default 300 iterations, ~1 s, whose figure swung by ±20 % from run to run).
    const native = JSON.parse(execFileSync(path.join(ROOT, 'target/release/anc'),
      ['bench', '--preset', 'seed16', '--backend', 'cpu', '--iterations', String(NATIVE_ITERATIONS), '--json'],
      { encoding: 'utf8' }));
    const cpu = await inPage(server.url, false, ITERATIONS);
    console.error(`page, CPU: ${JSON.stringify(cpu)}`);
    const oneWorker = await inPage(server.url, false, ITERATIONS, '&workers=1');
    console.error(`page, CPU, one worker: ${JSON.stringify(oneWorker)}`);
    const population = SINGLE_RUNS ? null : await populationInPage(server.url, ITERATIONS);
    console.error(`page, CPU, 8 ciphers at once: ${JSON.stringify(population)}`);
    const nativePopulation = SINGLE_RUNS ? null : JSON.parse(execFileSync(path.join(ROOT, 'target/release/anc'),
      ['bench', '--preset', 'seed16', '--backend', 'cpu', '--population', '8', '--json'], { encoding: 'utf8' }));
    const webgpu = SINGLE_RUNS ? null : await inPage(server.url, true, WEBGPU_ITERATIONS);
    const ratio = (r) => (r && r.iterations_per_s ? r.iterations_per_s / native.iterations_per_s : null);
    console.log(JSON.stringify({
      preset: 'seed16', batch_size: 512,
      native_iterations_per_s: native.iterations_per_s, native_timed_iterations: NATIVE_ITERATIONS,
      native_single_thread_iterations_per_s: native.single_thread_iterations_per_s,
      page_cpu: cpu, page_cpu_vs_native: ratio(cpu),
      page_cpu_vs_native_single_thread: cpu.iterations_per_s / native.single_thread_iterations_per_s,
      page_cpu_one_worker: oneWorker, page_two_workers_vs_one: cpu.iterations_per_s / oneWorker.iterations_per_s,
      page_population_8: population, native_population_8: nativePopulation,
      page_population_vs_page_single_run: population && population.member_iterations_per_s / cpu.iterations_per_s,
      page_webgpu: webgpu, page_webgpu_vs_native: ratio(webgpu),
    }));
  } finally {
    await server.close();
  }
})();
