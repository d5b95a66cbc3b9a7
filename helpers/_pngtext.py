"""The words a picture shows, carried inside its PNG so that checks can read them.

A figure's titles, labels, texts and legend entries are written into its PNG as an ``iTXt`` chunk
(keyword ``Description``, UTF-8). The spoiler check (:mod:`helpers.exercises._spoilers`) reads them, so an
answer written in a figure title or an animation frame counts as shown, like one printed in a cell.
Pure Python (``zlib``, ``struct``): no matplotlib import.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any, Iterator

__all__ = ["KEYWORD", "add_words", "read_words", "figure_words"]

KEYWORD = b"Description"
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(png: bytes) -> Iterator[tuple[bytes, bytes, int]]:
    """``(type, data, offset)`` of every chunk."""
    pos = len(_SIGNATURE)
    while pos + 8 <= len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind = png[pos + 4:pos + 8]
        yield kind, png[pos + 8:pos + 8 + length], pos
        pos += 12 + length


def add_words(png: bytes, words: str) -> bytes:
    """``png`` with ``words`` in an ``iTXt`` chunk (UTF-8) before ``IEND`` (an old one replaced).

    Examples
    --------
    >>> import base64
    >>> tiny = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")
    >>> read_words(add_words(tiny, "never visited: rows 2–4"))
    'never visited: rows 2–4'
    >>> read_words(add_words(add_words(tiny, "a"), "b"))
    'b'
    """
    if not png.startswith(_SIGNATURE):
        raise ValueError("add_words needs PNG bytes (they start with the PNG signature)")
    kept = []
    for kind, data, pos in _chunks(png):
        if kind in (b"tEXt", b"iTXt") and data.split(b"\0", 1)[0] == KEYWORD:
            continue
        if kind == b"IEND":
            break
        kept.append(png[pos:pos + 12 + len(data)])
    body = KEYWORD + b"\0\0\0\0\0" + words.encode("utf-8")  # no compression, no language, no translation
    text = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND") & 0xFFFFFFFF)
    return _SIGNATURE + b"".join(kept) + text + iend


def read_words(png: bytes) -> str:
    """The words stored by :func:`add_words` ('' when there are none or the bytes are not a PNG).

    Examples
    --------
    >>> read_words(b"not a png")
    ''
    """
    if not png.startswith(_SIGNATURE):
        return ""
    for kind, data, _ in _chunks(png):
        key, _, value = data.partition(b"\0")
        if key == KEYWORD and kind == b"iTXt" and value[:2] == b"\0\0":
            return value[2:].split(b"\0", 2)[-1].decode("utf-8", "replace")
        if key == KEYWORD and kind == b"tEXt":
            return value.decode("latin-1")
    return ""


def figure_words(fig: Any) -> str:
    """The visible words of a matplotlib figure: suptitle, texts, axes titles, labels, legends.

    Tick labels are left out (numbers along an axis are not sentences). Lines are joined by
    newlines.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("never visited: row 9"); _ = ax.set_xlabel("column")
    >>> figure_words(fig)
    'never visited: row 9\\ncolumn'
    >>> plt.close(fig)
    """
    words: list[str] = []

    def add(text: Any) -> None:
        value = text.get_text() if hasattr(text, "get_text") else str(text or "")
        if value and value.strip() and (not hasattr(text, "get_visible") or text.get_visible()):
            words.append(value.strip())

    if getattr(fig, "_suptitle", None) is not None:
        add(fig._suptitle)
    for t in getattr(fig, "texts", []):
        add(t)
    for legend in getattr(fig, "legends", []):
        for t in legend.get_texts():
            add(t)
    for ax in fig.get_axes():
        for loc in ("left", "center", "right"):
            add(ax.get_title(loc))
        add(ax.xaxis.label)
        add(ax.yaxis.label)
        for t in ax.texts:
            add(t)
        legend = ax.get_legend()
        if legend is not None:
            for t in legend.get_texts():
                add(t)
    return "\n".join(words)
