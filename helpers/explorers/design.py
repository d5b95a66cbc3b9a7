"""The design lab explorer of notebook 07 (issue 23): one design's numbers and picture, in the browser.

Input size, output stride, head rates, upsampling and the distance of two
objects → heatmap size, receptive field, the head's holes, the valid taps of
its largest rate, the share of pixels neighbouring outputs both read, and
whether two objects side by side come out as two peaks on the grid of the last
learned layer. ``design_arith.js`` computes all of it in the browser (a twin
of :func:`helpers.design_report`, :func:`helpers.find_peaks` and
:func:`helpers.bilinear_upsample`); ``design_explorer.js`` draws it.

    from helpers import explorers
    explorers.design_lab()

With a kernel it is an ``anywidget`` whose ``input_size``, ``output_stride``,
``rates``, ``upsampling`` and ``distance`` sync with Python
(``explorer.report()`` gives the :class:`helpers.DesignReport`). Its display
also carries a standalone HTML rendering (the same JS, inline) and a PNG of
its state drawn from helpers' numbers, for the website, nbviewer and GitHub.

Ties in the peak test: :func:`helpers.find_peaks` compares values exactly, so
the browser must compute the very same float64 heatmap. It does: the Gaussian
samples of an object come from numpy (``GAUSS``, shipped in the module; V8's
``Math.exp`` differs from numpy's in the last bit for a few arguments), the
box averages are summed pixel by pixel in the same order on both sides
(:func:`objects_heatmap`), and the resize is :func:`helpers.bilinear_upsample`'s
sequence of operations. The tests compare the maps bit for bit.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from typing import Any

import numpy as np

from ..design import TRACE_CELLS, DesignReport, design_report, find_peaks
from ..conv import bilinear_upsample
from ..receptive import resnet50
from .base import Explorer
from .static import COLORS

__all__ = ["RATE_CHOICES", "UPSAMPLE_CHOICES", "LIMITS", "DISTANCE_STEP", "design_state", "design_numbers", "design_lab",
           "objects_heatmap", "two_objects", "design_summary"]

#: The head's rate choices (label → rates), as notebook 07's design widget offered them.
RATE_CHOICES: dict[str, tuple[int, ...]] = {
    "none": (),
    "1, 2, 5 (HDC)": (1, 2, 5),
    "1, 2, 3": (1, 2, 3),
    "2, 2, 2": (2, 2, 2),
    "2, 4, 8": (2, 4, 8),
    "6": (6,),
    "12": (12,),
    "24": (24,),
    "48": (48,),
}
#: Upsampling choices (label → (factor, mode)).
UPSAMPLE_CHOICES: dict[str, tuple[int, str]] = {
    "none": (1, "deconv"),
    "deconv ×2": (2, "deconv"),
    "deconv ×4": (4, "deconv"),
    "deconv ×8": (8, "deconv"),
    "bilinear ×2": (2, "bilinear"),
    "bilinear ×4": (4, "bilinear"),
    "bilinear ×8": (8, "bilinear"),
}
#: The explorer's control ranges: the JS reads them from here (DATA.limits), the claims too.
LIMITS: dict[str, Any] = {
    "input_size": (32, 1024),  # slider, step 1
    "output_stride": (8, 16, 32),
    "distance": (4, 64),  # slider, px, in steps of DISTANCE_STEP
}
#: The distance slider moves 2 px at a time. At odd distances, with bilinear ×4 or ×8, the two objects can sit
#: symmetrically about a cell border: the two middle cells tie, and whether the resized map shows one flat top
#: or 2-4 peaks then depends on floating-point rounding (claims nb07-resize-side-by-side, nb07-resize-mirror-tie).
DISTANCE_STEP = 2
SIGMA = 1.5  # px: the objects' Gaussian blobs (notebook 07's box model)
DEFAULT = {"input_size": 512, "output_stride": 16, "rates": "1, 2, 5 (HDC)", "upsampling": "deconv ×2",
           "distance": 12}  # fmt: skip


@lru_cache(maxsize=None)
def gauss_table() -> tuple[float, ...]:
    """An object's samples ``exp(−k²/(2σ²))`` at integer distances k = 0, 1, …, up to the first that is 0.

    Examples
    --------
    >>> g = gauss_table()
    >>> g[0], g[-1] > 0, len(g)
    (1.0, True, 58)
    """
    k = np.arange(200, dtype=np.float64)
    g = np.exp(-(k * k) / (2 * SIGMA**2))
    return tuple(float(v) for v in g[: int(np.argmax(g == 0))])


def _gauss(k: int) -> float:
    table = gauss_table()
    k = abs(k)
    return table[k] if k < len(table) else 0.0


def js_data() -> dict[str, Any]:
    """What ``design_arith.js`` receives as ``DATA``: ranges, choices, ResNet-50's layers, Gaussian samples."""
    backbones = {}
    for os_ in LIMITS["output_stride"]:
        backbones[str(os_)] = [
            {"kernel": L.kernel, "stride": L.stride, "dilation": L.dilation,
             "padding": "same" if L.padding == "same" else list(L.padding) if isinstance(L.padding, tuple) else [L.padding, L.padding]}
            for L in resnet50(os_)
        ]  # fmt: skip
    return {
        "limits": {k: list(v) for k, v in LIMITS.items()},
        "distance_step": DISTANCE_STEP,
        "rates": {k: list(v) for k, v in RATE_CHOICES.items()},
        "upsampling": {k: list(v) for k, v in UPSAMPLE_CHOICES.items()},
        "backbones": backbones,
        "trace_cells": TRACE_CELLS,
        "gauss": list(gauss_table()),
        "colors": COLORS,
    }


