"""Interactive widgets, built only on :mod:`helpers.plots` and the pure functions.

Each widget is a thin shell: controls whose ranges come from the formulas, and
an *update function* ``view(**values) -> (Figure, str)`` that is a plain
function of the control values. The update functions are what the tests sweep
over every slider range; they never raise on an impossible setting (they
return :func:`helpers.plots.message_figure` and a sentence instead).

In a notebook, a widget cell is preceded by a cell that calls the same view
with the defaults (what nbval checks and a reader without a kernel sees), and
carries the ``nbval-ignore-output`` tag itself.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import display
from matplotlib.figure import Figure

__all__ = ["build", "register", "registry", "sweep_values"]

View = Callable[..., "tuple[Figure, str]"]


def build(view: View, controls: dict[str, W.ValueWidget], *, title: str = "") -> W.VBox:
    """Wire ``controls`` to ``view`` and render once with the current values.

    The figure goes into an ``Output`` widget and the sentence into an
    ``HTML`` line below it; both are redrawn when any control changes.

    Examples
    --------
    >>> from helpers import plots
    >>> box = build(lambda n: (plots.message_figure(f"n = {n}", title="demo"), f"n is {n}"),
    ...             {"n": W.IntSlider(value=3, min=1, max=5)})
    >>> box.children[-1].value
    'n is 3'
    >>> box.children[0].children[0].value = 4   # move the slider
    >>> box.children[-1].value
    'n is 4'
    """
    out = W.Output(layout=W.Layout(min_height="120px"))
    text = W.HTML()

    def redraw(_change: object = None) -> None:
        fig, sentence = view(**{name: c.value for name, c in controls.items()})
        text.value = sentence
        if get_ipython() is not None:  # outside Jupyter there is nowhere to draw
            with out:
                out.clear_output(wait=True)
                display(fig)
        plt.close(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    header = [W.HTML(f"<b>{title}</b>")] if title else []
    return W.VBox([*header, W.HBox(list(controls.values()), layout=W.Layout(flex_flow="row wrap")), out, text])


Controls = Callable[[], "dict[str, W.ValueWidget]"]
_REGISTRY: dict[str, tuple[View, Controls]] = {}


def register(name: str, view: View, controls: Controls, *, title: str = "") -> Callable[[], W.VBox]:
    """Record a widget's view and control factory, and return the function that builds it.

    Every widget of the course is made this way, so the tests can sweep each
    registered view over its whole control ranges, and the benchmarks and
    browser tests can find every widget.

    Examples
    --------
    >>> from helpers import plots
    >>> demo = register("demo", lambda n: (plots.message_figure(f"n = {n}"), f"n is {n}"),
    ...                 lambda: {"n": W.IntSlider(value=2, min=1, max=3)})
    >>> demo().children[-1].value
    'n is 2'
    >>> _ = _REGISTRY.pop("demo")
    """
    if name in _REGISTRY:
        raise ValueError(f"a widget named {name!r} is already registered")
    _REGISTRY[name] = (view, controls)

    def make() -> W.VBox:
        return build(view, controls(), title=title)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"Build the {name!r} widget (a registered view: see helpers.widgets.registry())."
    return make


def registry() -> dict[str, tuple[View, Controls]]:
    """All registered widgets: ``{name: (view, controls_factory)}``.

    Examples
    --------
    >>> isinstance(registry(), dict)
    True
    """
    return dict(_REGISTRY)


def sweep_values(control: W.ValueWidget, most: int = 25) -> list[Any]:
    """Values spanning a control's whole range: every step, or ``most`` evenly spaced ones with both ends.

    Examples
    --------
    >>> sweep_values(W.IntSlider(min=1, max=5))
    [1, 2, 3, 4, 5]
    >>> sweep_values(W.IntSlider(min=0, max=100), most=5)
    [0, 25, 50, 75, 100]
    >>> sweep_values(W.Dropdown(options=["same", "valid"]))
    ['same', 'valid']
    """
    if isinstance(control, (W.Checkbox, W.ToggleButton)):
        return [False, True]
    if hasattr(control, "options") and not isinstance(control, W.SelectionRangeSlider):
        options = list(control.options)
        return [o[1] if isinstance(o, tuple) else o for o in options]
    if isinstance(control, (W.IntSlider, W.BoundedIntText)):
        values = list(range(control.min, control.max + 1, control.step or 1))
    elif isinstance(control, (W.FloatSlider, W.BoundedFloatText)):
        n = min(most, 11)
        return [control.min + (control.max - control.min) * i / (n - 1) for i in range(n)]
    elif isinstance(control, W.IntRangeSlider):
        lo, hi = control.min, control.max
        values = sorted({(lo, hi), (lo, lo), (hi, hi), (lo, (lo + hi) // 2), ((lo + hi) // 2, hi)})
        return values
    else:
        return [control.value]
    if len(values) > most:
        idx = sorted({round(i * (len(values) - 1) / (most - 1)) for i in range(most)})
        values = [values[i] for i in idx]
    return values


# --- 01 · stride ------------------------------------------------------
# (section for notebook 01: add its functions below this line)


# --- 02 · dilation ----------------------------------------------------
# (section for notebook 02: add its functions below this line)


# --- 03 · receptive field ---------------------------------------------
# (section for notebook 03: add its functions below this line)
import html  # noqa: E402

from . import plots as _plots  # noqa: E402
from .receptive import Layer as _Layer  # noqa: E402
from .receptive import receptive_field as _receptive_field  # noqa: E402

__all__ += ["rf_stack_layers", "rf_stack_view", "rf_stack_explorer"]

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
        fig = _plots.rf_stack_figure(layers, size=RF_STACK_SIZE, weights=weights)
        report = _plots.rf_stack_report(layers, size=RF_STACK_SIZE, weights=weights)
    except (TypeError, ValueError) as exc:
        return _plots.message_figure(str(exc)), str(exc)
    rows = _receptive_field(layers, input_size=RF_STACK_SIZE)
    row, jumps = rows[-1], [1] + [r.S for r in rows[:-1]]
    terms = " + ".join(f"{layer.effective_kernel - 1}·{jump}" for layer, jump in zip(layers, jumps))
    where = "fits inside" if row.r <= RF_STACK_SIZE else "is larger than"
    sentence = (
        f"r = 1 + {terms} = {row.r} input pixels per side; effective stride S = {row.S}, "
        f"effective padding P = {row.P}; the field {where} the {RF_STACK_SIZE}×{RF_STACK_SIZE} image."
    )
    return fig, f"{sentence}<pre>{html.escape(report)}</pre>"


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

    def show_used_rows(_change: object = None) -> None:  # hide the sliders of unused layers
        for i in range(1, len(RF_STACK_DEFAULTS) + 1):
            for key in "ksd":
                controls[f"{key}{i}"].layout.display = "none" if i > controls["n_layers"].value else None

    controls["n_layers"].observe(show_used_rows, names="value")
    show_used_rows()
    return controls


rf_stack_explorer = register(
    "rf_stack_explorer",
    rf_stack_view,
    _rf_stack_controls,
    title="Layer-stack editor: kernel k, stride s and dilation d of each layer (padding d(k−1)/2)",
)


# --- 04 · output stride and heatmaps ----------------------------------
# (section for notebook 04: add its functions below this line)


# --- 05 · gridding artifacts ------------------------------------------
# (section for notebook 05: add its functions below this line)


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: add its functions below this line)


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: add its functions below this line)
