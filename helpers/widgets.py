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


def _show_used_layers(controls: "dict[str, W.ValueWidget]", count: str, per_layer: "dict[int, list[str]]") -> None:
    """Show the controls of layers ``1..controls[count].value`` and hide the rest, now and on change.

    A slider for a layer that is not in the stack would change nothing a reader
    can see (the browser tests check every visible control redraws the figure).
    """

    def update(_change: object = None) -> None:
        for layer, names in per_layer.items():
            for name in names:
                controls[name].layout.display = "none" if layer > controls[count].value else None

    controls[count].observe(update, names="value")
    update()


# --- 01 · stride ------------------------------------------------------
# (section for notebook 01: add its functions below this line)

import numpy as np  # noqa: E402

from . import plots as _plots  # noqa: E402
from .arithmetic import conv_output_size as _conv_output_size  # noqa: E402
from .arithmetic import effective_kernel_size as _effective_kernel_size  # noqa: E402
from .conv import tap_counts as _tap_counts  # noqa: E402


def _size_formula(n: int, k: int, s: int, p: int, d: int = 1) -> str:
    """``⌊(N + 2P − K)/S⌋ + 1`` with the numbers substituted (the dilated form when d > 1)."""
    out = _conv_output_size(n, k, stride=s, padding=p, dilation=d)
    if d == 1:
        return f"⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = ⌊{n + 2 * p - k}/{s}⌋ + 1 = {out}"
    return f"⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = ⌊{n + 2 * p - d * (k - 1) - 1}/{s}⌋ + 1 = {out}"


def _never_visited(n: int, k: int, s: int, p: int, d: int = 1) -> "list[int]":
    return [int(i) for i in np.flatnonzero(_tap_counts(n, k, stride=s, padding=p, dilation=d) == 0)]


def _fits(n: int, k: int, p: int, d: int = 1) -> "str | None":
    """``None`` if the (dilated) kernel fits in the padded input, else the sentence saying why not."""
    span = _effective_kernel_size(k, d)
    if n + 2 * p >= span:
        return None
    what = f"{k}-tap kernel" if d == 1 else f"{k}-tap kernel with dilation {d}"
    return (f"The {what} spans {span} pixels, but the padded input has only {n} + 2·{p} = {n + 2 * p}: "
            f"no window fits, the output would be empty. Use more padding (at least {-(-(span - n) // 2)}), "
            f"a larger input or a smaller kernel.")


