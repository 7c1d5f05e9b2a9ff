// The checks that read a page's DOM. Playwright sends this function's source
// into the page (page.evaluate), so it must not use anything from outside it.
//
// 1. every <img> loaded, and at 1280 each plot's alt is its NAME.alt.txt; 2. no TeX left visible, no MathJax error;
// 3. at 1280: no <pre> wider than the column; 4. at 400: every display formula
// fits the screen or scrolls in its own box; 5. at 400: the page does not
// scroll sideways; 6. at 400: plot text at least minPlotPx as displayed;
// 7. in navy: every plot image has a filter.

// Returns { failures: [...], stats: {...} }; mode is '1280', '400' or 'navy'.
export async function inspect({ mode, minPlotPx }) {
    const failures = [];
    const stats = {};
    const short = (s, n = 70) => { s = s.replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n) + '…' : s; };
    const imgName = (img) => (img.getAttribute('src') || '').split('/').pop();
    const at = (el) => `at y=${Math.round(el.getBoundingClientRect().top + window.scrollY)}`;

    // 1. every image loaded
    const imgs = [...document.images];
    stats.images = imgs.length;
    for (const img of imgs) {
        if (!(img.complete && img.naturalWidth > 0)) failures.push(`image did not load: ${img.getAttribute('src')}`);
    }
    const plots = imgs.filter((img) => (img.getAttribute('src') || '').includes('plots/'));
    const shownPlots = plots.filter((img) => img.getClientRects().length > 0 && img.getBoundingClientRect().width > 0);
    stats.plots = shownPlots.length;
    // 1b. at 1280: each plot's alt text is the one the chapter wrote beside
    // it (NAME.alt.txt, from the plot's own data), not a file name or empty
    if (mode === '1280') {
        const seen = new Set(); // a zoomable plot is on the page twice
        for (const img of plots.filter((i) => !seen.has(i.src) && seen.add(i.src))) {
            const res = await fetch(img.src.replace(/\.svg$/, '.alt.txt')).catch(() => null);
            if (!res || !res.ok) { failures.push(`no alt text file beside ${imgName(img)}`); continue; }
            // The file is Markdown (the page includes it inside ![…]), so `\_` is `_`.
            // mdBook's smart punctuation then makes ' into ’ and -- into –,
            // which a screen reader reads the same: compare without it.
            const plain = (t) => t.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/—/g, '---').replace(/–/g, '--')
                .replace(/…/g, '...').replace(/\s+/g, ' ').trim();
            const want = plain((await res.text()).replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1'));
            if (plain(img.alt) !== want) failures.push(`alt of ${imgName(img)} is "${short(img.alt)}", not its .alt.txt "${short(want)}"`);
        }
    }

    // 2. no TeX left visible after MathJax
    stats.formulas = document.querySelectorAll('mjx-container').length;
    stats.displayFormulas = document.querySelectorAll('mjx-container[display="true"]').length;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const leftovers = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('pre, code, script, style, noscript, textarea, mjx-container')) continue;
        const text = node.nodeValue;
        const i = text.search(/\\[()[\]]/);
        if (i >= 0) leftovers.push(short(text.slice(Math.max(0, i - 20), i + 40), 60));
    }
    if (leftovers.length) {
        failures.push(`TeX left visible (${leftovers.length} text node(s)), first: "${leftovers[0]}"`);
    }
    // mjx-merror in CHTML output, an merror node in SVG output (what head.hbs loads)
    const merrors = [...document.querySelectorAll('mjx-merror, mjx-container [data-mml-node="merror"]')];
    if (merrors.length) {
        failures.push(`MathJax error in ${merrors.length} formula(s), first: "${short(merrors[0].getAttribute('data-mjx-error') || merrors[0].textContent)}"`);
    }

    // 3. at 1280: no output or code block wider than the column
    if (mode === '1280' || mode === 'navy') {
        const pres = [...document.querySelectorAll('main pre')];
        stats.blocks = pres.length;
        if (mode === '1280') {
            for (const pre of pres) {
                let excess = 0;
                for (const el of [pre, ...pre.querySelectorAll(':scope > code')]) {
                    excess = Math.max(excess, el.scrollWidth - el.clientWidth);
                }
                if (excess > 1) {
                    const lines = (pre.innerText || pre.textContent).split('\n');
                    const first = lines.find((l) => l.trim()) || '';
                    const widest = lines.reduce((w, l) => (l.length > w.length ? l : w), '');
                    failures.push(`block ${excess} px wider than the column (${pre.clientWidth} px) ${at(pre)}: "${short(first)}"` +
                        (widest !== first ? `, widest line (${widest.length} chars) "${short(widest, 50)}"` : ''));
                }
            }
        }
    }

    // Nearest ancestor (from el up, inside main) that clips or scrolls horizontally.
    const main = document.querySelector('main');
    function clipper(el) {
        for (let a = el; a && a !== main && a !== document.body; a = a.parentElement) {
            const ox = getComputedStyle(a).overflowX;
            if (ox !== 'visible') return { el: a, overflowX: ox };
        }
        return null;
    }

    if (mode === '400') {
        // 4. every display formula either fits the screen or scrolls in its own box
        const vw = window.innerWidth;
        stats.wideFormulas = 0;
        // the TeX source of each formula, to name it
        const texOf = new Map();
        try {
            for (const item of MathJax.startup.document.math) if (item.typesetRoot) texOf.set(item.typesetRoot, item.math);
        } catch (e) { /* names fall back to the formula's text */ }
        for (const mjx of document.querySelectorAll('mjx-container[display="true"]')) {
            const svg = mjx.querySelector(':scope > svg') || mjx;
            const r = svg.getBoundingClientRect();
            if (r.left >= -0.5 && r.right <= vw + 0.5) continue;
            const c = clipper(svg.parentElement);
            const tex = short(texOf.get(mjx) || mjx.textContent || '', 50);
            const cut = Math.round(Math.max(0, r.right - vw) + Math.max(0, -r.left));
            if (c && (c.overflowX === 'auto' || c.overflowX === 'scroll')) {
                const cr = c.el.getBoundingClientRect();
                if (cr.left >= -0.5 && cr.right <= vw + 0.5 && c.el.scrollWidth > c.el.clientWidth) { stats.wideFormulas++; continue; }
                failures.push(`display formula ${Math.round(r.width)} px wide ${at(mjx)}: its scrolling box <${c.el.localName}> is not inside the ${vw} px screen (${Math.round(cr.left)}..${Math.round(cr.right)})${tex ? ` "${tex}"` : ''}`);
            } else {
                failures.push(`display formula cut off ${at(mjx)}: ${Math.round(r.width)} px wide, ${cut} px past the ${vw} px screen${c ? ` (clipped by <${c.el.localName}> overflow-x: ${c.overflowX})` : ''}${tex ? ` "${tex}"` : ''}`);
            }
        }

        // 5. the page does not scroll sideways (the window, or mdBook's content column,
        //    whose overflow-y: auto makes it scroll sideways too)
        const doc = document.documentElement;
        if (doc.scrollWidth > window.innerWidth) {
            failures.push(`page scrolls sideways: ${doc.scrollWidth} px wide in a ${window.innerWidth} px window`);
        }
        for (const sel of ['.page-wrapper', '.page', '.content', 'main']) {
            const el = document.querySelector(sel);
            if (!el) continue;
            const ox = getComputedStyle(el).overflowX;
            if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
                // say what sticks out: the outermost elements past the column's right edge
                // that do not scroll in a box of their own
                const edge = el.getBoundingClientRect().right;
                const out = [...main.querySelectorAll('*')].filter((e) =>
                    e.getBoundingClientRect().right > edge + 1 && !clipper(e.parentElement));
                const culprits = out.filter((e) => !out.includes(e.parentElement)).slice(0, 3)
                    .map((e) => `<${e.localName}> ${at(e)} ${Math.round(e.getBoundingClientRect().right - edge)} px past "${short(e.textContent || e.getAttribute('src') || '', 30)}"`);
                failures.push(`page scrolls sideways: ${sel} is ${el.scrollWidth} px wide in ${el.clientWidth} px${culprits.length ? `; sticking out: ${culprits.join(', ')}` : ''}`);
                break;
            }
        }

        // 6. plot text at least 8 px as displayed
        const smallest = [];
        const parser = new DOMParser();
        for (const img of shownPlots.filter((i) => i.naturalWidth > 0)) {
            const src = img.getAttribute('src');
            let svgText;
            try {
                const res = await fetch(img.src);
                svgText = await res.text();
            } catch (e) {
                failures.push(`could not read plot ${src}: ${e}`);
                continue;
            }
            const svg = parser.parseFromString(svgText, 'image/svg+xml').documentElement;
            const sizeOf = (el) => {
                for (let a = el; a && a.nodeType === 1; a = a.parentNode) {
                    const style = a.getAttribute('style') || '';
                    const m = style.match(/font-size\s*:\s*([\d.]+)\s*(px)?/i);
                    if (m) return parseFloat(m[1]);
                    const attr = a.getAttribute('font-size');
                    if (attr && !isNaN(parseFloat(attr))) return parseFloat(attr);
                }
                return 16; // SVG's initial font size
            };
            const sizes = [...svg.querySelectorAll('text')]
                .filter((t) => t.textContent.trim() !== '')
                .map(sizeOf);
            if (!sizes.length) { failures.push(`plot ${src} has no text`); continue; }
            // font sizes are in user units: the viewBox's width if there is one, else the width
            const vb = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
            const svgWidth = vb[2] > 0 ? vb[2] : parseFloat(svg.getAttribute('width'));
            if (!(svgWidth > 0)) { failures.push(`plot ${src} has no width or viewBox`); continue; }
            const scale = img.getBoundingClientRect().width / svgWidth;
            const min = Math.min(...sizes);
            const shown = min * scale;
            smallest.push(shown);
            if (shown < minPlotPx) {
                failures.push(`plot text ${shown.toFixed(1)} px in ${imgName(img)} ${at(img)} (font-size ${+min.toFixed(2)} in a ${svgWidth} px SVG shown ${Math.round(img.getBoundingClientRect().width)} px wide)`);
            }
        }
        stats.plotsMeasured = smallest.length;
        stats.smallestPlotText = smallest.length ? +Math.min(...smallest).toFixed(1) : null;
    }

    // 7. in navy: plots are filtered, not bright boxes
    if (mode === 'navy') {
        stats.themeClass = [...document.documentElement.classList].join(' ');
        stats.filtered = 0;
        for (const img of plots) {
            const f = getComputedStyle(img).filter;
            if (!f || f === 'none') failures.push(`plot not filtered on navy: ${imgName(img)}`);
            else stats.filtered++;
        }
    }
    return { failures, stats };
}
