//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch05-naive-bce-nan -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.
//!
//! The other tests hold each check to what its messages say (a known slip
//! gets its cause line, and the line's advice passes); they run with or
//! without the feature.

use book_kit::chapter::assert_solved;
use candle_core::{D, Result, Tensor};
use ch05_naive_bce_nan::CHAPTER;
use ch05_naive_bce_nan::checks;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise stable-bce"
)]
fn exercise_stable_bce() {
    assert_solved(&CHAPTER, "stable-bce");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise log-softmax"
)]
fn exercise_log_softmax() {
    assert_solved(&CHAPTER, "log-softmax");
}

/// Two plausible wrong answers, rejected whatever the features. The usual
/// stable form with a plain `log(1 + t)` gives a loss of 0 at z = ±17, where
/// PyTorch gives 4.14e-8; with the loss fixed, `relu(z) − z·y` still cancels
/// the gradient at z = 17, y = 1 to 0 in f32, where σ(−17) = 4.1e-8 belongs.
#[test]
fn a_loss_or_a_gradient_of_zero_at_17_is_rejected() {
    fn plain_log(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let z = logits;
        let tail = (z.abs()?.neg()?.exp()? + 1.0)?.log()?;
        (z.relu()? - (z * targets)?)? + tail
    }
    let why = checks::stable_bce(plain_log).expect_err("a loss of 0 at z = 17 passed");
    assert!(why.contains("the loss at z = -17"), "{why}");
    assert!(
        why.contains("yours is 0, the library's is 4.1399e-8"),
        "{why}"
    );
    assert!(why.contains(LOSES_DIGITS), "{why}");
    // Its advice, `t − t²/2` below t = 1e-3, is `cancelling`: the loss line
    // goes, and the gradient's comes.
    fn cancelling(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let z = logits;
        let t = z.abs()?.neg()?.exp()?;
        let tiny = t.lt(1e-3)?.to_dtype(t.dtype())?;
        let series = (&t - (t.sqr()? * 0.5)?)?;
        let tail = ((&tiny * series)? + ((1.0 - &tiny)? * (&t + 1.0)?.log()?)?)?;
        (z.relu()? - (z * targets)?)? + tail
    }
    let why = checks::stable_bce(cancelling).expect_err("a gradient of 0 at z = 17 passed");
    assert!(why.contains("the gradient at z = 17, y = 1"), "{why}");
    assert!(why.contains(CANCELS), "{why}");
    assert!(!why.contains(LOSES_DIGITS), "{why}");
    // Its advice: `z·([z > 0] − y)`, one term with a coefficient of y and
    // the sign of z.
    checks::stable_bce(stable).unwrap();
}

/// The loss line's cause and the gradient line's.
const LOSES_DIGITS: &str = "in f32, 1 + t keeps fewer of t = e^(-|z|)'s digits the smaller t is";
const CANCELS: &str = "σ(-17) = 4.1e-8 is lost when two terms that each give ±1 cancel in f32";

/// Every line's advice applied: `z·([z > 0] − y)`, and `t − t²/2` below
/// t = 1e-3.
fn stable(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let z = logits;
    let positive = z.gt(0.0)?.to_dtype(z.dtype())?;
    let linear = (z * (positive - targets)?)?;
    let t = z.abs()?.neg()?.exp()?;
    let tiny = t.lt(1e-3)?.to_dtype(t.dtype())?;
    let series = (&t - (t.sqr()? * 0.5)?)?;
    let plain = (&t + 1.0)?.log()?;
    linear + ((&tiny * series)? + ((1.0 - &tiny)? * plain)?)?
}

#[test]
fn a_mean_is_named_by_its_shape_and_one_loss_per_element_fixes_it() {
    fn averaged(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        stable(logits, targets)?.mean_all()
    }
    let why = checks::stable_bce(averaged).expect_err("a mean passed");
    assert!(
        why.contains(
            "the loss has shape []; one loss per element, shape [34], is expected \
             (no mean: reduction=\"none\")"
        ),
        "{why}"
    );
    checks::stable_bce(stable).unwrap();
}

