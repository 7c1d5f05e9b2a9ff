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
        "--weight has 1 numbers for 2 classes",
    );
    // a negative class weight reaches nn_functional, whose error names the
    // argument (`weight`); an empty batch and zero classes stop at clap.
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
        "cross_entropy: every class weight in `weight` must be finite and ≥ 0",
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
    rejects(
        &["act", "leaky-relu", "--slope", "1e39", "1"],
        "--negative-slope value 1.00000e39 is beyond f32's range",
    );
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
        "binary_cross_entropy_with_logits: every element of `pos_weight` must be finite and ≥ 0",
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

#[test]
fn bench_losses_times_each_loss_beside_candle_nn_and_the_floor() {
    let text = stdout(&["bench", "--losses", "--repeat", "1"]);
    for name in [
        "cross_entropy",
        "binary_cross_entropy_with_logits",
        "mse_loss",
    ] {
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(name))
            .collect();
        assert_eq!(rows.len(), 3, "{name}: {rows:?} in\n{text}");
        for who in ["nn_functional", "candle_nn", "floor: x.sum_all()"] {
            assert!(
                rows.iter().any(|r| r.contains(who)),
                "{name}, {who}:\n{text}"
            );
        }
    }
}

// ---- nn_functional's whole surface, held to PyTorch ----

use crate::take_it_with_you::{assert_close, case, csv, data};

/// A number of lab's JSON: a float, or the string "NaN".
fn num(v: &serde_json::Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| if v == "NaN" { f64::NAN } else { panic!("{v}") })
}

/// `lab ARGS --dtype (the case's) --json`: its value and gradient against the
/// fixture case's value and gradient with respect to `input` (f64 to 1e-9
/// of the largest, f32 to 1e-5: lab prints each number in full).
fn agrees_with_fixture(c: &serde_json::Value, args: &[String]) {
    let dtype = c["dtype"].as_str().unwrap();
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend(["--dtype", dtype]);
    let v = json(&all);
    let rel = if dtype == "f64" { 1e-9 } else { 1e-5 };
    let what = format!("lab {}", args[..2].join(" "));
    assert_close(&what, &[num(&v["value"])], &data(&c["value"]), rel);
    let grad: Vec<f64> = v["grad"].as_array().unwrap().iter().map(num).collect();
    assert_close(&what, &grad, &data(&c["grads"]["input"]), rel);
}

/// `--NAME=numbers` for a fixture argument.
fn flag(name: &str, c: &serde_json::Value, arg: &str) -> String {
    format!("--{name}={}", csv(&data(&c["args"][arg])))
}

