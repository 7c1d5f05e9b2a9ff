//! The workshop's exercises: enough of them, each a real `todo!()` with a
//! solution, a test and a place on its page, and each failing while the
//! participant's file is untouched.

use act_loss_book::workshop;
use shared::exercise;

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
    use shared::exercise::Outcome;
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

#[test]
fn the_check_command_names_each_exercise_and_refuses_an_unknown_one() {
    let all = workshop::exercises();
    let (overview, _) = workshop::overview();
    for (_, ex) in &all {
        assert!(
            overview.contains(ex.id),
            "cargo exercise does not list {}",
            ex.id
        );
    }
    assert!(workshop::find("no-such-exercise").is_none());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_exercise"))
        .arg("no-such-exercise")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
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
            // Flags before the id: `--reset ID`, `--watch ID`, `--offline`.
            while let Some(flag) = rest.strip_prefix("--") {
                let end = flag
                    .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
                    .unwrap_or(flag.len());
                rest = flag[end..].strip_prefix(' ').unwrap_or("");
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
