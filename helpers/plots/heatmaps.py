"""Figures of notebook 04 · output stride and heatmaps: heatmap grids, rate vs size, stride-for-dilation, costs, the heatmap cell."""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from .._validate import check_int
from ..receptive import output_sizes, receptive_field, resnet50_with_head
from ._style import COLORS


def _nb04_scene(n: int, seed: int = 0) -> "tuple[np.ndarray, tuple[float, float]]":
    """A synthetic aerial-like test image of side ``min(n, 400)`` and a keypoint in ``n``-pixel coordinates.

    Seeded and cached: a smooth ground texture, fields (rectangles), a road (a
    band), round tree crowns, and one small bright object whose centre is the
    keypoint.
    The image is drawn stretched over ``n × n`` input pixels.
    """
    return _nb04_scene_cached(int(n), int(seed))


@functools.lru_cache(maxsize=16)
def _nb04_scene_cached(n: int, seed: int) -> "tuple[np.ndarray, tuple[float, float]]":
    m = min(n, 400)
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:m, 0:m] / m  # fractions of the side
    # smooth ground texture: a coarse random grid, interpolated (no pixel noise, so PNGs stay small)
    coarse = rng.standard_normal((9, 9))
    t = np.linspace(0, 8, m)
    rows = np.array([np.interp(t, np.arange(9), row) for row in coarse])  # 9 x m
    texture = np.array([np.interp(t, np.arange(9), col) for col in rows.T]).T  # m x m
    img = 0.42 + 0.08 * np.sin(2 * np.pi * (x + 0.3 * y)) + 0.04 * texture
    for _ in range(5):  # fields
        x0, y0 = rng.uniform(0, 0.8, 2)
        w, h = rng.uniform(0.1, 0.3, 2)
        img[(x >= x0) & (x < x0 + w) & (y >= y0) & (y < y0 + h)] += rng.uniform(-0.2, 0.2)
    a, b = rng.uniform(0.3, 0.7, 2)  # a road: |x - (a + (b - a) y)| < width
    img[np.abs(x - (a + (b - a) * y)) < 0.02] = 0.7
    for _ in range(8):  # tree crowns
        cx, cy = rng.uniform(0.05, 0.95, 2)
        img[(x - cx) ** 2 + (y - cy) ** 2 < rng.uniform(0.0008, 0.002)] = 0.18
    kx, ky = rng.uniform(0.25, 0.75, 2)  # the keypoint object, in fractions
    img[(x - kx) ** 2 + (y - ky) ** 2 < 0.0004] = 0.95
    img = np.clip(img, 0.05, 0.95)
    img.setflags(write=False)
    # fraction f of the side maps to input coordinate f * n - 0.5 (pixel i covers [i - 0.5, i + 0.5])
    return img, (kx * n - 0.5, ky * n - 0.5)


def _nb04_show(ax: Axes, img: np.ndarray, n: int) -> None:
    ax.imshow(img, cmap="gray", vmin=0, vmax=1, extent=(-0.5, n - 0.5, n - 0.5, -0.5), interpolation="nearest")


