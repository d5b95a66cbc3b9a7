"""Answer checks for the "Check yourself" cells.

Each exercise computes its expected answer from the formulas of this package
(never a typed constant), so a notebook's exercise cannot drift from the
formulas it teaches. A wrong or malformed answer gets a hint, never a
traceback.

Usage in a notebook::

    from helpers import exercises
    exercises.check("00-warmup", 4)
    exercises.solution("00-warmup")   # in a collapsed cell
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable

from . import arithmetic

__all__ = ["Exercise", "register", "check", "check_answer", "solution", "keys"]


@dataclass(frozen=True)
class Exercise:
    """One checked exercise.

    Attributes
    ----------
    key : str
        Identifier, ``"NN-short-name"`` with the notebook number.
    question : str
        The question, as the notebook asks it.
    expected : callable
        Computes the correct answer from the package's formulas.
    hint : str
        Shown after a wrong answer.
    explanation : callable
        Builds the worked solution (a sentence with the computed numbers).
    """

    key: str
    question: str
    expected: Callable[[], Any]
    hint: str
    explanation: Callable[[], str]


_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (keys must be unique).

    Examples
    --------
    >>> "00-warmup" in keys()
    True
    """
    if not isinstance(exercise, Exercise):
        raise TypeError(f"exercise must be an Exercise, got {type(exercise).__name__}")
    if exercise.key in _REGISTRY:
        raise ValueError(f"an exercise with key {exercise.key!r} is already registered")
    _REGISTRY[exercise.key] = exercise
    return exercise


def keys() -> list[str]:
    """The registered exercise keys, sorted.

    Examples
    --------
    >>> keys()[0]
    '00-warmup'
    """
    return sorted(_REGISTRY)


def _get(key: str) -> Exercise:
    if key not in _REGISTRY:
        raise ValueError(f"unknown exercise {key!r}; known: {', '.join(keys())}")
    return _REGISTRY[key]


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "True/False"
    if isinstance(value, numbers.Integral):
        return "a whole number"
    if isinstance(value, numbers.Real):
        return "a number"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list of numbers" if not isinstance(value, (set, frozenset)) else "a set of numbers"
    return type(value).__name__


def _same(expected: Any, answer: Any) -> bool:
    if isinstance(expected, bool) or isinstance(answer, bool):
        return isinstance(answer, bool) and isinstance(expected, bool) and answer == expected
    if isinstance(expected, numbers.Integral):
        return isinstance(answer, numbers.Real) and float(answer).is_integer() and int(answer) == expected
    if isinstance(expected, numbers.Real):
        return isinstance(answer, numbers.Real) and abs(float(answer) - float(expected)) <= 1e-6 * max(1.0, abs(expected))
    if isinstance(expected, (set, frozenset)):
        try:
            return set(answer) == set(expected)
        except TypeError:
            return False
    if isinstance(expected, (list, tuple)):
        if not isinstance(answer, (list, tuple)) or len(answer) != len(expected):
            return False
        return all(_same(e, a) for e, a in zip(expected, answer))
    return bool(answer == expected)


def check_answer(key: str, answer: Any) -> tuple[bool, str]:
    """Compare ``answer`` with the exercise's computed answer; return ``(correct, message)``.

    Examples
    --------
    >>> check_answer("00-warmup", 4)[0], check_answer("00-warmup", 3)[0]
    (True, False)
    >>> check_answer("00-warmup", "four")[1]
    "Expected a whole number, got 'four' (str). Try again."
    """
    exercise = _get(key)
    expected = exercise.expected()
    if answer is None or answer is Ellipsis:
        return False, "No answer yet: replace the placeholder with your answer and run the cell again."
    if _same(expected, answer):
        return True, "Correct!"
    wanted, got = _describe(expected), _describe(answer)
    numbers_both = {wanted, got} <= {"a whole number", "a number"}  # 3 for 3.0 and 3.0 for 3 are fine
    if wanted != got and not numbers_both:
        return False, f"Expected {wanted}, got {answer!r} ({type(answer).__name__}). Try again."
    return False, f"Not quite. Hint: {exercise.hint}"


def check(key: str, answer: Any) -> None:
    """Print whether ``answer`` is right, with a hint when it is not.

    Defined in notebook ``00_start_here``.

    Examples
    --------
    >>> check("00-warmup", 4)
    ✓ Correct!
    """
    ok, message = check_answer(key, answer)
    print(("✓ " if ok else "✗ ") + message)


