//! Seeded layers, a small MLP, and a full-batch training loop.
//!
//! candle-nn's `linear` draws its initial weights from Candle's CPU generator,
//! which cannot be seeded; here every weight comes from a `ChaCha8Rng`, so a
//! chapter prints the same numbers on every run. The schemes are PyTorch's.

use candle_core::{Device, Result, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::activations::Activation;
use crate::data::{normal, rng};

/// How a layer's initial weights are drawn (`fan_in`, `fan_out`: the layer's
/// input and output widths). A chapter flag can take it directly
/// (`--init kaiming-normal`): the first line of each doc comment is its help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Init {
    /// PyTorch's nn.Linear default, U(±1/√fan_in) for weights and biases
    PytorchDefault,
    /// N(0, 2/fan_in), zero bias: Kaiming (He) normal, for ReLU
    KaimingNormal,
    /// U(±√(6/fan_in)), zero bias: Kaiming (He) uniform, for ReLU
    KaimingUniform,
    /// N(0, 2/(fan_in + fan_out)), zero bias: Xavier (Glorot) normal
    XavierNormal,
    /// U(±√(6/(fan_in + fan_out))), zero bias: Xavier (Glorot) uniform
    XavierUniform,
}

impl Init {
    pub fn name(&self) -> &'static str {
        match self {
            Init::PytorchDefault => "PyTorch default",
            Init::KaimingNormal => "Kaiming normal",
            Init::KaimingUniform => "Kaiming uniform",
            Init::XavierNormal => "Xavier normal",
            Init::XavierUniform => "Xavier uniform",
        }
    }

    /// The standard deviation of the weights this scheme draws.
    pub fn weight_std(&self, fan_in: usize, fan_out: usize) -> f64 {
        let (i, o) = (fan_in as f64, fan_out as f64);
        match self {
            Init::PytorchDefault => 1.0 / (3.0 * i).sqrt(),
            Init::KaimingNormal | Init::KaimingUniform => (2.0 / i).sqrt(),
            Init::XavierNormal | Init::XavierUniform => (2.0 / (i + o)).sqrt(),
        }
    }

    fn draw(&self, rng: &mut ChaCha8Rng, fan_in: usize, fan_out: usize) -> f32 {
        let std = self.weight_std(fan_in, fan_out);
        match self {
            Init::KaimingNormal | Init::XavierNormal => (std * normal(rng) as f64) as f32,
            // U(−b, b) has standard deviation b/√3
            _ => {
                let b = std * 3f64.sqrt();
                rng.random_range(-b..b) as f32
            }
        }
    }
}

/// A fully connected layer `y = x·Wᵀ + b`, with `W` of shape `(out, in)` as in PyTorch.
#[derive(Clone, Debug)]
pub struct Linear {
    pub weight: Var,
    pub bias: Var,
}

impl Linear {
    /// A layer initialised from `rng` with `init`, in f32.
    pub fn new(fan_in: usize, fan_out: usize, init: Init, rng: &mut ChaCha8Rng) -> Result<Self> {
        let w: Vec<f32> = (0..fan_in * fan_out)
            .map(|_| init.draw(rng, fan_in, fan_out))
            .collect();
        let b: Vec<f32> = match init {
            Init::PytorchDefault => {
                let bound = 1.0 / (fan_in as f64).sqrt();
                (0..fan_out)
                    .map(|_| rng.random_range(-bound..bound) as f32)
                    .collect()
            }
            _ => vec![0.0; fan_out],
        };
        Ok(Self {
            weight: Var::from_tensor(&Tensor::from_vec(w, (fan_out, fan_in), &Device::Cpu)?)?,
            bias: Var::from_tensor(&Tensor::from_vec(b, fan_out, &Device::Cpu)?)?,
        })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(&self.weight.as_tensor().t()?)?
            .broadcast_add(self.bias.as_tensor())
    }

    /// The same `x·Wᵀ + b`, with the bias added as a matrix product: a
    /// column of ones `(n, 1)` times the bias as a row `(1, out)`. The values
    /// agree with [`Linear::forward`] to rounding. The point is the backward
    /// pass: the bias's gradient is the batch's gradients summed over the
    /// rows. After `broadcast_add`, Candle 0.11 sums over that first dimension
    /// with a generic strided loop; after a product, the sum is a product
    /// too (`onesᵀ · grad`), done by the same gemm as the weights' gradient.
    pub fn forward_bias_as_matmul(&self, x: &Tensor) -> Result<Tensor> {
        let ones = Tensor::ones((x.dim(0)?, 1), x.dtype(), x.device())?;
        let bias_row = self.bias.as_tensor().unsqueeze(0)?;
        x.matmul(&self.weight.as_tensor().t()?)? + ones.matmul(&bias_row)?
    }

    /// The same `x·Wᵀ + b` as one product: `[x | 1]·[W | b]ᵀ`, the input
    /// with a column of ones and the weights with the bias as one more
    /// column. The values agree with [`Linear::forward`] to rounding. Forward
    /// it saves the sum and the second product of
    /// [`Linear::forward_bias_as_matmul`]; backward, their gradients: the
    /// bias's gradient comes out of the weights' product as its last column.
    /// Best where `x` is narrow and needs no gradient (a first layer), as the
    /// concatenation copies `x`.
    pub fn forward_bias_as_column(&self, x: &Tensor) -> Result<Tensor> {
        let ones = Tensor::ones((x.dim(0)?, 1), x.dtype(), x.device())?;
        let x1 = Tensor::cat(&[x, &ones], 1)?;
        let bias_col = self.bias.as_tensor().unsqueeze(1)?;
        let wb = Tensor::cat(&[self.weight.as_tensor(), &bias_col], 1)?;
        x1.matmul(&wb.t()?)
    }
}

