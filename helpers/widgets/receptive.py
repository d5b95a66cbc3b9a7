"""Widget of notebook 03 · receptive field: the layer-stack editor."""

from __future__ import annotations

import html

import ipywidgets as W
import matplotlib.pyplot as plt  # noqa: F401  (the doctests close their figures with it)
from matplotlib.figure import Figure

from .. import plots as _plots
from ..receptive import Layer as _Layer
from ..receptive import receptive_field as _receptive_field
from ._core import _show_used_layers, register


#: Slider ranges of the layer-stack editor. Kernels are odd so that the
#: padding d(k - 1)/2 keeps every layer centred and no setting can empty a map.
RF_STACK_LIMITS = {"layers": (1, 6), "kernel": (1, 7), "stride": (1, 3), "dilation": (1, 8)}
#: (kernel, stride, dilation) of each editor row before the reader moves a slider.
RF_STACK_DEFAULTS = [(5, 1, 1), (3, 2, 1), (3, 1, 1), (3, 1, 2), (3, 1, 1), (3, 2, 1)]
RF_STACK_LAYERS = 5
#: Input height and width of the editor's image (modest, so an update stays fast).
RF_STACK_SIZE = 64


def rf_stack_layers(*, n_layers: int = RF_STACK_LAYERS, **per_layer: int) -> "list[_Layer]":
    """The layer stack that the editor's controls describe.

    ``per_layer`` holds ``k1, s1, d1, …, k6, s6, d6`` (kernel, stride and
    dilation of row ``i``; a missing value takes the row's default). Only the
    first ``n_layers`` rows are used, each padded by ``d (k - 1) / 2``.

    Defined in notebook ``03_receptive_field``.

    Raises
    ------
    ValueError
        For a value outside the sliders' ranges, an even kernel or an unknown control name.

    Examples
    --------
    >>> [(l.kernel, l.stride, l.dilation, l.padding) for l in rf_stack_layers(n_layers=2, k1=3, k2=5, d2=3)]
    [(3, 1, 1, 1), (5, 2, 3, 6)]
    >>> rf_stack_layers(n_layers=1, k1=4)
    Traceback (most recent call last):
    ...
    ValueError: layer 1: the kernel must be odd (1, 3, 5 or 7) so that padding d(k−1)/2 keeps it centred; got k1 = 4.
    """
    rows = len(RF_STACK_DEFAULTS)
    unknown = sorted(set(per_layer) - {f"{key}{i}" for key in "ksd" for i in range(1, rows + 1)})
    if unknown:
        raise ValueError(f"unknown control {unknown[0]!r}: use k1…k{rows}, s1…s{rows} and d1…d{rows}.")
    lo, hi = RF_STACK_LIMITS["layers"]
    if isinstance(n_layers, bool) or not isinstance(n_layers, int) or not lo <= n_layers <= hi:
        raise ValueError(f"the number of layers must be a whole number from {lo} to {hi}; got {n_layers!r}.")
    layers = []
    for i in range(1, n_layers + 1):
        values = {}
        for key, name, default in zip("ksd", ("kernel", "stride", "dilation"), RF_STACK_DEFAULTS[i - 1]):
            value = per_layer.get(f"{key}{i}", default)
            low, high = RF_STACK_LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"layer {i}: {key}{i} ({name}) must be a whole number from {low} to {high}; got {value!r}.")
            values[key] = value
        k, s, d = values["k"], values["s"], values["d"]
        if k % 2 == 0:
            raise ValueError(
                f"layer {i}: the kernel must be odd (1, 3, 5 or 7) so that padding d(k−1)/2 keeps it centred; got k{i} = {k}."
            )
        layers.append(_Layer(k, stride=s, dilation=d, padding=d * (k - 1) // 2, name=f"layer{i}"))
    return layers


def rf_stack_view(*, n_layers: int = RF_STACK_LAYERS, weights: str = "uniform", **per_layer: int) -> "tuple[Figure, str]":
    """Update function of the layer-stack editor: controls → figure and HTML text.

    The stack is :func:`rf_stack_layers`; the figure is
    :func:`helpers.plots.rf_stack_figure` on a 64×64 image; the text is one
    sentence with the recurrence substituted, then
    :func:`helpers.plots.rf_stack_report` as preformatted text. An impossible
    setting gives a figure with a sentence, never an exception.

    Defined in notebook ``03_receptive_field``.

    Examples
    --------
    >>> fig, text = rf_stack_view(n_layers=2, k1=3, s1=1, d1=1, k2=3, s2=2, d2=2)
    >>> text.split(";")[0]
    'r = 1 + 2·1 + 4·1 = 7 input pixels per side'
    >>> plt.close(fig)
    >>> fig, text = rf_stack_view(n_layers=1, k1=4)
    >>> text
    'layer 1: the kernel must be odd (1, 3, 5 or 7) so that padding d(k−1)/2 keeps it centred; got k1 = 4.'
    >>> plt.close(fig)
    """
    try:
        layers = rf_stack_layers(n_layers=n_layers, **per_layer)
        text = _rf_stack_text(layers, weights)
    except (TypeError, ValueError) as exc:
        return _plots.message_figure(str(exc)), str(exc)
    return _plots.rf_stack_figure(layers, size=RF_STACK_SIZE, weights=weights), text


def rf_stack_update(fig: Figure, *, n_layers: int = RF_STACK_LAYERS, weights: str = "uniform", **per_layer: int) -> "str | None":
    """The editor's fast path: redraw a figure :func:`rf_stack_view` made, in place, and return the text.

    The picture is the one :func:`rf_stack_view` would build for these values
    (:func:`helpers.plots.update_rf_stack_figure`); None when it cannot be
    reused (a message figure, or an impossible setting), and the widget then
    calls the view.

    Examples
    --------
    >>> fig, _ = rf_stack_view(n_layers=2)
    >>> rf_stack_update(fig, n_layers=3, d3=4) == rf_stack_view(n_layers=3, d3=4)[1]
    True
    >>> rf_stack_update(fig, n_layers=1, k1=4) is None
    True
    >>> plt.close("all")
    """
    try:
        layers = rf_stack_layers(n_layers=n_layers, **per_layer)
    except (TypeError, ValueError):
        return None
    if not _plots.update_rf_stack_figure(fig, layers, size=RF_STACK_SIZE, weights=weights):
        return None
    return _rf_stack_text(layers, weights)


def _rf_stack_text(layers: "list[_Layer]", weights: str) -> str:
    report = _plots.rf_stack_report(layers, size=RF_STACK_SIZE, weights=weights)
    rows = _receptive_field(layers, input_size=RF_STACK_SIZE)
    row, jumps = rows[-1], [1] + [r.S for r in rows[:-1]]
    terms = " + ".join(f"{layer.effective_kernel - 1}·{jump}" for layer, jump in zip(layers, jumps))
    where = "fits inside" if row.r <= RF_STACK_SIZE else "is larger than"
    sentence = (
        f"r = 1 + {terms} = {row.r} input pixels per side; effective stride S = {row.S}, "
        f"effective padding P = {row.P}; the field {where} the {RF_STACK_SIZE}×{RF_STACK_SIZE} image."
    )
    return f"{sentence}<pre>{html.escape(report)}</pre>"


def _rf_stack_controls() -> "dict[str, W.ValueWidget]":
    def slider(name: str, description: str, value: int, step: int = 1) -> W.IntSlider:
        low, high = RF_STACK_LIMITS[name]
        return W.IntSlider(value=value, min=low, max=high, step=step, description=description, continuous_update=False,
                           style={"description_width": "2.5em"}, layout=W.Layout(width="32%"))

    controls = {
        "n_layers": W.IntSlider(value=RF_STACK_LAYERS, min=RF_STACK_LIMITS["layers"][0], max=RF_STACK_LIMITS["layers"][1],
                                description="layers", continuous_update=False, layout=W.Layout(width="48%")),
        "weights": W.Dropdown(options=["uniform", "random"], value="uniform", description="ERF weights",
                              layout=W.Layout(width="48%")),
    }
    for i, (k, s, d) in enumerate(RF_STACK_DEFAULTS, 1):
        controls[f"k{i}"] = slider("kernel", f"k{i}", k, step=2)
        controls[f"s{i}"] = slider("stride", f"s{i}", s)
        controls[f"d{i}"] = slider("dilation", f"d{i}", d)

    _show_used_layers(controls, "n_layers", {i: [f"k{i}", f"s{i}", f"d{i}"] for i in range(1, len(RF_STACK_DEFAULTS) + 1)})
    return controls


rf_stack_explorer = register(
    "rf_stack_explorer",
    rf_stack_view,
    _rf_stack_controls,
    title="Layer-stack editor: kernel k, stride s and dilation d of each layer (padding d(k−1)/2)",
    update=rf_stack_update,
)


