//! The chapter's headline claims, asserted on the data its sections print.

use ch03_regression_losses::deliveries::{OUTLIER_TARGETS, PREDICTIONS, TARGETS, breakdown};
use ch03_regression_losses::loss::{Loss, huber_as_written, join};
use ch03_regression_losses::training::{robustness, sets, sweep};
use ch03_regression_losses::{CHAPTER, Options};
use shared::losses;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

const HUBER5: Loss = Loss::Huber { delta: 5.0 };

#[test]
fn the_four_deliveries_give_pytorchs_figures() {
    let value = |loss, target: &[f32]| breakdown(loss, &PREDICTIONS, target).unwrap().value;
    // nn.MSELoss, nn.L1Loss, nn.HuberLoss(delta=5.0), as PyTorch prints them.
    assert!(close(value(Loss::Mse, &TARGETS), 26.25));
    assert!(close(value(Loss::Mae, &TARGETS), 4.75));
    assert!(close(value(HUBER5, &TARGETS), 12.5));
    assert!(close(value(Loss::Mse, &OUTLIER_TARGETS), 778.5));
    assert!(close(value(Loss::Mae, &OUTLIER_TARGETS), 17.5));
    // 76.1 when printed to one decimal.
    assert!(close(value(HUBER5, &OUTLIER_TARGETS), 76.125));
}

#[test]
fn the_outlier_dominates_mse_and_its_gradient() {
    let b = breakdown(Loss::Mse, &PREDICTIONS, &OUTLIER_TARGETS).unwrap();
    assert!(b.loss_share(3) > 0.95, "{}", b.loss_share(3));
    assert!(b.grad_share(3) > 0.75, "{}", b.grad_share(3));
    // d/dŷ mean(e²) = 2e/N: grows with the error.
    for (g, e) in b.grad.iter().zip(&b.errors) {
        assert!(close(*g, 2.0 * e / 4.0));
    }
    // Each sample contributes e²/N, from the constants, not from the loss; the
    // four add up to PyTorch's 778.5, of which the lost parcel's 55² / 4 is 756.25.
    for (i, c) in b.contributions.iter().enumerate() {
        let e = f64::from(PREDICTIONS[i] - OUTLIER_TARGETS[i]);
        assert!(close(*c, e * e / 4.0), "sample {i}: {c}");
    }
    assert!(close(b.contributions.iter().sum(), 778.5));
    assert!(close(b.contributions[3], 756.25));
}

#[test]
fn mae_gradient_is_a_constant_one_over_n() {
    let b = breakdown(Loss::Mae, &PREDICTIONS, &OUTLIER_TARGETS).unwrap();
    for (g, e) in b.grad.iter().zip(&b.errors) {
        assert!(close(*g, e.signum() / 4.0), "{g} for error {e}");
        assert!(close(b.grad_share(0), 0.25));
    }
}

#[test]
fn huber_gradient_is_clipped_at_delta_over_n() {
    let b = breakdown(HUBER5, &PREDICTIONS, &OUTLIER_TARGETS).unwrap();
    for (g, e) in b.grad.iter().zip(&b.errors) {
        assert!(g.abs() <= 5.0 / 4.0 + 1e-9);
        let expected = e.clamp(-5.0, 5.0) / 4.0;
        assert!(close(*g, expected), "{g} for error {e}");
    }
    // The outlier (error −55) pulls no harder than the error of −6.
    assert!(close(b.grad[3], b.grad[0]));
    // Its loss share is still large: the difference is in the gradient.
    assert!(b.loss_share(3) > 0.8 && b.grad_share(3) < 0.3);
}

#[test]
fn pytorchs_huber_branches_meet_and_the_written_formula_jumps() {
    let d = 5.0;
    let pt = join(|e| losses::huber_elementwise(e, &e.zeros_like()?, d), d).unwrap();
    assert!((pt.value_below - pt.value_above).abs() < 1e-6);
    assert!((pt.slope_below - d).abs() < 1e-6 && (pt.slope_above - d).abs() < 1e-6);
    let w = join(|e| huber_as_written(e, d), d).unwrap();
    assert!((w.value_below - 25.0).abs() < 1e-6 && (w.value_above - 12.5).abs() < 1e-6);
    assert!((w.slope_below - 10.0).abs() < 1e-6 && (w.slope_above - 5.0).abs() < 1e-6);
}

fn opts(args: &[&str]) -> Options {
    CHAPTER.options(args).unwrap()
}

