"""Coverage of stacked dilated convolutions, the HDC rule, and valid-weight fractions.

Taught in notebook ``05_gridding_artifacts``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ._validate import check_choice, check_int
from .conv import conv2d
from .receptive import Layer, _check_layers

__all__ = [
    "coverage_map",
    "hdc_max_gap",
    "is_hdc",
    "valid_weight_fraction",
    "dilated_stack",
    "CoverageStats",
    "coverage_stats",
    "HDCReport",
    "hdc_report",
    "coverage_build_up",
    "stack_response",
    "probe_image",
    "GriddingKinds",
    "gridding_by_definition",
    "gap_pieces",
    "gridding_sentence",
]


def _path_counts(layers: Sequence[Layer]) -> np.ndarray:
    """1-D: how many paths lead from one output unit to each input pixel of its receptive field."""
    counts = np.ones(1, dtype=np.int64)
    for layer in reversed(list(layers)):
        k, s, d = layer.kernel, layer.stride, layer.dilation
        new = np.zeros(s * (len(counts) - 1) + d * (k - 1) + 1, dtype=np.int64)
        for t in range(k):
            new[t * d : t * d + s * (len(counts) - 1) + 1 : s] += counts
        counts = new
    return counts


def coverage_map(layers: Sequence[Layer]) -> np.ndarray:
    """Number of paths from one output pixel to each pixel of its receptive field.

    An ``(r, r)`` integer array, ``r`` the receptive field of the stack. A
    zero is a *hole*: an input pixel inside the receptive field that no chain
    of kernel taps reaches (the cause of gridding artifacts). Padding and
    image borders are ignored: this is the interior of a large image.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first (square kernels).

    Examples
    --------
    >>> stack = [Layer(3, dilation=2), Layer(3, dilation=2)]
    >>> coverage_map(stack)[0].tolist()       # odd columns are never reached: holes
    [1, 0, 2, 0, 3, 0, 2, 0, 1]
    >>> int((coverage_map([Layer(3, dilation=r) for r in (1, 2, 5)]) == 0).sum())
    0
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    c = _path_counts(layers)
    return np.outer(c, c)


def _check_rates(rates: Sequence[int]) -> list[int]:
    if isinstance(rates, (str, bytes)) or not hasattr(rates, "__len__"):
        raise TypeError(f"rates must be a sequence of integers, got {rates!r}")
    checked = [check_int(f"rates[{i}]", r, 1) for i, r in enumerate(rates)]
    if len(checked) < 2:
        raise ValueError(f"rates must hold at least 2 dilation rates, got {len(checked)}")
    return checked


def hdc_max_gap(rates: Sequence[int], kernel: int = 3) -> int:
    """``M_2`` of Wang et al. (2018), an upper bound on the gaps after layers ``2 … n``.

    The paper writes the recurrence for 3×3 kernels::

        M_n = r_n,   M_i = max(M_{i+1} - 2 r_i,  M_{i+1} - 2 (M_{i+1} - r_i),  r_i)

    Its factor 2 is the span of a 3-tap layer in units of its rate. For a
    ``K``-tap kernel the span is ``K - 1`` rates, so this function uses
    ``(K - 1)`` in place of 2 (for ``K = 3`` it is the paper's recurrence)::

        M_i = max(M_{i+1} - (K-1) r_i,  M_{i+1} - (K-1) (M_{i+1} - r_i),  r_i)

    Why it bounds the gaps: a layer with taps ``0, r, …, (K-1) r`` puts
    ``K - 1`` new points, ``r`` apart, into each gap ``g`` of what the later
    layers reach, so the pieces are at most ``max(r, g - (K-1) r)``; the
    middle term only makes the bound larger (safer). Reading 2 for
    ``K - 1`` with a 2-tap kernel would undercount the gaps: ``(1, 2, 5)``
    would get ``M_2 = 2`` although layers 2 and 3 leave a gap of 3.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    rates : sequence of int
        Dilation rates of consecutive layers (at least 2, each >= 1).
    kernel : int
        Kernel size ``K`` (>= 2), taps per axis of every layer.

    Examples
    --------
    >>> hdc_max_gap([1, 2, 5]), hdc_max_gap([1, 2, 9])   # Wang et al.: 2 (valid), 5 (not)
    (2, 5)
    >>> hdc_max_gap([1, 2, 5], kernel=2)                  # taps {0, 2} + {0, 5} -> 0 2 5 7: gap 3
    3
    """
    rs = _check_rates(rates)
    span = check_int("kernel", kernel, 2) - 1
    m = rs[-1]
    for r in reversed(rs[1:-1]):
        m = max(m - span * r, m - span * (m - r), r)
    return m


