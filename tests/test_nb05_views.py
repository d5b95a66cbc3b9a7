"""Notebook 05: exercises (answers derived independently), the widget's sentence, and the figures."""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import Layer, exercises, plots  # noqa: E402


def reach_1d(rates, k=3):
    return {sum(t * r for t, r in zip(taps, rates)) for taps in itertools.product(range(k), repeat=len(rates))}


# --------------------------------------------------------------------------
# exercises: expected answers derived here without the package's formulas
# --------------------------------------------------------------------------


def test_exercise_reached():
    per_axis = len(reach_1d((2, 2, 2)))  # even offsets 0..12
    assert exercises.check_answer("05-reached", per_axis**2) == (True, "Correct!")
    assert not exercises.check_answer("05-reached", 13 * 13)[0]
    assert "Hint" in exercises.check_answer("05-reached", per_axis)[1]


def test_exercise_largest_hole_free():
    best = max(
        2 * sum(rates) + 1
        for rates in itertools.product(range(1, 13), repeat=3)
        if len(reach_1d(rates)) == 2 * sum(rates) + 1
    )
    assert best == 3**3  # 3 taps, 3 layers: at most 27 distinct tap chains
    assert exercises.check_answer("05-largest-hole-free", best)[0]
    assert not exercises.check_answer("05-largest-hole-free", 29)[0]


def test_exercise_degenerate_rate():
    def has_full_filter(n, r):
        return any(i - r >= 0 and i + r <= n - 1 for i in range(n))

    size = 81  # the question's feature map: a 641×641 crop at output stride 8
    assert f"{size}×{size} feature map" in exercises.registry()["05-degenerate-rate"].question
    first = next(r for r in itertools.count(1) if not has_full_filter(size, r))
    assert exercises.check_answer("05-degenerate-rate", first)[0]
    assert not exercises.check_answer("05-degenerate-rate", size)[0]


def test_exercise_predict_235_and_its_solution():
    reached = reach_1d((2, 3, 5))
    missing = sorted(set(range(2 * (2 + 3 + 5) + 1)) - reached)
    assert missing == [1, 19]
    holes = 21**2 - len(reached) ** 2  # the 2-D field is the outer product of the 1-D one
    assert exercises.check_answer("05-predict-235", holes > 0)[0]
    wrong = exercises.check_answer("05-predict-235", False)[1]
    assert "offset 1" in wrong
    text = exercises.solution_text("05-predict-235")
    assert f"{holes} holes" in text and "miss 1 and 19" in text
    assert "neither is" not in text  # issue 21: "offset 1 is not among them, and neither is [1, 19]"


def test_exercise_which_grids_independent_answer_and_hints():
    def neighbours_share(rates):
        r = reach_1d(rates)
        return any(o + 1 in r for o in r)

    grids = [not neighbours_share(r) for r in [(2, 6, 10), (1, 4, 7), (5, 7)]]
    assert grids == [True, False, True]
    assert all(len(reach_1d(r)) < 2 * sum(r) + 1 for r in [(2, 6, 10), (1, 4, 7), (5, 7)])  # all leave holes
    assert exercises.check_answer("05-which-grids", "b")[0]
    hints = {k: exercises.check_answer("05-which-grids", k)[1] for k in ("a", "c")}
    assert "5, 7" in hints["a"] and "rate-1" in hints["c"]
    assert not any("a matter of a common factor" in h for h in hints.values())


@pytest.mark.parametrize("key", ["05-reached", "05-largest-hole-free", "05-degenerate-rate"])
def test_exercise_solutions_print_the_answer(key, capsys):
    out = exercises.solution_text(key)
    assert out.startswith(f"Answer: {exercises._get(key).expected()!r}.")
    assert exercises.check_answer(key, None)[0] is False


