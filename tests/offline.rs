//! The built book reads offline and its links hold: no page loads a script,
//! stylesheet, font or image from an http(s) address, every local link and
//! image resolves to a file, and every fragment names an `id` on its page.
//!
//! The book is rendered with mdBook into a temporary folder (never over
//! book/html) from the committed sources and plots, so no chapter runs. Links
//! to source files (`../../chapters/…`, `../../shared/…`) leave the HTML
//! folder: they are resolved from where the book is normally built
//! (book/html), and must name a file of the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use act_loss_book::book::BookDir;

/// One tag: its lower-cased name and its attributes (names lower-cased,
/// values with `&amp;`-style entities decoded).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A page's tags, and the text of its inline `<script>` and `<style>`
/// elements, which are raw text (no tags inside). Comments are skipped.
fn scan(html: &str) -> (Vec<Tag>, Vec<(String, String)>) {
    let (mut tags, mut raw) = (Vec::new(), Vec::new());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |j| &after[j + 3..]);
            continue;
        }
        let name_len = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .unwrap_or(rest.len() - 1);
        if name_len == 0 {
            rest = &rest[1..]; // `</x>`, `<!DOCTYPE>`, or a stray `<`
            continue;
        }
        let name = rest[1..1 + name_len].to_ascii_lowercase();
        let (attrs, after) = attributes(&rest[1 + name_len..]);
        rest = after;
        if name == "script" || name == "style" {
            let end = rest
                .to_ascii_lowercase()
                .find(&format!("</{name}"))
                .unwrap_or(rest.len());
            raw.push((name.clone(), rest[..end].to_string()));
            rest = &rest[end..];
        }
        tags.push(Tag { name, attrs });
    }
    (tags, raw)
}

/// The attributes of a tag, from just after its name; and the text after `>`.
fn attributes(mut s: &str) -> (Vec<(String, String)>, &str) {
    let mut attrs = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if s.is_empty() || s.starts_with('>') {
            return (attrs, s.get(1..).unwrap_or(""));
        }
        let n = s
            .find(|c: char| c.is_whitespace() || "=>/".contains(c))
            .unwrap_or(s.len());
        let name = s[..n].to_ascii_lowercase();
        s = s[n..].trim_start();
        let mut value = String::new();
        if let Some(v) = s.strip_prefix('=') {
            let v = v.trim_start();
            let (text, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = v[1..].find(q).map_or(v.len(), |e| e + 1);
                    (&v[1..end], v.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = v
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(v.len());
                    (&v[..end], &v[end..])
                }
            };
            value = decode_entities(text);
            s = after;
        }
        attrs.push((name, value));
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `%20`-style escapes decoded (links and ids are compared decoded).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex
            .filter(|_| b[i] == b'%')
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            Some(byte) => (out.push(byte), i += 3),
            None => (out.push(b[i]), i += 1),
        };
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An address the browser would fetch from the network: http(s)://… or //…
fn is_remote(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://") || u.starts_with("//")
}

/// `mailto:`, `data:`, `https:` …: a scheme, so not a path in the book.
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(s, _)| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// The remote addresses in CSS text that a browser would load.
fn remote_in_css(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in css.match_indices("url(") {
        let arg = css[i + 4..].split(')').next().unwrap_or("");
        let arg = arg.trim().trim_matches(|c| c == '"' || c == '\'');
        if is_remote(arg) {
            found.push(format!("url({arg})"));
        }
    }
    for (i, _) in css.match_indices("@import") {
        let arg = css[i + 7..].trim_start().trim_start_matches("url(");
        if is_remote(arg.trim_start_matches(['"', '\''])) {
            found.push(format!("@import {}", arg.split(';').next().unwrap_or("")));
        }
    }
    found
}

