//! The `lab` command line, run as a reader would run it.

use std::process::{Command, Output};

fn lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(args)
        .output()
        .expect("lab runs")
}

fn stdout(args: &[&str]) -> String {
    let out = lab(args);
    assert!(
        out.status.success(),
        "lab {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "lab {args:?} wrote to stderr");
    String::from_utf8(out.stdout).unwrap()
}

/// The numbers of a JSON array.
fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&stdout(&all)).expect("lab prints valid JSON")
}

#[test]
fn act_relu_with_negative_numbers_as_plain_arguments() {
    let v = json(&["act", "relu", "-3", "-0.5", "0", "2"]);
    assert_eq!(v["name"], "relu");
    assert_eq!(nums(&v["z"]), vec![-3.0, -0.5, 0.0, 2.0]);
    assert_eq!(nums(&v["value"]), vec![0.0, 0.0, 0.0, 2.0]);
    // PyTorch's subgradient at the kink: 0
    assert_eq!(nums(&v["grad"]), vec![0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn act_leaky_relu_slope_and_swish_alias() {
    let v = json(&["act", "leaky-relu", "--slope", "0.2", "-1", "0", "1"]);
    assert_eq!(nums(&v["value"]), vec![-0.2, 0.0, 1.0]);
    assert_eq!(nums(&v["grad"]), vec![0.2, 0.2, 1.0]);
    let swish = json(&["act", "swish", "1"]);
    let silu = json(&["act", "silu", "1"]);
    assert_eq!(swish["value"], silu["value"]);
    assert_eq!(silu["name"], "silu");
}

#[test]
fn act_gelu_and_sigmoid_match_pytorch() {
    let v = json(&["act", "gelu", "-3", "--dtype", "f64"]);
    let g = v["grad"][0].as_f64().unwrap();
    assert!((g - -0.011946).abs() < 5e-7, "{g}");
    let s = json(&["act", "sigmoid", "0"]);
    assert_eq!(nums(&s["value"]), vec![0.5]);
    assert_eq!(nums(&s["grad"]), vec![0.25]);
}

#[test]
fn act_softmax_prints_the_probability_vector() {
    let v = json(&["act", "softmax", "1000", "0", "-1000"]);
    assert_eq!(nums(&v["value"]), vec![1.0, 0.0, 0.0]);
    let text = stdout(&["act", "softmax", "1", "2", "3"]);
    assert!(text.contains("sum of p: 1"), "{text}");
}

#[test]
fn loss_f64_takes_numbers_beyond_f32s_range() {
    let v = json(&[
        "loss",
        "mse",
        "--pred=1e200",
        "--target=0",
        "--dtype",
        "f64",
    ]);
    assert_eq!(v["value"], "inf"); // (1e200)^2 overflows even f64: reported, not a crash
    let v = json(&[
        "loss",
        "mae",
        "--pred=1e200",
        "--target=0",
        "--dtype",
        "f64",
    ]);
    assert_eq!(v["value"].as_f64(), Some(1e200));
}

#[test]
fn loss_regression_figures() {
    let args = ["--pred=35,31,48,42", "--target=41,29,55,97"];
    let v = json(&[&["loss", "huber", "--delta", "5"][..], &args].concat());
    assert_eq!(v["value"], 76.125);
    // clipped at ±δ, over N = 4
    assert_eq!(nums(&v["grad"]), vec![-1.25, 0.5, -1.25, -1.25]);
    let mse = json(&[&["loss", "mse"][..], &args].concat());
    assert_eq!(mse["value"], 778.5);
    let mae = json(&[&["loss", "mae"][..], &args].concat());
    assert_eq!(nums(&mae["grad"]), vec![-0.25, 0.25, -0.25, -0.25]);
}

#[test]
fn loss_bce_naive_prints_nan_as_a_string() {
    let v = json(&["loss", "bce-naive", "--pred=17", "--target=1"]);
    assert_eq!(v["value"], "NaN");
    let stable = json(&["loss", "bce-logits", "--pred=17", "--target=1"]);
    assert!(stable["value"].as_f64().unwrap() < 1e-7);
}

#[test]
fn loss_cross_entropy_weighted_and_focal() {
    let logits = "--pred=2.1,0.3,-0.5,0.1,1.9,0.2,-0.3,0.4,2.2";
    let ce = json(&["loss", "ce", "--classes", "3", logits, "--target=0,1,2"]);
    assert!((ce["value"].as_f64().unwrap() - 0.2448).abs() < 5e-5);
    let grads = ce["grad"].as_array().unwrap();
    assert_eq!(grads.len(), 9);
    let w = json(&[
        "loss",
        "ce",
        "--classes",
        "3",
        logits,
        "--target=0,1,2",
        "--weights=1,19,1",
    ]);
    assert!((w["value"].as_f64().unwrap() - 0.2909).abs() < 5e-5);
    let focal = json(&[
        "loss",
        "focal",
        "--pred=2,-1",
        "--target=1,0",
        "--gamma",
        "0",
        "--alpha",
        "-1",
    ]);
    let bce = json(&["loss", "bce-logits", "--pred=2,-1", "--target=1,0"]);
    assert_eq!(focal["value"], bce["value"]);
}

/// Runs lab expecting exit code 2 and one line on stderr that mentions `needle`.
fn rejects(args: &[&str], needle: &str) {
    let out = lab(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "lab {args:?}: {err}");
    assert!(out.stdout.is_empty(), "lab {args:?} printed to stdout");
    assert_eq!(err.lines().count(), 1, "lab {args:?}: not one line: {err}");
    assert!(err.starts_with("lab: error: "), "{err}");
    assert!(
        err.contains(needle),
        "lab {args:?}: {err:?} does not mention {needle:?}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn negative_numbers_work_in_every_form() {
    // clap alone takes `-1e-30`, `-2E+1` and `-.5` for short flags
    let v = json(&["act", "relu", "-1e-30", "-2E+1", "-.5", "-0.5"]);
    let z = nums(&v["z"]);
    let want = [-1e-30, -20.0, -0.5, -0.5];
    assert_eq!(z.len(), want.len(), "{z:?}");
    for (got, want) in z.iter().zip(want) {
        assert!((got - want).abs() <= 1e-6 * want.abs(), "{z:?}");
    }
    let v = json(&["act", "leaky-relu", "--slope", "-1e-1", "-1"]);
    assert!((nums(&v["value"])[0] - 0.1).abs() < 1e-6, "{v}");
}

#[test]
fn bad_input_gets_one_line_and_exit_code_2() {
    rejects(&["act", "relux", "1"], "relux");
    rejects(&["act", "relu", "abc"], "'abc' is not a number");
    rejects(&["act", "relu", "nan"], "not a finite number");
    rejects(&["act", "relu"], "required");
    rejects(&["act", "relu", "--slope", "0.1", "1"], "--slope");
    rejects(
        &["loss", "mse", "--pred=1,2", "--target=1"],
        "--pred has 2 numbers but --target has 1",
    );
    rejects(&["loss", "mse", "--pred=", "--target=1"], "empty");
    rejects(
        &["loss", "mse", "--pred=1,,2", "--target=1,2,3"],
        "empty item",
    );
    rejects(
        &["loss", "mse", "--pred=1,x", "--target=1,2"],
        "'x' is not a number",
    );
    rejects(
        &["loss", "ce", "--classes", "2", "--pred=1,2", "--target=2"],
        "out of range",
    );
    rejects(
        &["loss", "ce", "--classes", "2", "--pred=1,2,3", "--target=1"],
        "expected N×C",
    );
    rejects(&["loss", "ce", "--pred=1,2", "--target=1"], "--classes");
    rejects(
        &["loss", "ce", "--classes", "2", "--pred=1,2", "--target=0.5"],
        "class indices",
    );
    rejects(
        &[
            "loss",
            "ce",
            "--classes",
            "2",
            "--pred=1,2",
            "--target=0",
            "--weights=1",
        ],
        "--weights has 1 numbers for 2 classes",
    );
    // lab's own checks come before the library's, so these never reach
    // shared::losses: a negative class weight, an empty batch, zero classes.
    rejects(
        &[
            "loss",
            "ce",
            "--classes",
            "2",
            "--pred=1,2",
            "--target=0",
            "--weights=1,-0.5",
        ],
        "--weights must not be negative",
    );
    rejects(
        &["loss", "ce", "--classes", "2", "--pred=", "--target="],
        "'--pred <PRED>': the list is empty",
    );
    rejects(
        &["loss", "ce", "--classes", "3", "--pred=1,2,3", "--target="],
        "'--target <TARGET>': the list is empty",
    );
    rejects(
        &["loss", "ce", "--classes", "0", "--pred=1", "--target=0"],
        "'--classes <CLASSES>': 0 is not in 1..=100000",
    );
    rejects(
        &["loss", "huber", "--pred=1", "--target=1", "--delta", "-1"],
        "'--delta <DELTA>': '-1' must be positive",
    );
    rejects(
        &["loss", "focal", "--pred=1", "--target=1", "--gamma", "-2"],
        "'--gamma <GAMMA>': '-2' must be at least 0",
    );
    rejects(
        &["loss", "bce-logits", "--pred=1", "--target=2"],
        "between 0 and 1",
    );
    rejects(
        &["loss", "mse", "--pred=1", "--target=1", "--delta", "2"],
        "unexpected argument '--delta'",
    );
    rejects(
        &["loss", "mse", "--pred=1", "--target=1", "--dtype", "f16"],
        "f16",
    );
    rejects(&["loss", "cosine", "--pred=1", "--target=1"], "cosine");
    rejects(
        &[
            "loss",
            "ce",
            "--classes",
            "18446744073709551615",
            "--pred=1,2",
            "--target=0,1",
        ],
        "--classes",
    );
    rejects(
        &["loss", "huber", "--pred=1e308", "--target=0"],
        "beyond f32's range",
    );
    rejects(&["act", "leaky-relu", "--slope", "1e39", "1"], "--slope");
    rejects(
        &[
            "loss",
            "ce",
            "--classes",
            "3",
            "--pred=1,2,3",
            "--target=1e300",
            "--dtype",
            "f64",
        ],
        "out of range",
    );
}

#[test]
fn an_option_given_to_the_wrong_loss_is_refused_by_clap() {
    let data = ["--pred=1", "--target=1"];
    for (loss, option) in [
        ("mse", &["--delta", "2"][..]),
        ("huber", &["--gamma", "2"]),
        ("focal", &["--pos-weight", "3"]),
        ("bce-logits", &["--alpha", "0.5"]),
        ("bce-naive", &["--classes", "3"]),
        ("mae", &["--weights", "1,2"]),
    ] {
        let args = [&["loss", loss][..], &data, option].concat();
        rejects(&args, &format!("unexpected argument '{}'", option[0]));
    }
    rejects(
        &["loss", "focal", "--pred=1", "--target=1", "--alpha", "1.5"],
        "'--alpha <ALPHA>': '1.5' must be at most 1",
    );
    rejects(
        &[
            "loss",
            "bce-logits",
            "--pred=1",
            "--target=1",
            "--pos-weight",
            "-3",
        ],
        "'--pos-weight <POS_WEIGHT>': '-3' must be at least 0",
    );
}

#[test]
fn help_shows_each_losss_defaults() {
    let huber = stdout(&["loss", "huber", "--help"]);
    let delta = huber.lines().find(|l| l.contains("--delta")).unwrap();
    assert!(delta.contains("[default: 1]"), "{huber}");
    let focal = stdout(&["loss", "focal", "--help"]);
    assert!(focal.contains("[default: 0.25]"), "{focal}");
    assert!(focal.contains("[default: 2]"), "{focal}");
    // the shared flags are there too, and nothing of another loss
    for flag in ["--pred", "--target", "--dtype", "--json"] {
        assert!(huber.contains(flag), "{flag} missing from:\n{huber}");
    }
    assert!(!huber.contains("--gamma"), "{huber}");
}

#[test]
fn output_names_the_loss_as_the_user_typed_it() {
    for loss in ["mse", "mae", "huber", "bce-logits", "bce-naive", "focal"] {
        let v = json(&["loss", loss, "--pred=0.5", "--target=1"]);
        assert_eq!(v["name"], loss);
        assert_eq!(v["dtype"], "f32");
    }
    let text = stdout(&["loss", "bce-logits", "--pred=0.5", "--target=1"]);
    assert!(text.starts_with("bce-logits in f32: loss = "), "{text}");
}

#[test]
fn json_numbers_keep_the_precision_computed_in() {
    // 0.1 in f32 prints as 0.1, not as the f64 it widens to (0.10000000149011612)
    let v = json(&["act", "relu", "0.1"]);
    assert_eq!(v["value"][0].to_string(), "0.1");
    let v = json(&["act", "relu", "0.1", "--dtype", "f64"]);
    assert_eq!(v["value"][0].to_string(), "0.1");
    let v = json(&["loss", "mse", "--pred=3e38", "--target=-3e38"]);
    assert_eq!(v["value"], "inf"); // (6e38)^2 overflows f32
}

#[test]
fn the_command_line_definition_passes_claps_own_checks() {
    use clap::CommandFactory;
    act_loss_book::lab::Cli::command().debug_assert();
}

#[test]
fn bench_times_the_three_training_loops() {
    let text = stdout(&["bench", "--steps", "5", "--samples", "64", "--repeat", "1"]);
    for task in ["regression", "binary", "4-class", "all three tasks"] {
        assert!(text.contains(task), "{task} missing from:\n{text}");
    }
    rejects(&["bench", "--steps", "0"], "--steps");
    rejects(&["bench", "--samples", "x"], "--samples");
}