#[test]
fn mae_and_huber_shrug_off_outliers_that_double_mses_test_error() {
    for seed in ["42", "7"] {
        let o = opts(&["--seed", seed]);
        let r = robustness(&sets(&o), &o).unwrap();
        let (mse, mae, huber) = (&r.dirty[0], &r.dirty[1], &r.dirty[2]);
        assert_eq!(
            (mse.loss, mae.loss, huber.loss),
            (Loss::Mse, Loss::Mae, HUBER5)
        );
        // Trained on clean data, all three converge near the noise floor.
        for c in &r.clean {
            assert!(c.test.mae < 1.05 * r.floor.mae, "seed {seed}: {c:?}");
        }
        // With outliers, MSE's clean-test MAE is more than 1.5 times the others'.
        assert!(mse.test.mae > 1.5 * mae.test.mae, "seed {seed}");
        assert!(mse.test.mae > 1.5 * huber.test.mae, "seed {seed}");
        assert!(mse.test.rmse > 1.5 * huber.test.rmse, "seed {seed}");
        // What outliers cost: MSE much, MAE and Huber next to nothing.
        assert!(mse.test.mae - r.clean[0].test.mae > 1.0, "seed {seed}");
        assert!(mae.test.mae - r.clean[1].test.mae < 0.1, "seed {seed}");
        assert!(huber.test.mae - r.clean[2].test.mae < 0.1, "seed {seed}");
        // MSE fits the mean, so it moves by the mean shift of the targets.
        assert!((mse.test.bias - r.target_shift).abs() < 0.5, "seed {seed}");
        assert!(huber.test.bias.abs() < 0.5 && mae.test.bias.abs() < 0.5);
    }
}

#[test]
fn a_larger_delta_moves_huber_towards_mse() {
    let o = CHAPTER.defaults();
    let s = sets(&o);
    let fits = sweep(&s, &o, &[]).unwrap();
    // The chapter reuses the reader's δ from the robustness runs: the same fit.
    let reused = sweep(&s, &o, &robustness(&s, &o).unwrap().dirty).unwrap();
    assert_eq!(fits, reused);
    let deltas: Vec<f64> = fits
        .iter()
        .map(|f| match f.loss {
            Loss::Huber { delta } => delta,
            _ => panic!("the sweep trains Huber only"),
        })
        .collect();
    assert_eq!(deltas, vec![1.0, 5.0, 20.0, 100.0]);
    // The bias grows with δ ...
    for w in fits.windows(2) {
        assert!(w[0].test.bias < w[1].test.bias, "{w:?}");
    }
    // ... and at δ = 100 no residual is in the linear branch: Huber is ½·MSE,
    // and Adam trains it to the same model as MSE.
    let last = &fits[3];
    assert_eq!(last.linear_share, Some(0.0));
    let mse = &robustness(&s, &o).unwrap().dirty[0];
    assert!((last.test.mae - mse.test.mae).abs() < 0.01);
    // δ = 1 is not too slow to converge within the default steps.
    assert!(fits[0].test.mae < fits[1].test.mae + 0.05);
}

#[test]
fn bad_flags_are_rejected_with_one_line_and_exit_code_2() {
    for args in [
        &["--delta", "0"][..],
        &["--delta", "-1"],
        &["--outlier-rate", "0.6"],
        &["--outlier-rate", "-0.1"],
        &["--outlier-size", "nan"],
        &["--outlier-size", "1e30"],
        &["--lr", "-0.1"],
        &["--steps", "0"],
        &["--train-size", "5"],
        &["--lr", "inf"],
        &["--seed", "-1"],
    ] {
        assert!(CHAPTER.options(args).is_err(), "{args:?}");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ch03-regression-losses"))
            .args(args)
            .arg("--no-plots")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty() && !err.contains("panicked"));
    }
}

#[test]
fn a_refused_flag_says_what_range_it_wanted() {
    for (args, wanted) in [
        (&["--delta", "0"][..], "positive"),
        (&["--outlier-rate", "0.6"], "between 0 and 0.5"),
        (&["--outlier-size", "1e30"], "between -1000 and 1000"),
        (&["--lr", "nan"], "not a finite number"),
    ] {
        let e = CHAPTER
            .options(args)
            .expect_err(&format!("{args:?} was accepted"));
        assert!(e.to_string().contains(wanted), "{args:?}: {e}");
    }
    let o = opts(&["--delta", "1", "--outlier-size", "-30"]);
    assert_eq!((o.delta, o.outlier_size), (1.0, -30.0));
}
