"""Every registered widget view, swept over its whole control ranges.

A view must return ``(Figure, str)`` for every reachable setting and render
without error; an impossible setting gives a sentence, never an exception.
(How fast the views are is measured in benchmarks/, not asserted here.)

The test pass (CI) sweeps each control over at most ``SWEEP_MOST`` evenly spaced values with
both ends (every value where a control has fewer: every option of a menu) plus
``SWEEP_COMBOS`` seeded combinations, and walks the in-place fast path through each control
moved to two of its values (seeded), four seeded combinations and both extremes (the same
steps every run). The full sweep, up to 25 values per control, 20 combinations and every
in-place step of the old walk, runs with::

    SH_FULL_SWEEP=1 python -m pytest -n 0 tests/test_widgets.py
"""

import os
import random

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import widgets  # noqa: E402

# importing the notebooks' widgets registers them
REGISTERED = sorted(widgets.registry())

#: the full sweep (SH_FULL_SWEEP=1) or the test pass's sample of it (see the module docstring)
FULL_SWEEP = os.environ.get("SH_FULL_SWEEP", "") not in ("", "0")
SWEEP_MOST, SWEEP_COMBOS = (25, 20) if FULL_SWEEP else (8, 6)


def settings_for(controls, seed=0, combos=20, most=25):
    """Each control over its whole range (others at their defaults), plus random combinations."""
    defaults = {name: c.value for name, c in controls.items()}
    ranges = {name: widgets.sweep_values(c, most=most) for name, c in controls.items()}
    for name, values in ranges.items():
        for v in values:
            yield {**defaults, name: v}
    rng = random.Random(seed)
    for _ in range(combos):
        yield {name: rng.choice(values) for name, values in ranges.items()}
    for pick in (min, max):
        try:
            yield {name: pick(values) for name, values in ranges.items()}
        except TypeError:
            pass


@pytest.mark.parametrize("name", REGISTERED)
def test_view_sweeps_without_error(name):
    view, controls = widgets.registry()[name]
    for setting in settings_for(controls(), combos=SWEEP_COMBOS, most=SWEEP_MOST):
        fig, sentence = view(**setting)
        try:
            assert isinstance(fig, Figure), setting
            assert isinstance(sentence, str) and sentence, setting
            fig.canvas.draw()  # render: catches errors that only appear when drawing
        finally:
            plt.close(fig)


@pytest.mark.parametrize("name", REGISTERED)
def test_widget_builds_with_defaults(name):
    box = getattr(widgets, name)()
    assert box.children[-1].value  # the sentence under the figure was filled in
    plt.close("all")


def test_registry_not_empty_once_notebooks_exist():
    # notebooks 01+ each register at least one widget; 00 has none
    import pathlib

    notebooks = sorted(pathlib.Path(__file__).parent.parent.glob("notebooks/0[1-9]_*.ipynb"))
    if notebooks:
        assert REGISTERED, "notebooks exist but no widget is registered"


