//! The chapter's headline claims, asserted on the data its sections print
//! (default flags unless a test says otherwise).

use ch02_vanishing_gradients::{
    ACTIVATIONS, Flow, INITS, Options, Units, dying, flow, geo_mean, init_study,
};
use clap::Parser;
use shared::activations::Activation;
use shared::nn::Init;

fn opts() -> Options {
    Options::default()
}

fn pairing(act: Activation, init: Init) -> Flow {
    flow(&opts(), act, init).expect("the experiment runs")
}

fn leaky() -> Activation {
    Activation::LeakyRelu { slope: 0.01 }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn sigmoid_derivative_takes_at_most_a_quarter_at_every_layer() {
    for init in INITS {
        let f = pairing(Activation::Sigmoid, init);
        for (l, &a) in f.act_factor.iter().enumerate() {
            assert!(
                a <= 0.25 + 1e-6,
                "{}: layer {} factor {a}",
                init.name(),
                l + 1
            );
            // Pre-activations are moderate at init, so the bound is nearly reached.
            assert!(a > 0.15, "{}: layer {} factor {a}", init.name(), l + 1);
        }
    }
}

#[test]
fn sigmoid_vanishes_with_every_init_even_when_weights_amplify() {
    for init in INITS {
        let f = pairing(Activation::Sigmoid, init);
        assert!(
            f.first_over_last() < 1e-9,
            "{}: {}",
            init.name(),
            f.first_over_last()
        );
    }
    // Kaiming's weights multiply by about √2 per layer, so sigmoid's total per-layer
    // ratio exceeds 0.25 and first/last lands above 0.25^19, yet still vanishes.
    let k = pairing(Activation::Sigmoid, Init::KaimingNormal);
    let per_layer = geo_mean(&k.act_factor[1..]) * geo_mean(&k.weight_factor);
    assert!(per_layer > 0.25 && per_layer < 0.35, "{per_layer}");
    assert!(k.first_over_last() > 0.25f64.powi(19));
}

#[test]
fn matched_pairings_keep_the_gradient_alive() {
    for (act, init) in [
        (Activation::Tanh, Init::XavierNormal),
        (Activation::Relu, Init::KaimingNormal),
        (leaky(), Init::KaimingNormal),
        (Activation::Gelu, Init::KaimingNormal),
    ] {
        let f = pairing(act, init);
        assert!(
            f.alive(),
            "{} + {}: {}",
            act.name(),
            init.name(),
            f.first_over_last()
        );
    }
}

#[test]
fn too_small_inits_starve_relu_and_pytorch_default_starves_everything() {
    assert!(pairing(Activation::Relu, Init::XavierNormal).first_over_last() < 1e-2);
    assert!(pairing(Activation::Relu, Init::PytorchDefault).first_over_last() < 1e-6);
    assert!(pairing(Activation::Gelu, Init::XavierNormal).first_over_last() < 1e-4);
    for act in ACTIVATIONS {
        let f = pairing(act, Init::PytorchDefault);
        assert!(!f.alive() && f.first_over_last() < 1e-3, "{}", act.name());
    }
    let study = init_study(&opts()).unwrap();
    let alive: Vec<_> = study.iter().filter(|f| f.alive()).collect();
    assert_eq!(
        alive.len(),
        5,
        "tanh with Xavier and Kaiming, the ReLU family with Kaiming"
    );
}

#[test]
fn weights_scale_the_gradient_by_the_init_gain() {
    let gain = |init| geo_mean(&pairing(Activation::Relu, init).weight_factor);
    assert!((gain(Init::KaimingNormal) / 2f64.sqrt() - 1.0).abs() < 0.05);
    assert!((gain(Init::XavierNormal) - 1.0).abs() < 0.05);
    assert!((gain(Init::PytorchDefault) * 3f64.sqrt() - 1.0).abs() < 0.05);
}

#[test]
fn relu_passes_about_one_over_root_two_since_half_its_units_are_off() {
    let f = pairing(Activation::Relu, Init::KaimingNormal);
    let a = geo_mean(&f.act_factor[1..]);
    assert!((a * 2f64.sqrt() - 1.0).abs() < 0.05, "{a}");
}

#[test]
fn the_per_layer_factors_multiply_to_first_over_last() {
    for act in ACTIVATIONS {
        let f = pairing(act, Init::KaimingNormal);
        let product: f64 = (1..f.grad.len())
            .map(|l| f.act_factor[l] * f.weight_factor[l - 1])
            .product();
        let r = f.first_over_last();
        assert!(
            (product / r - 1.0).abs() < 1e-9,
            "{}: {product} vs {r}",
            act.name()
        );
    }
}

fn scenario<'a>(rows: &'a [Units], act: Activation, starts: &str) -> &'a Units {
    rows.iter()
        .find(|u| u.activation == act && u.scenario.starts_with(starts))
        .unwrap_or_else(|| panic!("no row {} {starts}", act.name()))
}

