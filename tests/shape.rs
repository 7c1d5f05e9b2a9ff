//! The shape of the code, checked as a plain test: every chapter crate is laid
//! out the same way, ARCHITECTURE.md's code map names every chapter file, and
//! no source file grows past what a reader takes in at once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use act_loss_book::book::BookDir;
use act_loss_book::chapters;

fn root() -> PathBuf {
    BookDir::find()
        .expect("the tests run inside the book's repository")
        .root()
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `.rs` files directly in `dir`, by file name.
fn rust_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs"))
        .collect()
}

#[test]
fn every_chapter_crate_has_the_same_shape() {
    for ch in chapters::all() {
        let dir = root().join("chapters").join(ch.name());
        let src = rust_files(&dir.join("src"));
        // Deleting a stub's `let _ = …` must not bring warnings about the
        // file's imports above the verdict.
        if src.contains("exercises.rs") {
            let lib = read(&dir.join("src/lib.rs"));
            let before = lib.split("\npub mod exercises;").next().unwrap_or("");
            assert!(
                before
                    .lines()
                    .last()
                    .is_some_and(|l| l.starts_with("#[allow(unused_imports)]")),
                "{}: src/lib.rs must declare `#[allow(unused_imports)] pub mod exercises;`",
                ch.name()
            );
        }
        for file in ["lib.rs", "main.rs", "plots.rs"] {
            assert!(src.contains(file), "{}: no src/{file}", ch.name());
        }
        assert!(
            src.len() > 3,
            "{}: the experiments belong in a module of their own, beside lib.rs",
            ch.name()
        );
        let tests = rust_files(&dir.join("tests"));
        for file in ["main.rs", "snapshots.rs", "claims.rs"] {
            assert!(tests.contains(file), "{}: no tests/{file}", ch.name());
        }
        // One test binary per chapter: fewer links in a cold build.
        let harness = read(&dir.join("tests/main.rs"));
        let manifest = read(&dir.join("Cargo.toml"));
        assert!(
            harness.contains("mod claims;")
                && harness.contains("mod snapshots;")
                && manifest.contains("autotests = false"),
            "{}: tests/main.rs must hold claims and snapshots as modules of one test binary",
            ch.name()
        );

        let crate_name = ch.name().replace('-', "_");
        let main = read(&dir.join("src/main.rs"));
        assert!(
            main.contains(&format!("{crate_name}::CHAPTER.main()")) && main.lines().count() <= 3,
            "{}: src/main.rs should be `fn main() -> ExitCode {{ {crate_name}::CHAPTER.main() }}`",
            ch.name()
        );
        let lib = read(&dir.join("src/lib.rs"));
        assert!(
            lib.contains("pub static CHAPTER: Chapter<Options, Report>")
                && lib.contains("name: env!(\"CARGO_PKG_NAME\")"),
            "{}: src/lib.rs must define `pub static CHAPTER: Chapter<Options, Report>` named from Cargo",
            ch.name()
        );
        let pins = read(&dir.join("tests/snapshots.rs"));
        assert!(
            pins.contains(&format!("book_kit::pin_sections!({crate_name}::CHAPTER)")),
            "{}: tests/snapshots.rs must pin the chapter's sections",
            ch.name()
        );

        for file in &src {
            let text = read(&dir.join("src").join(file));
            // Compute once in `run` and pass the report: no memoising globals.
            for global in [
                "Mutex",
                "OnceLock",
                "LazyLock",
                "thread_local!",
                "static mut",
            ] {
                assert!(
                    !text.contains(global),
                    "{}: src/{file} uses {global}; pass data through the report instead",
                    ch.name()
                );
            }
            // Modules that compute never print.
            if file != "lib.rs" {
                for print in ["writeln!", "write!(out", "println!", "print!("] {
                    assert!(
                        !text.contains(print),
                        "{}: src/{file} prints ({print}); printing belongs in lib.rs",
                        ch.name()
                    );
                }
            }
        }
    }
}

#[test]
fn the_browser_runner_runs_every_chapter_and_no_solution() {
    let main = read(&root().join("runner/src/main.rs"));
    let manifest = read(&root().join("runner/Cargo.toml"));
    assert!(
        main.contains("include!(\"../../src/chapter_list.rs\");")
            && main.contains("book_chapters!(chapters)"),
        "runner/src/main.rs: CHAPTERS must come from src/chapter_list.rs"
    );
    for ch in chapters::all() {
        let name = ch.name();
        let wanted = format!("{name} = {{ path = \"../chapters/{name}\" }}");
        assert!(
            manifest.contains(&wanted),
            "runner/Cargo.toml does not depend on {name}: add `{wanted}`"
        );
    }
    // The reference solutions never go into the module a reader downloads.
    assert!(
        !manifest
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("solutions")),
        "runner/Cargo.toml must not turn on a chapter's `solutions` feature"
    );
}

