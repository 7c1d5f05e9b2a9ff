// Opens every page of the built book (book/html) in Debian's headless
// Chromium, at 1280 px, at 400 px and in the navy theme, and fails on what a
// reader would see go wrong: an image that does not load, TeX that MathJax
// left as text, an output block wider than the column, a display formula cut
// off on a phone, a page that scrolls sideways on a phone, plot text under
// 8 px on a phone, a script error, a serious or critical accessibility
// violation (axe-core, every theme). Saves a full-page screenshot of each page
// in each mode under target/browser-check/ for a person to look at.
//
// Usage: node check.mjs   (tools/browser-check/run builds the book first)
// Environment: CHROMIUM (default /usr/bin/chromium), BOOK_HTML (default
// <repo>/book/html), SHOTS (default <repo>/target/browser-check),
// PAGES (comma-separated page names, e.g. "ch05-naive-bce-nan", to check a few).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from './inspect.mjs';
import { serve, launch } from './chromium.mjs';
import { checkRunner } from './runner.mjs';
import { checkPredict } from './predict.mjs';
import { checkAxe, THEMES } from './axe.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const htmlDir = path.resolve(process.env.BOOK_HTML || path.join(root, 'book', 'html'));
const srcDir = path.join(root, 'book', 'src');
const shotDir = path.resolve(process.env.SHOTS || path.join(root, 'target', 'browser-check'));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const MIN_PLOT_TEXT_PX = 8;
const MATHJAX_TIMEOUT_MS = 30000;

const MODES = [
    { name: '1280', width: 1280, height: 900, theme: 'light' },
    { name: '400', width: 400, height: 850, theme: 'light' },
    { name: 'navy', width: 1280, height: 900, theme: 'navy' },
];

// ---------------------------------------------------------------- the pages

// The pages mdBook renders from SUMMARY.md, in reading order, plus index.html
// (the first page again, which is what a reader opens).
function summaryPages() {
    const summary = fs.readFileSync(path.join(srcDir, 'SUMMARY.md'), 'utf8');
    const pages = ['index'];
    for (const m of summary.matchAll(/\]\(([^)\s]+)\.md\)/g)) {
        const name = m[1].replace(/^\.\//, '');
        if (!pages.includes(name)) pages.push(name);
    }
    return pages;
}

// What the page's Markdown source promises, so no check passes vacuously:
// a page whose source has formulas must show rendered formulas, and a page
// whose source has plots must show plot images.
function promises(page) {
    const file = path.join(srcDir, (page === 'index' ? summaryPages()[1] : page) + '.md');
    if (!fs.existsSync(file)) return { math: false, plots: 0 };
    const text = fs.readFileSync(file, 'utf8')
        .replace(/^(```|~~~)[\s\S]*?^\1/gm, '') // fenced code
        .replace(/`[^`\n]*`/g, ''); // inline code
    return {
        math: /\\\\\(|\\\\\[/.test(text),
        plots: new Set([...text.matchAll(/\]\((plots\/[^)\s]+)\)/g)].map((m) => m[1])).size,
    };
}


// Mean relative luminance (0 black … 1 white) of a PNG, decoded in the page.
async function meanLuminance(page, png) {
    return page.evaluate(async (b64) => {
        const img = new Image();
        img.src = 'data:image/png;base64,' + b64;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        let sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += 0.2126 * lin(d[i]) + 0.7152 * lin(d[i + 1]) + 0.0722 * lin(d[i + 2]);
        return sum / (d.length / 4);
    }, png.toString('base64'));
}

// ---------------------------------------------------------------- one visit

async function visit(browser, base, page, mode, { full = true, shot = true } = {}) {
    const context = await browser.newContext({
        viewport: { width: mode.width, height: mode.height },
        deviceScaleFactor: 1,
        colorScheme: 'light',
    });
    await context.addInitScript((theme) => {
        try { localStorage.setItem('mdbook-theme', theme); } catch (e) { /* ignore */ }
        window.print = () => {}; // print.html prints itself on load
    }, mode.theme);
    const tab = await context.newPage();
    const failures = [];
    tab.on('pageerror', (e) => failures.push(`script error: ${String(e.message || e).split('\n')[0]}`));
    tab.on('console', (m) => {
        if (m.type() === 'error') failures.push(`console error: ${m.text().split('\n')[0]}${m.location()?.url ? ` (${m.location().url.replace(base, '')})` : ''}`);
    });
    tab.on('requestfailed', (r) => failures.push(`request failed: ${r.url().replace(base, '')} (${r.failure()?.errorText})`));
    // nothing is loaded from anywhere but the book's own files
    tab.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(base + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) failures.push(`request off the book: ${u}`);
    });

    let result = { failures: [], stats: {} };
    try {
        const response = await tab.goto(`${base}/${page}.html`, { waitUntil: 'load', timeout: 60000 });
        if (!response || !response.ok()) throw new Error(`HTTP ${response ? response.status() : 'no response'} for ${page}.html`);
        // MathJax: loaded, started, and done typesetting the page
        try {
            await tab.waitForFunction(() => window.MathJax && MathJax.startup && MathJax.startup.promise,
                null, { timeout: MATHJAX_TIMEOUT_MS });
            await tab.evaluate(() => MathJax.startup.promise.then(() => true));
        } catch (e) {
            failures.push(`MathJax did not finish: ${String(e.message).split('\n')[0]}`);
        }
        // images: none lazy, all decoded (or failed) before we look
        await tab.evaluate(() => Promise.all([...document.images].map((img) => {
            img.loading = 'eager';
            return img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; setTimeout(r, 10000); });
        })));
        const cls = await tab.evaluate(() => [...document.documentElement.classList]);
        if (!cls.includes(mode.theme)) failures.push(`theme is "${cls.join(' ')}", not ${mode.theme}`);

        if (full) {
            result = await tab.evaluate(inspect, { mode: mode.name, minPlotPx: MIN_PLOT_TEXT_PX });
        } else {
            result = await tab.evaluate(() => {
                const imgs = [...document.images];
                return {
                    failures: imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => `image did not load: ${i.getAttribute('src')}`),
                    stats: { images: imgs.length, formulas: document.querySelectorAll('mjx-container').length },
                };
            });
        }

        if (mode.name === 'navy' && full) {
            const plot = await tab.$('main img[src*="plots/"]');
            if (plot) {
                await plot.scrollIntoViewIfNeeded();
                const lum = await meanLuminance(tab, await plot.screenshot());
                result.stats.plotLuminance = +lum.toFixed(3);
                if (lum > 0.5) result.failures.push(`plot is a bright box on navy: mean luminance ${lum.toFixed(2)}`);
            }
        }
        await tab.evaluate(() => window.scrollTo(0, 0));
        if (shot) {
            // A full-page capture of a long page can stall once on a busy
            // machine (seen on ch01, 16 plots, in the navy theme): try again.
            const file = path.join(shotDir, `${page}.${mode.name}.png`);
            try {
                await tab.screenshot({ path: file, fullPage: true, timeout: 45000 });
            } catch (e) {
                console.log(`    (${page} ${mode.name}: screenshot retried after: ${String(e.message).split('\n')[0]})`);
                await tab.screenshot({ path: file, fullPage: true, timeout: 90000 });
            }
        }
    } catch (e) {
        failures.push(`could not check the page: ${String(e.message).split('\n')[0]}`);
    } finally {
        await context.close();
    }
    return { failures: [...result.failures, ...failures], stats: result.stats };
}