def _link_padding(n: W.IntSlider, k: W.IntSlider, p: W.IntSlider, d: "W.IntSlider | None" = None, cap: int = 8) -> None:
    """Keep ``p`` in the range where the kernel fits and every window still touches the input.

    At least ``ceil((span − N)/2)`` (or no window fits), at most ``span − 1`` ("full" padding:
    beyond it, whole windows would read only zeros), where ``span = d(K − 1) + 1``.
    """

    def update(_change: object = None) -> None:
        span = _effective_kernel_size(k.value, d.value if d is not None else 1)
        low = max(0, -(-(span - n.value) // 2))
        high = max(low, min(span - 1, cap))
        p.min = 0  # always valid; then the new max, then the new min (the value is clamped into range)
        p.max = high
        p.min = low

    for control in (n, k, d):
        if control is not None:
            control.observe(update, names="value")
    update()


def _slider(value: int, lo: int, hi: int, description: str) -> W.IntSlider:
    return W.IntSlider(value=value, min=lo, max=hi, description=description, continuous_update=False,
                       style={"description_width": "initial"}, layout=W.Layout(width="230px"))


def stride_view(n_h: int = 7, n_w: int = 10, k_h: int = 3, k_w: int = 3, s_h: int = 2, s_w: int = 3,
                p_h: int = 1, p_w: int = 0) -> "tuple[Figure, str]":
    """The grid with the *last* window (the one that decides the output size), and the size formula per axis.

    Height and width follow the same formula independently; pixels that no
    window reads are marked. Never raises: an impossible setting gives a
    sentence.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig, sentence = stride_view()
    >>> sentence.split("<br>")[0]
    'Height: ⌊(7 + 2·1 − 3) / 2⌋ + 1 = ⌊6/2⌋ + 1 = 4'
    >>> plt.close(fig)
    """
    for axis, (n, k, p) in (("height", (n_h, k_h, p_h)), ("width", (n_w, k_w, p_w))):
        why = _fits(n, k, p)
        if why:
            return _plots.message_figure(f"Along the {axis}: {why}"), f"Along the {axis}: {why}"
    oh = _conv_output_size(n_h, k_h, stride=s_h, padding=p_h)
    ow = _conv_output_size(n_w, k_w, stride=s_w, padding=p_w)
    fig = _plots.sliding_window((n_h, n_w), (k_h, k_w), stride=(s_h, s_w), padding=(p_h, p_w), frame=oh * ow - 1)
    fig.axes[0].set_title(f"the last window that fits → output {oh}×{ow}", fontsize=11, loc="left", pad=10)
    rows, cols = _never_visited(n_h, k_h, s_h, p_h), _never_visited(n_w, k_w, s_w, p_w)
    never = _plots._axis_names(rows, cols)
    sentence = (
        f"Height: {_size_formula(n_h, k_h, s_h, p_h)}<br>"
        f"Width: {_size_formula(n_w, k_w, s_w, p_w)}<br>"
        f"Output {oh}×{ow}; "
        + (f"never visited: {never} (no window reaches them)." if never else "every input pixel is read.")
    )
    return fig, sentence


def _stride_controls() -> "dict[str, W.IntSlider]":
    c = {
        "n_h": _slider(7, 3, 12, "N height"),
        "n_w": _slider(10, 3, 12, "N width"),
        "k_h": _slider(3, 1, 7, "K height"),
        "k_w": _slider(3, 1, 7, "K width"),
        "s_h": _slider(2, 1, 4, "S height"),
        "s_w": _slider(3, 1, 4, "S width"),
        "p_h": _slider(1, 0, 2, "P height"),
        "p_w": _slider(0, 0, 2, "P width"),
    }
    _link_padding(c["n_h"], c["k_h"], c["p_h"])
    _link_padding(c["n_w"], c["k_w"], c["p_w"])
    return c


stride_explorer = register("stride_explorer", stride_view, _stride_controls,
                           title="Stride explorer: input size N, kernel K, stride S, padding P per axis")


def window_view(n: int = 8, kernel: int = 3, stride: int = 2, padding: int = 0, frame: int = 0) -> "tuple[Figure, str]":
    """One step of the sliding window (an animation frame), with what it computes.

    ``frame`` beyond the last window is clamped to the last window. Never raises.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig, sentence = window_view(8, 3, 2, 0, frame=4)
    >>> sentence
    'Step 5 of 9: output (1, 1) = sum over input rows 2–4, columns 2–4 (top-left corner at padded position (2, 2) = (row 1 × S, column 1 × S)).'
    >>> plt.close(fig)
    """
    why = _fits(n, kernel, padding)
    if why:
        return _plots.message_figure(why), why
    out = _conv_output_size(n, kernel, stride=stride, padding=padding)
    frame = min(max(int(frame), 0), out * out - 1)
    fig = _plots.sliding_window(n, kernel, stride=stride, padding=padding, frame=frame)
    oi, oj = divmod(frame, out)
    r0, c0 = oi * stride - padding, oj * stride - padding
    sentence = (
        f"Step {frame + 1} of {out * out}: output ({oi}, {oj}) = sum over input rows "
        f"{_plots._span_text(r0, r0 + kernel - 1, n)}, columns {_plots._span_text(c0, c0 + kernel - 1, n)} (top-left corner at padded position ({oi * stride}, {oj * stride}) "
        f"= (row {oi} × S, column {oj} × S))."
    )
    return fig, sentence


def _window_controls() -> "dict[str, W.IntSlider]":
    c = {
        "n": _slider(8, 3, 10, "N"),
        "kernel": _slider(3, 1, 5, "K"),
        "stride": _slider(2, 1, 4, "S"),
        "padding": _slider(0, 0, 2, "P"),
        "frame": _slider(0, 0, 8, "step"),
    }
    _link_padding(c["n"], c["kernel"], c["padding"])

    def update_frames(_change: object = None) -> None:
        n, k, s, p = (c[name].value for name in ("n", "kernel", "stride", "padding"))
        if _fits(n, k, p) is None:
            c["frame"].max = _conv_output_size(n, k, stride=s, padding=p) ** 2 - 1

    for name in ("n", "kernel", "stride", "padding"):
        c[name].observe(update_frames, names="value")
    update_frames()
    return c


window_animation = register("window_animation", window_view, _window_controls,
                            title="The sliding window, one step at a time (drag 'step')")


# --- 02 · dilation ----------------------------------------------------
# (section for notebook 02: add its functions below this line)

from .arithmetic import same_padding as _same_padding  # noqa: E402


def dilation_view(n: int = 9, kernel: int = 3, dilation: int = 2, stride: int = 1, padding: int = 0
                  ) -> "tuple[Figure, str]":
    """Taps of a dilated kernel on the padded input, the output size and the zero-inserted kernel.

    The window shown is the one of the middle output. Never raises: a kernel
    that no longer fits gives a sentence.

    Defined in notebook ``02_dilation``.

    Examples
    --------
    >>> fig, sentence = dilation_view(9, 3, 2, 1, 0)
    >>> sentence.split("<br>")[1]
    'Output: ⌊(9 + 2·0 − 2·(3 − 1) − 1) / 1⌋ + 1 = ⌊4/1⌋ + 1 = 5 per axis (5×5).'
    >>> plt.close(fig)
    """
    span = _effective_kernel_size(kernel, dilation)
    head = (f"Effective kernel: K + (K − 1)(d − 1) = {kernel} + {kernel - 1}·{dilation - 1} = {span}; "
            f"still {kernel * kernel} weights and {kernel * kernel} multiply-adds per output.")
    why = _fits(n, kernel, padding, dilation)
    if why:
        return _plots.message_figure(why, title="The dilated kernel does not fit"), head + "<br>" + why
    out = _conv_output_size(n, kernel, stride=stride, padding=padding, dilation=dilation)
    middle = (out // 2) * out + out // 2
    fig = _plots.dilated_window(n, kernel, dilation=dilation, stride=stride, padding=padding, frame=middle)
    never = _never_visited(n, kernel, stride, padding, dilation)
    total = dilation * (kernel - 1)
    before, after = _same_padding(n, kernel, dilation=dilation)
    if before == after:
        keep = f"Padding that keeps the size at stride 1: P = d(K − 1)/2 = {dilation}·{kernel - 1}/2 = {before}."
    else:
        keep = (f"To keep the size at stride 1 the total padding d(K − 1) = {total} is odd: "
                f"{before} before, {after} after (TensorFlow's \"same\").")
    sentence = (
        head + "<br>"
        f"Output: {_size_formula(n, kernel, stride, padding, dilation)} per axis ({out}×{out}).<br>"
        + (f"Never read: {len(never)} of {n} rows (and columns): {', '.join(map(str, never))}. " if never
           else "Every input pixel is read. ")
        + keep
    )
    return fig, sentence


def _dilation_controls() -> "dict[str, W.IntSlider]":
    c = {
        "n": _slider(9, 5, 15, "N"),
        "kernel": _slider(3, 1, 5, "K"),
        "dilation": _slider(2, 1, 4, "d"),
        "stride": _slider(1, 1, 3, "S"),
        "padding": _slider(0, 0, 4, "P"),
    }
    _link_padding(c["n"], c["kernel"], c["padding"], c["dilation"], cap=8)
    return c


dilation_explorer = register("dilation_explorer", dilation_view, _dilation_controls,
                             title="Dilation explorer: input N, kernel K, dilation d, stride S, padding P")


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

    _show_used_layers(controls, "n_layers", {i: [f"k{i}", f"s{i}", f"d{i}"] for i in range(1, len(RF_STACK_DEFAULTS) + 1)})
    return controls


rf_stack_explorer = register(
    "rf_stack_explorer",
    rf_stack_view,
    _rf_stack_controls,
    title="Layer-stack editor: kernel k, stride s and dilation d of each layer (padding d(k−1)/2)",
)


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

from . import plots as _plots  # noqa: E402
from .gridding import hdc_report as _hdc_report  # noqa: E402


def gridding_view(
    layers: int = 3, rate1: int = 2, rate2: int = 4, rate3: int = 8, rate4: int = 1, kernel: int = 3
) -> "tuple[Figure, str]":
    """Coverage map, holes count and HDC verdict of the first ``layers`` rates.

    The view behind :func:`gridding_explorer`; ``rate4`` is used only when
    ``layers`` is 4. Never raises: an impossible setting gives a sentence.

    Defined in notebook ``05_gridding_artifacts``.

    Examples
    --------
    >>> fig, text = gridding_view(3, 2, 4, 8, kernel=3)
    >>> "616 holes" in text
    True
    >>> plt.close(fig)
    """
    try:
        rates = (rate1, rate2, rate3, rate4)[: int(layers)]
        rep = _hdc_report(rates, kernel=kernel)
        fig = _plots.stack_overview(rates, kernel=kernel)
    except (TypeError, ValueError) as exc:
        return _plots.message_figure(str(exc)), f"Cannot draw this setting: {exc}"
    r = 1 + (rep.kernel - 1) * sum(rep.rates)
    listed = ", ".join(str(v) for v in rep.rates)
    head = (
        f"Rates {listed} with {rep.kernel}×{rep.kernel} kernels: receptive field {r}×{r}, "
        f"{rep.holes} holes ({100 * rep.holes / r**2:.0f} % of the field unreached). "
    )
    reasons = []
    if rep.rates[0] != 1:
        reasons.append(f"r₁ = {rep.rates[0]} ≠ 1")
    if rep.common_factor > 1:
        reasons.append(f"common factor {rep.common_factor}")
    if rep.max_gap > rep.kernel:
        reasons.append(f"M₂ = {rep.max_gap} > K = {rep.kernel}")
    if rep.hdc:
        verdict = (f"HDC rule: passes (r₁ = 1, no common factor, M₂ = {rep.max_gap} ≤ K = {rep.kernel}), "
                   "and indeed no holes.")
    elif rep.holes == 0:
        verdict = f"HDC rule: fails ({'; '.join(reasons)}), yet there are no holes: the rule is sufficient, not necessary."
    elif rep.paper_rule:
        verdict = (f"The paper's two conditions hold (no common factor, M₂ = {rep.max_gap} ≤ K), "
                   f"but r₁ = {rep.rates[0]} ≠ 1 and there are holes: is_hdc rejects it.")
    else:
        verdict = f"HDC rule: fails ({'; '.join(reasons)}), and brute force agrees: holes."
    return fig, head + verdict


def _gridding_controls() -> "dict[str, W.ValueWidget]":
    style = {"description_width": "initial"}
    rate = dict(min=1, max=12, continuous_update=False, style=style)
    controls = {
        "layers": W.IntSlider(value=3, min=2, max=4, description="layers", continuous_update=False, style=style),
        "rate1": W.IntSlider(value=2, description="rate 1", **rate),
        "rate2": W.IntSlider(value=4, description="rate 2", **rate),
        "rate3": W.IntSlider(value=8, description="rate 3", **rate),
        "rate4": W.IntSlider(value=1, description="rate 4", **rate),
        "kernel": W.IntSlider(value=3, min=2, max=5, description="kernel K", continuous_update=False, style=style),
    }

    _show_used_layers(controls, "layers", {i: [f"rate{i}"] for i in (1, 2, 3, 4)})
    return controls


gridding_explorer = register(
    "gridding_explorer",
    gridding_view,
    _gridding_controls,
    title="Stacked dilations: which input pixels does the centre output reach?",
)
__all__ += ["gridding_view", "gridding_explorer"]


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
