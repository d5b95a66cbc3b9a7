"""Control ranges a learner can reach, read from the code of the explorers.

``CONTROLS[name]()`` returns ``{param: tuple of values}`` using the claim registry's parameter
names (``n``, ``k``, ``s``, ``p``, ``d``, ``op``, ``layers``, ``rates`` ...). A claim lists the names
whose ranges its domain must cover in ``Domain(reach=...)``; ``tests/test_claims.py`` checks it.
Register more with :func:`control` in any claims module.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

__all__ = ["CONTROLS", "control", "slider_ranges", "ranges"]

CONTROLS: dict[str, Callable[[], dict[str, tuple]]] = {}


def control(name: str) -> Callable[[Callable[[], dict[str, tuple]]], Callable[[], dict[str, tuple]]]:
    """Register a zero-argument function that reads a control range from the code.

    Examples
    --------
    >>> @control("demo.controls")
    ... def _demo():
    ...     return {"k": (1, 2, 3)}
    >>> ranges("demo.controls")
    {'k': (1, 2, 3)}
    >>> _ = CONTROLS.pop("demo.controls")
    """

    def register(read: Callable[[], dict[str, tuple]]) -> Callable[[], dict[str, tuple]]:
        CONTROLS[name] = read
        return read

    return register


def ranges(name: str) -> dict[str, tuple]:
    """The control ranges registered as ``name``."""
    if name not in CONTROLS:
        from . import _load_all

        _load_all()
    if name not in CONTROLS:
        raise KeyError(f"no control range is registered as {name!r}; known: {', '.join(sorted(CONTROLS))}")
    return CONTROLS[name]()


def slider_ranges(controls: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, tuple]:
    """``{param: values}`` from ipywidgets integer sliders, renamed by ``names`` (slider -> param).

    For a range read from ipywidgets sliders; the course's explorers' ranges are read from their
    limit tables instead (``LIMITS``, ``HEATMAP_LIMITS``, ``GRIDDING_LIMITS``).

    Sliders that map to the same param (``rate1``, ``rate2`` → ``d``) are merged.

    Examples
    --------
    >>> class S:  # stands in for an ipywidgets IntSlider
    ...     def __init__(self, lo, hi, step=1): self.min, self.max, self.step = lo, hi, step
    >>> slider_ranges({"rate1": S(1, 3), "rate2": S(2, 4), "kernel": S(2, 5)}, {"rate1": "d", "rate2": "d", "kernel": "k"})
    {'d': (1, 2, 3, 4), 'k': (2, 3, 4, 5)}
    """
    out: dict[str, set] = {}
    for slider, param in names.items():
        c = controls[slider]
        out.setdefault(param, set()).update(range(c.min, c.max + 1, c.step or 1))
    return {param: tuple(sorted(values)) for param, values in out.items()}


@control("explorer.conv")
def _conv_explorer() -> dict[str, tuple]:
    """The convolution explorer's ranges (``helpers.explorers.numbers.LIMITS``)."""
    from ..explorers.numbers import LIMITS

    names = {"n": "n", "kernel": "k", "stride": "s", "padding": "p", "dilation": "d",
             "output_padding": "op", "layers": "layers"}
    return {param: tuple(range(LIMITS[key][0], LIMITS[key][1] + 1)) for key, param in names.items() if key in LIMITS}
