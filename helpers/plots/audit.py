"""Figure of notebook 08 · audit a real network: where two outputs of an audited network look."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ._style import COLORS

def audit_field(report: "object", *, title: str | None = None) -> Figure:
    """Where two outputs of an audited network look: output 0 and the interior output.

    Left: the input (blue frame) with the cells the interior output reaches
    (the exact set of :func:`helpers.audit`), its receptive field (orange box,
    padding included, so it may stick out of the image) and the field of
    output 0 (dashed). Right: how many paths reach each cell of the interior
    output's field inside the image (log scale; black = a hole).

    Defined in notebook ``08_audit_a_real_network``.

    Parameters
    ----------
    report : AuditReport
        What :func:`helpers.audit` returned.
    title : str, optional
        Figure title; default names the feature map and the input size.

    Examples
    --------
    >>> import torch.nn as nn                                      # doctest: +SKIP
    >>> from helpers import audit                                  # doctest: +SKIP
    >>> fig = audit_field(audit(nn.Conv2d(1, 1, 3, dilation=2), 16))  # doctest: +SKIP
    """
    from ..audit import AuditReport

    if not isinstance(report, AuditReport):
        raise TypeError(f"report must be an AuditReport (from helpers.audit), got {type(report).__name__}")
    h, w = report.input_size
    reach0, reach = report._reach
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.6))
    (y0, y1), (x0, x1) = report.field
    # output 0's field, unclipped: its centre is report.center; its size that of the interior field
    ry, rx = report.receptive_field
    c0y, c0x = report.center
    top, bottom = min(-0.5, y0 - 0.5, c0y - ry / 2), max(h - 0.5, y1 + 0.5, c0y + ry / 2)
    first, last = min(-0.5, x0 - 0.5, c0x - rx / 2), max(w - 0.5, x1 + 0.5, c0x + rx / 2)
    margin = 0.04 * max(bottom - top, last - first)
    left.imshow(np.where(reach, 1.0, np.nan), cmap="Oranges", vmin=0, vmax=1.6, interpolation="nearest",
                extent=(-0.5, w - 0.5, h - 0.5, -0.5))
    left.add_patch(Rectangle((-0.5, -0.5), w, h, fill=False, ec=COLORS["accent"], lw=2, label="input image"))
    left.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0 + 1, y1 - y0 + 1, fill=False, ec=COLORS["output"], lw=2,
                             label=f"field of output {report.interior}"))
    left.add_patch(Rectangle((c0x - rx / 2, c0y - ry / 2), rx, ry, fill=False, ec=COLORS["kernel"], lw=1.5, ls="--",
                             label="field of output (0, 0)"))
    left.plot([c0x], [c0y], "x", color=COLORS["kernel"])
    left.set_xlim(first - margin, last + margin)
    left.set_ylim(bottom + margin, top - margin)
    left.set_aspect("equal")
    left.set_xlabel("input column")
    left.set_ylabel("input row")
    left.legend(loc="upper right", fontsize=8, framealpha=0.9)
    left.set_title("shaded: cells the interior output reaches", fontsize=10)
    cov = np.asarray(report.coverage, dtype=float)
    shown = np.where(cov > 0, np.log10(np.maximum(cov, 1)), np.nan)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad(COLORS["hole"])
    lo_y, lo_x = max(y0, 0), max(x0, 0)
    im = right.imshow(shown, cmap=cmap, interpolation="nearest",
                      extent=(lo_x - 0.5, lo_x + cov.shape[1] - 0.5, lo_y + cov.shape[0] - 0.5, lo_y - 0.5))
    fig.colorbar(im, ax=right, label="log10(paths)")
    right.set_title(f"paths into the field (inside the image); holes: {report.holes}", fontsize=10)
    right.set_xlabel("input column")
    right.set_ylabel("input row")
    fig.suptitle(title or f"{report.at}: receptive field on a {h}×{w} input", fontsize=11)
    fig.tight_layout()
    return fig
