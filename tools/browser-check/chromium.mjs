// What tools/browser-check/check.mjs and tools/handout/print.mjs share: a
// static server for the built book on 127.0.0.1 only, and Debian's headless
// Chromium started with the flags this offline machine needs (without the
// background-networking ones, Chromium floods refused connections).

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const MIME = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
    '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
    '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.txt': 'text/plain',
    '.ico': 'image/x-icon',
};

/// Serves `dir` on a free port of 127.0.0.1; resolves to the http.Server.
export function serve(dir) {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, 'http://127.0.0.1');
        let file = path.join(dir, decodeURIComponent(url.pathname));
        if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
        fs.readFile(file, (err, data) => {
            if (err) { res.writeHead(404).end('not found'); return; }
            res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream' });
            res.end(data);
        });
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/// Launches headless Chromium (playwright-core's `chromium`) from `executablePath`.
export function launch(chromium, executablePath) {
    return chromium.launch({
        executablePath,
        headless: true,
        args: [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
            '--disable-dev-shm-usage',
        ],
    });
}
