// One message, bit by bit: read live by the networks being trained (from the engine
// worker after each slice), then by the trained model as the user edits the bits.
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

test('one message is read live while training, then by the trained model as it is edited', { timeout: 300_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    await lab.choosePreset('poc8');
    assert.equal((await lab.by('one-message-bits').inputValue()).length, 8, 'a random 8-bit message for poc8');
    await lab.by('one-waiting').waitFor();
    await lab.setField('epochs', 4);
    await lab.setField('iterations_per_epoch', 128);
    await lab.setField('batch_size', 256);
    await lab.start();
    // Live: the reading is there while the run is still going.
    await lab.by('one-message').waitFor({ timeout: 60_000 });
    const iteration = await lab.iteration();
    assert.ok(iteration < 512, `read live (at iteration ${iteration} of 512)`);
    const early = await lab.by('one-bob').textContent();
    await lab.waitForDone(240_000);
    const summary = await lab.by('one-summary').textContent();
    assert.match(summary, /^Bob reads \d of 8 bits right, Eve \d of 8 \(guessing gets about 4\)\.$/);
    console.log(`one message: early Bob row ${early.trim()}; at the end: ${summary}`);
    // Edited after the run: the trained model reads the new message.
    await lab.by('one-message-bits').fill('10110001');
    await lab.page.waitForFunction(() => document.querySelector('[data-testid=one-message] tr').textContent.includes('10110001'));
    assert.match(await lab.by('one-summary').textContent(), /^Bob reads \d of 8 bits right/);
    await lab.by('one-message-bits').fill('1012');
    assert.match(await lab.page.getByRole('alert').filter({ hasText: 'Message:' }).textContent(), /Message: only 0 and 1: '2' at 4/);
    await lab.by('one-new').click();
    assert.match(await lab.by('one-message-bits').inputValue(), /^[01]{8}$/);
    await lab.by('one-message').waitFor();
    await lab.screenshot('one-message');
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});
