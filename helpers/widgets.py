"""Interactive widgets, built only on :mod:`helpers.plots` and the pure functions.

Each widget is a thin shell: controls whose ranges come from the formulas, and
an *update function* ``view(**values) -> (Figure, str)`` that is a plain
function of the control values. The update functions are what the tests sweep
over every slider range; they never raise on an impossible setting (they
return :func:`helpers.plots.message_figure` and a sentence instead).

In a notebook, a widget cell is preceded by a cell that calls the same view
with the defaults (what nbval checks and a reader without a kernel sees), and
carries the ``nbval-ignore-output`` tag itself.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import display
from matplotlib.figure import Figure

__all__ = ["build"]

View = Callable[..., "tuple[Figure, str]"]


def build(view: View, controls: dict[str, W.ValueWidget], *, title: str = "") -> W.VBox:
    """Wire ``controls`` to ``view`` and render once with the current values.

    The figure goes into an ``Output`` widget and the sentence into an
    ``HTML`` line below it; both are redrawn when any control changes.

    Examples
    --------
    >>> from helpers import plots
    >>> box = build(lambda n: (plots.message_figure(f"n = {n}", title="demo"), f"n is {n}"),
    ...             {"n": W.IntSlider(value=3, min=1, max=5)})
    >>> box.children[-1].value
    'n is 3'
    >>> box.children[0].children[0].value = 4   # move the slider
    >>> box.children[-1].value
    'n is 4'
    """
    out = W.Output(layout=W.Layout(min_height="120px"))
    text = W.HTML()

    def redraw(_change: object = None) -> None:
        fig, sentence = view(**{name: c.value for name, c in controls.items()})
        text.value = sentence
        if get_ipython() is not None:  # outside Jupyter there is nowhere to draw
            with out:
                out.clear_output(wait=True)
                display(fig)
        plt.close(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    header = [W.HTML(f"<b>{title}</b>")] if title else []
    return W.VBox([*header, W.HBox(list(controls.values()), layout=W.Layout(flex_flow="row wrap")), out, text])


# ==========================================================================
# Notebooks 01–03: stride, dilation, receptive fields
# ==========================================================================


# ==========================================================================
# Notebooks 04–07: output stride, gridding, upsampling, design lab
# ==========================================================================
