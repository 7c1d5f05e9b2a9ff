//! `cargo exercise --watch [ID]`: check again each time an exercises file is
//! saved, until Ctrl-C.
//!
//! The check runs the participant's code compiled into the `exercise`
//! binary, so a save means a rebuild: each check is a child process,
//! `cargo run --quiet --bin exercise -- [ID]`, which compiles the changed
//! chapter and the checker (about 1.5 s) and prints the verdict, compiler
//! errors included. This process only waits for saves (the `notify` crate:
//! inotify, FSEvents, ReadDirectoryChangesW) and never loads the new code.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

/// An editor's save is a burst of events (write, rename, metadata): the
/// check waits until the file has been quiet this long.
const SETTLE: Duration = Duration::from_millis(250);

/// Waits for saves of any of `files` and calls `on_save` with the file
/// saved, once per burst, until it returns `false`. It watches each file's
/// folder, not the file: many editors save by writing a new file and
/// renaming it over the old one, which a watch on the old file would miss.
pub fn watch(files: &[PathBuf], on_save: impl FnMut(&Path) -> bool) -> Result<(), String> {
    watch_until(files, on_save, None)
}

/// [`watch`], giving up at `deadline` if one is set (for the tests).
fn watch_until(
    files: &[PathBuf],
    mut on_save: impl FnMut(&Path) -> bool,
    deadline: Option<Instant>,
) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    folders.dedup();
    for folder in folders {
        watcher
            .watch(folder, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    }
    let saved = |event: notify::Result<notify::Event>| -> Option<PathBuf> {
        let event = event.ok()?;
        if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_)) {
            return None;
        }
        event.paths.into_iter().find(|p| files.contains(p))
    };
    loop {
        let event = match deadline {
            None => rx
                .recv()
                .map_err(|_| "the file watcher stopped".to_string())?,
            Some(d) => rx
                .recv_timeout(d.saturating_duration_since(Instant::now()))
                .map_err(|_| "no save was seen in time".to_string())?,
        };
        let Some(path) = saved(event) else { continue };
        while rx.recv_timeout(SETTLE).is_ok() {}
        if !on_save(&path) {
            return Ok(());
        }
    }
}

/// One check, as a child process in the book at `root`: cargo rebuilds
/// what changed and runs `exercise [ID]`. Its output goes straight to the
/// terminal.
pub fn check(root: &Path, id: Option<&str>) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .args(["run", "--quiet", "--bin", "exercise", "--"])
        .args(id)
        .current_dir(root);
    command
        .status()
        .map(|_| ())
        .map_err(|e| format!("cannot run {}: {e}", Path::new(&cargo).display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A save in a watched folder is reported once, with the file's path;
    /// another file in the same folder is not.
    #[test]
    fn a_save_is_seen_and_another_file_is_not() {
        let dir = std::env::temp_dir().join(format!("act-loss-watch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("exercises.rs");
        let other = dir.join("lib.rs");
        std::fs::write(&file, "// before\n").unwrap();
        let writer = {
            let (file, other) = (file.clone(), other.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                std::fs::write(&other, "// not watched\n").unwrap();
                std::thread::sleep(Duration::from_millis(400));
                std::fs::write(&file, "// after\n").unwrap();
            })
        };
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        watch_until(
            std::slice::from_ref(&file),
            |p| {
                seen.push(p.to_path_buf());
                false
            },
            Some(deadline),
        )
        .unwrap();
        writer.join().unwrap();
        assert_eq!(seen, std::slice::from_ref(&file));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "// after\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