def solution(key: str) -> None:
    """Print the worked solution of an exercise (numbers computed, not typed).

    Examples
    --------
    >>> solution("00-warmup")
    Answer: 4. floor((7 + 2*1 - 3) / 2) + 1 = floor(6 / 2) + 1 = 4
    """
    exercise = _get(key)
    print(f"Answer: {exercise.expected()!r}. {exercise.explanation()}")


# --------------------------------------------------------------------------
# 00_start_here
# --------------------------------------------------------------------------

register(
    Exercise(
        key="00-warmup",
        question="A 7-pixel-wide input, a 3-tap kernel, stride 2, padding 1: how wide is the output?",
        expected=lambda: arithmetic.conv_output_size(7, 3, stride=2, padding=1),
        hint="count the window positions: floor((N + 2P - K) / S) + 1.",
        explanation=lambda: (
            f"floor((7 + 2*1 - 3) / 2) + 1 = floor({7 + 2 - 3} / 2) + 1 = "
            f"{arithmetic.conv_output_size(7, 3, stride=2, padding=1)}"
        ),
    )
)


# --- 01 · stride ------------------------------------------------------
# (section for notebook 01: register its exercises below this line)


def _never_read(n: int, k: int, s: int, p: int, d: int = 1) -> "list[int]":
    """Input indices that no tap reads (via :func:`helpers.conv.tap_counts`)."""
    from .conv import tap_counts

    return [int(i) for i, c in enumerate(tap_counts(n, k, stride=s, padding=p, dilation=d)) if c == 0]


register(
    Exercise(
        key="01-output-size",
        question="A 28×28 input, a 5×5 kernel, stride 3, no padding: how many rows does the output have?",
        expected=lambda: arithmetic.conv_output_size(28, 5, stride=3),
        hint="count the window positions: floor((N + 2P − K) / S) + 1 — round down, then add the first window.",
        explanation=lambda: (
            f"floor((28 + 2·0 − 5) / 3) + 1 = floor({28 - 5} / 3) + 1 = {(28 - 5) // 3} + 1 = "
            f"{arithmetic.conv_output_size(28, 5, stride=3)}"
        ),
    )
)

register(
    Exercise(
        key="01-never-visited",
        question=(
            "An input 10 rows tall, a kernel 4 rows tall, stride 3, padding 1: which input rows (0-based) "
            "does no window ever read? Answer with a list, e.g. [0, 5]."
        ),
        expected=lambda: _never_read(10, 4, 3, 1),
        hint=(
            "list the windows in padded coordinates: they start at 0, S, 2S, ... as long as start + K ≤ N + 2P; "
            "then subtract P to get input rows."
        ),
        explanation=lambda: (
            f"{arithmetic.conv_output_size(10, 4, stride=3, padding=1)} windows start at padded rows "
            f"{[3 * i for i in range(arithmetic.conv_output_size(10, 4, stride=3, padding=1))]}, so the last one "
            f"ends at padded row {3 * (arithmetic.conv_output_size(10, 4, stride=3, padding=1) - 1) + 3}, "
            f"input row {3 * (arithmetic.conv_output_size(10, 4, stride=3, padding=1) - 1) + 3 - 1}; "
            f"never read: {_never_read(10, 4, 3, 1)}"
        ),
    )
)

register(
    Exercise(
        key="01-same-split",
        question=(
            "TensorFlow, padding='SAME', a 7-pixel input, a 4-tap kernel, stride 2: how many zeros go before "
            "and after the input? Answer as a pair (before, after)."
        ),
        expected=lambda: arithmetic.same_padding(7, 4, stride=2),
        hint="the output is ceil(N/S); total padding = (out − 1)·S + K − N; before = total // 2, the rest after.",
        explanation=lambda: (
            f"out = ceil(7/2) = {-(-7 // 2)}; total = ({-(-7 // 2)} − 1)·2 + 4 − 7 = "
            f"{sum(arithmetic.same_padding(7, 4, stride=2))}; before = total // 2, so "
            f"{arithmetic.same_padding(7, 4, stride=2)}: the extra zero goes after"
        ),
    )
)


# --- 02 · dilation ----------------------------------------------------
# (section for notebook 02: register its exercises below this line)

