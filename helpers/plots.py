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
    for (i, j), color in np.ndenumerate(grid):
        if color is None:
            continue
        ax.add_patch(Rectangle((x0 + j, y0 + i), 1, 1, facecolor=color, edgecolor=edgecolor, linewidth=linewidth))
        if text is not None and text[i, j] not in (None, ""):
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


def _grid_cells(ax: Axes, colors: np.ndarray, *, origin: "tuple[float, float]" = (0.0, 0.0),
                edgecolor: str = "white", linewidth: float = 1.0, text: "np.ndarray | None" = None,
                fontsize: float = 9) -> None:
    """Same picture as :func:`draw_cells` (row 0 on top, one unit per cell, optional text per
    cell), drawn as one ``PolyCollection``: fast enough for widget grids of hundreds of cells."""
    from matplotlib.collections import PolyCollection

    grid = np.asarray(colors, dtype=object)
    ii, jj = np.nonzero(grid != None)  # noqa: E711  (element-wise comparison with None)
    x0, y0 = origin
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    verts = corners[None, :, :] + np.stack([x0 + jj, y0 + ii], axis=1)[:, None, :]
    ax.add_collection(PolyCollection(verts, facecolors=list(grid[ii, jj]), edgecolors=edgecolor, linewidths=linewidth))
    if text is not None:
        for i, j in zip(ii, jj):
            if text[i, j] not in (None, ""):
                ax.text(x0 + j + 0.5, y0 + i + 0.5, str(text[i, j]), ha="center", va="center", fontsize=fontsize)
    ax.set_aspect("equal")
    if not ax.yaxis_inverted():
        ax.invert_yaxis()


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
    _grid_cells(ax, colors)
    # the output grid, to the right of the input, top-aligned
    x_out = wp + gap
    out_colors = np.full((oh, ow), COLORS["output"], dtype=object)
    for f in frames:
        out_colors[divmod(f, ow)] = COLORS["highlight"]
    _grid_cells(ax, out_colors, origin=(x_out, 0.0))
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
    _grid_cells(ax, colors, text=text, fontsize=10)
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
        _grid_cells(ax, np.array([colors], dtype=object))
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
    _grid_cells(axes[0], np.full(x.shape, COLORS["input"], dtype=object), text=as_text(x), fontsize=9)
    _grid_cells(axes[1], np.where(kept, COLORS["highlight"], COLORS["output"]).astype(object), text=as_text(dense),
                fontsize=9)
    _grid_cells(axes[2], np.full(strided.shape, COLORS["highlight"], dtype=object), text=as_text(strided), fontsize=9)
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
    _grid_cells(ax, np.where(is_tap, COLORS["kernel"], None), origin=(left, top))
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
        _grid_cells(ax, np.full((n, n), COLORS["input"], dtype=object))
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
    _grid_cells(ax, palette[ids])
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
            _grid_cells(ax, np.full((rows, cols), palette[r * d + c], dtype=object), origin=(ox, oy))
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


# --- 04 · output stride and heatmaps ----------------------------------
# (section for notebook 04: add its functions below this line)


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


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: add its functions below this line)
