#!/usr/bin/env python3
"""Writes shared/nn-functional/tests/fixture/torch.json: the cases that prove
the nn-functional crate against PyTorch.

Each case names a function, a dtype, its arguments (tensors), its options, and
what PyTorch gives: the value and the gradient with respect to every float
argument PyTorch can differentiate. A value that is not a scalar is reduced
with a seeded cotangent (the gradient of sum(value * cotangent)), which the
case records. Floats are written as Python's repr of the exact value (f32
values widened to f64 exactly), as strings, so that "nan" and "inf" survive
JSON and nothing is rounded on the way.

Run it with PyTorch 2.15 (CPU is enough): it is never a dependency of the
tests, which only read the fixture.

    python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch==2.15.0
    /tmp/torch/bin/python tools/nn-functional-fixture.py

sigmoid_focal_loss is torchvision.ops.sigmoid_focal_loss, copied below
(torchvision 0.30's code), so that torchvision need not be installed.
"""
import json
import math
import os
import re
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "shared", "nn-functional", "tests", "fixture", "torch.json",
)
SEED = 20261207
DTYPES = {"f64": torch.float64, "f32": torch.float32}
INT_NAMES = {torch.int64: "i64"}

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(SEED)


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=gen, dtype=torch.float64) * scale


def rand(*shape):
    return torch.rand(*shape, generator=gen, dtype=torch.float64)


def randint(high, shape):
    return torch.randint(0, high, shape, generator=gen, dtype=torch.int64)


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, verbatim but for the logging call."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "none":
        pass
    elif reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    else:
        raise ValueError(reduction)
    return loss


def fnum(x):
    return repr(float(x))


def enc(t):
    t = t.detach()
    if t.dtype in INT_NAMES:
        return {"dtype": INT_NAMES[t.dtype], "shape": list(t.shape),
                "data": [str(int(v)) for v in t.flatten().tolist()]}
    name = {torch.float64: "f64", torch.float32: "f32"}[t.dtype]
    return {"dtype": name, "shape": list(t.shape),
            "data": [fnum(v) for v in t.flatten().tolist()]}


CASES = []


def case(fn, dtype, args, opts, call, note=""):
    """args: name -> f64 tensor (cast to dtype) or int64 tensor."""
    dt = DTYPES[dtype]
    leaves = {}
    for k, v in args.items():
        leaves[k] = v.to(dt) if v.is_floating_point() else v
    diff = [k for k, v in leaves.items() if v.is_floating_point()]
    while True:
        ts = {k: (v.clone().requires_grad_(k in diff) if v.is_floating_point() else v)
              for k, v in leaves.items()}
        try:
            out = call(**ts)
            cot = None
            if out.dim() > 0:
                cot = randn(*out.shape).to(dt)
                (out * cot).sum().backward()
            else:
                out.backward()
            break
        except RuntimeError as e:
            # PyTorch cannot differentiate this argument: record no gradient for it
            m = re.search(r"not differentiable with respect to argument '(\w+)'", str(e))
            if not m or m.group(1) not in diff:
                raise
            diff.remove(m.group(1))
    c = {
        "fn": fn,
        "dtype": dtype,
        "note": note,
        "args": {k: enc(v) for k, v in leaves.items()},
        "opts": {k: (fnum(v) if isinstance(v, float) else v) for k, v in opts.items()},
        "value": enc(out),
        "grads": {k: enc(ts[k].grad if ts[k].grad is not None else torch.zeros_like(ts[k]))
                  for k in diff},
    }
    if cot is not None:
        c["cotangent"] = enc(cot)
    CASES.append(c)


REDUCTIONS = ["none", "mean", "sum"]
EDGE = torch.tensor([-100.0, -20.0, -17.0, -5.0, -1.0, -0.74, -0.5, -1e-8, 0.0, 1e-8,
                     0.5, 1.0, 5.0, 17.0, 20.0, 100.0], dtype=torch.float64)


