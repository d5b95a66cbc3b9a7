"""The generic widget machinery of :mod:`helpers.widgets`, on the static-output fixture's demo view.

The course registers no matplotlib widget of its own any more (its interactives are the
explorers, :mod:`helpers.explorers`); what stays is the toolkit a learner can use for their own
widget, and the fixture ``tests/fixtures/static_outputs.ipynb`` builds one with it to check how
publishing handles a widget cell. Here that demo view (a 3×3 window sliding with stride 2 over an
8×8 input, :func:`helpers.plots.window_sweep`) goes through :func:`widgets.register`,
:func:`widgets.build`, the stored picture and the live redraw.
"""

import base64
import io

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from helpers import plots, widgets  # noqa: E402

DEMO = "demo_sliding_window"


def sliding_window(frame=0):
    """The fixture's view: one step of a 3×3 window sliding with stride 2 over an 8×8 input, and its caption."""
    return plots.window_sweep(8, 3, stride=2, frame=frame), f"Step {frame + 1} of 9: output ({frame // 3}, {frame % 3})"


def demo_controls():
    return {"frame": W.IntSlider(value=4, min=0, max=8, description="frame")}


@pytest.fixture
def demo():
    """The demo view registered for one test (and removed after it)."""
    make = widgets.register(DEMO, sliding_window, demo_controls, title="The sliding window")
    try:
        yield make
    finally:
        widgets._REGISTRY.pop(DEMO, None)
        plt.close("all")


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_the_course_registers_no_widget():
    # the package docstring says so: the course's interactives are the explorers
    assert widgets.registry() == {}


def test_register_refuses_a_second_widget_of_the_same_name(demo):
    with pytest.raises(ValueError, match="already registered"):
        widgets.register(DEMO, sliding_window, demo_controls)
    assert widgets.registry()[DEMO] == (sliding_window, demo_controls)


def test_the_registered_view_sweeps_its_whole_range(demo):
    view, controls = widgets.registry()[DEMO]
    frames = widgets.sweep_values(controls()["frame"])
    assert frames == list(range(9))
    captions = set()
    for frame in frames:
        fig, sentence = view(frame=frame)
        try:
            assert isinstance(fig, Figure) and sentence.startswith(f"Step {frame + 1} of 9")
            fig.canvas.draw()  # render: catches errors that only appear when drawing
        finally:
            plt.close(fig)
        captions.add(sentence)
    assert len(captions) == 9


def test_the_built_widget_shows_its_default_sentence_and_picture(demo):
    box = demo()
    assert box.children[0].value == "<b>The sliding window</b>"
    assert box.children[-1].value == "Step 5 of 9: output (1, 1)"
    bundle = box._repr_mimebundle_()
    assert set(bundle) == {widgets.WIDGET_VIEW, "image/png", "text/plain"}
    fig, _ = sliding_window(4)  # the default setting, drawn afresh
    try:
        expected = _pixels(widgets.figure_png(fig))
    finally:
        plt.close(fig)
    shown = _pixels(base64.b64decode(bundle["image/png"]))
    assert shown.shape == expected.shape and (shown == expected).all()
    assert bundle["text/plain"].startswith("Widget 'The sliding window'")
    assert len(bundle["text/plain"]) < 200 and "0x" not in bundle["text/plain"]  # short, no addresses


def test_the_picture_follows_the_controls():
    box = widgets.build(lambda n: (plots.message_figure(f"n = {n}"), f"n is {n}"), {"n": W.IntSlider(value=1, max=3)})
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


def test_live_png_has_the_stored_pictures_pixels():
    # what a widget sends after each change (live_png: one draw, fast zlib level) must decode to the
    # same size and pixels as the stored picture's encoding (figure_png: savefig's "tight" box);
    # the first, middle and last frames (the window at a corner, inside, at the far corner)
    for frame in (0, 4, 8):
        fig, _ = sliding_window(frame)
        try:
            live, stored = _pixels(widgets.live_png(fig)), _pixels(widgets.figure_png(fig))
            assert live.shape == stored.shape and np.array_equal(live, stored), frame
        finally:
            plt.close(fig)


def test_every_control_move_sends_a_new_picture(demo, monkeypatch):
    # the widget as a notebook runs it (build() draws only inside IPython): each move must send a new
    # picture and caption, and moving back must send the first picture's bytes again
    from helpers.widgets import _core

    monkeypatch.setattr(_core, "get_ipython", lambda: object())
    box = demo()
    out = next(w for w in _walk(box) if isinstance(w, W.Output))
    (slider,) = [w for w in _walk(box) if isinstance(w, W.IntSlider)]
    first = out.outputs
    assert first and first[0]["data"]["image/png"]
    seen = {first[0]["data"]["image/png"]}
    for frame in (0, 8, 3):
        slider.value = frame
        assert box.children[-1].value.startswith(f"Step {frame + 1} of 9")
        seen.add(out.outputs[0]["data"]["image/png"])
    assert len(seen) == 4
    slider.value = 4
    assert out.outputs[0]["data"]["image/png"] == first[0]["data"]["image/png"]


def test_the_fast_path_is_used_and_the_view_takes_over_when_it_declines(monkeypatch):
    # build(update=...): a change first asks update(fig, **values) to redraw the shown figure in place;
    # None means it cannot, and then the view builds a new figure (shown from then on)
    from helpers.widgets import _core

    monkeypatch.setattr(_core, "get_ipython", lambda: object())
    calls = []

    def view(n):
        calls.append(("view", n))
        return plots.message_figure(f"n = {n}", title="demo"), f"n is {n}"

    def update(fig, n):
        calls.append(("update", n))
        if n % 2:
            return None  # declines odd values
        fig.axes[0].set_title(f"demo {n}")
        return f"n is {n} (in place)"

    box = widgets.build(view, {"n": W.IntSlider(value=1, max=5)}, update=update)
    slider, sentence = box.children[0].children[0], box.children[-1]
    assert calls == [("view", 1)] and sentence.value == "n is 1"
    slider.value = 2
    assert calls[-1] == ("update", 2) and sentence.value == "n is 2 (in place)"
    slider.value = 3
    assert calls[-2:] == [("update", 3), ("view", 3)] and sentence.value == "n is 3"
    plt.close("all")


def test_sweep_values_spans_each_kind_of_control():
    assert widgets.sweep_values(W.Checkbox()) == [False, True]
    assert widgets.sweep_values(W.Dropdown(options=[("one", 1), ("two", 2)])) == [1, 2]
    assert widgets.sweep_values(W.IntSlider(min=2, max=20, step=6)) == [2, 8, 14, 20]
    spaced = widgets.sweep_values(W.IntSlider(min=0, max=1000), most=11)
    assert spaced[0] == 0 and spaced[-1] == 1000 and len(spaced) == 11
    floats = widgets.sweep_values(W.FloatSlider(min=0.0, max=1.0))
    assert floats[0] == 0.0 and floats[-1] == 1.0