/// The loss arguments every case shares.
fn loss_args(loss: &str, c: &serde_json::Value, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "loss".to_string(),
        loss.to_string(),
        flag("pred", c, "input"),
        flag("target", c, "target"),
        format!("--reduction={}", c["opts"]["reduction"].as_str().unwrap()),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn regression_losses_match_pytorchs_fixture() {
    let c = case("mse_loss", "f64", "", &[("reduction", "sum")]);
    agrees_with_fixture(c, &loss_args("mse", c, &[]));
    let c = case("l1_loss", "f64", "", &[("reduction", "mean")]);
    agrees_with_fixture(c, &loss_args("l1", c, &[]));
    let c = case(
        "huber_loss",
        "f64",
        "",
        &[("reduction", "mean"), ("delta", "0.5")],
    );
    agrees_with_fixture(c, &loss_args("huber", c, &["--delta", "0.5"]));
    let c = case(
        "smooth_l1_loss",
        "f64",
        "",
        &[("reduction", "sum"), ("beta", "0.5")],
    );
    agrees_with_fixture(c, &loss_args("smooth-l1", c, &["--beta", "0.5"]));
    let c = case(
        "smooth_l1_loss",
        "f32",
        "",
        &[("reduction", "mean"), ("beta", "0.0")],
    );
    agrees_with_fixture(c, &loss_args("smooth-l1", c, &["--beta", "0"]));
}

#[test]
fn binary_losses_match_pytorchs_fixture() {
    // multi-label: (8, 4) logits, a weight per element, a pos_weight per label
    let note = "hard pos_weight far_above";
    let c = case(
        "binary_cross_entropy_with_logits",
        "f64",
        note,
        &[("reduction", "mean")],
    );
    let w = flag("weight", c, "weight");
    let pw = flag("pos-weight", c, "pos_weight");
    agrees_with_fixture(c, &loss_args("bce-logits", c, &["--classes", "4", &w, &pw]));
    let note = "soft pos_weight scalar";
    let c = case(
        "binary_cross_entropy_with_logits",
        "f32",
        note,
        &[("reduction", "sum")],
    );
    let (w, pw) = (
        flag("weight", c, "weight"),
        flag("pos-weight", c, "pos_weight"),
    );
    agrees_with_fixture(
        c,
        &loss_args("bce-with-logits", c, &["--classes", "4", &w, &pw]),
    );
    // (bce on probabilities: its fixture cases hold a probability of exactly
    // 1, where nn_functional gives NaN (see tests/take_it_with_you.rs); it
    // is held to values PyTorch computed in options_match_values_computed_by_pytorch)
    // torchvision's focal loss, α off (alpha=-1) and on
    let opts = [("reduction", "mean"), ("alpha", "-1.0"), ("gamma", "2.0")];
    let c = case("sigmoid_focal_loss", "f64", "", &opts);
    agrees_with_fixture(
        c,
        &loss_args("sigmoid-focal", c, &["--alpha=-1", "--gamma=2"]),
    );
    let opts = [("reduction", "sum"), ("alpha", "0.25"), ("gamma", "2.0")];
    let c = case("sigmoid_focal_loss", "f64", "", &opts);
    agrees_with_fixture(c, &loss_args("focal", c, &["--alpha=0.25"]));
}

#[test]
fn class_losses_match_pytorchs_fixture() {
    let opts = |r: &'static str, ls: &'static str, ii: &'static str| {
        [
            ("reduction", r),
            ("label_smoothing", ls),
            ("ignore_index", ii),
        ]
    };
    let c = case(
        "cross_entropy",
        "f64",
        "some ignored weight",
        &opts("mean", "0.1", "-100"),
    );
    let w = flag("weight", c, "weight");
    let ce = ["--classes", "5", &w, "--label-smoothing", "0.1"];
    agrees_with_fixture(c, &loss_args("ce", c, &ce));
    let c = case(
        "cross_entropy",
        "f64",
        "ignore_index 2 weight",
        &opts("sum", "1.0", "2"),
    );
    let w = flag("weight", c, "weight");
    let ce = ["--classes=5", &w, "--label-smoothing=1", "--ignore-index=2"];
    agrees_with_fixture(c, &loss_args("ce", c, &ce));
    // probability targets
    let c = case(
        "cross_entropy",
        "f64",
        "probabilities weight",
        &opts("mean", "0.1", "-100"),
    );
    let w = flag("weight", c, "weight");
    let ce = ["--classes=5", &w, "--label-smoothing=0.1", "--target-probs"];
    agrees_with_fixture(c, &loss_args("ce", c, &ce));
    // every target ignored: a mean of NaN and gradients of 0, as in PyTorch
    let c = case(
        "cross_entropy",
        "f32",
        "all ignored",
        &opts("mean", "0.0", "-100"),
    );
    agrees_with_fixture(c, &loss_args("ce", c, &["--classes=5"]));
    let nll = [("reduction", "mean"), ("ignore_index", "-100")];
    let c = case("nll_loss", "f64", "some ignored weight", &nll);
    agrees_with_fixture(
        c,
        &loss_args("nll", c, &["--classes=5", &flag("weight", c, "weight")]),
    );
    let kl = [("reduction", "batchmean"), ("log_target", "true")];
    let c = case("kl_div", "f64", "", &kl);
    agrees_with_fixture(c, &loss_args("kl-div", c, &["--classes=5", "--log-target"]));
    let kl = [("reduction", "mean"), ("log_target", "false")];
    let c = case("kl_div", "f32", "", &kl);
    agrees_with_fixture(c, &loss_args("kl-div", c, &[]));
}

