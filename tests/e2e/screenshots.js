// The pictures of the README and docs/, taken from the built page (dist/) in headless
// Chromium: `node tests/e2e/screenshots.js [folder]` (docs/img/ by default; scripts/
// screenshots.sh builds the page first). Each is a PNG at the device pixel ratio 1.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const ROOT = path.join(__dirname, '..', '..');

async function main(folder) {
  fs.mkdirSync(folder, { recursive: true });
  const server = await serve(path.join(ROOT, 'dist'));
  // As a first visit sees it: the class view.
  const browser = await launch({ webgpu: false, scale: 1, view: 'first-visit' });
  const shots = [];
  const save = async (lab, name, locator = null) => {
    const file = path.join(folder, `${name}.png`);
    await (locator || lab.page).screenshot({ path: file, animations: 'disabled' });
    shots.push(file);
  };
  try {
    // A teacher's laptop, mid-training: the chart moving, the ETA beside it.
    const lab = await LabPage.openSized(browser.context, `${server.url}?backend=cpu`, { width: 1280, height: 800 });
    await lab.start();
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration]').textContent) >= 1000, null, { timeout: 300_000 });
    await lab.pause();
    await lab.by('loss-chart').scrollIntoViewIfNeeded();
    await save(lab, 'desktop-training');
    await lab.resume();
    await lab.waitForDone(300_000);
    // The attack on the trained cipher: the suite's curves, table and verdict.
    await lab.by('audit-steps-fresh').fill(process.env.SHOT_ATTACK_STEPS || '1000');
    await lab.by('audit-start-fresh').click();
    await lab.by('audit-result-fresh').waitFor({ timeout: 900_000 });
    await save(lab, 'attack-results', lab.by('audit-fresh'));
    // The message form: Alice encrypts, Bob decrypts, Eve attacks.
    await lab.by('use-trained').click();
    await lab.page.waitForFunction(() => /trained in this page/.test(document.querySelector('[data-testid=model-info]').textContent));
    await lab.by('plaintext').fill('meet me at the library at noon');
    await lab.by('encrypt').click();
    await lab.by('decrypt').click();
    await lab.by('attack').click();
    await save(lab, 'message-form', lab.page.locator('section.messages'));
    // What one key bit changes, inside the cipher (folded in the class view: opened).
    await lab.by('fold-avalanche').evaluate((d) => { d.open = true; });
    await save(lab, 'key-avalanche', lab.by('view-avalanche-ciphertext').locator('xpath=ancestor::figure[1]'));
    // A student's phone, opening the teacher's link (the model travels in it).
    await lab.by('share-key').check();
    await lab.by('make-share-link').click();
    const link = await lab.by('share-link').inputValue();
    const phone = await LabPage.openSized(browser.context, link, { width: 390, height: 844 });
    await phone.page.waitForFunction(() => /Using/.test(document.querySelector('[data-testid=model-info]').textContent));
    await phone.by('decrypt').click();
    await phone.page.waitForTimeout(500);
    await save(phone, 'phone-shared-link');
  } finally {
    await browser.close();
    server.close();
  }
  for (const file of shots) console.log(`${path.relative(ROOT, file)}: ${fs.statSync(file).size} bytes`);
  return shots;
}

module.exports = { main };

if (require.main === module) {
  main(process.argv[2] || path.join(ROOT, 'docs', 'img')).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
