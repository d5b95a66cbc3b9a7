"""Notebook 05, third edition: gridding by its three definitions, the gap picture, the centred build-up.

Oracles are plain loops over tap chains (no call to ``coverage_map``); the claims themselves are swept
in ``helpers/claims/nb05.py`` (tests/test_claims.py runs them).
"""

import itertools
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import coverage_build_up, gap_pieces, gridding_by_definition, plots  # noqa: E402


def reach(rates, k=3):
    return {sum(t * d for t, d in zip(taps, rates)) for taps in itertools.product(range(k), repeat=len(rates))}


def path_counts(rates, k=3):
    counts = {}
    for taps in itertools.product(range(k), repeat=len(rates)):
        o = sum(t * d for t, d in zip(taps, rates))
        counts[o] = counts.get(o, 0) + 1
    return counts


@pytest.mark.parametrize("rates, k", [((2, 7), 3), ((5, 7), 3), ((2, 2, 11), 3), ((1, 2, 9), 3), ((2, 4, 8), 3),
                                      ((1, 2, 5), 2), ((3, 6), 4), ((1, 1, 2, 4, 8, 16), 3), ((7,), 5), ((2, 3, 5), 3)])
def test_gridding_by_definition_against_loops(rates, k):
    g = gridding_by_definition(rates, kernel=k)
    r = reach(rates, k)
    span = (k - 1) * sum(rates) + 1
    shared = len(r & {o + 1 for o in r})
    assert g.disjoint_neighbours == (shared == 0)
    assert g.shared_fraction == pytest.approx(shared / len(r))
    assert g.holes == span**2 - len(r) ** 2
    assert g.dilated == (max(rates) > 1)
    counts = path_counts(rates, k)
    centre = sum(rates) * (k - 1) / 2
    kept = sum(c * math.cos(math.pi * (o - centre)) for o, c in counts.items()) / sum(counts.values())
    assert g.finest_pattern_kept == pytest.approx(kept**2)


def test_the_issue_examples_and_the_count_of_coprime_gridding_triples():
    for rates in [(2, 7), (5, 7), (2, 2, 11)]:
        g = gridding_by_definition(rates)
        assert math.gcd(*rates) == 1 and g.disjoint_neighbours and g.shared_fraction == 0
    count = sum(1 for t in itertools.product(range(1, 13), repeat=3)
                if math.gcd(*t) == 1 and gridding_by_definition(t).disjoint_neighbours)
    assert count == 78  # issue 21, item 3
    assert sorted(reach((2, 7))) == [0, 2, 4, 7, 9, 11, 14, 16, 18]  # REFERENCE_NUMBERS, third edition


def test_holes_and_gridding_are_different_definitions():
    holes_only = gridding_by_definition((1, 2, 9))
    assert holes_only.holes == 184 and not holes_only.disjoint_neighbours
    ctx = gridding_by_definition((1, 1, 2, 4, 8, 16))  # Yu & Koltun 2016 context module
    assert ctx.holes == 0 and not ctx.disjoint_neighbours and ctx.dilated


@pytest.mark.parametrize("bad, exc", [((), ValueError), ("12", TypeError), ((0, 2), ValueError)])
def test_gridding_by_definition_errors(bad, exc):
    with pytest.raises(exc):
        gridding_by_definition(bad)


@pytest.mark.parametrize("gap", range(1, 16))
@pytest.mark.parametrize("rate", range(1, 16))
def test_gap_pieces_against_the_three_cases(gap, rate):
    inside, pieces = gap_pieces(gap, rate)
    points = sorted({0, gap} | {p for e in (0, gap) for p in (e - rate, e + rate) if 0 < p < gap})
    assert list(inside) == points[1:-1]
    assert sum(pieces) == gap and all(p > 0 for p in pieces)
    if 2 * rate < gap:
        assert pieces == (rate, gap - 2 * rate, rate)
    elif 2 * rate == gap:
        assert pieces == (rate, rate)
    elif rate < gap:
        assert pieces == (gap - rate, 2 * rate - gap, gap - rate) and max(pieces) <= rate
    else:
        assert pieces == (gap,)
    # the recurrence's bound: no piece exceeds max(gap - 2d, gap - 2(gap - d), d)
    assert max(pieces) <= max(gap - 2 * rate, gap - 2 * (gap - rate), rate)


