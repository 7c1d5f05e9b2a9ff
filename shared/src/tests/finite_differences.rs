//! Autograd derivatives against central finite differences, in f64, at points
//! away from kinks.

use candle_core::{DType, Device, Result, Tensor};

use super::{scalar, t};
use crate::activations::{self, Activation, value_and_grad};
use crate::losses;

const H: f64 = 1e-6;

/// Points that avoid every kink (0 for ReLU and MAE, ±δ for Huber).
const Z: [f64; 8] = [-4.0, -2.5, -1.3, -0.4, 0.3, 0.9, 1.7, 3.2];

fn assert_close(what: &str, autograd: f64, numeric: f64) {
    let tol = 1e-6 * (1.0 + numeric.abs());
    assert!(
        (autograd - numeric).abs() < tol,
        "{what}: autograd {autograd} vs finite difference {numeric}"
    );
}

#[test]
fn activations_match_finite_differences() {
    let mut all: Vec<Activation> = Activation::ALL.to_vec();
    all.push(Activation::LeakyRelu { slope: 0.2 });
    for act in all {
        let at = |z: f64| {
            value_and_grad(|x| act.apply(x), &[z], DType::F64)
                .unwrap()
                .value[0]
        };
        let got = value_and_grad(|x| act.apply(x), &Z, DType::F64).unwrap();
        for (i, &z) in Z.iter().enumerate() {
            let numeric = (at(z + H) - at(z - H)) / (2.0 * H);
            assert_close(&format!("{} at {z}", act.name()), got.grad[i], numeric);
        }
    }
}

#[test]
fn softmax_jacobian_matches_finite_differences() {
    // d softmax(z)_0 / d z_j, through autograd on the first component only
    let z = [0.3, -1.2, 2.0, 0.5];
    let first = |z: &[f64]| -> f64 {
        let p = activations::softmax(&t(z, DType::F64), candle_core::D::Minus1).unwrap();
        activations::to_f64_vec(&p).unwrap()[0]
    };
    let x = candle_core::Var::from_tensor(&t(&z, DType::F64)).unwrap();
    let p = activations::softmax(x.as_tensor(), candle_core::D::Minus1).unwrap();
    let g = p
        .narrow(0, 0, 1)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    let g = activations::to_f64_vec(g.get(&x).unwrap()).unwrap();
    for j in 0..z.len() {
        let (mut up, mut down) = (z, z);
        up[j] += H;
        down[j] -= H;
        assert_close(
            &format!("softmax d0/d{j}"),
            g[j],
            (first(&up) - first(&down)) / (2.0 * H),
        );
    }
}

/// Checks `∂loss/∂pred` from autograd against finite differences at `pred`.
fn check_loss(name: &str, pred: &[f64], shape: &[usize], loss: impl Fn(&Tensor) -> Result<Tensor>) {
    let tensor = |p: &[f64]| {
        Tensor::new(p, &Device::Cpu)
            .unwrap()
            .reshape(shape)
            .unwrap()
    };
    let got = losses::loss_and_grad(&tensor(pred), &loss).unwrap();
    for i in 0..pred.len() {
        let (mut up, mut down) = (pred.to_vec(), pred.to_vec());
        up[i] += H;
        down[i] -= H;
        let f = |p: &[f64]| scalar(&loss(&tensor(p)).unwrap());
        assert_close(
            &format!("{name} d/dpred[{i}]"),
            got.grad[i],
            (f(&up) - f(&down)) / (2.0 * H),
        );
    }
}

#[test]
fn losses_match_finite_differences() {
    let y = t(&[41.0, 29.0, 55.0, 97.0], DType::F64);
    let pred = [35.0, 31.0, 48.0, 42.0];
    check_loss("mse", &pred, &[4], |p| losses::mse(p, &y));
    check_loss("mae", &pred, &[4], |p| losses::mae(p, &y));
    // errors −6, 2, −7, −55: both Huber branches at δ = 5
    check_loss("huber", &pred, &[4], |p| losses::huber(p, &y, 5.0));

    let logits = [2.1, -0.5, 1.8, -1.2, 7.5, -9.0];
    let yb = t(&[1.0, 0.0, 0.0, 1.0, 1.0, 0.0], DType::F64);
    check_loss("bce", &logits, &[6], |p| {
        losses::bce_with_logits(p, &yb, None)
    });
    check_loss("bce pos_weight", &logits, &[6], |p| {
        losses::bce_with_logits(p, &yb, Some(3.0))
    });
    check_loss("naive bce", &logits, &[6], |p| losses::naive_bce(p, &yb));
    check_loss("focal", &logits, &[6], |p| {
        losses::focal_loss(p, &yb, Some(0.25), 2.0)
    });
    check_loss("focal γ=0.5", &logits, &[6], |p| {
        losses::focal_loss(p, &yb, None, 0.5)
    });

    let targets = Tensor::new(&[0u32, 1, 2], &Device::Cpu).unwrap();
    let ce_logits = [2.1, 0.3, -0.5, 0.1, 1.9, 0.2, -0.3, 0.4, 2.2];
    check_loss("ce", &ce_logits, &[3, 3], |p| {
        losses::cross_entropy(p, &targets, None)
    });
    check_loss("weighted ce", &ce_logits, &[3, 3], |p| {
        losses::cross_entropy(p, &targets, Some(&[1.0, 19.0, 1.0]))
    });
}
