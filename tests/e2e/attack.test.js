// The attacker suite in the page, on the message form's model (no training needed): a
// student picks the shipped owneve16, attacks it, and reads which attacker read it best
// and how far.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

let server;
before(async () => { server = await serve(path.join(__dirname, '..', '..', 'dist')); });
after(async () => server && server.close());

test('the attackers read the form model, and say which one and how far', { timeout: 3_600_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    assert.match(await lab.by('audit-status-fresh').textContent(), /Train Alice and Bob first, or attack the message form's model/);
    assert.ok(await lab.by('audit-start-fresh').isDisabled(), 'nothing trained here yet');
    await lab.by('model-choice').selectOption('owneve16');
    await lab.page.waitForFunction(() => /owneve16/.test(document.querySelector('[data-testid=audit-start-form]').textContent));
    // A bad budget is refused before anything runs.
    await lab.by('audit-steps-fresh').fill('0');
    assert.ok(await lab.by('audit-start-form').isDisabled());
    // AUDIT_STEPS=3000 times the page's default budget (a benchmark, not a test of speed).
    const steps = process.env.AUDIT_STEPS || '150';
    await lab.by('audit-steps-fresh').fill(steps);
    const started = Date.now();
    await lab.by('audit-start-form').click();
    await lab.page.getByTestId('audit-result-fresh').waitFor({ timeout: 3_500_000 });
    const seconds = (Date.now() - started) / 1000;
    console.log(`page suite on owneve16, at most ${steps} steps per attacker: ${seconds.toFixed(1)} s`);
    assert.match(await lab.by('audit-target').textContent(), /Attacking the message form's model: owneve16/);
    const result = await lab.by('audit-result-fresh').textContent();
    console.log(result);
    assert.match(result, /Cipher strength: an attacker reads \d+\.\d\d of 16 bits — the best of 7 attackers \(.+, \d+ steps\) gets \d+\.\d\d bits wrong of 16/);
    // The best named is the row with the fewest bits wrong.
    const rows = await lab.page.locator('[data-testid=suite-table] tbody tr').allTextContents();
    assert.equal(rows.length, 7);
    const best = Number(/gets (\d+\.\d\d) bits wrong/.exec(result)[1]);
    const figures = await lab.page.locator('[data-testid=suite-table] tbody tr td:nth-of-type(1)').allTextContents();
    assert.equal(Math.min(...figures.map(Number)), best);
    assert.ok(await lab.inkedPixels('audit-chart-fresh') > 300, 'a curve per attacker');
    // The chart's key sits outside it, naming the attackers as the table does.
    const names = await lab.page.locator('[data-testid=suite-table] tbody tr th').allTextContents();
    const key = await lab.page.locator('[data-testid=audit-key] li').allTextContents();
    assert.deepEqual(key, [...names, 'chance']);
    await lab.screenshot('suite-owneve16');
    assert.equal(await lab.sidewaysOnPhone(), 0, "the attackers' table makes the page scroll sideways on a phone");
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});
