"""Notebook 07: the designer, cell collisions and peak extraction, against independent counts."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import (
    bilinear_upsample,
    cell_collision_fraction,
    conv_transpose2d,
    coverage_map,
    design_report,
    exercises,
    find_peaks,
    heatmap_size,
    output_sizes,
    resnet50,
)
from helpers.receptive import Layer
from oracles import valid_tap_shares

# ---------------------------------------------------------------------------
# cell_collision_fraction: exact against counting grid offsets
# ---------------------------------------------------------------------------


def collisions_by_counting(dx, dy, s, within):
    """Integer pixel positions, every grid offset (ox, oy) in [0, s)^2: count the colliding ones."""
    hits = 0
    for ox, oy in itertools.product(range(s), repeat=2):
        cx = (ox + dx) // s - ox // s
        cy = (oy + dy) // s - oy // s
        hits += cx <= within and cy <= within
    return Fraction(hits, s * s)


@given(dx=st.integers(0, 70), dy=st.integers(0, 70), s=st.integers(1, 33), within=st.integers(0, 2))
def test_collision_fraction_matches_counting(dx, dy, s, within):
    got = cell_collision_fraction(dx, dy, s, within=within)
    assert got == pytest.approx(float(collisions_by_counting(dx, dy, s, within)), abs=1e-12)


def test_collision_fraction_sign_and_errors():
    assert cell_collision_fraction(-12, 0, 16) == cell_collision_fraction(12, 0, 16) == 0.25
    with pytest.raises(ValueError, match="stride must be > 0"):
        cell_collision_fraction(12, 0, 0)
    with pytest.raises(TypeError, match="dx must be a number"):
        cell_collision_fraction("12", 0, 8)
    with pytest.raises(ValueError, match="within must be an integer >= 0"):
        cell_collision_fraction(12, 0, 8, within=-1)


# ---------------------------------------------------------------------------
# find_peaks against a plain loop
# ---------------------------------------------------------------------------


def peaks_by_loops(h, threshold):
    rows, cols = h.shape
    found = []
    for i, j in itertools.product(range(rows), range(cols)):
        if h[i, j] <= threshold:
            continue
        neighbours = [h[a, b] for a in range(max(0, i - 1), min(rows, i + 2)) for b in range(max(0, j - 1), min(cols, j + 2))]
        if h[i, j] >= max(neighbours):
            found.append([i, j])
    return found


@given(
    rows=st.integers(1, 7), cols=st.integers(1, 7), seed=st.integers(0, 2**16), levels=st.integers(2, 5),
    threshold=st.sampled_from([-1.0, 0.0, 1.0]),
)
def test_find_peaks_matches_loops(rows, cols, seed, levels, threshold):
    h = np.random.default_rng(seed).integers(0, levels, (rows, cols)).astype(float)  # few levels: many ties
    assert find_peaks(h, threshold=threshold, plateaus="keep").tolist() == peaks_by_loops(h, threshold)
    assert find_peaks(h, threshold=threshold).tolist() == plateau_firsts_by_flood_fill(h, threshold)


def plateau_firsts_by_flood_fill(h, threshold):
    """Oracle for plateaus="merge": flood-fill the 8-connected groups of loop candidates, keep each group's first."""
    cands = peaks_by_loops(h, threshold)
    left, firsts = {tuple(c) for c in cands}, []
    for c in cands:
        if tuple(c) not in left:
            continue
        firsts.append(c)
        todo = [tuple(c)]
        while todo:
            i, j = todo.pop()
            left.discard((i, j))
            todo += [(a, b) for a in (i - 1, i, i + 1) for b in (j - 1, j, j + 1) if (a, b) in left]
    return firsts


