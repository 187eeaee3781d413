// The other game in the page: a teacher trains a one-time pad (CryptoNet against the
// distinguishing Eve), watches its weights settle, reads the formulas and the exact verdict
// off the rounded weights, then attacks it with the suite — readers and the distinguisher.
// PAD_ITERATIONS sets the training's length (short in CI; the page's default for the
// figures) and PAD_BITS its bits.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const SHOTS = path.join(__dirname, '..', '..', 'target', 'e2e');

let server;
before(async () => { server = await serve(path.join(__dirname, '..', '..', 'dist')); });
after(async () => server && server.close());

test('a pad trains, shows its formulas and verdict, and the suite attacks it', { timeout: 3_600_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    await lab.page.setViewportSize({ width: 1280, height: 800 });
    await lab.by('pad-panel').scrollIntoViewIfNeeded();
    assert.match(await lab.by('pad-honesty').textContent(), /one message under one fresh key/);
    assert.match(await lab.by('pad-honesty').textContent(), /the key cancels/);
    // The page's defaults: 8 bits, the iterations that fit a minute, and what to expect.
    assert.equal(await lab.by('pad-bits').inputValue(), '8');
    assert.equal(await lab.by('pad-iterations').inputValue(), '3000');
    assert.match(await lab.by('pad-expect').textContent(), /seeds 1 to 10 gave a perfect one-time pad in 8 runs/);
    const bits = Number(process.env.PAD_BITS || 8);
    await lab.by('pad-bits').selectOption(String(bits));
    // A bad setting is named and nothing starts.
    await lab.by('pad-iterations').fill('many');
    assert.ok(await lab.by('pad-start').isDisabled());
    assert.match(await lab.by('pad-error').textContent(), /iterations must be a whole number/);
    const iterations = process.env.PAD_ITERATIONS || '400';
    await lab.by('pad-iterations').fill(iterations);
    await lab.by('pad-seed').fill('3');
    const started = Date.now();
    await lab.by('pad-start').click();
    // While it trains: the status says where it is and how long is left, and W is drawn.
    await lab.page.waitForFunction(() => /attempt [1-3] of 3 · iteration \d+ of \d+ · \d+ it\/s · at most \d+:\d\d left/
      .test(document.querySelector('[data-testid=pad-status]').textContent), null, { timeout: 600_000 });
    await lab.by('pad-weights').waitFor();
    await lab.by('pad-verdict').waitFor({ timeout: 3_500_000 });
    const seconds = (Date.now() - started) / 1000;
    console.log(`page pad, ${bits} bits, ${iterations} iterations: ${seconds.toFixed(1)} s`);
    const done = await lab.by('pad-status').textContent();
    console.log(done);
    assert.ok(await lab.inkedPixels('pad-weights') > 300, 'the weights drawn in colour');
    const formulas = await lab.page.locator('[data-testid=pad-formulas] li').allTextContents();
    assert.equal(formulas.length, bits);
    const sub = (i) => [...String(i)].map((d) => '₀₁₂₃₄₅₆₇₈₉'[d]).join('');
    formulas.forEach((f, i) => assert.ok(f.startsWith(`c${sub(i)} = `), f));
    const verdict = await lab.by('pad-verdict').textContent();
    console.log(verdict);
    assert.match(verdict, /^(A perfect one-time pad \(key rank \d+ of \d+, Bob reads every message\): for one message under one fresh key\.|Not a perfect pad: .+\.)$/);
    // The status says how it ended: at a check that found a perfect pad, or after every
    // attempt, and the verdict agrees.
    if (verdict.startsWith('A perfect')) {
      assert.match(done, /^A perfect pad at iteration [\d,]+ of attempt [1-3] of 3 \([\d,]+ iterations in all, \d+:\d\d\)/);
    } else {
      assert.match(done, /^No check found a perfect pad in 3 attempts \([\d,]+ iterations in all, \d+:\d\d\)/);
    }
    const bob = await lab.by('pad-bob').textContent();
    assert.match(bob, /Bob reads \d+\.\d\d % of 10,000 fresh messages whole after the weights are rounded/);
    assert.match(bob, new RegExp(`have rank \\d+ of ${bits} over GF\\(2\\)`));

    // The suite attacks the pad: every reader, then the distinguisher.
    await lab.by('audit-steps-fresh').fill(process.env.AUDIT_STEPS || '60');
    await lab.by('pad-attack').click();
    await lab.page.waitForFunction(() => /the best of 7 readers left \d+\.\d\d bits wrong of \d+/
      .test(document.querySelector('[data-testid=pad-attack-result]').textContent), null, { timeout: 3_500_000 });
    assert.match(await lab.by('audit-target').textContent(), /Attacking the one-time pad trained in this page/);
    const told = await lab.by('audit-result-distinguisher').textContent();
    console.log(told);
    assert.match(told, /Told two messages apart: \d+\.\d % of 10,000 fresh rounds \(a coin flip: 50 %\)/);
    assert.match(await lab.by('pad-attack-result').textContent(), /the distinguisher told the two messages apart in \d+\.\d %/);
    assert.match(await lab.by('audit-status-fresh').textContent(), /Done: 8 attackers in/);
    await lab.by('pad-panel').scrollIntoViewIfNeeded();
    await lab.screenshotOf('pad-panel', 'pad-desktop');
    // The same key twice: the key cancels, and the first message reads the second.
    await lab.by('reuse-first').fill('meet me at noon');
    await lab.by('reuse-second').fill('attack at dawn!');
    await lab.by('reuse-run').click();
    await lab.by('reuse-read').waitFor();
    const read = await lab.by('reuse-read').textContent();
    const cancels = await lab.by('reuse-cancels').textContent();
    console.log(read, '|', cancels);
    const share = Number(/equal the two messages XORed in (\d+) % of the bits/.exec(cancels)[1]);
    if (share === 100) {
      // Each position one message bit and key bits: the first message reads the second.
      assert.match(read, /an eavesdropper reads the second: “attack at dawn!”/);
    } else {
      // The positions mix message bits: the reading is scrambled, and said to be.
      assert.match(read, /comes out scrambled by the mixing: “[a-z .,!?:]{15}”/);
    }
    assert.match(await lab.by('reuse-blocks').textContent(), new RegExp(`one key [01]{${bits}} · first block of each ciphertext: [01]{${bits}} and [01]{${bits}}`));
    // Changing a message clears the reading that no longer matches it.
    await lab.by('reuse-second').fill('attack at dusk!');
    await lab.by('reuse-read').waitFor({ state: 'detached' });
    assert.equal(await lab.sidewaysOnPhone(), 0, 'the pad section makes the page scroll sideways on a phone');
    await lab.by('pad-panel').scrollIntoViewIfNeeded();
    await lab.screenshotOf('pad-panel', 'pad-phone');
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});