def activations():
    z = torch.cat([EDGE, randn(16, scale=3.0), torch.linspace(-0.78, -0.70, 9, dtype=torch.float64)])
    acts = [
        ("relu", {}, lambda input: F.relu(input)),
        ("leaky_relu", {"negative_slope": 0.01}, lambda input: F.leaky_relu(input, 0.01)),
        ("leaky_relu", {"negative_slope": 0.2}, lambda input: F.leaky_relu(input, 0.2)),
        ("elu", {"alpha": 1.0}, lambda input: F.elu(input, 1.0)),
        ("elu", {"alpha": 0.5}, lambda input: F.elu(input, 0.5)),
        ("selu", {}, lambda input: F.selu(input)),
        ("gelu", {"approximate": "none"}, lambda input: F.gelu(input)),
        ("gelu", {"approximate": "tanh"}, lambda input: F.gelu(input, approximate="tanh")),
        ("silu", {}, lambda input: F.silu(input)),
        ("mish", {}, lambda input: F.mish(input)),
        ("softplus", {"beta": 1.0, "threshold": 20.0}, lambda input: F.softplus(input)),
        ("softplus", {"beta": 2.0, "threshold": 10.0}, lambda input: F.softplus(input, 2.0, 10.0)),
        ("softplus", {"beta": 0.5, "threshold": 20.0}, lambda input: F.softplus(input, 0.5, 20.0)),
        ("sigmoid", {}, lambda input: torch.sigmoid(input)),
        ("tanh", {}, lambda input: torch.tanh(input)),
    ]
    for dtype in DTYPES:
        for name, opts, call in acts:
            case(name, dtype, {"input": z}, opts, call)
    x = randn(3, 4, 5, scale=4.0)
    x[0, 0, :] = torch.tensor([100.0, -100.0, 0.0, 100.0, 3.0])  # ties at the max
    x[1, 1, :] = 7.0  # all equal
    for dtype in DTYPES:
        for dim in [0, 1, 2, -1]:
            case("softmax", dtype, {"input": x}, {"dim": dim}, lambda input, d=dim: F.softmax(input, d))
            case("log_softmax", dtype, {"input": x}, {"dim": dim},
                 lambda input, d=dim: F.log_softmax(input, d))


def regression():
    target = randn(4, 5)
    input = target + randn(4, 5, scale=1.5)
    input[0, :] = target[0, :]  # ties: e = 0
    input[1, 0] = target[1, 0] + 1.0  # |e| = delta = beta = 1 (when exact)
    target[1, 1], input[1, 1] = 0.0, 1.0
    target[1, 2], input[1, 2] = 0.0, -0.5
    target[1, 3], input[1, 3] = 0.0, 2.0
    for dtype in DTYPES:
        for red in REDUCTIONS:
            a = {"input": input, "target": target}
            case("mse_loss", dtype, a, {"reduction": red},
                 lambda input, target, r=red: F.mse_loss(input, target, reduction=r))
            case("l1_loss", dtype, a, {"reduction": red},
                 lambda input, target, r=red: F.l1_loss(input, target, reduction=r))
            for delta in [1.0, 0.5, 2.0]:
                case("huber_loss", dtype, a, {"reduction": red, "delta": delta},
                     lambda input, target, r=red, d=delta: F.huber_loss(input, target, reduction=r, delta=d))
            for beta in [1.0, 0.5, 0.0]:
                case("smooth_l1_loss", dtype, a, {"reduction": red, "beta": beta},
                     lambda input, target, r=red, b=beta: F.smooth_l1_loss(input, target, reduction=r, beta=b))


