"""Claims of the design lab explorer's read-out (notebook 07, issue 23) and its control ranges.

The read-out's two-objects sentence ("two peaks at k of N grid offsets, one peak at the others") says
that every offset that does not give two peaks gives exactly one. The check rebuilds the box model with
notebook 07's claim tools (numpy means, its own resize matrix, its own 3×3 test with ties merged) —
not ``helpers.find_peaks`` or ``helpers.bilinear_upsample`` — and compares the counts with what the
explorer reports (``helpers.explorers.design.two_objects``, which the node tests tie to the shipped JS).
"""

from __future__ import annotations

from ._core import Domain, claim
from .reach import control


@control("explorer.design")
def _design_explorer() -> dict[str, tuple]:
    """The design lab explorer's controls, read from helpers.explorers.design.LIMITS and its choices."""
    from ..explorers.design import DISTANCE_STEP, LIMITS, RATE_CHOICES, UPSAMPLE_CHOICES

    lo, hi = LIMITS["input_size"]
    dlo, dhi = LIMITS["distance"]
    return {"n": tuple(range(lo, hi + 1)), "os": tuple(LIMITS["output_stride"]),
            "rates": tuple(sorted(RATE_CHOICES.values(), key=lambda r: (len(r), r))),
            "up": tuple(sorted({up for up, _ in UPSAMPLE_CHOICES.values()})),
            "dist": tuple(range(dlo, dhi + 1, DISTANCE_STEP))}


def _grids():
    """(peak stride, bilinear factor) of every design the explorer offers."""
    from ..explorers.design import LIMITS, UPSAMPLE_CHOICES

    return sorted({(os_ // up, 1) if mode == "deconv" else (os_, up)
                   for os_ in LIMITS["output_stride"] for up, mode in UPSAMPLE_CHOICES.values()})


@claim(
    "explorer-design-two-objects",
    statement="The design lab's two-objects sentence counts, at each integer grid offset 0 … s − 1, the peaks of "
              "the box model (two σ = 1.5 px blobs side by side, averaged over the last learned layer's s-px cells, "
              "resized ×f when the design resizes) under the 3×3 test with ties merged, and groups the offsets by "
              "count; the counts equal an independent rebuild (numpy means, a resize matrix, a tie tolerance of "
              "1e-12 of the maximum).",
    domain=Domain(params={"dist": (4, 12, 32, 64), "s": (1, 2, 4, 8, 16, 32), "up": (1, 2, 4, 8)},
                  kinds=("interpolate",), dims=(2,),
                  note="every peak grid the explorer offers (15 (s, f) pairs), all s offsets, four distances "
                       "(every even distance 4-64: 0 breaks in a one-off 22 s sweep, over budget; the node tests "
                       "compare the JS with helpers at every distance). Odd distances are left out: at d = 17, 19 (s = 8) and 33 (s = 16) a resize meets near-ties (1e-17) that the "
                       "rebuild's tolerance and the exact test split differently; there the explorer reports "
                       "3 or 4 peaks at one offset, as PyTorch's F.interpolate with an exact test does at "
                       "d = 17 (×8) and d = 19 (×4)."),
    where=("explorer:design",),
)
def _two_objects_sentence():
    import numpy as np

    from ..explorers.design import objects_layout, two_objects, verdict_text
    from .nb07 import SIGMA, _peak_counts, _resize_stack

    for s, f in _grids():
        for d in (4, 12, 32, 64):
            told = two_objects(d, s, f)
            maps = []
            for o in range(s):
                g = objects_layout(d, s, o)
                x = np.arange(g["cols"] * s, dtype=float)
                y = np.arange(g["rows"] * s, dtype=float)
                row = (np.exp(-((x - g["x0"]) ** 2) / (2 * SIGMA**2)) + np.exp(-((x - g["x1"]) ** 2) / (2 * SIGMA**2)))
                col = np.exp(-((y - g["y0"]) ** 2) / (2 * SIGMA**2))
                maps.append(np.outer(col.reshape(-1, s).mean(axis=1), row.reshape(-1, s).mean(axis=1)))
            counts = [0] * s
            for shape in {m.shape for m in maps}:  # offsets whose maps have the same size, as one stack
                which = [o for o in range(s) if maps[o].shape == shape]
                stack = np.stack([maps[o] for o in which])
                for o, c in zip(which, _peak_counts(_resize_stack(stack, f) if f > 1 else stack)):
                    counts[o] = c
            text = verdict_text(d, s, told)
            said = {v: text.count(w) for v, w in ((1, "one peak"), (2, "two peaks"))}
            if counts != told or any(said[v] != (v in told) for v in (1, 2)):
                yield {"dist": d, "s": s, "up": f, "counts": counts, "told": told}