#[test]
fn activations_match_pytorchs_fixture() {
    for (fun, opts, act) in [
        ("relu", &[][..], &["relu"][..]),
        (
            "leaky_relu",
            &[("negative_slope", "0.2")],
            &["leaky-relu", "--negative-slope=0.2"],
        ),
        ("elu", &[("alpha", "0.5")], &["elu", "--alpha=0.5"]),
        ("selu", &[], &["selu"]),
        ("gelu", &[("approximate", "none")], &["gelu"]),
        (
            "gelu",
            &[("approximate", "tanh")],
            &["gelu", "--approximate=tanh"],
        ),
        ("gelu", &[("approximate", "tanh")], &["gelu-tanh"]),
        ("silu", &[], &["swish"]),
        ("mish", &[], &["mish"]),
        (
            "softplus",
            &[("beta", "2.0"), ("threshold", "10.0")],
            &["softplus", "--beta=2", "--threshold=10"],
        ),
        ("sigmoid", &[], &["sigmoid"]),
        ("tanh", &[], &["tanh"]),
    ] {
        for dtype in ["f64", "f32"] {
            let c = case(fun, dtype, "", opts);
            let z: Vec<String> = data(&c["args"]["input"])
                .iter()
                .map(|x| format!("{x:?}"))
                .collect();
            let mut args = vec!["act"];
            args.extend(act);
            args.extend(["--dtype", dtype]);
            args.extend(z.iter().map(String::as_str));
            let v = json(&args);
            let rel = if dtype == "f64" { 1e-9 } else { 1e-5 };
            let what = format!("lab act {act:?} {dtype}");
            assert_close(&what, &nums(&v["value"]), &data(&c["value"]), rel);
            // the fixture holds the gradient of Σ cotangent·f(z): cotangent·f'(z)
            let cot = data(&c["cotangent"]);
            let got: Vec<f64> = nums(&v["grad"])
                .iter()
                .zip(&cot)
                .map(|(g, c)| g * c)
                .collect();
            assert_close(&what, &got, &data(&c["grads"]["input"]), rel);
        }
    }
}

#[test]
fn softmax_over_any_dimension_matches_pytorchs_fixture() {
    for (fun, act) in [("softmax", "softmax"), ("log_softmax", "log-softmax")] {
        for dim in ["0", "1", "-1"] {
            let c = case(fun, "f64", "", &[("dim", dim)]);
            let z: Vec<String> = data(&c["args"]["input"])
                .iter()
                .map(|x| format!("{x:?}"))
                .collect();
            let dim_flag = format!("--dim={dim}");
            let mut args = vec!["act", act, "--shape", "3,4,5", &dim_flag, "--dtype", "f64"];
            args.extend(z.iter().map(String::as_str));
            let v = json(&args);
            let value = data(&c["value"]);
            assert_close(
                &format!("{act} dim {dim}"),
                &nums(&v["value"]),
                &value,
                1e-9,
            );
            // the Jacobian's diagonal: p(1 − p) for softmax, 1 − p for log-softmax
            let diag: Vec<f64> = match fun {
                "softmax" => value.iter().map(|p| p * (1.0 - p)).collect(),
                _ => value.iter().map(|l| 1.0 - l.exp()).collect(),
            };
            assert_close(
                &format!("{act} dim {dim} diagonal"),
                &nums(&v["grad"]),
                &diag,
                1e-9,
            );
        }
    }
}