def is_hdc(rates: Sequence[int], kernel: int = 3) -> bool:
    """Whether ``rates`` satisfy the Hybrid Dilated Convolution rule of Wang et al. (2018).

    The paper's conditions: the rates have no common factor > 1, and
    ``M_2 <= kernel`` (see :func:`hdc_max_gap`, which reads the paper's
    3×3 recurrence with ``K - 1`` for its 2). ``M_2 <= K`` means that a
    first layer *with rate 1* (``K`` taps, one pixel apart) fills every gap
    the later layers leave; the recurrence never looks at ``r_1``, so this
    function also requires ``rates[0] == 1`` (which implies the
    no-common-factor condition). Without it the two stated conditions are
    not enough: ``(2, 3, 5)`` passes them and still leaves holes.

    A stack that passes has no holes, for every kernel size ``K >= 2``
    (proof in notebook 05; the tests enumerate every stack the notebook's
    widget offers). The converse does not hold (the rule is sufficient, not
    necessary): :func:`coverage_map` is the ground truth.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> is_hdc([1, 2, 5]), is_hdc([1, 2, 9]), is_hdc([2, 4, 8]), is_hdc([2, 2, 2])
    (True, False, False, False)
    >>> is_hdc([2, 3, 5]), int((coverage_map([Layer(3, dilation=r) for r in (2, 3, 5)]) == 0).sum())
    (False, 80)
    >>> is_hdc([1, 2, 5], kernel=2), is_hdc([1, 2, 4], kernel=2)   # 2-tap kernels: WaveNet's 1, 2, 4 passes
    (False, True)
    """
    rs = _check_rates(rates)
    k = check_int("kernel", kernel, 2)
    return rs[0] == 1 and hdc_max_gap(rs, k) <= k


def valid_weight_fraction(size: int, rate: int, kernel: int = 3) -> dict[int, float]:
    """Share of output positions by the number of kernel taps that fall inside the map.

    A ``kernel×kernel`` filter with dilation ``rate`` slides over a
    ``size×size`` feature map zero-padded by ``rate`` (stride 1, size kept).
    Taps that land in the padding see zeros; as ``rate`` approaches ``size``
    only the centre tap stays valid and the filter degenerates to a 1×1
    (DeepLabv3, Chen et al. 2017, Fig. 4).

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    size : int
        Height and width of the feature map (>= 1).
    rate : int
        Atrous rate (>= 1).
    kernel : int
        Odd kernel size (>= 1).

    Returns
    -------
    dict
        ``{valid taps: share of positions}``, one key per possible count
        (1, 2, 3, 4, 6, 9 for a 3×3 kernel); the shares sum to 1.

    Examples
    --------
    >>> {k: round(v, 3) for k, v in valid_weight_fraction(65, 1).items()}
    {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.001, 6: 0.06, 9: 0.939}
    >>> valid_weight_fraction(65, 64)[1] > 0.9          # nearly a 1x1 filter
    True
    """
    n = check_int("size", size, 1)
    r = check_int("rate", rate, 1)
    k = check_int("kernel", kernel, 1)
    if k % 2 == 0:
        raise ValueError(f"kernel must be odd (a centred filter), got {k}")
    half = k // 2
    pos = np.arange(n)[:, None] + r * np.arange(-half, half + 1)[None, :]
    per_axis = ((pos >= 0) & (pos < n)).sum(axis=1)  # valid taps along one axis, per position
    hist = np.bincount(per_axis, minlength=k + 1)  # positions with 0..k valid taps
    shares: dict[int, float] = {}
    for a in range(1, k + 1):
        for b in range(1, k + 1):
            shares[a * b] = shares.get(a * b, 0.0) + float(hist[a] * hist[b]) / (n * n)
    return dict(sorted(shares.items()))


