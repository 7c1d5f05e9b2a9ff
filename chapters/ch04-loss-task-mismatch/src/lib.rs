//! Placeholder: this chapter is being written.

use std::io::Write;

use candle_core::Result;
use clap::Parser;
use shared::chapter::Section;
use shared::cli::CommonArgs;
use shared::plot::Plot;

/// Placeholder.
#[derive(Parser, Debug, Clone)]
#[command(name = "ch04-loss-task-mismatch", version)]
pub struct Options {
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Default for Options {
    fn default() -> Self {
        Self::parse_from(["ch04-loss-task-mismatch"])
    }
}

pub const SECTIONS: &[Section<Options>] = &[Section {
    name: "todo",
    title: "Being written",
    body: todo,
}];

pub struct Chapter;
shared::impl_chapter!(Chapter, "ch04-loss-task-mismatch", Options, SECTIONS, plots);

fn todo(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "being written")?;
    Ok(())
}

pub fn plots(_opts: &Options) -> Result<Vec<Plot>> {
    Ok(vec![])
}