def binary():
    logits = torch.cat([EDGE, randn(16, scale=4.0)]).reshape(8, 4)
    hard = (rand(8, 4) < 0.5).double()
    soft = rand(8, 4)
    weight = rand(8, 4) * 2.0
    weight[0, 0] = 0.0
    pos_weights = {"far_above": torch.tensor([50.0, 1.0, 0.01, 7.0], dtype=torch.float64),
                   "scalar": torch.tensor([3.0], dtype=torch.float64)}
    for dtype in DTYPES:
        for red in REDUCTIONS:
            for tname, target in [("hard", hard), ("soft", soft)]:
                a = {"input": logits, "target": target}
                case("binary_cross_entropy_with_logits", dtype, a, {"reduction": red},
                     lambda input, target, r=red: F.binary_cross_entropy_with_logits(input, target, reduction=r),
                     note=tname)
                case("binary_cross_entropy_with_logits", dtype, dict(a, weight=weight), {"reduction": red},
                     lambda input, target, weight, r=red: F.binary_cross_entropy_with_logits(
                         input, target, weight=weight, reduction=r), note=tname + " weight")
                for pname, pw in pos_weights.items():
                    case("binary_cross_entropy_with_logits", dtype, dict(a, pos_weight=pw, weight=weight),
                         {"reduction": red},
                         lambda input, target, pos_weight, weight, r=red: F.binary_cross_entropy_with_logits(
                             input, target, weight=weight, pos_weight=pos_weight, reduction=r),
                         note=f"{tname} pos_weight {pname}")
            # focal loss, torchvision's semantics
            for alpha in [0.25, -1.0]:
                for gamma in [2.0, 0.0]:
                    case("sigmoid_focal_loss", dtype, {"input": logits, "target": hard},
                         {"reduction": red, "alpha": alpha, "gamma": gamma},
                         lambda input, target, r=red, al=alpha, g=gamma: sigmoid_focal_loss(
                             input, target, al, g, r))
            mid = randn(6, 3, scale=2.0)
            case("sigmoid_focal_loss", dtype, {"input": mid, "target": soft[:6, :3]},
                 {"reduction": red, "alpha": 0.6, "gamma": 0.5},
                 lambda input, target, r=red: sigmoid_focal_loss(input, target, 0.6, 0.5, r))
    # probabilities: 0 and 1 exactly, near them, and in between
    p = torch.tensor([0.0, 1.0, 1e-12, 1.0 - 1e-10, 1e-300, 0.5, 0.25, 0.999], dtype=torch.float64)
    p = torch.cat([p, rand(16)]).reshape(6, 4)
    for dtype in DTYPES:
        pp = p.to(DTYPES[dtype]).double()
        for red in REDUCTIONS:
            for tname, target in [("hard", hard[:6]), ("soft", soft[:6])]:
                a = {"input": pp, "target": target}
                case("binary_cross_entropy", dtype, a, {"reduction": red},
                     lambda input, target, r=red: F.binary_cross_entropy(input, target, reduction=r), note=tname)
                case("binary_cross_entropy", dtype, dict(a, weight=weight[:6]), {"reduction": red},
                     lambda input, target, weight, r=red: F.binary_cross_entropy(
                         input, target, weight=weight, reduction=r), note=tname + " weight")


def classification():
    n, c = 6, 5
    logits = randn(n, c, scale=3.0)
    logits[0, :] = torch.tensor([100.0, -100.0, 0.0, 100.0, -100.0])
    logits[1, :] = 2.0
    target = torch.tensor([0, 3, 1, 4, 2, 1])
    weight = torch.tensor([1.0, 0.0, 2.5, 0.3, 1.7], dtype=torch.float64)  # a zero class weight
    some_ignored = torch.tensor([0, -100, 1, 4, -100, 1])
    all_ignored = torch.full((n,), -100)
    ignore_two = torch.tensor([2, 3, 2, 4, 0, 1])
    spatial = randn(2, c, 3, 2, scale=2.0)
    spatial_t = randint(c, (2, 3, 2))
    spatial_t[0, 0, 0] = -100
    probs = torch.softmax(randn(n, c), 1)
    probs[2, :] = torch.tensor([0.0, 0.0, 1.0, 0.0, 0.0])
    for dtype in DTYPES:
        for red in REDUCTIONS:
            for ls in [0.0, 0.1, 1.0]:
                for wname, w in [("", None), ("weight", weight)]:
                    for tname, t, ii in [("plain", target, -100), ("some ignored", some_ignored, -100),
                                         ("all ignored", all_ignored, -100), ("ignore_index 2", ignore_two, 2)]:
                        a = {"input": logits, "target": t}
                        if w is not None:
                            a["weight"] = w
                        case("cross_entropy", dtype, a,
                             {"reduction": red, "ignore_index": ii, "label_smoothing": ls},
                             lambda r=red, l=ls, i=ii, **kw: F.cross_entropy(
                                 kw["input"], kw["target"], weight=kw.get("weight"), ignore_index=i,
                                 reduction=r, label_smoothing=l), note=f"{tname} {wname}")
                    a = {"input": spatial, "target": spatial_t}
                    if w is not None:
                        a["weight"] = w
                    case("cross_entropy", dtype, a, {"reduction": red, "ignore_index": -100, "label_smoothing": ls},
                         lambda r=red, l=ls, **kw: F.cross_entropy(
                             kw["input"], kw["target"], weight=kw.get("weight"), reduction=r, label_smoothing=l),
                         note=f"(N, C, d1, d2) {wname}")
                    a = {"input": logits, "target": probs}
                    if w is not None:
                        a["weight"] = w
                    case("cross_entropy", dtype, a, {"reduction": red, "ignore_index": -100, "label_smoothing": ls},
                         lambda r=red, l=ls, **kw: F.cross_entropy(
                             kw["input"], kw["target"], weight=kw.get("weight"), reduction=r, label_smoothing=l),
                         note=f"probabilities {wname}")
            case("cross_entropy", dtype, {"input": logits[3], "target": torch.tensor(2)},
                 {"reduction": red, "ignore_index": -100, "label_smoothing": 0.2},
                 lambda input, target, r=red: F.cross_entropy(input, target, reduction=r, label_smoothing=0.2),
                 note="unbatched (C)")
            log_probs = torch.log_softmax(logits, 1)
            for wname, w in [("", None), ("weight", weight)]:
                for tname, t, ii in [("plain", target, -100), ("some ignored", some_ignored, -100),
                                     ("all ignored", all_ignored, -100), ("ignore_index 2", ignore_two, 2)]:
                    a = {"input": log_probs, "target": t}
                    if w is not None:
                        a["weight"] = w
                    case("nll_loss", dtype, a, {"reduction": red, "ignore_index": ii},
                         lambda r=red, i=ii, **kw: F.nll_loss(
                             kw["input"], kw["target"], weight=kw.get("weight"), ignore_index=i, reduction=r),
                         note=f"{tname} {wname}")
            case("nll_loss", dtype, {"input": torch.log_softmax(spatial, 1), "target": spatial_t},
                 {"reduction": red, "ignore_index": -100},
                 lambda input, target, r=red: F.nll_loss(input, target, reduction=r), note="(N, C, d1, d2)")