# --------------------------------------------------------------------------
# Added for notebook 05_gridding_artifacts: stacks, their coverage, the HDC
# rule against brute force, and what a stack does to an image.
# --------------------------------------------------------------------------


def dilated_stack(rates: Sequence[int], *, kernel: int = 3, smoothing: bool = False) -> list[Layer]:
    """A stack of stride-1 dilated convolutions, one per rate, that keeps the map size.

    Each layer is ``Layer(kernel, dilation=rate, padding="same")``. With
    ``smoothing=True`` every layer whose rate ``r`` is above 1 is preceded by
    a ``(2r - 1)``-tap box filter (an average, ``kind="pool"``, stride 1): a
    fixed stand-in for the learned filter shared by all channels that Wang &
    Ji (2018) put before a dilated convolution to fill its gaps.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    rates : sequence of int
        Dilation rates, input side first (at least one, each >= 1).
    kernel : int
        Taps per axis of every dilated layer (>= 1).
    smoothing : bool
        Insert the box filter before each layer with rate > 1.

    Examples
    --------
    >>> [(l.kernel, l.dilation, l.pads()) for l in dilated_stack([1, 2])]
    [(3, 1, (1, 1)), (3, 2, (2, 2))]
    >>> [(l.kernel, l.kind) for l in dilated_stack([2], smoothing=True)]
    [(3, 'pool'), (3, 'conv')]
    """
    if isinstance(rates, (str, bytes)) or not hasattr(rates, "__len__"):
        raise TypeError(f"rates must be a sequence of integers, got {rates!r}")
    rs = [check_int(f"rates[{i}]", r, 1) for i, r in enumerate(rates)]
    if not rs:
        raise ValueError("rates must hold at least one dilation rate, got 0")
    k = check_int("kernel", kernel, 1)
    if not isinstance(smoothing, bool):
        raise TypeError(f"smoothing must be True or False, got {smoothing!r}")
    layers = []
    for i, r in enumerate(rs, 1):
        if smoothing and r > 1:
            layers.append(Layer(2 * r - 1, padding="same", kind="pool", name=f"smooth{i} (box {2 * r - 1})"))
        layers.append(Layer(k, dilation=r, padding="same", name=f"conv{i} (rate {r})"))
    return layers


@dataclass(frozen=True)
class CoverageStats:
    """How much of its receptive field a stack reaches (see :func:`coverage_stats`).

    Attributes
    ----------
    r : int
        Side of the square receptive field.
    reached : int
        Pixels of the ``r×r`` field with at least one path to the centre output.
    holes : int
        Pixels with no path: ``r*r - reached``.
    fraction : float
        ``reached / r**2``.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> stats = coverage_stats(dilated_stack([2, 4, 8]))
    >>> stats.r, stats.reached + stats.holes == stats.r ** 2
    (29, True)
    """

    r: int
    reached: int
    holes: int
    fraction: float


def coverage_stats(layers: Sequence[Layer]) -> CoverageStats:
    """Receptive field, reached pixels and holes of a stack, from :func:`coverage_map`.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> coverage_stats(dilated_stack([2, 2, 2]))      # only every other row and column
    CoverageStats(r=13, reached=49, holes=120, fraction=0.28994082840236685)
    >>> coverage_stats(dilated_stack([1, 2, 5])).holes
    0
    """
    cov = coverage_map(layers)
    reached = int(np.count_nonzero(cov))
    return CoverageStats(cov.shape[0], reached, cov.size - reached, reached / cov.size)


