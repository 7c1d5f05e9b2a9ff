//! `cargo exercise` as a participant types it, on a scratch copy of the
//! book's exercise files: bad ids and flags get one line and exit code 2,
//! and nothing is compiled to refuse them.

use act_loss_exercise::{catalog, learner};

/// A scratch copy of the book's exercise files (every one a stub).
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("act-loss-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for chapter in catalog::chapters() {
        let file = dir.join(catalog::file_of(chapter));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let stub = learner::stubs_of(chapter).expect("a stub is kept for every chapter");
        std::fs::write(&file, stub).unwrap();
    }
    std::fs::write(dir.join("book.toml"), "").unwrap();
    dir
}

fn run_exercise(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_exercise"))
        .args(args)
        .env_remove("CARGO_MANIFEST_DIR")
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn bad_ids_and_flags_get_one_line_and_exit_code_2() {
    let dir = scratch("cli");
    let file = dir.join(catalog::file_of("ch08-common-errors"));
    let changed = format!("// a note\n{}", std::fs::read_to_string(&file).unwrap());
    std::fs::write(&file, &changed).unwrap();
    for args in [
        &["no-such-exercise"][..],
        &["--reset"],
        &["--reset", "no-such-exercise"],
        &["--reset", "all", "stable-bce"],
        &["--reset", "stable-bce", "--watch"],
        &["--watch", "no-such-exercise"],
        &["--frobnicate"],
        &["--reset", "clip-grad-norm"],
        &["--offline", "stable-bce"],
        &["stabel-bce"],
        &["--agenda", "91"],
        &["--agenda", "90", "stable-bce"],
    ] {
        let out = run_exercise(&dir, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let offline = run_exercise(&dir, &["stable-bce", "--offline"]);
    let err = String::from_utf8_lossy(&offline.stderr);
    assert!(err.contains("`cargo --offline exercise …`"), "{err}");
    let typo = run_exercise(&dir, &["stabel-bce"]);
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(err.contains("did you mean 'stable-bce'?"), "{err}");
    // The refused reset left the file as it was.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), changed);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--reset` reads and writes text only: in a folder where no chapter can
/// compile (here there is no crate at all), it puts a half-written function
/// back as the stub.
#[test]
fn reset_needs_no_chapter_to_compile() {
    let dir = scratch("broken");
    let file = dir.join(catalog::file_of("ch05-naive-bce-nan"));
    let stub = std::fs::read_to_string(&file).unwrap();
    let span = learner::function_span(&stub, "stable_bce").unwrap();
    let open = span.start + stub[span.clone()].find("{\n").unwrap() + 2;
    let broken = format!(
        "{}    let t = (-z.abs()?)?.exp();\n    (t + 1.0).log()?\n}}\n{}",
        &stub[..open],
        &stub[span.end..]
    );
    std::fs::write(&file, &broken).unwrap();
    let out = run_exercise(&dir, &["--reset", "stable-bce"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("the stub is back"), "{said}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stub);
    std::fs::remove_dir_all(&dir).unwrap();
}