@pytest.mark.parametrize("rates, k", [((2, 4, 8), 3), ((1, 2, 5), 3), ((2, 3), 2), ((1, 3), 4), ((2, 1, 3), 5)])
def test_build_up_grows_from_the_centre(rates, k):
    steps = coverage_build_up(rates, kernel=k)
    first = steps[0][1]
    ys, xs = np.nonzero(first)
    r = first.shape[0]
    own = sum(d * (k - 1) // 2 for d in rates)  # PyTorch 'same': floor(d (K-1) / 2) zeros before, the rest after
    nearest = min(abs(t * rates[0] - rates[0] * (k - 1) // 2) for t in range(k))  # 0 for odd K: the centre tap
    assert len(ys) == 1 and ys[0] == xs[0] and abs(ys[0] - own) == nearest  # one copy, next to the own pixel
    if k % 2:
        assert ys[0] == (r - 1) // 2 == own
    counts = path_counts(rates, k)
    assert [int(steps[-1][1][r // 2, o]) for o in range(r)] == [
        counts.get(o, 0) * counts.get(r // 2, 0) for o in range(r)]


def test_animation_frames_are_readable():
    from helpers import animation

    anim = animation.animate(plots.coverage_build_up_view, 2, dpi=100, title="t")
    from PIL import Image
    import io

    width = Image.open(io.BytesIO(anim.frames_png[0])).size[0]
    assert width >= 800  # issue 21: frames at least 800 px wide
    fig = plots.coverage_build_up_view(0)
    sizes = [t.get_fontsize() for ax in fig.axes for t in (ax.title,)] + [
        t.get_fontsize() for leg in fig.legends for t in leg.get_texts()]
    assert min(sizes) * 100 / 72 >= 11  # text at least 11 px at dpi 100
    plt.close(fig)


def test_not_reached_yet_is_not_black_and_holes_are():
    from matplotlib.colors import to_rgba

    from helpers.plots._style import COLORS
    from helpers.plots.gridding import NOT_YET

    assert to_rgba(NOT_YET) != to_rgba(COLORS["hole"])
    fig = plots.coverage_build_up_view(3)
    assert "not reached yet" in fig.axes[0].get_title()
    plt.close(fig)
    fig = plots.coverage_build_up_view(8)
    assert "holes: 616" in fig.axes[0].get_title() and "holes: 0" in fig.axes[1].get_title()
    plt.close(fig)


def test_gridding_artifact_uses_one_grey_scale():
    fig = plots.gridding_artifact(stacks=[(2, 2, 2), (1, 2, 5)])
    limits = {im.get_clim() for ax in fig.axes for im in ax.get_images()}
    assert limits == {(0.0, 1.0)}
    plt.close(fig)


def test_gap_split_view_titles_say_the_case():
    fig = plots.gap_split_view(9, (3, 5, 11))
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["rate d = 3: 2d ≤ M → pieces 3, 3, 3", "rate d = 5: d < M < 2d → pieces 4, 1, 4",
                      "rate d = 11: d ≥ M → pieces 9"]
    plt.close(fig)


@pytest.mark.parametrize("rates, k", [((2, 3), 2), ((1, 3), 4), ((1, 2, 5), 2), ((2, 4), 4), ((1, 2, 5), 3)])
def test_build_up_and_coverage_plus_sit_on_pytorchs_own_pixel(rates, k):
    """Red team rt05x: for an even K, PyTorch's padding='same' puts the extra zero after the map, so the
    output's own pixel is left of the field's middle; the build-up starts there and the green + is drawn there."""
    torch = pytest.importorskip("torch")
    import warnings

    import torch.nn.functional as F

    r = (k - 1) * sum(rates) + 1
    x = torch.zeros(1, 1, 2 * r + 3, dtype=torch.float64, requires_grad=True)
    y = x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for d in rates:
            y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), dilation=d, padding="same")
    c = r + 1
    y[0, 0, c].backward()
    own = c - int((x.grad[0, 0] != 0).nonzero()[0])  # the output's pixel, from the field's first one
    if k % 2:  # an odd kernel has a centre tap: the build-up starts on the own pixel
        ys, xs = np.nonzero(coverage_build_up(rates, kernel=k)[0][1])
        assert ys.tolist() == xs.tolist() == [own]
    fig = plots.coverage_build_up_view(0, stacks=(rates,), kernel=k)
    (plus,) = [line for line in fig.axes[0].get_lines() if line.get_marker() == "+"]
    assert plus.get_xdata()[0] == plus.get_ydata()[0] == own - (r - 1) / 2
    fig2 = plots.coverage_maps([rates], kernel=k)
    (plus,) = [line for line in fig2.axes[0].get_lines() if line.get_marker() == "+"]
    assert plus.get_xdata()[0] == own - (r - 1) / 2
    plt.close(fig)
    plt.close(fig2)
