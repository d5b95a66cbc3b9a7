"""Claims of notebook 05 · gridding artifacts, each swept by brute force from the definitions.

The sweeps enumerate tap chains with Python integers used as bit sets (bit ``o`` set: offset ``o`` is
reached) or with plain loops; they never call ``coverage_map``, ``hdc_report``, ``is_hdc`` or
``gridding_by_definition``, the helpers the notebook uses. In 2-D a stack's field is the outer
product of its 1-D field, so 2-D statements are also checked on 2-D arrays (horizontal, vertical
and both diagonal neighbours) for the three-layer stacks.
"""

from __future__ import annotations

import itertools
import math
import warnings
from functools import lru_cache

from ._core import Domain, claim

RATES = tuple(range(1, 13))
KERNELS = (2, 3, 4, 5)
LAYERS = (2, 3, 4)
WIDGET = ("explorer.gridding",)  # the dilated-stack explorer (it replaced notebook 05's gridding widget, issue 23)


def _domain(**extra) -> Domain:
    params = {"rates": RATES, "layers": LAYERS, "k": KERNELS}
    return Domain(params=params, kinds=("conv",), dims=(1, 2), reach=WIDGET, **extra)


def _stacks(layers=LAYERS, rates=RATES):
    for n in layers:
        yield from itertools.product(rates, repeat=n)


@lru_cache(maxsize=None)
def _reach(rates: tuple, k: int) -> int:
    """Bit set of the offsets sum_l t_l d_l, t_l in 0..k-1 (plain enumeration, layer by layer)."""
    if not rates:
        return 1
    bits, d = _reach(rates[:-1], k), rates[-1]
    acc = 0
    for t in range(k):
        acc |= bits << (t * d)
    return acc


def _full(rates: tuple, k: int) -> int:
    return (1 << ((k - 1) * sum(rates) + 1)) - 1


def _offsets(bits: int) -> list[int]:
    return [i for i in range(bits.bit_length()) if bits >> i & 1]


def _m2(rates: tuple, k: int) -> int:
    """Wang et al.'s recurrence, written again here, with k - 1 for the paper's 2."""
    m = rates[-1]
    for d in reversed(rates[1:-1]):
        m = max(m - (k - 1) * d, m - (k - 1) * (m - d), d)
    return m


def _field_2d(rates: tuple, k: int):
    import numpy as np

    line = np.array([(_reach(rates, k) >> i) & 1 for i in range((k - 1) * sum(rates) + 1)], dtype=bool)
    return np.outer(line, line)


def _share_2d(seen, dy: int, dx: int) -> int:
    """Pixels read by output (0, 0) and by output (dy, dx) (its field moved by (dy, dx))."""
    import numpy as np

    moved = np.zeros_like(seen)
    h, w = seen.shape
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    moved[yd, xd] = seen[ys, xs]
    return int((moved & seen).sum())


NEIGHBOURS = ((0, 1), (1, 0), (1, 1), (1, -1))


def _torch_support(rates: tuple, k: int, outputs) -> list:
    """Input pixels each given output reads, from PyTorch autograd (ones weights, 'same' padding)."""
    import torch
    import torch.nn.functional as F

    n = 2 * (k - 1) * sum(rates) + 5
    found = []
    for y, x in outputs:
        img = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
        out = img
        with warnings.catch_warnings():  # even kernels with 'same' padding: PyTorch pads a copy, and says so
            warnings.simplefilter("ignore", UserWarning)
            for d in rates:
                out = F.conv2d(out, torch.ones(1, 1, k, k, dtype=torch.float64), dilation=d, padding="same")
        c = n // 2
        out[0, 0, c + y, c + x].backward()
        found.append(img.grad[0, 0] != 0)
    return found


def _disjoint_torch():
    """Common factor -> disjoint neighbours (4 directions); (2, 7), (5, 7), (2, 2, 11) too; (1, 2, 9) shares."""
    cases = [((2, 4, 8), 3, True), ((2, 2, 2), 3, True), ((3, 6), 2, True), ((2, 4), 4, True), ((4, 8, 12), 5, True),
             ((2, 7), 3, True), ((5, 7), 3, True), ((2, 2, 11), 3, True), ((1, 2, 9), 3, False), ((1, 4, 7), 3, False)]
    for rates, k, disjoint in cases:
        centre, *others = _torch_support(rates, k, [(0, 0), (0, 1), (1, 0), (1, 1), (1, -1)])
        shared = [bool((centre & o).any()) for o in others]
        if disjoint and any(shared) or not disjoint and not all(shared):
            yield {"rates": rates, "k": k, "shared": shared}


