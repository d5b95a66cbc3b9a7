"""Coverage, HDC and valid-weight fractions against enumeration."""

import itertools
from math import gcd

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles import path_counts

from helpers import Layer, coverage_map, hdc_max_gap, is_hdc, receptive_field, valid_weight_fraction


@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(1, 4)), min_size=1, max_size=4
    )
)
def test_coverage_map_enumerates_paths(spec):
    layers = [Layer(k, stride=s, dilation=d) for k, s, d in spec]
    c = path_counts(layers)
    cov = coverage_map(layers)
    np.testing.assert_array_equal(cov, np.outer(c, c))
    assert cov.shape[0] == receptive_field(layers)[-1].r
    assert cov.sum() == np.prod([l.kernel for l in layers]) ** 2  # every tap chain counted once


def test_hdc_published_examples():
    # Wang et al. 2018: [1, 2, 5] -> M_2 = 2 <= 3 (valid); [1, 2, 9] -> M_2 = 5 (not valid)
    assert hdc_max_gap([1, 2, 5]) == 2 and is_hdc([1, 2, 5])
    assert hdc_max_gap([1, 2, 9]) == 5 and not is_hdc([1, 2, 9])
    # rates with a common factor leave holes (2, 4, 8)
    assert not is_hdc([2, 4, 8])


def holes(rates):
    return int((coverage_map([Layer(3, dilation=r) for r in rates]) == 0).sum())


RATE_STACKS = [r for n in (2, 3, 4) for r in itertools.product(range(1, 8), repeat=n)]


def test_hdc_rule_implies_no_holes():
    # the HDC rule is sufficient: a stack that satisfies it has no holes (brute-force coverage)
    for rates in RATE_STACKS:
        common = 0
        for r in rates:
            common = gcd(common, r)
        if is_hdc(rates):
            assert holes(rates) == 0, rates
        if common > 1:
            assert holes(rates) > 0, rates  # a common factor always leaves holes
        if rates[0] == 1 and common == 1 and hdc_max_gap(rates) <= 3:
            assert is_hdc(rates)


def test_paper_conditions_alone_allow_holes():
    # Wang et al.'s two stated conditions (no common factor, M_2 <= K) without the premise r_1 = 1
    rates = (2, 3, 5)
    assert gcd(gcd(2, 3), 5) == 1 and hdc_max_gap(rates) <= 3
    assert holes(rates) > 0 and not is_hdc(rates)
    assert holes((1, 2, 5)) == holes((5, 2, 1)) == 0  # coverage does not depend on the layer order


def loop_valid_taps(size, rate, k=3):
    counts = {}
    half = k // 2
    for y, x in itertools.product(range(size), repeat=2):
        v = sum(
            1
            for i, j in itertools.product(range(-half, half + 1), repeat=2)
            if 0 <= y + i * rate < size and 0 <= x + j * rate < size
        )
        counts[v] = counts.get(v, 0) + 1
    return {v: c / size**2 for v, c in counts.items()}


@given(st.integers(1, 25), st.integers(1, 30), st.sampled_from([1, 3, 5]))
def test_valid_weight_fraction_counts(size, rate, k):
    got = valid_weight_fraction(size, rate, k)
    assert sum(got.values()) == pytest.approx(1.0)
    expected = loop_valid_taps(size, rate, k)
    for v, share in got.items():
        assert share == pytest.approx(expected.get(v, 0.0)), v
    assert set(expected) <= set(got)


def test_deeplab_fig4_shape():
    # Chen et al. 2017, Fig. 4 (65x65 map): all 9 taps valid at rate 1; as the rate nears
    # the map size the filter degenerates to its centre tap.
    assert valid_weight_fraction(65, 1)[9] > 0.9
    assert valid_weight_fraction(65, 64)[1] > 0.9
    nine = [valid_weight_fraction(65, r)[9] for r in range(1, 65)]
    assert all(a >= b for a, b in zip(nine, nine[1:]))  # never increases with the rate
    assert nine[-1] == 0.0
    assert set(valid_weight_fraction(65, 6)) == {1, 2, 3, 4, 6, 9}


# ---- tests added for mutants that survived benchmarks/mutation.py (issue 24) ----

def test_each_integer_argument_is_refused_just_below_its_range():
    """The documented ranges: kernel >= 2 for the HDC functions, size/rate/kernel >= 1 for valid_weight_fraction."""
    from helpers import hdc_report

    assert hdc_max_gap([1, 2], kernel=2) >= 1 and is_hdc([1, 1], kernel=2) in (True, False)
    assert hdc_report([1, 2], kernel=2) is not None
    assert valid_weight_fraction(1, 1, kernel=1) == {1: 1.0}
    for call, name in [(lambda: hdc_max_gap([1, 2], kernel=1), "kernel"), (lambda: is_hdc([1, 2], kernel=1), "kernel"),
                       (lambda: is_hdc([2, 4], kernel=1), "kernel"),  # rates[0] != 1: is_hdc must check, not hdc_max_gap
                       (lambda: hdc_report([1, 2], kernel=1), "kernel"), (lambda: valid_weight_fraction(0, 1), "size"),
                       (lambda: valid_weight_fraction(5, 0), "rate"), (lambda: valid_weight_fraction(5, 1, kernel=0), "kernel")]:
        with pytest.raises(ValueError, match=rf"^{name}(\[[01]\])? must be an integer >= "):
            call()


def test_valid_weight_fraction_against_counting_every_tap_of_every_position():
    """Each output position of an n×n map (zero-padded by the rate, stride 1): count the k×k taps that land
    inside the map, by enumeration; the shares of positions per count are the function's dictionary."""
    for n, r, k in itertools.product(range(1, 9), range(1, 5), (1, 3, 5)):
        half = k // 2
        offsets = range(-half, half + 1)
        counts: dict[int, int] = {}
        for i in range(n):
            for j in range(n):
                valid = sum(0 <= i + r * a < n and 0 <= j + r * b < n for a in offsets for b in offsets)
                counts[valid] = counts.get(valid, 0) + 1
        got = valid_weight_fraction(n, r, kernel=k)
        assert list(got) == sorted({a * b for a in range(1, k + 1) for b in range(1, k + 1)}), (n, r, k)  # keys ascending
        for valid, share in got.items():
            assert share == pytest.approx(counts.get(valid, 0) / n**2, abs=1e-12), (n, r, k, valid)
