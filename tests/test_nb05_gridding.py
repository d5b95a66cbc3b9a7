"""Notebook 05 (gridding artifacts): stacks, coverage statistics, the HDC rule against brute force,
image responses and the facts the notebook states, each checked against an independent oracle."""

import functools
import itertools
import operator
from collections import Counter
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from oracles import (
    conv2d_loops,
    hdc_by_definition,
    largest_gap,
    path_counts,
    reachable_inputs,
    reached_offsets,
    wang_max_gap,
)

from helpers import (
    Layer,
    coverage_map,
    coverage_stats,
    dilated_stack,
    hdc_max_gap,
    hdc_report,
    is_hdc,
    output_sizes,
    probe_image,
    resnet50,
    stack_response,
)

rate_lists = st.lists(st.integers(1, 9), min_size=1, max_size=4)


def offsets(rates, k=3):
    """1-D offsets reachable from one output: every sum of t_l * r_l, t_l in 0..k-1 (plain enumeration)."""
    return {sum(t * r for t, r in zip(taps, rates)) for taps in itertools.product(range(k), repeat=len(rates))}


# --------------------------------------------------------------------------
# dilated_stack
# --------------------------------------------------------------------------


@given(rate_lists, st.sampled_from([1, 2, 3, 4, 5]), st.integers(1, 40))
def test_dilated_stack_keeps_the_size(rates, k, n):
    layers = dilated_stack(rates, kernel=k)
    assert [(l.kernel, l.dilation, l.stride) for l in layers] == [(k, r, 1) for r in rates]
    assert output_sizes(layers, n) == (n,) * len(rates)


@given(rate_lists)
def test_smoothing_inserts_a_box_before_each_rate_above_one(rates):
    layers = dilated_stack(rates, smoothing=True)
    convs = [l for l in layers if l.kind == "conv"]
    boxes = [l for l in layers if l.kind == "pool"]
    assert [l.dilation for l in convs] == list(rates)
    assert [l.kernel for l in boxes] == [2 * r - 1 for r in rates if r > 1]
    for i, layer in enumerate(layers):
        if layer.kind == "pool":  # the box sits right before the layer it smooths
            assert layers[i + 1].kind == "conv" and layer.kernel == 2 * layers[i + 1].dilation - 1


@pytest.mark.parametrize(
    "rates, kwargs, exc, words",
    [
        ("248", {}, TypeError, "rates must be a sequence"),
        ([], {}, ValueError, "at least one"),
        ([2, 0], {}, ValueError, "rates[1] must be an integer >= 1"),
        ([2.0], {}, TypeError, "rates[0] must be an integer"),
        ([2], {"kernel": 0}, ValueError, "kernel must be an integer >= 1"),
        ([2], {"smoothing": 1}, TypeError, "smoothing must be True or False"),
    ],
)
def test_dilated_stack_errors(rates, kwargs, exc, words):
    with pytest.raises(exc, match=words.replace("[", r"\[").replace("]", r"\]")):
        dilated_stack(rates, **kwargs)


# --------------------------------------------------------------------------
# coverage_stats and the facts about coverage the notebook states
# --------------------------------------------------------------------------


@given(rate_lists, st.sampled_from([2, 3, 5]))
def test_coverage_stats_against_enumerated_offsets(rates, k):
    stats = coverage_stats(dilated_stack(rates, kernel=k))
    reach = offsets(rates, k)
    r = (k - 1) * sum(rates) + 1
    assert stats.r == r
    assert stats.reached == len(reach) ** 2  # the 2-D map is the outer product of the 1-D one
    assert stats.holes == r * r - len(reach) ** 2
    assert stats.fraction == pytest.approx(len(reach) ** 2 / r**2)


@given(rate_lists)
def test_a_common_factor_leaves_only_a_sub_lattice(rates):
    g = math.gcd(*rates)
    reach = offsets(rates)
    assert all(o % g == 0 for o in reach)
    if g > 1:
        assert coverage_stats(dilated_stack(rates)).holes > 0


