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


# --- 05 · gridding artifacts ------------------------------------------
# (section for notebook 05: register its exercises below this line)


# --- 06 · upsampling and checkerboard ---------------------------------
# (section for notebook 06: register its exercises below this line)


# --- 07 · design lab --------------------------------------------------
# (section for notebook 07: register its exercises below this line)