@dataclass(frozen=True)
class HDCReport:
    """The HDC rule and brute-force coverage side by side (see :func:`hdc_report`).

    Attributes
    ----------
    rates : tuple of int
        The dilation rates, input side first.
    kernel : int
        Kernel size ``K``.
    max_gap : int
        ``M_2`` of Wang et al. (2018), with ``K - 1`` for the paper's 2
        (:func:`hdc_max_gap`).
    common_factor : int
        Greatest common divisor of the rates.
    paper_rule : bool
        The paper's two stated conditions: no common factor > 1 and ``M_2 <= K``.
    hdc : bool
        :func:`is_hdc`: the same plus ``rates[0] == 1``.
    holes : int
        Unreached pixels of the receptive field (brute force, :func:`coverage_map`).

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> hdc_report([1, 2, 5])
    HDCReport(rates=(1, 2, 5), kernel=3, max_gap=2, common_factor=1, paper_rule=True, hdc=True, holes=0)
    """

    rates: tuple[int, ...]
    kernel: int
    max_gap: int
    common_factor: int
    paper_rule: bool
    hdc: bool
    holes: int


def hdc_report(rates: Sequence[int], *, kernel: int = 3) -> HDCReport:
    """Check a rate schedule with the HDC rule *and* with brute-force coverage.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    rates : sequence of int
        At least 2 dilation rates, input side first.
    kernel : int
        Kernel size ``K`` of every layer (>= 2).

    Examples
    --------
    >>> rep = hdc_report([2, 3, 5])          # the paper's two conditions hold, yet holes remain
    >>> rep.max_gap, rep.common_factor, rep.paper_rule, rep.hdc, rep.holes
    (3, 1, True, False, 80)
    >>> hdc_report([1, 3, 2]).hdc, hdc_report([1, 3, 2]).holes   # rule fails, no holes
    (False, 0)
    >>> rep = hdc_report([1, 2, 5], kernel=2)   # 2-tap kernels: the gaps are too wide
    >>> rep.max_gap, rep.hdc, rep.holes
    (3, False, 17)
    """
    rs = _check_rates(rates)
    k = check_int("kernel", kernel, 2)
    m2 = hdc_max_gap(rs, k)
    g = 0
    for r in rs:
        g = math.gcd(g, r)
    holes = coverage_stats(dilated_stack(rs, kernel=k)).holes
    return HDCReport(tuple(rs), k, m2, g, g == 1 and m2 <= k, is_hdc(rs, k), holes)


