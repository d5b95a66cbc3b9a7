"""What the convolution explorer shows, computed in Python by the course's helpers.

The explorer computes its numbers in the browser (``conv_arith.js``); this
module computes the same numbers from ``helpers`` — sizes from
:mod:`helpers.arithmetic`, paths from the reference convolutions of
:mod:`helpers.conv` (the Jacobian of the stack with all-one kernels), the
receptive field from :func:`helpers.receptive_field` — so the static picture
(PNG) is drawn from helpers' numbers and the tests can compare the two.

A layer is a dict ``{kind, kernel, stride, padding, dilation, ceil_mode,
output_padding}`` along one axis (padding per side); 2-D maps are square with
the same layers on both axes, so their numbers are outer products.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._validate import check_choice, check_int
from ..arithmetic import conv_output_size, transposed_output_size
from ..conv import conv2d, conv_transpose2d
from ..receptive import Layer, receptive_field

__all__ = ["KINDS", "LIMITS", "MAX_SIZE", "normalize_layer", "to_helper_layers", "stack_sizes", "AxisNumbers", "axis_numbers"]

KINDS = ("conv", "pool", "transposed")

#: Control ranges of the explorer before validity narrows them (the same as ``LIMITS`` in conv_arith.js).
LIMITS = {
    "n": (1, 64),
    "layers": (1, 4),
    "kernel": (1, 7),
    "stride": (1, 4),
    "padding": (0, 8),
    "dilation": (1, 8),
    "output_padding": (0, 3),
}

#: The largest map the explorer draws, cells per axis (``MAX_SIZE`` in conv_arith.js): a larger
#: 2-D canvas would pass the browser's size limit.
MAX_SIZE = 160


def normalize_layer(layer: dict[str, Any], *, name: str = "layer") -> dict[str, Any]:
    """A layer dict with every key, checked against the explorer's control ranges.

    Examples
    --------
    >>> normalize_layer({"kernel": 3, "dilation": 2, "padding": 2})
    {'kind': 'conv', 'kernel': 3, 'stride': 1, 'padding': 2, 'dilation': 2, 'ceil_mode': False, 'output_padding': 0}
    """
    if not isinstance(layer, dict):
        raise TypeError(f"{name} must be a dict such as {{'kind': 'conv', 'kernel': 3}}, got {layer!r}")
    unknown = set(layer) - {"kind", "kernel", "stride", "padding", "dilation", "ceil_mode", "output_padding"}
    if unknown:
        raise ValueError(f"{name} has unknown keys {sorted(unknown)}")
    kind = check_choice(f"{name}['kind']", layer.get("kind", "conv"), KINDS)
    out: dict[str, Any] = {"kind": kind}
    for key, default in (("kernel", 3), ("stride", 1), ("padding", 0), ("dilation", 1)):
        lo, hi = LIMITS[key]
        out[key] = check_int(f"{name}['{key}']", layer.get(key, default), lo, hi)
    ceil = layer.get("ceil_mode", False)
    if not isinstance(ceil, bool):
        raise TypeError(f"{name}['ceil_mode'] must be True or False, got {ceil!r}")
    out["ceil_mode"] = ceil and kind == "pool"
    op = check_int(f"{name}['output_padding']", layer.get("output_padding", 0), *LIMITS["output_padding"])
    out["output_padding"] = op if kind == "transposed" else 0
    return out


def _layer_size(n: int, layer: dict[str, Any]) -> int:
    if layer["kind"] == "transposed":
        return transposed_output_size(
            n, layer["kernel"], stride=layer["stride"], padding=layer["padding"],
            dilation=layer["dilation"], output_padding=layer["output_padding"],
        )  # fmt: skip
    if layer["kind"] == "pool" and layer["padding"] > layer["kernel"] // 2:
        raise ValueError(
            f"padding must be <= kernel // 2 = {layer['kernel'] // 2} for pooling "
            f"(PyTorch's limit), got {layer['padding']}"
        )
    return conv_output_size(
        n, layer["kernel"], stride=layer["stride"], padding=layer["padding"],
        dilation=layer["dilation"], ceil_mode=layer["ceil_mode"],
    )  # fmt: skip


def stack_sizes(n: int, layers: Sequence[dict[str, Any]]) -> tuple[int, ...]:
    """Map sizes, input first; ``ValueError`` naming the layer when one has no output.

    Examples
    --------
    >>> stack_sizes(8, [{"kernel": 3, "stride": 2, "padding": 1}, {"kind": "pool", "kernel": 2, "stride": 2}])
    (8, 4, 2)
    """
    size = check_int("n", n, *LIMITS["n"])
    sizes = [size]
    for i, layer in enumerate(layers):
        layer = normalize_layer(layer, name=f"layers[{i}]")
        try:
            size = _layer_size(size, layer)
        except ValueError as exc:
            raise ValueError(f"layer {i + 1}: {exc}") from None
        if size > MAX_SIZE:
            raise ValueError(f"layer {i + 1}: the output would have {size} cells per axis; the explorer draws at most {MAX_SIZE}")
        sizes.append(size)
    return tuple(sizes)


def to_helper_layers(layers: Sequence[dict[str, Any]]) -> list[Layer]:
    """The stack as :class:`helpers.Layer` records (convolution and pooling only).

    ``ceil_mode`` changes sizes, not receptive fields, so it is dropped.

    Examples
    --------
    >>> to_helper_layers([{"kernel": 3, "dilation": 2, "padding": 2}])
    [Layer(kernel=3, stride=1, dilation=2, padding=2, name='layer1', channels=None, kind='conv')]
    """
    result = []
    for i, layer in enumerate(layers):
        layer = normalize_layer(layer, name=f"layers[{i}]")
        if layer["kind"] == "transposed":
            raise ValueError(
                f"layers[{i}] is a transposed convolution: helpers.Layer describes convolution "
                "and pooling only"
            )
        result.append(Layer(layer["kernel"], stride=layer["stride"], dilation=layer["dilation"],
                            padding=layer["padding"], name=f"layer{i + 1}", kind=layer["kind"]))  # fmt: skip
    return result


def _jacobian(n_in: int, n_out: int, layer: dict[str, Any]) -> np.ndarray:
    """``J[o, x]``: how many taps of output ``o`` land on input cell ``x`` (all-one kernel).

    Computed by the course's reference convolutions on every unit input; with
    ``ceil_mode`` the windows that run past the padded end read zeros there.
    """
    eye = np.eye(n_in).reshape(n_in, 1, 1, n_in)
    k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
    w = np.ones((1, 1, 1, k))
    if layer["kind"] == "transposed":
        y = conv_transpose2d(eye, w, stride=(1, s), padding=(0, p), dilation=(1, d),
                             output_padding=(0, layer["output_padding"]))  # fmt: skip
    else:
        extra = max(0, (n_out - 1) * s + d * (k - 1) + 1 - (n_in + 2 * p))  # ceil_mode's overhang
        x = np.pad(eye, ((0, 0), (0, 0), (0, 0), (p, p + extra)))
        y = conv2d(x, w, stride=(1, s), dilation=(1, d))
    y = np.rint(y[:, 0, 0, :]).astype(np.int64)  # (n_in, n_out)
    if y.shape[1] != n_out:  # pragma: no cover - would mean the sizes disagree
        raise AssertionError(f"reference convolution gives {y.shape[1]} outputs, formula {n_out}")
    return y.T


@dataclass(frozen=True)
class AxisNumbers:
    """The numbers the explorer shows along one axis, for one selected output.

    Attributes
    ----------
    sizes : tuple of int
        Map sizes, input first.
    level, index : int
        The selected output: map ``level`` (1 = first layer), position ``index``.
    paths : tuple of numpy.ndarray
        ``paths[l][x]``: paths from the selected output to cell ``x`` of map ``l`` (``l <= level``).
    total : tuple of numpy.ndarray
        Paths from all outputs of the last map to each cell of each map (0: never visited).
    taps : tuple of int
        Input positions the selected output reads in map ``level - 1`` (in tap order,
        outside ``0..size-1`` for padding), one per tap that exists.
    rf : tuple or None
        ``(r, S, P, center)`` of map ``level`` (:func:`helpers.receptive_field`); None with a
        transposed layer.
    box : tuple or None
        ``(start, end, center)`` of the selected output's receptive field in input cells.
    holes : tuple of int
        Input cells inside the box (and the input) with no path.
    never_visited : tuple of int
        Input cells with no path from any output of the last map.
    """

    sizes: tuple[int, ...]
    level: int
    index: int
    paths: tuple[np.ndarray, ...]
    total: tuple[np.ndarray, ...]
    taps: tuple[int, ...]
    rf: tuple[int, int, int, float] | None
    box: tuple[int, int, float] | None
    holes: tuple[int, ...]
    never_visited: tuple[int, ...]


def _taps(n_in: int, layer: dict[str, Any], o: int) -> tuple[int, ...]:
    k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
    if layer["kind"] != "transposed":
        return tuple(o * s + t * d - p for t in range(k))
    return tuple((o + p - t * d) // s for t in range(k) if (o + p - t * d) % s == 0)


def axis_numbers(n: int, layers: Sequence[dict[str, Any]], level: int | None = None, index: int = 0) -> AxisNumbers:
    """Everything the explorer shows along one axis, from helpers.

    Examples
    --------
    >>> a = axis_numbers(16, [{"kernel": 3, "dilation": 2, "padding": 2}] * 2, index=8)
    >>> a.paths[0][4:13].tolist(), a.holes, a.box
    ([1, 0, 2, 0, 3, 0, 2, 0, 1], (5, 7, 9, 11), (4, 12, 8.0))
    """
    norm = [normalize_layer(layer, name=f"layers[{i}]") for i, layer in enumerate(layers)]
    if not 1 <= len(norm) <= LIMITS["layers"][1]:
        raise ValueError(f"layers must hold 1 to {LIMITS['layers'][1]} layers, got {len(norm)}")
    sizes = stack_sizes(n, norm)
    level = len(norm) if level is None else check_int("level", level, 1, len(norm))
    index = check_int("index", index, 0, sizes[level] - 1)
    jac = [_jacobian(sizes[i], sizes[i + 1], layer) for i, layer in enumerate(norm)]
    paths = [None] * (level + 1)
    paths[level] = np.zeros(sizes[level], dtype=np.int64)
    paths[level][index] = 1
    for l in range(level, 0, -1):
        paths[l - 1] = paths[l] @ jac[l - 1]
    total = [None] * (len(norm) + 1)
    total[-1] = np.ones(sizes[-1], dtype=np.int64)
    for l in range(len(norm), 0, -1):
        total[l - 1] = total[l] @ jac[l - 1]
    rf = box = None
    holes: tuple[int, ...] = ()
    if all(layer["kind"] != "transposed" for layer in norm[:level]):
        row = receptive_field(to_helper_layers(norm[:level]))[-1]
        rf = (row.r, row.S, row.P, row.center)
        start = index * row.S - row.P
        box = (start, start + row.r - 1, row.center + index * row.S)
        inside = range(max(0, start), min(n, start + row.r))
        holes = tuple(x for x in inside if paths[0][x] == 0)
    return AxisNumbers(
        sizes=sizes, level=level, index=index, paths=tuple(paths), total=tuple(total),
        taps=_taps(sizes[level - 1], norm[level - 1], index), rf=rf, box=box, holes=holes,
        never_visited=tuple(int(x) for x in np.flatnonzero(total[0] == 0)),
    )  # fmt: skip
