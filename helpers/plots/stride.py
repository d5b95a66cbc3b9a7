"""Figures of notebook 01 · stride: the sliding window, padding, visits, pooling windows, strided = dense then subsample."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from .._validate import check_int as _check_int
from .._validate import check_pair as _check_pair
from ..arithmetic import conv_output_size as _conv_output_size
from ..arithmetic import same_padding as _same_padding
from ..conv import conv2d as _conv2d
from ..conv import tap_counts as _tap_counts
from ._style import COLORS, draw_cells, legend_for

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


#: Input pixels the sweep has not read yet (a pale version of the input colour).
_NOT_YET = "#D9EEF9"


def _read_so_far(geo: dict, last: int) -> np.ndarray:
    """Boolean (H, W) grid: input pixels read by windows ``0 … last`` (row-major), any tap."""
    (nh, nw), (kh, kw), (sh, sw), (dh, dw) = geo["n"], geo["k"], geo["s"], geo["d"]
    (pt, _), (pl, _) = geo["p"]
    ow = geo["out"][1]
    read = np.zeros((nh, nw), dtype=bool)
    for f in range(last + 1):
        oi, oj = divmod(f, ow)
        r = oi * sh + dh * np.arange(kh) - pt
        c = oj * sw + dw * np.arange(kw) - pl
        r, c = r[(r >= 0) & (r < nh)], c[(c >= 0) & (c < nw)]
        read[np.ix_(r, c)] = True
    return read


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
    progress: bool = False,
) -> dict:
    """Padded input (padding / input / never-visited cells), the windows of ``frames``, and the output grid.

    With ``progress=True`` (one frame ``f``) the scene is a moment of the sweep: input pixels read by
    windows ``0 … f`` are blue, the rest pale ("not read yet"), outputs after ``f`` are empty; at the
    last window the pixels no window read turn "never visited".
    """
    (nh, nw), (kh, kw), (sh, sw), (dh, dw) = geo["n"], geo["k"], geo["s"], geo["d"]
    (pt, pb), (pl, pr) = geo["p"]
    oh, ow = geo["out"]
    rows, cols = geo["counts"]
    hp, wp = nh + pt + pb, nw + pl + pr
    colors = np.full((hp, wp), COLORS["padding"], dtype=object)
    inner = np.where(np.outer(rows, cols) > 0, COLORS["input"], COLORS["unvisited"])
    out_colors = np.full((oh, ow), COLORS["output"], dtype=object)
    if progress:
        last = frames[-1]
        read = _read_so_far(geo, last)
        done = last == oh * ow - 1
        inner = np.where(read, COLORS["input"], COLORS["unvisited"] if done else _NOT_YET)
        out_colors.ravel()[last + 1 :] = "white"
    colors[pt : pt + nh, pl : pl + nw] = inner
    draw_cells(ax, colors)
    # the output grid, to the right of the input, top-aligned
    x_out = wp + gap
    for f in frames:
        out_colors[divmod(f, ow)] = COLORS["highlight"]
    draw_cells(ax, out_colors, origin=(x_out, 0.0), **({"edgecolor": "0.75"} if progress else {}))
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


def _conv_legend_handles(geo: dict, current: str = "current output", progress: bool = False) -> list:
    roles = {"input pixel, read" if progress else "input pixel": COLORS["input"]}
    if progress:
        roles["input pixel, not read yet"] = _NOT_YET
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


def _pad_text(pads: "tuple[tuple[int, int], tuple[int, int]]") -> str:
    """Padding per side in words: ``P=1``, ``P=1 (rows), 0 (columns)`` or the four sides."""
    (pt, pb), (pl, pr) = pads
    if pt == pb == pl == pr:
        return f"P={pt}"
    if pt == pb and pl == pr:
        return f"P={pt} (rows), {pl} (columns)"
    return f"P: rows {pt} before, {pb} after; columns {pl} before, {pr} after"


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


def window_sweep(
    n: "int | tuple[int, int]",
    kernel: "int | tuple[int, int]",
    *,
    stride: "int | tuple[int, int]" = 1,
    padding: "int | tuple[int, int]" = 0,
    frame: int = 0,
) -> Figure:
    """One frame of the sliding-window animation: what has been read so far, and the outputs so far.

    Input pixels read by windows ``0 … frame`` are blue, the others pale; at
    the last window the pixels that no window read are marked "never
    visited". The animation in notebook 01 plays ``frame = 0, 1, …``.

    Defined in notebook ``01_stride``.

    Parameters
    ----------
    n, kernel, stride, padding : int or (int, int)
        As in :func:`sliding_window`.
    frame : int
        Window position, ``0 <= frame < H_out * W_out``.

    Examples
    --------
    >>> fig = window_sweep(8, 3, stride=2, frame=8)
    >>> fig.axes[0].get_title(loc="left")
    'window 9 of 9: never visited: row 7 and column 7'
    >>> plt.close(fig)
    """
    geo = _conv_geometry(n, kernel, stride, padding, 1)
    oh, ow = geo["out"]
    frame = _check_int("frame", frame, 0, oh * ow - 1)
    fig, ax = plt.subplots()
    info = _draw_conv_scene(ax, geo, frames=(frame,), progress=True)
    cell = min(_CELL, 7.5 / info["width"])
    width, height = info["width"] * cell + 2.9, info["height"] * cell + 0.7
    fig.set_size_inches(width, height)  # laid out by hand: animation frames are saved without a tight bbox
    fig.subplots_adjust(left=0.02, right=1 - 2.9 / width, bottom=0.02, top=1 - 0.45 / height)
    handles = _conv_legend_handles(geo, progress=True)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=10)
    if frame == oh * ow - 1:
        never = _axis_names(info["rows"], info["cols"])
        status = f"never visited: {never}" if never else "every input pixel was read"
    else:
        oi, oj = divmod(frame, ow)
        status = f"output ({oi}, {oj})"
    ax.set_title(f"window {frame + 1} of {oh * ow}: {status}", fontsize=11, loc="left", pad=10)
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
    'reads per input pixel (8×8, K=3×3, S=2×2, P=0): never visited: row 7 and column 7'
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
        f"reads per input pixel ({nh}×{nw}, K={kh}×{kw}, S={sh}×{sw}, {_pad_text(geo['p'])}): never visited: {never}",
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
    input (by less than the stride); PyTorch keeps it if it starts inside the
    input (or the left padding) and drops it if it would *start* in the right
    padding. Input pixels that no kept window reads are marked "never
    visited". Settings where only ``ceil_mode=True`` keeps a window (a kernel
    longer than the padded input) are drawn too, with an empty top panel.

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
    ceil_out = _conv_output_size(n, k, stride=s, padding=p, ceil_mode=True)
    try:  # floor mode keeps no window when the kernel is longer than the padded input (ceil mode still may)
        floor_out = _conv_output_size(n, k, stride=s, padding=p)
    except ValueError:
        floor_out = 0
    rounded_up = (n + 2 * p - k + s - 1) // s + 1  # ceil division, before the drop rule
    length = n + 2 * p
    right_end = max(length, (rounded_up - 1) * s + k)
    rows = max(rounded_up, 1)
    fig, axes = plt.subplots(2, 1, sharex=True)
    any_unvisited = any_extra = any_dropped = False
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
            color = COLORS["neutral"] if dropped else (COLORS["highlight"] if extra else COLORS["kernel"])
            any_extra, any_dropped = any_extra or extra, any_dropped or dropped
            ax.add_patch(Rectangle((start + 0.05, y), k - 0.1, 0.5, facecolor=color, edgecolor="none",
                                   hatch="//" if dropped else None, alpha=0.9))
            note = "dropped: it starts in the right padding" if dropped else (
                "extra: kept, it starts before the right padding" if extra else "")
            ax.text(start + k + 0.2, y + 0.25, f"window {w}" + (f" – {note}" if note else ""), va="center", fontsize=9)
        ax.set_ylim(1.3 + 0.75 * rows, -0.15)
        ax.set_xlim(-0.2, right_end + 11)
        ax.set_aspect("equal")
        ax.axis("off")
        if ceil:
            verdict = f"{rounded_up}" + (f", minus 1 dropped = {kept}" if kept < rounded_up else "") + " window(s)"
            ax.set_title(f"ceil_mode=True: ceil(({n} + 2·{p} − {k}) / {s}) + 1 = {verdict}", fontsize=11, loc="left")
        else:
            verdict = f"{kept} window(s)" + ("" if kept else ": none fits")
            ax.set_title(f"ceil_mode=False: floor(({n} + 2·{p} − {k}) / {s}) + 1 = {verdict}",
                         fontsize=11, loc="left")
    roles = {"input pixel": COLORS["input"]}
    if p:
        roles["padding"] = COLORS["padding"]
    if any_unvisited:
        roles["never visited"] = COLORS["unvisited"]
    roles["window"] = COLORS["kernel"]
    if any_extra:
        roles["extra window (ceil_mode)"] = COLORS["highlight"]
    handles = [Patch(facecolor=c, edgecolor="0.4", label=lab) for lab, c in roles.items()]
    if any_dropped:
        handles.append(Patch(facecolor=COLORS["neutral"], edgecolor="0.4", hatch="//", label="dropped window"))
    handles.append(Patch(facecolor="white", edgecolor="0.5", linestyle=":", label="past the end"))
    axes[0].legend(handles=handles, loc="upper right", fontsize=9, frameon=False, ncol=1)
    cell = min(0.42, 10.0 / (right_end + 11))
    fig.set_size_inches((right_end + 11) * cell, 2 * (1.3 + 0.75 * rows + 0.15) * cell + 0.9)
    fig.subplots_adjust(left=0.01, right=0.99, top=1 - 0.35 / fig.get_figheight(), bottom=0.02, hspace=0.35)
    return fig


def strided_vs_dense(
    n: int = 8, kernel: int = 3, *, stride: int = 2, seed: int = 0, frame: "int | None" = None
) -> Figure:
    """Strided convolution = dense (stride 1) convolution, then every ``stride``-th output.

    A seeded integer image is convolved with an all-ones kernel, so every
    output is a plain window sum that a reader can check by hand. With
    ``frame`` (an animation step, row-major over the dense output) only the
    dense outputs ``0 … frame`` are filled in, the window of output ``frame``
    is drawn on the input, and the strided output holds the kept values so far.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig = strided_vs_dense(8, 3, stride=2)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['input 8×8; kernel 3×3 of ones', 'dense conv, stride 1: 6×6', 'strided conv, stride 2: 3×3']
    >>> plt.close(fig)
    >>> fig = strided_vs_dense(8, 3, stride=2, frame=7)     # dense output (1, 1): computed, thrown away
    >>> fig.texts[0].get_text()
    'dense output (1, 1): thrown away'
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
    done = np.ones(dense.shape, dtype=bool)
    if frame is not None:
        frame = _check_int("frame", frame, 0, dense.size - 1)
        done = (np.arange(dense.size) <= frame).reshape(dense.shape)
    fig, axes = plt.subplots(1, 3, gridspec_kw={"width_ratios": [n, dense.shape[1], strided.shape[1]]})
    as_text = np.vectorize(lambda v: f"{v:.0f}")
    draw_cells(axes[0], np.full(x.shape, COLORS["input"], dtype=object), text=as_text(x), fontsize=9)
    dense_colors = np.where(kept, COLORS["highlight"], COLORS["output"]).astype(object)
    dense_colors[~done] = "white"
    draw_cells(axes[1], dense_colors, text=np.where(done, as_text(dense), ""), fontsize=9,
               edgecolor="0.75" if frame is not None else "white")
    strided_done = done[::s, ::s]
    strided_colors = np.where(strided_done, COLORS["highlight"], "white").astype(object)
    draw_cells(axes[2], strided_colors, text=np.where(strided_done, as_text(strided), ""), fontsize=9,
               edgecolor="0.75" if frame is not None else "white")
    if frame is not None:
        i, j = divmod(frame, dense.shape[1])
        axes[0].add_patch(Rectangle((j, i), k, k, fill=False, edgecolor=COLORS["kernel"], linewidth=2.5))
        axes[1].add_patch(Rectangle((j, i), 1, 1, fill=False, edgecolor=COLORS["kernel"], linewidth=2.5))
        if kept[i, j]:
            axes[2].add_patch(Rectangle((j // s, i // s), 1, 1, fill=False, edgecolor=COLORS["kernel"], linewidth=2.5))
    titles = [f"input {n}×{n}; kernel {k}×{k} of ones", f"dense conv, stride 1: {dense.shape[0]}×{dense.shape[1]}",
              f"strided conv, stride {s}: {strided.shape[0]}×{strided.shape[1]}"]
    if frame is not None:
        i, j = divmod(frame, dense.shape[1])
        titles = ["input", f"dense, stride 1: {dense.shape[0]}×{dense.shape[1]}",
                  f"stride {s}: {strided.shape[0]}×{strided.shape[1]}"]
        fig.suptitle(f"dense output ({i}, {j}): " + (f"kept as strided output ({i // s}, {j // s})" if kept[i, j]
                                                      else "thrown away"), fontsize=11, x=0.02, ha="left")
    for ax, title, m in zip(axes, titles, (n, dense.shape[0], strided.shape[0])):
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_xlim(-0.1, m + 0.1)
        ax.set_ylim(n + 0.1, -0.1)
        ax.axis("off")
    nth = {1: "every", 2: "every 2nd", 3: "every 3rd"}.get(s, f"every {s}th")
    roles = {"input": COLORS["input"], "dense output, thrown away": COLORS["output"],
             f"{nth} row and column = strided output": COLORS["highlight"]}
    if frame is None:
        legend_for(axes[2], roles, loc="upper left", bbox_to_anchor=(0.0, 1.0 - strided.shape[0] / n - 0.02),
                   fontsize=9)
        fig.set_size_inches(0.36 * (n + dense.shape[1] + strided.shape[1]) + 1.0, 0.36 * n + 0.9)
        return fig
    width, height = 0.36 * (n + dense.shape[1] + strided.shape[1]) + 1.0, 0.36 * n + 1.5
    fig.set_size_inches(width, height)  # laid out by hand: animation frames are saved without a tight bbox
    fig.subplots_adjust(left=0.02, right=0.98, wspace=0.15, bottom=0.6 / height, top=1 - 0.75 / height)
    handles = [Patch(facecolor=c, edgecolor="0.4", label=label) for label, c in roles.items()]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=9, frameon=False)
    return fig




def shift_and_stride(n: int = 12, kernel: int = 3, *, stride: int = 2, seed: int = 3) -> Figure:
    """Why a strided layer is not shift-equivariant: move the input one pixel and compare the outputs.

    One axis, a kernel of ones (every output is a window sum). The dense
    output moves along with the input; the strided output keeps the dense
    values at multiples of ``stride``, which after the shift are values the
    old strided output had thrown away.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig = shift_and_stride()
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("stride")]
    ['stride 2, input as is', 'stride 2, input moved']
    >>> plt.close(fig)
    """
    n = _check_int("n", n, 2, 20)
    k = _check_int("kernel", kernel, 1, n - 1)
    s = _check_int("stride", stride, 2)
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    x = rng.integers(0, 10, size=(1, n)).astype(float)
    moved = np.concatenate([np.zeros((1, 1)), x[:, :-1]], axis=1)
    w = np.ones((1, k))
    dense, dense_moved = _conv2d(x, w)[0], _conv2d(moved, w)[0]
    kept = np.arange(len(dense)) % s == 0
    rows = [
        ("input", x[0], np.full(n, COLORS["input"], dtype=object)),
        ("input moved 1 right", moved[0], np.array([COLORS["padding"]] + [COLORS["input"]] * (n - 1), dtype=object)),
        ("dense output", dense, np.where(kept, COLORS["highlight"], COLORS["output"]).astype(object)),
        ("dense, input moved", dense_moved, np.where(kept, COLORS["highlight"], COLORS["output"]).astype(object)),
        (f"stride {s}, input as is", dense[::s], np.full(kept.sum(), COLORS["highlight"], dtype=object)),
        (f"stride {s}, input moved", dense_moved[::s], np.full(kept.sum(), COLORS["highlight"], dtype=object)),
    ]
    fig, ax = plt.subplots()
    y = 0.0
    for label, values, colors in rows:
        draw_cells(ax, np.array([colors]), origin=(0.0, y), text=np.array([[f"{v:.0f}" for v in values]]), fontsize=9)
        ax.text(-0.3, y + 0.5, label, ha="right", va="center", fontsize=10)
        y += 1.5
    ax.set_xlim(-6.5, n + 0.2)
    ax.set_ylim(y, -0.3)
    ax.axis("off")
    ax.set_title(f"moving the input by 1 moves the dense output by 1, but the stride-{s} output gets other values",
                 fontsize=10.5, loc="left")
    legend_for(ax, {"kept by the stride": COLORS["highlight"], "thrown away by the stride": COLORS["output"],
                    "zero that entered": COLORS["padding"]}, fontsize=9)
    fig.set_size_inches(0.42 * (n + 6.7) + 2.4, 0.42 * y + 0.8)
    return fig


def _sample_photo(size: int = 64) -> np.ndarray:
    """A grey ``size``×``size`` crop of the photo matplotlib ships (Grace Hopper), values 0…1.

    ``matplotlib.cbook.get_sample_data("grace_hopper.jpg")`` is installed with matplotlib: no download.
    The crop (face and collar) is averaged down in blocks, so it keeps edges at every scale.
    """
    from matplotlib import cbook
    from matplotlib.image import imread

    rgb = imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).astype(float) / 255.0
    grey = rgb[..., :3] @ np.array([0.299, 0.587, 0.114])
    top, left, side = 40, 76, 384                     # a square around the face, inside the 600×512 photo
    block = side // size
    crop = grey[top:top + block * size, left:left + block * size]
    return crop.reshape(size, block, size, block).mean(axis=(1, 3))


def shift_on_image(size: int = 96, *, stride: int = 2) -> Figure:
    """Shift-equivariance lost on a photo: a vertical-edge filter at stride 1 and at ``stride``, input moved 1 pixel.

    The photo moves one pixel to the right (a column of zeros enters on the left). At
    stride 1 the new output is the old one moved by one pixel (away from the borders);
    at ``stride`` no whole-pixel move of the old output matches the new one. The right
    column shows the difference at the best move of −2…2 output pixels, away from the
    borders, with its largest value relative to the largest output.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig = shift_on_image()
    >>> [ax.get_title(loc="left").split(":")[0] for ax in fig.axes][:4]
    ['photo', 'stride 1', 'stride 1, photo moved 1 px right', 'stride 1']
    >>> plt.close(fig)
    """
    size = _check_int("size", size, 16, 256)
    s = _check_int("stride", stride, 2, 8)
    x = _sample_photo(size)
    moved = np.zeros_like(x)
    moved[:, 1:] = x[:, :-1]
    w = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])   # Sobel: vertical edges
    dense, dense_moved = _conv2d(x, w, padding=1), _conv2d(moved, w, padding=1)
    scale = np.abs(dense).max()
    fig = plt.figure(figsize=(10.5, 5.6))
    grid = fig.add_gridspec(2, 4, wspace=0.06, hspace=0.28, left=0.01, right=0.99, bottom=0.06, top=0.86)
    photo = fig.add_subplot(grid[:, 0])
    photo.imshow(x, cmap="gray", interpolation="nearest")
    photo.set_title(f"photo: {size}×{size}", fontsize=11, loc="left")
    for row, step in enumerate((1, s)):
        old, new = dense[::step, ::step], dense_moved[::step, ::step]
        inner = (slice(2, old.shape[0] - 2), slice(3, old.shape[1] - 3))     # away from the borders

        def error(m: int) -> float:
            return float(np.abs(new - np.roll(old, m, axis=1))[inner].max()) / scale

        best = min(range(-2, 3), key=error)
        diff = np.zeros_like(old)
        diff[inner] = np.abs(new - np.roll(old, best, axis=1))[inner] / scale
        panels = [(old, f"stride {step}: output {old.shape[0]}×{old.shape[1]}", "gray"),
                  (new, f"stride {step}, photo moved 1 px right", "gray"),
                  (diff, f"stride {step}: |new − old moved {best}|", "magma")]
        for col, (img, title, cmap) in enumerate(panels, start=1):
            ax = fig.add_subplot(grid[row, col])
            ax.imshow(img, cmap=cmap, interpolation="nearest", **({"vmin": 0, "vmax": 1} if cmap == "magma" else {}))
            ax.set_title(title, fontsize=11, loc="left")
            if cmap == "magma":
                ax.set_xlabel(f"largest: {error(best):.0%} of the largest output", fontsize=11)
    for ax in fig.axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"A vertical-edge filter; the photo (Grace Hopper, shipped with matplotlib) moves 1 pixel: "
                 f"the stride-1 output moves with it, the stride-{s} output changes", fontsize=11, x=0.01, ha="left")
    return fig
