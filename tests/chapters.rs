//! Every chapter's printed numbers are the same, in full, at any thread count. (Each
//! chapter crate pins its own output in `tests/snapshots.rs`; `shape.rs`
//! checks that it does.)

use book_kit::chapter::join_sections;

use crate::common::outputs;

/// Each chapter prints every number to the last bit the same at one thread
/// as at Candle's default thread count (more than one here). Both runs are
/// fresh processes (Candle reads RAYON_NUM_THREADS when it starts its thread
/// pool) with `ACT_LOSS_DIGITS=all`, which prints each number in full, not at
/// the page's four decimals. At one thread chapter 6 also trains its models
/// one after another instead of side by side (`book_kit::parallel`), so its
/// comparison is between a parallel run and a sequential one.
#[test]
fn every_number_is_the_same_at_one_thread_as_at_the_default() {
    let threads = candle_core::utils::get_num_threads();
    assert!(
        threads > 1,
        "this process computes with {threads} thread; the comparison needs more than one"
    );
    let print = |ch: &str, threads: usize| {
        std::process::Command::new(env!("CARGO_BIN_EXE_book"))
            .args(["print", ch])
            .env("RAYON_NUM_THREADS", threads.to_string())
            .env("ACT_LOSS_DIGITS", "all")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("book print starts")
    };
    let text = |child: std::process::Child, what: &str| {
        let out = child.wait_with_output().expect("book print runs");
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // Every chapter's two runs start at once; two cores share them.
    let children: Vec<_> = outputs()
        .iter()
        .map(|(ch, _)| [print(ch.name(), 1), print(ch.name(), threads)])
        .collect();
    for ((ch, output), children) in outputs().iter().zip(children) {
        let name = ch.name();
        let [one, many] = children.map(|c| text(c, name));
        assert_eq!(
            one, many,
            "{name} prints other digits at RAYON_NUM_THREADS=1 than at {threads} threads"
        );
        // The full digits are really more than the page's: the check compares
        // more than the page shows (chapter 9 prints almost no decimals).
        let page = join_sections(&output.sections);
        if name != "ch09-decision-guide" {
            assert!(
                one.len() > page.len(),
                "{name}: ACT_LOSS_DIGITS=all printed no more digits than the page"
            );
        }
    }
}

/// Every number flag of every chapter reads a negative number in any form a
/// person types (`-1e-30`, `-2E+1`, `-.5`), separated by a space as well as
/// by `=`: it is accepted, or refused by the flag's own range check (never
/// taken for an unknown short flag), and the same either way.
#[test]
fn every_number_flag_reads_negative_numbers_in_every_form() {
    use clap::builder::ValueParser;
    use clap::error::ErrorKind;
    let f64_id = ValueParser::new(book_kit::cli::range(..)).type_id();
    let mut checked = 0;
    for ch in act_loss_book::chapters::all() {
        for arg in ch.command().get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if arg.get_value_parser().type_id() != f64_id {
                continue;
            }
            for value in ["-1e-30", "-2E+1", "-.5", "-0.5", "-2e1"] {
                let flag = format!("--{long}");
                let spaced = ch.check_flags(&[&flag, value]).map_err(|e| e.kind());
                let joined = ch
                    .check_flags(&[&format!("{flag}={value}")])
                    .map_err(|e| e.kind());
                assert!(
                    matches!(spaced, Ok(()) | Err(ErrorKind::ValueValidation)),
                    "{} {flag} {value}: {spaced:?}",
                    ch.name()
                );
                assert_eq!(
                    spaced,
                    joined,
                    "{} {flag} {value} and {flag}={value}",
                    ch.name()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} flag values fed");
}
