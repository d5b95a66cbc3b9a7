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
from matplotlib.figure import Figure

__all__ = ["COLORS", "message_figure"]

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


# ==========================================================================
# Notebooks 01–03: stride, dilation, receptive fields
# ==========================================================================


# ==========================================================================
# Notebooks 04–07: output stride, gridding, upsampling, design lab
# ==========================================================================
