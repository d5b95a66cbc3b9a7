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


# --- 04 · output stride and heatmaps ----------------------------------
# (section for notebook 04: add its functions below this line)
def heatmap_view(
    input_size: int = 513, output_stride: int = 16, rate: int = 6, padding: str = "same"
) -> "tuple[Figure, str]":
    """Widget view of notebook 04: :func:`helpers.plots.heatmap_cell` and a sentence with the numbers.

    The network is ResNet-50 (TF-Slim, DeepLab's output stride) followed by one
    3×3 atrous head at ``rate``; ``padding`` is ``"same"`` (= rate), ``"one"``
    or ``"valid"``. The sentence gives the heatmap size, the receptive field
    of one cell, the backbone's compute and activation memory relative to
    OS 32, and the localisation error of arg-max decoding. An impossible
    setting returns a message figure and a sentence saying why.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> fig, text = heatmap_view(513, 16, 6, "same")
    >>> text.split(":")[0]
    '513×513 input, OS 16'
    >>> plt.close(fig)
    >>> fig, text = heatmap_view(64, 32, 6, "one")
    >>> text.startswith("Not possible")
    True
    >>> plt.close(fig)
    """
    from . import plots
    from .arithmetic import heatmap_size
    from .receptive import cell_centers, receptive_field, resnet50_costs

    try:
        fig = plots.heatmap_cell(input_size, output_stride, rate, padding=padding)
    except ValueError as exc:
        return plots.message_figure(str(exc)), f"Not possible: {exc}."
    layers = plots._nb04_head_layers(output_stride, rate, padding)
    centers = cell_centers(layers, input_size)
    r = receptive_field(layers, input_size=input_size)[-1].r
    backbone = heatmap_size(input_size, output_stride)
    costs, ref = resnet50_costs(input_size, output_stride=output_stride), resnet50_costs(input_size)
    macs = sum(c.macs for c in costs) / sum(c.macs for c in ref)
    mem = sum(c.activations for c in costs) / sum(c.activations for c in ref)
    _, (kx, ky) = plots._nb04_scene(input_size, 0)
    cx = min(centers, key=lambda c: abs(c - kx))
    cy = min(centers, key=lambda c: abs(c - ky))
    cells = len(centers)
    pad = {"same": rate, "one": 1, "valid": 0}[padding]
    if cells == backbone:
        size_note = f"the head (rate {rate}, padding {pad}) keeps it"
    else:
        size_note = f"the head (rate {rate}, padding {pad} &lt; rate) shrinks it from {backbone} to {cells}"
    text = (
        f"{input_size}×{input_size} input, OS {output_stride}: heatmap {cells}×{cells} "
        f"(ceil({input_size}/{output_stride}) = {backbone}; {size_note}). "
        f"One cell's receptive field: {r}×{r} px. "
        f"ResNet-50 at OS {output_stride} vs OS 32: multiply-adds ×{macs:.2f}, activation memory ×{mem:.2f}. "
        f"Keypoint ({kx:.1f}, {ky:.1f}) → nearest cell centre ({cx:g}, {cy:g}): error "
        f"{abs(kx - cx):.1f} px in x and {abs(ky - cy):.1f} px in y "
        f"(at most OS/2 = {output_stride / 2:g} inside the cells' squares)."
    )
    return fig, text


def _heatmap_controls() -> "dict[str, W.ValueWidget]":
    style = {"description_width": "initial"}
    return {
        "input_size": W.IntSlider(value=513, min=64, max=1025, step=1, description="input size N",
                                  continuous_update=False, style=style),
        "output_stride": W.Dropdown(options=[32, 16, 8], value=16, description="output stride", style=style),
        "rate": W.IntSlider(value=6, min=1, max=36, description="head atrous rate", continuous_update=False, style=style),
        "padding": W.Dropdown(
            options=[("= rate (same)", "same"), ("1 (fixed)", "one"), ("0 (valid)", "valid")],
            value="same", description="head padding", style=style,
        ),
    }


heatmap_explorer = register(
    "heatmap_explorer", heatmap_view, _heatmap_controls, title="Output stride, atrous rate and the heatmap"
)



# --- 05 · gridding artifacts ------------------------------------------
# (section for notebook 05: add its functions below this line)


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: add its functions below this line)


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: add its functions below this line)
