"""Notebook 04's heatmap explorer: ResNet-50 + one atrous head over a scene, computed in the browser.

The picture and every number are computed by ``heatmap_arith.js`` in the
browser (``heatmap_explorer.js`` draws them), so a control answers within a
frame and the stored output works with no kernel. The network's data (layer
list, per-layer cost weights of ResNet-50 with its projection shortcuts) and
the scene are generated here from helpers (:func:`net_data`) and inlined into
the JavaScript; :func:`heatmap_numbers` computes the same numbers with helpers
for the PNG and text fallbacks, and the tests compare both.

Examples
--------
>>> s = heatmap_state()
>>> (s["n"], s["os"], s["rate"], s["padding"], s["decoder"])
(513, 16, 6, 'same', 'centre')
>>> heatmap_numbers(s)["cells"]
33
"""

from __future__ import annotations

import base64
import io
import json
import math
from functools import lru_cache
from typing import Any

import numpy as np

from .base import Explorer

__all__ = ["HEATMAP_LIMITS", "DECODERS", "heatmap_state", "heatmap_numbers", "heatmap_explorer", "net_data"]

#: The controls' ranges; the JavaScript reads them from the generated data (never typed twice).
HEATMAP_LIMITS: dict[str, Any] = {
    "n": (64, 1025),
    "os": (32, 16, 8),
    "rate": (1, 36),
    "padding": ("same", "one", "valid"),
    "decoder": ("centre", "align", "stride"),
}
#: The decoders' names, as the read-out says them (the JS has the same table; the tests compare).
DECODERS = {
    "centre": "receptive-field centre",
    "align": "DeepLab (bilinear, align_corners)",
    "stride": "SimpleBaselines/HRNet (u·OS, quarter shift)",
}
_PADDING_LABELS = {"same": "= rate (same)", "one": "1 (fixed)", "valid": "0 (valid)"}


@lru_cache(maxsize=None)
def _scene() -> tuple[np.ndarray, float, float]:
    """The scene image (400×400) and its keypoint as fractions f of the side (pixel f·N − 0.5)."""
    from ..plots.heatmaps import _nb04_scene

    img, (kx, ky) = _nb04_scene(400, 0)
    fx, fy = (kx + 0.5) / 400, (ky + 0.5) / 400
    for n in (64, 513, 1025):  # the fractions reproduce helpers' keypoint exactly
        if (fx * n - 0.5, fy * n - 0.5) != _nb04_scene(n, 0)[1]:
            raise RuntimeError("the scene's keypoint fractions do not reproduce helpers' keypoint")
    return img, fx, fy


@lru_cache(maxsize=None)
def _scene_png() -> str:
    from PIL import Image

    img, _, _ = _scene()
    buf = io.BytesIO()
    Image.fromarray((np.asarray(img) * 255).round().astype(np.uint8)).save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@lru_cache(maxsize=None)
def net_data(with_image: bool = True) -> dict[str, Any]:
    """The data the JavaScript computes from: limits, layers and cost weights per output stride, scene.

    ``layers``: ``[kernel, stride, dilation, before, after, same]`` of every layer of
    :func:`helpers.resnet50` (``same`` = 1 for TF's input-dependent "SAME" split).
    ``costs``: ``[layer index, weights, channels]`` of every record of
    :func:`helpers.resnet50_costs` (a projection shortcut uses its unit's last layer's map):
    multiply-adds = side² · weights, activations = side² · channels.

    Examples
    --------
    >>> d = net_data(with_image=False)
    >>> len(d["nets"]["16"]["layers"]), d["nets"]["16"]["layers"][1]
    (50, [3, 2, 1, 0, 0, 1])
    """
    from ..receptive import resnet50, resnet50_costs

    nets = {}
    for os_ in HEATMAP_LIMITS["os"]:
        layers = resnet50(os_)
        rows = []
        for layer in layers:
            if layer.padding == "same":
                rows.append([layer.kernel, layer.stride, layer.dilation, 0, 0, 1])
            else:
                before, after = layer.pads()
                rows.append([layer.kernel, layer.stride, layer.dilation, before, after, 0])
        index = {layer.name: i for i, layer in enumerate(layers)}
        costs, last = [], None
        for c in resnet50_costs(224, output_stride=os_):
            i = index.get(c.name, last)  # a shortcut: the map of the conv3 just before it
            costs.append([i, c.weights, c.channels])
            last = i
        nets[str(os_)] = {"layers": rows, "costs": costs}
    _, fx, fy = _scene()
    data = {"limits": {k: list(v) for k, v in HEATMAP_LIMITS.items()}, "decoders": DECODERS,
            "paddingLabels": _PADDING_LABELS, "scene": {"fx": fx, "fy": fy}, "nets": nets}  # fmt: skip
    if with_image:
        data["scene"]["png"] = _scene_png()
    return data


