"""Swept checks of the universal claims in notebook 02 · dilation (issue 10, second edition).

Each test names the issue item it covers and sweeps the domain the notebook's sentence states,
with plain-loop oracles.
"""

from __future__ import annotations

import math

import numpy as np

from helpers import conv2d, conv_output_size, effective_kernel_size, tap_counts, tap_residues


def _read_positions(n: int, k: int, s: int, d: int, p: int) -> set[int]:
    """Padded positions some tap reads, by listing every window and tap (plain loops)."""
    length = n + 2 * p
    span = d * (k - 1) + 1
    read = set()
    start = 0
    while start + span <= length:
        for a in range(k):
            read.add(start + a * d)
        start += s
    return read


def test_keep_size_padding_gives_floor_n_minus_1_over_s_plus_1_at_any_stride():
    """Issue 10 item 4: rate-independence was said to hold "only at stride 1". With P = d(K−1)/2
    the size is floor((N−1)/S) + 1 = ceil(N/S) for every rate and every stride (swept)."""
    for k in (1, 3, 5):
        for d in range(1, 7):
            p = d * (k - 1) // 2
            for s in range(1, 6):
                for n in range(1, 80):
                    out = conv_output_size(n, k, stride=s, padding=p, dilation=d)
                    assert out == (n - 1) // s + 1 == math.ceil(n / s), (n, k, d, s)


def test_valid_padding_size_does_depend_on_the_rate():
    """Notebook 02 misconception: with P = 0, each step d -> d + 1 costs K - 1 more pixels at S = 1."""
    for k in (2, 3, 5):
        for n in range(10, 40):
            sizes = [conv_output_size(n, k, dilation=d) for d in range(1, 4) if effective_kernel_size(k, d) <= n]
            assert all(a - b == k - 1 for a, b in zip(sizes, sizes[1:]))


def test_tap_residues_predict_which_interior_pixels_are_read():
    """Issue 10 item 2: away from the borders a padded position x is read exactly when x mod S is
    one of the residues {a·d mod S}; checked by listing every window over a grid of K, S, d."""
    for k in range(1, 6):
        for s in range(1, 7):
            for d in range(1, 7):
                n, p = 80, 0
                read = _read_positions(n, k, s, d, p)
                residues = set(tap_residues(k, stride=s, dilation=d))
                out = conv_output_size(n, k, stride=s, dilation=d)
                assert all(x % s in residues for x in read)          # every read position, border or not
                interior = range((k - 1) * d, (out - 1) * s + 1)
                for x in interior:
                    assert (x in read) == (x % s in residues), (k, s, d, x)
                # and the counts of the library agree with the listing
                assert set(np.flatnonzero(tap_counts(n, k, stride=s, dilation=d)).tolist()) == read


def test_every_interior_pixel_read_iff_coprime_and_kernel_at_least_stride():
    """Issue 10 item 2: the full condition. "Sharing a factor" is not the whole story: coprime S, d
    still skip rows when K < S. All residues are reached exactly when gcd(S, d) = 1 and K >= S, and
    the count of residues is min(K, S / gcd(S, d))."""
    for k in range(1, 8):
        for s in range(1, 9):
            for d in range(1, 9):
                residues = tap_residues(k, stride=s, dilation=d)
                g = math.gcd(s, d)
                assert len(residues) == min(k, s // g), (k, s, d)
                assert (len(residues) == s) == (g == 1 and k >= s), (k, s, d)


def test_old_rule_coprime_is_safe_is_false():
    """Issue 10 item 2: the old wording read as "coprime S and d read every pixel". Counter-examples:
    S = 4, d = 3 and S = 4, d = 1 with K = 3 leave one row in four unread, away from the borders."""
    for d in (1, 3):
        assert math.gcd(4, d) == 1
        counts = tap_counts(64, 3, stride=4, dilation=d)
        interior = counts[2 * d: 60]
        assert np.count_nonzero(interior == 0) >= len(interior) // 4 - 1
        assert len(tap_residues(3, stride=4, dilation=d)) == 3


def test_taps_of_one_window_share_the_residue_pair_not_row_equals_column():
    """Issue 10 item 5: all taps of one dilated window have the same PAIR (row mod d, col mod d);
    that pair need not have row ≡ col (the old wording read as row ≡ col)."""
    seen_unequal = False
    for d in range(1, 5):
        for k in range(1, 5):
            for r0 in range(0, 2 * d):
                for c0 in range(0, 2 * d):
                    pairs = {((r0 + a * d) % d, (c0 + b * d) % d) for a in range(k) for b in range(k)}
                    assert pairs == {(r0 % d, c0 % d)}
                    seen_unequal |= r0 % d != c0 % d
    assert seen_unequal


def test_subgrid_view_equals_dilated_conv_for_offdiagonal_subgrids():
    """Issue 10 item 5: the sub-grid x[r::d, c::d] with r != c is used too (ordinary conv on it
    reproduces those outputs of the dilated conv)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((13, 13))
    w = rng.standard_normal((3, 3))
    for d in (2, 3):
        full = conv2d(x, w, dilation=d)
        for r in range(d):
            for c in range(d):
                sub = conv2d(x[r::d, c::d], w)
                assert np.allclose(full[r::d, c::d][: sub.shape[0], : sub.shape[1]], sub, rtol=0, atol=1e-12)
