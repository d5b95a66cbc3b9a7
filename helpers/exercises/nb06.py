"""Exercises of notebook 06 · upsampling and checkerboard (answers computed from the formulas)."""

from __future__ import annotations

import numpy as np

from .. import arithmetic
from ..conv import conv_transpose2d
from ._engine import Exercise, Mistake, register

def _interior_overlap_values(kernel: int, stride: int, n: int = 8) -> "list[int]":
    counts = conv_transpose2d(np.ones((n, n)), np.ones((kernel, kernel)), stride=stride)
    return sorted({int(v) for v in counts[kernel:-kernel, kernel:-kernel].ravel()})


def _matching_output_padding(n_in: int, kernel: int, stride: int, padding: int) -> int:
    m = arithmetic.conv_output_size(n_in, kernel, stride=stride, padding=padding)
    return n_in - arithmetic.transposed_output_size(m, kernel, stride=stride, padding=padding)



def _simplebaselines_heatmap(hw: "tuple[int, int]", stages: int = 3) -> "tuple[int, int]":
    h, w = arithmetic.heatmap_size(hw, 32)
    for _ in range(stages):
        h = arithmetic.transposed_output_size(h, 4, stride=2, padding=1)
        w = arithmetic.transposed_output_size(w, 4, stride=2, padding=1)
    return (h, w)




# "06-output-padding" is no longer asked in notebook 06 (section 1 prints its answer); it stays
# registered for the engine's spoiler-check fixture. Notebook 06 asks "06-output-padding-18".
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
            f"map to {arithmetic.conv_output_size(13, 3, stride=2, padding=1)}, so the size alone does not tell the "
            f"transposed layer which one you want: output_padding = {_matching_output_padding(14, 3, 2, 1)} adds the missing pixel."
        ),
    )
)


_KERNELS = (3, 4, 5, 6)


def _flat_with_random_weights(k: int, stride: int = 2, seed: int = 0) -> bool:
    """Is the interior of a transposed conv of a constant input flat, for seeded random weights?"""
    w = np.random.default_rng(seed).uniform(0.2, 1.0, (k, k))
    out = conv_transpose2d(np.ones((10, 10)), w, stride=stride)
    inner = out[k : -k, k : -k]
    return bool(np.allclose(inner, inner.flat[0]))


def _flat_kernels() -> "tuple[int, ...]":
    return tuple(k for k in _KERNELS if _flat_with_random_weights(k))


def _heatmap(hw: "tuple[int, int]", stages: int = 3) -> "tuple[int, int]":
    h, w = arithmetic.heatmap_size(hw, 32)
    for _ in range(stages):
        h = arithmetic.transposed_output_size(h, 4, stride=2, padding=1)
        w = arithmetic.transposed_output_size(w, 4, stride=2, padding=1)
    return h, w


register(Exercise(
    key="06-predict-flat",
    question=("A transposed convolution with stride 2 and seeded *random* positive weights gets a constant input. "
              "For which of the kernel sizes k = 3, 4, 5, 6 is the interior of its output flat?"),
    options={"a": "k = 4 and k = 6 (the stride divides k)", "b": "k = 3 and k = 5",
             "c": "not one of the four", "d": "each of the four"},
    expected=lambda: {(): "c", (4, 6): "a", (3, 5): "b", _KERNELS: "d"}[_flat_kernels()],
    kind="choice",
    predict_first=True,
    hint="A constant input gives, at each output phase, the sum of that phase's taps. When are the four sums equal?",
    mistakes=(
        Mistake("even overlap = flat", value=lambda: "a",
                hint=("With d = 1, S | k gives each phase the same *number* of taps (flat with weights of ones), but with "
                      "random weights the four phase sums differ: a checkerboard anyway.")),
        Mistake("odd kernels", value=lambda: "b",
                hint="Odd kernels at stride 2 are uneven even with weights of ones (1 or 2 copies per axis)."),
    ),
    explanation=lambda: (
        "c: not one of them. The value at an interior output pixel of phase (a, b) is the sum of the taps w[i, j] "
        "with i ≡ a, j ≡ b (mod 2); these seeded random weights make the four sums differ at each k, and for odd "
        f"k the phases do not even hold the same number of taps. Flat kernels found by computation: {list(_flat_kernels())}. "
        "Resize-then-convolve makes the phase sums equal by construction."),
))

register(Exercise(
    key="06-output-padding-18",
    question=("A convolution with k=5, s=3, p=2 maps an 18-pixel input to "
              f"{arithmetic.conv_output_size(18, 5, stride=3, padding=2)} pixels. Which `output_padding` makes the "
              "matching ConvTranspose2d (k=5, s=3, p=2) map them back to 18?"),
    expected=lambda: _matching_output_padding(18, 5, 3, 2),
    kind="number",
    hint="Apply the transposed formula with output_padding = 0 and add what is missing; it must stay below the stride.",
    mistakes=(
        Mistake("one pixel short", value=lambda: _matching_output_padding(18, 5, 3, 2) - 1,
                hint=("That gives 17, another input that maps to the same size: several input sizes collapse to "
                      "one output size when the stride is 3. Count again from output_padding = 0.")),
        Mistake("the stride", value=lambda: 3,
                hint="output_padding must be smaller than the stride (or the dilation): 3 is not allowed here."),
        Mistake("no output_padding", value=lambda: 0,
                hint=("With output_padding = 0 the transposed layer gives 16 pixels, not 18: 16, 17 and 18 each map "
                      "to 6, and output_padding says which of them you want back.")),
    ),
    explanation=lambda: (
        f"{_matching_output_padding(18, 5, 3, 2)}: with output_padding 0 the transposed layer gives "
        f"({arithmetic.conv_output_size(18, 5, stride=3, padding=2)} − 1)·3 − 4 + 4 + 1 = "
        f"{arithmetic.transposed_output_size(arithmetic.conv_output_size(18, 5, stride=3, padding=2), 5, stride=3, padding=2)}"
        "; 16, 17 and 18 each map to 6, so output_padding picks which one you get back."),
))