/// One list of chapters (`src/chapter_list.rs`): the registry, the
/// checker's solutions, stubs and chapter names, and the browser runner are
/// made from it; every other
/// place that must name each chapter is checked here, and a failure says
/// which file to change and how.
#[test]
fn every_place_that_names_the_chapters_agrees_with_the_one_list() {
    let list = read(&root().join("src/chapter_list.rs"));
    for (file, list_path, includer) in [
        (
            "src/chapters.rs",
            "chapter_list.rs",
            "book_chapters!(registry)",
        ),
        (
            "workshop/src/learner.rs",
            "../../src/chapter_list.rs",
            "book_chapters!(sources)",
        ),
        (
            "workshop/src/catalog.rs",
            "../../src/chapter_list.rs",
            "book_chapters!(names)",
        ),
        (
            "runner/src/main.rs",
            "../../src/chapter_list.rs",
            "book_chapters!(chapters)",
        ),
    ] {
        let text = read(&root().join(file));
        assert!(
            text.contains(&format!("include!(\"{list_path}\");")) && text.contains(includer),
            "{file} must take its chapters from src/chapter_list.rs"
        );
    }
    let manifest = read(&root().join("Cargo.toml"));
    for ch in chapters::all() {
        let name = ch.name();
        let line = list
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{name}\" =>")))
            .unwrap_or_else(|| panic!("src/chapter_list.rs has no line for {name}"));
        let marked = line.contains(", exercises;");
        assert_eq!(
            marked,
            !ch.exercises().is_empty(),
            "src/chapter_list.rs: {name}'s line ends `, exercises;` exactly when it has exercises"
        );
        for (wanted, what) in [
            (
                format!("{name} = {{ path = \"chapters/{name}\" }}"),
                "[dependencies]",
            ),
            (
                format!("[profile.dev.package.{name}]"),
                "the chapters' profile, opt-level = 0",
            ),
        ] {
            assert!(
                manifest.contains(&wanted),
                "Cargo.toml ({what}): add `{wanted}` for {name}"
            );
        }
        let feature = format!("\"{name}/solutions\",");
        assert_eq!(
            manifest.contains(&feature),
            marked,
            "Cargo.toml: the `solutions` feature lists `{feature}` exactly when {name} has exercises"
        );
        let stub = root().join("workshop/stubs").join(format!("{name}.rs"));
        assert_eq!(
            stub.exists(),
            marked,
            "workshop/stubs/{name}.rs: a copy of chapters/{name}/src/exercises.rs exactly when it has exercises"
        );
    }
}

/// Every file of code the book runs, its own and the pages' scripts, stays
/// under 400 lines: every Rust file under a crate's `src/` (the root
/// package, the runner, `shared` and its crates, every chapter) and every
/// script in `book/theme/`. Test code is exempt (`tests/` and the browser
/// check's drivers list cases), and so are files made by a tool.
/// Every `.rs` and `.js` file under `dir`, test folders, `target` and
/// `node_modules` left out.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if entry.is_dir() && name != "tests" && name != "target" && name != "node_modules" {
            walk(&entry, files);
        } else if name.ends_with(".rs") || name.ends_with(".js") {
            files.push(entry);
        }
    }
}

#[test]
fn no_source_file_is_over_400_lines() {
    let mut files = Vec::new();
    walk(&root().join("src"), &mut files);
    walk(&root().join("runner").join("src"), &mut files);
    walk(&root().join("shared"), &mut files);
    walk(&root().join("book").join("theme"), &mut files);
    for ch in chapters::all() {
        walk(
            &root().join("chapters").join(ch.name()).join("src"),
            &mut files,
        );
    }
    for path in &files {
        let lines = read(path).lines().count();
        assert!(
            lines <= 400,
            "{} has {lines} lines: split it by what it does",
            path.display()
        );
    }
    assert!(files.len() > 60, "only {} files checked", files.len());
}

#[test]
fn the_code_map_names_every_chapter_file_and_only_files_that_exist() {
    let arch = read(&root().join("ARCHITECTURE.md"));
    for ch in chapters::all() {
        let dir = root().join("chapters").join(ch.name());
        let heading = format!("`chapters/{}/`", ch.name());
        let Some(at) = arch.find(&heading) else {
            panic!(
                "ARCHITECTURE.md's code map has no entry {heading}; add one that names its files"
            );
        };
        // The chapter's entry runs to the next blank line.
        let entry = arch[at..].split("\n\n").next().unwrap();
        let files = rust_files(&dir.join("src"));
        for file in &files {
            assert!(
                entry.contains(&format!("`{file}`")),
                "ARCHITECTURE.md: the entry for {} does not name src/{file}",
                ch.name()
            );
        }
        for named in entry.split('`').skip(1).step_by(2) {
            if named.ends_with(".rs") && !named.contains('/') {
                assert!(
                    files.contains(named),
                    "ARCHITECTURE.md names {named} for {}, which has no such file",
                    ch.name()
                );
            }
        }
    }
}

