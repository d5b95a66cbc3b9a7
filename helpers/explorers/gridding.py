"""The dilated-stack explorer of notebook 05: holes and gridding on a picture, live in the browser.

Two to four K×K stride-1 convolutions with rates 1–12, every tap ``1/K²`` (an
average), "same" zero padding. The browser computes (``gridding_arith.js``) and
draws (``gridding_explorer.js``): the coverage map of an output far from any border
(paths to each pixel of its receptive field, holes black), the stack applied to
:func:`helpers.probe_image` and to a one-pixel checkerboard, and the sentence of
:func:`helpers.gridding_sentence` (holes, the share of input pixels neighbouring
outputs have in common, the HDC verdict). Hovering the filtered picture traces
one output back to the input pixels it reads.

With a kernel it is an ``anywidget`` whose ``layers``, ``rates`` and ``kernel``
sync with Python (``explorer.used_rates()``, ``explorer.report()``); its display
also carries a standalone HTML rendering (the same JS, inline) and a PNG of the
default state drawn from helpers' numbers, as :func:`helpers.explorers.conv_explorer`.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import numpy as np

from .._validate import check_int
from ..gridding import coverage_map, dilated_stack, gridding_by_definition, gridding_sentence, hdc_report, probe_image
from ..gridding import stack_response
from .base import HERE, Explorer
from .static import COLORS

__all__ = ["GRIDDING_LIMITS", "IMAGE_SIZE", "gridding_state", "gridding_numbers", "gridding_pictures",
           "dilated_stack_explorer"]


def _read_js_constant(name: str) -> Any:
    text = (HERE / "gridding_arith.js").read_text(encoding="utf-8")
    found = re.search(rf"^export const {name} = (.+);$", text, flags=re.M)
    if found is None:
        raise RuntimeError(f"gridding_arith.js must define {name} on one line")
    return json.loads(found.group(1))


#: Control ranges, read from ``gridding_arith.js`` (never typed twice): ``{"layers": [2, 4], ...}``.
GRIDDING_LIMITS: dict[str, list[int]] = _read_js_constant("LIMITS")
#: Side of the pictures the stack is applied to (``IMAGE_SIZE`` in ``gridding_arith.js``).
IMAGE_SIZE: int = _read_js_constant("IMAGE_SIZE")

_DEFAULT = {"layers": 3, "rates": [2, 4, 8, 1], "kernel": 3,
            "title": "Stacked dilations on a picture: holes, gridding and the HDC rule", "caption": ""}


def gridding_state(
    layers: int | None = None,
    rates: "list[int] | tuple[int, ...] | None" = None,
    kernel: int | None = None,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> dict[str, Any]:
    """The explorer's state, checked: ``layers`` used of four ``rates``, and the kernel size.

    ``rates`` may hold 2 to 4 values; missing ones are kept at the default (unused until
    ``layers`` is raised).

    Examples
    --------
    >>> gridding_state()["rates"], gridding_state(rates=(1, 2, 5))["rates"]
    ([2, 4, 8, 1], [1, 2, 5, 1])
    >>> gridding_state(kernel=7)
    Traceback (most recent call last):
    ValueError: kernel must be an integer <= 5, got 7
    """
    state = json.loads(json.dumps(_DEFAULT))
    lo, hi = GRIDDING_LIMITS["layers"]
    if rates is not None:
        if isinstance(rates, (str, bytes)) or not hasattr(rates, "__len__") or not 2 <= len(rates) <= hi:
            raise ValueError(f"rates must be a sequence of {lo} to {hi} integers, got {rates!r}")
        r0, r1 = GRIDDING_LIMITS["rate"]
        state["rates"][: len(rates)] = [check_int(f"rates[{i}]", r, r0, r1) for i, r in enumerate(rates)]
        if layers is None:
            layers = len(rates)
    if layers is not None:
        state["layers"] = check_int("layers", layers, lo, hi)
    if kernel is not None:
        state["kernel"] = check_int("kernel", kernel, *GRIDDING_LIMITS["kernel"])
    for key, value in (("title", title), ("caption", caption)):
        if value is not None:
            state[key] = str(value)
    return state


def gridding_numbers(rates: "tuple[int, ...]", kernel: int) -> dict[str, Any]:
    """What the explorer shows for a stack, computed by :mod:`helpers.gridding` (the JS's twin).

    Examples
    --------
    >>> g = gridding_numbers((2, 4, 8), 3)
    >>> g["r"], g["holes"], g["shared_fraction"], g["hdc"]
    (29, 616, 0.0, False)
    """
    rates = tuple(rates)
    rep = hdc_report(rates, kernel=kernel)
    kinds = gridding_by_definition(rates, kernel=kernel)
    cov = coverage_map(dilated_stack(rates, kernel=kernel))
    return {
        "r": int(cov.shape[0]), "holes": rep.holes, "reached": int(np.count_nonzero(cov)), "max_gap": rep.max_gap,
        "common_factor": rep.common_factor, "paper_rule": rep.paper_rule, "hdc": rep.hdc,
        "shared_fraction": kinds.shared_fraction, "disjoint_neighbours": kinds.disjoint_neighbours,
        "finest_pattern_kept": kinds.finest_pattern_kept, "coverage": cov,
        "sentence": gridding_sentence(rep, shared=kinds.shared_fraction),
    }


def checkerboard(n: int = IMAGE_SIZE) -> np.ndarray:
    """The explorer's one-pixel checkerboard: 1 where row + column is odd, else 0.

    Examples
    --------
    >>> checkerboard(4)[:2].tolist()
    [[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0]]
    """
    return (np.indices((n, n)).sum(axis=0) % 2).astype(float)


def gridding_pictures(rates: "tuple[int, ...]", kernel: int) -> dict[str, np.ndarray]:
    """The explorer's pictures from helpers: the probe image and the checkerboard, before and after.

    Examples
    --------
    >>> p = gridding_pictures((2, 4, 8), 3)
    >>> p["picture"].shape, float(p["board_out"][32, 32])        # rates 2, 4, 8 pass the board unblurred
    ((64, 64), 0.0)
    """
    layers = dilated_stack(tuple(rates), kernel=kernel)
    picture, board = probe_image(IMAGE_SIZE), checkerboard(IMAGE_SIZE)
    return {"picture": picture, "picture_out": stack_response(picture, layers),
            "board": board, "board_out": stack_response(board, layers)}


def _summary(state: dict[str, Any]) -> str:
    rates = tuple(state["rates"][: state["layers"]])
    return (f"Dilated-stack explorer (K×K averages, stride 1, 'same' zero padding; {IMAGE_SIZE}×{IMAGE_SIZE} "
            f"probe image and checkerboard): " + gridding_numbers(rates, state["kernel"])["sentence"])


def _fallback_png(state: dict[str, Any], *, dpi: int = 80) -> bytes:
    """The default state as a PNG, drawn with matplotlib from helpers' numbers (words carried inside)."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure

    from .._pngtext import add_words, figure_words

    rates = tuple(state["rates"][: state["layers"]])
    k = state["kernel"]
    g = gridding_numbers(rates, k)
    pics = gridding_pictures(rates, k)
    cov = g["coverage"]
    r = g["r"]
    centre = sum((d * (k - 1)) // 2 for d in rates)
    fig = Figure(figsize=(10.0, 3.7), dpi=dpi)
    axes = fig.subplots(1, 4)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.70, bottom=0.03, wspace=0.08)
    cmap = LinearSegmentedColormap.from_list("paths", ["#FFE8B0", COLORS["output"], COLORS["kernel"]])
    axes[0].imshow(np.ma.masked_equal(cov / cov.max(), 0.0), cmap=cmap.with_extremes(bad=COLORS["hole"]),
                   vmin=0, vmax=1, interpolation="nearest")
    axes[0].plot([centre], [centre], marker="+", color=COLORS["highlight"], markersize=10, markeredgewidth=2.5)
    titles = [f"coverage of an output far\nfrom any border, {r}×{r}:\n{g['holes']} holes (black)", "input: probe image",
              "the picture through the stack\n(white = its largest value)", "a one-pixel checkerboard\nthrough the stack"]
    top = float(pics["picture_out"].max()) or 1.0  # the filtered picture: white = its largest value
    for ax, arr, vmax in zip(axes[1:], (pics["picture"], pics["picture_out"], pics["board_out"]), (1.0, top, 1.0)):
        ax.imshow(arr, cmap="gray", vmin=0.0, vmax=vmax, interpolation="nearest")
    for ax, text in zip(axes, titles):
        ax.set_title(text, fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
    listed = ", ".join(map(str, rates))
    fig.suptitle(f"{state['title']}: rates {listed}, {k}×{k} averages\n"
                 "(static picture: run the notebook or open the website to explore)", fontsize=11)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return add_words(buf.getvalue(), figure_words(fig))  # its words, for the spoiler check


#: The dilated-stack explorer's pieces: its JavaScript, kernel-free page and display (:mod:`helpers.explorers.base`).
GRIDDING = Explorer(
    "gridding_explorer.js", "gridding_arith.js", global_name="__stridesHolesGriddingExplorer", summary=_summary,
    fallback_png=_fallback_png, exports=("mount", "explain", "readout"),
)  # fmt: skip


def standalone_html(state: dict[str, Any]) -> str:
    """The explorer for ``state`` as a self-contained HTML fragment (no kernel, no CDN).

    Examples
    --------
    >>> page = standalone_html(gridding_state())
    >>> page.startswith('<div class="sh-xp-host"'), "http" in page, len(page) < 600_000
    (True, False, True)
    """
    return GRIDDING.standalone_html(state)


@GRIDDING.widget
def _widget_class(base, traitlets):
    class DilatedStackExplorer(base):
        """The dilated-stack explorer as a live widget (see :mod:`helpers.explorers.gridding`)."""

        _explorer = GRIDDING
        layers = traitlets.Int(3).tag(sync=True)
        rates = traitlets.List(traitlets.Int()).tag(sync=True)
        kernel = traitlets.Int(3).tag(sync=True)
        title = traitlets.Unicode("").tag(sync=True)
        caption = traitlets.Unicode("").tag(sync=True)

        @traitlets.validate("layers", "kernel")
        def _check_range(self, proposal):
            name = proposal["trait"].name
            lo, hi = GRIDDING_LIMITS[name]
            if not lo <= proposal["value"] <= hi:
                raise traitlets.TraitError(f"{name} must be an integer in {lo}..{hi}, got {proposal['value']}")
            return proposal["value"]

        @traitlets.validate("rates")
        def _check_rates(self, proposal):
            value = list(proposal["value"])
            lo, hi = GRIDDING_LIMITS["rate"]
            if len(value) != GRIDDING_LIMITS["layers"][1] or not all(lo <= r <= hi for r in value):
                raise traitlets.TraitError(f"rates must hold {GRIDDING_LIMITS['layers'][1]} integers in {lo}..{hi}, "
                                           f"got {value}")
            return value

        @property
        def state(self) -> dict[str, Any]:
            """The current state as a plain dict (what the standalone rendering starts from)."""
            return {"layers": self.layers, "rates": list(self.rates), "kernel": self.kernel,
                    "title": self.title, "caption": self.caption}

        def used_rates(self) -> tuple[int, ...]:
            """The rates of the layers in use, input side first."""
            return tuple(self.rates[: self.layers])

        def report(self):
            """:func:`helpers.hdc_report` of the stack shown."""
            return hdc_report(self.used_rates(), kernel=self.kernel)

    return DilatedStackExplorer


def widget_class():
    """The anywidget class (built on first use: ``import helpers`` stays free of anywidget)."""
    return GRIDDING.widget_class()


def dilated_stack_explorer(layers: int | None = None, rates=None, kernel: int | None = None, **fields: Any):
    """The dilated-stack explorer, live with a kernel and stored as HTML + PNG without one.

    Parameters
    ----------
    layers : int, optional
        How many of the rates are used (2–4; default 3, or ``len(rates)``).
    rates : sequence of int, optional
        2 to 4 dilation rates, 1–12, input side first (default 2, 4, 8).
    kernel : int, optional
        Taps per axis ``K`` of every layer, 2–5 (default 3).
    **fields
        ``title``, ``caption``.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> ex = dilated_stack_explorer(rates=(1, 2, 5))
    >>> ex.used_rates(), ex.report().holes
    ((1, 2, 5), 0)
    >>> sorted(ex._repr_mimebundle_()[0])
    ['application/vnd.jupyter.widget-view+json', 'image/png', 'text/html', 'text/plain']
    """
    state = gridding_state(layers, rates, kernel, **fields)
    return widget_class()(**state)
