// Profiles the page's CPU (wasm) training: records a Chrome DevTools CPU profile while the
// built page trains seed16 and prints the functions with the most self time, one per line.
// Function names need a build that keeps the wasm name section (wasm-opt drops it):
//   bash scripts/profile-page.sh          (builds dist-profile/ and runs this)
'use strict';
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const ITERATIONS = Number(process.env.ITERATIONS || 300);
const TOP = Number(process.env.TOP || 40);
const DIST = process.env.DIST || path.join(__dirname, '..', '..', 'dist');

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
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    await lab.setField('iterations_per_epoch', ITERATIONS);
    await lab.setField('epochs', 1);
    const cdp = await browser.context.newCDPSession(lab.page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const started = Date.now();
    await lab.start();
    await lab.waitForDone(3_600_000);
    const wall = (Date.now() - started) / 1000;
    const { profile } = await cdp.send('Profiler.stop');
    const rows = selfTimes(profile);
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
