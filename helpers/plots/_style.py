"""Figures, built only on the pure modules (formulas → arrays → figures).

Conventions
-----------
* Every public function returns a ``matplotlib.figure.Figure`` made with
  ``pyplot``, so a notebook cell ``fig = plots.something(...)`` shows it with
  no text output (nbval compares text, never PNG).
* Functions that back a widget never raise on an impossible setting: they
  return :func:`message_figure` with a sentence saying why.
* Colours come from :data:`COLORS` (Okabe–Ito, colour-blind safe) and every
  grid is labelled (input / padding / output), as in Dumoulin & Visin's guide.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

__all__ = ["COLORS", "message_figure", "draw_cells", "legend_for"]

#: Okabe–Ito palette, named by role.
COLORS = {
    "input": "#56B4E9",  # sky blue
    "padding": "#E0E0E0",  # light grey
    "output": "#E69F00",  # orange
    "kernel": "#D55E00",  # vermillion
    "highlight": "#009E73",  # bluish green
    "unvisited": "#CC79A7",  # reddish purple
    "hole": "#000000",
    "accent": "#0072B2",  # blue
    "neutral": "#999999",
}


def message_figure(text: str, *, title: str = "Not possible with these settings") -> Figure:
    """A small figure that states why a setting cannot be drawn.

    Widgets show it instead of raising, so a reader sees a sentence, never a traceback.

    Examples
    --------
    >>> fig = message_figure("the kernel (span 7) is larger than the padded input (5)")
    >>> fig.axes[0].texts[0].get_text()[:10]
    'the kernel'
    >>> plt.close(fig)
    """
    fig, ax = plt.subplots(figsize=(6, 1.6))
    ax.axis("off")
    ax.set_title(title, fontsize=12, color=COLORS["kernel"], loc="left")
    ax.text(0.0, 0.5, str(text), fontsize=11, va="center", ha="left", wrap=True, transform=ax.transAxes)
    return fig


def draw_cells(
    ax: Axes,
    colors: "np.ndarray | list[list[str]]",
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    text: "np.ndarray | None" = None,
    edgecolor: str = "white",
    linewidth: float = 1.0,
    fontsize: float = 9,
) -> None:
    """Draw a grid of square cells, one colour per cell (``None`` leaves a cell empty).

    Row 0 is drawn at the top, as in an image; ``origin`` is the (x, y) of the
    top-left corner in data units, one unit per cell. ``text`` optionally
    writes a value in each cell. The axes are set to equal aspect with y
    pointing down. All cells form one ``PolyCollection`` (one artist instead
    of one patch per cell: fast enough for widget grids of hundreds of cells),
    and the data limits grow to include them.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> draw_cells(ax, [[COLORS["input"], None], [COLORS["padding"], COLORS["output"]]])
    >>> len(ax.collections[0].get_paths())       # the empty cell is not drawn
    3
    >>> [float(v) for v in ax.dataLim.bounds]     # x0, y0, width, height
    [0.0, 0.0, 2.0, 2.0]
    >>> plt.close(fig)
    """
    from matplotlib.collections import PolyCollection

    grid = np.asarray(colors, dtype=object)
    if grid.ndim != 2:
        raise ValueError(f"colors must be a 2-D grid, got shape {grid.shape}")
    ii, jj = np.nonzero(grid != None)  # noqa: E711  (element-wise comparison with None)
    x0, y0 = origin
    if len(ii):
        corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
        verts = corners[None, :, :] + np.stack([x0 + jj, y0 + ii], axis=1)[:, None, :]
        ax.add_collection(
            PolyCollection(verts, facecolors=list(grid[ii, jj]), edgecolors=edgecolor, linewidths=linewidth)
        )
    if text is not None:
        for i, j in zip(ii, jj):
            if text[i, j] not in (None, ""):
                ax.text(x0 + j + 0.5, y0 + i + 0.5, str(text[i, j]), ha="center", va="center", fontsize=fontsize)
    ax.set_aspect("equal")
    if not ax.yaxis_inverted():
        ax.invert_yaxis()


def legend_for(ax: Axes, roles: "dict[str, str]", **kwargs: object) -> None:
    """Add a legend of coloured squares: ``{label: colour}``.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> legend_for(ax, {"input": COLORS["input"], "padding": COLORS["padding"]})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['input', 'padding']
    >>> plt.close(fig)
    """
    handles = [Patch(facecolor=c, edgecolor="0.4", label=label) for label, c in roles.items()]
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.01, 1.0))
    kwargs.setdefault("frameon", False)
    ax.legend(handles=handles, **kwargs)


