//! A drawn plot as the chapters return it, and the error a chart can give.

use std::fmt;

use plotters::prelude::DrawingAreaErrorKind;

use super::LineChart;

/// A chart that could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotError(pub String);

impl PlotError {
    pub(super) fn from_plotters<E: std::error::Error + Send + Sync>(
        e: DrawingAreaErrorKind<E>,
    ) -> Self {
        PlotError(e.to_string())
    }
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot draw chart: {}", self.0)
    }
}

impl std::error::Error for PlotError {}

/// A named SVG, as chapters return their plots: `name` is the file stem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plot {
    pub name: String,
    pub svg: String,
    /// What the plot shows, in words ([`LineChart::describe`]).
    pub alt: String,
}

impl Plot {
    pub fn new(name: impl Into<String>, chart: &LineChart) -> Result<Self, PlotError> {
        Ok(Self {
            name: name.into(),
            svg: chart.to_svg()?,
            alt: chart.describe(),
        })
    }
    /// The file name the plot is written under, `name.svg`.
    pub fn file_name(&self) -> String {
        format!("{}.svg", self.name)
    }
    /// The file its alternative text is written under, `name.alt.txt`.
    pub fn alt_file_name(&self) -> String {
        format!("{}.alt.txt", self.name)
    }
    /// The alternative text as the book's pages include it inside
    /// `![…](…)`: Markdown, with every character that Markdown (or mdBook's
    /// `{{#…}}`) could read as syntax escaped by a backslash, and no final
    /// newline, so the image stays on one line. Rendered, it is [`Self::alt`].
    pub fn alt_markdown(&self) -> String {
        let mut out = String::with_capacity(self.alt.len() + 8);
        for c in self.alt.chars() {
            if matches!(
                c,
                '\\' | '`'
                    | '*'
                    | '_'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '{'
                    | '}'
                    | '!'
                    | '&'
                    | '|'
                    | '~'
                    | '#'
            ) {
                out.push('\\');
            }
            out.push(if c == '\n' { ' ' } else { c });
        }
        out
    }
    /// How a page shows the plot of chapter `chapter`: the image, its
    /// alternative text included from the file the book writes.
    pub fn markdown(&self, chapter: &str) -> String {
        format!(
            "![{{{{#include plots/{chapter}/{}}}}}](plots/{chapter}/{})",
            self.alt_file_name(),
            self.file_name()
        )
    }
}
