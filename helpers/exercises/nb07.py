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
            "that puts them in different cells for every grid offset?"
        ),
        expected=lambda: _largest_safe_stride(12),
        hint="along one axis they share a cell at a share 1 - d/s of the offsets; that must be 0.",
        explanation=lambda: (
            f"1 - 12/s <= 0 needs s <= 12, so {_largest_safe_stride(12)}; on a 45° diagonal each axis only "
            f"sees 12/√2 ≈ 8.49 px, and {_largest_safe_stride(12 / 2**0.5, dy=12 / 2**0.5)} still works. For an "
            f"empty cell between them (two peaks under 3×3 peak extraction) the stride must be at most 6: "
            f"{_largest_safe_stride(12, within=1)}."
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


register(Exercise(
    key="07-predict-two-peaks",
    question=("Two objects 20 px apart, side by side, on a stride-8 heatmap (a box-average heatmap as in step 2). "
              "Does a 3×3 peak extractor find two peaks at *every* grid offset? Answer True or False."),
    expected=lambda: cell_collision_fraction(20, 0, 8, within=1) == 0,
    kind="bool",
    predict_first=True,
    hint="Two peaks need an empty cell between the objects' cells. How far apart are their cell indices, at worst?",
    mistakes=(
        Mistake("separate cells are not enough, so no", value=lambda: not (cell_collision_fraction(20, 0, 8, within=1) == 0),
                hint=("Right that separate cells are not enough — but here d/s = 20/8 = 2.5: the cell indices differ "
                      "by 2 or 3, so there is always at least one empty cell between them.")),
    ),
    explanation=lambda: (
        "True. Along the axis the cell indices differ by ⌊20/8⌋ = 2 or 3; an empty cell lies between them at every "
        f"offset (share of offsets in the same or adjacent cells: {cell_collision_fraction(20, 0, 8, within=1):.0%}). "
        "The rule: two peaks at every offset when s ≤ d/2."),
))

register(Exercise(
    key="07-why-bilinear",
    question=("A design runs its last learned layer at stride 16 and then resizes the heatmap bilinearly ×4, to a "
              "stride-4 array. Why can it still not separate two objects 12 px apart at every offset?"),
    options={"a": "the peaks are those of the stride-16 map: interpolation adds pixels, not separated peaks",
             "b": "bilinear interpolation blurs the peaks away",
             "c": "the resized array is still too small"},
    expected=lambda: "a",
    kind="choice",
    hint="Compare the resized array's size with a stride-4 heatmap's, then ask where its local maxima can lie.",
    mistakes=(
        Mistake("blur", value=lambda: "b",
                hint="Interpolation passes through the coarse values; it does not lower a peak below its neighbours."),
        Mistake("size", value=lambda: "c",
                hint="The resized array has exactly as many cells as a stride-4 heatmap; size is not the problem."),
    ),
    explanation=lambda: (
        "a. Between coarse samples bilinear interpolation is linear along each axis, so the resized map has no "
        "structure finer than the stride-16 grid: objects the coarse map merged stay merged (a plateau of ties is "
        "counted once). What separates objects is the stride of the last learned layer (peak_stride); at 16 the "
        f"two objects share a cell at {cell_collision_fraction(12, 0, 16):.0%} of offsets."),
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
    hint="Their cell indices differ by ⌊d/s⌋ or ⌊d/s⌋ + 1; the first happens at a share 1 − frac(d/s) of the offsets.",
    mistakes=(
        Mistake("complement", value=lambda: 1 - cell_collision_fraction(20, 0, 32),
                hint="That is the share where they land in *different* cells."),
        Mistake("both axes", value=lambda: cell_collision_fraction(20, 0, 32) ** 2,
                hint="Side by side they differ along one axis only; the other axis always agrees."),
    ),
    explanation=lambda: (
        f"{cell_collision_fraction(20, 0, 32)}: 1 − 20/32 — whenever the left object sits in the first 12 of the "
        "cell's 32 pixels."),
))