/// Every registry dependency with the features one cargo command resolves for
/// it, as `name vX.Y.Z [f1,f2]` lines (workspace members left out).
fn resolved_features(args: &[&str]) -> BTreeSet<String> {
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["tree", "--offline", "--locked", "--prefix", "none"])
        .args(["--format", "{p} [{f}]"])
        .args(args)
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.contains(" (/") && !l.trim().is_empty())
        .map(|l| l.trim_end_matches(" (*)").replace(" (proc-macro)", ""))
        .collect()
}

/// One build serves every command: `cargo run -p CHAPTER`, `cargo test -p
/// CHAPTER`, `cargo run --bin book`/`lab`, `cargo exercise` and `cargo test
/// --workspace` with or without `--features solutions` resolve every
/// dependency with the same features, so none is compiled twice. (The
/// `solutions` feature changes only the book's own crates.) When a
/// new dependency breaks this, the message names the line to add to
/// workspace-hack/Cargo.toml.
#[test]
fn every_command_resolves_dependencies_with_the_same_features() {
    // The README's test command.
    let everything = resolved_features(&[
        "--workspace",
        "--features",
        "solutions",
        "--edges",
        "normal,build,dev",
    ]);
    let mut commands: Vec<(String, Vec<String>)> = vec![
        (
            "cargo run --bin book".into(),
            vec![
                "-p".into(),
                "act-loss-book".into(),
                "--edges".into(),
                "normal,build".into(),
            ],
        ),
        (
            "cargo exercise".into(),
            vec![
                "-p".into(),
                "act-loss-exercise".into(),
                "--edges".into(),
                "normal,build".into(),
            ],
        ),
    ];
    commands.push((
        "cargo test --workspace".into(),
        vec![
            "--workspace".into(),
            "--edges".into(),
            "normal,build,dev".into(),
        ],
    ));
    for ch in chapters::all() {
        let p = ch.name().to_string();
        commands.push((
            format!("cargo run -p {p}"),
            vec![
                "-p".into(),
                p.clone(),
                "--edges".into(),
                "normal,build".into(),
            ],
        ));
        commands.push((
            format!("cargo test -p {p}"),
            vec!["-p".into(), p, "--edges".into(), "normal,build,dev".into()],
        ));
    }
    let mut differ = Vec::new();
    for (command, args) in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for dep in resolved_features(&args).difference(&everything) {
            differ.push(format!("{command}: {dep}"));
        }
    }
    assert!(
        differ.is_empty(),
        "these dependencies get other features than under the README's test command, so they \
         would be compiled again; add them to workspace-hack/Cargo.toml with the workspace's \
         features (`cargo tree --workspace -e features -i NAME` says who enables what):\n{}",
        differ.join("\n")
    );
}

/// The workspace's `rust-version` is the real minimum: the highest
/// `rust-version` any locked package declares (cargo refuses to build a
/// package for an older toolchain), so a lock update cannot make the README's
/// "Rust 1.NN or newer" false without this failing.
#[test]
fn the_workspace_rust_version_is_the_highest_any_locked_package_needs() {
    // Every platform's packages count (a Windows-only one too), so their
    // manifests must be at hand: a build downloads only the host's. Offline
    // first (a vendored room has them all), else from the registry.
    let metadata = |offline: bool| {
        std::process::Command::new(env!("CARGO"))
            .current_dir(root())
            .args(["metadata", "--format-version", "1", "--locked"])
            .args(offline.then_some("--offline"))
            .output()
            .expect("cargo metadata runs")
    };
    let out = match metadata(true) {
        out if out.status.success() => out,
        _ => metadata(false),
    };
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = |v: &str| -> Vec<u32> { v.split('.').map(|n| n.parse().unwrap_or(0)).collect() };
    let (needed, by) = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| Some((p["rust_version"].as_str()?, p["name"].as_str()?)))
        .max_by_key(|(v, _)| version(v))
        .expect("some package declares a rust-version");
    let manifest = read(&root().join("Cargo.toml"));
    let declared = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("the workspace declares rust-version");
    assert_eq!(
        version(declared),
        version(needed),
        "Cargo.toml says rust-version = \"{declared}\", but {by} needs Rust {needed}: \
         update it, and the README, book/src/running.md and book/src/workshop.md"
    );
    for page in ["README.md", "book/src/running.md", "book/src/workshop.md"] {
        let text = read(&root().join(page));
        assert!(
            text.contains(&format!("{declared} or newer")),
            "{page} does not say \"{declared} or newer\""
        );
    }
}

