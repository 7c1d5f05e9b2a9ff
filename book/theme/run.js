// The browser runner: a Run form on every chapter page, which runs the
// chapter's own program, compiled to WebAssembly (wasm32-wasip1), inside the
// page, with the reader's flags. Loading, the worker, flags and the diff are
// in run-core.js (loaded before this file).
//
// - The form goes right after the page's header (the quote that says
//   "run it `cargo run -p CHAPTER`"); its one-click flags are the ones the
//   page suggests (the header's "try" command and the `--flag value` spans).
// - When the page loads, it says if this browser cannot run the module (no
//   WebAssembly, no workers) or the build has no runner, and disables Run.
// - The module (runner/book-runner.wasm, every chapter in one) is loaded
//   only when a reader presses Run. It runs in a Web Worker, so the page
//   never freezes; argv[0] is the chapter's name, so clap's help and errors
//   read as in a terminal.
// - One run at a time: Run, a suggested-flags button or Stop ends whatever
//   is live, even while the module is still loading. Each run starts with
//   an empty output, so nothing from an earlier run stays on screen.
// - What the program writes is shown as it writes it, at most about ten
//   updates a second, with the seconds elapsed; after 30 s the status
//   suggests Stop. Stop keeps what this run printed so far.
// - Files the program writes (its plots) land in an in-memory folder and are
//   shown under the output, each with the alt text the program wrote beside
//   it (NAME.alt.txt), which describes this run's plot, not the page's.
// - At the default flags, each printed line is compared with the native
//   program's (runner/native.js) and the lines that differ are marked.
//
// Markup contract (tools/browser-check drives it): form[data-run=CRATE] with
// input[name=flags], a submit button (.run-button), .run-stop (shown while
// a run is live) and .run-chip buttons; data-state="idle", "unavailable",
// "running", then "done" with data-exit = the exit code, "stopped", "load"
// (the runner did not load) or "error" (the worker failed); stdout in
// .run-stdout and stderr in .run-stderr (filled while running; one not yet
// written to holds code.run-waiting, "(nothing yet)"), the live
// status in .run-status, the elapsed seconds in .run-clock, a note on the
// comparison in .run-note (data-differs and data-lines at the defaults),
// plots as <img> inside .run-plots.
(function () {
    'use strict';

    const C = window.ACT_LOSS_RUN_CORE;
    const ROOT = typeof path_to_root === 'string' ? path_to_root : '';
    const WHY_URL = ROOT + 'ch10-candle-vs-pytorch.html#in-the-browser';
    const YOUR_TURN = '\n== Your turn ==\n';
    const FLUSH_MS = 100; // about ten screen updates a second
    const LONG_S = 30; // then the status suggests Stop

    function el(tag, attrs, ...children) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (k === 'class') e.className = v;
            else if (k === 'text') e.textContent = v;
            else e.setAttribute(k, v);
        }
        for (const c of children) e.append(c);
        return e;
    }

    function empty(node) {
        while (node.firstChild) node.removeChild(node.firstChild);
    }

    // The page's own alt text for a plot of this name (the default run's).
    function pageAlt(main, crate, name) {
        for (const img of main.querySelectorAll('img[src*="plots/"]')) {
            if (img.getAttribute('src').endsWith(crate + '/' + name)) return img.alt;
        }
        return 'Plot ' + name;
    }

    // NAME.alt.txt is Markdown (the pages include it inside ![…]): `\_` is `_`.
    const unescapeMarkdown = (text) => text.replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1').replace(/\s+/g, ' ').trim();

    function setUp(main, header, crate) {
        const id = 'run-flags-' + crate;
        const input = el('input', {
            name: 'flags', id, type: 'text', autocomplete: 'off', spellcheck: 'false',
            autocapitalize: 'off', placeholder: 'no flags: the defaults this page shows',
        });
        const statusId = 'run-status-' + crate;
        const button = el('button', { type: 'submit', class: 'run-button', 'aria-describedby': statusId }, 'Run');
        const stop = el('button', { type: 'button', class: 'run-stop' }, 'Stop');
        stop.hidden = true;
        const status = el('p', { class: 'run-status', id: statusId, role: 'status', 'aria-live': 'polite' });
        const clock = el('p', { class: 'run-clock' });
        const note = el('p', { class: 'run-note' });
        const stdout = el('pre', { class: 'run-stdout', tabindex: '0', 'aria-label': 'standard output' });
        const stderr = el('pre', { class: 'run-stderr', tabindex: '0', 'aria-label': 'standard error' });
        const plots = el('div', { class: 'run-plots' });
        const result = el('div', { class: 'run-result' },
            note, el('p', { class: 'run-label', text: 'Standard output' }), stdout,
            el('p', { class: 'run-label', text: 'Standard error' }), stderr, plots);
        result.hidden = true;
        const chips = el('div', { class: 'run-try' }, el('span', { text: 'Try: ' }));
        const form = el('form', { class: 'run-form', 'data-run': crate, 'data-state': 'idle' },
            el('label', { for: id, text: 'Run this chapter here, in your browser, with flags:' }),
            el('div', { class: 'run-row' }, input, button, stop),
            chips, el('div', { class: 'run-state' }, status, clock), result);
        for (const flags of C.suggestions(main, crate)) {
            const chip = el('button', { type: 'button', class: 'run-chip' }, flags);
            chip.addEventListener('click', () => {
                input.value = flags;
                start();
            });
            chips.append(chip, ' ');
        }
        header.after(form);

        const unavailable = (why) => {
            form.dataset.state = 'unavailable';
            input.disabled = true;
            button.disabled = true;
            for (const c of chips.querySelectorAll('button')) c.disabled = true;
            status.textContent = why;
        };
        const lacks = C.missing();
        if (lacks) {
            unavailable('This browser cannot run the chapter in the page: it has no ' + lacks +
                '. In a terminal, cargo run -p ' + crate + ' runs it.');
        } else {
            C.manifest().then((m) => {
                if (!m.available) unavailable('The browser runner is not in this build: ' + m.why);
            }, () => unavailable('The browser runner is not in this build: this is a plain mdbook build; ' +
                'run tools/wasm/build, then cargo run --bin book.'));
        }

        // The live run, or null: { args, started, worker, out, err, ... }.
        let live = null;

        // Ends `run` (its worker, its timers); it is no longer live.
        function end(run) {
            clearInterval(run.tick);
            clearTimeout(run.flushTimer);
            flush(run);
            if (run.worker) run.worker.terminate();
            stop.hidden = true;
            clock.textContent = '';
            if (live === run) live = null;
        }

        function start() {
            if (form.dataset.state === 'unavailable') return;
            if (live) end(live);
            const run = {
                args: C.splitFlags(input.value), started: performance.now(), worker: null,
                out: '', err: '', pending: { 1: '', 2: '' }, flushTimer: null, tick: null,
            };
            live = run;
            form.dataset.state = 'running';
            delete form.dataset.exit;
            delete form.dataset.differs;
            delete form.dataset.lines;
            for (const node of [note, stdout, stderr, plots]) empty(node);
            for (const pre of [stdout, stderr]) pre.append(el('code', { class: 'run-waiting', text: '(nothing yet)' }));
            result.hidden = false;
            stop.hidden = false;
            status.textContent = 'Running ' + [crate, ...run.args].join(' ') + ' in your browser…';
            clock.textContent = '0 s';
            run.tick = setInterval(() => {
                const s = Math.floor((performance.now() - run.started) / 1000);
                clock.textContent = s + ' s';
                if (s >= LONG_S && !run.long) {
                    run.long = true;
                    status.textContent = 'Still running after ' + LONG_S + ' s. Stop ends it and keeps what it printed so far.';
                }
            }, 1000);
            go(run);
        }

        async function go(run) {
            let module, natives;
            try {
                const m = await C.manifest();
                if (!m.available) throw new Error(m.why);
                await C.shim();
                const pending = C.natives();
                module = await C.runnerModule();
                natives = await pending;
            } catch (e) {
                if (live !== run) return;
                end(run);
                result.hidden = true;
                form.dataset.state = 'done';
                form.dataset.exit = 'load';
                status.textContent = 'The browser runner could not load: ' + e.message + ' Press Run to try again.';
                return;
            }
            // Stopped, or another run started, while the module loaded.
            if (live !== run) return;
            run.loaded = performance.now() - run.started;
            const worker = run.worker = C.newWorker();
            worker.onmessage = (msg) => {
                if (live !== run) return;
                const d = msg.data;
                if (d.fd) receive(run, d.fd, d.text);
                else if (d.crash) receive(run, 2, (run.err && !run.err.endsWith('\n') ? '\n' : '') + 'the program stopped: ' + d.crash + '\n');
                else if (d.done) {
                    end(run);
                    show(run, d, natives);
                }
            };
            worker.onerror = (e) => {
                if (live !== run) return;
                e.preventDefault();
                receive(run, 2, 'the runner failed: ' + e.message + '\n');
                end(run);
                show(run, { exit: 'error', plots: [], ms: performance.now() - run.started - run.loaded }, natives);
            };
            worker.postMessage({ module, args: [crate, ...run.args] });
        }

        // What the program wrote, shown at the next flush.
        function receive(run, fd, text) {
            if (fd === 1) run.out += text;
            else run.err += text;
            run.pending[fd] += text;
            if (!run.flushTimer) {
                run.flushTimer = setTimeout(() => {
                    run.flushTimer = null;
                    if (live === run) flush(run);
                }, FLUSH_MS);
            }
        }

        function flush(run) {
            for (const [fd, pre] of [[1, stdout], [2, stderr]]) {
                const text = run.pending[fd];
                if (!text) continue;
                run.pending[fd] = '';
                // Follow the end, unless the reader scrolled up.
                const follow = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
                let code = pre.firstChild;
                if (code && code.className === 'run-waiting') { code.remove(); code = null; }
                if (!code) pre.append(code = el('code', { class: 'language-text' }));
                code.append(text);
                if (follow) pre.scrollTop = pre.scrollHeight;
            }
        }

        stop.addEventListener('click', () => {
            const run = live;
            if (!run) return;
            end(run);
            const s = ((performance.now() - run.started) / 1000).toFixed(1);
            form.dataset.state = 'done';
            form.dataset.exit = 'stopped';
            if (!run.out && !run.err) result.hidden = true;
            for (const pre of [stdout, stderr]) {
                if (pre.firstChild && pre.firstChild.className === 'run-waiting') pre.firstChild.textContent = '(nothing)';
            }
            status.textContent = run.worker
                ? 'Stopped after ' + s + ' s.' + (result.hidden ? ' It had printed nothing yet.' : ' Above is what it printed until then.')
                : 'Stopped while the runner was loading.';
            button.focus();
        });

        form.addEventListener('submit', (event) => {
            event.preventDefault();
            start();
        });

        function show(run, r, natives) {
            result.hidden = false;
            // stdout, with the lines that differ from the native program marked
            empty(stdout);
            const code = el('code', { class: 'language-text' });
            let body = run.out, tail = '';
            const cut = body.indexOf(YOUR_TURN);
            if (cut >= 0) { tail = body.slice(cut); body = body.slice(0, cut); }
            const lines = body.split('\n');
            const printed = lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
            const native = natives ? natives[crate] : undefined;
            const compare = C.atDefaults(run.args) && r.exit === 0;
            let differs = null;
            if (compare && native !== undefined) {
                differs = C.differingLines(native.replace(/\n$/, '').split('\n'), printed);
            }
            let count = 0;
            lines.forEach((line, i) => {
                if (differs && differs[i]) {
                    count++;
                    code.append(el('mark', { class: 'run-diff', title: 'differs from the native program' }, line));
                } else {
                    code.append(line);
                }
                if (i < lines.length - 1) code.append('\n');
            });
            if (tail) code.append(tail);
            if (!run.out) code.append('(nothing)');
            stdout.append(code);
            stdout.scrollTop = 0; // the output reads from its start
            empty(stderr);
            stderr.append(el('code', { class: 'language-text' }, run.err || '(nothing)'));
            const total = printed.length;
            empty(note);
            if (differs) {
                form.dataset.differs = String(count);
                form.dataset.lines = String(total);
                if (count === 0) {
                    note.append('All ' + total + ' lines are the same as the native program prints them, the text this page shows.');
                } else {
                    note.append(
                        count + ' of ' + total + ' lines differ from the native program (marked ≠): in the browser the chapter ' +
                        'runs with another math library and matrix kernel, so last digits can differ, and a long training lets ' +
                        'the difference grow. ',
                        el('a', { href: WHY_URL }, 'Why, in the appendix'), '.');
                }
            } else if (compare) {
                note.append('The native program\'s text (runner/native.js) did not load, so the lines are not compared.');
            } else if (r.exit === 0) {
                note.append('With your flags the output is not compared with the page; ' +
                    'the same command in a terminal prints it natively.');
            }
            empty(plots);
            for (const p of r.plots) {
                const name = p.path.split('/').pop();
                const alt = p.alt ? unescapeMarkdown(p.alt) : '';
                const img = el('img', {
                    src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(p.svg),
                    alt: alt || pageAlt(main, crate, name),
                });
                plots.append(el('figure', {}, img, el('figcaption', { text: p.path })));
            }
            form.dataset.exit = String(r.exit);
            form.dataset.state = 'done';
            status.textContent = 'Exit code ' + r.exit + ' · ran in ' + (r.ms / 1000).toFixed(2) + ' s' +
                (run.loaded > 50 ? ' (plus ' + (run.loaded / 1000).toFixed(2) + ' s to load the runner)' : '') +
                (r.plots.length ? ' · ' + r.plots.length + (r.plots.length === 1 ? ' plot' : ' plots') + ' below the output' : '');
        }
    }

    function init() {
        // print.html holds every chapter, for paper: no form there.
        if (/\/print\.html$/.test(location.pathname)) return;
        if (!C) return;
        const main = document.querySelector('#mdbook-content main, main');
        if (!main) return;
        for (const quote of main.querySelectorAll('blockquote')) {
            for (const code of quote.querySelectorAll('code')) {
                const m = /^cargo run -p (ch\d\d-[a-z0-9-]+)$/.exec(code.textContent.trim());
                if (m) return setUp(main, quote, m[1]);
            }
        }
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
})();