register(
    Exercise(
        key="02-output-size",
        question="A 65-pixel input, a 3-tap kernel with dilation 4, stride 2, padding 2: how long is the output?",
        expected=lambda: arithmetic.conv_output_size(65, 3, stride=2, padding=2, dilation=4),
        hint="floor((N + 2P − d(K − 1) − 1) / S) + 1: the dilated kernel spans d(K − 1) + 1 pixels.",
        explanation=lambda: (
            f"span = 4·(3 − 1) + 1 = {arithmetic.effective_kernel_size(3, 4)}; "
            f"floor((65 + 2·2 − {arithmetic.effective_kernel_size(3, 4)}) / 2) + 1 = "
            f"floor({65 + 4 - arithmetic.effective_kernel_size(3, 4)} / 2) + 1 = "
            f"{arithmetic.conv_output_size(65, 3, stride=2, padding=2, dilation=4)}"
        ),
    )
)

register(
    Exercise(
        key="02-keep-size",
        question="A 5×5 kernel with dilation 3, stride 1: how much padding P per side keeps the output size?",
        expected=lambda: arithmetic.same_padding(32, 5, dilation=3)[0],
        hint="the output loses d(K − 1) pixels; put half of them back on each side.",
        explanation=lambda: (
            f"P = d(K − 1)/2 = 3·4/2 = {arithmetic.same_padding(32, 5, dilation=3)[0]}; check: "
            f"conv_output_size(32, 5, padding={arithmetic.same_padding(32, 5, dilation=3)[0]}, dilation=3) = "
            f"{arithmetic.conv_output_size(32, 5, padding=arithmetic.same_padding(32, 5, dilation=3)[0], dilation=3)}"
        ),
    )
)

register(
    Exercise(
        key="02-never-read",
        question=(
            "An 11-pixel row, a 3-tap kernel with dilation 2 and stride 2, no padding: how many of the 11 pixels "
            "does no tap ever read?"
        ),
        expected=lambda: len(_never_read(11, 3, 2, 0, 2)),
        hint="tap t of window o reads pixel o·S + t·d. With S = d = 2, which pixels can that be?",
        explanation=lambda: (
            f"every tap reads pixel 2·o + 2·t, an even number, so the odd pixels {_never_read(11, 3, 2, 0, 2)} "
            f"are never read: {len(_never_read(11, 3, 2, 0, 2))} of 11"
        ),
    )
)


# --- 03 · receptive field ---------------------------------------------
# (section for notebook 03: register its exercises below this line)

from . import receptive as _receptive  # noqa: E402


def _stack_03() -> "list[_receptive.Layer]":
    """3×3 conv, 2×2 max-pool stride 2, 3×3 conv, 3×3 conv (all convs padded by 1)."""
    L = _receptive.Layer
    return [L(3, padding=1, name="conv1"), L(2, stride=2, name="pool1", kind="pool"),
            L(3, padding=1, name="conv2"), L(3, padding=1, name="conv3")]


def _doubling_depth(target: int) -> int:
    """Fewest 3×3 layers with dilations 1, 2, 4, … whose receptive field reaches ``target``."""
    depth = 1
    while _receptive.receptive_field(
        [_receptive.Layer(3, dilation=2**i, padding=2**i) for i in range(depth)]
    )[-1].r < target:
        depth += 1
    return depth


def _fixed_rate_depth(target: int, rate: int) -> int:
    depth = 1
    while _receptive.receptive_field([_receptive.Layer(3, dilation=rate, padding=rate)] * depth)[-1].r < target:
        depth += 1
    return depth


def _vgg_span(u: int) -> "list[int]":
    """First and last input pixel of the receptive field of VGG-16 pool5 output ``u``."""
    row = _receptive.receptive_field(_receptive.vgg16())[-1]
    first = -row.P + u * row.S
    return [first, first + row.r - 1]


register(
    Exercise(
        key="03-pool-stack",
        question="A 3×3 conv, a 2×2 max-pool with stride 2, then two more 3×3 convs (stride 1): "
        "how many input pixels wide is the receptive field of one final output?",
        expected=lambda: _receptive.receptive_field(_stack_03())[-1].r,
        hint="r_l = r_(l-1) + (k_l - 1)·S_(l-1): after the pool every 3×3 adds 2 × the jump, and the jump is 2.",
        explanation=lambda: "r after each layer: "
        + " → ".join(f"{row.name} {row.r}" for row in _receptive.receptive_field(_stack_03()))
        + f"; the two 3×3 convs after the pool each add 2·{_receptive.receptive_field(_stack_03())[1].S} pixels.",
    )
)

