// "Predict the output" questions, answered in the page.
//
// Each question is written in Markdown (tests/predict.rs reads the same
// text): a <div class="predict" data-predict=ID>, its choices as a list of
// `**A.** …` items, and a folded <details> holding the right letter, the
// output that proves it, the explanation, and a "why" for every other choice
// (<div class="predict-whys">). Without JavaScript, and in print, that is
// what the reader gets.
//
// Here each choice becomes a button. Choosing one marks the question right or
// wrong and shows, in a .predict-why element under the choices, the "why" of
// the choice made: for the right one the printed output and the explanation,
// for a wrong one what it would take to be true. The last choice made is
// remembered in the browser (localStorage, nothing is sent anywhere), and the
// "Your answers" page (answers.md, a .predict-answers list of links to the
// questions) shows each one's state, with a button that forgets them all.
//
// Markup contract (tools/browser-check drives it): [data-predict=ID] holding
// button[data-choice=A|B|…]; after a choice, data-answered="right" or
// "wrong" on the question and a visible .predict-why. On the answers page,
// each list item gets data-state="right", "wrong" or "unanswered".
(function () {
    'use strict';

    const KEY = 'act-loss-book.predict.';

    function load(id) {
        try {
            const v = JSON.parse(localStorage.getItem(KEY + id));
            return v && typeof v.choice === 'string' ? v : null;
        } catch (e) {
            return null; // storage off (a private window, a file:// policy)
        }
    }
    function save(id, v) {
        try {
            localStorage.setItem(KEY + id, JSON.stringify(v));
        } catch (e) {
            // Storage refused: the answer still shows, it is just not kept.
        }
    }
    function forgetAll() {
        try {
            for (const k of Object.keys(localStorage)) {
                if (k.startsWith(KEY)) localStorage.removeItem(k);
            }
        } catch (e) {
            // nothing stored, nothing to forget
        }
    }

    // The letter a list item or paragraph starts with: <strong>B.</strong>.
    function letterOf(el) {
        const strong = el.querySelector('strong');
        const m = strong && /^([A-Z])\.$/.exec(strong.textContent.trim());
        return m ? m[1] : null;
    }

    // Copies of `nodes` without the leading <strong>X.</strong>.
    function withoutLetter(nodes) {
        const out = [];
        let dropped = false;
        for (const n of nodes) {
            const c = n.cloneNode(true);
            if (!dropped && c.nodeType === Node.ELEMENT_NODE) {
                const strong = c.matches('strong') ? c : c.querySelector('strong');
                if (strong && /^[A-Z]\.$/.test(strong.textContent.trim())) {
                    dropped = true;
                    if (strong === c) continue; // the letter itself, at the top
                    strong.remove();
                }
            }
            // mdBook's copy buttons on code blocks would be dead in a copy.
            if (c.nodeType === Node.ELEMENT_NODE) {
                for (const b of c.querySelectorAll('.buttons')) b.remove();
            }
            out.push(c);
        }
        return out;
    }

    function typeset(el) {
        // Copies made before MathJax ran still hold TeX; typeset them.
        if (window.MathJax && typeof MathJax.typesetPromise === 'function') {
            MathJax.typesetPromise([el]).catch(() => {});
        }
    }

    function setUp(q) {
        const id = q.dataset.predict;
        const details = q.querySelector(':scope > details');
        const list = [...q.children].find((el) => el.tagName === 'UL');
        if (!details || !list) return;
        const answerP = [...details.children].find((el) => el.tagName === 'P' && letterOf(el));
        const whysDiv = details.querySelector('.predict-whys');
        const answer = answerP && letterOf(answerP);
        if (!answer || !whysDiv) return;
        const whys = new Map();
        for (const li of whysDiv.querySelectorAll('li')) {
            const l = letterOf(li);
            if (l) whys.set(l, li);
        }

        list.classList.add('predict-choices');
        list.setAttribute('aria-label', 'Choices: pick one');
        const buttons = [];
        for (const li of list.children) {
            const letter = letterOf(li);
            if (!letter) continue;
            const b = document.createElement('button');
            b.type = 'button';
            b.className = 'predict-choice';
            b.dataset.choice = letter;
            b.setAttribute('aria-pressed', 'false');
            while (li.firstChild) b.appendChild(li.firstChild);
            li.appendChild(b);
            b.addEventListener('click', () => choose(letter, true));
            buttons.push(b);
        }

        const why = document.createElement('div');
        why.className = 'predict-why';
        why.hidden = true;
        why.setAttribute('role', 'status');
        why.setAttribute('aria-live', 'polite');
        list.after(why);

        function choose(letter, byReader) {
            const right = letter === answer;
            q.dataset.answered = right ? 'right' : 'wrong';
            for (const b of buttons) {
                const chosen = b.dataset.choice === letter;
                b.setAttribute('aria-pressed', chosen ? 'true' : 'false');
                const old = b.querySelector('.predict-mark');
                if (old) old.remove();
                if (chosen) {
                    const mark = document.createElement('span');
                    mark.className = 'predict-mark';
                    mark.textContent = right ? '✓ right' : '✗ not this one';
                    b.appendChild(mark);
                }
            }
            const verdict = document.createElement('p');
            verdict.className = 'predict-verdict';
            const body = [];
            if (right) {
                verdict.textContent = '✓ ' + letter + ' is right.';
                // The quoted output and the explanation: the answer less its
                // summary, its letter and the other choices' whys.
                const parts = [...details.childNodes].filter((n) =>
                    n.nodeName !== 'SUMMARY' && n !== whysDiv);
                body.push(...withoutLetter(parts));
            } else {
                verdict.textContent = '✗ Not ' + letter + '.';
                const li = whys.get(letter);
                if (li) body.push(...withoutLetter([...li.childNodes]));
                const next = document.createElement('p');
                next.className = 'predict-next';
                next.textContent = 'Try another choice, or open the answer below.';
                body.push(next);
            }
            why.replaceChildren(verdict, ...body);
            why.hidden = false;
            typeset(why);
            if (byReader) save(id, { choice: letter, right: right, at: Date.now() });
        }

        const saved = load(id);
        if (saved && buttons.some((b) => b.dataset.choice === saved.choice)) choose(saved.choice, false);
    }

    // The "Your answers" page: each linked question's state, and a reset.
    function setUpAnswers(box) {
        const items = [];
        for (const a of box.querySelectorAll('a[href*="#predict-"]')) {
            const li = a.closest('li');
            if (li) items.push({ li: li, id: a.getAttribute('href').split('#predict-')[1] });
        }
        if (!items.length) return;
        const summary = document.createElement('p');
        summary.className = 'predict-summary';
        summary.setAttribute('role', 'status');
        const reset = document.createElement('button');
        reset.type = 'button';
        reset.className = 'predict-reset';
        reset.textContent = 'Forget my answers';
        reset.addEventListener('click', () => {
            forgetAll();
            show();
        });
        box.before(summary);
        box.after(reset);

        function show() {
            let answered = 0;
            let right = 0;
            for (const it of items) {
                const saved = load(it.id);
                const state = saved ? (saved.right ? 'right' : 'wrong') : 'unanswered';
                it.li.dataset.state = state;
                let tag = it.li.querySelector('.predict-state');
                if (!tag) {
                    tag = document.createElement('span');
                    tag.className = 'predict-state';
                    it.li.prepend(tag);
                }
                tag.textContent = state === 'right' ? '✓ right (' + saved.choice + ')'
                    : state === 'wrong' ? '✗ not yet (you chose ' + saved.choice + ')'
                        : '· not answered';
                if (saved) answered += 1;
                if (state === 'right') right += 1;
            }
            summary.textContent = 'You have answered ' + answered + ' of ' + items.length +
                ' questions, ' + right + ' of them right.' +
                (answered < items.length ? ' The next one: ' + nextTitle() + '.' : '');
            reset.disabled = answered === 0;
        }
        function nextTitle() {
            const it = items.find((i) => !load(i.id));
            return it ? it.li.querySelector('a').textContent : '';
        }
        show();
    }

    function init() {
        // print.html holds every page, for paper: the questions stay as
        // written there, their answers folded.
        if (/\/print\.html$/.test(location.pathname)) return;
        for (const q of document.querySelectorAll('.predict[data-predict]')) setUp(q);
        const box = document.querySelector('.predict-answers');
        if (box) setUpAnswers(box);
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
})();
