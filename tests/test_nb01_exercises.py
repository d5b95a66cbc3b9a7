"""Notebook 01's exercises (issue 19): each expected answer checked by an independent brute force, and
each slip a reviewer saw gets its own hint (not the generic one)."""

from __future__ import annotations

import numpy as np
import pytest
from oracles import conv2d_loops, count_windows

from helpers import exercises


def unread_rows(n, k, s, p):
    """Input rows no window reads, by walking the windows over the padded input."""
    read = set()
    for start in range(0, n + 2 * p - k + 1, s):
        read.update(range(start - p, start - p + k))
    return [i for i in range(n) if i not in read]


def test_output_size_and_its_reported_slips():
    ex = exercises.registry()["01-output-size"]
    assert ex.expected() == count_windows(28, 5, 3, 0, 0, 1)
    # the slips reviewers saw: ceil(N/S) = 10 and the stride forgotten (every start) = 24
    for wrong, name in ((10, "ceil(N / S)"), (24, "stride forgotten")):
        assert exercises.mistake_for("01-output-size", wrong) == name
        ok, message = exercises.check_answer("01-output-size", wrong)
        assert not ok and message != ex.hint


def test_never_visited_is_not_the_opening_animations_setting():
    ex = exercises.registry()["01-never-visited"]
    assert ex.expected() == unread_rows(11, 2, 3, 1)
    # issue 19: the opening animation (10 rows, kernel 4, stride 3, padding 1) names its never-visited row
    assert "10 rows" not in ex.question and unread_rows(11, 2, 3, 1) != unread_rows(10, 4, 3, 1)
    assert exercises.mistake_for("01-never-visited", unread_rows(11, 2, 3, 0)) == "padding forgotten"


def test_dense_index_by_convolving():
    """Strided output 7 equals which dense output? Found by comparing values of a random row."""
    rng = np.random.default_rng(5)
    n, k, p, s, j = 40, 5, 2, 3, 7
    x = rng.standard_normal((1, 1, 1, n))
    w = rng.standard_normal((1, 1, 1, k))
    strided = conv2d_loops(x, w, (1, s), (0, p), (1, 1))[0, 0, 0]
    dense = conv2d_loops(x, w, (1, 1), (0, p), (1, 1))[0, 0, 0]
    matches = [m for m in range(len(dense)) if np.isclose(dense[m], strided[j])]
    assert matches == [exercises.registry()["01-dense-index"].expected()]
    assert "Output 7 " in exercises.registry()["01-dense-index"].question


@pytest.mark.parametrize("key", ["01-output-size", "01-never-visited", "01-dense-index", "01-shift", "01-even-kernel",
                                 "01-same-split"])
def test_solutions_start_with_the_expected_answer(key):
    expected = exercises.registry()[key].expected()
    assert exercises.solution_text(key).startswith(f"Answer: {expected!r}" if not isinstance(expected, str) else f"Answer: {expected} (")
