"""The convolution explorer's read-out sentences (``helpers/explorers/conv_explorer.js``, ``readout``).

Each sentence the explorer can write that states a rule is registered here with a brute-force sweep
over the explorer's control ranges (``reach=("explorer.conv",)``) and a PyTorch check. That the
shipped JavaScript writes these sentences with the right numbers, state by state, is checked in node
against PyTorch by ``tests/test_explorers_readouts.py``; these claims check the rules themselves.
"""

from __future__ import annotations

import itertools
import random

import numpy as np

from ._core import Domain, claim

_N = tuple(range(1, 65))
_K = tuple(range(1, 8))
_S = tuple(range(1, 5))
_P = tuple(range(0, 9))
_D = tuple(range(1, 9))
_OP = tuple(range(0, 4))


def _pool_windows(n: int, k: int, s: int, p: int, d: int):
    """PyTorch's ceil-mode pooling windows, from its definition: a window starts every S cells of the
    padded input from its left end; windows are taken while the last one still reaches the padded
    input's end rounded up (ceil), and a window that would start at or past cell n (right padding or
    beyond) is dropped. Returns the input-coordinate starts kept."""
    span = d * (k - 1) + 1
    starts = []
    o = 0
    while True:
        start = o * s - p  # input coordinates
        if start + span - 1 > n + p - 1 + (s - 1):  # past the padded end by more than the ceil allows
            break
        if start >= n:  # PyTorch: the last window may not start in the right padding
            break
        starts.append(start)
        o += 1
    return starts


def _pool_ceil_combos():
    for n, k, s, p, d in itertools.product(_N, _K, _S, _P, _D):
        if p <= k // 2:  # PyTorch's pooling limit; other paddings are refused before any size
            yield n, k, s, p, d


@claim(
    "explorer-ceil-refusal",
    statement="Max pooling with ceil_mode (P ≤ ⌊K/2⌋) has an output exactly when the window may run past "
              "the padded input by at most S − 1 cells: d(K−1)+1 ≤ n + 2P + S − 1.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("pool-ceil",), dims=(1, 2),
                  reach=("explorer.conv",), note="P > ⌊K/2⌋ is refused by PyTorch for every n and skipped"),
    where=("explorer:conv",),
)
def _ceil_refusal():
    for n, k, s, p, d in _pool_ceil_combos():
        has_output = bool(_pool_windows(n, k, s, p, d))
        if has_output != (d * (k - 1) + 1 <= n + 2 * p + s - 1):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d}


def _torch_sample(seed: int, count: int):
    rng = random.Random(seed)
    combos = list(_pool_ceil_combos())
    return rng.sample(combos, count)


def _ceil_refusal_torch():
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    sample = _torch_sample(18, 1500)
    valid = [c for c in sample if c[4] * (c[1] - 1) + 1 <= c[0] + 2 * c[3] + c[2] - 1]
    # PyTorch raises slowly (tens of ms): a few refused settings, nearest the boundary first
    chosen = set(valid)
    refused = sorted((c for c in sample if c not in chosen), key=lambda c: c[4] * (c[1] - 1) + 1 - (c[0] + 2 * c[3] + c[2] - 1))
    for n, k, s, p, d in valid[:300] + refused[:12]:
        x = torch.zeros(1, 1, n)
        try:
            size = F.max_pool1d(x, k, stride=s, padding=p, dilation=d, ceil_mode=True).shape[-1]
        except RuntimeError:
            size = 0
        if (size >= 1) != (d * (k - 1) + 1 <= n + 2 * p + s - 1):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "torch": size}




@claim(
    "explorer-ceil-drop",
    statement="With ceil_mode the size is ⌈(n + 2P − d(K−1) − 1)/S⌉ + 1, minus the last window exactly when "
              "that window would start at cell n or later (in the right padding or past the end of the input).",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("pool-ceil",), dims=(1, 2),
                  reach=("explorer.conv",), note="combinations with an output (see explorer-ceil-refusal)"),
    where=("explorer:conv",),
)
def _ceil_drop():
    for n, k, s, p, d in _pool_ceil_combos():
        starts = _pool_windows(n, k, s, p, d)
        if not starts:
            continue
        raw = -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1
        last = (raw - 1) * s - p
        expected = raw - 1 if last >= n else raw
        if len(starts) != expected:
            yield {"n": n, "k": k, "s": s, "p": p, "d": d}


