//! The chapter's headline claims, checked on the data its sections print.

use book_kit::plot::linspace;
use candle_core::{DType, Device, Tensor};
use ch05_naive_bce_nan::CHAPTER;
use ch05_naive_bce_nan::bce::{
    Agreement, Bce, SWEEP, candle_nn_matches_naive, side_by_side, sweep,
};
use ch05_naive_bce_nan::multiclass::{multiclass_case, multiclass_thresholds};
use ch05_naive_bce_nan::pytorch::{
    PYTORCH_CASES, clamped_bce_elementwise, clamped_bce_grad, pytorch_rows,
};
use ch05_naive_bce_nan::scan::{find_thresholds, first_failure};
use ch05_naive_bce_nan::training::train_both;
use shared::losses::LossAndGrad;

fn row(z: f64, bce: Bce, y: f64) -> (f64, f64) {
    let r = side_by_side(z).unwrap();
    let row = r.rows.iter().find(|r| r.bce == bce && r.y == y).unwrap();
    (row.loss, row.grad)
}

#[test]
fn naive_bce_is_nan_at_logit_17_for_the_correct_label_and_so_is_candle_nn() {
    assert_eq!(
        side_by_side(17.0).unwrap().sigmoid,
        1.0,
        "sigma(17) rounds to 1 in f32"
    );
    for bce in [Bce::Naive, Bce::CandleNn] {
        let (loss, grad) = row(17.0, bce, 1.0);
        assert!(loss.is_nan() && grad.is_nan(), "{bce:?}: {loss} {grad}");
        let (loss, grad) = row(17.0, bce, 0.0);
        assert!(
            loss == f64::INFINITY && grad.is_nan(),
            "{bce:?}: {loss} {grad}"
        );
    }
    // the stable loss keeps PyTorch's tiny positive value, log1p(e^-17) = 4.1399e-8
    let stable = row(17.0, Bce::Stable, 1.0).0;
    assert!((stable - 4.1399e-8).abs() < 1e-11, "{stable}");
    let (loss, grad) = row(17.0, Bce::Stable, 0.0);
    assert_eq!(loss, 17.0);
    assert!((grad - 1.0).abs() < 1e-6, "{grad}");
    // Just below the threshold the naive loss still works.
    assert!(row(16.6, Bce::Naive, 1.0).0.is_finite());
}

#[test]
fn candle_nn_binary_cross_entropy_with_logit_is_the_naive_form() {
    assert_eq!(
        candle_nn_matches_naive().unwrap(),
        Agreement {
            same: 802,
            total: 802
        }
    );
}

#[test]
fn the_thresholds_are_where_sigma_rounds_and_exp_overflows() {
    let t = find_thresholds().unwrap();
    let near = |x: Option<f64>, want: f64, tol: f64| {
        let x = x.expect("fails somewhere");
        assert!((x - want).abs() < tol, "{x} vs {want}");
    };
    // σ(z) = 1 from 24 ln 2 (f32) and 53 ln 2 (f64), to within a float's spacing there.
    for r in &t[0..4] {
        near(r.f32, 24.0 * std::f64::consts::LN_2, 2e-6);
        near(r.f64, 53.0 * std::f64::consts::LN_2, 1e-12);
        assert_eq!(r.f32, t[0].f32, "{}", r.what);
        assert_eq!(r.f64, t[0].f64, "{}", r.what);
    }
    // σ(z) = 0 where e^-z overflows.
    for r in &t[4..8] {
        near(r.f32, -(f32::MAX as f64).ln(), 1e-5);
        near(r.f64, -f64::MAX.ln(), 1e-9);
        assert_eq!(r.f32, t[4].f32, "{}", r.what);
    }
    assert_eq!(t[8].what, "stable loss or gradient not finite, z or -z");
    assert_eq!((t[8].f32, t[8].f64), (None, None));
    // The printed figures.
    let f4 = |x: Option<f64>| book_kit::table::f4(x.unwrap());
    assert_eq!(
        [f4(t[0].f32), f4(t[0].f64), f4(t[4].f32), f4(t[4].f64)],
        ["16.6355", "36.7368", "-88.7228", "-709.7827"]
    );
}

#[test]
fn the_scan_finds_a_single_crossing() {
    // Below the threshold the naive loss is finite everywhere on a fine grid,
    // above it NaN everywhere, so bisection found the one crossing.
    let z = linspace(0.0, 40.0, 4001);
    let r = Bce::Naive.eval(&z, 1.0, DType::F32).unwrap();
    let first = z[r.value.iter().position(|v| v.is_nan()).unwrap()];
    assert!(
        z.iter()
            .zip(&r.value)
            .all(|(&z, v)| v.is_nan() == (z >= first))
    );
    assert_eq!(first, 16.64);
}

