// Accessibility, checked by axe-core (pinned in package-lock.json like
// playwright-core): every page, in every theme mdBook offers, against the
// WCAG 2.0/2.1 level A and AA rules. Any violation whose impact is serious or
// critical fails that page and theme; minor and moderate ones are counted and
// printed, not failed.
//
// axe runs from its own file (node_modules/axe-core/axe.min.js), injected as
// an inline script, so the page requests nothing off the book (check.mjs's
// rule). It runs after MathJax has typeset the page and predict.js and run.js
// have built their controls, so what it sees is what a reader gets.
//
// Also usable alone, to count what a build has (no pass or fail):
//   node axe.mjs [--themes=light,navy] [--pages=a,b]

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const AXE_FILE = require.resolve('axe-core/axe.min.js');
export const AXE_VERSION = JSON.parse(fs.readFileSync(path.join(path.dirname(AXE_FILE), 'package.json'), 'utf8')).version;
const AXE_SOURCE = fs.readFileSync(AXE_FILE, 'utf8');

/// mdBook 0.5's themes (its theme menu); light and navy are the ones the
/// other checks use, the rest are here because a reader can pick them.
export const THEMES = ['light', 'rust', 'coal', 'navy', 'ayu'];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FAILING = new Set(['serious', 'critical']);

/// Runs axe on `page` in `theme`; resolves to the violations, each with its
/// rule, impact and the elements (CSS selectors) it names.
export async function audit(browser, base, page, theme) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await context.addInitScript((t) => {
        try { localStorage.setItem('mdbook-theme', t); } catch (e) { /* ignore */ }
    }, theme);
    const tab = await context.newPage();
    const problems = [];
    tab.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(base + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`request off the book: ${u}`);
    });
    tab.on('pageerror', (e) => problems.push(`script error: ${String(e.message || e).split('\n')[0]}`));
    try {
        await tab.goto(`${base}/${page}.html`, { waitUntil: 'load', timeout: 60000 });
        await tab.waitForFunction(() => window.MathJax && MathJax.startup && MathJax.startup.promise, null, { timeout: 30000 });
        await tab.evaluate(() => MathJax.startup.promise.then(() => true));
        const cls = await tab.evaluate(() => [...document.documentElement.classList]);
        if (!cls.includes(theme)) problems.push(`theme is "${cls.join(' ')}", not ${theme}`);
        await tab.addScriptTag({ content: AXE_SOURCE });
        const violations = await tab.evaluate(async (tags) => {
            const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
            return r.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                nodes: v.nodes.map((n) => ({ target: n.target.join(' '), impact: n.impact, summary: n.failureSummary })),
            }));
        }, TAGS);
        return { violations, problems };
    } finally {
        await context.close();
    }
}

/// Counts of elements by rule, for the violations that fail (serious,
/// critical) and for the rest.
function tally(violations) {
    const failing = {}, other = {};
    for (const v of violations) {
        for (const n of v.nodes) {
            const into = FAILING.has(n.impact || v.impact) ? failing : other;
            into[v.id] = (into[v.id] || 0) + 1;
        }
    }
    return { failing, other };
}

/// Every page in every theme; each page × theme is one reported line that
/// fails on any serious or critical violation. Prints the totals per theme
/// and rule.
export async function checkAxe(browser, { base, pages, report, themes = THEMES }) {
    const totals = {};
    let audited = 0;
    for (const theme of themes) {
        totals[theme] = { failing: {}, other: {} };
        for (const page of pages) {
            const label = `${page.padEnd(26)} axe ${theme}`;
            let failures = [];
            const info = [];
            try {
                const { violations, problems } = await audit(browser, base, page, theme);
                audited++;
                const t = tally(violations);
                for (const kind of ['failing', 'other']) {
                    for (const [rule, n] of Object.entries(t[kind])) totals[theme][kind][rule] = (totals[theme][kind][rule] || 0) + n;
                }
                for (const v of violations) {
                    for (const n of v.nodes) {
                        if (!FAILING.has(n.impact || v.impact)) continue;
                        failures.push(`${v.id} (${n.impact || v.impact}): ${n.target}: ${(n.summary || '').split('\n').slice(1, 2).join('').trim()}`);
                    }
                }
                if (failures.length > 12) failures = [...failures.slice(0, 12), `… and ${failures.length - 12} more`];
                failures.push(...problems);
                const minor = Object.values(t.other).reduce((a, b) => a + b, 0);
                info.push(`${Object.values(t.failing).reduce((a, b) => a + b, 0)} serious or critical`, `${minor} minor or moderate`);
            } catch (e) {
                failures.push(`could not audit: ${String(e.message).split('\n')[0]}`);
            }
            report(label, failures, info);
        }
    }
    console.log(`axe-core ${AXE_VERSION} (${TAGS.join(', ')}), elements by theme and rule:`);
    for (const theme of themes) {
        const f = Object.entries(totals[theme].failing).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
        const o = Object.entries(totals[theme].other).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
        console.log(`    ${theme.padEnd(6)} serious or critical: ${f}; minor or moderate: ${o}`);
    }
    if (!audited) report('axe'.padEnd(31), ['no page audited'], []);
    return totals;
}

// ---------------------------------------------------------------- alone

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const { chromium } = await import('playwright-core');
    const { serve, launch } = await import('./chromium.mjs');
    const here = path.dirname(fileURLToPath(import.meta.url));
    const root = path.resolve(here, '..', '..');
    const htmlDir = path.resolve(process.env.BOOK_HTML || path.join(root, 'book', 'html'));
    const arg = (name) => (process.argv.find((a) => a.startsWith(`--${name}=`)) || '').split('=')[1];
    const summary = fs.readFileSync(path.join(root, 'book', 'src', 'SUMMARY.md'), 'utf8');
    let pages = ['index', ...[...summary.matchAll(/\]\(([^)\s]+)\.md\)/g)].map((m) => m[1].replace(/^\.\//, ''))];
    pages = [...new Set(pages)];
    if (arg('pages')) pages = arg('pages').split(',');
    const themes = arg('themes') ? arg('themes').split(',') : THEMES;
    const server = await serve(htmlDir);
    const base = `http://127.0.0.1:${server.address().port}`;
    const browser = await launch(chromium, process.env.CHROMIUM || '/usr/bin/chromium');
    const quiet = process.argv.includes('--quiet');
    await checkAxe(browser, {
        base, pages, themes,
        report: (label, failures, info) => {
            if (quiet) return;
            console.log(`${label} ${failures.length ? 'FAIL' : 'ok'} (${info.join(', ')})`);
            for (const f of failures) console.log(`    ${f}`);
        },
    });
    await browser.close();
    server.close();
}
