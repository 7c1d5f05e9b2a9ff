"""Chapter 7's three training loops in PyTorch, timed the way the chapter times its own.

    pip install torch==2.15.0                   # once, locally; never a dependency of the project
    python3 tools/bench-ch07-pytorch.py 5       # five runs, one line each
    cargo build --release -p ch07-matching-loss-to-task
    for i in 1 2 3 4 5; do target/release/ch07-matching-loss-to-task --no-plots --timing | tail -1; done

Each run trains the three tasks once, as the chapter does: 1000 samples, a 32-unit
ReLU MLP, 200 full-batch Adam steps at lr 0.01; regression with MSELoss, binary
with BCEWithLogitsLoss, 4-class with CrossEntropyLoss. Only the loop is timed (no
data generation, no evaluation), and each run prints one line in the chapter's
format, `timing: regression=… ms binary=… ms multiclass=… ms`. A short untimed
warm-up loop runs first, so PyTorch's one-off start-up costs are not counted.
The data come from torch's generator: the same sizes and rules as the chapter's,
not the same numbers. `tools/pytorch-figures.py` trains this same set-up (it imports
`fit`) for the PyTorch column of chapter 7's first table.
"""
import sys
import time

import torch
import torch.nn as nn

N, STEPS, HIDDEN, LR, SEED = 1000, 200, 32, 0.01, 42


def task(name, g):
    """Features, targets, output width and loss of one task."""
    if name == "regression":
        x = torch.randn(N, 4, generator=g)
        noise = torch.randn(N, generator=g)
        y = (7 * x[:, 0] + 3 * x[:, 2] + 2 * noise + 35).unsqueeze(1)
        return x, y, 1, nn.MSELoss()
    if name == "binary":
        x = torch.randn(N, 4, generator=g)
        y = (x[:, 0] + x[:, 1] > 0.5).float().unsqueeze(1)
        return x, y, 1, nn.BCEWithLogitsLoss()
    y = torch.randint(0, 4, (N,), generator=g)
    x = torch.randn(N, 8, generator=g)
    x[torch.arange(N), y] += 2.0
    return x, y, 4, nn.CrossEntropyLoss()


def fit(name, steps, seed=SEED):
    """Trains one task from a fresh model, data and weights drawn from `seed`;
    returns the loop's wall time in ms, the trained model and the task's data."""
    g = torch.Generator().manual_seed(seed)
    x, y, out, loss_fn = task(name, g)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(x.shape[1], HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, out))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    start = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return 1e3 * (time.perf_counter() - start), model, x, y


def train(name, steps):
    """Trains one task from a fresh model; returns the loop's wall time in ms."""
    return fit(name, steps)[0]


if __name__ == "__main__":
    RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads", file=sys.stderr)
    train("binary", 20)  # warm-up, untimed
    for _ in range(RUNS):
        ms = {name: train(name, STEPS) for name in ["regression", "binary", "multiclass"]}
        print("timing: " + " ".join(f"{k}={v:.1f} ms" for k, v in ms.items()))
