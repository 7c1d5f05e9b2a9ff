//! The shape every chapter crate shares, so that its binary, the book build and
//! the tests all call the same code.
//!
//! A chapter is a value, [`Chapter`]: its name, a `run` function that does the
//! experiments once and returns a report, the [`Section`]s that print that
//! report, and a `plots` function that draws it. Its binary prints every
//! section under a `== title ==` line; the snapshot tests pin each section's
//! body on its own; the chapter's page includes each pinned body next to the
//! prose and code it belongs to. So the page, the terminal and the snapshot
//! cannot drift.
//!
//! ```text
//! flags ──parse──▶ Options ──run──▶ Report ──sections──▶ text (stdout, snapshots, page)
//!                                          └─plots────▶ SVG (target/plots, book/src/plots)
//! ```

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use candle_core::Result;
use clap::{CommandFactory, FromArgMatches};

use crate::cli::{self, CommonArgs};
use crate::exercise::{self, Exercise};
use crate::plot::Plot;

/// One part of a chapter's printed output.
pub struct Section<R> {
    /// Short identifier, used in the snapshot's file name: `CHAPTER__NAME.snap`.
    pub name: &'static str,
    /// The heading printed above the section in the terminal.
    pub title: &'static str,
    /// Writes the section's body from the chapter's report.
    pub body: fn(&R, &mut dyn Write) -> Result<()>,
}

/// A check of the flags together; `Err` is a one-line message.
pub type Validate<O> = fn(&O) -> std::result::Result<(), String>;

/// A chapter: what it is called, how it computes, how it prints and draws.
///
/// `O` is the chapter's flags (a `clap::Args` struct; `///` comments become
/// `--help`), `R` the report its experiments return. A chapter crate defines
/// one `pub static CHAPTER: Chapter<Options, Report>`, and its `main.rs` is
/// `fn main() -> ExitCode { CHAPTER.main() }`.
pub struct Chapter<O: 'static, R: 'static> {
    /// The crate's name, which is also its page's file stem and its binary's
    /// name: `env!("CARGO_PKG_NAME")`.
    pub name: &'static str,
    /// One line for `--help`: `env!("CARGO_PKG_DESCRIPTION")`.
    pub about: &'static str,
    /// Checks that the flags make sense together, beyond what each flag's own
    /// parser checks; the message becomes one line and exit code 2.
    pub validate: Option<Validate<O>>,
    /// Does the chapter's experiments, once.
    pub run: fn(&O) -> Result<R>,
    /// The printed output, in order.
    pub sections: &'static [Section<R>],
    /// Draws the chapter's plots from its report.
    pub plots: fn(&R) -> Result<Vec<Plot>>,
    /// The workshop's exercises in this chapter (`src/exercises.rs`); the
    /// binary runs them in a last section, "Your turn".
    pub exercises: &'static [Exercise],
}

/// The command line of a chapter binary: the chapter's flags and the flags
/// every chapter has.
#[derive(clap::Parser, Debug)]
struct Cli<O: clap::Args> {
    #[command(flatten)]
    options: O,
    #[command(flatten)]
    common: CommonArgs,
}

/// One section's printed body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionText {
    pub name: &'static str,
    pub title: &'static str,
    pub body: String,
}

/// Everything a chapter produces at one setting of its flags.
#[derive(Clone, Debug)]
pub struct Output {
    pub sections: Vec<SectionText>,
    pub plots: Vec<Plot>,
}

impl Output {
    /// The whole text, as the binary prints it.
    pub fn text(&self) -> String {
        join_sections(&self.sections)
    }
}

/// Every section under its `== title ==` line, separated by blank lines.
pub fn join_sections(sections: &[SectionText]) -> String {
    let mut text = String::new();
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&format!("== {} ==\n", s.title));
        text.push_str(&s.body);
    }
    text
}

impl<O: clap::Args, R> Chapter<O, R> {
    /// The chapter's command line: its flags and the ones every chapter has.
    pub fn command(&self) -> clap::Command {
        Cli::<O>::command()
            .name(self.name)
            .bin_name(self.name)
            .about(self.about)
            .version(env!("CARGO_PKG_VERSION"))
    }