// The pad in the message form, as a class would use it: train the 8-bit pad of seed 1 (a
// check finds a perfect pad at iteration 1,500 of its first attempt, natively and in the
// page alike), attack it, hand it to the form with its audit, encrypt and decrypt, see what
// the key reused for every block gives away, share a link that carries the pad, open it on
// a phone, and reload.
test('a pad trained here encrypts text in the form, travels in a link, and its reused key is shown', { timeout: 1_800_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    await lab.page.setViewportSize({ width: 1280, height: 800 });
    await lab.by('pad-seed').fill('1');
    await lab.by('pad-start').click();
    await lab.by('pad-verdict').waitFor({ timeout: 1_500_000 });
    assert.match(await lab.by('pad-verdict').textContent(), /^A perfect one-time pad/);
    const formulas = await lab.page.locator('[data-testid=pad-formulas] li').allTextContents();

    // Handed to the form: the form says which model and Bob's figure, and that a pad has no Eve.
    assert.equal(await lab.by('use-pad').textContent(), 'Use this pad for messages');
    await lab.by('use-pad').click();
    await lab.page.waitForFunction(() => /Using pad8 \(8 bits\), the pad trained in this page \(section 4\): Bob reads 100\.00 % of messages; no attacker audit recorded/
      .test(document.querySelector('[data-testid=model-info]').textContent));
    // The class's own key, typed in (a new model draws a fresh key as it lands).
    await lab.page.waitForTimeout(500);
    const key = 'a5';
    await lab.by('key').fill(key);
    // Attacked in section 4 after it was handed over: the strength found reaches the form's
    // copy, and the form keeps its key (a new audit is not a new model).
    await lab.by('audit-steps-fresh').fill(process.env.AUDIT_STEPS || '60');
    await lab.by('pad-attack').click();
    await lab.page.waitForFunction(() => /the best of 7 readers left \d+\.\d\d bits wrong of 8/
      .test(document.querySelector('[data-testid=pad-attack-result]').textContent), null, { timeout: 1_500_000 });
    const best = /left (\d+\.\d\d) bits wrong/.exec(await lab.by('pad-attack-result').textContent())[1];
    await lab.page.waitForFunction((b) => document.querySelector('[data-testid=model-info]').textContent.includes(`gets ${b} bits wrong of 8`), best);
    assert.match(await lab.by('model-info').textContent(), /A pad's audit is of one message under one fresh key: this form uses one key for every block/);
    assert.equal(await lab.by('key').inputValue(), key, 'the audit replaced the form key');
    assert.equal(await lab.by('use-pad').textContent(), 'The message form uses this pad');
    assert.ok(await lab.by('use-pad').isDisabled());
    assert.ok(await lab.by('attack').isDisabled(), 'Eve attacks a pad that has no Eve');
    assert.match(await lab.by('no-eve').textContent(), /No Eve for this model: a pad trains against a distinguisher/);
    // "Inside the cipher" follows: the pad's formulas, not pictures of networks it lacks.
    await lab.page.waitForFunction(() => /the form's model: pad8 \(8 bits\)/.test(document.querySelector('[data-testid=views-model]').textContent));
    assert.deepEqual(await lab.page.locator('[data-testid=views-pad-formulas] li').allTextContents(), formulas);
    assert.match(await lab.by('views-pad').textContent(), /Verdict: a perfect one-time pad/);

    // Encrypt and decrypt a text.
    const message = 'hello, bob! eve cannot read this.';
    await lab.by('plaintext').fill(message);
    await lab.by('encrypt').click();
    const ciphertext = await lab.by('ciphertext').inputValue();
    assert.match(ciphertext, /^pad8\/33\//);
    await lab.by('decrypt').click();
    assert.equal(await lab.by('bob-text').textContent(), message);
    // The key reused for every block: Eve reads the text off the ciphertext alone.
    await lab.by('reused-key-run').click();
    assert.equal(await lab.by('reused-key-text').textContent(), message);
    assert.match(await lab.by('reused-key-reading').textContent(), /100 % of the characters right, without the key \(32 first letters tried/);
    // A new ciphertext hides the reading made from the old one.
    await lab.by('encrypt').click();
    await lab.by('reused-key-reading').waitFor({ state: 'detached' });
    // The key search finds the key (or one that reads the same text) among 256.
    await lab.by('brute-force').click();
    await lab.page.waitForFunction(() => /ranks #/.test(document.querySelector('[data-testid=true-key-rank]').textContent), null, { timeout: 120_000 });
    assert.match(await lab.by('brute-force-progress').textContent(), /^256 of 256 keys tried/);
    // Keys that differ only in the bits that select filler read the same text: the true
    // key ties with them at the top.
    assert.ok(Number(/#(\d+)/.exec(await lab.by('true-key-rank').textContent())[1]) <= 8);
    fs.mkdirSync(SHOTS, { recursive: true });
    await lab.page.locator('section.messages').screenshot({ path: path.join(SHOTS, 'pad-form-desktop.png') });

    // Shared with the key: the pad travels in the link, short.
    await lab.by('share-key').check();
    await lab.by('make-share-link').click();
    const link = await lab.by('share-link').inputValue();
    assert.match(link, /[#&]own=[A-Za-z0-9_-]+/);
    assert.ok(link.length < 8000, `${link.length} characters`);
    console.log(`share link with the pad: ${link.length} characters`);
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    const student = await LabPage.open(browser.context, link, phone);
    await student.page.waitForFunction(() => /Using pad8 \(8 bits\), sent in the link you opened/.test(document.querySelector('[data-testid=model-info]').textContent));
    assert.ok((await student.by('model-info').textContent()).includes(`gets ${best} bits wrong of 8`), 'the audit did not travel with the pad');
    await student.page.waitForFunction((k) => document.querySelector('[data-testid=key]').value === k, key);
    await student.by('decrypt').click();
    assert.equal(await student.by('bob-text').textContent(), message);
    await student.by('reused-key-run').click();
    assert.equal(await student.by('reused-key-text').textContent(), message, 'Eve reads the shared text too');
    assert.equal(await student.sideways(), 0);
    await student.page.locator('section.messages').screenshot({ path: path.join(SHOTS, 'pad-shared-phone.png') });
    // Reloaded: the pad is kept, and still reads.
    await student.page.reload();
    // (Until the page has drawn the form, there is no model line to read.)
    await student.page.waitForFunction(() => /Using pad8 \(8 bits\)/.test(document.querySelector('[data-testid=model-info]')?.textContent || ''));
    for (const page of [lab, student]) assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
  }
});
