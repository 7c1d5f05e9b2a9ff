// The browser runner, checked in Chromium: on every chapter page, press Run
// as a reader does and compare what the page prints with what the chapter's
// native binary prints for the same flags.
//
// For each chapter:
// - the default run, from http and from disk (file://), each in a fresh
//   browser profile (a page not visited before): exit code 0, the same
//   lines as the native binary (text identical on every line, numbers
//   allowed to differ only on the lines the page marks, and the page marks
//   exactly those), the "Your turn" note in place of the exercises, as many
//   plots as the native binary writes;
// - from http, more flags: the page's own suggestion (its header's "try"),
//   `--help`, an unknown flag and a bad value; exit code, stdout and stderr
//   must match the native binary (stdout up to the digits of numbers);
// - no request leaves the book's own files, and no page error.
//
// It writes target/browser-check/runner-parity.md, the table of which
// chapters print identical text in both (the appendix includes
// book/src/runner/parity.md, which must match it; UPDATE_PARITY=1 copies it
// there), and screenshots target/browser-check/runner/CHAPTER.png (the form
// after the default run), plus ch05 at 400 px in the navy theme. On ch05
// the form is also used with the keyboard alone (Tab, type, Enter), and a
// suggested-flags button pressed with Enter.
//
// Before all that, runner-paths.mjs drives the form's failure paths with
// stand-in modules (Stop, a second press while loading, load failures and
// retries over http and from file://, streaming, alt texts, old browsers);
// after it, runner-real.mjs makes a long ch07 run stream and stop, and checks
// the alt texts of ch05's plots at other flags.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRunnerPaths } from './runner-paths.mjs';
import { checkLongRun, checkAltTexts } from './runner-real.mjs';

const YOUR_TURN = '\n== Your turn ==\n';
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

// The text of a line with every number replaced: what must not differ.
const skeleton = (line) => line.replace(NUMBER, '#');

// Splits stdout into the chapter's own text and the "Your turn" section.
function splitTurn(text) {
    const i = text.indexOf(YOUR_TURN);
    return i < 0 ? [text, ''] : [text.slice(0, i + 1).replace(/\n$/, ''), text.slice(i + 1)];
}

const lines = (text) => text.replace(/\n$/, '').split('\n');

