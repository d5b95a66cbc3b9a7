"""Claims of notebook 07 · design lab (issue 18, issue 21 items 1, 2, 3 and 6).

The checks build their own heatmaps (two Gaussian blobs, σ = 1.5 px, averaged over s×s cells: notebook
07's box model), their own bilinear resize (PyTorch's ``align_corners=False`` definition, with loops)
and their own 3×3 peak test (CenterNet's ``max_pool2d(3, 1, 1) == h``, tied pixels merged into one
peak per 8-connected plateau) — never ``helpers.find_peaks`` or ``helpers.bilinear_upsample``. The
PyTorch checks use ``F.interpolate`` and ``F.max_pool2d``.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations_with_replacement

import numpy as np

from ._core import Domain, claim

SIGMA = 1.5


# ------------------------------------------------------------------------------------------ tools
def _peak_count(h: np.ndarray, threshold: float) -> int:
    """CenterNet's 3×3 test (≥ every neighbour inside the map, > threshold); 8-connected ties count once.

    Values within 1e-12 of the map's maximum of each other count as tied: an exact tie of the coarse map
    (two blobs placed symmetrically about a cell border) is rebuilt by the resize with rounding errors.
    """
    tol = 1e-12 * float(np.abs(h).max() or 1.0)
    rows, cols = h.shape
    pad = np.full((rows + 2, cols + 2), -np.inf)
    pad[1:-1, 1:-1] = h
    windows = pad[:rows, :cols].copy()
    for di in range(3):
        for dj in range(3):
            np.maximum(windows, pad[di:di + rows, dj:dj + cols], out=windows)
    cand = {(int(i), int(j)) for i, j in np.argwhere((h >= windows - tol) & (h > threshold))}
    count = 0
    while cand:
        stack = [cand.pop()]
        count += 1
        while stack:
            i, j = stack.pop()
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    if (i + di, j + dj) in cand:
                        cand.remove((i + di, j + dj))
                        stack.append((i + di, j + dj))
    return count


def _peak_counts(maps: np.ndarray) -> list[int]:
    """:func:`_peaks` of each map of a stack ``(B, rows, cols)``, the 3×3 test vectorised over the stack."""
    b, rows, cols = maps.shape
    tol = 1e-12 * np.abs(maps).reshape(b, -1).max(axis=1)
    tol[tol == 0] = 1e-12
    pad = np.full((b, rows + 2, cols + 2), -np.inf)
    pad[:, 1:-1, 1:-1] = maps
    windows = pad[:, :rows, :cols].copy()
    for di in range(3):
        for dj in range(3):
            np.maximum(windows, pad[:, di:di + rows, dj:dj + cols], out=windows)
    cand = (maps >= windows - tol[:, None, None]) & (maps > 0.1 * maps.reshape(b, -1).max(axis=1)[:, None, None])
    counts = []
    for k in range(b):
        left = {(int(i), int(j)) for i, j in np.argwhere(cand[k])}
        count = 0
        while left:
            stack = [left.pop()]
            count += 1
            while stack:
                i, j = stack.pop()
                for di in (-1, 0, 1):
                    for dj in (-1, 0, 1):
                        if (i + di, j + dj) in left:
                            left.remove((i + di, j + dj))
                            stack.append((i + di, j + dj))
        counts.append(count)
    return counts


def _side_by_side_stack(d: int, s: int, cells: int) -> np.ndarray:
    """:func:`_side_by_side` at every offset 0 … s − 1, as one stack."""
    return np.stack([_side_by_side(d, s, o, cells) for o in range(s)])


def _resize_stack(maps: np.ndarray, f: int) -> np.ndarray:
    return np.einsum("ik,bkl,jl->bij", _resize_matrix(maps.shape[1], f), maps, _resize_matrix(maps.shape[2], f))


def _peaks(h: np.ndarray) -> int:
    return _peak_count(h, 0.1 * h.max())


@lru_cache(maxsize=None)
def _resize_matrix(n: int, f: int) -> np.ndarray:
    """(n·f, n) matrix of bilinear ×f along one axis, align_corners=False (PyTorch's definition, clamped)."""
    m = np.zeros((n * f, n))
    for j in range(n * f):
        src = max((j + 0.5) / f - 0.5, 0.0)
        i0 = min(int(np.floor(src)), n - 1)
        i1 = min(i0 + 1, n - 1)
        t = src - i0
        m[j, i0] += 1 - t
        m[j, i1] += t
    return m


def _resize(h: np.ndarray, f: int) -> np.ndarray:
    return _resize_matrix(h.shape[0], f) @ h @ _resize_matrix(h.shape[1], f).T


def _blob_1d(length: int, centres, s: int) -> np.ndarray:
    """Box averages over s-pixel cells of 1-D Gaussians at ``centres`` (a separable factor of the map)."""
    x = np.arange(length, dtype=float)
    g = sum(np.exp(-((x - c) ** 2) / (2 * SIGMA**2)) for c in centres)
    return g.reshape(-1, s).mean(axis=1)


def _side_by_side(d: int, s: int, offset: int, cells: int) -> np.ndarray:
    """Box-model heatmap of two blobs d px apart on a row; the first at offset + 2s px."""
    x0 = 2 * s + offset
    row = _blob_1d(cells * s, (x0, x0 + d), s)
    col = _blob_1d(5 * s, (2 * s + s // 2,), s)
    return np.outer(col, row)


def _pair(p1, p2, s: int, size: int) -> np.ndarray:
    """Box-model heatmap of two blobs at (x, y) points p1, p2 on a size×size image."""
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    img = sum(np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * SIGMA**2)) for x, y in (p1, p2))
    n = size // s
    return img.reshape(n, s, n, s).mean(axis=(1, 3))


# ----------------------------------------------------------------------------------- step 1 and 2
@claim(
    "nb07-same-cell-share",
    statement="Two points d px apart along an axis, on s-px cells at a uniformly random integer offset, share a "
              "cell along that axis at a share max(0, 1 − d/s) of the offsets (so never when s ≤ d); in 2-D the "
              "two axes' shares multiply.",
    domain=Domain(params={"dist": tuple(range(0, 65)), "s": tuple(range(1, 65))}, dims=(1, 2),
                  reach=("explorer.design",),
                  note="2-D: every (dx, dy) with 0 ≤ dx, dy ≤ 16, diagonals included, s 1-16, all s² offsets"),
)
def _same_cell_share():
    for d in range(0, 65):
        for s in range(1, 65):
            same = sum((o + d) // s == o // s for o in range(s)) / s
            if abs(same - max(0.0, 1 - d / s)) > 1e-12:
                yield {"dist": d, "s": s}
    for s in range(1, 17):
        o = np.arange(s)
        for dx in range(0, 17):
            for dy in range(0, 17):
                both = ((o[:, None] + dx) // s == o[:, None] // s) & ((o[None, :] + dy) // s == o[None, :] // s)
                if abs(both.mean() - max(0.0, 1 - dx / s) * max(0.0, 1 - dy / s)) > 1e-12:
                    yield {"dist": (dx, dy), "s": s, "dim": 2}


@claim(
    "nb07-empty-cell-rule",
    statement="Two points d px apart along an axis have an empty cell between their cells at every grid offset "
              "iff s ≤ d/2; at a random offset their cells are at most one apart with probability "
              "min(1, max(0, 2 − d/s)).",
    domain=Domain(params={"dist": tuple(range(1, 65)), "s": tuple(range(1, 65))}, dims=(1,),
                  reach=("explorer.design",)),
)
def _empty_cell_rule():
    for d in range(1, 65):
        for s in range(1, 65):
            gaps = [(o + d) // s - o // s for o in range(s)]
            if all(g >= 2 for g in gaps) != (s <= d / 2):
                yield {"dist": d, "s": s}
            near = sum(g <= 1 for g in gaps) / s
            if abs(near - min(1.0, max(0.0, 2 - d / s))) > 1e-12:
                yield {"dist": d, "s": s, "share": near}


@claim(
    "nb07-box-two-peaks",
    statement="In the box model (two σ = 1.5 px blobs side by side, averaged over s×s cells), for objects at "
              "least 4 px apart the 3×3 peak test, tied maxima merged, finds two peaks at every grid offset iff "
              "s ≤ d/2 (CenterNet's max-pool test keeps both of two tied cells: d = 2s − 1 breaks the rule "
              "there).",
    domain=Domain(params={"dist": tuple(range(4, 65)), "s": (1, 2, 3, 4, 6, 8, 12, 16, 32)}, dims=(2,),
                  reach=("explorer.design",),
                  note="all s integer offsets; at d = 2, 3 and s = 1 the blobs merge (the old break); every peak "
                       "grid of the design lab explorer (s = OS/up: 1, 2, 4, 8, 16, 32) and its distances 4-64 "
                       "(a one-off sweep of s 1-16 and 32 over d 4-64 found 0 breaks in 4 s, over budget)"),
    scope="at least 4 px apart",
    breaks=({"dist": 12, "s": 8}, {"dist": 7, "s": 4}),
)
def _box_two_peaks():
    for s in (1, 2, 3, 4, 6, 8, 12, 16, 32):
        cells = (4 * s + 64 + s) // s + 1
        for d in range(4, 65):
            two = all(c == 2 for c in _peak_counts(_side_by_side_stack(d, s, cells)))
            if two != (s <= d / 2):
                yield {"dist": d, "s": s}


# ------------------------------------------------------------------------------------- step 3
def _peak_counts_stack(maps: np.ndarray) -> np.ndarray:
    """:func:`_peak_counts` with the 8-connected plateaus labelled by propagation over the whole stack at once."""
    b, rows, cols = maps.shape
    top = maps.reshape(b, -1).max(axis=1)[:, None, None]
    pad = np.full((b, rows + 2, cols + 2), -np.inf)
    pad[:, 1:-1, 1:-1] = maps
    windows = pad[:, :rows, :cols].copy()
    for di in range(3):
        for dj in range(3):
            np.maximum(windows, pad[:, di:di + rows, dj:dj + cols], out=windows)
    cand = (maps >= windows - 1e-12 * top) & (maps > 0.1 * top)
    label = np.where(cand, np.arange(1, cand.size + 1, dtype=float).reshape(cand.shape), 0.0)
    while True:
        lp = np.zeros((b, rows + 2, cols + 2))
        lp[:, 1:-1, 1:-1] = label
        spread = label.copy()
        for di in range(3):
            for dj in range(3):
                np.maximum(spread, lp[:, di:di + rows, dj:dj + cols], out=spread)
        spread = np.where(cand, spread, 0.0)
        if np.array_equal(spread, label):
            break
        label = spread
    return np.array([len(np.unique(label[k][cand[k]])) for k in range(b)])


def _side_by_side_grid(d: int, s: int) -> np.ndarray:
    """:func:`_side_by_side` at every offset 0 … s − 1, on the design lab's layout (2s px right of the last object)."""
    return _side_by_side_stack(d, s, (2 * s + (s - 1) + d + 2 * s) // s + 1)


#: (grid, distance) where, in real arithmetic (ties within 1e-12 of the maximum merged), bilinear ×4 or ×8 adds
#: a peak: at the mirror offset the two middle cells tie and the flat stretch between them is a third peak.
RESIZE_EXTRA_PEAK = {(8, 17), (8, 19), (16, 33), (16, 35)}


def _resize_side_by_side_torch():
    import torch
    import torch.nn.functional as F

    def count(h):  # CenterNet's exact test in float64, touching candidates (tied) counted once
        t = torch.as_tensor(h)[None, None]
        cand = ((t == F.max_pool2d(t, 3, stride=1, padding=1)) & (t > 0.1 * t.max()))[0, 0].numpy()
        return _peak_count(np.where(cand, 1.0, 0.0), 0.5)

    for s in (8, 16):
        for d in range(4, 65, 3):
            maps = _side_by_side_grid(d, s)
            for f in (2, 4, 8):
                if d % 2 and f != 2:
                    continue
                fine = F.interpolate(torch.as_tensor(maps)[:, None], scale_factor=f, mode="bilinear",
                                     align_corners=False)[:, 0].numpy()
                for o in range(0, s, 3):
                    if count(fine[o]) != count(maps[o]):
                        yield {"dist": d, "s": s, "up": f, "offset": o}


@lru_cache(maxsize=1)
def _resize_changes() -> dict:
    """{(s, d, f): [(offset, peaks before, peaks after), …]} where bilinear ×f changes the box model's count."""
    out = {}
    for s in (8, 16, 32):
        for d in range(4, 65):
            maps = _side_by_side_grid(d, s)
            before = _peak_counts_stack(maps)
            for f in (2, 4, 8):
                fine = _resize_matrix(maps.shape[1], f) @ maps @ _resize_matrix(maps.shape[2], f).T
                above = fine.max(axis=2) > 0.1 * fine.max(axis=(1, 2))[:, None]   # rows that can hold a peak
                keep = np.flatnonzero(above.any(axis=0))
                after = _peak_counts_stack(fine[:, max(keep[0] - 1, 0):keep[-1] + 2])
                out[(s, d, f)] = [(o, int(before[o]), int(after[o])) for o in range(s) if after[o] != before[o]]
    return out


@claim(
    "nb07-resize-side-by-side",
    statement="For two objects side by side in the box model (every grid offset, the 3×3 test with tied maxima "
              "counted once, ties within 1e-12 of the maximum merged), bilinear resizing (align_corners=False) "
              "leaves the peak count unchanged at even distances for ×2, ×4 and ×8, and at every distance for ×2.",
    domain=Domain(params={"dist": tuple(range(4, 65)), "s": (8, 16, 32), "up": (1, 2, 4, 8),
                          "offset": tuple(range(32))},
                  kinds=("interpolate",), dims=(2,), reach=("explorer.design",),
                  note="every bilinear grid of the design lab (s = output stride 8, 16, 32; ×2, ×4, ×8), distances "
                       "4-64 step 1, all s offsets. Torch check: F.interpolate in float64 with the exact max-pool "
                       "test, grids 8 and 16, distances 4-64 step 3, every third offset (on the 32-px grid the coarse map's near-ties, 1e-17 apart, make the "
                       "exact test's count depend on the summation order, even at even distances)"),
    scope="even distances",
    breaks=({"dist": 17, "s": 8, "up": 8, "offset": 7}, {"dist": 19, "s": 8, "up": 4, "offset": 6},
            {"dist": 33, "s": 16, "up": 4, "offset": 15}),
    torch_check=_resize_side_by_side_torch,
)
def _resize_side_by_side():
    for (s, d, f), changed in _resize_changes().items():
        if (d % 2 == 0 or f == 2) and changed:
            yield {"dist": d, "s": s, "up": f, "changed": changed}


@claim(
    "nb07-resize-mirror-tie",
    statement="At an odd distance d, the grid offset (−(d + 1)/2) mod s puts two side-by-side objects symmetrically "
              "about a cell border, so the two middle cells tie; in real arithmetic (ties within 1e-12 of the "
              "maximum merged) bilinear ×4 or ×8 turns the flat stretch between them into a third peak at 17 and "
              "19 px on the 8-px grid and at 33 and 35 px on the 16-px grid, and changes no other count.",
    domain=Domain(params={"dist": tuple(range(5, 65, 2)), "s": (8, 16, 32), "up": (4, 8),
                          "offset": tuple(range(32))},
                  kinds=("interpolate",), dims=(2,), reach=(),
                  note="odd distances 5-63 (the explorer's odd distances), the design lab's bilinear grids, all "
                       "offsets. PyTorch's float64 exact test finds 2, 3 or 4 peaks at the four listed cases, "
                       "depending on how the coarse map was summed (2-4 at other mirror offsets too, where rounding "
                       "splits a tied top)"),
)
def _resize_mirror_tie():
    for (s, d, f), changed in _resize_changes().items():
        if d % 2 == 0 or f == 2:
            continue
        want = [((-(d + 1) // 2) % s, 2, 3)] if (s, d) in RESIZE_EXTRA_PEAK else []
        if changed != want:
            yield {"dist": d, "s": s, "up": f, "changed": changed}


def _resize_diagonal_torch():
    import torch
    import torch.nn.functional as F

    def count(h):
        t = torch.as_tensor(h, dtype=torch.float64)[None, None]
        keep = (t == F.max_pool2d(t, 3, stride=1, padding=1)) & (t > 0.1 * t.max())
        return keep[0, 0].nonzero().tolist()

    def up(h, f):
        return F.interpolate(torch.as_tensor(h)[None, None], scale_factor=f, mode="bilinear",
                             align_corners=False)[0, 0].numpy()

    coarse = np.zeros((8, 8))
    coarse[3, 3], coarse[4, 4] = 1.0, 0.9
    if count(coarse) != [[3, 3]] or count(up(coarse, 4)) != [[14, 14], [17, 17]]:
        yield {"case": "8×8 map, 1.0 at (3, 3), 0.9 at (4, 4)"}
    h = _pair((55, 45), (64, 54), 16, 128)
    if len(count(h)) != 1 or len(count(up(h, 4))) != 2:
        yield {"case": "objects at (55, 45) and (64, 54), stride 16"}


@claim(
    "nb07-resize-diagonal",
    statement="Bilinear resizing can turn one 3×3 peak into two: a coarse 8×8 map with 1.0 at (3, 3) and 0.9 at "
              "(4, 4) has one peak, and after bilinear ×4 (align_corners=False) two, at (14, 14) and (17, 17); "
              "for the box model's 45° pair 12 px apart, two peaks at some offsets after ×4 from stride 16 and "
              "after ×2 from stride 8, at none before.",
    domain=Domain(params={"s": (8, 16), "up": (2, 4)}, kinds=("interpolate",), dims=(2,),
                  note="existence: the worked example and the 45° pair at every offset"),
    breaks=({"s": 16, "up": 4},),
    where=("docstring:helpers.design.DesignReport.peak_stride",),
    torch_check=_resize_diagonal_torch,
)
def _resize_diagonal():
    coarse = np.zeros((8, 8))
    coarse[3, 3], coarse[4, 4] = 1.0, 0.9
    fine = _resize(coarse, 4)
    if _peaks(coarse) != 1 or _peaks(fine) != 2 or not (fine[14, 14] == fine.max() and _peak_count(fine, fine[17, 17] - 1e-12) == 2):
        yield {"s": 16, "up": 4, "case": "8×8 example"}
    step = 12 / np.sqrt(2)
    for s, f in ((16, 4), (8, 2)):
        before = after = 0
        for ox in range(s):
            for oy in range(s):
                h = _pair((40 + ox, 40 + oy), (40 + ox + step, 40 + oy + step), s, 96)
                before += _peaks(h) == 2
                after += _peaks(_resize(h, f)) == 2
        if before != 0 or after == 0:
            yield {"s": s, "up": f, "before": before, "after": after}


@claim(
    "nb07-even-factor",
    statement="With align_corners=False and an even factor, no fine sample away from the clamped border lands on "
              "a coarse sample, and a lone interior peak on a flat background becomes four equal maxima up to "
              "rounding (PyTorch ×6: one exact maximum, not a tied plateau).",
    domain=Domain(params={"n": tuple(range(3, 10)), "up": (2, 4, 6, 8)}, kinds=("interpolate",), dims=(2,),
                  note="every interior peak position of an n×n map"),
    scope="away from the clamped border",
    breaks=({"n": 7, "up": 6},),
)
def _even_factor():
    for f in (2, 4, 6, 8):
        for n in range(3, 10):
            for j in range(n * f):
                src = (j + 0.5) / f - 0.5
                if src >= 0 and abs(src - round(src)) < 1e-12:
                    yield {"n": n, "up": f, "sample": j}
            for i in range(1, n - 1):
                for k in range(1, n - 1):
                    coarse = np.zeros((n, n))
                    coarse[i, k] = 1.0
                    fine = _resize(coarse, f)
                    top = np.argwhere(np.isclose(fine, fine.max()))
                    if len(top) != 4 or np.ptp(top[:, 0]) != 1 or np.ptp(top[:, 1]) != 1:
                        yield {"n": n, "up": f, "peak": (i, k)}


# ------------------------------------------------------------------------------------- the designer
def _offsets_2d(rates) -> set:
    """Offsets (row, col) one output of a stack of 3×3 layers with these rates reads, by enumeration."""
    reach = {(0, 0)}
    for r in rates:
        reach = {(a + r * u, b + r * v) for a, b in reach for u in (-1, 0, 1) for v in (-1, 0, 1)}
    return reach


def _rate_tuples():
    yield ()
    for r in range(1, 49):
        yield (r,)
    for size in (2, 3):
        yield from combinations_with_replacement(range(1, 13), size)


@claim(
    "nb07-design-warning",
    statement="design_report warns about holes for a head of two or more dilated 3×3 layers whose coverage has "
              "holes, and its warning says 'disjoint pixel sets' exactly when an output and its row neighbour "
              "read no common pixel, else the share they still have in common; without a head the summary names "
              "no rate.",
    domain=Domain(params={"rates": tuple(_rate_tuples())}, dims=(2,), reach=("explorer.design",),
                  note="rate multisets (the offsets a stack reads do not depend on the order), rates 1-12 for "
                       "2 and 3 layers, single rates 1-48; 512 input at output stride 16"),
    breaks=({"rates": (1, 2, 9)}, {"rates": (2, 3, 5)}, {"rates": (1, 4, 7)}, {"rates": (6,)}),
    where=("docstring:helpers.design.design_report",),
)
def _design_warning():
    from ..design import design_report

    for rates in _rate_tuples():
        r = design_report(512, 16, rates=rates)
        grid = [w for w in r.warnings if w.startswith("gridding")]
        if not rates:
            if "taps" in r.summary() or grid:
                yield {"rates": rates}
            continue
        reads = _offsets_2d(rates)
        neighbour = {(a, b + 1) for a, b in reads}
        shared = len(reads & neighbour) / len(reads)
        lo = min(a for a, _ in reads)
        holes = (max(a for a, _ in reads) - lo + 1) ** 2 - len(reads)
        should_warn = sum(x > 1 for x in rates) >= 2 and holes > 0
        if bool(grid) != should_warn:
            yield {"rates": rates, "warned": bool(grid)}
        elif grid and (("disjoint pixel sets" in grid[0]) != (shared == 0)
                       or (shared > 0 and f"{shared:.0%}" not in grid[0])):
            yield {"rates": rates, "text": grid[0]}
