//! Signs of life from a long loop, on stderr, where the reader is looking.
//!
//! A chapter prints its sections only once it has computed everything, so a
//! long run (`--steps 5000`) would otherwise sit silent. Each training loop
//! counts its steps through [`steps`]:
//!
//! - in a terminal, a progress bar (the `indicatif` crate), cleared when the
//!   loop ends, so stdout, the text the page shows, is untouched;
//! - in the browser runner (WebAssembly under WASI, where stderr is the
//!   page's), one line per tenth of the loop: `binary task: 40% (step 80 of
//!   200)`;
//! - nothing when stderr is piped or a file (the snapshot tests, `2>log`).
//!
//! A loop that ends within [`QUIET_FOR`] shows nothing at all, so the usual
//! runs, which take well under a second, print exactly what they did before.
//! Counting costs one comparison of the clock per step.

use std::time::{Duration, Instant};

/// How long a loop runs before it shows progress.
pub const QUIET_FOR: Duration = Duration::from_millis(500);

/// Where progress goes, found once per process: a terminal's bar, the
/// browser's lines, or nowhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// stderr is a terminal: a bar that redraws in place.
    Bar,
    /// The browser runner: a line per tenth.
    Lines,
    /// stderr is piped or a file: nothing.
    Nothing,
}

impl Sink {
    /// The sink for this process: `ACT_LOSS_PROGRESS=bar|lines|none`
    /// overrides it (for the tests, and for a terminal that is not one).
    pub fn detect() -> Sink {
        match std::env::var("ACT_LOSS_PROGRESS").as_deref() {
            Ok("bar") => return Sink::Bar,
            Ok("lines") => return Sink::Lines,
            Ok("none") => return Sink::Nothing,
            _ => {}
        }
        if cfg!(target_os = "wasi") {
            Sink::Lines
        } else if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            Sink::Bar
        } else {
            Sink::Nothing
        }
    }
}

/// Counts `n` steps of a loop named `label`: iterate over it as over
/// `0..n`. What it shows, and where, is in the module's header.
///
/// ```
/// let mut total = 0;
/// for step in book_kit::progress::steps("demo", 5) {
///     total += step;
/// }
/// assert_eq!(total, 10);
/// ```
pub fn steps(label: &str, n: usize) -> Steps {
    Steps::new(label, n, Sink::detect(), QUIET_FOR)
}

/// The iterator [`steps`] returns.
pub struct Steps {
    label: String,
    n: usize,
    next: usize,
    sink: Sink,
    start: Instant,
    quiet_for: Duration,
    /// The last tenth reported as a line (0 for none).
    tenth: usize,
    bar: Option<bar::Bar>,
    /// Lines written, for the tests.
    written: Vec<String>,
}

impl Steps {
    fn new(label: &str, n: usize, sink: Sink, quiet_for: Duration) -> Steps {
        Steps {
            label: label.to_string(),
            n,
            next: 0,
            sink,
            start: Instant::now(),
            quiet_for,
            tenth: 0,
            bar: None,
            written: Vec::new(),
        }
    }

    /// The line for `done` of the `n` steps.
    fn line(&self, done: usize) -> String {
        format!(
            "{}: {}% (step {done} of {})",
            self.label,
            done * 100 / self.n.max(1),
            self.n
        )
    }

    /// Reports that `done` steps are finished.
    fn report(&mut self, done: usize) {
        if self.sink == Sink::Nothing || self.start.elapsed() < self.quiet_for {
            return;
        }
        match self.sink {
            Sink::Lines => {
                let tenth = done * 10 / self.n.max(1);
                if tenth > self.tenth {
                    self.tenth = tenth;
                    let line = self.line(done);
                    eprintln!("{line}");
                    self.written.push(line);
                }
            }
            Sink::Bar => self
                .bar
                .get_or_insert_with(|| bar::Bar::new(&self.label, self.n))
                .set(done),
            Sink::Nothing => {}
        }
    }
}

impl Iterator for Steps {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.next > 0 {
            self.report(self.next);
        }
        if self.next >= self.n {
            self.bar = None; // cleared from the terminal
            return None;
        }
        self.next += 1;
        Some(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.n - self.next;
        (left, Some(left))
    }
}

/// The terminal's bar: indicatif where there is a terminal to draw on.
#[cfg(not(target_os = "wasi"))]
mod bar {
    use std::sync::OnceLock;

    use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

    /// Every bar of the process draws through one `MultiProgress`, so loops
    /// that run side by side (chapter 6's) each keep a line of their own.
    fn all() -> &'static MultiProgress {
        static ALL: OnceLock<MultiProgress> = OnceLock::new();
        ALL.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
    }

    pub struct Bar(ProgressBar);

    impl Bar {
        pub fn new(label: &str, n: usize) -> Bar {
            let bar = all().add(ProgressBar::new(n as u64));
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} steps, {elapsed}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_message(label.to_string());
            Bar(bar)
        }

        pub fn set(&self, done: usize) {
            self.0.set_position(done as u64);
        }
    }

    impl Drop for Bar {
        fn drop(&mut self) {
            self.0.finish_and_clear();
            all().remove(&self.0);
        }
    }
}

/// No terminal in the browser runner: [`Sink::Bar`] is never chosen there.
#[cfg(target_os = "wasi")]
mod bar {
    pub struct Bar;

    impl Bar {
        pub fn new(_label: &str, _n: usize) -> Bar {
            Bar
        }

        pub fn set(&self, _done: usize) {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(n: usize, sink: Sink, quiet_for: Duration) -> (Vec<usize>, Vec<String>) {
        let mut steps = Steps::new("task", n, sink, quiet_for);
        let seen: Vec<usize> = steps.by_ref().collect();
        (seen, steps.written)
    }

    #[test]
    fn it_counts_like_a_range() {
        for n in [0, 1, 7, 200] {
            let (seen, _) = run(n, Sink::Nothing, Duration::ZERO);
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_browser_gets_a_line_per_tenth() {
        let (_, lines) = run(200, Sink::Lines, Duration::ZERO);
        let want: Vec<String> = (1..=10)
            .map(|t| format!("task: {}% (step {} of 200)", t * 10, t * 20))
            .collect();
        assert_eq!(lines, want);
        // Fewer steps than tenths: a line for each step's tenth, none twice.
        let (_, lines) = run(4, Sink::Lines, Duration::ZERO);
        assert_eq!(
            lines,
            [
                "task: 25% (step 1 of 4)",
                "task: 50% (step 2 of 4)",
                "task: 75% (step 3 of 4)",
                "task: 100% (step 4 of 4)"
            ]
        );
    }

    #[test]
    fn a_short_loop_and_a_pipe_say_nothing() {
        let (_, lines) = run(200, Sink::Lines, Duration::from_secs(3600));
        assert!(lines.is_empty());
        let (_, lines) = run(200, Sink::Nothing, Duration::ZERO);
        assert!(lines.is_empty());
    }

    #[test]
    fn a_loop_that_turns_slow_reports_from_then_on() {
        let mut steps = Steps::new("task", 10, Sink::Lines, Duration::from_millis(50));
        for step in steps.by_ref() {
            if step == 4 {
                std::thread::sleep(Duration::from_millis(80));
            }
        }
        assert_eq!(steps.written.first().unwrap(), "task: 50% (step 5 of 10)");
        assert_eq!(steps.written.len(), 6);
    }
}
