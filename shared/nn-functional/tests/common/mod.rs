//! Reading the PyTorch fixture and calling the library the way a case says.

#![allow(dead_code)]

use std::collections::BTreeMap;

use candle_core::{DType, Device, Result, Tensor, Var};
use nn_functional as F;
use serde_json::Value;

/// One case of the fixture.
pub struct Case {
    pub fun: String,
    pub dtype: String,
    pub note: String,
    pub args: BTreeMap<String, Tensor>,
    pub opts: BTreeMap<String, Value>,
    pub value: Option<Tensor>,
    pub grads: BTreeMap<String, Tensor>,
    pub cotangent: Option<Tensor>,
}

pub struct Fixture {
    pub torch_version: String,
    pub cases: Vec<Case>,
}

impl Case {
    pub fn label(&self) -> String {
        let opts: Vec<String> = self
            .opts
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str().map(str::to_string).unwrap_or(v.to_string())
                )
            })
            .collect();
        format!(
            "{} {} [{}] {}",
            self.fun,
            self.dtype,
            opts.join(", "),
            self.note
        )
    }

    pub fn opt_f64(&self, k: &str) -> f64 {
        let v = &self.opts[k];
        match v.as_str() {
            Some(s) => s.parse().unwrap(),
            None => v.as_f64().unwrap(),
        }
    }

    pub fn opt_i64(&self, k: &str) -> i64 {
        self.opts[k].as_i64().unwrap()
    }

    pub fn opt_bool(&self, k: &str) -> bool {
        self.opts.get(k).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn reduction(&self) -> F::Reduction {
        self.opts["reduction"].as_str().unwrap().parse().unwrap()
    }

    fn arg(&self, args: &BTreeMap<String, Tensor>, k: &str) -> Option<Tensor> {
        args.get(k).cloned()
    }
}

/// A fixture tensor: floats and integers are written as strings.
pub fn tensor(v: &Value) -> Tensor {
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect();
    let data = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap());
    let dev = &Device::Cpu;
    match v["dtype"].as_str().unwrap() {
        "i64" => Tensor::from_vec(
            data.map(|s| s.parse::<i64>().unwrap()).collect(),
            shape,
            dev,
        ),
        "f64" => Tensor::from_vec(
            data.map(|s| s.parse::<f64>().unwrap()).collect(),
            shape,
            dev,
        ),
        "f32" => Tensor::from_vec(
            data.map(|s| s.parse::<f64>().unwrap() as f32).collect(),
            shape,
            dev,
        ),
        other => panic!("unknown dtype {other}"),
    }
    .unwrap()
}

fn tensors(v: &Value) -> BTreeMap<String, Tensor> {
    v.as_object()
        .map(|o| o.iter().map(|(k, t)| (k.clone(), tensor(t))).collect())
        .unwrap_or_default()
}

pub fn load() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture/torch.json");
    let text =
        std::fs::read_to_string(path).expect("the fixture: run tools/nn-functional-fixture.py");
    let json: Value = serde_json::from_str(&text).unwrap();
    let cases = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            fun: c["fn"].as_str().unwrap().to_string(),
            dtype: c["dtype"].as_str().unwrap().to_string(),
            note: c["note"].as_str().unwrap_or("").to_string(),
            args: tensors(&c["args"]),
            opts: c["opts"]
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            value: (!c["value"].is_null()).then(|| tensor(&c["value"])),
            grads: tensors(&c["grads"]),
            cotangent: c.get("cotangent").map(tensor),
        })
        .collect();
    Fixture {
        torch_version: json["torch_version"].as_str().unwrap().to_string(),
        cases,
    }
}

