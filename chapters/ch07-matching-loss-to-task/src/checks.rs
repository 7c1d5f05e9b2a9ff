//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`)
//! and compares it with the chapter's own code.

use book_kit::exercise::{Exercise, compare, returned as err};
use book_kit::table::f4;
use candle_core::{Device, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::activations::to_f64;
use shared::candle_nn::AdamW;
use shared::data;
use shared::nn::{Forward, Mlp, adam};

#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;
use crate::tasks::{Setup, fit};

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[Exercise {
    id: "train-step",
    title: "one step of the training loop",
    function: "train_step",
    hint: "Four things, in order: the model's raw outputs, the loss on them,\n\
           the gradients, the update. No sigmoid or softmax in between: the loss\n\
           takes raw values or logits. `opt.backward_step(&loss)` does the last two.\n\
           Return the value of the loss you stepped on, not a new one after the step.",
    tried: "the chapter's three tasks (regression, binary, four classes) on 64 samples\n\
            5 steps from a seeded model, then the loss after the last step, against tasks::fit",
    check: || train_step_check(answers::train_step),
    check_exercise: || train_step_check(crate::exercises::train_step),
}];

/// A task's loss, borrowing its targets.
type LossFn<'a> = Box<dyn Fn(&Tensor) -> Result<Tensor> + 'a>;

/// The signature of `train_step`: the model, its optimizer, the batch and
/// the task's loss; the loss before the update.
pub type Step = fn(&Mlp, &mut AdamW, &Tensor, &dyn Fn(&Tensor) -> Result<Tensor>) -> Result<f64>;

/// Steps taken with each task's loss; the check compares one more loss, the
/// one after the last step.
const STEPS: usize = 5;

/// The chapter's three tasks on 64 samples: the participant's step `STEPS`
/// times from a seeded model, against `tasks::fit` from the same model. The
/// error names the cause of a known slip when it sees one.
pub fn train_step_check(f: Step) -> std::result::Result<String, String> {
    let dev = Device::Cpu;
    let setup = Setup {
        samples: 64,
        steps: STEPS + 1,
        lr: 0.05,
        hidden: 16,
        seed: 7,
        forward: Forward::default(), // what `model.forward` computes
    };
    let reg = data::delivery_times(setup.samples, setup.seed);
    let bin = data::binary_threshold(setup.samples, setup.seed);
    let four = data::four_classes(setup.samples, setup.seed);
    let tensors = || -> Result<_> {
        Ok([
            (reg.x(&dev)?, reg.y(&dev)?, reg.d, 1),
            (bin.x(&dev)?, bin.binary_targets(&dev)?, bin.d, 1),
            (four.x(&dev)?, four.labels(&dev)?, four.d, four.classes),
        ])
    };
    let tasks = tensors().map_err(err)?;
    let mut shown = vec![format!(
        "the loss before step 1 and after step {STEPS}, as with the chapter's `fit`:"
    )];
    for (i, (x, y, inputs, outputs)) in tasks.iter().enumerate() {
        let name = [
            "regression, MSE",
            "binary, BCE with logits",
            "4 classes, cross-entropy",
        ][i];
        let loss: LossFn<'_> = match i {
            0 => Box::new(|p| F::mse_loss(p, y, Reduction::Mean)),
            1 => Box::new(|z| F::binary_cross_entropy_with_logits(z, y, Default::default())),
            _ => Box::new(|z| F::cross_entropy(z, y, Default::default())),
        };
        let want = {
            let model = setup.model(*inputs, *outputs).map_err(err)?;
            fit(&model, x, &setup, "train-step check", &loss)
                .map_err(err)?
                .history
        };
        let model = setup.model(*inputs, *outputs).map_err(err)?;
        let mut opt = adam(model.vars(), setup.lr).map_err(err)?;
        let mut got = Vec::new();
        for _ in 0..STEPS {
            got.push(f(&model, &mut opt, x, &*loss).map_err(err)?);
        }
        let after = model
            .forward(x)
            .and_then(|o| loss(&o))
            .and_then(|l| to_f64(&l));
        got.push(after.map_err(err)?);
        let labels: Vec<String> = (0..=STEPS)
            .map(|k| match k {
                STEPS => format!("the end of {name} (after {STEPS} of your steps)"),
                k => format!("step {} of {name} (the value it returned)", k + 1),
            })
            .collect();
        let near = |a: f64, b: f64| (a - b).abs() <= 1e-5 * b.abs().max(1.0);
        compare("the loss", &labels, &got, &want, 1e-5).map_err(|e| {
            let why = if near(got[0], want[1]) {
                "that is the loss after the update: return the one the step was taken on"
            } else if !near(got[0], want[0]) {
                "the first loss is not the untrained model's: give `loss` the raw \
                 outputs of `model.forward(x)`, with no sigmoid or softmax"
            } else if got[..STEPS].iter().all(|&g| g == got[0]) {
                "the loss never changes: the weights were not updated"
            } else if (got[1] - got[0]).abs() > 1.5 * (want[1] - want[0]).abs() {
                "the loss moves faster than the library's: one call updates twice"
            } else {
                ""
            };
            if why.is_empty() {
                e
            } else {
                format!("{e}\n{why}")
            }
        })?;
        shown.push(format!(
            "{:<26}{} -> {}",
            format!("{name}:"),
            f4(got[0]),
            f4(got[STEPS])
        ));
    }
    Ok(shown.join("\n"))
}
