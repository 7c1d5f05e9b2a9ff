//! What every chapter binary and `lab` share at the command line: flags that
//! parse into one clear line and exit code 2 on bad input, plot output, timing.

use std::ops::{Bound, RangeBounds};
use std::path::{Path, PathBuf};

use clap::error::ErrorKind;

use crate::plot::Plot;

/// Parses the command line into `T`. `--help` and `--version` print and exit 0;
/// any other problem prints one line, `NAME: error: …`, to stderr and exits 2.
/// Negative numbers are read in every form ([`negative_numbers_as_values`]).
pub fn parse_args<T: clap::Parser>() -> T {
    T::try_parse_from(negative_numbers_as_values(std::env::args_os()))
        .unwrap_or_else(|e| exit_on_clap_error(&e))
}

/// Rewrites a command line so that clap reads every negative number as a
/// value, in whatever form it is written.
///
/// clap takes a word that starts with `-` for a short flag unless the option
/// allows negative numbers and the word looks like one to clap, which
/// `-1e-30`, `-2E+1` and `-.5` do not (`-0.5` and `-2e1` do). So a negative
/// number after an option becomes part of it (`--at -1e-30` → `--at=-1e-30`),
/// and every flag reads it the same way: as its value, to accept or refuse
/// with its own message. After anything else (a point of `lab act`), a form
/// clap would not take is written in plain decimals (`-.5` → `-0.5`), which
/// parses to the same `f64`. Other words pass through unchanged.
///
/// ```
/// use book_kit::cli::negative_numbers_as_values;
/// let args = |v: &[&str]| negative_numbers_as_values(v.iter().map(|s| s.into()))
///     .into_iter().map(|s| s.into_string().unwrap()).collect::<Vec<_>>();
/// assert_eq!(args(&["ch01", "--at", "-1e-1", "--slope", "-0.5", "--x=-.5"]),
///            ["ch01", "--at=-1e-1", "--slope=-0.5", "--x=-.5"]);
/// assert_eq!(args(&["lab", "act", "relu", "-.5", "-2E+1", "-3", "-x", "--", "-1e-3"]),
///            ["lab", "act", "relu", "-0.5", "-20", "-3", "-x", "--", "-0.001"]);
/// ```
pub fn negative_numbers_as_values(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    for arg in args {
        let Some(word) = arg.to_str().filter(|w| negative_number(w).is_some()) else {
            out.push(arg);
            continue;
        };
        let after_option = out
            .last()
            .and_then(|p| p.to_str())
            .is_some_and(|p| p.starts_with("--") && p.len() > 2 && !p.contains('='));
        if after_option {
            let mut joined = out.pop().unwrap_or_default();
            joined.push("=");
            joined.push(word);
            out.push(joined);
        } else if negative_number(word) == Some(false) {
            let x: f64 = word.parse().unwrap_or_default();
            out.push(format!("{x}").into());
        } else {
            out.push(arg);
        }
    }
    out
}

/// `Some(clap_reads_it)` if `word` is a negative decimal number (`-3`,
/// `-0.5`, `-2e1`, `-1e-30`, `-2E+1`, `-.5`): whether clap, which takes
/// digits with at most one dot after the first and an exponent of plain
/// digits, would see a number in it. `None` for anything else.
fn negative_number(word: &str) -> Option<bool> {
    let digits = word.strip_prefix('-')?;
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => {
            (plain(a) || a.is_empty())
                && (plain(b) || b.is_empty())
                && !(a.is_empty() && b.is_empty())
        }
        None => plain(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| plain(e.strip_prefix(['+', '-']).unwrap_or(e)));
    (mantissa_ok && exponent_ok).then(|| !mantissa.starts_with('.') && exponent.is_none_or(plain))
}

/// `--help` and `--version` print and exit 0; any other parse error prints
/// one line, `NAME: error: …`, to stderr and exits 2.
pub fn exit_on_clap_error(e: &clap::Error) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => usage_error(&clap_one_line(e)),
    }
}

/// Clap's message up to its first blank line, folded onto one line, without
/// the leading `error: `.
fn clap_one_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let msg = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    msg.strip_prefix("error: ").unwrap_or(&msg).to_string()
}

/// The running program's name, for messages.
pub fn program_name() -> String {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "error".to_string())
}

/// Prints `NAME: error: MSG` to stderr and exits with code 2 (bad usage).
pub fn usage_error(msg: &str) -> ! {
    eprintln!("{}: error: {msg}", program_name());
    std::process::exit(2)
}

/// The one number parser for every float flag: a finite number inside a
/// range, for clap's `value_parser`. A refusal becomes one line and exit
/// code 2, naming the value and the range:
///
/// ```
/// use book_kit::cli::{above, range};
/// assert_eq!(range(0.0..=0.5).parse("0.2"), Ok(0.2));
/// assert_eq!(range(0.0..=0.5).parse("0.7"), Err("'0.7' must be between 0 and 0.5".into()));
/// assert_eq!(range(..).parse("nan"), Err("'nan' is not a finite number".into()));
/// assert!(range(above(0.0)).parse("0").is_err());
/// ```
///
/// Bounds are Rust ranges (`a..=b`, `..=b`, `a..`, `..`), or [`above`] for
/// an open lower bound (`above(0.0)` is x > 0, `above_to(0.0, 10.0)` is
/// 0 < x ≤ 10).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    lo: Bound<f64>,
    hi: Bound<f64>,
}

