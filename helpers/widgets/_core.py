"""The machinery of a matplotlib widget: controls wired to a view, and its stored picture.

A widget is a thin shell: controls, and an *update function*
``view(**values) -> (Figure, str)`` that is a plain function of the control
values, so a test can sweep it over every slider range. A view should not
raise on an impossible setting (it can return
:func:`helpers.plots.message_figure` and a sentence instead): in a kernel an
exception in a callback is only logged and the picture silently stops changing.

In a notebook, a widget cell carries the ``nbval-ignore-output`` tag (output
printed inside callbacks reaches nbval). Its stored output is the picture of
its default settings (see :class:`Explorer`), which the website, nbviewer and
GitHub show without a kernel.
"""

from __future__ import annotations

import base64
import io
from typing import Any, Callable

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython import get_ipython
from matplotlib.figure import Figure
from .._pngtext import add_words, figure_words

__all__ = ["build", "Explorer", "figure_png", "live_png", "register", "registry", "sweep_values", "updates", "WIDGET_VIEW"]

View = Callable[..., "tuple[Figure, str]"]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def figure_png(fig: Figure) -> bytes:
    """``fig`` as the PNG Jupyter's inline backend stores (tight box, the figure's dpi), its words in a
    ``tEXt`` chunk (:mod:`helpers._pngtext`) and no other metadata.

    Examples
    --------
    >>> fig = plt.figure(figsize=(1, 1))
    >>> figure_png(fig)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    >>> plt.close(fig)
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    return add_words(buffer.getvalue(), figure_words(fig))  # its titles and labels, for the spoiler check


#: zlib level of :func:`live_png` (1 = fastest; PNG is lossless, so the pixels do not depend on it).
LIVE_PNG_COMPRESS_LEVEL = 1


def live_png(fig: Figure) -> bytes:
    """``fig`` as a PNG with the same pixels as :func:`figure_png`, made faster for a widget's redraw.

    :func:`figure_png` lets ``savefig(bbox_inches="tight")`` run a layout pass
    over the whole figure to find the tight box, then draw it, then compress
    at zlib's default level. Here the tight box is computed directly
    (``Figure.get_tightbbox``, padded by ``savefig.pad_inches``, what "tight"
    computes) and passed to ``savefig`` as a ``Bbox``, which skips savefig's own
    pass (computing the box still lays out every text once: about as costly as
    a draw, benchmarks/README.md findings 5); and the PNG is compressed at
    level :data:`LIVE_PNG_COMPRESS_LEVEL`.
    The decoded image is the same size and the same pixels as
    :func:`figure_png`'s (``tests/test_widgets.py`` checks it on a demo view
    over its range); only the compressed bytes differ (a few percent larger).
    The stored pictures (:class:`Explorer`) keep using :func:`figure_png`.

    Examples
    --------
    >>> from helpers import plots
    >>> fig = plots.message_figure("hello")
    >>> import numpy as np; from PIL import Image
    >>> pixels = [np.asarray(Image.open(io.BytesIO(f(fig)))) for f in (figure_png, live_png)]
    >>> pixels[0].shape == pixels[1].shape and bool((pixels[0] == pixels[1]).all())
    True
    >>> plt.close(fig)   # a widget keeps redrawing the figure it showed and closed
    >>> live_png(fig)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):  # pyplot's close() leaves a figure a bare canvas
        FigureCanvasAgg(fig)
    bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches=bbox, metadata={"Software": None},
                pil_kwargs={"compress_level": LIVE_PNG_COMPRESS_LEVEL})
    return buffer.getvalue()


class Explorer(W.VBox):
    """The box :func:`build` returns: a live widget, and a picture of its current state where no kernel runs.

    Displayed, it offers the widget view (JupyterLab and Voila with a kernel
    show the live widget) and beside it ``image/png``, the figure of the
    current control values, with a short ``text/plain``. The notebook refresh
    (:func:`helpers.notebook_tools.strip_widget_outputs`) stores the picture
    and drops the widget view, which cannot be shown without a kernel; so the
    website, nbviewer and GitHub show the default picture under each widget cell.
    """

    def __init__(self, children: list[W.Widget], *, picture: Callable[[], bytes], title: str = "", **kwargs: Any) -> None:
        super().__init__(children, **kwargs)
        self._picture = picture
        self._title = title

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:  # a closed widget has no view
            return None
        bundle["image/png"] = base64.b64encode(self._picture()).decode("ascii")
        named = f" {self._title!r}" if self._title else ""
        bundle["text/plain"] = f"Widget{named}: the picture of its default settings; run the notebook to use its controls."
        return bundle


