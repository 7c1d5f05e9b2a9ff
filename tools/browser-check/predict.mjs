// The "predict the output" questions, answered in the page as a reader does
// (book/theme/predict.js), and the "Your answers" page.
//
// On every page with a question, in one browser profile:
// - every choice is a button[data-choice]; each wrong one, chosen, sets
//   data-answered="wrong" and shows a visible .predict-why holding that
//   choice's own "why" from the folded answer; the right one sets "right"
//   and shows the output the answer quotes;
// - the question's one live region (aria-live or a live role) is its
//   .predict-verdict, in the page before the first choice, and after each
//   choice it holds the verdict alone ("✓ D is right." / "✗ Not A."), not
//   the why;
// - a reload keeps the last choice;
// - on ch05 the whole question is answered with the keyboard alone (Tab to
//   a choice, a visible focus outline, Enter), and its last choice is left
//   wrong; on the first page the right choice is made first, everywhere
//   else a wrong one;
// - no request leaves the book's files, and no page error.
// Then the answers page lists every question, each with the state left on
// its page (ch05 wrong, the rest right), its first try (data-first and the
// letter in its text) and the question's fingerprint as its page computes it
// (data-key), and its button forgets them all. Answers kept under an old
// form or another version of a question (seeded in localStorage) get the
// same state on both pages, and a stale one is never right.
// Without JavaScript, and in print (print media, print.html), a question
// reads as written: plain choices, the answer folded, no verdict. From disk
// (file://) an answer is kept and listed too.
// Screenshots: target/browser-check/predict/.
//
// Alone: `node predict.mjs` checks book/html as it is (BOOK_HTML, SHOTS,
// CHROMIUM and PAGES as for check.mjs), without building it.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WRONG_LAST = 'ch05-naive-bce-nan';

const norm = (s) => s.replace(/\s+/g, ' ').trim();

function watch(tab, base, failures) {
    tab.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    tab.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(base + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) failures.push(`request off the book: ${u}`);
    });
}

// What the folded answer says: the right letter, the quoted output, and the
// why of every other choice, read from the page as a reader would unfold it.
async function readAnswer(tab, q) {
    return tab.$eval(q, (el) => {
        const details = el.querySelector(':scope > details');
        const first = [...details.children].find((c) => c.tagName === 'P');
        const answer = first.querySelector('strong').textContent.trim()[0];
        const quoted = details.querySelector('pre code').textContent;
        const whys = {};
        for (const li of details.querySelectorAll('.predict-whys li')) {
            const strong = li.querySelector('strong');
            whys[strong.textContent.trim()[0]] = li.textContent.replace(strong.textContent, '');
        }
        return { answer, quoted, whys };
    });
}

