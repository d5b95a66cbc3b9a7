"""Exercises of notebook 02 · dilation (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from .nb01 import _never_read
from ._engine import Exercise, register


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
