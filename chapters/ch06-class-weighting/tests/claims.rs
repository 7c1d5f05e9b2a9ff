//! The chapter's headline claims, asserted on the data its sections print
//! (default flags). If a change to the data, the model or `shared` breaks one,
//! the page's prose is wrong and must be rewritten, not just re-pinned.

use std::sync::LazyLock;

use ch06_class_weighting::experiment::{Experiment, RateResult};
use ch06_class_weighting::focal::focal_at;
use ch06_class_weighting::multiclass::multi_predictions;
use ch06_class_weighting::training::{BinaryRun, Method};
use ch06_class_weighting::weighting::{
    PosWeightExample, pos_weight_example, weighted_mean_example,
};
use ch06_class_weighting::{CHAPTER, Report, run};
use shared::metrics::{accuracy, average_precision, class_scores, macro_f1, mean_recall};

/// The chapter at its default flags, run once for every test here.
static REPORT: LazyLock<Report> =
    LazyLock::new(|| run(&CHAPTER.defaults()).expect("the chapter trains"));

fn experiment() -> &'static Experiment {
    &REPORT.trained
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Plain BCE, BCE with pos_weight, focal (α 0.25, γ 2), in that order.
fn three(r: &RateResult) -> [&BinaryRun; 3] {
    assert_eq!(r.methods[0].method, Method::Bce);
    assert!(matches!(r.methods[1].method, Method::PosWeight(_)));
    assert_eq!(
        r.methods[2].method,
        Method::Focal {
            alpha: Some(0.25),
            gamma: 2.0
        }
    );
    [&r.methods[0], &r.methods[1], &r.methods[2]]
}

#[test]
fn weighted_cross_entropy_divides_by_the_sum_of_the_weights() {
    let e = weighted_mean_example().unwrap();
    assert!(close(e.unweighted, 0.2448, 5e-5), "{}", e.unweighted);
    assert!(close(e.weighted, 0.2909, 5e-5), "{}", e.weighted);
    assert_eq!(e.sum_of_weights(), 21.0);
    assert!(close(e.weighted, e.weighted_sum() / 21.0, 1e-6));
    // Dividing by N instead gives a different number: 2.0365.
    let over_n = e.weighted_sum() / 3.0;
    assert!(close(over_n, 2.0365, 5e-5), "{over_n}");
}