// The question's live regions: each with its class and text. Only the
// verdict may be one, and it must hold the verdict alone.
async function liveRegions(tab, q) {
    return tab.$eval(q, (el) => [...el.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"], [role="marquee"], [role="timer"]')]
        .filter((r) => r.getAttribute('aria-live') !== 'off')
        .map((r) => ({ cls: r.className, text: r.textContent.trim(), seen: r.dataset.checkSeen === '1' })));
}

// What is wrong with the live regions of question `q` after choosing
// `letter` (answer: the right letter).
async function liveProblems(tab, q, id, letter, answer) {
    const regions = await liveRegions(tab, q);
    const want = letter === answer ? `✓ ${letter} is right.` : `✗ Not ${letter}.`;
    const out = [];
    if (regions.length !== 1 || regions[0].cls !== 'predict-verdict') {
        out.push(`${id}: after ${letter}, the live regions are ${JSON.stringify(regions.map((r) => `${r.cls}: ${r.text.slice(0, 40)}…`))}, not the .predict-verdict alone`);
    } else {
        if (regions[0].text !== want) out.push(`${id}: after ${letter}, the live verdict reads "${regions[0].text.slice(0, 80)}", not "${want}"`);
        if (!regions[0].seen) out.push(`${id}: the live verdict was not in the page before the choice (a new live region is not read out)`);
    }
    return out;
}

async function shown(tab, q) {
    return tab.$eval(q, (el) => {
        const why = el.querySelector('.predict-why');
        const visible = !!why && !why.hidden && why.getBoundingClientRect().height > 0;
        return { answered: el.dataset.answered || '', visible, text: why ? why.textContent : '' };
    });
}

// Answers every question of `page`: each wrong choice, then the right one
// (and, on WRONG_LAST, a wrong one again); with `rightFirst`, the right one
// first. Returns the failures, and for each question its right letter, the
// first choice made and the fingerprint the page computed (data-key).
async function answerPage(context, base, page, shotDir, rightFirst) {
    const failures = [];
    const tab = await context.newPage();
    watch(tab, base, failures);
    await tab.setViewportSize({ width: 1280, height: 900 });
    await tab.goto(`${base}/${page}.html`, { waitUntil: 'load' });
    const ids = await tab.$$eval('[data-predict]', (els) => els.map((e) => e.dataset.predict));
    if (!ids.length) failures.push('no [data-predict] question on the page');
    let answered = 0;
    const questions = {};
    for (const id of ids) {
        const q = `[data-predict="${id}"]`;
        const { answer, quoted, whys } = await readAnswer(tab, q);
        const letters = await tab.$$eval(`${q} button[data-choice]`, (bs) => bs.map((b) => b.dataset.choice));
        if (letters.length < 3) failures.push(`${id}: ${letters.length} choice buttons`);
        if (!letters.includes(answer)) failures.push(`${id}: no button for the answer ${answer}`);
        const key = await tab.$eval(q, (el) => el.dataset.key || '');
        if (!/^[0-9a-f]{8}$/.test(key)) failures.push(`${id}: the question has no fingerprint (data-key="${key}")`);
        questions[id] = { answer, key, first: null };
        // Mark the live regions there before any choice: the verdict's must
        // be one of them, and empty.
        const before = await tab.$eval(q, (el) => [...el.querySelectorAll('[aria-live], [role="status"]')].map((r) => {
            r.dataset.checkSeen = '1';
            return r.textContent.trim();
        }));
        if (before.some((t) => t)) failures.push(`${id}: a live region holds "${before.join(' | ').slice(0, 60)}" before any choice`);
        const click = async (letter) => {
            if (!questions[id].first) questions[id].first = letter;
            await tab.click(`${q} button[data-choice="${letter}"]`);
            failures.push(...await liveProblems(tab, q, id, letter, answer));
        };
        if (rightFirst) await click(answer);
        if (page === WRONG_LAST) {
            // The keyboard alone: Tab from the top until a choice has the
            // focus, see the focus, press Enter.
            let focused = null;
            for (let i = 0; i < 400 && !focused; i++) {
                await tab.keyboard.press('Tab');
                focused = await tab.evaluate(() => {
                    const a = document.activeElement;
                    if (!a || !a.matches('.predict-choice')) return null;
                    const s = getComputedStyle(a);
                    return { choice: a.dataset.choice, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
                });
            }
            if (!focused) failures.push(`${id}: Tab never reached a choice`);
            else {
                if (!focused.outline) failures.push(`${id}: the focused choice shows no focus outline`);
                await tab.screenshot({ path: path.join(shotDir, `${page}.focus.png`) });
                if (!questions[id].first) questions[id].first = focused.choice;
                await tab.keyboard.press('Enter');
                failures.push(...await liveProblems(tab, q, id, focused.choice, answer));
                const s = await shown(tab, q);
                const want = focused.choice === answer ? 'right' : 'wrong';
                if (s.answered !== want) failures.push(`${id}: Enter on ${focused.choice} gave data-answered="${s.answered}", not "${want}"`);
                // Space works too, on the next choice.
                await tab.keyboard.press('Tab');
                const next = await tab.evaluate(() => document.activeElement && document.activeElement.dataset.choice);
                if (next) {
                    await tab.keyboard.press('Space');
                    const s2 = await shown(tab, q);
                    if (s2.answered !== (next === answer ? 'right' : 'wrong')) failures.push(`${id}: Space on ${next} did not answer`);
                }
            }
        }
        for (const letter of letters.filter((l) => l !== answer)) {
            await click(letter);
            const s = await shown(tab, q);
            if (s.answered !== 'wrong') failures.push(`${id}: ${letter} gave data-answered="${s.answered}"`);
            if (!s.visible) failures.push(`${id}: no visible .predict-why after ${letter}`);
            if (norm(s.text).includes(`Not ${letter}. ${letter}.`)) failures.push(`${id}: the why for ${letter} repeats its letter`);
            if (!whys[letter]) failures.push(`${id}: the answer has no why for ${letter}`);
            else if (!norm(s.text).includes(norm(whys[letter]).slice(0, 60))) failures.push(`${id}: the why shown for ${letter} is not its own: "${norm(s.text).slice(0, 80)}"`);
            if (page === WRONG_LAST && letter === letters.find((l) => l !== answer)) {
                await tab.$eval(q, (el) => el.scrollIntoView());
                await tab.screenshot({ path: path.join(shotDir, `${page}.wrong.png`) });
            }
        }
        await click(answer);
        const s = await shown(tab, q);
        if (s.answered !== 'right') failures.push(`${id}: the answer ${answer} gave data-answered="${s.answered}"`);
        if (!s.visible) failures.push(`${id}: no visible .predict-why after the answer`);
        const line = norm(quoted).slice(0, 40);
        if (!norm(s.text).includes(line)) failures.push(`${id}: the right answer's why does not show the quoted output`);
        if (page === WRONG_LAST) {
            await tab.$eval(q, (el) => el.scrollIntoView());
            await tab.screenshot({ path: path.join(shotDir, `${page}.right.png`) });
            const tab400 = await context.newPage();
            await tab400.setViewportSize({ width: 400, height: 850 });
            await tab400.goto(`${base}/${page}.html`, { waitUntil: 'load' });
            await tab400.$eval(q, (el) => el.scrollIntoView());
            await tab400.screenshot({ path: path.join(shotDir, `${page}.right.400.png`) });
            await tab400.close();
            await click(letters.find((l) => l !== answer));
        }
        answered++;
    }
    // A reload keeps the last choice.
    await tab.reload({ waitUntil: 'load' });
    for (const id of ids) {
        const s = await shown(tab, `[data-predict="${id}"]`);
        const want = page === WRONG_LAST ? 'wrong' : 'right';
        if (s.answered !== want || !s.visible) failures.push(`${id}: after a reload data-answered="${s.answered}", not "${want}"`);
    }
    await tab.close();
    return { failures, answered, ids, questions };
}

// Seeds localStorage with kept answers of an old form or for another version
// of each question, then opens each question's page and the answers page:
// both must give the same state, the one wanted. `questions`: id → { page,
// answer, key }. Returns the failures.
async function checkKept(browser, base, questions, shotDir) {
    const failures = [];
    const other = (a) => ['A', 'B', 'C'].find((l) => l !== a);
    const cases = [
        // before fingerprints: a verdict kept with the letter, which the
        // letter now contradicts (right letters reshuffled)
        { name: 'old form, a wrong letter kept as right', want: 'unanswered', seed: (q) => ({ choice: other(q.answer), right: true, at: 1 }) },
        { name: 'old form, the right letter kept as wrong', want: 'unanswered', seed: (q) => ({ choice: q.answer, right: false, at: 1 }) },
        // this version, a stray verdict beside the letter: the letter rules
        { name: 'this version, a wrong letter with right: true', want: 'wrong', seed: (q) => ({ key: q.key, choice: other(q.answer), first: other(q.answer), right: true, at: 1 }) },
        // another version of the question, whose letter is right now
        { name: 'another version, the right letter', want: 'unanswered', seed: (q) => ({ key: 'deadbeef', choice: q.answer, first: q.answer, at: 1 }) },
    ];
    const pages = [...new Set(Object.values(questions).map((q) => q.page))];
    const context = await browser.newContext();
    const tab = await context.newPage();
    watch(tab, base, failures);
    for (const c of cases) {
        await tab.goto(`${base}/answers.html`, { waitUntil: 'load' });
        await tab.evaluate((seeds) => {
            localStorage.clear();
            for (const [id, v] of Object.entries(seeds)) localStorage.setItem('act-loss-book.predict.' + id, JSON.stringify(v));
        }, Object.fromEntries(Object.entries(questions).map(([id, q]) => [id, c.seed(q)])));
        const onPage = {};
        for (const page of pages) {
            await tab.goto(`${base}/${page}.html`, { waitUntil: 'load' });
            if (c === cases[0] && page === WRONG_LAST) {
                await tab.$eval('[data-predict]', (el) => el.scrollIntoView());
                await tab.screenshot({ path: path.join(shotDir, `${page}.stale.png`) });
            }
            Object.assign(onPage, Object.fromEntries(await tab.$$eval('[data-predict]', (qs) => qs.map((q) => [q.dataset.predict, q.dataset.answered || 'unanswered']))));
        }
        await tab.goto(`${base}/answers.html`, { waitUntil: 'load' });
        const listed = Object.fromEntries(await tab.$$eval('.predict-answers li', (lis) => lis.map((li) => [
            (li.querySelector('a[href*="#predict-"]')?.getAttribute('href') || '').split('#predict-')[1],
            li.dataset.state || '',
        ])));
        const bad = [];
        for (const id of Object.keys(questions)) {
            if (onPage[id] !== listed[id]) bad.push(`${id}: its page says "${onPage[id]}", the answers page "${listed[id]}"`);
            else if (onPage[id] !== c.want) bad.push(`${id}: "${onPage[id]}" on both pages, not "${c.want}"`);
        }
        if (bad.length) failures.push(`kept answer, ${c.name}: ${bad.length} of ${Object.keys(questions).length} questions wrong, e.g. ${bad.slice(0, 2).join('; ')}`);
        if (c === cases[0]) await tab.screenshot({ path: path.join(shotDir, 'answers.stale.png'), fullPage: true });
    }
    await context.close();
    return failures;
}

export async function checkPredict(browser, { base, htmlDir, shotDir, pages, report }) {
    const dir = path.join(shotDir, 'predict');
    fs.mkdirSync(dir, { recursive: true });
    const withQuestions = pages.filter((p) => {
        const f = path.join(htmlDir, p + '.html');
        return fs.existsSync(f) && fs.readFileSync(f, 'utf8').includes('data-predict=');
    });
    const context = await browser.newContext();
    const expected = {};
    const questions = {};
    for (const page of withQuestions) {
        const rightFirst = page === withQuestions.find((p) => p !== WRONG_LAST);
        const r = await answerPage(context, base, page, dir, rightFirst);
        for (const id of r.ids) {
            expected[id] = page === WRONG_LAST ? 'wrong' : 'right';
            questions[id] = { page, ...r.questions[id] };
        }
        report(`${page.padEnd(26)} predict`, r.failures, [`${r.answered} answered`, rightFirst ? 'right at the first try' : 'wrong at the first try']);
    }

    // The answers page.
    if (pages.includes('answers')) {
        const failures = [];
        const tab = await context.newPage();
        watch(tab, base, failures);
        await tab.goto(`${base}/answers.html`, { waitUntil: 'load' });
        const items = await tab.$$eval('.predict-answers li', (lis) => lis.map((li) => ({
            id: (li.querySelector('a[href*="#predict-"]')?.getAttribute('href') || '').split('#predict-')[1],
            state: li.dataset.state,
            first: li.dataset.first,
            tag: li.querySelector('.predict-state')?.textContent || '',
            key: li.querySelector('.predict-key')?.dataset.key,
        })));
        const all = Object.keys(expected).length;
        if (!items.length) failures.push('no question listed');
        if (process.env.PAGES) {
            // only some pages answered: the rest are unanswered
        } else if (items.length !== all) failures.push(`${items.length} questions listed, ${all} on the pages`);
        for (const it of items) {
            const want = expected[it.id] || 'unanswered';
            if (it.state !== want) failures.push(`${it.id}: listed as "${it.state}", not "${want}"`);
            const q = questions[it.id];
            if (!q) continue;
            // The same fingerprint on the question's page and in the list.
            if (it.key !== q.key) failures.push(`${it.id}: the list's fingerprint is "${it.key}", its page computes "${q.key}"`);
            // The first try is kept, and shown.
            const first = q.first === q.answer ? 'right' : 'wrong';
            if (it.first !== first) failures.push(`${it.id}: first try listed as "${it.first}", not "${first}" (${q.first})`);
            const shows = first === 'right' && want === 'right' ? /at the first try/.test(it.tag) : it.tag.includes(`first try ${q.first}`);
            if (!shows) failures.push(`${it.id}: "${it.tag}" does not show the first try ${q.first}`);
        }
        const summary = await tab.$eval('.predict-summary', (p) => p.textContent).catch(() => '');
        const right = Object.values(expected).filter((s) => s === 'right').length;
        const answered = Object.keys(expected).length;
        const firstRight = Object.values(questions).filter((q) => q.first === q.answer).length;
        if (!firstRight) failures.push('no question was answered right at the first try');
        if (!summary.includes(`answered ${answered} of ${items.length} questions, ${right} of them right, ${firstRight} at the first try`)) failures.push(`summary: "${summary}"`);
        await tab.screenshot({ path: path.join(dir, 'answers.png'), fullPage: true });
        await tab.setViewportSize({ width: 400, height: 850 });
        await tab.reload({ waitUntil: 'load' });
        await tab.screenshot({ path: path.join(dir, 'answers.400.png'), fullPage: true });
        await tab.setViewportSize({ width: 1280, height: 900 });
        await tab.reload({ waitUntil: 'load' });
        await tab.click('.predict-reset');
        const after = await tab.$$eval('.predict-answers li', (lis) => lis.map((li) => li.dataset.state));
        if (after.some((s) => s !== 'unanswered')) failures.push(`after "Forget my answers": ${after.join(', ')}`);
        await tab.goto(`${base}/${WRONG_LAST}.html`, { waitUntil: 'load' });
        const left = await tab.$$eval('[data-predict]', (qs) => qs.map((q) => q.dataset.answered || ''));
        if (left.some((a) => a)) failures.push(`${WRONG_LAST} still shows an answer after the reset`);
        await tab.close();
        report(`${'answers'.padEnd(26)} predict`, failures, [`${items.length} listed`, `${firstRight} right at the first try`]);

        // Answers kept in an old form or for another version of a question.
        const kept = await checkKept(browser, base, questions, dir);
        report(`${'answers, kept answers'.padEnd(26)} predict`, kept, ['4 seeded forms, on both pages']);
    }
    await context.close();

    // Without JavaScript, in print media, and in print.html: as written.
    if (withQuestions.includes(WRONG_LAST)) {
        const failures = [];
        const plain = await browser.newContext({ javaScriptEnabled: false });
        const tab = await plain.newPage();
        await tab.goto(`${base}/${WRONG_LAST}.html`, { waitUntil: 'load' });
        const nojs = await tab.$eval('[data-predict]', (q) => ({
            buttons: q.querySelectorAll('button[data-choice]').length,
            items: q.querySelectorAll(':scope > ul > li').length,
            open: q.querySelector('details').open,
        }));
        if (nojs.buttons || nojs.items < 3 || nojs.open) failures.push(`without JavaScript: ${JSON.stringify(nojs)}`);
        await plain.close();

        const ctx = await browser.newContext();
        const t2 = await ctx.newPage();
        watch(t2, base, failures);
        await t2.goto(`${base}/${WRONG_LAST}.html`, { waitUntil: 'load' });
        const q = '[data-predict]';
        await t2.click(`${q} button[data-choice]`);
        await t2.emulateMedia({ media: 'print' });
        const printed = await t2.$eval(q, (el) => ({
            why: getComputedStyle(el.querySelector('.predict-why')).display,
            border: getComputedStyle(el.querySelector('.predict-choice')).borderTopStyle,
        }));
        if (printed.why !== 'none' || printed.border !== 'none') failures.push(`in print media: ${JSON.stringify(printed)}`);
        await t2.emulateMedia({ media: 'screen' });
        await t2.goto(`${base}/print.html`, { waitUntil: 'load' });
        const inPrint = await t2.$$eval('[data-predict]', (qs) => ({
            questions: qs.length,
            buttons: qs.reduce((n, q) => n + q.querySelectorAll('button[data-choice]').length, 0),
            open: qs.filter((q) => q.querySelector('details').open).length,
        }));
        if (!inPrint.questions || inPrint.buttons || inPrint.open) failures.push(`print.html: ${JSON.stringify(inPrint)}`);
        await ctx.close();

        // From disk (file://): the answer is kept there too.
        const disk = await browser.newContext();
        const t3 = await disk.newPage();
        t3.on('pageerror', (e) => failures.push(`file://: page error: ${e.message}`));
        const fileUrl = (p) => pathToFileURL(path.join(htmlDir, p + '.html')).href;
        await t3.goto(fileUrl(WRONG_LAST), { waitUntil: 'load' });
        const id = await t3.$eval('[data-predict]', (q) => q.dataset.predict);
        const { answer } = await readAnswer(t3, `[data-predict="${id}"]`);
        const wrong = ['A', 'B', 'C', 'D'].find((l) => l !== answer);
        await t3.click(`[data-predict="${id}"] button[data-choice="${wrong}"]`);
        await t3.goto(fileUrl('answers'), { waitUntil: 'load' });
        const state = await t3.$eval(`.predict-answers a[href$="#predict-${id}"]`, (a) => a.closest('li').dataset.state).catch(() => 'not listed');
        if (state !== 'wrong') failures.push(`file://: the answers page lists ${id} as "${state}", not "wrong"`);
        await disk.close();
        report(`${'predict, no JS, print, file://'.padEnd(31)}`, failures, [`${inPrint.questions} questions in print.html`]);
    }
}

// `node predict.mjs`: these checks alone, on the book as built.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
    const { chromium } = await import('playwright-core');
    const { serve, launch } = await import('./chromium.mjs');
    const here = path.dirname(fileURLToPath(import.meta.url));
    const root = path.resolve(here, '..', '..');
    const htmlDir = path.resolve(process.env.BOOK_HTML || path.join(root, 'book', 'html'));
    const shotDir = path.resolve(process.env.SHOTS || path.join(root, 'target', 'browser-check'));
    let pages = fs.readdirSync(htmlDir).filter((f) => f.endsWith('.html')).map((f) => f.slice(0, -5))
        .filter((p) => !['print', '404', 'toc', 'index'].includes(p)).sort();
    if (process.env.PAGES) pages = pages.filter((p) => process.env.PAGES.split(',').includes(p));
    const server = await serve(htmlDir);
    const browser = await launch(chromium, process.env.CHROMIUM || '/usr/bin/chromium');
    let failed = 0;
    let passed = 0;
    const report = (label, failures, info) => {
        if (failures.length) failed++;
        else passed++;
        console.log(`${label} ${failures.length ? 'FAIL' : 'ok'} (${info.join(', ')})`);
        for (const f of failures) console.log(`    ${f}`);
    };
    await checkPredict(browser, { base: `http://127.0.0.1:${server.address().port}`, htmlDir, shotDir, pages, report });
    await browser.close();
    server.close();
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}