/// Calls the library's function for `case` on `args`.
pub fn call(case: &Case, args: &BTreeMap<String, Tensor>) -> Result<Tensor> {
    let x = &args["input"];
    let y = || args["target"].clone();
    let w = case.arg(args, "weight");
    match case.fun.as_str() {
        "relu" => F::relu(x),
        "leaky_relu" => F::leaky_relu(x, case.opt_f64("negative_slope")),
        "elu" => F::elu(x, case.opt_f64("alpha")),
        "selu" => F::selu(x),
        "gelu" => F::gelu(
            x,
            match case.opts["approximate"].as_str().unwrap() {
                "tanh" => F::GeluApproximate::Tanh,
                _ => F::GeluApproximate::None,
            },
        ),
        "silu" => F::silu(x),
        "mish" => F::mish(x),
        "softplus" => F::softplus(x, case.opt_f64("beta"), case.opt_f64("threshold")),
        "sigmoid" => F::sigmoid(x),
        "tanh" => F::tanh(x),
        "softmax" => F::softmax(x, dim(x, case.opt_i64("dim"))),
        "log_softmax" => F::log_softmax(x, dim(x, case.opt_i64("dim"))),
        "mse_loss" => F::mse_loss(x, &y(), case.reduction()),
        "l1_loss" => F::l1_loss(x, &y(), case.reduction()),
        "huber_loss" => F::huber_loss(
            x,
            &y(),
            F::HuberLossOptions {
                delta: case.opt_f64("delta"),
                reduction: case.reduction(),
            },
        ),
        "smooth_l1_loss" => F::smooth_l1_loss(
            x,
            &y(),
            F::SmoothL1LossOptions {
                beta: case.opt_f64("beta"),
                reduction: case.reduction(),
            },
        ),
        "binary_cross_entropy_with_logits" => F::binary_cross_entropy_with_logits(
            x,
            &y(),
            F::BinaryCrossEntropyWithLogitsOptions {
                weight: w,
                pos_weight: case.arg(args, "pos_weight"),
                reduction: case.reduction(),
            },
        ),
        "binary_cross_entropy" => F::binary_cross_entropy(
            x,
            &y(),
            F::BinaryCrossEntropyOptions {
                weight: w,
                reduction: case.reduction(),
            },
        ),
        "sigmoid_focal_loss" => {
            let alpha = case.opt_f64("alpha");
            F::sigmoid_focal_loss(
                x,
                &y(),
                F::SigmoidFocalLossOptions {
                    alpha: (alpha >= 0.0).then_some(alpha),
                    gamma: case.opt_f64("gamma"),
                    reduction: case.reduction(),
                },
            )
        }
        "cross_entropy" => F::cross_entropy(
            x,
            &y(),
            F::CrossEntropyOptions {
                weight: w,
                ignore_index: case.opt_i64("ignore_index"),
                reduction: case.reduction(),
                label_smoothing: case.opt_f64("label_smoothing"),
            },
        ),
        "nll_loss" => F::nll_loss(
            x,
            &y(),
            F::NllLossOptions {
                weight: w,
                ignore_index: case.opt_i64("ignore_index"),
                reduction: case.reduction(),
            },
        ),
        "kl_div" => F::kl_div(
            x,
            &y(),
            F::KlDivOptions {
                reduction: case.reduction(),
                log_target: case.opt_bool("log_target"),
            },
        ),
        other => panic!("the fixture has a function the test does not know: {other}"),
    }
}

/// PyTorch's dim (maybe negative) as an index.
fn dim(x: &Tensor, d: i64) -> usize {
    if d < 0 {
        (x.rank() as i64 + d) as usize
    } else {
        d as usize
    }
}

/// A clipping case: the arguments are gradients, the value the total norm,
/// `grads` the gradients after clipping.
pub fn clip(
    case: &Case,
    rel_err: impl Fn(&[f64], &[f64], fn(usize, f64) -> bool) -> (f64, usize),
) -> Result<(f64, usize)> {
    let no = |_: usize, _: f64| false;
    let mut vars = Vec::new();
    let mut objective: Option<Tensor> = None;
    for (name, g) in &case.args {
        let v = Var::zeros(g.shape(), g.dtype(), g.device())?;
        let term = (v.as_tensor() * g)?.sum_all()?;
        objective = Some(match objective {
            Some(o) => (o + term)?,
            None => term,
        });
        vars.push((name.clone(), v));
    }
    let mut grads = objective.expect("gradients").backward()?;
    let all: Vec<Var> = vars.iter().map(|(_, v)| v.clone()).collect();
    let mut worst = 0f64;
    if case.fun == "clip_grad_norm" {
        let opts = F::ClipGradNormOptions {
            norm_type: case.opt_f64("norm_type"),
            error_if_nonfinite: false,
        };
        let total = F::clip_grad_norm(&mut grads, &all, case.opt_f64("max_norm"), opts)?;
        let want = case.value.as_ref().unwrap();
        worst = rel_err(&f64s(&total)?, &f64s(want)?, no).0;
    } else {
        F::clip_grad_value(&mut grads, &all, case.opt_f64("clip_value"))?;
    }
    for (name, v) in &vars {
        let got = f64s(grads.get(v.as_tensor()).unwrap())?;
        worst = worst.max(rel_err(&got, &f64s(&case.grads[name])?, no).0);
    }
    Ok((worst, 0))
}

fn f64s(t: &Tensor) -> Result<Vec<f64>> {
    t.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()
}
