"""Interactive widgets, built only on :mod:`helpers.plots` and the pure functions.

Each widget is a thin shell: controls whose ranges come from the formulas, and
an *update function* ``view(**values) -> (Figure, str)`` that is a plain
function of the control values. The update functions are what the tests sweep
over every slider range; they never raise on an impossible setting (they
return :func:`helpers.plots.message_figure` and a sentence instead).

In a notebook, a widget cell is preceded by a cell that calls the same view
with the defaults (what nbval checks), and carries the ``nbval-ignore-output``
tag itself. Its stored output is the picture of its default settings (see
:class:`Explorer`), which the website, nbviewer and GitHub show without a kernel.

One module per topic (notebook): ``heatmaps`` (04), ``gridding`` (05), ``design`` (07), on the
shared machinery in ``_core``. Importing this package registers every widget. The widgets of
01, 02, 03 and 06 (stride, dilation, the layer stack, transposed overlap) are retired: the
browser-side convolution explorer (:mod:`helpers.explorers`) teaches those ideas without a kernel.
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
from .heatmaps import (  # noqa: F401
    heatmap_view,
    heatmap_update,
    heatmap_explorer,
)
from .gridding import (  # noqa: F401
    gridding_sentence,
    gridding_view,
    gridding_explorer,
)
from .design import (  # noqa: F401
    design_view,
    design_update,
    design_explorer,
)

__all__ = [
    "View",
    "build",
    "Controls",
    "register",
    "registry",
    "sweep_values",
    "updates",
    "heatmap_view",
    "heatmap_update",
    "heatmap_explorer",
    "gridding_sentence",
    "gridding_view",
    "gridding_explorer",
    "design_view",
    "design_update",
    "design_explorer",
]
