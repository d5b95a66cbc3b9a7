"""Notebook 02's registered claims (helpers/claims/nb02.py): each sweep is empty, each sweep catches the
sentence it replaced, and the breaks named in issue 19 are where the old sentences failed.

The oracles here list taps with plain loops; they share no code with the claims module or the helpers.
"""

from __future__ import annotations

import math

import pytest

from helpers.claims import nb02

CHECKS = [nb02._span, nb02._keep_size, nb02._valid_shrinks, nb02._residue_interior, nb02._residue_all_read,
          nb02._taps_per_output_2d, nb02._one_subgrid]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_sweep_finds_no_counter_example(check):
    assert list(check()) == []


def _read(n: int, k: int, s: int, d: int, p: int = 0) -> set[int]:
    """Input pixels (not padded) some tap reads, by plain loops."""
    read, start = set(), 0
    while start + d * (k - 1) + 1 <= n + 2 * p:
        read |= {start + a * d - p for a in range(k)}
        start += s
    return {x for x in read if 0 <= x < n}


def test_old_residue_rule_breaks_at_a_large_rate():
    """Issue 19 item 3: N = 33, K = 3, d = 12, stride 1, no padding: rows 9–11 and 21–23 are never read,
    though gcd(1, 12) = 1 and K >= S; the interior d(K−1) … (N_out−1)S = 24 … 8 is empty, so the rule as now
    stated says nothing there."""
    unread = sorted(set(range(33)) - _read(33, 3, 1, 12))
    assert unread == [9, 10, 11, 21, 22, 23]
    assert math.gcd(1, 12) == 1 and 3 >= 1
    n_out = 33 - 24
    assert 12 * (3 - 1) > (n_out - 1) * 1


def test_padded_coordinates_matter():
    """Issue 19 item 3: S = d = 2, K = 3, P = 1 reads the odd input pixels (residue 0 in padded coordinates)."""
    assert sorted(_read(9, 3, 2, 2, 1)) == [1, 3, 5, 7]


def test_per_output_versus_whole_map():
    """Issue 19 item 1: N = 9, K = 3, d = 5, P = 5 — at most 4 of 9 taps on the image at one output (2-D),
    yet all 9 weights read the image at some output."""
    n, k, d, p = 9, 3, 5, 5
    rows = []
    for i in range(n):                                   # 9 outputs per axis at stride 1
        rows.append([0 <= i + a * d - p < n for a in range(k)])
    per_output = max(sum(ra) * sum(rb) for ra in rows for rb in rows)
    weights = sum(any(rows[i][a] and rows[j][b] for i in range(n) for j in range(n))
                  for a in range(k) for b in range(k))
    assert (per_output, weights) == (4, 9)


def test_the_sweeps_catch_the_old_sentences(monkeypatch):
    """A check that cannot fail is no check: feed each sweep a wrong rule and see it report."""
    # old: "every pixel away from the borders is read when gcd = 1 and K >= S" -> the strip of N = 33
    bad = [x for x in range(3, 30) if x not in _read(33, 3, 1, 12)]
    assert bad
    # the keep-size sweep reports a wrong size formula
    monkeypatch.setattr(nb02, "_windows", lambda length, k, s, d: [0] * (length // s))
    assert list(nb02._keep_size())


def test_residue_sweeps_catch_a_wrong_rule(monkeypatch):
    """Drop the gcd condition ("coprime is not needed"): the all-read sweep must report S = d = 2."""
    monkeypatch.setattr(nb02, "gcd", lambda a, b: 1)
    found = list(nb02._residue_all_read())
    assert any(c["s"] == 2 and c["d"] == 2 for c in found)
