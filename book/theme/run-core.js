// The browser runner's machinery, which the Run form (run.js, loaded after
// this file) uses through window.ACT_LOSS_RUN_CORE: what the browser lacks,
// loading the runner's files, the worker that runs the module, the flags a
// reader types, and the lines that differ from the native program.
//
// Loading (runner/, written by `cargo run --bin book`, see src/runner.rs):
// - manifest.js says whether the module is in this build, and the hash of
//   the sources it was built from. Over http(s) it is loaded afresh on every
//   page, and that hash is put on the URL of everything else (`?v=HASH`),
//   so after a redeploy a cached old module never meets a new native.js.
// - The module is fetched once per press: compiled while it streams when
//   the server says application/wasm, else compiled from the same bytes; a
//   CompileError is final (no second download). A failure is forgotten, so
//   the next press tries again.
// - On a page opened from disk (file://), where fetch is refused, the module
//   comes from a classic script holding it in base64, added anew on each
//   try, so a failed or partial load can be retried.
// - native.js (each chapter's native text, used only to mark the lines that
//   differ) is optional: if it does not load, nothing is marked.
//
// The worker is made from a Blob of the WASI shim's source (wasi-shim.js,
// vendored) and workerMain below. It posts {fd, text} as the program writes
// to stdout (1) or stderr (2), {crash} if the module aborts, then
// {done, exit, ms, plots: [{path, svg, alt}]}, where alt is the text the
// program wrote beside the plot as NAME.alt.txt (null if none).
(function () {
    'use strict';

    const ROOT = typeof path_to_root === 'string' ? path_to_root : '';
    const RUNNER = ROOT + 'runner/';
    const HTTP = location.protocol === 'http:' || location.protocol === 'https:';

    // What this browser lacks to run the module, or null.
    function missing() {
        if (typeof WebAssembly !== 'object' || !WebAssembly || typeof WebAssembly.compile !== 'function') return 'WebAssembly';
        if (typeof Worker !== 'function') return 'Web Workers';
        if (typeof Blob !== 'function' || !window.URL || typeof URL.createObjectURL !== 'function') return 'Blob URLs';
        if (typeof TextDecoder !== 'function') return 'TextDecoder';
        if (typeof BigInt !== 'function') return 'BigInt'; // the WASI shim's clock
        return null;
    }

    // ------------------------------------------------------------ loading

    // Adds runner/NAME as a classic script (a new element each call); the
    // query only over http(s).
    function loadScript(name, query) {
        return new Promise((resolve, reject) => {
            const s = document.createElement('script');
            s.src = RUNNER + name + (query && HTTP ? '?' + query : '');
            s.onload = () => { s.remove(); resolve(); };
            s.onerror = () => { s.remove(); reject(new Error('cannot load ' + s.src + '.')); };
            document.head.appendChild(s);
        });
    }

    // Remembers a promise while it succeeds; a failure is tried again.
    function once(make) {
        let p = null;
        return () => {
            if (!p) {
                p = make();
                p.catch(() => { p = null; });
            }
            return p;
        };
    }

    let version = '';
    const versioned = () => (version ? 'v=' + encodeURIComponent(version) : '');

    const manifest = once(() => loadScript('manifest.js', 't=' + Date.now()).then(() => {
        const m = window.ACT_LOSS_RUNNER;
        if (!m) throw new Error('runner/manifest.js holds no manifest.');
        version = typeof m.sources === 'string' ? m.sources : '';
        return m;
    }));

    const shim = once(() => loadScript('wasi-shim.js', versioned()).then(() => {
        if (typeof window.ACT_LOSS_WASI_SHIM !== 'string') throw new Error('runner/wasi-shim.js holds no shim.');
    }));

    // Resolves to each chapter's native text, or null if native.js is missing.
    let nativeTexts = null;
    function natives() {
        if (nativeTexts) return Promise.resolve(nativeTexts);
        return loadScript('native.js', versioned()).then(
            () => (nativeTexts = window.ACT_LOSS_NATIVE || null), () => null);
    }

    async function fetchModule() {
        const url = RUNNER + 'book-runner.wasm' + (versioned() ? '?' + versioned() : '');
        const response = await fetch(url);
        if (!response.ok) throw new Error('cannot load ' + url + ' (HTTP ' + response.status + ').');
        const type = (response.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
        if (type === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') {
            return WebAssembly.compileStreaming(response);
        }
        // A server that does not say application/wasm: the same bytes.
        return WebAssembly.compile(await response.arrayBuffer());
    }

    async function scriptModule() {
        delete window.ACT_LOSS_RUNNER_WASM;
        await loadScript('book-runner-wasm.js');
        const b64 = window.ACT_LOSS_RUNNER_WASM;
        delete window.ACT_LOSS_RUNNER_WASM;
        if (typeof b64 !== 'string') throw new Error('runner/book-runner-wasm.js holds no module.');
        const bin = atob(b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        return WebAssembly.compile(bytes);
    }

    const runnerModule = once(() => (HTTP ? fetchModule() : scriptModule()));

    // ------------------------------------------------------------ the worker

    // The code of the worker: the WASI shim's bundle (WASI_SHIM) runs first.
    function workerMain() {
        self.onmessage = (event) => {
            const { module, args } = event.data;
            const S = WASI_SHIM;
            const decoders = [null, new TextDecoder(), new TextDecoder()];
            const write = (fd) => (bytes) => {
                const text = decoders[fd].decode(bytes, { stream: true });
                if (text) self.postMessage({ fd, text });
            };
            const folder = new S.PreopenDirectory('.', new Map());
            const wasi = new S.WASI(args, [], [
                new S.OpenFile(new S.File([])),
                new S.ConsoleStdout(write(1)),
                new S.ConsoleStdout(write(2)),
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
                self.postMessage({ crash: String(e) });
                exit = 101;
            }
            const ms = performance.now() - t0;
            for (const fd of [1, 2]) {
                const text = decoders[fd].decode();
                if (text) self.postMessage({ fd, text });
            }
            const dec = new TextDecoder();
            const plots = [];
            const walk = (dir, prefix) => {
                for (const [name, node] of dir.contents) {
                    if (node instanceof S.Directory) walk(node, prefix + name + '/');
                    else if (name.endsWith('.svg')) {
                        const alt = dir.contents.get(name.slice(0, -4) + '.alt.txt');
                        plots.push({
                            path: prefix + name,
                            svg: dec.decode(node.data),
                            alt: alt && alt.data ? dec.decode(alt.data) : null,
                        });
                    }
                }
            };
            walk(folder.dir, '');
            self.postMessage({ done: true, exit, plots, ms });
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

    // Flags every chapter has that change nothing in the printed text.
    const QUIET_FLAGS = new Set(['--time', '--no-plots']);

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

    window.ACT_LOSS_RUN_CORE = {
        missing, manifest, shim, natives, runnerModule, newWorker,
        splitFlags, atDefaults, suggestions, differingLines,
    };
})();
