//! The chapter's claims, checked on the data it prints.

use ch09_decision_guide::{CHAPTER, Report, run};
use shared::guide::Decision;

fn report(args: &[&str]) -> Report {
    run(&CHAPTER.options(args).unwrap()).unwrap()
}

fn classes(r: &Report, key: &str) -> Vec<Decision> {
    r.row(key).unwrap().example.decisions.clone()
}

#[test]
fn the_guide_covers_every_task_and_its_paths_are_the_functions_called() {
    let r = report(&[]);
    let keys: Vec<&str> = r.rows.iter().map(|run| run.row.key).collect();
    assert_eq!(
        keys,
        [
            "regression",
            "outliers",
            "binary",
            "imbalanced",
            "multi-class",
            "multi-label",
            "sequence",
            "probabilistic"
        ]
    );
    for run in &r.rows {
        assert!(run.names_match, "{}", run.row.key);
        assert!(
            run.formula_gap < 1e-12,
            "{}: {}",
            run.row.key,
            run.formula_gap
        );
        assert!(run.row.chapter.starts_with("ch0"), "{}", run.row.key);
    }
}

#[test]
fn a_matched_output_and_loss_have_the_gradient_p_minus_y() {
    let r = report(&[]);
    for key in [
        "binary",
        "multi-class",
        "multi-label",
        "sequence",
        "probabilistic",
    ] {
        let gap = r.row(key).unwrap().residual_gap[0].unwrap();
        assert!(gap < 1e-12, "{key}: {gap}");
    }
    // pos_weight and focal loss reweight it: no longer p - y
    for gap in &r.row("imbalanced").unwrap().residual_gap {
        assert!(gap.unwrap() > 0.1, "{gap:?}");
    }
}

#[test]
fn huber_and_mae_cap_the_outliers_pull_where_mse_would_not() {
    let outlier = |args: &[&str]| {
        let r = report(args);
        let ex = &r.row("outliers").unwrap().example;
        let error = ex.outputs[3][0] - ex.targets[3][0];
        let grads: Vec<f64> = ex.losses.iter().map(|l| l.grad_of_sum[3][0]).collect();
        (error, grads)
    };
    let (error, grads) = outlier(&[]);
    assert_eq!(error, -12.0); // MSE's gradient of the sum would be 2 * error = -24
    assert_eq!(grads, vec![-1.0, -1.0]); // Huber: -delta; MAE: the sign
    assert_eq!(outlier(&["--delta", "3"]).1, vec![-3.0, -1.0]);
}

#[test]
fn the_threshold_decides_and_a_tuned_one_finds_the_rare_positive() {
    use Decision::{Class, Labels};
    let r = report(&[]);
    assert_eq!(
        classes(&r, "binary"),
        [Class(1), Class(0), Class(1), Class(0)]
    );
    assert_eq!(classes(&r, "multi-label")[2], Labels(vec![1, 0, 0]));
    let strict = report(&["--threshold", "0.7"]);
    assert_eq!(
        classes(&strict, "binary"),
        [Class(1), Class(0), Class(0), Class(0)]
    );
    assert_eq!(classes(&strict, "multi-label")[2], Labels(vec![0, 0, 0]));
    // the tuned threshold sits below 0.5 and catches both positives
    let ex = &r.row("imbalanced").unwrap().example;
    let t = ex.threshold.unwrap();
    assert!(t < 0.5, "{t}");
    assert_eq!(ex.decisions[..2], [Class(1), Class(1)]);
    assert!(ex.probabilities[1][0] < 0.5);
}

#[test]
fn softmax_of_two_logits_is_a_sigmoid_and_a_threshold_is_a_logit() {
    let t = report(&[]).transforms;
    assert!(t.gap2 < 1e-12 && t.gap3 < 1e-12, "{} {}", t.gap2, t.gap3);
    assert_eq!(t.logit_threshold, 0.0);
    let t = report(&["--threshold", "0.7"]).transforms;
    assert!((t.logit_threshold - (7.0f64 / 3.0).ln()).abs() < 1e-12);
}

#[test]
fn bad_flags_are_refused() {
    for bad in [
        ["--threshold", "0"],
        ["--threshold", "1"],
        ["--threshold", "nan"],
        ["--delta", "0"],
        ["--delta=-1", ""],
    ] {
        let args: Vec<&str> = bad.iter().copied().filter(|a| !a.is_empty()).collect();
        assert!(CHAPTER.options(&args).is_err(), "{args:?} was accepted");
    }
    assert_eq!(CHAPTER.options(&["--delta", "2"]).unwrap().delta, 2.0);
}
