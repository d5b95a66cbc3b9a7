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


# --- 01 · stride ------------------------------------------------------
# (section for notebook 01: add its functions below this line)

from matplotlib.lines import Line2D  # noqa: E402

from ._validate import check_int as _check_int, check_pair as _check_pair  # noqa: E402
from .arithmetic import conv_output_size as _conv_output_size, same_padding as _same_padding  # noqa: E402
from .conv import conv2d as _conv2d, tap_counts as _tap_counts  # noqa: E402

#: Inches per grid cell in the stride/dilation figures (cells shrink for large grids).
_CELL = 0.3


def _pads(name: str, padding: object) -> tuple[tuple[int, int], tuple[int, int]]:
    """``P`` / ``(P_h, P_w)`` / ``((top, bottom), (left, right))`` -> ``((top, bottom), (left, right))``."""
    if isinstance(padding, (tuple, list)) and len(padding) == 2 and all(isinstance(p, (tuple, list)) for p in padding):
        return (_check_pair(f"{name}[0]", tuple(padding[0]), 0), _check_pair(f"{name}[1]", tuple(padding[1]), 0))
    ph, pw = _check_pair(name, padding, 0)
    return ((ph, ph), (pw, pw))


def _conv_geometry(n, kernel, stride, padding, dilation):
    """Validated per-axis settings, output size and tap counts of one convolution layer."""
    n = _check_pair("n", n, 1)
    k = _check_pair("kernel", kernel, 1)
    s = _check_pair("stride", stride, 1)
    d = _check_pair("dilation", dilation, 1)
    p = _pads("padding", padding)
    out = tuple(_conv_output_size(n[a], k[a], stride=s[a], padding=p[a], dilation=d[a]) for a in range(2))
    counts = tuple(_tap_counts(n[a], k[a], stride=s[a], padding=p[a], dilation=d[a]) for a in range(2))
    return {"n": n, "k": k, "s": s, "d": d, "p": p, "out": out, "counts": counts}


def _scene_xlim(geo: dict, gap: float = 2.0, show_indices: bool = True) -> "tuple[float, float]":
    """Horizontal data range of :func:`_draw_conv_scene`: row indices, padded input, gap, output and its label."""
    wp = geo["n"][1] + sum(geo["p"][1])
    oh, ow = geo["out"]
    right = wp + gap + max(ow, 0.3 * len(f"output {oh}×{ow}")) + 0.2  # room for the label above a narrow output
    return (-1.2 if show_indices else -0.2, right)


def _draw_conv_scene(
    ax: Axes,
    geo: dict,
    *,
    frames: "tuple[int, ...]" = (0,),
    gap: float = 2.0,
    show_indices: bool = True,
    fontsize: float = 10,
    label_input: str = "input",
) -> dict:
    """Padded input (padding / input / never-visited cells), the windows of ``frames``, and the output grid."""
    (nh, nw), (kh, kw), (sh, sw), (dh, dw) = geo["n"], geo["k"], geo["s"], geo["d"]
    (pt, pb), (pl, pr) = geo["p"]
    oh, ow = geo["out"]
    rows, cols = geo["counts"]
    hp, wp = nh + pt + pb, nw + pl + pr
    colors = np.full((hp, wp), COLORS["padding"], dtype=object)
    inner = np.where(np.outer(rows, cols) > 0, COLORS["input"], COLORS["unvisited"])
    colors[pt : pt + nh, pl : pl + nw] = inner
    draw_cells(ax, colors)
    # the output grid, to the right of the input, top-aligned
    x_out = wp + gap
    out_colors = np.full((oh, ow), COLORS["output"], dtype=object)
    for f in frames:
        out_colors[divmod(f, ow)] = COLORS["highlight"]
    draw_cells(ax, out_colors, origin=(x_out, 0.0))
    # windows: outline of the span, a dot on every tap
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    for f in frames:
        oi, oj = divmod(f, ow)
        top, left = oi * sh, oj * sw
        ax.add_patch(Rectangle((left, top), span_w, span_h, fill=False, edgecolor=COLORS["kernel"], linewidth=2.5))
        ty = top + dh * np.arange(kh) + 0.5
        tx = left + dw * np.arange(kw) + 0.5
        gx, gy = np.meshgrid(tx, ty)
        ax.plot(gx.ravel(), gy.ravel(), "o", color=COLORS["kernel"], markersize=max(3.5, 6 - 0.1 * max(hp, wp)),
                markeredgecolor="white", markeredgewidth=0.6, linestyle="none")
        ax.add_patch(Rectangle((x_out + oj, oi), 1, 1, fill=False, edgecolor=COLORS["kernel"], linewidth=2.5))
    if show_indices:
        step = 1 if max(nh, nw) <= 12 else 2
        for i in range(0, nh, step):
            ax.text(-0.25, pt + i + 0.5, str(i), ha="right", va="center", fontsize=fontsize - 1, color="0.3")
        for j in range(0, nw, step):
            ax.text(pl + j + 0.5, hp + 0.3, str(j), ha="center", va="top", fontsize=fontsize - 1, color="0.3")
    pad_text = "" if (pt, pb, pl, pr) == (0, 0, 0, 0) else " + padding"
    ax.text(0, -0.35, f"{label_input} {nh}×{nw}{pad_text}", fontsize=fontsize, va="bottom", ha="left")
    ax.text(x_out, -0.35, f"output {oh}×{ow}", fontsize=fontsize, va="bottom", ha="left")
    left, right = _scene_xlim(geo, gap, show_indices)
    ax.set_xlim(left, right)
    ax.set_ylim(max(hp, oh) + (1.2 if show_indices else 0.2), -1.6)
    ax.axis("off")
    unvisited_rows = np.flatnonzero(rows == 0).tolist()
    unvisited_cols = np.flatnonzero(cols == 0).tolist()
    return {"width": right + 1.2, "height": max(hp, oh) + 2.8, "rows": unvisited_rows, "cols": unvisited_cols}


def _conv_legend_handles(geo: dict, current: str = "current output") -> list:
    roles = {"input pixel": COLORS["input"]}
    if any(v for pair in geo["p"] for v in pair):
        roles["padding (zeros)"] = COLORS["padding"]
    if (geo["counts"][0] == 0).any() or (geo["counts"][1] == 0).any():
        roles["input never visited"] = COLORS["unvisited"]
    roles["output"] = COLORS["output"]
    roles[current] = COLORS["highlight"]
    handles = [Patch(facecolor=c, edgecolor="0.4", label=label) for label, c in roles.items()]
    handles.append(Line2D([], [], color=COLORS["kernel"], linewidth=2.5, marker="o", markersize=6,
                          markeredgecolor="white", label="window and its taps"))
    return handles


def _conv_legend(ax: Axes, geo: dict, current: str = "current output", **kwargs: object) -> None:
    handles = _conv_legend_handles(geo, current)
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.01, 1.0))
    kwargs.setdefault("frameon", False)
    kwargs.setdefault("fontsize", 10)
    ax.legend(handles=handles, **kwargs)


def _span_text(lo: int, hi: int, n: int) -> str:
    """Input indices ``lo..hi`` clipped to ``0..n-1``, noting any part that lies in the padding."""
    a, b = max(lo, 0), min(hi, n - 1)
    if a > b:
        return "none (only padding)"
    text = f"{a}–{b}" if a < b else f"{a}"
    return text + (" + padding" if (a, b) != (lo, hi) else "")


def _axis_names(rows: list, cols: list) -> str:
    parts = []
    if rows:
        parts.append(("row " if len(rows) == 1 else "rows ") + ", ".join(map(str, rows)))
    if cols:
        parts.append(("column " if len(cols) == 1 else "columns ") + ", ".join(map(str, cols)))
    return " and ".join(parts)


def sliding_window(
    n: "int | tuple[int, int]",
    kernel: "int | tuple[int, int]",
    *,
    stride: "int | tuple[int, int]" = 1,
    padding: "int | tuple[int, int]" = 0,
    dilation: "int | tuple[int, int]" = 1,
    frame: int = 0,
) -> Figure:
    """One position of the sliding window on a labelled grid, and the output it produces.

    Input pixels, padding and output cells have their own colours; input
    pixels that no window ever reads are marked "never visited". The window
    at position ``frame`` (row-major over the output) is outlined with a dot
    on each tap, and the output it computes is highlighted. Each argument is
    one int for both axes or a ``(height, width)`` pair.

    Defined in notebook ``01_stride``.

    Parameters
    ----------
    n, kernel, stride, padding, dilation : int or (int, int)
        Input size, kernel taps, stride, zero padding per side, dilation.
    frame : int
        Window position, ``0 <= frame < H_out * W_out``.

    Raises
    ------
    ValueError
        If the kernel does not fit or ``frame`` is out of range.

    Examples
    --------
    >>> fig = sliding_window(8, 3, stride=2, frame=4)
    >>> fig.axes[0].get_title(loc="left")
    'window 5 of 9: output (1, 1) reads input rows 2–4, columns 2–4'
    >>> plt.close(fig)
    """
    geo = _conv_geometry(n, kernel, stride, padding, dilation)
    oh, ow = geo["out"]
    frame = _check_int("frame", frame, 0, oh * ow - 1)
    fig, ax = plt.subplots()
    info = _draw_conv_scene(ax, geo, frames=(frame,))
    cell = min(_CELL, 7.5 / info["width"])
    fig.set_size_inches(info["width"] * cell + 2.6, info["height"] * cell + 0.5)
    _conv_legend(ax, geo)
    oi, oj = divmod(frame, ow)
    (pt, _), (pl, _) = geo["p"]
    (sh, sw), (kh, kw), (dh, dw) = geo["s"], geo["k"], geo["d"]
    r0, c0 = oi * sh - pt, oj * sw - pl
    r1, c1 = r0 + dh * (kh - 1), c0 + dw * (kw - 1)
    ax.set_title(
        f"window {frame + 1} of {oh * ow}: output ({oi}, {oj}) reads input rows {_span_text(r0, r1, geo['n'][0])}, "
        f"columns {_span_text(c0, c1, geo['n'][1])}",
        fontsize=11, loc="left", pad=10,
    )
    return fig