#[test]
fn options_match_values_computed_by_pytorch() {
    // torch 2.15.0: F.cross_entropy(x.view(3, 3), torch.tensor([0, 1, -100]),
    //   weight=torch.tensor([1., 19., 1.]), label_smoothing=0.2), f64
    let logits = "--pred=2.1,0.3,-0.5,0.1,1.9,0.2,-0.3,0.4,2.2";
    let v = json(&[
        "loss",
        "ce",
        "--classes=3",
        logits,
        "--target=0,1,-100",
        "--weight=1,19,1",
        "--label-smoothing=0.2",
        "--dtype=f64",
    ]);
    assert_close("ce", &[num(&v["value"])], &[0.40580309324544317], 1e-12);
    let want = [
        0.04540694041304746,
        -0.048664664742577336,
        0.00325772432952988,
        0.09844698366088896,
        -0.20759829670209076,
        0.10915131304120174,
        0.0,
        0.0,
        0.0,
    ];
    assert_close("ce grad", &nums(&v["grad"]), &want, 1e-12);
    // torch 2.15.0: F.kl_div(x, t, reduction="batchmean") with
    //   x = [[-1.2, -0.4], [-0.1, -2.5]], t = [[0.3, 0.7], [0.9, 0.1]], f64
    let v = json(&[
        "loss",
        "kl-div",
        "--classes=2",
        "--pred=-1.2,-0.4,-0.1,-2.5",
        "--target=0.3,0.7,0.9,0.1",
        "--reduction=batchmean",
        "--dtype=f64",
    ]);
    assert_close("kl", &[num(&v["value"])], &[0.022026362276829123], 1e-12);
    assert_close(
        "kl grad",
        &nums(&v["grad"]),
        &[-0.15, -0.35, -0.45, -0.05],
        1e-12,
    );
    // torch 2.15.0: F.binary_cross_entropy(p, y, reduction="sum"), p = [0, 0.9],
    //   y = [1, 0], f64: log 0 clamped at -100; the gradient's floor is 1e-12 in f32
    let v = json(&[
        "loss",
        "bce",
        "--pred=0,0.9",
        "--target=1,0",
        "--reduction=sum",
        "--dtype=f64",
    ]);
    assert_close("bce", &[num(&v["value"])], &[102.30258509299405], 1e-12);
    assert_close(
        "bce grad",
        &nums(&v["grad"]),
        &[-1000000003995.8029, 10.000000000000002],
        1e-12,
    );
    // torch 2.15.0: F.gelu(z, approximate="tanh") and its derivative, f64
    let v = json(&[
        "act",
        "gelu",
        "--approximate",
        "tanh",
        "--dtype=f64",
        "-0.74",
        "-0.5",
        "1",
    ]);
    let want = [
        -0.17000708293320457,
        -0.15428599017485606,
        0.8411919906082768,
    ];
    assert_close("gelu tanh", &nums(&v["value"]), &want, 1e-12);
    let want = [
        0.005423540492180023,
        0.13263009646535764,
        1.0829640838457826,
    ];
    assert_close("gelu tanh grad", &nums(&v["grad"]), &want, 1e-12);
    // torch 2.15.0: F.softplus(z, beta=2.0, threshold=10.0), f64: z itself above the threshold
    let v = json(&[
        "act",
        "softplus",
        "--beta=2",
        "--threshold=10",
        "--dtype=f64",
        "-3",
        "0",
        "25",
    ]);
    let want = [0.0012378425688652247, 0.34657359027997264, 25.0];
    assert_close("softplus", &nums(&v["value"]), &want, 1e-12);
    assert_close(
        "softplus grad",
        &nums(&v["grad"]),
        &[0.0024726231566347748, 0.5, 1.0],
        1e-12,
    );
}

#[test]
fn reduction_none_prints_each_loss_and_the_gradient_of_their_sum() {
    let v = json(&[
        "loss",
        "mse",
        "--pred=1,2,4",
        "--target=1,0,1",
        "--reduction=none",
    ]);
    assert_eq!(nums(&v["value"]), vec![0.0, 4.0, 9.0]);
    assert_eq!(nums(&v["grad"]), vec![0.0, 4.0, 6.0]);
    let v = json(&[
        "loss",
        "mse",
        "--pred=1,2,4",
        "--target=1,0,1",
        "--reduction=sum",
    ]);
    assert_eq!(v["value"], 13.0);
    // ce: one loss per sample, 0 for an ignored one
    let v = json(&[
        "loss",
        "ce",
        "--classes=2",
        "--pred=0,0,5,0",
        "--target=1,-100",
        "--reduction=none",
    ]);
    let each = nums(&v["value"]);
    assert_eq!(each.len(), 2);
    assert!(
        (each[0] - std::f64::consts::LN_2).abs() < 1e-6 && each[1] == 0.0,
        "{each:?}"
    );
    let text = stdout(&[
        "loss",
        "nll",
        "--classes=2",
        "--pred=-1,-2",
        "--target=1",
        "--reduction=none",
    ]);
    assert!(
        text.starts_with("nll in f32, reduction none: sum 2\nlosses: 2\n"),
        "{text}"
    );
}

