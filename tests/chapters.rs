//! Every chapter's printed output is the same at any thread count. (Each
//! chapter crate pins its own output in `tests/snapshots.rs`; `shape.rs`
//! checks that it does.)

use shared::chapter::join_sections;

use crate::common::outputs;

/// Run with one thread, in a fresh process (Candle reads RAYON_NUM_THREADS
/// when it starts its thread pool), each chapter prints what this process
/// printed with the default thread count. The processes run side by side.
#[test]
fn same_output_at_one_thread_as_at_the_default() {
    let threads = candle_core::utils::get_num_threads();
    assert!(
        threads > 1,
        "this process computes with {threads} thread; the comparison needs more than one"
    );
    let children: Vec<_> = outputs()
        .iter()
        .map(|(ch, _)| {
            std::process::Command::new(env!("CARGO_BIN_EXE_book"))
                .args(["print", ch.name()])
                .env("RAYON_NUM_THREADS", "1")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("book print starts")
        })
        .collect();
    for ((ch, output), child) in outputs().iter().zip(children) {
        let out = child.wait_with_output().expect("book print runs");
        assert!(
            out.status.success(),
            "{}: {}",
            ch.name(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            join_sections(&output.sections),
            "{} differs at RAYON_NUM_THREADS=1 from {threads} threads",
            ch.name()
        );
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
    let f64_id = ValueParser::new(shared::cli::range(..)).type_id();
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