// MathJax's menu lets a reader turn on its accessibility explorer, which
// would load more of MathJax and then the speech rule engine's rules, from a
// CDN unless they are local. The book vendors only tex-svg.js, so turning it
// on must load nothing from the network and leave every formula in place.
async function checkExplorer(browser, base, page) {
    const tab = await browser.newPage();
    const failures = [];
    tab.on('request', (r) => {
        if (!r.url().startsWith(base + '/') && !r.url().startsWith('data:')) failures.push(`request off the book: ${r.url()}`);
    });
    tab.on('pageerror', (e) => failures.push(`script error: ${String(e.message).split('\n')[0]}`));
    try {
        await tab.goto(`${base}/${page}.html`, { waitUntil: 'load', timeout: 60000 });
        await tab.waitForFunction(() => window.MathJax && MathJax.startup && MathJax.startup.promise, null, { timeout: MATHJAX_TIMEOUT_MS });
        await tab.evaluate(() => MathJax.startup.promise);
        const count = () => tab.evaluate(() => document.querySelectorAll('mjx-container').length);
        const before = await count();
        await tab.evaluate(() => MathJax.startup.document.menu.menu.pool.lookup('explorer').setValue(true));
        await tab.waitForTimeout(3000);
        const after = await count();
        if (!(before > 0) || after !== before) failures.push(`${before} formulas before turning the explorer on, ${after} after`);
        return { failures, formulas: after };
    } finally {
        await tab.close();
    }
}

// ---------------------------------------------------------------- main

