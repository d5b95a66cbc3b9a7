"""Exercises of notebook 05 · gridding artifacts (answers computed from the formulas)."""

from __future__ import annotations

import functools
import math

from .. import gridding as _gridding
import itertools

from ._engine import Exercise, Mistake, register


def _explain_reached() -> str:
    stats = _gridding.coverage_stats(_gridding.dilated_stack((2, 2, 2)))
    per_axis = math.isqrt(stats.reached)
    return (
        f"Along one axis the sums are the even offsets 0, 2, …, {stats.r - 1}: {per_axis} of {stats.r} values. "
        f"The 2-D coverage map is the outer product of the 1-D one, so {per_axis}² = {stats.reached} pixels "
        f"are reached and {stats.holes} are holes ({100 * stats.fraction:.0f} % reached)."
    )


@functools.lru_cache(maxsize=None)
def _largest_hole_free(layers: int = 3, kernel: int = 3, max_rate: int = 12) -> "tuple[int, tuple[int, ...]]":
    """Brute force: the largest receptive field (and its rates) of ``layers`` stride-1 layers with no holes."""
    import itertools

    best = (0, ())
    for rates in itertools.product(range(1, max_rate + 1), repeat=layers):
        stats = _gridding.coverage_stats(_gridding.dilated_stack(rates, kernel=kernel))
        if stats.holes == 0 and stats.r > best[0]:
            best = (stats.r, rates)
    return best


def _first_rate_without_full_filter(size: int = 65, kernel: int = 3) -> int:
    rate = 1
    while _gridding.valid_weight_fraction(size, rate, kernel)[kernel * kernel] > 0:
        rate += 1
    return rate


# "05-reached" is no longer asked in notebook 05 (its answer, 49, is in the coverage table of
# section 1); it stays registered for the engine's spoiler-check fixture.
register(
    Exercise(
        key="05-reached",
        question=(
            "Three 3×3 convolutions with rates 2, 2, 2 (stride 1): how many pixels of the 13×13 "
            "receptive field of one output are reached by at least one path?"
        ),
        expected=lambda: _gridding.coverage_stats(_gridding.dilated_stack((2, 2, 2))).reached,
        hint=(
            "along one axis the offsets are sums t₁·2 + t₂·2 + t₃·2 with each t in {0, 1, 2}: "
            "count the distinct values, then square (the 2-D map is the outer product)."
        ),
        explanation=_explain_reached,
    )
)


def _holes(rates: "tuple[int, ...]", kernel: int = 3) -> int:
    return _gridding.coverage_stats(_gridding.dilated_stack(rates, kernel=kernel)).holes


def _shares_pixels(rates: "tuple[int, ...]") -> bool:
    """Do two horizontally neighbouring outputs read at least one common input pixel?"""
    seen = _gridding.coverage_map(_gridding.dilated_stack(rates)) > 0
    return bool((seen[:, 1:] & seen[:, :-1]).any())


register(Exercise(
    key="05-predict-235",
    question=("Rates 2, 3, 5 with 3×3 kernels, stride 1. The three rates share no common factor. "
              "Does the stack leave holes in its receptive field? Answer True (holes) or False (none)."),
    expected=lambda: _holes((2, 3, 5)) > 0,
    kind="bool",
    predict_first=True,
    hint="Which offsets can one chain of taps reach? Try to reach offset 1: every layer moves by 0, d or 2d pixels.",
    mistakes=(
        Mistake("no common factor means no holes", value=lambda: not (_holes((2, 3, 5)) > 0),
                hint=("No common factor is necessary for a hole-free stack, not sufficient. The smallest step any "
                      "layer can take is 2, so offset 1 (and others) can never be reached: the first layer would "
                      "need rate 1 to fill the small gaps (the premise of the HDC rule).")),
    ),
    explanation=lambda: (
        f"True: {_holes((2, 3, 5))} holes. Along one axis the offsets are 2t₁ + 3t₂ + 5t₃ with t in 0, 1, 2; "
        f"offset 1 is not among them, and neither is "
        f"{sorted(set(range(21)) - {2 * a + 3 * b + 5 * c for a in range(3) for b in range(3) for c in range(3)})}. "
        "No common factor is not enough: M₂ ≤ K only guarantees a hole-free stack when the first layer has rate 1."),
))