def _ceil_drop_torch():
    import torch
    import torch.nn.functional as F

    for n, k, s, p, d in _torch_sample(19, 800):
        x = torch.zeros(1, 1, n)
        try:
            size = F.max_pool1d(x, k, stride=s, padding=p, dilation=d, ceil_mode=True).shape[-1]
        except RuntimeError:
            continue
        if size != len(_pool_windows(n, k, s, p, d)):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "torch": size}


@claim(
    "explorer-pool-empty-window",
    statement="A max-pooling window that holds no input cell outputs −inf in PyTorch; with dilation 1 "
              "no window is empty, so only a dilated window can be.",
    domain=Domain(params={"n": _N, "k": _K, "s": _S, "p": _P, "d": _D}, kinds=("pool", "pool-ceil"), dims=(1, 2),
                  reach=("explorer.conv",), note="P ≤ ⌊K/2⌋ (PyTorch's limit); both ceil_mode settings"),
    where=("explorer:conv",),
)
def _pool_empty():
    for n, k, s, p, d in _pool_ceil_combos():
        if d != 1:
            continue
        for ceil in (False, True):
            starts = _pool_windows(n, k, s, p, d) if ceil else \
                [o * s - p for o in range((n + 2 * p - d * (k - 1) - 1) // s + 1)] if n + 2 * p >= d * (k - 1) + 1 else []
            for start in starts:
                if not any(0 <= start + t * d < n for t in range(k)):
                    yield {"n": n, "k": k, "s": s, "p": p, "d": d, "ceil": ceil, "start": start}


def _pool_empty_torch():
    import torch
    import torch.nn.functional as F

    for n, k, s, p, d in _torch_sample(20, 600):
        for ceil in (False, True):
            x = torch.zeros(1, 1, n)
            try:
                y = F.max_pool1d(x, k, stride=s, padding=p, dilation=d, ceil_mode=ceil)[0, 0]
            except RuntimeError:
                continue
            for o, value in enumerate(y.tolist()):
                empty = not any(0 <= o * s - p + t * d < n for t in range(k))
                if (value == float("-inf")) != empty or (empty and d == 1):
                    yield {"n": n, "k": k, "s": s, "p": p, "d": d, "ceil": ceil, "o": o}


@claim(
    "explorer-transposed-taps",
    statement="Output o of a transposed convolution receives tap t from input cell (o + P − t·d)/S when that "
              "is a whole number in 0..n−1; when o + P − t·d is not a multiple of S the tap falls between "
              "input cells, and otherwise it lines up with a position outside the input.",
    domain=Domain(params={"n": tuple(range(1, 4)), "k": _K, "s": _S, "p": tuple(range(0, 5)), "d": _D, "op": _OP},
                  kinds=("transposed",), dims=(1, 2),
                  note="n up to 3, P up to 4: the rule is local (each output's taps); PyTorch's check samples n up to 16"),
    scope="transposed",
    where=("explorer:conv",),
)
def _transposed_taps():
    for n, k, s, p, d, op in itertools.product(range(1, 4), _K, _S, range(0, 5), _D, _OP):
        if op >= max(s, d):
            continue
        size = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        if size < 1:
            continue
        # scatter, the definition: input i sends tap t to output i·S + t·d − P
        got = {}
        for i in range(n):
            for t in range(k):
                o = i * s + t * d - p
                if 0 <= o < size:
                    got.setdefault(o, set()).add((t, i))
        for o in range(size):
            gather = {(t, (o + p - t * d) // s) for t in range(k)
                      if (o + p - t * d) % s == 0 and 0 <= (o + p - t * d) // s < n}  # fmt: skip
            if gather != got.get(o, set()):
                yield {"n": n, "k": k, "s": s, "p": p, "d": d, "op": op, "o": o}
                break


def _transposed_taps_torch():
    import torch
    import torch.nn.functional as F

    rng = random.Random(21)
    for _ in range(150):
        n, k, s, p, d = rng.choice(range(1, 17)), rng.choice(_K), rng.choice(_S), rng.choice(range(0, 4)), rng.choice(_D)
        op = rng.randrange(max(s, d)) if max(s, d) > 1 else 0
        op = min(op, 3)
        size = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        if size < 1:
            continue
        o = rng.randrange(size)
        x = torch.ones(1, 1, n)
        w = torch.ones(1, 1, k, requires_grad=True)
        F.conv_transpose1d(x, w, stride=s, padding=p, output_padding=op, dilation=d)[0, 0, o].backward()
        used = set(np.flatnonzero(w.grad[0, 0].numpy()).tolist())
        rule = {t for t in range(k) if (o + p - t * d) % s == 0 and 0 <= (o + p - t * d) // s < n}
        if used != rule:
            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "op": op, "o": o}


@claim(
    "explorer-2d-per-axis",
    statement="With the same square layer on both axes, output (i, j) of a 2-D stack reads exactly the cells "
              "in rows R(i) and columns R(j), R being the 1-D cells; its paths, holes and never-visited "
              "cells are the row and column ones combined (a cell is a hole or never visited when its row "
              "or its column is).",
    domain=Domain(params={"n": tuple(range(1, 13)), "k": (1, 2, 3), "s": (1, 2, 3), "p": (0, 1, 2), "d": (1, 2, 3)},
                  kinds=("conv",), dims=(2,),
                  note="single layers, every output including diagonal and off-diagonal ones"),
    scope="same square layer on both axes",
    where=("explorer:conv",),
)
def _two_d():
    for n, k, s, p, d in itertools.product(range(1, 13), (1, 2, 3), (1, 2, 3), (0, 1, 2), (1, 2, 3)):
        span = d * (k - 1) + 1
        if n + 2 * p < span:
            continue
        m = (n + 2 * p - span) // s + 1
        rows = [[o * s - p + t * d for t in range(k) if 0 <= o * s - p + t * d < n] for o in range(m)]
        for i, j in itertools.product(range(m), repeat=2):
            cells = {(o * s - p + a * d, j * s - p + b * d) for o in (i,) for a in range(k) for b in range(k)}
            cells = {(r, c) for r, c in cells if 0 <= r < n and 0 <= c < n}
            if cells != set(itertools.product(rows[i], rows[j])):
                yield {"n": n, "k": k, "s": s, "p": p, "d": d, "i": i, "j": j}
                break


def _two_d_torch():
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    rng = random.Random(22)
    for _ in range(60):
        n, k, s, p, d = rng.randint(1, 12), rng.choice((1, 2, 3)), rng.choice((1, 2, 3)), rng.choice((0, 1, 2)), rng.choice((1, 2, 3))
        if n + 2 * p < d * (k - 1) + 1:
            continue
        x = torch.ones(1, 1, n, n, dtype=torch.float64, requires_grad=True)
        y = F.conv2d(x, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, padding=p, dilation=d)
        m = y.shape[-1]
        i, j = rng.randrange(m), rng.randrange(m)
        y[0, 0, i, j].backward()
        reads = (x.grad[0, 0] != 0).numpy()
        row = [r for r in range(n) if reads[r].any()]
        col = [c for c in range(n) if reads[:, c].any()]
        product = np.zeros((n, n), dtype=bool)
        product[np.ix_(row, col)] = True
        if not np.array_equal(product, reads):
            yield {"n": n, "k": k, "s": s, "p": p, "d": d, "i": i, "j": j}


# the PyTorch sweeps, attached after definition (the decorator takes them as keywords)
from ._core import get as _get  # noqa: E402

for _id, _fn in (("explorer-ceil-refusal", _ceil_refusal_torch), ("explorer-ceil-drop", _ceil_drop_torch),
                 ("explorer-pool-empty-window", _pool_empty_torch), ("explorer-transposed-taps", _transposed_taps_torch),
                 ("explorer-2d-per-axis", _two_d_torch)):  # fmt: skip
    object.__setattr__(_get(_id), "torch_check", _fn)
