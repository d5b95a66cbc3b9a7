"""Widget of notebook 02 · dilation."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt  # noqa: F401  (the doctests close their figures with it)
from matplotlib.figure import Figure

from .. import plots as _plots
from ..arithmetic import conv_output_size as _conv_output_size
from ..arithmetic import effective_kernel_size as _effective_kernel_size
from ..arithmetic import same_padding as _same_padding
from ._core import register
from .stride import _fits, _link_padding, _never_visited, _size_formula, _slider


def dilation_view(n: int = 9, kernel: int = 3, dilation: int = 2, stride: int = 1, padding: int = 0
                  ) -> "tuple[Figure, str]":
    """Taps of a dilated kernel on the padded input, the output size and the zero-inserted kernel.

    The window shown is the one of the middle output. Never raises: a kernel
    that no longer fits gives a sentence.

    Defined in notebook ``02_dilation``.

    Examples
    --------
    >>> fig, sentence = dilation_view(9, 3, 2, 1, 0)
    >>> sentence.split("<br>")[1]
    'Output: ⌊(9 + 2·0 − 2·(3 − 1) − 1) / 1⌋ + 1 = ⌊4/1⌋ + 1 = 5 per axis (5×5).'
    >>> plt.close(fig)
    """
    span = _effective_kernel_size(kernel, dilation)
    head = (f"Effective kernel: K + (K − 1)(d − 1) = {kernel} + {kernel - 1}·{dilation - 1} = {span}; "
            f"still {kernel * kernel} weights and {kernel * kernel} multiply-adds per output.")
    why = _fits(n, kernel, padding, dilation)
    if why:
        return _plots.message_figure(why, title="The dilated kernel does not fit"), head + "<br>" + why
    out = _conv_output_size(n, kernel, stride=stride, padding=padding, dilation=dilation)
    middle = (out // 2) * out + out // 2
    fig = _plots.dilated_window(n, kernel, dilation=dilation, stride=stride, padding=padding, frame=middle)
    never = _never_visited(n, kernel, stride, padding, dilation)
    total = dilation * (kernel - 1)
    before, after = _same_padding(n, kernel, dilation=dilation)
    if before == after:
        keep = f"Padding that keeps the size at stride 1: P = d(K − 1)/2 = {dilation}·{kernel - 1}/2 = {before}."
    else:
        keep = (f"To keep the size at stride 1 the total padding d(K − 1) = {total} is odd: "
                f"{before} before, {after} after (TensorFlow's \"same\").")
    sentence = (
        head + "<br>"
        f"Output: {_size_formula(n, kernel, stride, padding, dilation)} per axis ({out}×{out}).<br>"
        + (f"Never read: {len(never)} of {n} rows (and columns): {', '.join(map(str, never))}. " if never
           else "Every input pixel is read. ")
        + keep
    )
    return fig, sentence


def _dilation_controls() -> "dict[str, W.IntSlider]":
    c = {
        "n": _slider(9, 5, 15, "N"),
        "kernel": _slider(3, 1, 5, "K"),
        "dilation": _slider(2, 1, 4, "d"),
        "stride": _slider(1, 1, 3, "S"),
        "padding": _slider(0, 0, 4, "P"),
    }
    _link_padding(c["n"], c["kernel"], c["padding"], c["dilation"], cap=8)
    return c


dilation_explorer = register("dilation_explorer", dilation_view, _dilation_controls,
                             title="Dilation explorer: input N, kernel K, dilation d, stride S, padding P")


