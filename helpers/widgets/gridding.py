"""Widget of notebook 05 · gridding artifacts."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt  # noqa: F401  (the doctests close their figures with it)
from matplotlib.figure import Figure

from .. import plots as _plots
from ..gridding import gridding_by_definition as _gridding_by_definition
from ..gridding import gridding_sentence
from ..gridding import hdc_report as _hdc_report
from ._core import _show_used_layers, register


def gridding_view(
    layers: int = 3, rate1: int = 2, rate2: int = 4, rate3: int = 8, rate4: int = 1, kernel: int = 3
) -> "tuple[Figure, str]":
    """Coverage map, holes count and HDC verdict of the first ``layers`` rates.

    The view behind :func:`gridding_explorer`; ``rate4`` is used only when
    ``layers`` is 4. Never raises: an impossible setting gives a sentence.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig, text = gridding_view(3, 2, 4, 8, kernel=3)
    >>> "616 holes" in text
    True
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    try:
        rates = (rate1, rate2, rate3, rate4)[: int(layers)]
        rep = _hdc_report(rates, kernel=kernel)
        shared = _gridding_by_definition(rates, kernel=kernel).shared_fraction
        fig = _plots.stack_overview(rates, kernel=kernel)
    except (TypeError, ValueError) as exc:
        return _plots.message_figure(str(exc)), f"Cannot draw this setting: {exc}"
    return fig, gridding_sentence(rep, shared=shared)


def _gridding_controls() -> "dict[str, W.ValueWidget]":
    style = {"description_width": "initial"}
    rate = dict(min=1, max=12, continuous_update=False, style=style)
    controls = {
        "layers": W.IntSlider(value=3, min=2, max=4, description="layers", continuous_update=False, style=style),
        "rate1": W.IntSlider(value=2, description="rate 1", **rate),
        "rate2": W.IntSlider(value=4, description="rate 2", **rate),
        "rate3": W.IntSlider(value=8, description="rate 3", **rate),
        "rate4": W.IntSlider(value=1, description="rate 4", **rate),
        "kernel": W.IntSlider(value=3, min=2, max=5, description="kernel K", continuous_update=False, style=style),
    }

    _show_used_layers(controls, "layers", {i: [f"rate{i}"] for i in (1, 2, 3, 4)})
    return controls


gridding_explorer = register(
    "gridding_explorer",
    gridding_view,
    _gridding_controls,
    title="Stacked dilations: which input pixels does the centre output reach?",
)


