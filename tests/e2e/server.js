// A tiny static server for the built page (dist/): correct MIME types (wasm included),
// no caching, 127.0.0.1 only. Used by the browser tests and the browser benchmark.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.bin': 'application/octet-stream',
  '.json': 'application/json',
};

/** Serves `root` on a free port of 127.0.0.1; resolves to { url, close, requests }. */
function serve(root, port = 0) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
    const url = new URL(req.url, 'http://127.0.0.1');
    // For the tests: an answer that takes `ms`, so a synchronous request holds a page's
    // thread without using a core.
    const sleep = /^\/__sleep\/(\d+)$/.exec(url.pathname);
    if (sleep) { setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('slept'), Number(sleep[1])); return; }
    const base = path.resolve(root);
    let file = path.join(base, decodeURIComponent(url.pathname));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    if (file.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    const { port: p } = server.address();
    resolve({ url: `http://127.0.0.1:${p}/`, requests, close: () => new Promise((r) => server.close(r)) });
  }));
}

module.exports = { serve };

if (require.main === module) {
  const root = process.argv[2] || 'dist';
  const port = Number(process.argv[3] || 8080);
  serve(root, port).then(({ url }) => console.log(`serving ${root} at ${url}`));
}
