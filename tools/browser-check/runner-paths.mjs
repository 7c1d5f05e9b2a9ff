// The Run form's failure paths and long runs (book/theme/run.js), driven in
// Chromium against tiny stand-in modules (stub-wasm.mjs) that Playwright's
// context.route serves in place of runner/book-runner.wasm, with a manifest
// that says the runner is in the build. They need no real module, so they run
// even when the book was built without one. Each check names the page's
// state it expects and fails on any other:
//
// - stop: a run that prints, then a run that spins forever; Stop must end
//   it (no worker left), keep this run's output and none of the last one's;
// - second press: Run, then a suggested-flags button, while the module is
//   still downloading (the route holds it back); then Stop while loading.
//   At most one worker may ever be live, and none after Stop;
// - load failures: a module that answers 404 (one request, on a URL that
//   carries the manifest's sources hash), then a retry that works; a
//   module that does not compile (one request: no second download); a
//   server that does not say application/wasm (one request, and it runs);
// - file:// retry: a copy of the book (symlinks, in a temporary folder)
//   whose base64 script holds no module, then holds one: the second press
//   must run it;
// - streaming: a module that writes a line every 300 ms must show lines and
//   the elapsed seconds before it ends, in at most ~12 screen updates a
//   second; with Playwright's clock moved on 31 s, the status suggests Stop;
// - alt text: plots get the text the module wrote beside them (NAME.alt.txt,
//   Markdown unescaped), not the page's;
// - old browsers: no form.requestSubmit nor Array.prototype.at (Safari
//   before 16 and 15.4) still run, from Run and from a suggested-flags
//   button; without WebAssembly the form says so when the page loads and
//   Run is disabled; without native.js a run at the defaults still works;
// - axe: the form after a run, while running and after Stop, in five themes
//   (runner-axe.mjs).
//
// Screenshots: target/browser-check/runner/paths.*.png.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stubModule } from './stub-wasm.mjs';
import { shootForm } from './runner-real.mjs';
import { formAxe } from './runner-axe.mjs';

const WASM = /\/runner\/book-runner\.wasm(\?.*)?$/;
const HASH = 'stubsources0123';
const MANIFEST = `window.ACT_LOSS_RUNNER = {"available":true,"bytes":1,"sources":"${HASH}"};\n`;

// The stand-ins: prints its argc, and spins forever when given any flag.
const ARGC = stubModule([['argc'], ['spinIfArgs']]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A page of `crate` with the stand-in module; `wasm(route, n)` answers the
// n-th request for the module (default: ARGC as application/wasm).
async function stubPage(browser, url, { wasm, width = 1280, height = 900, theme = 'light', init, clock, nativeJs = true } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    await context.addInitScript((t) => { try { localStorage.setItem('mdbook-theme', t); } catch (e) { /* file:// */ } }, theme);
    if (init) await context.addInitScript(init);
    const requests = [];
    await context.route(/\/runner\/manifest\.js(\?.*)?$/, (r) => r.fulfill({ contentType: 'text/javascript', body: MANIFEST }));
    if (!nativeJs) await context.route(/\/runner\/native\.js(\?.*)?$/, (r) => r.fulfill({ status: 404, body: 'not found' }));
    await context.route(WASM, async (r) => {
        requests.push(r.request().url());
        if (wasm) return wasm(r, requests.length);
        return r.fulfill({ contentType: 'application/wasm', body: Buffer.from(ARGC) });
    });
    const tab = await context.newPage();
    if (clock) await tab.clock.install();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(`script error: ${String(e.message || e).split('\n')[0]}`));
    await tab.goto(url, { waitUntil: 'load', timeout: 60000 });
    await tab.waitForSelector('form[data-run]', { timeout: 20000 });
    return { context, tab, requests, errors };
}

