//! How much of the loss's gradient reaches each hidden layer at
//! initialisation, what each layer multiplies it by, and how much that changes
//! from one draw of the weights to another. Computes and returns
//! data; `lib.rs` prints it, `plots.rs` draws it.

use book_kit::plot::linspace;
use candle_core::{DType, Error, Result, Tensor, Var};
use nn_functional::{self as F, Reduction};
use shared::activations::{Activation, to_f64, value_and_grad};
use shared::nn::{Init, Mlp};

use crate::Options;

/// The activations compared, in the order of the tables.
pub const ACTIVATIONS: [Activation; 5] = [
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Relu,
    Activation::LeakyRelu { slope: 0.01 },
    Activation::Gelu,
];

/// The initialisations compared in the init table.
pub const INITS: [Init; 3] = [
    Init::PytorchDefault,
    Init::XavierNormal,
    Init::KaimingNormal,
];

/// "Alive": the first hidden layer's gradient is within this factor of the last one's.
pub const ALIVE_FACTOR: f64 = 10.0;

// ANCHOR: probe
/// The inputs and targets every network sees: `batch` rows of the
/// delivery-time regression (4 features).
pub struct Batch {
    pub x: Tensor,
    pub y: Tensor,
}

pub fn batch(opts: &Options) -> Result<Batch> {
    let data = shared::data::delivery_times(opts.batch, !opts.seed);
    let device = candle_core::Device::Cpu;
    Ok(Batch {
        x: data.x(&device)?,
        y: data.y(&device)?,
    })
}

/// The network: one input per feature, `depth` hidden layers of `width`
/// units, 1 output. The same seed gives the same weights whatever the
/// activation.
pub fn network(opts: &Options, batch: &Batch, act: Activation, init: Init) -> Result<Mlp> {
    let mut sizes = vec![batch.x.dim(1)?];
    sizes.extend(std::iter::repeat_n(opts.width, opts.depth));
    sizes.push(1);
    Mlp::new(&sizes, act, init, opts.seed)
}

/// One forward and backward pass, keeping each hidden layer's pre-activation
/// `z`, activation `h = f(z)`, and the gradients of the MSE loss with respect
/// to both. Candle keeps gradients only for variables, so a zero variable is
/// added to `z` and to `h`: adding 0 changes no value, and its gradient is
/// exactly dLoss/dz (or dLoss/dh).
pub struct Probe {
    pub z: Vec<Tensor>,
    pub h: Vec<Tensor>,
    pub dz: Vec<Tensor>,
    pub dh: Vec<Tensor>,
}

pub fn probe(mlp: &Mlp, batch: &Batch) -> Result<Probe> {
    let (last, hidden) = mlp
        .layers
        .split_last()
        .ok_or(Error::Msg("no layers".into()))?;
    let tap = |t: &Tensor| -> Result<(Tensor, Var)> {
        let v = Var::zeros(t.shape(), t.dtype(), t.device())?;
        Ok(((t + v.as_tensor())?, v))
    };
    let (mut zs, mut hs, mut taps) = (vec![], vec![], vec![]);
    let mut h = batch.x.clone();
    for layer in hidden {
        let (z, tz) = tap(&layer.forward(&h)?)?;
        let (a, th) = tap(&mlp.activation.apply(&z)?)?;
        h = a;
        zs.push(z);
        hs.push(h.clone());
        taps.push((tz, th));
    }
    let loss = F::mse_loss(&last.forward(&h)?, &batch.y, Reduction::Mean)?;
    let grads = loss.backward()?;
    let grad = |v: &Var| match grads.get(v.as_tensor()) {
        Some(g) => Ok(g.clone()),
        None => v.as_tensor().zeros_like(),
    };
    Ok(Probe {
        z: zs,
        h: hs,
        dz: taps.iter().map(|(tz, _)| grad(tz)).collect::<Result<_>>()?,
        dh: taps.iter().map(|(_, th)| grad(th)).collect::<Result<_>>()?,
    })
}
// ANCHOR_END: probe

/// The Euclidean norm of a whole tensor (every row of the batch).
pub fn norm(t: &Tensor) -> Result<f64> {
    to_f64(&t.to_dtype(DType::F64)?.sqr()?.sum_all()?.sqrt()?)
}