def heatmap_state(
    n: int = 513,
    output_stride: int = 16,
    rate: int = 6,
    padding: str = "same",
    *,
    decoder: str = "centre",
    keypoint: "tuple[float, float] | None" = None,
    cell: "tuple[int, int] | None" = None,
    title: str | None = None,
    caption: str | None = None,
) -> dict[str, Any]:
    """The explorer's state, checked: input size, output stride, head rate and padding, decoder, keypoint, cell.

    ``keypoint`` is ``(fx, fy)``, fractions of the side (pixel ``f·N − 0.5``); None: the
    scene's object. ``cell`` is ``(row, column)``; None: the decoder's arg-max cell.

    Examples
    --------
    >>> heatmap_state(257, 32, rate=1)["os"]
    32
    >>> heatmap_state(2000)
    Traceback (most recent call last):
    ValueError: n (input size) must be an integer in 64..1025, got 2000
    """
    lo, hi = HEATMAP_LIMITS["n"]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not lo <= n <= hi:
        raise ValueError(f"n (input size) must be an integer in {lo}..{hi}, got {n!r}")
    if output_stride not in HEATMAP_LIMITS["os"] or isinstance(output_stride, bool):
        raise ValueError(f"output_stride must be one of 32, 16, 8, got {output_stride!r}")
    lo, hi = HEATMAP_LIMITS["rate"]
    if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or not lo <= rate <= hi:
        raise ValueError(f"rate must be an integer in {lo}..{hi}, got {rate!r}")
    if padding not in HEATMAP_LIMITS["padding"]:
        raise ValueError(f"padding must be 'same' (= rate), 'one' or 'valid', got {padding!r}")
    if decoder not in HEATMAP_LIMITS["decoder"]:
        raise ValueError(f"decoder must be one of {', '.join(map(repr, HEATMAP_LIMITS['decoder']))}, got {decoder!r}")
    _, fx, fy = _scene()
    key = [fx, fy] if keypoint is None else [float(v) for v in keypoint]
    if len(key) != 2 or not all(0.0 <= v <= 1.0 for v in key):
        raise ValueError(f"keypoint must be two fractions of the side in [0, 1], got {keypoint!r}")
    if cell is not None:
        if len(cell) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 0 for v in cell):
            raise ValueError(f"cell must be (row, column), two integers >= 0, got {cell!r}")
        cell = [int(v) for v in cell]
    return {"n": int(n), "os": int(output_stride), "rate": int(rate), "padding": padding, "decoder": decoder,
            "key": key, "cell": cell, "title": title or "Output stride, atrous rate and the heatmap",
            "caption": caption or ""}  # fmt: skip


