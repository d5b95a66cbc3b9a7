"""Exercises of notebook 01 · stride (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from ._engine import Exercise, register


def _never_read(n: int, k: int, s: int, p: int, d: int = 1) -> "list[int]":
    """Input indices that no tap reads (via :func:`helpers.conv.tap_counts`)."""
    from ..conv import tap_counts

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
