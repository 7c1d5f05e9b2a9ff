// The "predict the output" questions, answered in the page as a reader does
// (book/theme/predict.js), and the "Your answers" page.
//
// On every page with a question, in one browser profile:
// - every choice is a button[data-choice]; each wrong one, chosen, sets
//   data-answered="wrong" and shows a visible .predict-why holding that
//   choice's own "why" from the folded answer; the right one sets "right"
//   and shows the output the answer quotes;
// - a reload keeps the last choice;
// - on ch05 the whole question is answered with the keyboard alone (Tab to
//   a choice, a visible focus outline, Enter), and its last choice is left
//   wrong;
// - no request leaves the book's files, and no page error.
// Then the answers page lists every question, each with the state left on
// its page (ch05 wrong, the rest right), and its button forgets them all.
// Without JavaScript, and in print (print media, print.html), a question
// reads as written: plain choices, the answer folded, no verdict. From disk
// (file://) an answer is kept and listed too.
// Screenshots: target/browser-check/predict/.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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

async function shown(tab, q) {
    return tab.$eval(q, (el) => {
        const why = el.querySelector('.predict-why');
        const visible = !!why && !why.hidden && why.getBoundingClientRect().height > 0;
        return { answered: el.dataset.answered || '', visible, text: why ? why.textContent : '' };
    });
}

// Answers every question of `page`: each wrong choice, then the right one
// (and, on WRONG_LAST, a wrong one again). Returns the failures.
async function answerPage(context, base, page, shotDir) {
    const failures = [];
    const tab = await context.newPage();
    watch(tab, base, failures);
    await tab.setViewportSize({ width: 1280, height: 900 });
    await tab.goto(`${base}/${page}.html`, { waitUntil: 'load' });
    const ids = await tab.$$eval('[data-predict]', (els) => els.map((e) => e.dataset.predict));
    if (!ids.length) failures.push('no [data-predict] question on the page');
    let answered = 0;
    for (const id of ids) {
        const q = `[data-predict="${id}"]`;
        const { answer, quoted, whys } = await readAnswer(tab, q);
        const letters = await tab.$$eval(`${q} button[data-choice]`, (bs) => bs.map((b) => b.dataset.choice));
        if (letters.length < 3) failures.push(`${id}: ${letters.length} choice buttons`);
        if (!letters.includes(answer)) failures.push(`${id}: no button for the answer ${answer}`);
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
                await tab.keyboard.press('Enter');
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
            await tab.click(`${q} button[data-choice="${letter}"]`);
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
        await tab.click(`${q} button[data-choice="${answer}"]`);
        const s = await shown(tab, q);
        if (s.answered !== 'right') failures.push(`${id}: the answer ${answer} gave data-answered="${s.answered}"`);
        if (!s.visible) failures.push(`${id}: no visible .predict-why after the answer`);
        const line = norm(quoted).slice(0, 40);
        if (!norm(s.text).includes(line)) failures.push(`${id}: the right answer's why does not show the quoted output`);
        if (page === WRONG_LAST) {
            await tab.$eval(q, (el) => el.scrollIntoView());
            await tab.screenshot({ path: path.join(shotDir, `${page}.right.png`) });
            await tab.click(`${q} button[data-choice="${letters.find((l) => l !== answer)}"]`);
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
    return { failures, answered, ids };
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
    for (const page of withQuestions) {
        const { failures, answered, ids } = await answerPage(context, base, page, dir);
        for (const id of ids) expected[id] = page === WRONG_LAST ? 'wrong' : 'right';
        report(`${page.padEnd(26)} predict`, failures, [`${answered} answered`]);
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
        })));
        const all = Object.keys(expected).length;
        if (!items.length) failures.push('no question listed');
        if (process.env.PAGES) {
            // only some pages answered: the rest are unanswered
        } else if (items.length !== all) failures.push(`${items.length} questions listed, ${all} on the pages`);
        for (const it of items) {
            const want = expected[it.id] || 'unanswered';
            if (it.state !== want) failures.push(`${it.id}: listed as "${it.state}", not "${want}"`);
        }
        const summary = await tab.$eval('.predict-summary', (p) => p.textContent).catch(() => '');
        const right = Object.values(expected).filter((s) => s === 'right').length;
        const answered = Object.keys(expected).length;
        if (!summary.includes(`answered ${answered} of ${items.length} questions, ${right} of them right`)) failures.push(`summary: "${summary}"`);
        await tab.screenshot({ path: path.join(dir, 'answers.png'), fullPage: true });
        await tab.click('.predict-reset');
        const after = await tab.$$eval('.predict-answers li', (lis) => lis.map((li) => li.dataset.state));
        if (after.some((s) => s !== 'unanswered')) failures.push(`after "Forget my answers": ${after.join(', ')}`);
        await tab.goto(`${base}/${WRONG_LAST}.html`, { waitUntil: 'load' });
        const left = await tab.$$eval('[data-predict]', (qs) => qs.map((q) => q.dataset.answered || ''));
        if (left.some((a) => a)) failures.push(`${WRONG_LAST} still shows an answer after the reset`);
        await tab.close();
        report(`${'answers'.padEnd(26)} predict`, failures, [`${items.length} listed`]);
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