#[test]
fn a_negative_bias_start_kills_relu_and_blocks_every_gradient() {
    let rows = dying(&opts()).unwrap();
    let bad = scenario(&rows, Activation::Relu, "biases");
    assert!(mean(&bad.dead) > 0.8, "{}", mean(&bad.dead));
    assert!(bad.dead.iter().filter(|&&d| d == 1.0).count() >= 10);
    assert!(bad.no_grad.iter().all(|&s| s == 1.0));
    assert_eq!(bad.first_grad, 0.0);
    let good = scenario(&rows, Activation::Relu, "Kaiming");
    assert!(mean(&good.dead) < 0.25 && good.first_grad > 1.0);
}

#[test]
fn leaky_relu_never_dies_but_a_bad_start_still_starves_it() {
    let rows = dying(&opts()).unwrap();
    for u in rows.iter().filter(|u| u.activation == leaky()) {
        assert!(u.dead.iter().all(|&d| d == 0.0), "{}", u.scenario);
        assert!(u.no_grad.iter().all(|&d| d == 0.0), "{}", u.scenario);
    }
    let bad = scenario(&rows, leaky(), "biases");
    assert!(mean(&bad.negative) > 0.8);
    assert!(
        bad.first_grad > 0.0 && bad.first_grad < 1e-20,
        "{}",
        bad.first_grad
    );
}

#[test]
fn a_too_large_learning_rate_kills_relu_units_in_a_few_steps() {
    let o = opts();
    let rows = dying(&o).unwrap();
    let init = mean(&scenario(&rows, Activation::Relu, "Kaiming").dead);
    let sane = mean(&scenario(&rows, Activation::Relu, "5 Adam steps, lr 0.001").dead);
    let big = mean(
        &scenario(
            &rows,
            Activation::Relu,
            &format!("5 Adam steps, lr {}", o.lr),
        )
        .dead,
    );
    assert!((sane - init).abs() < 0.05, "{init} -> {sane}");
    assert!(big > 0.5 && big > 3.0 * sane, "{sane} vs {big}");
}

#[test]
fn bad_flag_values_are_rejected_by_the_parser() {
    let parse = |args: &[&str]| {
        let mut all = vec!["ch02-vanishing-gradients"];
        all.extend(args);
        Options::try_parse_from(all)
    };
    for bad in [
        &["--depth", "1"][..],
        &["--depth", "201"],
        &["--width", "0"],
        &["--width", "2000"],
        &["--batch", "0"],
        &["--lr", "0"],
        &["--lr", "nan"],
        &["--bias-shift", "inf"],
        &["--steps", "0"],
        &["--init", "he"],
    ] {
        assert!(parse(bad).is_err(), "{bad:?} was accepted");
    }
    assert!(parse(&["--init", "xavier-normal", "--depth", "30"]).is_ok());
}
