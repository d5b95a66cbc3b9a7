"""Reference numpy convolution, its adjoint, and the effective receptive field.

``conv2d`` is cross-correlation with PyTorch semantics (what deep-learning
frameworks call convolution); ``conv_transpose2d`` is its exact adjoint, i.e.
PyTorch's ``conv_transpose2d`` with the same ``weight``. Both loop over the
*kernel taps* only (at most kH·kW iterations of whole-array work), never over
output pixels. With several channels all multiply-adds are one matrix
product: ``conv2d`` gathers the input that every tap meets into one matrix
("im2col") and multiplies the flattened kernel by it; ``conv_transpose2d``
multiplies first and scatter-adds every tap's share back ("col2im"). With one
channel in and out there is no channel sum to batch into a product, and both
are a weighted sum of kH·kW shifted grids. ``benchmarks/bench_conv.py`` times
them against that single matrix product.

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

__all__ = [
    "conv2d",
    "conv_transpose2d",
    "effective_receptive_field",
    "tap_counts",
    "tap_residues",
    "dilate_kernel",
    "space_to_batch",
    "batch_to_space",
    "bilinear_upsample",
    "erf_std",
    "uniform_erf_std",
]


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


def _tap_slices(i, j, stride, dilation, ho, wo):
    """Rows and columns of the padded input that kernel tap ``(i, j)`` meets, one per output pixel."""
    (sh, sw), (dh, dw) = stride, dilation
    return slice(i * dh, i * dh + sh * (ho - 1) + 1, sh), slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)


def _conv2d_4d(x, w, stride, pads, dilation):
    """Core: x (N, C, H, W), w (O, C, kH, kW), pads ((top, bottom), (left, right))."""
    (sh, sw), (dh, dw) = stride, dilation
    (pt, pb), (pl, pr) = pads
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    ho = conv_output_size(h, kh, stride=sh, padding=(pt, pb), dilation=dh)
    wo = conv_output_size(wd, kw, stride=sw, padding=(pl, pr), dilation=dw)
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    if o == c == 1:
        # One channel in and out: no channel sum, so a weighted sum of kH·kW shifted grids is all
        # there is (faster than gathering the grids for a product: benchmarks/README.md).
        out = np.zeros((n, 1, ho, wo), dtype=np.result_type(x, w))
        term = np.empty_like(out)
        for i in range(kh):
            for j in range(kw):
                np.multiply(xp[(slice(None), slice(None), *_tap_slices(i, j, stride, dilation, ho, wo))], w[0, 0, i, j], out=term)
                out += term
        return out
    # im2col: cols[n, c, i, j] is the (Ho, Wo) grid of inputs that tap (i, j) multiplies.
    cols = np.empty((n, c, kh, kw, ho, wo), dtype=xp.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[(slice(None), slice(None), *_tap_slices(i, j, stride, dilation, ho, wo))]
    # All multiply-adds at once: (O, C·kH·kW) @ (N, C·kH·kW, Ho·Wo) -> (N, O, Ho·Wo).
    out = w.reshape(o, c * kh * kw) @ cols.reshape(n, c * kh * kw, ho * wo)
    return out.reshape(n, o, ho, wo)


def _conv_transpose2d_4d(y, w, stride, pads, dilation, out_hw):
    """Adjoint of ``_conv2d_4d``: y (N, O, Ho, Wo) -> (N, C, H, W) with H, W = out_hw."""
    (sh, sw), (dh, dw) = stride, dilation
    (pt, _), (pl, _) = pads
    n, o, ho, wo = y.shape
    _, c, kh, kw = w.shape
    h, wd = out_hw
    # A full (uncropped) buffer: every tap of every output lands inside it; the padding is cropped at the end.
    hb = max(sh * (ho - 1) + dh * (kh - 1) + 1, pt + h)
    wb = max(sw * (wo - 1) + dw * (kw - 1) + 1, pl + wd)
    buf = np.zeros((n, c, hb, wb), dtype=np.result_type(y, w))
    if o == c == 1:
        # One channel in and out: scatter-add kH·kW weighted copies of y.
        term = np.empty((n, 1, ho, wo), dtype=buf.dtype)
        for i in range(kh):
            for j in range(kw):
                np.multiply(y, w[0, 0, i, j], out=term)
                buf[(slice(None), slice(None), *_tap_slices(i, j, stride, dilation, ho, wo))] += term
        return buf[:, :, pt : pt + h, pl : pl + wd]
    # All multiply-adds at once: (C·kH·kW, O) @ (N, O, Ho·Wo) -> each tap's contribution ...
    cols = (w.reshape(o, c * kh * kw).T @ y.reshape(n, o, ho * wo)).reshape(n, c, kh, kw, ho, wo)
    # ... then col2im: scatter-add every tap's share into the buffer.
    for i in range(kh):
        for j in range(kw):
            buf[(slice(None), slice(None), *_tap_slices(i, j, stride, dilation, ho, wo))] += cols[:, :, i, j]
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


def tap_counts(
    n: int, kernel: int, *, stride: int = 1, padding: "int | tuple[int, int]" = 0, dilation: int = 1
) -> np.ndarray:
    """How many times each input pixel is read by the sliding window, along one axis.

    A pixel with count 0 is *never visited*: no tap of any window lands on it,
    so it cannot influence the output at all (the right/bottom edge when the
    stride does not divide ``n + 2P - K``, or every other pixel when stride and
    dilation are both 2). For a 2-D layer the counts are separable: the
    count of pixel ``(i, j)`` is ``rows[i] * cols[j]``.

    Defined in notebook ``01_stride`` (also used in ``02_dilation``).

    Parameters
    ----------
    n : int
        Input length (>= 1).
    kernel : int
        Kernel taps (>= 1).
    stride : int
        Step between windows (>= 1).
    padding : int or (int, int)
        Zeros on each side, or a ``(before, after)`` pair (>= 0); padded
        positions are not counted.
    dilation : int
        Spacing between taps (>= 1).

    Returns
    -------
    numpy.ndarray
        Integer array of length ``n``.

    Raises
    ------
    ValueError
        As :func:`helpers.conv_output_size`, e.g. when the kernel does not fit.

    Examples
    --------
    >>> tap_counts(8, 3, stride=2).tolist()     # the last pixel is never visited
    [1, 1, 2, 1, 2, 1, 1, 0]
    >>> tap_counts(9, 3, stride=2, dilation=2).tolist()   # odd pixels never read
    [1, 0, 2, 0, 3, 0, 2, 0, 1]
    """
    k = check_int("kernel", kernel, 1)
    s = check_int("stride", stride, 1)
    d = check_int("dilation", dilation, 1)
    pl, pr = check_pair("padding", padding, 0)
    out = conv_output_size(n, k, stride=s, padding=(pl, pr), dilation=d)
    positions = (np.arange(out)[:, None] * s + np.arange(k)[None, :] * d - pl).ravel()
    positions = positions[(positions >= 0) & (positions < n)]
    return np.bincount(positions, minlength=n).astype(np.int64)


def tap_residues(kernel: int, *, stride: int, dilation: int = 1) -> list[int]:
    """Which positions modulo ``stride`` the taps of one window reach: ``{a·d mod S : a = 0 … K − 1}``.

    Window ``i`` starts at padded position ``iS``, so its tap ``a`` reads
    ``iS + a·d``: every read position is congruent mod ``S`` to some ``a·d``.
    In the interior, padded positions ``d(K − 1) … (N_out − 1)·S``, the converse
    holds too: there a padded position ``x`` is read exactly when ``x mod S`` is
    in this set (claim ``nb02-residue-interior``). The set has
    ``min(K, S / gcd(S, d))`` elements, all ``S`` residues exactly when
    ``gcd(S, d) = 1`` and ``K >= S``. At large rates the interior can be empty
    (N = 33, K = 3, d = 12: input rows 9–11 and 21–23 are never read at stride 1).

    Defined in notebook ``02_dilation``.

    Parameters
    ----------
    kernel : int
        Kernel taps (>= 1).
    stride : int
        Step between windows (>= 1).
    dilation : int
        Spacing between taps (>= 1).

    Returns
    -------
    list of int
        The reached residues, sorted; in padded coordinates (subtract the
        left padding, mod ``S``, for input coordinates).

    Examples
    --------
    >>> tap_residues(3, stride=2, dilation=2)    # S and d share the factor 2
    [0]
    >>> tap_residues(3, stride=4, dilation=3)    # coprime, but 3 taps cannot reach 4 residues
    [0, 2, 3]
    >>> tap_residues(3, stride=3, dilation=2)    # coprime and K >= S: every residue
    [0, 1, 2]
    """
    k = check_int("kernel", kernel, 1)
    s = check_int("stride", stride, 1)
    d = check_int("dilation", dilation, 1)
    return sorted({(a * d) % s for a in range(k)})


def dilate_kernel(weight: np.ndarray, dilation: IntOrPair) -> np.ndarray:
    """The zero-inserted ("à trous") kernel: ``d - 1`` zeros between neighbouring taps.

    An ordinary convolution with ``dilate_kernel(w, d)`` equals the dilated
    convolution with ``w`` (``conv2d(x, w, dilation=d)``): the same output,
    from a kernel of span ``d(K - 1) + 1`` that holds only ``K²`` non-zeros.

    Defined in notebook ``02_dilation``.

    Parameters
    ----------
    weight : array
        ``(kH, kW)`` or any ``(..., kH, kW)`` array of numbers.
    dilation : int or (int, int)
        Spacing between taps (>= 1), per axis.

    Returns
    -------
    numpy.ndarray
        ``(..., d(kH - 1) + 1, d(kW - 1) + 1)``, zero except at multiples of ``d``.

    Examples
    --------
    >>> dilate_kernel(np.array([[1, 2], [3, 4]]), 2)
    array([[1., 0., 2.],
           [0., 0., 0.],
           [3., 0., 4.]])
    >>> dilate_kernel(np.ones((3, 3)), (1, 3)).shape
    (3, 7)
    """
    w = _as_float_array("weight", weight)
    if w.ndim < 2 or 0 in w.shape:
        raise ValueError(f"weight must be a non-empty array with at least 2 dimensions (..., kH, kW), got shape {w.shape}")
    dh, dw = check_pair("dilation", dilation, 1)
    kh, kw = w.shape[-2:]
    out = np.zeros(w.shape[:-2] + (dh * (kh - 1) + 1, dw * (kw - 1) + 1), dtype=w.dtype)
    out[..., ::dh, ::dw] = w
    return out


def space_to_batch(x: np.ndarray, block: int) -> np.ndarray:
    """Split an image into its ``block × block`` interleaved sub-grids.

    Sub-grid ``r * block + c`` holds ``x[r::block, c::block]``. The image is
    first zero-padded at the bottom/right to a multiple of ``block`` (as
    TensorFlow's ``space_to_batch`` does), so all sub-grids have one shape.
    A dilated convolution with rate ``block`` is an ordinary convolution on
    each sub-grid: see notebook ``02_dilation``.

    Defined in notebook ``02_dilation``.

    Parameters
    ----------
    x : array
        ``(H, W)`` image.
    block : int
        Sub-sampling factor (>= 1), the dilation rate.

    Returns
    -------
    numpy.ndarray
        ``(block², ceil(H / block), ceil(W / block))``.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> space_to_batch(x, 2)[1]          # rows 0, 2 and columns 1, 3
    array([[ 1.,  3.],
           [ 9., 11.]])
    >>> space_to_batch(np.ones((5, 3)), 2).shape
    (4, 3, 2)
    """
    x = _as_float_array("x", x)
    b = check_int("block", block, 1)
    if x.ndim != 2 or 0 in x.shape:
        raise ValueError(f"x must be a non-empty 2-D array (H, W), got shape {x.shape}")
    h, w = -(-x.shape[0] // b), -(-x.shape[1] // b)
    xp = np.pad(x, ((0, h * b - x.shape[0]), (0, w * b - x.shape[1])))
    return xp.reshape(h, b, w, b).transpose(1, 3, 0, 2).reshape(b * b, h, w)


def batch_to_space(y: np.ndarray, block: int) -> np.ndarray:
    """Re-interleave ``block²`` sub-grids into one image: the inverse of :func:`space_to_batch`.

    Sub-grid ``r * block + c`` goes to rows ``r::block`` and columns ``c::block``.

    Defined in notebook ``02_dilation``.

    Parameters
    ----------
    y : array
        ``(block², h, w)``.
    block : int
        Sub-sampling factor (>= 1).

    Returns
    -------
    numpy.ndarray
        ``(block * h, block * w)``; crop it to the size you need.

    Examples
    --------
    >>> x = np.arange(20.0).reshape(4, 5)
    >>> bool((batch_to_space(space_to_batch(x, 2), 2)[:4, :5] == x).all())
    True
    """
    y = _as_float_array("y", y)
    b = check_int("block", block, 1)
    if y.ndim != 3 or y.shape[0] != b * b or 0 in y.shape:
        raise ValueError(f"y must have shape (block², h, w) = ({b * b}, h, w) with h, w >= 1, got {y.shape}")
    _, h, w = y.shape
    return y.reshape(b, b, h, w).transpose(2, 0, 3, 1).reshape(h * b, w * b)


def _linear_taps(n_in: int, n_out: int, align_corners: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per output index along one axis: the two input indices and the weight of the second."""
    dst = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        src = np.maximum((dst + 0.5) * (n_in / n_out) - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, src - i0


def bilinear_upsample(x: np.ndarray, size: IntOrPair, *, align_corners: bool = False) -> np.ndarray:
    """Bilinear resizing with PyTorch's semantics (``F.interpolate(x, size, mode="bilinear")``).

    Each output pixel ``dst`` samples the input at a source coordinate ``src``
    and mixes the two nearest input pixels along each axis:

    * ``align_corners=False`` (PyTorch's default): pixels are unit squares and
      their *centres* are matched, ``src = (dst + 0.5) * n_in / n_out - 0.5``,
      clamped to ``>= 0``; beyond the last centre the edge pixel is repeated.
    * ``align_corners=True``: the *corner pixels'* centres are matched,
      ``src = dst * (n_in - 1) / (n_out - 1)``, so corner values are kept.

    Shrinking works too (without antialiasing, as in PyTorch). Vectorised
    and separable: one gather per axis, no loop over pixels.

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Parameters
    ----------
    x : array
        ``(..., H, W)``: the last two axes are resized.
    size : int or (int, int)
        Output ``(H_out, W_out)`` (>= 1); an int is used for both.
    align_corners : bool
        Which pixel model to use (see above).

    Returns
    -------
    numpy.ndarray
        ``(..., H_out, W_out)``, float64 for integer inputs.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])   # the example of PyTorch's nn.Upsample docs
    >>> bilinear_upsample(x, 4)
    array([[1.  , 1.25, 1.75, 2.  ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.5 , 2.75, 3.25, 3.5 ],
           [3.  , 3.25, 3.75, 4.  ]])
    >>> bilinear_upsample(x, 4, align_corners=True)[0].round(4)
    array([1.    , 1.3333, 1.6667, 2.    ])
    """
    x = _as_float_array("x", x)
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    if 0 in x.shape:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    h_out, w_out = check_pair("size", size, 1)
    if not isinstance(align_corners, bool):
        raise TypeError(f"align_corners must be True or False, got {align_corners!r}")
    r0, r1, wr = _linear_taps(x.shape[-2], h_out, align_corners)
    c0, c1, wc = _linear_taps(x.shape[-1], w_out, align_corners)
    rows = x[..., r0, :] * (1.0 - wr)[:, None] + x[..., r1, :] * wr[:, None]
    return rows[..., c0] * (1.0 - wc) + rows[..., c1] * wc


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
