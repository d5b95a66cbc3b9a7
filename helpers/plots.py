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
from matplotlib.patches import Patch, Rectangle

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
    fontsize: float = 8,
) -> None:
    """Draw a grid of square cells, one colour per cell (``None`` leaves a cell empty).

    Row 0 is drawn at the top, as in an image; ``origin`` is the (x, y) of the
    top-left corner in data units, one unit per cell. ``text`` optionally
    writes a value in each cell. The axes are set to equal aspect with y
    pointing down.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> draw_cells(ax, [[COLORS["input"], None], [COLORS["padding"], COLORS["output"]]])
    >>> len(ax.patches)
    3
    >>> plt.close(fig)
    """
    grid = np.asarray(colors, dtype=object)
    if grid.ndim != 2:
        raise ValueError(f"colors must be a 2-D grid, got shape {grid.shape}")
    x0, y0 = origin
    drawn = []
    for (i, j), color in np.ndenumerate(grid):
        if color is None:
            continue
        drawn.append((i, j))
        # add_artist + one update_datalim below == add_patch per cell, ~5x faster to build
        # (add_patch computes each cell's data limits from its path: benchmarks/README.md).
        cell = ax.add_artist(Rectangle((x0 + j, y0 + i), 1, 1, facecolor=color, edgecolor=edgecolor, linewidth=linewidth))
        if hasattr(cell, "_set_in_autoscale"):  # newer matplotlib: what add_patch marks, so relim() sees it
            cell._set_in_autoscale(True)
        if text is not None and text[i, j] not in (None, ""):
            ax.text(x0 + j + 0.5, y0 + i + 0.5, str(text[i, j]), ha="center", va="center", fontsize=fontsize)
    if drawn:
        (i0, j0), (i1, j1) = np.min(drawn, axis=0), np.max(drawn, axis=0)
        ax.update_datalim([(x0 + j0, y0 + i0), (x0 + j1 + 1, y0 + i1 + 1)])
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


# --- 01 · stride ------------------------------------------------------
# (section for notebook 01: add its functions below this line)


# --- 02 · dilation ----------------------------------------------------
# (section for notebook 02: add its functions below this line)


# --- 03 · receptive field ---------------------------------------------
# (section for notebook 03: add its functions below this line)


# --- 04 · output stride and heatmaps ----------------------------------
# (section for notebook 04: add its functions below this line)


# --- 05 · gridding artifacts ------------------------------------------
# (section for notebook 05: add its functions below this line)


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: add its functions below this line)


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: add its functions below this line)
