"""Claims of notebook 04's heatmap explorer's read-out (``helpers/explorers/heatmap_arith.js``).

The explorer's numbers are compared with helpers in ``tests/test_explorer_heatmap.py``; the rules
its sentences state are checked here by brute force over the explorer's whole ranges (window starts
counted with ``range``, TF's "SAME" split written out, each cell's input interval propagated layer
by layer: the primitives of :mod:`helpers.claims.nb04`, none of helpers' size functions).
Control ranges: ``explorer.heatmap`` (input size, output stride, rate, head padding) and
``explorer.heatmap.head`` (what the head sees: the backbone's map side and the rate), read from
:data:`helpers.explorers.heatmap.HEATMAP_LIMITS`, from which the JavaScript's limits are generated.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._core import Domain, claim
from .nb04 import _N_NET, _net, _net_sizes, _pads, _windows
from .reach import control


def _limits():
    from ..explorers.heatmap import HEATMAP_LIMITS

    return HEATMAP_LIMITS


@control("explorer.heatmap")
def _explorer_range():
    lim = _limits()
    return {
        "n": tuple(range(lim["n"][0], lim["n"][1] + 1)),
        "os": tuple(lim["os"]),
        "d": tuple(range(lim["rate"][0], lim["rate"][1] + 1)),
        "head_padding": tuple(lim["padding"]),
    }


@control("explorer.heatmap.head")
def _explorer_head_range():
    """What the explorer's atrous head sees: the backbone's side ceil(N/OS) and the rate."""
    full = _explorer_range()
    return {"n": tuple(sorted({-(-n // os_) for n in full["n"] for os_ in full["os"]})), "d": full["d"]}


_PAD = {"same": lambda d: d, "one": lambda d: 1, "valid": lambda d: 0}
_HEAD_N = tuple(range(1, 131))


def _head_torch():
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    w = torch.zeros(1, 1, 3)
    for m in (1, 2, 3, 5, 9, 17, 33, 65, 129):
        x = torch.zeros(1, 1, m)
        for d in range(1, 37):
            for padding, pad in _PAD.items():
                want = m + 2 * pad(d) - 2 * d
                if want < 1:
                    continue  # PyTorch raises; the explorer refuses (checked by the brute force)
                if F.conv1d(x, w, padding=pad(d), dilation=d).shape[-1] != want:
                    yield {"n": m, "d": d, "padding": padding}


@claim(
    "explorer-heatmap-head-size",
    statement="In the heatmap explorer, ResNet-50 (TF-Slim) at OS 32, 16 or 8 gives ceil(N/OS) cells per side for "
    "every N from 64 to 1025, and the 3×3 head at rate d with padding P turns a side m into m + 2P − 2d: the "
    "same m when P = d, shrunk by 2(d − P) when P < d, no heatmap (refused) when that is below 1.",
    domain=Domain(
        params={"n": _HEAD_N, "d": tuple(range(1, 37)), "padding": tuple(_PAD), "os": (8, 16, 32)},
        kinds=("conv", "pool"), dims=(1,), reach=("explorer.heatmap.head",),
    ),
    scope="3×3 head",
    torch_check=_head_torch,
    where=("explorer:heatmap",),
)
def _head_size():
    for os_ in (8, 16, 32):
        sizes = _net_sizes(os_, "slim", "matched")
        for n in range(64, 1026):
            if sizes[_N_NET.index(n)] != -(-n // os_):
                yield {"n": n, "os": os_, "padding": "same"}
    for m in _HEAD_N:
        for d in range(1, 37):
            for padding, pad in _PAD.items():
                p = pad(d)
                want = m + 2 * p - 2 * d
                if _windows(m, 3, 1, d, p, p) != max(want, 0):
                    yield {"n": m, "d": d, "padding": padding}


@lru_cache(maxsize=None)
def _cell_intervals(os_: int, rate: int, padding: str, n: int) -> tuple[tuple[int, int], ...]:
    """First and last input pixel every heatmap cell reads, propagated back through every layer."""
    from ..receptive import Layer

    layers = list(_net(os_, "slim", "matched")) + [Layer(3, dilation=rate, padding=_PAD[padding](rate))]
    sizes, pads = [n], []
    for layer in layers:
        pads.append(_pads(layer, sizes[-1]))
        sizes.append(_windows(sizes[-1], layer.kernel, layer.stride, layer.dilation, *pads[-1]))
    out = []
    for u in range(sizes[-1]):
        lo = hi = u
        for layer, (before, _after) in zip(reversed(layers), reversed(pads)):
            lo = lo * layer.stride - before
            hi = hi * layer.stride - before + layer.dilation * (layer.kernel - 1)
        out.append((lo, hi))
    return tuple(out)


_BOX_N = (64, 65, 100, 257, 511, 512, 513, 777, 1024, 1025)


def _reach_rows(os_: int, n: int) -> np.ndarray:
    """Brute force along one axis: row t = which input pixels backbone cell t reaches (some path, padding excluded).

    Each layer's windows enumerated tap by tap (TF's "SAME" split written out); a tap in a layer's zero
    padding reaches nothing.
    """
    layers = list(_net(os_, "slim", "matched"))
    sizes, pads = [n], []
    for layer in layers:
        pads.append(_pads(layer, sizes[-1]))
        sizes.append(_windows(sizes[-1], layer.kernel, layer.stride, layer.dilation, *pads[-1]))
    reach = np.eye(sizes[-1], dtype=bool)  # output cells × positions of the current map
    for layer, (before, _after), size in zip(reversed(layers), reversed(pads), reversed(sizes[:-1])):
        prev = np.zeros((reach.shape[0], size), dtype=bool)
        outs = np.arange(reach.shape[1])
        for j in range(layer.kernel):
            pos = outs * layer.stride - before + j * layer.dilation
            keep = (pos >= 0) & (pos < size)
            prev[:, pos[keep]] |= reach[:, outs[keep]]
        reach = prev
    return reach


def _head_reads(os_: int, d: int, padding: str, n: int) -> list[tuple[int, int]]:
    """First and last input pixel each heatmap cell reaches: the head's taps on the map, brute force below."""
    rows = _reach_rows(os_, n)
    b, p = rows.shape[0], _PAD[padding](d)
    out = []
    for u in range(b + 2 * p - 2 * d):
        taps = [t for t in (u - p + j * d for j in range(3)) if 0 <= t < b]
        hit = np.flatnonzero(rows[taps].any(axis=0))
        out.append((int(hit[0]), int(hit[-1])))
    return out


