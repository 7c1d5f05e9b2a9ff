//! Every chapter's printed output: pinned by the chapter's own crate (its
//! `tests/snapshots.rs`), and the same at any thread count.

use act_loss_book::chapters;

#[test]
fn every_chapter_crate_pins_its_output() {
    for ch in chapters::all() {
        let test = act_loss_book::book::root()
            .join("chapters")
            .join(ch.name())
            .join("tests")
            .join("snapshots.rs");
        let text = std::fs::read_to_string(&test)
            .unwrap_or_else(|_| panic!("{} has no {}", ch.name(), test.display()));
        assert!(
            text.contains("shared::pin_sections!"),
            "{} does not pin its sections",
            ch.name()
        );
    }
}

/// The same text at 1 and 2 threads, from a fresh process each time (Candle
/// reads RAYON_NUM_THREADS when it starts its thread pool), and the same as in
/// this process.
#[test]
fn same_output_at_one_and_two_threads() {
    for ch in chapters::all() {
        let here = ch.text().expect("the chapter runs");
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
