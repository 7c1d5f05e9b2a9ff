//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`)
//! and compares it with autograd on `nn_functional`'s activations.

use book_kit::exercise::{Exercise, compare, returned as err};
use book_kit::table::{f4, fixed};
use candle_core::{DType, Device, Result, Tensor};
use nn_functional as F;
use shared::activations::{candle_leaky_relu, to_f64_vec, value_and_grad};

#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[Exercise {
    id: "leaky-relu-grad",
    title: "LeakyReLU's derivative, kink included",
    function: "leaky_relu_grad",
    hint: "LeakyReLU is z for z > 0 and slope · z elsewhere, so its derivative\n\
           takes two values. A comparison gives a u8 mask; `to_dtype(z.dtype())`\n\
           makes it a number you can scale and shift. At the kink itself PyTorch\n\
           takes the left-hand derivative, as for ReLU (0 there): which comparison\n\
           puts z = 0 on the left side?",
    tried: "z = -100, -3, -1e-30, -0, 0, 1e-30, 0.5, 3 (z = 0 gets the slope, the left side's value, as in PyTorch)\n\
            slopes 0.01 and 0.2, in f32 as a (2, 4) tensor and in f64\n\
            each against Candle's autograd on nn_functional::leaky_relu",
    check: || leaky_relu_grad(answers::leaky_relu_grad),
    check_exercise: || leaky_relu_grad(crate::exercises::leaky_relu_grad),
}];

pub type Derivative = fn(&Tensor, f64) -> Result<Tensor>;

/// The points: far out, just either side of the kink, and the kink itself
/// as 0 and as −0.
const ZS: [f64; 8] = [-100.0, -3.0, -1e-30, -0.0, 0.0, 1e-30, 0.5, 3.0];

/// The usual slips, by the value they give at z = 0 (`at0`) and at z = −3
/// (`neg`): what a wrong answer most likely did, if it matches one.
fn diagnose(at0: f64, neg: f64, slope: f64) -> &'static str {
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    if near(neg, 0.0) && !near(slope, 0.0) {
        "z < 0 gives 0: that is ReLU's derivative; LeakyReLU keeps `slope` there"
    } else if near(at0, 1.0) {
        "z = 0 gives 1: a comparison that counts 0 as positive (`ge`, or not `le`);\n\
         PyTorch gives the slope there, as its ReLU gives 0"
    } else if near(at0, 0.5 + 0.5 * slope) {
        "z = 0 gives (1 + slope)/2: that is candle-nn's leaky_relu, whose maximum\n\
         and minimum split the tie; PyTorch gives the slope"
    } else if near(at0, 0.0) {
        "z = 0 gives 0, as ReLU's derivative would; LeakyReLU's is the slope"
    } else {
        ""
    }
}

/// [`ZS`] with slopes 0.01 and 0.2, in f32 (as a 2 × 4 tensor) and in f64,
/// against Candle's autograd on `nn_functional::leaky_relu`.
pub fn leaky_relu_grad(f: Derivative) -> std::result::Result<String, String> {
    let mut shown = Vec::new();
    for (slope, dtype) in [(0.01, DType::F32), (0.2, DType::F32), (0.2, DType::F64)] {
        let what = format!("slope {slope}, {}", dtype.as_str());
        let z = Tensor::new(&ZS, &Device::Cpu)
            .and_then(|t| t.to_dtype(dtype)?.reshape((2, 4)))
            .map_err(err)?;
        let got = f(&z, slope).map_err(|e| format!("on {what}: {}", err(e)))?;
        if got.dims() != z.dims() || got.dtype() != dtype {
            return Err(format!(
                "on {what}: the derivative is {:?} {};\nz's shape and dtype, {:?} {}, \
                 are expected",
                got.dims(),
                got.dtype().as_str(),
                z.dims(),
                dtype.as_str()
            ));
        }
        let got = to_f64_vec(&got).map_err(err)?;
        let want = value_and_grad(|z| F::leaky_relu(z, slope), &ZS, dtype).map_err(err)?;
        let labels: Vec<String> = ZS.iter().map(|z| format!("z = {z}, {what}")).collect();
        compare("the derivative", &labels, &got, &want.grad, 1e-6).map_err(|e| {
            match diagnose(got[4], got[1], slope) {
                "" => e,
                why => format!("{e}\n{why}"),
            }
        })?;
        shown.push((slope, got));
    }
    let candle = value_and_grad(|z| candle_leaky_relu(z, 0.01), &[0.0], DType::F32)
        .map_err(err)?
        .grad[0];
    let (slope, got) = &shown[0];
    let pick = [0, 1, 4, 6, 7];
    let zs: Vec<String> = pick.iter().map(|&i| fixed(ZS[i], 1)).collect();
    let ds: Vec<String> = pick.iter().map(|&i| f4(got[i])).collect();
    let head = format!("slope {slope}, z:");
    Ok(format!(
        "{head:<16}[{}]\n{:<16}[{}]\n\
         at z = 0: {} as in PyTorch (candle_nn::ops::leaky_relu's autograd: {})",
        zs.join(", "),
        "derivative:",
        ds.join(", "),
        f4(got[4]),
        f4(candle)
    ))
}
