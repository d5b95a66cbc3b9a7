"""Checks a reviewer runs on a stored notebook: the same picture shown twice in a row.

A figure cell followed by a widget or explorer whose stored picture is the same image makes a
reader look at one picture twice (the course's rule: no picture twice in a row). Pictures are
compared as small grey thumbnails, so a figure and a widget's rendering of the same figure match
even when their PNG bytes differ.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

__all__ = ["Picture", "pictures", "repeated_pictures", "picture_distance"]

#: Thumbnails whose mean absolute difference (0 = same, 1 = opposite) is below this are "the same".
SAME = 0.003
#: At most this many cells may stand between two pictures for them to count as "in a row".
GAP = 2


@dataclass(frozen=True)
class Picture:
    """A picture a stored notebook shows: its cell and its PNG bytes (the first PNG of the cell)."""

    cell: int
    png: bytes


def _load(notebook: Any) -> dict:
    if isinstance(notebook, Mapping):
        return dict(notebook)
    return json.loads(Path(notebook).read_text(encoding="utf-8"))


def pictures(notebook: Any) -> list[Picture]:
    """The picture of every code cell that shows one, in order (path or loaded notebook)."""
    out = []
    for i, cell in enumerate(_load(notebook).get("cells", [])):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = (output.get("data") or {}).get("image/png")
            if data:
                out.append(Picture(i, base64.b64decode("".join(data) if isinstance(data, list) else data)))
                break
    return out


def _thumbnail(png: bytes, size: int = 64) -> tuple[np.ndarray, float]:
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(png)).convert("L")
    box = ImageOps.invert(image).getbbox() or (0, 0, *image.size)  # trim the white margin
    image = image.crop(box)
    aspect = image.width / max(1, image.height)
    return np.asarray(image.resize((size, size), Image.Resampling.BILINEAR), dtype=float) / 255.0, aspect


def picture_distance(a: bytes, b: bytes) -> float:
    """Mean absolute difference of the two pictures' grey thumbnails (1.0 when their shapes differ
    by more than 15 %).

    Examples
    --------
    >>> from PIL import Image
    >>> def png(colour):
    ...     buf = io.BytesIO(); Image.new("L", (40, 20), colour).save(buf, format="PNG"); return buf.getvalue()
    >>> picture_distance(png(0), png(0)), picture_distance(png(0), png(200)) > SAME
    (0.0, True)
    """
    (ta, ra), (tb, rb) = _thumbnail(a), _thumbnail(b)
    if abs(ra - rb) > 0.15 * max(ra, rb):
        return 1.0
    return float(np.abs(ta - tb).mean())


def repeated_pictures(notebook: Any, *, same: float = SAME, gap: int = GAP) -> list[tuple[int, int, float]]:
    """``(cell, next picture's cell, distance)`` for each picture shown again right after itself.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("L", (40, 20), 0).save(buf, format="PNG")
    >>> out = {"output_type": "display_data", "data": {"image/png": base64.b64encode(buf.getvalue()).decode()}}
    >>> nb = {"cells": [{"cell_type": "code", "outputs": [out]}, {"cell_type": "code", "outputs": [out]}]}
    >>> repeated_pictures(nb)
    [(0, 1, 0.0)]
    """
    shown = pictures(notebook)
    found = []
    for a, b in zip(shown, shown[1:]):
        if b.cell - a.cell - 1 <= gap:
            distance = picture_distance(a.png, b.png)
            if distance < same:
                found.append((a.cell, b.cell, round(distance, 4)))
    return found
