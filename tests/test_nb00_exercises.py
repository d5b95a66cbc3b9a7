"""Notebook 00's warm-up (issue 19): numbers where the ceil(N/S) shortcut is wrong, and a hint for each slip."""

from __future__ import annotations

import math

from oracles import count_windows

from helpers import exercises


def test_warmup_expected_by_counting_and_ceil_shortcut_differs():
    ex = exercises.registry()["00-warmup"]
    n, k, s, p = 11, 5, 2, 1
    assert f"{n}-pixel-wide input, a {k}-tap kernel, stride {s}, padding {p}" in ex.question
    assert ex.expected() == count_windows(n, k, s, p, p, 1)
    assert math.ceil(n / s) != ex.expected()


def test_warmup_slips_get_their_own_hints():
    ex = exercises.registry()["00-warmup"]
    n, k, s, p = 11, 5, 2, 1
    slips = {math.ceil(n / s): "ceil(N / S)", (n - k) // s: "padding and the +1 both left out"}
    for wrong, name in slips.items():
        assert exercises.mistake_for("00-warmup", wrong) == name
        ok, message = exercises.check_answer("00-warmup", wrong)
        assert not ok and message != ex.hint
