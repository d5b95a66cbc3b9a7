"""Figures of notebook 03 · receptive field: growth, published networks, effective receptive field, the layer-stack report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .._validate import check_choice as _check_choice
from .._validate import check_int as _check_int
from ..conv import effective_receptive_field, erf_std, uniform_erf_std
from ..receptive import Layer, _check_layers, output_sizes, receptive_field, rf_cone, rf_table
from ._style import COLORS

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
    boundary_label: str = "dotted line: end of a block",
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
        Layer indices after which a dotted vertical line is drawn (e.g. block ends), each labelled
        "end of block i"; the legend names the line with ``boundary_label``.
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
        for i, b in enumerate(boundaries):
            ax.axvline(b + 0.5, color=COLORS["neutral"], ls=":", lw=1.2,
                       label=boundary_label if i == 0 and ax is axes[0] else None)
            if ax is axes[0]:   # labelled on the linear panel, where the top is free
                ax.annotate(f"end of block {i + 1}", (b + 0.5, 1.0), xycoords=("data", "axes fraction"),
                            xytext=(-3, -4), textcoords="offset points", rotation=90, ha="right", va="top",
                            fontsize=9, color="0.35")
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
    fig, axes = plt.subplots(1, 5, figsize=(14, 5.2), gridspec_kw=dict(width_ratios=[1, 1, 0.05, 0.3, 1.4]))
    axes[3].axis("off")   # room for the colour bar's labels
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
    bar = fig.colorbar(image, cax=axes[2])   # one scale for both maps
    bar.set_label("|gradient| ÷ its maximum (both maps)", fontsize=9)
    centre = u0 + (r - 1) / 2
    offsets = np.arange(n) - centre
    ax = axes[4]
    ax.axvspan(-(r - 1) / 2 - 0.5, (r - 1) / 2 + 0.5, color=COLORS["padding"], label=f"theoretical RF ({r} px)")
    for i, (name, erf) in enumerate(erfs.items()):
        ax.plot(offsets, erf.sum(axis=0) / erf.sum(), marker=_MARKERS[i], ms=3.5, lw=1.4, color=_SERIES[i],
                label=f"{name} weights (σ = {sigmas[name]:.2f})")
    grid = np.linspace(offsets[0], offsets[-1], 400)
    s = sigmas["uniform"]
    ax.plot(grid, np.exp(-grid**2 / (2 * s * s)) / (s * np.sqrt(2 * np.pi)), color="0.2", lw=1, ls=":",
            label="Gaussian (σ of uniform)")
    ax.set_xlabel("input column − centre of the field", fontsize=9)
    ax.set_ylabel("share of the gradient mass", fontsize=9)
    ax.set_title("gradient mass per input column", fontsize=10)
    peak = max(float((erf.sum(axis=0) / erf.sum()).max()) for erf in erfs.values())
    ax.set_ylim(0, peak * 1.1)
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    ax.grid(alpha=0.3)
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.3, top=0.88, wspace=0.25)
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

    Once drawn by notebook ``03_receptive_field``'s widget (retired: the convolution explorer shows the
    stack); kept as a static picture a learner can call.

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

    Once drawn by notebook ``03_receptive_field``'s widget (retired: the convolution explorer shows the
    stack); kept as a static picture a learner can call.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first.
    size : int
        Height and width of the image (>= 8).
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
    data = _rf_stack_data(layers, size, weights, seed)
    fig = plt.figure(figsize=(9.8, 4.9))
    _rf_stack_draw(_rf_stack_skeleton(fig, data), data)
    return fig


def _rf_stack_data(layers: "list[Layer]", size: int, weights: str, seed: int) -> dict:
    """Everything :func:`rf_stack_figure` draws, computed (raises on invalid arguments)."""
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    n = _check_int("size", size, 8)
    weights = _check_choice("weights", weights, ("uniform", "random"))
    seed = _check_int("seed", seed, 0)
    u0, r, _ = _centre_output_box(layers, n)
    erf = effective_receptive_field(layers, n, weights=weights, seed=seed)
    lo, hi = min(-0.5, u0 - 0.5) - 1, max(n - 0.5, u0 + r - 0.5) + 1
    clipped = lo < -n or hi > 2 * n
    lo, hi = max(lo, -n - 0.5), min(hi, 2 * n - 0.5)
    return {"n": n, "seed": seed, "weights": weights, "u0": u0, "r": r, "erf": erf, "sigma": erf_std(erf),
            "lo": lo, "hi": hi, "clipped": clipped}


def _rf_stack_skeleton(fig: Figure, d: dict) -> dict:
    """The artists of :func:`rf_stack_figure`, created once in drawing order; returns them by name."""
    n = d["n"]
    # Fixed axes positions (tight_layout is slow and would move the axes with the titles).
    axes = [fig.add_axes(rect) for rect in ((0.07, 0.17, 0.42, 0.74), (0.56, 0.17, 0.42, 0.74))]
    art: dict = {"axes": axes}

    def boxes(ax: Axes) -> "tuple[Rectangle, Rectangle]":  # what _draw_boxes adds, to be placed later
        return (ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=_KEY_COLORS["trf"], lw=2.4, zorder=3)),
                ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=_KEY_COLORS["erf"], lw=2, ls="--", zorder=3)))

    ax = axes[0]
    art["padding"] = ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=COLORS["padding"], edgecolor="none", zorder=0))
    ax.imshow(synthetic_scene(n, seed=d["seed"]), cmap="gray", vmin=0, vmax=1, extent=(-0.5, n - 0.5, n - 0.5, -0.5), zorder=1)
    ax.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, edgecolor="0.2", lw=1, zorder=2))
    art["left_boxes"] = boxes(ax)
    art["note"] = ax.text(0.5, 0.03, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=9,
                          color=_KEY_COLORS["trf"], bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    ax.set_ylabel("input row", fontsize=9)

    ax = axes[1]
    art["erf"] = ax.imshow(d["erf"] / d["erf"].max(), cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    ax.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, edgecolor="0.2", lw=1))
    art["right_boxes"] = boxes(ax)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    for ax in axes:
        ax.set_xlabel("input column", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))

    handles = [Patch(facecolor="0.55", edgecolor="0.4", label="image"),
               Patch(facecolor=COLORS["padding"], edgecolor="0.4", label="outside the image (zero padding)"),
               *_box_key()]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=9, frameon=False,
               handlelength=1.8, columnspacing=1.2)
    return art


def _rf_stack_draw(art: dict, d: dict) -> None:
    """Set the artists of :func:`_rf_stack_skeleton` to show the stack computed in ``d``."""
    left, right = art["axes"]
    u0, r, lo, hi, erf, sigma = d["u0"], d["r"], d["lo"], d["hi"], d["erf"], d["sigma"]
    cy, cx = _erf_centre(erf)
    for trf, erf_box in (art["left_boxes"], art["right_boxes"]):
        trf.set_xy((u0 - 0.5, u0 - 0.5))
        trf.set_width(r)
        trf.set_height(r)
        erf_box.set_xy((cx - sigma, cy - sigma))
        erf_box.set_width(2 * sigma)
        erf_box.set_height(2 * sigma)
    art["padding"].set_xy((lo, lo))
    art["padding"].set_width(hi - lo)
    art["padding"].set_height(hi - lo)
    left.set_xlim(lo, hi)
    left.set_ylim(hi, lo)
    left.set_title(f"theoretical RF on the image: r = {r}", fontsize=10)
    art["note"].set_text(f"the {r}×{r} field covers all of this view")
    art["note"].set_visible(d["clipped"])
    art["erf"].set_data(erf / erf.max())
    right.set_title(f"effective RF, {d['weights']} weights (darker = larger gradient)", fontsize=10)


def rf_cones(stacks: "dict[str, list[Layer]]", *, depth: "int | None" = None, title: str = "") -> Figure:
    """The 1-D cone of one output, layer by layer, for several stacks side by side.

    Each panel has one row per map (the input at the bottom); a dot is a
    position of that map, drawn at the input coordinate of its centre (maps
    after a stride have fewer, wider-spaced positions). The positions that
    feed the top output (:func:`helpers.rf_cone`) are coloured, with lines to
    the taps they read; the band at the bottom is the receptive field ``r``.
    ``depth`` shows the cone of an output of layer ``depth`` (rows above it
    stay empty), so frames ``depth = 1 … L`` show the field growing.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    stacks : dict
        ``{label: list of Layer}`` (explicit paddings), one panel each.
    depth : int or None
        Number of layers whose cone is drawn (1 … the longest stack); None: all.
    title : str
        Figure title.

    Examples
    --------
    >>> fig = rf_cones({"plain": [Layer(3, padding=1)] * 2, "dilated": [Layer(3, dilation=d, padding=d) for d in (1, 2)]})
    >>> [ax.get_title() for ax in fig.axes]
    ['plain: r = 5', 'dilated: r = 7']
    >>> plt.close(fig)
    """
    stacks = _check_stacks("stacks", stacks)
    longest = max(len(layers) for layers in stacks.values())
    depth = longest if depth is None else _check_int("depth", depth, 1, longest)
    widest = max(receptive_field(layers)[-1].r for layers in stacks.values())
    half = (widest - 1) / 2 + 1.5
    fig, axes = plt.subplots(1, len(stacks), figsize=(4.1 * len(stacks), 1.0 + 0.75 * (longest + 1)), squeeze=False)
    for ax, (label, layers) in zip(axes[0], stacks.items()):
        shown = layers[: min(depth, len(layers))]
        cone = rf_cone(shown)
        top = cone[-1].positions()[0]  # the top output's centre: draw it at x = 0
        rows = receptive_field(layers)
        for level in range(len(layers) + 1):  # every map's positions, grey
            S = 1 if level == 0 else rows[level - 1].S
            c = 0.0 if level == 0 else rows[level - 1].center
            lo, hi = int(np.ceil((top - half - c) / S)), int(np.floor((top + half - c) / S))
            xs = np.arange(lo, hi + 1) * S + c - top
            ax.plot(xs, np.full(len(xs), level), "o", color="0.85", markersize=5, zorder=1)
        for upper, lower in zip(cone[1:], cone[:-1]):
            layer = shown[upper.level - 1]
            ux, lx = upper.positions(), lower.positions()
            for j, count in enumerate(upper.paths):
                if count == 0:
                    continue
                for t in range(layer.kernel):
                    i = j * layer.stride + t * layer.dilation
                    ax.plot([ux[j] - top, lx[i] - top], [upper.level, lower.level], "-",
                            color=COLORS["kernel"], linewidth=0.8, alpha=0.6, zorder=2)
        for lvl in cone:
            xs = np.array(lvl.positions()) - top
            reached = np.array(lvl.paths) > 0
            color = COLORS["highlight"] if lvl.level == len(shown) else COLORS["output"] if lvl.level else COLORS["input"]
            ax.plot(xs[reached], np.full(int(reached.sum()), lvl.level), "o", color=color, markersize=6.5,
                    markeredgecolor="0.25", zorder=3)
        r = len(cone[0].paths)
        ax.add_patch(Rectangle((-(r - 1) / 2 - 0.5, -0.45), r, 0.9, facecolor=COLORS["input"], alpha=0.18,
                               edgecolor=COLORS["input"], zorder=0))
        ax.set_title(f"{label}: r = {r}", fontsize=11)
        ax.set_xlim(-half, half)
        ax.set_ylim(-0.7, longest + 0.6)
        ax.set_yticks(range(longest + 1), ["input"] + [f"layer {i}" for i in range(1, longest + 1)], fontsize=9)
        ax.set_xlabel("input position relative to the output's centre (pixels)", fontsize=9)
        ax.tick_params(axis="x", labelsize=9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=COLORS["highlight"], markeredgecolor="0.25", label="one output"),
        Line2D([], [], marker="o", linestyle="", color=COLORS["output"], markeredgecolor="0.25", label="positions it depends on"),
        Line2D([], [], color=COLORS["kernel"], label="kernel taps"),
        Line2D([], [], marker="o", linestyle="", color="0.85", label="other positions of each map"),
        Patch(facecolor=COLORS["input"], alpha=0.18, edgecolor=COLORS["input"], label="receptive field r"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=5, frameon=False, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig
