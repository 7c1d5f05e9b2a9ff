//! The chapter's headline claims, asserted on the data its experiments return
//! at the default flags.

use ch04_loss_task_mismatch::binary::{Loss, Trained, compare, easy_task, hard_settings};
use ch04_loss_task_mismatch::constant::constant_scan;
use ch04_loss_task_mismatch::gradients::{Optimiser, gradient_at, wrong_start_runs};
use ch04_loss_task_mismatch::multiclass::{MultiLoss, MultiTask, multiclass};
use ch04_loss_task_mismatch::setup::ProbabilityScores;
use ch04_loss_task_mismatch::{CHAPTER, Options};

fn opts() -> Options {
    CHAPTER.defaults()
}

fn scores(rows: &[Trained], loss: Loss) -> &ProbabilityScores {
    &rows
        .iter()
        .find(|t| t.loss == loss)
        .expect("every loss is trained")
        .scores
}

#[test]
fn the_best_constant_under_mse_and_log_loss_is_the_class_rate() {
    let o = opts();
    let s = constant_scan(&easy_task(&o).train, &o).unwrap();
    assert!(
        (s.rate - 0.3).abs() < 0.02,
        "about 30% positives, got {}",
        s.rate
    );
    // The grid steps by 0.001: the best grid point is the rate itself.
    assert!(
        (s.mse_best - s.rate).abs() < 5e-4,
        "MSE best at {}, rate {}",
        s.mse_best,
        s.rate
    );
    assert!(
        (s.log_loss_best - s.rate).abs() < 5e-4,
        "log-loss best at {}",
        s.log_loss_best
    );
    // On 0/1 labels with a share r of ones, a constant c scores
    // r(1 − c)² + (1 − r)c²: the scan's MSE, by hand, at every grid point.
    for g in &s.grid {
        let by_hand = s.rate * (1.0 - g.c).powi(2) + (1.0 - s.rate) * g.c.powi(2);
        assert!((g.mse - by_hand).abs() < 1e-9, "MSE({}) = {}", g.c, g.mse);
    }
    // Its minimum, at c = r, is r(1 − r): 0.301 · 0.699 for the 1000 labels.
    assert!((s.mse_min - s.rate * (1.0 - s.rate)).abs() < 1e-9);
    assert!((s.mse_min - 0.301 * 0.699).abs() < 1e-9, "{}", s.mse_min);
    // Training an intercept-only model lands there too, with either loss.
    for i in &s.intercept_only {
        assert!(
            (i.prob - s.rate).abs() < 1e-3,
            "{:?} intercept-only predicts {}",
            i.loss,
            i.prob
        );
    }
}

#[test]
fn on_easy_data_mse_classifies_as_well_as_bce_but_is_badly_calibrated() {
    let o = opts();
    let rows = compare(&easy_task(&o), &o).unwrap();
    let (mse, bce) = (scores(&rows, Loss::MseRaw), scores(&rows, Loss::Bce));
    assert!(
        (mse.accuracy - bce.accuracy).abs() < 0.01,
        "accuracy {} vs {}",
        mse.accuracy,
        bce.accuracy
    );
    assert!(
        bce.ece < 0.5 * mse.ece,
        "ECE: BCE {} vs MSE {}",
        bce.ece,
        mse.ece
    );
    assert!(bce.log_loss < mse.log_loss);
    assert!(
        mse.outside > 0.1,
        "raw MSE outputs outside [0,1]: {}",
        mse.outside
    );
    assert!(mse.min < 0.0 && mse.max > 1.0);
    assert_eq!(bce.outside, 0.0);
    // Squared error through a sigmoid is a proper score: calibrated like BCE.
    let sig = scores(&rows, Loss::MseSigmoid);
    assert!(sig.ece < 0.5 * mse.ece && (sig.accuracy - bce.accuracy).abs() < 0.01);
}

#[test]
fn mse_through_a_sigmoid_loses_its_gradient_when_confidently_wrong() {
    let z = [-8.0, 2.0];
    let raw = gradient_at(Loss::MseRaw, &z).unwrap();
    let sig = gradient_at(Loss::MseSigmoid, &z).unwrap();
    let bce = gradient_at(Loss::Bce, &z).unwrap();
    // Label 1 at logit −8: BCE pushes with almost full strength, MSE∘σ barely.
    assert!(
        bce[0] < -0.99 && sig[0].abs() < 1e-3,
        "bce {} sig {}",
        bce[0],
        sig[0]
    );
    // Raw MSE pushes a correct, confident output of 2 back down towards 1.
    assert!((raw[1] - 2.0).abs() < 1e-12);
}

