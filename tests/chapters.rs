//! Every chapter's printed output is the same at any thread count. (Each
//! chapter crate pins its own output in `tests/snapshots.rs`; `shape.rs`
//! checks that it does.)

use act_loss_book::chapters;
use shared::chapter::join_sections;

/// The same text at 1 and 2 threads, from a fresh process each time (Candle
/// reads RAYON_NUM_THREADS when it starts its thread pool), and the same as in
/// this process.
#[test]
fn same_output_at_one_and_two_threads() {
    for ch in chapters::all() {
        let here = join_sections(&ch.sections().expect("the chapter runs"));
        for threads in ["1", "2"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_book"))
                .args(["print", ch.name()])
                .env("RAYON_NUM_THREADS", threads)
                .output()
                .expect("book print runs");
            assert!(
                out.status.success(),
                "{}: {}",
                ch.name(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8(out.stdout).unwrap(),
                here,
                "{} differs at RAYON_NUM_THREADS={threads}",
                ch.name()
            );
        }
    }
}
