//! Gradient utilities candle-nn does not have, such as clipping the global
//! gradient norm (PyTorch's `torch.nn.utils.clip_grad_norm_`).