const form = 'form[data-run]';
const state = (tab) => tab.$eval(form, (f) => ({
    state: f.dataset.state, exit: f.dataset.exit,
    stdout: f.querySelector('.run-stdout').textContent, stderr: f.querySelector('.run-stderr').textContent,
    status: f.querySelector('.run-status').textContent,
    clock: (f.querySelector('.run-clock') || { textContent: '' }).textContent,
    note: (f.querySelector('.run-note') || { textContent: '' }).textContent,
    stopShown: !f.querySelector('.run-stop').hidden,
    runDisabled: f.querySelector('button[type="submit"]').disabled,
    flags: f.querySelector('input[name="flags"]').value,
    alts: [...f.querySelectorAll('.run-plots img')].map((i) => i.alt),
}));
const run = async (tab, flags) => {
    await tab.fill(`${form} input[name="flags"]`, flags);
    await tab.click(`${form} button[type="submit"]`);
};
const done = (tab, ms = 20000) => tab.waitForSelector(`${form}[data-state="done"]`, { timeout: ms }).then(() => state(tab));
// Clicks Stop through the DOM (a hidden Stop is a failure of its own).
const pressStop = (tab) => tab.$eval(`${form} .run-stop`, (b) => b.click());
// Live workers, after letting a terminated one close.
const workers = async (tab) => {
    for (let i = 0; i < 30 && tab.workers().length; i++) await sleep(100);
    return tab.workers().length;
};

async function until(tab, test, ms) {
    const t0 = Date.now();
    for (;;) {
        const s = await state(tab);
        if (test(s)) return s;
        if (Date.now() - t0 > ms) return null;
        await sleep(100);
    }
}

// ---------------------------------------------------------------- the checks

async function stop(ctx) {
    const f = [];
    const { context, tab, errors } = await stubPage(ctx.browser, ctx.url);
    try {
        await run(tab, '');
        let s = await done(tab);
        if (s.exit !== '0' || !s.stdout.includes('argc=1')) f.push(`first run: exit ${s.exit}, stdout "${s.stdout}"`);
        await run(tab, '--spin');
        if (!(await until(tab, (x) => x.stdout.includes('argc=2'), 5000))) f.push('the spinning run showed nothing of its own in 5 s');
        if (!(await state(tab)).stopShown) f.push('no Stop button while running');
        await pressStop(tab);
        s = await done(tab, 2000).catch(() => state(tab));
        if (s.state !== 'done' || s.exit !== 'stopped') f.push(`after Stop: state ${s.state}, exit ${s.exit}`);
        if (s.stdout.includes('argc=1')) f.push(`after Stop the last run's output is still shown: "${s.stdout.trim()}"`);
        const n = await workers(tab);
        if (n) f.push(`${n} worker(s) still alive after Stop`);
        await shootForm(tab, form, path.join(ctx.shots, 'paths.stop.png'));
    } finally { await context.close(); }
    return [...f, ...errors];
}

async function secondPress(ctx) {
    const f = [];
    let release;
    const gate = new Promise((r) => { release = r; });
    const { context, tab, errors } = await stubPage(ctx.browser, ctx.url, {
        wasm: async (r) => { await gate; return r.fulfill({ contentType: 'application/wasm', body: Buffer.from(ARGC) }); },
    });
    try {
        // Run, then a suggested-flags button, while the module downloads.
        await run(tab, '--spin');
        await tab.waitForSelector(`${form}[data-state="running"]`, { timeout: 5000 });
        const chip = await tab.$(`${form} .run-chip`);
        const chipFlags = (await chip.textContent()).trim();
        await chip.click();
        await sleep(200);
        release();
        const s = await until(tab, (x) => /argc=\d/.test(x.stdout), 5000);
        if (!s) f.push('the second press showed nothing in 5 s');
        else if (s.flags !== chipFlags) f.push(`the flags box holds "${s.flags}", not the button's "${chipFlags}"`);
        let n = await workers(tab);
        if (n > 1) f.push(`${n} workers alive after two presses while loading (one run at a time)`);
        await pressStop(tab);
        n = await workers(tab);
        if (n) f.push(`${n} worker(s) still alive after Stop (a press while loading leaked one)`);
    } finally { await context.close(); }

    // Stop while the module is still loading: no run may start afterwards.
    let release2;
    const gate2 = new Promise((r) => { release2 = r; });
    const p = await stubPage(ctx.browser, ctx.url, {
        wasm: async (r) => { await gate2; return r.fulfill({ contentType: 'application/wasm', body: Buffer.from(ARGC) }); },
    });
    try {
        await run(p.tab, '--spin');
        await p.tab.waitForSelector(`${form}[data-state="running"]`, { timeout: 5000 });
        if (!(await state(p.tab)).stopShown) f.push('no Stop button while the module loads');
        await pressStop(p.tab);
        release2();
        await sleep(1000);
        const s = await state(p.tab);
        if (s.state !== 'done' || s.exit !== 'stopped') f.push(`Stop while loading: state ${s.state}, exit ${s.exit}`);
        const n = await workers(p.tab);
        if (n) f.push(`${n} worker(s) started after Stop while loading`);
    } finally { await p.context.close(); }
    return [...f, ...errors, ...p.errors];
}

