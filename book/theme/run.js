// The browser runner: a Run form on every chapter page, which runs the
// chapter's own program, compiled to WebAssembly (wasm32-wasip1), inside the
// page, with the reader's flags.
//
// - The form goes right after the page's header (the quote that says
//   "run it `cargo run -p CHAPTER`"); its one-click flags are the ones the
//   page suggests (the header's "try" command and the `--flag value` spans).
// - The module, one for every chapter (runner/book-runner.wasm, crate
//   book-runner), is loaded only when a reader presses Run: fetched over
//   http(s); on a page opened from disk (file://), where fetch is refused,
//   read from a classic script that holds it in base64.
// - It runs in a Web Worker made from a Blob of the WASI shim's source
//   (runner/wasi-shim.js, vendored) and the worker code below, so the page
//   never freezes; argv[0] is the chapter's name, so clap's help and errors
//   read as in a terminal. Files the program writes (its plots) land in an
//   in-memory folder and are shown under the output.
// - At the default flags, each printed line is compared with the native
//   program's (runner/native.js, written by `cargo run --bin book`) and the
//   lines that differ are marked.
//
// Markup contract (tools/browser-check drives it): form[data-run=CRATE] with
// input[name=flags] and a submit button; data-state="running", then "done"
// with data-exit=CODE; stdout in .run-stdout, stderr in .run-stderr, plots as
// <img> inside .run-plots.
(function () {
    'use strict';

    const ROOT = typeof path_to_root === 'string' ? path_to_root : '';
    const RUNNER = ROOT + 'runner/';
    const WHY_URL = ROOT + 'ch10-candle-vs-pytorch.html#in-the-browser';
    // Flags every chapter has that change nothing in the printed text.
    const QUIET_FLAGS = new Set(['--time', '--no-plots']);

    // ------------------------------------------------------------ loading

    const scripts = new Map();
    function loadScript(name) {
        if (!scripts.has(name)) {
            scripts.set(name, new Promise((resolve, reject) => {
                const s = document.createElement('script');
                s.src = RUNNER + name;
                s.onload = () => resolve();
                s.onerror = () => {
                    scripts.delete(name);
                    reject(new Error('cannot load ' + s.src));
                };
                document.head.appendChild(s);
            }));
        }
        return scripts.get(name);
    }

    let modulePromise = null;
    function runnerModule() {
        if (!modulePromise) {
            modulePromise = (async () => {
                if (location.protocol === 'http:' || location.protocol === 'https:') {
                    const url = RUNNER + 'book-runner.wasm';
                    try {
                        return await WebAssembly.compileStreaming(fetch(url));
                    } catch (_) {
                        // A server that does not say application/wasm.
                        const r = await fetch(url);
                        if (!r.ok) throw new Error('cannot load ' + url + ': ' + r.status);
                        return await WebAssembly.compile(await r.arrayBuffer());
                    }
                }
                await loadScript('book-runner-wasm.js');
                const b64 = window.ACT_LOSS_RUNNER_WASM;
                delete window.ACT_LOSS_RUNNER_WASM;
                const bin = atob(b64);
                const bytes = new Uint8Array(bin.length);
                for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
                return await WebAssembly.compile(bytes);
            })();
            modulePromise.catch(() => { modulePromise = null; });
        }
        return modulePromise;
    }

    // The code of the worker: the WASI shim's bundle (WASI_SHIM) runs first.
    function workerMain() {
        self.onmessage = (event) => {
            const { module, args } = event.data;
            const S = WASI_SHIM;
            const outDec = new TextDecoder(), errDec = new TextDecoder();
            let stdout = '', stderr = '';
            const folder = new S.PreopenDirectory('.', new Map());
            const wasi = new S.WASI(args, [], [
                new S.OpenFile(new S.File([])),
                new S.ConsoleStdout((b) => { stdout += outDec.decode(b, { stream: true }); }),
                new S.ConsoleStdout((b) => { stderr += errDec.decode(b, { stream: true }); }),
                folder,
            ], { debug: false });
            const t0 = performance.now();
            let exit;
            try {
                const instance = new WebAssembly.Instance(module, {
                    wasi_snapshot_preview1: wasi.wasiImport,
                });
                exit = wasi.start(instance);
            } catch (e) {
                // A Rust panic aborts the module (wasm32 has no unwinding).
                stderr += (stderr.endsWith('\n') || !stderr ? '' : '\n') +
                    'the program stopped: ' + e + '\n';
                exit = 101;
            }
            const ms = performance.now() - t0;
            const plots = [];
            const walk = (dir, prefix) => {
                for (const [name, node] of dir.contents) {
                    if (node instanceof S.Directory) walk(node, prefix + name + '/');
                    else if (name.endsWith('.svg')) {
                        plots.push({ path: prefix + name, svg: new TextDecoder().decode(node.data) });
                    }
                }
            };
            walk(folder.dir, '');
            self.postMessage({ stdout, stderr, exit, plots, ms });
        };
    }

    let workerUrl = null;
    function newWorker() {
        if (!workerUrl) {
            const code = window.ACT_LOSS_WASI_SHIM + '\n;(' + workerMain.toString() + ')();\n';
            workerUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        }
        return new Worker(workerUrl);
    }

    // ------------------------------------------------------------ flags

    // Splits a command line the way a shell would for plain words and
    // quotes; a pasted `cargo run -p CHAPTER -- FLAGS` keeps only FLAGS.
    function splitFlags(text) {
        const words = [];
        const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
        let m;
        while ((m = re.exec(text)) !== null) words.push(m[1] ?? m[2] ?? m[3]);
        if (words[0] === 'cargo') {
            const dd = words.indexOf('--');
            return dd < 0 ? [] : words.slice(dd + 1);
        }
        return words;
    }

    // At the default flags (nothing but --time, --no-plots or --plots DIR)?
    function atDefaults(args) {
        for (let i = 0; i < args.length; i++) {
            if (QUIET_FLAGS.has(args[i]) || args[i].startsWith('--plots=')) continue;
            if (args[i] === '--plots') { i++; continue; }
            return false;
        }
        return true;
    }

    // The flags the page suggests, in page order, without placeholders.
    function suggestions(main, crate) {
        const seen = new Set();
        const out = [];
        const add = (flags) => {
            flags = flags.trim();
            if (flags && !/\b[A-Z]{2,}\b/.test(flags) && !seen.has(flags)) {
                seen.add(flags);
                out.push(flags);
            }
        };
        for (const code of main.querySelectorAll('code')) {
            if (code.closest('pre')) continue;
            const text = code.textContent.trim();
            const head = 'cargo run -p ' + crate + ' -- ';
            if (text.startsWith(head)) add(text.slice(head.length));
            else if (text.startsWith('--') && /\s/.test(text)) add(text);
        }
        add('--help');
        return out;
    }

    // ------------------------------------------------------------ diff

    // Which lines of `got` are not in a longest common subsequence with
    // `want`: the lines to mark.
    function differingLines(want, got) {
        const n = want.length, m = got.length;
        const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
        for (let i = n - 1; i >= 0; i--) {
            for (let j = m - 1; j >= 0; j--) {
                L[i][j] = want[i] === got[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
            }
        }
        const differs = new Array(m).fill(true);
        let i = 0, j = 0;
        while (i < n && j < m) {
            if (want[i] === got[j]) { differs[j] = false; i++; j++; }
            else if (L[i + 1][j] >= L[i][j + 1]) i++;
            else j++;
        }
        return differs;
    }

    const YOUR_TURN = '\n== Your turn ==\n';

    // ------------------------------------------------------------ the form

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

    function plotAlt(main, crate, name) {
        for (const img of main.querySelectorAll('img[src*="plots/"]')) {
            if (img.getAttribute('src').endsWith(crate + '/' + name)) return img.alt;
        }
        return 'Plot ' + name;
    }

    function setUp(main, header, crate) {
        const id = 'run-flags-' + crate;
        const input = el('input', {
            name: 'flags', id, type: 'text', autocomplete: 'off', spellcheck: 'false',
            autocapitalize: 'off', placeholder: 'no flags: the defaults this page shows',
        });
        const button = el('button', { type: 'submit', class: 'run-button' }, 'Run');
        const stop = el('button', { type: 'button', class: 'run-stop' }, 'Stop');
        stop.hidden = true;
        const status = el('p', { class: 'run-status', role: 'status', 'aria-live': 'polite' });
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
            chips, status, result);
        for (const flags of suggestions(main, crate)) {
            const chip = el('button', { type: 'button', class: 'run-chip' }, flags);
            chip.addEventListener('click', () => {
                input.value = flags;
                form.requestSubmit();
            });
            chips.append(chip, ' ');
        }
        header.after(form);

        const unavailable = (why) => {
            form.dataset.state = 'unavailable';
            input.disabled = true;
            button.disabled = true;
            for (const c of chips.querySelectorAll('button')) c.disabled = true;
            status.textContent = 'The browser runner is not in this build: ' + why;
        };
        loadScript('manifest.js').then(() => {
            const m = window.ACT_LOSS_RUNNER;
            if (!m || !m.available) unavailable(m ? m.why : 'no manifest.');
        }, () => unavailable('this is a plain mdbook build; run tools/wasm/build, then cargo run --bin book.'));

        let worker = null;
        stop.addEventListener('click', () => {
            if (!worker) return;
            worker.terminate();
            worker = null;
            stop.hidden = true;
            form.dataset.state = 'done';
            form.dataset.exit = 'stopped';
            status.textContent = 'Stopped.';
            button.focus();
        });
        form.addEventListener('submit', async (event) => {
            event.preventDefault();
            if (form.dataset.state === 'unavailable') return;
            // A second press while running starts again with the new flags.
            if (worker) { worker.terminate(); worker = null; }
            const args = splitFlags(input.value);
            const started = performance.now();
            form.dataset.state = 'running';
            delete form.dataset.exit;
            status.textContent = 'Running ' + [crate, ...args].join(' ') + ' in your browser…';
            let module;
            try {
                await loadScript('wasi-shim.js');
                const natives = loadScript('native.js');
                module = await runnerModule();
                await natives;
            } catch (e) {
                form.dataset.state = 'done';
                form.dataset.exit = 'load';
                status.textContent = 'The browser runner could not load: ' + e.message;
                return;
            }
            const loaded = performance.now() - started;
            const mine = worker = newWorker();
            stop.hidden = false;
            mine.onmessage = (msg) => {
                if (worker !== mine) return;
                worker = null;
                mine.terminate();
                show(msg.data, args, loaded);
            };
            mine.onerror = (e) => {
                if (worker !== mine) return;
                worker = null;
                show({ stdout: '', stderr: 'the runner failed: ' + e.message + '\n', exit: 'error', plots: [], ms: 0 },
                    args, loaded);
            };
            mine.postMessage({ module, args: [crate, ...args] });
        });

        function show(r, args, loadedMs) {
            stop.hidden = true;
            result.hidden = false;
            // stdout, with the lines that differ from the native program marked
            stdout.replaceChildren();
            const code = el('code', { class: 'language-text' });
            let body = r.stdout, tail = '';
            const cut = body.indexOf(YOUR_TURN);
            if (cut >= 0) { tail = body.slice(cut); body = body.slice(0, cut); }
            const lines = body.split('\n');
            const native = (window.ACT_LOSS_NATIVE || {})[crate];
            let differs = null;
            if (atDefaults(args) && r.exit === 0 && native !== undefined) {
                differs = differingLines(native.replace(/\n$/, '').split('\n'), lines.slice(0, lines.at(-1) === '' ? -1 : undefined));
            }
            let count = 0;
            lines.forEach((line, i) => {
                const last = i === lines.length - 1;
                if (differs && differs[i]) {
                    count++;
                    code.append(el('mark', { class: 'run-diff', title: 'differs from the native program' }, line));
                } else {
                    code.append(line);
                }
                if (!last) code.append('\n');
            });
            if (tail) code.append(tail);
            if (!r.stdout) code.append('(nothing)');
            stdout.append(code);
            stderr.replaceChildren(el('code', { class: 'language-text' }, r.stderr || '(nothing)'));
            const total = lines.filter((l, i) => i < lines.length - 1 || l !== '').length;
            note.replaceChildren();
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
            } else {
                delete form.dataset.differs;
                delete form.dataset.lines;
                if (r.exit === 0 && !atDefaults(args)) {
                    note.append('With your flags the output is not compared with the page; ' +
                        'the same command in a terminal prints it natively.');
                }
            }
            plots.replaceChildren();
            for (const p of r.plots) {
                const name = p.path.split('/').pop();
                const img = el('img', {
                    src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(p.svg),
                    alt: plotAlt(main, crate, name),
                });
                plots.append(el('figure', {}, img, el('figcaption', { text: p.path })));
            }
            form.dataset.exit = String(r.exit);
            form.dataset.state = 'done';
            status.textContent = 'Exit code ' + r.exit + ' · ran in ' + (r.ms / 1000).toFixed(2) + ' s' +
                (loadedMs > 50 ? ' (plus ' + (loadedMs / 1000).toFixed(2) + ' s to load the runner)' : '') +
                (r.plots.length ? ' · ' + r.plots.length + (r.plots.length === 1 ? ' plot' : ' plots') + ' below the output' : '');
        }
    }

    function init() {
        // print.html holds every chapter, for paper: no form there.
        if (/\/print\.html$/.test(location.pathname)) return;
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
