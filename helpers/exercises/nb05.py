"""Exercises of notebook 05 · gridding artifacts (answers computed from the formulas)."""

from __future__ import annotations

import functools
import math

from .. import gridding as _gridding
from ._engine import Exercise, register


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

register(
    Exercise(
        key="05-largest-hole-free",
        question=(
            "Three 3×3 convolutions, stride 1, rates of your choice (each 1–12): what is the largest "
            "receptive field (side in pixels) that still has no holes?"
        ),
        expected=lambda: _largest_hole_free()[0],
        hint=(
            "one output has 3 × 3 × 3 chains of taps per axis, and a hole-free field needs a different chain "
            "for every offset; try rates that are powers of 3 (the offsets are then base-3 numbers)."
        ),
        explanation=lambda: (
            f"Brute force over all rates 1–12 finds r = {_largest_hole_free()[0]} with rates "
            f"{_largest_hole_free()[1]}: the offsets t₁·{_largest_hole_free()[1][0]} + t₂·{_largest_hole_free()[1][1]}"
            f" + t₃·{_largest_hole_free()[1][2]} (each t in 0, 1, 2) are the base-3 numbers 0 … "
            f"{_largest_hole_free()[0] - 1}, each reached by exactly one of the 3³ = {3 ** 3} chains. "
            f"More offsets than chains is impossible, so "
            f"{3 ** 3} is the ceiling; WaveNet's rates 1, 2, 4, … with 2-tap filters are the same idea for K = 2."
        ),
    )
)

register(
    Exercise(
        key="05-degenerate-rate",
        question=(
            "A 3×3 atrous filter on a 65×65 feature map (a 513 crop at OS 8), zero-padded so the size is kept: "
            "from which rate on does no output position have all nine taps inside the map?"
        ),
        expected=lambda: _first_rate_without_full_filter(65),
        hint="position i keeps its left and right taps only if i − r ≥ 0 and i + r ≤ 64; when is there no such i?",
        explanation=lambda: (
            f"All nine taps are inside only if some i has r ≤ i ≤ 64 − r, i.e. 2r ≤ 64. Rate "
            f"{_first_rate_without_full_filter(65) - 1} still leaves the single centre position; rate "
            f"{_first_rate_without_full_filter(65)} leaves none (valid_weight_fraction(65, "
            f"{_first_rate_without_full_filter(65)})[9] = "
            f"{_gridding.valid_weight_fraction(65, _first_rate_without_full_filter(65))[9]})."
        ),
    )
)
