//! The chapter's experiments. Each returns data; `lib.rs` prints it and
//! `plots.rs` draws it.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use candle_core::{DType, Device, Error, Result, Tensor, Var};
use shared::activations::Activation;
use shared::nn::{Init, Mlp, train};

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
/// The network and its batch: 4 inputs, `depth` hidden layers of `width`
/// units, 1 output, on the delivery-time regression. The same seed gives the
/// same weights whatever the activation.
pub fn network(opts: &Options, act: Activation, init: Init) -> Result<(Mlp, Tensor, Tensor)> {
    let data = shared::data::delivery_times(opts.batch, !opts.seed);
    let mut sizes = vec![data.d];
    sizes.extend(std::iter::repeat_n(opts.width, opts.depth));
    sizes.push(1);
    let mlp = Mlp::new(&sizes, act, init, opts.seed)?;
    Ok((mlp, data.x(&Device::Cpu)?, data.y(&Device::Cpu)?))
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

pub fn probe(mlp: &Mlp, x: &Tensor, y: &Tensor) -> Result<Probe> {
    let (last, hidden) = mlp
        .layers
        .split_last()
        .ok_or(Error::Msg("no layers".into()))?;
    let tap = |t: &Tensor| -> Result<(Tensor, Var)> {
        let v = Var::zeros(t.shape(), t.dtype(), t.device())?;
        Ok(((t + v.as_tensor())?, v))
    };
    let (mut zs, mut hs, mut taps) = (vec![], vec![], vec![]);
    let mut h = x.clone();
    for layer in hidden {
        let (z, tz) = tap(&layer.forward(&h)?)?;
        let (a, th) = tap(&mlp.activation.apply(&z)?)?;
        h = a;
        zs.push(z);
        hs.push(h.clone());
        taps.push((tz, th));
    }
    let loss = shared::losses::mse(&last.forward(&h)?, y)?;
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

pub fn norm(t: &Tensor) -> Result<f64> {
    t.to_dtype(DType::F64)?
        .sqr()?
        .sum_all()?
        .sqrt()?
        .to_scalar()
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

impl Flow {
    /// The first hidden layer's gradient norm over the last one's.
    pub fn first_over_last(&self) -> f64 {
        match (self.grad.first(), self.grad.last()) {
            (Some(first), Some(last)) => first / last,
            _ => f64::NAN,
        }
    }
    /// Within a factor `ALIVE_FACTOR` either way.
    pub fn alive(&self) -> bool {
        let r = self.first_over_last();
        (1.0 / ALIVE_FACTOR..=ALIVE_FACTOR).contains(&r)
    }
}

pub fn flow(opts: &Options, act: Activation, init: Init) -> Result<Flow> {
    cached(format!("flow {act:?} {init:?} {}", key(opts)), || {
        measure_flow(opts, act, init)
    })
}

fn measure_flow(opts: &Options, act: Activation, init: Init) -> Result<Flow> {
    let (mlp, x, y) = network(opts, act, init)?;
    let p = probe(&mlp, &x, &y)?;
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
// ANCHOR_END: flow

pub fn main_flows(opts: &Options) -> Result<Vec<Flow>> {
    ACTIVATIONS
        .iter()
        .map(|&a| flow(opts, a, opts.init.into()))
        .collect()
}

/// Every activation under every init of [`INITS`], activation-major.
pub fn init_study(opts: &Options) -> Result<Vec<Flow>> {
    let mut out = Vec::new();
    for act in ACTIVATIONS {
        for init in INITS {
            out.push(flow(opts, act, init)?);
        }
    }
    Ok(out)
}

// ANCHOR: units
/// Per hidden layer, the share of units for which `pred` holds on every row of `t`.
fn share_of_units(t: &Tensor, pred: impl Fn(f32) -> bool) -> Result<f64> {
    let rows = t.to_dtype(DType::F32)?.to_vec2::<f32>()?;
    let width = rows.first().map_or(0, Vec::len);
    let all = (0..width)
        .filter(|&j| rows.iter().all(|r| pred(r[j])))
        .count();
    Ok(all as f64 / width.max(1) as f64)
}

/// Dead and silent units, layer by layer, after one experiment.
#[derive(Clone, Debug)]
pub struct Units {
    pub scenario: String,
    pub activation: Activation,
    /// Output exactly 0 for every input of the batch.
    pub dead: Vec<f64>,
    /// Pre-activation z ≤ 0 for every input (for ReLU, the same as dead).
    pub negative: Vec<f64>,
    /// dLoss/dz exactly 0 for every input: nothing moves this unit's weights.
    pub no_grad: Vec<f64>,
    /// ‖dLoss/dh‖ at the first hidden layer.
    pub first_grad: f64,
}

fn units(scenario: String, mlp: &Mlp, x: &Tensor, y: &Tensor) -> Result<Units> {
    let p = probe(mlp, x, y)?;
    let per_layer = |ts: &[Tensor], pred: fn(f32) -> bool| -> Result<Vec<f64>> {
        ts.iter().map(|t| share_of_units(t, pred)).collect()
    };
    Ok(Units {
        scenario,
        activation: mlp.activation,
        dead: per_layer(&p.h, |v| v == 0.0)?,
        negative: per_layer(&p.z, |v| v <= 0.0)?,
        no_grad: per_layer(&p.dz, |v| v == 0.0)?,
        first_grad: p.dh.first().map_or(Ok(f64::NAN), norm)?,
    })
}
// ANCHOR_END: units

// ANCHOR: dying
/// ReLU and LeakyReLU from Kaiming init: untouched, with every hidden bias
/// shifted by `bias_shift`, and after a few Adam steps at a sane and at a
/// too-large learning rate.
pub fn dying(opts: &Options) -> Result<Vec<Units>> {
    cached(format!("dying {}", key(opts)), || run_dying(opts))
}

fn run_dying(opts: &Options) -> Result<Vec<Units>> {
    let mut out = Vec::new();
    for act in [Activation::Relu, Activation::LeakyRelu { slope: 0.01 }] {
        let (mlp, x, y) = network(opts, act, Init::KaimingNormal)?;
        out.push(units("Kaiming init".into(), &mlp, &x, &y)?);

        let (mlp, ..) = network(opts, act, Init::KaimingNormal)?;
        for layer in mlp.layers.iter().take(opts.depth) {
            layer
                .bias
                .set(&(layer.bias.as_tensor() + opts.bias_shift)?)?;
        }
        let name = format!("biases {:+} at init", opts.bias_shift);
        out.push(units(name, &mlp, &x, &y)?);

        for lr in [0.001, opts.lr] {
            let (mlp, ..) = network(opts, act, Init::KaimingNormal)?;
            train(&mlp, &x, lr, opts.steps, |o| shared::losses::mse(o, &y))?;
            let name = format!("{} Adam steps, lr {lr}", opts.steps);
            out.push(units(name, &mlp, &x, &y)?);
        }
    }
    Ok(out)
}
// ANCHOR_END: dying

/// Each experiment runs once per set of options; the sections, the plots
/// and the tests share its result.
fn cached<T: Clone + Send + 'static>(key: String, run: impl FnOnce() -> Result<T>) -> Result<T> {
    type Store = Mutex<HashMap<String, Box<dyn Any + Send>>>;
    static STORE: LazyLock<Store> = LazyLock::new(Default::default);
    let hit = |store: &Store| {
        let map = store.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&key).and_then(|b| b.downcast_ref::<T>()).cloned()
    };
    if let Some(t) = hit(&STORE) {
        return Ok(t);
    }
    let t = run()?;
    let mut map = STORE.lock().unwrap_or_else(|e| e.into_inner());
    map.insert(key, Box::new(t.clone()));
    Ok(t)
}

/// The options that change an experiment's result.
fn key(o: &Options) -> String {
    let Options {
        depth,
        width,
        batch,
        seed,
        bias_shift,
        lr,
        steps,
        ..
    } = o;
    format!("{depth} {width} {batch} {seed} {bias_shift} {lr} {steps}")
}
