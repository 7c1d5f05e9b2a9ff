//! The workshop's exercises: enough of them, each a real `todo!()` with a
//! solution, a test and a place on its page, and each failing while the
//! participant's file is untouched.

use act_loss_book::{catalog, learner, workshop};
use book_kit::exercise;

use crate::common::book;

fn read(rel: &str) -> String {
    let path = book().root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The body of `pub fn NAME(` in `source`, up to the next line that closes
/// an item at the left margin.
fn function_body<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    let start = source.find(&format!("pub fn {name}("))?;
    let end = source[start..]
        .find("\n}")
        .map_or(source.len(), |e| start + e + 2);
    Some(&source[start..end])
}

#[test]
fn the_workshop_has_at_least_twelve_exercises_in_eight_chapters() {
    let all = workshop::exercises();
    let chapters: std::collections::BTreeSet<&str> = all.iter().map(|(ch, _)| ch.name()).collect();
    let ids: std::collections::BTreeSet<&str> = all.iter().map(|(_, ex)| ex.id).collect();
    assert_eq!(ids.len(), all.len(), "two exercises share an id");
    assert!(
        all.len() >= 12 && chapters.len() >= 8,
        "{} exercises in {} chapters; the workshop needs at least 12 in 8",
        all.len(),
        chapters.len()
    );
}

#[test]
fn every_exercise_is_a_todo_with_a_solution_a_test_a_feature_and_a_page_entry() {
    let root_manifest = read("Cargo.toml");
    for (ch, ex) in workshop::exercises() {
        let name = ch.name();
        let at = |what: &str| format!("{name}, exercise {}: {what}", ex.id);
        let stub = read(&exercise::file_of(name));
        let body = function_body(&stub, ex.function).unwrap_or_else(|| {
            panic!(
                "{}",
                at(&format!("no `pub fn {}(` in src/exercises.rs", ex.function))
            )
        });
        assert!(
            body.contains("// TODO") && body.contains("todo!("),
            "{}",
            at("the function must hold a `// TODO` comment and a `todo!()`")
        );
        assert!(
            body.contains(&format!("Check it: `{}`", exercise::command(ex)))
                || stub.contains(&format!("/// Check it: `{}`", exercise::command(ex))),
            "{}",
            at("its doc comment must say `Check it: `cargo exercise ID``")
        );
        let solutions = read(&format!("chapters/{name}/src/solutions.rs"));
        assert!(
            function_body(&solutions, ex.function).is_some_and(|b| !b.contains("todo!(")),
            "{}",
            at("src/solutions.rs must solve it")
        );
        // Compared without whitespace: rustfmt folds a long attribute.
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        let tests = squeeze(&read(&format!("chapters/{name}/tests/exercises.rs")));
        let ignored = format!(
            "#[cfg_attr(not(feature = \"solutions\"), ignore = \"exercise: {}\")]\nfn exercise_{}()",
            exercise::command(ex),
            ex.id.replace('-', "_")
        );
        assert!(
            tests.contains(&squeeze(&ignored)),
            "{}",
            at(&format!("tests/exercises.rs needs\n{ignored}"))
        );
        let manifest = read(&format!("chapters/{name}/Cargo.toml"));
        assert!(
            manifest.contains("\nsolutions = []")
                && root_manifest.contains(&format!("\"{name}/solutions\"")),
            "{}",
            at("the crate needs a `solutions` feature, listed in the root's `solutions`")
        );
        let page = read(&format!("book/src/{name}.md"));
        assert!(
            page.contains(&format!("```sh\n{}\n```", exercise::command(ex)))
                && page.contains(&format!("src/exercises.rs:{}}}}}", ex.function)),
            "{}",
            at("the page must show the stub and the command that checks it")
        );
        assert!(
            page.contains(&format!("{name}__your-turn.snap:4:")),
            "{}",
            at("the page must show the Your turn section with the solutions")
        );
        assert!(!ex.hint.trim().is_empty(), "{}", at("no hint"));
    }
}

