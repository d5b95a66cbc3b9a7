"""Reference numpy convolution, its adjoint, and the effective receptive field.

``conv2d`` is cross-correlation with PyTorch semantics (what deep-learning
frameworks call convolution); ``conv_transpose2d`` is its exact adjoint, i.e.
PyTorch's ``conv_transpose2d`` with the same ``weight``. Both loop over the
*kernel taps* only (at most kH·kW iterations of whole-array work), never over
output pixels.

Taught in notebooks ``01_stride`` and ``02_dilation`` (conv2d),
``03_receptive_field`` (effective receptive field) and
``06_upsampling_and_checkerboard`` (transposed convolution).
"""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from ._validate import check_choice, check_int, check_pair
from .arithmetic import conv_output_size, transposed_output_size
from .receptive import Layer, _check_layers

IntOrPair = Union[int, tuple[int, int]]

__all__ = ["conv2d", "conv_transpose2d", "effective_receptive_field", "erf_std", "uniform_erf_std"]


def _as_float_array(name: str, a: object) -> np.ndarray:
    try:
        arr = np.asarray(a)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must hold integers or floats, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(np.float64)
    return arr


def _as_batched(x: np.ndarray, weight: np.ndarray, in_name: str, in_axis: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Bring (H, W)/(C, H, W)/(N, C, H, W) inputs to 4-D; return the original rank."""
    if weight.ndim == 2 and x.ndim == 2:
        return x[None, None], weight[None, None], 2
    if weight.ndim != 4:
        raise ValueError(
            f"weight must be (kH, kW) with a 2-D input, or (O, C, kH, kW) with a 3-D/4-D input; "
            f"got weight of shape {weight.shape} and {in_name} of shape {x.shape}"
        )
    if x.ndim == 3:
        x4, rank = x[None], 3
    elif x.ndim == 4:
        x4, rank = x, 4
    else:
        raise ValueError(f"{in_name} must have 2, 3 or 4 dimensions ((H, W), (C, H, W) or (N, C, H, W)), got shape {x.shape}")
    if x4.shape[1] != weight.shape[in_axis]:
        raise ValueError(
            f"channel mismatch: {in_name} has {x4.shape[1]} channels but weight expects "
            f"{weight.shape[in_axis]} (weight shape {weight.shape})"
        )
    return x4, weight, rank


def _unbatch(y: np.ndarray, rank: int) -> np.ndarray:
    return y[0, 0] if rank == 2 else (y[0] if rank == 3 else y)


def _conv2d_4d(x, w, stride, pads, dilation):
    """Core: x (N, C, H, W), w (O, C, kH, kW), pads ((top, bottom), (left, right))."""
    (sh, sw), (dh, dw) = stride, dilation
    (pt, pb), (pl, pr) = pads
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    ho = conv_output_size(h, kh, stride=sh, padding=(pt, pb), dilation=dh)
    wo = conv_output_size(wd, kw, stride=sw, padding=(pl, pr), dilation=dw)
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    out = np.zeros((n, o, ho * wo), dtype=np.result_type(x, w))
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            patch = xp[:, :, rows, cols].reshape(n, c, ho * wo)
            out += w[:, :, i, j] @ patch  # (O, C) @ (N, C, HoWo) -> (N, O, HoWo)
    return out.reshape(n, o, ho, wo)


def _conv_transpose2d_4d(y, w, stride, pads, dilation, out_hw):
    """Adjoint of ``_conv2d_4d``: y (N, O, Ho, Wo) -> (N, C, H, W) with H, W = out_hw."""
    (sh, sw), (dh, dw) = stride, dilation
    (pt, _), (pl, _) = pads
    n, o, ho, wo = y.shape
    _, c, kh, kw = w.shape
    h, wd = out_hw
    # Full (uncropped) buffer: every tap of every output lands inside it.
    hb = max(sh * (ho - 1) + dh * (kh - 1) + 1, pt + h)
    wb = max(sw * (wo - 1) + dw * (kw - 1) + 1, pl + wd)
    buf = np.zeros((n, c, hb, wb), dtype=np.result_type(y, w))
    wt = np.swapaxes(w, 0, 1)  # (C, O, kH, kW)
    flat = y.reshape(n, o, ho * wo)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            buf[:, :, rows, cols] += (wt[:, :, i, j] @ flat).reshape(n, c, ho, wo)
    return buf[:, :, pt : pt + h, pl : pl + wd]


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    *,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """2-D cross-correlation with PyTorch's semantics (``torch.nn.functional.conv2d``).

    ``out[n, o, y, x] = sum_{c,i,j} w[o, c, i, j] * in_padded[n, c, y*s + i*d, x*s + j*d]``.

    Defined in notebook ``01_stride``.

    Parameters
    ----------
    x : array
        ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``.
    weight : array
        ``(kH, kW)`` for a 2-D ``x``, else ``(O, C, kH, kW)``.
    stride, padding, dilation : int or (int, int)
        As in PyTorch; ``padding`` adds zeros on both sides of each axis.

    Returns
    -------
    numpy.ndarray
        ``(H', W')``, ``(O, H', W')`` or ``(N, O, H', W')``; float64 for
        integer inputs.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> conv2d(x, np.ones((2, 2)), stride=2)
    array([[10., 18.],
           [42., 50.]])
    >>> conv2d(x, np.array([[1.0, 0.0], [0.0, -1.0]]), dilation=2)   # x[i, j] - x[i+2, j+2]
    array([[-10., -10.],
           [-10., -10.]])
    """
    x = _as_float_array("x", x)
    w = _as_float_array("weight", weight)
    s = check_pair("stride", stride, 1)
    p = check_pair("padding", padding, 0)
    d = check_pair("dilation", dilation, 1)
    x4, w4, rank = _as_batched(x, w, "x", 1)
    if 0 in x4.shape or 0 in w4.shape:
        raise ValueError(f"x and weight must not be empty, got shapes {x.shape} and {w.shape}")
    for axis, name in ((0, "height"), (1, "width")):
        try:
            conv_output_size(x4.shape[2 + axis], w4.shape[2 + axis], stride=s[axis], padding=p[axis], dilation=d[axis])
        except ValueError as exc:
            raise ValueError(f"along the {name}: {exc}") from None
    y = _conv2d_4d(x4, w4, s, ((p[0], p[0]), (p[1], p[1])), d)
    return _unbatch(y, rank)


def conv_transpose2d(
    y: np.ndarray,
    weight: np.ndarray,
    *,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> np.ndarray:
    """Transposed convolution: the exact adjoint of :func:`conv2d` (PyTorch's ``conv_transpose2d``).

    For ``weight`` of shape ``(O, C, kH, kW)`` it maps ``O`` channels to ``C``,
    so that ``<conv2d(x, w), y> == <x, conv_transpose2d(y, w)>`` whenever the
    sizes match. Output size per axis:
    ``(n - 1) s - 2p + d (k - 1) + output_padding + 1``.

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Parameters
    ----------
    y : array
        ``(H, W)``, ``(O, H, W)`` or ``(N, O, H, W)``.
    weight : array
        ``(kH, kW)`` for a 2-D ``y``, else ``(O, C, kH, kW)``.
    stride, padding, dilation, output_padding : int or (int, int)
        As in PyTorch; ``output_padding`` must be smaller than the stride or
        the dilation.

    Examples
    --------
    >>> conv_transpose2d(np.ones((2, 2)), np.ones((3, 3)), stride=2)   # overlaps add up
    array([[1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.],
           [2., 2., 4., 2., 2.],
           [1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.]])
    """
    y = _as_float_array("y", y)
    w = _as_float_array("weight", weight)
    s = check_pair("stride", stride, 1)
    p = check_pair("padding", padding, 0)
    d = check_pair("dilation", dilation, 1)
    op = check_pair("output_padding", output_padding, 0)
    y4, w4, rank = _as_batched(y, w, "y", 0)
    if 0 in y4.shape or 0 in w4.shape:
        raise ValueError(f"y and weight must not be empty, got shapes {y.shape} and {w.shape}")
    out_hw = []
    for axis, name in ((0, "height"), (1, "width")):
        try:
            out_hw.append(
                transposed_output_size(
                    y4.shape[2 + axis], w4.shape[2 + axis], stride=s[axis], padding=p[axis],
                    dilation=d[axis], output_padding=op[axis],
                )
            )
        except ValueError as exc:
            raise ValueError(f"along the {name}: {exc}") from None
    x = _conv_transpose2d_4d(y4, w4, s, ((p[0], p[0]), (p[1], p[1])), d, tuple(out_hw))
    return _unbatch(x, rank)


def effective_receptive_field(
    layers: Sequence[Layer], size: int, *, weights: str = "uniform", seed: int = 0
) -> np.ndarray:
    """Gradient magnitude of the centre output with respect to the input (Luo et al. 2016).

    The stack is linear and single-channel: each layer is a convolution with
    ``weights="uniform"`` (every tap ``1/k²``) or ``"random"`` (seeded
    standard normal taps); pooling layers are averages. The gradient is
    back-propagated with :func:`conv_transpose2d`, so the result is exact.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first (square kernels; per-axis settings apply to both axes).
    size : int
        Height and width of the square input.
    weights : {"uniform", "random"}
        How the convolution taps are filled.
    seed : int
        Seed of ``numpy.random.default_rng`` for ``"random"``.

    Returns
    -------
    numpy.ndarray
        ``(size, size)`` array of ``|d out[centre] / d input|``.

    Examples
    --------
    >>> erf = effective_receptive_field([Layer(3, padding=1)] * 2, 7)
    >>> (erf > 0).sum(axis=1).tolist()          # a 5x5 support: r = 5 for two 3x3 layers
    [0, 5, 5, 5, 5, 5, 0]
    >>> float(erf.max()) == float(erf[3, 3])    # peaked at the centre
    True
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    n = check_int("size", size, 1)
    mode = check_choice("weights", weights, ("uniform", "random"))
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    sizes, kernels = [n], []
    for i, layer in enumerate(layers):
        try:
            sizes.append(layer.output_size(sizes[-1]))
        except ValueError as exc:
            raise ValueError(f"layer {i} ({layer.name or 'unnamed'}) on a {size}x{size} input: {exc}") from None
        k = layer.kernel
        if mode == "random" and layer.kind == "conv":
            kernels.append(rng.standard_normal((1, 1, k, k)))
        else:
            kernels.append(np.full((1, 1, k, k), 1.0 / (k * k)))
    grad = np.zeros((1, 1, sizes[-1], sizes[-1]))
    centre = (sizes[-1] - 1) // 2
    grad[0, 0, centre, centre] = 1.0
    for layer, kernel, n_in in zip(reversed(layers), reversed(kernels), reversed(sizes[:-1])):
        pads = layer.pads(n_in)
        s, d = (layer.stride,) * 2, (layer.dilation,) * 2
        grad = _conv_transpose2d_4d(grad, kernel, s, (pads, pads), d, (n_in, n_in))
    return np.abs(grad[0, 0])


def erf_std(erf: np.ndarray) -> float:
    """Spread of an effective receptive field: the standard deviation of its gradient mass, in pixels.

    ``erf`` is read as a distribution of mass over the pixels; the variance
    of its row marginal and of its column marginal (each about its own mean)
    are averaged, and the square root returned. For a separable, isotropic
    ERF this is the per-axis standard deviation that Luo et al. (2016)
    predict; ``2 * erf_std(erf)`` is the ERF width the notebook compares with
    the theoretical receptive field.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    erf : array
        2-D array of non-negative values with a positive sum, such as
        :func:`effective_receptive_field` returns.

    Examples
    --------
    >>> erf = effective_receptive_field([Layer(3, padding=1)] * 2, 7)
    >>> round(erf_std(erf), 6), round(uniform_erf_std(2, 3), 6)
    (1.154701, 1.154701)
    >>> erf_std(np.eye(1))    # a single pixel has no spread
    0.0
    """
    a = _as_float_array("erf", erf)
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(f"erf must be a non-empty 2-D array, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError("erf must hold finite, non-negative values (a gradient magnitude)")
    total = a.sum()
    if total <= 0:
        raise ValueError("erf must have a positive sum (it is all zeros)")
    variances = []
    for marginal in (a.sum(axis=1) / total, a.sum(axis=0) / total):
        coords = np.arange(marginal.size)
        mean = marginal @ coords
        variances.append(marginal @ (coords - mean) ** 2)
    return float(np.sqrt(max(0.0, (variances[0] + variances[1]) / 2)))


def uniform_erf_std(n_layers: int, kernel: int) -> float:
    """Luo et al.'s spread of the ERF of ``n_layers`` uniform ``kernel``-tap layers: ``sqrt(n (k² - 1) / 12)``.

    Each uniform layer adds an independent offset, uniform on ``k`` taps
    (variance ``(k² - 1) / 12``); variances add, so the spread grows like
    ``sqrt(n)`` while the theoretical field ``n (k - 1) + 1`` grows like ``n``
    (stride 1, no dilation). Exact, not only asymptotic, for such stacks.

    Defined in notebook ``03_receptive_field``.

    Examples
    --------
    >>> uniform_erf_std(1, 3), uniform_erf_std(12, 3)
    (0.816496580927726, 2.8284271247461903)
    """
    n = check_int("n_layers", n_layers, 1)
    k = check_int("kernel", kernel, 1)
    return float(np.sqrt(n * (k * k - 1) / 12))