def stack_response(x: np.ndarray, layers: Sequence[Layer], *, weights: str = "uniform", seed: int = 0) -> np.ndarray:
    """Push a single-channel image through a linear stack of convolutions.

    Each layer zero-pads by its own ``pads`` (``padding="same"`` keeps the
    size) and convolves with :func:`helpers.conv.conv2d`. Convolution taps
    are all ``1/k²`` (``weights="uniform"``: every layer averages) or seeded
    standard-normal numbers (``"random"``); pooling layers are always
    averages. No nonlinearity: what you see is where each output looks.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    x : array
        A 2-D image.
    layers : sequence of Layer
        The stack, input side first (square kernels).
    weights : {"uniform", "random"}
        How the convolution taps are filled.
    seed : int
        Seed of ``numpy.random.default_rng`` for ``"random"``.

    Examples
    --------
    >>> img = np.zeros((9, 9)); img[4, 4] = 1.0
    >>> out = stack_response(img, dilated_stack([2, 2]))    # impulse response: holes between taps
    >>> (out[4] > 0).astype(int).tolist()
    [1, 0, 1, 0, 1, 0, 1, 0, 1]
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    img = np.asarray(x)
    if img.ndim != 2:
        raise ValueError(f"x must be a 2-D image, got shape {img.shape}")
    mode = check_choice("weights", weights, ("uniform", "random"))
    rng = np.random.default_rng(check_int("seed", seed, 0))
    out = img
    for i, layer in enumerate(layers):
        k = layer.kernel
        if mode == "random" and layer.kind == "conv":
            w = rng.standard_normal((k, k))
        else:
            w = np.full((k, k), 1.0 / (k * k))
        try:
            pads = layer.pads(out.shape[0]), layer.pads(out.shape[1])
            out = conv2d(np.pad(out, pads), w, stride=layer.stride, dilation=layer.dilation)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"layer {i} ({layer.name or 'unnamed'}) on a {out.shape} map: {exc}") from None
    return out


def probe_image(size: int = 64) -> np.ndarray:
    """A test image with thin lines, a fine checkerboard and a small disc (values 0 and 1).

    Deterministic (no randomness). The thin lines are one pixel wide: a
    vertical one, a horizontal one and a diagonal; the checkerboard
    alternates every pixel; the disc has radius ``size/10``.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    size : int
        Height and width (>= 16).

    Examples
    --------
    >>> img = probe_image(32)
    >>> img.shape, sorted(set(img.ravel().tolist()))
    ((32, 32), [0.0, 1.0])
    """
    n = check_int("size", size, 16)
    img = np.zeros((n, n))
    q = n // 2
    third = max(n // 8, 2)
    img[third : q - 2, third] = 1.0  # vertical line, top left
    img[third, third + 2 : q - 2] = 1.0  # horizontal line, top left
    idx = np.arange(third + 3, q - 2)
    img[idx, idx] = 1.0  # diagonal, top left
    yy, xx = np.mgrid[0:n, 0:n]
    board = ((yy + xx) % 2 == 0) & (yy >= third) & (yy < q - 2) & (xx >= q + 2) & (xx < n - third)
    img[board] = 1.0  # checkerboard, top right
    cy, cx, radius = q + q // 2, q, n / 10
    img[(yy - cy) ** 2 + (xx - cx) ** 2 <= radius**2] = 1.0  # disc, bottom centre
    return img


def coverage_build_up(rates: Sequence[int], *, kernel: int = 3) -> list[tuple[str, np.ndarray]]:
    """The coverage map of a stack as it is built, one kernel tap at a time, from the centre out.

    Step ``(l, t)`` holds the paths through layers ``1 … l-1`` (all taps)
    and the first ``t`` taps of layer ``l``: the copies of the earlier
    pattern that layer ``l`` has placed so far. Taps sit where ``"same"``
    padding puts them (offsets ``-d, 0, +d`` for a 3-tap layer; for an even
    ``K`` the extra zero goes after, as in PyTorch: ``-3, -1, 1, 3`` for
    ``K = 4``, ``d = 2``) and are placed nearest first, then outwards, so
    the pattern grows around the output's own pixel as in :func:`coverage_map`.
    Every map is drawn on the full receptive field of the whole stack
    (``r×r``), so the steps line up; the last step is :func:`coverage_map`.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    rates : sequence of int
        Dilation rates, input side first (at least one, each >= 1).
    kernel : int
        Taps per axis of every layer (>= 1).

    Returns
    -------
    list of (str, numpy.ndarray)
        ``(caption, r×r path counts)``, one per tap: ``len(rates) * kernel`` steps.

    Examples
    --------
    >>> steps = coverage_build_up([2, 4])
    >>> len(steps), steps[0][0]
    (6, 'layer 1 (rate 2): 1 of 3 taps per axis placed')
    >>> int(steps[0][1].sum()), int(steps[0][1][6, 6])     # the centre tap alone: one pixel, the centre
    (1, 1)
    >>> bool((steps[-1][1] == coverage_map(dilated_stack([2, 4]))).all())
    True
    """
    layers = dilated_stack(rates, kernel=kernel)
    r = coverage_map(layers).shape[0]
    before = [layer.pads()[0] for layer in layers]  # zeros before the map: floor(d (K-1) / 2), as PyTorch
    steps = []
    line = np.zeros(r, dtype=np.int64)
    line[sum(before)] = 1  # one path, before any layer: the output's own pixel
    for i, (layer, pad) in enumerate(zip(layers, before), 1):
        done = np.zeros_like(line)
        order = sorted(range(kernel), key=lambda t: (abs(t * layer.dilation - pad), t))  # nearest tap first
        for placed, t in enumerate(order, 1):
            shift = t * layer.dilation - pad
            if shift >= 0:
                done[shift:] += line[: r - shift]
            else:
                done[:shift] += line[-shift:]
            caption = f"layer {i} (rate {layer.dilation}): {placed} of {kernel} taps per axis placed"
            steps.append((caption, np.outer(done, done)))
        line = done
    return steps


# --------------------------------------------------------------------------
# Added for the third edition: gridding by each of its three definitions, and
# the pieces a gap splits into (the HDC recurrence's terms).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class GriddingKinds:
    """A rate schedule judged by each of the three definitions of gridding (see :func:`gridding_by_definition`).

    Attributes
    ----------
    rates : tuple of int
        The dilation rates, input side first.
    kernel : int
        Kernel size ``K`` of every layer.
    disjoint_neighbours : bool
        The course's definition (notebook 05): two neighbouring outputs read
        disjoint sets of input pixels.
    shared_fraction : float
        Share of one output's reached input pixels that its horizontal
        neighbour also reads (0 exactly when ``disjoint_neighbours``).
    holes : int
        Wang et al. (2018, HDC)'s definition: pixels of the receptive field
        that no chain of taps reaches (0: no gridding in their sense).
    dilated : bool
        Yu, Koltun & Funkhouser (2017, DRN)'s definition is about content:
        a layer of rate ``d >= 2`` samples its input every ``d`` pixels, so
        input content above ``1/(2d)`` cycles per pixel aliases into a grid.
        True when some rate is at least 2 (such content *can* grid); whether it
        does depends on the input, not on the rates alone.
    finest_pattern_kept : float
        A measure for DRN's sense: the share of a ±1 checkerboard's contrast
        (the finest 2-D pattern) that the stack keeps when every kernel
        averages (interior of a large image). 1.0: passed unblurred.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> g = gridding_by_definition((2, 7))
    >>> g.disjoint_neighbours, g.holes > 0, g.dilated
    (True, True, True)
    """

    rates: tuple[int, ...]
    kernel: int
    disjoint_neighbours: bool
    shared_fraction: float
    holes: int
    dilated: bool
    finest_pattern_kept: float


def gridding_by_definition(rates: Sequence[int], *, kernel: int = 3) -> GriddingKinds:
    """Classify a stack of stride-1 dilated convolutions by the three definitions of gridding.

    1. *Disjoint neighbours* (the course's, notebook 05): two neighbouring
       outputs read no input pixel in common. A common factor ``g > 1`` of the
       rates is sufficient for it, not necessary: ``(2, 7)`` shares no factor.
    2. *Holes in the receptive field* (Wang et al. 2018, HDC).
    3. *Aliasing* of content above the dilation's sampling rate (Yu, Koltun &
       Funkhouser 2017, DRN, who add degridding layers): a property of the
       input as much as of the rates, reported as ``dilated`` and measured by
       ``finest_pattern_kept``.

    Pure numpy, no figure: the design lab (``helpers.design``) can word its
    warnings from it. In 2-D the field is the outer product of the 1-D one,
    so the three answers hold for horizontal, vertical and diagonal
    neighbours alike (a diagonal neighbour shares no more than a horizontal one).

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    rates : sequence of int
        Dilation rates, input side first (at least one, each >= 1).
    kernel : int
        Taps per axis of every layer (>= 1).

    Examples
    --------
    >>> g = gridding_by_definition((1, 2, 9))          # holes, but neighbours share most pixels
    >>> g.disjoint_neighbours, g.holes, round(g.shared_fraction, 2)
    (False, 184, 0.86)
    >>> g = gridding_by_definition((2, 4, 8))          # all three
    >>> g.disjoint_neighbours, g.holes, g.finest_pattern_kept
    (True, 616, 1.0)
    >>> gridding_by_definition((1, 1, 2, 4, 8, 16)).holes   # Yu & Koltun's context module: no holes
    0
    """
    layers = dilated_stack(rates, kernel=kernel)  # validates the rates and the kernel
    rs, k = tuple(layer.dilation for layer in layers), layers[0].kernel
    counts = _path_counts(layers)
    seen = counts > 0
    shared = int((seen[1:] & seen[:-1]).sum())
    signs = np.where(np.arange(len(counts)) % 2 == 0, 1.0, -1.0)
    kept_1d = float((counts * signs).sum() / counts.sum())
    holes = int(seen.size**2 - seen.sum() ** 2)
    return GriddingKinds(rs, k, shared == 0, shared / int(seen.sum()), holes, max(rs) > 1, kept_1d**2)


def gap_pieces(gap: int, rate: int) -> "tuple[tuple[int, ...], tuple[int, ...]]":
    """What a 3-tap layer of rate ``d`` does to a gap of width ``M`` between two reached offsets.

    The layer adds copies of every reached offset at ``-d, 0, +d``; the two
    ends ``0`` and ``M`` of the gap put new points at ``d`` and ``M - d``.
    Returns the points strictly inside the gap (sorted) and the widths of the
    pieces the gap splits into — the three cases behind the terms of the HDC
    recurrence (Wang et al. 2018): ``2d <= M`` gives ``d, M - 2d, d``;
    ``d < M < 2d`` gives ``M - d, 2d - M, M - d``; ``d >= M`` leaves ``M``.
    (A new point that lands on the other end adds nothing.)

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    gap : int
        Width ``M`` of the gap (>= 1).
    rate : int
        Rate ``d`` of the layer (>= 1).

    Examples
    --------
    >>> gap_pieces(9, 3)
    ((3, 6), (3, 3, 3))
    >>> gap_pieces(7, 5)
    ((2, 5), (2, 3, 2))
    >>> gap_pieces(4, 5)
    ((), (4,))
    """
    m = check_int("gap", gap, 1)
    d = check_int("rate", rate, 1)
    inside = tuple(sorted({p for p in (d, m - d) if 0 < p < m}))
    edges = (0, *inside, m)
    return inside, tuple(b - a for a, b in zip(edges, edges[1:]))


def gridding_sentence(rep: "HDCReport", *, shared: "float | None" = None) -> str:
    """The explorer's sentence for one :class:`helpers.HDCReport`: field, holes, neighbours and the HDC verdict.

    Pure text, no figure (the read-out of notebook 05's dilated-stack explorer,
    :func:`helpers.explorers.dilated_stack_explorer`, whose JS twin writes it word for word).
    ``shared`` (the share of an output's input pixels
    that its neighbour also reads, :func:`helpers.gridding_by_definition`)
    adds whether the stack grids in the course's sense. The verdicts are
    checked against brute force for each setting the explorer offers (claim
    ``explorer-gridding-verdict``, its sweep in ``helpers/claims/nb05.py``).

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> gridding_sentence(hdc_report((1, 2, 5), kernel=2)).split(". ")[-1]
    'HDC rule: fails (M₂ = 3 > K = 2), and brute force agrees: holes.'
    """
    r = 1 + (rep.kernel - 1) * sum(rep.rates)
    listed = ", ".join(str(v) for v in rep.rates)
    head = (
        f"Rates {listed} with {rep.kernel}×{rep.kernel} kernels: receptive field {r}×{r}, "
        f"{rep.holes} holes ({100 * rep.holes / r**2:.0f} % of the field unreached). "
    )
    if shared is not None:
        head += (f"Horizontal or vertical neighbours share {100 * shared:.0f} % of their input pixels"
                 + (": they read disjoint sets, the gridding of notebook 05. " if shared == 0 else ". "))
    reasons = []
    if rep.rates[0] != 1:
        reasons.append(f"d₁ = {rep.rates[0]} ≠ 1")
    if rep.common_factor > 1:
        reasons.append(f"common factor {rep.common_factor}")
    if rep.max_gap > rep.kernel:
        reasons.append(f"M₂ = {rep.max_gap} > K = {rep.kernel}")
    if rep.hdc and rep.holes == 0:
        verdict = (f"HDC rule: passes (d₁ = 1, M₂ = {rep.max_gap} ≤ K = {rep.kernel}), "
                   "and indeed no holes.")
    elif rep.hdc:  # does not happen on the widget's range (claim nb05-hdc-sufficient); say so rather than lie
        verdict = "HDC rule: passes, yet brute force finds holes: please report this as a bug."
    elif rep.holes == 0:
        verdict = (f"HDC rule: fails ({'; '.join(reasons)}), yet there are no holes: the rule is a design rule, "
                   "not a test.")
    elif rep.paper_rule:
        verdict = (f"The paper's two conditions hold (no common factor, M₂ = {rep.max_gap} ≤ K), "
                   f"but d₁ = {rep.rates[0]} ≠ 1 and there are holes: is_hdc rejects it.")
    else:
        verdict = f"HDC rule: fails ({'; '.join(reasons)}), and brute force agrees: holes."
    return head + verdict