def heatmap_grids(n: int = 256, *, output_strides: "tuple[int, ...]" = (32, 16, 8), seed: int = 0) -> Figure:
    """The same image under the heatmaps of ResNet-50 (TF-Slim) at several output strides.

    Each heatmap cell is drawn as the ``OS × OS`` square around its real
    receptive-field centre (:func:`helpers.cell_centers`, the geometry of
    notebook 04's section on where cells look): the pixels nearer to that
    centre than to any other: the keypoint positions for which that cell is
    the nearest. Dots mark the centres; the grid gets lighter as the cells get
    denser so that the filled cell and the dots stay visible. The cell nearest
    the keypoint is filled and outlined; the keypoint is a small cross drawn
    over it.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = heatmap_grids(256, output_strides=(32, 8))
    >>> [ax.get_title() for ax in fig.axes]
    ['OS 32: 8×8 heatmap', 'OS 8: 32×32 heatmap']
    >>> plt.close(fig)
    """
    from ..receptive import cell_centers, resnet50

    n = check_int("n", n, 1)
    strides = [check_int("output_strides", s, 1) for s in output_strides]
    img, (kx, ky) = _nb04_scene(n, check_int("seed", seed, 0))
    fig, axes = plt.subplots(1, len(strides), figsize=(4.2 * len(strides), 4.9), squeeze=False)
    for ax, os_ in zip(axes[0], strides):
        centers = np.array(cell_centers(resnet50(os_), n))
        cells = len(centers)
        _nb04_show(ax, img, n)
        edges = np.concatenate([centers - os_ / 2, [centers[-1] + os_ / 2]])  # cell u: centre ± OS/2
        lw, alpha = (1.0, 1.0) if cells <= 16 else (0.6, 0.6) if cells <= 24 else (0.45, 0.5)
        ax.vlines(edges, edges[0], edges[-1], color=COLORS["output"], linewidth=lw, alpha=alpha)
        ax.hlines(edges, edges[0], edges[-1], color=COLORS["output"], linewidth=lw, alpha=alpha)
        gx, gy = np.meshgrid(centers, centers)
        ax.plot(gx.ravel(), gy.ravel(), ".", color=COLORS["output"], markersize=3 if cells <= 16 else 2)
        j, i = int(np.abs(centers - kx).argmin()), int(np.abs(centers - ky).argmin())
        ax.add_patch(Rectangle((edges[j], edges[i]), os_, os_, facecolor=COLORS["highlight"], alpha=0.55,
                               edgecolor="none", zorder=3))
        ax.add_patch(Rectangle((edges[j], edges[i]), os_, os_, fill=False, edgecolor=COLORS["highlight"],
                               linewidth=2.2, zorder=5))
        ax.plot(kx, ky, "x", color="black", markersize=4, markeredgewidth=1.2, zorder=4)
        ax.set_title(f"OS {os_}: {cells}×{cells} heatmap", fontsize=12)
        lo, hi = min(-0.5, edges[0]) - 2, max(n - 0.5, edges[-1]) + 2
        ax.set_xlim(lo, hi)
        ax.set_ylim(hi, lo)
        ax.set_xlabel("input x (pixels)", fontsize=10)
        ax.tick_params(labelsize=9)
    axes[0][0].set_ylabel("input y (pixels)", fontsize=10)
    handles = [
        Patch(facecolor="0.55", edgecolor="0.4", label=f"input image ({n}×{n})"),
        Line2D([], [], color=COLORS["output"], linewidth=1.5, label="heatmap cells: OS×OS around each cell centre"),
        Line2D([], [], marker=".", linestyle="", color=COLORS["output"], markersize=7, label="cell centres (receptive-field centres)"),
        Patch(facecolor=COLORS["highlight"], alpha=0.7, edgecolor=COLORS["highlight"], label="the cell nearest the keypoint"),
        Line2D([], [], marker="x", linestyle="", color="black", markersize=6, label="keypoint"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=10)
    fig.tight_layout(rect=(0, 0.11, 1, 1))
    return fig


def heatmap_size_vs_rate(n: int = 65, *, kernel: int = 3, max_rate: int = 40, marks: "tuple[int, ...]" = (12, 24, 36)) -> Figure:
    """Output size of one stride-1 atrous convolution against its rate, for three paddings.

    ``padding = d (K - 1) / 2`` keeps the size at every rate; a padding fixed at
    ``(K - 1) / 2`` (right for rate 1) or 0 ("valid") loses ``K - 1``
    pixels per unit of rate, until the kernel no longer fits. ``marks`` draws
    dotted lines at chosen rates (DeepLab's ASPP rates at OS 8).

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = heatmap_size_vs_rate(65)
    >>> [line.get_label() for line in fig.axes[0].get_lines()][:3]
    ['padding = rate·(K−1)/2 (“same”)', 'padding = (K−1)/2 = 1 (right for rate 1)', 'padding = 0 (“valid”)']
    >>> plt.close(fig)
    """
    from ..arithmetic import conv_output_size

    n = check_int("n", n, 1)
    k = check_int("kernel", kernel, 1)
    if k % 2 == 0:
        raise ValueError(f"kernel must be odd (so that padding = rate·(K−1)/2 is whole), got {k}")
    top = check_int("max_rate", max_rate, 1)
    rates = np.arange(1, top + 1)

    def sizes(pad_of):
        out = []
        for d in rates:
            try:
                out.append(conv_output_size(n, k, padding=pad_of(int(d)), dilation=int(d)))
            except ValueError:
                out.append(np.nan)
        return np.array(out, dtype=float)

    fig, ax = plt.subplots(figsize=(8, 4.4))
    series = [
        ("padding = rate·(K−1)/2 (“same”)", lambda d: d * (k - 1) // 2, COLORS["highlight"], "-"),
        (f"padding = (K−1)/2 = {(k - 1) // 2} (right for rate 1)", lambda d: (k - 1) // 2, COLORS["kernel"], "--"),
        ("padding = 0 (“valid”)", lambda d: 0, COLORS["accent"], ":"),
    ]
    for label, pad_of, color, style in series:
        ax.plot(rates, sizes(pad_of), style, color=color, linewidth=2.5, label=label)
    for d in marks:
        if 1 <= d <= top:
            ax.axvline(d, color=COLORS["neutral"], linewidth=1, linestyle=(0, (1, 3)))
            ax.text(d, n * 1.04, f"rate {d}", ha="center", va="bottom", fontsize=9, color="0.3")
    ax.set_ylim(0, n * 1.15)
    ax.set_xlim(0.5, top + 0.5)
    ax.set_xlabel(f"atrous rate d of a {k}×{k} convolution, stride 1", fontsize=11)
    ax.set_ylabel("output size (cells per side)", fontsize=11)
    ax.set_title(f"A {n}×{n} map through one atrous convolution: the padding decides whether the rate matters", fontsize=12)
    ax.tick_params(labelsize=10)
    ax.legend(loc="lower left", fontsize=10, frameon=True)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def stride_for_dilation(*, kernel: int = 3, width: int = 192, center: int = 96) -> Figure:
    """DeepLab's move on one axis: the taps of block 4's 3×3 convolution, in input pixels.

    Four rows: the classification network (OS 32, rate 1); the last stride
    removed without dilation (OS 16, rate 1: taps half as far apart, the
    receptive field shrinks); DeepLab's OS 16 (rate 2) and OS 8 (rate 4):
    outputs twice / four times as dense, taps exactly where they were.
    Each output at position ``x`` reads the feature map at ``x + t · rate · OS``.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = stride_for_dilation()
    >>> len(fig.axes[0].get_yticklabels())
    4
    >>> plt.close(fig)
    """
    k = check_int("kernel", kernel, 1)
    width = check_int("width", width, 1)
    center = check_int("center", center, 0, width)
    rows = [
        (32, 1, "OS 32, rate 1\n(classification)"),
        (16, 1, "OS 16, rate 1\n(stride removed only)"),
        (16, 2, "OS 16, rate 2\n(DeepLab)"),
        (8, 4, "OS 8, rate 4\n(DeepLab)"),
    ]
    fig, ax = plt.subplots(figsize=(10.5, 5.2))
    half = (k - 1) / 2
    for row, (os_, rate, label) in enumerate(rows):
        y = row * 1.3
        feats = np.arange(0, width + 1, os_)
        ax.plot(feats, np.full(len(feats), y), "o", color=COLORS["input"], markersize=7, markeredgecolor="0.3", zorder=2)
        ax.plot(feats, np.full(len(feats), y + 0.55), "s", color=COLORS["output"], markersize=7, markeredgecolor="0.3", zorder=2)
        taps = center + (np.arange(k) - half) * rate * os_
        for t in taps:
            ax.plot([center, t], [y + 0.55, y], color=COLORS["kernel"], linewidth=2, zorder=3)
        ax.plot(taps, np.full(k, y), "o", color=COLORS["kernel"], markersize=10, zorder=4)
        ax.plot([center], [y + 0.55], "s", color=COLORS["highlight"], markersize=11, markeredgecolor="0.2", zorder=4)
        span = int((k - 1) * rate * os_)
        ax.text(width + 8, y + 0.27, f"outputs every {os_} px\ntaps {rate * os_} px apart (outer taps {span} px)",
                va="center", fontsize=10)
    ax.set_yticks([row * 1.3 + 0.27 for row in range(len(rows))], [r[2] for r in rows], fontsize=10)
    ax.set_ylim(len(rows) * 1.3 - 0.4, -0.5)
    ax.set_xlim(-8, width + 95)
    ax.set_xticks(np.arange(0, width + 1, 32))
    ax.tick_params(axis="x", labelsize=10)
    ax.set_xlabel("position in the input (pixels)", fontsize=11)
    ax.set_title(f"Block 4's {k}×{k} convolution: where one output's taps land in the input", fontsize=12)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, width)
    ax.tick_params(axis="y", length=0)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=COLORS["input"], markeredgecolor="0.3", label="positions of the map it reads"),
        Line2D([], [], marker="s", linestyle="", color=COLORS["output"], markeredgecolor="0.3", label="its outputs (heatmap positions)"),
        Line2D([], [], marker="o", color=COLORS["kernel"], label="the taps of one output"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.4, -0.13), ncol=3, frameon=False, fontsize=10)
    fig.tight_layout()
    return fig


