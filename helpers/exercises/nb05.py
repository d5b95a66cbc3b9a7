"""Exercises of notebook 05 · gridding artifacts (answers computed from the formulas)."""

from __future__ import annotations

import functools
import itertools
import math

from .. import gridding as _gridding
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
            "receptive field of one output does a path reach?"
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


def _missing_offsets(rates: "tuple[int, ...]", kernel: int = 3) -> "list[int]":
    """Offsets of the 1-D field (0 … r-1) that no sum of taps reaches, by plain enumeration."""
    span = (kernel - 1) * sum(rates)
    reached = {sum(t * d for t, d in zip(taps, rates)) for taps in itertools.product(range(kernel), repeat=len(rates))}
    return sorted(set(range(span + 1)) - reached)


def _shared_share(rates: "tuple[int, ...]") -> float:
    """Share of one output's input pixels that its horizontal neighbour also reads (plain enumeration, 1-D)."""
    span = 2 * sum(rates)
    reached = set(range(span + 1)) - set(_missing_offsets(rates))
    return len(reached & {o + 1 for o in reached}) / len(reached)


def _shares_pixels(rates: "tuple[int, ...]") -> bool:
    """Do two horizontally neighbouring outputs read a common input pixel?"""
    return _shared_share(rates) > 0


register(Exercise(
    key="05-predict-235",
    question=("Rates 2, 3, 5 with 3×3 kernels, stride 1. The three rates share no common factor. "
              "Does the stack leave holes in its receptive field? Answer True (holes) or False (no holes)."),
    expected=lambda: _holes((2, 3, 5)) > 0,
    kind="bool",
    predict_first=True,
    hint="Which offsets can one chain of taps reach? Try to reach offset 1: a layer moves by 0, d or 2d pixels.",
    mistakes=(
        Mistake("no common factor means no holes", value=lambda: not (_holes((2, 3, 5)) > 0),
                hint=("A hole-free stack needs rates without a common factor, but that is not enough. Here the "
                      "smallest step a layer can take is 2: which chain of taps would reach offset 1? The HDC rule "
                      "asks for a first layer of rate 1 to fill such small gaps.")),
    ),
    explanation=lambda: (
        f"True: {_holes((2, 3, 5))} holes. Along one axis the offsets are 2t₁ + 3t₂ + 5t₃ with t in 0, 1, 2; of "
        f"0 … 20 the sums miss {' and '.join(map(str, _missing_offsets((2, 3, 5))))}, so those rows and columns of "
        "the 2-D field are holes. No common factor is not enough; the HDC rule rules out holes when, in addition, "
        "the first layer has rate 1 and M₂ ≤ K (here d₁ = 2)."),
))

_WHICH = ((2, 6, 10), (1, 4, 7), (5, 7))


def _which_grids() -> str:
    grids = tuple(not _shares_pixels(r) for r in _WHICH)
    return {(True, False, False): "a", (True, False, True): "b", (True, True, True): "c"}.get(grids, "?")


register(Exercise(
    key="05-which-grids",
    question=("Three stacks of 3×3 kernels leave holes: rates 2, 6, 10; 1, 4, 7; 5, 7. Which grid in this course's "
              "sense (neighbouring outputs read disjoint pixel sets)?"),
    options={"a": "2, 6, 10 alone, the stack with a common factor", "b": "2, 6, 10 and 5, 7",
             "c": "the three, since holes mean gridding"},
    expected=_which_grids,
    kind="choice",
    hint=("Gridding here is about *which* pixels two neighbouring outputs read: list the reached offsets of each "
          "stack along one axis and look for two that differ by 1 (output x+1 reads the field of x moved by one)."),
    mistakes=(
        Mistake("holes = gridding", value=lambda: "c",
                hint=("Holes are unreached pixels; gridding in this course means neighbouring outputs read disjoint "
                      "pixel sets. A rate-1 layer reaches offsets o and o + 1 side by side, so outputs x and x + 1 "
                      "share pixels: holes, but no decoupled sub-networks.")),
        Mistake("a common factor is needed", value=lambda: "a",
                hint=("A common factor is one way to grid; there are others. Write out the offsets of 5, 7: "
                      "5t₁ + 7t₂ with t in 0, 1, 2. Do two of them differ by 1?")),
    ),
    explanation=lambda: (
        f"{_which_grids()}. Rates 2, 6, 10 share the factor 2, so each reached offset is even and output x+1 reads "
        "pixels of the other parity alone<!-- claim: nb05-gcd-lattice nb05-gcd-disjoint --> "
        f"(shared: {_shared_share((2, 6, 10)):.0%}). Rates 5, 7 share no factor, yet their offsets "
        f"{', '.join(map(str, sorted(set(range(25)) - set(_missing_offsets((5, 7))))))} have no two neighbours "
        f"(shared: {_shared_share((5, 7)):.0%}). Rates 1, 4, 7 leave {_holes((1, 4, 7))} holes, but the rate-1 "
        f"layer makes neighbouring outputs share pixels (shared: {_shared_share((1, 4, 7)):.0%})."
        "<!-- claim: nb05-rate1-shares -->"),
))

