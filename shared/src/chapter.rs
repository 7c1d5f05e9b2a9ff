//! The shape every chapter crate shares, so that its binary, the book build and
//! the tests all call the same code.
//!
//! A chapter's text is a list of [`Section`]s. Its binary prints them all, each
//! under a `== title ==` line; the snapshot tests pin each section's body on its
//! own; the chapter's page includes each pinned body next to the prose and
//! code it belongs to. So the page, the terminal and the snapshot cannot drift.

use std::io::Write;

use candle_core::Result;

use crate::plot::Plot;

/// One part of a chapter's printed output.
pub struct Section<O> {
    /// Short identifier, used in the snapshot's file name: `CHAPTER__NAME.snap`.
    pub name: &'static str,
    /// The heading printed above the section in the terminal.
    pub title: &'static str,
    /// Writes the section's body.
    pub body: fn(&O, &mut dyn Write) -> Result<()>,
}

/// Prints every section under its heading, separated by blank lines: what
/// `cargo run -p CHAPTER` shows.
pub fn write_sections<O>(sections: &[Section<O>], opts: &O, out: &mut dyn Write) -> Result<()> {
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "== {} ==", s.title)?;
        (s.body)(opts, out)?;
    }
    Ok(())
}

/// One section's body as a string.
pub fn section_text<O>(s: &Section<O>, opts: &O) -> Result<String> {
    let mut buf = Vec::new();
    (s.body)(opts, &mut buf)?;
    String::from_utf8(buf).map_err(|e| candle_core::Error::Msg(e.to_string()))
}

/// What the book build and the tests need from a chapter, at its default flags.
pub trait Chapter: Sync {
    /// The crate's name, which is also its page's file stem: `ch01-activation-shapes`.
    fn name(&self) -> &'static str;
    /// Each section's name and body text.
    fn sections(&self) -> Result<Vec<(&'static str, String)>>;
    /// The whole text, as the binary prints it.
    fn text(&self) -> Result<String>;
    /// The chapter's plots.
    fn plots(&self) -> Result<Vec<Plot>>;
    /// Whether the chapter's command line accepts `args` (flags only, without
    /// the program name); `--help` counts as accepted. The tidy test runs
    /// every flag a page suggests through this.
    fn parse_flags(&self, args: &[&str]) -> std::result::Result<(), clap::Error>;
}

/// Implements [`Chapter`] for a unit struct, given the chapter's name, its
/// options type (built with `Default`), its sections and its plot function.
#[macro_export]
macro_rules! impl_chapter {
    ($ty:ident, $name:expr, $opts:ty, $sections:expr, $plots:expr) => {
        impl $crate::chapter::Chapter for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn sections(
                &self,
            ) -> $crate::candle_core::Result<::std::vec::Vec<(&'static str, ::std::string::String)>>
            {
                let opts = <$opts>::default();
                $sections
                    .iter()
                    .map(|s| Ok((s.name, $crate::chapter::section_text(s, &opts)?)))
                    .collect()
            }
            fn text(&self) -> $crate::candle_core::Result<::std::string::String> {
                let mut buf = ::std::vec::Vec::new();
                $crate::chapter::write_sections($sections, &<$opts>::default(), &mut buf)?;
                ::std::string::String::from_utf8(buf)
                    .map_err(|e| $crate::candle_core::Error::Msg(e.to_string()))
            }
            fn plots(&self) -> $crate::candle_core::Result<::std::vec::Vec<$crate::plot::Plot>> {
                ($plots)(&<$opts>::default())
            }
            fn parse_flags(&self, args: &[&str]) -> ::std::result::Result<(), $crate::clap::Error> {
                use $crate::clap::Parser as _;
                use $crate::clap::error::ErrorKind;
                match <$opts>::try_parse_from(::std::iter::once($name).chain(args.iter().copied()))
                {
                    Ok(_) => Ok(()),
                    Err(e)
                        if matches!(
                            e.kind(),
                            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
                        ) =>
                    {
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
        }
    };
}

/// Pins every section of a chapter with insta, as
/// `tests/snapshots/CHAPTER__SECTION.snap` beside the calling test file. Call it
/// from the chapter crate's `tests/snapshots.rs`; the crate needs `insta` as a
/// dev-dependency. The chapter's page includes those files, so accepting a
/// snapshot changes the page: read it first.
#[macro_export]
macro_rules! pin_sections {
    ($chapter:expr) => {{
        let ch: &dyn $crate::chapter::Chapter = &$chapter;
        let mut settings = ::insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| {
            for (section, text) in ch.sections().expect("the chapter runs") {
                ::insta::assert_snapshot!(format!("{}__{section}", ch.name()), text);
            }
        });
    }};
}
