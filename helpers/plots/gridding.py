"""Figures of notebook 05 · gridding artifacts: coverage maps, the HDC rule map, valid taps, stack overviews."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from ..gridding import (
    coverage_build_up,
    coverage_map,
    coverage_stats,
    dilated_stack,
    hdc_report,
    probe_image,
    stack_response,
    valid_weight_fraction,
)
from ..receptive import Layer
from ._style import COLORS

#: Path counts: light orange (few paths) to vermillion (most), so black holes and
#: the hatched white outside of the receptive field stand out.
PATHS_CMAP = LinearSegmentedColormap.from_list("paths", ["#FFE8B0", COLORS["output"], COLORS["kernel"]])


def _as_stacks(stacks: object, kernel: int) -> "dict[str, list[Layer]]":
    """``{title: layers}`` from a dict of layer lists or a list of rate tuples."""
    if isinstance(stacks, dict):
        return {str(title): list(layers) for title, layers in stacks.items()}
    out = {}
    for rates in stacks:  # type: ignore[union-attr]
        out["rates " + ", ".join(str(r) for r in rates)] = dilated_stack(rates, kernel=kernel)
    return out


def _own_pixel(layers: "list[Layer]", r: int) -> float:
    """Offset of the output's own pixel from the middle of its ``r``-pixel field.

    Stride-1 ``"same"`` layers pad ``floor(d (K-1) / 2)`` zeros before the map (PyTorch): for an even
    ``K`` the own pixel sits left of the middle. Other stacks: the middle (0).

    >>> from helpers import dilated_stack
    >>> _own_pixel(dilated_stack((1, 2, 5), kernel=2), 9), _own_pixel(dilated_stack((2, 4), kernel=3), 13)
    (-1.0, 0.0)
    """
    if all(layer.stride == 1 and layer.padding == "same" for layer in layers):
        return sum(layer.pads()[0] for layer in layers) - (r - 1) / 2
    return 0.0


def _draw_coverage(ax: Axes, layers: "list[Layer]", half: float, title: str) -> "object":
    """One coverage map, centred at offset 0, on axes spanning ``±half``; returns the image.

    The green + marks the output's own pixel: the middle of the field for odd kernels.
    """
    cov = coverage_map(layers)
    r = cov.shape[0]
    c = (r - 1) / 2
    ax.set_facecolor("white")  # outside the field: white with grey hatching, so no path count blends into it
    ax.add_patch(Rectangle((-half, -half), 2 * half, 2 * half, facecolor="white", edgecolor="0.75",
                           hatch="///", linewidth=0, zorder=0))
    shown = np.ma.masked_equal(cov / cov.max(), 0.0)
    cmap = PATHS_CMAP.with_extremes(bad=COLORS["hole"])
    im = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1, extent=(-c - 0.5, c + 0.5, c + 0.5, -c - 0.5),
                   interpolation="nearest")
    ax.add_patch(Rectangle((-c - 0.5, -c - 0.5), r, r, fill=False, edgecolor="0.35", linewidth=0.8))
    own = _own_pixel(layers, r)
    ax.plot([own], [own], marker="+", color=COLORS["highlight"], markersize=9, markeredgewidth=2)
    ax.set_xlim(-half, half)
    ax.set_ylim(half, -half)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    stats = coverage_stats(layers)
    ax.set_title(f"{title}\n{stats.reached} of {r}×{r} reached ({100 * stats.fraction:.1f} %)", fontsize=10)
    ax.tick_params(labelsize=9)
    return im


def coverage_maps(stacks: object, *, kernel: int = 3) -> Figure:
    """Coverage maps of several stacks side by side, on one common scale of input offsets.

    Each panel shows, for the centre output (green +), how many paths reach
    each input pixel of its receptive field (relative to the most-reached
    pixel); **holes** (no path) are black, pixels outside the receptive field
    white with grey hatching.

    Defined in notebook ``05_gridding_artifacts``.

    Parameters
    ----------
    stacks : list of rate tuples, or dict
        ``[(2, 2, 2), (1, 2, 5)]`` (stride-1 dilated ``kernel×kernel`` layers),
        or ``{title: list of Layer}`` for any stack.
    kernel : int
        Kernel size used for rate tuples.

    Examples
    --------
    >>> fig = coverage_maps([(2, 2, 2), (1, 2, 3)])
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes[:2]]
    ['rates 2, 2, 2', 'rates 1, 2, 3']
    >>> plt.close(fig)
    """
    named = _as_stacks(stacks, kernel)
    if not named:
        raise ValueError("stacks must hold at least one stack")
    sizes = {t: coverage_map(layers).shape[0] for t, layers in named.items()}
    half = max(sizes.values()) / 2 + 0.5
    n = len(named)
    width = 2.9 * n + 3.4  # 0.8 in of left margin, 2.6 in on the right for the key
    fig, axes = plt.subplots(1, n, figsize=(width, 3.9), squeeze=False)
    fig.subplots_adjust(left=0.8 / width, right=1 - 2.6 / width, top=0.84, bottom=0.13, wspace=0.25)
    im = None
    for ax, (title, layers) in zip(axes[0], named.items()):
        im = _draw_coverage(ax, layers, half, title)
    axes[0, 0].set_ylabel("input offset from the centre (px)", fontsize=9)
    for ax in axes[0]:
        ax.set_xlabel("input offset (px)", fontsize=9)
    key_left = 1 - 2.35 / width
    cax = fig.add_axes((key_left, 0.5, 0.12 / width, 0.34))
    bar = fig.colorbar(im, cax=cax)
    bar.set_label("paths from the centre output\n(÷ the most-reached pixel)", fontsize=9)
    bar.ax.tick_params(labelsize=8)
    handles = [
        Patch(facecolor=COLORS["hole"], label="hole: no path"),
        Patch(facecolor="white", edgecolor="0.6", hatch="///", label="outside the\nreceptive field"),
        Line2D([], [], marker="+", color=COLORS["highlight"], linestyle="none", markersize=9,
               markeredgewidth=2, label="the centre output's\nposition"),
    ]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(key_left - 0.1 / width, 0.44), frameon=False,
               fontsize=9)
    return fig


def gridding_artifact(
    image: "np.ndarray | None" = None,
    stacks: object = ((2, 2, 2), (2, 4, 8), (1, 2, 5), (1, 2, 3)),
    *,
    crop: "tuple[int, int, int] | None" = None,
    kernel: int = 3,
) -> Figure:
    """An image pushed through several stacks (averaging kernels), full view and a zoomed crop.

    Top row: the image and each stack's output; bottom row: the same crop
    (``(top, left, size)``, outlined in the top row) at pixel scale, where a
    grid pattern shows as neighbouring pixels that disagree. Every panel uses
    one grey scale, black 0 to white 1 (the image's range; averaging kernels
    keep the outputs inside it), so panels can be compared by brightness.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig = gridding_artifact(stacks=[(2, 2, 2)])
    >>> len(fig.axes)
    4
    >>> plt.close(fig)
    """
    img = probe_image(64) if image is None else np.asarray(image, dtype=float)
    named = _as_stacks(stacks, kernel)
    n = img.shape[0]
    top, left, size = crop if crop is not None else (n // 16, n // 16, max(n // 3, 8))
    panels = {"input image": img}
    for title, layers in named.items():
        panels[title] = stack_response(img, layers)
    cols = len(panels)
    fig, axes = plt.subplots(2, cols, figsize=(2.75 * cols, 6.0), squeeze=False)
    for j, (title, arr) in enumerate(panels.items()):
        for i, view in enumerate((arr, arr[top : top + size, left : left + size])):
            ax = axes[i, j]
            ax.imshow(view, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
        axes[0, j].set_title(title, fontsize=10)
        axes[0, j].add_patch(Rectangle((left - 0.5, top - 0.5), size, size, fill=False,
                                       edgecolor=COLORS["input"], linewidth=1.5))
        for spine in axes[1, j].spines.values():
            spine.set_edgecolor(COLORS["input"])
            spine.set_linewidth(2)
    axes[0, 0].set_ylabel(f"whole image ({n}×{n})", fontsize=9)
    axes[1, 0].set_ylabel(f"zoom: the blue {size}×{size} crop", fontsize=9)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.text(0.5, 0.015, "one grey scale for every panel: black 0, white 1", ha="center", fontsize=9)
    return fig


_HDC_CLASSES = {
    "is_hdc ✓ and no holes (rule right)": COLORS["highlight"],
    "is_hdc ✗ but no holes (rule too strict)": COLORS["input"],
    "paper's two conditions ✓ but holes (d₁ ≠ 1)": COLORS["kernel"],
    "is_hdc ✗ and holes (rule right)": "#3A3A3A",
}


def hdc_rule_map(first_rates: "tuple[int, ...]" = (1, 2, 3), *, max_rate: int = 8, kernel: int = 3) -> Figure:
    """The HDC rule against brute-force coverage for every triple ``(d₁, d₂, d₃)``.

    One panel per ``d₁``; rows ``d₂``, columns ``d₃`` from 1 to ``max_rate``;
    the colour says whether :func:`helpers.is_hdc` accepts the triple, whether
    the paper's two stated conditions do, and whether the stack has holes.
    The number in each cell is ``M₂``.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig = hdc_rule_map((1,), max_rate=4)
    >>> fig.axes[0].get_title()
    'd₁ = 1'
    >>> plt.close(fig)
    """
    colors = list(_HDC_CLASSES.values())
    cmap = ListedColormap(colors)
    n = len(first_rates)
    width = max(3.6 * n, 8.4)  # room for the legend and title
    fig, axes = plt.subplots(1, n, figsize=(width, 4.9), squeeze=False)
    fig.subplots_adjust(left=0.5 / width, right=1 - 0.15 / width, top=0.86, bottom=0.24, wspace=0.25)
    ticks = np.arange(max_rate)
    labels = [str(v) for v in range(1, max_rate + 1)]
    for ax, r1 in zip(axes[0], first_rates):
        classes = np.zeros((max_rate, max_rate), dtype=int)
        for i in range(max_rate):
            for j in range(max_rate):
                rep = hdc_report((r1, i + 1, j + 1), kernel=kernel)
                if rep.hdc:
                    cls = 0 if rep.holes == 0 else 3  # is_hdc with holes never happens (see the tests)
                elif rep.holes == 0:
                    cls = 1
                else:
                    cls = 2 if rep.paper_rule else 3
                classes[i, j] = cls
                ax.text(j, i, str(rep.max_gap), ha="center", va="center", fontsize=9,
                        color="white" if cls in (2, 3) else "black")
        ax.imshow(classes, cmap=cmap, vmin=-0.5, vmax=len(colors) - 0.5, interpolation="nearest")
        ax.set_xticks(ticks, labels, fontsize=9)
        ax.set_yticks(ticks, labels, fontsize=9)
        ax.set_xticks(ticks[:-1] + 0.5, minor=True)
        ax.set_yticks(ticks[:-1] + 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=1.0)
        ax.tick_params(which="both", length=0)
        ax.set_xlabel("d₃ (last layer)", fontsize=10)
        ax.set_ylabel("d₂", fontsize=10)
        ax.set_title(f"d₁ = {r1}", fontsize=11)
    handles = [Patch(facecolor=c, label=label) for label, c in _HDC_CLASSES.items()]
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, fontsize=9)
    fig.suptitle(f"HDC rule vs brute-force coverage, {kernel}×{kernel} kernels (number in a cell: M₂)", fontsize=11)
    return fig


def valid_taps_curves(
    sizes: "tuple[int, ...]" = (65, 33),
    *,
    max_rate: int = 80,
    kernel: int = 3,
    marks: "dict[int, tuple[int, ...]] | None" = None,
    notes: "dict[int, str] | None" = None,
) -> Figure:
    """Share of positions where a dilated filter has 1, 4 or all of its taps inside the map.

    One panel per map size, atrous rate on the x axis (DeepLabv3's Fig. 4 is
    the 65×65 panel for a 3×3 filter). ``marks`` draws dotted lines at chosen
    rates per size (default: ASPP's rates for a 513 crop at OS 8 and 16) and
    ``notes`` adds a note to a panel's title.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig = valid_taps_curves((65,), max_rate=10)
    >>> fig.axes[0].get_xlabel()
    'atrous rate'
    >>> plt.close(fig)
    """
    marks = {65: (12, 24, 36), 33: (6, 12, 18)} if marks is None else marks
    notes = {65: "513 crop at OS 8", 33: "513 crop at OS 16"} if notes is None else notes
    rates = np.arange(1, max_rate + 1)
    full = kernel * kernel
    # colour AND line style/marker tell the curves apart (orange and vermillion alone do not, for many readers)
    styles = {full: (COLORS["highlight"], f"{full} valid (the whole filter)", "-", None),
              kernel + 1 if kernel == 3 else 4: (COLORS["output"], "4 valid (a 2×2 corner)", "--", "o"),
              1: (COLORS["kernel"], "1 valid (only the centre: a 1×1)", "-.", "^")}
    fig, axes = plt.subplots(1, len(sizes), figsize=(max(5.2 * len(sizes), 7.0), 4.4), squeeze=False, sharey=True)
    for ax, size in zip(axes[0], sizes):
        shares = [valid_weight_fraction(size, int(r), kernel) for r in rates]
        others = [sum(v for k, v in s.items() if k not in styles) for s in shares]
        for count, (color, label, style, marker) in styles.items():
            ax.plot(rates, [s.get(count, 0.0) for s in shares], color=color, linewidth=2.2, label=label,
                    linestyle=style, marker=marker, markevery=max(len(rates) // 10, 1), markersize=5)
        ax.plot(rates, others, color=COLORS["neutral"], linewidth=1.2, linestyle=(0, (1, 1.5)), label="any other count")
        for r in (m for m in marks.get(size, ()) if m <= max_rate):
            ax.axvline(r, color=COLORS["accent"], linestyle=":", linewidth=1.5)
            ax.text(r + 0.6, 1.0, str(r), fontsize=9, color=COLORS["accent"], va="top")
        if size <= max_rate:
            ax.axvline(size, color="0.3", linewidth=0.8)
            ax.text(size + 0.8, 0.6, "rate = map size", rotation=90, fontsize=9, color="0.3", va="center")
        note = f" ({notes[size]})" if size in notes else ""
        ax.set_title(f"{kernel}×{kernel} filter on a {size}×{size} feature map{note}", fontsize=10)
        ax.set_xlabel("atrous rate", fontsize=10)
        ax.set_xlim(0, max_rate + 1)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=9)
    axes[0, 0].set_ylabel("share of output positions", fontsize=10)
    handles, _ = axes[0, 0].get_legend_handles_labels()
    if marks:
        handles.append(Line2D([], [], color=COLORS["accent"], linestyle=":", linewidth=1.5, label="ASPP rates"))
    fig.legend(handles=handles, loc="lower center", ncol=3 if len(sizes) > 1 else 2, frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.13 if len(sizes) > 1 else 0.18, 1, 1))
    return fig


def stack_overview(rates: "tuple[int, ...]", *, kernel: int = 3) -> Figure:
    """Coverage map of a rate schedule, and what the stack does to :func:`helpers.probe_image`.

    Once drawn by notebook 05's widget (retired: the dilated-stack explorer,
    ``helpers.explorers.dilated_stack_explorer``, shows it live); kept as a static
    picture a learner can call: the coverage map of the centre output (holes
    black), the 48×48 probe image, and its response to the stack with
    averaging kernels. Never raises for valid rates and kernel.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig = stack_overview((2, 4, 8))
    >>> [ax.get_title() for ax in fig.axes[1:3]]
    ['input: probe image', 'output of the stack']
    >>> plt.close(fig)
    """
    layers = dilated_stack(rates, kernel=kernel)
    r = coverage_map(layers).shape[0]
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 4.2), gridspec_kw={"width_ratios": [1.25, 1, 1]})
    fig.subplots_adjust(left=0.06, right=0.98, top=0.86, bottom=0.1, wspace=0.3)
    im = _draw_coverage(axes[0], layers, r / 2 + 0.5, "coverage of the centre output (black: hole)")
    axes[0].set_xlabel("input offset (px)", fontsize=9)
    bar = fig.colorbar(im, ax=axes[0], fraction=0.046, pad=0.03)
    bar.set_label("paths (÷ max)", fontsize=9)
    bar.set_ticks([0.0, 0.5, 1.0])
    bar.ax.tick_params(labelsize=8)
    img = probe_image(48)
    for ax, arr, title in ((axes[1], img, "input: probe image"),
                           (axes[2], stack_response(img, layers), "output of the stack")):
        ax.imshow(arr, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[2].set_xlabel("averaging kernels; both panels: black 0, white 1", fontsize=9)
    return fig




#: "Not reached yet" in the build-up animation: a light grey, so black keeps meaning "hole".
NOT_YET = "#D9D9D9"


def coverage_build_up_view(
    frame: int = 0, *, stacks: "tuple[tuple[int, ...], ...]" = ((2, 4, 8), (1, 2, 5)), kernel: int = 3
) -> Figure:
    """One frame of the holes appearing (or not) as dilated layers are stacked, tap by tap.

    Frame ``i`` draws step ``i`` of :func:`helpers.coverage_build_up` for
    each stack side by side: the path counts after the first layers and the
    first taps of the current one, grown from the centre output (green +) on
    the final receptive field, as in :func:`coverage_maps`. Light grey: not
    reached *yet*; on a stack's last step what is still unreached turns
    black — a hole, the colour holes have in every figure of the course.
    Sized for a player: 8.4 in wide (840 px at dpi 100), text of 11 pt.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig = coverage_build_up_view(0)
    >>> fig.axes[0].get_title().splitlines()[0]
    'rates 2, 4, 8'
    >>> plt.close(fig)
    """
    builds = [coverage_build_up(rates, kernel=kernel) for rates in stacks]
    n = len(stacks)
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 5.0), squeeze=False)
    fig.subplots_adjust(left=0.03, right=0.97, top=0.8, bottom=0.12, wspace=0.12)
    for ax, rates, steps in zip(axes[0], stacks, builds):
        last = frame >= len(steps) - 1
        caption, counts = steps[min(frame, len(steps) - 1)]
        r = counts.shape[0]
        c = (r - 1) / 2
        shown = np.ma.masked_equal(counts / max(counts.max(), 1), 0.0)
        empty = COLORS["hole"] if last else NOT_YET
        ax.imshow(shown, cmap=PATHS_CMAP.with_extremes(bad=empty), vmin=0, vmax=1,
                  interpolation="nearest", extent=(-c - 0.5, c + 0.5, c + 0.5, -c - 0.5))
        own = _own_pixel(dilated_stack(rates, kernel=kernel), r)
        ax.plot([own], [own], marker="+", color=COLORS["highlight"], markersize=12, markeredgewidth=2.5)
        unreached = int((counts == 0).sum())
        status = f"holes: {unreached} of {r * r}" if last else f"not reached yet: {unreached} of {r * r}"
        ax.set_title(f"rates {', '.join(map(str, rates))}\n{caption}\n{status}", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
    handles = [Patch(facecolor=NOT_YET, label="not reached yet"), Patch(facecolor=COLORS["hole"], label="hole (never reached)"),
               Patch(facecolor=COLORS["output"], label="reached (colour: paths)"),
               Line2D([], [], marker="+", color=COLORS["highlight"], linestyle="none", markersize=11,
                      markeredgewidth=2.5, label="centre output")]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False, fontsize=11)
    return fig


def gap_split_view(gap: int = 9, rates: "tuple[int, ...]" = (3, 5, 11)) -> Figure:
    """A 1-D picture of the HDC recurrence's three cases: what a 3-tap layer does to one gap.

    One row per rate ``d``: two reached offsets ``0`` and ``M = gap`` (black
    dots), the copies a layer of rate ``d`` places at ``±d`` around each
    (open circles; arrows), and the widths of the pieces the gap splits
    into, from :func:`helpers.gap_pieces`. With the defaults the rows show
    ``2d <= M``, ``d < M < 2d`` and ``d >= M``.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig = gap_split_view(9, (3, 5, 11))
    >>> [ax.get_title(loc="left").split(":")[0] for ax in fig.axes]
    ['rate d = 3', 'rate d = 5', 'rate d = 11']
    >>> plt.close(fig)
    """
    from ..gridding import gap_pieces

    m = gap
    lo, hi = -max(rates) - 1, m + max(rates) + 1
    fig, axes = plt.subplots(len(rates), 1, figsize=(9.0, 1.55 * len(rates) + 0.4), squeeze=False, sharex=True)
    fig.subplots_adjust(left=0.03, right=0.97, top=0.9, bottom=0.14, hspace=0.9)
    for ax, d in zip(axes[:, 0], rates):
        inside, pieces = gap_pieces(m, d)
        ax.axhline(0, color="0.6", linewidth=1, zorder=0)
        ax.axvspan(0, m, ymin=0.3, ymax=0.7, color=COLORS["padding"], zorder=0)
        for end, sign in ((0, 1), (m, -1)):
            for t in (-1, 1):
                ax.annotate("", xy=(end + t * d, 0.12), xytext=(end, 0.12),
                            arrowprops=dict(arrowstyle="->", color=COLORS["neutral"], linewidth=1,
                                            connectionstyle=f"arc3,rad={-0.25 * t}"))
                ax.plot([end + t * d], [0], "o", markersize=8, markerfacecolor="white",
                        markeredgecolor=COLORS["kernel"], markeredgewidth=1.8, zorder=3)
        ax.plot([0, m], [0, 0], "o", color="black", markersize=8, zorder=4)
        edges = (0, *inside, m)
        for a, b, w in zip(edges, edges[1:], pieces):
            ax.text((a + b) / 2, -0.3, str(w), ha="center", va="top", fontsize=11, color=COLORS["accent"])
        case = "2d ≤ M" if 2 * d <= m else ("d < M < 2d" if d < m else "d ≥ M")
        ax.set_title(f"rate d = {d}: {case} → pieces {', '.join(map(str, pieces))}", fontsize=11, loc="left")
        ax.set_ylim(-0.75, 0.75)
        ax.set_xlim(lo, hi)
        ax.set_yticks([])
        for spine in ("left", "right", "top"):
            ax.spines[spine].set_visible(False)
        ax.tick_params(labelsize=10)
    axes[-1, 0].set_xlabel(f"offset; black: the two ends of a gap of M = {m}; open: the copies at ±d; "
                           "blue: widths of the pieces", fontsize=10)
    return fig