async function loadFailures(ctx) {
    const f = [];
    // 404 until flipped, then the module.
    let broken = true;
    const a = await stubPage(ctx.browser, ctx.url, {
        wasm: (r) => (broken ? r.fulfill({ status: 404, body: 'not found' })
            : r.fulfill({ contentType: 'application/wasm', body: Buffer.from(ARGC) })),
    });
    try {
        await run(a.tab, '');
        let s = await done(a.tab);
        if (s.exit !== 'load' || !/could not load/.test(s.status)) f.push(`404: exit ${s.exit}, status "${s.status}"`);
        if (a.requests.length !== 1) f.push(`404: ${a.requests.length} requests for the module, not 1`);
        if (!a.requests.every((u) => u.endsWith(`book-runner.wasm?v=${HASH}`))) f.push(`the module's URL has no ?v=SOURCES_HASH: ${a.requests[0]}`);
        broken = false;
        await run(a.tab, '');
        s = await done(a.tab);
        if (s.exit !== '0' || !s.stdout.includes('argc=1')) f.push(`retry after 404: exit ${s.exit}, status "${s.status}"`);
    } finally { await a.context.close(); }
    // A module that does not compile: one download, a clear failure.
    const b = await stubPage(ctx.browser, ctx.url, {
        wasm: (r) => r.fulfill({ contentType: 'application/wasm', body: Buffer.from('\0asm not a module') }),
    });
    try {
        await run(b.tab, '');
        const s = await done(b.tab);
        if (s.exit !== 'load') f.push(`CompileError: exit ${s.exit}`);
        await sleep(300);
        if (b.requests.length !== 1) f.push(`CompileError: ${b.requests.length} downloads of the module, not 1`);
    } finally { await b.context.close(); }
    // A server that says application/octet-stream: one download, and it runs.
    const c = await stubPage(ctx.browser, ctx.url, {
        wasm: (r) => r.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(ARGC) }),
    });
    try {
        await run(c.tab, '');
        const s = await done(c.tab);
        if (s.exit !== '0') f.push(`octet-stream: exit ${s.exit}, status "${s.status}"`);
        if (c.requests.length !== 1) f.push(`octet-stream: ${c.requests.length} downloads of the module, not 1`);
    } finally { await c.context.close(); }
    return [...f, ...a.errors, ...b.errors, ...c.errors];
}

// A copy of the book in a temporary folder, made of symlinks except
// runner/manifest.js and runner/book-runner-wasm.js, which it writes.
function bookCopy(htmlDir) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-file-'));
    for (const name of fs.readdirSync(htmlDir)) {
        if (name !== 'runner') fs.symlinkSync(path.join(htmlDir, name), path.join(dir, name));
    }
    fs.mkdirSync(path.join(dir, 'runner'));
    for (const name of fs.readdirSync(path.join(htmlDir, 'runner'))) {
        if (!/^(manifest\.js|book-runner)/.test(name)) fs.symlinkSync(path.join(htmlDir, 'runner', name), path.join(dir, 'runner', name));
    }
    fs.writeFileSync(path.join(dir, 'runner', 'manifest.js'), MANIFEST);
    return dir;
}

