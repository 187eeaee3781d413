// Profiles the page's CPU (wasm) training: records a Chrome DevTools CPU profile while the
// built page trains seed16 and prints the functions with the most self time, one per line.
// Function names need a build that keeps the wasm name section (wasm-opt drops it):
//   bash scripts/profile-page.sh          (builds dist-profile/ and runs this)
// WORKERS=1 profiles the engine workers (where training runs) instead of the page's thread,
// all of them added together.
'use strict';
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const ITERATIONS = Number(process.env.ITERATIONS || 300);
const TOP = Number(process.env.TOP || 40);
const DIST = process.env.DIST || path.join(__dirname, '..', '..', 'dist');
const WORKERS = process.env.WORKERS === '1';
// More of the page's query, e.g. QUERY='&workers=1' to train on one engine worker.
const QUERY = process.env.QUERY || '';
// BATCH=32 (say) profiles a small batch, where each op's fixed cost outweighs its arithmetic.
const BATCH = process.env.BATCH;

/**
 * The page's dedicated workers through the page's CDP session: auto-attached without
 * flattening, so each worker's own protocol runs through `Target.sendMessageToTarget`
 * (Playwright offers CDP sessions for pages and frames only).
 */
async function workerSessions(cdp) {
  const sessions = new Set();
  const pending = new Map();
  let next = 1;
  cdp.on('Target.attachedToTarget', (e) => { if (e.targetInfo.type === 'worker') sessions.add(e.sessionId); });
  // Workers that ended (the one that measured the cipher views at load, say) drop out.
  cdp.on('Target.detachedFromTarget', (e) => sessions.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const reply = JSON.parse(e.message);
    const done = pending.get(reply.id);
    if (done) { pending.delete(reply.id); done(reply.result || {}); }
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const send = (sessionId, method, params = {}) => new Promise((resolve) => {
    const id = next++;
    pending.set(id, resolve);
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
  });
  return { sessions, send };
}

/** Self time per function name (ms) from a CDP `Profiler.Profile`. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const name = f.functionName || `(anonymous ${f.url}:${f.lineNumber})`;
    ms.set(name, (ms.get(name) || 0) + profile.timeDeltas[i] / 1000);
  }
  return [...ms.entries()].sort((a, b) => b[1] - a[1]);
}

(async () => {
  const server = await serve(DIST);
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu${QUERY}`);
    await lab.setField('iterations_per_epoch', ITERATIONS);
    await lab.setField('epochs', 1);
    if (BATCH) await lab.setField('batch_size', BATCH);
    const cdp = await browser.context.newCDPSession(lab.page);
    let stop;
    const started = Date.now();
    if (WORKERS) {
      // The engine workers start with the first run: profile from their first iterations.
      const { sessions, send } = await workerSessions(cdp);
      await lab.start();
      await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) > 0);
      if (!sessions.size) throw new Error('no engine worker to profile');
      for (const s of sessions) {
        await send(s, 'Profiler.enable');
        await send(s, 'Profiler.setSamplingInterval', { interval: 200 });
        await send(s, 'Profiler.start');
      }
      stop = async () => Promise.all([...sessions].map(async (s) => (await send(s, 'Profiler.stop')).profile));
    } else {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      stop = async () => [(await cdp.send('Profiler.stop')).profile];
      await lab.start();
    }
    // A run's second worker ends with the run: stop the workers' profilers just before.
    const until = WORKERS ? Math.floor(0.95 * ITERATIONS) : ITERATIONS;
    await lab.page.waitForFunction((k) => Number(document.querySelector('[data-testid=iteration]').textContent) >= k,
      until, { timeout: 3_600_000, polling: 20 });
    const profiles = await stop();
    await lab.waitForDone(3_600_000);
    const wall = (Date.now() - started) / 1000;
    const merged = new Map();
    for (const profile of profiles) {
      for (const [name, t] of selfTimes(profile)) merged.set(name, (merged.get(name) || 0) + t);
    }
    const rows = [...merged.entries()].sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((s, [, t]) => s + t, 0);
    console.log(`${ITERATIONS} iterations in ${wall.toFixed(1)} s (${(ITERATIONS / wall).toFixed(1)} it/s); ${(total / 1000).toFixed(1)} s sampled`);
    for (const [name, t] of rows.slice(0, TOP)) {
      console.log(`${(100 * t / total).toFixed(1).padStart(5)} %  ${t.toFixed(0).padStart(6)} ms  ${name.slice(0, 140)}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
})();
