//! The book's consistency, checked as a plain test (as rust-analyzer runs its
//! tidy checks): every chapter has a page, every include resolves, every plot
//! and every shown output is what the chapter produces now. (The "predict the
//! output" questions are checked in predict.rs, by
//! `fn every_predict_question_is_answered_by_the_pinned_output`.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use act_loss_book::book::read_snapshot;
use act_loss_book::chapters;
use book_kit::chapter::YOUR_TURN;

use crate::common::{book, outputs};

fn page_of(name: &str) -> String {
    read(&book().src().join(format!("{name}.md")))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The chapter crates on disk: every folder under `chapters/`.
fn chapter_folders() -> BTreeSet<String> {
    std::fs::read_dir(book().root().join("chapters"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Every `{{#include TARGET}}` in a page, as TARGET.
fn includes(page: &str) -> Vec<String> {
    page.split("{{#include ")
        .skip(1)
        .map(|rest| rest.split("}}").next().unwrap().trim().to_string())
        .collect()
}

/// Every code include of a page (inside a fenced block, and not a
/// snapshot), with the text before it. (An include outside a fence is
/// Markdown: the appendix's table measured by the browser check.)
fn code_includes(page: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = page[at..].find("{{#include ") {
        let start = at + i;
        let target = page[start + 11..].split("}}").next().unwrap().trim();
        let in_fence = page[..start].matches("\n```").count() % 2 == 1;
        if in_fence && !target.contains(".snap") {
            out.push((split_target(target).0, &page[..start]));
        }
        at = start + 11;
    }
    out
}

#[test]
fn every_listing_names_and_links_the_file_it_comes_from() {
    let mut pages = vec!["introduction".to_string()];
    pages.extend(chapters::all().iter().map(|c| c.name().to_string()));
    let mut checked = 0;
    for name in pages {
        let page = page_of(&name);
        for (rel, before) in code_includes(&page) {
            let shown = rel.trim_start_matches("../../");
            let expected =
                format!("<div class=\"listing\"><a href=\"{rel}\">{shown}</a></div>\n\n```");
            let fence_line = before
                .rfind("\n```")
                .expect("an include inside a code block");
            assert!(
                before[..fence_line + 4].ends_with(&expected),
                "{name}: the listing of {shown} must be preceded by the line\n{}",
                expected.trim_end_matches("\n\n```")
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} listings found");
}

/// Every code listing is a named region between `// ANCHOR:` markers, never
/// a range of line numbers, which would show other code, silently, once the
/// file changes above it (ch05's listing of the library's stable BCE had
/// lost its last two lines that way).
#[test]
fn every_code_listing_is_an_anchor_not_a_line_range() {
    let mut pages: Vec<String> = vec!["introduction".into(), "take-it-with-you".into()];
    pages.extend(chapters::all().iter().map(|c| c.name().to_string()));
    for name in pages {
        let page = page_of(&name);
        let mut at = 0;
        while let Some(i) = page[at..].find("{{#include ") {
            let start = at + i;
            at = start + 11;
            let target = page[at..].split("}}").next().unwrap().trim();
            let in_fence = page[..start].matches("\n```").count() % 2 == 1;
            if !in_fence || target.contains(".snap") {
                continue;
            }
            let after_file = target.split(".rs").nth(1).unwrap_or("");
            let by_lines = after_file
                .trim_start_matches(':')
                .split(':')
                .next()
                .is_some_and(|first| first.chars().next().is_some_and(|c| c.is_ascii_digit()));
            assert!(
                !by_lines,
                "{name}: `{target}` includes lines by number; put `// ANCHOR: NAME` and \
                 `// ANCHOR_END: NAME` around the code and include `FILE:NAME`"
            );
        }
    }
}

/// Every image link `](plots/…svg)` in a page.
fn plot_links(page: &str) -> Vec<String> {
    page.split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|l| l.starts_with("plots/") && l.ends_with(".svg"))
        .map(str::to_string)
        .collect()
}

/// Splits `path:rest` (rest: an anchor, or `N:` line numbers).
fn split_target(target: &str) -> (String, Option<String>) {
    match target.split_once(':') {
        Some((p, rest)) => (p.to_string(), Some(rest.to_string())),
        None => (target.to_string(), None),
    }
}

#[test]
fn every_chapter_folder_is_registered_and_has_a_page_in_the_summary() {
    let registered: BTreeSet<String> = chapters::all()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(
        chapter_folders(),
        registered,
        "folders under chapters/ vs src/chapter_list.rs (add one line there)"
    );
    let summary = read(&book().src().join("SUMMARY.md"));
    for name in &registered {
        let page = book().src().join(format!("{name}.md"));
        assert!(page.exists(), "{name} has no page {}", page.display());
        assert!(
            summary.contains(&format!("({name}.md)")),
            "{name}.md is not in SUMMARY.md"
        );
    }
}

/// The sidebar says what the page says: each SUMMARY.md entry's text is its
/// page's title.
#[test]
fn every_sidebar_entry_is_its_pages_title() {
    let summary = read(&book().src().join("SUMMARY.md"));
    let mut checked = 0;
    for line in summary.lines() {
        let Some((text, rest)) = line.split_once("](") else {
            continue;
        };
        let text = text.rsplit_once('[').map_or(text, |(_, t)| t);
        let file = rest.trim_end_matches(')');
        let page = read(&book().src().join(file));
        let title = page.lines().next().unwrap_or("").trim_start_matches("# ");
        assert_eq!(
            text, title,
            "SUMMARY.md's entry for {file} differs from its title"
        );
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} sidebar entries found");
}

#[test]
fn every_include_resolves_and_every_shown_output_is_current() {
    for (ch, output) in outputs() {
        let page = page_of(ch.name());
        let sections = &output.sections;
        let mut shown = BTreeSet::new();
        for target in includes(&page) {
            let (rel, rest) = split_target(&target);
            let file: PathBuf = book().src().join(&rel);
            assert!(file.exists(), "{}: includes missing file {rel}", ch.name());
            let text = read(&file);
            if rel.ends_with(".snap") {
                let body = read_snapshot(&file).unwrap();
                assert_eq!(
                    rest.as_deref(),
                    Some(format!("{}:", body.first_line).as_str()),
                    "{}: include of {rel} must start at the snapshot's body, line {}",
                    ch.name(),
                    body.first_line
                );
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                let (owner, section) = stem.split_once("__").expect("CHAPTER__SECTION.snap");
                assert_eq!(
                    owner,
                    ch.name(),
                    "{}: shows another chapter's output",
                    ch.name()
                );
                if section == YOUR_TURN {
                    // It prints the participant's work; with the reference
                    // solutions it must be what the page shows.
                    #[cfg(feature = "solutions")]
                    assert_eq!(
                        body.text.trim_end(),
                        ch.your_turn()
                            .expect("the chapter has exercises")
                            .body
                            .trim_end(),
                        "{stem}: the page shows a Your turn that differs from the solutions' now"
                    );
                    continue;
                }
                let now = sections
                    .iter()
                    .find(|s| s.name == section)
                    .unwrap_or_else(|| panic!("{}: no section named {section}", ch.name()));
                assert_eq!(
                    body.text.trim_end(),
                    now.body.trim_end(),
                    "{}: the page shows output that differs from what the chapter prints now",
                    stem
                );
                shown.insert(section.to_string());
            } else if let Some(anchor) =
                rest.filter(|r| !r.chars().next().unwrap_or('0').is_ascii_digit())
            {
                assert!(
                    text.contains(&format!("ANCHOR: {anchor}\n"))
                        && text.contains(&format!("ANCHOR_END: {anchor}\n")),
                    "{}: {rel} has no anchor {anchor}",
                    ch.name()
                );
            }
        }
        for name in sections.iter().map(|s| s.name) {
            assert!(
                shown.contains(name),
                "{}: section {name} is not shown on the page",
                ch.name()
            );
        }
    }
}

#[test]
fn every_plot_is_what_the_chapter_draws_now() {
    for (ch, output) in outputs() {
        let page = page_of(ch.name());
        let plots = &output.plots;
        for p in plots {
            let path = book().plots(ch.name()).join(p.file_name());
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == p.svg,
                "{} is missing or stale: run `cargo run --bin book`",
                path.display()
            );
        }
        for link in plot_links(&page) {
            let expected = format!("plots/{}/", ch.name());
            assert!(
                link.starts_with(&expected),
                "{}: links another chapter's plot {link}",
                ch.name()
            );
            let name = link.trim_start_matches(&expected);
            assert!(
                plots.iter().any(|p| p.file_name() == name),
                "{}: the page shows {link}, which the chapter does not draw",
                ch.name()
            );
        }
        for p in plots {
            assert!(
                page.contains(&format!("plots/{}/{}", ch.name(), p.file_name())),
                "{}: plot {} is drawn but not shown on the page",
                ch.name(),
                p.file_name()
            );
        }
    }
}

/// A plot's alternative text is written by `book_kit::plot` from the plot's own
/// title, series and axes into `NAME.alt.txt` beside it, and the page's image
/// includes that file: `![{{#include plots/CHAPTER/NAME.alt.txt}}](plots/CHAPTER/NAME.svg)`.
/// A hand-written alt text, or a stale file, fails.
#[test]
fn every_plot_says_what_it_shows_in_its_alt_text() {
    let mut checked = 0;
    for (ch, output) in outputs() {
        let page = page_of(ch.name());
        for p in &output.plots {
            let path = book().plots(ch.name()).join(p.alt_file_name());
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == p.alt_markdown(),
                "{} is missing or stale: run `cargo run --bin book`",
                path.display()
            );
            assert!(
                p.alt.contains("x axis") && p.alt.contains("y axis") && p.alt.len() > 40,
                "{}: the alt text says too little: {}",
                path.display(),
                p.alt
            );
        }
        for line in page.lines().filter(|l| l.contains("](plots/")) {
            let links = plot_links(line);
            let plot = output.plots.iter().find(|p| {
                links
                    .iter()
                    .any(|l| l.ends_with(&format!("/{}", p.file_name())))
            });
            let Some(plot) = plot else { continue }; // every_plot_is_what_the_chapter_draws_now
            let want = plot.markdown(ch.name());
            assert!(
                line.trim() == want,
                "{}: a plot's image must take its alt text from the generated file:\n  {want}\nnot\n  {line}",
                ch.name()
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} plot images checked");
}

#[test]
fn every_page_runs_its_crate_and_ends_with_key_takeaways() {
    for ch in chapters::all() {
        let page = page_of(ch.name());
        assert!(
            page.contains(&format!("cargo run -p {}", ch.name())),
            "{}: the page does not say how to run its crate",
            ch.name()
        );
        let last_heading = page.lines().rfind(|l| l.starts_with("## "));
        assert_eq!(
            last_heading,
            Some("## Key takeaways"),
            "{}: must end with key takeaways",
            ch.name()
        );
    }
}

/// Every inline code span of a page, e.g. `--depth 30`.
fn code_spans(page: &str) -> Vec<String> {
    page.split("```")
        .step_by(2) // outside fenced blocks
        .flat_map(|text| {
            text.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_flag_a_page_suggests_is_accepted_by_its_chapter() {
    let mut pages: Vec<(String, String)> = chapters::all()
        .iter()
        .map(|c| (c.name().to_string(), page_of(c.name())))
        .collect();
    pages.push(("README.md".into(), read(&book().root().join("README.md"))));
    pages.push(("introduction.md".into(), page_of("introduction")));
    pages.push(("running.md".into(), page_of("running")));
    pages.push(("workshop.md".into(), page_of("workshop")));
    let mut checked = 0;
    for (page_name, page) in &pages {
        // `--flag value` spans on a chapter's own page
        if let Some(ch) = chapters::find(page_name) {
            for span in code_spans(page).iter().filter(|s| s.starts_with("--")) {
                let args: Vec<&str> = span.split_whitespace().collect();
                match ch.check_flags(&args) {
                    Ok(()) => {}
                    // a flag named in prose without its value: it must exist
                    Err(e)
                        if args.len() == 1
                            && e.kind() != clap::error::ErrorKind::UnknownArgument => {}
                    Err(e) => {
                        panic!("{page_name} suggests `{span}`, which {page_name} refuses: {e}")
                    }
                }
                checked += 1;
            }
        }
        // `cargo run -p CHAPTER -- FLAGS` anywhere
        for line in page.lines() {
            let Some(rest) = line.split("cargo run -p ").nth(1) else {
                continue;
            };
            let rest = rest
                .split('`')
                .next()
                .unwrap_or("")
                .split('#')
                .next()
                .unwrap_or("");
            let mut words = rest.split_whitespace();
            let Some(name) = words.next() else { continue };
            // placeholders such as `cargo run -p …` or `-p chNN-slug` are not commands
            let real = name.len() > 4
                && name.starts_with("ch")
                && name[2..4].chars().all(|c| c.is_ascii_digit());
            if !real {
                continue;
            }
            let ch = chapters::find(name)
                .unwrap_or_else(|| panic!("{page_name} runs unknown chapter {name}"));
            let args: Vec<&str> = words.skip_while(|w| *w != "--").skip(1).collect();
            ch.check_flags(&args)
                .unwrap_or_else(|e| panic!("{page_name}: `cargo run -p {rest}` is refused: {e}"));
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} suggested command lines found");
}

// Numbers in the prose: tests/numbers.rs.

#[test]
fn snapshot_reader_finds_the_body_line() {
    let dir = std::env::temp_dir().join(format!("tidy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("x.snap");
    std::fs::write(&f, "---\nsource: tests/chapters.rs\n---\nhello\nworld\n").unwrap();
    let body = read_snapshot(&f).unwrap();
    assert_eq!(body.first_line, 4);
    assert_eq!(body.text, "hello\nworld");
    std::fs::write(&f, "no header\n").unwrap();
    assert!(read_snapshot(&f).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each math span of a page (`\\( … \\)` and `\\[ … \\]`, outside code).
fn math_spans(page: &str) -> Vec<String> {
    let mut spans = Vec::new();
    for text in page.split("```").step_by(2) {
        let mut rest = text;
        while let Some(start) = [rest.find("\\\\("), rest.find("\\\\[")]
            .into_iter()
            .flatten()
            .min()
        {
            let close = if rest[start..].starts_with("\\\\(") {
                "\\\\)"
            } else {
                "\\\\]"
            };
            let body = &rest[start + 3..];
            let end = body.find(close).unwrap_or(body.len());
            spans.push(body[..end].to_string());
            rest = &body[(end + close.len()).min(body.len())..];
        }
    }
    spans
}

/// Markdown eats a backslash before punctuation, so `\,` inside math reaches
/// MathJax as a bare comma: the page must write `\\,`. Returns each such
/// escape with a little context. (`\_` and `\*` are left alone: there the
/// backslash is meant for Markdown, and MathJax should get `_` and `*`.)
fn eaten_escapes(math: &str) -> Vec<String> {
    let chars: Vec<char> = math.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            let run = chars[i..].iter().take_while(|&&c| c == '\\').count();
            let next = chars.get(i + run).copied().unwrap_or(' ');
            // An odd run before punctuation leaves one backslash to be eaten.
            if run % 2 == 1 && ",;:!{}|#%&$".contains(next) {
                let from = i.saturating_sub(12);
                let to = (i + run + 12).min(chars.len());
                found.push(chars[from..to].iter().collect());
            }
            i += run;
        } else {
            i += 1;
        }
    }
    found
}

/// Math opened with one backslash, `\(`, reaches the page as a plain
/// parenthesis: the book writes `\\(`. Returns each such opening, outside
/// code.
fn single_backslash_math(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for text in page.split("```").step_by(2) {
        for prose in text.split('`').step_by(2) {
            let chars: Vec<char> = prose.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                let run = chars[i..].iter().take_while(|&&c| c == '\\').count();
                if run == 0 {
                    i += 1;
                    continue;
                }
                if run % 2 == 1 && matches!(chars.get(i + run), Some('(' | '[')) {
                    let to = (i + run + 16).min(chars.len());
                    found.push(chars[i..to].iter().collect());
                }
                i += run;
            }
        }
    }
    found
}

#[test]
fn no_math_escape_is_eaten_by_markdown() {
    let mut spans = 0;
    for entry in std::fs::read_dir(book().src()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let single = single_backslash_math(&read(&path));
        assert!(
            single.is_empty(),
            "{}: math opened with one backslash shows as plain text: {single:?}; write \\\\(",
            path.display()
        );
        for math in math_spans(&read(&path)) {
            let eaten = eaten_escapes(&math);
            assert!(
                eaten.is_empty(),
                "{}: Markdown eats the backslash in {eaten:?}; write it doubled (\\\\, not \\,)",
                path.display()
            );
            spans += 1;
        }
    }
    assert!(spans > 50, "only {spans} math spans found");
}

#[test]
fn eaten_escapes_are_found_and_doubled_ones_pass() {
    assert_eq!(eaten_escapes(r"(1 - y)\, z"), vec![r"(1 - y)\, z"]);
    assert!(eaten_escapes(r"(1 - y)\\, z + \frac{a}{b}").is_empty());
    assert_eq!(eaten_escapes(r"\{ x \}").len(), 2);
    assert!(eaten_escapes(r"n\_{\text{in}}").is_empty());
    assert_eq!(single_backslash_math(r"a \\( x \\) and \(y\)").len(), 1);
    assert!(single_backslash_math(r"`\(` in code, \\[ z \\]").is_empty());
    assert_eq!(
        math_spans(r"a \\( x \\) b \\[ y \\] ``` \\( z \\) ```"),
        vec![" x ", " y "]
    );
}