#[test]
fn from_a_confidently_wrong_start_gradient_descent_stalls_with_mse_on_sigmoid() {
    let o = opts();
    let runs = wrong_start_runs(&easy_task(&o), &o).unwrap();
    let last = |loss: Loss, opt: Optimiser| {
        let r = runs
            .iter()
            .find(|r| r.loss == loss && r.optimiser == opt)
            .unwrap();
        r.accuracy.last().unwrap().accuracy
    };
    let (sig_gd, bce_gd) = (
        last(Loss::MseSigmoid, Optimiser::GradientDescent),
        last(Loss::Bce, Optimiser::GradientDescent),
    );
    assert!(
        bce_gd > 0.9 && sig_gd < bce_gd - 0.2,
        "GD: MSE∘σ {sig_gd}, BCE {bce_gd}"
    );
    // Adam rescales each gradient by its own size, and both recover.
    assert!(
        last(Loss::MseSigmoid, Optimiser::Adam) > 0.9 && last(Loss::Bce, Optimiser::Adam) > 0.9
    );
}

#[test]
fn rare_positives_leave_mse_at_the_majority_class_and_far_positives_pull_it_off() {
    let settings = hard_settings(&opts()).unwrap();
    let (rare, far) = (&settings[0], &settings[1]);
    let (mse, bce) = (
        scores(&rare.results, Loss::MseRaw),
        scores(&rare.results, Loss::Bce),
    );
    assert!(
        mse.recall < 0.1 && bce.recall > 0.5,
        "rare recall: MSE {} BCE {}",
        mse.recall,
        bce.recall
    );
    assert!(
        (mse.accuracy - rare.majority_accuracy).abs() < 0.01,
        "MSE is no better than the majority class"
    );
    let (mse, bce) = (
        scores(&far.results, Loss::MseRaw),
        scores(&far.results, Loss::Bce),
    );
    assert!(
        mse.recall < bce.recall - 0.2,
        "far recall: MSE {} BCE {}",
        mse.recall,
        bce.recall
    );
    assert!(mse.accuracy < bce.accuracy - 0.05);
    assert!(
        mse.ece > 4.0 * bce.ece,
        "far ECE: MSE {} BCE {}",
        mse.ece,
        bce.ece
    );
}

#[test]
fn mse_on_one_hot_masks_the_middle_of_three_classes_in_a_row() {
    let rows = multiclass(&opts()).unwrap().runs;
    let get = |task: MultiTask, loss: MultiLoss| {
        &rows
            .iter()
            .find(|r| r.task == task && r.loss == loss)
            .unwrap()
            .scores
    };
    // Four classes, each on its own feature: MSE does about as well as cross-entropy.
    let (mse4, ce4) = (
        get(MultiTask::FourClasses, MultiLoss::MseOneHot),
        get(MultiTask::FourClasses, MultiLoss::CrossEntropy),
    );
    assert!((mse4.accuracy - ce4.accuracy).abs() < 0.03);
    // Three classes in a row: MSE never predicts the middle one.
    let (mse3, ce3) = (
        get(MultiTask::ThreeInARow, MultiLoss::MseOneHot),
        get(MultiTask::ThreeInARow, MultiLoss::CrossEntropy),
    );
    assert!(
        mse3.recall[1] < 0.05 && ce3.recall[1] > 0.85,
        "middle recall {} vs {}",
        mse3.recall[1],
        ce3.recall[1]
    );
    assert!(ce3.accuracy > mse3.accuracy + 0.2);
    assert!(mse3.outside > 0.1 && ce3.outside == 0.0);
}

#[test]
fn bad_flag_values_are_refused_by_the_parser() {
    for args in [
        ["--positive-rate", "1"],
        ["--positive-rate", "0"],
        ["--rare-rate", "nan"],
        ["--far-share", "1.5"],
        ["--lr", "0"],
        ["--steps", "0"],
        ["--bins", "0"],
        ["--separation", "inf"],
    ] {
        assert!(CHAPTER.options(&args).is_err(), "{args:?} was accepted");
    }
    let o = CHAPTER
        .options(&["--positive-rate", "0.5", "--far-share", "1", "--lr", "0.01"])
        .unwrap();
    assert_eq!((o.positive_rate, o.far_share, o.lr), (0.5, 1.0, 0.01));
}
