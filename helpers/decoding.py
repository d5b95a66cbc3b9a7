"""Where decoders paint heatmap cells: the conventions of real decoders, as pure functions.

A heatmap cell has a *geometry* (where it looks: its receptive-field centre,
:func:`helpers.cell_centers`) and a *decoding convention* (the input pixel a
decoder reports for it). The two need not agree: a trained cell peaks where its
training targets put the peak, and the decoder reads it back with the same
convention. Three conventions, from the public code of each project:

- DeepLab resizes its logits to the input with bilinear ``align_corners=True``:
  cell ``u`` of an ``n``-cell map lands on pixel ``u * (N - 1) / (n - 1)``
  (:func:`align_corners_position`).
- SimpleBaselines / HRNet draw the target of a keypoint at pixel ``x`` on cell
  ``int(x / stride + 0.5)`` and decode cell ``u`` as ``u * stride``, optionally
  moved a quarter cell towards the larger neighbour (``get_final_preds``, only
  when ``1 < u < n - 1`` on both axes: not on the first two cells nor on the
  last, and its two neighbours differ): :func:`stride_position`.
- CenterNet adds a learned sub-cell offset: ``(u + offset) * stride``
  (:func:`stride_position` with ``shift=offset``).

Taught in notebook ``04_output_stride_and_heatmaps``.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_int

__all__ = ["align_corners_position", "stride_position", "nearest_cell", "transposed_reads", "decoder_reads"]


def align_corners_position(u: "float | np.ndarray", n_cells: int, n_pixels: int) -> "float | np.ndarray":
    """Pixel on which bilinear resizing with ``align_corners=True`` paints cell ``u``: ``u·(N−1)/(n−1)``.

    DeepLab resizes its logits to the input size this way, so this is where a
    DeepLab cell is painted, whatever its receptive-field centre.

    Parameters
    ----------
    u : float or array
        Cell index (or indices), ``0 … n_cells - 1``.
    n_cells : int
        Cells of the map along this axis (>= 1); a single cell sits on pixel 0.
    n_pixels : int
        Pixels of the resized map along this axis (>= 1).

    Examples
    --------
    >>> align_corners_position(32, 33, 513), align_corners_position(31, 32, 512)
    (512.0, 511.0)
    >>> align_corners_position(1, 32, 512)
    16.483870967741936
    """
    n = check_int("n_cells", n_cells, 1)
    big = check_int("n_pixels", n_pixels, 1)
    scale = (big - 1) / (n - 1) if n > 1 else 0.0
    out = np.asarray(u, dtype=float) * scale
    return float(out) if np.ndim(out) == 0 else out


def stride_position(u: "float | np.ndarray", stride: int, *, shift: "float | np.ndarray" = 0.0) -> "float | np.ndarray":
    """Pixel a SimpleBaselines/HRNet (``shift=0`` or ±0.25) or CenterNet (``shift`` = offset) decoder reports.

    ``(u + shift) * stride``. SimpleBaselines and HRNet use ``shift = ±0.25``
    (a quarter cell towards the larger neighbour) when their post-processing is
    on and the cell is away from the border (``1 < u < n - 1`` on both axes; 0
    otherwise, and on a tie); CenterNet's ``shift`` is the offset its head regresses.

    Examples
    --------
    >>> stride_position(16, 4), stride_position(16, 4, shift=0.25)
    (64.0, 65.0)
    """
    s = check_int("stride", stride, 1)
    out = (np.asarray(u, dtype=float) + np.asarray(shift, dtype=float)) * s
    return float(out) if np.ndim(out) == 0 else out


def nearest_cell(x: "float | np.ndarray", positions: "np.ndarray") -> "int | np.ndarray":
    """Index of the painted position nearest to pixel ``x`` (the first one on a tie).

    These are the keypoint positions for which that cell is nearest; an arg-max
    that lands on the cell reports its painted position.

    Examples
    --------
    >>> nearest_cell([0, 7, 8, 9], np.array([0.0, 16.0]))
    array([0, 0, 0, 1])
    """
    p = np.asarray(positions, dtype=float)
    d = np.abs(np.asarray(x, dtype=float)[..., None] - p)
    out = d.argmin(axis=-1)
    return int(out) if np.ndim(out) == 0 else out


def transposed_reads(o: int, *, kernel: int = 4, stride: int = 2, padding: int = 0) -> "tuple[int, int]":
    """First and last input index a transposed convolution's output ``o`` reads (before clipping to the input).

    Output ``o`` receives input ``i`` through tap ``t`` when ``o = i·s − p + t``,
    ``0 ≤ t < k``: ``i`` from ``ceil((o + p − k + 1)/s)`` to ``floor((o + p)/s)``.

    Examples
    --------
    >>> transposed_reads(65, kernel=4, stride=2, padding=1)
    (32, 33)
    """
    k, s, p = check_int("kernel", kernel, 1), check_int("stride", stride, 1), check_int("padding", padding, 0)
    return -(-(o + p - k + 1) // s), (o + p) // s


def decoder_reads(v: int, *, layers: int = 3, kernel: int = 4, stride: int = 2, padding: int = 1) -> "tuple[int, int]":
    """Encoder cells (first, last) that heatmap cell ``v`` of a stack of transposed convolutions reads.

    SimpleBaselines' decoder is three ``ConvTranspose2d(k=4, s=2, p=1)``; each
    heatmap cell reads two or three neighbouring encoder cells, so its input
    window is the union of their receptive fields (not clipped to the map).

    Examples
    --------
    >>> [decoder_reads(v) for v in (64, 65, 69, 70)]
    [(7, 8), (7, 9), (7, 9), (7, 9)]
    """
    lo = hi = check_int("v", v, 0)
    for _ in range(check_int("layers", layers, 0)):
        lo = transposed_reads(lo, kernel=kernel, stride=stride, padding=padding)[0]
        hi = transposed_reads(hi, kernel=kernel, stride=stride, padding=padding)[1]
    return lo, hi
