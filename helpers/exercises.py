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
    if wanted != got and not (wanted == "a whole number" and got == "a number"):
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


# --- 02 · dilation ----------------------------------------------------
# (section for notebook 02: register its exercises below this line)


# --- 03 · receptive field ---------------------------------------------
# (section for notebook 03: register its exercises below this line)


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


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: register its exercises below this line)


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: register its exercises below this line)