_NB04_STAGES = ("stem", "block1", "block2", "block3", "block4")


def stage_costs(input_size: int = 513, *, output_strides: "tuple[int, ...]" = (32, 16, 8)) -> Figure:
    """Multiply-adds and activation memory of ResNet-50's stages at several output strides.

    Uses :func:`helpers.resnet50_costs` (TF-Slim layout, projection shortcuts
    included): grouped bars per stage, one colour per output stride.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = stage_costs(512)
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['stem', 'block1', 'block2', 'block3', 'block4']
    >>> plt.close(fig)
    """
    from ..arithmetic import heatmap_size
    from ..receptive import _resnet_stage, resnet50_costs

    n = check_int("input_size", input_size, 1)
    colors = [COLORS["neutral"], COLORS["input"], COLORS["kernel"], COLORS["highlight"]]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
    x = np.arange(len(_NB04_STAGES))
    width = 0.8 / len(output_strides)
    for i, os_ in enumerate(output_strides):
        costs = resnet50_costs(n, output_stride=os_)
        macs = [sum(c.macs for c in costs if _resnet_stage(c.name) == s) / 1e9 for s in _NB04_STAGES]
        mem = [sum(c.activations for c in costs if _resnet_stage(c.name) == s) * 4 / 2**20 for s in _NB04_STAGES]
        size = heatmap_size(n, os_)
        for ax, values in zip(axes, (macs, mem)):
            ax.bar(x + (i - (len(output_strides) - 1) / 2) * width, values, width,
                   color=colors[i % len(colors)], edgecolor="0.3", label=f"OS {os_} ({size}×{size} heatmap)")
    for ax, title, unit in zip(axes, ("Compute per stage", "Activation memory per stage"),
                               ("multiply-adds (billions)", "layer outputs, float32 (MiB)")):
        ax.set_xticks(x, _NB04_STAGES, fontsize=10)
        ax.set_ylabel(unit, fontsize=10)
        ax.set_title(f"{title}, {n}×{n} input", fontsize=12)
        ax.tick_params(labelsize=10)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=10, loc="upper left")
    fig.tight_layout()
    return fig


