"""Output sizes of convolution, pooling and transposed convolution.

One canonical formula per idea, each agreeing with what PyTorch and TensorFlow
compute (see ``../shared/REFERENCE_NUMBERS.md`` and the tests, which check
every formula against a brute-force count of window positions).

Taught in notebooks ``01_stride`` (sizes, padding, ``ceil_mode``),
``02_dilation`` (dilated sizes), ``04_output_stride_and_heatmaps`` (heatmap
size) and ``06_upsampling_and_checkerboard`` (transposed convolution).
"""

from __future__ import annotations

from typing import Union

from ._validate import check_choice, check_int, check_pair

Padding = Union[int, tuple[int, int]]

__all__ = [
    "effective_kernel_size",
    "conv_output_size",
    "same_padding",
    "tf_output_size",
    "transposed_output_size",
    "heatmap_size",
    "encoder_decoder_size",
    "scale_dimension",
]


def effective_kernel_size(kernel: int, dilation: int = 1) -> int:
    """Span of a dilated kernel on the input: ``k + (k - 1)(d - 1)``.

    Defined in notebook ``02_dilation``.

    Parameters
    ----------
    kernel : int
        Number of taps along one axis (>= 1).
    dilation : int
        Spacing between taps (>= 1); 1 is an ordinary kernel.

    Returns
    -------
    int
        ``d * (k - 1) + 1``, the number of input pixels between the first and
        last tap, inclusive.

    Examples
    --------
    >>> effective_kernel_size(3, 1), effective_kernel_size(3, 2), effective_kernel_size(3, 6)
    (3, 5, 13)
    """
    k = check_int("kernel", kernel, 1)
    d = check_int("dilation", dilation, 1)
    return d * (k - 1) + 1


