"""Exercises of notebook 07 · design lab (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from .. import design as _design
from ..design import cell_collision_fraction
from ._engine import Exercise, Mistake, register


def _largest_safe_stride(distance: float, *, within: int = 0, dy: float = 0.0) -> int:
    return max(
        s for s in (1, 2, 4, 8, 16, 32) if _design.cell_collision_fraction(distance, dy, s, within=within) == 0.0
    )


# "07-heatmap-size", "07-safe-stride" and "07-collision-share" are no longer asked in notebook 07
# (their answers are printed in sections 1 and 3); they stay registered for the engine's
# spoiler-check fixture. Notebook 07 asks the exercises registered further below.
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
            "that puts them in different cells for every grid offset?<!-- claim: nb07-same-cell-share -->"
        ),
        expected=lambda: _largest_safe_stride(12),
        hint="along one axis they share a cell at a share max(0, 1 - d/s) of the offsets; that must be 0.",
        explanation=lambda: (
            f"1 - 12/s <= 0 needs s <= 12, so {_largest_safe_stride(12)}; on a 45° diagonal each axis just "
            f"sees 12/√2 ≈ 8.49 px, and {_largest_safe_stride(12 / 2**0.5, dy=12 / 2**0.5)} still works. An "
            f"empty cell between them at each offset needs s ≤ d/2: "
            f"{_largest_safe_stride(12, within=1)}.<!-- claim: nb07-empty-cell-rule -->"
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


def _heatmap_side(n: int, output_stride: int, deconvs: int) -> int:
    side = arithmetic.heatmap_size(n, output_stride)
    for _ in range(deconvs):
        side = arithmetic.transposed_output_size(side, 4, stride=2, padding=1)
    return side


_DIAG = 12 / 2**0.5   # a 45° neighbour 12 px away: 8.49 px along each axis


def _two_peaks_everywhere(dx: float, dy: float, s: int) -> bool:
    """An empty cell between the two objects along some axis at every grid offset (the 3×3 test keeps both)."""
    return cell_collision_fraction(dx, dy, s, within=1) == 0


def _gains_a_peak(dy: int, dx: int) -> bool:
    """Does bilinear ×4 turn the one 3×3 peak of 1.0 at (3, 3) and 0.9 at (3 + dy, 3 + dx) into two?"""
    import numpy as np

    from ..conv import bilinear_upsample

    coarse = np.zeros((8, 8))
    coarse[3, 3], coarse[3 + dy, 3 + dx] = 1.0, 0.9
    return len(_design.find_peaks(bilinear_upsample(coarse, 32))) > len(_design.find_peaks(coarse))


register(Exercise(
    key="07-predict-two-peaks",
    question=("Two objects 12 px apart on the 45° diagonal, on a heatmap of stride 6 written by a learned layer. "
              "Decide before you run anything: does the 3×3 peak test find two peaks at each grid offset? "
              "Answer True or False.<!-- claim: nb07-empty-cell-rule -->"),
    expected=lambda: _two_peaks_everywhere(_DIAG, _DIAG, 6),
    kind="bool",
    predict_first=True,
    hint="The 3×3 test compares a cell with its 8 neighbours, diagonal ones included. How far apart are the objects "
         "along each axis?",
    mistakes=(
        Mistake("side-by-side rule applied to the diagonal", value=lambda: not _two_peaks_everywhere(_DIAG, _DIAG, 6),
                hint=("s ≤ d/2 is the rule along one axis. On the 45° diagonal each axis sees just 12/√2 ≈ 8.49 px, "
                      "and 8.49/6 < 2: at some offsets the two cells touch at a corner, and a corner neighbour is one "
                      "of the 8 the test compares with.")),
    ),
    explanation=lambda: (
        "False. Along each axis the objects are 12/√2 ≈ 8.49 px apart, so their cell indices differ by 1 or 2 on each "
        "axis. When both differences are 1 the cells are diagonal neighbours and the weaker peak is suppressed; that "
        f"happens at {cell_collision_fraction(_DIAG, _DIAG, 6, within=1):.0%} of offsets (the two axes' shares "
        "multiply). Two peaks need an empty cell between the objects' cells along one of the axes."),
))

register(Exercise(
    key="07-why-bilinear",
    question=("A stride-16 heatmap has 1.0 in one cell and 0.9 in the cell directly to its right, zeros elsewhere: "
              "one 3×3 peak. After bilinear ×4 (align_corners=False), which of the two placements of the 0.9 — to "
              "the right, as here, or on the diagonal as in step 3 — gives two peaks?"),
    options={"a": "to the right, not on the diagonal", "b": "on the diagonal, not to the right", "c": "both",
             "d": "neither"},
    expected=lambda: {(True, True): "c", (True, False): "a", (False, True): "b", (False, False): "d"}[
        (_gains_a_peak(0, 1), _gains_a_peak(1, 1))],
    kind="choice",
    hint=("Follow the interpolated surface from the 1.0 to the 0.9. Along a row, is there a dip between them? "
          "On the diagonal, the two other cells of the 2×2 block are 0."),
    mistakes=(
        Mistake("resizing always adds detail", value=lambda: "c",
                hint=("Along a row, bilinear interpolation runs in a straight line from 1.0 down to 0.9: the sample "
                      "next to the 0.9, on the 1.0 side, is larger, so the 0.9 stays suppressed. The diagonal gains "
                      "a peak because the surface dips between diagonal cells (a saddle).")),
        Mistake("resizing changes nothing", value=lambda: "d",
                hint=("Step 3's diagonal pair does gain a peak: the 3×3 window counts fine cells, so after ×4 it "
                      "reaches 4 px instead of 16, and between diagonal cells the surface dips below the 0.9.")),
        Mistake("interpolation passes through the coarse values", value=lambda: "a",
                hint=("With align_corners=False and an even factor no fine sample away from the clamped border lands "
                      "on a coarse one. And along a row the surface falls straight "
                      "from 1.0 to 0.9, with no dip that could isolate the 0.9.")),
    ),
    explanation=lambda: (
        "b: on the diagonal, not to the right. Resizing adds no learned detail, but the 3×3 test counts output cells: after ×4 it "
        "compares samples 4 px apart instead of 16. Between two diagonal cells the bilinear surface is a saddle (the "
        "other two cells of the block are 0), so the fine samples near the 0.9 have no larger neighbour within reach: "
        "a second peak. Along a row the interpolation is linear, falling straight from 1.0 to 0.9, so the 0.9's fine "
        "samples each have a larger neighbour on the 1.0 side: still one peak. The box model's pairs side by side "
        "behave the same way at even distances: there bilinear ×2, ×4 or ×8 leaves their peak count unchanged at "
        "every grid offset (a plateau of tied maxima counted once, ties within rounding merged), and ×2 leaves it "
        "unchanged at every distance.<!-- claim: nb07-resize-side-by-side --> At an odd distance one grid offset "
        "puts the pair symmetrically about a cell border, so the two middle cells tie, and ×4 or ×8 turns the flat "
        "stretch between them into a third peak at 17 and 19 px on the 8-px grid and at 33 and 35 px on the 16-px "
        "grid.<!-- claim: nb07-resize-mirror-tie --> An exact test sees the rounding in such ties: PyTorch's in "
        "float64 finds 2, 3 or 4 peaks there, depending on how the map was summed, and CenterNet's raw test in "
        "float32 can split a plateau or a near-tie into several peaks."),
))

register(Exercise(
    key="07-heatmap-size-640",
    question=("640×640 tiles, ResNet-50 at output stride 32, then *two* k=4, s=2, p=1 transposed convolutions. "
              "What is the heatmap size (one side)?"),
    expected=lambda: _heatmap_side(640, 32, 2),
    kind="number",
    hint="Divide by the output stride, then double once per deconvolution (notebook 06).",
    mistakes=(
        Mistake("no deconvolution", value=lambda: _heatmap_side(640, 32, 0),
                hint="That is the backbone's map; each deconvolution doubles it."),
        Mistake("one deconvolution", value=lambda: _heatmap_side(640, 32, 1), hint="Two deconvolutions: ×4."),
        Mistake("three deconvolutions", value=lambda: _heatmap_side(640, 32, 3),
                hint="That is SimpleBaselines' three; here there are two."),
    ),
    explanation=lambda: f"{_heatmap_side(640, 32, 2)}: 640/32 = 20, doubled twice (a heatmap stride of 8 px).",
))

register(Exercise(
    key="07-collision-share-20",
    question=("At heatmap stride 32, at what share of grid offsets do two objects 20 px apart (side by side) fall "
              "into the same cell? Answer as a fraction."),
    expected=lambda: cell_collision_fraction(20, 0, 32),
    kind="number",
    hint=("Their cell indices differ by ⌊d/s⌋ or ⌊d/s⌋ + 1; the first happens at a share 1 − frac(d/s) of the "
          "offsets.<!-- claim: nb07-same-cell-share -->"),
    mistakes=(
        Mistake("a percentage", value=lambda: 100 * cell_collision_fraction(20, 0, 32),
                hint="That is the share as a percentage; answer as a fraction between 0 and 1."),
        Mistake("complement", value=lambda: 1 - cell_collision_fraction(20, 0, 32),
                hint="That is the share where they land in *different* cells."),
        Mistake("both axes", value=lambda: cell_collision_fraction(20, 0, 32) ** 2,
                hint="Side by side they differ along one axis; along the other they share the row."),
    ),
    explanation=lambda: (
        f"{cell_collision_fraction(20, 0, 32)}: 1 − 20/32 — whenever the left object sits in the first 12 of the "
        "cell's 32 pixels."),
))