/// No two modules of a crate import each other (issue 22: `chapter.rs` and
/// `exercise.rs` once did): in every crate's `src/`, a module that names
/// `crate::b` is never named back by `b`. Test code is left out.
#[test]
fn no_two_modules_import_each_other() {
    let mut dirs = vec![
        root().join("src"),
        root().join("shared/src"),
        root().join("shared/book-kit/src"),
        root().join("shared/nn-functional/src"),
        root().join("workshop/src"),
    ];
    dirs.extend(
        chapters::all()
            .iter()
            .map(|c| root().join("chapters").join(c.name()).join("src")),
    );
    let mut both = Vec::new();
    for dir in dirs {
        // Each module (a file, or a folder's files) and the modules it names.
        let mut names: Vec<(String, BTreeSet<String>)> = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if path.file_name().is_some_and(|n| n != "tests") {
                        stack.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let rel = path.strip_prefix(&dir).unwrap();
                let module = rel
                    .iter()
                    .next()
                    .unwrap()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string();
                let text = read(&path);
                let code = text.split("#[cfg(test)]").next().unwrap();
                let named: BTreeSet<String> = code
                    .split("crate::")
                    .skip(1)
                    .map(|rest| {
                        rest.chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect::<String>()
                    })
                    .filter(|m| !m.is_empty() && *m != module)
                    .collect();
                match names.iter_mut().find(|(m, _)| *m == module) {
                    Some((_, set)) => set.extend(named),
                    None => names.push((module, named)),
                }
            }
        }
        for (a, uses) in &names {
            for b in uses.iter().filter(|b| a < *b) {
                let back = names.iter().find(|(m, _)| m == b);
                if back.is_some_and(|(_, theirs)| theirs.contains(a)) {
                    both.push(format!("{}: {a} and {b}", dir.display()));
                }
            }
        }
    }
    assert!(
        both.is_empty(),
        "these modules import each other; move what one needs of the other:\n{}",
        both.join("\n")
    );
}

/// The `[dependencies]` (and target-specific dependencies) of a manifest, by
/// name.
fn normal_dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = read(manifest);
    let mut names = BTreeSet::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]" || line.ends_with(".dependencies]");
            inside &= !line.contains("dev-dependencies") && !line.contains("build-dependencies");
        } else if inside && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.', ' ']).next().unwrap_or("");
            names.insert(name.to_string());
        }
    }
    names
}

/// The three crates of `shared/` keep to their sides (issue 22 §5): the
/// library a reader takes away (`nn-functional`) depends on Candle alone, the
/// book's machinery (`book-kit`) on neither the library nor the teaching code,
/// and no source file of either names a crate it must not depend on.
#[test]
fn the_library_and_the_machinery_stay_apart() {
    let library = normal_dependencies(&root().join("shared/nn-functional/Cargo.toml"));
    let allowed: BTreeSet<String> = ["candle-core", "candle-nn"].map(String::from).into();
    assert_eq!(
        library, allowed,
        "shared/nn-functional/Cargo.toml: the library depends on candle-core and candle-nn only"
    );
    let kit = normal_dependencies(&root().join("shared/book-kit/Cargo.toml"));
    for name in ["shared", "nn-functional"] {
        assert!(
            !kit.contains(name),
            "shared/book-kit/Cargo.toml depends on {name}: the machinery must not depend on what the book teaches"
        );
    }
    let teaching = normal_dependencies(&root().join("shared/Cargo.toml"));
    assert!(
        teaching.contains("nn-functional") && teaching.contains("book-kit"),
        "shared/Cargo.toml: the teaching code builds on the library and the machinery"
    );
    let mut files = Vec::new();
    walk(&root().join("shared/nn-functional/src"), &mut files);
    let library_files = files.len();
    walk(&root().join("shared/book-kit/src"), &mut files);
    for (i, file) in files.iter().enumerate() {
        let forbidden: &[&str] = if i < library_files {
            &["book_kit::", "shared::"]
        } else {
            &["nn_functional::", "use shared::", " shared::{"]
        };
        let code: String = read(file)
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for name in forbidden {
            assert!(
                !code.contains(name),
                "{}: names {name} outside a comment",
                file.display()
            );
        }
    }
}

/// The value of `key = "…"` on an uncommented line of `text`, if any.
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The library's `repository` and the book's `git-repository-url` name the
/// same place, or are both left out: one address for the book's source links
/// and for docs.rs and crates.io.
#[test]
fn the_library_and_the_book_name_the_same_repository() {
    let library = toml_string(
        &read(&root().join("shared/nn-functional/Cargo.toml")),
        "repository",
    );
    let book = toml_string(&read(&root().join("book.toml")), "git-repository-url");
    assert_eq!(
        library, book,
        "shared/nn-functional/Cargo.toml's repository and book.toml's git-repository-url must be set together, to the same address"
    );
}
