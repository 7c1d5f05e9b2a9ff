//! `cargo exercise --watch [ID]`: check again each time an exercises file is
//! saved, until Ctrl-C.
//!
//! The check runs the participant's code, so a save means a rebuild. Each
//! check is a child process, `cargo run --quiet -p CHAPTER -- --exercise
//! ID|all`: cargo compiles the changed chapter (about 1.5 s) and the
//! chapter's own binary prints the verdict, compiler errors included. The
//! program rebuilt is never this one: on Windows a running `.exe` cannot be
//! replaced, so a watcher that rebuilt its own binary would fail every
//! check with "Access is denied" (cargo#14757). This process only waits for
//! saves (the `notify` crate: inotify, FSEvents, ReadDirectoryChangesW),
//! compares canonical paths (macOS reports `/private/var/…` for `/var/…`),
//! and never loads the new code.

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
    let files: Vec<PathBuf> = files.iter().map(|f| canonical(f)).collect();
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
        event.paths.iter().find_map(|p| watched(&files, p))
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

/// The watched file that an event's `path` names, if any: `files` are
/// canonical, and so is the answer.
fn watched(files: &[PathBuf], path: &Path) -> Option<PathBuf> {
    let path = canonical(path);
    files.contains(&path).then_some(path)
}

/// Whether `a` and `b` name the same file, through any symbolic link.
pub fn same_file(a: &Path, b: &Path) -> bool {
    canonical(a) == canonical(b)
}

/// `path` with every symbolic link resolved; for a file that is gone (an
/// editor's rename in progress), its folder's canonical path and its name.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        match (path.parent().map(Path::canonicalize), path.file_name()) {
            (Some(Ok(dir)), Some(name)) => dir.join(name),
            _ => path.to_path_buf(),
        }
    })
}

/// The command that checks `id` (or every exercise of `chapter`) in the
/// book at `root`: the chapter's own binary, built by cargo if the file
/// changed, never the `exercise` binary that is watching.
pub fn check_command(root: &Path, chapter: &str, id: Option<&str>) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["run", "--quiet", "-p", chapter, "--", "--exercise"])
        .arg(id.unwrap_or("all"))
        .current_dir(root);
    command
}

/// One check, as a child process: its output goes straight to the
/// terminal. `Ok(true)` when every exercise checked is solved.
pub fn check(root: &Path, chapter: &str, id: Option<&str>) -> Result<bool, String> {
    let mut command = check_command(root, chapter, id);
    command
        .status()
        .map(|status| status.success())
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check a save starts builds and runs the chapter's binary, never
    /// the `exercise` binary that is watching (Windows cannot replace a
    /// running `.exe`).
    #[test]
    fn a_check_never_rebuilds_the_watcher() {
        let command = check_command(Path::new("."), "ch05-naive-bce-nan", Some("stable-bce"));
        let args: Vec<_> = command.get_args().map(|a| a.to_string_lossy()).collect();
        assert_eq!(
            args,
            [
                "run",
                "--quiet",
                "-p",
                "ch05-naive-bce-nan",
                "--",
                "--exercise",
                "stable-bce"
            ]
        );
        let all = check_command(Path::new("."), "ch05-naive-bce-nan", None);
        assert_eq!(all.get_args().last().unwrap(), "all");
    }

    /// A save through a symbolic link to the folder is the watched file
    /// (macOS reports `/private/var/…` for a file opened as `/var/…`).
    #[cfg(unix)]
    #[test]
    fn a_save_through_a_symlink_is_seen() {
        let dir = std::env::temp_dir().join(format!("act-loss-watch-link-{}", std::process::id()));
        let real = dir.join("real");
        std::fs::create_dir_all(&real).unwrap();
        let link = dir.join("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let file = real.join("exercises.rs");
        std::fs::write(&file, "// before\n").unwrap();
        assert!(same_file(&link.join("exercises.rs"), &file));
        // Listed through the link, reported by its real path, as FSEvents
        // does; and the other way round.
        let listed = [canonical(&link.join("exercises.rs"))];
        assert_eq!(watched(&listed, &file), Some(canonical(&file)));
        let listed = [canonical(&file)];
        assert_eq!(
            watched(&listed, &link.join("exercises.rs")),
            Some(canonical(&file))
        );
        assert_eq!(watched(&listed, &real.join("lib.rs")), None);
        let writer = {
            let file = file.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                std::fs::write(&file, "// after\n").unwrap();
            })
        };
        let mut seen = Vec::new();
        // Watched by its path through the link; the event names the real one.
        watch_until(
            &[link.join("exercises.rs")],
            |p| {
                seen.push(p.to_path_buf());
                false
            },
            Some(Instant::now() + Duration::from_secs(20)),
        )
        .unwrap();
        writer.join().unwrap();
        assert_eq!(seen, [file.canonicalize().unwrap()]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
        assert_eq!(seen, [canonical(&file)]);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "// after\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