def test_issue12_item3_bilinear_x2_turns_a_peak_into_a_plateau():
    """Issue 12 item 3: with align_corners=False and an even factor no fine sample lands on a coarse one, so an
    interior peak with equal neighbours becomes a 2×2 plateau of tied maxima: four "peaks" under the >= test."""
    coarse = np.zeros((7, 7))
    coarse[3, 3] = 1.0  # interior, far from the border; its neighbours are equal
    for factor in (2, 4):
        up = bilinear_upsample(coarse, 7 * factor)
        kept = find_peaks(up, threshold=0.1, plateaus="keep")
        assert len(kept) == 4 and up.max() < 1.0  # the tie, and the peak value is not reproduced
        assert all(2 < i < 7 * factor - 3 and 2 < j < 7 * factor - 3 for i, j in kept)  # interior, not border
        assert len(find_peaks(up, threshold=0.1)) == 1  # merged: one peak
    odd = bilinear_upsample(coarse, 21)  # an odd factor puts a fine sample on the coarse peak: no tie
    assert len(find_peaks(odd, threshold=0.1, plateaus="keep")) == 1


def test_issue12_item4_adjacent_centres_with_equal_scores_tie():
    """Issue 12 item 4: CenterNet's targets are 1.0 at each centre, so objects in adjacent cells tie under the >= test
    (both survive); "the weaker one disappears" needs unequal scores."""
    h = np.zeros((5, 6))
    h[2, 2] = h[2, 3] = 1.0
    assert len(find_peaks(h, plateaus="keep")) == 2 and len(find_peaks(h)) == 1
    h[2, 3] = 0.9
    assert find_peaks(h, plateaus="keep").tolist() == find_peaks(h).tolist() == [[2, 2]]


def test_find_peaks_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty 2-D"):
        find_peaks(np.ones(4))
    with pytest.raises(ValueError, match="threshold must be finite"):
        find_peaks(np.ones((2, 2)), threshold=float("nan"))
    with pytest.raises(ValueError, match="plateaus"):
        find_peaks(np.ones((2, 2)), plateaus="all")


# ---------------------------------------------------------------------------
# The peak claim of notebook 07: two peaks iff the objects' cells are at least 2 apart
# ---------------------------------------------------------------------------


def objects(x0, d=12, y0=42, size=96, sigma=1.5):
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    return sum(np.exp(-((xx - x) ** 2 + (yy - y0) ** 2) / (2 * sigma**2)) for x in (x0, x0 + d))


def cell_average(img, s):
    n = img.shape[0] // s
    return img.reshape(n, s, n, s).mean(axis=(1, 3))


@pytest.mark.parametrize("s", [4, 8, 16])
def test_two_peaks_exactly_when_an_empty_cell_separates_them(s):
    for offset in range(s):
        x0 = 40 + offset
        hm = cell_average(objects(x0), s)
        n_peaks = len(find_peaks(hm, threshold=0.1 * hm.max()))
        apart = (x0 + 12) // s - x0 // s  # column difference of the two objects' cells
        assert n_peaks == (2 if apart >= 2 else 1), (s, offset)
        # bilinear resizing to stride 4 adds pixels, not peaks
        up = bilinear_upsample(hm, hm.shape[0] * s // 4)
        assert len(find_peaks(up, threshold=0.1 * up.max())) == n_peaks, (s, offset)
    measured = np.mean([(x0 + 12) // s - x0 // s >= 2 for x0 in range(40, 40 + s)])
    assert measured == pytest.approx(1 - cell_collision_fraction(12, 0, s, within=1))


# ---------------------------------------------------------------------------
# design_report
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [224, 256, 320, 384, 500, 512, 513, 640])
@pytest.mark.parametrize("os_", [8, 16, 32])
def test_sizes(n, os_):
    r = design_report(n, os_)
    assert r.feature_size == output_sizes(resnet50(os_), n)[-1] == heatmap_size(n, os_)
    # the feature cells, os_ px apart, tile the input: (size - 1) * OS < n <= size * OS
    assert r.heatmap_stride == os_ and (r.feature_size - 1) * os_ < n <= r.feature_size * os_
    for up in (2, 4, 8):
        if up <= os_:
            for mode in ("deconv", "bilinear"):
                rr = design_report(n, os_, upsample=up, upsample_mode=mode)
                assert rr.heatmap_size == heatmap_size(n, os_) * up
                assert rr.heatmap_stride == os_ // up  # cell spacing, not n / heatmap_size
                assert rr.peak_stride == (os_ // up if mode == "deconv" else os_)


def test_deeplab_and_simplebaselines_sizes():
    # DeepLabv3 (Chen et al. 2017): 513 crop -> 33 at OS 16, 65 at OS 8
    assert design_report(513, 16).feature_size == 33 and design_report(513, 8).feature_size == 65
    # CenterNet (Zhou et al. 2019): 512 -> 128 (down ratio 4), e.g. OS 32 and three x2 deconvolutions
    assert design_report(512, 32, upsample=8).heatmap_size == 128


@pytest.mark.parametrize("os_", [8, 16, 32])
@pytest.mark.parametrize("rates", [(), (1,), (2, 2, 2), (1, 2, 5), (6, 12)])
def test_receptive_field_of_backbone_and_head(os_, rates):
    # Araujo et al. (Distill 2019): resnet_v1_50 has r = 483, kept by DeepLab's dilation at every OS;
    # each 3x3 head layer with rate r adds 2r feature cells of OS pixels each
    assert design_report(512, os_, rates=rates).receptive_field == 483 + sum(2 * r * os_ for r in rates)


def dependency_span_by_brute_force(feature, up, mode):
    """Largest spread of coarse cells one heatmap cell depends on, running the real layers on one-hot inputs."""
    deps = []
    for i in range(feature):
        e = np.zeros((1, feature))
        e[0, i] = 1.0
        if mode == "deconv":
            y = e
            for _ in range(up.bit_length() - 1):
                y = conv_transpose2d(y, np.ones((1, 4)), stride=(1, 2), padding=(0, 1))
        else:
            y = bilinear_upsample(e, (1, feature * up))
        deps.append(y[0] > 0)
    deps = np.array(deps)  # [coarse cell, heatmap cell]
    return max(np.flatnonzero(col).max() - np.flatnonzero(col).min() for col in deps.T)


@pytest.mark.parametrize("n, os_", [(512, 32), (512, 16), (512, 8), (256, 32), (1024, 8)])
@pytest.mark.parametrize("up, mode", [(2, "deconv"), (4, "deconv"), (8, "deconv"), (2, "bilinear"), (8, "bilinear")])
def test_upsampling_receptive_field(n, os_, up, mode):
    if up > os_:
        pytest.skip("upsampling beyond one pixel per cell")
    r = design_report(n, os_, upsample=up, upsample_mode=mode)
    span = dependency_span_by_brute_force(r.feature_size, up, mode)
    assert r.receptive_field == 483 + span * os_


def test_holes_hdc_and_warnings():
    grid = design_report(512, 8, rates=(2, 4, 8))
    cov = coverage_map([Layer(3, dilation=r) for r in (2, 4, 8)])
    assert grid.holes == int((cov == 0).sum()) > 0 and grid.hdc is False
    assert any(w.startswith("gridding") for w in grid.warnings)
    hdc = design_report(512, 16, rates=(1, 2, 5))
    assert hdc.holes == 0 and hdc.hdc is True and not any(w.startswith("gridding") for w in hdc.warnings)
    one = design_report(512, 16, rates=(6,))  # a single dilated layer skips pixels but is not a stack
    assert one.holes > 0 and one.hdc is None and not any(w.startswith("gridding") for w in one.warnings)
    assert design_report(512, 32).warnings == ()


@pytest.mark.parametrize("n, os_, rate", [(512, 16, 48), (512, 16, 32), (513, 16, 30), (512, 32, 16)])
def test_degenerate_rate_warning(n, os_, rate):
    # DeepLabv3 Fig. 4: as the rate approaches the map size, only the centre tap stays valid
    r = design_report(n, os_, rates=(rate,))
    shares = valid_tap_shares(r.feature_size, rate)  # oracle: every position, every tap
    assert r.centre_only_share == pytest.approx(shares.get(1, 0.0)) and r.centre_only_share >= 0.5
    assert any(w.startswith("degenerate rate") for w in r.warnings)


def test_large_rate_warning_follows_the_valid_tap_counts():
    # ASPP at OS 16 on a 513 crop (33x33 map): rate 6 keeps most taps, rates 12 and 18 lose most of them
    for rate, warned in [(6, False), (12, True), (18, True)]:
        r = design_report(513, 16, rates=(rate,))
        few = sum(v for taps, v in valid_tap_shares(33, rate).items() if taps <= 4)
        assert r.few_taps_share == pytest.approx(few)
        assert any(w.startswith("large rate") for w in r.warnings) == warned


def macs_by_strides(layers, n, os_):
    """Multiply-adds per layer from the layer's cumulative stride (not from output_sizes): (n / S)^2 k^2 Cin Cout."""
    out, stride, c_in = [], 1, 3
    for layer in layers:
        stride *= layer.stride
        side = n // stride
        c_out = layer.channels
        out.append(side * side * layer.kernel**2 * c_in * c_out if layer.kind == "conv" else 0)
        c_in = c_out
    return out


@pytest.mark.parametrize("n", [256, 512, 1024])
@pytest.mark.parametrize("os_", [8, 16])
def test_compute_scales_with_the_square_of_the_removed_stride(n, os_):
    # notebook 07: a layer after a removed stride works on a map (removed factor)^2 larger
    base = macs_by_strides(resnet50(32), n, 32)
    new = macs_by_strides(resnet50(os_), n, os_)
    strides32 = np.cumprod([layer.stride for layer in resnet50(32)])
    strides = np.cumprod([layer.stride for layer in resnet50(os_)])
    for b, m, s32, s in zip(base, new, strides32, strides):
        assert m == b * (s32 // s) ** 2
    r = design_report(n, os_)
    assert r.relative_compute == pytest.approx(sum(new) / sum(base), rel=1e-12)
    assert design_report(n, 32).relative_compute == pytest.approx(1.0)
    blocks = dict((p, c) for p, c, _ in r.cost_breakdown)
    blocks32 = dict((p, c) for p, c, _ in design_report(n, 32).cost_breakdown)
    assert blocks["block4"] == pytest.approx(blocks32["block4"] * (32 // os_) ** 2)
    assert blocks["stem"] == pytest.approx(blocks32["stem"]) and blocks["block1"] == pytest.approx(blocks32["block1"])


def test_head_and_deconvolution_costs():
    n, os_ = 512, 16
    base = sum(macs_by_strides(resnet50(32), n, 32))
    r = design_report(n, os_, rates=(1, 2, 5), upsample=4)
    side = n // os_
    head = side * side * 9 * (2048 * 256 + 256 * 256 + 256 * 256)
    deconv = side * side * 16 * 256 * 256 + (2 * side) ** 2 * 16 * 256 * 256
    parts = dict((p, c) for p, c, _ in r.cost_breakdown)
    assert parts["head"] == pytest.approx(head / base) and parts["upsampling"] == pytest.approx(deconv / base)
    assert design_report(n, os_, upsample=4, upsample_mode="bilinear").cost_breakdown[-1][1] == 0.0


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        (dict(input_size=16, output_stride=32), ValueError, "input_size must be an integer >= 32"),
        (dict(input_size=512, output_stride=4), ValueError, "output_stride must be an integer >= 8"),
        (dict(input_size=512, output_stride=12), ValueError, "output_stride must be 8, 16 or 32"),
        (dict(input_size=512, output_stride=8, upsample=16), ValueError, "upsample must be 1, 2, 4 or 8"),
        (dict(input_size=512, output_stride=8, upsample=3), ValueError, "upsample must be 1, 2, 4 or 8"),
        (dict(input_size=512, output_stride=8, upsample_mode="nearest"), ValueError, "upsample_mode must be one of"),
        (dict(input_size=512, output_stride=8, rates="125"), TypeError, "rates must be a sequence"),
        (dict(input_size=512, output_stride=8, rates=(1, 0)), ValueError, "rates[1] must be an integer >= 1"),
        (dict(input_size=512, output_stride=8, rates=(1,) * 9), ValueError, "at most 8"),
    ],
)
def test_design_report_rejects_bad_input(kwargs, exc, words):
    with pytest.raises(exc) as info:
        design_report(**kwargs)
    assert words in str(info.value)


def test_report_is_frozen_and_summarised():
    r = design_report(512, 16, rates=(2, 4, 8))
    with pytest.raises(AttributeError):
        r.heatmap_size = 1
    text = r.summary()
    assert "32×32" in text and "WARNING: gridding" in text


# ---------------------------------------------------------------------------
# Exercises
# ---------------------------------------------------------------------------


def test_exercise_answers():
    assert exercises.check_answer("07-heatmap-size", 512 // 32 * 4)[0]
    safe = max(s for s in (1, 2, 4, 8, 16, 32) if collisions_by_counting(12, 0, s, 0) == 0)
    assert safe == 8 and exercises.check_answer("07-safe-stride", safe)[0]
    assert exercises.check_answer("07-collision-share", float(collisions_by_counting(12, 0, 16, 0)))[0]
    assert exercises.check_answer("07-collision-share", 0.25)[0]
    for key in ("07-heatmap-size", "07-safe-stride", "07-collision-share"):
        for junk in (None, "x", [1], True):
            ok, message = exercises.check_answer(key, junk)
            assert not ok and message


def _deconv_sources(n_feature, n_layers):
    """For each output cell of n_layers k=4, s=2, p=1 deconvolutions: the feature cells it depends on (plain loops)."""
    sources = [{i} for i in range(n_feature)]
    for _ in range(n_layers):
        out = [set() for _ in range(2 * len(sources))]
        for i, src in enumerate(sources):
            for t in range(4):
                o = 2 * i - 1 + t  # input i writes taps t at 2i - p + t, p = 1
                if 0 <= o < len(out):
                    out[o] |= src
        sources = out
    return sources


def test_issue12_item8_stacked_deconvs_make_the_field_depend_on_the_cell():
    """Issue 12 item 8: 'one more input cell per deconvolution' gives 483 + 32 + 16 + 8 = 539 px for OS 32 + deconv ×8;
    the largest field over cells is 547 px, because the mixed feature cells differ from cell to cell.
    483: resnet_v1_50 receptive field (Araujo et al., Distill 2019)."""
    sources = _deconv_sources(16, 3)
    spreads = {max(s) - min(s) for s in sources[16:-16]}  # interior heatmap cells
    assert spreads == {1, 2}
    r = design_report(512, 32, upsample=8)
    assert r.receptive_field == 483 + max(spreads) * 32 == 547
    assert 483 + 32 + 16 + 8 == 539 < r.receptive_field


def test_issue12_item8_block3_costs_more_at_os16_in_tf_slim():
    """Issue 12 item 8: TF-Slim's ResNet puts block 3's stride in its last unit, so at OS 16 block 3 changes too;
    stem, block 1 and block 2 cost the same."""
    base, os16 = design_report(512, 32), design_report(512, 16)
    for i in (0, 1, 2):
        assert os16.cost_breakdown[i] == base.cost_breakdown[i]
    assert os16.cost_breakdown[3][1] > base.cost_breakdown[3][1]


def test_an_empty_cell_at_every_offset_exactly_when_the_stride_is_at_most_half_the_distance():
    # notebook 07, step 2: "two peaks are guaranteed only with an empty cell between them ...
    # guaranteed only for s <= d/2" -- every integer distance and stride up to 40, every offset
    for d in range(1, 41):
        for s in range(1, 41):
            always = all((x0 + d) // s - x0 // s >= 2 for x0 in range(s))
            assert always == (s <= d / 2), (d, s)
            assert (cell_collision_fraction(d, 0, s, within=1) == 0) == always, (d, s)


# ---------------------------------------------------------------------------
# third edition (issue 21)
# ---------------------------------------------------------------------------


def test_issue21_item1_bilinear_x4_turns_one_diagonal_peak_into_two():
    """REFERENCE_NUMBERS: 8×8 map, 1.0 at (3, 3) and 0.9 at (4, 4): one 3×3 peak; after bilinear ×4 two."""
    coarse = np.zeros((8, 8))
    coarse[3, 3], coarse[4, 4] = 1.0, 0.9
    assert find_peaks(coarse).tolist() == [[3, 3]]
    assert find_peaks(bilinear_upsample(coarse, 32)).tolist() == [[14, 14], [17, 17]]
    side = np.zeros((8, 8))
    side[3, 3], side[3, 4] = 1.0, 0.9
    assert len(find_peaks(bilinear_upsample(side, 32))) == 1


def test_issue21_exercises_07_by_independent_counts():
    from helpers import exercises

    # 07-predict-two-peaks: 45° pair 12 px apart at stride 6; cells touch at a corner at some offsets
    step = 12 / np.sqrt(2)
    touching = [
        abs(int(np.floor((ox + step) / 6)) - int(np.floor(ox / 6))) <= 1
        and abs(int(np.floor((oy + step) / 6)) - int(np.floor(oy / 6))) <= 1
        for ox in np.arange(0, 6, 0.25) for oy in np.arange(0, 6, 0.25)
    ]
    assert any(touching) and exercises.check_answer("07-predict-two-peaks", False)[0]
    assert not exercises.check_answer("07-predict-two-peaks", True)[0]
    assert exercises.check_answer("07-why-bilinear", "b")[0]
    ok, hint = exercises.check_answer("07-collision-share-20", 37.5)
    assert not ok and "percentage" in hint


def test_issue21_item3_warning_says_disjoint_or_shared():
    for rates in [(1, 2, 9), (2, 3, 5), (1, 4, 7)]:
        w = [x for x in design_report(512, 16, rates=rates).warnings if x.startswith("gridding")]
        assert w and "disjoint" not in w[0] and "still share" in w[0], rates
    for rates in [(2, 2, 11), (2, 7), (5, 7), (2, 4, 8)]:
        r = design_report(512, 16, rates=rates)
        assert r.neighbour_share == 0 and any("disjoint pixel sets" in x for x in r.warnings), rates


def test_issue21_summary_without_a_head_names_no_taps():
    text = design_report(512, 16).summary()
    assert "taps" not in text and "no dilated head" in text


# ---- added for mutants that survived benchmarks/mutation.py (issue 24); not yet measured by a rerun ----

@pytest.mark.parametrize("rates", [(), (2,), (1, 2), (2, 4), (1, 2, 5), (3, 3)])
def test_head_fields_against_enumeration(rates):
    """Holes of the head's 2-D coverage and the valid-tap shares of its largest rate, counted pixel by pixel."""
    from helpers import design_report

    rep = design_report(129, 16, rates=rates)
    n = rep.feature_size
    # coverage of a stack of 3×3 dilated convolutions: offsets reachable per axis (sumset), field = span
    offsets = {0}
    for r in rates:
        offsets = {a + t * r for a in offsets for t in (-1, 0, 1)}
    span = (max(offsets) - min(offsets) + 1) if rates else 1
    holes_1d = span - len(offsets)
    holes = span * span - len(offsets) ** 2
    assert rep.holes == holes and rep.hole_fraction == pytest.approx(holes / span**2), holes_1d
    rmax = max(rates, default=None)
    if rmax is None:
        assert (rep.full_kernel_share, rep.few_taps_share, rep.centre_only_share) == (1.0, 0.0, 0.0)
    else:
        counts = {}
        for i in range(n):
            for j in range(n):
                valid = sum(0 <= i + rmax * a < n and 0 <= j + rmax * b < n for a in (-1, 0, 1) for b in (-1, 0, 1))
                counts[valid] = counts.get(valid, 0) + 1
        assert rep.full_kernel_share == pytest.approx(counts.get(9, 0) / n**2)
        assert rep.few_taps_share == pytest.approx(sum(c for v, c in counts.items() if v <= 4) / n**2)
        assert rep.centre_only_share == pytest.approx(counts.get(1, 0) / n**2)
    assert rep.hdc == (None if len(rates) < 2 else rep.hdc)
    if len(rates) >= 2:
        assert isinstance(rep.hdc, bool)
    assert rep.relative_compute == pytest.approx(sum(b[1] for b in rep.cost_breakdown))
    assert rep.relative_memory == pytest.approx(sum(b[2] for b in rep.cost_breakdown))
