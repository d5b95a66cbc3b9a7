"""Instant, browser-side explorers (issue 13): the convolution explorer and its presets.

The explorer computes and draws in the browser (``conv_arith.js``: pure
arithmetic; ``conv_explorer.js``: controls and picture), so it answers within a
frame. One call gives everything a notebook cell needs::

    from helpers import explorers
    explorers.conv_explorer(preset="dilated-stack-holes")

With a kernel it is an ``anywidget`` whose ``n``, ``dims``, ``layers`` and
``selected`` sync with Python both ways (``explorer.layers`` after moving the
controls; ``explorer.to_layers()`` gives :class:`helpers.Layer` records for
:func:`helpers.receptive_field` or :func:`helpers.coverage_map`). Its display
also carries a standalone HTML rendering (the same JS, inline) and a PNG of
the default state, so a stored output works on the website and nbviewer with
no kernel and shows a picture on GitHub. A notebook saved in JupyterLab keeps
that standalone rendering, not the widget view (which would reopen as "model
not found"): see :func:`helpers.notebook_tools.pre_save_hook`.
"""

from __future__ import annotations

import copy
from typing import Any

from .numbers import LIMITS, axis_numbers, normalize_layer, stack_sizes, to_helper_layers
from .static import CONV, fallback_png, module_source, standalone_html, summary_text  # noqa: F401

__all__ = ["PRESETS", "conv_explorer", "ConvExplorer", "explorer_state", "axis_numbers", "to_helper_layers"]


def _conv(k, s=1, p=0, d=1, **extra):
    return {"kind": "conv", "kernel": k, "stride": s, "padding": p, "dilation": d, **extra}


#: The course's lessons, by name: (title, caption, state). Captions say what to try, never a result
#: the controls could contradict.
PRESETS: dict[str, dict[str, Any]] = {
    "stride-padding": {
        "title": "Stride and padding",
        "caption": "A 3-tap window with stride 2 on 8 cells. Step the window across, then raise P: "
                   "which input cells does no output read, and when does that change?",
        "dims": 1, "n": 8, "layers": [_conv(3, 2, 0)], "selected": {"level": 1, "index": [2]},
    },
    "ceil-mode": {
        "title": "Pooling with ceil_mode",
        "caption": "2×2 pooling with stride 2 on 5 cells, size rounded up: the last window runs past the input "
                   "(dashed). Untick ceil_mode and compare the size formula.",
        "dims": 1, "n": 5,
        "layers": [{"kind": "pool", "kernel": 2, "stride": 2, "padding": 0, "dilation": 1, "ceil_mode": True}],
        "selected": {"level": 1, "index": [2]},
    },
    "dilation": {
        "title": "Dilation spreads the taps",
        "caption": "A 3-tap kernel with dilation 2 and padding 2 keeps the size. Move d and P and watch the "
                   "span d(K−1)+1 and the size formula.",
        "dims": 1, "n": 16, "layers": [_conv(3, 1, 2, 2)], "selected": {"level": 1, "index": [8]},
    },
    "strided-dense-subsample": {
        "title": "Strided = dense, then subsample",
        "caption": "A dense 3-tap convolution followed by keeping every other output (1-tap pooling, stride 2). "
                   "Remove layer 2 and give layer 1 stride 2: compare the sizes and the cells each output reads.",
        "dims": 1, "n": 12, "layers": [_conv(3, 1, 1), {"kind": "pool", "kernel": 1, "stride": 2}],
        "selected": {"level": 2, "index": [2]},
    },
    "receptive-field": {
        "title": "A receptive field grows layer by layer",
        "caption": "Three 3-tap layers, the middle one with stride 2. Hover any output to trace it back: "
                   "the numbers are the paths from it to each input cell.",
        "dims": 1, "n": 20, "layers": [_conv(3, 1, 1), _conv(3, 2, 1), _conv(3, 1, 1)],
        "selected": {"level": 3, "index": [4]},
    },
    "dilated-stack-holes": {
        "title": "Stacked dilations leave holes",
        "caption": "Three 3×3 layers, each with dilation 2. Black cells lie inside the receptive field but "
                   "no path reaches them. Change the dilations, or switch to 1-D to read the path counts.",
        "dims": 2, "n": 24, "layers": [_conv(3, 1, 2, 2)] * 3,
        "selected": {"level": 3, "index": [12, 12]},
    },
    "hdc-stack": {
        "title": "Hybrid dilated convolution (rates 1, 2, 5)",
        "caption": "The same three 3×3 layers with dilations 1, 2, 5. Compare the receptive field and its "
                   "holes with the rates 2, 2, 2.",
        "dims": 2, "n": 24, "layers": [_conv(3, 1, 1, 1), _conv(3, 1, 2, 2), _conv(3, 1, 5, 5)],
        "selected": {"level": 3, "index": [12, 12]},
    },
    "transposed-overlap": {
        "title": "A transposed convolution's overlap",
        "caption": "3 taps, stride 2: each input cell is spread over 3 neighbouring output cells, and the next "
                   "input cell starts 2 cells further on. Step across the output: how many input cells does each "
                   "output read? Try K = 4.",
        "dims": 1, "n": 6, "layers": [{"kind": "transposed", "kernel": 3, "stride": 2}],
        "selected": {"level": 1, "index": [2]},
    },
}


