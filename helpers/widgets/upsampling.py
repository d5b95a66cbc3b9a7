"""Widget of notebook 06 · upsampling: transposed-convolution overlap."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt  # noqa: F401  (the doctests close their figures with it)
from matplotlib.figure import Figure

from ._core import register


def overlap_view(kernel: int = 3, stride: int = 2) -> "tuple[Figure, str]":
    """Overlap-count pattern of a transposed convolution (figure + sentence).

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig, text = overlap_view(4, 2)
    >>> text.split(":")[0], "even overlap" in text
    ('k=4, s=2', True)
    >>> plt.close(fig)
    """
    from .. import plots
    from ..arithmetic import transposed_output_size

    if kernel < 1 or stride < 1:
        return plots.message_figure("kernel and stride must be at least 1"), "kernel and stride must be at least 1."
    fig = plots.overlap_pattern(kernel, stride)
    low, high = kernel // stride, -(-kernel // stride)
    n = plots._overlap_input_size(kernel, stride)
    size = transposed_output_size(n, kernel, stride=stride)
    if kernel % stride == 0:
        text = (f"k={kernel}, s={stride}: {kernel} is divisible by {stride}, so every interior output pixel "
                f"gets exactly {low} kernel copies per axis ({low * low} in 2-D): even overlap.")
    elif low == 0:
        text = (f"k={kernel}, s={stride}: the kernel is shorter than the stride, so per axis some interior "
                f"outputs get {high} copy and others none (0 in 2-D): holes between the copies.")
    else:
        values = sorted({low * low, low * high, high * high})
        text = (f"k={kernel}, s={stride}: {kernel} is not divisible by {stride}, so interior output pixels get "
                f"{low} or {high} kernel copies per axis ({', '.join(map(str, values))} in 2-D): "
                f"a checkerboard with period {stride}.")
    return fig, text + f" ({n}×{n} input of ones → {size}×{size} output.)"


def _overlap_controls() -> "dict[str, W.ValueWidget]":
    return {
        "kernel": W.IntSlider(value=3, min=1, max=8, description="kernel k", continuous_update=False),
        "stride": W.IntSlider(value=2, min=1, max=4, description="stride s", continuous_update=False),
    }


overlap_explorer = register("overlap_explorer", overlap_view, _overlap_controls,
                            title="Transposed convolution: how many kernel copies land on each output pixel")