register(
    Exercise(
        key="03-doubling-depth",
        question="3×3 layers with dilations 1, 2, 4, 8, … (doubling, padding = dilation): how many layers "
        "are needed for a receptive field of at least 129 pixels?",
        expected=lambda: _doubling_depth(129),
        hint="with doubling rates r_l = 2^(l+1) - 1; find the first l where that reaches 129.",
        explanation=lambda: (
            f"r = {', '.join(str(row.r) for row in _receptive.receptive_field([_receptive.Layer(3, dilation=2**i, padding=2**i) for i in range(_doubling_depth(129))]))}"
            f": {_doubling_depth(129)} layers. With a fixed rate 2 instead (r = 4l + 1) you would need "
            f"{_fixed_rate_depth(129, 2)} layers: only doubling rates grow exponentially."
        ),
    )
)

register(
    Exercise(
        key="03-vgg-span",
        question="VGG-16 on a 224×224 image gives a 7×7 pool5 map. Which input pixels (per axis) does pool5 "
        "output index 3, the middle of the map, see? Answer [first, last].",
        expected=lambda: _vgg_span(3),
        hint="output u sees input pixels u·S - P … u·S - P + r - 1 (Araujo et al.), with r, S, P from the table.",
        explanation=lambda: (
            f"pool5 has r = {_receptive.receptive_field(_receptive.vgg16())[-1].r}, "
            f"S = {_receptive.receptive_field(_receptive.vgg16())[-1].S}, "
            f"P = {_receptive.receptive_field(_receptive.vgg16())[-1].P}: first = 3·S - P = {_vgg_span(3)[0]}, "
            f"last = first + r - 1 = {_vgg_span(3)[1]}. Its centre {sum(_vgg_span(3)) / 2} is exactly the middle "
            f"of the image, (224 - 1)/2 = {(224 - 1) / 2}, and it lies "
            f"{'inside' if _vgg_span(3)[0] >= 0 and _vgg_span(3)[1] <= 223 else 'partly outside'} the image; the corner outputs "
            f"(u = 0: {_vgg_span(0)}) reach {-_vgg_span(0)[0]} pixels into the zero padding."
        ),
    )
)

# --- 04 · output stride and heatmaps ----------------------------------
# (section for notebook 04: register its exercises below this line)
from . import receptive as _receptive  # noqa: E402


def _nb04_block4_factor() -> float:
    def block4(os_: int) -> int:
        return sum(c.macs for c in _receptive.resnet50_costs(512, output_stride=os_) if c.name.startswith("block4"))

    return block4(8) / block4(16)


def _nb04_mismatched() -> int:
    return _receptive.output_sizes([_receptive.Layer(3, dilation=2, padding=1)] * 3, 65)[-1]


register(
    Exercise(
        key="04-heatmap-size",
        question="A 'same'-padded network with output stride 16 gets a 321×321 crop: how many heatmap cells per side?",
        expected=lambda: arithmetic.heatmap_size(321, 16),
        hint="with 'same' padding every stride-s layer rounds up: the heatmap has ceil(N / OS) cells per side.",
        explanation=lambda: (
            f"ceil(321 / 16) = ceil({321 / 16:.4g}) = {arithmetic.heatmap_size(321, 16)}; "
            f"DeepLab's formula (N - 1)/OS + 1 = {(321 - 1) // 16 + 1} agrees because 321 = {(321 - 1) // 16}·16 + 1."
        ),
    )
)

register(
    Exercise(
        key="04-mismatched-padding",
        question=(
            "A 65×65 map goes through three 3×3 convolutions with atrous rate 2 but padding 1 "
            "(copied from a rate-1 layer), stride 1: how many cells per side are left?"
        ),
        expected=_nb04_mismatched,
        hint="a dilated 3×3 kernel spans 2d + 1 pixels; with padding P each layer gives N + 2P - 2d.",
        explanation=lambda: (
            f"each layer: N + 2·1 - 2·2 = N - 2, so 65 -> {_receptive.output_sizes([_receptive.Layer(3, dilation=2, padding=1)], 65)[-1]}"
            f" -> ... -> {_nb04_mismatched()}. With padding 2 (= rate) every layer keeps "
            f"{_receptive.output_sizes([_receptive.Layer(3, dilation=2, padding=2)] * 3, 65)[-1]}."
        ),
    )
)

