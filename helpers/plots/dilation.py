"""Figures of notebook 02 · dilation: dilated taps, sub-grids, output size against the rate."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from .._validate import check_int as _check_int
from ..arithmetic import conv_output_size as _conv_output_size
from ..arithmetic import effective_kernel_size as _effective_kernel_size
from ..arithmetic import same_padding as _same_padding
from ..conv import space_to_batch as _space_to_batch
from ._style import COLORS, draw_cells
from .stride import _CELL, _conv_geometry, _conv_legend_handles, _draw_conv_scene, _scene_xlim

#: Colours of the d×d interleaved sub-grids (Okabe–Ito first, then two light extras; d <= 3).
_SUBGRID_COLORS = ["#56B4E9", "#E69F00", "#009E73", "#F0E442", "#0072B2", "#CC79A7", "#999999", "#B8E0A8", "#F3B5A0"]


def _draw_taps(ax: Axes, top: int, left: int, kernel: int, dilation: int, *, labels: bool = True) -> None:
    """Colour the taps of one dilated kernel and hatch the skipped pixels inside its span."""
    from matplotlib.collections import PolyCollection

    span = _effective_kernel_size(kernel, dilation)
    is_tap = (np.arange(span)[:, None] % dilation == 0) & (np.arange(span)[None, :] % dilation == 0)
    draw_cells(ax, np.where(is_tap, COLORS["kernel"], None), origin=(left, top))
    ii, jj = np.nonzero(~is_tap)
    if len(ii):
        corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
        verts = corners[None] + np.stack([left + jj, top + ii], axis=1)[:, None, :]
        ax.add_collection(PolyCollection(verts, facecolors="white", edgecolors="0.55", linewidths=0.8,
                                         hatch="///" if span <= 9 else None))  # hatching hundreds of cells is slow
    if labels:
        for i, j in zip(*np.nonzero(is_tap)):
            ax.text(left + j + 0.5, top + i + 0.5, f"{i // dilation}{j // dilation}", ha="center", va="center",
                    fontsize=8.5, color="white")
    ax.add_patch(Rectangle((left, top), span, span, fill=False, edgecolor="black", linestyle="--", linewidth=1.8))


def dilated_taps(kernel: int = 3, dilations: "tuple[int, ...]" = (1, 2, 3), *, n: "int | None" = None) -> Figure:
    """Where the taps of a dilated ``kernel × kernel`` kernel land on the input, one panel per rate.

    Each tap is labelled with its weight's index (row, column); the skipped
    pixels inside the kernel's span (the "holes") are hatched, and the span
    ``K + (K - 1)(d - 1)`` is outlined.

    Defined in notebook ``02_dilation``.

    Parameters
    ----------
    kernel : int
        Taps per axis (1 to 7).
    dilations : sequence of int
        One panel per dilation rate (1 to 6 panels, each rate >= 1).
    n : int, optional
        Input size drawn; default the largest span + 2.

    Examples
    --------
    >>> fig = dilated_taps(3, (1, 2, 3))
    >>> [ax.get_title(loc="left").splitlines()[0] for ax in fig.axes]
    ['d = 1: span 3×3', 'd = 2: span 5×5', 'd = 3: span 7×7']
    >>> plt.close(fig)
    """
    k = _check_int("kernel", kernel, 1, 7)
    if isinstance(dilations, (str, bytes)) or not hasattr(dilations, "__len__") or not 1 <= len(dilations) <= 6:
        raise ValueError(f"dilations must be a sequence of 1 to 6 rates, got {dilations!r}")
    ds = [_check_int(f"dilations[{i}]", d, 1) for i, d in enumerate(dilations)]
    spans = [_effective_kernel_size(k, d) for d in ds]
    n = max(spans) + 2 if n is None else _check_int("n", n, max(spans))
    fig, axes = plt.subplots(1, len(ds), squeeze=False)
    for ax, d, span in zip(axes[0], ds, spans):
        draw_cells(ax, np.full((n, n), COLORS["input"], dtype=object))
        corner = (n - span) // 2
        _draw_taps(ax, corner, corner, k, d, labels=n <= 16)
        ax.set_xlim(-0.2, n + 0.2)
        ax.set_ylim(n + 0.2, -0.2)
        ax.axis("off")
        ax.set_title(f"d = {d}: span {span}×{span}\n{k * k} weights, {k * k} multiply-adds per output", fontsize=10.5,
                     loc="left")
    handles = [
        Patch(facecolor=COLORS["input"], edgecolor="0.4", label="input pixel"),
        Patch(facecolor=COLORS["kernel"], edgecolor="0.4", label="tap (a weight; label = its index)"),
        Patch(facecolor="white", edgecolor="0.55", hatch="///", label="skipped pixel inside the span (a hole)"),
        Patch(facecolor="none", edgecolor="black", linestyle="--", label="span of the dilated kernel"),
    ]
    size = min(3.2, 10.0 / len(ds))
    fig.set_size_inches(max(size * len(ds), 6.6), size + 1.3)  # at least as wide as the two-column legend
    fig.subplots_adjust(left=0.02, right=0.98, wspace=0.1, bottom=0.8 / fig.get_figheight(), top=1 - 0.6 / fig.get_figheight())
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=10, frameon=False)
    return fig


def subgrids(n: int = 8, dilation: int = 2, *, kernel: int = 3) -> Figure:
    """The ``d × d`` interleaved sub-grids of an input, and why a dilated kernel stays on one of them.

    Left: the input, each pixel coloured by its sub-grid ``(row mod d, column
    mod d)``, with the taps of one dilated kernel: they all fall on one colour.
    Right: the sub-grids pulled apart (space-to-batch), where the same taps are
    neighbours, i.e. an ordinary ``kernel × kernel`` convolution.

    Defined in notebook ``02_dilation``.

    Examples
    --------
    >>> fig = subgrids(8, 2)
    >>> fig.axes[0].get_title(loc="left")
    'input 8×8, coloured by sub-grid\\n(row mod 2, column mod 2)'
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 1)
    d = _check_int("dilation", dilation, 1, 3)
    k = _check_int("kernel", kernel, 1)
    span = _effective_kernel_size(k, d)
    if span > n:
        raise ValueError(f"kernel does not fit: the dilated kernel spans {span} pixels, the input has {n}")
    ids = (np.arange(n)[:, None] % d) * d + (np.arange(n)[None, :] % d)
    palette = np.array(_SUBGRID_COLORS, dtype=object)
    batch = _space_to_batch(ids.astype(float), d)  # only its shape is used: every sub-grid is h×h
    h = batch.shape[1]
    gap = 1.6
    fig, axes = plt.subplots(1, 2, gridspec_kw={"width_ratios": [n, d * h + (d - 1) * gap]})
    ax = axes[0]
    draw_cells(ax, palette[ids])
    for i in range(k):
        for j in range(k):
            ax.plot(j * d + 0.5, i * d + 0.5, "o", color="black", markersize=7, markeredgecolor="white")
    ax.add_patch(Rectangle((0, 0), span, span, fill=False, edgecolor="black", linestyle="--", linewidth=1.8))
    ax.set_xlim(-0.2, n + 0.2)
    ax.set_ylim(n + 0.2, -0.2)
    ax.axis("off")
    ax.set_title(f"input {n}×{n}, coloured by sub-grid\n(row mod {d}, column mod {d})", fontsize=10, loc="left")
    ax = axes[1]
    for r in range(d):
        for c in range(d):
            rows = len(range(r, n, d))
            cols = len(range(c, n, d))
            ox, oy = c * (h + gap), r * (h + gap)
            draw_cells(ax, np.full((rows, cols), palette[r * d + c], dtype=object), origin=(ox, oy))
            ax.text(ox, oy - 0.15, f"({r}, {c}): {rows}×{cols}", fontsize=9, va="bottom")
            if (r, c) == (0, 0):
                for i in range(k):
                    for j in range(k):
                        ax.plot(ox + j + 0.5, oy + i + 0.5, "o", color="black", markersize=7, markeredgecolor="white")
    ax.set_xlim(-0.2, d * h + (d - 1) * gap + 0.2)
    ax.set_ylim(d * h + (d - 1) * gap + 0.2, -1.0)
    ax.axis("off")
    ax.set_title(f"space-to-batch: the {d * d} sub-grids (r, c) pulled apart;\nthe same taps are now neighbours",
                 fontsize=10, loc="left")
    fig.set_size_inches(0.34 * (n + d * h + (d - 1) * gap + 2), 0.34 * (n + 2) + 1.1)
    handles = [Line2D([], [], marker="o", color="black", markeredgecolor="white", linestyle="none", markersize=7,
                      label=f"taps of one {k}×{k} kernel, dilation {d}")]
    fig.legend(handles=handles, loc="lower center", fontsize=10, frameon=False)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.5 / fig.get_figheight(), top=1 - 0.45 / fig.get_figheight(), wspace=0.08)
    return fig