def heatmap_cell(
    input_size: int = 513, output_stride: int = 16, rate: int = 6, *, padding: str = "same", seed: int = 0
) -> Figure:
    """Where the heatmap cells of ResNet-50 + one atrous head look, and how coarse they are.

    The network is :func:`helpers.resnet50` at ``output_stride`` followed by a
    3×3 atrous convolution at ``rate`` (one ASPP branch) with padding
    ``"same"`` (= rate), ``"one"`` (padding 1, right only for rate 1) or
    ``"valid"``. Left: the heatmap cells over the input, each drawn
    as the ``OS × OS`` square around its receptive-field centre
    (:func:`helpers.cell_centers`); the cell whose centre is nearest the
    keypoint is filled.
    Middle: that cell's receptive field, zoomed out to show all of it (grey:
    the zero padding outside the image). Right, zoomed in around the
    keypoint: an ideal heatmap (a Gaussian of σ = 1 cell at the keypoint,
    sampled at the cell centres) and the centre its arg-max decodes to.

    Raises ``ValueError`` with a sentence when the setting is impossible.
    Once drawn by notebook 04's widget (retired: the heatmap explorer,
    ``helpers.explorers.heatmap_explorer``, shows the same idea live); kept
    as a static picture a learner can call.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = heatmap_cell(513, 16, 6)
    >>> fig.axes[0].get_title()
    'OS 16: 33×33 heatmap cells over the input'
    >>> plt.close(fig)
    """
    data = _heatmap_cell_data(input_size, output_stride, rate, padding, seed)
    fig = plt.figure(figsize=(12.5, 4.9))
    _heatmap_cell_draw(_heatmap_cell_skeleton(fig), data)
    return fig