def window_frames(
    n: "int | tuple[int, int]",
    kernel: "int | tuple[int, int]",
    *,
    stride: "int | tuple[int, int]" = 1,
    padding: "int | tuple[int, int]" = 0,
    frames: "list[int] | None" = None,
    ncols: int = 3,
) -> Figure:
    """Small multiples of the sliding window: the static stand-in for an animation.

    Defined in notebook ``01_stride``.

    Parameters
    ----------
    n, kernel, stride, padding : int or (int, int)
        As in :func:`sliding_window`.
    frames : list of int, optional
        Window positions to draw (row-major over the output); default: all of
        them if there are at most 9, else the first 9.
    ncols : int
        Panels per row.

    Examples
    --------
    >>> fig = window_frames(8, 3, stride=2)
    >>> len([a for a in fig.axes if a.get_visible()]), fig.axes[8].get_title(loc="left")
    (9, 'step 9: output (2, 2)')
    >>> plt.close(fig)
    """
    geo = _conv_geometry(n, kernel, stride, padding, 1)
    oh, ow = geo["out"]
    if frames is None:
        frames = list(range(min(9, oh * ow)))
    if isinstance(frames, (str, bytes)) or not hasattr(frames, "__len__") or not len(frames):
        raise ValueError(f"frames must be a non-empty list of window positions, got {frames!r}")
    frames = [_check_int(f"frames[{i}]", f, 0, oh * ow - 1) for i, f in enumerate(frames)]
    ncols = _check_int("ncols", ncols, 1)
    ncols = min(ncols, len(frames))
    nrows = -(-len(frames) // ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False)
    for ax in axes.ravel()[len(frames):]:
        ax.set_visible(False)
    info = {}
    for ax, f in zip(axes.ravel(), frames):
        info = _draw_conv_scene(ax, geo, frames=(f,), show_indices=False, fontsize=9)
        oi, oj = divmod(f, ow)
        ax.set_title(f"step {f + 1}: output ({oi}, {oj})", fontsize=10, loc="left")
    cell = min(0.2, 3.4 / info["width"])
    fig.set_size_inches(ncols * info["width"] * cell, nrows * (info["height"] * cell + 0.3) + 0.9)
    fig.subplots_adjust(left=0.01, right=0.99, wspace=0.08, hspace=0.25, bottom=0.9 / fig.get_figheight())
    fig.legend(handles=_conv_legend_handles(geo), loc="lower center", ncol=3, fontsize=10, frameon=False)
    (sh, sw) = geo["s"]
    fig.suptitle(f"the window moves {sw} column{'s' if sw > 1 else ''} per step; "
                 f"at the end of a row it moves {sh} row{'s' if sh > 1 else ''} down", fontsize=11)
    return fig


def visit_counts(
    n: "int | tuple[int, int]",
    kernel: "int | tuple[int, int]",
    *,
    stride: "int | tuple[int, int]" = 1,
    padding: "int | tuple[int, int]" = 0,
    dilation: "int | tuple[int, int]" = 1,
) -> Figure:
    """How many windows read each input pixel (0 = never visited), from :func:`helpers.tap_counts`.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig = visit_counts(8, 3, stride=2)
    >>> fig.axes[0].get_title(loc="left")
    'reads per input pixel (8×8, K=3×3, S=2×2, P=0×0): never visited: row 7 and column 7'
    >>> plt.close(fig)
    """
    geo = _conv_geometry(n, kernel, stride, padding, dilation)
    (nh, nw), (pt, pb), (pl, pr) = geo["n"], *geo["p"]
    rows, cols = geo["counts"]
    counts = np.outer(rows, cols)
    hp, wp = nh + pt + pb, nw + pl + pr
    colors = np.full((hp, wp), COLORS["padding"], dtype=object)
    colors[pt : pt + nh, pl : pl + nw] = np.where(counts > 0, COLORS["input"], COLORS["unvisited"])
    text = np.full((hp, wp), "", dtype=object)
    text[pt : pt + nh, pl : pl + nw] = counts.astype(str)
    fig, ax = plt.subplots()
    draw_cells(ax, colors, text=text, fontsize=10)
    for i in range(nh):
        ax.text(-0.25, pt + i + 0.5, str(i), ha="right", va="center", fontsize=9, color="0.3")
    for j in range(nw):
        ax.text(pl + j + 0.5, hp + 0.3, str(j), ha="center", va="top", fontsize=9, color="0.3")
    ax.set_xlim(-1.2, wp + 0.2)
    ax.set_ylim(hp + 1.2, -0.2)
    ax.axis("off")
    cell = min(0.36, 6.0 / wp)
    fig.set_size_inches(wp * cell + 3.2, hp * cell + 1.0)
    roles = {"input pixel (number = reads)": COLORS["input"], "never visited (0 reads)": COLORS["unvisited"]}
    if pt + pb + pl + pr:
        roles["padding (zeros)"] = COLORS["padding"]
    legend_for(ax, roles, fontsize=10)
    never = _axis_names(np.flatnonzero(rows == 0).tolist(), np.flatnonzero(cols == 0).tolist()) or "none"
    (kh, kw), (sh, sw) = geo["k"], geo["s"]
    ax.set_title(
        f"reads per input pixel ({nh}×{nw}, K={kh}×{kw}, S={sh}×{sw}, P={pt}×{pl}): never visited: {never}",
        fontsize=11, loc="left",
    )
    return fig


def padding_modes(n: int, kernel: int, *, stride: int = 1) -> Figure:
    """Valid, "same" (TensorFlow's split, the extra pixel after) and full padding, side by side.

    Each panel shows the padded input, the first and last window, and the
    output, with the padding per side and the output size in its title.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig = padding_modes(6, 3, stride=2)
    >>> [ax.get_title(loc="left").split(":")[0] for ax in fig.axes[:3]]
    ['valid', 'same (TF)', 'full']
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 1)
    k = _check_int("kernel", kernel, 1)
    s = _check_int("stride", stride, 1)
    if n < k:
        raise ValueError(f"kernel does not fit: 'valid' padding needs n >= kernel = {k}, got n={n}")
    modes = {"valid": (0, 0), "same (TF)": _same_padding(n, k, stride=s), "full": (k - 1, k - 1)}
    geos = {m: _conv_geometry(n, k, s, (p, p), 1) for m, p in modes.items()}
    widths = [np.diff(_scene_xlim(g, 1.5)).item() for g in geos.values()]
    height = max(n + sum(g["p"][0]) for g in geos.values()) + 2.8
    fig, axes = plt.subplots(1, 3, gridspec_kw={"width_ratios": widths})
    for ax, (mode, (before, after)) in zip(axes, modes.items()):
        geo = geos[mode]
        oh, ow = geo["out"]
        _draw_conv_scene(ax, geo, frames=(0, oh * ow - 1), gap=1.5, fontsize=10)
        ax.set_ylim(height - 1.6, -1.6)
        ax.set_title(f"{mode}: P = {before} before, {after} after\n→ output {oh}×{ow}", fontsize=11, loc="left")
    cell = 0.27
    fig.set_size_inches(sum(widths) * cell + 0.6, height * cell + 1.5)
    fig.subplots_adjust(left=0.02, right=0.98, wspace=0.12, bottom=0.75 / fig.get_figheight(),
                        top=1 - 0.55 / fig.get_figheight())
    handles = {}
    for geo in geos.values():  # the union of the three panels' roles
        for h in _conv_legend_handles(geo, "outputs of the first and last window"):
            handles.setdefault(h.get_label(), h)
    fig.legend(handles=list(handles.values()), loc="lower center", ncol=3, fontsize=10, frameon=False)
    return fig


def pooling_windows(n: int, kernel: int, *, stride: int, padding: int = 0) -> Figure:
    """1-D pooling windows with ``ceil_mode=False`` and ``ceil_mode=True`` (PyTorch), one above the other.

    Rounding up adds a last window that may hang over the end of the padded
    input; PyTorch keeps it if it starts inside the input (or the left
    padding) and drops it if it would *start* in the right padding. Input
    pixels that no kept window reads are marked "never visited".

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig = pooling_windows(7, 2, stride=2)
    >>> [ax.get_title(loc="left").split(":")[0] for ax in fig.axes]
    ['ceil_mode=False', 'ceil_mode=True']
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 1)
    k = _check_int("kernel", kernel, 1)
    s = _check_int("stride", stride, 1)
    p = _check_int("padding", padding, 0)
    floor_out = _conv_output_size(n, k, stride=s, padding=p)
    ceil_out = _conv_output_size(n, k, stride=s, padding=p, ceil_mode=True)
    rounded_up = (n + 2 * p - k + s - 1) // s + 1  # ceil division, before the drop rule
    length = n + 2 * p
    right_end = max(length, (rounded_up - 1) * s + k)
    rows = max(rounded_up, 1)
    fig, axes = plt.subplots(2, 1, sharex=True)
    any_unvisited = False
    for ax, ceil in zip(axes, (False, True)):
        count = rounded_up if ceil else floor_out
        kept = ceil_out if ceil else floor_out
        read = np.zeros(n, dtype=bool)
        for w in range(kept):
            lo, hi = max(w * s - p, 0), min(w * s - p + k, n)
            read[lo:hi] = True
        any_unvisited = any_unvisited or not read.all()
        colors = [COLORS["padding"]] * p + [COLORS["input"] if r else COLORS["unvisited"] for r in read] + [
            COLORS["padding"]
        ] * p
        draw_cells(ax, np.array([colors], dtype=object))
        if ceil:
            for x in range(length, right_end):
                ax.add_patch(Rectangle((x, 0), 1, 1, fill=False, edgecolor="0.5", linestyle=":", linewidth=1.2))
        for j in range(n):
            ax.text(p + j + 0.5, 0.5, str(j), ha="center", va="center", fontsize=9)
        for w in range(count):
            start = w * s
            y = 1.3 + 0.75 * w
            dropped = ceil and start >= n + p
            extra = ceil and w >= floor_out and not dropped
            color = COLORS["neutral"] if dropped else (COLORS["accent"] if extra else COLORS["kernel"])
            ax.add_patch(Rectangle((start + 0.05, y), k - 0.1, 0.5, facecolor=color, edgecolor="none",
                                   hatch="//" if dropped else None, alpha=0.9))
            note = "dropped: it starts in the right padding" if dropped else (
                "extra: kept, it starts inside the input" if extra else "")
            ax.text(start + k + 0.2, y + 0.25, f"window {w}" + (f" – {note}" if note else ""), va="center", fontsize=9)
        ax.set_ylim(1.3 + 0.75 * rows, -0.15)
        ax.set_xlim(-0.2, right_end + 11)
        ax.set_aspect("equal")
        ax.axis("off")
        if ceil:
            verdict = f"{rounded_up}" + (f", minus 1 dropped = {kept}" if kept < rounded_up else "") + " window(s)"
            ax.set_title(f"ceil_mode=True: ceil(({n} + 2·{p} − {k}) / {s}) + 1 = {verdict}", fontsize=11, loc="left")
        else:
            ax.set_title(f"ceil_mode=False: floor(({n} + 2·{p} − {k}) / {s}) + 1 = {kept} window(s)",
                         fontsize=11, loc="left")
    roles = {"input pixel": COLORS["input"]}
    if p:
        roles["padding"] = COLORS["padding"]
    if any_unvisited:
        roles["never visited"] = COLORS["unvisited"]
    roles["window"] = COLORS["kernel"]
    handles = [Patch(facecolor=c, edgecolor="0.4", label=lab) for lab, c in roles.items()]
    handles.append(Patch(facecolor="white", edgecolor="0.5", linestyle=":", label="past the end"))
    axes[0].legend(handles=handles, loc="upper right", fontsize=9, frameon=False, ncol=1)
    cell = min(0.42, 10.0 / (right_end + 11))
    fig.set_size_inches((right_end + 11) * cell, 2 * (1.3 + 0.75 * rows + 0.15) * cell + 0.9)
    fig.subplots_adjust(left=0.01, right=0.99, top=1 - 0.35 / fig.get_figheight(), bottom=0.02, hspace=0.35)
    return fig


def strided_vs_dense(n: int = 8, kernel: int = 3, *, stride: int = 2, seed: int = 0) -> Figure:
    """Strided convolution = dense (stride 1) convolution, then every ``stride``-th output.

    A seeded integer image is convolved with an all-ones kernel, so every
    output is a plain window sum that a reader can check by hand.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig = strided_vs_dense(8, 3, stride=2)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['input 8×8; kernel 3×3 of ones', 'dense conv, stride 1: 6×6', 'strided conv, stride 2: 3×3']
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 1)
    k = _check_int("kernel", kernel, 1, n)
    s = _check_int("stride", stride, 1)
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    x = rng.integers(0, 10, size=(n, n)).astype(float)
    w = np.ones((k, k))
    dense = _conv2d(x, w)
    strided = _conv2d(x, w, stride=s)
    kept = np.zeros(dense.shape, dtype=bool)
    kept[::s, ::s] = True
    fig, axes = plt.subplots(1, 3, gridspec_kw={"width_ratios": [n, dense.shape[1], strided.shape[1]]})
    as_text = np.vectorize(lambda v: f"{v:.0f}")
    draw_cells(axes[0], np.full(x.shape, COLORS["input"], dtype=object), text=as_text(x), fontsize=9)
    draw_cells(axes[1], np.where(kept, COLORS["highlight"], COLORS["output"]).astype(object), text=as_text(dense),
                fontsize=9)
    draw_cells(axes[2], np.full(strided.shape, COLORS["highlight"], dtype=object), text=as_text(strided), fontsize=9)
    titles = [f"input {n}×{n}; kernel {k}×{k} of ones", f"dense conv, stride 1: {dense.shape[0]}×{dense.shape[1]}",
              f"strided conv, stride {s}: {strided.shape[0]}×{strided.shape[1]}"]
    for ax, title, m in zip(axes, titles, (n, dense.shape[0], strided.shape[0])):
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_xlim(-0.1, m + 0.1)
        ax.set_ylim(n + 0.1, -0.1)
        ax.axis("off")
    nth = {1: "every", 2: "every 2nd", 3: "every 3rd"}.get(s, f"every {s}th")
    legend_for(axes[2], {"input": COLORS["input"], "dense output, thrown away": COLORS["output"],
                         f"{nth} row and column = strided output": COLORS["highlight"]},
               loc="upper left", bbox_to_anchor=(0.0, 1.0 - strided.shape[0] / n - 0.02), fontsize=9)
    fig.set_size_inches(0.36 * (n + dense.shape[1] + strided.shape[1]) + 1.0, 0.36 * n + 0.9)
    return fig


# --- 02 · dilation ----------------------------------------------------
# (section for notebook 02: add its functions below this line)

from .arithmetic import effective_kernel_size as _effective_kernel_size  # noqa: E402
from .conv import space_to_batch as _space_to_batch  # noqa: E402

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
    fig.set_size_inches(size * len(ds), size + 1.3)
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
    from matplotlib.ticker import MaxNLocator

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
    n: int, kernel: int, *, dilation: int = 1, stride: int = 1, padding: int = 0, frame: int = 0
) -> Figure:
    """The taps of a dilated kernel at one window position on the padded input, the output, and
    the equivalent zero-inserted kernel.

    Input pixels that no tap ever reads (e.g. every other pixel when stride
    and dilation are both 2) are marked "never visited".

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
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=9.5, frameon=False)
    cell = min(_CELL, 9.0 / (scene_w + kernel_w))
    fig.set_size_inches((scene_w + kernel_w) * cell + 0.4, info["height"] * cell + 1.3)
    fig.subplots_adjust(left=0.01, right=0.99, wspace=0.05, bottom=0.85 / fig.get_figheight(), top=1 - 0.55 / fig.get_figheight())
    oi, oj = divmod(frame, ow)
    axes[0].set_title(f"K={k}, d={d}, S={geo['s'][0]}, P={geo['p'][0][0]}: window {frame + 1} of {oh * ow}, "
                      f"output ({oi}, {oj})", fontsize=10, loc="left", pad=10)
    return fig


# --- 03 · receptive field ---------------------------------------------
# (section for notebook 03: add its functions below this line)
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ._validate import check_choice as _check_choice  # noqa: E402
from ._validate import check_int as _check_int  # noqa: E402
from .conv import effective_receptive_field, erf_std, uniform_erf_std  # noqa: E402
from .receptive import Layer, _check_layers, output_sizes, receptive_field, rf_table  # noqa: E402

__all__ += ["synthetic_scene", "rf_growth", "network_rf", "erf_vs_theoretical", "erf_ratio", "rf_stack_report", "rf_stack_figure"]

_SERIES = [COLORS[c] for c in ("accent", "output", "highlight", "kernel", "unvisited", "input", "neutral")]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
_INT_TICKS = FuncFormatter(lambda v, _pos: f"{v:g}")


def _check_stacks(name: str, stacks: object) -> "dict[str, list[Layer]]":
    if not isinstance(stacks, dict) or not stacks:
        raise TypeError(f"{name} must be a non-empty dict {{label: list of Layer}}, got {type(stacks).__name__}")
    checked = {}
    for label, layers in stacks.items():
        layers = _check_layers(layers)
        if not layers:
            raise ValueError(f"{name}[{label!r}] must contain at least one Layer")
        checked[str(label)] = layers
    return checked


def synthetic_scene(size: int, *, seed: int = 0) -> np.ndarray:
    """A seeded grey-level test image: a soft gradient, a few discs and bars, faint noise.

    Used as the "image" on which a receptive field is drawn, so the notebooks
    need no downloaded data.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    size : int
        Height and width in pixels (>= 8).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same image.

    Returns
    -------
    numpy.ndarray
        ``(size, size)`` floats in ``[0, 1]``.

    Examples
    --------
    >>> img = synthetic_scene(32, seed=1)
    >>> img.shape, float(img.min()) >= 0.0, float(img.max()) <= 1.0
    ((32, 32), True, True)
    >>> bool((synthetic_scene(32, seed=1) == img).all()), bool((synthetic_scene(32, seed=2) == img).all())
    (True, False)
    """
    n = _check_int("size", size, 8)
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    y, x = np.mgrid[0:n, 0:n] / (n - 1)
    img = 0.30 + 0.25 * x + 0.10 * y
    for level in (0.95, 0.08, 0.75, 0.15, 0.6):  # discs, bright and dark alternating
        cy, cx = rng.uniform(0.12, 0.88, size=2)
        radius = rng.uniform(0.06, 0.16)
        img = np.where((y - cy) ** 2 + (x - cx) ** 2 <= radius**2, level, img)
    for level in (0.9, 0.05):  # one bar along each axis
        start, width = rng.uniform(0.1, 0.8), rng.uniform(0.03, 0.06)
        lo, hi = rng.uniform(0.05, 0.35), rng.uniform(0.65, 0.95)
        bar = (np.abs(x - start) < width) & (y > lo) & (y < hi) if level > 0.5 else (np.abs(y - start) < width) & (x > lo) & (x < hi)
        img = np.where(bar, level, img)
    img = img + 0.03 * rng.standard_normal((n, n))
    return np.clip(img, 0.0, 1.0)


