//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`) on
//! the batches that tell the right reduction from the plausible ones, and
//! compares it with the library.

use book_kit::exercise::{Exercise, compare, number, returned as err};
use book_kit::table::{f4, fixed, sci};
use candle_core::{DType, Device, Result, Tensor};
use shared::activations::{sigmoid, to_f64, to_f64_vec};
use shared::losses::{
    bce_with_logits_elementwise, cross_entropy, cross_entropy_elementwise, focal_loss_elementwise,
};

#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        id: "weighted-ce-mean",
        title: "PyTorch's weighted cross-entropy mean",
        function: "weighted_cross_entropy",
        hint: "PyTorch's weighted mean is a weighted average of the per-sample losses:\n\
               the weights appear in the numerator and in the denominator.\n\
               The denominator counts only the samples in the batch, each by the\n\
               weight of its own class, so it changes with the classes a batch holds.\n\
               Compute each loss from a log-softmax, not from the log of a softmax.",
        tried: "the chapter's batch: targets [0, 1, 2], class weights [1, 19, 1]\n\
                targets [1, 1, 0, 0, 0], weights [1, 19, 1]: the mean divides by the samples' weights\n\
                logits [1000, 0, -1000] with targets [0, 1, 2], weights [2, 1, 0]\n\
                each against shared::losses::cross_entropy with the class weights",
        check: || weighted_ce_check(answers::weighted_cross_entropy),
        check_exercise: || weighted_ce_check(crate::exercises::weighted_cross_entropy),
    },
    Exercise {
        id: "focal-term",
        title: "binary focal loss from logits",
        function: "focal_term",
        hint: "p_t is the probability of the class the example really has: p for a\n\
               positive, 1 - p for a negative. y·a + (1 - y)·b picks a or b without an `if`.\n\
               The factor (1 - p_t)^γ is small for an example that is already right,\n\
               whatever its class. α_t is α for positives and 1 - α for negatives.\n\
               log σ(z) is -inf once σ(z) rounds to 0 in f32: start from a stable BCE.",
        tried: "z from -30 to 30, each with y = 0 and y = 1, f32\n\
                (α, γ) = (none, 2), (0.25, 2), (0.75, 0.5), (none, 0), against focal_loss_elementwise",
        check: || focal_check(answers::focal_term),
        check_exercise: || focal_check(crate::exercises::focal_term),
    },
];

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(a, b)| (a - b).abs() <= 1e-4 * b.abs().max(1.0))
}

pub type WeightedCe = fn(&Tensor, &Tensor, &Tensor) -> Result<Tensor>;

/// One batch of the weighted cross-entropy check.
struct Batch {
    name: &'static str,
    logits: Vec<[f32; 3]>,
    targets: Vec<u32>,
    weights: [f32; 3],
}

/// The batch's sum of weighted losses and sum of weights, from the library.
struct Parts {
    sum: f64,
    sum_w: f64,
    n: usize,
}

fn weighted_ce_batch(f: WeightedCe, b: &Batch) -> std::result::Result<(f64, Parts), String> {
    let dev = Device::Cpu;
    let flat: Vec<f32> = b.logits.iter().flatten().copied().collect();
    let logits = Tensor::from_vec(flat, (b.logits.len(), 3), &dev).map_err(err)?;
    let targets = Tensor::new(b.targets.as_slice(), &dev).map_err(err)?;
    let w = Tensor::new(&b.weights, &dev).map_err(err)?;
    let got = f(&logits, &targets, &w).map_err(err)?;
    if got.elem_count() != 1 {
        return Err(format!(
            "on {}: the result has shape {:?}; the loss is one number (a scalar)",
            b.name,
            got.dims()
        ));
    }
    let got = to_f64(&got.flatten_all().and_then(|g| g.get(0)).map_err(err)?).map_err(err)?;
    let weights: Vec<f64> = b.weights.iter().map(|&w| w as f64).collect();
    let want =
        to_f64(&cross_entropy(&logits, &targets, Some(&weights)).map_err(err)?).map_err(err)?;
    let l = to_f64_vec(&cross_entropy_elementwise(&logits, &targets).map_err(err)?).map_err(err)?;
    let w_i: Vec<f64> = b.targets.iter().map(|&t| weights[t as usize]).collect();
    let parts = Parts {
        sum: l.iter().zip(&w_i).map(|(l, w)| l * w).sum(),
        sum_w: w_i.iter().sum(),
        n: l.len(),
    };
    if compare("the loss", &[b.name.to_string()], &[got], &[want], 1e-5).is_err() {
        // `broadcast_mul` of the (N, 1) column of losses that `gather` gives
        // and the (N) weights is an (N, N) table: every loss times every
        // weight. Divided by Σw it is the plain sum of the losses.
        let (sum_l, n) = (l.iter().sum::<f64>(), parts.n as f64);
        let table = "an (N, 1) column of losses times the (N) weights, broadcast, is an (N, N) \
                     table, every loss times every weight: `squeeze(1)?` the column first";
        let slips = [
            (
                sum_l,
                "that is the plain sum of the losses, what an (N, N) table over Σw gives",
            ),
            (
                sum_l * parts.sum_w / (n * n),
                "that is the mean of an (N, N) table",
            ),
            (sum_l * parts.sum_w, "that is the sum of an (N, N) table"),
        ]
        .map(|(v, why)| (v, format!("{why}\n{table}")));
        let slips = slips.into_iter().chain(
            [
                (
                    parts.sum / parts.n as f64,
                    "that is the weighted sum divided by N",
                ),
                (
                    parts.sum / weights.iter().sum::<f64>(),
                    "that is the weighted sum divided by the sum of all C class weights",
                ),
                (
                    parts.sum,
                    "that is the weighted sum, not divided by anything",
                ),
                (
                    l.iter().sum::<f64>() / l.len() as f64,
                    "that is the unweighted mean",
                ),
            ]
            .map(|(v, why)| (v, why.to_string())),
        );
        let why = slips
            .into_iter()
            .find(|(v, _)| close(&[got], &[*v]))
            .map_or(String::new(), |(_, why)| format!("\n{why}"));
        let why = if got.is_finite() {
            why
        } else {
            "\nthe log of a softmax that rounded to 0: use a log-softmax".to_string()
        };
        return Err(format!(
            "the loss on {}: yours is {}, the library's is {}{why}",
            b.name,
            number(got),
            number(want)
        ));
    }
    Ok((got, parts))
}