def output_size_vs_dilation(n: int, kernel: int = 3, *, dilations: "tuple[int, ...] | None" = None) -> Figure:
    """Output size over the dilation rate: valid padding (shrinks, then the kernel no longer fits)
    versus the size-preserving padding ``P = d(K - 1)/2`` (flat), stride 1.

    Defined in notebook ``02_dilation``.

    Examples
    --------
    >>> fig = output_size_vs_dilation(33, 3)
    >>> [line.get_label() for line in fig.axes[0].get_lines()][:2]
    ['P = d(K−1)/2: size kept', 'valid (P = 0)']
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 1)
    k = _check_int("kernel", kernel, 1)
    if dilations is None:
        dilations = tuple(range(1, max(2, (n - 1) // max(k - 1, 1) + 3)))
    if isinstance(dilations, (str, bytes)) or not hasattr(dilations, "__len__") or not len(dilations):
        raise ValueError(f"dilations must be a non-empty sequence of rates, got {dilations!r}")
    ds = [_check_int(f"dilations[{i}]", d, 1) for i, d in enumerate(dilations)]
    same = [_conv_output_size(n, k, padding=_same_padding(n, k, dilation=d), dilation=d) for d in ds]
    fits = [d for d in ds if _effective_kernel_size(k, d) <= n]
    valid = [_conv_output_size(n, k, dilation=d) for d in fits]
    no_fit = [d for d in ds if _effective_kernel_size(k, d) > n]
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.plot(ds, same, "o-", color=COLORS["accent"], label="P = d(K−1)/2: size kept")
    ax.plot(fits, valid, "s-", color=COLORS["kernel"], label="valid (P = 0)")
    if no_fit:
        ax.plot(no_fit, [0] * len(no_fit), "x", color=COLORS["kernel"], markersize=9, markeredgewidth=2,
                label="valid: does not fit (error)")

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("dilation rate d", fontsize=10)
    ax.set_ylabel("output size", fontsize=10)
    ax.set_title(f"input {n}, kernel {k}, stride 1", fontsize=11, loc="left")
    ax.set_ylim(-1.5, n * 1.08 + 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="lower left", frameon=True)
    ax.tick_params(labelsize=9)
    return fig


def dilated_window(
    n: int, kernel: int, *, dilation: int = 1, stride: int = 1, padding: int = 0, frame: int = 0,
    interior: bool = False,
) -> Figure:
    """The taps of a dilated kernel at one window position on the padded input, the output, and
    the equivalent zero-inserted kernel.

    Input pixels that no tap ever reads (e.g. every other pixel when stride
    and dilation are both 2) are marked "never visited". With ``interior=True`` a dashed square
    marks the interior, padded positions ``d(K − 1) … (N_out − 1)·S`` on both axes, where the
    residue rule of notebook 02 decides which pixels are read.

    Defined in notebook ``02_dilation``.

    Examples
    --------
    >>> fig = dilated_window(9, 3, dilation=2)
    >>> fig.axes[1].texts[-1].get_text()
    'zero-inserted kernel 5×5\\n(9 taps, 16 zeros)'
    >>> plt.close(fig)
    """
    geo = _conv_geometry(n, kernel, stride, padding, dilation)
    oh, ow = geo["out"]
    frame = _check_int("frame", frame, 0, oh * ow - 1)
    k, d = geo["k"][0], geo["d"][0]
    span = _effective_kernel_size(k, d)
    scene_w, kernel_w = np.diff(_scene_xlim(geo)).item(), max(span, 7) + 0.4  # data widths: equal cells in both panels
    fig, axes = plt.subplots(1, 2, gridspec_kw={"width_ratios": [scene_w, kernel_w]})
    info = _draw_conv_scene(axes[0], geo, frames=(frame,))
    ax = axes[1]
    _draw_taps(ax, 0, 0, k, d, labels=span <= 11)
    ax.set_xlim(-0.2, max(span, 7) + 0.2)
    ax.set_ylim(info["height"] - 1.6, -1.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.text(0, -0.35, f"zero-inserted kernel {span}×{span}\n({k * k} taps, {span * span - k * k} zeros)", fontsize=10,
            va="bottom", ha="left")
    handles = _conv_legend_handles(geo)
    handles.append(Patch(facecolor="white", edgecolor="0.55", hatch="///" if span <= 9 else None,
                         label="zero in the kernel (a hole)"))
    lo, hi = d * (k - 1), (oh - 1) * geo["s"][0]
    if interior and hi >= lo:
        axes[0].add_patch(Rectangle((lo, lo), hi - lo + 1, hi - lo + 1, fill=False, edgecolor="black",
                                    linestyle=(0, (4, 2)), linewidth=2))
        handles.append(Line2D([], [], color="black", linestyle=(0, (4, 2)), linewidth=2,
                              label=f"interior: padded rows/columns {lo}–{hi}"))
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=9.5, frameon=False)
    cell = min(_CELL, 9.0 / (scene_w + kernel_w))
    fig.set_size_inches((scene_w + kernel_w) * cell + 0.4, info["height"] * cell + 1.3)
    fig.subplots_adjust(left=0.01, right=0.99, wspace=0.05, bottom=0.85 / fig.get_figheight(), top=1 - 0.55 / fig.get_figheight())
    oi, oj = divmod(frame, ow)
    axes[0].set_title(f"K={k}, d={d}, S={geo['s'][0]}, P={geo['p'][0][0]}: window {frame + 1} of {oh * ow}, "
                      f"output ({oi}, {oj})", fontsize=10, loc="left", pad=10)
    return fig




def stride_and_dilation(n: int = 9) -> Figure:
    """The course in one picture: a stride-2 window (a smaller map) beside a dilated window (a wider view).

    Left: a 3×3 kernel with stride 2 and padding 1 on an ``n × n`` input; the
    output has about a quarter of the pixels. Right: the same 3×3 kernel with
    dilation 2 and padding 2, stride 1: its taps cover a 5×5 span with the
    same 9 weights, and the output keeps the input size.

    Defined in notebook ``00_start_here``.

    Examples
    --------
    >>> fig = stride_and_dilation(9)
    >>> [ax.get_title(loc="left").splitlines()[0] for ax in fig.axes[:2]]
    ['stride 2: the window jumps 2 pixels', 'dilation 2: the taps are 2 pixels apart']
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 5, 15)
    geos = [_conv_geometry(n, 3, 2, 1, 1), _conv_geometry(n, 3, 1, 2, 2)]
    frames = [(geos[0]["out"][1] + 1,), (2 * geos[1]["out"][1] + 2,)]
    widths = [np.diff(_scene_xlim(g, 1.5)).item() for g in geos]
    fig, axes = plt.subplots(1, 2, gridspec_kw={"width_ratios": widths})
    height = 0.0
    for ax, geo, fr in zip(axes, geos, frames):
        info = _draw_conv_scene(ax, geo, frames=fr, gap=1.5, fontsize=10)
        height = max(height, info["height"])
    for ax in axes:  # one vertical scale, so the two titles line up
        ax.set_ylim(height - 1.6, -1.6)
    (oh, ow), (dh, dw) = geos[0]["out"], geos[1]["out"]
    axes[0].set_title(f"stride 2: the window jumps 2 pixels\n→ a smaller map ({n}×{n} → {oh}×{ow})", fontsize=11,
                      loc="left")
    span = _effective_kernel_size(3, 2)
    axes[1].set_title(f"dilation 2: the taps are 2 pixels apart\n→ a {span}×{span} view, still 9 weights; "
                      f"map kept ({n}×{n} → {dh}×{dw})", fontsize=11, loc="left")
    handles = {}
    for geo in geos:
        for h in _conv_legend_handles(geo, "the output this window computes"):
            handles.setdefault(h.get_label(), h)
    cell = 0.27
    fig.set_size_inches(sum(widths) * cell + 0.8, height * cell + 1.6)
    fig.subplots_adjust(left=0.02, right=0.98, wspace=0.1, bottom=0.8 / fig.get_figheight(),
                        top=1 - 0.75 / fig.get_figheight())
    fig.legend(handles=list(handles.values()), loc="lower center", ncol=3, fontsize=10, frameon=False)
    return fig


