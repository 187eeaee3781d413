// The command that takes the README's and docs/' pictures (scripts/screenshots.sh) still
// runs through: every picture is written, as a PNG, from the page as it is now.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { main } = require('./screenshots');

test('the pictures of the README and docs/ can be taken again', { timeout: 900_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'anc-shots-'));
  process.env.SHOT_ATTACK_STEPS = '100';
  try {
    const shots = await main(folder);
    const names = shots.map((f) => path.basename(f)).sort();
    assert.deepEqual(names, ['attack-results.png', 'desktop-training.png', 'key-avalanche.png', 'message-form.png', 'phone-shared-link.png']);
    for (const file of shots) {
      const bytes = fs.readFileSync(file);
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], `${file} is not a PNG`);
      assert.ok(bytes.length > 5_000, `${file} is nearly empty`);
    }
    // Every picture the README and docs/ show is one the command takes.
    const docs = ['README.md', ...fs.readdirSync(path.join(__dirname, '..', '..', 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const doc of docs) {
      const text = fs.readFileSync(path.join(__dirname, '..', '..', doc), 'utf8');
      for (const [, image] of text.matchAll(/\]\((?:docs\/)?img\/([^)]+\.png)\)/g)) {
        assert.ok(names.includes(image), `${doc} shows img/${image}, which scripts/screenshots.sh does not take`);
      }
    }
  } finally {
    delete process.env.SHOT_ATTACK_STEPS;
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