#[test]
fn the_stable_form_is_finite_everywhere() {
    for dtype in [DType::F32, DType::F64] {
        let s = sweep(dtype).unwrap();
        for p in s.stable.iter() {
            assert!(p.value.iter().chain(&p.grad).all(|v| v.is_finite()));
        }
    }
    let far = linspace(-1e4, 1e4, 2001);
    for y in [0.0, 1.0] {
        let r = Bce::Stable.eval(&far, y, DType::F32).unwrap();
        assert!(r.value.iter().chain(&r.grad).all(|v| v.is_finite()));
        // and right: (1 − y)·z + softplus(−z) is max(z, 0) or max(−z, 0) far out
        assert_eq!(r.value[0], if y == 0.0 { 0.0 } else { 1e4 });
        assert_eq!(r.value[2000], if y == 0.0 { 1e4 } else { 0.0 });
    }
}

#[test]
fn the_naive_sweep_breaks_where_the_chapter_says() {
    let s = sweep(DType::F32).unwrap();
    let at = |z: f64| SWEEP.iter().position(|&x| x == z).unwrap();
    // y = 1 (index 0): NaN from 17 up, inf from −100 down.
    assert!(s.naive[0].value[at(17.0)].is_nan());
    assert_eq!(s.naive[0].value[at(-100.0)], f64::INFINITY);
    // y = 0: inf from 17 up, NaN from −100 down; at 16 finite but off by 0.0576.
    assert_eq!(s.naive[1].value[at(17.0)], f64::INFINITY);
    assert!(s.naive[1].value[at(-100.0)].is_nan());
    assert!((s.naive[1].value[at(16.0)] - 15.9424).abs() < 1e-4);
    // f64 lasts longer: fine at 20, NaN at 50.
    let d = sweep(DType::F64).unwrap();
    assert!(d.naive[0].value[at(20.0)].is_finite());
    assert!(d.naive[0].value[at(50.0)].is_nan());
    assert_eq!(d.naive[0].value[at(-200.0)], 200.0);
}

#[test]
fn pytorch_bce_loss_clamps_at_100_and_reports_a_zero_gradient() {
    let at = |z: f32, y: f64| {
        let t = Tensor::new(&[z], &Device::Cpu).unwrap();
        clamped_bce_elementwise(&t, y)
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()[0]
    };
    // The common demonstration: logit 100, target 1, prints 0.
    assert_eq!(at(100.0, 1.0), 0.0);
    // Confidently wrong: 100 instead of 200, and no gradient to fix it.
    assert_eq!(at(200.0, 0.0), 100.0);
    assert_eq!(clamped_bce_grad(200.0, 0.0), 0.0);
    assert_eq!(row(200.0, Bce::Stable, 0.0), (200.0, 1.0));
    // Where the clamp is not reached it agrees with the naive form.
    assert_eq!(at(16.0, 0.0), 15.942385);
}

/// PyTorch's own figures, one row per (z, y): z, y, `BCELoss(sigmoid(z))`,
/// its gradient, `BCEWithLogitsLoss(z)`, its gradient (`rows` in the file
/// tools/pytorch-figures.py writes), and the version that computed them.
fn pytorch_figures() -> (String, Vec<[f64; 6]>) {
    let file = include_str!("../pytorch-figures.toml");
    let version = file
        .lines()
        .find_map(|l| l.strip_prefix("pytorch = "))
        .expect("pytorch-figures.toml names no version");
    let rows = file
        .lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.strip_suffix("],"))
        .map(|row| {
            let v: Vec<f64> = row.split(',').map(|x| x.trim().parse().unwrap()).collect();
            v.try_into().unwrap()
        })
        .collect();
    (version.trim_matches('"').to_string(), rows)
}

#[test]
fn the_pytorch_columns_are_pytorchs_own_figures() {
    let (version, torch) = pytorch_figures();
    assert!(version.starts_with("2.15."), "{version}");
    let ours = pytorch_rows().unwrap();
    assert_eq!(torch.len(), PYTORCH_CASES.len());
    let f4 = book_kit::table::f4;
    for (p, t) in ours.iter().zip(&torch) {
        assert_eq!(
            (p.z, p.y),
            (t[0], t[1]),
            "the script's cases are not the chapter's"
        );
        // To the printed precision: the reproduction of BCELoss(sigmoid) and
        // its gradient, and the stable form, which is BCEWithLogitsLoss.
        let printed = [p.clamped, p.clamped_grad, p.stable, p.stable_grad].map(f4);
        assert_eq!(
            printed,
            [t[2], t[3], t[4], t[5]].map(f4),
            "z = {}, y = {}",
            p.z,
            p.y
        );
    }
}

