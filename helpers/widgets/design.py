"""Widget of notebook 07 · the design lab."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt  # noqa: F401  (the doctests close their figures with it)
from matplotlib.figure import Figure

from ..design import DesignReport
from ._core import register

_RATE_CHOICES = {
    "none": (),
    "1, 2, 5 (HDC)": (1, 2, 5),
    "1, 2, 3": (1, 2, 3),
    "2, 2, 2": (2, 2, 2),
    "2, 4, 8": (2, 4, 8),
    "6": (6,),
    "12": (12,),
    "24": (24,),
    "48": (48,),
}
_UPSAMPLE_CHOICES = {
    "none": (1, "deconv"),
    "deconv ×2": (2, "deconv"),
    "deconv ×4": (4, "deconv"),
    "deconv ×8": (8, "deconv"),
    "bilinear ×2": (2, "bilinear"),
    "bilinear ×4": (4, "bilinear"),
    "bilinear ×8": (8, "bilinear"),
}


def design_view(input_size: int = 512, output_stride: int = 16, rates: str = "1, 2, 5 (HDC)",
                upsampling: str = "deconv ×2", distance: int = 12) -> "tuple[Figure, str]":
    """The design lab: one design's report as a figure and a sentence.

    Defined in notebook ``07_design_lab``.

    Examples
    --------
    >>> fig, text = design_view()
    >>> text.split(";")[0]
    'Heatmap 64×64 (8 px per cell)'
    >>> plt.close(fig)
    """
    from .. import plots

    r = _design(input_size, output_stride, rates, upsampling)
    if isinstance(r, str):
        return plots.message_figure("unknown choice" if r == "Unknown choice." else r), r
    return plots.design_figure(r, distance=distance), _design_text(r, distance)


def design_update(fig: Figure, input_size: int = 512, output_stride: int = 16, rates: str = "1, 2, 5 (HDC)",
                  upsampling: str = "deconv ×2", distance: int = 12) -> "str | None":
    """The design lab's fast path: redraw a figure :func:`design_view` made, in place, and return the sentence.

    Moving the distance slider redraws only the two-objects panel
    (:func:`helpers.plots.update_design_figure`). A new design (input,
    output stride, rates, upsampling) changes the other panels and the
    layout: then, and for a message figure or an impossible setting, this
    returns None and the widget calls the view.

    Examples
    --------
    >>> fig, _ = design_view()
    >>> design_update(fig, distance=40) == design_view(distance=40)[1]
    True
    >>> design_update(fig, output_stride=8) is None   # another design: a new figure
    True
    >>> plt.close("all")
    """
    from .. import plots

    r = _design(input_size, output_stride, rates, upsampling)
    if isinstance(r, str) or not plots.update_design_figure(fig, r, distance=distance):
        return None
    return _design_text(r, distance)


def _design(input_size: int, output_stride: int, rates: str, upsampling: str) -> "DesignReport | str":
    """The report of the chosen design, or the sentence saying why there is none."""
    from ..design import design_report

    up, mode = _UPSAMPLE_CHOICES.get(upsampling, (None, None))
    if up is None or rates not in _RATE_CHOICES:
        return "Unknown choice."
    if up > output_stride:
        return f"Upsampling ×{up} would go below one pixel per cell at output stride {output_stride}."
    return design_report(input_size, output_stride, rates=_RATE_CHOICES[rates], upsample=up, upsample_mode=mode)


def _design_text(r: "DesignReport", distance: int) -> str:
    from ..design import cell_collision_fraction

    same = cell_collision_fraction(distance, 0, r.peak_stride)
    near = cell_collision_fraction(distance, 0, r.peak_stride, within=1)
    text = (
        f"Heatmap {r.heatmap_size}×{r.heatmap_size} ({r.heatmap_stride:g} px per cell); "
        f"receptive field {r.receptive_field} px; compute ×{r.relative_compute:.2f} and activations "
        f"×{r.relative_memory:.2f} of ResNet-50 at OS 32. Two objects {distance} px apart share a cell "
        f"of the {r.peak_stride}-px grid of the last learned layer at {same:.0%} of grid offsets (same or adjacent cell: {near:.0%})."
    )
    if r.warnings:
        text += " <b>Warning:</b> " + " <b>Warning:</b> ".join(r.warnings) + "."
    return text


def _design_controls() -> "dict[str, W.ValueWidget]":
    style = {"description_width": "initial"}
    return {
        "input_size": W.Dropdown(options=[256, 384, 512, 513, 1024], value=512, description="input",
                                 style=style),
        "output_stride": W.Dropdown(options=[32, 16, 8], value=16, description="output stride", style=style),
        "rates": W.Dropdown(options=list(_RATE_CHOICES), value="1, 2, 5 (HDC)", description="head rates",
                            style=style),
        "upsampling": W.Dropdown(options=list(_UPSAMPLE_CHOICES), value="deconv ×2", description="upsampling",
                                 style=style),
        "distance": W.IntSlider(value=12, min=4, max=64, step=4, description="objects apart (px)",
                                continuous_update=False, style=style),
    }


design_explorer = register("design_explorer", design_view, _design_controls,
                           title="Design lab: heatmap size, receptive field, holes and cost of one design",
                           update=design_update)
