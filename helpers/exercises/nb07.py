"""Exercises of notebook 07 · design lab (answers computed from the formulas)."""

from __future__ import annotations

from .. import arithmetic
from .. import design as _design
from ._engine import Exercise, register


def _largest_safe_stride(distance: float, *, within: int = 0, dy: float = 0.0) -> int:
    return max(
        s for s in (1, 2, 4, 8, 16, 32) if _design.cell_collision_fraction(distance, dy, s, within=within) == 0.0
    )


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