register(
    Exercise(
        key="04-compute-factor",
        question=(
            "ResNet-50 on a 512×512 input goes from output stride 16 to 8 (DeepLab's move): "
            "by what factor do block 4's multiply-adds grow?"
        ),
        expected=_nb04_block4_factor,
        hint="block 4's maps grow by the removed stride along each axis; multiply-adds scale with H·W.",
        explanation=lambda: (
            f"block 4's maps go from {_receptive.output_sizes(_receptive.resnet50(16), 512)[-1]}² to "
            f"{_receptive.output_sizes(_receptive.resnet50(8), 512)[-1]}² cells while its weights stay the same, "
            f"so its multiply-adds grow by the square of the side ratio, {_nb04_block4_factor():g}."
        ),
    )
)

register(
    Exercise(
        key="04-aspp-rates",
        question=(
            "DeepLab uses ASPP rates (6, 12, 18) at output stride 16. A network running at output stride 4 "
            "should see the same field of view: which three rates? (a list)"
        ),
        expected=lambda: [rate * 16 // 4 for rate in (6, 12, 18)],
        hint="the taps of a rate-d convolution on a stride-OS map are d·OS input pixels apart: keep d·OS constant.",
        explanation=lambda: (
            "taps are rate × OS input pixels apart: "
            + ", ".join(f"{rate}·16 = {rate * 16}" for rate in (6, 12, 18))
            + "; at OS 4 that needs rates "
            + ", ".join(f"{rate * 16}/4 = {rate * 16 // 4}" for rate in (6, 12, 18))
            + " (OS 8 gives DeepLab's doubled rates "
            + ", ".join(str(rate * 16 // 8) for rate in (6, 12, 18))
            + ")."
        ),
    )
)



# --- 05 · gridding artifacts ------------------------------------------
# (section for notebook 05: register its exercises below this line)

import functools  # noqa: E402
import math  # noqa: E402

from . import gridding as _gridding  # noqa: E402


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


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: register its exercises below this line)

def _simplebaselines_heatmap(hw: "tuple[int, int]", stages: int = 3) -> "tuple[int, int]":
    h, w = arithmetic.heatmap_size(hw, 32)
    for _ in range(stages):
        h = arithmetic.transposed_output_size(h, 4, stride=2, padding=1)
        w = arithmetic.transposed_output_size(w, 4, stride=2, padding=1)
    return (h, w)


register(
    Exercise(
        key="06-simplebaselines",
        question=(
            "A 384×288 input goes through a ResNet at output stride 32, then three transposed "
            "convolutions with k=4, s=2, p=1. What is the heatmap size (height, width)?"
        ),
        expected=lambda: _simplebaselines_heatmap((384, 288)),
        hint="first ceil(N / 32) per axis, then (n - 1)*2 - 2*1 + (4 - 1) + 1 three times.",
        explanation=lambda: (
            f"384/32 = {arithmetic.heatmap_size(384, 32)} and 288/32 = {arithmetic.heatmap_size(288, 32)}; "
            f"each k=4, s=2, p=1 layer gives (n-1)*2 - 2 + 3 + 1 = 2n, so three of them multiply by 8: "
            f"{_simplebaselines_heatmap((384, 288))} (HRNet's 384×288 heatmaps are 96×72)."
        ),
    )
)


def _interior_overlap_values(kernel: int, stride: int, n: int = 8) -> "set[int]":
    import numpy as np

    from .conv import conv_transpose2d

    counts = conv_transpose2d(np.ones((n, n)), np.ones((kernel, kernel)), stride=stride)
    inner = counts[kernel - 1 : (n - 1) * stride + 1, kernel - 1 : (n - 1) * stride + 1]
    return {int(v) for v in np.unique(inner)}


register(
    Exercise(
        key="06-overlap-values",
        question=(
            "A transposed convolution with a 5×5 kernel of ones and stride 2 is applied to a large "
            "input of ones. Which values appear in the interior of the output? Answer with a set, e.g. {1, 2}."
        ),
        expected=lambda: _interior_overlap_values(5, 2),
        hint="per axis, an output pixel gets floor(k/s) or ceil(k/s) kernel copies; in 2-D multiply the two axes.",
        explanation=lambda: (
            f"5 is not divisible by 2: per axis 2 or 3 copies land on each output pixel, so in 2-D "
            f"2*2, 2*3 or 3*3: {sorted(_interior_overlap_values(5, 2))} — an uneven pattern, a checkerboard."
        ),
    )
)


def _matching_output_padding(n_in: int, kernel: int, stride: int, padding: int) -> int:
    small = arithmetic.conv_output_size(n_in, kernel, stride=stride, padding=padding)
    for op in range(stride):
        if arithmetic.transposed_output_size(small, kernel, stride=stride, padding=padding, output_padding=op) == n_in:
            return op
    raise ValueError("no output_padding recovers the input size")  # pragma: no cover


register(
    Exercise(
        key="06-output-padding",
        question=(
            "A convolution with k=3, s=2, p=1 maps a 14-pixel input to 7 pixels. Which output_padding "
            "makes the matching ConvTranspose2d (k=3, s=2, p=1) map 7 pixels back to 14?"
        ),
        expected=lambda: _matching_output_padding(14, 3, 2, 1),
        hint="compute (7 - 1)*2 - 2*1 + (3 - 1) + 1 and add what is missing.",
        explanation=lambda: (
            f"(7-1)*2 - 2 + 2 + 1 = {arithmetic.transposed_output_size(7, 3, stride=2, padding=1)}; both 13 and 14 "
            f"map to {arithmetic.conv_output_size(13, 3, stride=2, padding=1)}, so the transposed layer cannot know "
            f"which one you want: output_padding = {_matching_output_padding(14, 3, 2, 1)} adds the missing pixel."
        ),
    )
)


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: register its exercises below this line)

from . import design as _design  # noqa: E402


def _largest_safe_stride(distance: float, *, within: int = 0, dy: float = 0.0) -> int:
    return max(
        s for s in (1, 2, 4, 8, 16, 32) if _design.cell_collision_fraction(distance, dy, s, within=within) == 0.0
    )


register(
    Exercise(
        key="07-heatmap-size",
        question=(
            "512×512 tiles, ResNet-50 at output stride 32, then two k=4, s=2, p=1 transposed "
            "convolutions. What is the heatmap size (one side)?"
        ),
        expected=lambda: _design.design_report(512, 32, upsample=4).heatmap_size,
        hint="ceil(512 / 32) cells, and each k=4, s=2, p=1 layer doubles the size.",
        explanation=lambda: (
            f"512/32 = {arithmetic.heatmap_size(512, 32)}, doubled twice: "
            f"{arithmetic.heatmap_size(512, 32) * 4} (a heatmap stride of {512 // (arithmetic.heatmap_size(512, 32) * 4)} px)."
        ),
    )
)

register(
    Exercise(
        key="07-safe-stride",
        question=(
            "Two objects lie 12 px apart side by side. What is the largest power-of-two heatmap stride "
            "that puts them in different cells for every grid offset?"
        ),
        expected=lambda: _largest_safe_stride(12),
        hint="along one axis they share a cell at a share 1 - d/s of the offsets; that must be 0.",
        explanation=lambda: (
            f"1 - 12/s <= 0 needs s <= 12, so {_largest_safe_stride(12)}; on a 45° diagonal each axis only "
            f"sees 12/√2 ≈ 8.49 px, and {_largest_safe_stride(12 / 2**0.5, dy=12 / 2**0.5)} still works. For an "
            f"empty cell between them (two peaks under 3×3 peak extraction) the stride must be at most 6: "
            f"{_largest_safe_stride(12, within=1)}."
        ),
    )
)

register(
    Exercise(
        key="07-collision-share",
        question=(
            "At heatmap stride 16, at what share of grid offsets do two objects 12 px apart "
            "(side by side) fall into the same cell? Answer as a fraction, e.g. 0.5."
        ),
        expected=lambda: _design.cell_collision_fraction(12, 0, 16),
        hint="their cell indices differ by floor(d/s) or floor(d/s) + 1; the second happens at a share frac(d/s).",
        explanation=lambda: (
            f"1 - 12/16 = {_design.cell_collision_fraction(12, 0, 16)}: "
            "whenever the left object sits in the first 4 of the cell's 16 pixels."
        ),
    )
)
