// Page object for the anc page: launches Debian's Chromium through playwright-core and
// wraps what the tests do (by data-testid), so tests read as user steps.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BASE_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.join(__dirname, '..', '..', 'target', 'e2e');

/** Opens Chromium with (`webgpu: true`) or without WebGPU, at `scale` device pixels per CSS
 * pixel, the page in the full lab unless `view` is 'first-visit' (the class view a first
 * visit gets). */
async function launch({ webgpu, view = 'lab', scale = 2 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anc-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    deviceScaleFactor: scale,
    args: webgpu ? [...BASE_FLAGS, '--enable-unsafe-webgpu'] : BASE_FLAGS,
  });
  if (view === 'lab') {
    // As a visitor who chose the full lab before; a choice made in the page still stands.
    await context.addInitScript(() => {
      if (!localStorage.getItem('anc.view')) localStorage.setItem('anc.view', 'lab');
    });
  }
  return { context, close: async () => { await context.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

class LabPage {
  constructor(page) {
    this.page = page;
    this.problems = [];
    page.on('console', (msg) => {
      const text = msg.text();
      const bad = msg.type() === 'error' || (msg.type() === 'warning' && /webgpu|wgpu|validation/i.test(text));
      if (bad) this.problems.push(`${msg.type()}: ${text}`);
    });
    page.on('pageerror', (err) => this.problems.push(`pageerror: ${err.message}`));
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.hostname !== '127.0.0.1' && url.protocol !== 'data:' && url.protocol !== 'blob:') {
        this.problems.push(`request to another host: ${req.url()}`);
      }
    });
  }

  static async open(context, url, page = null) {
    const lab = new LabPage(page || await context.newPage());
    const started = Date.now();
    await lab.page.goto(url);
    await lab.page.getByTestId('start').waitFor();
    lab.loadMs = Date.now() - started;
    // By the page's own clock: its first contentful paint, which draws the controls (the
    // page is blank until its module mounts them). `loadMs` adds what the test's own
    // round trips take to see them.
    lab.paintMs = Math.round(await lab.page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
    // What lies below the fold is appended after the first paint (append_after_first_paint).
    await lab.page.getByTestId('cipher-views').waitFor({ state: 'attached' });
    return lab;
  }

  /** {@link LabPage.open} in a new page of `viewport` CSS pixels ({ width, height }). */
  static async openSized(context, url, viewport) {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    return LabPage.open(context, url, page);
  }

  by(id) { return this.page.getByTestId(id); }
  async setField(key, value) { await this.by(`input-${key}`).fill(String(value)); }
  async choosePreset(name) { await this.by('preset').selectOption(name); }
  async startDisabled() { return this.by('start').isDisabled(); }
  async errorOf(key) { return (await this.by(`error-${key}`).textContent()).trim(); }
  async start() { await this.by('start').click(); }
  async pause() { await this.by('pause').click(); }
  async resume() { await this.by('resume').click(); }
  async iteration() { return Number(await this.by('iteration').textContent()); }
  async status() { return (await this.by('status').textContent()).trim(); }
  async badge() { return (await this.by('backend-badge').textContent()).trim(); }

  /** Waits until the run reaches `Done.` (or fails loudly with the page's status). */
  async waitForDone(timeout) {
    await this.page.waitForFunction(() => {
      const s = document.querySelector('[data-testid=status]')?.textContent || '';
      return s.startsWith('Done') || s.startsWith('Stopped');
    }, null, { timeout, polling: 250 });
    const status = await this.status();
    if (!status.startsWith('Done')) throw new Error(`run did not finish: ${status}`);
  }

  /**
   * How many CSS pixels the page is wider than its window: 0 when nothing makes it scroll
   * sideways (a wide table scrolls in its own box).
   */
  async sideways() {
    return this.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  }

  /** {@link LabPage#sideways} at a phone's width (390 px); the window keeps that width afterwards. */
  async sidewaysOnPhone() {
    await this.page.setViewportSize({ width: 390, height: 844 });
    await this.page.waitForTimeout(300);
    return this.sideways();
  }

  /** Counts pixels of the chart canvas that are clearly coloured (not white/grey). */
  async inkedPixels(testId = 'loss-chart') {
    return this.page.evaluate((id) => {
      const c = document.querySelector(`[data-testid=${id}]`);
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 80) n++;
      }
      return n;
    }, testId);
  }

  async screenshot(name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}

const AXE = require.resolve('axe-core/axe.min.js');

/** axe-core's violations in `selector` (the whole page by default), each as "rule: the
 * first few elements". */
LabPage.prototype.axeViolations = async function axeViolations(selector = null) {
  await this.page.addScriptTag({ path: AXE });
  return this.page.evaluate(async (sel) => (await axe.run(sel || document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), selector);
};

/** Saves a screenshot of the element `testId` alone, as target/e2e/`name`.png. */
LabPage.prototype.screenshotOf = async function screenshotOf(testId, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await this.by(testId).screenshot({ path: file });
  return file;
};

module.exports = { launch, LabPage };