def _fmt(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def heatmap_numbers(state: dict[str, Any]) -> dict[str, Any]:
    """Every number the explorer shows, computed with helpers (the PNG and text use these; tests compare).

    Examples
    --------
    >>> h = heatmap_numbers(heatmap_state(513, 16, 12, "one"))
    >>> h["cells"], h["backbone"], h["r"]
    (11, 33, 867)
    >>> h["lines"][0]
    '513×513 input, OS 16: heatmap 11×11 (ceil(513/16) = 33; the head (rate 12, padding 1, less than the rate) shrinks it by 2(d − P) = 22 to 11).'
    """
    from .. import decoding
    from ..arithmetic import heatmap_size
    from ..receptive import cell_centers, output_sizes, receptive_field, resnet50, resnet50_with_head

    n, os_, rate, padding, decoder = state["n"], state["os"], state["rate"], state["padding"], state["decoder"]
    pad = {"same": rate, "one": 1, "valid": 0}[padding]
    backbone = output_sizes(resnet50(os_), n)[-1]
    ceil = heatmap_size(n, os_)
    kx, ky = state["key"][0] * n - 0.5, state["key"][1] * n - 0.5
    out: dict[str, Any] = {"ok": True, "n": n, "os": os_, "rate": rate, "padding": padding, "pad": pad,
                           "backbone": backbone, "ceil": ceil, "key": (kx, ky)}  # fmt: skip
    layers = resnet50_with_head(os_, rate, padding=padding)
    try:
        cells = output_sizes(layers, n)[-1]
    except ValueError:
        out["ok"] = False
        out["cells"] = 0
        error = (f"the head's 3×3 kernel at rate {rate} spans {2 * rate + 1} cells, but the {backbone}-cell map "
                 f"padded by {pad} on each side has only {backbone + 2 * pad}: the heatmap would be empty")  # fmt: skip
        out["lines"] = [f"{n}×{n} input, OS {os_}: not possible: {error}. Lower the rate or pad by the rate."]
        return out
    row = receptive_field(layers, input_size=n)[-1]
    centres = np.array(cell_centers(layers, n))
    if decoder == "centre":
        j, i = decoding.nearest_cell(kx, centres), decoding.nearest_cell(ky, centres)
        at, shift = (centres[j], centres[i]), (0.0, 0.0)
    elif decoder == "align":
        painted = decoding.align_corners_position(np.arange(cells), cells, n)
        painted = np.atleast_1d(painted)
        j, i = decoding.nearest_cell(kx, painted), decoding.nearest_cell(ky, painted)
        at, shift = (float(painted[j]), float(painted[i])), (0.0, 0.0)
    else:
        j = min(max(math.floor(kx / os_ + 0.5), 0), cells - 1)
        i = min(max(math.floor(ky / os_ + 0.5), 0), cells - 1)
        inner = 1 < i < cells - 1 and 1 < j < cells - 1
        shift = (0.25 * float(np.sign(kx - j * os_)) if inner else 0.0, 0.25 * float(np.sign(ky - i * os_)) if inner else 0.0)
        at = (decoding.stride_position(j, os_, shift=shift[0]), decoding.stride_position(i, os_, shift=shift[1]))
    cell = state.get("cell")
    cell = [min(max(v, 0), cells - 1) for v in cell] if cell else [i, j]
    cc = (float(centres[cell[1]]), float(centres[cell[0]]))
    half = (row.r - 1) / 2
    box = (cc[0] - half, cc[0] + half, cc[1] - half, cc[1] + half)
    macs, acts = _cost_ratios(n, os_)
    err = (abs(kx - at[0]), abs(ky - at[1]))
    out.update(cells=cells, r=row.r, S=row.S, P=row.P, center=row.center, argmax=[i, j], at=at, shift=shift,
               cell=cell, cell_centre=cc, box=box, macs=macs, acts=acts, err=err, centres=centres)  # fmt: skip
    if cells == backbone:
        note = f"the head (rate {rate}, padding {pad}) keeps it"
    else:
        note = f"the head (rate {rate}, padding {pad}, less than the rate) shrinks it by 2(d − P) = {2 * (rate - pad)} to {cells}"
    scale = (n - 1) / (cells - 1) if cells > 1 else 0

    def reads(u: int) -> tuple[int, int]:
        # first and last image pixel cell u reads: its head taps on the backbone's map, each its backbone cell's field
        taps = [t for t in (u - pad + j * rate for j in range(3)) if 0 <= t <= backbone - 1]
        pb, rb = row.P - pad * row.S, row.r - 2 * rate * row.S
        return max(taps[0] * row.S - pb, 0), min(taps[-1] * row.S - pb + rb - 1, n - 1)

    read = (*reads(cell[1]), *reads(cell[0]))
    out["read"] = read
    how = {
        "centre": "reported at its receptive-field centre",
        "align": f"painted at u·(N−1)/(n−1) = u·{scale:.2f}" if cells > 1 else "one cell, painted on every pixel (arg-max: pixel 0)",
        "stride": f"reported at (u + shift)·OS, shift ({shift[0]:g}, {shift[1]:g})",
    }[decoder]
    out["lines"] = [
        f"{n}×{n} input, OS {os_}: heatmap {cells}×{cells} (ceil({n}/{os_}) = {ceil}; {note}).",
        f"Cell (row {cell[0]}, column {cell[1]}): receptive field {row.r}×{row.r} px centred on ({cc[0]:g}, {cc[1]:g}), "
        f"x {box[0]:g} to {box[1]:g}, y {box[2]:g} to {box[3]:g} (zero padding included; first to last image pixel "
        f"it reads: x {read[0]} to {read[1]}, y {read[2]} to {read[3]}); cells are {os_} px apart.",
        f"ResNet-50 (TF-Slim) at OS {os_} vs OS 32 on this input: multiply-adds ×{macs:.2f}, activation memory ×{acts:.2f}.",
        f"Keypoint ({kx:.1f}, {ky:.1f}), {DECODERS[decoder]}: arg-max cell (row {i}, column {j}), {how}: "
        f"({at[0]:.1f}, {at[1]:.1f}), error {err[0]:.1f} px in x and {err[1]:.1f} px in y.",
    ]
    return out


@lru_cache(maxsize=512)
def _cost_ratios(n: int, os_: int) -> tuple[float, float]:
    """Multiply-adds and activation values of ResNet-50 (TF-Slim) at ``os_``, over the same at OS 32."""
    from ..receptive import resnet50_costs

    costs, ref = resnet50_costs(n, output_stride=os_), resnet50_costs(n)
    return (sum(c.macs for c in costs) / sum(c.macs for c in ref),
            sum(c.activations for c in costs) / sum(c.activations for c in ref))  # fmt: skip


def summary_text(state: dict[str, Any]) -> str:
    """The read-out of a state as one paragraph (deterministic; text/plain of the display).

    Examples
    --------
    >>> summary_text(heatmap_state()).split(":")[0]
    'Heatmap explorer (ResNet-50 TF-Slim + 3×3 atrous head, rate 6, padding same, decoder centre)'
    """
    h = heatmap_numbers(state)
    head = (f"Heatmap explorer (ResNet-50 TF-Slim + 3×3 atrous head, rate {state['rate']}, "
            f"padding {state['padding']}, decoder {state['decoder']})")  # fmt: skip
    return head + ": " + " ".join(h["lines"])


# ------------------------------------------------------------------ JavaScript

def _net_const() -> str:
    # base64: the data's thousands of numbers stay out of the page's readable text (the spoiler
    # check reads a stored output's text, scripts included)
    data = base64.b64encode(json.dumps(net_data(), sort_keys=True, separators=(",", ":")).encode()).decode()
    return f'const NET = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob("{data}"), (c) => c.charCodeAt(0))));'


def module_source(kind: str = "esm") -> str:
    """The explorer's JavaScript as one piece (arithmetic inlined as ``A``, data as ``NET``).

    Examples
    --------
    >>> "export default" in module_source("esm"), "export " in module_source("classic")
    (True, False)
    """
    return HEATMAP.module_source(kind)


# ------------------------------------------------------------------ PNG and HTML


def fallback_png(state: dict[str, Any], *, dpi: int = 80) -> bytes:
    """The default state as a small PNG drawn with matplotlib from :func:`heatmap_numbers` (helpers).

    Examples
    --------
    >>> png = fallback_png(heatmap_state())
    >>> png[:4] == b"\\x89PNG", len(png) < 150_000
    (True, True)
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from .._pngtext import add_words, figure_words
    from .static import COLORS

    h = heatmap_numbers(state)
    img, _, _ = _scene()
    n = state["n"]
    fig = Figure(figsize=(9.5, 6.4), dpi=dpi)
    ax = fig.add_axes((0.02, 0.27, 0.52, 0.63))
    ax2 = fig.add_axes((0.6, 0.38, 0.36, 0.45))
    for a in (ax, ax2):
        a.imshow(img, cmap="gray", vmin=0, vmax=1, extent=(-0.5, n - 0.5, n - 0.5, -0.5), interpolation="nearest")
        a.set_xticks([])
        a.set_yticks([])
    if h["ok"]:
        S, c = h["os"], h["centres"]
        edges = np.concatenate([c - S / 2, [c[-1] + S / 2]])
        for e in edges:
            ax.plot([edges[0], edges[-1]], [e, e], color="#ffffff", lw=0.5, alpha=0.6)
            ax.plot([e, e], [edges[0], edges[-1]], color="#ffffff", lw=0.5, alpha=0.6)
        ci, cj = h["cell"]
        ax.add_patch(Rectangle((c[cj] - S / 2, c[ci] - S / 2), S, S, fc=COLORS["highlight"], alpha=0.55, ec=COLORS["highlight"]))
        x0, x1, y0, y1 = h["box"]
        for a in (ax, ax2):
            a.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0 + 1, y1 - y0 + 1, fill=False, ec=COLORS["accent"], lw=2, ls="--"))
        ax.plot(*h["cell_centre"], "o", color=COLORS["highlight"], ms=5, mec="white")
        ax.plot(*h["key"], "x", color=COLORS["kernel"], ms=10, mew=2.5)
        ax.plot(*h["at"], "o", mfc="none", mec=COLORS["output"], ms=11, mew=2)
        lo, hi = min(-0.5, x0 - 0.5, y0 - 0.5), max(n - 0.5, x1 + 0.5, y1 + 0.5)
        ax2.set_facecolor(COLORS["padding"])
        ax2.set_xlim(lo, hi)
        ax2.set_ylim(hi, lo)
        ax2.set_title(f"the selected cell's receptive field,\n{h['r']}×{h['r']} px (grey: zero padding)", fontsize=10)
        ax.set_title(f"OS {state['os']}: {h['cells']}×{h['cells']} heatmap cells over the {n}×{n} input", fontsize=10)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    fig.text(0.02, 0.24, "\n".join(_wrap(line, 118) for line in h["lines"]), fontsize=9.5, va="top")
    fig.suptitle(f"{state['title']} (static picture: run the notebook or open the website to explore)", fontsize=11)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return add_words(buf.getvalue(), figure_words(fig))


def _wrap(text: str, width: int = 70) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def standalone_html(state: dict[str, Any], *, png: bytes | None = None) -> str:
    """A self-contained HTML fragment running the explorer with no kernel (the PNG until the script runs).

    Examples
    --------
    >>> page = standalone_html(heatmap_state(), png=b"")
    >>> page.startswith('<div class="sh-xp-host"'), "http" in page
    (True, False)
    """
    return HEATMAP.standalone_html(state, png=png)


#: The heatmap explorer's pieces: its JavaScript, kernel-free page and display (:mod:`helpers.explorers.base`).
HEATMAP = Explorer(
    "heatmap_explorer.js", "heatmap_arith.js", global_name="__stridesHolesHeatmapExplorer", summary=summary_text,
    fallback_png=fallback_png, prelude=_net_const, tail_exports=("NET",), keep_export_blocks=True,
)  # fmt: skip


# ------------------------------------------------------------------ the widget


@HEATMAP.widget
def _widget_class(base, traitlets):
    class HeatmapExplorer(base):
        """Notebook 04's heatmap explorer as a live widget (see :mod:`helpers.explorers.heatmap`)."""

        _explorer = HEATMAP
        n = traitlets.Int(513).tag(sync=True)
        os = traitlets.Int(16).tag(sync=True)
        rate = traitlets.Int(6).tag(sync=True)
        padding = traitlets.Unicode("same").tag(sync=True)
        decoder = traitlets.Unicode("centre").tag(sync=True)
        key = traitlets.List(traitlets.Float()).tag(sync=True)
        cell = traitlets.Any(None).tag(sync=True)
        title = traitlets.Unicode("").tag(sync=True)
        caption = traitlets.Unicode("").tag(sync=True)

        @traitlets.validate("n", "os", "rate", "padding", "decoder")
        def _check(self, proposal):
            name, value = proposal["trait"].name, proposal["value"]
            current = {"n": self.n, "output_stride": self.os, "rate": self.rate, "padding": self.padding,
                       "decoder": self.decoder}  # fmt: skip
            current[{"os": "output_stride"}.get(name, name)] = value
            try:
                heatmap_state(current["n"], current["output_stride"], current["rate"], current["padding"],
                              decoder=current["decoder"])  # fmt: skip
            except ValueError as exc:
                raise traitlets.TraitError(str(exc)) from None
            return value

        @property
        def state(self) -> dict[str, Any]:
            """The current state as a plain dict (what the standalone rendering starts from)."""
            return {"n": self.n, "os": self.os, "rate": self.rate, "padding": self.padding, "decoder": self.decoder,
                    "key": list(self.key), "cell": None if self.cell is None else list(self.cell),
                    "title": self.title, "caption": self.caption}  # fmt: skip

        def numbers(self) -> dict[str, Any]:
            """:func:`heatmap_numbers` of the current state (helpers' numbers)."""
            return heatmap_numbers(self.state)

    return HeatmapExplorer


def heatmap_explorer(
    n: int = 513,
    output_stride: int = 16,
    rate: int = 6,
    padding: str = "same",
    **fields: Any,
):
    """Notebook 04's heatmap explorer: live with a kernel, stored as HTML + PNG without one.

    The scene, the heatmap cells of ResNet-50 (TF-Slim) at ``output_stride`` plus a 3×3 atrous
    head at ``rate`` (``padding``: ``"same"`` = rate, ``"one"``, ``"valid"``), a selected cell's
    receptive field and centre, a keypoint and where a decoder reports it. ``fields``: ``decoder``,
    ``keypoint``, ``cell``, ``title``, ``caption`` (see :func:`heatmap_state`).

    Examples
    --------
    >>> ex = heatmap_explorer(257, 32, 1)
    >>> ex.n, ex.os, ex.rate, ex.padding
    (257, 32, 1, 'same')
    >>> sorted(ex._repr_mimebundle_()[0])
    ['application/vnd.jupyter.widget-view+json', 'image/png', 'text/html', 'text/plain']
    """
    state = heatmap_state(n, output_stride, rate, padding, **fields)
    return HEATMAP.widget_class()(**state)