pub fn geo_mean(v: &[f64]) -> f64 {
    (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
}

// ANCHOR: flow
/// How the gradient travels down one network: `grad[l]` = ‖dLoss/dh‖ at hidden
/// layer l+1; the step from layer l+1 down to layer l multiplies it by
/// `act_factor[l+1] · weight_factor[l]`.
#[derive(Clone, Debug)]
pub struct Flow {
    pub activation: Activation,
    pub init: Init,
    pub grad: Vec<f64>,
    /// ‖dLoss/dz‖ / ‖dLoss/dh‖ at each layer: what f'(z) does (≤ max |f'|).
    pub act_factor: Vec<f64>,
    /// ‖dLoss/dh‖ one layer down / ‖dLoss/dz‖: what Wᵀ does (layers 2..depth).
    pub weight_factor: Vec<f64>,
}

pub fn flow(opts: &Options, batch: &Batch, act: Activation, init: Init) -> Result<Flow> {
    let mlp = network(opts, batch, act, init)?;
    let p = probe(&mlp, batch)?;
    let dh = p.dh.iter().map(norm).collect::<Result<Vec<_>>>()?;
    let dz = p.dz.iter().map(norm).collect::<Result<Vec<_>>>()?;
    Ok(Flow {
        activation: act,
        init,
        act_factor: dz.iter().zip(&dh).map(|(z, h)| z / h).collect(),
        weight_factor: (1..dh.len()).map(|l| dh[l - 1] / dz[l]).collect(),
        grad: dh,
    })
}

/// Every activation of [`ACTIVATIONS`] under one initialisation.
pub fn flows(opts: &Options, batch: &Batch, init: Init) -> Result<Vec<Flow>> {
    ACTIVATIONS
        .iter()
        .map(|&act| flow(opts, batch, act, init))
        .collect()
}
// ANCHOR_END: flow

// ANCHOR: factors
impl Flow {
    /// The first hidden layer's gradient norm over the last one's.
    pub fn first_over_last(&self) -> f64 {
        match (self.grad.first(), self.grad.last()) {
            (Some(first), Some(last)) => first / last,
            _ => f64::NAN,
        }
    }
    /// The typical f' factor: the geometric mean over layers 2..depth (the
    /// steps whose product is first/last).
    pub fn mean_act_factor(&self) -> f64 {
        geo_mean(self.act_factor.get(1..).unwrap_or_default())
    }
    /// The typical W factor, over the same steps.
    pub fn mean_weight_factor(&self) -> f64 {
        geo_mean(&self.weight_factor)
    }
    /// The largest f' factor at any layer.
    pub fn max_act_factor(&self) -> f64 {
        self.act_factor.iter().fold(0.0, |m: f64, &x| m.max(x))
    }
}

/// The largest |f'(z)| an activation reaches on [-6, 6], by autograd: the
/// most its f' factor can be.
pub struct MaxSlope {
    pub activation: Activation,
    pub max: f64,
}

pub fn max_slope(activation: Activation) -> Result<MaxSlope> {
    let d = value_and_grad(
        |z| activation.apply(z),
        &linspace(-6.0, 6.0, 1201),
        DType::F64,
    )?;
    Ok(MaxSlope {
        activation,
        max: d.grad.iter().fold(0.0, |m, g| m.max(g.abs())),
    })
}
// ANCHOR_END: factors

// ANCHOR: verdict
/// What happened to the gradient between the last hidden layer and the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// first/last within a factor [`ALIVE_FACTOR`] either way
    Alive,
    /// first/last below 1 / [`ALIVE_FACTOR`]
    Vanishes,
    /// first/last above [`ALIVE_FACTOR`]
    Explodes,
}

impl Verdict {
    /// The verdict on a first/last ratio.
    pub fn of(first_over_last: f64) -> Verdict {
        match first_over_last {
            r if (1.0 / ALIVE_FACTOR..=ALIVE_FACTOR).contains(&r) => Verdict::Alive,
            r if r < 1.0 => Verdict::Vanishes,
            _ => Verdict::Explodes,
        }
    }
}

impl Flow {
    pub fn verdict(&self) -> Verdict {
        Verdict::of(self.first_over_last())
    }
    pub fn alive(&self) -> bool {
        self.verdict() == Verdict::Alive
    }
}
// ANCHOR_END: verdict

impl Verdict {
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Alive => "alive",
            Verdict::Vanishes => "vanishes",
            Verdict::Explodes => "explodes",
        }
    }
}

// ANCHOR: seeds
/// The seed study repeats a pairing only if its first/last at `--seed` lies
/// within this factor of the alive band (inside it, or outside by at most this).
pub const NEAR: f64 = 30.0;

/// Whether a first/last ratio is within a factor [`NEAR`] of the alive band.
pub fn near_the_band(first_over_last: f64) -> bool {
    (1.0 / (ALIVE_FACTOR * NEAR)..=ALIVE_FACTOR * NEAR).contains(&first_over_last)
}

/// One pairing under the weight seeds `--seed`, `--seed + 1`, …, in that order.
#[derive(Clone, Debug)]
pub struct Spread {
    pub activation: Activation,
    pub init: Init,
    /// first/last for each seed; the first is `--seed`'s.
    pub ratios: Vec<f64>,
    /// The typical f' factor for each seed.
    pub act_factors: Vec<f64>,
}

/// Every pairing of the study near the band, again under `--seeds` weight
/// seeds. Only the weights change: every network sees the same batch.
pub fn spreads(opts: &Options, batch: &Batch, study: &[Flow]) -> Result<Vec<Spread>> {
    let near = study.iter().filter(|f| near_the_band(f.first_over_last()));
    near.map(|f| {
        let mut flows = vec![f.clone()];
        for k in 1..opts.seeds as u64 {
            let seed = opts.seed.wrapping_add(k);
            let other = Options {
                seed,
                ..opts.clone()
            };
            flows.push(flow(&other, batch, f.activation, f.init)?);
        }
        Ok(Spread {
            activation: f.activation,
            init: f.init,
            ratios: flows.iter().map(Flow::first_over_last).collect(),
            act_factors: flows.iter().map(Flow::mean_act_factor).collect(),
        })
    })
    .collect()
}

impl Spread {
    /// How many seeds gave this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        let of = |r: &&f64| Verdict::of(**r) == verdict;
        self.ratios.iter().filter(of).count()
    }
    /// The position (0 = `--seed`) of the seed with the smallest first/last.
    pub fn lowest_seed(&self) -> usize {
        let by_ratio = |a: &(usize, &f64), b: &(usize, &f64)| a.1.total_cmp(b.1);
        let lowest = self.ratios.iter().enumerate().min_by(by_ratio);
        lowest.map_or(0, |(k, _)| k)
    }
    pub fn lowest(&self) -> f64 {
        self.ratios[self.lowest_seed()]
    }
    pub fn highest(&self) -> f64 {
        self.ratios.iter().fold(f64::NEG_INFINITY, |m, &r| m.max(r))
    }
}
// ANCHOR_END: seeds
