// Bundles @bjorn3/browser_wasi_shim (pure JavaScript, MIT OR Apache-2.0) into
// book/src/runner/wasi-shim.js: a classic script that holds the bundled code
// as a string, window.ACT_LOSS_WASI_SHIM. The page puts that string in front
// of its worker's code in a Blob, which is how a worker gets the shim even on
// a page opened from disk (file://), where a worker may not import or fetch
// a file. The licences are copied beside it.
//
// Usage: npm ci && node bundle.mjs   (here, tools/wasm/shim)

import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..', '..', '..', 'book', 'src', 'runner');
const pkgDir = path.join(here, 'node_modules', '@bjorn3', 'browser_wasi_shim');
const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;

const result = await build({
    stdin: {
        contents: 'export { WASI, File, Directory, PreopenDirectory, OpenFile, ConsoleStdout } from "@bjorn3/browser_wasi_shim";',
        resolveDir: here,
    },
    bundle: true,
    format: 'iife',
    globalName: 'WASI_SHIM',
    minify: true,
    target: 'es2020',
    write: false,
    legalComments: 'none',
});
const code = result.outputFiles[0].text;
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
    path.join(out, 'wasi-shim.js'),
    `// @bjorn3/browser_wasi_shim ${version} (https://github.com/bjorn3/browser_wasi_shim),\n` +
    `// MIT OR Apache-2.0: LICENSE-browser_wasi_shim-MIT and -APACHE beside this file.\n` +
    `// Bundled by tools/wasm/shim/bundle.mjs; the code is a string for the runner's worker.\n` +
    `window.ACT_LOSS_WASI_SHIM = ${JSON.stringify(code)};\n`,
);
for (const lic of ['MIT', 'APACHE']) {
    fs.copyFileSync(path.join(pkgDir, `LICENSE-${lic}`), path.join(out, `LICENSE-browser_wasi_shim-${lic}`));
}
console.log(`book/src/runner/wasi-shim.js: browser_wasi_shim ${version}, ${code.length} bytes`);
