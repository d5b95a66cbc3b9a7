"""Exercises of notebook 00 · start here (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from ._engine import Exercise, register


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