async function fileRetry(ctx) {
    const f = [];
    const dir = bookCopy(ctx.htmlDir);
    const script = path.join(dir, 'runner', 'book-runner-wasm.js');
    fs.writeFileSync(script, '// a partial copy: no module here\n');
    const { context, tab, errors } = await stubPage(ctx.browser, `${pathToFileURL(dir).href}/${ctx.crate}.html`);
    try {
        await run(tab, '');
        let s = await done(tab);
        if (s.exit !== 'load') f.push(`file://, no module in the script: exit ${s.exit}, status "${s.status}"`);
        fs.writeFileSync(script, `window.ACT_LOSS_RUNNER_WASM = "${Buffer.from(ARGC).toString('base64')}";\n`);
        await run(tab, '');
        s = await done(tab);
        if (s.exit !== '0' || !s.stdout.includes('argc=1')) f.push(`file://, retry with the module in place: exit ${s.exit}, status "${s.status}"`);
    } finally {
        await context.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    return [...f, ...errors];
}

async function streaming(ctx) {
    const f = [];
    const steps = [['out', '== A long run ==\n']];
    for (let i = 1; i <= 10; i++) steps.push(['sleep', 300], ['err', `training: ${i * 10}% (step ${i * 20} of 200)\n`], ['out', `line ${i}\n`]);
    const slow = stubModule(steps);
    const { context, tab, errors } = await stubPage(ctx.browser, ctx.url, {
        width: 400, height: 850, theme: 'navy',
        wasm: (r) => r.fulfill({ contentType: 'application/wasm', body: Buffer.from(slow) }),
    });
    try {
        await tab.evaluate(() => {
            window.__updates = 0;
            const f = document.querySelector('form[data-run]');
            new MutationObserver(() => { window.__updates++; })
                .observe(f.querySelector('.run-stderr'), { childList: true, subtree: true, characterData: true });
        });
        await run(tab, '--steps 200');
        const t0 = Date.now();
        const seen = await until(tab, (x) => x.state === 'running' && /training: [1-9]0%/.test(x.stderr) && /\d+ s/.test(x.clock), 8000);
        if (!seen) f.push('no line and no elapsed seconds shown before the run ended');
        else {
            await shootForm(tab, form, path.join(ctx.shots, 'paths.streaming.400-navy.png'));
        }
        const s = await done(tab);
        const secs = (Date.now() - t0) / 1000;
        const updates = await tab.evaluate(() => window.__updates);
        if (!/training: 100%/.test(s.stderr) || !s.stdout.includes('line 10')) f.push(`the whole output is not there at the end: "${s.stderr}"`);
        if (updates > 12 * secs + 2) f.push(`${updates} updates of stderr in ${secs.toFixed(1)} s: more than ~10 a second`);
    } finally { await context.close(); }
    // 31 s on Playwright's clock: the status suggests Stop.
    const p = await stubPage(ctx.browser, ctx.url, { clock: true });
    try {
        await run(p.tab, '--spin');
        await until(p.tab, (x) => x.stdout.includes('argc'), 5000);
        await p.tab.clock.fastForward(31000);
        const s = await until(p.tab, (x) => /Stop/.test(x.status) && /3\d s/.test(x.clock), 3000);
        if (!s) f.push(`after 31 s: status "${(await state(p.tab)).status}", clock "${(await state(p.tab)).clock}" (no suggestion to Stop)`);
        await pressStop(p.tab);
    } finally { await p.context.close(); }
    return [...f, ...errors, ...p.errors];
}

async function altText(ctx) {
    const f = [];
    const plots = stubModule([
        ['file', 'wide.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'],
        ['file', 'wide.alt.txt', 'A stub plot for \\_this\\_ run: 3 curves, x from 0 to 5000.\n'],
        ['out', 'wrote 1 plot\n'],
    ]);
    const { context, tab, errors } = await stubPage(ctx.browser, ctx.url, {
        wasm: (r) => r.fulfill({ contentType: 'application/wasm', body: Buffer.from(plots) }),
    });
    try {
        await run(tab, '--steps 5000');
        const s = await done(tab);
        const want = 'A stub plot for _this_ run: 3 curves, x from 0 to 5000.';
        if (s.alts.length !== 1 || s.alts[0] !== want) f.push(`plot alt ${JSON.stringify(s.alts)}, not its .alt.txt "${want}"`);
    } finally { await context.close(); }
    return [...f, ...errors];
}

async function oldBrowsers(ctx) {
    const f = [];
    const a = await stubPage(ctx.browser, ctx.url, {
        init: () => { delete HTMLFormElement.prototype.requestSubmit; delete Array.prototype.at; },
    });
    try {
        await run(a.tab, '');
        let s = await done(a.tab, 5000).catch(() => state(a.tab));
        if (s.exit !== '0') f.push(`no requestSubmit/at, Run: state ${s.state}, exit ${s.exit}`);
        const chip = await a.tab.$(`${form} .run-chip`);
        await chip.click();
        await until(a.tab, (x) => x.state === 'running' || x.state === 'done', 3000);
        s = await until(a.tab, (x) => /argc=\d/.test(x.stdout), 3000);
        if (!s) f.push('no requestSubmit/at: a suggested-flags button ran nothing');
        await pressStop(a.tab);
    } finally { await a.context.close(); }
    const b = await stubPage(ctx.browser, ctx.url, { init: () => { delete window.WebAssembly; } });
    try {
        const s = await until(b.tab, (x) => x.state === 'unavailable', 3000) || await state(b.tab);
        if (s.state !== 'unavailable' || !s.runDisabled || !/WebAssembly/.test(s.status)) {
            f.push(`no WebAssembly: when the page loads, state ${s.state}, Run ${s.runDisabled ? 'disabled' : 'enabled'}, status "${s.status}"`);
        }
    } finally { await b.context.close(); }
    const c = await stubPage(ctx.browser, ctx.url, { nativeJs: false });
    try {
        await run(c.tab, '');
        const s = await done(c.tab);
        if (s.exit !== '0') f.push(`no native.js: exit ${s.exit}, status "${s.status}"`);
    } finally { await c.context.close(); }
    return [...f, ...a.errors, ...b.errors, ...c.errors];
}

export const CHECKS = { stop, 'second press': secondPress, 'load failures': loadFailures, 'file:// retry': fileRetry, streaming, 'alt text': altText, 'old browsers': oldBrowsers, axe: formAxe };

// Runs every check on `crate`'s page (ch05 when it is among the pages).
export async function checkRunnerPaths(browser, { base, htmlDir, shotDir, crates, report }) {
    const crate = crates.includes('ch05-naive-bce-nan') ? 'ch05-naive-bce-nan' : crates[0];
    const shots = path.join(shotDir, 'runner');
    fs.mkdirSync(shots, { recursive: true });
    const ctx = { browser, url: `${base}/${crate}.html`, htmlDir, crate, shots, stubPage };
    const only = process.env.RUNNER_PATHS ? process.env.RUNNER_PATHS.split(',') : null;
    for (const [name, check] of Object.entries(CHECKS)) {
        if (only && !only.includes(name)) continue;
        let failures;
        try {
            failures = await check(ctx);
        } catch (e) {
            failures = [`could not check: ${String(e.message).split('\n')[0]}`];
        }
        report(`${crate.padEnd(26)} run path: ${name}`, failures, ['stub module']);
    }
}

// On its own: `node runner-paths.mjs` checks book/html (or BOOK_HTML), e.g. a
// copy of the book with another run.js; RUNNER_PATHS=stop,streaming picks checks.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
    const { chromium } = await import('playwright-core');
    const { serve, launch } = await import('./chromium.mjs');
    const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
    const htmlDir = path.resolve(process.env.BOOK_HTML || path.join(root, 'book', 'html'));
    const server = await serve(htmlDir);
    const browser = await launch(chromium, process.env.CHROMIUM || '/usr/bin/chromium');
    let failed = 0;
    const report = (label, failures) => {
        console.log(`${label} ${failures.length ? 'FAIL' : 'ok'}`);
        for (const x of failures) console.log(`    ${x}`);
        if (failures.length) failed++;
    };
    await checkRunnerPaths(browser, {
        base: `http://127.0.0.1:${server.address().port}`, htmlDir,
        shotDir: path.resolve(process.env.SHOTS || path.join(root, 'target', 'browser-check')),
        crates: ['ch05-naive-bce-nan'], report,
    });
    await browser.close();
    server.close();
    process.exit(failed ? 1 : 0);
}