def _data_json() -> str:
    return json.dumps(js_data(), sort_keys=True, separators=(",", ":"))


def module_source(kind: str = "esm") -> str:
    """The explorer's JavaScript as one piece: ``"esm"`` (anywidget) or ``"classic"`` (a script).

    Examples
    --------
    >>> "export default" in module_source("esm"), "export" in module_source("classic")
    (True, False)
    """
    return DESIGN.module_source(kind)


# ------------------------------------------------------------------ state


def design_state(
    input_size: int = 512,
    output_stride: int = 16,
    rates: str = "1, 2, 5 (HDC)",
    upsampling: str = "deconv ×2",
    distance: int = 12,
) -> dict[str, Any]:
    """The explorer's state, checked: a clear error names what it met.

    Examples
    --------
    >>> design_state(distance=20)["distance"]
    20
    >>> design_state(distance=17)
    Traceback (most recent call last):
    ValueError: distance must be even (the explorer steps by 2 px: at odd distances a bilinear resize can turn two tied cells into 1 to 4 peaks by rounding), got 17; use 16 or 18
    >>> design_state(rates="3, 3")
    Traceback (most recent call last):
    ValueError: rates must be one of 'none', '1, 2, 5 (HDC)', '1, 2, 3', '2, 2, 2', '2, 4, 8', '6', '12', '24', '48', got '3, 3'
    """
    lo, hi = LIMITS["input_size"]
    for name, value, a, b in (("input_size", input_size, lo, hi), ("distance", distance, *LIMITS["distance"])):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not a <= value <= b:
            raise ValueError(f"{name} must be an integer in {a}..{b}, got {value!r}")
    if (distance - LIMITS["distance"][0]) % DISTANCE_STEP:
        raise ValueError(f"distance must be even (the explorer steps by {DISTANCE_STEP} px: at odd distances a bilinear "
                         f"resize can turn two tied cells into 1 to 4 peaks by rounding), got {distance}; "
                         f"use {distance - 1} or {distance + 1}")
    if output_stride not in LIMITS["output_stride"] or isinstance(output_stride, bool):
        raise ValueError(f"output_stride must be 8, 16 or 32, got {output_stride!r}")
    for name, value, choices in (("rates", rates, RATE_CHOICES), ("upsampling", upsampling, UPSAMPLE_CHOICES)):
        if value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return {"input_size": int(input_size), "output_stride": int(output_stride), "rates": rates,
            "upsampling": upsampling, "distance": int(distance)}  # fmt: skip