register(Exercise(
    key="06-overlap-values",
    question=("A transposed convolution with a 5×5 kernel of ones and stride 2 is applied to a large input of ones. "
              "Which values appear in the interior of the output? Answer with a set."),
    expected=lambda: set(_interior_overlap_values(5, 2)),
    kind="set",
    hint=("With dilation 1, per axis an interior pixel gets ⌊K/S⌋ or ⌈K/S⌉ copies.<!-- claim: nb06-overlap-phase --> "
          "In 2-D, multiply the counts of the two axes."),
    mistakes=(
        Mistake("one axis only", value=lambda: {5 // 2, -(-5 // 2)},
                hint="Those are the counts along one axis; in 2-D multiply a row count by a column count."),
        Mistake("the k=3 pattern", value=lambda: set(_interior_overlap_values(3, 2)),
                hint="That is the pattern of a 3×3 kernel; with 5 taps per axis each pixel gets 2 or 3 copies."),
    ),
    explanation=lambda: (
        f"{_interior_overlap_values(5, 2)}: 5 is not divisible by 2, so per axis 2 or 3 copies land on each output "
        "pixel, and in 2-D 2·2, 2·3 or 3·3 — an uneven pattern, a checkerboard."),
))

register(Exercise(
    key="06-simplebaselines",
    question=("HRNet and SimpleBaselines also train on 384×288 crops. With a ResNet at output stride 32 and three "
              "k=4, s=2, p=1 deconvolutions, what is the heatmap size (height, width)?"),
    expected=lambda: _heatmap((384, 288)),
    kind="pair",
    hint="Divide by the output stride (rounding up), then apply the transposed-convolution formula three times.",
    mistakes=(
        Mistake("no deconvolution", value=lambda: _heatmap((384, 288), 0),
                hint="That is the backbone's map; the three deconvolutions each double it."),
        Mistake("one deconvolution short", value=lambda: _heatmap((384, 288), 2),
                hint="Three deconvolutions, each ×2: ×8 in total."),
        Mistake("four deconvolutions", value=lambda: _heatmap((384, 288), 4), hint="Three deconvolutions here, not four."),
    ),
    explanation=lambda: (
        f"{_heatmap((384, 288))}: 384/32 = 12 and 288/32 = 9; each k=4, s=2, p=1 layer gives (n−1)·2 − 2 + 3 + 1 = 2n, "
        "so three of them multiply by 8 (HRNet's 384×288 heatmaps)."),
))


def _dilated_overlap_values(kernel: int = 6, stride: int = 4, dilation: int = 2, n: int = 10) -> "set[int]":
    counts = conv_transpose2d(np.ones((n, n)), np.ones((kernel, kernel)), stride=stride, dilation=dilation)
    span = dilation * (kernel - 1)
    return {int(v) for v in counts[span: (n - 1) * stride + 1, span: (n - 1) * stride + 1].ravel()}


register(Exercise(
    key="06-overlap-dilated",
    question=("A transposed convolution with a 6×6 kernel of ones, stride 4 and dilation 2 is applied to a large input "
              "of ones. Which values appear in the interior of the output? Answer with a set."),
    expected=lambda: _dilated_overlap_values(),
    kind="set",
    hint=("List where the six taps of one copy land, modulo the stride: a·d mod S for a = 0 … 5. "
          "Count the taps in each phase, then multiply a row count by a column count."),
    mistakes=(
        Mistake("dilation ignored", value=lambda: _dilated_overlap_values(dilation=1),
                hint=("Those are the counts with dilation 1 (1 or 2 copies per axis). With d = 2 the taps sit at "
                      "0, 2, 4, 6, 8, 10: modulo 4 they hit phases 0 and 2 and leave 1 and 3 empty.")),
        Mistake("one axis only", value=lambda: {0, 3},
                hint="Those are the counts along one axis; in 2-D multiply a row count by a column count."),
    ),
    explanation=lambda: (
        f"{sorted(_dilated_overlap_values())}: the taps of one copy land at 0, 2, 4, 6, 8, 10, i.e. at phases "
        "0, 2, 0, 2, 0, 2 modulo 4. Per axis, phases 0 and 2 get three copies each and phases 1 and 3 get no copy; in 2-D "
        "the products are 0 (a row or column of holes) and 3·3 = 9. The stride does not divide 6, and it shares "
        "the factor 2 with the dilation, so two of the four phases get no copy."),
))
