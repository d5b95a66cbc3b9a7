"""Figures of notebook 07 · the design lab: cell alignment, collisions, peaks, the design figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ..conv import bilinear_upsample
from ..design import DesignReport, cell_collision_fraction, find_peaks
from ..gridding import coverage_map
from .gridding import _draw_coverage
from ._style import COLORS, legend_for


def _two_objects_panel(ax: Axes, stride: int, x0: float, distance: float, *, window: int, title: str) -> None:
    """Grid of ``stride``-pixel cells over a ``window``-pixel crop with two objects at x0 and x0 + distance."""
    y0 = stride * (window // (2 * stride)) + stride / 2 - 0.5  # the middle of a cell row
    ax.add_patch(Rectangle((-0.5, -0.5), window, window, facecolor="#F4F4F4", edgecolor="none"))
    cells = [int(np.floor((x + 0.5) / stride)) for x in (x0, x0 + distance)]
    row = int(np.floor((y0 + 0.5) / stride))
    for c in sorted(set(cells)):
        ax.add_patch(Rectangle((c * stride - 0.5, row * stride - 0.5), stride, stride,
                               facecolor=COLORS["output"], alpha=0.45, edgecolor="none"))
    lines = np.arange(0, window + 1, stride) - 0.5
    ax.vlines(lines, -0.5, window - 0.5, color="0.35", linewidth=0.8)
    ax.hlines(lines, -0.5, window - 0.5, color="0.35", linewidth=0.8)
    ax.plot([x0, x0 + distance], [y0, y0], "o", color=COLORS["kernel"], markersize=6)
    ax.annotate("", xy=(x0 + distance, y0 - stride * 0.35 - 1), xytext=(x0, y0 - stride * 0.35 - 1),
                arrowprops={"arrowstyle": "<->", "color": "0.2", "lw": 1})
    ax.text(x0 + distance / 2, y0 - stride * 0.35 - 2.5, f"{distance:g} px", ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.5, window - 0.5)
    ax.set_ylim(window - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


def cell_alignment(distance: float = 12, *, strides: "tuple[int, int]" = (16, 8)) -> Figure:
    """Two objects ``distance`` px apart on heatmap grids: whether they share a cell depends on where the grid falls.

    Left and middle: the coarser stride with an unlucky and a lucky grid
    offset. Right: the finer stride at its least favourable offset. Shaded
    cells hold an object.

    Defined in notebook ``07_design_lab``.

    Examples
    --------
    >>> fig = cell_alignment(12, strides=(16, 8))
    >>> len(fig.axes)
    3
    >>> plt.close(fig)
    """
    coarse, fine = strides
    window = 3 * coarse
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 4.0))
    # grid offsets: cell c holds pixel centres c*s ... c*s + s - 1
    # objects sit at least 1/8 of a cell from every border, so no dot straddles a cell line
    starts = [coarse * 9 / 8, 2.0 * coarse - distance / 2.0, fine * max(1, coarse // fine) + fine / 4]
    for ax, s, x0, note in zip(axes, (coarse, coarse, fine), starts, ("one offset", "another offset", "least favourable offset")):
        c0, c1 = (int(np.floor((x + 0.5) / s)) for x in (x0, x0 + distance))
        verdict = "same cell" if c0 == c1 else ("adjacent cells" if c1 - c0 == 1 else f"{c1 - c0} cells apart")
        share = cell_collision_fraction(distance, 0, s)
        _two_objects_panel(ax, s, x0, distance, window=window,
                           title=f"stride {s}, {note}: {verdict}\n(same cell at {share:.0%} of all offsets)")
    fig.suptitle(f"Two objects {distance:g} px apart on heatmap grids (lines: cell borders; shaded: occupied cells)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def collision_curves(distance: float = 12, *, max_stride: int = 32) -> Figure:
    """Share of grid offsets at which two objects ``distance`` px apart collide, against the cell stride.

    Solid: same cell; dashed: same or adjacent cell (what a 3×3 peak
    extractor cannot separate). Blue: objects side by side; orange: on a
    45° diagonal.

    Defined in notebook ``07_design_lab``.

    Examples
    --------
    >>> fig = collision_curves(12)
    >>> len(fig.axes[0].lines) >= 4
    True
    >>> plt.close(fig)
    """
    s = np.linspace(1, max_stride, 400)
    diag = distance / np.sqrt(2)
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    for (dx, dy), color, label in [((distance, 0), COLORS["accent"], "side by side"),
                                   ((diag, diag), COLORS["output"], "45° diagonal")]:
        same = [cell_collision_fraction(dx, dy, v) for v in s]
        near = [cell_collision_fraction(dx, dy, v, within=1) for v in s]
        ax.plot(s, same, color=color, linewidth=2, label=f"{label}: same cell")
        ax.plot(s, near, color=color, linewidth=1.5, linestyle="--", label=f"{label}: same or adjacent cell")
    for v in (4, 8, 16):
        if v <= max_stride:
            ax.axvline(v, color="0.75", linewidth=0.8, zorder=0)
    ax.set_xticks([t for t in (1, 4, 8, 12, 16, 20, 24, 28, 32) if t <= max_stride])
    ax.set_xlabel("heatmap stride (input pixels per cell)", fontsize=10)
    ax.set_ylabel("share of grid offsets", fontsize=10)
    ax.set_ylim(-0.02, 1.1)
    ax.set_xlim(1, max_stride)
    ax.set_title(f"Two objects {distance:g} px apart: how often do they collide?", fontsize=11)
    ax.legend(fontsize=9, loc="lower right", frameon=False)
    fig.tight_layout()
    return fig


def _object_image(size: int, points: "list[tuple[float, float]]", sigma: float) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    return sum(np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * sigma**2)) for x, y in points)


def _cell_average(img: np.ndarray, stride: int) -> np.ndarray:
    n = img.shape[0] // stride
    return img[: n * stride, : n * stride].reshape(n, stride, n, stride).mean(axis=(1, 3))


def _plateau_centres(hm: np.ndarray, threshold: float) -> np.ndarray:
    """(row, col) of each peak of :func:`find_peaks`, at the centre of its plateau of tied maxima (not its first pixel)."""
    tied = [tuple(map(int, p)) for p in find_peaks(hm, threshold=threshold, plateaus="keep")]
    left, centres = set(tied), []
    while left:
        group, stack = [], [left.pop()]
        while stack:
            i, j = stack.pop()
            group.append((i, j))
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    if (i + di, j + dj) in left:
                        left.remove((i + di, j + dj))
                        stack.append((i + di, j + dj))
        centres.append(np.mean(group, axis=0))
    return np.array(sorted(map(tuple, centres))).reshape(-1, 2)


def peak_demo(distance: float = 12, *, x0: float = 34.0, strides: "tuple[int, ...]" = (4, 8, 16),
              size: int = 96, sigma: float = 1.5) -> Figure:
    """Two objects ``distance`` px apart as heatmaps at several strides, with the peaks a 3×3 extractor finds.

    The heatmap at stride ``s`` is the objects' image averaged over each
    ``s×s`` cell (what a perfect network at that stride can report). The
    last panel upsamples the coarsest heatmap bilinearly back to the finest
    stride (for objects side by side: more pixels, the same peaks). A × marks
    each peak at the centre of its plateau of tied maxima. The objects sit away from the
    border (the edge clamp of bilinear resizing makes flat borders, where a
    3×3 test can report spurious peaks).

    Defined in notebook ``07_design_lab``.

    Examples
    --------
    >>> fig = peak_demo(12)
    >>> len(fig.axes)
    5
    >>> plt.close(fig)
    """

    y = 42.0  # inside a cell row at every stride shown
    img = _object_image(size, [(x0, y), (x0 + distance, y)], sigma)
    fig, axes = plt.subplots(1, len(strides) + 2, figsize=(2.6 * (len(strides) + 2), 3.7))
    axes[0].imshow(img, cmap="viridis", interpolation="nearest")
    axes[0].set_title(f"input: two objects\n{distance:g} px apart", fontsize=10)
    def columns(s: int) -> str:
        c0, c1 = (int(np.floor((x + 0.5) / s)) for x in (x0, x0 + distance))
        return "same column" if c0 == c1 else f"columns {c0} and {c1}"

    maps = [(f"stride {s} heatmap, {columns(s)}", _cell_average(img, s), s) for s in strides]
    coarse = maps[-1][1]
    factor = strides[-1] // strides[0]
    maps.append((f"stride {strides[-1]} resized ×{factor}\n(bilinear)", bilinear_upsample(coarse, coarse.shape[0] * factor),
                 strides[0]))
    extent = (-0.5, size - 0.5, size - 0.5, -0.5)  # every map drawn in input pixels
    for ax, (title, hm, s) in zip(axes[1:], maps):
        peaks = _plateau_centres(hm, 0.05 * hm.max())
        ax.imshow(hm, cmap="viridis", interpolation="nearest", extent=extent)
        ax.plot((peaks[:, 1] + 0.5) * s - 0.5, (peaks[:, 0] + 0.5) * s - 0.5, "x", color=COLORS["kernel"],
                markersize=10, markeredgewidth=2.5)
        ax.set_title(f"{title}:\n{len(peaks)} peak{'s' if len(peaks) != 1 else ''}".replace(", ", "\n"), fontsize=10)
    axes[0].images[0].set_extent(extent)
    centre = x0 + distance / 2
    for ax in axes:
        ax.set_xlim(centre - 24, centre + 24)
        ax.set_ylim(y + 24, y - 24)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Peaks found by 3×3 max-pool extraction (×), as in CenterNet (a 48-px crop)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def design_figure(report: DesignReport, *, distance: float = 12) -> Figure:
    """One design at a glance: heatmap grid and receptive field, two close objects, head coverage, cost.

    Defined in notebook ``07_design_lab``.

    Examples
    --------
    >>> from helpers import design_report
    >>> fig = design_figure(design_report(512, 16, rates=(1, 2, 5), upsample=2))
    >>> len(fig.axes)                 # four panels and the coverage map's colour bar
    5
    >>> plt.close(fig)
    """
    r = report
    n = r.input_size
    fig, axes = plt.subplots(2, 2, figsize=(10.5, 8.8), gridspec_kw={"width_ratios": [1, 1.1]})
    (ax_grid, ax_obj), (ax_cov, ax_cost) = axes

    # (a) the tile, the heatmap grid, one cell and its receptive field
    half = r.receptive_field / 2
    centre_cell = r.heatmap_size // 2
    step = n / r.heatmap_size
    cx = (centre_cell + 0.5) * step
    lo, hi = min(0.0, cx - half), max(float(n), cx + half)
    ax_grid.add_patch(Rectangle((0, 0), n, n, facecolor=COLORS["input"], alpha=0.35, edgecolor="0.3"))
    every = max(1, int(np.ceil(r.heatmap_size / 32)))
    lines = np.arange(0, r.heatmap_size + 1, every) * step
    ax_grid.vlines(lines, 0, n, color="0.4", linewidth=0.5)
    ax_grid.hlines(lines, 0, n, color="0.4", linewidth=0.5)
    ax_grid.add_patch(Rectangle((centre_cell * step, centre_cell * step), step, step, facecolor=COLORS["highlight"]))
    ax_grid.add_patch(Rectangle((cx - half, cx - half), 2 * half, 2 * half, fill=False,
                                edgecolor=COLORS["kernel"], linewidth=2, linestyle="--"))
    # the cell is a few pixels on a tile of hundreds: a zoomed inset shows it, with its size
    # (below the tile, beside the legend, so it hides nothing of the tile)
    zoom = ax_grid.inset_axes([0.9, -0.46, 0.26, 0.26])
    z_lo, z_hi = (centre_cell - 2) * step, (centre_cell + 3) * step
    zoom.add_patch(Rectangle((z_lo, z_lo), z_hi - z_lo, z_hi - z_lo, facecolor=COLORS["input"], alpha=0.35))
    cell_lines = np.arange(centre_cell - 2, centre_cell + 4) * step
    zoom.vlines(cell_lines, z_lo, z_hi, color="0.3", linewidth=0.8)
    zoom.hlines(cell_lines, z_lo, z_hi, color="0.3", linewidth=0.8)
    zoom.add_patch(Rectangle((centre_cell * step, centre_cell * step), step, step, facecolor=COLORS["highlight"]))
    zoom.set_xlim(z_lo, z_hi)
    zoom.set_ylim(z_hi, z_lo)
    zoom.set_xticks([])
    zoom.set_yticks([])
    zoom.text(1.06, 0.5, f"zoom:\n1 cell\n= {r.heatmap_stride:g} px", transform=zoom.transAxes, ha="left",
              va="center", fontsize=9, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    ax_grid.indicate_inset_zoom(zoom, edgecolor="0.2")
    ax_grid.set_xlim(lo - 5, hi + 5)
    ax_grid.set_ylim(hi + 5, lo - 5)
    ax_grid.set_aspect("equal")
    ax_grid.tick_params(labelsize=9)
    grid_note = "" if every == 1 else f"\n(grid: a line every {every} cells)"
    ax_grid.set_title(f"{n}×{n} input, {r.heatmap_size}×{r.heatmap_size} heatmap{grid_note}", fontsize=10)
    legend_for(ax_grid, {"input tile": COLORS["input"], "one heatmap cell": COLORS["highlight"],
                         f"its receptive field ({r.receptive_field} px)": COLORS["kernel"]},
               loc="upper left", bbox_to_anchor=(0.0, -0.04), ncol=1, fontsize=9)

    # (b) two objects at the peak stride
    _design_objects_panel(ax_obj, r, distance)

    # (c) the head's coverage
    if r.rates:
        from ..receptive import Layer

        head = [Layer(3, dilation=v) for v in r.rates]
        side = coverage_map(head).shape[0]
        im = _draw_coverage(ax_cov, head, side / 2 + 0.5, "")  # notebook 05's scale: holes black, few paths light
        bar = fig.colorbar(im, ax=ax_cov, fraction=0.046, pad=0.04)
        bar.set_label("paths (÷ the most-reached cell)", fontsize=9)
        hdc = "" if r.hdc is None else f", HDC: {'yes' if r.hdc else 'no'}"
        ax_cov.set_title(f"head rates {', '.join(map(str, r.rates))}: feature cells one output reads\n"
                         f"holes (black): {r.holes} = {r.hole_fraction:.0%}{hdc}", fontsize=10)
        ax_cov.set_xlabel("offset in feature cells", fontsize=9)
    else:
        ax_cov.axis("off")   # no head to map: the panel lists the design's numbers instead
        lines = [f"heatmap: {r.heatmap_size}×{r.heatmap_size}, {r.heatmap_stride:g} px per cell",
                 f"last learned layer every {r.peak_stride} px",
                 f"receptive field of one cell: {r.receptive_field} px",
                 f"compute ×{r.relative_compute:.2f}, activations ×{r.relative_memory:.2f}",
                 "no dilated head: no holes to map"]
        ax_cov.text(0.0, 0.85, "\n".join(lines), ha="left", va="top", fontsize=11, linespacing=1.6,
                    transform=ax_cov.transAxes)
        ax_cov.set_title("the design's numbers", fontsize=10)

    # (d) cost relative to ResNet-50 at OS 32, by part
    part_colors = ["#BBBBBB", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#0072B2"]
    for i, label in enumerate(("compute", "memory")):
        bottom = 0.0
        for (part, comp, mem), color in zip(r.cost_breakdown, part_colors):
            value = comp if label == "compute" else mem
            ax_cost.bar(i, value, bottom=bottom, color=color, edgecolor="white", width=0.6,
                        label=part if i == 0 else None)
            bottom += value
        ax_cost.text(i, bottom + 0.05, f"×{bottom:.2f}", ha="center", va="bottom", fontsize=10)
    ax_cost.axhline(1.0, color="0.2", linestyle=":", linewidth=1)
    ax_cost.text(1.42, 1.0, "ResNet-50,\nOS 32", va="center", fontsize=9)
    ax_cost.set_xticks([0, 1], ["multiply-adds", "activations"], fontsize=10)
    ax_cost.set_xlim(-0.6, 2.25)
    ax_cost.set_ylim(0, max(r.relative_compute, r.relative_memory) * 1.18 + 0.1)
    ax_cost.set_ylabel("relative to ResNet-50 at OS 32", fontsize=10)
    ax_cost.set_title("cost by part", fontsize=10)
    ax_cost.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)

    head = ", ".join(map(str, r.rates)) if r.rates else "none"
    up = f"×{r.upsample} {r.upsample_mode}" if r.upsample > 1 else "none"
    fig.suptitle(f"Design: input {n}, output stride {r.output_stride}, head rates ({head}), upsampling {up}",
                 fontsize=12)
    # fixed margins instead of tight_layout (slower)
    fig.subplots_adjust(left=0.07, right=0.86, bottom=0.06, top=0.9, wspace=0.3, hspace=0.62)
    return fig


def _design_objects_panel(ax: Axes, r: DesignReport, distance: float) -> None:
    """Panel (b) of :func:`design_figure`: two objects ``distance`` px apart on the grid of the last learned layer."""
    s = r.peak_stride
    share = cell_collision_fraction(distance, 0, s)
    near = cell_collision_fraction(distance, 0, s, within=1)
    window = int(max(3 * s, 2 * distance + 2 * s))
    _two_objects_panel(ax, s, s * 1.25, distance, window=window,
                       title=f"objects {distance:g} px apart, {s}-px grid of the last learned layer (least favourable offset):\n"
                             f"same cell at {share:.0%}, same or adjacent at {near:.0%} of offsets")
