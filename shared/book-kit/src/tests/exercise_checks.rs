//! The tests of `exercise.rs` (a child module of it, so they see its private
//! items), kept apart so the module stays under 400 lines.

use super::*;

#[test]
fn a_todo_a_wrong_answer_and_a_panic_are_told_apart() {
    assert_eq!(attempt(|| todo!()), Outcome::Todo);
    assert_eq!(attempt(|| todo!("later")), Outcome::Todo);
    assert_eq!(attempt(|| Ok("4".into())), Outcome::Solved("4".into()));
    assert_eq!(attempt(|| Err("5".into())), Outcome::Wrong("5".into()));
    let Outcome::Wrong(why) = attempt(|| Ok(Vec::<u8>::new()[3].to_string())) else {
        panic!("an index out of bounds is a wrong answer");
    };
    assert!(why.starts_with("it panicked: index out of bounds"), "{why}");
}

#[test]
fn compare_accepts_rounding_and_names_the_first_difference() {
    let labels = ["a".to_string(), "b".to_string()];
    assert!(
        compare(
            "loss",
            &labels,
            &[1.0, 100.0],
            &[1.0 + 1e-7, 100.0001],
            1e-5
        )
        .is_ok()
    );
    let e = compare("loss", &labels, &[1.0, f64::NAN], &[1.0, 2.0], 1e-5).unwrap_err();
    assert_eq!(e, "loss at b: yours is NaN, the library's is 2");
    assert_eq!(
        [
            number(3.7835e-44),
            number(-0.25),
            number(100.0),
            number(f64::NEG_INFINITY)
        ],
        ["3.7835e-44", "-0.25", "100", "-inf"]
    );
    assert!(compare("loss", &labels, &[1.0], &[1.0, 2.0], 1e-5).is_err());
}

#[test]
fn the_verdict_names_the_file_and_gives_the_hint() {
    let ex = Exercise {
        id: "demo",
        title: "a demonstration",
        function: "demo_fn",
        hint: "Think of x.\nThen of y.",
        tried: "x = 1",
        check: || todo!(),
        check_exercise: || todo!(),
    };
    let v = verdict("ch99-demo", &ex, &Outcome::Todo);
    assert!(v.contains("chapters/ch99-demo/src/exercises.rs"), "{v}");
    assert!(v.contains("    Think of x.\n    Then of y."), "{v}");
    assert!(your_turn("ch99-demo", &[ex]).contains("`cargo exercise demo`"));
}