def report_of(state: dict[str, Any]) -> DesignReport:
    """:func:`helpers.design_report` of an explorer state."""
    up, mode = UPSAMPLE_CHOICES[state["upsampling"]]
    return design_report(state["input_size"], state["output_stride"], rates=RATE_CHOICES[state["rates"]],
                         upsample=up, upsample_mode=mode)  # fmt: skip


# ------------------------------------------------------------------ two objects (the box model)


def objects_layout(distance: int, s: int, offset: int) -> dict[str, int]:
    """Where the box model puts the two objects (px) and the heatmap's size in s-px cells."""
    x0 = 2 * s + offset
    x1 = x0 + distance
    return {"x0": x0, "x1": x1, "y0": 2 * s + s // 2, "cols": (x1 + 2 * s) // s + 1, "rows": 5}


def _box_row(cells: int, s: int, centres: tuple[int, ...]) -> np.ndarray:
    """Box averages over s-pixel cells, each sum taken pixel by pixel from the left (the browser's order).

    ``np.cumsum`` adds sequentially, so its last column is the browser's running sum, bit for bit.
    """
    table = np.array(gauss_table() + (0.0,))
    x = np.arange(cells * s)
    g = np.zeros(cells * s)
    for a in centres:
        g = g + table[np.minimum(np.abs(x - a), len(table) - 1)]
    return np.cumsum(g.reshape(cells, s), axis=1)[:, -1] / s


def objects_heatmap(distance: int, s: int, offset: int, factor: int = 1) -> np.ndarray:
    """The box model: two objects ``distance`` px apart side by side, averaged over s×s cells, resized ×factor.

    The objects are Gaussian blobs (σ = 1.5 px) sampled at pixel centres, on one
    row in the middle of a cell row, the first at ``2s + offset`` px; a heatmap
    cell holds the mean over its s×s pixels (what a perfect stride-s network can
    report). ``factor > 1`` resizes it with :func:`helpers.bilinear_upsample`.

    Examples
    --------
    >>> h = objects_heatmap(12, 8, 0)
    >>> h.shape, len(find_peaks(h, threshold=0.1 * h.max()))
    ((5, 6), 1)
    """
    g = objects_layout(distance, s, offset)
    row = _box_row(g["cols"], s, (g["x0"], g["x1"]))
    col = _box_row(g["rows"], s, (g["y0"],))
    h = np.outer(col, row)
    if factor > 1:
        h = bilinear_upsample(h, (h.shape[0] * factor, h.shape[1] * factor))
    return h


def two_objects(distance: int, peak_stride: int, factor: int = 1) -> list[int]:
    """Peaks :func:`helpers.find_peaks` finds (threshold 0.1 × max) at each grid offset 0 … peak_stride − 1.

    Examples
    --------
    >>> two_objects(12, 4), two_objects(12, 8)
    ([2, 2, 2, 2], [1, 1, 1, 1, 2, 2, 2, 2])
    """
    counts = []
    for o in range(peak_stride):
        h = objects_heatmap(distance, peak_stride, o, factor)
        counts.append(len(find_peaks(h, threshold=0.1 * h.max())))
    return counts


# ------------------------------------------------------------------ numbers and words


def design_numbers(state: dict[str, Any]) -> dict[str, Any]:
    """Every number the explorer shows, from helpers (what the tests compare the JS with).

    Examples
    --------
    >>> d = design_numbers(design_state())
    >>> d["heatmap_size"], d["receptive_field"], d["holes"], d["two"], d["offsets"]
    (64, 755, 0, 4, 8)
    """
    r = report_of(state)
    factor = r.upsample if r.upsample_mode == "bilinear" else 1
    counts = two_objects(state["distance"], r.peak_stride, factor)
    return {
        "feature_size": r.feature_size, "heatmap_size": r.heatmap_size, "heatmap_stride": r.heatmap_stride,
        "peak_stride": r.peak_stride, "receptive_field": r.receptive_field, "holes": r.holes,
        "hole_fraction": r.hole_fraction, "hdc": r.hdc, "full_kernel_share": r.full_kernel_share,
        "few_taps_share": r.few_taps_share, "centre_only_share": r.centre_only_share,
        "neighbour_share": r.neighbour_share, "largest_rate": max(r.rates) if r.rates else None,
        "warnings": [w.split(":")[0].split()[0] for w in r.warnings], "counts": counts,
        "two": sum(c == 2 for c in counts), "offsets": len(counts),
    }  # fmt: skip


def verdict_text(distance: int, peak_stride: int, counts: list[int]) -> str:
    """The read-out's two-objects sentence from the peaks at each grid offset (the JS builds the same words).

    Examples
    --------
    >>> verdict_text(12, 8, [1, 1, 1, 1, 2, 2, 2, 2])
    'Two objects 12 px apart side by side, on the 8-px grid of the last learned layer (box model): two peaks at 4 of 8 grid offsets, one peak at 4.'
    >>> verdict_text(17, 8, [2] * 7 + [3]).split(': ')[1]
    'two peaks at 7 of 8 grid offsets, 3 peaks at 1.'
    """
    head = (f"Two objects {distance} px apart side by side, on the {peak_stride}-px grid of the last learned "
            f"layer (box model): ")  # fmt: skip

    def label(v: int) -> str:
        return "one peak" if v == 1 else "two peaks" if v == 2 else f"{v} peaks"

    groups = {v: counts.count(v) for v in sorted(set(counts), key=lambda v: (v != 2, v))}
    if len(groups) == 1:
        return head + f"{label(counts[0])} at each of the {len(counts)} grid offsets."
    parts = [f"{label(v)} at {n}" + (f" of {len(counts)} grid offsets" if i == 0 else "")
             for i, (v, n) in enumerate(groups.items())]
    return head + ", ".join(parts) + "."


def design_summary(state: dict[str, Any]) -> str:
    """The explorer's read-out as plain text (deterministic): the text/plain of its display.

    Examples
    --------
    >>> print(design_summary(design_state()).splitlines()[1])
    Heatmap 64×64 (8 px per cell; last learned layer every 8 px); receptive field 755 px (TF-Slim ResNet-50, head and upsampling).
    """
    d = design_numbers(state)
    up, mode = UPSAMPLE_CHOICES[state["upsampling"]]
    rates = RATE_CHOICES[state["rates"]]
    lines = [
        f"Design lab: input {state['input_size']}, output stride {state['output_stride']}, head rates "
        f"({', '.join(map(str, rates)) or 'none'}), upsampling {state['upsampling']}.",
        f"Heatmap {d['heatmap_size']}×{d['heatmap_size']} ({d['heatmap_stride']} px per cell; last learned layer "
        f"every {d['peak_stride']} px); receptive field {d['receptive_field']} px (TF-Slim ResNet-50, head and upsampling).",
    ]
    if rates:
        hdc = "" if d["hdc"] is None else f", HDC rule {'met' if d['hdc'] else 'not met'}"
        lines.append(f"Head: {d['holes']} holes ({d['hole_fraction']:.0%}) in its coverage{hdc}; an output and its "
                     f"neighbour share {d['neighbour_share']:.0%} of the pixels they read.")  # fmt: skip
        lines.append(f"Largest rate {d['largest_rate']} on the {d['feature_size']}×{d['feature_size']} feature map: "
                     f"all 9 taps inside at {d['full_kernel_share']:.0%} of positions, 4 or fewer at "
                     f"{d['few_taps_share']:.0%}, only the centre at {d['centre_only_share']:.0%}.")  # fmt: skip
    else:
        lines.append("No dilated head: no holes, no rates.")
    lines.append(verdict_text(state["distance"], d["peak_stride"], d["counts"]))
    if d["warnings"]:
        lines.append("Warnings: " + ", ".join(d["warnings"]) + " (see report.warnings).")
    return "\n".join(lines)


# ------------------------------------------------------------------ the PNG and the standalone page


def fallback_png(state: dict[str, Any], *, dpi: int = 80) -> bytes:
    """The explorer's state as a small PNG (matplotlib, helpers' numbers), its words stored in it.

    Examples
    --------
    >>> png = fallback_png(design_state())
    >>> png[:4] == b"\\x89PNG", len(png) < 80_000
    (True, True)
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from .._pngtext import add_words, figure_words

    r = report_of(state)
    d = design_numbers(state)
    fig = Figure(figsize=(10.0, 3.6), dpi=dpi)
    ax_grid, ax_cov, ax_obj = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.8, 1.6]})
    n = r.input_size
    step = r.heatmap_stride
    half = r.receptive_field / 2
    centre = r.heatmap_size // 2
    cx = (centre + 0.5) * step
    ax_grid.add_patch(Rectangle((0, 0), n, n, facecolor=COLORS["input"], alpha=0.35, edgecolor="0.3"))
    every = max(1, int(np.ceil(r.heatmap_size / 32)))
    lines = np.arange(0, r.heatmap_size + 1, every) * step
    ax_grid.vlines(lines[lines <= n], 0, n, color="0.4", linewidth=0.4)
    ax_grid.hlines(lines[lines <= n], 0, n, color="0.4", linewidth=0.4)
    ax_grid.add_patch(Rectangle((centre * step, centre * step), step, step, facecolor=COLORS["highlight"]))
    ax_grid.add_patch(Rectangle((cx - half, cx - half), 2 * half, 2 * half, fill=False, edgecolor=COLORS["kernel"],
                                linewidth=2, linestyle="--"))  # fmt: skip
    lo, hi = min(0.0, cx - half), max(float(n), cx + half)
    ax_grid.set_xlim(lo - 5, hi + 5)
    ax_grid.set_ylim(hi + 5, lo - 5)
    ax_grid.set_aspect("equal")
    ax_grid.set_xticks([])
    ax_grid.set_yticks([])
    ax_grid.set_title(f"{n}×{n} input, {r.heatmap_size}×{r.heatmap_size} heatmap\nreceptive field {r.receptive_field} px",
                      fontsize=10)  # fmt: skip
    if r.rates:
        from ..gridding import coverage_map
        from ..receptive import Layer

        cov = coverage_map([Layer(3, dilation=v) for v in r.rates])
        alpha = 0.25 + 0.75 * cov / cov.max()  # the browser's colours: paths in blue, holes black
        rgb = 1 - alpha[..., None] * (1 - np.array([0.0, 114 / 255, 178 / 255]))
        rgb[cov == 0] = 0.0
        ax_cov.imshow(rgb, interpolation="nearest")
        ax_cov.set_title(f"head coverage: {r.holes} holes (black)\nneighbours share {r.neighbour_share:.0%}", fontsize=10)
    else:
        ax_cov.text(0.5, 0.5, "no dilated head", ha="center", va="center", fontsize=10)
        ax_cov.set_title("head coverage", fontsize=10)
    ax_cov.set_xticks([])
    ax_cov.set_yticks([])
    s = r.peak_stride
    factor = r.upsample if r.upsample_mode == "bilinear" else 1
    shown = next((o for o, c in enumerate(d["counts"]) if c != 2), 0)
    g = objects_layout(state["distance"], s, shown)
    h = objects_heatmap(state["distance"], s, shown, factor)
    row = h[h.shape[0] // 2] if factor == 1 else h[int(np.argmax(h.max(axis=1)))]
    fine = s / factor
    xs = (np.arange(len(row)) + 0.5) * fine - 0.5
    ax_obj.bar(xs, row / row.max(), width=fine * 0.9, color=COLORS["output"], alpha=0.7)
    x = np.linspace(0, g["cols"] * s, 600)
    blob = np.exp(-((x - g["x0"]) ** 2) / (2 * SIGMA**2)) + np.exp(-((x - g["x1"]) ** 2) / (2 * SIGMA**2))
    ax_obj.plot(x, blob, color=COLORS["kernel"], linewidth=1.2)
    ax_obj.vlines(np.arange(0, g["cols"] + 1) * s - 0.5, 0, 1.1, color="0.5", linewidth=0.6)
    peaks = find_peaks(h, threshold=0.1 * h.max())
    ax_obj.plot((peaks[:, 1] + 0.5) * fine - 0.5, [1.05] * len(peaks), "v", color=COLORS["accent"], markersize=8)
    ax_obj.set_ylim(0, 1.15)
    ax_obj.set_yticks([])
    ax_obj.set_xlabel("px along the row of the two objects", fontsize=9)
    ax_obj.set_title(f"objects {state['distance']} px apart, {s}-px learned grid, offset {shown}: "
                     f"{len(peaks)} peak{'s' if len(peaks) != 1 else ''}\n"
                     f"two peaks at {d['two']} of {d['offsets']} offsets", fontsize=10)  # fmt: skip
    fig.suptitle("Design lab (static picture: run the notebook or open the website to explore)", fontsize=10)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.14, top=0.78, wspace=0.15)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return add_words(buf.getvalue(), figure_words(fig))


def standalone_html(state: dict[str, Any], *, png: bytes | None = None) -> str:
    """A self-contained HTML fragment that runs the design lab with no kernel (the PNG until the script runs).

    Examples
    --------
    >>> page = standalone_html(design_state(), png=b"")
    >>> page.startswith('<div class="sh-xp-host"'), "http" in page
    (True, False)
    """
    return DESIGN.standalone_html(state, png=png)


#: The design lab's pieces: its JavaScript, kernel-free page and display (:mod:`helpers.explorers.base`).
DESIGN = Explorer(
    "design_explorer.js", "design_arith.js", global_name="__stridesHolesDesignLab", summary=design_summary,
    fallback_png=fallback_png, data=_data_json, keep_export_blocks=True, ensure_ascii=False,
)  # fmt: skip


@DESIGN.widget
def _widget_class(base, traitlets):
    class DesignExplorer(base):
        """The design lab as a live widget (see :mod:`helpers.explorers.design`)."""

        _explorer = DESIGN
        input_size = traitlets.Int(512).tag(sync=True)
        output_stride = traitlets.Int(16).tag(sync=True)
        rates = traitlets.Unicode("1, 2, 5 (HDC)").tag(sync=True)
        upsampling = traitlets.Unicode("deconv ×2").tag(sync=True)
        distance = traitlets.Int(12).tag(sync=True)

        @traitlets.validate("input_size", "output_stride", "rates", "upsampling", "distance")
        def _check(self, proposal):
            state = dict(self.state)
            state[proposal["trait"].name] = proposal["value"]
            try:
                design_state(**state)
            except ValueError as exc:
                raise traitlets.TraitError(str(exc)) from None
            return proposal["value"]

        @property
        def state(self) -> dict[str, Any]:
            """The current state as a plain dict."""
            return {"input_size": self.input_size, "output_stride": self.output_stride, "rates": self.rates,
                    "upsampling": self.upsampling, "distance": self.distance}  # fmt: skip

        def report(self) -> DesignReport:
            """:func:`helpers.design_report` of the design shown."""
            return report_of(self.state)

    return DesignExplorer


def design_lab(**fields: Any):
    """The design lab of notebook 07, live with a kernel and stored as HTML + PNG without one.

    Parameters
    ----------
    **fields
        ``input_size`` (32–1024), ``output_stride`` (8, 16, 32), ``rates`` (a key of
        :data:`RATE_CHOICES`), ``upsampling`` (a key of :data:`UPSAMPLE_CHOICES`),
        ``distance`` (4–64 px).

    Examples
    --------
    >>> ex = design_lab(output_stride=8)
    >>> ex.report().heatmap_size, ex.distance
    (128, 12)
    >>> sorted(ex._repr_mimebundle_()[0])
    ['application/vnd.jupyter.widget-view+json', 'image/png', 'text/html', 'text/plain']
    """
    state = design_state(**{**DEFAULT, **fields})
    return DESIGN.widget_class()(**state)
