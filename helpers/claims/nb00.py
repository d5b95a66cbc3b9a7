"""Claims of notebook 00 · start here (issue 19), each swept by brute force from its definition."""

from __future__ import annotations

import numpy as np

from ._core import Domain, claim

#: The explorer's ranges (helpers.explorers.numbers.LIMITS), widened for d: the formula is the course's.
_N = tuple(range(1, 65))
_K = tuple(range(1, 8))
_S = tuple(range(1, 5))
_P = tuple(range(0, 9))
_D = tuple(range(1, 9))


def _window_counts() -> "tuple[np.ndarray, tuple]":
    """Window starts counted one by one over every (n, k, s, p, d).

    A start t = j·s (padded coordinates) counts when the last tap t + d(k − 1) lies inside the
    padded input of n + 2p pixels; j runs over every start that could fit.
    """
    n, k, p, d = (a.astype(np.int16) for a in np.meshgrid(_N, _K, _P, _D, indexing="ij"))
    last = n + 2 * p - 1 - d * (k - 1)              # the last padded pixel a window may start on
    counts = []
    for s in _S:
        starts = np.arange(0, max(_N) + 2 * max(_P), s, dtype=np.int16)
        counts.append((starts <= last[..., None]).sum(axis=-1))
    grid = np.stack(counts, axis=2)                 # axes n, k, s, p, d
    n, k, s, p, d = np.meshgrid(_N, _K, _S, _P, _D, indexing="ij")
    return grid, (n, k, s, p, d)


def _formula(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def _torch_output_length():
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    for _ in range(150):                            # a seeded sample: PyTorch calls cost milliseconds
        n, k, s, p, d = (int(rng.choice(v)) for v in (_N, _K, _S, _P, _D))
        if n + 2 * p < d * (k - 1) + 1:
            continue
        out = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d).shape[-1]
        if out != _formula(n, k, s, p, d):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "torch": out}
        if 2 * p <= k:  # PyTorch pooling needs padding <= half the kernel
            pooled = F.max_pool1d(torch.zeros(1, 1, n), k, stride=s, padding=p, dilation=d).shape[-1]
            if pooled != _formula(n, k, s, p, d):
                yield {"n": n, "k": k, "s": s, "p": p, "d": d, "kind": "pool", "torch": pooled}


@claim(
    "nb00-output-length",
    statement="The output length of a convolution or pooling layer (PyTorch, floor mode) is "
              "floor((N + 2P − d(K − 1) − 1)/S) + 1: the number of window starts 0, S, 2S, … whose last tap "
              "lies in the padded input, whenever at least one window fits.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("conv", "pool"), dims=(1,),
                  reach=("explorer.conv",)),
    # the sentence once said "a convolution or pooling layer" without the mode: pooling with ceil_mode=True
    # (notebook 01) gives 4 windows here, the floor formula 3 (GoogLeNet's MaxPool2d(3, 2, ceil_mode=True)
    # on 112: 56, not 55); transposed convolutions (notebook 06) follow another rule
    scope="floor mode",
    breaks=({"n": 7, "k": 2, "s": 2, "p": 0, "d": 1},),
    sources=("PyTorch Conv2d / MaxPool2d documentation",),
    torch_check=_torch_output_length,
)
def _output_length():
    """Brute force: count the window starts (vectorised over the whole domain)."""
    counts, (n, k, s, p, d) = _window_counts()
    valid = counts > 0
    bad = valid & (counts != _formula(n, k, s, p, d))
    for idx in zip(*np.nonzero(bad)):
        yield {name: int(a[idx]) for name, a in zip("nkspd", (n, k, s, p, d))}


def _products_per_output(k: int, d: int, dims: int) -> "set[int]":
    """Products each output of a dilated layer computes, counted while running the definition's sum."""
    n = d * (k - 1) + 3
    x = np.arange(n ** dims, dtype=float).reshape((n,) * dims)
    w = np.ones((k,) * dims)
    counts = set()
    for start in np.ndindex(*((n - d * (k - 1),) * dims)):
        products, total = 0, 0.0
        for tap in np.ndindex(*w.shape):
            total += w[tap] * x[tuple(a + t * d for a, t in zip(start, tap))]
            products += 1
        counts.add(products)
    return counts


def _torch_dilation_cost():
    """PyTorch's own cost accounting (``torch.utils.flop_counter``, the formula ``FlopCounterMode`` uses
    for ``aten.convolution``) on the shapes of real dilated ``conv2d`` calls: 2·K² flops per output."""
    import torch
    from torch.utils.flop_counter import conv_flop_count

    for k in _K:
        for d in _D:
            n = d * (k - 1) + 3
            x, w = torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k)
            out = torch.nn.functional.conv2d(x, w, dilation=d)
            per_output = conv_flop_count(list(x.shape), list(w.shape), list(out.shape)) / (2 * out.numel())
            if per_output != k * k:
                yield {"k": k, "d": d, "flops_per_output": per_output}


@claim(
    "nb00-dilation-cost",
    statement="A dilated K×K layer needs K² multiply-adds per output value and channel pair at every dilation: "
              "the holes between the taps are skipped, not multiplied by zero.",
    domain=Domain(params={"k": _K, "d": _D}, kinds=("conv",), dims=(1, 2)),
    where=("exercise:00-what-grows",),
    torch_check=_torch_dilation_cost,
)
def _dilation_cost():
    """Count the products of the definition's sum, in 1-D and 2-D."""
    for dims in (1, 2):
        for k in _K:
            for d in _D:
                counts = _products_per_output(k, d, dims)
                if counts != {k ** dims}:
                    yield {"k": k, "d": d, "dim": dims, "products": sorted(counts)}
