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


# --- 05 · gridding artifacts ------------------------------------------
# (section for notebook 05: add its functions below this line)


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: add its functions below this line)

def overlap_view(kernel: int = 3, stride: int = 2) -> "tuple[Figure, str]":
    """Overlap-count pattern of a transposed convolution (figure + sentence).

    Defined in notebook ``06_upsampling_and_checkerboard``.

    Examples
    --------
    >>> fig, text = overlap_view(4, 2)
    >>> text.split(":")[0], "even overlap" in text
    ('k=4, s=2', True)
    >>> plt.close(fig)
    """
    from . import plots
    from .arithmetic import transposed_output_size

    if kernel < 1 or stride < 1:
        return plots.message_figure("kernel and stride must be at least 1"), "kernel and stride must be at least 1."
    fig = plots.overlap_pattern(kernel, stride)
    low, high = kernel // stride, -(-kernel // stride)
    n = plots._overlap_input_size(kernel, stride)
    size = transposed_output_size(n, kernel, stride=stride)
    if kernel % stride == 0:
        text = (f"k={kernel}, s={stride}: {kernel} is divisible by {stride}, so every interior output pixel "
                f"gets exactly {low} kernel copies per axis ({low * low} in 2-D): even overlap.")
    elif low == 0:
        text = (f"k={kernel}, s={stride}: the kernel is shorter than the stride, so per axis some interior "
                f"outputs get {high} copy and others none (0 in 2-D): holes between the copies.")
    else:
        values = sorted({low * low, low * high, high * high})
        text = (f"k={kernel}, s={stride}: {kernel} is not divisible by {stride}, so interior output pixels get "
                f"{low} or {high} kernel copies per axis ({', '.join(map(str, values))} in 2-D): "
                f"a checkerboard with period {stride}.")
    return fig, text + f" ({n}×{n} input of ones → {size}×{size} output.)"


def _overlap_controls() -> "dict[str, W.ValueWidget]":
    return {
        "kernel": W.IntSlider(value=3, min=1, max=8, description="kernel k", continuous_update=False),
        "stride": W.IntSlider(value=2, min=1, max=4, description="stride s", continuous_update=False),
    }


overlap_explorer = register("overlap_explorer", overlap_view, _overlap_controls,
                            title="Transposed convolution: how many kernel copies land on each output pixel")


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: add its functions below this line)

_RATE_CHOICES = {
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
_UPSAMPLE_CHOICES = {
    "none": (1, "deconv"),
    "deconv ×2": (2, "deconv"),
    "deconv ×4": (4, "deconv"),
    "deconv ×8": (8, "deconv"),
    "bilinear ×2": (2, "bilinear"),
    "bilinear ×4": (4, "bilinear"),
    "bilinear ×8": (8, "bilinear"),
}


def design_view(input_size: int = 512, output_stride: int = 16, rates: str = "1, 2, 5 (HDC)",
                upsampling: str = "deconv ×2", distance: int = 12) -> "tuple[Figure, str]":
    """The design lab: one design's report as a figure and a sentence.

    Defined in notebook ``07_design_lab``.

    Examples
    --------
    >>> fig, text = design_view()
    >>> text.split(";")[0]
    'Heatmap 64×64 (8 px per cell)'
    >>> plt.close(fig)
    """
    from . import plots
    from .design import cell_collision_fraction, design_report

    up, mode = _UPSAMPLE_CHOICES.get(upsampling, (None, None))
    if up is None or rates not in _RATE_CHOICES:
        return plots.message_figure("unknown choice"), "Unknown choice."
    if up > output_stride:
        text = f"Upsampling ×{up} would go below one pixel per cell at output stride {output_stride}."
        return plots.message_figure(text), text
    r = design_report(input_size, output_stride, rates=_RATE_CHOICES[rates], upsample=up, upsample_mode=mode)
    same = cell_collision_fraction(distance, 0, r.peak_stride)
    near = cell_collision_fraction(distance, 0, r.peak_stride, within=1)
    text = (
        f"Heatmap {r.heatmap_size}×{r.heatmap_size} ({r.heatmap_stride:g} px per cell); "
        f"receptive field {r.receptive_field} px; compute ×{r.relative_compute:.2f} and activations "
        f"×{r.relative_memory:.2f} of ResNet-50 at OS 32. Two objects {distance} px apart share a cell "
        f"of the {r.peak_stride}-px peak grid at {same:.0%} of grid offsets (same or adjacent cell: {near:.0%})."
    )
    if r.warnings:
        text += " <b>Warning:</b> " + " <b>Warning:</b> ".join(r.warnings) + "."
    return plots.design_figure(r, distance=distance), text


def _design_controls() -> "dict[str, W.ValueWidget]":
    style = {"description_width": "initial"}
    return {
        "input_size": W.Dropdown(options=[256, 384, 512, 513, 1024], value=512, description="input",
                                 style=style),
        "output_stride": W.Dropdown(options=[32, 16, 8], value=16, description="output stride", style=style),
        "rates": W.Dropdown(options=list(_RATE_CHOICES), value="1, 2, 5 (HDC)", description="head rates",
                            style=style),
        "upsampling": W.Dropdown(options=list(_UPSAMPLE_CHOICES), value="deconv ×2", description="upsampling",
                                 style=style),
        "distance": W.IntSlider(value=12, min=4, max=64, step=4, description="objects apart (px)",
                                continuous_update=False, style=style),
    }


design_explorer = register("design_explorer", design_view, _design_controls,
                           title="Design lab: heatmap size, receptive field, holes and cost of one design")
