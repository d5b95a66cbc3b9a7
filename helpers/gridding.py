"""Coverage of stacked dilated convolutions, the HDC rule, and valid-weight fractions.

Taught in notebook ``05_gridding_artifacts``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ._validate import check_int
from .receptive import Layer, _check_layers

__all__ = ["coverage_map", "hdc_max_gap", "is_hdc", "valid_weight_fraction"]


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
    """``M_2`` of Wang et al. (2018), the largest gap between non-zero taps after the stack.

    ``M_n = r_n`` and ``M_i = max(M_{i+1} - 2 r_i, M_{i+1} - 2 (M_{i+1} - r_i), r_i)``.
    The design goal of Hybrid Dilated Convolution is ``M_2 <= kernel``.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    rates : sequence of int
        Dilation rates of consecutive layers (at least 2, each >= 1).
    kernel : int
        Kernel size ``K`` (>= 2); only used for validation here.

    Examples
    --------
    >>> hdc_max_gap([1, 2, 5]), hdc_max_gap([1, 2, 9])   # Wang et al.: 2 (valid), 5 (not)
    (2, 5)
    """
    rs = _check_rates(rates)
    check_int("kernel", kernel, 2)
    m = rs[-1]
    for r in reversed(rs[1:-1]):
        m = max(m - 2 * r, m - 2 * (m - r), r)
    return m


def is_hdc(rates: Sequence[int], kernel: int = 3) -> bool:
    """Whether ``rates`` satisfy the Hybrid Dilated Convolution rule of Wang et al. (2018).

    The paper's conditions: the rates have no common factor > 1, and
    ``M_2 <= kernel`` (see :func:`hdc_max_gap`). The recurrence stops at
    ``M_2``, so it never looks at ``r_1``: it presumes the first layer has
    rate 1 (as in all the paper's examples) and fills every gap up to ``K``.
    Without that premise the two stated conditions are not enough, e.g.
    ``(2, 3, 5)`` passes them and still leaves holes, so this function also
    requires ``rates[0] == 1`` (which implies the no-common-factor condition).
    With it, a stack that passes has no holes; the converse does not hold
    (the rule is sufficient, not necessary): :func:`coverage_map` is the
    ground truth.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> is_hdc([1, 2, 5]), is_hdc([1, 2, 9]), is_hdc([2, 4, 8]), is_hdc([2, 2, 2])
    (True, False, False, False)
    >>> is_hdc([2, 3, 5]), int((coverage_map([Layer(3, dilation=r) for r in (2, 3, 5)]) == 0).sum())
    (False, 80)
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
