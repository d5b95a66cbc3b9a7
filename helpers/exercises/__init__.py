"""Answer checks for the "Check yourself" cells: one module per notebook on a shared engine.

Every exercise computes its expected answer from the formulas of this package
(never a typed constant), lists the common wrong answers with the hint each
deserves, and keeps its worked solution hidden until the learner opens it.

Usage in a notebook::

    from helpers import exercises
    exercises.check("00-warmup", 4)     # ✓ Correct! / ✗ the hint that answer deserves
    exercises.solution("00-warmup")     # a collapsed "Show the worked solution"

Writing an exercise (in ``nbNN.py`` of its notebook)::

    register(Exercise(
        key="05-predict-235",
        question="Does the stack of rates (2, 3, 5) leave holes? Answer True or False.",
        expected=lambda: coverage_stats(dilated_stack((2, 3, 5))).holes > 0,   # computed, never typed
        hint="list the offsets one output reaches along one axis",
        explanation=lambda: f"...worked solution with computed numbers...",
        mistakes=(
            Mistake("common factor", hint="...", value=lambda: ...),     # the wrong answer it produces
            Mistake("off by one", hint="...", when=lambda ans: ...,     # or a predicate on the answer,
                    example=lambda: ...),                                 # with an example for the tests
        ),
        predict_first=True,
    ))

In the notebook: ``exercises.check(key, answer)``, ``exercises.solution(key)`` (a collapsed
"Show the worked solution") and, for predict-first questions, ``exercises.reveal(key, fig, "text")``.

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
from . import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08  # noqa: E402,F401  (registers every exercise)

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