def kl():
    log_q = torch.log_softmax(randn(4, 5), 1)
    p = torch.softmax(randn(4, 5, scale=2.0), 1)
    p[0, :] = torch.tensor([0.0, 0.5, 0.5, 0.0, 0.0])  # zero targets
    log_p = torch.log_softmax(randn(4, 5, scale=2.0), 1)
    for dtype in DTYPES:
        for red in REDUCTIONS + ["batchmean"]:
            case("kl_div", dtype, {"input": log_q, "target": p}, {"reduction": red, "log_target": False},
                 lambda input, target, r=red: F.kl_div(input, target, reduction=r))
            case("kl_div", dtype, {"input": log_q, "target": log_p}, {"reduction": red, "log_target": True},
                 lambda input, target, r=red: F.kl_div(input, target, reduction=r, log_target=True))


def clipping():
    """Inputs g0, g1, g2 are gradients; `value` is the total norm and `grads`
    the gradients after clipping."""
    sets = {
        "ordinary": [randn(3, 2, scale=3.0), randn(4), randn(1)],
        "inside the ball": [randn(3, 2, scale=0.01), randn(4, scale=0.01), randn(1, scale=0.01)],
        "nan": [torch.tensor([float("nan"), 1.0], dtype=torch.float64), randn(3)],
        "inf": [torch.tensor([float("inf"), 1.0], dtype=torch.float64), randn(3)],
    }
    for dtype in DTYPES:
        for sname, gs in sets.items():
            for norm_type in [2.0, float("inf"), 1.0, 3.0]:
                for max_norm in [1.0, 0.25]:
                    ps = [torch.zeros_like(g, dtype=DTYPES[dtype], requires_grad=True) for g in gs]
                    for prm, g in zip(ps, gs):
                        prm.grad = g.to(DTYPES[dtype]).clone()
                    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
                    CASES.append({
                        "fn": "clip_grad_norm", "dtype": dtype, "note": sname,
                        "args": {f"g{i}": enc(g.to(DTYPES[dtype])) for i, g in enumerate(gs)},
                        "opts": {"max_norm": fnum(max_norm), "norm_type": fnum(norm_type)},
                        "value": enc(total),
                        "grads": {f"g{i}": enc(prm.grad) for i, prm in enumerate(ps)},
                    })
            if sname in ("ordinary", "nan"):
                ps = [torch.zeros_like(g, dtype=DTYPES[dtype], requires_grad=True) for g in gs]
                for prm, g in zip(ps, gs):
                    prm.grad = g.to(DTYPES[dtype]).clone()
                torch.nn.utils.clip_grad_value_(ps, 0.5)
                CASES.append({
                    "fn": "clip_grad_value", "dtype": dtype, "note": sname,
                    "args": {f"g{i}": enc(g.to(DTYPES[dtype])) for i, g in enumerate(gs)},
                    "opts": {"clip_value": fnum(0.5)},
                    "value": None,
                    "grads": {f"g{i}": enc(prm.grad) for i, prm in enumerate(ps)},
                })


def main():
    activations()
    regression()
    binary()
    classification()
    kl()
    clipping()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write('{"torch_version": %s, "seed": %d, "cases": [\n' % (json.dumps(torch.__version__), SEED))
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in CASES))
        f.write("\n]}\n")
    print(f"{len(CASES)} cases, PyTorch {torch.__version__}, written to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
