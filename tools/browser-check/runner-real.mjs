// The Run form with the real module (runner.mjs calls these once the runner
// is in the build):
//
// - a long run: ch07 with `--steps 5000 --extra-steps 5000` at 400 px in the
//   navy theme, after a `--help` run. Lines (the training's progress on
//   stderr) must appear while it runs, with the elapsed seconds; then Stop
//   must end it, leave no worker, and keep nothing of the `--help` run.
//   Screenshots: runner/ch07-matching-loss-to-task.streaming.400-navy.png
//   and .stopped.400-navy.png;
// - other flags: ch05 with `--logit 30 --lr 0.05`; every plot's alt must be
//   the NAME.alt.txt the native binary writes with the same flags (Markdown
//   unescaped), and at least one must differ from the page's alt for that
//   plot, or the check proves nothing. Screenshot: runner/ch05-naive-bce-nan.alt.png.

import path from 'node:path';

const LONG = { crate: 'ch07-matching-loss-to-task', flags: '--steps 5000 --extra-steps 5000' };
const ALT = { crate: 'ch05-naive-bce-nan', flags: '--logit 30 --lr 0.05' };

// A screenshot of the form alone, without mdBook's sticky menu bar over it.
export async function shootForm(tab, selector, file) {
    await (await tab.$(selector)).screenshot({
        path: file, style: '#mdbook-menu-bar, #menu-bar, .menu-bar { visibility: hidden !important; }',
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const plain = (t) => t.replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1').replace(/\s+/g, ' ').trim();
// The page's alt, with mdBook's smart punctuation undone.
const unsmart = (t) => t.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/—/g, '---').replace(/–/g, '--')
    .replace(/…/g, '...').replace(/\s+/g, ' ').trim();

export async function checkLongRun(browser, { url, allowed, shotDir, openPage, press, report }) {
    const { crate, flags } = LONG;
    const form = `form[data-run="${crate}"]`;
    const { context, tab, problems } = await openPage(browser, url(crate), { width: 400, height: 850, theme: 'navy' }, allowed);
    const failures = [];
    const info = [`\`${flags}\``];
    try {
        await press(tab, crate, '--help');
        await tab.fill(`${form} input[name="flags"]`, flags);
        await tab.click(`${form} button[type="submit"]`);
        const t0 = Date.now();
        let seen = null;
        while (Date.now() - t0 < 90000) {
            const s = await tab.$eval(form, (f) => ({
                state: f.dataset.state,
                text: [...f.querySelectorAll('.run-stdout, .run-stderr')].map((p) => p.textContent.replace('(nothing yet)', '')).join(''),
                clock: (f.querySelector('.run-clock') || { textContent: '' }).textContent,
            }));
            if (s.state !== 'running') break;
            if (s.text.trim() && /\d+ s/.test(s.clock) && Date.now() - t0 > 3000) { seen = s; break; }
            await sleep(250);
        }
        if (!seen) failures.push('nothing shown while the long run ran (or it ended first)');
        else {
            info.push(`first lines after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            await shootForm(tab, form, path.join(shotDir, 'runner', `${crate}.streaming.400-navy.png`));
        }
        await tab.click(`${form} .run-stop`, { timeout: 2000 });
        await tab.waitForSelector(`${form}[data-exit="stopped"]`, { timeout: 2000 });
        const after = await tab.$eval(form, (f) => f.querySelector('.run-stdout').textContent + f.querySelector('.run-stderr').textContent);
        if (/Usage:/.test(after)) failures.push('after Stop, the --help run\'s text is still shown');
        for (let i = 0; i < 50 && tab.workers().length; i++) await sleep(100);
        if (tab.workers().length) failures.push(`${tab.workers().length} worker(s) alive 5 s after Stop`);
        if (await tab.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) failures.push('the page scrolls sideways at 400 px');
        await shootForm(tab, form, path.join(shotDir, 'runner', `${crate}.stopped.400-navy.png`));
    } catch (e) {
        failures.push(`could not run: ${String(e.message).split('\n')[0]}`);
    } finally {
        await context.close();
    }
    report(`${crate.padEnd(26)} run long, Stop`, [...failures, ...problems], info);
}

export async function checkAltTexts(browser, { url, allowed, root, shotDir, openPage, press, native, report }) {
    const { crate, flags } = ALT;
    const { context, tab, problems } = await openPage(browser, url(crate), {}, allowed);
    const failures = [];
    const info = [`\`${flags}\``];
    try {
        const got = await press(tab, crate, flags);
        const want = native(root, crate, flags.split(' '));
        if (got.exit !== '0') failures.push(`exit ${got.exit}`);
        const shown = await tab.$$eval(`form[data-run="${crate}"] .run-plots figure`, (figs) => figs.map((f) => ({
            name: f.querySelector('figcaption').textContent.split('/').pop(), alt: f.querySelector('img').alt,
        })));
        const pageAlts = await tab.$$eval('main img[src*="plots/"]', (imgs) => imgs.map((i) => ({ src: i.getAttribute('src'), alt: i.alt })));
        let own = 0, first = null;
        for (const { name, alt } of shown) {
            if (!(name in want.alts)) { failures.push(`${name}: the native binary wrote no ${name.replace(/\.svg$/, '.alt.txt')}`); continue; }
            if (alt !== plain(want.alts[name])) failures.push(`${name}: alt "${alt}", not its .alt.txt "${plain(want.alts[name])}"`);
            const onPage = pageAlts.find((p) => p.src.endsWith(`${crate}/${name}`));
            if (onPage && unsmart(onPage.alt) !== unsmart(alt)) {
                own++;
                first = first || { name, alt, page: onPage.alt };
            }
        }
        if (!shown.length) failures.push('no plot shown');
        else if (!own) failures.push(`with ${flags}, no plot's alt differs from the page's: the check proves nothing`);
        info.push(`${shown.length} plots, ${own} with an alt of their own`);
        if (first) console.log(`    ${first.name} with ${flags}, alt: "${first.alt}"\n      on the page: "${first.page}"`);
        await shootForm(tab, `form[data-run="${crate}"]`, path.join(shotDir, 'runner', `${crate}.alt.png`));
    } catch (e) {
        failures.push(`could not run: ${String(e.message).split('\n')[0]}`);
    } finally {
        await context.close();
    }
    report(`${crate.padEnd(26)} run alt texts`, [...failures, ...problems], info);
}
