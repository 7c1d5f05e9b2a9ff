"""The losses that `lab bench --losses` times, in PyTorch, for comparison.

    pip install torch==2.15.0                             # once, locally; never a dependency of the project
    python3 tools/bench-nn-functional-pytorch.py 20       # fastest of 20 runs, 2 threads
    python3 tools/bench-nn-functional-pytorch.py 20 1     # the same on 1 thread
    cargo run --release --bin lab -- bench --losses --repeat 20    # the Candle side
    RAYON_NUM_THREADS=1 cargo run --release --bin lab -- bench --losses --repeat 20

Forward plus backward, in f32 on the CPU, of F.cross_entropy at (4096, 1000)
(class-index targets), F.binary_cross_entropy_with_logits at 10^6 elements
(0/1 targets, half of them 1) and F.mse_loss at 10^6 elements (normal
targets), each with its default reduction, the mean. The inputs are a fresh
leaf tensor for each run, made before the clock starts; the clock stops when
`backward()` returns. One untimed run of each first, then `repeats` runs of
each, and the fastest is printed, in `lab bench --losses`'s table layout. The
thread count (default 2, the book's machine) is set with torch.set_num_threads;
give Candle the same one with RAYON_NUM_THREADS. The data come from torch's
generator seeded 42: the same shapes and distributions as `lab bench`'s
seeded ChaCha data, not the same numbers.
"""
import sys
import time

import torch
import torch.nn.functional as F

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
SEED = 42


def inputs(name, g):
    if name == "cross_entropy":
        return torch.randn(4096, 1000, generator=g), torch.randint(0, 1000, (4096,), generator=g)
    x = torch.randn(1_000_000, generator=g)
    y = torch.randn(1_000_000, generator=g)
    return x, ((y > 0).float() if name == "binary_cross_entropy_with_logits" else y)


ROWS = [
    ("cross_entropy", "(4096, 1000)", F.cross_entropy),
    ("binary_cross_entropy_with_logits", "(1000000,)", F.binary_cross_entropy_with_logits),
    ("mse_loss", "(1000000,)", F.mse_loss),
]


def once(loss, x, y):
    v = x.clone().requires_grad_(True)
    start = time.perf_counter()
    loss(v, y).backward()
    return time.perf_counter() - start


if __name__ == "__main__":
    torch.set_num_threads(THREADS)
    g = torch.Generator().manual_seed(SEED)
    rows = []
    for name, shape, loss in ROWS:
        x, y = inputs(name, g)
        once(loss, x, y)  # warm-up, untimed
        best = min(once(loss, x, y) for _ in range(REPEATS))
        rows.append([name, shape, "PyTorch", f"{1e3 * best:.2f}"])
    header = ["function", "shape", "implementation", "ms fwd+bwd"]
    widths = [max(len(r[c]) for r in rows + [header]) for c in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    print(f"torch {torch.__version__}, f32 on the CPU, {torch.get_num_threads()} threads, seed {SEED}; "
          f"forward plus backward, fastest of {REPEATS} runs")
    print(line(header))
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for r in rows:
        print(line(r))