def _cell_box_torch():
    """Autograd along one axis: ResNet-50's main path (TF-Slim; the max-pool as a sum window, which reads
    the same pixels) + the head as 1-channel conv1d with weights 1 (float64); the input pixels with a
    non-zero gradient of cell u are the ones some path reaches: the first and last must be the ones the
    read-out prints (``heatmap_numbers``' "read", the JavaScript's twin), inside the r×r box clipped."""
    import torch
    import torch.nn.functional as F

    from ..explorers.heatmap import heatmap_numbers, heatmap_state
    from ..receptive import Layer

    torch.set_num_threads(1)
    for n, os_, d, padding in ((64, 8, 6, "same"), (97, 16, 1, "valid"), (257, 32, 12, "same"), (257, 16, 8, "one"),
                               (513, 32, 16, "same"), (513, 8, 36, "same")):  # fmt: skip
        spans = _cell_intervals(os_, d, padding, n)
        x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
        y, size = x, n
        for layer in list(_net(os_, "slim", "matched")) + [Layer(3, dilation=d, padding=_PAD[padding](d))]:
            before, after = _pads(layer, size)
            w = torch.ones(1, 1, layer.kernel, dtype=torch.float64)
            y = F.conv1d(F.pad(y, (before, after)), w, stride=layer.stride, dilation=layer.dilation)
            size = y.shape[-1]
        if size != len(spans):
            yield {"n": n, "os": os_, "d": d, "padding": padding, "torch_cells": size}
            continue
        for u in sorted({0, 1, size // 2, size - 2, size - 1} & set(range(size))):
            (g,) = torch.autograd.grad(y[0, 0, u], x, retain_graph=True)
            read = torch.nonzero(g[0, 0]).flatten().tolist()
            shown = heatmap_numbers(heatmap_state(n, os_, d, padding, cell=(u, u)))["read"]
            lo, hi = spans[u]
            if (read[0], read[-1]) != shown[:2] or not max(lo, 0) <= read[0] <= read[-1] <= min(hi, n - 1):
                yield {"n": n, "os": os_, "d": d, "padding": padding, "cell": u}


@claim(
    "explorer-heatmap-cell-box",
    statement="In the heatmap explorer (ResNet-50 TF-Slim + a 3×3 atrous head), every heatmap cell's receptive "
    "field spans an r×r square in padded coordinates (zero padding included), the same r for every cell, centred "
    "on its receptive-field centre; neighbouring cells' centres are OS px apart. The first and last image pixel "
    "a cell reads (some path, no padding) are those of its head taps that land on the backbone's map, each "
    "reading its backbone cell's r×r field clipped to the image; they lie inside the square clipped to the image.",
    domain=Domain(
        params={"n": _BOX_N, "os": (8, 16, 32), "d": (1, 2, 5, 6, 12, 16, 18, 24, 36), "padding": tuple(_PAD)},
        kinds=("conv", "pool"), dims=(1,),
        note="square: the same interval on both axes (square input, square kernels); reads: n in _READ_N",
    ),
    scope="TF-Slim",
    torch_check=_cell_box_torch,
    where=("explorer:heatmap",),
    # red team rt04x: the read-out gave only the r×r box; at N = 257, OS 32, rate 12, padding = rate, cell 0's
    # box clipped is pixels 0..256, but it reads 0..241 (its head taps at ±12 land in the head's zero padding).
    breaks=({"n": 257, "os": 32, "d": 12, "padding": "same"},),
)
def _cell_box():
    for n in _BOX_N:
        for os_ in (8, 16, 32):
            for d in (1, 2, 5, 6, 12, 16, 18, 24, 36):
                for padding in _PAD:
                    spans = _cell_intervals(os_, d, padding, n)
                    widths = {hi - lo + 1 for lo, hi in spans}
                    centres = [(lo + hi) / 2 for lo, hi in spans]
                    if len(widths) > 1 or any(b - a != os_ for a, b in zip(centres, centres[1:])):
                        yield {"n": n, "os": os_, "d": d, "padding": padding}
    # the first and last pixel read: brute-force reach sets against the rule (head taps on the map, their
    # backbone cells' fields clipped: the backbone's r×r intervals, from _cell_intervals at rate 1, padding 1)
    for n in _READ_N:
        for os_ in (8, 16, 32):
            rows = _cell_intervals(os_, 1, "one", n)  # rate 1, padding 1: backbone cell t = head cell t
            half = os_  # the rate-1 head adds one backbone cell (OS px) on each side
            for d in (1, 12, 16, 36):
                for padding in _PAD:
                    p, b = _PAD[padding](d), len(rows)
                    for u, got in enumerate(_head_reads(os_, d, padding, n)):
                        taps = [t for t in (u - p + j * d for j in range(3)) if 0 <= t < b]
                        want = (max(rows[taps[0]][0] + half, 0), min(rows[taps[-1]][1] - half, n - 1))
                        if got != want:
                            yield {"n": n, "os": os_, "d": d, "padding": padding, "cell": u}


_READ_N = (65, 257, 512)
