//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`)
//! on the chapter's own networks and compares it with the chapter's own
//! measurement.

use book_kit::exercise::{Exercise, guarded, number, returned as err};
use book_kit::table::sci;
use candle_core::Result;
use candle_core::backprop::GradStore;
use nn_functional::{self as F, Reduction};
use shared::activations::Activation;
use shared::nn::{Init, Mlp};

#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
use crate::gradients::{batch, network, norm};
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[Exercise {
    id: "layer-grad-norms",
    title: "each layer's weight-gradient norm",
    function: "layer_grad_norms",
    hint: "Each `Linear` in `mlp.layers` has a `weight` Var; `grads.get(&layer.weight)`\n\
           is an Option, and None (no gradient reached it) counts as 0.\n\
           The L2 norm of a matrix treats it as one long vector: square every\n\
           entry, add them all up (`sum_all`, not `mean_all`), take the square\n\
           root. One number per layer, the output layer too.",
    tried: "the chapter's 20-layer network under Kaiming weights, with sigmoid and with ReLU\n\
            a gradient store that only the first layer reached (the others have no gradient)\n\
            each norm against the square root of the sum of squares, every entry",
    check: || layer_grad_norms(answers::layer_grad_norms),
    check_exercise: || layer_grad_norms(crate::exercises::layer_grad_norms),
}];

pub type Norms = fn(&Mlp, &GradStore) -> Result<Vec<f64>>;

/// The chapter's measurement: [`norm`] of each weight's gradient, 0 without one.
fn expected(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
    let of = |v| grads.get(v).map_or(Ok(0.0), norm);
    mlp.layers.iter().map(|l| of(&l.weight)).collect()
}

/// The usual slips, from the first layer where a wrong answer differs.
fn diagnose(got: f64, want: f64, elems: usize, bias: f64) -> &'static str {
    let near = |a: f64, b: f64| (a - b).abs() <= 1e-4 * b.abs().max(1e-30);
    if near(got, want * want) {
        "it is the norm squared: take the square root of the sum"
    } else if near(got, want / (elems as f64).sqrt()) {
        "it is the root of the mean of the squares: the norm sums them (`sum_all`)"
    } else if near(got, want * want / elems as f64) {
        "it is the mean of the squares: the norm is the root of their sum"
    } else if near(got, bias) {
        "it is the bias's gradient: the weight's is asked for (`layer.weight`)"
    } else {
        ""
    }
}

/// Checks one store: every layer against the chapter's number, relatively,
/// since a vanished gradient can be 1e-10 and still be right or wrong.
fn check_store(
    f: Norms,
    mlp: &Mlp,
    grads: &GradStore,
    what: &str,
) -> std::result::Result<Vec<f64>, String> {
    let got = guarded(|| f(mlp, grads)).map_err(|e| format!("on {what}:\n{e}"))?;
    let want = expected(mlp, grads).map_err(err)?;
    if got.len() != want.len() {
        let with_grad = mlp.layers.iter().filter(|l| grads.get(&l.weight).is_some());
        let why = match got.len() {
            n if n == with_grad.count() => {
                "\na layer with no gradient in the store still gets its number: 0"
            }
            1 => "\none number: the norm of all layers together; one per layer is asked for",
            n if n + 1 == want.len() => "\nthe output layer counts too: one number per layer",
            _ => "",
        };
        return Err(format!(
            "on {what}:\n{} number(s) came back where one per layer, {}, was expected{why}",
            got.len(),
            want.len()
        ));
    }
    for (l, (&g, &w)) in got.iter().zip(&want).enumerate() {
        if (g - w).abs() > 1e-4 * w.abs() || g.is_nan() {
            let layer = &mlp.layers[l];
            let elems = layer.weight.elem_count();
            let bias = grads.get(&layer.bias).map_or(Ok(0.0), norm).map_err(err)?;
            let why = match diagnose(g, w, elems, bias) {
                "" => String::new(),
                why => format!("\n{why}"),
            };
            return Err(format!(
                "on {what}, layer {}: yours is {}, the chapter's is {}{why}",
                l + 1,
                number(g),
                number(w)
            ));
        }
    }
    Ok(got)
}

/// The chapter's 20-layer network under Kaiming weights, with sigmoid (its
/// gradient vanishes) and with ReLU; then a store that only the first layer
/// reached.
pub fn layer_grad_norms(f: Norms) -> std::result::Result<String, String> {
    let opts = crate::CHAPTER.defaults();
    let data = batch(&opts).map_err(err)?;
    let mut shown = Vec::new();
    for act in [Activation::Sigmoid, Activation::Relu] {
        let what = format!("{}, {} hidden layers, Kaiming", act.name(), opts.depth);
        let act_name = format!("{},", act.name());
        let mlp = network(&opts, &data, act, Init::KaimingNormal).map_err(err)?;
        let grads = (mlp.forward(&data.x))
            .and_then(|p| F::mse_loss(&p, &data.y, Reduction::Mean)?.backward())
            .map_err(err)?;
        shown.push((act_name, check_store(f, &mlp, &grads, &what)?));
    }
    let mlp = network(&opts, &data, Activation::Relu, Init::KaimingNormal).map_err(err)?;
    let first_only = (mlp.layers[0].forward(&data.x))
        .and_then(|h| h.sqr()?.mean_all()?.backward())
        .map_err(err)?;
    let what = "a store whose loss used only layer 1 (the others have no gradient)";
    let zeros = check_store(f, &mlp, &first_only, what)?;
    let zeros = zeros.iter().filter(|&&n| n == 0.0).count();
    let head = format!(
        "the chapter's network, {} hidden layers of {} (Kaiming), MSE on {} rows:",
        opts.depth, opts.width, opts.batch
    );
    let mut lines: Vec<String> = std::iter::once(head)
        .chain(shown.iter().map(|(act, n)| {
            let last = n.len() - 2;
            format!(
                "{act:<8} weight gradient {} at layer 1, {} at layer {}",
                sci(n[0]),
                sci(n[last]),
                last + 1
            )
        }))
        .collect();
    lines.push(format!(
        "a loss through layer 1 only: {zeros} of {} norms are 0 (no gradient)",
        mlp.layers.len()
    ));
    Ok(lines.join("\n"))
}