def _heatmap_cell_data(input_size: int, output_stride: int, rate: int, padding: str, seed: int) -> dict:
    """Everything :func:`heatmap_cell` draws, computed (raises ValueError on an impossible setting)."""
    from ..receptive import cell_centers

    n = check_int("input_size", input_size, 1)
    os_ = check_int("output_stride", output_stride, 1)
    rate = check_int("rate", rate, 1)
    if padding not in ("same", "one", "valid"):
        raise ValueError(f"padding must be one of 'same', 'one', 'valid', got {padding!r}")
    seed = check_int("seed", seed, 0)
    layers = resnet50_with_head(os_, rate, padding=padding)
    try:
        cells = output_sizes(layers, n)[-1]
    except ValueError:
        before = output_sizes(layers[:-1], n)[-1]
        pad = {"same": rate, "one": 1, "valid": 0}[padding]
        raise ValueError(
            f"the head's 3×3 kernel at rate {rate} spans {2 * rate + 1} cells, but the {before}-cell map "
            f"padded by {pad} on each side has only {before + 2 * pad}: the heatmap would be empty"
        ) from None
    centers = np.array(cell_centers(layers, n))
    row = receptive_field(layers, input_size=n)[-1]
    img, (kx, ky) = _nb04_scene(n, seed)
    j, i = int(np.abs(centers - kx).argmin()), int(np.abs(centers - ky).argmin())
    edges = np.concatenate([centers - row.S / 2, [centers[-1] + row.S / 2]])  # cell u: centre ± S/2
    return {"n": n, "os": os_, "cells": cells, "centers": centers, "row": row, "img": img, "kx": kx, "ky": ky,
            "i": i, "j": j, "cx": centers[j], "cy": centers[i], "edges": edges}  # fmt: skip


def _heatmap_cell_skeleton(fig: Figure) -> dict:
    """The artists of :func:`heatmap_cell`, created once with placeholder data; returns them by name."""
    left, mid, right = fig.subplots(1, 3)
    blank = np.zeros((1, 1))
    art: dict = {"axes": (left, mid, right)}
    art["left_img"] = left.imshow(blank, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    art["vlines"] = left.vlines([], 0, 1, color=COLORS["output"])
    art["hlines"] = left.hlines([], 0, 1, color=COLORS["output"])
    (art["dots"],) = left.plot([], [], ".", color=COLORS["output"], markersize=4)
    art["left_cell"] = left.add_patch(Rectangle((0, 0), 1, 1, facecolor=COLORS["highlight"], alpha=0.6,
                                                edgecolor=COLORS["highlight"], linewidth=2))
    (art["left_key"],) = left.plot([], [], "P", color=COLORS["input"], markersize=9, markeredgecolor="white",
                                   markeredgewidth=1.0, zorder=6)  # above the grid lines and the chosen cell
    mid.set_facecolor(COLORS["padding"])
    art["mid_img"] = mid.imshow(blank, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    art["image_box"] = mid.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=COLORS["input"], linewidth=2))
    art["rf_box"] = mid.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=COLORS["kernel"], linewidth=2.5,
                                            linestyle="--"))
    art["mid_cell"] = mid.add_patch(Rectangle((0, 0), 1, 1, facecolor=COLORS["highlight"], edgecolor="white", linewidth=1))
    art["mesh"] = None
    (art["decode_line"],) = right.plot([], [], "-", color="white", linewidth=1.2)
    (art["right_key"],) = right.plot([], [], "P", color=COLORS["input"], markersize=14, markeredgecolor="black",
                                     markeredgewidth=0.8)
    (art["right_centre"],) = right.plot([], [], "o", color=COLORS["output"], markersize=9, markeredgecolor="white")
    right.set_aspect("equal")
    for ax in (left, mid, right):
        ax.set_xlabel("input x (pixels)", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.locator_params(nbins=4)  # fewer tick labels: a lighter picture
    left.set_ylabel("input y (pixels)", fontsize=10)
    handles = [
        Line2D([], [], color=COLORS["output"], linewidth=1.5, label="heatmap cells: OS×OS around each centre"),
        Patch(facecolor=COLORS["highlight"], alpha=0.7, label="cell nearest the keypoint"),
        Line2D([], [], color=COLORS["kernel"], linewidth=2, linestyle="--", label="its receptive field"),
        Patch(facecolor=COLORS["padding"], edgecolor=COLORS["input"], label="zero padding (outside the image)"),
        Line2D([], [], marker="P", linestyle="", color=COLORS["input"], markeredgecolor="black", markersize=9,
               label="true keypoint"),
        Line2D([], [], marker="o", linestyle="", color=COLORS["output"], markeredgecolor="0.3", label="decoded (cell centre)"),
    ]
    art["legend"] = fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=10)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.2, top=0.94, wspace=0.25)  # fixed: tight_layout is slow
    return art