def explorer_state(
    preset: str | None = None,
    *,
    n: int | None = None,
    dims: int | None = None,
    layers: list[dict[str, Any]] | None = None,
    selected: dict[str, Any] | None = None,
    title: str | None = None,
    caption: str | None = None,
) -> dict[str, Any]:
    """The explorer's state: a preset with any field replaced, checked by helpers.

    Examples
    --------
    >>> explorer_state("dilation", n=10)["n"]
    10
    >>> explorer_state(layers=[{"kernel": 9}], n=4)
    Traceback (most recent call last):
    ValueError: kernel must be an integer <= 7, got 9 (layers[0]['kernel'])
    """
    if preset is None:
        base = copy.deepcopy(PRESETS["receptive-field"])
        base.update(title="Convolution explorer", caption="")
    elif preset in PRESETS:
        base = copy.deepcopy(PRESETS[preset])
    else:
        raise ValueError(f"preset must be one of {', '.join(map(repr, PRESETS))} or None, got {preset!r}")
    for key, value in (("n", n), ("dims", dims), ("title", title), ("caption", caption)):
        if value is not None:
            base[key] = value
    if layers is not None:
        base["layers"] = layers
        base["selected"] = {"level": len(layers), "index": [0, 0]}
    if selected is not None:
        base["selected"] = selected
    if base["dims"] not in (1, 2):
        raise ValueError(f"dims must be 1 or 2, got {base['dims']!r}")
    if not isinstance(base["layers"], (list, tuple)) or not 1 <= len(base["layers"]) <= LIMITS["layers"][1]:
        raise ValueError(f"layers must be a list of 1 to {LIMITS['layers'][1]} layer dicts, got {base['layers']!r}")
    checked = []
    for i, layer in enumerate(base["layers"]):
        try:
            checked.append(normalize_layer(layer, name=f"layers[{i}]"))
        except (TypeError, ValueError) as exc:  # name the layer after the helpers' sentence
            msg = str(exc)
            if msg.startswith(f"layers[{i}]['"):
                key, rest = msg[len(f"layers[{i}]['"):].split("']", 1)
                raise type(exc)(f"{key}{rest} (layers[{i}]['{key}'])") from None
            raise
    base["layers"] = checked
    sizes = stack_sizes(base["n"], checked)
    sel = dict(base.get("selected") or {})
    level = sel.get("level", len(checked))
    if not 1 <= level <= len(checked):
        raise ValueError(f"selected['level'] must be 1..{len(checked)}, got {level}")
    index = list(sel.get("index", [0]))[: base["dims"]]
    while len(index) < base["dims"]:
        index.append(index[0] if index else 0)
    for v in index:
        if not 0 <= v < sizes[level]:
            raise ValueError(f"selected['index'] must be in 0..{sizes[level] - 1}, got {v}")
    base["selected"] = {"level": level, "index": index}
    return base


@CONV.widget
def _widget_class(base, traitlets):
    class ConvExplorer(base):
        """The convolution explorer as a live widget (see :mod:`helpers.explorers`)."""

        _explorer = CONV
        dims = traitlets.Int(1).tag(sync=True)
        n = traitlets.Int(16).tag(sync=True)
        layers = traitlets.List(traitlets.Dict()).tag(sync=True)
        selected = traitlets.Dict().tag(sync=True)
        title = traitlets.Unicode("").tag(sync=True)
        caption = traitlets.Unicode("").tag(sync=True)

        @traitlets.validate("layers")
        def _check_layers(self, proposal):
            value = proposal["value"]
            if not 1 <= len(value) <= LIMITS["layers"][1]:
                raise traitlets.TraitError(f"layers must hold 1 to {LIMITS['layers'][1]} layers, got {len(value)}")
            try:
                return [normalize_layer(dict(layer), name=f"layers[{i}]") for i, layer in enumerate(value)]
            except (TypeError, ValueError) as exc:
                raise traitlets.TraitError(str(exc)) from None

        @traitlets.validate("n")
        def _check_n(self, proposal):
            lo, hi = LIMITS["n"]
            if not lo <= proposal["value"] <= hi:
                raise traitlets.TraitError(f"n must be an integer in {lo}..{hi}, got {proposal['value']}")
            return proposal["value"]

        @property
        def state(self) -> dict[str, Any]:
            """The current state as a plain dict (what the standalone rendering starts from)."""
            return {"dims": self.dims, "n": self.n, "layers": [dict(x) for x in self.layers],
                    "selected": dict(self.selected), "title": self.title, "caption": self.caption}  # fmt: skip

        def to_layers(self):
            """The stack as :class:`helpers.Layer` records (convolution and pooling layers only)."""
            return to_helper_layers(self.layers)

        def numbers(self, axis: int = 0):
            """:func:`helpers.explorers.axis_numbers` of the selected output along ``axis``."""
            sel = self.selected or {}
            index = list(sel.get("index", [0]))
            return axis_numbers(self.n, self.layers, sel.get("level", len(self.layers)), index[min(axis, len(index) - 1)])

    return ConvExplorer


def __getattr__(name: str):
    if name == "ConvExplorer":
        return CONV.widget_class()
    raise AttributeError(f"module 'helpers.explorers' has no attribute {name!r}")


def conv_explorer(preset: str | None = None, **fields: Any):
    """The convolution explorer, live with a kernel and stored as HTML + PNG without one.

    Parameters
    ----------
    preset : str, optional
        One of :data:`PRESETS` (``"stride-padding"``, ``"ceil-mode"``, ``"dilation"``,
        ``"strided-dense-subsample"``, ``"receptive-field"``, ``"dilated-stack-holes"``,
        ``"hdc-stack"``, ``"transposed-overlap"``); None for a plain explorer.
    **fields
        ``n``, ``dims``, ``layers``, ``selected``, ``title``, ``caption`` replacing the preset's.

    Examples
    --------
    >>> ex = conv_explorer("dilated-stack-holes")
    >>> [layer["dilation"] for layer in ex.layers], ex.n, ex.dims
    ([2, 2, 2], 24, 2)
    >>> sorted(ex._repr_mimebundle_()[0])
    ['application/vnd.jupyter.widget-view+json', 'image/png', 'text/html', 'text/plain']
    """
    state = explorer_state(preset, **fields)
    return CONV.widget_class()(**state)

from .heatmap import heatmap_explorer  # noqa: E402  (notebook 04's heatmap explorer)

__all__ += ["heatmap_explorer"]

from .gridding import dilated_stack_explorer, gridding_state  # noqa: E402  (notebook 05's explorer)

__all__ += ["dilated_stack_explorer", "gridding_state"]

from .design import design_lab  # noqa: E402  (notebook 07's design lab, issue 23)

__all__ += ["design_lab"]
