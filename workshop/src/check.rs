//! Each check is the chapter's own binary, run by cargo:
//! `cargo run --quiet -p CHAPTER -- --exercise ID`. Cargo compiles only the
//! chapter whose file changed, and a chapter that does not compile stops only
//! its own exercises; this program never links a chapter, so it builds and
//! runs whatever state a participant's files are in.

use std::path::Path;
use std::process::Command;

use crate::catalog::{self, Entry};
use crate::progress::State;

/// `cargo` as the alias started it (`CARGO`), or from the `PATH`.
fn cargo(root: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root);
    command
}

/// `cargo run --quiet -p CHAPTER -- ARGS…` in the book at `root`.
pub fn chapter_command(root: &Path, chapter: &str, args: &[&str]) -> Command {
    let mut command = cargo(root);
    command
        .args(["run", "--quiet", "-p", chapter, "--"])
        .args(args);
    command
}

/// The first compiler error in cargo's output, in one line with its place
/// (`error[E0599]: no method named `log` found … at chapters/…/exercises.rs:88:26`).
pub fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let Some(at) = lines.iter().position(|l| l.starts_with("error")) else {
        return "cargo could not build it".to_string();
    };
    let place = lines[at + 1..]
        .iter()
        .take(3)
        .find_map(|l| l.trim_start().strip_prefix("--> "));
    match place {
        Some(place) => format!("{} at {place}", lines[at]),
        None => lines[at].to_string(),
    }
}

/// The state of each exercise of `chapter`, from its binary's
/// `--exercise-status` (one `ID STATE` line each). A chapter that does not
/// compile gives each of its exercises [`State::Broken`] with the first
/// error; `Err` only when cargo or the binary cannot run at all.
pub fn states(root: &Path, chapter: &str) -> Result<Vec<State>, String> {
    let mut command = chapter_command(root, chapter, &["--exercise-status"]);
    let out = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let entries: Vec<&Entry> = catalog::of(chapter).collect();
    if !out.status.success() {
        if stderr.contains("could not compile") {
            let error = first_error(&stderr);
            return Ok(vec![State::Broken(error); entries.len()]);
        }
        return Err(format!(
            "{chapter}'s check did not run: {}",
            stderr.lines().next().unwrap_or("no message")
        ));
    }
    entries
        .iter()
        .map(|e| {
            let line = stdout
                .lines()
                .find(|l| l.split_whitespace().next() == Some(e.id))
                .ok_or_else(|| format!("{chapter} did not report on {}", e.id))?;
            match line.split_whitespace().nth(1) {
                Some("done") => Ok(State::Done),
                Some("todo") => Ok(State::Todo),
                Some("wrong") => Ok(State::Wrong),
                other => Err(format!("{chapter} reported {other:?} for {}", e.id)),
            }
        })
        .collect()
}

/// How one check ended.
pub enum Checked {
    Solved,
    NotYet,
    /// The chapter does not compile; cargo has shown the error.
    Broken,
}

/// Checks `e`: builds its chapter (compiler messages go to the terminal),
/// then runs its binary's `--exercise ID`, which prints the verdict.
pub fn one(root: &Path, e: &Entry) -> Result<Checked, String> {
    let build = cargo(root)
        .args(["build", "--quiet", "-p", e.chapter])
        .status()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !build.success() {
        return Ok(Checked::Broken);
    }
    let status = chapter_command(root, e.chapter, &["--exercise", e.id])
        .status()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    match status.code() {
        Some(0) => Ok(Checked::Solved),
        Some(1) => Ok(Checked::NotYet),
        _ => Err(format!("{}'s check ended with {status}", e.chapter)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_error_is_one_line_with_its_place() {
        let stderr = "warning: unused import: `Tensor`\n --> chapters/x/src/a.rs:1:5\n\
                      error[E0599]: no method named `log` found for enum `Result` in the current scope\n  \
                      --> chapters/ch05-naive-bce-nan/src/exercises.rs:88:26\n   |\n\
                      error: could not compile `ch05-naive-bce-nan` (lib) due to 1 previous error\n";
        assert_eq!(
            first_error(stderr),
            "error[E0599]: no method named `log` found for enum `Result` in the current scope \
             at chapters/ch05-naive-bce-nan/src/exercises.rs:88:26"
        );
        assert_eq!(first_error("nothing\n"), "cargo could not build it");
    }
}