#: A widget's optional fast path: ``update(fig, **values)`` redraws a figure its view made, in
#: place, and returns the sentence -- or None when it cannot (then the view builds a new figure).
Update = Callable[..., "str | None"]


def build(
    view: View, controls: dict[str, W.ValueWidget], *, title: str = "", update: "Update | None" = None
) -> Explorer:
    """Wire ``controls`` to ``view`` and render once with the current values.

    The figure goes into an ``Output`` widget (set as its ``outputs``, so no
    display message leaves the kernel outside the widget) and the sentence
    into an ``HTML`` line below it; both are redrawn when any control changes.
    With ``update``, a change first tries to redraw the figure shown in place
    (same picture as the view's, faster), and falls back to the view.
    The first picture is encoded with :func:`figure_png` (it is also the
    stored picture); every redraw after a change with :func:`live_png`
    (same pixels, encoded faster). The returned :class:`Explorer` also shows the current figure as a PNG
    where widgets cannot be shown.

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
    >>> sorted(box._repr_mimebundle_())
    ['application/vnd.jupyter.widget-view+json', 'image/png', 'text/plain']
    """
    out = W.Output(layout=W.Layout(min_height="120px"))
    text = W.HTML()
    state: dict[str, Any] = {"png": None}

    def values() -> dict[str, Any]:
        return {name: c.value for name, c in controls.items()}

    shown: dict = {"fig": None}

    def redraw(_change: object = None) -> None:
        current = values()
        fig, sentence = shown["fig"], None
        if update is not None and fig is not None:
            sentence = update(fig, **current)  # the fast path: redraw the shown figure in place
        if sentence is None:
            fig, sentence = view(**current)
        shown["fig"] = fig
        text.value = sentence
        state["png"] = None  # picture() encodes the stored form of this state when it is asked for
        try:
            if get_ipython() is not None:  # outside Jupyter there is nowhere to draw
                # every picture the live widget shows is live_png's, so one setting always sends the
                # same bytes (the browser tests change a control and back and compare)
                encoded = base64.b64encode(live_png(fig)).decode("ascii")
                out.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"image/png": encoded, "text/plain": repr(fig)}},)  # fmt: skip
        finally:
            plt.close(fig)

    def picture() -> bytes:
        # the stored picture (figure_png) of the figure shown now: same pixels as a fresh view's
        if state["png"] is None:
            fig = shown["fig"]
            if fig is None:
                fig, _ = view(**values())
            try:
                state["png"] = figure_png(fig)
            finally:
                plt.close(fig)
        return state["png"]

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    header = [W.HTML(f"<b>{title}</b>")] if title else []
    children = [*header, W.HBox(list(controls.values()), layout=W.Layout(flex_flow="row wrap")), out, text]
    return Explorer(children, picture=picture, title=title)


Controls = Callable[[], "dict[str, W.ValueWidget]"]
_REGISTRY: dict[str, tuple[View, Controls]] = {}
_UPDATES: dict[str, Update] = {}


def register(
    name: str, view: View, controls: Controls, *, title: str = "", update: "Update | None" = None
) -> Callable[[], Explorer]:
    """Record a widget's view and control factory, and return the function that builds it.

    A registered view can be found by name (:func:`registry`), so tests and
    benchmarks can sweep it over its whole control ranges. The course itself
    registers none (its interactives are the explorers, :mod:`helpers.explorers`).

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
    if update is not None:
        _UPDATES[name] = update

    def make() -> Explorer:
        return build(view, controls(), title=title, update=update)

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


def updates() -> dict[str, Update]:
    """The registered widgets that have an in-place fast path: ``{name: update}`` (see :func:`build`).

    Examples
    --------
    >>> isinstance(updates(), dict)
    True
    """
    return dict(_UPDATES)


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