/// The chapter's batch, one where the denominators differ, and logits 1000
/// apart with a class of weight 0.
pub fn weighted_ce_check(f: WeightedCe) -> std::result::Result<String, String> {
    let chapter = Batch {
        name: "the chapter's batch (targets [0, 1, 2], weights [1, 19, 1])",
        logits: vec![[2.1, 0.3, -0.5], [0.1, 1.9, 0.2], [-0.3, 0.4, 2.2]],
        targets: vec![0, 1, 2],
        weights: [1.0, 19.0, 1.0],
    };
    let uneven = Batch {
        name: "targets [1, 1, 0, 0, 0], weights [1, 19, 1]",
        logits: vec![
            [0.5, 2.0, -1.0],
            [1.0, 0.5, 0.0],
            [0.2, -0.3, 0.1],
            [3.0, 1.0, 0.0],
            [-2.0, 0.0, 1.0],
        ],
        targets: vec![1, 1, 0, 0, 0],
        weights: [1.0, 19.0, 1.0],
    };
    let far = Batch {
        name: "logits [1000, 0, -1000] with targets [0, 1, 2], weights [2, 1, 0]",
        logits: vec![[1000.0, 0.0, -1000.0]; 3],
        targets: vec![0, 1, 2],
        weights: [2.0, 1.0, 0.0],
    };
    let (a, pa) = weighted_ce_batch(f, &chapter)?;
    let (b, pb) = weighted_ce_batch(f, &uneven)?;
    let (c, _) = weighted_ce_batch(f, &far)?;
    let all_w: f64 = uneven.weights.iter().map(|&w| w as f64).sum();
    Ok(format!(
        "the chapter's batch: {} / {} = {} (divided by N = {}: {})\n\
         targets [1, 1, 0, 0, 0]: {} / {} = {} (not / {}, all the class weights)\n\
         logits 1000 apart, weights [2, 1, 0]: {} (the weight-0 sample costs nothing)",
        f4(pa.sum),
        fixed(pa.sum_w, 0),
        f4(a),
        pa.n,
        f4(pa.sum / pa.n as f64),
        f4(pb.sum),
        fixed(pb.sum_w, 0),
        f4(b),
        fixed(all_w, 0),
        f4(c)
    ))
}

pub type Focal = fn(&Tensor, &Tensor, Option<f64>, f64) -> Result<Tensor>;

