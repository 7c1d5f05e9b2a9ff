//! PyTorch, Candle 0.11, `nn_functional` (as `F`) and the book's `shared`
//! crate, call for call.
//! Data only; `lib.rs` prints it.

/// One PyTorch idiom, its Candle spelling, and the `nn_functional` or
/// `shared` function the book uses instead where there is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub pytorch: &'static str,
    /// `None` where Candle has no such call.
    pub candle: Option<&'static str>,
    pub shared: Option<&'static str>,
}

const fn row(
    pytorch: &'static str,
    candle: Option<&'static str>,
    shared: Option<&'static str>,
) -> Row {
    Row {
        pytorch,
        candle,
        shared,
    }
}

/// Tensors: Candle alone.
pub const TENSORS: &[Row] = &[
    row(
        "torch.tensor(data)",
        Some("Tensor::new(&data, &dev)?"),
        None,
    ),
    row(
        "torch.zeros(2, 3)",
        Some("Tensor::zeros((2, 3), DType::F32, &dev)?"),
        None,
    ),
    row("x.shape, x.dtype", Some("x.dims(), x.dtype()"), None),
    row("x.to(torch.float64)", Some("x.to_dtype(DType::F64)?"), None),
    row(
        "x.item(), x.tolist()",
        Some("x.to_scalar::<f32>()?, x.to_vec2::<f32>()?"),
        Some("shared::activations::to_f64(&x)?, to_f64_vec(&x)?"),
    ),
    row("x + y (same shape)", Some("(&x + &y)?"), None),
    row("x + b (broadcasting)", Some("x.broadcast_add(&b)?"), None),
    row("x * 2", Some("(&x * 2.0)?"), None),
    row("x @ w.T", Some("x.matmul(&w.t()?)?"), None),
    row("x.sum(dim=-1)", Some("x.sum(D::Minus1)?"), None),
    row(
        "x.sum(dim=-1, keepdim=True)",
        Some("x.sum_keepdim(D::Minus1)?"),
        None,
    ),
    row("x.mean()", Some("x.mean_all()?"), None),
    row(
        "x.argmax(dim=-1), int64",
        Some("x.argmax(D::Minus1)?, u32"),
        None,
    ),
    row("x[idx]", Some("x.index_select(&idx, 0)?"), None),
    row("x.gather(1, idx)", Some("x.gather(&idx, 1)?"), None),
    row(
        "torch.softmax(x, dim=-1)",
        // Not candle_nn::ops::softmax_last_dim: it keeps no graph, so no
        // gradient flows back through it (the appendix, ch10, pins this).
        Some("candle_nn::ops::softmax(&x, D::Minus1)?"),
        Some("F::softmax(&x, D::Minus1)?"),
    ),
    row(
        "torch.relu(x)",
        Some("x.relu()?"),
        Some("F::relu(&x)?: f'(0) = 0, as in PyTorch"),
    ),
];

/// Gradients and training: Candle, and the `shared` functions the chapters call.
pub const TRAINING: &[Row] = &[
    row(
        "w.requires_grad_()",
        Some("Var::new(&w, &dev)?, Var::from_tensor(&t)?"),
        None,
    ),
    row(
        "loss.backward(); w.grad",
        Some("let grads = loss.backward()?; grads.get(&w)"),
        None,
    ),
    row("x.detach()", Some("x.detach()"), None),
    row(
        "torch.manual_seed(seed)",
        None,
        Some("shared::data::rng(seed), then shared::data::normals(&mut rng, n)"),
    ),
    row(
        "nn.Linear(4, 16)",
        Some("candle_nn::linear(4, 16, vb)?, unseeded"),
        Some("shared::nn::Linear::new(4, 16, init, &mut rng)?"),
    ),
    row(
        "nn.Sequential(...)",
        None,
        Some("shared::nn::Mlp::new(&[4, 16, 1], Activation::Relu, init, seed)?"),
    ),
    row(
        "optim.Adam(params, lr=lr)",
        Some("candle_nn::AdamW with weight_decay: 0.0"),
        Some("shared::nn::adam(model.vars(), lr)?"),
    ),
    row(
        "zero_grad, backward, step",
        Some("opt.backward_step(&loss)?"),
        None,
    ),
    row(
        "a full-batch training loop",
        None,
        Some("shared::nn::train(&model, &x, lr, steps, |pred| loss(pred))?"),
    ),
    row(
        "nn.MSELoss()",
        Some("candle_nn::loss::mse(&pred, &y)?"),
        Some("F::mse_loss(&pred, &y, Reduction::Mean)?"),
    ),
    row(
        "nn.CrossEntropyLoss()",
        Some("candle_nn::loss::cross_entropy(&z, &labels)?"),
        Some("F::cross_entropy(&z, &labels, Default::default())?"),
    ),
    row(
        "nn.BCEWithLogitsLoss()",
        Some("candle_nn::loss::binary_cross_entropy_with_logit, the naive form"),
        Some("F::binary_cross_entropy_with_logits(&z, &y, Default::default())?"),
    ),
];