    /// Parses a command line (program name first) into the chapter's flags
    /// and the common ones, then validates them.
    fn parse_cli<I, T>(&self, argv: I) -> std::result::Result<(O, CommonArgs), clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut cmd = self.command();
        let argv = cli::negative_numbers_as_values(argv.into_iter().map(Into::into));
        let mut matches = cmd.try_get_matches_from_mut(argv)?;
        let cli = Cli::<O>::from_arg_matches_mut(&mut matches)?;
        if let Some(validate) = self.validate {
            validate(&cli.options)
                .map_err(|msg| cmd.error(clap::error::ErrorKind::ValueValidation, msg))?;
        }
        Ok((cli.options, cli.common))
    }

    /// The chapter's flags from `args` (flags only, without the program name).
    pub fn options(&self, args: &[&str]) -> std::result::Result<O, clap::Error> {
        let argv = std::iter::once(self.name).chain(args.iter().copied());
        Ok(self.parse_cli(argv)?.0)
    }

    /// The chapter's flags when none are given: what the book shows.
    pub fn defaults(&self) -> O {
        self.options(&[])
            .unwrap_or_else(|e| panic!("{}: the default flags do not parse: {e}", self.name))
    }

    /// Each section's body, printed from `report`.
    pub fn section_texts(&self, report: &R) -> Result<Vec<SectionText>> {
        self.sections
            .iter()
            .map(|s| {
                let mut buf = Vec::new();
                (s.body)(report, &mut buf)?;
                Ok(SectionText {
                    name: s.name,
                    title: s.title,
                    body: String::from_utf8(buf)
                        .map_err(|e| candle_core::Error::Msg(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Runs the chapter at `opts`: its text and its plots, from one run.
    pub fn output_with(&self, opts: &O) -> Result<Output> {
        let report = (self.run)(opts)?;
        Ok(Output {
            sections: self.section_texts(&report)?,
            plots: (self.plots)(&report)?,
        })
    }

    /// The chapter binary: parses the flags (a bad one gets one line on
    /// stderr and exit code 2), runs the chapter once, prints its text to
    /// stdout, writes its plots (reported on stderr, so stdout is exactly
    /// what the book shows) and, with `--time`, says how long each step took.
    pub fn main(&self) -> ExitCode {
        cli::tune_runtime();
        let (opts, common) = match self.parse_cli(std::env::args_os()) {
            Ok(parsed) => parsed,
            Err(e) => cli::exit_on_clap_error(&e),
        };
        if let Some(id) = &common.exercise {
            return exercise::check_in_binary(self.name, self.exercises, id);
        }
        if common.exercise_status {
            print!("{}", exercise::states(self.exercises));
            return ExitCode::SUCCESS;
        }
        match self.run_binary(&opts, &common) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}: error: {e}", self.name);
                ExitCode::FAILURE
            }
        }
    }

    /// The "Your turn" section: every exercise of the chapter, run (`None`
    /// when the chapter has none). It is not one of `sections`: what it
    /// prints depends on the participant's work, so it is pinned only with
    /// the `solutions` feature ([`pin_your_turn!`](crate::pin_your_turn)).
    pub fn your_turn(&self) -> Option<SectionText> {
        (!self.exercises.is_empty()).then(|| SectionText {
            name: YOUR_TURN,
            title: "Your turn",
            body: exercise::your_turn(self.name, self.exercises),
        })
    }

    /// The "Your turn" section as the browser runner prints it: one line
    /// saying that the exercises run on the reader's machine.
    pub fn exercises_elsewhere(&self) -> Option<SectionText> {
        (!self.exercises.is_empty()).then(|| SectionText {
            name: YOUR_TURN,
            title: "Your turn",
            body: exercise::run_locally(self.exercises),
        })
    }

    fn run_binary(&self, opts: &O, common: &CommonArgs) -> Result<()> {
        let start = Instant::now();
        let report = (self.run)(opts)?;
        let computed = start.elapsed();
        let mut sections = self.section_texts(&report)?;
        // In the browser runner (WebAssembly) a panic aborts the module, so an
        // unsolved exercise's `todo!()` cannot be caught: say where they run.
        let turn = if cfg!(target_family = "wasm") {
            self.exercises_elsewhere()
        } else {
            self.your_turn()
        };
        sections.extend(turn);
        let text = join_sections(&sections);
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        let printed = start.elapsed();
        if !common.no_plots {
            let dir = common
                .plots
                .clone()
                .unwrap_or_else(|| Path::new("target").join("plots").join(self.name));
            let plots = (self.plots)(&report)?;
            cli::write_plots(&dir, &plots)?;
            eprintln!(
                "{}: wrote {} plots to {}",
                self.name,
                plots.len(),
                dir.display()
            );
        }
        if common.time {
            eprintln!(
                "{}: computed in {:.3} s, text in {:.3} s, total {:.3} s",
                self.name,
                computed.as_secs_f64(),
                printed.as_secs_f64(),
                start.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }
}

/// The name of the "Your turn" section, in its snapshot's file name.
pub const YOUR_TURN: &str = "your-turn";

/// What the book build and the workspace tests need from any chapter,
/// whatever its flags and report types.
pub trait AnyChapter: Sync {
    /// The crate's name, which is also its page's file stem: `ch01-activation-shapes`.
    fn name(&self) -> &'static str;
    /// The chapter's text and plots at its default flags, from one run.
    fn output(&self) -> Result<Output>;
    /// Each section's text at the default flags, without drawing the plots.
    fn sections(&self) -> Result<Vec<SectionText>>;
    /// Whether the chapter's command line accepts `args` (flags only, without
    /// the program name); `--help` and `--version` count as accepted. The
    /// tidy test runs every flag a page suggests through this.
    fn check_flags(&self, args: &[&str]) -> std::result::Result<(), clap::Error>;
    /// The chapter's command line (for tests that feed every flag).
    fn command(&self) -> clap::Command;
    /// The chapter's text and plots at the flags `args` (flags only, without
    /// the program name), or why the flags are refused or the run failed.
    fn output_for(&self, args: &[&str]) -> std::result::Result<Output, String>;
    /// The chapter's workshop exercises.
    fn exercises(&self) -> &'static [Exercise];
    /// The "Your turn" section, run now.
    fn your_turn(&self) -> Option<SectionText>;
}

impl<O: clap::Args, R> AnyChapter for Chapter<O, R> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn output(&self) -> Result<Output> {
        self.output_with(&self.defaults())
    }

    fn sections(&self) -> Result<Vec<SectionText>> {
        self.section_texts(&(self.run)(&self.defaults())?)
    }

    fn check_flags(&self, args: &[&str]) -> std::result::Result<(), clap::Error> {
        use clap::error::ErrorKind;
        let argv = std::iter::once(self.name).chain(args.iter().copied());
        match self.parse_cli(argv) {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn command(&self) -> clap::Command {
        Chapter::command(self)
    }

    fn output_for(&self, args: &[&str]) -> std::result::Result<Output, String> {
        let opts = self.options(args).map_err(|e| e.to_string())?;
        self.output_with(&opts).map_err(|e| e.to_string())
    }

    fn exercises(&self) -> &'static [Exercise] {
        self.exercises
    }

    fn your_turn(&self) -> Option<SectionText> {
        Chapter::your_turn(self)
    }
}

/// For a chapter's `exercise_…` test: panics with the verdict (problem and
/// hint) unless the exercise `id` of `chapter` is solved.
pub fn assert_solved(chapter: &dyn AnyChapter, id: &str) {
    let ex = chapter
        .exercises()
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("{} has no exercise {id}", chapter.name()));
    let outcome = exercise::attempt(ex.check);
    if !matches!(outcome, exercise::Outcome::Solved(_)) {
        panic!("\n{}", exercise::verdict(chapter.name(), ex, &outcome));
    }
}

/// Pins every section of a chapter with insta, as
/// `tests/snapshots/CHAPTER__SECTION.snap` beside the calling test file. Call it
/// from the chapter crate's `tests/snapshots.rs` with the chapter's `CHAPTER`;
/// the crate needs `insta` as a dev-dependency. It is a macro because insta
/// finds the snapshot folder from the file that calls it. The chapter's page
/// includes those files, so accepting a snapshot changes the page: read it
/// first.
#[macro_export]
macro_rules! pin_sections {
    ($chapter:expr) => {{
        let ch: &dyn $crate::chapter::AnyChapter = &$chapter;
        let mut settings = ::insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| {
            for s in ch.sections().expect("the chapter runs") {
                ::insta::assert_snapshot!(format!("{}__{}", ch.name(), s.name), s.body);
            }
        });
    }};
}

/// Pins a chapter's "Your turn" section, as `CHAPTER__your-turn.snap`. Call
/// it from the chapter's snapshot test under `#[cfg(feature = "solutions")]`:
/// with the reference solutions the section is fixed, and the page includes
/// it to show what a solved exercise prints.
#[macro_export]
macro_rules! pin_your_turn {
    ($chapter:expr) => {{
        let ch: &dyn $crate::chapter::AnyChapter = &$chapter;
        let turn = ch.your_turn().expect("the chapter has exercises");
        let mut settings = ::insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| {
            ::insta::assert_snapshot!(format!("{}__{}", ch.name(), turn.name), turn.body);
        });
    }};
}
