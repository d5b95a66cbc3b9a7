"""Every public function rejects bad input with a message naming the parameter."""

import numpy as np
import pytest

import helpers as h
from helpers import Layer


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: h.conv_output_size(8, 3, stride=0), ValueError, "stride must be an integer >= 1, got 0"),
        (lambda: h.conv_output_size(8, 3, stride=1.5), TypeError, "stride must be an integer"),
        (lambda: h.conv_output_size(8, 3, stride=True), TypeError, "stride must be an integer"),
        (lambda: h.conv_output_size(8, 0), ValueError, "kernel must be an integer >= 1"),
        (lambda: h.conv_output_size(-1, 3), ValueError, "n must be an integer >= 1"),
        (lambda: h.conv_output_size(8, 3, dilation=-2), ValueError, "dilation must be an integer >= 1"),
        (lambda: h.conv_output_size(8, 3, padding=-1), ValueError, "padding must be an integer >= 0"),
        (lambda: h.conv_output_size(8, 3, padding=(1, 2, 3)), ValueError, "pair"),
        (lambda: h.conv_output_size(4, 3, dilation=3), ValueError, "kernel does not fit"),
        (lambda: h.conv_output_size(8, 3, ceil_mode="yes"), TypeError, "ceil_mode"),
        (lambda: h.conv_output_size("8", 3), TypeError, "n must be an integer"),
        (lambda: h.conv_output_size(9, 3, padding=2, ceil_mode=True), ValueError, "padding must be <= kernel // 2 = 1"),
        (lambda: h.effective_kernel_size(3, 0), ValueError, "dilation"),
        (lambda: h.same_padding(0, 3), ValueError, "n must be"),
        (lambda: h.tf_output_size(8, 3, padding="full"), ValueError, "padding must be one of"),
        (lambda: h.tf_output_size(8, 3, stride=2, dilation=2), ValueError, "stride > 1 together with dilation > 1"),
        (lambda: h.tf_output_size(4, 3, dilation=2, padding="valid"), ValueError, "kernel does not fit"),
        (lambda: h.transposed_output_size(4, 3, stride=2, output_padding=2), ValueError, "output_padding must be smaller"),
        (lambda: h.transposed_output_size(1, 1, padding=1), ValueError, "padding=1 removes the whole output"),
        (lambda: h.transposed_output_size(4, 3, padding=-1), ValueError, "padding must be an integer >= 0"),
        (lambda: h.heatmap_size(513, 0), ValueError, "output_stride"),
        (lambda: h.heatmap_size((256,), 4), ValueError, "pair"),
        (lambda: Layer(0), ValueError, "kernel must be an integer >= 1"),
        (lambda: Layer(3, padding="full"), ValueError, "padding must be one of"),
        (lambda: Layer(3, kind="dense"), ValueError, "kind must be one of"),
        (lambda: Layer(3, channels=0), ValueError, "channels"),
        (lambda: h.receptive_field([Layer(3), "conv"]), TypeError, "layers[1] must be a Layer"),
        (lambda: h.receptive_field([Layer(3, stride=2, padding="same")]), ValueError, "pass input_size"),
        (lambda: h.output_sizes([Layer(3), Layer(5)], 5), ValueError, "layer 1"),
        (lambda: h.resnet50(4), ValueError, "output_stride must be 8, 16 or 32"),
        (lambda: h.resnet50(16, variant="keras"), ValueError, "variant must be one of"),
        (lambda: h.resnet50(16, multi_grid=(1, 2)), ValueError, "multi_grid"),
        (lambda: h.conv2d(np.ones((4, 4)), np.ones((3, 3)), stride=0), ValueError, "stride must be an integer >= 1"),
        (lambda: h.conv2d(np.ones((4, 4)), np.ones((3, 3)), dilation=3), ValueError, "kernel does not fit"),
        (lambda: h.conv2d(np.ones((2, 4, 4)), np.ones((1, 3, 3, 3))), ValueError, "channel mismatch"),
        (lambda: h.conv2d(np.ones(4), np.ones((3, 3))), ValueError, "weight must be (kH, kW) with a 2-D input"),
        (lambda: h.conv2d(np.ones((1, 1, 1, 4, 4)), np.ones((1, 1, 3, 3))), ValueError, "2, 3 or 4 dimensions"),
        (lambda: h.conv2d(np.array([["a"]]), np.ones((1, 1))), TypeError, "x must hold integers or floats"),
        (lambda: h.conv2d(np.ones((4, 4)), np.ones((0, 3))), ValueError, "must not be empty"),
        (lambda: h.conv_transpose2d(np.ones((4, 4)), np.ones((3, 3)), stride=2, output_padding=2), ValueError, "output_padding must be smaller"),
        (lambda: h.conv_transpose2d(np.ones((1, 4, 4)), np.ones((2, 1, 3, 3))), ValueError, "channel mismatch"),
        (lambda: h.effective_receptive_field([Layer(3)], 16, weights="gaussian"), ValueError, "weights must be one of"),
        (lambda: h.effective_receptive_field([Layer(9)], 4), ValueError, "kernel does not fit"),
        (lambda: h.effective_receptive_field([], 4), ValueError, "at least one Layer"),
        (lambda: h.coverage_map([]), ValueError, "at least one Layer"),
        (lambda: h.hdc_max_gap([2]), ValueError, "at least 2"),
        (lambda: h.hdc_max_gap([1, 0, 2]), ValueError, "rates[1] must be an integer >= 1"),
        (lambda: h.is_hdc("125"), TypeError, "rates must be a sequence"),
        (lambda: h.valid_weight_fraction(65, 0), ValueError, "rate must be an integer >= 1"),
        (lambda: h.valid_weight_fraction(65, 2, kernel=4), ValueError, "kernel must be odd"),
        (lambda: h.exercises.check("no-such-exercise", 1), ValueError, "unknown exercise"),
    ],
)
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)


def test_exercise_answers_never_raise():
    right = h.exercises.registry()["00-warmup"].expected_answer()
    for answer in [right, float(right), right - 1, "four", None, [right], True]:
        ok, message = h.exercises.check_answer("00-warmup", answer)
        assert ok == (answer in (right, float(right)) and answer is not True), answer
        assert message


def test_number_answers_of_either_kind_get_a_hint_not_a_type_complaint():
    from helpers.exercises import Exercise, check_answer, register
    from helpers.exercises._engine import _REGISTRY

    register(Exercise("99-float-test", "?", lambda: 2.5, "half of five", lambda: "2.5"))
    try:
        assert check_answer("99-float-test", 2.5)[0]
        ok, message = check_answer("99-float-test", 3)  # an int answer to a float question
        assert not ok and message.startswith("Not quite. Hint: half of five")
        ok, message = check_answer("00-warmup", 4.5)  # a float answer to an int question: a hint, no type complaint
        assert not ok and message and not message.startswith("Expected")
    finally:
        _REGISTRY.pop("99-float-test")