/// A loss computed number by number in Rust leaves the graph: it has the
/// library's values, and no gradient.
#[test]
fn a_loss_outside_the_graph_is_named_and_tensor_operations_fix_it() {
    fn by_element(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let (z, y) = (logits.to_vec1::<f32>()?, targets.to_vec1::<f32>()?);
        let loss: Vec<f32> = z
            .iter()
            .zip(&y)
            .map(|(&z, &y)| z.max(0.0) - z * y + (-z.abs()).exp().ln_1p())
            .collect();
        Tensor::new(loss, logits.device())
    }
    let why = checks::stable_bce(by_element).expect_err("a loss outside the graph passed");
    assert!(
        why.contains("the loss does not depend on the logits (no gradient reached them)"),
        "{why}"
    );
    checks::stable_bce(stable).unwrap();
}

#[test]
fn the_log_sum_exp_is_named_by_its_shape_and_subtracting_it_fixes_it() {
    fn log_sum_exp(logits: &Tensor) -> Result<Tensor> {
        let m = logits.max_keepdim(D::Minus1)?;
        let shifted = logits.broadcast_sub(&m)?;
        m + shifted.exp()?.sum_keepdim(D::Minus1)?.log()?
    }
    let why = checks::log_softmax_check(log_sum_exp).expect_err("the log-sum-exp passed");
    assert!(
        why.contains("the result has shape [3, 1], expected [3, 3]"),
        "{why}"
    );
    fn minus_it(logits: &Tensor) -> Result<Tensor> {
        logits.broadcast_sub(&log_sum_exp(logits)?)
    }
    checks::log_softmax_check(minus_it).unwrap();
}

/// Between z = 8 and 12.5, f32's `log(1 + t)` has lost digits but `1 + t`
/// has not yet rounded to 1: a solution that switches to `t` only below
/// t = 1e-4 (off by 2.3e-4 at z = 9), or to `t − t²/2` below 1e-5 (off by
/// 7.8e-4 at z = 11), passes at z = 17 and is rejected here.
#[test]
fn a_log_that_loses_digits_between_8_and_12_is_rejected() {
    fn switch(logits: &Tensor, targets: &Tensor, below: f64, square: f64) -> Result<Tensor> {
        let z = logits;
        let positive = z.gt(0.0)?.to_dtype(z.dtype())?;
        let linear = (z * (positive - targets)?)?;
        let t = z.abs()?.neg()?.exp()?;
        let tiny = t.lt(below)?.to_dtype(t.dtype())?;
        let series = (&t - (t.sqr()? * square)?)?;
        let plain = (&t + 1.0)?.log()?;
        linear + ((&tiny * series)? + ((1.0 - &tiny)? * plain)?)?
    }
    fn t_below_1e4(z: &Tensor, y: &Tensor) -> Result<Tensor> {
        switch(z, y, 1e-4, 0.0)
    }
    fn series_below_1e5(z: &Tensor, y: &Tensor) -> Result<Tensor> {
        switch(z, y, 1e-5, 0.5)
    }
    for (f, at) in [
        (t_below_1e4 as checks::Bce, "z = -9, y = 0"),
        (series_below_1e5, "z = -11, y = 0"),
    ] {
        let why = checks::stable_bce(f).expect_err("a loss off by more than 1e-4 passed");
        assert!(why.contains(&format!("the loss at {at}")), "{why}");
        assert!(why.contains(LOSES_DIGITS), "{why}");
        assert!(why.contains("below t = 1e-3"), "{why}");
    }
    // The advice: `t − t²/2` below t = 1e-3.
    fn series_below_1e3(z: &Tensor, y: &Tensor) -> Result<Tensor> {
        switch(z, y, 1e-3, 0.5)
    }
    checks::stable_bce(series_below_1e3).unwrap();
}

/// `cargo exercise --watch` checks through the chapter's own binary
/// (`--exercise ID|all`, hidden from `--help`), never by rebuilding the
/// watcher: the verdict `cargo exercise ID` prints, and its exit code.
#[test]
fn the_chapter_binary_checks_an_exercise_for_the_watcher() {
    let run = |id: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ch05-naive-bce-nan"))
            .args(["--exercise", id])
            .output()
            .unwrap()
    };
    let out = run("stable-bce");
    let text = String::from_utf8_lossy(&out.stdout);
    let solved = cfg!(feature = "solutions");
    assert_eq!(out.status.success(), solved, "{text}");
    assert!(text.starts_with("✓ stable-bce: ") == solved, "{text}");
    assert!(!text.contains("== "), "the chapter ran: {text}");
    let all = String::from_utf8_lossy(&run("all").stdout).into_owned();
    assert!(
        all.contains(" stable-bce: ") && all.contains(" log-softmax: "),
        "{all}"
    );
    let out = run("stabel-bce");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_ch05-naive-bce-nan"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("--exercise"));
}
