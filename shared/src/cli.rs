//! What every chapter binary and `lab` share at the command line: flags that
//! parse into one clear line and exit code 2 on bad input, plot output, timing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::error::ErrorKind;

use crate::plot::Plot;

/// Parses the command line into `T`. `--help` and `--version` print and exit 0;
/// any other problem prints one line, `NAME: error: …`, to stderr and exits 2.
pub fn parse_args<T: clap::Parser>() -> T {
    match T::try_parse() {
        Ok(t) => t,
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
            _ => usage_error(&clap_one_line(&e)),
        },
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

/// A finite number, for clap's `value_parser`: clap turns the refusal into
/// one line and exit code 2.
pub fn finite(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(format!("'{s}' is not a finite number")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

/// A finite number greater than 0, for clap's `value_parser`.
pub fn positive(s: &str) -> Result<f64, String> {
    match finite(s)? {
        x if x > 0.0 => Ok(x),
        _ => Err(format!("'{s}' must be positive")),
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
    /// Write the chapter's plots (SVG) into this folder
    /// [default: target/plots/<chapter>]
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Do not write plots
    #[arg(long, conflicts_with = "plots")]
    pub no_plots: bool,
    /// Print how long the chapter took to stderr
    #[arg(long)]
    pub time: bool,
}

/// Writes each plot as `dir/NAME.svg`, creating `dir`.
pub fn write_plots(dir: &Path, plots: &[Plot]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for p in plots {
        std::fs::write(dir.join(p.file_name()), &p.svg)?;
    }
    Ok(())
}

/// Runs a chapter from its `main`: prints its text to stdout, writes its plots
/// (reported on stderr, so stdout is exactly what the book shows), and turns
/// errors into a message and exit code 1. Calls [`tune_runtime`] first.
pub fn run_chapter(
    chapter: &str,
    args: &CommonArgs,
    text: impl FnOnce(&mut dyn Write) -> candle_core::Result<()>,
    plots: impl FnOnce() -> candle_core::Result<Vec<Plot>>,
) -> ExitCode {
    tune_runtime();
    let start = Instant::now();
    let result = (|| -> candle_core::Result<()> {
        let mut out = std::io::stdout().lock();
        text(&mut out)?;
        out.flush()?;
        let text_time = start.elapsed();
        if !args.no_plots {
            let dir = args
                .plots
                .clone()
                .unwrap_or_else(|| Path::new("target").join("plots").join(chapter));
            let plots = plots()?;
            write_plots(&dir, &plots)?;
            eprintln!(
                "{chapter}: wrote {} plots to {}",
                plots.len(),
                dir.display()
            );
        }
        if args.time {
            eprintln!(
                "{chapter}: text in {:.3} s, total {:.3} s",
                text_time.as_secs_f64(),
                start.elapsed().as_secs_f64()
            );
        }
        Ok(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{chapter}: error: {e}");
            ExitCode::FAILURE
        }
    }
}