async function main() {
    const started = Date.now();
    if (!fs.existsSync(path.join(htmlDir, 'index.html'))) {
        console.error(`no book at ${htmlDir}: build it with \`cargo run --bin book\``);
        process.exit(2);
    }
    if (!fs.existsSync(executablePath)) {
        console.error(`no Chromium at ${executablePath}: apt-get install chromium`);
        process.exit(2);
    }
    fs.mkdirSync(shotDir, { recursive: true });

    let pages = summaryPages();
    const problems = [];
    // every page of SUMMARY.md is built, and every built page is in SUMMARY.md
    for (const p of pages) if (!fs.existsSync(path.join(htmlDir, p + '.html'))) problems.push(`${p}.html is in SUMMARY.md but not built`);
    for (const f of fs.readdirSync(htmlDir).filter((f) => f.endsWith('.html'))) {
        const p = f.slice(0, -5);
        if (!['print', '404', 'toc'].includes(p) && !pages.includes(p)) problems.push(`${f} is built but not in SUMMARY.md (stale build?)`);
    }
    if (process.env.PAGES) pages = pages.filter((p) => process.env.PAGES.split(',').includes(p));
    else if (pages.length < 2) problems.push(`only ${pages.length} page(s) to check`);
    if (!pages.length) problems.push(`no page to check (PAGES=${process.env.PAGES || ''})`);

    const server = await serve(htmlDir);
    const base = `http://127.0.0.1:${server.address().port}`;
    const browser = await launch(chromium, executablePath);
    console.log(`Chromium ${browser.version()}, ${pages.length} pages × ${MODES.length} modes + print.html, screenshots in ${path.relative(root, shotDir) || '.'}`);

    let passed = 0;
    let failed = 0;
    const totals = { formulas: 0, plots: 0, plotsMeasured: 0, filtered: 0, images: 0, blocks: 0 };
    const report = (label, failures, info) => {
        if (failures.length) {
            failed++;
            console.log(`${label} FAIL (${info.join(', ')})`);
            for (const f of failures) console.log(`    ${f}`);
        } else {
            passed++;
            console.log(`${label} ok (${info.join(', ')})`);
        }
    };

    const jobs = [];
    for (const page of pages) for (const mode of MODES) jobs.push({ page, mode });
    jobs.push({ page: 'print', mode: MODES[0], print: true });
    for (const { page, mode, print } of jobs) {
        const { failures, stats } = await visit(browser, base, page, mode, { full: !print, shot: !print });
        const label = `${page.padEnd(26)} ${mode.name.padEnd(4)}`;
        if (print) {
            // print.html: once, for script errors and images
            if (!(stats.images > 0)) failures.push('print.html shows no image');
            report(label, failures, [`${stats.images} img`, `${stats.formulas} formulas`]);
            continue;
        }
        // nothing passes because there was nothing to look at
        const want = promises(page);
        if (want.math && !(stats.formulas > 0)) failures.push('the source has formulas but the page shows no rendered formula');
        if (want.plots && stats.plots !== undefined && stats.plots < want.plots) failures.push(`the source has ${want.plots} plot(s) but the page shows ${stats.plots}`);
        if (mode.name === 'navy' && want.plots && !(stats.filtered > 0)) failures.push('no plot on the page has a filter');
        if (mode.name === '400' && want.plots && !(stats.plotsMeasured > 0)) failures.push('no plot text measured');
        for (const k of Object.keys(totals)) totals[k] += stats[k] || 0;
        const info = [`${stats.images ?? '?'} img`, `${stats.formulas ?? '?'} formulas`];
        if (stats.blocks !== undefined) info.push(`${stats.blocks} blocks`);
        if (stats.smallestPlotText != null) info.push(`plot text ≥ ${stats.smallestPlotText} px`);
        if (stats.wideFormulas) info.push(stats.wideFormulas === 1 ? '1 wide formula scrolls in place' : `${stats.wideFormulas} wide formulas scroll in place`);
        if (stats.plotLuminance !== undefined) info.push(`plot luminance ${stats.plotLuminance}`);
        report(label, failures, info);
    }
    if (!process.env.PAGES || process.env.PAGES.split(',').includes('ch05-naive-bce-nan')) {
        const { failures, formulas } = await checkExplorer(browser, base, 'ch05-naive-bce-nan');
        report(`${'ch05-naive-bce-nan'.padEnd(26)} MathJax explorer`, failures, [`${formulas} formulas`]);
    }

    // accessibility: axe-core on every page in every theme (axe.mjs)
    const axeThemes = process.env.AXE_THEMES ? process.env.AXE_THEMES.split(',') : THEMES;
    await checkAxe(browser, { base, pages, report, themes: axeThemes });

    // the browser runner on every chapter page (runner.mjs)
    const crates = pages.filter((p) => /^ch\d\d-/.test(p));
    if (crates.length) await checkRunner(browser, { base, htmlDir, root, srcDir, shotDir, crates, report });
    // the predict-the-output questions and the answers page (predict.mjs)
    await checkPredict(browser, { base, htmlDir, shotDir, pages, report });
    await browser.close();
    server.close();

    // the whole run looked at something
    if (!process.env.PAGES) {
        if (!(totals.formulas > 0)) problems.push('no formula rendered on any page');
        if (!(totals.plots > 0)) problems.push('no plot found on any page');
        if (!(totals.plotsMeasured > 0)) problems.push('no plot text measured at 400 px');
        if (!(totals.filtered > 0)) problems.push('no plot filter checked on navy');
        if (!(totals.blocks > 0)) problems.push('no output or code block found');
    }
    for (const p of problems) { console.log(`setup FAIL: ${p}`); failed++; }

    console.log(`checked ${totals.images} images, ${totals.formulas} formulas, ${totals.plots} shown plots, ${totals.blocks} blocks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
