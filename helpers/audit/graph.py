"""The record one run of a model leaves: nodes (feature maps) joined by per-axis position rules.

A :class:`Node` is one feature map computed from the input: its spatial size
and, per input it was computed from, one :class:`Edge` holding a position rule
per spatial axis (:mod:`helpers.audit.positions`). An edge that mixes a whole
axis (a mean, a norm's statistics, a pool to one cell) is marked ``mixing``:
the analysis keeps those paths apart as *global paths*. An :class:`Opaque`
node stands for a map the reading could not follow (an operator without a
rule); it only matters when the analysed map depends on it.

Tensors are described by :class:`Layout`: which of the tensor's dimensions
hold which spatial axis of the input (a dimension may hold several axes
flattened together, as in ``x.flatten(2)``; an axis may be split into blocks,
:class:`Sub`, as a window partition does; a flattened dimension may carry extra
tokens before its positions, :class:`Tokens`, as a class token does).

numpy only: no PyTorch here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Edge", "Node", "Opaque", "Layout", "Graph", "Sub", "Tokens", "axes_of"]

# one tensor dimension: its parts, outer first, each (spatial axis or None, size); size-1 parts dropped
Dim = tuple[tuple[Any, int], ...]


@dataclass(frozen=True)
class Sub:
    """Part of spatial axis ``axis`` split into blocks by a view: index i of the part adds ``i * step`` to the position.

    A window partition of a 21-cell axis into 3 windows of 7 gives ``(Sub(0, 7), 3)`` (which window) and
    ``(Sub(0, 1), 7)`` (where inside it).
    """

    axis: int
    step: int


@dataclass(frozen=True)
class Tokens:
    """A dimension holding ``extra`` tokens that are no position (a class token), then the positions of ``parts``."""

    extra: int
    parts: tuple


def axes_of(label: Any) -> list[int]:
    """The spatial axes a part's label stands for (``[]`` for a non-spatial part).

    Examples
    --------
    >>> axes_of(None), axes_of(1), axes_of(Sub(0, 7)), axes_of(Tokens(1, ((0, 4), (1, 4))))
    ([], [1], [0], [0, 1])
    """
    if label is None:
        return []
    if isinstance(label, Sub):
        return [label.axis]
    if isinstance(label, Tokens):
        return [a for lab, _ in label.parts for a in axes_of(lab)]
    return [label]


@dataclass(frozen=True)
class Edge:
    """One input of a node: its node index and a position rule per spatial axis."""

    source: int
    rules: tuple[Any, ...]
    mixing: str | None = None  # why this edge reads the whole axis (None for a local edge)


@dataclass
class Node:
    """One feature map: its spatial size, how it was computed, where in the model."""

    index: int
    kind: str
    size: tuple[int, ...]
    edges: list[Edge]
    where: str = ""  # the innermost module that computed it ("" for the model itself)
    params: dict = field(default_factory=dict)


@dataclass
class Opaque:
    """A map the reading could not follow, with what the refusal will say."""

    index: int
    reason: str
    operator: str
    where: str
    source_line: str
    hint: str
    size: tuple[int, ...] = ()
    edges: list[Edge] = field(default_factory=list)
    kind: str = "unknown"
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    """Which spatial axes each dimension of a tensor holds, and the node the tensor belongs to."""

    node: int
    dims: tuple[Dim, ...]

    def axis_dim(self, axis: int) -> int | None:
        """The dimension holding ``axis`` alone, or None (absent: size 1; or flattened with others)."""
        for j, parts in enumerate(self.dims):
            if any(a == axis for a, _ in parts):
                return j if len(parts) == 1 else None
        return None

    def spatial_in(self, j: int) -> list[int]:
        """The spatial axes dimension ``j`` holds."""
        return [a for lab, _ in self.dims[j] for a in axes_of(lab)]


class Graph:
    """Nodes in the order they were computed; node 0 is the input."""

    def __init__(self, size: tuple[int, ...]):
        self.nodes: list[Any] = [Node(0, "input", tuple(size), [], "")]

    @property
    def ndim(self) -> int:
        return len(self.nodes[0].size)

    def add(self, kind: str, size: tuple[int, ...], edges: list[Edge], where: str, params: dict | None = None) -> int:
        self.nodes.append(Node(len(self.nodes), kind, tuple(size), edges, where, params or {}))
        return len(self.nodes) - 1

    def add_opaque(self, **kw: Any) -> int:
        self.nodes.append(Opaque(len(self.nodes), **kw))
        return len(self.nodes) - 1

    def ancestors(self, target: int, *, local_only: bool = False) -> set[int]:
        """Nodes ``target`` depends on (itself included); ``local_only`` skips mixing edges."""
        keep, todo = set(), [target]
        while todo:
            i = todo.pop()
            if i in keep:
                continue
            keep.add(i)
            todo.extend(e.source for e in self.nodes[i].edges if not (local_only and e.mixing))
        return keep
