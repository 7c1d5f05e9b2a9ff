//! The chapter's claims, checked on the data it prints.

use std::sync::OnceLock;

use candle_core::{Device, Tensor};
use ch07_matching_loss_to_task::calibration::cross_entropy_smoothed;
use ch07_matching_loss_to_task::{CHAPTER, Report, SECTIONS, run};
use shared::activations::to_f64;
use shared::nn::{Forward, Init, Mlp};

fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| run(&CHAPTER.defaults()).unwrap())
}

#[test]
fn the_three_tasks_reach_pytorchs_magnitude() {
    let r = report();
    assert!(r.regression.mae < 4.0, "MAE {}", r.regression.mae);
    assert!(r.binary.accuracy > 0.98, "{}", r.binary.accuracy);
    assert!(r.multiclass.accuracy > 0.85, "{}", r.multiclass.accuracy);
    for fit in [&r.regression.fit, &r.binary.fit, &r.multiclass.fit] {
        assert_eq!(fit.history.len(), 200);
        assert!(fit.history[199] < fit.history[0] / 4.0);
    }
}

/// The file `tools/pytorch-figures.py` writes, read here line by line
/// rather than through the chapter's own reader.
fn pytorch_file(key: &str) -> String {
    let file = include_str!("../pytorch-figures.toml");
    let line = file
        .lines()
        .find(|l| l.split('=').next().unwrap().trim() == key)
        .unwrap_or_else(|| panic!("pytorch-figures.toml has no {key}"));
    line.split('=')
        .nth(1)
        .unwrap()
        .trim()
        .trim_matches('"')
        .to_string()
}

#[test]
fn the_pytorch_column_is_the_scripts_output() {
    let mut text = Vec::new();
    let section = SECTIONS.iter().find(|s| s.name == "three-tasks").unwrap();
    (section.body)(report(), &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("PyTorch"), "{}", lines[0]);
    for (line, (task, key)) in lines[2..5].iter().zip([
        ("regression", "regression_mae"),
        ("binary", "binary_accuracy"),
        ("4-class", "multiclass_accuracy"),
    ]) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let want: f64 = pytorch_file(key).parse().unwrap();
        assert_eq!(cells[0], task);
        assert_eq!(
            cells.last(),
            Some(&book_kit::table::f4(want).as_str()),
            "{line}"
        );
    }
    // The note names the version that computed them: the book's reference, 2.15.
    let version = pytorch_file("pytorch");
    assert!(version.starts_with("2.15."), "{version}");
    let note = format!("PyTorch {version}: its own random data and weights");
    assert!(lines[6].ends_with(&note), "{}", lines[6]);
    assert_eq!(pytorch_file("seed"), "42");
}

#[test]
fn raw_outputs_decide_without_sigmoid_or_softmax() {
    let r = report();
    for &(_, z, p) in &r.binary.examples {
        assert_eq!(z > 0.0, p > 0.5);
    }
    for e in &r.multiclass.examples {
        let sum: f64 = e.probs.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5);
        let argmax = |v: &[f64]| shared::metrics::argmax_rows(v, v.len())[0];
        assert_eq!(argmax(&e.logits), argmax(&e.probs));
    }
}

#[test]
fn multi_label_samples_carry_several_tags_and_exact_match_is_harder() {
    let m = &report().multilabel;
    assert!(
        m.tag_counts[2] + m.tag_counts[3] > 100,
        "{:?}",
        m.tag_counts
    );
    let worst = m.tag_accuracy.iter().copied().fold(1.0, f64::min);
    assert!(worst > 0.9);
    assert!(m.exact_match < worst);
}

#[test]
fn every_position_beats_the_most_common_answer() {
    let s = &report().sequence;
    for (a, m) in s.step_accuracy.iter().zip(&s.step_majority) {
        assert!(a > m && *a > 0.95, "{a} vs {m}");
    }
}