/// With the reference solutions compiled in (the README's test command), the
/// participant's functions are still there: every check must fail on them
/// with `todo!()`, so each exercise really asks for work.
#[cfg(feature = "solutions")]
#[test]
fn every_exercise_fails_while_untouched() {
    use book_kit::exercise::Outcome;
    for (ch, ex) in workshop::exercises() {
        assert_eq!(
            exercise::attempt(ex.check_exercise),
            Outcome::Todo,
            "{}, exercise {}: src/exercises.rs must be the untouched todo!() (restore it with \
             `git checkout {}`)",
            ch.name(),
            ex.id,
            exercise::file_of(ch.name())
        );
        assert!(
            matches!(exercise::attempt(ex.check), Outcome::Solved(_)),
            "{}, exercise {}: the reference solution fails its check",
            ch.name(),
            ex.id
        );
    }
}

/// `cargo exercise` knows the exercises without compiling a chapter, from
/// its catalog (workshop/src/catalog.rs): it must be the chapters' own
/// `EXERCISES`, in the book's order.
#[test]
fn the_checkers_catalog_is_every_chapters_exercises() {
    let all = workshop::exercises();
    let line = |ch: &str, ex: &book_kit::exercise::Exercise| {
        format!(
            "\"{}\" in \"{ch}\": {}, \"{}\";",
            ex.id, ex.function, ex.title
        )
    };
    for (i, (ch, ex)) in all.iter().enumerate() {
        let entry = catalog::EXERCISES.get(i);
        assert!(
            entry.is_some_and(|e| (e.id, e.chapter, e.function, e.title)
                == (ex.id, ch.name(), ex.function, ex.title)),
            "workshop/src/catalog.rs: entry {i} must be `{}`",
            line(ch.name(), ex)
        );
    }
    assert_eq!(
        catalog::EXERCISES.len(),
        all.len(),
        "workshop/src/catalog.rs lists exercises no chapter has"
    );
    assert_eq!(
        catalog::CHAPTERS,
        act_loss_book::chapters::all()
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
    );
}

/// The agendas are summed from one table of minutes, so they add up; the
/// workshop page includes them from these snapshots.
#[test]
fn the_agendas_add_up_and_are_pinned() {
    use act_loss_book::workshop::{BLOCKS, HALF_DAY, NINETY_MINUTES, render, total};
    assert_eq!(total(&NINETY_MINUTES), Ok(90), "the 90-minute agenda");
    let half = total(&HALF_DAY).unwrap();
    assert!(
        (180..=240).contains(&half),
        "half a day is 3 to 4 hours, not {half} minutes"
    );
    // Every exercise has its minutes, under its own chapter, once.
    let all = workshop::exercises();
    for (ch, ex) in &all {
        let block = workshop::block(ch.name())
            .unwrap_or_else(|| panic!("workshop::BLOCKS has no block for {}", ch.name()));
        assert!(
            block.exercises.iter().any(|(id, _)| *id == ex.id),
            "workshop::BLOCKS gives no minutes to {} in {}",
            ex.id,
            ch.name()
        );
    }
    let timed: Vec<&str> = BLOCKS
        .iter()
        .flat_map(|b| b.exercises.iter().map(|e| e.0))
        .collect();
    assert_eq!(
        timed.len(),
        all.len(),
        "workshop::BLOCKS times exercises that do not exist"
    );
    // The half-day does every exercise.
    assert!(
        render(&HALF_DAY)
            .unwrap()
            .contains(&format!("{} exercises", all.len()))
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::assert_snapshot!("workshop__agenda-90", render(&NINETY_MINUTES).unwrap());
        insta::assert_snapshot!("workshop__agenda-half-day", render(&HALF_DAY).unwrap());
        insta::assert_snapshot!("workshop__exercises", workshop::exercise_table());
    });
}