def read_strip(n: int, kernel: int, *, dilation: int = 1, stride: int = 1, padding: int = 0) -> Figure:
    """One axis of a dilated layer as a strip: every window's taps, the pixels they read, the interior.

    Top row: the padded input, each pixel coloured read (blue), never read (pink) or padding (grey);
    input indices are written on every pixel of a short strip, else on every fourth, the last and
    each unread one. Below it, one line per window with a dot on each tap. A bracket marks the
    interior, padded positions ``d(K − 1) … (N_out − 1)·S``; at large rates it is empty, and pixels in
    the middle of the input can go unread even at stride 1.

    Defined in notebook ``02_dilation``.

    Examples
    --------
    >>> fig = read_strip(33, 3, dilation=12)
    >>> fig.axes[0].get_title(loc="left").splitlines()[0]
    'N = 33, K = 3, d = 12, S = 1, P = 0: 9 windows, span 25'
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 1, 120)
    k, d = _check_int("kernel", kernel, 1, 15), _check_int("dilation", dilation, 1, 40)
    s, p = _check_int("stride", stride, 1, 16), _check_int("padding", padding, 0, 60)
    span = _effective_kernel_size(k, d)
    length = n + 2 * p
    if span > length:
        raise ValueError(f"kernel does not fit: span {span} > padded length {length}")
    n_out = (length - span) // s + 1
    starts = np.arange(n_out) * s
    taps = starts[:, None] + d * np.arange(k)[None, :]
    read = np.zeros(length, dtype=bool)
    read[taps.ravel()] = True
    colors = np.where(read, COLORS["input"], COLORS["unvisited"]).astype(object)
    colors[:p], colors[length - p:] = COLORS["padding"], COLORS["padding"]
    fig, ax = plt.subplots(figsize=(max(8.5, 0.3 * length + 1.2), 1.9 + 0.22 * n_out))
    draw_cells(ax, colors[None, :])
    step = 1 if n <= 20 else 4       # long strips: every 4th index, the ends, and each unread pixel
    for x in range(length):
        i = x - p
        if 0 <= i < n and (i % step == 0 or i == n - 1 or not read[x]):
            ax.text(x + 0.5, 0.5, str(i), ha="center", va="center", fontsize=9, color="white")
    for i, row in enumerate(taps):
        y = 1.6 + 0.45 * i
        ax.plot([row[0] + 0.5, row[-1] + 0.5], [y, y], color=COLORS["kernel"], linewidth=1.2, alpha=0.6)
        ax.plot(row + 0.5, np.full(k, y), "o", color=COLORS["kernel"], markersize=5, markeredgecolor="white")
    lo, hi = d * (k - 1), (n_out - 1) * s
    bottom = 1.6 + 0.45 * n_out
    if hi >= lo:
        ax.annotate("", (lo, bottom), (hi + 1, bottom), arrowprops=dict(arrowstyle="|-|", color="black", lw=1.5))
        note = f"interior (padded {lo}–{hi})"
    else:
        note = f"interior empty: d(K − 1) = {lo} > (N_out − 1)·S = {hi}"
    ax.text(0, bottom + 0.35, note, fontsize=10, va="top")
    ax.set_xlim(-0.2, length + 0.2)
    ax.set_ylim(bottom + 1.2, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    unread = [x - p for x in range(p, length - p) if not read[x]]
    ax.set_title(f"N = {n}, K = {k}, d = {d}, S = {s}, P = {p}: {n_out} windows, span {span}\n"
                 f"input pixels never read: {_ranges(unread) or 'none'} (labels are input indices)",
                 fontsize=11, loc="left")
    handles = [Patch(facecolor=COLORS["input"], label="input pixel, read"),
               Patch(facecolor=COLORS["unvisited"], label="input pixel, never read")]
    if p:
        handles.append(Patch(facecolor=COLORS["padding"], label="padding"))
    handles.append(Line2D([], [], color=COLORS["kernel"], marker="o", label="one window's taps (one line each)"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=10, frameon=False)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.8, bottom=0.16)
    return fig


def _ranges(values: "list[int]") -> str:
    """``[9, 10, 11, 21, 22, 23]`` → ``'9–11, 21–23'``."""
    out, i = [], 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(f"{values[i]}–{values[j]}" if j > i else f"{values[i]}")
        i = j + 1
    return ", ".join(out)
