// "Inside the cipher": the per-bit, avalanche and value pictures are drawn for the form's
// model, follow it to owneve16, label the fresh-Eve figures with their audit steps, and
// the brute-force search runs on a owneve16 ciphertext too.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

let server;
before(async () => { server = await serve(path.join(__dirname, '..', '..', 'dist')); });
after(async () => server && server.close());

const CANVASES = ['view-per-bit', 'view-avalanche-ciphertext', 'view-avalanche-decrypted', 'view-values', 'view-leak'];

async function waitForViewsOf(lab, preset) {
  await lab.page.waitForFunction((p) => (document.querySelector('[data-testid=views-model]')?.textContent || '').includes(`model: ${p} (`), preset, { timeout: 60_000 });
}

test('cipher views follow the form model, owneve16 included', { timeout: 300_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, server.url);
    await waitForViewsOf(lab, 'poc8');
    for (const id of CANVASES) {
      assert.ok(await lab.inkedPixels(id) > 500, `${id} is drawn`);
    }
    assert.match(await lab.by('avalanche-means').textContent(), /one key bit flips \d+ % of the ciphertext bits and \d+\.\d % of Bob's bits/);
    assert.match(await lab.by('leak-worst').textContent(), /Most exposed: message bit \d, read right \d+\.\d %/);
    assert.match(await lab.by('per-bit-audit').textContent(), /the best of 7 fresh attackers \(.+, \d+ steps\)/);

    await lab.by('model-choice').selectOption('owneve16');
    await waitForViewsOf(lab, 'owneve16');
    const info = await lab.by('model-info').textContent();
    assert.match(info, /Using owneve16 \(16 bits\).*the best of 7 fresh attackers \(.+, \d+ steps\) gets \d+\.\d\d bits wrong of 16 \(guessing: 8\)/);
    assert.match(await lab.by('per-bit-audit').textContent(), /the best of 7 fresh attackers/);
    for (const id of CANVASES) {
      // owneve16's per-bit bars are all near zero (its best attacker reads every bit): only
      // the legend's colors show there.
      const least = id === 'view-per-bit' ? 100 : 500;
      assert.ok(await lab.inkedPixels(id) > least, `${id} is drawn for owneve16`);
    }
    const body = await lab.page.textContent('body');
    const secure = body.match(/\bsecure\b/gi) || [];
    assert.equal(secure.length, (body.match(/\bnot secure\b/gi) || []).length, 'a cipher is only ever called "not secure"');

    // The brute-force view on owneve16: every 16-bit key through Bob's network.
    await lab.by('plaintext').fill('attack at dawn');
    await lab.by('encrypt').click();
    assert.match(await lab.by('ciphertext').inputValue(), /^owneve16\/14\//, 'Alice encrypted the 14 characters');
    await lab.by('brute-force').click();
    // Ends with the true key's rank, or with an error message beside the button.
    const ended = () => lab.page.waitForFunction(() => {
      const text = (id) => document.querySelector(`[data-testid=${id}]`)?.textContent || '';
      return /ranks #/.test(text('true-key-rank')) || text('key-search-error') !== '';
    }, null, { timeout: 120_000 });
    await ended().catch(() => {});
    const seen = `progress "${await lab.by('brute-force-progress').textContent()}", error "${await lab.by('key-search-error').textContent()}"`;
    assert.match(await lab.by('true-key-rank').textContent(), /ranks #\d+/, seen);
    assert.match(await lab.by('brute-force-progress').textContent(), /^65536 of 65536 keys tried/);
    await lab.screenshot('cipher-views-owneve16');
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});
