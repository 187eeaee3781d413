// Accessibility and the first screen: axe-core (npm, node_modules/) finds no violation on
// the page after a run, at desktop and phone sizes; screenshots of both go to target/e2e/.
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

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`axe-core finds no violation after a run (${name}, ${viewport.width}×${viewport.height})`, { timeout: 300_000 }, async () => {
    const browser = await launch({ webgpu: false });
    try {
      const lab = await LabPage.openSized(browser.context, `${server.url}?backend=cpu`, viewport);
      await lab.screenshot(`first-screen-${name}`);
      // The first step is on the first screen: Start itself on a desktop, and at every size
      // a link to it that brings Start into view.
      const start = await lab.by('start').boundingBox();
      const link = await lab.by('next-step').boundingBox();
      assert.ok(link && link.y + link.height <= viewport.height, 'the next step is on the first screen');
      await lab.by('next-step').click();
      assert.ok(await lab.by('start').evaluate((b) => {
        const r = b.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
      }), 'the link brings Start into view');
      if (name === 'desktop') {
        assert.ok(start && start.y + start.height <= viewport.height, `Start at y=${start && start.y} below the first screen`);
      }
      await lab.choosePreset('poc8');
      await lab.setField('epochs', 1);
      await lab.setField('iterations_per_epoch', 20);
      await lab.setField('batch_size', 64);
      await lab.start();
      await lab.waitForDone(120_000);
      await lab.by('results').waitFor();
      // The settings explain themselves: a glossary line for each, opened from the form.
      await lab.by('glossary').locator('summary').click();
      assert.match(await lab.by('glossary').textContent(), /Batch size: random messages and keys/);
      await lab.screenshot(`after-run-${name}`);
      // Nothing makes the page itself scroll sideways (a wide table scrolls in its own box).
      assert.equal(await lab.sideways(), 0, `the page scrolls sideways (${name})`);
      const found = await lab.axeViolations();
      assert.deepEqual(found, [], found.join('\n'));
      assert.deepEqual(lab.problems, []);
    } finally {
      await browser.close();
    }
  });
}

test('the first screen is painted first: what lies below the fold comes after, in page order', { timeout: 120_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid=cipher-views]')) {
          self.belowTheFoldAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const lab = await LabPage.open(browser.context, server.url, page);
    const [paint, below] = await page.evaluate(() => [performance.getEntriesByName('first-contentful-paint')[0]?.startTime, self.belowTheFoldAt]);
    console.log(`first contentful paint at ${Math.round(paint)} ms; the panels below the fold at ${Math.round(below)} ms`);
    assert.ok(paint > 0 && below > paint, `the panels below the fold (${below} ms) came before the first paint (${paint} ms)`);
    // In page order: the rest of step 1 inside its section, then steps 2 and 3, then the
    // cipher views, then the footer.
    const headings = await page.evaluate(() => [...document.querySelectorAll('main h2')].map((h) => h.id));
    assert.deepEqual(headings, ['idea-title', 'lab-title', 'audit-title', 'messages-title', 'pad-title', 'inside-title']);
    assert.ok(await page.evaluate(() => {
      const lab = document.querySelector('section.lab');
      return lab.contains(document.querySelector('[data-testid=start]')) && lab.contains(document.querySelector('[data-testid=population-start]'));
    }), 'the population panel left step 1');
    assert.equal(await page.evaluate(() => document.querySelector('main').nextElementSibling.tagName), 'FOOTER');
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});

test('a first visit gets the class view: the three steps, the rest folded; the full lab is one switch away and kept', { timeout: 300_000 }, async () => {
  const browser = await launch({ webgpu: false, view: 'first-visit' });
  try {
    const lab = await LabPage.openSized(browser.context, `${server.url}?backend=cpu`, { width: 1280, height: 800 });
    const open = (id) => lab.by(id).evaluate((d) => d.open);
    assert.equal(await lab.by('view-class').getAttribute('aria-pressed'), 'true');
    for (const id of ['fold-settings', 'fold-backend', 'fold-population', 'fold-continued', 'fold-model-files', 'fold-avalanche']) {
      assert.equal(await open(id), false, `${id} is open in the class view`);
    }
    // One button per step, in plain sight; the settings and the engine folded.
    for (const id of ['start', 'audit-start-fresh', 'encrypt']) assert.ok(await lab.by(id).isVisible(), `${id} is hidden`);
    assert.equal(await lab.by('input-epochs').isVisible(), false);
    assert.equal(await lab.by('backend-badge').isVisible(), false);
    assert.ok(await lab.by('preset').isVisible(), 'the preset stays in view');
    // Nothing removed: a fold opens on its own.
    await lab.by('fold-settings').locator(':scope > summary').click();
    assert.ok(await lab.by('input-epochs').isVisible());
    // Class mode trains as the lab does (a short run), its results folded but there.
    await lab.choosePreset('poc8');
    await lab.setField('epochs', 1);
    await lab.setField('iterations_per_epoch', 20);
    await lab.start();
    await lab.waitForDone(120_000);
    assert.equal(await open('fold-results'), false);
    await lab.screenshot('class-view-1280x800');
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }, { width: 390, height: 844 }]) {
      await lab.page.setViewportSize(viewport);
      const found = await lab.axeViolations();
      assert.deepEqual(found, [], `${viewport.width}×${viewport.height}: ${found.join('\n')}`);
      assert.equal(await lab.sideways(), 0, `the class view scrolls sideways at ${viewport.width}`);
    }
    await lab.page.setViewportSize({ width: 390, height: 844 });
    await lab.screenshot('class-view-390x844');
    // The full lab: everything open, and the choice kept across a reload.
    await lab.by('view-lab').click();
    assert.equal(await lab.by('view-lab').getAttribute('aria-pressed'), 'true');
    assert.equal(await open('fold-backend'), true);
    assert.equal(await open('fold-results'), true);
    await lab.page.reload();
    await lab.by('start').waitFor();
    assert.equal(await open('fold-settings'), true, 'the full lab was not kept');
    await lab.by('view-class').click();
    await lab.page.reload();
    await lab.by('start').waitFor();
    assert.equal(await open('fold-settings'), false, 'the class view was not kept');
    // A link with a setting to fix opens the settings, so Start is not disabled for no reason seen.
    const linked = await LabPage.open(browser.context, `${server.url}?backend=cpu#preset=poc8&epochs=0`);
    assert.ok(await linked.startDisabled());
    assert.equal(await linked.by('fold-settings').evaluate((d) => d.open), true, 'the field to fix is folded away');
    assert.ok(await linked.by('error-epochs').isVisible());
    assert.deepEqual(linked.problems, []);
    assert.deepEqual(lab.problems, []);
  } finally {
    await browser.close();
  }
});