def _hdc_sufficient_torch():
    """A seeded sample of stacks that pass the rule: PyTorch's gradient reaches each pixel of the field."""
    import random

    rnd = random.Random(0)
    tried = 0
    while tried < 12:
        n = rnd.choice(LAYERS)
        k = rnd.choice(KERNELS)
        rates = (1, *(rnd.choice(RATES) for _ in range(n - 1)))
        if _m2(rates, k) > k:
            continue
        tried += 1
        (seen,) = _torch_support(rates, k, [(0, 0)])
        r = (k - 1) * sum(rates) + 1
        if int(seen.sum()) != r * r:
            yield {"rates": rates, "k": k, "layers": n}


@claim(
    "nb05-gcd-lattice",
    statement="If the rates of a stride-1 stack of K-tap dilated convolutions share a factor g > 1, every "
              "reached offset is a multiple of g: the stack reaches a sub-lattice of its receptive field and "
              "leaves holes.",
    domain=_domain(),
)
def _gcd_lattice():
    for rates in _stacks():
        g = math.gcd(*rates)
        if g == 1:
            continue
        for k in KERNELS:
            bits = _reach(rates, k)
            if any(o % g for o in _offsets(bits)) or bits == _full(rates, k):
                yield {"rates": rates, "k": k, "layers": len(rates)}


@claim(
    "nb05-gcd-disjoint",
    statement="With a common factor g > 1 of the rates, the input pixels one output reads are congruent "
              "mod g along each axis, and a neighbouring output (horizontal, vertical or diagonal) reads "
              "another class: neighbouring outputs read disjoint pixel sets, so a common factor is "
              "sufficient for gridding in the course's sense. In the explorer's range (3×3 kernels, three "
              "layers, rates 1–12) every triple with a common factor gives disjoint neighbours.",
    domain=_domain(),
    torch_check=_disjoint_torch,
)
def _gcd_disjoint():
    for rates in _stacks():
        if math.gcd(*rates) == 1:
            continue
        for k in KERNELS:
            bits = _reach(rates, k)
            if bits & (bits << 1):
                yield {"rates": rates, "k": k, "layers": len(rates)}
    for rates in _stacks(layers=(3,), rates=tuple(range(2, 13, 2)) + (3, 6, 9, 12)):  # 2-D, with diagonals
        if math.gcd(*rates) == 1:
            continue
        seen = _field_2d(rates, 3)
        for dy, dx in NEIGHBOURS:
            if _share_2d(seen, dy, dx):
                yield {"rates": rates, "k": 3, "layers": 3, "dim": 2, "neighbour": (dy, dx)}


@claim(
    "nb05-gcd-not-necessary",
    statement="A common factor is not necessary for disjoint neighbours: 3×3 kernels with rates (2, 7), "
              "(5, 7) and (2, 2, 11) share no factor, and neighbouring outputs (horizontal, vertical, "
              "diagonal) share none of their input pixels; 78 triples with rates 1–12 and no common factor "
              "do the same.",
    domain=_domain(),
    breaks=({"rates": (2, 7), "k": 3, "layers": 2}, {"rates": (5, 7), "k": 3, "layers": 2},
            {"rates": (2, 2, 11), "k": 3, "layers": 3}),
    sources=("Issue 21, item 3",),
)
def _gcd_not_necessary():
    for rates in [(2, 7), (5, 7), (2, 2, 11)]:
        seen = _field_2d(rates, 3)
        if math.gcd(*rates) != 1 or any(_share_2d(seen, dy, dx) for dy, dx in NEIGHBOURS):
            yield {"rates": rates, "k": 3, "why": "not an example"}
    count = 0
    for rates in _stacks(layers=(3,)):
        bits = _reach(rates, 3)
        if math.gcd(*rates) == 1 and not bits & (bits << 1):
            count += 1
    if count != 78:
        yield {"count": count, "expected": 78}