def test_published_and_stated_coverage_numbers():
    # (2, 2, 2): the even offsets 0..12 of 13 per axis; (2, 4, 8): the even offsets 0..28 of 29
    assert len(offsets((2, 2, 2))) == 7 and len(offsets((2, 4, 8))) == 15
    assert coverage_stats(dilated_stack((2, 2, 2))).reached == 7**2
    assert coverage_stats(dilated_stack((2, 4, 8))).holes == 29**2 - 15**2
    for rates in [(1, 2, 5), (1, 2, 3), (1, 3, 9)]:  # Wang et al.'s HDC example and two more
        assert coverage_stats(dilated_stack(rates)).holes == 0


@given(st.lists(st.integers(1, 8), min_size=2, max_size=4), st.randoms(use_true_random=False))
def test_coverage_does_not_depend_on_the_order(rates, rnd):
    shuffled = list(rates)
    rnd.shuffle(shuffled)
    np.testing.assert_array_equal(coverage_map(dilated_stack(rates)), coverage_map(dilated_stack(shuffled)))


@pytest.mark.parametrize("k, n", [(2, 2), (2, 3), (3, 2), (3, 3)])
def test_largest_hole_free_field_is_k_to_the_n(k, n):
    # n layers of k taps have k**n tap chains, so a hole-free field has at most k**n offsets;
    # rates 1, k, k**2, ... reach every offset exactly once (base-k digits).
    best = 0
    for rates in itertools.product(range(1, 3 * k**2 + 1), repeat=n):
        r = (k - 1) * sum(rates) + 1
        if r > best and len(offsets(rates, k)) == r:
            best = r
    assert best == k**n
    powers = [k**i for i in range(n)]
    assert path_counts([Layer(k, dilation=d) for d in powers]).tolist() == [1] * k**n


def test_smoothing_fills_the_holes():
    for rates in [(2, 2, 2), (2, 4, 8), (4, 4)]:
        assert coverage_stats(dilated_stack(rates)).holes > 0
        smoothed = dilated_stack(rates, smoothing=True)
        reach = reachable_inputs(smoothed, 0)  # independent: walk back through every tap
        assert reach == set(range(min(reach), max(reach) + 1))
        assert coverage_stats(smoothed).holes == 0


@given(st.sampled_from([2, 3, 4, 5]), st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(0, 3))
def test_one_rate_1_layer_fills_a_lattice_of_step_at_most_k(g, units, position):
    # a group whose rates share g and that reaches every multiple of g, plus one rate-1 3x3 anywhere
    group = [g * u for u in units]
    assume(offsets(group) == set(range(0, max(offsets(group)) + 1, g)))
    rates = list(group)
    rates.insert(min(position, len(rates)), 1)
    assert (coverage_stats(dilated_stack(rates)).holes == 0) == (g <= 3)


def test_multi_grid_block4_rates_and_where_the_holes_are_filled():
    # DeepLabv3 multi-grid: OS 16, (1, 2, 4) x base rate 2 -> block-4 rates (2, 4, 8)
    layers = resnet50(16, multi_grid=(1, 2, 4))
    block4 = [l for l in layers if l.name.startswith("block4") and l.kernel == 3]
    assert [l.dilation for l in block4] == [2, 4, 8]
    assert coverage_stats(block4).holes > 0  # block 4 alone samples the even sub-lattice
    before = [l for l in layers if l.kernel == 3 and not l.name.startswith("block4")][-1]
    assert before.name == "block3/unit_6/conv2" and before.dilation == 1 and before.stride == 1
    assert coverage_stats([before] + block4).holes == 0  # the rate-1 layer in front fills them
    # ... but the centre's sub-lattice still gets 2/3 of the paths per axis (t = 0 or 2 of the rate-1 taps)
    c = path_counts([before] + block4)
    assert c[::2].sum() * 3 == c.sum() * 2
    for os_ in (16, 8):  # the whole main path of ResNet-50 has no holes at the input
        full = resnet50(os_, multi_grid=(1, 2, 4))
        reach = reachable_inputs(full, 0, n=513)
        assert reach == set(range(min(reach), max(reach) + 1))


# --------------------------------------------------------------------------
# hdc_report: the rule against brute force
# --------------------------------------------------------------------------


