"""Notebook 03's layer-stack editor and its checked exercises."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from oracles import reachable_inputs  # noqa: E402

from helpers import Layer, exercises, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


row_st = st.tuples(st.sampled_from([1, 3, 5, 7]), st.integers(1, 3), st.integers(1, 8))


@given(st.lists(row_st, min_size=1, max_size=6))
def test_rf_stack_layers_and_sentence(rows):
    controls = {f"{key}{i}": v for i, row in enumerate(rows, 1) for key, v in zip("ksd", row)}
    layers = widgets.rf_stack_layers(n_layers=len(rows), **controls)
    assert [(l.kernel, l.stride, l.dilation, l.padding) for l in layers] == [(k, s, d, d * (k - 1) // 2) for k, s, d in rows]
    coords = reachable_inputs(layers, 0)
    r = max(coords) - min(coords) + 1
    fig, text = widgets.rf_stack_view(n_layers=len(rows), **controls)
    plt.close(fig)
    assert re.search(rf"= {r} input pixels per side", text), text
    assert f"effective padding P = {-min(coords)};" in text
    assert ("fits inside" in text) == (r <= widgets.RF_STACK_SIZE)
    assert "<pre>" in text and "layer1" in text


def test_rows_beyond_n_layers_are_ignored():
    assert len(widgets.rf_stack_layers(n_layers=2, k5=4)) == 2  # an even kernel in an unused row is harmless


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(n_layers=0), "number of layers must be a whole number from 1 to 6; got 0"),
        (dict(n_layers=7), "from 1 to 6; got 7"),
        (dict(n_layers=True), "got True"),
        (dict(n_layers=2, k2=4), "layer 2: the kernel must be odd"),
        (dict(n_layers=1, k1=9), "k1 (kernel) must be a whole number from 1 to 7; got 9"),
        (dict(n_layers=1, s1=0), "s1 (stride) must be a whole number from 1 to 3; got 0"),
        (dict(n_layers=1, d1=2.0), "d1 (dilation) must be a whole number from 1 to 8; got 2.0"),
        (dict(n_layers=1, k7=3), "unknown control 'k7'"),
    ],
)
def test_impossible_settings_give_a_sentence(kwargs, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        widgets.rf_stack_layers(**kwargs)
    fig, text = widgets.rf_stack_view(**kwargs)  # the view never raises
    assert words in text and words in fig.axes[0].texts[0].get_text()


def test_unknown_weights_give_a_sentence():
    fig, text = widgets.rf_stack_view(weights="gaussian")
    assert "weights must be one of" in text


def test_controls_cover_the_limits_and_hide_unused_rows():
    controls = widgets.registry()["rf_stack_explorer"][1]()
    assert widgets.sweep_values(controls["k1"]) == [1, 3, 5, 7]  # odd kernels only
    assert widgets.sweep_values(controls["s3"]) == [1, 2, 3]
    assert widgets.sweep_values(controls["d6"]) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert widgets.sweep_values(controls["n_layers"]) == [1, 2, 3, 4, 5, 6]
    hidden = lambda: sorted(name for name, c in controls.items() if c.layout.display == "none")  # noqa: E731
    controls["n_layers"].value = 4
    assert hidden() == ["d5", "d6", "k5", "k6", "s5", "s6"]
    controls["n_layers"].value = 6
    assert hidden() == []
    controls["n_layers"].value = 1
    assert len(hidden()) == 15


def test_default_view_is_the_default_stack():
    controls = widgets.registry()["rf_stack_explorer"][1]()
    fig, text = widgets.rf_stack_view(**{name: c.value for name, c in controls.items()})
    layers = widgets.rf_stack_layers()
    coords = reachable_inputs(layers, 0)
    assert f"= {max(coords) - min(coords) + 1} input pixels per side" in text


# --------------------------------------------------------------------------- exercises


def field(layers, u=0):
    coords = reachable_inputs(layers, u)
    return min(coords), max(coords)


def test_exercise_pool_stack():
    stack = [Layer(3, padding=1), Layer(2, stride=2), Layer(3, padding=1), Layer(3, padding=1)]
    first, last = field(stack)
    assert exercises.check_answer("03-pool-stack", last - first + 1) == (True, "Correct!")
    assert not exercises.check_answer("03-pool-stack", last - first)[0]


def test_exercise_doubling_depth():
    depth = 1
    while True:  # walk the taps: the first depth whose field reaches 129 pixels
        first, last = field([Layer(3, dilation=2**i, padding=2**i) for i in range(depth)])
        if last - first + 1 >= 129:
            break
        depth += 1
    assert exercises.check_answer("03-doubling-depth", depth)[0]
    assert not exercises.check_answer("03-doubling-depth", depth - 1)[0]


def test_exercise_vgg_span():
    # Araujo et al. 2019, vgg_16 pool5: r = 212, S = 32, P = 90 -> output 3 sees 3*32 - 90 ... + 211
    assert exercises.check_answer("03-vgg-span", [6, 217])[0]
    assert exercises.check_answer("03-vgg-span", (6, 217))[0]
    assert not exercises.check_answer("03-vgg-span", [6, 218])[0]


def test_exercise_predict_stride_or_dilation():
    """Both stacks reach the same span (walked tap by tap): the answer is "both the same"."""
    a = [Layer(5, stride=2, padding=2)] * 3
    b = [Layer(5, dilation=d, padding=2 * d) for d in (1, 2, 4)]
    (fa, la), (fb, lb) = field(a), field(b)
    assert la - fa == lb - fb
    assert exercises.check_answer("03-predict-stride-or-dilation", "c")[0]
    assert exercises.mistake_for("03-predict-stride-or-dilation", "a") == "strides win"


@pytest.mark.parametrize("key", ["03-pool-stack", "03-doubling-depth", "03-vgg-span"])
def test_solutions_print_the_answer(key, capsys):
    out = exercises.solution_text(key)
    assert out.startswith(f"Answer: {exercises._get(key).expected()!r}.")
