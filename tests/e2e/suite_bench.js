// The page's attacker suite against a shipped model, timed: `node tests/e2e/suite_bench.js
// [model] [steps]` (seed16 and 3,000 steps by default) serves dist/, attacks the message
// form's model on the CPU workers, prints the status line every 5 s (its time left against
// the time it really took), then the verdict and the total. A benchmark, not a test.
'use strict';
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

(async () => {
  const [model = 'seed16', steps = '3000'] = process.argv.slice(2);
  const server = await serve(process.env.DIST || path.join(__dirname, '..', '..', 'dist'));
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    await lab.by('model-choice').selectOption(model);
    await lab.page.waitForFunction((m) => new RegExp(`Using ${m}`).test(document.querySelector('[data-testid=model-info]').textContent), model);
    await lab.by('audit-steps-fresh').fill(steps);
    const started = Date.now();
    await lab.by('audit-start-form').click();
    for (;;) {
      const status = await lab.by('audit-status-fresh').textContent();
      console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${status}`);
      if (/^(Done|Stopped)/.test(status)) break;
      await lab.page.waitForTimeout(5000);
    }
    console.log(`${model}, at most ${steps} steps per attacker: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
    console.log(await lab.by('audit-result-fresh').textContent());
    console.log(await lab.by('audit-result-distinguisher').textContent());
  } finally {
    await browser.close();
    server.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