# --------------------------------------------------------------------------
# the explorer's sentence (pure)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rates, kernel, words",
    [
        ((2, 4, 8), 3, ["841", "brute force agrees: holes", "share 0 %", "disjoint sets"]),
        ((1, 2, 5), 3, ["field 17×17, 0 holes", "passes", "indeed no holes"]),
        ((1, 3, 2), 3, ["field 13×13, 0 holes", "a design rule, not a test", "share 92 %"]),
        ((2, 3, 5), 3, ["paper's two conditions hold", "d₁ = 2 ≠ 1"]),
        ((3, 6), 3, ["Rates 3, 6 ", "common factor 3"]),
        ((1, 2, 5, 9), 5, ["Rates 1, 2, 5, 9 with 5×5"]),
    ],
)
def test_gridding_sentence_words(rates, kernel, words):
    # the dilated-stack explorer's sentence (its JS twin writes helpers.gridding.gridding_sentence word for word)
    from helpers.gridding import gridding_by_definition, gridding_sentence, hdc_report

    shared = gridding_by_definition(rates, kernel=kernel).shared_fraction
    text = gridding_sentence(hdc_report(rates, kernel=kernel), shared=shared)
    for w in words:
        if w == "841":  # (2, 4, 8): 29×29 field, 15² reached -> 616 holes
            assert f"29×29, {29 * 29 - 15 ** 2} holes" in text
        else:
            assert w in text, (w, text)


# --------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------


def test_coverage_maps_titles_hold_the_counts():
    fig = plots.coverage_maps({"a": [Layer(3, dilation=2)] * 2, "b": [Layer(3, dilation=1), Layer(3, dilation=2)]})
    try:
        titles = [ax.get_title() for ax in fig.axes[:2]]
        # 2 layers of rate 2: offsets 0, 2, ..., 8 -> 5 of 9 per axis
        assert titles[0] == f"a\n{5 * 5} of 9×9 reached ({100 * 25 / 81:.1f} %)"
        assert titles[1].startswith("b\n49 of 7×7 reached (100.0 %)")
        fig.canvas.draw()
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="at least one stack"):
        plots.coverage_maps([])


def test_figures_render():
    for fig in (
        plots.gridding_artifact(stacks={"smoothed": [Layer(3, padding=1, kind="pool"), Layer(3, dilation=2, padding=2)]}),
        plots.hdc_rule_map((1, 2), max_rate=5),
        plots.valid_taps_curves((33,), max_rate=40),
        plots.stack_overview((1, 2)),
    ):
        try:
            assert isinstance(fig, Figure)
            fig.canvas.draw()
        finally:
            plt.close(fig)


def test_hdc_rule_map_cells_match_brute_force():
    fig = plots.hdc_rule_map((1, 2), max_rate=5)
    try:
        first, second = (np.asarray(ax.images[0].get_array()) for ax in fig.axes[:2])
        cmap = fig.axes[0].images[0].get_cmap()
        legend = {t.get_text(): h.get_facecolor() for t, h in zip(fig.legends[0].get_texts(), fig.legends[0].legend_handles)}

        def colour_of(label):
            return next(c for text, c in legend.items() if text.startswith(label))

        def shown(classes, r2, r3):  # the colour drawn in row r2, column r3
            return cmap(classes[r2 - 1, r3 - 1] / (cmap.N - 1))

        # offsets t1*r1 + t2*r2 + t3*r3 enumerated here decide "holes"
        def holes(rates):
            return len(reach_1d(rates)) != 2 * sum(rates) + 1

        assert not holes((1, 2, 5)) and np.allclose(shown(first, 2, 5), colour_of("is_hdc ✓"))
        assert not holes((1, 3, 2)) and np.allclose(shown(first, 3, 2), colour_of("is_hdc ✗ but no holes"))
        assert holes((2, 3, 5)) and np.allclose(shown(second, 3, 5), colour_of("paper's two conditions ✓ but holes"))
        assert not holes((2, 1, 2)) and np.allclose(shown(second, 1, 2), colour_of("is_hdc ✗ but no holes"))
        assert holes((2, 2, 2)) and np.allclose(shown(second, 2, 2), colour_of("is_hdc ✗ and holes"))
        green = colour_of("is_hdc ✓")
        assert not any(np.allclose(shown(second, i, j), green) for i in range(1, 6) for j in range(1, 6))
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert texts[(2 - 1) * 5 + (5 - 1)] == "2"  # M_2 of (1, 2, 5), Wang et al. 2018
    finally:
        plt.close(fig)
