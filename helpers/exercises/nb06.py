"""Exercises of notebook 06 · upsampling and checkerboard (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from ._engine import Exercise, register


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

    from ..conv import conv_transpose2d

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