@given(st.lists(st.integers(1, 10), min_size=2, max_size=4), st.sampled_from([2, 3, 4, 5]))
def test_hdc_report_fields_against_independent_computations(rates, k):
    rep = hdc_report(rates, kernel=k)
    g = math.gcd(*rates)
    r = (k - 1) * sum(rates) + 1
    assert rep.rates == tuple(rates) and rep.kernel == k
    assert rep.common_factor == g
    assert rep.max_gap == wang_max_gap(rates, k)  # the oracle, not hdc_max_gap itself
    assert rep.paper_rule == (g == 1 and wang_max_gap(rates, k) <= k)
    assert rep.hdc == hdc_by_definition(rates, k)
    assert rep.holes == r * r - len(reached_offsets(rates, k)) ** 2
    if rep.hdc:  # the rule, with r_1 = 1, is sufficient
        assert rep.holes == 0


def test_where_the_rule_breaks():
    # the paper's two conditions accept (2, 3, 5), which has holes (M_2 never looks at r_1)
    rep = hdc_report((2, 3, 5))
    assert rep.paper_rule and not rep.hdc and rep.holes > 0
    # the rule is not necessary: (1, 3, 2) and (3, 2, 1) fail it, yet cover like (1, 2, 3)
    for rates in [(1, 3, 2), (3, 2, 1)]:
        assert not is_hdc(rates) and hdc_report(rates).holes == 0
    assert is_hdc((1, 2, 3))
    # Wang et al. 2018: [1, 2, 9] -> M_2 = 5, not valid, and indeed holes (offsets 7 and 8 missing)
    assert hdc_report((1, 2, 9)).holes > 0 and {7, 8}.isdisjoint(offsets((1, 2, 9)))


def test_rule_counts_over_all_triples_are_consistent():
    rows = [hdc_report(t) for t in itertools.product(range(1, 9), repeat=3)]
    assert not [r for r in rows if r.hdc and r.holes]  # never: is_hdc with holes
    paper_holes = [r.rates for r in rows if r.paper_rule and r.holes]
    assert paper_holes and all(r[0] != 1 for r in paper_holes)  # only when r_1 != 1
    strict = [r.rates for r in rows if not r.hdc and not r.holes]
    assert (1, 3, 2) in strict and (3, 2, 1) in strict


@pytest.mark.parametrize("rates, kernel, exc", [([1], 3, ValueError), ([1, 2], 1, ValueError), ((1, "2"), 3, TypeError)])
def test_hdc_report_errors(rates, kernel, exc):
    with pytest.raises(exc):
        hdc_report(rates, kernel=kernel)


# --------------------------------------------------------------------------
# stack_response and probe_image
# --------------------------------------------------------------------------


def loops_stack(x, layers, weights, seed=0):
    """Oracle: pad by each layer's own padding and convolve with plain loops."""
    rng = np.random.default_rng(seed)
    out = np.asarray(x, dtype=float)
    for layer in layers:
        k = layer.kernel
        w = rng.standard_normal((k, k)) if weights == "random" and layer.kind == "conv" else np.full((k, k), 1 / k**2)
        (pt, pb), (pl, pr) = layer.pads(out.shape[0]), layer.pads(out.shape[1])
        padded = np.pad(out, ((pt, pb), (pl, pr)))
        out = conv2d_loops(padded[None, None], w[None, None], (layer.stride,) * 2, (0, 0), (layer.dilation,) * 2)[0, 0]
    return out