def rf_growth(
    stacks: "dict[str, list[Layer]]",
    *,
    boundaries: "tuple[float, ...] | list[float]" = (),
    linear_ymax: "float | None" = None,
    title: str = "",
) -> Figure:
    """Receptive field after each layer of several stacks, on a linear and on a log axis.

    A straight line on the left panel is linear growth; a straight line on
    the right (log-scale) panel is exponential growth. A stack whose curve
    repeats an earlier one is drawn with hollow markers, so both stay visible.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    stacks : dict
        ``{label: list of Layer}``; each stack is drawn as one curve.
    boundaries : sequence of float
        Layer indices after which a dotted vertical line is drawn (e.g. block ends).
    linear_ymax : float, optional
        Top of the linear panel (curves above it leave the chart), so slow
        curves stay readable beside a fast one.
    title : str
        Figure title.

    Examples
    --------
    >>> fig = rf_growth({"3x3": [Layer(3, padding=1)] * 4, "3x3, d doubling": [Layer(3, dilation=2**i) for i in range(4)]})
    >>> [line.get_ydata().tolist() for line in fig.axes[0].lines]
    [[3, 5, 7, 9], [3, 7, 15, 31]]
    >>> plt.close(fig)
    """
    stacks = _check_stacks("stacks", stacks)
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.6))
    ends, seen = [], []
    for i, (label, layers) in enumerate(stacks.items()):
        r = [row.r for row in receptive_field(layers)]
        depth = list(range(1, len(r) + 1))
        color = _SERIES[i % len(_SERIES)]
        style = dict(color=color, marker=_MARKERS[i % len(_MARKERS)], lw=1.8, ms=5, ls="--" if i % 2 else "-")
        if r in seen:  # the same curve as an earlier stack: hollow, larger markers around it
            style.update(ms=10, mfc="none", mew=1.6, lw=1.2)
        seen.append(r)
        for ax in axes:
            ax.plot(depth, r, label=label, **style)
        if (depth[-1], r[-1]) not in [(x, y) for x, y, _ in ends]:
            ends.append((depth[-1], r[-1], color))
    # end labels on the log panel, nudged apart when two ends are close
    placed: "dict[int, list[tuple[float, float]]]" = {}
    for x, y, color in sorted(ends, key=lambda e: (e[0], e[1])):
        offset = 0.0
        for y_prev, off_prev in placed.get(x, []):
            if abs(np.log2(y) - np.log2(y_prev)) < 0.45:
                offset = max(offset, off_prev + 10)
        placed.setdefault(x, []).append((y, offset))
        axes[1].annotate(f"{y}", (x, y), xytext=(8, offset), textcoords="offset points", va="center", fontsize=9,
                         color=color)
    axes[1].set_yscale("log", base=2)
    axes[1].yaxis.set_major_formatter(_INT_TICKS)
    if linear_ymax is not None:
        axes[0].set_ylim(0, linear_ymax)
    panel_titles = ("linear axis: a straight line is linear growth", "log axis: a straight line is exponential growth")
    for ax, panel_title in zip(axes, panel_titles):
        for b in boundaries:
            ax.axvline(b + 0.5, color=COLORS["neutral"], ls=":", lw=1.2)
        ax.set_xlabel("layer $l$ (depth)", fontsize=10)
        ax.set_ylabel("receptive field $r_l$ (input pixels)", fontsize=10)
        ax.set_title(panel_title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.margins(x=0.08)
    handles, labels = axes[0].get_legend_handles_labels()
    ncol = 2 if len(labels) > 3 else len(labels)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, frameon=False, fontsize=10)
    if title:
        fig.suptitle(title, fontsize=12)
    rows_of_legend = -(-len(labels) // ncol)
    fig.tight_layout(rect=(0, 0.055 * rows_of_legend + 0.01, 1, 1))
    return fig


def network_rf(networks: "dict[str, list[Layer]]", *, input_size: int = 224) -> Figure:
    """Receptive field and effective stride after every layer of real networks.

    Left: ``r_l`` (log axis) with the input size marked, so a field larger
    than the image is visible; right: the effective stride ``S_l``, whose
    steps show where each network places its strides.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    networks : dict
        ``{label: list of Layer}``.
    input_size : int
        Input height/width (needed for TensorFlow "same" padding with stride).

    Examples
    --------
    >>> from helpers import alexnet, vgg16
    >>> fig = network_rf({"AlexNet": alexnet(), "VGG-16": vgg16()})
    >>> [int(line.get_ydata()[-1]) for line in fig.axes[0].lines[:2]]
    [195, 212]
    >>> plt.close(fig)
    """
    networks = _check_stacks("networks", networks)
    n = _check_int("input_size", input_size, 1)
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.6))
    for i, (label, layers) in enumerate(networks.items()):
        rows = receptive_field(layers, input_size=n)
        depth = np.arange(1, len(rows) + 1)
        style = dict(color=_SERIES[i % len(_SERIES)], marker=_MARKERS[i % len(_MARKERS)], ms=3.5, lw=1.6)
        style["ls"] = "--" if i % 2 else "-"
        axes[0].plot(depth, [row.r for row in rows], label=f"{label} (r = {rows[-1].r})", **style)
        axes[1].step(depth, [row.S for row in rows], where="post", label=label, **style)
    axes[0].axhline(n, color="0.3", lw=1, ls=":")
    axes[0].annotate(f"input size {n}", (1, n), xytext=(2, 3), textcoords="offset points", fontsize=9, color="0.3")
    for ax, ylabel, panel_title in (
        (axes[0], "receptive field $r_l$ (input pixels)", "receptive field after each layer"),
        (axes[1], "effective stride $S_l$ (input pixels per step)", "effective stride after each layer"),
    ):
        ax.set_yscale("log", base=2)
        ax.yaxis.set_major_formatter(_INT_TICKS)
        ax.set_xlabel("layer index (convolutions and pooling, main path)", fontsize=10)
        ax.set_ylabel(ylabel, fontsize=10)
        ax.set_title(panel_title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=9, loc="lower right")
    fig.tight_layout()
    return fig


def _box(u0: float, r: int, **style: object) -> Rectangle:
    """Square patch covering input pixels ``u0 .. u0 + r - 1`` (pixel centres at integers)."""
    return Rectangle((u0 - 0.5, u0 - 0.5), r, r, fill=False, **style)


def _centre_output_box(layers: "list[Layer]", size: int) -> "tuple[int, int, int]":
    """(first input pixel u0, r, S) of the receptive field of the centre output."""
    row = receptive_field(layers, input_size=size)[-1]
    centre_out = (output_sizes(layers, size)[-1] - 1) // 2
    return -row.P + centre_out * row.S, row.r, row.S


def _erf_centre(erf: np.ndarray) -> "tuple[float, float]":
    total = erf.sum()
    rows, cols = np.arange(erf.shape[0]), np.arange(erf.shape[1])
    return float(erf.sum(axis=1) @ rows / total), float(erf.sum(axis=0) @ cols / total)