register(Exercise(
    key="05-largest-hole-free",
    question=("Three 3×3 convolutions, stride 1, rates of your choice (each 1–12): what is the largest receptive "
              "field (side in pixels) that still has no holes?"),
    expected=lambda: _largest_hole_free()[0],
    kind="number",
    hint=("Count chains of taps: one output has 3 × 3 × 3 of them per axis, and a hole-free field needs a different "
          "chain for each offset.<!-- claim: nb05-largest-field -->"),
    mistakes=(
        Mistake("largest field, ignoring holes", value=lambda: 1 + 2 * 3 * 12,
                hint="That is the field of rates 12, 12, 12 — full of holes. Holes appear once the gaps get too wide."),
        Mistake("the HDC example", value=lambda: 1 + 2 * (1 + 2 + 5),
                hint="1, 2, 5 is hole-free, but not the widest: try rates that are powers of 3."),
        Mistake("3×3 = 9", value=lambda: 9,
                hint="9 is the number of taps of one 3×3 layer; three layers have 3³ chains per axis."),
        Mistake("gaps, not pixels", value=lambda: _largest_hole_free()[0] - 1,
                hint="One short: offsets 0 … r − 1 are r pixels. Count the pixels of the field, not the steps between them."),
    ),
    explanation=lambda: (
        f"{_largest_hole_free()[0]}: brute force over the rates 1–12 finds it with rates {_largest_hole_free()[1]}. "
        f"The offsets t₁·{_largest_hole_free()[1][0]} + t₂·{_largest_hole_free()[1][1]} + t₃·{_largest_hole_free()[1][2]}"
        f" (each t in 0, 1, 2) are the base-3 numbers 0 … {_largest_hole_free()[0] - 1}, one chain of the "
        f"3³ = {3 ** 3} for each; a field with more offsets than chains has a hole. In general n layers of K taps "
        "reach at most Kⁿ offsets without a hole, with rates 1, K, K² and so on when those are allowed."
        "<!-- claim: nb05-largest-field -->"),
))

register(Exercise(
    key="05-degenerate-rate",
    question=("A 3×3 atrous filter on an 81×81 feature map (a 641×641 crop at output stride 8), zero-padded so the "
              "size is kept: from which rate on does no output position have all nine taps inside the map?"
              "<!-- claim: nb05-degenerate -->"),
    expected=lambda: _first_rate_without_full_filter(81),
    kind="number",
    hint="Position i keeps both outer taps when i − d ≥ 0 and i + d ≤ 80: when is there no such i?",
    mistakes=(
        Mistake("off by one", value=lambda: _first_rate_without_full_filter(81) - 1,
                hint="At that rate one position, the centre i = rate, still has its nine taps. One more."),
        Mistake("the map size", value=lambda: 81,
                hint="At the map size each position keeps its centre tap alone; the full filter is gone much earlier."),
    ),
    explanation=lambda: (
        f"{_first_rate_without_full_filter(81)}. At position i the 3×3 filter's nine taps are inside when d ≤ i ≤ 80 − d; such an "
        f"i exists when 2d ≤ 80.<!-- claim: nb05-degenerate --> Rate {_first_rate_without_full_filter(81) - 1} still leaves the centre position; rate "
        f"{_first_rate_without_full_filter(81)} leaves no such position."),
))
