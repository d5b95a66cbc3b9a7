"""Widget of notebook 04 · output stride and heatmaps."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt  # noqa: F401  (the doctests close their figures with it)
from matplotlib.figure import Figure

from ._core import register


def heatmap_view(
    input_size: int = 513, output_stride: int = 16, rate: int = 6, padding: str = "same"
) -> "tuple[Figure, str]":
    """Widget view of notebook 04: :func:`helpers.plots.heatmap_cell` and a sentence with the numbers.

    The network is ResNet-50 (TF-Slim, DeepLab's output stride) followed by one
    3×3 atrous head at ``rate``; ``padding`` is ``"same"`` (= rate), ``"one"``
    or ``"valid"``. The sentence gives the heatmap size, the receptive field
    of one cell, the backbone's compute and activation memory relative to
    OS 32, and the distance from the keypoint to the nearest cell centre. An impossible
    setting returns a message figure and a sentence saying why.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig, text = heatmap_view(513, 16, 6, "same")
    >>> text.split(":")[0]
    '513×513 input, OS 16'
    >>> plt.close(fig)
    >>> fig, text = heatmap_view(64, 32, 6, "one")
    >>> text.startswith("Not possible")
    True
    >>> plt.close(fig)
    """
    from .. import plots

    try:
        fig = plots.heatmap_cell(input_size, output_stride, rate, padding=padding)
    except ValueError as exc:
        return plots.message_figure(str(exc)), f"Not possible: {exc}."
    return fig, _heatmap_sentence(input_size, output_stride, rate, padding)


def heatmap_update(
    fig: Figure, input_size: int = 513, output_stride: int = 16, rate: int = 6, padding: str = "same"
) -> "str | None":
    """The widget's fast path: redraw a figure :func:`heatmap_view` made, in place, and return the sentence.

    The picture is the one :func:`heatmap_view` would build for these values
    (``plots.update_heatmap_cell``); None when it cannot be reused (a message
    figure, or an impossible setting), and the widget then calls the view.

    Examples
    --------
    >>> fig, _ = heatmap_view(513, 16, 6, "same")
    >>> heatmap_update(fig, 257, 32, 1, "same") == heatmap_view(257, 32, 1, "same")[1]
    True
    >>> heatmap_update(fig, 64, 32, 36, "valid") is None
    True
    >>> plt.close("all")
    """
    from .. import plots

    if not plots.update_heatmap_cell(fig, input_size, output_stride, rate, padding=padding):
        return None
    return _heatmap_sentence(input_size, output_stride, rate, padding)


def _heatmap_sentence(input_size: int, output_stride: int, rate: int, padding: str) -> str:
    from .. import plots
    from ..arithmetic import heatmap_size
    from ..receptive import cell_centers, receptive_field, resnet50_costs, resnet50_with_head

    layers = resnet50_with_head(output_stride, rate, padding=padding)
    centers = cell_centers(layers, input_size)
    r = receptive_field(layers, input_size=input_size)[-1].r
    backbone = heatmap_size(input_size, output_stride)
    costs, ref = resnet50_costs(input_size, output_stride=output_stride), resnet50_costs(input_size)
    macs = sum(c.macs for c in costs) / sum(c.macs for c in ref)
    mem = sum(c.activations for c in costs) / sum(c.activations for c in ref)
    _, (kx, ky) = plots._nb04_scene(input_size, 0)
    cx = min(centers, key=lambda c: abs(c - kx))
    cy = min(centers, key=lambda c: abs(c - ky))
    cells = len(centers)
    pad = {"same": rate, "one": 1, "valid": 0}[padding]
    if cells == backbone:
        size_note = f"the head (rate {rate}, padding {pad}) keeps it"
    else:
        size_note = f"the head (rate {rate}, padding {pad}, less than the rate) shrinks it from {backbone} to {cells}"
    text = (
        f"{input_size}×{input_size} input, OS {output_stride}: heatmap {cells}×{cells} "
        f"(ceil({input_size}/{output_stride}) = {backbone}; {size_note}). "
        f"One cell's receptive field: {r}×{r} px. "
        f"ResNet-50 at OS {output_stride} vs OS 32: multiply-adds ×{macs:.2f}, activation memory ×{mem:.2f}. "
        f"Keypoint ({kx:.1f}, {ky:.1f}) → nearest cell centre ({cx:g}, {cy:g}): error "
        f"{abs(kx - cx):.1f} px in x and {abs(ky - cy):.1f} px in y "
        f"(half a cell is OS/2 = {output_stride / 2:g} px)."
    )
    return text


def _heatmap_controls() -> "dict[str, W.ValueWidget]":
    style = {"description_width": "initial"}
    return {
        "input_size": W.IntSlider(value=513, min=64, max=1025, step=1, description="input size N",
                                  continuous_update=False, style=style),
        "output_stride": W.Dropdown(options=[32, 16, 8], value=16, description="output stride", style=style),
        "rate": W.IntSlider(value=6, min=1, max=36, description="head atrous rate", continuous_update=False, style=style),
        "padding": W.Dropdown(
            options=[("= rate (same)", "same"), ("1 (fixed)", "one"), ("0 (valid)", "valid")],
            value="same", description="head padding", style=style,
        ),
    }


heatmap_explorer = register(
    "heatmap_explorer", heatmap_view, _heatmap_controls, title="Output stride, atrous rate and the heatmap",
    update=heatmap_update,
)