def _heatmap_cell_draw(art: dict, d: dict) -> None:
    """Set every artist of :func:`_heatmap_cell_skeleton` to show the setting computed in ``d``."""
    left, mid, right = art["axes"]
    n, cells, row, edges, centers = d["n"], d["cells"], d["row"], d["edges"], d["centers"]
    kx, ky, cx, cy, i, j = d["kx"], d["ky"], d["cx"], d["cy"], d["i"], d["j"]
    extent = (-0.5, n - 0.5, n - 0.5, -0.5)
    # left: cells over the image
    for key in ("left_img", "mid_img"):
        art[key].set_data(d["img"])
        art[key].set_extent(extent)
    lw, alpha = (0.9, 1.0) if cells <= 24 else (0.5, 0.55) if cells <= 40 else (0.35, 0.4)
    lo_e, hi_e = edges[0], edges[-1]
    art["vlines"].set_segments([[(e, lo_e), (e, hi_e)] for e in edges])
    art["hlines"].set_segments([[(lo_e, e), (hi_e, e)] for e in edges])
    for key in ("vlines", "hlines"):
        art[key].set_linewidth(lw)
        art[key].set_alpha(alpha)
    if cells <= 20:
        gx, gy = np.meshgrid(centers, centers)
        art["dots"].set_data(gx.ravel(), gy.ravel())
    else:
        art["dots"].set_data([], [])
    for key in ("left_cell", "mid_cell"):
        art[key].set_xy((edges[j], edges[i]))
        art[key].set_width(row.S)
        art[key].set_height(row.S)
    art["left_key"].set_data([kx], [ky])
    left.set_xlim(-0.5, n - 0.5)
    left.set_ylim(n - 0.5, -0.5)
    left.set_title(f"OS {d['os']}: {cells}×{cells} heatmap cells over the input", fontsize=11)
    # middle: the receptive field of the chosen cell
    x0, y0 = j * row.S - row.P, i * row.S - row.P
    lo, hi = min(x0, y0, 0) - 0.5, max(x0, y0) + row.r - 0.5
    lo, hi = min(lo, -0.5), max(hi, n - 0.5)
    margin = 0.04 * (hi - lo)
    art["image_box"].set_width(n)
    art["image_box"].set_height(n)
    art["rf_box"].set_xy((x0 - 0.5, y0 - 0.5))
    art["rf_box"].set_width(row.r)
    art["rf_box"].set_height(row.r)
    mid.set_xlim(lo - margin, hi + margin)
    mid.set_ylim(hi + margin, lo - margin)
    mid.set_title(f"its receptive field: {row.r}×{row.r} px", fontsize=11)
    # right: the heatmap near the keypoint
    sigma = float(row.S)
    g = np.exp(-((centers[None, :] - kx) ** 2 + (centers[:, None] - ky) ** 2) / (2 * sigma**2))
    if art["mesh"] is not None:
        art["mesh"].remove()  # the number of cells changes with the setting: a new mesh
    art["mesh"] = right.pcolormesh(edges, edges, g, cmap="magma", vmin=0, vmax=1, shading="flat", edgecolors="0.45",
                                   linewidth=0.4)
    art["decode_line"].set_data([kx, cx], [ky, cy])
    art["right_key"].set_data([kx], [ky])
    art["right_centre"].set_data([cx], [cy])
    half = 3.5 * row.S
    zx = (max(-0.5, cx - half), min(n - 0.5, cx + half))
    zy = (max(-0.5, cy - half), min(n - 0.5, cy + half))
    right.set_xlim(*zx)
    right.set_ylim(zy[1], zy[0])
    right.set_title(f"heatmap (zoom): arg-max → ({cx:g}, {cy:g})", fontsize=11)
    art["legend"].get_texts()[0].set_text("heatmap cells: OS×OS around each centre" + (" (dots)" if cells <= 20 else ""))