/// Every `cargo exercise ID` the book, the README and the exercise files
/// suggest names a real exercise.
#[test]
fn every_suggested_exercise_command_names_a_real_exercise() {
    let mut texts = vec![read("README.md"), read("CONTRIBUTING.md")];
    for entry in std::fs::read_dir(book().src()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            texts.push(std::fs::read_to_string(path).unwrap());
        }
    }
    for (ch, _) in workshop::exercises() {
        texts.push(read(&exercise::file_of(ch.name())));
    }
    let mut checked = 0;
    for text in &texts {
        for mut rest in text.split("cargo exercise ").skip(1) {
            // Flags before the id: `--reset ID`, `--watch ID`, `--offline`;
            // `--agenda` takes a session's name: it must name an agenda.
            while let Some(flag) = rest.strip_prefix("--") {
                let end = flag
                    .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
                    .unwrap_or(flag.len());
                rest = flag[end..].strip_prefix(' ').unwrap_or("");
                if &flag[..end] == "agenda" {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    assert!(
                        workshop::agenda_named(&name).is_some(),
                        "`cargo exercise --agenda {name}`: no such agenda"
                    );
                    rest = "";
                }
            }
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            if id.is_empty() || id == "id" || id == "all" {
                continue;
            }
            assert!(
                workshop::find(&id).is_some(),
                "`cargo exercise {id}`: no such exercise"
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} exercise commands found");
}

/// `cargo exercise` without an id: how many are done, each one's state in
/// the book's order, and the next: one begun and not right yet, else the
/// first not started after the last one done.
#[test]
fn progress_counts_what_is_done_and_names_the_next() {
    use act_loss_book::progress::{State, progress};
    let all: Vec<_> = catalog::EXERCISES.iter().collect();
    let n = all.len();
    let mut states = vec![State::Todo; n];
    let (text, done) = progress(&all, &states);
    assert_eq!(done, 0);
    assert!(text.starts_with(&format!("0 of {n} done")), "{text}");
    assert!(text.contains("next: `cargo exercise accuracy`"), "{text}");
    // In the book's order: each id after the one before.
    let mut at = 0;
    for e in &all {
        let i = text[at..]
            .find(&format!("· {} ", e.id))
            .unwrap_or_else(|| panic!("{} is missing or out of order:\n{text}", e.id));
        at += i;
    }
    let stable = all.iter().position(|e| e.id == "stable-bce").unwrap();
    states[stable] = State::Done;
    let (text, done) = progress(&all, &states);
    assert_eq!(done, 1);
    assert!(text.starts_with(&format!("1 of {n} done")), "{text}");
    assert!(text.contains("  ✓ stable-bce "), "{text}");
    assert!(
        text.contains(&format!("next: `cargo exercise {}`", all[stable + 1].id)),
        "{text}"
    );
    states[stable + 3] = State::Wrong;
    let (text, _) = progress(&all, &states);
    assert!(
        text.contains(&format!("  ✗ {} ", all[stable + 3].id)),
        "{text}"
    );
    assert!(
        text.contains(&format!("next: `cargo exercise {}`", all[stable + 3].id)),
        "{text}"
    );
    // A chapter that does not compile marks its own exercises, once says
    // where and how back, and leaves the others as they are.
    let mut broken = vec![State::Todo; n];
    let error = "error[E0599]: no method named `log` found at chapters/ch05-naive-bce-nan/src/exercises.rs:88:26";
    for (i, e) in all.iter().enumerate() {
        if e.chapter == "ch05-naive-bce-nan" {
            broken[i] = State::Broken(error.to_string());
        }
    }
    broken[0] = State::Done;
    let (text, done) = progress(&all, &broken);
    assert_eq!(done, 1, "{text}");
    assert!(
        text.contains("  ✗ stable-bce ")
            && text.contains(
                "binary cross-entropy that cannot overflow (its chapter does not compile)"
            ),
        "{text}"
    );
    assert!(text.contains("  · weighted-ce-mean "), "{text}");
    assert_eq!(
        text.matches("! ch05-naive-bce-nan does not compile")
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains(error), "{text}");
    assert!(
        text.contains(
            "`cargo exercise --reset stable-bce` or `cargo exercise --reset log-softmax`"
        ),
        "{text}"
    );
    let every = vec![State::Done; n];
    let (text, done) = progress(&all, &every);
    assert_eq!(done, n);
    assert!(text.ends_with("every exercise is done\n"), "{text}");
}

/// Once an exercise passes, the checker shows what its check tried and the
/// book's solution: that function from `src/solutions.rs`, whole, and
/// nothing else of the file.
#[test]
fn once_solved_the_checker_shows_the_solution_function_and_only_it() {
    for (ch, ex) in workshop::exercises() {
        // The chapter's binary prints what the check tried, then the
        // checker the book's solution.
        let shown =
            book_kit::exercise::tried(ex) + &learner::after_solving(catalog::find(ex.id).unwrap());
        let at = |what: &str| format!("{}, {}: {what}\n{shown}", ch.name(), ex.id);
        let (tried, code) = shown
            .split_once("\nThe book's solution — compare with yours")
            .unwrap_or_else(|| panic!("{}", at("no solution heading")));
        assert!(
            tried.starts_with("  What the check tried:\n"),
            "{}",
            at("no cases")
        );
        assert!(tried.lines().count() >= 2, "{}", at("no case listed"));
        let code = code.split_once(":\n\n").map(|c| c.1).unwrap_or_default();
        let solutions = read(&format!("chapters/{}/src/solutions.rs", ch.name()));
        assert!(
            solutions.contains(code),
            "{}",
            at("not a piece of solutions.rs")
        );
        assert!(
            code.contains(&format!("\npub fn {}(", ex.function))
                || code.starts_with(&format!("pub fn {}(", ex.function)),
            "{}",
            at("not the function")
        );
        assert_eq!(
            code.matches("pub fn ").count(),
            1,
            "{}",
            at("more than one function")
        );
        assert!(code.ends_with("\n}\n"), "{}", at("not the whole function"));
        assert!(
            !code.contains("//!") && !code.contains("\nuse "),
            "{}",
            at("the file's header came along")
        );
    }
}

/// A scratch copy of the book's exercise files, for `--reset` to work on.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("act-loss-reset-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (ch, _) in workshop::exercises() {
        let file = dir.join(exercise::file_of(ch.name()));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let stub = learner::stubs_of(ch.name()).expect("a stub is kept for every chapter");
        std::fs::write(&file, stub).unwrap();
    }
    std::fs::write(dir.join("book.toml"), "").unwrap();
    dir
}