def conv_output_size(
    n: int,
    kernel: int,
    *,
    stride: int = 1,
    padding: Padding = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Output length of a convolution or pooling layer, as PyTorch computes it.

    ``floor((n + p_before + p_after - d(k - 1) - 1) / s) + 1``. With
    ``ceil_mode=True`` (pooling only in PyTorch) the division rounds up, as in
    ATen's ``pooling_output_shape_pad_lr``: the last window may hang over the
    end of the padded input by up to ``s - 1`` pixels (even when the window is
    longer than the padded input), and a last window that would *start* in the
    right padding is dropped.

    Defined in notebook ``01_stride``.

    Parameters
    ----------
    n : int
        Input length (>= 1).
    kernel : int
        Kernel taps (>= 1).
    stride : int
        Step between windows (>= 1).
    padding : int or (int, int)
        Zeros added on each side, or a ``(before, after)`` pair (>= 0).
        With ``ceil_mode=True`` (PyTorch pooling) at most ``kernel // 2``, as
        PyTorch requires of pooling layers (of the taps, not of the dilated
        span: ``MaxPool2d(3, padding=2, dilation=2)`` is refused).
    dilation : int
        Spacing between kernel taps (>= 1).
    ceil_mode : bool
        Round up instead of down (PyTorch pooling's ``ceil_mode``).

    Returns
    -------
    int
        The number of output positions (always >= 1).

    Raises
    ------
    ValueError
        If an argument is out of range, the output would be empty (the
        dilated kernel is longer than the padded input; with
        ``ceil_mode=True``, longer by ``stride`` pixels or more), or
        ``ceil_mode=True`` with padding above ``kernel // 2``.

    Examples
    --------
    >>> conv_output_size(8, 3, stride=2)          # 8x8 input, 3x3 kernel, stride 2
    3
    >>> conv_output_size(32, 3, padding=2, dilation=2)   # size kept: P = d(K-1)/2
    32
    >>> conv_output_size(5, 2, stride=2, padding=1, ceil_mode=True)
    3
    >>> conv_output_size(1, 2, stride=4, ceil_mode=True)   # one window, hanging over the end
    1
    """
    n = check_int("n", n, 1)
    k = check_int("kernel", kernel, 1)
    s = check_int("stride", stride, 1)
    d = check_int("dilation", dilation, 1)
    pl, pr = check_pair("padding", padding, 0)
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    if ceil_mode and max(pl, pr) > k // 2:
        raise ValueError(
            f"padding must be <= kernel // 2 = {k // 2} with ceil_mode=True "
            f"(PyTorch pooling's limit), got {max(pl, pr)}"
        )
    span = d * (k - 1) + 1
    padded = n + pl + pr
    # Python's // rounds towards minus infinity, like ATen's div_rtn
    out = (padded - span + (s - 1 if ceil_mode else 0)) // s + 1
    if out < 1:
        overhang = (
            f"; with ceil_mode=True a window may hang over the end by at most "
            f"stride - 1 = {s - 1} pixel(s)"
            if ceil_mode
            else ""
        )
        raise ValueError(
            f"kernel does not fit: the dilated kernel spans {span} pixels "
            f"(kernel={k}, dilation={d}) but the padded input has only {padded} "
            f"(n={n} + padding {pl}+{pr}){overhang}; the output would be empty"
        )
    if ceil_mode and (out - 1) * s >= n + pl:
        out -= 1  # the last window would start inside the right padding (never below 1: n >= 1)
    return out


def same_padding(n: int, kernel: int, *, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's ``padding="SAME"`` split: ``(before, after)``.

    The output length is ``ceil(n / s)``; the total padding is
    ``max((out - 1) s + k_eff - n, 0)``, with ``before = total // 2`` and the
    extra pixel, if any, *after*. (TensorFlow itself rejects stride > 1 with
    dilation > 1; the arithmetic here is still well defined.)

    Defined in notebook ``01_stride``.

    Parameters
    ----------
    n, kernel, stride, dilation : int
        Input length, kernel taps, stride and dilation (all >= 1).

    Returns
    -------
    (int, int)
        Zeros added before and after the input.

    Examples
    --------
    >>> same_padding(5, 3, stride=2)     # TF padding notes: out 3, total 2
    (1, 1)
    >>> same_padding(6, 3, stride=2)     # total 1: the extra pixel goes after
    (0, 1)
    >>> same_padding(10, 3, dilation=4)  # stride 1 keeps the size: P = d(K-1)/2
    (4, 4)
    """
    n = check_int("n", n, 1)
    span = effective_kernel_size(kernel, dilation)
    s = check_int("stride", stride, 1)
    out = -(-n // s)
    total = max((out - 1) * s + span - n, 0)
    return (total // 2, total - total // 2)


def tf_output_size(
    n: int, kernel: int, *, stride: int = 1, dilation: int = 1, padding: str = "same"
) -> int:
    """Output length of a TensorFlow/Keras convolution or pooling layer.

    ``"same"``: ``ceil(n / s)``. ``"valid"``: ``ceil((n - k_eff + 1) / s)``.

    Defined in notebook ``01_stride``.

    Parameters
    ----------
    n, kernel, stride, dilation : int
        Input length, kernel taps, stride and dilation (all >= 1).
    padding : {"same", "valid"}
        TensorFlow's padding mode (case-insensitive).

    Raises
    ------
    ValueError
        For ``"valid"`` when the dilated kernel is longer than the input, and
        for stride > 1 together with dilation > 1, which TensorFlow rejects.

    Examples
    --------
    >>> tf_output_size(5, 3, stride=2, padding="same")   # TF padding notes
    3
    >>> tf_output_size(5, 3, stride=2, padding="valid")
    2
    >>> tf_output_size(13, 3, dilation=2, padding="valid")
    9
    """
    n = check_int("n", n, 1)
    span = effective_kernel_size(kernel, dilation)
    s = check_int("stride", stride, 1)
    mode = check_choice("padding", padding, ("same", "valid"))
    if s > 1 and dilation > 1:
        raise ValueError(
            f"TensorFlow does not support stride > 1 together with dilation > 1 "
            f"(got stride={s}, dilation={dilation})"
        )
    if mode == "same":
        return -(-n // s)
    if n < span:
        raise ValueError(
            f"kernel does not fit: padding='valid' needs n >= {span} "
            f"(the dilated kernel's span), got n={n}"
        )
    return -(-(n - span + 1) // s)


def transposed_output_size(
    n: int,
    kernel: int,
    *,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    output_padding: int = 0,
) -> int:
    """Output length of PyTorch's ``ConvTranspose2d``.

    ``(n - 1) s - 2p + d(k - 1) + output_padding + 1``.

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Parameters
    ----------
    n, kernel, stride, dilation : int
        Input length, kernel taps, stride and dilation (all >= 1).
    padding : int
        Rows removed from each side of the full output (>= 0).
    output_padding : int
        Extra rows added on one side; PyTorch requires it to be smaller than
        the stride or the dilation.

    Examples
    --------
    >>> [transposed_output_size(n, 4, stride=2, padding=1) for n in (8, 16, 32)]
    [16, 32, 64]
    >>> transposed_output_size(3, 3, stride=2, padding=1, output_padding=1)
    6
    """
    n = check_int("n", n, 1)
    k = check_int("kernel", kernel, 1)
    s = check_int("stride", stride, 1)
    d = check_int("dilation", dilation, 1)
    p = check_int("padding", padding, 0)
    op = check_int("output_padding", output_padding, 0)
    if op >= max(s, d):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation "
            f"(0 <= output_padding < {max(s, d)}), got {op}"
        )
    out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    if out < 1:
        raise ValueError(
            f"padding={p} removes the whole output: (n-1)*stride + d*(k-1) + output_padding + 1 "
            f"= {out + 2 * p} pixels before cropping 2*padding = {2 * p}"
        )
    return out


def heatmap_size(n: int | tuple[int, int], output_stride: int) -> int | tuple[int, int]:
    """Size of the final map of a "same"-padded network: ``ceil(n / OS)``.

    For the odd crops used by DeepLab (``n = k * OS + 1``) this equals the
    DeepLab code's ``(n - 1) / OS + 1``.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Parameters
    ----------
    n : int or (int, int)
        Input length, or an ``(height, width)`` pair.
    output_stride : int
        Product of the network's strides (>= 1).

    Returns
    -------
    int or (int, int)
        Same form as ``n``.

    Examples
    --------
    >>> heatmap_size(513, 16), heatmap_size(513, 8)
    (33, 65)
    >>> heatmap_size((256, 192), 4)
    (64, 48)
    """
    os_ = check_int("output_stride", output_stride, 1)
    if isinstance(n, (tuple, list)):
        h, w = check_pair("n", n, 1)
        return (-(-h // os_), -(-w // os_))
    n = check_int("n", n, 1)
    return -(-n // os_)



def encoder_decoder_size(
    n: int, encoder_stride: int = 32, *, upsampling_layers: int = 3, kernel: int = 4, stride: int = 2, padding: int = 1
) -> int:
    """Heatmap side of an encoder–decoder: a "same"-padded encoder, then transposed convolutions.

    The encoder (for example ResNet-50, whose sizes are ``ceil(n / 32)``, see
    notebook 04) gives ``ceil(n / encoder_stride)``; each of the
    ``upsampling_layers`` transposed convolutions (SimpleBaselines: ``k=4,
    s=2, p=1``) maps ``m`` to ``(m - 1) s - 2p + k`` (:func:`transposed_output_size`),
    which is ``2m`` for the default layers. So the default network gives
    ``8 * ceil(n / 32)``: its cells are ``32 / 8 = 4`` input pixels apart
    (its output stride), yet its heatmap is not ``ceil(n / 4)`` unless 32
    divides ``n`` (or ``n`` is at most 3 below a multiple of 32).

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Parameters
    ----------
    n : int
        Input length (>= 1).
    encoder_stride : int
        Output stride of the encoder (>= 1).
    upsampling_layers : int
        Number of transposed convolutions (>= 0).
    kernel, stride, padding : int
        The transposed convolutions' kernel (>= 1), stride (>= 1) and padding (>= 0).

    Examples
    --------
    >>> encoder_decoder_size(250), heatmap_size(250, 4)
    (64, 63)
    >>> encoder_decoder_size(100), heatmap_size(100, 4)
    (32, 25)
    >>> encoder_decoder_size(256)
    64
    """
    n = check_int("n", n, 1)
    e = check_int("encoder_stride", encoder_stride, 1)
    layers = check_int("upsampling_layers", upsampling_layers, 0)
    m = heatmap_size(n, e)
    for _ in range(layers):
        m = transposed_output_size(m, kernel, stride=stride, padding=padding)
    return m


def scale_dimension(dim: int, scale: float) -> int:
    """DeepLab's ``scale_dimension``: ``int((dim - 1) * scale + 1)`` (its non-tensor branch).

    DeepLab (``research/deeplab/core/utils.py`` of tensorflow/models) sizes its
    feature maps with ``scale = 1 / output_stride``. In exact arithmetic
    ``floor((dim - 1) / OS) + 1 = ceil(dim / OS)`` for every ``dim``, so it
    agrees with :func:`heatmap_size` for every crop, not only for crops of
    ``k * OS + 1`` pixels. In floating point the agreement holds whenever OS
    is a power of two (1/OS is exact); it can fail by one for other strides
    (``dim=148, OS=49``).

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> scale_dimension(513, 1 / 16), scale_dimension(512, 1 / 16), heatmap_size(512, 16)
    (33, 32, 32)
    """
    dim = check_int("dim", dim, 1)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 1:
        raise ValueError(f"scale must be a number in (0, 1], got {scale!r}")
    return int((float(dim) - 1.0) * scale + 1.0)