register(Exercise(
    key="05-which-grids",
    question=("Rates 2, 4, 8 and rates 1, 2, 9 (3×3 kernels) both leave holes. Which of them shows the gridding "
              "artifact — two neighbouring outputs reading disjoint sets of input pixels?"),
    options={"a": "only 2, 4, 8", "b": "only 1, 2, 9", "c": "both: holes always mean gridding"},
    expected=lambda: {(True, False): "a", (False, True): "b", (True, True): "c"}[
        (not _shares_pixels((2, 4, 8)), not _shares_pixels((1, 2, 9)))],
    kind="choice",
    hint=("Gridding is about *which* pixels neighbouring outputs read. With a common factor g, an output reads only "
          "pixels ≡ its own position mod g. What does a rate-1 layer do to that?"),
    mistakes=(
        Mistake("holes = gridding", value=lambda: "c",
                hint=("Holes are unreached pixels; gridding needs the reached pixels to form a sub-lattice. With rate 1 "
                      "in the stack, the field of output x+1 overlaps the field of x almost everywhere: holes, but no "
                      "decoupled sub-networks.")),
        Mistake("larger rate grids", value=lambda: "b",
                hint="Gridding is a matter of a common factor, not of large rates: 1, 2, 9 share none; 2, 4, 8 share 2."),
    ),
    explanation=lambda: (
        "a: rates 2, 4, 8 share the factor 2, so every reached offset is even and output x+1 reads only pixels of the "
        f"other parity (shared pixels: {'some' if _shares_pixels((2, 4, 8)) else 'none'}). Rates 1, 2, 9 leave "
        f"{_holes((1, 2, 9))} holes, but neighbouring outputs still share most pixels "
        f"(shared: {'some' if _shares_pixels((1, 2, 9)) else 'none'})."),
))

register(Exercise(
    key="05-largest-hole-free",
    question=("Three 3×3 convolutions, stride 1, rates of your choice (each 1–12): what is the largest receptive "
              "field (side in pixels) that still has no holes?"),
    expected=lambda: _largest_hole_free()[0],
    kind="number",
    hint=("Count chains of taps: one output has 3 × 3 × 3 of them per axis, and a hole-free field needs a different "
          "chain for every offset."),
    mistakes=(
        Mistake("largest field, ignoring holes", value=lambda: 1 + 2 * 3 * 12,
                hint="That is the field of rates 12, 12, 12 — full of holes. Holes appear once the gaps get too wide."),
        Mistake("the HDC example", value=lambda: 1 + 2 * (1 + 2 + 5),
                hint="1, 2, 5 is hole-free, but not the widest: try rates that are powers of 3."),
        Mistake("3×3 = 9", value=lambda: 9,
                hint="9 is the number of taps of one 3×3 layer; three layers have 3³ chains per axis."),
    ),
    explanation=lambda: (
        f"{_largest_hole_free()[0]}: brute force over all rates 1–12 finds it with rates {_largest_hole_free()[1]}. "
        f"The offsets t₁·{_largest_hole_free()[1][0]} + t₂·{_largest_hole_free()[1][1]} + t₃·{_largest_hole_free()[1][2]}"
        f" (each t in 0, 1, 2) are the base-3 numbers 0 … {_largest_hole_free()[0] - 1}, each reached by exactly one of "
        f"the 3³ = {3 ** 3} chains; more offsets than chains is impossible. In general: Kⁿ with rates 1, K, K², …"),
))

register(Exercise(
    key="05-degenerate-rate",
    question=("A 3×3 atrous filter on an 81×81 feature map (a 641×641 crop at output stride 8), zero-padded so the "
              "size is kept: from which rate on does no output position have all nine taps inside the map?"),
    expected=lambda: _first_rate_without_full_filter(81),
    kind="number",
    hint="Position i keeps its outer taps only if i − d ≥ 0 and i + d ≤ 80: when is there no such i?",
    mistakes=(
        Mistake("off by one", value=lambda: _first_rate_without_full_filter(81) - 1,
                hint="At that rate one position — the centre, i = rate — still has all nine taps. One more."),
        Mistake("the map size", value=lambda: 81,
                hint="At the map size only the centre tap is left everywhere; the full filter is gone much earlier."),
    ),
    explanation=lambda: (
        f"{_first_rate_without_full_filter(81)}. All nine taps are inside only if some i has d ≤ i ≤ 80 − d, i.e. "
        f"2d ≤ 80. Rate {_first_rate_without_full_filter(81) - 1} still leaves the centre position; rate "
        f"{_first_rate_without_full_filter(81)} leaves none."),
))
