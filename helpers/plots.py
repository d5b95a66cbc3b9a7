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

from .arithmetic import transposed_output_size  # noqa: E402
from .conv import bilinear_upsample, conv2d, conv_transpose2d  # noqa: E402
from .gridding import coverage_map  # noqa: E402
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


def _dilated_stack(x: np.ndarray, rates: "tuple[int, ...]") -> np.ndarray:
    for r in rates:
        x = conv2d(x, np.full((3, 3), 1.0 / 9.0), padding=r, dilation=r)
    return x


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
        (_dilated_stack(lines, (2, 2, 2)), "a thin cross through rates\n(2, 2, 2): ghost copies 2 px apart", False),
        (_dilated_stack(lines, (1, 2, 5)), "the same cross through rates\n(1, 2, 5): one blurred band", False),
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
    ax_grid.annotate("one cell", xy=(cx, cx), xytext=(cx + 0.3 * n, cx - 0.3 * n), fontsize=9,
                     arrowprops={"arrowstyle": "->", "color": COLORS["highlight"], "lw": 1.5})
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
