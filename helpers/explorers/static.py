"""Kernel-free renderings of an explorer: a standalone HTML page fragment and a PNG.

* :func:`standalone_html` — the explorer itself, its JavaScript inline (no
  file, no CDN), started by a classic ``<script>`` that finds its own
  container (``document.currentScript``), so several explorers on one page
  never share an id. Until the script runs (and where scripts never run,
  such as GitHub) the container shows the PNG of the default state.
* :func:`fallback_png` — that PNG, drawn with matplotlib from the numbers of
  :func:`helpers.explorers.numbers.axis_numbers` (helpers, not the JS).

Both are deterministic for a given state (no ids, dates or addresses).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from .base import Explorer, inline_module, standalone_fragment  # noqa: F401  (the generic forms, also here)
from .numbers import axis_numbers, normalize_layer, stack_sizes

__all__ = ["COLORS", "module_source", "standalone_html", "fallback_png", "summary_text"]

#: Okabe–Ito palette by role; tests check it equals ``helpers.plots.COLORS`` and the JS copy.
COLORS = {
    "input": "#56B4E9",
    "padding": "#E0E0E0",
    "output": "#E69F00",
    "kernel": "#D55E00",
    "highlight": "#009E73",
    "unvisited": "#CC79A7",
    "hole": "#000000",
    "accent": "#0072B2",
    "neutral": "#999999",
}
PALE = {"input": "#D5ECF9", "output": "#F8E3B5"}


def module_source(kind: str = "esm") -> str:
    """The explorer's JavaScript as one piece: ``"esm"`` (anywidget) or ``"classic"`` (a script).

    ``conv_explorer.js`` imports ``conv_arith.js``; a widget or a stored output
    cannot resolve a relative import, so the arithmetic module is inlined as an
    object ``A`` with the same exports (:func:`helpers.explorers.base.inline_module`).

    Examples
    --------
    >>> "export default" in module_source("esm"), "export" in module_source("classic")
    (True, False)
    """
    return CONV.module_source(kind)


def summary_text(state: dict[str, Any]) -> str:
    """One deterministic paragraph: what the explorer shows in its default state.

    Examples
    --------
    >>> print(summary_text({"dims": 1, "n": 8, "layers": [{"kernel": 3, "stride": 2}], "selected": {"level": 1, "index": [1]}}))
    Convolution explorer (1-D, n = 8): layer 1 conv K=3 S=2 P=0 d=1 -> 3. Output 1 of layer 1: receptive field 3 (cells 2–4, centre 3); holes: none; never visited: 7.
    """
    layers = [normalize_layer(layer) for layer in state["layers"]]
    sizes = stack_sizes(state["n"], layers)
    parts = []
    for i, layer in enumerate(layers):
        extra = f" op={layer['output_padding']}" if layer["kind"] == "transposed" else ""
        extra += " ceil" if layer["ceil_mode"] else ""
        parts.append(f"layer {i + 1} {layer['kind']} K={layer['kernel']} S={layer['stride']} "
                     f"P={layer['padding']} d={layer['dilation']}{extra} -> {sizes[i + 1]}")  # fmt: skip
    dims = state.get("dims", 1)
    sel = state.get("selected") or {}
    level = sel.get("level", len(layers))
    index = list(sel.get("index", [0]))
    a = axis_numbers(state["n"], layers, level, index[0])
    where = f"({index[0]}, {index[-1]})" if dims == 2 else f"{index[0]}"
    text = f"Convolution explorer ({dims}-D, n = {state['n']}): {'; '.join(parts)}. Output {where} of layer {level}: "
    if a.box:
        cen = a.box[2]
        text += f"receptive field {a.rf[0]} (cells {a.box[0]}–{a.box[1]}, centre {cen:g})"
    else:
        reached = np.flatnonzero(a.paths[0])
        text += f"reads input cells {reached[0]}–{reached[-1]}" if reached.size else "reads no input cell"
    holes = ", ".join(map(str, a.holes)) or "none"
    never = ", ".join(map(str, a.never_visited)) or "none"
    axis = " (per axis)" if dims == 2 else ""
    return text + f"; holes{axis}: {holes}; never visited{axis}: {never}."


# ------------------------------------------------------------------ the PNG


def _draw_1d(ax, state, a) -> None:
    from matplotlib.patches import Rectangle

    layers = [normalize_layer(layer) for layer in state["layers"]]
    L = len(layers)
    gap = 1.6
    rows_y = {l: l * (1 + gap) for l in range(L + 1)}
    width = max(a.sizes) + 2 * max(layer["padding"] for layer in layers) + 2
    x0 = {l: (width - a.sizes[l]) / 2 for l in range(L + 1)}
    for l in range(a.level, 0, -1):  # connections
        for o in np.flatnonzero(a.paths[l]):
            for pos in _reads(a.sizes[l - 1], layers[l - 1], int(o)):
                inside = 0 <= pos < a.sizes[l - 1]
                ax.plot([x0[l] + o + 0.5, x0[l - 1] + pos + 0.5], [rows_y[l], rows_y[l - 1] + 1],
                        color=COLORS["kernel"] if inside else "#aaaaaa", lw=0.8,
                        ls="-" if inside else ":", alpha=0.9 if l == a.level else 0.55, zorder=1)  # fmt: skip
    for l in range(L + 1):
        y = rows_y[l]
        pad = layers[l]["padding"] if l < L and layers[l]["kind"] != "transposed" else 0
        for x in range(-pad, a.sizes[l] + pad):
            if x < 0 or x >= a.sizes[l]:
                ax.add_patch(Rectangle((x0[l] + x, y), 1, 1, fc=COLORS["padding"], ec="#999999", lw=0.6))
                continue
            paths = a.paths[l][x] if l <= a.level else 0
            never = a.total[l][x] == 0
            if l == a.level and x == a.index:
                fc = COLORS["highlight"]
            elif l == 0:
                in_box = a.box is not None and a.box[0] <= x <= a.box[1]
                fc = COLORS["input"] if paths else COLORS["hole"] if in_box else COLORS["unvisited"] if never else PALE["input"]
            else:
                fc = COLORS["output"] if paths and l < a.level else COLORS["unvisited"] if never else PALE["output"]
            ax.add_patch(Rectangle((x0[l] + x, y), 1, 1, fc=fc, ec="#666666", lw=0.6, zorder=2))
            if paths and l < a.level and a.sizes[l] <= 40:
                ax.text(x0[l] + x + 0.5, y + 0.5, str(paths), ha="center", va="center", fontsize=8, zorder=3)
        label = "input" if l == 0 else f"layer {l}"
        sub = f"n = {a.sizes[0]}" if l == 0 else f"{layers[l - 1]['kind']} → {a.sizes[l]}"
        ax.text(-0.5, y + 0.5, f"{label}\n{sub}", ha="right", va="center", fontsize=9)
    if a.box is not None:
        start, end, centre = a.box
        ax.add_patch(Rectangle((x0[0] + start - 0.1, -0.15), end - start + 1.2, 1.3, fill=False,
                               ec=COLORS["accent"], lw=2, zorder=4))  # fmt: skip
        ax.plot([x0[0] + centre + 0.5], [-0.45], marker="^", color=COLORS["accent"], ms=7)
        ax.text(x0[0] + centre + 0.5, -1.05, f"centre {centre:g}", ha="center", va="center", fontsize=8,
                color=COLORS["accent"])  # fmt: skip
    ax.set_xlim(-6, width + 0.5)
    ax.set_ylim(-1.5, rows_y[L] + 1.2)


def _reads(n_in: int, layer: dict[str, Any], o: int) -> list[int]:
    k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
    if layer["kind"] != "transposed":
        return [o * s + t * d - p for t in range(k)]
    return [(o + p - t * d) // s for t in range(k) if (o + p - t * d) % s == 0]


def _draw_2d(fig, state, rows, cols) -> None:
    from matplotlib.colors import to_rgb

    L = len(state["layers"])
    axes = fig.subplots(1, L + 1, gridspec_kw={"width_ratios": [max(s, 1) for s in rows.sizes]})
    for l, ax in enumerate(np.atleast_1d(axes)):
        n = rows.sizes[l]
        img = np.zeros((n, n, 3))
        paths = np.outer(rows.paths[l], cols.paths[l]) if l <= rows.level else np.zeros((n, n), dtype=int)
        never = np.outer(rows.total[l], cols.total[l]) == 0
        for i in range(n):
            for j in range(n):
                if l == rows.level and i == rows.index and j == cols.index:
                    role = COLORS["highlight"]
                elif l == 0:
                    in_box = rows.box is not None and rows.box[0] <= i <= rows.box[1] and cols.box[0] <= j <= cols.box[1]
                    role = COLORS["input"] if paths[i, j] else COLORS["hole"] if in_box else COLORS["unvisited"] if never[i, j] else PALE["input"]
                else:
                    role = COLORS["output"] if paths[i, j] and l < rows.level else COLORS["unvisited"] if never[i, j] else PALE["output"]
                img[i, j] = to_rgb(role)
        ax.imshow(img, interpolation="nearest", extent=(0, n, n, 0))
        if n <= 32:
            ax.set_xticks(np.arange(n + 1), minor=True)
            ax.set_yticks(np.arange(n + 1), minor=True)
            ax.grid(which="minor", color="#00000040", lw=0.4)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.set_title("input" if l == 0 else f"layer {l}", fontsize=9)
        if l == 0 and rows.box is not None:
            from matplotlib.patches import Rectangle

            ax.add_patch(Rectangle((cols.box[0], rows.box[0]), cols.box[1] - cols.box[0] + 1,
                                   rows.box[1] - rows.box[0] + 1, fill=False, ec=COLORS["accent"], lw=2))  # fmt: skip


def fallback_png(state: dict[str, Any], *, dpi: int = 80) -> bytes:
    """The explorer's default state as a small PNG (matplotlib, helpers' numbers).

    Examples
    --------
    >>> png = fallback_png({"dims": 1, "n": 8, "layers": [{"kernel": 3, "stride": 2}], "selected": {"level": 1, "index": [1]}})
    >>> png[:4] == b"\\x89PNG", len(png) < 60_000
    (True, True)
    """
    from matplotlib.figure import Figure

    layers = [normalize_layer(layer) for layer in state["layers"]]
    sel = state.get("selected") or {}
    level = sel.get("level", len(layers))
    index = list(sel.get("index", [0]))
    rows = axis_numbers(state["n"], layers, level, index[0])
    title = state.get("title") or "Convolution explorer"
    if state.get("dims", 1) == 2:
        cols = axis_numbers(state["n"], layers, level, index[-1])
        fig = Figure(figsize=(9.5, 3.0), dpi=dpi)
        _draw_2d(fig, state, rows, cols)
    else:
        fig = Figure(figsize=(9.5, 1.1 + 1.05 * (len(layers) + 1)), dpi=dpi)
        ax = fig.add_axes((0.0, 0.0, 1.0, 0.88))
        ax.set_axis_off()
        _draw_1d(ax, state, rows)
    fig.suptitle(f"{title} (static picture: run the notebook or open the website to explore)", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def standalone_html(state: dict[str, Any], *, png: bytes | None = None) -> str:
    """A self-contained HTML fragment that runs the explorer with no kernel.

    Examples
    --------
    >>> page = standalone_html({"dims": 1, "n": 8, "layers": [{"kernel": 3}], "selected": {}}, png=b"")
    >>> page.startswith('<div class="sh-xp-host"'), "http" in page
    (True, False)
    """
    return CONV.standalone_html(state, png=png)


#: The convolution explorer's pieces (its widget class is registered in :mod:`helpers.explorers`).
CONV = Explorer(
    "conv_explorer.js", "conv_arith.js", global_name="__stridesHolesConvExplorer", summary=summary_text,
    fallback_png=fallback_png, exports=("mount", "explain"), keep_export_blocks=True,
)  # fmt: skip
