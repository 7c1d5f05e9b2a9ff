// axe-core on the Run form as a reader leaves it, in each of mdBook's five
// themes: after a run at the defaults (lines marked as differing from the
// native program, a note with a link, a plot), while a run streams, and
// after Stop. The page-wide audit (axe.mjs) sees only the idle form. Called
// by runner-paths.mjs with its stand-in page (ctx.stubPage); a serious or
// critical violation fails.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { stubModule } from './stub-wasm.mjs';
import { THEMES } from './axe.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FORM = 'form[data-run]';

// Prints two lines (not the page's: marked), writes a plot, and spins
// forever when given a flag.
const MODULE = stubModule([
    ['out', '== A ==\nline 1\n'], ['err', 'training: 10% (step 20 of 200)\n'],
    ['file', 'a.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'],
    ['file', 'a.alt.txt', 'A plot.'], ['spinIfArgs'],
]);

async function audit(tab) {
    return tab.evaluate(async ([sel, tags]) => {
        const r = await window.axe.run(sel, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }, [FORM, TAGS]);
}

export async function formAxe(ctx) {
    const f = [];
    for (const theme of THEMES) {
        const { context, tab, errors } = await ctx.stubPage(ctx.browser, ctx.url, {
            theme, wasm: (r) => r.fulfill({ contentType: 'application/wasm', body: Buffer.from(MODULE) }),
        });
        try {
            await tab.addScriptTag({ content: AXE_SOURCE });
            await tab.click(`${FORM} button[type="submit"]`);
            await tab.waitForSelector(`${FORM}[data-state="done"]`, { timeout: 20000 });
            for (const v of await audit(tab)) f.push(`${theme}, after a run: ${v}`);
            await tab.fill(`${FORM} input[name="flags"]`, '--spin');
            await tab.click(`${FORM} button[type="submit"]`);
            await tab.waitForFunction((sel) => document.querySelector(sel).textContent.includes('training'), `${FORM} .run-stderr`, { timeout: 5000 });
            for (const v of await audit(tab)) f.push(`${theme}, while running: ${v}`);
            await tab.click(`${FORM} .run-stop`);
            for (const v of await audit(tab)) f.push(`${theme}, after Stop: ${v}`);
        } finally { await context.close(); }
        f.push(...errors);
    }
    return f;
}