@claim(
    "nb05-rate1-shares",
    statement="A stack with a rate-1 layer of K >= 2 taps reaches two adjacent offsets, so neighbouring "
              "outputs share input pixels: it does not grid in the course's sense.",
    domain=_domain(),
)
def _rate1_shares():
    for rates in _stacks():
        if 1 not in rates:
            continue
        for k in KERNELS:
            bits = _reach(rates, k)
            if not bits & (bits << 1):
                yield {"rates": rates, "k": k, "layers": len(rates)}


def _hdc_sufficient_sweep(layers, rates_range):
    for n in layers:
        for tail in itertools.product(rates_range, repeat=n - 1):
            rates = (1, *tail)
            for k in KERNELS:
                if _m2(rates, k) <= k and _reach(rates, k) != _full(rates, k):
                    yield {"rates": rates, "k": k, "layers": n}


@claim(
    "nb05-hdc-sufficient",
    statement="A stack with d1 = 1 and M2 <= K (the HDC recurrence with K - 1 for the paper's 2) has no "
              "holes, for K = 2–5; swept over 2–4 layers with rates 1–12 and 5–6 layers with rates 1–6 "
              "(the notebook's argument covers any number of layers).",
    domain=_domain(note="layers 5-6 swept with rates 1-6; the argument in section 3 proves the rest"),
    breaks=({"rates": (1, 2, 5), "k": 2, "layers": 3},),
    sources=("Wang et al. 2018",),
    where=("explorer:gridding", "docstring:helpers.gridding.is_hdc"),
    torch_check=_hdc_sufficient_torch,
)
def _hdc_sufficient():
    yield from _hdc_sufficient_sweep(LAYERS, RATES)
    yield from _hdc_sufficient_sweep((5, 6), tuple(range(1, 7)))
    # the paper's printed 2 with 2-tap kernels is the old break: M2 = 2 <= K = 2 there, yet holes
    if not (_m2((1, 2, 5), 2) == 3 and _reach((1, 2, 5), 2) != _full((1, 2, 5), 2)):
        yield {"rates": (1, 2, 5), "k": 2, "why": "the K - 1 recurrence must reject it"}


@claim(
    "nb05-hdc-not-necessary",
    statement="The HDC rule is not necessary: (1, 3, 2) has no holes and fails it, and of the orders of "
              "(1, 2, 3), which all have no holes, only (1, 2, 3) passes. Yu & Koltun's context module, "
              "whose seven 3×3 layers have rates (1, 1, 2, 4, 8, 16, 1), has no holes and passes (so does its "
              "first six, the form the notebook quoted before the red-team pass).",
    domain=Domain(params={"rates": RATES + (16,), "layers": LAYERS + (6, 7), "k": KERNELS}, kinds=("conv",),
                  dims=(1, 2), reach=WIDGET, note="the explorer's range, and the context module's 6 and 7 layers"),
    breaks=({"rates": (1, 1, 2, 4, 8, 16, 1), "k": 3, "layers": 7},),
    sources=("Wang et al. 2018", "Yu & Koltun 2016", "fyu/dilation network.py build_context"),
)
def _hdc_not_necessary():
    for rates in itertools.permutations((1, 2, 3)):
        passes = rates[0] == 1 and _m2(rates, 3) <= 3
        if _reach(rates, 3) != _full(rates, 3) or passes != (rates == (1, 2, 3)):
            yield {"rates": rates, "k": 3}
    for ctx in [(1, 1, 2, 4, 8, 16, 1), (1, 1, 2, 4, 8, 16)]:
        if _reach(ctx, 3) != _full(ctx, 3) or not _m2(ctx, 3) <= 3:
            yield {"rates": ctx, "k": 3}


