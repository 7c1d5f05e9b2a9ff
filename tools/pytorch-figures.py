"""PyTorch's own figures for chapters 5 and 7, written into each chapter's crate.

    pip install torch==2.15.0                 # once, locally; never a dependency of the project
    python3 tools/pytorch-figures.py          # rewrites both files below, prints them
    cargo test -p ch07-matching-loss-to-task -p ch05-naive-bce-nan

Run by hand, like the other scripts here. It writes two small TOML files, each naming
the PyTorch version (and chapter 7's, the seed):

- chapters/ch07-matching-loss-to-task/pytorch-figures.toml, the PyTorch column of the
  chapter's first table, which the chapter reads when it compiles: the three tasks of
  `tools/bench-ch07-pytorch.py` (its `fit`: 1000 samples from torch's generator, a
  32-unit ReLU MLP, 200 full-batch Adam steps at lr 0.01), data and weights seeded
  with SEED, scored on the training data: MAE for regression, accuracy of `z > 0`
  and of the argmax;
- chapters/ch05-naive-bce-nan/pytorch-figures.toml, `BCELoss(sigmoid(z))` and
  `BCEWithLogitsLoss(z)` with their gradients d loss / dz from autograd, in float32,
  at the chapter's six (z, y); the chapter prints its own reproduction of them, and
  its tests check that against this file.

Everything runs on the CPU with one thread: with two, the MAE's fourth decimal moved
(3.3650 instead of 3.3649). The files sit inside the chapter crates so that the
browser runner's source hash (src/runner.rs: `.rs` and `.toml` files) covers them.
"""
import importlib.util
import platform
import sys
import tomllib
from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CH07 = ROOT / "chapters/ch07-matching-loss-to-task/pytorch-figures.toml"
CH05 = ROOT / "chapters/ch05-naive-bce-nan/pytorch-figures.toml"
SEED = 42
# Chapter 5's PYTORCH_CASES (chapters/ch05-naive-bce-nan/src/pytorch.rs), in order.
CH05_CASES = [(100.0, 1.0), (17.0, 1.0), (16.0, 0.0), (17.0, 0.0), (200.0, 0.0), (-200.0, 1.0)]


def bench():
    """tools/bench-ch07-pytorch.py as a module (its name has hyphens)."""
    spec = importlib.util.spec_from_file_location("bench_ch07", HERE / "bench-ch07-pytorch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ch07():
    """(key, value) for the three tasks, scored as the chapter scores its own."""
    b = bench()
    rows = []
    for name, key in [("regression", "regression_mae"),
                      ("binary", "binary_accuracy"),
                      ("multiclass", "multiclass_accuracy")]:
        _, model, x, y = b.fit(name, b.STEPS, SEED)
        with torch.no_grad():
            out = model(x)
        if name == "regression":
            value = (out - y).abs().mean()
        elif name == "binary":
            value = ((out > 0).float() == y).float().mean()
        else:
            value = (out.argmax(dim=1) == y).float().mean()
        rows.append((key, value.item()))
    return rows


def grad(loss, z, y):
    """loss(z) and d loss / dz at one float32 logit and target."""
    zt = torch.tensor([z], dtype=torch.float32, requires_grad=True)
    value = loss(zt, torch.tensor([y], dtype=torch.float32))
    value.backward()
    return value.item(), zt.grad.item()


def ch05():
    """(z, y, BCELoss(sigmoid) and gradient, BCEWithLogitsLoss and gradient)."""
    bce, with_logits = nn.BCELoss(), nn.BCEWithLogitsLoss()
    return [(z, y, *grad(lambda z, y: bce(torch.sigmoid(z), y), z, y), *grad(with_logits, z, y))
            for z, y in CH05_CASES]


def header(what, use):
    """The lines each file starts with: where it comes from, what reads it, the version."""
    return [
        f"# PyTorch's own figures for {what}, written by tools/pytorch-figures.py",
        f"# (run by hand; do not edit). {use}",
        f'pytorch = "{torch.__version__.split("+")[0]}"',
        f'build = "{torch.__version__}, CPU ({platform.machine()}), '
        f'{torch.get_num_threads()} thread"',
    ]


def write(path, lines):
    """Writes one file, reads it back as TOML, and echoes it."""
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)
    path.write_text(text)
    sys.stdout.write(f"== {path.relative_to(ROOT)}\n{text}")


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    ch07_header = header("chapter 7's first table",
                         "The chapter prints them; its tests check that it does.")
    write(CH07, ch07_header + [
        f"seed = {SEED}",
        "# tools/bench-ch07-pytorch.py's three tasks, data and weights from the seed above,",
        "# scored on their training data",
    ] + [f"{key} = {value!r}" for key, value in ch07()])
    ch05_header = header("chapter 5's BCELoss table",
                         "The chapter's tests check its reproduction against them.")
    write(CH05, ch05_header + [
        "# z, y, BCELoss(sigmoid(z)), its gradient, BCEWithLogitsLoss(z), its gradient;",
        "# float32, gradients d loss / dz from autograd",
        "rows = [",
    ] + ["  [" + ", ".join(repr(v) for v in row) + "]," for row in ch05()] + ["]"])


if __name__ == "__main__":
    main()
