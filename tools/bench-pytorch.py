"""The training loops that `lab bench` times, in PyTorch, for comparison.

    pip install torch==2.15.0            # once, locally; not a dependency of the project
    python3 tools/bench-pytorch.py       # then: cargo run --release --bin lab -- bench

Three tasks, 1000 samples each, a 32-unit ReLU MLP, 200 full-batch Adam steps at
lr 0.01: regression with MSE, binary classification with BCE-with-logits, 4-class
with cross-entropy. Each loop is run 3 times and the fastest is printed, as
`lab bench` does. The data come from torch's generator, so the final metrics
match `lab bench` in size, not digit for digit.
"""
import sys
import time

import torch
import torch.nn as nn

STEPS, N, REPEAT = 200, 1000, 3
if len(sys.argv) > 1:
    STEPS = int(sys.argv[1])


def make(task, g):
    if task == "regression":
        x = torch.randn(N, 4, generator=g)
        y = (7 * x[:, 0] + 3 * x[:, 2] + 2 * torch.randn(N, generator=g) + 35).unsqueeze(1)
        return x, y, 1, nn.MSELoss()
    if task == "binary":
        x = torch.randn(N, 4, generator=g)
        y = (x[:, 0] + x[:, 1] > 0.5).float().unsqueeze(1)
        return x, y, 1, nn.BCEWithLogitsLoss()
    y = torch.randint(0, 4, (N,), generator=g)
    x = torch.randn(N, 8, generator=g)
    x[torch.arange(N), y] += 2.0
    return x, y, 4, nn.CrossEntropyLoss()


total = 0.0
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {N} samples, {STEPS} steps, fastest of {REPEAT}")
for task in ["regression", "binary", "4-class"]:
    best = float("inf")
    for r in range(REPEAT):
        g = torch.Generator().manual_seed(42)
        x, y, out, loss_fn = make(task, g)
        torch.manual_seed(42)
        model = nn.Sequential(nn.Linear(x.shape[1], 32), nn.ReLU(), nn.Linear(32, out))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        t = time.perf_counter()
        for _ in range(STEPS):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        best = min(best, time.perf_counter() - t)
    total += best
    print(f"{task:<11} {1e3 * best:8.1f} ms  {1e3 * best / STEPS:6.3f} ms/step")
print(f"all three tasks: {1e3 * total:.1f} ms")
