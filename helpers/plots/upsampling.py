"""Figures of notebook 06 · upsampling and checkerboards: transposed convolution, bilinear sampling, overlap patterns."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ..arithmetic import transposed_output_size
from ..conv import conv2d, conv_transpose2d
from ..gridding import coverage_map
from ..gridding import dilated_stack as _dilated_stack_layers
from ..gridding import stack_response as _stack_response
from ..receptive import Layer
from ._style import COLORS, draw_cells, legend_for


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
        if not align and centre[-1] > n_in - 1:   # past the last centre: both neighbours are the last pixel
            ax.plot([centre[-1]], [-0.16], "v", markerfacecolor="none", markeredgecolor="0.1", markersize=12)
            ax.annotate(f"{centre[-1]:g}: reads in {n_in - 1} only (clamped)", xy=(centre[-1], -0.16),
                        xytext=(n_in - 1.1, 0.8), fontsize=9, ha="right", va="center",
                        arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 0.8})
        ax.set_xlim(-0.75, max(n_in - 0.25, centre[-1] + width / 2 + 0.05))
        ax.set_ylim(-0.85, 0.7 if align else 0.95)
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
        (_stack_response(lines, _dilated_stack_layers((1, 2, 5))), "the same cross through rates (1, 2, 5):\nno holes; a wide band, plaid from uneven weights", False),
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




def transposed_paint_view(frame: int = 0, *, n: int = 4, kernel: int = 3, stride: int = 2) -> Figure:
    """One frame of a transposed convolution painting its output: overlap counts building up.

    Frame ``i`` lets the first ``i`` input pixels (row-major, ``n×n`` input
    of ones) write their ``kernel×kernel`` copy into the output; the number
    in each output pixel is how many copies have landed there so far
    (computed with :func:`helpers.conv_transpose2d`). Frame ``n*n`` is the
    finished overlap pattern.

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig = transposed_paint_view(1)
    >>> fig.axes[1].get_title().splitlines()[0]
    'output: copies landed so far'
    >>> plt.close(fig)
    """
    written = np.zeros((n, n))
    written.flat[: max(0, min(frame, n * n))] = 1.0
    counts = conv_transpose2d(written, np.ones((kernel, kernel)), stride=stride)
    full = conv_transpose2d(np.ones((n, n)), np.ones((kernel, kernel)), stride=stride)
    latest = "#d62728"   # red, as the title says
    fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(9.0, 4.6), gridspec_kw={"width_ratios": [n, full.shape[0]]})
    ax_in.imshow(written, cmap="Greens", vmin=0, vmax=1.6, interpolation="nearest")
    for ax, size in ((ax_in, n), (ax_out, full.shape[0])):   # a visible cell grid on both panels
        for v in np.arange(0.5, size - 1, 1):
            ax.axhline(v, color="0.55", linewidth=0.8)
            ax.axvline(v, color="0.55", linewidth=0.8)
        ax.set_xticks([])
        ax.set_yticks([])
    if 0 < frame <= n * n:
        i, j = divmod(frame - 1, n)
        ax_in.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=latest, linewidth=3))
        ax_out.add_patch(Rectangle((j * stride - 0.5, i * stride - 0.5), kernel, kernel, fill=False,
                                   edgecolor=latest, linewidth=3))
    ax_out.imshow(counts, cmap="viridis", vmin=0, vmax=full.max(), interpolation="nearest")
    for (a, b), c in np.ndenumerate(counts):
        ax_out.text(b, a, f"{int(c)}", ha="center", va="center", fontsize=11,
                    color="white" if c < 0.6 * full.max() else "black")
    ax_in.set_title(f"input ({n}×{n} ones)\n{min(frame, n * n)} pixels have written", fontsize=12)
    ax_out.set_title(f"output: copies landed so far\n(k={kernel}, s={stride}; red frame: the latest copy)",
                     fontsize=12)
    fig.tight_layout()
    return fig


def zero_insertion_1d(n: int = 3, kernel: int = 3, *, stride: int = 2, padding: int = 0, dilation: int = 1,
                      output_padding: int = 0, selected: int | None = None) -> Figure:
    """The zero-insertion view of a 1-D transposed convolution, drawn row by row.

    Row 1: the input. Row 2: ``stride − 1`` zeros between neighbouring
    inputs, ``d(K−1) − P`` zeros on each side (cropped when negative) and
    ``output_padding`` zeros at the far end. Row 3: the kernel flipped, its
    taps ``dilation`` apart, placed where output ``selected`` reads. Row 4:
    the outputs, each an ordinary stride-1 window over row 2.

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig = zero_insertion_1d(3, 3, stride=2)
    >>> fig.axes[0].get_title(loc="left").splitlines()[0]
    'Zero insertion: k=3, s=2, p=0, d=1: 3 inputs → 7 outputs'
    >>> plt.close(fig)
    """
    n_out = transposed_output_size(n, kernel, stride=stride, padding=padding, dilation=dilation,
                                   output_padding=output_padding)
    edge = dilation * (kernel - 1) - padding
    spread_len = (n - 1) * stride + 1
    row: list[tuple[str, str]] = []          # (label, kind) of each cell of row 2 before cropping
    row += [("0", "edge")] * max(edge, 0)
    for i in range(spread_len):
        row.append((f"x{i // stride}", "input") if i % stride == 0 else ("0", "inserted"))
    row += [("0", "edge")] * max(edge, 0)
    row += [("0", "extra")] * output_padding
    if edge < 0:
        row = row[-edge: len(row) + edge] if len(row) + 2 * edge > 0 else []
    span = dilation * (kernel - 1)
    sel = (n_out // 2 if selected is None else selected)
    kinds = {"input": COLORS["input"], "inserted": "#F2F2F2", "edge": COLORS["padding"], "extra": "#BBBBBB"}
    width = max(len(row), n_out, n) + 1
    fig, ax = plt.subplots(figsize=(max(6.0, 0.5 * width + 2.6), 3.5))
    x_off = (len(row) - n) / 2
    draw_cells(ax, [[COLORS["input"]] * n], origin=(x_off, 0), text=np.array([[f"x{i}" for i in range(n)]]),
               fontsize=10)
    draw_cells(ax, [[kinds[k] for _, k in row]], origin=(0, 1.6), text=np.array([[t for t, _ in row]], dtype=object),
               edgecolor="0.6", fontsize=10)
    for a in range(kernel):
        x = sel + a * dilation
        ax.add_patch(Rectangle((x, 2.75), 1, 0.8, facecolor=COLORS["kernel"], alpha=0.55, edgecolor="0.3"))
        ax.text(x + 0.5, 3.15, f"w{kernel - 1 - a}", ha="center", va="center", fontsize=10)
    out_colors = [[COLORS["output"] if j != sel else COLORS["highlight"] for j in range(n_out)]]
    draw_cells(ax, out_colors, origin=(0, 4.1), text=np.array([[f"y{j}" for j in range(n_out)]]), fontsize=10)
    for label, y in (("input", 0.5), ("zeros\ninserted", 2.1), ("flipped\nkernel", 3.15), ("output", 4.6)):
        ax.text(-0.4, y, label, ha="right", va="center", fontsize=10)
    ax.set_xlim(-2.6, width)
    ax.set_ylim(5.3, -0.3)
    ax.axis("off")
    ax.set_title(f"Zero insertion: k={kernel}, s={stride}, p={padding}, d={dilation}"
                 + (f", output_padding={output_padding}" if output_padding else "")
                 + f": {n} inputs → {n_out} outputs\n"
                 f"output y{sel} = the flipped kernel (taps {dilation} apart) over the zero-filled row",
                 fontsize=11, loc="left")
    legend = {"input value": COLORS["input"], "inserted zero": "#F2F2F2", "zero at the ends": COLORS["padding"]}
    if output_padding:
        legend["output_padding zero"] = "#BBBBBB"
    legend_for(ax, legend, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncol=len(legend), fontsize=9)
    fig.tight_layout()
    return fig