/// `source` with the body of `pub fn NAME(` replaced by `body`.
fn solve(source: &str, name: &str, body: &str) -> String {
    let span = learner::function_span(source, name).unwrap();
    let function = &source[span.clone()];
    let open = function.find("{\n").unwrap() + 2;
    let solved = format!("{}    {body}\n}}\n", &function[..open]);
    format!("{}{solved}{}", &source[..span.start], &source[span.end..])
}

#[test]
fn reset_puts_back_one_function_and_leaves_the_rest_alone() {
    let dir = scratch("one");
    let file = dir.join(exercise::file_of("ch05-naive-bce-nan"));
    let stub = std::fs::read_to_string(&file).unwrap();
    let both = solve(
        &solve(&stub, "stable_bce", "logits.relu()"),
        "log_softmax",
        "logits.exp()",
    );
    std::fs::write(&file, &both).unwrap();
    let target = learner::target("stable-bce").unwrap();
    let said = learner::reset(&dir, &target).unwrap().said;
    assert!(
        said.contains("`stable_bce`") && said.contains("the stub is back"),
        "{said}"
    );
    let after = std::fs::read_to_string(&file).unwrap();
    assert_eq!(after, solve(&stub, "log_softmax", "logits.exp()"));
    // Again: nothing to do, and it says so.
    let said = learner::reset(&dir, &target).unwrap().said;
    assert!(said.contains("already the stub"), "{said}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reset_refuses_a_file_changed_outside_its_exercises() {
    let dir = scratch("refuse");
    let file = dir.join(exercise::file_of("ch05-naive-bce-nan"));
    let stub = std::fs::read_to_string(&file).unwrap();
    let changed = solve(&stub, "stable_bce", "logits.relu()").replace(
        "use candle_core::{D, Result, Tensor};",
        "use candle_core::{D, DType, Result, Tensor};",
    );
    assert_ne!(changed, stub);
    std::fs::write(&file, &changed).unwrap();
    let why = learner::reset(&dir, &learner::target("stable-bce").unwrap())
        .err()
        .unwrap();
    assert!(
        why.contains("differs from the committed file outside its exercises")
            && why.contains("DType"),
        "{why}"
    );
    assert_eq!(why.lines().count(), 1, "{why}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), changed);
    // `all` resets every other file and names this one as left alone.
    let other = dir.join(exercise::file_of("ch06-class-weighting"));
    let stub6 = std::fs::read_to_string(&other).unwrap();
    std::fs::write(&other, solve(&stub6, "focal_term", "logits.exp()")).unwrap();
    let done = learner::reset(&dir, &learner::target("all").unwrap()).unwrap();
    assert_eq!(done.left_alone.len(), 1, "{:?}", done.left_alone);
    let why = &done.left_alone[0];
    assert!(
        why.contains("ch05-naive-bce-nan") && why.contains("DType"),
        "{why}"
    );
    assert!(done.said.contains("`focal_term`"), "{}", done.said);
    // Each function of the file left alone has its line too.
    for f in ["stable_bce", "log_softmax"] {
        assert!(
            done.said.contains(&format!(
                "`{f}` in {}: left alone",
                exercise::file_of("ch05-naive-bce-nan")
            )),
            "{}",
            done.said
        );
    }
    assert_eq!(std::fs::read_to_string(&other).unwrap(), stub6);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), changed);
    // A lost function is refused too.
    std::fs::write(
        &file,
        stub.replace("pub fn log_softmax(", "pub fn log_soft("),
    )
    .unwrap();
    let why = learner::reset(&dir, &learner::target("stable-bce").unwrap())
        .err()
        .unwrap();
    assert!(why.contains("has lost one of"), "{why}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--reset` on files an editor reformatted: a closing brace indented, a
/// brace inside a string and a comment, Windows line endings. Each resets
/// the one function it names, byte for byte, and never panics.
#[test]
fn reset_reads_reformatted_files_by_their_tokens() {
    let dir = scratch("reformatted");
    let file = dir.join(exercise::file_of("ch05-naive-bce-nan"));
    let stub = std::fs::read_to_string(&file).unwrap();
    let other = solve(&stub, "log_softmax", "logits.exp()");
    // stable_bce's closing brace indented by four spaces, and braces in a
    // string and in comments inside its body.
    let span = learner::function_span(&other, "stable_bce").unwrap();
    let odd = "pub fn stable_bce(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {\n    \
               // } a brace in a comment\n    let _why = \"}\"; /* } */\n    \
               logits.relu()\n    }\n";
    let doc_end = other[span.clone()].find("pub fn").unwrap();
    let reformatted = format!(
        "{}{}{odd}{}",
        &other[..span.start],
        &other[span.start..span.start + doc_end],
        &other[span.end..]
    );
    for (id, want) in [
        (
            "log-softmax",
            stub.replace(
                &other[span.clone()],
                &reformatted[span.start..span.start + doc_end + odd.len()],
            ),
        ),
        ("stable-bce", other.clone()),
    ] {
        std::fs::write(&file, &reformatted).unwrap();
        let said = learner::reset(&dir, &learner::target(id).unwrap())
            .unwrap()
            .said;
        assert!(said.contains("the stub is back"), "{id}: {said}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), want, "{id}");
    }
    // Windows line endings: the stub comes back with them, the rest is
    // untouched.
    let crlf = other.replace('\n', "\r\n");
    std::fs::write(&file, &crlf).unwrap();
    let said = learner::reset(&dir, &learner::target("all").unwrap())
        .unwrap()
        .said;
    assert!(said.contains("`log_softmax` in"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        stub.replace('\n', "\r\n")
    );
    // A file that does not read as Rust: one clear line, nothing written.
    let broken = other.replace("logits.exp()", "logits.exp(\"");
    std::fs::write(&file, &broken).unwrap();
    let why = learner::reset(&dir, &learner::target("stable-bce").unwrap())
        .err()
        .unwrap();
    assert!(why.contains("unclosed brace, string or comment"), "{why}");
    assert_eq!(why.lines().count(), 1, "{why}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reset_all_puts_back_every_stub() {
    let dir = scratch("all");
    for (ch, ex) in workshop::exercises() {
        let file = dir.join(exercise::file_of(ch.name()));
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, solve(&text, ex.function, "Ok(Default::default())")).unwrap();
    }
    let said = learner::reset(&dir, &learner::target("all").unwrap())
        .unwrap()
        .said;
    assert_eq!(
        said.matches("the stub is back").count(),
        workshop::exercises().len(),
        "{said}"
    );
    for (ch, _) in workshop::exercises() {
        let file = dir.join(exercise::file_of(ch.name()));
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            learner::stubs_of(ch.name()).unwrap(),
            "{}",
            ch.name()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The checker in a scratch book (not this repository: cargo's
/// `CARGO_MANIFEST_DIR` is removed, so it finds the book by its folder).
/// Candle's operators return a `Result`, so `z * 0.5 + 1.0` does not compile
/// (E0277, pinned in tests/compile_fail.rs) before the checker can help:
/// every stub's TODO shows the idiom.
#[test]
fn every_stub_gives_the_idiom_for_operators_on_results() {
    for (ch, ex) in workshop::exercises() {
        let stub = learner::stubs_of(ch.name()).unwrap();
        let body = function_body(stub, ex.function).unwrap();
        assert!(
            body.contains("// Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`"),
            "{}, {}: the TODO must show `((z * 0.5)? + 1.0)?`",
            ch.name(),
            ex.id
        );
    }
}

/// `--reset` restores from `workshop/stubs/`, so it works without git: each
/// copy must be the committed `src/exercises.rs`, untouched.
#[cfg(feature = "solutions")]
#[test]
fn the_kept_stubs_are_the_untouched_exercise_files() {
    for (ch, _) in workshop::exercises() {
        assert!(
            read(&exercise::file_of(ch.name())) == learner::stubs_of(ch.name()).unwrap(),
            "workshop/stubs/{0}.rs differs from {1}: after changing a stub, \
             `cp {1} workshop/stubs/{0}.rs`",
            ch.name(),
            exercise::file_of(ch.name())
        );
    }
}

/// A mistyped id gets the nearest one; the function's own name is accepted.
#[test]
fn a_mistyped_id_gets_the_nearest_and_a_function_name_is_accepted() {
    for (typed, meant) in [
        ("stabel-bce", "stable-bce"),
        ("stable-bec", "stable-bce"),
        ("focal", "focal-term"),
        ("clip_grad", "clip-grad-norm"),
    ] {
        let said = catalog::unknown(typed);
        assert!(
            said.contains(&format!("did you mean '{meant}'?")),
            "{typed}: {said}"
        );
    }
    assert!(!catalog::unknown("frobnicate").contains("did you mean"));
    for (ch, ex) in workshop::exercises() {
        let found = catalog::find(ex.function).unwrap();
        assert_eq!((found.chapter, found.id), (ch.name(), ex.id));
    }
}

/// `cargo exercise --agenda 90` lists the session's exercises in its order,
/// the one left for whoever has time last, and `next:` is the agenda's
/// next, not the book's (ch00 and ch02, which the 90 minutes skip).
#[test]
fn an_agenda_chooses_the_next_exercise() {
    use act_loss_book::progress::{State, progress};
    assert_eq!(
        workshop::agenda_ids(&workshop::NINETY_MINUTES),
        [
            "leaky-relu-grad",
            "stable-bce",
            "weighted-ce-mean",
            "clip-grad-norm"
        ]
    );
    let half_day = workshop::agenda_ids(&workshop::HALF_DAY);
    assert_eq!(half_day.len(), workshop::exercises().len());
    let all: Vec<_> = catalog::EXERCISES.iter().collect();
    let chosen: Vec<_> = workshop::agenda_ids(&workshop::NINETY_MINUTES)
        .iter()
        .map(|id| catalog::find(id).unwrap())
        .collect();
    let untouched = vec![State::Todo; chosen.len()];
    let (text, _) = progress(&chosen, &untouched);
    assert!(
        text.contains("next: `cargo exercise leaky-relu-grad`"),
        "{text}"
    );
    let (book_order, _) = progress(&all, &vec![State::Todo; all.len()]);
    assert!(
        book_order.contains("next: `cargo exercise accuracy`"),
        "{book_order}"
    );
    let mut one_done = untouched.clone();
    one_done[0] = State::Done;
    let (text, _) = progress(&chosen, &one_done);
    assert!(text.contains("next: `cargo exercise stable-bce`"), "{text}");
    assert!(workshop::agenda_named("90").is_some() && workshop::agenda_named("91").is_none());
}