// "1 plot", "3 plots"
const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// The chapter's native binary (the dev build the tests made), run in a fresh
// folder so its plots land there: stdout, stderr, exit code, plots written,
// and with --time, its own total.
export function native(root, crate, args) {
    const bin = path.join(root, 'target', 'debug', crate);
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-native-'));
    const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, RUST_BACKTRACE: '0' } });
    const plotDir = path.join(cwd, 'target', 'plots', crate);
    const files = fs.existsSync(plotDir) ? fs.readdirSync(plotDir) : [];
    const plots = files.filter((f) => f.endsWith('.svg')).length;
    // each plot's alt text (NAME.alt.txt), by the plot's file name
    const alts = Object.fromEntries(files.filter((f) => f.endsWith('.alt.txt'))
        .map((f) => [f.replace(/\.alt\.txt$/, '.svg'), fs.readFileSync(path.join(plotDir, f), 'utf8')]));
    fs.rmSync(cwd, { recursive: true, force: true });
    if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message} (build it: cargo build --workspace)`);
    return { stdout: r.stdout, stderr: r.stderr, exit: r.status, plots, alts };
}

function nativeSeconds(root, crate) {
    const bin = path.join(root, 'target', 'debug', crate);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
        const r = spawnSync(bin, ['--no-plots', '--time'], { encoding: 'utf8' });
        const m = /total ([\d.]+) s/.exec(r.stderr || '');
        if (m) best = Math.min(best, +m[1]);
    }
    return best;
}

// Presses Run with `flags` on the open page and waits for the result.
export async function press(tab, crate, flags) {
    const form = `form[data-run="${crate}"]`;
    await tab.waitForSelector(form, { timeout: 20000 });
    await tab.fill(`${form} input[name="flags"]`, flags);
    const t0 = Date.now();
    await tab.click(`${form} button[type="submit"]`);
    await tab.waitForSelector(`${form}[data-state="running"], ${form}[data-state="done"]`, { timeout: 5000 });
    await tab.waitForSelector(`${form}[data-state="done"]`, { timeout: 60000 });
    const ms = Date.now() - t0;
    const got = await tab.$eval(form, (f) => ({
        exit: f.dataset.exit,
        stdout: f.querySelector('.run-stdout').textContent,
        stderr: f.querySelector('.run-stderr').textContent,
        marked: [...f.querySelectorAll('.run-stdout mark.run-diff')].map((m) => m.textContent),
        plots: f.querySelectorAll('.run-plots img, .run-plots svg').length,
        plotsLoaded: [...f.querySelectorAll('.run-plots img')].filter((i) => i.complete && i.naturalWidth > 0).length,
        status: f.querySelector('.run-status').textContent,
    }));
    if (got.stdout === '(nothing)') got.stdout = '';
    if (got.stderr === '(nothing)') got.stderr = '';
    return { ...got, ms };
}

// Compares a browser run with the native one; returns failures and counts.
function compare(label, got, want, { defaults }) {
    const failures = [];
    if (String(want.exit) !== got.exit) failures.push(`${label}: exit ${got.exit}, natively ${want.exit}`);
    const [gotText, gotTurn] = splitTurn(got.stdout);
    const [wantText] = splitTurn(want.stdout);
    const g = gotText ? lines(gotText) : [];
    const w = wantText ? lines(wantText) : [];
    let identical = 0;
    const differing = [];
    if (g.length !== w.length) {
        failures.push(`${label}: ${g.length} lines, natively ${w.length}`);
    } else {
        for (let i = 0; i < w.length; i++) {
            if (g[i] === w[i]) { identical++; continue; }
            differing.push(g[i]);
            if (skeleton(g[i]) !== skeleton(w[i])) {
                failures.push(`${label}: line ${i + 1} differs in more than numbers:\n      browser: ${g[i]}\n      native:  ${w[i]}`);
            }
        }
    }
    if (defaults && JSON.stringify(got.marked) !== JSON.stringify(differing)) {
        failures.push(`${label}: the page marks ${got.marked.length} lines, ${differing.length} differ from the native binary`);
    }
    if (want.exit !== 0 && got.stderr.trim() !== want.stderr.trim()) {
        failures.push(`${label}: stderr "${got.stderr.trim()}", natively "${want.stderr.trim()}"`);
    }
    if (want.exit === 0 && /Your turn/.test(want.stdout) && !/run on your machine, not in the page/.test(gotTurn)) {
        failures.push(`${label}: no "Your turn" note saying where the exercises run`);
    }
    if (want.exit === 0 && got.plots !== want.plots) failures.push(`${label}: ${count(got.plots, 'plot')} shown, natively ${want.plots} written`);
    if (got.plotsLoaded !== got.plots) failures.push(`${label}: ${count(got.plots - got.plotsLoaded, 'plot')} did not display`);
    return { failures, identical, total: w.length };
}

export async function openPage(browser, url, { width = 1280, height = 900, theme = 'light' } = {}, allowed) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    await context.addInitScript((t) => { try { localStorage.setItem('mdbook-theme', t); } catch (e) { /* file:// */ } }, theme);
    const problems = [];
    context.on('request', (r) => {
        const u = r.url();
        if (!allowed.some((a) => u.startsWith(a))) problems.push(`request off the book: ${u}`);
    });
    const tab = await context.newPage();
    tab.on('pageerror', (e) => problems.push(`script error: ${String(e.message || e).split('\n')[0]}`));
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text().split('\n')[0]}`); });
    await tab.goto(url, { waitUntil: 'load', timeout: 60000 });
    return { context, tab, problems };
}

