"""Notebook 03's checked exercises (its layer-stack widget is retired: the convolution explorer shows the stack)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from oracles import reachable_inputs  # noqa: E402

from helpers import Layer, exercises  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


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
