"""A small network designer, and the grid arithmetic of close objects on a heatmap.

:func:`design_report` puts the course's formulas together for one design
(input size, backbone output stride, dilation schedule, upsampling);
:func:`cell_collision_fraction` and :func:`find_peaks` answer whether two
nearby objects can show up as two heatmap peaks.

Taught in notebook ``07_design_lab``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ._validate import check_choice, check_int
from .arithmetic import transposed_output_size
from .conv import bilinear_upsample, conv_transpose2d
from .gridding import coverage_map, is_hdc, valid_weight_fraction
from .receptive import Layer, _resnet_stage, layer_costs, output_sizes, receptive_field, resnet50

__all__ = ["DesignReport", "design_report", "cell_collision_fraction", "find_peaks"]

HEAD_CHANNELS = 256  # width of the head convolutions and of the deconvolutions (ASPP, SimpleBaselines)
TRACE_CELLS = 16  # feature cells used to trace what the upsampling layers mix


@dataclass(frozen=True)
class DesignReport:
    """What :func:`design_report` found for one design (all sizes per axis, square inputs).

    Attributes
    ----------
    input_size, output_stride, rates, upsample, upsample_mode
        The design, as given.
    feature_size : int
        Side of the backbone's (and the head's) feature map.
    heatmap_size : int
        Side of the final heatmap.
    heatmap_stride : int
        Input pixels between neighbouring heatmap cells: ``output_stride /
        upsample``. Not ``input_size / heatmap_size``, which differs when the
        input is not a multiple of the output stride (513 at OS 8: 65 cells
        8 px apart, not 513 / 65 = 7.9 px; notebook 04).
    peak_stride : int
        Input pixels per cell of the finest map a *learned* layer writes:
        ``output_stride / upsample`` with deconvolutions, ``output_stride``
        with bilinear resizing (resizing adds no learned detail). Resizing
        does change what a 3×3 peak test finds: the window counts output
        cells, so its reach in pixels shrinks with the factor, and two
        diagonal neighbours that the test on the coarse map merged can both
        survive (notebook ``07_design_lab``, step 3).
    receptive_field : int
        Input pixels that can affect one heatmap cell (the largest over cells).
    holes, hole_fraction
        Zeros of the head's ``coverage_map`` (in feature cells), and their share.
    hdc : bool or None
        Wang et al.'s HDC rule for the head's rates (None for fewer than 2 rates).
    full_kernel_share, few_taps_share, centre_only_share : float
        For the largest rate on the feature map: share of positions where all
        9 taps, at most 4 taps, only the centre tap fall inside the map
        (DeepLabv3 Fig. 4's counts; 1.0, 0.0, 0.0 without a head).
    relative_compute, relative_memory : float
        Multiply-adds and stored activations relative to plain ResNet-50 at
        output stride 32 on the same input.
    cost_breakdown : tuple of (part, compute, memory)
        The same two numbers split into stem, block1 … block4, head and
        upsampling (each relative to the whole OS-32 baseline).
    warnings : tuple of str
        Gridding and degenerate-rate warnings, as sentences.
    neighbour_share : float or None
        Share of the pixels one head output reads (3×3 taps through every
        head layer, in feature cells) that its neighbour one cell away reads
        too: 0.0 means neighbouring outputs read disjoint pixel sets
        (notebook 05's gridding). None without a head.

    Defined in notebook ``07_design_lab``.

    Examples
    --------
    >>> r = design_report(512, 32)
    >>> isinstance(r, DesignReport), r.heatmap_size, r.relative_compute
    (True, 16, 1.0)
    """

    input_size: int
    output_stride: int
    rates: tuple[int, ...]
    upsample: int
    upsample_mode: str
    feature_size: int
    heatmap_size: int
    heatmap_stride: int
    peak_stride: int
    receptive_field: int
    holes: int
    hole_fraction: float
    hdc: bool | None
    full_kernel_share: float
    few_taps_share: float
    centre_only_share: float
    relative_compute: float
    relative_memory: float
    cost_breakdown: tuple[tuple[str, float, float], ...]
    warnings: tuple[str, ...]
    neighbour_share: float | None = None

    def summary(self) -> str:
        """The report as a few readable lines (used by notebook ``07_design_lab``)."""
        head = ", ".join(map(str, self.rates)) if self.rates else "none"
        up = f"×{self.upsample} by {self.upsample_mode}" if self.upsample > 1 else "none"
        lines = [
            f"design: {self.input_size}×{self.input_size} input, output stride {self.output_stride}, "
            f"head rates ({head}), upsampling {up}",
            f"heatmap: {self.heatmap_size}×{self.heatmap_size} "
            f"({self.heatmap_stride:g} px per cell; last learned layer every {self.peak_stride} px)",
            f"receptive field of one heatmap cell: {self.receptive_field} px",
            f"holes in the head's coverage: {self.holes} ({self.hole_fraction:.0%})"
            + ("" if self.hdc is None else f", HDC rule satisfied: {self.hdc}"),
            (
                f"largest rate: all 9 taps inside the map at {self.full_kernel_share:.0%} of positions, "
                f"at most 4 at {self.few_taps_share:.0%}, only the centre at {self.centre_only_share:.0%}"
                if self.rates
                else "no dilated head: no rates to check against the map"
            ),
            f"relative to ResNet-50 at OS 32: compute ×{self.relative_compute:.2f}, "
            f"activation memory ×{self.relative_memory:.2f}",
        ]
        lines += [f"WARNING: {w}" for w in self.warnings] or ["no warnings"]
        return "\n".join(lines)


def _costs(layers: Sequence[Layer], n: int, c_in: int) -> tuple[list[tuple[str, float, float]], int]:
    """Per-layer multiply-adds and output activations along a main path; returns rows and output channels."""
    if not layers:  # e.g. a design without a dilated head
        return [], c_in
    costs = layer_costs(layers, n, in_channels=c_in)
    rows = [(_resnet_stage(c.name), float(c.macs), float(c.activations)) for c in costs]
    return rows, costs[-1].channels


@lru_cache(maxsize=64)
def _backbone_costs(output_stride: int, n: int) -> tuple[tuple[tuple[str, float, float], ...], int]:
    rows, channels = _costs(resnet50(output_stride), n, 3)
    return tuple(rows), channels


@lru_cache(maxsize=64)
def _backbone_size_and_field(output_stride: int, n: int) -> tuple[int, int]:
    """Feature-map side and receptive field of ResNet-50 at this output stride on an n-pixel input."""
    backbone = resnet50(output_stride)
    return output_sizes(backbone, n)[-1], receptive_field(backbone, input_size=n)[-1].r


def _spans(ops: Sequence[np.ndarray]) -> int:
    """Largest spread (last - first) of coarse cells that one output depends on, through boolean maps."""
    dep = None
    for op in ops:  # op[out, in] is True where out depends on in
        dep = op if dep is None else (op.astype(np.float64) @ dep.astype(np.float64)) > 0
    if dep is None:
        return 0
    # every output reads at least one cell, so argmax finds its first (and, reversed, its last) True
    first = dep.argmax(axis=1)
    last = dep.shape[1] - 1 - dep[:, ::-1].argmax(axis=1)
    return int((last - first).max())


def design_report(
    input_size: int,
    output_stride: int,
    *,
    rates: Sequence[int] = (),
    upsample: int = 1,
    upsample_mode: str = "deconv",
) -> DesignReport:
    """Heatmap size, receptive field, holes, relative cost and warnings of one design.

    The design: TF-Slim ResNet-50 (:func:`helpers.resnet50`) at output
    stride 32, 16 or 8 (DeepLab's way: the last strides removed, later
    layers dilated); a *head* of 3×3 convolutions (256 channels, padding =
    rate, so the size is kept) with the given dilation ``rates``, one after
    the other; then upsampling by ``upsample`` with k=4, s=2, p=1
    transposed convolutions (``"deconv"``, 256 channels, SimpleBaselines)
    or by bilinear resizing of the final heatmap (``"bilinear"``).

    How each number is computed:

    * sizes with :func:`helpers.output_sizes` and
      :func:`helpers.transposed_output_size`;
    * the receptive field with :func:`helpers.receptive_field` for backbone
      and head, plus what the upsampling mixes: one heatmap cell depends on
      a few neighbouring feature cells (found by tracing the nonzero weights
      of the actual layers), each ``output_stride`` apart;
    * holes with :func:`helpers.coverage_map` of the head alone, in feature
      cells (how notebook ``05`` and Wang et al. analyse a dilated stack);
    * degenerate rates with :func:`helpers.valid_weight_fraction`;
    * compute as multiply-adds ``H·W·k²·C_in·C_out`` and memory as stored
      activations ``H·W·C`` summed over ResNet-50's main path (shortcuts
      and classifier left out), head and deconvolutions. A layer after a
      removed stride works on a map (removed factor)² larger, so it costs
      that much more; the layers before it cost the same. The final 1×1
      to the heatmap channels and bilinear resizing are not counted.

    Warnings: a head of two or more dilated layers whose coverage has holes
    (gridding); a rate on whose map only the centre tap is valid at half of
    the positions or more (a 1×1 in disguise, DeepLabv3); else a rate for
    which at least half of the positions have at most 4 valid taps.

    Defined in notebook ``07_design_lab``.

    Parameters
    ----------
    input_size : int
        Side of the square input (32 … 4096).
    output_stride : {32, 16, 8}
        Of the backbone.
    rates : sequence of int
        Dilation rates of the head's 3×3 layers (0 to 8 layers, each >= 1).
    upsample : {1, 2, 4, 8}
        Upsampling factor after the head (at most ``output_stride``).
    upsample_mode : {"deconv", "bilinear"}
        How to upsample.

    Examples
    --------
    >>> r = design_report(512, 16, rates=(1, 2, 5), upsample=2)
    >>> r.feature_size, r.heatmap_size, r.heatmap_stride, r.holes, r.hdc
    (32, 64, 8, 0, True)
    >>> design_report(512, 8, rates=(2, 4, 8)).warnings[0][:40]
    'gridding: the head rates (2, 4, 8) leave'
    >>> round(design_report(512, 16).relative_compute, 2) > 1.0
    True
    """
    n, os_, rs, up, mode = _check_design(input_size, output_stride, rates, upsample, upsample_mode)
    head = [Layer(3, dilation=r, padding=r, name="head", channels=HEAD_CHANNELS) for r in rs]
    feature, backbone_r = _backbone_size_and_field(os_, n)
    heatmap, mixed_cells = _upsampled_size_and_spread(feature, up, mode)
    # each stride-1 head layer adds (effective kernel − 1)·jump, the jump being os_ (receptive_field's recurrence)
    head_r = sum((layer.effective_kernel - 1) * os_ for layer in head)
    rf = backbone_r + head_r + mixed_cells * os_
    taps = _head_taps(head, feature)
    share = _neighbour_share(rs)
    breakdown = _cost_breakdown(n, os_, head, feature, up, mode)
    return DesignReport(
        input_size=n,
        output_stride=os_,
        rates=rs,
        upsample=up,
        upsample_mode=mode,
        feature_size=feature,
        heatmap_size=heatmap,
        heatmap_stride=os_ // up,
        peak_stride=os_ // up if mode == "deconv" else os_,
        receptive_field=rf,
        holes=taps.holes,
        hole_fraction=taps.hole_fraction,
        hdc=is_hdc(rs) if len(rs) >= 2 else None,
        full_kernel_share=taps.full,
        few_taps_share=taps.few,
        centre_only_share=taps.centre,
        relative_compute=sum(b[1] for b in breakdown),
        relative_memory=sum(b[2] for b in breakdown),
        cost_breakdown=breakdown,
        warnings=_design_warnings(rs, feature, taps, share),
        neighbour_share=share,
    )


def _check_design(
    input_size: object, output_stride: object, rates: object, upsample: object, upsample_mode: object
) -> tuple[int, int, tuple[int, ...], int, str]:
    """Validate :func:`design_report`'s arguments; return them as plain values."""
    n = check_int("input_size", input_size, 32, 4096)
    os_ = check_int("output_stride", output_stride, 8, 32)
    if os_ not in (8, 16, 32):
        raise ValueError(f"output_stride must be 8, 16 or 32, got {os_}")
    if isinstance(rates, (str, bytes)) or not hasattr(rates, "__len__"):
        raise TypeError(f"rates must be a sequence of integers, got {rates!r}")
    rs = tuple(check_int(f"rates[{i}]", r, 1) for i, r in enumerate(rates))  # type: ignore[arg-type]
    if len(rs) > 8:
        raise ValueError(f"rates may hold at most 8 layers, got {len(rs)}")
    up = check_int("upsample", upsample, 1)
    if up not in (1, 2, 4, 8) or up > os_:
        raise ValueError(f"upsample must be 1, 2, 4 or 8 and at most output_stride={os_}, got {up}")
    mode = check_choice("upsample_mode", upsample_mode, ("deconv", "bilinear"))
    return n, os_, rs, up, mode


def _upsampled_size_and_spread(feature: int, up: int, mode: str) -> tuple[int, int]:
    """Heatmap side after upsampling, and the largest spread of feature cells one heatmap cell mixes.

    Traced through the nonzero weights of the actual layers on a map of at
    most ``TRACE_CELLS`` cells (the largest spread is reached in the
    interior, away from the borders).
    """
    heatmap, ops, size = feature, [], min(feature, TRACE_CELLS)
    if mode == "deconv":  # log2(up) layers: none at up = 1
        for _ in range(up.bit_length() - 1):
            heatmap = transposed_output_size(heatmap, 4, stride=2, padding=1)
            eye = np.eye(size).reshape(size, 1, size, 1)
            resp = conv_transpose2d(eye, np.ones((1, 1, 4, 1)), stride=(2, 1), padding=(1, 0))
            ops.append(resp[:, 0, :, 0].T > 0)
            size = resp.shape[2]
    else:  # bilinear (at up = 1 an identity map: spread 0)
        heatmap = feature * up
        resp = bilinear_upsample(np.eye(size)[:, :, None], (size * up, 1))[:, :, 0]
        ops.append(resp.T > 0)
    return heatmap, _spans(ops)


@dataclass(frozen=True)
class _HeadTaps:
    holes: int
    hole_fraction: float
    full: float  # share of positions where all 9 taps of the largest rate are inside the map
    few: float  # ... at most 4
    centre: float  # ... only the centre tap


def _head_taps(head: Sequence[Layer], feature: int) -> _HeadTaps:
    """Holes of the head's coverage (in feature cells) and valid taps of its largest rate on the map."""
    if not head:
        return _HeadTaps(0, 0.0, 1.0, 0.0, 0.0)
    cov = coverage_map(head)
    shares = valid_weight_fraction(feature, max(layer.dilation for layer in head))
    few = sum(v for taps, v in shares.items() if taps <= 4)
    return _HeadTaps(int((cov == 0).sum()), float((cov == 0).mean()), shares[9], few, shares[1])


def _neighbour_share(rs: tuple[int, ...]) -> float | None:
    """Share of the offsets one output of a 3×3 dilated stack reads that its neighbour (one cell over) reads too.

    Per axis the stack reads the sumset A = {0, r1, 2·r1} + {0, r2, 2·r2} + …;
    in 2-D one output reads A × A and its row neighbour A × (A + 1), so the
    shared part is |A ∩ (A + 1)| / |A| of what one output reads.
    """
    if not rs:
        return None
    offsets = {0}
    for r in rs:
        offsets = {a + t * r for a in offsets for t in (0, 1, 2)}
    return len(offsets & {a + 1 for a in offsets}) / len(offsets)


def _design_warnings(
    rs: tuple[int, ...], feature: int, taps: _HeadTaps, share: float | None = None
) -> tuple[str, ...]:
    """Gridding, degenerate-rate and large-rate warnings, as sentences."""
    warnings = []
    if sum(r > 1 for r in rs) >= 2 and taps.holes:
        if share == 0:
            how = "neighbouring outputs read disjoint pixel sets (gridding as notebook 05 defines it)"
        else:
            how = f"neighbouring outputs still share {share:.0%} of the pixels they read"
        warnings.append(
            f"gridding: the head rates {rs} leave {taps.holes} holes ({taps.hole_fraction:.0%}) in their coverage; "
            + how
        )
    if rs and taps.centre >= 0.5:
        warnings.append(
            f"degenerate rate: with rate {max(rs)} on a {feature}×{feature} map only the centre tap is inside "
            f"the map at {taps.centre:.0%} of positions — a 1×1 convolution there (DeepLabv3)"
        )
    elif rs and taps.few >= 0.5:
        warnings.append(
            f"large rate: with rate {max(rs)} on a {feature}×{feature} map {taps.few:.0%} of positions have at most "
            f"4 of their 9 taps inside the map (only {taps.full:.0%} have all 9): the rest of the filter reads zero padding"
        )
    return tuple(warnings)


def _cost_breakdown(
    n: int, os_: int, head: Sequence[Layer], feature: int, up: int, mode: str
) -> tuple[tuple[str, float, float], ...]:
    """Compute and memory per part (stem … upsampling), relative to plain ResNet-50 at output stride 32."""
    base_rows, _ = _backbone_costs(32, n)
    base_macs = sum(r[1] for r in base_rows)
    base_acts = sum(r[2] for r in base_rows)
    rows, channels = _backbone_costs(os_, n)
    rows = list(rows)
    head_rows, channels = _costs(head, feature, channels)
    rows += [("head", m, a) for _, m, a in head_rows]
    if mode == "deconv":  # log2(up) layers: none at up = 1
        s = feature
        for _ in range(up.bit_length() - 1):
            rows.append(("upsampling", float(s * s * 16 * channels * HEAD_CHANNELS), float((2 * s) ** 2 * HEAD_CHANNELS)))
            s, channels = 2 * s, HEAD_CHANNELS
    parts = ["stem", "block1", "block2", "block3", "block4", "head", "upsampling"]
    return tuple(
        (p, sum(r[1] for r in rows if r[0] == p) / base_macs, sum(r[2] for r in rows if r[0] == p) / base_acts)
        for p in parts
    )


def _check_distance(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return abs(float(value))


def cell_collision_fraction(dx: float, dy: float, stride: float, *, within: int = 0) -> float:
    """Share of grid alignments for which two points fall within ``within`` cells of each other.

    Two points ``(dx, dy)`` apart are dropped on a grid of ``stride``-pixel
    cells at a uniformly random offset. Along one axis their cell indices
    differ by ``floor(d/s)`` or ``floor(d/s) + 1``, the latter with
    probability ``frac(d/s)``; so the chance that they differ by at most
    ``m`` is ``clip(m + 1 - d/s, 0, 1)``, and the two axes multiply.

    ``within=0``: the two points share a cell. ``within=1``: they share a
    3×3 neighbourhood of cells, where a max-pool peak extractor (CenterNet)
    keeps only one of two peaks.

    Defined in notebook ``07_design_lab``.

    Parameters
    ----------
    dx, dy : float
        Separation of the two points along each axis, in input pixels.
    stride : float
        Cell size in input pixels (> 0).
    within : int
        Largest index difference counted as a collision (>= 0).

    Examples
    --------
    >>> cell_collision_fraction(12, 0, 16), cell_collision_fraction(12, 0, 8)
    (0.25, 0.0)
    >>> cell_collision_fraction(12, 0, 8, within=1)        # adjacent cells half of the time
    0.5
    """
    ax, ay = _check_distance("dx", dx), _check_distance("dy", dy)
    s = _check_distance("stride", stride)
    if s <= 0:
        raise ValueError(f"stride must be > 0, got {stride!r}")
    m = check_int("within", within, 0)
    return float(np.clip(m + 1 - ax / s, 0.0, 1.0) * np.clip(m + 1 - ay / s, 0.0, 1.0))


def find_peaks(heatmap: np.ndarray, *, threshold: float = 0.0, plateaus: str = "merge") -> np.ndarray:
    """Local maxima of a heatmap: pixels equal to the max of their 3×3 neighbourhood (CenterNet's test).

    A pixel is a *candidate* if it is above ``threshold`` and no pixel of its
    3×3 neighbourhood (inside the map) is larger — the
    ``max_pool2d(3, stride=1, padding=1) == heatmap`` test of CenterNet,
    which keeps every tied pixel. Two touching candidates are necessarily
    equal, so candidates form flat *plateaus* (8-connected groups of tied
    maxima). With ``plateaus="merge"`` (the default) each plateau counts as
    one peak, reported at its first pixel in row-major order; with
    ``"keep"`` every candidate is returned, as CenterNet's decoder does.

    Why it matters: bilinear ×2 with ``align_corners=False`` puts no fine
    sample on a coarse one, so a coarse peak with equal neighbours becomes a
    2×2 plateau of tied maxima — four candidates, one peak.

    Defined in notebook ``07_design_lab``.

    Parameters
    ----------
    heatmap : array
        ``(H, W)``.
    threshold : float
        Peaks must be strictly above it.
    plateaus : {"merge", "keep"}
        One peak per plateau of tied maxima, or every tied pixel.

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` integer ``(row, col)`` of the peaks, in row-major order.

    Examples
    --------
    >>> h = np.array([[0, 1, 0, 0], [0, 3, 0, 2], [0, 0, 0, 0]])
    >>> find_peaks(h).tolist()
    [[1, 1], [1, 3]]
    >>> find_peaks(np.array([[0, 3, 2, 0]])).tolist()   # adjacent cells, unequal: one peak
    [[0, 1]]
    >>> flat = np.array([[0, 0, 0, 0], [0, 5, 5, 0], [0, 5, 5, 0]])
    >>> find_peaks(flat).tolist(), len(find_peaks(flat, plateaus="keep"))   # a 2×2 plateau
    ([[1, 1]], 4)
    """
    h = np.asarray(heatmap, dtype=np.float64)
    if h.ndim != 2 or 0 in h.shape:
        raise ValueError(f"heatmap must be a non-empty 2-D array, got shape {h.shape}")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite, got {threshold!r}")
    mode = check_choice("plateaus", plateaus, ("merge", "keep"))
    padded = np.pad(h, 1, constant_values=-np.inf)
    neighbourhood = np.lib.stride_tricks.sliding_window_view(padded, (3, 3)).max(axis=(2, 3))
    candidates = np.argwhere((h >= neighbourhood) & (h > threshold))
    if mode == "keep":
        return candidates
    return _first_of_each_plateau(candidates)


def _first_of_each_plateau(candidates: np.ndarray) -> np.ndarray:
    """The first (row-major) pixel of each 8-connected group of ``candidates`` (given in row-major order)."""
    where = {(int(i), int(j)): k for k, (i, j) in enumerate(candidates)}
    group = list(range(len(candidates)))

    def root(k: int) -> int:
        while group[k] != k:
            group[k] = group[group[k]]
            k = group[k]
        return k

    for (i, j), k in where.items():
        for di, dj in ((0, 1), (1, -1), (1, 0), (1, 1)):
            other = where.get((i + di, j + dj))
            if other is not None:
                a, b = root(k), root(other)
                group[max(a, b)] = min(a, b)
    keep = sorted({root(k) for k in range(len(candidates))})
    return candidates[keep]
