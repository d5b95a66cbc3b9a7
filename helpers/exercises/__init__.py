"""Answer checks for the "Check yourself" cells: one module per notebook on a shared engine.

Every exercise computes its expected answer from the formulas of this package
(never a typed constant), lists the common wrong answers with the hint each
deserves, and keeps its worked solution hidden until the learner opens it.

Usage in a notebook::

    from helpers import exercises
    exercises.check("00-warmup", 4)     # ✓ Correct! / ✗ the hint that answer deserves
    exercises.solution("00-warmup")     # a collapsed "Show the worked solution"

``_engine`` holds the machinery (:class:`Exercise`, :class:`Mistake`, checking,
hidden solutions, predict-first reveals); ``nb00`` … ``nb07`` register the
exercises of each notebook; ``_spoilers`` finds answers printed before their question.
"""

from __future__ import annotations

from ._engine import (
    KINDS,
    Exercise,
    Mistake,
    Reveal,
    Solution,
    _get,
    check,
    check_answer,
    keys,
    mistake_for,
    register,
    registry,
    reveal,
    solution,
    solution_text,
)
from ._spoilers import Spoiler, find_spoilers
from . import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07  # noqa: E402,F401  (registers every exercise)

__all__ = [
    "Exercise",
    "Mistake",
    "register",
    "check",
    "check_answer",
    "mistake_for",
    "solution",
    "solution_text",
    "reveal",
    "keys",
    "registry",
    "KINDS",
    "Solution",
    "Reveal",
    "find_spoilers",
    "Spoiler",
]