#[test]
fn plain_cross_entropy_is_overconfident_and_smoothing_calibrates() {
    let [plain, smooth] = &report().calibration;
    assert!(plain.mean_confidence > plain.accuracy + 0.05);
    assert!(smooth.mean_confidence < plain.mean_confidence);
    assert!(smooth.ece < plain.ece / 1.5);
    assert!(smooth.nll < plain.nll);
}

#[test]
fn smoothed_cross_entropy_matches_pytorch() {
    let z = Tensor::new(&[[2.0f32, 1.0, 0.1], [0.5, 2.5, -1.0]], &Device::Cpu).unwrap();
    let y = Tensor::new(&[0u32, 2], &Device::Cpu).unwrap();
    // torch.nn.functional.cross_entropy(z, y, label_smoothing=0.1) in
    // PyTorch 2.15.0, float32: 2.0001039505004883 (by hand: 2.0001041117).
    let l = to_f64(&cross_entropy_smoothed(&z, &y, 0.1).unwrap()).unwrap();
    assert!((l - 2.000_103_950_5).abs() < 1e-6, "{l}");
    // ε = 0 is plain cross-entropy.
    let plain = to_f64(&shared::losses::cross_entropy(&z, &y, None).unwrap()).unwrap();
    let zero = to_f64(&cross_entropy_smoothed(&z, &y, 0.0).unwrap()).unwrap();
    assert!((plain - zero).abs() < 1e-7);
}

#[test]
fn the_faster_forward_pass_computes_the_same_outputs() {
    let mlp = Mlp::new(
        &[8, 32, 4],
        shared::activations::Activation::Relu,
        Init::PytorchDefault,
        3,
    )
    .unwrap();
    let x = shared::data::four_classes(300, 3).x(&Device::Cpu).unwrap();
    let flat = |t: Tensor| t.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let plain = flat(mlp.forward(&x).unwrap());
    let how = |bias_as_matmul, relu_mask_from_sign| Forward {
        bias_as_matmul,
        first_bias_as_column: false,
        relu_mask_from_sign,
    };
    // The sign-based ReLU mask: bit for bit.
    assert_eq!(flat(mlp.forward_as(&x, how(false, true)).unwrap()), plain);
    // The bias as a product: to rounding.
    let fast = flat(mlp.forward_as(&x, how(true, true)).unwrap());
    for (a, b) in fast.iter().zip(&plain) {
        assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{a} vs {b}");
    }
    // The first bias as a column of the weights: to rounding.
    let column = Forward {
        first_bias_as_column: true,
        ..how(true, true)
    };
    let fast = flat(mlp.forward_as(&x, column).unwrap());
    for (a, b) in fast.iter().zip(&plain) {
        assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{a} vs {b}");
    }
}

#[test]
fn timings_are_printed_only_with_the_flag() {
    let short = ["--steps", "3", "--extra-steps", "2", "--held-out", "100"];
    let text = CHAPTER
        .output_with(&CHAPTER.options(&short).unwrap())
        .unwrap()
        .text();
    assert!(!text.contains("timing"));
    let with: Vec<&str> = short.iter().copied().chain(["--timing"]).collect();
    let text = CHAPTER
        .output_with(&CHAPTER.options(&with).unwrap())
        .unwrap()
        .text();
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("timing: regression="), "{last}");
    assert!(last.contains(" binary=") && last.contains(" multiclass=") && last.ends_with(" ms"));
}

#[test]
fn each_loop_is_under_half_a_gflop() {
    for a in &report().arithmetic {
        assert!(a.gflop <= 0.5, "{}: {}", a.task, a.gflop);
    }
}

#[test]
fn bad_flags_are_refused() {
    for bad in [
        &["--smoothing", "1.5"][..],
        &["--lr", "0"],
        &["--lr", "nan"],
        &["--bias-add", "sideways"],
        &["--relu-mask", "maybe"],
        &["--steps", "0"],
        &["--bins", "1"],
    ] {
        assert!(CHAPTER.options(bad).is_err(), "{bad:?} was accepted");
    }
    let o = CHAPTER
        .options(&["--smoothing", "0.2", "--bias-add", "broadcast"])
        .unwrap();
    assert_eq!(o.smoothing, 0.2);
}