#[test]
fn pos_weight_bce_is_a_plain_mean_over_n() {
    let PosWeightExample {
        per_sample: per,
        mean,
        two_class,
        ..
    } = pos_weight_example().unwrap();
    // Each sample's loss by hand: 19 · ln(1 + e^(−z)) for a positive,
    // ln(1 + e^z) for a negative; their plain mean is the library's.
    let by_hand = [(2.1, 1), (-0.5, 0), (1.8, 1), (-1.2, 0)].map(|(z, y): (f64, u8)| {
        if y == 1 {
            19.0 * (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        }
    });
    for (got, want) in per.iter().zip(by_hand) {
        assert!(close(*got, want, 1e-5), "{got} vs {want}");
    }
    assert!(
        close(mean, by_hand.iter().sum::<f64>() / 4.0, 1e-5),
        "{mean}"
    );
    assert!(close(mean, 1.4597, 5e-5), "{mean}");
    let sum: f64 = per.iter().sum();
    // The same weights through cross-entropy divide by Σw = 40 instead.
    assert!(close(two_class, sum / 40.0, 1e-6));
    assert!(close(two_class, 0.1460, 5e-5), "{two_class}");
}

#[test]
fn every_binary_run_ends_with_a_finite_loss() {
    for r in &experiment().rates {
        for run in r.methods.iter().chain(&r.sweep) {
            assert!(run.final_loss.is_finite(), "{:?}", run.method);
        }
    }
}

#[test]
fn pos_weight_raises_minority_recall_at_threshold_half() {
    for r in &experiment().rates {
        let [bce, pw, _] = three(r);
        let (b, p) = (
            bce.scores_at(&r.test_labels, 0.5),
            pw.scores_at(&r.test_labels, 0.5),
        );
        assert!(
            p.recall > b.recall + 0.4,
            "rate {}: {} vs {}",
            r.rate,
            p.recall,
            b.recall
        );
        // ...by flagging far more rows, so precision falls and, at these
        // rates, F1 at 0.5 ends up below plain BCE's.
        assert!(p.precision < b.precision / 2.0);
        assert!(p.f1 < b.f1, "rate {}: {} vs {}", r.rate, p.f1, b.f1);
    }
}

#[test]
fn at_one_percent_plain_bce_at_half_misses_most_positives() {
    let e = experiment();
    let r = &e.rates[1];
    assert_eq!(r.rate, 0.01);
    let s = three(r)[0].scores_at(&r.test_labels, 0.5);
    assert!(s.recall < 0.2, "{}", s.recall);
}

#[test]
fn with_a_tuned_threshold_plain_bce_matches_pos_weight_on_f1() {
    for r in &experiment().rates {
        let [bce, pw, focal] = three(r);
        let f1 = |run| r.tuned(run).scores.f1;
        assert!(
            close(f1(bce), f1(pw), 0.01),
            "rate {}: {} vs {}",
            r.rate,
            f1(bce),
            f1(pw)
        );
        assert!(close(f1(bce), f1(focal), 0.01));
        // Tuning moves pos_weight's threshold far above 0.5 and BCE's below it.
        assert!(r.tuned(pw).threshold > 0.9);
        assert!(r.tuned(bce).threshold < 0.5);
    }
}

#[test]
fn reweighting_does_not_improve_the_ranking() {
    for r in &experiment().rates {
        let [bce, pw, focal] = three(r);
        let ap = |run: &BinaryRun| average_precision(&run.test_prob, &r.test_labels);
        assert!(ap(pw) <= ap(bce) + 0.002, "rate {}", r.rate);
        assert!(close(ap(focal), ap(bce), 0.003), "rate {}", r.rate);
    }
    // At 5% the three rankings are practically the same.
    let e = experiment();
    let [bce, pw, _] = three(&e.rates[0]);
    let labels = &e.rates[0].test_labels;
    assert!(close(
        average_precision(&bce.test_prob, labels),
        average_precision(&pw.test_prob, labels),
        0.002
    ));
}

#[test]
fn pos_weight_at_half_is_plain_bce_at_the_base_rate() {
    for r in &experiment().rates {
        let [bce, pw, _] = three(r);
        let shifted = bce.scores_at(&r.test_labels, 1.0 / (1.0 + r.pos_weight));
        let weighted = pw.scores_at(&r.test_labels, 0.5);
        assert!(close(shifted.f1, weighted.f1, 0.02), "rate {}", r.rate);
        assert!(
            close(shifted.recall, weighted.recall, 0.03),
            "rate {}",
            r.rate
        );
    }
}

#[test]
fn pos_weight_moves_the_bias_and_keeps_the_direction() {
    let e = experiment();
    for r in &e.rates {
        let [bce, pw, _] = three(r);
        let (b, p) = (bce.linear.as_ref().unwrap(), pw.linear.as_ref().unwrap());
        let ((wb, bb), (wp, bp)) = ((&b.weights, b.bias), (&p.weights, p.bias));
        let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>();
        let cos = dot(wb, wp) / (dot(wb, wb) * dot(wp, wp)).sqrt();
        assert!(cos > 0.99, "rate {}: cos {cos}", r.rate);
        assert!(bp - bb > 0.8 * r.pos_weight.ln(), "rate {}", r.rate);
    }
    // At 5% the shift is ln(pos_weight) almost exactly.
    let r = &e.rates[0];
    let [bce, pw, _] = three(r);
    let shift = pw.linear.as_ref().unwrap().bias - bce.linear.as_ref().unwrap().bias;
    assert!(close(shift, r.pos_weight.ln(), 0.1), "{shift}");
}

#[test]
fn plain_bce_is_calibrated_and_pos_weight_is_not() {
    for r in &experiment().rates {
        let [bce, pw, _] = three(r);
        let base =
            r.test_labels.iter().filter(|&&l| l == 1).count() as f64 / r.test_labels.len() as f64;
        assert!(close(bce.mean_prob(), base, 0.005), "rate {}", r.rate);
        assert!(pw.mean_prob() > 4.0 * base, "rate {}", r.rate);
    }
}

#[test]
fn focal_with_alpha_quarter_lowers_recall_at_half() {
    for r in &experiment().rates {
        let [bce, _, focal] = three(r);
        assert!(
            focal.scores_at(&r.test_labels, 0.5).recall < bce.scores_at(&r.test_labels, 0.5).recall,
            "rate {}",
            r.rate
        );
    }
}

#[test]
fn focal_factor_shrinks_easy_examples() {
    let ce = focal_at(&[0.9], 0.0).unwrap()[0];
    let g2 = focal_at(&[0.9], 2.0).unwrap()[0];
    assert!(close(g2 / ce, 0.01, 1e-6), "{}", g2 / ce);
    assert!(close(ce, -(0.9f64.ln()), 1e-6));
}

#[test]
fn gamma_raises_probabilities_but_not_ranking_or_tuned_f1() {
    let e = experiment();
    let r = &e.rates[0];
    let gammas: Vec<f64> = r
        .sweep
        .iter()
        .map(|run| match run.method {
            Method::Focal { alpha: None, gamma } => gamma,
            m => panic!("unexpected sweep method {m:?}"),
        })
        .collect();
    assert_eq!(gammas, [0.0, 0.5, 1.0, 2.0, 5.0]);
    let neg: Vec<f64> = r
        .sweep
        .iter()
        .map(|run| run.mean_prob_of(&r.test_labels, 0))
        .collect();
    assert!(neg.windows(2).all(|w| w[1] > w[0]), "{neg:?}");
    assert!(neg[4] > 5.0 * neg[0]);
    let aps: Vec<f64> = r
        .sweep
        .iter()
        .map(|run| average_precision(&run.test_prob, &r.test_labels))
        .collect();
    let f1s: Vec<f64> = r.sweep.iter().map(|run| r.tuned(run).scores.f1).collect();
    let spread = |v: &[f64]| {
        v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
    };
    assert!(spread(&aps) < 0.002, "{aps:?}");
    assert!(spread(&f1s) < 0.01, "{f1s:?}");
}

#[test]
fn focal_with_gamma_zero_and_no_alpha_is_plain_bce_bit_for_bit() {
    let e = experiment();
    let r = &e.rates[0];
    assert_eq!(
        r.sweep[0].method,
        Method::Focal {
            alpha: None,
            gamma: 0.0
        }
    );
    assert_eq!(r.sweep[0].test_prob, r.methods[0].test_prob);
}

#[test]
fn class_weights_trade_accuracy_for_minority_recall() {
    let e = experiment();
    let m = &e.multi;
    let c = m.shares.len();
    let models = multi_predictions(m);
    let (plain, weighted, adjusted) = (&models[0].pred, &models[1].pred, &models[2].pred);
    for class in 1..c as u32 {
        let (p, w) = (
            class_scores(plain, &m.test_labels, class),
            class_scores(weighted, &m.test_labels, class),
        );
        assert!(w.recall > p.recall + 0.3, "class {class}");
        assert!(w.precision < p.precision, "class {class}");
    }
    assert!(accuracy(weighted, &m.test_labels) < accuracy(plain, &m.test_labels) - 0.1);
    assert!(mean_recall(weighted, &m.test_labels, c) > mean_recall(plain, &m.test_labels, c) + 0.1);
    // Macro F1 does not improve here: the weights overshoot for F1.
    assert!(macro_f1(weighted, &m.test_labels, c) < macro_f1(plain, &m.test_labels, c));
    // Shifting plain CE's log-probabilities by ln w gives nearly the same predictions.
    let same = weighted
        .iter()
        .zip(adjusted)
        .filter(|(a, b)| a == b)
        .count();
    assert!(same as f64 > 0.95 * m.test_labels.len() as f64);
}

#[test]
fn a_negative_alpha_turns_alpha_off_once_at_the_command_line() {
    assert_eq!(CHAPTER.defaults().alpha, Some(0.25));
    assert_eq!(CHAPTER.options(&["--alpha", "-1"]).unwrap().alpha, None);
    assert_eq!(
        CHAPTER.options(&["--alpha", "0.75"]).unwrap().alpha,
        Some(0.75)
    );
    for bad in ["1.5", "nan", "x"] {
        let e = CHAPTER
            .options(&["--alpha", bad])
            .err()
            .unwrap_or_else(|| panic!("--alpha {bad} was accepted"));
        assert!(e.to_string().contains(bad), "{e}");
    }
}

#[test]
fn flags_out_of_range_or_inconsistent_are_refused() {
    for args in [
        &["--rate", "0.7"][..],
        &["--rate", "0.05,inf"],
        &["--separation", "-1"],
        &["--gammas", "0,25"],
        &["--lr", "0"],
        &["--train", "50"],
    ] {
        assert!(CHAPTER.options(args).is_err(), "{args:?} was accepted");
    }
    let refused = |args: &[&str]| CHAPTER.options(args).unwrap_err().to_string();
    assert!(refused(&["--shares", "0.5,0.4"]).contains("--shares must add up to 1, not 0.9000"));
    assert!(refused(&["--shares", "1"]).contains("--shares needs between 2 and 8 classes"));
    assert!(refused(&["--rate", "0.001", "--train", "5000"]).contains("raise --train"));
    let o = CHAPTER
        .options(&["--rate", "0.2,0.05,0.01", "--gamma", "5"])
        .unwrap();
    assert_eq!((o.rate, o.gamma), (vec![0.2, 0.05, 0.01], 5.0));
}

#[test]
fn the_printed_scores_are_the_trained_models_scores() {
    let e = experiment();
    for (r, s) in e.rates.iter().zip(&REPORT.rates) {
        for (run, half) in r.methods.iter().zip(&s.at_half.methods) {
            assert_eq!(run.method, half.method);
            // Counted here from the model's test probabilities, not by binary_scores.
            let rows = || run.test_prob.iter().zip(&r.test_labels);
            let flagged = rows().filter(|(p, _)| **p >= 0.5).count();
            let hits = rows().filter(|(p, l)| **p >= 0.5 && **l == 1).count();
            let positives = rows().filter(|(_, l)| **l == 1).count();
            let printed = &half.scores;
            assert_eq!(printed.predicted_positive, flagged, "{:?}", run.method);
            assert!(close(
                printed.precision,
                hits as f64 / flagged as f64,
                1e-12
            ));
            assert!(close(printed.recall, hits as f64 / positives as f64, 1e-12));
        }
        assert_eq!(s.tuned.len(), 3);
    }
    assert_eq!(REPORT.rates[0].sweep.len(), 5);
    assert!(REPORT.rates[1].sweep.is_empty());
}