// The page's own suggestion: its header's `cargo run -p CHAPTER -- FLAGS`.
function headerTry(srcDir, crate) {
    const md = fs.readFileSync(path.join(srcDir, crate + '.md'), 'utf8');
    const m = new RegExp('`cargo run -p ' + crate + ' -- ([^`]+)`').exec(md);
    return m ? m[1].trim() : null;
}

export async function checkRunner(browser, { base, htmlDir, root, srcDir, shotDir, crates, report }) {
    // The form's failure paths, with stand-in modules: no real one needed.
    await checkRunnerPaths(browser, { base, htmlDir, shotDir, crates, report });
    const manifestFile = path.join(htmlDir, 'runner', 'manifest.js');
    const manifest = fs.existsSync(manifestFile)
        ? JSON.parse(/=\s*(\{.*\})\s*;/s.exec(fs.readFileSync(manifestFile, 'utf8'))[1])
        : { available: false, why: 'no runner/manifest.js (a stock mdbook build?)' };
    if (!manifest.available) {
        if (process.env.RUNNER === 'skip') {
            console.log(`runner: not in this build (${manifest.why}); skipped (RUNNER=skip)`);
            return null;
        }
        report('runner', [`the browser runner is not in this build: ${manifest.why} (or set RUNNER=skip)`], []);
        return null;
    }
    const wasm = path.join(htmlDir, 'runner', 'book-runner.wasm');
    const bytes = fs.statSync(wasm).size;
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(fs.readFileSync(wasm), { level: 9 }).length;
    console.log(`runner: book-runner.wasm ${(bytes / 1e6).toFixed(2)} MB, ${(gz / 1e6).toFixed(2)} MB gzipped`);

    fs.mkdirSync(path.join(shotDir, 'runner'), { recursive: true });
    const fileBase = pathToFileURL(htmlDir).href;
    const origins = [
        { name: 'http', url: (p) => `${base}/${p}.html`, allowed: [base + '/', 'data:', 'blob:'] },
        { name: 'file', url: (p) => `${fileBase}/${p}.html`, allowed: [fileBase + '/', 'data:', 'blob:'] },
    ];
    const parity = [];
    const timing = [];
    let identicalAll = 0, totalAll = 0;
    for (const crate of crates) {
        const want = native(root, crate, []);
        for (const origin of origins) {
            const label = `${crate.padEnd(26)} run ${origin.name}`;
            const { context, tab, problems } = await openPage(browser, origin.url(crate), {}, origin.allowed);
            const failures = [];
            const info = [];
            try {
                const got = await press(tab, crate, '');
                const c = compare('default flags', got, want, { defaults: true });
                failures.push(...c.failures);
                identicalAll += c.identical; totalAll += c.total;
                info.push(`${c.identical}/${c.total} lines identical`, count(got.plots, 'plot'), `${(got.ms / 1000).toFixed(2)} s`);
                if (origin.name === 'http') {
                    parity.push({ crate, identical: c.identical, total: c.total });
                    timing.push({ crate, browser: got.ms / 1000, native: nativeSeconds(root, crate) });
                    const form = await tab.$(`form[data-run="${crate}"]`);
                    await form.screenshot({ path: path.join(shotDir, 'runner', `${crate}.png`) });
                    // more flags, from the same page
                    const runs = [];
                    const tried = headerTry(srcDir, crate);
                    if (tried) runs.push(tried);
                    runs.push('--help', '--no-such-flag');
                    if (tried) runs.push(`${tried.split(/\s+/)[0]} nan`);
                    for (const flags of runs) {
                        const args = flags.split(/\s+/);
                        const g = await press(tab, crate, flags);
                        const w = native(root, crate, args);
                        const r = compare(`\`${flags}\``, g, w, { defaults: false });
                        failures.push(...r.failures);
                        identicalAll += r.identical; totalAll += r.total;
                        if (w.exit === 0 && !args.includes('--help')) info.push(`\`${flags}\` ${r.identical}/${r.total}`);
                    }
                    info.push(`${runs.length} more flag sets`);
                }
            } catch (e) {
                failures.push(`could not run: ${String(e.message).split('\n')[0]}`);
            } finally {
                await context.close();
            }
            report(label, [...failures, ...problems], info);
        }
    }

    // A phone-width page in the navy theme, after a run: for a person to look at.
    {
        const { context, tab, problems } = await openPage(browser, origins[0].url('ch05-naive-bce-nan'),
            { width: 400, height: 850, theme: 'navy' }, origins[0].allowed);
        const failures = [];
        try {
            await press(tab, 'ch05-naive-bce-nan', '--logit 16.6 --lr 0.03');
            const form = await tab.$('form[data-run]');
            await form.screenshot({ path: path.join(shotDir, 'runner', 'ch05-naive-bce-nan.400-navy.png') });
            const wide = await tab.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
            if (wide) failures.push('the page scrolls sideways at 400 px after a run');
        } catch (e) {
            failures.push(`could not run: ${String(e.message).split('\n')[0]}`);
        } finally {
            await context.close();
        }
        report(`${'ch05-naive-bce-nan'.padEnd(26)} run 400 navy`, [...failures, ...problems], ['--logit 16.6 --lr 0.03']);
    }

    // The keyboard alone, on ch05: Tab from the top to the flags box (a
    // visible focus ring), type flags, Enter; Tab on to a suggested-flags
    // button, Enter; Tab on to the output, which scrolls and so must take the
    // focus. Each run must print what the native binary prints.
    if (crates.includes('ch05-naive-bce-nan')) {
        const crate = 'ch05-naive-bce-nan';
        const { context, tab, problems } = await openPage(browser, origins[0].url(crate), {}, origins[0].allowed);
        const failures = [];
        const info = [];
        const form = `form[data-run="${crate}"]`;
        // Tabs until `selector` has the focus; its focus ring, or null.
        const tabTo = async (selector, most = 400) => {
            for (let i = 0; i < most; i++) {
                await tab.keyboard.press('Tab');
                const ring = await tab.evaluate((sel) => {
                    const a = document.activeElement;
                    if (!a || !a.matches(sel)) return null;
                    const s = getComputedStyle(a);
                    return { ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, text: a.textContent };
                }, selector);
                if (ring) return ring;
            }
            return null;
        };
        const ran = async (what, args) => {
            await tab.waitForSelector(`${form}[data-state="done"]`, { timeout: 60000 });
            const got = await tab.$eval(form, (f) => ({
                exit: f.dataset.exit,
                stdout: f.querySelector('.run-stdout').textContent,
                stderr: f.querySelector('.run-stderr').textContent,
                marked: [], plots: f.querySelectorAll('.run-plots img').length,
                plotsLoaded: [...f.querySelectorAll('.run-plots img')].filter((i) => i.complete && i.naturalWidth > 0).length,
                flags: f.querySelector('input[name="flags"]').value,
            }));
            if (got.stderr === '(nothing)') got.stderr = '';
            const c = compare(what, got, native(root, crate, args), { defaults: false });
            failures.push(...c.failures);
            return got;
        };
        try {
            await tab.waitForSelector(form, { timeout: 20000 });
            const box = await tabTo(`${form} input[name="flags"]`);
            if (!box) failures.push('keyboard: Tab never reached the flags box');
            else {
                if (!box.ring) failures.push('keyboard: the flags box shows no focus ring');
                const flags = '--logit 30';
                await tab.keyboard.type(flags);
                await tab.screenshot({ path: path.join(shotDir, 'runner', `${crate}.keyboard-box.png`) });
                await tab.keyboard.press('Enter');
                await ran(`keyboard, \`${flags}\` and Enter`, flags.split(' '));
                info.push(`typed \`${flags}\`, Enter`);
                const chip = await tabTo(`${form} .run-chip`, 10);
                if (!chip) failures.push('keyboard: Tab from the flags box never reached a suggested-flags button');
                else {
                    if (!chip.ring) failures.push('keyboard: the suggested-flags button shows no focus ring');
                    await tab.screenshot({ path: path.join(shotDir, 'runner', `${crate}.keyboard-chip.png`) });
                    await tab.$eval(form, (f) => { f.dataset.state = 'idle'; });
                    await tab.keyboard.press('Enter');
                    const got = await ran(`keyboard, the button \`${chip.text}\``, chip.text.split(/\s+/));
                    if (got.flags !== chip.text) failures.push(`keyboard: the button ${chip.text} ran with "${got.flags}"`);
                    info.push(`Enter on \`${chip.text}\``);
                }
                const out = await tabTo(`${form} .run-stdout`, 20);
                if (!out) failures.push('keyboard: Tab never reached the output, which scrolls');
                else if (!out.ring) failures.push('keyboard: the output shows no focus ring');
                else info.push('output focusable');
            }
        } catch (e) {
            failures.push(`could not run: ${String(e.message).split('\n')[0]}`);
        } finally {
            await context.close();
        }
        report(`${crate.padEnd(26)} run keyboard`, [...failures, ...problems], info);
    }

    // The real module: a long run streams and stops; plots of other flags
    // get their own alt texts (runner-real.mjs).
    const real = { url: origins[0].url, allowed: origins[0].allowed, root, shotDir, openPage, press, native, report };
    if (crates.includes('ch07-matching-loss-to-task')) await checkLongRun(browser, real);
    if (crates.includes('ch05-naive-bce-nan')) await checkAltTexts(browser, real);

    console.log('runner: seconds from pressing Run (first visit, http) to the output, against the native dev binary\'s --time (best of 3):');
    for (const t of timing) console.log(`    ${t.crate.padEnd(26)} browser ${t.browser.toFixed(2)} s   native ${t.native.toFixed(3)} s`);
    console.log(`runner: ${identicalAll} of ${totalAll} lines identical to native over every run (${(100 * identicalAll / totalAll).toFixed(1)}%)`);
    if (process.env.PAGES) return { identicalAll, totalAll, timing, bytes, gz };

    // The appendix's table: measured here, pinned in book/src/runner/parity.md.
    const same = parity.filter((p) => p.identical === p.total);
    // The chapters' own text: the browser prints a note in place of the
    // "Your turn" section, whose exercises run only on the reader's machine.
    let md = '| chapter | lines printed (before "Your turn") | the same in the browser |\n|---|---:|---:|\n';
    for (const p of parity) md += `| ${p.crate} | ${p.total} | ${p.identical === p.total ? 'all' : p.identical} |\n`;
    const allIdentical = parity.reduce((s, p) => s + p.identical, 0);
    const allTotal = parity.reduce((s, p) => s + p.total, 0);
    md += `\n${same.length} of ${parity.length} chapters print the same text in the browser as natively at their default flags: ` +
        `${allIdentical} of ${allTotal} lines (${(100 * allIdentical / allTotal).toFixed(1)}%). ` +
        'The "Your turn" section is left out: in the page it is a note saying that the exercises run on your machine.\n';
    fs.writeFileSync(path.join(shotDir, 'runner-parity.md'), md);
    const pinned = path.join(srcDir, 'runner', 'parity.md');
    const problems = [];
    if (process.env.UPDATE_PARITY === '1') {
        fs.writeFileSync(pinned, md);
        console.log(`runner: wrote ${path.relative(root, pinned)}`);
    } else if (!fs.existsSync(pinned) || fs.readFileSync(pinned, 'utf8') !== md) {
        problems.push(`${path.relative(root, pinned)} is not what the runner prints now: read ` +
            `${path.relative(root, path.join(shotDir, 'runner-parity.md'))}, then run with UPDATE_PARITY=1`);
    }
    report('runner parity table'.padEnd(31), problems, [`${same.length}/${parity.length} chapters identical`]);
    return { identicalAll, totalAll, timing, bytes, gz };
}
