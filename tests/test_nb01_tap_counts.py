"""tap_counts (notebook 01): how often each input pixel is read, against a plain loop."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import conv2d, conv_output_size, tap_counts


def counts_by_walking(n, k, s, pl, pr, d):
    """Walk every window position and every tap; count hits on real (unpadded) pixels."""
    counts = [0] * n
    start = 0
    while start + d * (k - 1) <= n + pl + pr - 1:  # the window still fits in the padded input
        for t in range(k):
            i = start + t * d - pl
            if 0 <= i < n:
                counts[i] += 1
        start += s
    return counts


@given(n=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 6), pl=st.integers(0, 4), pr=st.integers(0, 4), d=st.integers(1, 4))
def test_tap_counts_match_walking_the_windows(n, k, s, pl, pr, d):
    assume(n + pl + pr >= d * (k - 1) + 1)
    got = tap_counts(n, k, stride=s, padding=(pl, pr), dilation=d)
    assert got.tolist() == counts_by_walking(n, k, s, pl, pr, d)
    assert got.dtype.kind == "i" and got.shape == (n,)


@given(n=st.integers(3, 14), k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2), d=st.integers(1, 3))
def test_never_visited_pixels_do_not_change_the_output(n, k, s, p, d):
    # the defining property: perturbing an unvisited pixel leaves every output unchanged,
    # perturbing a visited one changes some output (with all-ones weights)
    assume(n + 2 * p >= d * (k - 1) + 1)
    counts = tap_counts(n, k, stride=s, padding=p, dilation=d)
    w = np.ones((k, 1))
    x = np.zeros((n, 1))
    base = conv2d(x, w, stride=(s, 1), padding=(p, 0), dilation=(d, 1))
    for i in range(n):
        bumped = x.copy()
        bumped[i, 0] = 1.0
        changed = not np.array_equal(conv2d(bumped, w, stride=(s, 1), padding=(p, 0), dilation=(d, 1)), base)
        assert changed == (counts[i] > 0), (i, counts.tolist())


def test_worked_examples_of_notebook_01():
    # 8 pixels, 3-tap kernel, stride 2: windows start at 0, 2, 4; pixel 7 is never read
    assert np.flatnonzero(tap_counts(8, 3, stride=2) == 0).tolist() == [7]
    # stride larger than the kernel skips pixels inside the image too
    assert np.flatnonzero(tap_counts(12, 3, stride=4) == 0).tolist() == [3, 7, 11]
    # total reads = windows * taps that land on real pixels
    assert tap_counts(8, 3, stride=2).sum() == conv_output_size(8, 3, stride=2) * 3


def test_tap_counts_errors_name_the_parameter():
    with pytest.raises(ValueError, match="kernel does not fit"):
        tap_counts(4, 3, dilation=2)
    with pytest.raises(ValueError, match="stride must be an integer >= 1"):
        tap_counts(4, 3, stride=0)
    with pytest.raises(TypeError, match="kernel must be an integer"):
        tap_counts(4, 2.5)
    with pytest.raises(ValueError, match=r"padding\[0\] must be an integer >= 0"):
        tap_counts(4, 3, padding=(-1, 0))