#[test]
fn every_new_option_refuses_bad_input_in_one_line() {
    let ce = ["loss", "ce", "--classes=2", "--pred=1,2", "--target=0"];
    let with = |extra: &[&'static str]| [&ce[..], extra].concat();
    // the library's errors, named by PyTorch's argument
    rejects(
        &with(&["--label-smoothing=1.5"]),
        "cross_entropy: `label_smoothing` must be between 0 and 1, got 1.5",
    );
    rejects(
        &with(&["--label-smoothing=-0.1"]),
        "`label_smoothing` must be between 0 and 1",
    );
    rejects(&with(&["--weight=1,-1"]), "`weight` must be finite and ≥ 0");
    rejects(
        &[
            "loss",
            "ce",
            "--classes=2",
            "--pred=1,2",
            "--target=0.5,0.5",
            "--target-probs",
            "--ignore-index=3",
        ],
        "`ignore_index` is not supported for probability targets",
    );
    rejects(
        &[
            "loss",
            "bce-logits",
            "--pred=1,2",
            "--target=1,0",
            "--pos-weight=-1",
        ],
        "every element of `pos_weight` must be finite and ≥ 0",
    );
    rejects(
        &[
            "loss",
            "bce-logits",
            "--pred=1,2",
            "--target=1,0",
            "--weight=1,2,3",
        ],
        "`weight` of shape [3] does not broadcast to the shape of `input`, [2]",
    );
    rejects(
        &["loss", "bce", "--pred=1.5,0.5", "--target=1,0"],
        "binary_cross_entropy: every element of `input` must be between 0 and 1",
    );
    rejects(
        &[
            "loss",
            "bce",
            "--pred=0.5,0.5",
            "--target=1,0",
            "--weight=-1",
        ],
        "every element of `weight` must be finite and ≥ 0",
    );
    // lab's own, about the command line
    rejects(
        &with(&["--weight=1,2,3"]),
        "--weight has 3 numbers for 2 classes",
    );
    rejects(
        &["loss", "ce", "--classes=2", "--pred=1,2", "--target=-1"],
        "class index -1 in --target is out of range",
    );
    rejects(
        &[
            "loss",
            "ce",
            "--classes=2",
            "--pred=1,2",
            "--target=-100",
            "--ignore-index=0",
        ],
        "out of range",
    );
    rejects(
        &["loss", "nll", "--classes=2", "--pred=-1,-2", "--target=2"],
        "out of range for 2 classes",
    );
    rejects(
        &[
            "loss",
            "nll",
            "--classes=2",
            "--pred=-1,-2,-3",
            "--target=1",
        ],
        "expected N×C",
    );
    rejects(
        &[
            "loss",
            "ce",
            "--classes=2",
            "--pred=1,2",
            "--target=1",
            "--target-probs",
        ],
        "with --target-probs, --pred and --target hold N×C numbers each",
    );
    rejects(
        &[
            "loss",
            "bce-logits",
            "--classes=3",
            "--pred=1,2,3,4",
            "--target=1,0,1,0",
        ],
        "not N×C for 3 classes",
    );
    rejects(
        &["loss", "kl-div", "--pred=-1,-2", "--target=1"],
        "--pred has 2 numbers but --target has 1",
    );
    rejects(
        &["loss", "smooth-l1", "--pred=1", "--target=1", "--beta=-1"],
        "'--beta <BETA>': '-1' must be at least 0",
    );
    rejects(
        &[
            "loss",
            "mse",
            "--pred=1",
            "--target=1",
            "--reduction=batchmean",
        ],
        "invalid value 'batchmean'",
    );
    rejects(
        &["loss", "focal", "--pred=1", "--target=1", "--reduction=avg"],
        "invalid value 'avg'",
    );
    rejects(
        &[
            "loss",
            "nll",
            "--classes=2",
            "--pred=-1,-2",
            "--target=1",
            "--label-smoothing=0.1",
        ],
        "unexpected argument '--label-smoothing'",
    );
    rejects(
        &[
            "loss",
            "ce",
            "--classes=2",
            "--pred=1,2",
            "--target=1",
            "--log-target",
        ],
        "unexpected argument '--log-target'",
    );
    rejects(
        &["loss", "bce", "--pred=0.5", "--target=1", "--pos-weight=2"],
        "unexpected argument '--pos-weight'",
    );
    rejects(
        &[
            "loss",
            "ce",
            "--classes=2",
            "--pred=1,2",
            "--target=1",
            "--ignore-index=x",
        ],
        "--ignore-index",
    );
    // activations
    rejects(
        &["act", "softmax", "--dim=1", "1", "2"],
        "--dim 1 is out of range for a shape of rank 1",
    );
    rejects(
        &["act", "log-softmax", "--shape=2,2", "1", "2", "3"],
        "--shape [2, 2] does not hold the 3 points given",
    );
    rejects(
        &["act", "gelu", "--approximate=erf", "1"],
        "invalid value 'erf'",
    );
    rejects(
        &["act", "softplus", "--beta=0", "1"],
        "'--beta <BETA>': '0' must be positive",
    );
    rejects(
        &["act", "elu", "--negative-slope=0.1", "1"],
        "unexpected argument '--negative-slope'",
    );
    rejects(
        &["act", "relu", "--dim=0", "1"],
        "unexpected argument '--dim'",
    );
    rejects(
        &["act", "selu", "--alpha=2", "1"],
        "unexpected argument '--alpha'",
    );
}

#[test]
fn help_names_pytorchs_options_and_their_defaults() {
    let ce = stdout(&["loss", "ce", "--help"]);
    for s in [
        "--label-smoothing",
        "[default: -100]",
        "--target-probs",
        "--weight",
        "[default: mean]",
    ] {
        assert!(ce.contains(s), "{s} missing from:\n{ce}");
    }
    let kl = stdout(&["loss", "kl-div", "--help"]);
    assert!(
        kl.contains("batchmean") && kl.contains("--log-target"),
        "{kl}"
    );
    let leaky = stdout(&["act", "leaky-relu", "--help"]);
    assert!(
        leaky.contains("[default: 0.01]") && leaky.contains("--negative-slope"),
        "{leaky}"
    );
    let softplus = stdout(&["act", "softplus", "--help"]);
    assert!(softplus.contains("[default: 20]"), "{softplus}");
    let losses = stdout(&["loss", "--help"]);
    for name in [
        "kl-div",
        "smooth-l1",
        "nll",
        "bce ",
        "sigmoid-focal",
        "bce-with-logits",
        "l1",
    ] {
        assert!(losses.contains(name), "{name} missing from:\n{losses}");
    }
    let acts = stdout(&["act", "--help"]);
    for name in [
        "elu",
        "selu",
        "gelu-tanh",
        "mish",
        "softplus",
        "log-softmax",
        "swish",
    ] {
        assert!(acts.contains(name), "{name} missing from:\n{acts}");
    }
}

/// What `lab` prints as text, pinned (`tests/snapshots/lab__text.snap`): the
/// headline with the options in effect, the ignored samples, the weighted
/// mean's denominator, per-element losses with `--reduction none`, and the
/// Jacobian's diagonal of a softmax along a chosen dimension.
#[test]
fn text_output_is_pinned() {
    let mut text = String::new();
    for args in [
        &[
            "loss",
            "ce",
            "--classes=3",
            "--pred=2.1,0.3,-0.5,0.1,1.9,0.2,-0.3,0.4,2.2",
            "--target=0,1,-100",
            "--weight=1,19,1",
            "--label-smoothing=0.2",
        ][..],
        &[
            "loss",
            "bce-logits",
            "--classes=2",
            "--pred=2,-1,0.5,3",
            "--target=1,0,0,1",
            "--pos-weight=3,1",
            "--reduction=none",
        ],
        &[
            "loss",
            "kl-div",
            "--classes=2",
            "--pred=-1.2,-0.4,-0.1,-2.5",
            "--target=0.3,0.7,0.9,0.1",
            "--reduction=batchmean",
        ],
        &[
            "act",
            "softmax",
            "--shape=2,3",
            "--dim=0",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
        ],
        &["act", "leaky-relu", "--negative-slope=0.2", "-1", "0", "1"],
    ] {
        text.push_str(&format!("$ lab {}\n{}\n", args.join(" "), stdout(args)));
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("lab__text", text));
}
