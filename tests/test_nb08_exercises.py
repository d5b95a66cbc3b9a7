"""Notebook 08's exercises: answers computed from the formulas, the usual slips get the hint.

The expected answers are checked against independent arithmetic here (not the helpers' own
functions), and against PyTorch in tests/test_audit.py's way where it is installed.
"""

import math

import pytest

from helpers import exercises


def hinted(key, answer):
    """Wrong, and answered with a hint (a listed mistake's own, or the generic one)."""
    ok, message = exercises.check_answer(key, answer)
    return not ok and message != "Correct!" and "Expected" not in message and "No answer" not in message


def mistake(key, answer):
    return exercises.mistake_for(key, answer)


def test_vgg_size():
    n = 200
    for _ in range(5):  # five 2x2 max pools, stride 2, no padding: floor
        n //= 2
    assert exercises.check_answer("08-vgg-size", n)[0]
    assert mistake("08-vgg-size", math.ceil(200 / 32)) == "ceil for floor"  # rounding up
    assert hinted("08-vgg-size", 200 / 32)  # not a whole number of cells


def test_resnet_os16_size():
    assert exercises.check_answer("08-resnet-os16-size", math.ceil(300 / 16))[0]
    assert mistake("08-resnet-os16-size", 300 // 16) == "floor for ceil"
    assert mistake("08-resnet-os16-size", math.ceil(300 / 32)) == "output stride 32"


def test_degenerate_rates():
    side = math.ceil(257 / 8)  # 33
    expected = [r for r in (12, 24, 36) if r >= side]
    assert exercises.check_answer("08-degenerate-rates", expected)[0]
    assert mistake("08-degenerate-rates", [24, 36]) == "output stride 16"  # 24 < 33 still reaches the map
    assert mistake("08-degenerate-rates", []) == "compared with the crop"


@pytest.mark.parametrize("wrong", ["b", "c"])
def test_why_average(wrong):
    assert exercises.check_answer("08-why-average", "a")[0]
    assert hinted("08-why-average", wrong)


def test_solutions_state_the_computed_answer():
    out = "\n".join(exercises.solution_text(key) for key in
                    ("08-vgg-size", "08-resnet-os16-size", "08-degenerate-rates", "08-why-average"))
    assert "Answer: 6." in out and "Answer: 19." in out and "Answer: [36]." in out and "Answer: a (" in out
