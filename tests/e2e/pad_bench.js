// Prints one JSON line: how long the page's pads take to train (8 bits, 3,000 iterations;
// 16 bits, 5,000: the page's defaults, each an attempt of at most 3 that stop at the first
// check finding a perfect pad) against the default seed16 run, in the page (CPU
// backend) and natively (`anc train`, `anc pad`), all measured in the same run, with the
// ratios. `node tests/e2e/pad_bench.js` after `bash scripts/build-page.sh` and
// `cargo build --release`.
'use strict';
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { serve } = require('./server');
const { launch, LabPage } = require('./lab_page');

const ROOT = path.join(__dirname, '..', '..');
const ANC = path.join(ROOT, 'target', 'release', 'anc');
/** The page's 8-bit pad on the command line (web/pad_run.rs), seed 1. */
const PAGE_SETTINGS = ['--iterations', '3000', '--gamma', '14', '--check-every', '250', '--attempts', '3', '--seed', '1'];

/** Seconds `anc` takes with `args`. */
function native(args) {
  const started = process.hrtime.bigint();
  execFileSync(ANC, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Seconds the page takes to train a pad of `bits` bits for `iterations` (seed 1). */
async function pagePad(lab, bits, iterations) {
  await lab.by('pad-bits').selectOption(String(bits));
  await lab.by('pad-iterations').fill(String(iterations));
  await lab.by('pad-seed').fill('1');
  const started = Date.now();
  await lab.by('pad-start').click();
  await lab.page.waitForFunction(() => /^(A perfect pad|No check found)/.test(document.querySelector('[data-testid=pad-status]').textContent),
    null, { timeout: 1_800_000, polling: 500 });
  return (Date.now() - started) / 1000;
}

(async () => {
  const server = await serve(path.join(ROOT, 'dist'));
  const browser = await launch({ webgpu: false });
  try {
    const lab = await LabPage.open(browser.context, `${server.url}?backend=cpu`);
    let started = Date.now();
    await lab.start();
    await lab.waitForDone(1_800_000);
    const pageSeed16 = (Date.now() - started) / 1000;
    const page8 = await pagePad(lab, 8, 3000);
    // The page's pad and the command line's, same settings and seed: the same verdict.
    const page8Verdict = await lab.by('pad-verdict').textContent();
    const page16 = await pagePad(lab, 16, 5000);
    const nativeSeed16 = native(['train', '--preset', 'seed16', '--seed', '1', '--out', '/tmp/pad-bench-seed16.bin', '--json']);
    const native8 = native(['pad', '--bits', '8', ...PAGE_SETTINGS, '--json']);
    const native8Verdict = JSON.parse(execFileSync(ANC, ['pad', '--bits', '8', ...PAGE_SETTINGS, '--json']).toString()).verdict;
    const native16 = native(['pad', '--bits', '16', '--iterations', '5000', '--gamma', '14', '--check-every', '250', '--attempts', '3', '--seed', '1', '--json']);
    const round = (x) => Math.round(x * 100) / 100;
    console.log(JSON.stringify({
      page_seed16_s: round(pageSeed16), page_pad8_3000_s: round(page8), page_pad16_5000_s: round(page16),
      page_pad8_ratio: round(page8 / pageSeed16), page_pad16_ratio: round(page16 / pageSeed16),
      native_seed16_s: round(nativeSeed16), native_pad8_3000_s: round(native8), native_pad16_5000_s: round(native16),
      native_pad8_ratio: round(native8 / nativeSeed16), native_pad16_ratio: round(native16 / nativeSeed16),
      page_pad8_verdict: page8Verdict, native_pad8_verdict: native8Verdict,
    }));
  } finally {
    await browser.close();
    server.close();
  }
})();