@given(
    st.lists(st.integers(1, 3), min_size=1, max_size=3),
    st.sampled_from([2, 3]),
    st.booleans(),
    st.sampled_from(["uniform", "random"]),
    st.integers(0, 3),
)
def test_stack_response_against_loops(rates, k, smoothing, weights, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((9, 8))
    layers = dilated_stack(rates, kernel=k, smoothing=smoothing)
    got = stack_response(x, layers, weights=weights, seed=seed)
    np.testing.assert_allclose(got, loops_stack(x, layers, weights, seed), atol=1e-12)
    assert got.shape == x.shape


@given(rate_lists)
def test_impulse_response_is_the_coverage_map(rates):
    layers = dilated_stack(rates)
    cov = coverage_map(layers)
    r = cov.shape[0]
    img = np.zeros((r + 4, r + 4))
    img[(r + 3) // 2, (r + 3) // 2] = 1.0
    out = stack_response(img, layers)
    np.testing.assert_allclose(out[2 : 2 + r, 2 : 2 + r] * 9 ** len(rates), cov, atol=1e-9)


@pytest.mark.parametrize("rates", [(2, 2, 2), (2, 4, 8), (1, 2, 5), (1, 2, 3), (2, 3)])
def test_checkerboard_gain_matches_the_frequency_response(rates):
    # a uniform 3-tap filter of rate r multiplies the pattern (-1)^i by (1 + 2 cos(r*pi)) / 3 per axis
    n = 80
    board = np.indices((n, n)).sum(axis=0) % 2 * 2.0 - 1.0
    out = stack_response(board, dilated_stack(rates))
    inner = out[n // 2 - 4 : n // 2 + 4, n // 2 - 4 : n // 2 + 4] / board[n // 2 - 4 : n // 2 + 4, n // 2 - 4 : n // 2 + 4]
    per_axis = np.prod([(1 + 2 * math.cos(r * math.pi)) / 3 for r in rates])
    np.testing.assert_allclose(inner, per_axis**2, atol=1e-12)


@given(st.lists(st.sampled_from([2, 4, 6]), min_size=1, max_size=3), st.integers(0, 5))
def test_even_rates_decouple_the_parity_lattices_for_any_weights(rates, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((20, 20))
    y = x.copy()
    odd = (np.indices(x.shape) % 2).any(axis=0)
    y[odd] = rng.standard_normal(odd.sum())  # change every pixel off the (even, even) lattice
    a = stack_response(x, dilated_stack(rates), weights="random", seed=seed)
    b = stack_response(y, dilated_stack(rates), weights="random", seed=seed)
    np.testing.assert_allclose(a[::2, ::2], b[::2, ::2], atol=1e-9)
    assert not np.allclose(a, b)


def test_stack_response_errors():
    with pytest.raises(ValueError, match="2-D image"):
        stack_response(np.zeros(5), dilated_stack([1]))
    with pytest.raises(ValueError, match="at least one Layer"):
        stack_response(np.zeros((5, 5)), [])
    with pytest.raises(ValueError, match="weights must be one of"):
        stack_response(np.zeros((5, 5)), dilated_stack([1]), weights="ones")
    with pytest.raises(ValueError, match="layer 0"):
        stack_response(np.zeros((5, 5)), [Layer(7)])  # no padding: the kernel does not fit


def test_probe_image():
    img = probe_image(64)
    assert img.shape == (64, 64) and set(np.unique(img)) == {0.0, 1.0}
    np.testing.assert_array_equal(img, probe_image(64))  # deterministic
    # a one-pixel-wide vertical line: a column of ones with zeros on both sides
    col = int(np.argmax(img[20]))
    assert img[20, col] == 1 and img[20, col - 1] == 0 and img[20, col + 1] == 0
    # the checkerboard alternates every pixel somewhere in the image
    assert any((img[i, j], img[i, j + 1], img[i + 1, j]) == (1, 0, 0) and img[i + 1, j + 1] == 1
               for i in range(63) for j in range(63))
    for bad, exc in [(8, ValueError), (64.0, TypeError)]:
        with pytest.raises(exc, match="size"):
            probe_image(bad)


# --------------------------------------------------------------------------
# Issue 12, item 1: the HDC rule for every kernel the course offers.
# The gridding widget offers 2-4 layers, rates 1-12 and kernels 2-5; every
# stack of that domain is enumerated (hypothesis never drew the 2-tap
# counter-example (1, 2, 5)), with a bitmask oracle for the holes.
# --------------------------------------------------------------------------

WIDGET_LAYERS, WIDGET_RATES, WIDGET_KERNELS = range(2, 5), range(1, 13), range(2, 6)


def holes_by_bitmask(rates, k):
    """2-D holes of a stride-1 stack: bit o of `reached` is set when 1-D offset o is a sum of t_l * r_l."""
    reached = 1
    for r in rates:
        reached = functools.reduce(operator.or_, (reached << (t * r) for t in range(k)))
    field = (k - 1) * sum(rates) + 1
    return field * field - bin(reached).count("1") ** 2


def paper_max_gap(rates):
    """Wang et al.'s recurrence exactly as printed (3x3 kernels), written out independently."""
    m = rates[-1]
    for i in range(len(rates) - 2, 0, -1):
        m = max(m - 2 * rates[i], m - 2 * (m - rates[i]), rates[i])
    return m


def widget_domain():
    for n in WIDGET_LAYERS:
        for rates in itertools.product(WIDGET_RATES, repeat=n):
            yield rates


def test_the_explorer_offers_exactly_the_enumerated_domain():
    # notebook 05's dilated-stack explorer (it replaced the gridding widget, same ranges)
    from helpers.explorers.gridding import GRIDDING_LIMITS

    assert tuple(GRIDDING_LIMITS["layers"]) == (WIDGET_LAYERS[0], WIDGET_LAYERS[-1])
    assert tuple(GRIDDING_LIMITS["kernel"]) == (WIDGET_KERNELS[0], WIDGET_KERNELS[-1])
    assert tuple(GRIDDING_LIMITS["rate"]) == (WIDGET_RATES[0], WIDGET_RATES[-1])


def test_issue12_item1_two_tap_counter_examples():
    """Issue 12 item 1: with 2-tap kernels the paper's 2*r_i undercounts the gaps; (1, 2, 5) and (1, 2, 6) have holes."""
    assert holes_by_bitmask((1, 2, 5), 2) == 17 and holes_by_bitmask((1, 2, 6), 2) == 36
    for rates in [(1, 2, 5), (1, 2, 6)]:
        rep = hdc_report(rates, kernel=2)
        assert not rep.hdc and not is_hdc(rates, 2) and rep.holes == holes_by_bitmask(rates, 2)
        assert paper_max_gap(rates) <= 2 < hdc_max_gap(rates, 2)  # the printed recurrence would have accepted it
    assert is_hdc((1, 2, 4), 2) and holes_by_bitmask((1, 2, 4), 2) == 0  # WaveNet's schedule


def test_issue12_item1_rule_is_sufficient_for_every_stack_the_widget_offers():
    """Issue 12 item 1: is_hdc => no holes, enumerated over every kernel (2-5) and stack (2-4 layers, rates 1-12)."""
    accepted = Counter()
    for rates in widget_domain():
        for k in WIDGET_KERNELS:
            if is_hdc(rates, k):
                accepted[k] += 1
                assert holes_by_bitmask(rates, k) == 0, (rates, k)
            if k == 3:  # K = 3 is the paper's recurrence
                assert hdc_max_gap(rates, 3) == paper_max_gap(rates)
    assert all(accepted[k] > 10 for k in WIDGET_KERNELS)  # the enumeration is not vacuous


def test_hdc_max_gap_and_is_hdc_match_the_papers_definition_for_every_kernel_the_widget_offers():
    """Issue 24: M_2 and the HDC verdict against oracles.wang_max_gap / hdc_by_definition (the paper's recursion with
    K - 1 for its 2, written apart from helpers) over every stack the widget offers, K = 2-5, and a few K beyond."""
    flipped = Counter()
    for rates in widget_domain():
        for k in (*WIDGET_KERNELS, 7):
            assert hdc_max_gap(rates, k) == wang_max_gap(rates, k), (rates, k)
            verdict = hdc_by_definition(rates, k)
            assert is_hdc(rates, k) == verdict, (rates, k)
            flipped[k] += verdict != (rates[0] == 1 and wang_max_gap(rates, 3) <= k)
    assert flipped[4] > 50 and flipped[5] > 50  # the paper's literal 2 would give other verdicts for K > 3


@pytest.mark.parametrize("k", [2, 3, 4, 5, 7])
def test_hdc_max_gap_is_the_true_largest_gap_when_a_layer_fits_inside_the_next_ones_step(k):
    """Issue 24: brute-force reach. For rates (r1, r2, r3) with (K-1)·r2 < r3, layers 2-3 reach 0, r2, ..., (K-1)·r2
    in each r3 step, so their largest gap is max(r2, r3 - (K-1)·r2) exactly, and M_2 must equal it; over every
    stack M_2 bounds the largest gap of layers 2..n from above."""
    exact = 0
    for rates in widget_domain():
        gap = largest_gap(reached_offsets(rates[1:], k))
        assert gap <= hdc_max_gap(rates, k), (rates, k)
        if len(rates) == 3 and (k - 1) * rates[1] < rates[2]:
            assert hdc_max_gap(rates, k) == gap, (rates, k)
            exact += 1
    assert exact > 50


def test_issue12_item1_widget_sentence_matches_brute_force_on_its_whole_domain():
    """Issue 12 item 1: the widget printed 'passes ... and indeed no holes' beside a figure full of holes
    (the sentence is now the dilated-stack explorer's, same function, same range).

    The sentence says "no holes" only from the report's own count (or from is_hdc, enumerated above
    over all 4-layer stacks too); here every 2- and 3-layer setting's sentence is read.
    """
    from helpers.gridding import HDCReport
    from helpers.gridding import gridding_sentence

    for rates in (r for r in widget_domain() if len(r) <= 3):
        for k in WIDGET_KERNELS:
            holes = holes_by_bitmask(rates, k)
            m2, g, hdc = hdc_max_gap(rates, k), math.gcd(*rates), is_hdc(rates, k)
            text = gridding_sentence(HDCReport(tuple(rates), k, m2, g, g == 1 and m2 <= k, hdc, holes))
            assert f" {holes} holes (" in text
            assert "bug" not in text
            if "no holes" in text:
                assert holes == 0, (rates, k, text)
            else:
                assert holes > 0 and "holes" in text.split(". ")[-1], (rates, k, text)


@given(st.lists(st.integers(1, 40), min_size=2, max_size=6), st.integers(2, 7))
def test_rule_is_sufficient_beyond_the_widget(rates, k):
    rates[0] = 1
    if is_hdc(rates, k):
        assert holes_by_bitmask(rates, k) == 0


@given(st.integers(1, 4), st.integers(1, 3), st.integers(4, 20), st.integers(0, 2**16))
def test_issue12_item2_dilated_conv_is_subsample_convolve_interlace(rate, half, n, seed):
    """Issue 12 item 2: Wang & Ji's view — a dilated conv ("same" zero padding) is periodic subsampling into
    rate² sub-images, one shared undilated conv on each, and re-interlacing (notebook 05, section 5)."""
    from helpers import conv2d

    k = 2 * half + 1
    rng = np.random.default_rng(seed)
    w, x = rng.standard_normal((k, k)), rng.standard_normal((n, n))
    direct = conv2d(np.pad(x, rate * half), w, dilation=rate)
    out = np.zeros_like(direct)
    for a in range(rate):
        for b in range(rate):
            sub = x[a::rate, b::rate]
            if sub.size:
                out[a::rate, b::rate] = conv2d(np.pad(sub, half), w)
    assert np.allclose(direct, out, atol=1e-9)


def test_issue12_item2_identity_start_smooths_nothing():
    """Issue 12 item 2: Wang & Ji's (2d-1)-tap filter starts as the identity (centre tap 1): the input passes unchanged."""
    from helpers import conv2d

    x = np.random.default_rng(0).standard_normal((20, 20))
    for d in (1, 2, 3, 5):
        f = np.zeros((2 * d - 1, 2 * d - 1))
        f[d - 1, d - 1] = 1.0
        assert np.array_equal(conv2d(np.pad(x, d - 1), f), x)


def test_issue12_item7_no_common_factor_is_necessary_but_not_enough():
    """Issue 12 item 7: 06 called 'rates without a common factor' the cure; (1, 2, 9) and (2, 3, 5) share none and
    still leave holes. Over all triples 1-9: a common factor always leaves holes; coprime triples may or may not."""
    coprime_with_holes = []
    for rates in itertools.product(range(1, 10), repeat=3):
        holes = holes_by_bitmask(rates, 3)
        if math.gcd(*rates) > 1:
            assert holes > 0, rates
        elif holes:
            coprime_with_holes.append(rates)
    assert (1, 2, 9) in coprime_with_holes and (2, 3, 5) in coprime_with_holes
    assert len(coprime_with_holes) < sum(math.gcd(*t) == 1 for t in itertools.product(range(1, 10), repeat=3))


@given(st.lists(st.integers(1, 6), min_size=1, max_size=3), st.integers(1, 4))
def test_coverage_build_up_ends_at_the_coverage_map_and_only_grows(rates, k):
    from helpers import coverage_build_up

    steps = coverage_build_up(rates, kernel=k)
    assert len(steps) == len(rates) * k
    assert np.array_equal(steps[-1][1], coverage_map(dilated_stack(rates, kernel=k)))
    assert len({m.shape for _, m in steps}) == 1  # every step on the final field
    # within one layer the reached set only grows
    for i in range(len(rates)):
        layer = [m for _, m in steps[i * k : (i + 1) * k]]
        for a, b in zip(layer, layer[1:]):
            assert ((a > 0) <= (b > 0)).all()