/// The usual slips on one (α, γ): each computed here from the library's BCE
/// and σ(z), for a message that says which one a wrong answer matches.
fn focal_slip(got: &[f64], z: &Tensor, y: &Tensor, alpha: Option<f64>, gamma: f64) -> &'static str {
    let values = || -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
        let bce = to_f64_vec(&bce_with_logits_elementwise(z, y, None)?)?;
        Ok((bce, to_f64_vec(&sigmoid(z)?)?, to_f64_vec(y)?))
    };
    let Ok((bce, p, y)) = values() else {
        return "";
    };
    let a = alpha.unwrap_or(1.0);
    let slip = |factor: &dyn Fn(f64, f64) -> f64, alpha_t: &dyn Fn(f64) -> f64| -> Vec<f64> {
        (0..bce.len())
            .map(|i| alpha_t(y[i]) * factor(p[i], y[i]) * bce[i])
            .collect()
    };
    let p_t = |p: f64, y: f64| p * y + (1.0 - p) * (1.0 - y);
    let right_a = |y: f64| {
        if alpha.is_some() {
            a * y + (1.0 - a) * (1.0 - y)
        } else {
            1.0
        }
    };
    let slips: [(Vec<f64>, &'static str); 4] = [
        (
            slip(&|p, _| (1.0 - p).powf(gamma), &right_a),
            "it matches (1 - p)^γ: p where p_t belongs, wrong for every negative",
        ),
        (
            slip(&|p, y| p_t(p, y).powf(gamma), &right_a),
            "it matches p_t^γ: the factor must be (1 - p_t)^γ, small when p_t is near 1",
        ),
        (
            slip(&|p, y| (1.0 - p_t(p, y)).powf(gamma), &|_| a),
            "it matches α for every example: a negative's α_t is 1 - α",
        ),
        (
            slip(&|p, y| (1.0 - p_t(p, y)).powf(gamma), &|y| {
                (1.0 - a) * y + a * (1.0 - y)
            }),
            "it matches α_t swapped: α goes with the positives, 1 - α with the negatives",
        ),
    ];
    slips
        .iter()
        .find(|(v, _)| close(got, v))
        .map_or("", |(_, why)| why)
}

/// Logits from −30 to 30 (σ rounds to 0 or 1 in f32), each with y = 0 and
/// y = 1, under four (α, γ): against `focal_loss_elementwise`.
pub fn focal_check(f: Focal) -> std::result::Result<String, String> {
    let zs = [-30.0f32, -3.0, -1.0, 0.0, 1.0, 3.0, 30.0];
    let (z, y): (Vec<f32>, Vec<f32>) = zs.iter().flat_map(|&z| [(z, 0.0), (z, 1.0)]).unzip();
    let dev = Device::Cpu;
    let zt = Tensor::new(z.as_slice(), &dev).map_err(err)?;
    let yt = Tensor::new(y.as_slice(), &dev).map_err(err)?;
    let mut shown = Vec::new();
    for (alpha, gamma) in [
        (None, 2.0),
        (Some(0.25), 2.0),
        (Some(0.75), 0.5),
        (None, 0.0),
    ] {
        let a_name = alpha.map_or("no α".to_string(), |a| format!("α = {a}"));
        let got = f(&zt, &yt, alpha, gamma).map_err(err)?;
        if got.dims() != zt.dims() {
            return Err(format!(
                "with γ = {gamma}, {a_name}: the loss has shape {:?}; one loss per element, \
                 shape {:?}, is expected (reduction=\"none\")",
                got.dims(),
                zt.dims()
            ));
        }
        let got = to_f64_vec(&got.to_dtype(DType::F64).map_err(err)?).map_err(err)?;
        let want = focal_loss_elementwise(&zt, &yt, alpha, gamma).map_err(err)?;
        let want = to_f64_vec(&want).map_err(err)?;
        let labels: Vec<String> = z
            .iter()
            .zip(&y)
            .map(|(z, y)| format!("z = {z}, y = {y}, γ = {gamma}, {a_name}"))
            .collect();
        compare("the focal loss", &labels, &got, &want, 1e-5).map_err(|e| {
            match focal_slip(&got, &zt, &yt, alpha, gamma) {
                "" if got.iter().any(|x| !x.is_finite()) => {
                    format!("{e}\nthe log of a σ(z) that rounded to 0 or 1: use a stable BCE")
                }
                "" => e,
                why => format!("{e}\n{why}"),
            }
        })?;
        shown.push(got);
    }
    let bce =
        to_f64_vec(&bce_with_logits_elementwise(&zt, &yt, None).map_err(err)?).map_err(err)?;
    let sig = to_f64_vec(&sigmoid(&zt).map_err(err)?).map_err(err)?;
    // Rows 11 and 10: z = 3 with y = 1 (easy) and y = 0 (hard); row 12: z = 30, y = 0.
    let p = |i: usize| f4(if y[i] == 1.0 { sig[i] } else { 1.0 - sig[i] });
    Ok(format!(
        "γ = 2, no α, z = 3, y = 1 (easy, p_t {}): BCE {} -> focal {}\n\
         γ = 2, no α, z = 3, y = 0 (hard, p_t {}): BCE {} -> focal {}\n\
         with α = 0.25 the same two: {} and {}\n\
         γ = 2, no α, z = 30, y = 0: {} (log(1 - σ(z)) gives inf: σ(30) = 1 in f32)",
        p(11),
        f4(bce[11]),
        sci(shown[0][11]),
        p(10),
        f4(bce[10]),
        f4(shown[0][10]),
        sci(shown[1][11]),
        f4(shown[1][10]),
        f4(shown[0][12])
    ))
}