/// Everything a page (HTML, or an SVG image) would load from the network.
fn remote_loads(tags: &[Tag], raw: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for tag in tags {
        for (name, value) in &tag.attrs {
            let loads = match name.as_str() {
                "src" | "srcset" | "poster" | "data" | "background" => true,
                "href" | "xlink:href" => !["a", "area", "base"].contains(&tag.name.as_str()),
                "style" => {
                    found.extend(
                        remote_in_css(value)
                            .into_iter()
                            .map(|r| format!("<{} style>: {r}", tag.name)),
                    );
                    false
                }
                _ => false,
            };
            let link_without_load = tag.name == "link"
                && tag
                    .attr("rel")
                    .is_some_and(|r| ["canonical", "alternate"].contains(&r));
            if loads && !link_without_load && value.split(',').any(is_remote) {
                found.push(format!("<{} {name}=\"{value}\">", tag.name));
            }
        }
    }
    for (kind, text) in raw {
        match kind.as_str() {
            "style" => found.extend(
                remote_in_css(text)
                    .into_iter()
                    .map(|r| format!("<style>: {r}")),
            ),
            _ if text.contains("http://") || text.contains("https://") => {
                found.push("an inline <script> with an http(s) address".to_string())
            }
            _ => {}
        }
    }
    found
}

/// The lines of a script that hold an http(s) address outside a `//` comment: a script
/// that could load something from the network. (The scripts are minified or
/// small, so a line is a fair unit; the vendored ones name their origin in a
/// comment.)
fn remote_in_script(js: &str) -> impl Iterator<Item = String> + '_ {
    js.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| l.contains("http://") || l.contains("https://"))
        .map(|l| {
            let i = l.find("http").unwrap_or(0);
            let end = (i + 60).min(l.len());
            let end = (end..=l.len())
                .find(|&e| l.is_char_boundary(e))
                .unwrap_or(l.len());
            format!("script with an http(s) address: …{}…", &l[i..end])
        })
}

/// `a/b/../c` → `a/c`, without touching the disk (the file may not exist).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn files(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path
            .extension()
            .is_some_and(|e| ext.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

/// What `check_site` found, and how much it looked at.
#[derive(Default)]
struct Checked {
    problems: Vec<String>,
    /// local links and sources resolved, fragments found, source links
    links: usize,
    fragments: usize,
    sources: usize,
    /// the book's own scripts and the browser runner's, read for addresses
    scripts: usize,
}

/// Every problem in the HTML folder `site`. A link that leaves `site` is
/// resolved as if the pages were in `home` (where the book is normally
/// built) and must stay inside `repo`.
fn check_site(site: &Path, home: &Path, repo: &Path) -> Checked {
    let mut checked = Checked::default();
    let problems = &mut checked.problems;
    let mut pages = Vec::new();
    files(site, &["html", "svg", "css", "js"], &mut pages);
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut links = Vec::new(); // (page, url, base folder)
    for path in &pages {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(site).unwrap().display().to_string();
        if path.extension().is_some_and(|e| e == "js") {
            // The book's own scripts and the runner's (mdBook's and MathJax's
            // name addresses they never load here; the browser check records
            // every request a page makes).
            if rel.starts_with("runner/") || rel.starts_with("book/") {
                checked.scripts += 1;
                problems.extend(remote_in_script(&text).map(|l| format!("{rel}: {l}")));
            }
            continue;
        }
        if path.extension().is_some_and(|e| e == "css") {
            problems.extend(
                remote_in_css(&text)
                    .into_iter()
                    .map(|r| format!("{rel}: loads {r}")),
            );
            continue;
        }
        let (tags, raw) = scan(&text);
        problems.extend(
            remote_loads(&tags, &raw)
                .into_iter()
                .map(|r| format!("{rel}: loads {r}")),
        );
        let page_ids = ids.entry(path.clone()).or_default();
        let mut base = path.parent().unwrap().to_path_buf();
        for tag in &tags {
            page_ids.extend(tag.attr("id").map(percent_decode));
            if tag.name == "a" {
                page_ids.extend(tag.attr("name").map(percent_decode));
            }
            // mdBook's 404 page: `<base href="/">` (or site-url), the top of the site
            if tag.name == "base" && tag.attr("href").is_some_and(|h| h.starts_with('/')) {
                base = site.to_path_buf();
            }
        }
        if path.extension().is_some_and(|e| e == "html") {
            for tag in tags.iter().filter(|t| t.name != "base") {
                for attr in ["href", "src"] {
                    if let Some(url) = tag.attr(attr).filter(|u| !has_scheme(u) && !is_remote(u)) {
                        links.push((path.clone(), url.to_string(), base.clone()));
                    }
                }
            }
        }
    }
    checked.links = links.len();
    for (page, url, base) in links {
        let rel = page.strip_prefix(site).unwrap().display();
        let (file, fragment) = match url.split_once('#') {
            Some((f, frag)) => (f, Some(percent_decode(frag))),
            None => (url.as_str(), None),
        };
        let file = percent_decode(file.split('?').next().unwrap());
        let target = if file.is_empty() {
            page.clone()
        } else {
            normalise(&base.join(&file))
        };
        if target.starts_with(site) {
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !target.is_file() {
                problems.push(format!("{rel}: {url} is not a file of the book"));
            } else if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                if ids.get(&target).is_some_and(|set| !set.contains(&frag)) {
                    problems.push(format!("{rel}: {url}: no id=\"{frag}\" on that page"));
                } else {
                    checked.fragments += 1;
                }
            }
        } else {
            let outside = normalise(&home.join(base.strip_prefix(site).unwrap()).join(&file));
            if !outside.starts_with(repo) || !outside.exists() {
                problems.push(format!(
                    "{rel}: {url} is neither in the book nor a file of the repository"
                ));
            } else {
                checked.sources += 1;
            }
        }
    }
    checked
}

