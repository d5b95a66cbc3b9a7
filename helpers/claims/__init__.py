"""The course's universal statements, each with its domain and its brute-force sweep (issue 18).

Every claim module in this package (``nb00.py`` … ``nb08.py``, ``explorers.py`` …) registers its
claims with :func:`claim` on import; :func:`registry` imports them all. A notebook sentence names
its claim with ``<!-- claim: ID -->`` right after it. Print the census with
``python -m helpers.claims``.

Examples
--------
>>> from helpers import claims
>>> c = claims.Domain(params={"k": range(1, 4)})
>>> c.size
3
"""

from __future__ import annotations

import importlib
import pkgutil

from ._core import KINDS, Claim, Domain, claim, get, registry
from .reach import CONTROLS, control, ranges, slider_ranges
from .scan import (
    MARKER,
    UNIVERSAL,
    Sentence,
    exercise_sentences,
    flagged,
    markers,
    notebook_sentences,
    sentences,
    strip_markers,
    unclaimed,
)

__all__ = ["KINDS", "Claim", "Domain", "claim", "get", "registry", "CONTROLS", "control", "ranges",
           "slider_ranges", "MARKER", "UNIVERSAL", "Sentence", "exercise_sentences", "flagged", "markers",
           "notebook_sentences", "sentences", "strip_markers", "unclaimed"]

_INFRASTRUCTURE = {"reach", "scan", "allowed", "pending"}
_loaded = False


def _load_all() -> None:
    """Import every claim module of the package once (each registers its claims)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_") and info.name not in _INFRASTRUCTURE:
            importlib.import_module(f"{__name__}.{info.name}")
