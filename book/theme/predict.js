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
// wrong: a one-line verdict ("✓ D is right." / "✗ Not A.") in a small live
// region, the only thing a screen reader reads out by itself, then, in a
// .predict-why element, the "why" of the choice made: for the right one the
// printed output and the explanation, for a wrong one what it would take to
// be true. The first and the last choice are remembered in the browser
// (localStorage, nothing is sent anywhere), with the question's fingerprint.
// The "Your answers" page (answers.md, a .predict-answers list of links to
// the questions) shows each one's state, with a button that forgets them all.
//
// One source of truth for right and wrong: the letter. An answer keeps only
// the letters chosen, never a verdict; each page judges them against the
// right letter it has (the question's page from its folded answer, the
// answers page from the list tests/predict.rs pins, which carries each
// question's right letter and fingerprint). The fingerprint (FNV-1a of the
// right letter and the question's and choices' letters and digits, formulas
// left out; predict.rs's `fingerprint` computes the same from the Markdown)
// ties an answer to the version of the question it was given to: an answer
// kept under another fingerprint, or under none (kept before fingerprints),
// counts as not given, on both pages.
//
// Markup contract (tools/browser-check drives it): [data-predict=ID] holding
// button[data-choice=A|B|…] and, once set up, data-key=FINGERPRINT; after a
// choice, data-answered="right" or "wrong" on the question, the verdict alone
// in its .predict-verdict (role=status, the question's only live region), and
// a visible .predict-why. On the answers page, each list item gets
// data-state="right", "wrong" or "unanswered", and, once answered,
// data-first="right" or "wrong" (the first choice made).
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

    // The letters and digits of some nodes' text, lower-cased, without the
    // formulas, whether MathJax has typeset them (<mjx-container>) or not
    // (\( … \) as text): what tests/predict.rs's `plain_words` reads from
    // the Markdown.
    function plainText(nodes) {
        let text = '';
        for (const n of nodes) {
            if (n.nodeType === Node.ELEMENT_NODE && n.matches('mjx-container')) continue;
            const c = n.cloneNode(true);
            if (c.nodeType === Node.ELEMENT_NODE) {
                for (const m of c.querySelectorAll('mjx-container, .buttons')) m.remove();
            }
            text += c.textContent;
        }
        return text.replace(/\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g, '')
            .replace(/[^A-Za-z0-9]/g, '').toLowerCase();
    }

    // FNV-1a, 32 bits, in hex, of an ASCII string.
    function fnv1a(s) {
        let h = 0x811c9dc5;
        for (let i = 0; i < s.length; i++) {
            h ^= s.charCodeAt(i);
            h = Math.imul(h, 0x01000193) >>> 0;
        }
        return h.toString(16).padStart(8, '0');
    }

    // An answer kept for this version of the question (its fingerprint,
    // letters it has), else null: a stale or foreign answer is no answer.
    function current(saved, key, letters) {
        return saved && saved.key === key && letters.includes(saved.choice) &&
            letters.includes(saved.first) ? saved : null;
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

        // The fingerprint, read before the choices become buttons: the right
        // letter, the question's text (from its "Predict the output."
        // paragraph to the choices) and each choice's.
        const asked = [];
        for (const el of q.children) {
            if (el === list) break;
            const lead = el.tagName === 'P' && el.querySelector('strong');
            if (asked.length || (lead && lead.textContent.trim() === 'Predict the output.')) asked.push(el);
        }
        let print = answer + '|' + plainText(asked).replace(/^predicttheoutput/, '');
        for (const li of list.children) {
            const letter = letterOf(li);
            if (letter) print += '|' + letter + ':' + plainText(withoutLetter([...li.childNodes]));
        }
        const key = fnv1a(print);
        q.dataset.key = key;

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
        const letters = buttons.map((b) => b.dataset.choice);

        // The verdict: one short line, in the page from the start (a live
        // region added with its text is not read out), made live only once
        // a kept answer has been shown, so that a page load reads out
        // nothing. The why under it is not live: a screen reader reaches it
        // by reading on.
        const verdict = document.createElement('p');
        verdict.className = 'predict-verdict';
        list.after(verdict);
        const why = document.createElement('div');
        why.className = 'predict-why';
        why.hidden = true;
        verdict.after(why);

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
            why.replaceChildren(...body);
            why.hidden = false;
            typeset(why);
            if (byReader) {
                // The first choice stays what it was for this version of
                // the question; a room counts first tries.
                const before = current(load(id), key, letters);
                save(id, { key: key, choice: letter, first: before ? before.first : letter, at: Date.now() });
            }
        }

        const saved = load(id);
        const kept = current(saved, key, letters);
        if (kept) choose(kept.choice, false);
        else if (saved) {
            const note = document.createElement('p');
            note.className = 'predict-next';
            note.textContent = 'This question has changed since you answered it: answer it again.';
            why.replaceChildren(note);
            why.hidden = false;
        }
        verdict.setAttribute('role', 'status');
        verdict.setAttribute('aria-live', 'polite');
        verdict.setAttribute('aria-atomic', 'true');
    }

    // The "Your answers" page: each linked question's state, judged from the
    // right letter and fingerprint the pinned list gives it, and a reset.
    function setUpAnswers(box) {
        const items = [];
        for (const a of box.querySelectorAll('a[href*="#predict-"]')) {
            const li = a.closest('li');
            const pinned = li && li.querySelector('.predict-key');
            if (li) {
                items.push({
                    li: li,
                    id: a.getAttribute('href').split('#predict-')[1],
                    answer: pinned ? pinned.dataset.answer : '',
                    key: pinned ? pinned.dataset.key : '',
                });
            }
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

        // What the question's own page would show: right or wrong by the
        // letter, and nothing for an answer to another version of it.
        function judge(it) {
            const saved = load(it.id);
            const letters = ['A', 'B', 'C', 'D', 'E', 'F'];
            const kept = it.key && it.answer ? current(saved, it.key, letters) : null;
            if (!kept) return { state: 'unanswered', stale: !!saved };
            return {
                state: kept.choice === it.answer ? 'right' : 'wrong',
                first: kept.first === it.answer ? 'right' : 'wrong',
                choice: kept.choice,
                firstChoice: kept.first,
            };
        }

        function show() {
            let answered = 0;
            let right = 0;
            let firstRight = 0;
            let next = null;
            for (const it of items) {
                const j = judge(it);
                it.li.dataset.state = j.state;
                if (j.first) it.li.dataset.first = j.first;
                else delete it.li.dataset.first;
                let tag = it.li.querySelector('.predict-state');
                if (!tag) {
                    tag = document.createElement('span');
                    tag.className = 'predict-state';
                    it.li.prepend(tag);
                }
                if (j.state === 'unanswered') {
                    tag.textContent = j.stale ? '· not answered (changed since you answered)' : '· not answered';
                    if (!next) next = it;
                    continue;
                }
                tag.textContent = j.state === 'right'
                    ? '✓ right (' + j.choice + (j.first === 'right' ? ', at the first try)' : '; first try ' + j.firstChoice + ')')
                    : '✗ not yet (you chose ' + j.choice + '; first try ' + j.firstChoice + ')';
                answered += 1;
                if (j.state === 'right') right += 1;
                if (j.first === 'right') firstRight += 1;
            }
            summary.textContent = 'You have answered ' + answered + ' of ' + items.length +
                ' questions, ' + right + ' of them right, ' + firstRight + ' at the first try.' +
                (next ? ' The next one: ' + next.li.querySelector('a').textContent + '.' : '');
            reset.disabled = !items.some((it) => load(it.id));
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