def _order_torch():
    """PyTorch autograd path counts of an output away from the border, for each order of a sample of stacks
    (K = 2-5, 'same' padding); and the border output 0 of the explorer's 64-pixel picture, where order matters."""
    import random

    import torch
    import torch.nn.functional as F

    def grad_line(rates, k, n, y):
        x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
        out = x
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            for d in rates:
                out = F.conv1d(out, torch.ones(1, 1, k, dtype=torch.float64), dilation=d, padding="same")
        out[0, 0, y].backward()
        return x.grad[0, 0].tolist()

    rnd = random.Random(8)
    for _ in range(12):
        rates, k = tuple(rnd.choice(RATES) for _ in range(rnd.choice(LAYERS))), rnd.choice(KERNELS)
        n = 2 * (k - 1) * sum(rates) + 3
        ref = grad_line(rates, k, n, n // 2)
        for perm in (rates[::-1], tuple(rnd.sample(rates, len(rates)))):
            if grad_line(perm, k, n, n // 2) != ref:
                yield {"rates": rates, "order": perm, "k": k}
    reads = [sum(v != 0 for v in grad_line(r, 3, 64, 0)) for r in ((1, 2, 5), (5, 2, 1))]
    if reads != [9, 8]:
        yield {"rates": (1, 2, 5), "k": 3, "y": 0, "reads": reads, "why": "the border break changed"}


@claim(
    "nb05-order",
    statement="Away from the border, the coverage of a stride-1 stack (the path count to each input pixel) does "
              "not depend on the order of its layers; swept for path counts up to 3 layers and reached sets for "
              "4 layers. Near the border of a zero-padded picture it can: in the explorer's 64-pixel picture, "
              "output 0 reads 9 pixels per axis with rates 1, 2, 5 and 8 with 5, 2, 1 (K = 3).",
    domain=_domain(note="path counts of the unbounded image; the border case is checked as a sentinel"),
    scope="away from the border",
    # red team rt05x: the explorer's trace of output (0, 0) reads 81 pixels for 1, 2, 5 and 64 for 5, 2, 1
    breaks=({"rates": (5, 2, 1), "k": 3, "layers": 3, "y": 0},),
    torch_check=_order_torch,
)
def _order():
    for n in LAYERS:
        for rates in itertools.combinations_with_replacement(RATES, n):
            for k in KERNELS:
                if n <= 3:
                    ref = _path_counts(rates, k)
                    if any(_path_counts(p, k) != ref for p in set(itertools.permutations(rates))):
                        yield {"rates": rates, "k": k, "layers": n}
                else:
                    ref = _reach(rates, k)
                    if any(_reach(p, k) != ref for p in set(itertools.permutations(rates))):
                        yield {"rates": rates, "k": k, "layers": n}
    # the border break, by plain loops: the input pixels output 0 of a 64-pixel picture reaches along paths
    # that stay inside it (a tap in the zero padding carries nothing)
    def reads(rates, k, n=64, y=0):
        cur = {y}
        for d in reversed(rates):
            cur = {i - d * (k - 1) // 2 + t * d for i in cur for t in range(k)} & set(range(n))
        return len(cur)

    if (reads((1, 2, 5), 3), reads((5, 2, 1), 3)) != (9, 8):
        yield {"rates": (5, 2, 1), "k": 3, "y": 0, "why": "the border break no longer shows order mattering"}


def _path_counts(rates: tuple, k: int) -> tuple:
    counts = {0: 1}
    for d in rates:
        new: dict[int, int] = {}
        for o, c in counts.items():
            for t in range(k):
                new[o + t * d] = new.get(o + t * d, 0) + c
        counts = new
    return tuple(sorted(counts.items()))


def _checker_gain_torch():
    import torch
    import torch.nn.functional as F

    for rates in [(2, 2, 2), (2, 4, 8), (1, 2, 5), (1, 2, 3), (2, 7), (3, 5, 12)]:
        x = (torch.arange(96)[:, None] + torch.arange(96)[None, :]) % 2 * 2.0 - 1.0
        y = x[None, None].double()
        for d in rates:
            y = F.conv2d(y, torch.full((1, 1, 3, 3), 1 / 9, dtype=torch.float64), dilation=d, padding=d)
        pred = math.prod((1 + 2 * math.cos(math.pi * d)) / 3 for d in rates) ** 2
        if abs(float(y[0, 0, 48, 48] / x[48, 48]) - pred) > 1e-9:
            yield {"rates": rates, "k": 3}


@claim(
    "nb05-checker-gain",
    statement="A uniform 3-tap filter with rate d multiplies the pattern (-1)^x by (1 + 2 cos(pi d))/3 "
              "(1 for even d, -1/3 for odd d); a 2-D stack of them multiplies the ±1 checkerboard "
              "(away from the border) by the square of the product over its layers.",
    domain=Domain(params={"rates": RATES, "layers": (1, 2, 3, 4), "k": (3,)}, kinds=("conv",), dims=(1, 2)),
    # red team rt05: the sentence had no "away from the border"; on the 64×64 board the formula holds at
    # 32 % of the pixels for rates 2, 4, 8 (pixel (0, 0) keeps 0.27 of its contrast, not 1)
    scope="away from the border",
    breaks=({"rates": (2, 4, 8), "k": 3, "layers": 3, "pixel": (0, 0)},),
    torch_check=_checker_gain_torch,
)
def _checker_gain():
    for n in (1, 2, 3, 4):
        for rates in itertools.product(RATES, repeat=n) if n <= 3 else itertools.product((1, 2, 5, 12), repeat=4):
            pred = 1.0
            for d in rates:
                pred *= (1 + 2 * math.cos(math.pi * d)) / 3
            centre = sum(rates)  # offset of the output's own pixel in its 1-D field
            got = sum(c * (-1) ** (o - centre) for o, c in _path_counts(rates, 3)) / 3**n
            if abs(got - pred) > 1e-12 or abs(got**2 - pred**2) > 1e-12:
                yield {"rates": rates, "k": 3, "layers": n}
    # 2-D: convolve a checkerboard with plain loops for a few stacks, diagonal structure included
    import numpy as np

    for rates in [(2, 2, 2), (1, 2, 5), (3,), (2, 7)]:
        span = 2 * sum(rates)
        size = 2 * span + 5
        img = original = np.indices((size, size)).sum(axis=0) % 2 * 2.0 - 1.0
        for d in rates:
            out = np.zeros((size - 2 * d, size - 2 * d))
            for a in range(3):
                for b in range(3):
                    out += img[a * d : a * d + size - 2 * d, b * d : b * d + size - 2 * d] / 9
            img, size = out, size - 2 * d
        pred = float(np.prod([(1 + 2 * np.cos(np.pi * d)) / 3 for d in rates]) ** 2)
        c = size // 2  # valid convolutions: output c sits over input pixel c + sum(rates)
        if abs(img[c, c] / original[c + span // 2, c + span // 2] - pred) > 1e-9:
            yield {"rates": rates, "k": 3, "dim": 2}


@claim(
    "nb05-tusimple",
    statement="In the HDC authors' released ResNet-101 (TuSimple-DUC get_resnet_hdc), block 4 starts with "
              "rates 2, 2, 5, 9 (d1 = 2, no common factor, M2 = 2 <= 3: the paper's two conditions hold) and "
              "leaves holes; block 5's rates 5, 9, 17 have no common factor (one of the paper's two "
              "conditions holds) but meet neither d1 = 1 nor M2 <= 3 (M2 = 9) and leave holes; the "
              "whole of blocks 4 and 5 (2, 2, then 5, 9, 1, 2 five times, 5, then 5, 9, 17) has none.",
    domain=Domain(params={"rates": (1, 2, 5, 9, 17), "k": (3,)}, kinds=("network",), dims=(1, 2),
                  note="the released network's rates"),
    # red team rt05: the notebook said 5, 9, 17 "meets neither" of the paper's two conditions; gcd = 1 meets one
    breaks=({"rates": (5, 9, 17), "k": 3},),
    sources=("TuSimple/TuSimple-DUC tusimple_duc/networks/resnet.py",),
)
def _tusimple():
    four, five = (2, 2, 5, 9), (5, 9, 17)
    if not (math.gcd(*four) == 1 and _m2(four, 3) == 2 and _reach(four, 3) != _full(four, 3)):
        yield {"rates": four}
    if not (math.gcd(*five) == 1 and five[0] != 1 and _m2(five, 3) == 9 and _reach(five, 3) != _full(five, 3)):
        yield {"rates": five}
    blocks = (2, 2) + (5, 9, 1, 2) * 5 + (5,) + five
    if len(blocks) != 26 or _reach(blocks, 3) != _full(blocks, 3):
        yield {"rates": "blocks 4 and 5"}


@claim(
    "nb05-rate1-fills",
    statement="A K-tap rate-1 layer placed anywhere in a stack fills the holes of a group whose rates share a "
              "factor g <= K, when the group reaches each multiple of g in its span.",
    domain=_domain(),
)
def _rate1_fills():
    for rates in _stacks(layers=(2, 3)):
        g = math.gcd(*rates)
        if g == 1:
            continue
        for k in KERNELS:
            if g > k:
                continue
            bits = _reach(rates, k)
            span = (k - 1) * sum(rates)
            if any(not bits >> m & 1 for m in range(0, span + 1, g)):
                continue
            for pos in range(len(rates) + 1):
                stack = rates[:pos] + (1,) + rates[pos:]
                if _reach(stack, k) != _full(stack, k):
                    yield {"rates": stack, "k": k, "layers": len(stack)}


def _weights_free_torch():
    import torch
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(0)
    for rates in [(2, 4, 8), (2, 2, 2), (4, 6, 2)]:
        x = torch.randn(1, 1, 32, 32, generator=g, dtype=torch.float64)
        y = x.clone()
        y[..., 1::2, :] = torch.randn(1, 1, 16, 32, generator=g, dtype=torch.float64)
        y[..., :, 1::2] = torch.randn(1, 1, 32, 16, generator=g, dtype=torch.float64)
        a, b = x, y
        for d in rates:
            w = torch.randn(1, 1, 3, 3, generator=g, dtype=torch.float64)
            a, b = F.conv2d(a, w, dilation=d, padding=d), F.conv2d(b, w, dilation=d, padding=d)
        if float((a - b)[..., ::2, ::2].abs().max()) > 1e-9:
            yield {"rates": rates}


@claim(
    "nb05-weights-free",
    statement="For any weights, a stride-1 'same' stack of 3×3 layers with even rates computes its outputs "
              "at even (row, column) from input pixels at even (row, column) alone.",
    domain=Domain(params={"rates": (2, 4, 6, 8), "layers": (1, 2, 3), "k": (3,), "seed": tuple(range(3))},
                  kinds=("conv",), dims=(2,)),
    scope="rates 2, 4, 8",
    torch_check=_weights_free_torch,
)
def _weights_free():
    import numpy as np

    for rates in itertools.product((2, 4, 6, 8), repeat=3):
        for seed in range(3):
            rng = np.random.default_rng(seed)
            x = rng.standard_normal((24, 24))
            y = x.copy()
            y[1::2, :] = rng.standard_normal((12, 24))
            y[:, 1::2] = rng.standard_normal((24, 12))
            ws = [rng.standard_normal((3, 3)) for _ in rates]
            a, b = x, y
            for d, w in zip(rates, ws):
                a, b = (_same_conv(v, w, d) for v in (a, b))
            if np.abs(a - b)[::2, ::2].max() > 1e-9:
                yield {"rates": rates, "seed": seed}


def _same_conv(x, w, d):
    import numpy as np

    n = x.shape[0]
    p = np.pad(x, d)
    out = np.zeros_like(x)
    for a in range(3):
        for b in range(3):
            out += w[a, b] * p[a * d : a * d + n, b * d : b * d + n]
    return out


@claim(
    "nb05-degenerate",
    statement="A 3×3 filter with rate d on an N×N map zero-padded by d has a position with all nine taps "
              "inside the map exactly when 2d <= N - 1; on an 81×81 map the full filter is gone from rate 41.",
    domain=Domain(params={"n": tuple(range(1, 101)), "d": tuple(range(1, 101)), "k": (3,)}, kinds=("conv",),
                  dims=(2,)),
    scope="3×3",
    sources=("Chen et al. 2017, Fig. 4",),
    where=("exercise:05-degenerate-rate",),
)
def _degenerate():
    for n in range(1, 101):
        for d in range(1, 101):
            full_1d = any(i - d >= 0 and i + d <= n - 1 for i in range(n))
            if full_1d != (2 * d <= n - 1):
                yield {"n": n, "d": d}


@claim(
    "nb05-largest-field",
    statement="n stride-1 layers of K taps without holes have a receptive field of at most K^n pixels per "
              "axis (K^n tap chains); rates 1, K, K², … reach it. With three 3×3 layers and rates 1–12 the "
              "largest is 27.",
    domain=_domain(),
    where=("exercise:05-largest-hole-free",),
)
def _largest_field():
    best = 0
    for rates in _stacks():
        for k in KERNELS:
            r = (k - 1) * sum(rates) + 1
            if r > k ** len(rates) and _reach(rates, k) == _full(rates, k):
                yield {"rates": rates, "k": k, "layers": len(rates)}
            if k == 3 and len(rates) == 3 and r > best and _reach(rates, k) == _full(rates, k):
                best = r
    if best != 27:
        yield {"largest": best}
    for k in KERNELS:
        for n in LAYERS:
            rates = tuple(k**i for i in range(n))
            if _reach(rates, k) != _full(rates, k) or (k - 1) * sum(rates) + 1 != k**n:
                yield {"rates": rates, "k": k}


@lru_cache(maxsize=1)
def verdict_sweep() -> tuple:
    """The sweep behind ``explorer-gridding-verdict`` (helpers/claims/explorer_gridding.py): over 2–4 layers,
    rates 1–12 and K 2–5, the sentence's holes count, shared share and HDC verdict against brute force
    (2–3 layers: every setting's sentence; 4 layers: one sentence per distinct verdict class). Computed once."""
    return tuple(_verdict_sweep())


def _verdict_sweep():
    from ..gridding import HDCReport
    from ..gridding import gridding_sentence

    classes: dict[tuple, tuple] = {}
    for rates in _stacks(layers=(4,)):
        for k in KERNELS:
            bits = _reach(rates, k)
            m2 = _m2(rates, k)
            key = (k, rates[0] == 1, math.gcd(*rates) > 1, m2 <= k, bits == _full(rates, k), not bits & (bits << 1))
            classes.setdefault(key, rates)
    todo = [(rates, k) for rates in _stacks(layers=(2, 3)) for k in KERNELS]
    todo += [(rates, key[0]) for key, rates in classes.items()]
    for rates, k in todo:
        g = math.gcd(*rates)
        if True:
            bits, full = _reach(rates, k), _full(rates, k)
            line = bin(bits).count("1")
            r = (k - 1) * sum(rates) + 1
            holes = r * r - line * line
            shared = bin(bits & (bits << 1)).count("1") / line
            m2 = _m2(rates, k)
            hdc = rates[0] == 1 and m2 <= k
            text = gridding_sentence(HDCReport(rates, k, m2, g, g == 1 and m2 <= k, hdc, holes), shared=shared)
            verdict = text.rsplit("HDC rule", 1)[-1] if "HDC rule" in text else text.rsplit("conditions", 1)[-1]
            ok = (f" {holes} holes (" in text and "bug" not in text
                  and (("no holes" in verdict) == (bits == full))
                  and (("disjoint sets" in text) == (shared == 0)))
            if not ok:
                yield {"rates": rates, "k": k, "layers": len(rates), "text": text}


def _one_by_one_torch():
    """PyTorch: count the in-map taps of a 3x3 filter at each position (ones input, zero padding d)."""
    import torch
    import torch.nn.functional as F

    for n in (9, 33, 65):
        for d in range(1, n + 3):
            w = torch.ones(1, 1, 3, 3, dtype=torch.float64)
            taps = F.conv2d(torch.ones(1, 1, n, n, dtype=torch.float64), w, dilation=d, padding=d)
            if bool((taps == 1).all()) != (d >= n):
                yield {"n": n, "d": d, "k": 3}


@claim(
    "nb05-one-by-one",
    statement="A 3×3 filter with rate d on an N×N map zero-padded by d keeps its centre weight alone (one tap "
              "inside the map) at every position exactly when d >= N, the map size; at d = N - 1 (N >= 2) the "
              "four corner positions still have four taps inside.",
    domain=Domain(params={"n": tuple(range(1, 101)), "d": tuple(range(1, 101)), "k": (3,)}, kinds=("conv",),
                  dims=(2,)),
    scope="nine weights",
    breaks=({"n": 65, "d": 64, "k": 3},),  # red team rt05: "near the map size ... the centre alone"
    sources=("Chen et al. 2017, Fig. 4",),
    torch_check=_one_by_one_torch,
)
def _one_by_one():
    for n in range(1, 101):
        for d in range(1, 101):
            # per axis, position i keeps tap i - d when i >= d and tap i + d when i + d <= n - 1
            per_axis = [1 + (i - d >= 0) + (i + d <= n - 1) for i in range(n)]
            alone = all(c == 1 for c in per_axis)  # 2-D counts are products of the per-axis ones
            if alone != (d >= n):
                yield {"n": n, "d": d}
            if d == n - 1 and n >= 2 and per_axis[0] * per_axis[0] != 4:
                yield {"n": n, "d": d, "corner": per_axis[0] ** 2}
