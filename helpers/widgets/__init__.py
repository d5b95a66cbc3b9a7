"""A small toolkit for a learner's own matplotlib widget, built on :mod:`helpers.plots`.

The course's interactives are the browser-side explorers (:mod:`helpers.explorers`): they
answer within a frame and work without a kernel. This package keeps the machinery the course's
matplotlib widgets used, for a learner who wants to wire their own figure to sliders:
:func:`build` takes an *update function* ``view(**values) -> (Figure, str)`` (a plain function of
the control values) and a dict of controls, and returns an :class:`Explorer` box that redraws
the figure and the sentence under it when a control moves. :func:`register` records a view
and its control factory so that :func:`registry` can find it (the tests and benchmarks sweep a
registered view with :func:`sweep_values`).

Displayed, the box also carries the picture of its current settings (``image/png``), which
the notebook refresh keeps and the website, nbviewer and GitHub show without a kernel
(:func:`helpers.notebook_tools.strip_widget_outputs` drops the widget view, which cannot).
The course registers no widget of its own: its matplotlib widgets (stride, dilation, the
layer stack, transposed overlap, the heatmap, gridding, the design lab) were retired when the
explorers took their ideas over (issue 23).

Examples
--------
>>> import ipywidgets as W
>>> from helpers import plots
>>> box = build(lambda n: (plots.message_figure(f"n = {n}"), f"n is {n}"),
...             {"n": W.IntSlider(value=3, min=1, max=5)})
>>> box.children[-1].value
'n is 3'
"""

from __future__ import annotations

from ._core import (  # noqa: F401
    _REGISTRY,
    View,
    build,
    Explorer,
    figure_png,
    live_png,
    WIDGET_VIEW,
    Controls,
    register,
    registry,
    sweep_values,
    updates,
)

__all__ = [
    "View",
    "build",
    "Explorer",
    "figure_png",
    "live_png",
    "WIDGET_VIEW",
    "Controls",
    "register",
    "registry",
    "sweep_values",
    "updates",
]