#[test]
fn softmax_then_log_breaks_and_log_softmax_does_not() {
    // The common multi-class demonstration prints 0, as in PyTorch; exp/sum gives NaN.
    let r = multiclass_case(&[100.0, 0.0, 0.0], 0).unwrap();
    assert_eq!(r.softmax_log.value, 0.0);
    assert!(r.naive_log.value.is_nan());
    // [200, 0, 0], target 1: softmax underflows to 0, log gives inf.
    let r = multiclass_case(&[200.0, 0.0, 0.0], 1).unwrap();
    assert_eq!(r.softmax_log.value, f64::INFINITY);
    assert_eq!(
        r.log_softmax,
        LossAndGrad {
            value: 200.0,
            grad: vec![1.0, -1.0, 0.0]
        }
    );
    // A finite loss with a wrong gradient: the division's backward overflows.
    let r = multiclass_case(&[50.0, 0.0, 0.0], 1).unwrap();
    assert_eq!(r.naive_log.value, 50.0);
    assert_eq!(r.naive_log.grad[0], 0.0);
    assert_eq!(r.log_softmax.grad[0], 1.0);
    let t = multiclass_thresholds().unwrap();
    assert!((t.naive_nan.unwrap() - 88.7228).abs() < 1e-4);
    assert!((t.softmax_inf.unwrap() - 103.9721).abs() < 1e-4);
}

#[test]
fn naive_training_turns_nan_part_way_and_stable_training_does_not() {
    let opts = CHAPTER.defaults();
    let t = train_both(&opts).unwrap();
    let step = t.naive.nan_step().expect("the naive run turns NaN");
    assert!(step > 50 && step < 200, "NaN at step {step}");
    assert_eq!(t.naive.history.len(), step + 1);
    // Until then the two runs are the same run.
    for (a, b) in t.naive.history[..step].iter().zip(&t.stable.history) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    assert_eq!(t.stable.history.len(), opts.steps as usize);
    assert!(t.stable.history.iter().all(|l| l.is_finite()));
    assert!(t.stable.history.last().unwrap() < &t.naive.history[step - 1]);
    assert!(t.stable.accuracy >= 0.99);
    // One more step on the NaN loss ruins every parameter and every prediction.
    assert_eq!(t.poisoned.nan_params, t.poisoned.params);
    assert_eq!(t.poisoned.params, 97);
    assert_eq!(t.poisoned.nan_logits, t.poisoned.logits);
    // With PyTorch's ReLU backward (0 where z <= 0) the NaN reaches the whole
    // output layer (16 weights, 1 bias) but, in the hidden layer, only the units
    // active on the saturated example: 8 of 16, each with 4 weights and a bias.
    let m = &t.poisoned_masked;
    assert_eq!(t.naive.saturated.correct, 1);
    assert_eq!(m.nan_per_var, [32, 8, 16, 1]);
    assert_eq!((m.nan_params, m.params), (57, 97));
    // Every logit is NaN all the same, since every output weight is.
    assert_eq!(m.nan_logits, m.logits);
    assert_eq!(m.accuracy, t.poisoned.accuracy);
    assert_eq!(t.poisoned.accuracy, t.class_0_share);
}

#[test]
fn scan_reports_never_for_a_check_that_never_fails() {
    let never = first_failure(DType::F32, 1.0, &|z, _| Ok(vec![false; z.len()])).unwrap();
    assert_eq!(never, None);
}

#[test]
fn a_learning_rate_or_init_scale_that_is_not_positive_is_refused() {
    for flag in ["--lr", "--init-scale"] {
        for bad in ["0", "-0.1", "nan", "inf", "x"] {
            let e = CHAPTER
                .options(&[flag, bad])
                .err()
                .unwrap_or_else(|| panic!("{flag} {bad} was accepted"));
            assert!(e.to_string().contains(bad), "{e}");
        }
    }
    for bad in ["nan", "-inf"] {
        assert!(CHAPTER.options(&["--logit", bad]).is_err(), "--logit {bad}");
    }
    let o = CHAPTER
        .options(&["--logit", "-88.8", "--lr", "0.03", "--init-scale", "5"])
        .unwrap();
    assert_eq!((o.logit, o.lr, o.init_scale), (-88.8, 0.03, 5.0));
}