/// The book rendered by mdBook into a fresh folder under the target dir.
fn render(book: &BookDir) -> (scratch::Dir, PathBuf) {
    let mut md = mdbook_driver::MDBook::load(book.root()).expect("book.toml loads");
    let home = book.root().join(&md.config.build.build_dir);
    let out = scratch::Dir::new("offline-book");
    md.config.build.build_dir = out.path().to_path_buf();
    md.build().expect("mdBook renders the book");
    (out, home)
}

mod scratch {
    use std::path::{Path, PathBuf};

    /// A folder under cargo's temporary dir for tests, removed on drop.
    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(name: &str) -> Self {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn the_built_book_loads_nothing_from_the_network_and_every_link_resolves() {
    let book = BookDir::find().expect("the tests run inside the book's repository");
    let (out, home) = render(&book);
    let site = out.path();
    // the browser runner's files, as `cargo run --bin book` writes them
    // (the module itself only if it was built from these sources)
    act_loss_book::runner::publish(&book, site, &[]).expect("the runner's files are written");
    let mut pages = Vec::new();
    files(site, &["html"], &mut pages);
    assert!(pages.len() > 8, "only {} pages rendered", pages.len());
    // something to check: source links, fragments, plots
    let print = std::fs::read_to_string(site.join("print.html")).unwrap();
    for needle in [
        "href=\"../../chapters/",
        "href=\"../../shared/",
        "href=\"#",
        "src=\"plots/",
    ] {
        assert!(print.contains(needle), "print.html has no {needle}");
    }
    let Checked {
        problems,
        links,
        fragments,
        sources,
        scripts,
    } = check_site(site, &home, book.root());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // nothing passes for lack of anything to look at
    println!(
        "{links} local links: {fragments} fragments, {sources} source files; {scripts} scripts"
    );
    assert!(
        links > 200 && fragments > 50 && sources > 30 && scripts >= 4,
        "only {links} links, {fragments} fragments, {sources} source links, {scripts} scripts checked"
    );
}

#[test]
fn the_browser_runner_is_vendored_with_its_licence() {
    let book = BookDir::find().expect("the tests run inside the book's repository");
    let dir = book.src().join("runner");
    let shim = std::fs::read_to_string(dir.join("wasi-shim.js")).expect("the vendored WASI shim");
    assert!(
        shim.starts_with("// @bjorn3/browser_wasi_shim ")
            && shim.contains("window.ACT_LOSS_WASI_SHIM = \""),
        "book/src/runner/wasi-shim.js is not the bundle tools/wasm/shim/bundle.mjs makes"
    );
    for licence in ["MIT", "APACHE"] {
        let text =
            std::fs::read_to_string(dir.join(format!("LICENSE-browser_wasi_shim-{licence}")))
                .unwrap_or_else(|e| panic!("no {licence} licence beside the shim: {e}"));
        assert!(
            text.contains("ermission") || text.contains("License"),
            "{licence}: not a licence"
        );
    }
    let toml = std::fs::read_to_string(book.root().join("book.toml")).unwrap();
    let list = |key: &str| {
        toml.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(str::to_string)
            .unwrap_or_default()
    };
    for (key, file) in [
        ("additional-js = ", "book/theme/run.js"),
        ("additional-js = ", "book/theme/predict.js"),
        ("additional-css = ", "book/theme/predict.css"),
    ] {
        assert!(
            list(key).contains(&format!("\"{file}\"")),
            "book.toml's {key}[…] must load {file}"
        );
        assert!(book.root().join(file).is_file(), "{file} is missing");
    }
}

#[test]
fn the_checker_finds_remote_loads_and_broken_links() {
    let dir = scratch::Dir::new("offline-fixture");
    let (site, home, repo) = (
        dir.path().join("repo/out"),
        dir.path().join("repo/book/html"),
        dir.path().join("repo"),
    );
    std::fs::create_dir_all(site.join("plots")).unwrap();
    std::fs::create_dir_all(repo.join("shared")).unwrap();
    std::fs::write(repo.join("shared/lib.rs"), "").unwrap();
    std::fs::write(
        site.join("plots/a.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
    )
    .unwrap();
    std::fs::write(site.join("b.html"), "<h2 id=\"there\">There</h2>").unwrap();
    let page = r##"<!DOCTYPE html><html><head>
<!-- <script src="https://commented.out/x.js"></script> -->
<script src="https://cdn.example.org/x.js"></script>
<link rel="stylesheet" href="//fonts.example.org/f.css"><link rel="canonical" href="https://example.org/">
<style>@import "https://example.org/i.css"; body { background: url('https://example.org/bg.png'); }</style>
<script>var s = "<img src='missing-but-inside-a-script.png'>";</script>
</head><body><h1 id="here">Here</h1>
<a href="https://example.org/fine">an external link is fine</a> <a href="mailto:x@example.org">m</a>
<a href="#here">ok</a> <a href="#nowhere">broken</a> <a href="b.html#there">ok</a> <a href="b.html#gone">broken</a>
<img src="plots/a.svg"> <img src='plots/missing.svg'> <img src="http://example.org/p.png">
<a href="../../shared/lib.rs">ok</a> <a href="../../shared/none.rs">broken</a> <a href="../../../x">outside</a>
<p style="background:url(http://example.org/s.png)">x</p></body></html>"##;
    std::fs::write(site.join("a.html"), page).unwrap();
    std::fs::create_dir_all(site.join("runner")).unwrap();
    std::fs::write(
        site.join("runner/r.js"),
        "// from https://example.org/ (a comment)\nfetch('https://cdn.example.org/m.wasm');\n",
    )
    .unwrap();
    std::fs::write(
        site.join("other.js"),
        "fetch('https://not.ours.example.org/');\n",
    )
    .unwrap();
    let mut problems = check_site(&site, &home, &repo).problems;
    problems.sort();
    let expected = [
        "a.html: #nowhere: no id=\"nowhere\" on that page",
        "a.html: ../../../x is neither in the book nor a file of the repository",
        "a.html: ../../shared/none.rs is neither in the book nor a file of the repository",
        "a.html: b.html#gone: no id=\"gone\" on that page",
        "a.html: loads <img src=\"http://example.org/p.png\">",
        "a.html: loads <link href=\"//fonts.example.org/f.css\">",
        "a.html: loads <p style>: url(http://example.org/s.png)",
        "a.html: loads <script src=\"https://cdn.example.org/x.js\">",
        "a.html: loads <style>: @import \"https://example.org/i.css\"",
        "a.html: loads <style>: url(https://example.org/bg.png)",
        "a.html: plots/missing.svg is not a file of the book",
        "runner/r.js: script with an http(s) address: …https://cdn.example.org/m.wasm');…",
    ];
    assert_eq!(problems, expected);
}

#[test]
fn the_scanner_reads_attributes_as_a_browser_does() {
    let (tags, raw) = scan(
        "<A HREF=x.html?a=1&amp;b=2 class='c d' hidden>t</a><script>if (a<b) {}</script><br/>",
    );
    assert_eq!(tags.len(), 3);
    assert_eq!(tags[0].name, "a");
    assert_eq!(tags[0].attr("href"), Some("x.html?a=1&b=2"));
    assert_eq!(tags[0].attr("class"), Some("c d"));
    assert_eq!(tags[0].attr("hidden"), Some(""));
    assert_eq!(raw, [("script".to_string(), "if (a<b) {}".to_string())]);
    assert_eq!(tags[2].name, "br");
    assert_eq!(percent_decode("sigmoids-025%20x"), "sigmoids-025 x");
    assert!(has_scheme("mailto:x") && !has_scheme("a.html#x:y") && !has_scheme("plots/a:b.svg"));
}
