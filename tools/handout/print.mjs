// Turns the built book's print.html (every chapter on one page) into an A4
// PDF with Debian's headless Chromium: target/handout/act-loss-book.pdf.
// The page breaks come from book/theme/book.css (its `@media print` section):
// output blocks, table rows, plots and formulas are not split across pages,
// and output lines shrink (or, if still too long, wrap) to fit the width.
//
// Usage: node print.mjs   (tools/handout/run builds the book first)
// Environment: CHROMIUM (default /usr/bin/chromium), BOOK_HTML (default
// <repo>/book/html), PDF (default <repo>/target/handout/act-loss-book.pdf).

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from '../browser-check/chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
// playwright-core is tools/browser-check's (pinned in its package-lock.json),
// not installed a second time here.
const { chromium } = createRequire(path.join(root, 'tools', 'browser-check', 'package.json'))('playwright-core');
const htmlDir = path.resolve(process.env.BOOK_HTML || path.join(root, 'book', 'html'));
const pdfPath = path.resolve(process.env.PDF || path.join(root, 'target', 'handout', 'act-loss-book.pdf'));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

// A4 with these margins leaves 186 mm × 264 mm for the text, which is
// 703 CSS px wide (96 px to the inch): the width the layout is checked at.
const MARGIN = { top: '15mm', bottom: '18mm', left: '12mm', right: '12mm' };
const TEXT_WIDTH_PX = Math.floor(((210 - 24) / 25.4) * 96);
const MATHJAX_TIMEOUT_MS = 60000;


async function main() {
    const started = Date.now();
    if (!fs.existsSync(path.join(htmlDir, 'print.html'))) {
        console.error(`no print.html in ${htmlDir}: build the book with \`cargo run --bin book\``);
        process.exit(2);
    }
    if (!fs.existsSync(executablePath)) {
        console.error(`no Chromium at ${executablePath}: apt-get install chromium`);
        process.exit(2);
    }
    const server = await serve(htmlDir);
    const base = `http://127.0.0.1:${server.address().port}`;
    const browser = await launch(chromium, executablePath);
    const problems = [];
    try {
        const context = await browser.newContext({
            viewport: { width: TEXT_WIDTH_PX, height: 1000 },
            deviceScaleFactor: 1,
            colorScheme: 'light',
        });
        await context.addInitScript(() => {
            try { localStorage.setItem('mdbook-theme', 'light'); } catch (e) { /* ignore */ }
            window.print = () => {}; // print.html opens the print dialog on load
        });
        const tab = await context.newPage();
        tab.on('pageerror', (e) => problems.push(`script error: ${String(e.message || e).split('\n')[0]}`));
        tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url().replace(base, '')}`));
        const response = await tab.goto(`${base}/print.html`, { waitUntil: 'load', timeout: 60000 });
        if (!response || !response.ok()) throw new Error(`HTTP ${response ? response.status() : 'no response'} for print.html`);

        // MathJax loaded, started and done typesetting; every image decoded; fonts loaded
        await tab.waitForFunction(() => window.MathJax && MathJax.startup && MathJax.startup.promise,
            null, { timeout: MATHJAX_TIMEOUT_MS });
        await tab.evaluate(() => MathJax.startup.promise.then(() => true));
        await tab.evaluate(() => Promise.all([...document.images].map((img) => {
            img.loading = 'eager';
            return img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; setTimeout(r, 10000); });
        })));
        await tab.evaluate(() => document.fonts.ready.then(() => true));

        // The workshop page's speaker notes print open; the "predict the
        // output" answers, and the library listings that answer an exercise
        // (details.answer-listing), stay folded, so the handout can be used
        // in class.
        await tab.evaluate(() => document.querySelectorAll('details.notes').forEach((d) => { d.open = true; }));

        // Laid out as on paper (print media, the text's width): what does not fit?
        await tab.emulateMedia({ media: 'print' });
        const layout = await tab.evaluate(() => {
            const out = { images: 0, broken: [], formulas: 0, wideFormulas: 0, blocks: 0, wrapped: [] };
            for (const img of document.images) {
                out.images++;
                if (!(img.complete && img.naturalWidth > 0)) out.broken.push(img.getAttribute('src'));
            }
            const page = document.querySelector('main').clientWidth;
            for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
                out.formulas++;
                if (m.getBoundingClientRect().width > page + 1) out.wideFormulas++;
            }
            out.formulas += document.querySelectorAll('mjx-container:not([display="true"])').length;
            // an output block "wraps" if its lines are wider than the block
            for (const code of document.querySelectorAll('main pre > code')) {
                out.blocks++;
                const saved = code.style.whiteSpace;
                code.style.whiteSpace = 'pre';
                const excess = code.scrollWidth - code.clientWidth;
                code.style.whiteSpace = saved;
                if (excess > 1) out.wrapped.push(`${excess} px: "${code.textContent.split('\n').find((l) => l.length > 80) || ''}"`.slice(0, 110));
            }
            return out;
        });
        if (layout.broken.length) problems.push(`images that did not load: ${layout.broken.join(', ')}`);
        if (!layout.images || !layout.formulas || !layout.blocks) problems.push('nothing to print: no image, formula or block found');

        fs.mkdirSync(path.dirname(pdfPath), { recursive: true });
        const title = await tab.title();
        const pdf = await tab.pdf({
            path: pdfPath,
            format: 'A4',
            margin: MARGIN,
            printBackground: true,
            displayHeaderFooter: true,
            headerTemplate: '<span></span>',
            footerTemplate: `<div style="font: 8px sans-serif; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between; color: #555">
                <span>${title.replace(/</g, '&lt;')}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
        });
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
        console.log(`${path.relative(root, pdfPath)}: ${pages} A4 pages, ${(pdf.length / 1e6).toFixed(1)} MB, ` +
            `${layout.images} images, ${layout.formulas} formulas, ${layout.blocks} code and output blocks`);
        if (layout.wideFormulas) console.log(`  ${layout.wideFormulas} display formula(s) wider than the text`);
        if (layout.wrapped.length) {
            console.log(`  ${layout.wrapped.length} block(s) with lines too long for the page, wrapped:`);
            for (const w of layout.wrapped) console.log(`    ${w}`);
        }
        await context.close();
    } finally {
        await browser.close();
        server.close();
    }
    for (const p of problems) console.log(`FAIL: ${p}`);
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.exit(problems.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