def erf_vs_theoretical(layers: "list[Layer]", *, size: int, seed: int = 0) -> Figure:
    """Effective receptive field (gradient of the centre output) inside the theoretical square.

    Left and middle: ``|d out / d input|`` for uniform and for seeded random
    weights, each with the theoretical field (solid square, side ``r``) and
    the ERF width ``2σ`` (dashed square, σ from :func:`helpers.erf_std`).
    Right: the gradient mass per input column against a Gaussian of the
    same σ, with the theoretical field shaded.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack (square kernels), input side first.
    size : int
        Height and width of the input; make it larger than ``r`` to see the whole field.
    seed : int
        Seed of the random weights.

    Examples
    --------
    >>> fig = erf_vs_theoretical([Layer(3, padding=1)] * 4, size=15)
    >>> len(fig.axes) >= 3
    True
    >>> plt.close(fig)
    """
    layers = _check_layers(layers)
    n = _check_int("size", size, 1)
    u0, r, _ = _centre_output_box(layers, n)
    erfs = {
        "uniform": effective_receptive_field(layers, n, weights="uniform"),
        "random": effective_receptive_field(layers, n, weights="random", seed=seed),
    }
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.8), gridspec_kw=dict(width_ratios=[1, 1, 1.25]))
    sigmas = {}
    for ax, (name, erf) in zip(axes[:2], erfs.items()):
        sigma = sigmas[name] = erf_std(erf)
        image = ax.imshow(erf / erf.max(), cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        _draw_boxes(ax, u0, r, erf, sigma)
        label = "seeded random" if name == "random" else "uniform"
        ax.set_title(f"{label} weights\nERF $2\\sigma$ = {2 * sigma:.1f} px, $r$ = {r} px", fontsize=10)
        ax.set_xlabel("input column", fontsize=9)
        ax.set_ylabel("input row", fontsize=9)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
    bar = fig.colorbar(image, ax=axes[1], fraction=0.046, pad=0.03)
    bar.set_label("|gradient| ÷ its maximum", fontsize=9)
    centre = u0 + (r - 1) / 2
    offsets = np.arange(n) - centre
    ax = axes[2]
    ax.axvspan(-(r - 1) / 2 - 0.5, (r - 1) / 2 + 0.5, color=COLORS["padding"], label=f"theoretical RF ({r} px)")
    for i, (name, erf) in enumerate(erfs.items()):
        ax.plot(offsets, erf.sum(axis=0) / erf.sum(), marker=_MARKERS[i], ms=3.5, lw=1.4, color=_SERIES[i],
                label=f"{name} weights (σ = {sigmas[name]:.2f})")
    grid = np.linspace(offsets[0], offsets[-1], 400)
    s = sigmas["uniform"]
    ax.plot(grid, np.exp(-grid**2 / (2 * s * s)) / (s * np.sqrt(2 * np.pi)), color="0.2", lw=1, ls=":",
            label="Gaussian, same σ as uniform")
    ax.set_xlabel("input column − centre of the field", fontsize=9)
    ax.set_ylabel("share of the gradient mass", fontsize=9)
    ax.set_title("gradient mass per input column", fontsize=10)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.55)  # headroom for the legend
    ax.legend(fontsize=8.5, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.legend(handles=_box_key(), loc="lower center", bbox_to_anchor=(0.33, 0.0), ncol=2, fontsize=9, frameon=False)
    return fig


def erf_ratio(depths: "list[int] | range", *, kernel: int = 3, seeds: int = 5) -> Figure:
    """ERF width ``2σ`` over theoretical field ``r`` as a stack of ``kernel``-tap layers deepens.

    Measured for uniform weights and for seeded random weights (mean and
    range over ``seeds`` stacks), against Luo et al.'s law
    ``2 sqrt(n (k² - 1) / 12) / (n (k - 1) + 1)``, which falls like ``1/sqrt(n)``.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    depths : sequence of int
        Numbers of layers ``n`` (stride 1, padding ``(k - 1)/2``) to measure.
    kernel : int
        Odd kernel size ``k`` >= 3.
    seeds : int
        Random stacks per depth (seeds ``0 … seeds - 1``).

    Examples
    --------
    >>> fig = erf_ratio([1, 2, 4], seeds=2)
    >>> [round(float(v), 3) for v in fig.axes[0].lines[0].get_ydata()]
    [0.544, 0.462, 0.363]
    >>> plt.close(fig)
    """
    depths = [_check_int(f"depths[{i}]", d, 1) for i, d in enumerate(depths)]
    if not depths:
        raise ValueError("depths must contain at least one depth")
    k = _check_int("kernel", kernel, 3)
    if k % 2 == 0:
        raise ValueError(f"kernel must be odd (symmetric padding keeps the field centred), got {k}")
    seeds = _check_int("seeds", seeds, 1)
    uniform, random_mean, random_lo, random_hi, law = [], [], [], [], []
    for n_layers in depths:
        stack = [Layer(k, padding=(k - 1) // 2)] * n_layers
        r = receptive_field(stack)[-1].r
        size = r + 2
        uniform.append(2 * erf_std(effective_receptive_field(stack, size)) / r)
        ratios = [2 * erf_std(effective_receptive_field(stack, size, weights="random", seed=s)) / r for s in range(seeds)]
        random_mean.append(np.mean(ratios))
        random_lo.append(min(ratios))
        random_hi.append(max(ratios))
        law.append(2 * uniform_erf_std(n_layers, k) / r)
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    ax.plot(depths, uniform, "o", ms=7, color=COLORS["accent"], label="measured, uniform weights", zorder=3)
    ax.fill_between(depths, random_lo, random_hi, color=COLORS["output"], alpha=0.25, lw=0,
                    label=f"measured, random weights: range over {seeds} seeds")
    ax.plot(depths, random_mean, "s--", ms=5, color=COLORS["output"], label="measured, random weights: mean")
    ax.plot(depths, law, "-", color=COLORS["kernel"], lw=1.5, label="Luo et al.: $2\\sqrt{n(k^2-1)/12}\\,/\\,(n(k-1)+1)$")
    guide = law[-1] * np.sqrt(depths[-1]) / np.sqrt(np.asarray(depths, dtype=float))
    ax.plot(depths, guide, ":", color="0.3", lw=1.2, label="$\\propto 1/\\sqrt{n}$ (slope −1/2)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.xaxis.set_major_formatter(_INT_TICKS)
    ax.set_yticks([0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.2g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _pos: ""))
    ax.set_xlabel(f"number of layers $n$ ({k}×{k}, stride 1)", fontsize=10)
    ax.set_ylabel("ERF width $2\\sigma$ / theoretical RF $r$", fontsize=10)
    ax.set_title("the effective field is a shrinking share of the theoretical one", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig


def _recurrence_lines(layers: "list[Layer]", size: int) -> "list[str]":
    """The recurrences with this stack's numbers substituted (for figures and widget sentences)."""
    rows = receptive_field(layers, input_size=size)
    jumps = [1] + [row.S for row in rows[:-1]]
    terms = " + ".join(f"{layer.effective_kernel - 1}·{jump}" for layer, jump in zip(layers, jumps))
    strides = "·".join(str(layer.stride) for layer in layers)
    return [f"r = 1 + Σ (k_eff,l − 1)·S_(l−1) = 1 + {terms} = {rows[-1].r}", f"S = {strides} = {rows[-1].S}"]


_KEY_COLORS = {"trf": COLORS["accent"], "erf": COLORS["output"]}


def _draw_boxes(ax: Axes, u0: float, r: int, erf: np.ndarray, sigma: float) -> None:
    cy, cx = _erf_centre(erf)
    ax.add_patch(_box(u0, r, edgecolor=_KEY_COLORS["trf"], lw=2.4, zorder=3))
    ax.add_patch(Rectangle((cx - sigma, cy - sigma), 2 * sigma, 2 * sigma, fill=False, edgecolor=_KEY_COLORS["erf"],
                           lw=2, ls="--", zorder=3))


def _box_key(r_label: str = "theoretical RF ($r \\times r$)") -> "list[Line2D]":
    return [
        Line2D([], [], color=_KEY_COLORS["trf"], lw=2.4, label=r_label),
        Line2D([], [], color=_KEY_COLORS["erf"], lw=2, ls="--", label="ERF width ($2\\sigma \\times 2\\sigma$)"),
    ]


def rf_stack_report(layers: "list[Layer]", *, size: int = 64, weights: str = "uniform", seed: int = 0) -> str:
    """The text beside :func:`rf_stack_figure`: the table, the recurrences with numbers, and the ERF width.

    Defined in notebook ``03_receptive_field`` (its widget).

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first.
    size : int
        Height and width of the input (>= 8).
    weights : {"uniform", "random"}
        Weights of the ERF computation (see :func:`helpers.effective_receptive_field`).
    seed : int
        Seed of the random weights.

    Examples
    --------
    >>> print(rf_stack_report([Layer(3, padding=1), Layer(3, stride=2, padding=1)], size=32))
    layer   k  s  d  p  k_eff  r  S  P  centre
    layer1  3  1  1  1      3  3  1  1     0.0
    layer2  3  2  1  1      3  5  2  2     0.0
    <BLANKLINE>
    r = 1 + Σ (k_eff,l − 1)·S_(l−1) = 1 + 2·1 + 2·1 = 5
    S = 1·2 = 2
    output 16×16: its centre u = 7 reads input pixels 12 … 16 (both axes)
    ERF width 2σ = 2.3 px = 46.2% of r (uniform weights)
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    n = _check_int("size", size, 8)
    weights = _check_choice("weights", weights, ("uniform", "random"))
    u0, r, _ = _centre_output_box(layers, n)
    n_out = output_sizes(layers, n)[-1]
    sigma = erf_std(effective_receptive_field(layers, n, weights=weights, seed=seed))
    return "\n".join([
        rf_table(layers, input_size=n),
        "",
        *_recurrence_lines(layers, n),
        f"output {n_out}×{n_out}: its centre u = {(n_out - 1) // 2} reads input pixels {u0} … {u0 + r - 1} (both axes)",
        f"ERF width 2σ = {2 * sigma:.1f} px = {200 * sigma / r:.3g}% of r ({weights} weights)",
    ])


def rf_stack_figure(layers: "list[Layer]", *, size: int = 64, weights: str = "uniform", seed: int = 0) -> Figure:
    """A layer stack's receptive field drawn on an image, beside its effective receptive field.

    Left: the seeded :func:`synthetic_scene` with the theoretical field of the
    centre output (solid square; where it leaves the image it covers zero
    padding, shown grey) and the ERF width ``2σ`` (dashed square). Right:
    the ERF itself (darker = larger gradient) with the same two squares.
    :func:`rf_stack_report` gives the matching text.

    Defined in notebook ``03_receptive_field`` (its widget).

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first.
    size : int
        Height and width of the image (>= 8); modest sizes keep a widget update fast.
    weights : {"uniform", "random"}
        Weights of the ERF computation.
    seed : int
        Seed of the image and of the random weights.

    Examples
    --------
    >>> fig = rf_stack_figure([Layer(3, padding=1), Layer(3, stride=2, padding=1)], size=32)
    >>> fig.axes[0].get_title()
    'theoretical RF on the image: r = 5'
    >>> plt.close(fig)
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    n = _check_int("size", size, 8)
    weights = _check_choice("weights", weights, ("uniform", "random"))
    u0, r, _ = _centre_output_box(layers, n)
    erf = effective_receptive_field(layers, n, weights=weights, seed=seed)
    sigma = erf_std(erf)
    # Fixed axes positions: tight_layout would cost most of a widget update.
    fig = plt.figure(figsize=(9.8, 4.9))
    axes = [fig.add_axes(rect) for rect in ((0.07, 0.17, 0.42, 0.74), (0.56, 0.17, 0.42, 0.74))]

    ax = axes[0]
    lo, hi = min(-0.5, u0 - 0.5) - 1, max(n - 0.5, u0 + r - 0.5) + 1
    clipped = lo < -n or hi > 2 * n
    lo, hi = max(lo, -n - 0.5), min(hi, 2 * n - 0.5)
    ax.add_patch(Rectangle((lo, lo), hi - lo, hi - lo, facecolor=COLORS["padding"], edgecolor="none", zorder=0))
    ax.imshow(synthetic_scene(n, seed=seed), cmap="gray", vmin=0, vmax=1, extent=(-0.5, n - 0.5, n - 0.5, -0.5), zorder=1)
    ax.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, edgecolor="0.2", lw=1, zorder=2))
    _draw_boxes(ax, u0, r, erf, sigma)
    ax.set_xlim(lo, hi)
    ax.set_ylim(hi, lo)
    ax.set_title(f"theoretical RF on the image: r = {r}", fontsize=10)
    if clipped:
        ax.text(0.5, 0.03, f"the {r}×{r} field covers all of this view", transform=ax.transAxes, ha="center",
                va="bottom", fontsize=9, color=_KEY_COLORS["trf"], bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    ax.set_ylabel("input row", fontsize=9)

    ax = axes[1]
    ax.imshow(erf / erf.max(), cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    ax.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, edgecolor="0.2", lw=1))
    _draw_boxes(ax, u0, r, erf, sigma)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_title(f"effective RF, {weights} weights (darker = larger gradient)", fontsize=10)
    for ax in axes:
        ax.set_xlabel("input column", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))

    handles = [Patch(facecolor="0.55", edgecolor="0.4", label="image"),
               Patch(facecolor=COLORS["padding"], edgecolor="0.4", label="outside the image (zero padding)"),
               *_box_key()]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=9, frameon=False,
               handlelength=1.8, columnspacing=1.2)
    return fig


# --- 04 · output stride and heatmaps ----------------------------------
# (section for notebook 04: add its functions below this line)
import functools  # noqa: E402

from matplotlib.lines import Line2D  # noqa: E402

from ._validate import check_int  # noqa: E402


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
    """The same image under heatmaps of several output strides: one cell per ``OS × OS`` block.

    Each panel draws the ``ceil(n / OS)`` heatmap cells per side as the
    blocks of input pixels they stand for (a last partial block when ``OS``
    does not divide ``n``), and fills the cell that holds the keypoint.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = heatmap_grids(256, output_strides=(32, 8))
    >>> [ax.get_title() for ax in fig.axes]
    ['OS 32: 8×8 heatmap', 'OS 8: 32×32 heatmap']
    >>> plt.close(fig)
    """
    from .arithmetic import heatmap_size

    n = check_int("n", n, 1)
    strides = [check_int("output_strides", s, 1) for s in output_strides]
    img, (kx, ky) = _nb04_scene(n, check_int("seed", seed, 0))
    fig, axes = plt.subplots(1, len(strides), figsize=(4.2 * len(strides), 4.7), squeeze=False)
    for ax, os_ in zip(axes[0], strides):
        cells = heatmap_size(n, os_)
        _nb04_show(ax, img, n)
        edges = np.minimum(np.arange(cells + 1) * os_, n) - 0.5
        ax.vlines(edges, -0.5, n - 0.5, color=COLORS["output"], linewidth=1.0)
        ax.hlines(edges, -0.5, n - 0.5, color=COLORS["output"], linewidth=1.0)
        i, j = int((ky + 0.5) // os_), int((kx + 0.5) // os_)
        ax.add_patch(
            Rectangle((edges[j], edges[i]), edges[j + 1] - edges[j], edges[i + 1] - edges[i],
                      facecolor=COLORS["highlight"], alpha=0.7, edgecolor=COLORS["highlight"], linewidth=2)
        )
        ax.plot(kx, ky, "P", color=COLORS["input"], markersize=7, markeredgecolor="black", markeredgewidth=0.7)
        ax.set_title(f"OS {os_}: {cells}×{cells} heatmap", fontsize=12)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlabel("input x (pixels)", fontsize=10)
        ax.tick_params(labelsize=9)
    axes[0][0].set_ylabel("input y (pixels)", fontsize=10)
    handles = [
        Patch(facecolor="0.55", edgecolor="0.4", label=f"input image ({n}×{n})"),
        Line2D([], [], color=COLORS["output"], linewidth=1.5, label="heatmap cell boundaries (every OS pixels)"),
        Patch(facecolor=COLORS["highlight"], alpha=0.7, label="the cell holding the keypoint"),
        Line2D([], [], marker="P", linestyle="", color=COLORS["input"], markeredgecolor="black", markersize=9,
               label="keypoint"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False, fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def heatmap_size_vs_rate(n: int = 65, *, kernel: int = 3, max_rate: int = 40, marks: "tuple[int, ...]" = (12, 24, 36)) -> Figure:
    """Output size of one stride-1 atrous convolution against its rate, for three paddings.

    ``padding = d (K - 1) / 2`` keeps the size at every rate; a padding fixed at
    ``(K - 1) / 2`` (right only for rate 1) or 0 ("valid") loses ``K - 1``
    pixels per unit of rate, until the kernel no longer fits. ``marks`` draws
    dotted lines at chosen rates (DeepLab's ASPP rates at OS 8).

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = heatmap_size_vs_rate(65)
    >>> [line.get_label() for line in fig.axes[0].get_lines()][:3]
    ['padding = rate·(K−1)/2 (“same”)', 'padding = (K−1)/2 = 1 (right only for rate 1)', 'padding = 0 (“valid”)']
    >>> plt.close(fig)
    """
    from .arithmetic import conv_output_size

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
        (f"padding = (K−1)/2 = {(k - 1) // 2} (right only for rate 1)", lambda d: (k - 1) // 2, COLORS["kernel"], "--"),
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
    ax.set_title(f"A {n}×{n} map through one atrous convolution: only the padding decides", fontsize=12)
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
    from .arithmetic import heatmap_size
    from .receptive import _resnet_stage, resnet50_costs

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


def _nb04_head_layers(output_stride: int, rate: int, padding: str) -> "list":
    from .receptive import Layer, resnet50

    pad = {"same": rate, "one": 1, "valid": 0}[padding]
    return resnet50(output_stride) + [Layer(3, dilation=rate, padding=pad, name="head (atrous 3×3)", channels=256)]


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

    Raises ``ValueError`` with a sentence when the setting is impossible
    (the widget shows that sentence instead).

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig = heatmap_cell(513, 16, 6)
    >>> fig.axes[0].get_title()
    'OS 16: 33×33 heatmap cells over the input'
    >>> plt.close(fig)
    """
    from .receptive import cell_centers, output_sizes, receptive_field

    n = check_int("input_size", input_size, 1)
    os_ = check_int("output_stride", output_stride, 1)
    rate = check_int("rate", rate, 1)
    if padding not in ("same", "one", "valid"):
        raise ValueError(f"padding must be one of 'same', 'one', 'valid', got {padding!r}")
    seed = check_int("seed", seed, 0)
    layers = _nb04_head_layers(os_, rate, padding)
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
    cx, cy = centers[j], centers[i]
    edges = np.concatenate([centers - row.S / 2, [centers[-1] + row.S / 2]])  # cell u: centre ± S/2

    fig, axes = plt.subplots(1, 3, figsize=(12.5, 4.9))
    left, mid, right = axes
    # left: cells over the image
    _nb04_show(left, img, n)
    lw, alpha = (0.9, 1.0) if cells <= 24 else (0.6, 0.9) if cells <= 40 else (0.45, 0.8)
    left.vlines(edges, edges[0], edges[-1], color=COLORS["output"], linewidth=lw, alpha=alpha)
    left.hlines(edges, edges[0], edges[-1], color=COLORS["output"], linewidth=lw, alpha=alpha)
    if cells <= 20:
        gx, gy = np.meshgrid(centers, centers)
        left.plot(gx.ravel(), gy.ravel(), ".", color=COLORS["output"], markersize=4)
    cell_box = (edges[j], edges[i]), row.S, row.S
    left.add_patch(Rectangle(*cell_box, facecolor=COLORS["highlight"], alpha=0.6, edgecolor=COLORS["highlight"], linewidth=2))
    left.plot(kx, ky, "P", color=COLORS["input"], markersize=9, markeredgecolor="black", markeredgewidth=0.8)
    left.set_xlim(-0.5, n - 0.5)
    left.set_ylim(n - 0.5, -0.5)
    left.set_title(f"OS {os_}: {cells}×{cells} heatmap cells over the input", fontsize=11)
    # middle: the receptive field of the chosen cell
    x0, y0 = j * row.S - row.P, i * row.S - row.P
    lo, hi = min(x0, y0, 0) - 0.5, max(x0, y0) + row.r - 0.5
    lo, hi = min(lo, -0.5), max(hi, n - 0.5)
    margin = 0.04 * (hi - lo)
    mid.set_facecolor(COLORS["padding"])
    _nb04_show(mid, img, n)
    mid.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, edgecolor=COLORS["input"], linewidth=2))
    mid.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), row.r, row.r, fill=False, edgecolor=COLORS["kernel"],
                            linewidth=2.5, linestyle="--"))
    mid.add_patch(Rectangle(*cell_box, facecolor=COLORS["highlight"], edgecolor="white", linewidth=1))
    mid.set_xlim(lo - margin, hi + margin)
    mid.set_ylim(hi + margin, lo - margin)
    mid.set_title(f"its receptive field: {row.r}×{row.r} px", fontsize=11)
    # right: the heatmap near the keypoint
    sigma = float(row.S)
    g = np.exp(-((centers[None, :] - kx) ** 2 + (centers[:, None] - ky) ** 2) / (2 * sigma**2))
    right.pcolormesh(edges, edges, g, cmap="magma", vmin=0, vmax=1, shading="flat", edgecolors="0.45", linewidth=0.4)
    right.plot([kx, cx], [ky, cy], "-", color="white", linewidth=1.2)
    right.plot(kx, ky, "P", color=COLORS["input"], markersize=14, markeredgecolor="black", markeredgewidth=0.8)
    right.plot(cx, cy, "o", color=COLORS["output"], markersize=9, markeredgecolor="white")
    half = 3.5 * row.S
    zx = (max(-0.5, cx - half), min(n - 0.5, cx + half))
    zy = (max(-0.5, cy - half), min(n - 0.5, cy + half))
    right.set_xlim(*zx)
    right.set_ylim(zy[1], zy[0])
    right.set_aspect("equal")
    right.set_title(f"heatmap (zoom): arg-max → ({cx:g}, {cy:g})", fontsize=11)
    for ax in axes:
        ax.set_xlabel("input x (pixels)", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.locator_params(nbins=4)  # fewer tick labels: drawing text is most of a widget update
    left.set_ylabel("input y (pixels)", fontsize=10)
    handles = [
        Line2D([], [], color=COLORS["output"], linewidth=1.5,
               label="heatmap cells: OS×OS around each centre" + (" (dots)" if cells <= 20 else "")),
        Patch(facecolor=COLORS["highlight"], alpha=0.7, label="cell nearest the keypoint"),
        Line2D([], [], color=COLORS["kernel"], linewidth=2, linestyle="--", label="its receptive field"),
        Patch(facecolor=COLORS["padding"], edgecolor=COLORS["input"], label="zero padding (outside the image)"),
        Line2D([], [], marker="P", linestyle="", color=COLORS["input"], markeredgecolor="black", markersize=9,
               label="true keypoint"),
        Line2D([], [], marker="o", linestyle="", color=COLORS["output"], markeredgecolor="0.3", label="decoded (cell centre)"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=10)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.2, top=0.94, wspace=0.25)  # fixed: tight_layout is slow
    return fig



# --- 05 · gridding artifacts ------------------------------------------
# (section for notebook 05: add its functions below this line)

from matplotlib.colors import LinearSegmentedColormap, ListedColormap  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .gridding import (  # noqa: E402
    coverage_map,
    coverage_stats,
    dilated_stack,
    hdc_report,
    probe_image,
    stack_response,
    valid_weight_fraction,
)
from .receptive import Layer  # noqa: E402

__all__ += ["PATHS_CMAP", "coverage_maps", "gridding_artifact", "hdc_rule_map", "valid_taps_curves", "stack_overview"]

#: Path counts: light orange (few paths) to vermillion (most), so black holes and
#: the grey outside of the receptive field stand out.
PATHS_CMAP = LinearSegmentedColormap.from_list("paths", ["#FFE8B0", COLORS["output"], COLORS["kernel"]])


def _as_stacks(stacks: object, kernel: int) -> "dict[str, list[Layer]]":
    """``{title: layers}`` from a dict of layer lists or a list of rate tuples."""
    if isinstance(stacks, dict):
        return {str(title): list(layers) for title, layers in stacks.items()}
    out = {}
    for rates in stacks:  # type: ignore[union-attr]
        out["rates " + ", ".join(str(r) for r in rates)] = dilated_stack(rates, kernel=kernel)
    return out


def _draw_coverage(ax: Axes, layers: "list[Layer]", half: float, title: str) -> "object":
    """One coverage map, centred at offset 0, on axes spanning ``±half``; returns the image."""
    cov = coverage_map(layers)
    r = cov.shape[0]
    c = (r - 1) / 2
    ax.set_facecolor(COLORS["padding"])
    shown = np.ma.masked_equal(cov / cov.max(), 0.0)
    cmap = PATHS_CMAP.with_extremes(bad=COLORS["hole"])
    im = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1, extent=(-c - 0.5, c + 0.5, c + 0.5, -c - 0.5),
                   interpolation="nearest")
    ax.add_patch(Rectangle((-c - 0.5, -c - 0.5), r, r, fill=False, edgecolor="0.35", linewidth=0.8))
    ax.plot([0], [0], marker="+", color=COLORS["highlight"], markersize=9, markeredgewidth=2)
    ax.set_xlim(-half, half)
    ax.set_ylim(half, -half)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    stats = coverage_stats(layers)
    ax.set_title(f"{title}\n{stats.reached} of {r}×{r} reached ({100 * stats.fraction:.0f} %)", fontsize=10)
    ax.tick_params(labelsize=9)
    return im


def coverage_maps(stacks: object, *, kernel: int = 3) -> Figure:
    """Coverage maps of several stacks side by side, on one common scale of input offsets.

    Each panel shows, for the centre output (green +), how many paths reach
    each input pixel of its receptive field (relative to the most-reached
    pixel); **holes** (no path) are black, pixels outside the receptive field
    grey.

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
        Patch(facecolor=COLORS["padding"], edgecolor="0.5", label="outside the\nreceptive field"),
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
    grid pattern shows as neighbouring pixels that disagree. Each panel is
    scaled to its own range (black = lowest, white = highest).

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
            ax.imshow(view, cmap="gray", interpolation="nearest")
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
    fig.tight_layout()
    return fig


_HDC_CLASSES = {
    "is_hdc ✓ and no holes (rule right)": COLORS["highlight"],
    "is_hdc ✗ but no holes (rule too strict)": COLORS["input"],
    "paper's two conditions ✓ but holes (r₁ ≠ 1)": COLORS["kernel"],
    "is_hdc ✗ and holes (rule right)": "#3A3A3A",
}


def hdc_rule_map(first_rates: "tuple[int, ...]" = (1, 2, 3), *, max_rate: int = 8, kernel: int = 3) -> Figure:
    """The HDC rule against brute-force coverage for every triple ``(r₁, r₂, r₃)``.

    One panel per ``r₁``; rows ``r₂``, columns ``r₃`` from 1 to ``max_rate``;
    the colour says whether :func:`helpers.is_hdc` accepts the triple, whether
    the paper's two stated conditions do, and whether the stack has holes.
    The number in each cell is ``M₂``.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig = hdc_rule_map((1,), max_rate=4)
    >>> fig.axes[0].get_title()
    'r₁ = 1'
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
        ax.set_xlabel("r₃ (last layer)", fontsize=10)
        ax.set_ylabel("r₂", fontsize=10)
        ax.set_title(f"r₁ = {r1}", fontsize=11)
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
    styles = {full: (COLORS["highlight"], f"{full} valid (the whole filter)"),
              kernel + 1 if kernel == 3 else 4: (COLORS["output"], "4 valid (a 2×2 corner)"),
              1: (COLORS["kernel"], "1 valid (only the centre: a 1×1)")}
    fig, axes = plt.subplots(1, len(sizes), figsize=(max(5.2 * len(sizes), 7.0), 4.4), squeeze=False, sharey=True)
    for ax, size in zip(axes[0], sizes):
        shares = [valid_weight_fraction(size, int(r), kernel) for r in rates]
        others = [sum(v for k, v in s.items() if k not in styles) for s in shares]
        for count, (color, label) in styles.items():
            ax.plot(rates, [s.get(count, 0.0) for s in shares], color=color, linewidth=2.2, label=label)
        ax.plot(rates, others, color=COLORS["neutral"], linewidth=1.2, linestyle="--", label="any other count")
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

    What the notebook-05 widget draws: the coverage map of the centre output
    (holes black), the 48×48 probe image, and its response to the stack with
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
        ax.imshow(arr, cmap="gray", interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[2].set_xlabel("averaging kernels; own grey scale", fontsize=9)
    return fig


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: add its functions below this line)

from .arithmetic import transposed_output_size  # noqa: E402
from .conv import bilinear_upsample, conv2d, conv_transpose2d  # noqa: E402
from .gridding import coverage_map, dilated_stack as _dilated_stack_layers, stack_response as _stack_response  # noqa: E402
from .receptive import Layer  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def transposed_conv_1d(n: int, kernel: int, *, stride: int, padding: int = 0, output_padding: int = 0) -> Figure:
    """Where each input pixel of a 1-D transposed convolution writes, and how often each output is hit.

    Every input pixel ``i`` writes a copy of the kernel (``kernel`` cells)
    starting at ``i * stride`` of the full output; ``padding`` then crops
    that many cells from each end and ``output_padding`` adds cells at the
    far end. The bottom row counts the copies that overlap on each output
    cell (Odena et al. 2016): equal counts mean an even overlap.

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig = transposed_conv_1d(3, 3, stride=2)
    >>> fig.axes[0].get_title(loc="left").splitlines()[1]
    'uneven overlap: checkerboard in the interior'
    >>> plt.close(fig)
    """
    n_out = transposed_output_size(n, kernel, stride=stride, padding=padding, output_padding=output_padding)
    full = (n - 1) * stride + kernel  # cells written before cropping
    counts = conv_transpose2d(np.ones((1, n)), np.ones((1, kernel)), stride=(1, stride))[0]
    length = max(full, padding + n_out)
    counts = np.concatenate([counts, np.zeros(length - full)])
    kept = np.zeros(length, dtype=bool)
    kept[padding : padding + n_out] = True

    fig, ax = plt.subplots(figsize=(max(5.5, 0.42 * length + 2.6), 1.05 + 0.42 * (n + 3)))
    x_in = [i * stride + kernel / 2 - 0.5 for i in range(n)]
    for i, x0 in enumerate(x_in):
        ax.add_patch(Rectangle((x0, 0), 1, 1, facecolor=COLORS["input"], edgecolor="white"))
        ax.text(x0 + 0.5, 0.5, f"x{i}", ha="center", va="center", fontsize=9)
        for t in range(kernel):
            ax.add_patch(Rectangle((i * stride + t, 1.6 + i), 1, 0.8, facecolor=COLORS["kernel"], alpha=0.45,
                                   edgecolor="0.3", linewidth=0.8))
            ax.text(i * stride + t + 0.5, 2.0 + i, f"w{t}", ha="center", va="center", fontsize=9)
        ax.annotate("", xy=(i * stride + kernel / 2, 1.6 + i), xytext=(x0 + 0.5, 1.0),
                    arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 0.8})
    y_out = 2.0 + n
    colors = [[COLORS["output"] if k else COLORS["padding"] for k in kept]]
    text = np.array([[f"{int(c)}" for c in counts]], dtype=object)
    draw_cells(ax, colors, origin=(0, y_out), text=text, fontsize=10)
    ax.text(-0.4, 0.5, "input", ha="right", va="center", fontsize=10)
    ax.text(-0.4, 2.0 + n / 2 - 0.2, "kernel\ncopies", ha="right", va="center", fontsize=10)
    ax.text(-0.4, y_out + 0.5, "hits per\noutput", ha="right", va="center", fontsize=10)
    ax.set_xlim(-3.2, length + 0.2)
    ax.set_ylim(y_out + 1.15, -0.3)
    ax.axis("off")
    interior = counts[kernel - 1 : full - kernel + 1] if full - kernel + 1 > kernel - 1 else counts[kept]
    even = len(set(interior.tolist())) == 1
    verdict = "even overlap" if even else "uneven overlap: checkerboard"
    ax.set_title(
        f"Transposed convolution, k={kernel}, s={stride}, p={padding}"
        + (f", output_padding={output_padding}" if output_padding else "")
        + f": {n} → {n_out} pixels\n{verdict} in the interior",
        fontsize=11, loc="left",
    )
    legend_for(ax, {"output kept": COLORS["output"], "cropped by padding": COLORS["padding"]},
               loc="upper right", bbox_to_anchor=(1.0, 0.02), ncol=2, fontsize=9)
    fig.tight_layout()
    return fig


def bilinear_sampling_1d(n_in: int = 4, n_out: int = 8) -> Figure:
    """Where each output pixel of a bilinear resize samples the input, for both ``align_corners`` modes.

    Input pixels are unit cells centred on integer coordinates; each output
    pixel is drawn at its source coordinate ``src`` (the two input pixels it
    mixes are those whose centres bracket it).

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig = bilinear_sampling_1d(4, 8)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    fig, axes = plt.subplots(2, 1, figsize=(8.6, 4.0))
    dst = np.arange(n_out)
    for ax, align in zip(axes, (False, True)):
        if align:
            width = (n_in - 1) / (n_out - 1) if n_out > 1 else 1.0
            centre = dst * width
            src = centre
            formula = "align_corners=True:  src = dst·(n_in − 1)/(n_out − 1)   (corner centres matched)"
        else:
            width = n_in / n_out
            centre = (dst + 0.5) * width - 0.5
            src = np.maximum(centre, 0.0)
            formula = "align_corners=False:  src = (dst + 0.5)·n_in/n_out − 0.5, clamped at 0   (pixel areas matched)"
        for i in range(n_in):
            ax.add_patch(Rectangle((i - 0.5, 0.0), 1, 0.6, facecolor=COLORS["input"], edgecolor="white"))
            ax.text(i, 0.36, f"in {i}", ha="center", va="center", fontsize=9)
        ax.plot(np.arange(n_in), np.full(n_in, 0.06), "o", color="0.2", markersize=3)
        for j in range(n_out):
            ax.add_patch(Rectangle((centre[j] - width / 2, -0.78), width, 0.42, facecolor=COLORS["output"],
                                   edgecolor="white", alpha=0.7))
            ax.text(centre[j], -0.57, f"{j}", ha="center", va="center", fontsize=9)
        ax.plot(src, np.full(n_out, -0.16), "v", color=COLORS["kernel"], markersize=7)
        if not align and centre[0] < 0:
            ax.annotate("clamped", xy=(0, -0.16), xytext=(-0.66, -0.16), fontsize=9, va="center",
                        arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 0.8})
        ax.set_xlim(-0.75, n_in - 0.25)
        ax.set_ylim(-0.85, 0.7)
        ax.set_yticks([])
        ax.set_xlabel("input coordinate (input pixel centres at integers, black dots)", fontsize=9)
        ax.set_title(formula, fontsize=10, loc="left")
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
    legend_for(axes[0], {"input pixel": COLORS["input"], "output pixel j": COLORS["output"],
                         "where output j samples": COLORS["kernel"]}, fontsize=9)
    fig.suptitle(f"Bilinear resize {n_in} → {n_out}: where output pixel j samples the input", fontsize=11)
    fig.tight_layout()
    return fig


def _overlap_counts_2d(kernel: int, stride: int, n: int) -> np.ndarray:
    return conv_transpose2d(np.ones((n, n)), np.ones((kernel, kernel)), stride=stride)


def _overlap_input_size(kernel: int, stride: int) -> int:
    # enough input pixels for at least two full periods of interior output
    return max(3, -(-(kernel - 2) // stride) + 3)


def overlap_pattern(kernel: int, stride: int, *, n: int | None = None) -> Figure:
    """Overlap counts of a transposed convolution: ``conv_transpose2d(ones, ones)``.

    Left: the 2-D count of kernel copies landing on each output pixel, with
    the interior (where every tap can contribute) outlined. Right: the counts
    along one interior row. The interior is even exactly when the stride
    divides the kernel size (Odena et al. 2016).

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig = overlap_pattern(3, 2)
    >>> fig.axes[0].get_title()
    'hits per output pixel (k=3, s=2)'
    >>> plt.close(fig)
    """
    n = _overlap_input_size(kernel, stride) if n is None else n
    counts = _overlap_counts_2d(kernel, stride, n)
    size = counts.shape[0]
    lo, hi = kernel - 1, (n - 1) * stride  # interior: every tap can reach these outputs
    fig, (ax, ax1) = plt.subplots(1, 2, figsize=(9.2, 4.0), gridspec_kw={"width_ratios": [1, 1.15]})
    vmax = max(float(counts.max()), 1.0)
    im = ax.imshow(counts, cmap="viridis", vmin=0, vmax=vmax, interpolation="nearest")
    if size <= 13:
        for (i, j), c in np.ndenumerate(counts):
            ax.text(j, i, f"{int(c)}", ha="center", va="center", fontsize=9,
                    color="white" if c < 0.6 * vmax else "black")
    if hi >= lo:
        ax.add_patch(Rectangle((lo - 0.5, lo - 0.5), hi - lo + 1, hi - lo + 1, fill=False,
                               edgecolor=COLORS["kernel"], linewidth=2))
    ax.set_title(f"hits per output pixel (k={kernel}, s={stride})", fontsize=11)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax1.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax1.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"output column ({n}×{n} input of ones → {size}×{size})", fontsize=9)
    ax.set_ylabel("output row", fontsize=9)
    bar = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label("kernel copies", fontsize=9)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    row = counts[(lo + hi) // 2] if hi >= lo else counts[size // 2]
    colors = [COLORS["output"] if lo <= j <= hi else COLORS["padding"] for j in range(size)]
    ax1.bar(np.arange(size), row, color=colors, edgecolor="0.4", linewidth=0.5)
    ax1.set_xlabel("output column", fontsize=9)
    ax1.set_ylabel("kernel copies", fontsize=9)
    ax1.set_title(f"one interior row (output row {(lo + hi) // 2 if hi >= lo else size // 2})", fontsize=11)
    ax1.set_ylim(0, row.max() * 1.25 + 0.5)
    legend_for(ax1, {"interior (outlined on the left)": COLORS["output"], "near the border": COLORS["padding"]},
               loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9)
    # fixed margins instead of tight_layout: this figure backs a widget and must redraw fast
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.92, wspace=0.3)
    return fig


def _blob(n: int, sigma: float) -> np.ndarray:
    yy, xx = np.mgrid[0:n, 0:n] - (n - 1) / 2
    return np.exp(-(xx**2 + yy**2) / (2 * sigma**2))


def checkerboard_vs_gridding() -> Figure:
    """Two artifacts, two causes, side by side: transposed convolution vs stacked dilation.

    Top row (transposed convolution, k=3, s=2, uniform weights): how many
    kernel copies land on each output pixel; a smooth blob upsampled with it;
    the same blob by resize-then-convolve (nearest ×2, then a 3×3 average).
    Bottom row (dilated 3×3 averages): which input pixels one output reads
    (``coverage_map``) for rates (2, 2, 2); thin lines pushed through that
    stack; the same lines through rates (1, 2, 5).

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig = checkerboard_vs_gridding()
    >>> len(fig.axes)
    6
    >>> plt.close(fig)
    """
    fig, axes = plt.subplots(2, 3, figsize=(10.5, 8.0))
    w = np.full((3, 3), 1.0 / 9.0)
    # top: transposed convolution
    counts = _overlap_counts_2d(3, 2, 5)
    blob = _blob(10, 2.2)
    up = conv_transpose2d(blob, w, stride=2, padding=1, output_padding=1)
    resize = conv2d(blob.repeat(2, axis=0).repeat(2, axis=1), w, padding=1)
    # bottom: dilation, on a thin cross
    lines = np.zeros((40, 40))
    lines[:, 19] = 1.0
    lines[12, :] = 1.0
    panels = [
        (counts, "hits per output pixel\n(5×5 ones in, k=3, s=2)", True),
        (up, "a smooth blob ×2 by transposed\nconv k=3, s=2: checkerboard", False),
        (resize, "the same blob ×2 by nearest\nresize, then a 3×3 conv: smooth", False),
        ((coverage_map([Layer(3, dilation=r) for r in (2, 2, 2)]) > 0).astype(float),
         "input pixels one output reads,\nrates (2, 2, 2): black = hole", False),
        (_stack_response(lines, _dilated_stack_layers((2, 2, 2))), "a thin cross through rates\n(2, 2, 2): ghost copies 2 px apart", False),
        (_stack_response(lines, _dilated_stack_layers((1, 2, 5))), "the same cross through rates\n(1, 2, 5): one blurred band", False),
    ]
    for ax, (img, title, numbers) in zip(axes.flat, panels):
        cmap = "gray" if "black = hole" in title else "viridis"
        ax.imshow(img, cmap=cmap, interpolation="nearest")
        if numbers:
            for (i, j), c in np.ndenumerate(img):
                ax.text(j, i, f"{int(c)}", ha="center", va="center", fontsize=9,
                        color="white" if c < 0.6 * img.max() else "black")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("TRANSPOSED CONV k=3, s=2\n(decoder: output side)", fontsize=10)
    axes[1, 0].set_ylabel("STACKED DILATION\n(encoder: input side)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95), h_pad=2.0)
    for ax, head in zip(axes[0], ("what is uneven", "the artifact", "the cure")):
        box = ax.get_position()
        fig.text((box.x0 + box.x1) / 2, 0.975, head, ha="center", va="center", fontsize=12, fontweight="bold")
    return fig


def resize_conv_comparison(*, size: int = 6, seed: int = 0) -> Figure:
    """A constant input through three ×2 upsamplers, with uniform and with random (seeded) 3×3/4×4 weights.

    Columns: transposed convolution k=3, s=2; transposed convolution k=4,
    s=2 (the kernel divisible by the stride); nearest-neighbour resize ×2
    then a stride-1 3×3 convolution. Only the interior is shown (the
    borders, where fewer taps reach, are cropped), so any variation is an
    artifact. Rows: every weight equal; random weights.

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig = resize_conv_comparison()
    >>> len(fig.axes)
    6
    >>> plt.close(fig)
    """
    rng = np.random.default_rng(seed)
    ones = np.ones((size, size))
    kernels = {
        "uniform weights": (np.full((3, 3), 1 / 9), np.full((4, 4), 1 / 16), np.full((3, 3), 1 / 9)),
        "random weights (seeded)": (rng.uniform(0.2, 1.0, (3, 3)), rng.uniform(0.2, 1.0, (4, 4)),
                                    rng.uniform(0.2, 1.0, (3, 3))),
    }
    fig, axes = plt.subplots(2, 3, figsize=(10, 8.0))
    for r, (row_name, (w3, w4, wr)) in enumerate(kernels.items()):
        outs = [
            ("transposed conv k=3, s=2", conv_transpose2d(ones, w3, stride=2, padding=1, output_padding=1)),
            ("transposed conv k=4, s=2", conv_transpose2d(ones, w4, stride=2, padding=1)),
            ("nearest ×2, then 3×3 conv", conv2d(ones.repeat(2, axis=0).repeat(2, axis=1), wr, padding=1)),
        ]
        for c, (title, out) in enumerate(outs):
            inner = out[2:-2, 2:-2]
            ax = axes[r, c]
            spread = float(inner.max() - inner.min())
            lo, hi = (inner.min() - 0.5, inner.max() + 0.5) if spread < 1e-12 else (inner.min(), inner.max())
            ax.imshow(inner, cmap="viridis", vmin=lo, vmax=hi, interpolation="nearest")
            rel = spread / float(np.abs(inner).mean())
            verdict = "flat" if spread < 1e-12 else "checkerboard"
            ax.set_title(f"{title}\n(max − min)/mean = {rel:.0%}: {verdict}", fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(row_name, fontsize=11)
    fig.suptitle(f"A constant {size}×{size} input upsampled ×2: interior of the output "
                 "(colour stretched per panel)", fontsize=12)
    fig.tight_layout(h_pad=2.5)
    return fig


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: add its functions below this line)

from .design import DesignReport, cell_collision_fraction, find_peaks  # noqa: E402


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
    starts = [float(coarse), 2.0 * coarse - distance / 2.0, float(fine * max(1, coarse // fine))]
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


def peak_demo(distance: float = 12, *, x0: float = 34.0, strides: "tuple[int, ...]" = (4, 8, 16),
              size: int = 96, sigma: float = 1.5) -> Figure:
    """Two objects ``distance`` px apart as heatmaps at several strides, with the peaks a 3×3 extractor finds.

    The heatmap at stride ``s`` is the objects' image averaged over each
    ``s×s`` cell (what a perfect network at that stride can report). The
    last panel upsamples the coarsest heatmap bilinearly back to the finest
    stride: more pixels, the same peaks. The objects sit away from the
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
    from .conv import bilinear_upsample

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
        peaks = find_peaks(hm, threshold=0.05 * hm.max())
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
    fig, axes = plt.subplots(2, 2, figsize=(10.5, 8.2), gridspec_kw={"width_ratios": [1, 1.1]})
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
    zoom = ax_grid.inset_axes([0.58, 0.58, 0.4, 0.4])
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
    zoom.text(0.5, -0.03, f"zoom: 1 cell = {r.heatmap_stride:g} px", transform=zoom.transAxes, ha="center",
              va="top", fontsize=9, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
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
    s = r.peak_stride
    share = cell_collision_fraction(distance, 0, s)
    near = cell_collision_fraction(distance, 0, s, within=1)
    window = int(max(3 * s, 2 * distance + 2 * s))
    _two_objects_panel(ax_obj, s, float(s), distance, window=window,
                       title=f"objects {distance:g} px apart, {s}-px peak grid (least favourable offset):\n"
                             f"same cell at {share:.0%}, same or adjacent at {near:.0%} of offsets")

    # (c) the head's coverage
    if r.rates:
        from .receptive import Layer

        cov = coverage_map([Layer(3, dilation=v) for v in r.rates])
        cmap = plt.get_cmap("viridis").with_extremes(bad="black")
        im = ax_cov.imshow(np.ma.masked_equal(cov, 0), cmap=cmap, interpolation="nearest")
        bar = fig.colorbar(im, ax=ax_cov, fraction=0.046, pad=0.04)
        bar.set_label("paths to the input cell", fontsize=9)
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
        hdc = "" if r.hdc is None else f", HDC: {'yes' if r.hdc else 'no'}"
        ax_cov.set_title(f"head rates {', '.join(map(str, r.rates))}: feature cells one output reads\n"
                         f"(colour: paths), holes (black): {r.holes} = {r.hole_fraction:.0%}{hdc}", fontsize=10)
        ax_cov.set_xticks([])
        ax_cov.set_yticks([])
    else:
        ax_cov.axis("off")
        ax_cov.text(0.5, 0.5, "no dilated head:\nnothing to grid", ha="center", va="center", fontsize=11,
                    transform=ax_cov.transAxes)

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
    # fixed margins instead of tight_layout: this figure backs a widget and must redraw fast
    fig.subplots_adjust(left=0.07, right=0.86, bottom=0.06, top=0.88, wspace=0.3, hspace=0.55)
    return fig


# --------------------------------------------------------------------------
# 08 · audit a real network
# --------------------------------------------------------------------------


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
    from .network_audit import AuditReport

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