/// A finite number inside `r`: see [`Range`].
pub fn range(r: impl RangeBounds<f64>) -> Range {
    Range {
        lo: r.start_bound().cloned(),
        hi: r.end_bound().cloned(),
    }
}

/// The numbers greater than `lo` (an open lower bound, which Rust's range
/// syntax cannot write).
pub fn above(lo: f64) -> (Bound<f64>, Bound<f64>) {
    (Bound::Excluded(lo), Bound::Unbounded)
}

/// The numbers greater than `lo` and at most `hi`.
pub fn above_to(lo: f64, hi: f64) -> (Bound<f64>, Bound<f64>) {
    (Bound::Excluded(lo), Bound::Included(hi))
}

impl Range {
    /// Parses `s`, or says in one line why not.
    pub fn parse(&self, s: &str) -> Result<f64, String> {
        let x = match s.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            Ok(_) => return Err(format!("'{s}' is not a finite number")),
            Err(_) => return Err(format!("'{s}' is not a number")),
        };
        if (self.lo, self.hi).contains(&x) {
            Ok(x)
        } else {
            Err(format!("'{s}' must be {}", self.describe()))
        }
    }

    fn describe(&self) -> String {
        use Bound::*;
        match (self.lo, self.hi) {
            (Included(a), Included(b)) => format!("between {a} and {b}"),
            (Excluded(0.0), Unbounded) => "positive".to_string(),
            (Excluded(a), Unbounded) => format!("greater than {a}"),
            (Included(a), Unbounded) => format!("at least {a}"),
            (Unbounded, Included(b)) => format!("at most {b}"),
            (Unbounded, Excluded(b)) => format!("less than {b}"),
            (lo, hi) => {
                let open = |b: Bound<f64>, inc: char, exc: char, inf: &str| match b {
                    Included(v) => (inc, v.to_string()),
                    Excluded(v) => (exc, v.to_string()),
                    Unbounded => (exc, inf.to_string()),
                };
                let (l, a) = open(lo, '[', '(', "-inf");
                let (r, b) = open(hi, ']', ')', "inf");
                format!("in {l}{a}, {b}{r}")
            }
        }
    }
}

impl clap::builder::TypedValueParser for Range {
    type Value = f64;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<f64, clap::Error> {
        let s = value.to_string_lossy();
        self.parse(&s).map_err(|why| {
            let arg = arg.map_or_else(|| "...".to_string(), |a| a.to_string());
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("invalid value '{s}' for '{arg}': {why}\n"),
            )
            .with_cmd(cmd)
        })
    }
}

/// Two process-wide settings that make Candle's small-tensor work several
/// times faster, without changing a digit of its results. Call it first
/// thing in `main`, before any thread exists; every binary of the book does.
///
/// 1. Candle 0.11 asks how many threads to use on every matrix product, and
///    when `RAYON_NUM_THREADS` is unset, finding out means reading
///    `/proc/cpuinfo`. [`cache_thread_count`] sets the variable once, to
///    Candle's own default (chapter 4: 0.71 s before, 0.32 s after).
/// 2. Every tensor operation allocates its result, and glibc returns freed
///    memory at the top of the heap to the kernel as soon as 128 KiB pile up,
///    so the next operation takes page faults to get it back. Keeping freed
///    memory (up to 1 GiB) made `lab bench` 1.8x faster: 543 ms to 305 ms.
pub fn tune_runtime() {
    cache_thread_count();
    keep_freed_memory();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    #[allow(unsafe_code)]
    // SAFETY: mallopt only changes glibc's allocator parameters, under
    // glibc's own lock; it takes no pointers.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}

/// Sets `RAYON_NUM_THREADS` to Candle's own default thread count, if it is
/// not set already (see [`tune_runtime`]). Only call it while the program
/// has a single thread.
pub fn cache_thread_count() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = candle_core::utils::get_num_threads();
        #[allow(unsafe_code)]
        // SAFETY: called at the start of `main`, while the program has a
        // single thread, so nothing reads the environment concurrently.
        unsafe {
            std::env::set_var("RAYON_NUM_THREADS", n.to_string())
        };
    }
}

/// Where a chapter writes its plots, and whether to time it.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct CommonArgs {
    /// The folder for the chapter's plots (SVG); `None` means
    /// `target/plots/<chapter>`.
    #[arg(
        long,
        value_name = "DIR",
        help = "Write the chapter's plots (SVG) into this folder [default: target/plots/<chapter>]"
    )]
    pub plots: Option<PathBuf>,
    /// Do not write plots
    #[arg(long, conflicts_with = "plots")]
    pub no_plots: bool,
    /// Print how long the chapter took to stderr
    #[arg(long)]
    pub time: bool,
    /// Check one workshop exercise (or `all` of the chapter's) instead of
    /// running the chapter: what `cargo exercise --watch` runs, so the
    /// program rebuilt on each save is never the watcher itself
    #[arg(long, value_name = "ID|all", hide = true)]
    pub exercise: Option<String>,
    /// Print `ID done|todo|wrong` for each of the chapter's exercises: what
    /// `cargo exercise` reads for its progress list
    #[arg(long, hide = true, conflicts_with = "exercise")]
    pub exercise_status: bool,
}

/// Writes each plot as `dir/NAME.svg`, and its alternative text, as the
/// book's pages include it, as `dir/NAME.alt.txt`; creates `dir`.
pub fn write_plots(dir: &Path, plots: &[Plot]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for p in plots {
        std::fs::write(dir.join(p.file_name()), &p.svg)?;
        std::fs::write(dir.join(p.alt_file_name()), p.alt_markdown())?;
    }
    Ok(())
}