@pytest.mark.parametrize("name", REGISTERED)
def test_widget_display_carries_its_default_picture(name):
    """Without a kernel a widget cell shows the image/png beside the (dropped) widget view."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    box = getattr(widgets, name)()
    bundle = box._repr_mimebundle_()
    assert set(bundle) == {widgets.WIDGET_VIEW, "image/png", "text/plain"}
    shown = np.asarray(Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))).convert("RGB"))
    view, controls = widgets.registry()[name]
    fig, _ = view(**{k: c.value for k, c in controls().items()})  # the default settings, drawn afresh
    try:
        expected = np.asarray(Image.open(io.BytesIO(widgets.figure_png(fig))).convert("RGB"))
    finally:
        plt.close(fig)
    assert shown.shape == expected.shape and (shown == expected).all()
    assert len(bundle["text/plain"]) < 200 and "0x" not in bundle["text/plain"]  # short, no addresses
    plt.close("all")


def test_the_picture_follows_the_controls():
    import base64

    from helpers import plots

    box = widgets.build(lambda n: (plots.message_figure(f"n = {n}"), f"n is {n}"), {"n": __import__("ipywidgets").IntSlider(value=1, max=3)})
    before = box._repr_mimebundle_()["image/png"]
    box.children[0].children[0].value = 2
    after = box._repr_mimebundle_()["image/png"]
    assert before != after and base64.b64decode(after)[:4] == b"\x89PNG"
    box.children[0].children[0].value = 1
    assert box._repr_mimebundle_()["image/png"] == before
    plt.close("all")


def test_the_refresh_keeps_pictures_and_drops_only_widget_views():
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from helpers.notebook_tools import strip_widget_outputs

    view = {widgets.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "abc"}}
    nb = new_notebook(cells=[
        new_code_cell("explorer()", outputs=[new_output("display_data", data={**view, "image/png": "iVBOR", "text/plain": "Widget"})]),
        new_code_cell("W.IntSlider()", outputs=[new_output("display_data", data={**view, "text/plain": "IntSlider(value=0)"})]),
        new_code_cell("print(1); plot()", outputs=[new_output("stream", name="stdout", text="1\n"),
                                                    new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]),
    ], metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {}}})  # fmt: skip
    untouched = nbformat.from_dict(nb["cells"][2])
    assert strip_widget_outputs(nb) == 2
    assert [o["data"] for o in nb.cells[0].outputs] == [{"image/png": "iVBOR", "text/plain": "Widget"}]
    assert nb.cells[1].outputs == []  # a bare control keeps no Python repr
    assert nb.cells[2] == untouched
    assert "widgets" not in nb.metadata


def _png_pixels(png):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("name", REGISTERED)
def test_live_png_has_the_stored_pictures_pixels(name):
    # what a widget sends after each change (live_png: one draw, fast zlib level) must decode to the
    # same size and pixels as the stored picture's encoding (figure_png: savefig's "tight" box);
    # at the defaults, seeded combinations and every control at its minimum / maximum (the in-place
    # test below checks the same on the figures a fast path redraws)
    import numpy as np

    view, controls = widgets.registry()[name]
    c = controls()
    steps = [{k: w.value for k, w in c.items()}, *list(settings_for(c, seed=2, combos=3))[-5:]]
    for setting in steps:
        fig, _ = view(**setting)
        try:
            live, stored = _png_pixels(widgets.live_png(fig)), _png_pixels(widgets.figure_png(fig))
            assert live.shape == stored.shape and np.array_equal(live, stored), setting
        finally:
            plt.close(fig)


def _pixels(fig):
    import numpy as np

    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


#: Controls whose change a widget's fast path may decline (the figure's layout changes: the widget
#: then builds a new figure); a change of any other control must be drawn in place.
LAYOUT_CONTROLS = {"design_explorer": {"input_size", "output_stride", "rates", "upsampling"}}


def _two_of(values, rng):
    """Two of ``values`` (all if fewer), drawn with ``rng``, in their order."""
    return [values[i] for i in sorted(rng.sample(range(len(values)), min(2, len(values))))]


@pytest.mark.parametrize("name", sorted(widgets.updates()))
def test_in_place_update_draws_what_the_view_draws(name):
    # a widget's fast path walks the figure it shows through a sweep (every control over its whole
    # range, seeded combinations, impossible settings where reachable), as build() does: where the
    # fast path declines, the view's new figure is shown and reused from then on. After every step
    # the picture and the sentence must be exactly what a fresh view gives for that setting, and
    # (every eighth step) the live PNG must have the stored PNG's pixels
    import numpy as np

    view, controls = widgets.registry()[name]
    update = widgets.updates()[name]
    c = controls()
    defaults = {k: w.value for k, w in c.items()}
    fig, _ = view(**defaults)
    shown_setting, shown_possible = defaults, True
    if FULL_SWEEP:
        steps = [{**defaults, k: v} for k, w in c.items() for v in widgets.sweep_values(w, most=3)]
        steps += list(settings_for(c, seed=1, combos=4))
    else:  # each control moved to 2 of its values (seeded), then the seeded combinations and both extremes
        rng = random.Random(3)
        steps = [{**defaults, k: v} for k, w in c.items() for v in _two_of(widgets.sweep_values(w, most=3), rng)]
        steps += list(settings_for(c, seed=1, combos=4, most=3))[-6:]
    declined = 0
    try:
        for index, setting in enumerate(steps):
            sentence = update(fig, **setting)
            fresh, expected = view(**setting)
            possible = not expected.startswith("Not possible")
            if sentence is None:  # only where the view cannot draw its normal figure, or the layout changed
                declined += 1
                changed = {k for k in setting if setting[k] != shown_setting[k]}
                assert not possible or not shown_possible or changed & LAYOUT_CONTROLS.get(name, set()), setting
                plt.close(fig)
                fig, shown_setting, shown_possible = fresh, setting, possible  # build() shows the new figure
                continue
            try:
                assert possible and sentence == expected, setting
                assert np.array_equal(_pixels(fig), _pixels(fresh)), f"in-place update differs from the view at {setting}"
                if index % 8 == 0:
                    live, stored = _png_pixels(widgets.live_png(fig)), _png_pixels(widgets.figure_png(fresh))
                    assert live.shape == stored.shape and np.array_equal(live, stored), setting
            finally:
                plt.close(fresh)
            shown_setting = setting
    finally:
        plt.close(fig)
    assert declined < len(steps)  # (each decline was justified above)


def test_heatmap_fast_path_declines_an_impossible_setting():
    fig, _ = widgets.heatmap_view(513, 16, 6, "same")
    before = fig.axes[0].get_title()
    assert widgets.heatmap_update(fig, 64, 32, 36, "valid") is None
    assert fig.axes[0].get_title() == before
    plt.close(fig)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


@pytest.mark.parametrize("name", REGISTERED)
def test_every_control_redraws_the_live_widget(name, monkeypatch):
    # the widget as a notebook runs it (build() draws only inside IPython): move each control to
    # two other values in turn; every move of a shown control must send a new picture, and no
    # callback may raise (in a
    # kernel an exception in a callback is only logged, and the picture silently stops changing)
    import ipywidgets as W

    from helpers.widgets import _core

    monkeypatch.setattr(_core, "get_ipython", lambda: object())
    box = getattr(widgets, name)()
    out = next(w for w in _walk(box) if isinstance(w, W.Output))
    controls = [w for w in _walk(box) if isinstance(w, W.ValueWidget) and not isinstance(w, (W.HTML, W.Label))]
    assert controls, name
    moved = 0
    for control in controls:
        start = control.value
        for value in [v for v in widgets.sweep_values(control, most=3) if v != start][:2]:
            before = out.outputs
            control.value = value
            if control.layout.display == "none":  # a hidden control (an unused layer's): only no error
                continue
            moved += 1
            assert out.outputs and out.outputs != before, f"{name}: {control.description}={value!r} sent no new picture"
        control.value = start
    assert moved
    plt.close("all")
