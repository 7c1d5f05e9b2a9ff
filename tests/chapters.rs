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