/// Ways to make [`Mlp::forward_as`] cheaper in Candle 0.11 on the CPU,
/// each measured by chapter 7. None changes what is computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Forward {
    /// Add each bias with [`Linear::forward_bias_as_matmul`].
    pub bias_as_matmul: bool,
    /// Add the first layer's bias with [`Linear::forward_bias_as_column`]
    /// instead (the other layers as `bias_as_matmul` says).
    pub first_bias_as_column: bool,
    /// Compute ReLU's 0/1 mask as `relu(sign(z))`, two vectorised unary
    /// operations, instead of the comparison `z > 0`, which Candle evaluates
    /// one element at a time, and leave out the `+ 0` that turns the `−0`
    /// of a negative `z` times 0 into `+0`. The mask and the gradient are
    /// bit for bit those of `activations::relu`, and the values equal as
    /// numbers (`−0 = +0`; the next layer's product and every output are the
    /// same bits).
    pub relu_mask_from_sign: bool,
}

/// `max(0, z)` as `z · relu(sign(z))`: `activations::relu` with its mask
/// computed without a comparison, and `−0` left as it is (see [`Forward`]).
fn relu_mask_from_sign(z: &Tensor) -> Result<Tensor> {
    z * z.sign()?.relu()?
}

/// A multi-layer perceptron: `Linear → activation → … → Linear`, with no
/// activation after the last layer (its outputs are logits or raw values).
#[derive(Clone, Debug)]
pub struct Mlp {
    pub layers: Vec<Linear>,
    pub activation: Activation,
}

impl Mlp {
    /// An MLP with layer widths `sizes` (input first, output last), seeded by `seed`.
    pub fn new(sizes: &[usize], activation: Activation, init: Init, seed: u64) -> Result<Self> {
        let mut r = rng(seed);
        let layers = sizes
            .windows(2)
            .map(|w| Linear::new(w[0], w[1], init, &mut r))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { layers, activation })
    }

    /// The output for a batch `x`: every hidden layer applies the activation,
    /// the last layer does not (it returns logits or raw values).
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.forward_with(x, |_, l, h| l.forward(h), |z| self.activation.apply(z))
    }

    /// [`Mlp::forward`] with the changes `how` asks for: the same outputs
    /// (to rounding where the bias is a product), and a cheaper pass through
    /// Candle's CPU backend.
    pub fn forward_as(&self, x: &Tensor, how: Forward) -> Result<Tensor> {
        let linear = |i: usize, l: &Linear, h: &Tensor| {
            if how.first_bias_as_column && i == 0 {
                l.forward_bias_as_column(h)
            } else if how.bias_as_matmul {
                l.forward_bias_as_matmul(h)
            } else {
                l.forward(h)
            }
        };
        if how.relu_mask_from_sign && self.activation == Activation::Relu {
            self.forward_with(x, linear, relu_mask_from_sign)
        } else {
            self.forward_with(x, linear, |z| self.activation.apply(z))
        }
    }

    fn forward_with(
        &self,
        x: &Tensor,
        linear: impl Fn(usize, &Linear, &Tensor) -> Result<Tensor>,
        activation: impl Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<Tensor> {
        let last = self.layers.len().saturating_sub(1);
        let mut h = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = linear(i, layer, &h)?;
            if i < last {
                h = activation(&h)?;
            }
        }
        Ok(h)
    }

    /// Every weight and bias, for an optimiser.
    pub fn vars(&self) -> Vec<Var> {
        self.layers
            .iter()
            .flat_map(|l| [l.weight.clone(), l.bias.clone()])
            .collect()
    }
}

/// Adam as in PyTorch (`torch.optim.Adam`, no weight decay): candle-nn's AdamW
/// with `weight_decay = 0`.
pub fn adam(vars: Vec<Var>, lr: f64) -> Result<AdamW> {
    AdamW::new(
        vars,
        ParamsAdamW {
            lr,
            weight_decay: 0.0,
            ..Default::default()
        },
    )
}

// ANCHOR: train
/// Full-batch training: `steps` Adam steps on `loss(model(x))`. Returns the
/// loss before each step. Stops early, keeping the non-finite value as the last
/// entry, if the loss stops being finite.
pub fn train(
    model: &Mlp,
    x: &Tensor,
    lr: f64,
    steps: usize,
    loss: impl Fn(&Tensor) -> Result<Tensor>,
) -> Result<Vec<f64>> {
    let mut opt = adam(model.vars(), lr)?;
    let mut history = Vec::with_capacity(steps);
    for _ in book_kit::progress::steps("training", steps) {
        let l = loss(&model.forward(x)?)?;
        let v = crate::activations::to_f64(&l)?;
        history.push(v);
        if !v.is_finite() {
            break;
        }
        opt.backward_step(&l)?;
    }
    Ok(history)
}
// ANCHOR_END: train
