"""What :func:`helpers.audit` found: the per-layer table and the headline numbers, in text, HTML and dicts."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .geometry import span

__all__ = ["AuditRow", "AuditReport", "AuditRefusal"]


class AuditRefusal(ValueError):
    """The audit cannot read the requested map: the operator, where it is, and a way round it.

    Attributes ``operator``, ``module``, ``source_line`` and ``way_round`` hold the parts of the message.
    """

    def __init__(self, message: str, *, operator: str = "", module: str = "", source_line: str = "",
                 way_round: str = ""):
        super().__init__(message)
        self.operator, self.module, self.source_line, self.way_round = operator, module, source_line, way_round


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v[0], tuple):
        v = tuple(f"{a}/{b}" if a != b else str(a) for a, b in v)
    v = tuple(f"{x:g}" if isinstance(x, float) else str(x) for x in v)
    return v[0] if len(set(v)) == 1 else "×".join(v)


@dataclass(frozen=True)
class AuditRow:
    """One layer of an audited network, per spatial axis (``(height, width)`` for images).
    Taught in notebook ``08_audit_a_real_network``.

    ``r``, ``jump`` and ``start`` follow Araujo et al.: ``jump`` is their
    *effective stride* S and ``start`` = −P, minus their *effective padding*
    (the input coordinate where the field of output 0 begins, padding
    included). Where branches meet, ``r`` is the span of all local paths'
    fields. After a transposed convolution or an upsampling ``jump`` may be a
    fraction.

    Examples
    --------
    >>> import torch.nn as nn
    >>> from helpers import audit
    >>> row = audit(nn.Conv2d(3, 8, 3, stride=2, padding=1), 32).layers[0]
    >>> row.kind, row.r, row.effective_stride, row.effective_padding
    ('conv', (3, 3), (2, 2), (1, 1))
    """

    name: str
    kind: str
    size: tuple[int, ...]
    kernel: tuple[int, ...] | None
    stride: tuple[int, ...] | None
    padding: tuple[tuple[int, int], ...] | None
    dilation: tuple[int, ...] | None
    r: tuple[int | float, ...]
    jump: tuple[int | float, ...]
    start: tuple[int | float, ...]

    @property
    def effective_stride(self) -> tuple[int | float, ...]:
        """Araujo et al.'s effective stride S (input pixels per step of this map)."""
        return self.jump

    @property
    def effective_padding(self) -> tuple[int | float, ...]:
        """Araujo et al.'s effective padding P = −start."""
        return tuple(-s if s != 0 else 0 for s in self.start)

    def to_dict(self) -> dict[str, Any]:
        """The row as plain Python values (for ``pandas.DataFrame`` or JSON)."""
        return {"layer": self.name, "kind": self.kind, "size": self.size, "kernel": self.kernel,
                "stride": self.stride, "padding": self.padding, "dilation": self.dilation, "r": self.r,
                "effective_stride": self.effective_stride, "effective_padding": self.effective_padding}


_HEADER = ["layer", "kind", "size", "k", "s", "p", "d", "r", "eff. stride", "eff. padding"]


@dataclass(frozen=True)
class AuditReport:
    """What :func:`helpers.audit` found; every number per spatial axis (``(height, width)`` for images).
    Taught in notebook ``08_audit_a_real_network``.

    Attributes
    ----------
    at : str
        The analysed feature map (module name, or ``"output"``).
    input_size, output_size : tuple of int
        Input and feature-map sizes (read from PyTorch's own shape functions).
    output_stride : tuple of int or float
        Input pixels per step of the feature map.
    receptive_field : tuple of int
        Span of the *local* field of the interior output, padding cells included.
    centre : tuple of float
        Centre of the local field of output 0 (input coordinates; may lie in padding). Where output 0
        reads no cell, the centre of the first output that does, moved back by the output stride.
    interior : tuple of int
        The output whose field is analysed: ``(n - 1) // 2`` per axis, or the nearest output that reads
        an input cell where that one reads none (between a transposed layer's taps).
    field : tuple of (int, int)
        First and last input cell of that field per axis (unclipped).
    holes : int
        Cells inside that field and inside the image that this output does not reach,
        although some output of the map reads them.
    unread : int
        Image cells no output of the map reads ("unread by any output"), e.g. rows and columns a stride's
        rounding drops at the border, rows between windows where a kernel is smaller than its stride, and
        rows between a dilated kernel's taps where its rate and stride share a factor.
    coverage : numpy.ndarray
        Path counts over the field's part of the image (read-only).
    layers : tuple of AuditRow
        The layer table, input side first.
    global_paths : tuple of str
        Operators on the way that mix a whole axis or cells spread over the map (global pools, SE gates,
        norms over height and width, attention): their paths reach cells far outside the local field
        (for a mean over the map, every cell), and the field above leaves them out.
    warnings, notes : tuple of str
        Misaligned branches, dilations whose taps fall in padding; what was read instead of what.
    in_channels : int
        Channels of the input the model was run on.

    Examples
    --------
    >>> import torch.nn as nn
    >>> from helpers import audit
    >>> report = audit(nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2)), 10)
    >>> print(report.table())
    layer  kind       size  k  s  p  d  r  eff. stride  eff. padding
    0      conv      10×10  3  1  1  1  3            1             1
    1      max pool    5×5  2  2  0  1  4            2             1
    >>> report.field_of((0, 0))
    ((-1, 2), (-1, 2))
    """

    at: str
    input_size: tuple[int, ...]
    output_size: tuple[int, ...]
    output_stride: tuple[int | float, ...]
    receptive_field: tuple[int, ...]
    centre: tuple[float, ...]
    interior: tuple[int, ...]
    field: tuple[tuple[int, int], ...]
    holes: int
    unread: int
    coverage: np.ndarray = field(repr=False, compare=False)
    layers: tuple[AuditRow, ...] = field(repr=False)
    global_paths: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    in_channels: int = 3
    _graph: Any = field(default=None, repr=False, compare=False)
    _target: int = field(default=0, repr=False)
    _reach: tuple[np.ndarray, np.ndarray] = field(default=(), repr=False, compare=False)
    _module: str | None = field(default=None, repr=False)
    _call: int = field(default=0, repr=False)
    _key: tuple = field(default=(), repr=False)
    _dims: tuple | None = field(default=None, repr=False, compare=False)  # the located tensor's layout (batch 1)

    @property
    def center(self) -> tuple[float, ...]:
        """Alias of :attr:`centre` (PyTorch's spelling)."""
        return self.centre

    def field_of(self, index: Sequence[int]) -> tuple[tuple[int, int], ...]:
        """First and last input position (unclipped, padding included) of one output's local field.

        Parameters
        ----------
        index : sequence of int
            The output position, one index per spatial axis, e.g. ``(i, j)``.
        """
        index = tuple(int(i) for i in index)
        if len(index) != len(self.output_size) or any(not 0 <= i < n for i, n in zip(index, self.output_size)):
            raise ValueError(f"index must be a position of the {'×'.join(map(str, self.output_size))} map, got {index}")
        return tuple(span(self._graph, self._target, u, axis) for axis, u in enumerate(index))

    def table(self, *, names: Sequence[str] | None = None) -> str:
        """The per-layer table as aligned text (``a×b`` where the axes differ).

        Parameters
        ----------
        names : sequence of str, optional
            Print only these rows; default all.
        """
        lines = [_HEADER] + [self._cells(row) for row in self.layers if names is None or row.name in names]
        widths = [max(len(line[i]) for line in lines) for i in range(len(_HEADER))]
        return "\n".join(
            "  ".join([line[0].ljust(widths[0]), line[1].ljust(widths[1])]
                      + [c.rjust(w) for c, w in zip(line[2:], widths[2:])]).rstrip()
            for line in lines
        )

    @staticmethod
    def _cells(row: AuditRow) -> list[str]:
        return [row.name, row.kind, "×".join(map(str, row.size)), _fmt(row.kernel), _fmt(row.stride),
                _fmt(row.padding), _fmt(row.dilation), _fmt(row.r), _fmt(row.effective_stride),
                _fmt(row.effective_padding)]

    def summary(self) -> str:
        """The headline numbers, the global paths, the warnings and notes, one per line."""
        def pair(v: Any) -> str:
            v = tuple(f"{x:g}" if isinstance(x, float) else str(x) for x in v)
            return v[0] if len(set(v)) == 1 else " × ".join(v)

        size = "×".join(map(str, self.input_size))
        rows = [
            ("feature map", f"{self.at} for a {size} input"),
            ("output size", "×".join(map(str, self.output_size))),
            ("output stride", pair(self.output_stride)),
            ("receptive field", pair(self.receptive_field) + (" (local paths)" if self.global_paths else "")),
            ("centre of out 0", pair(self.centre)),
            ("holes", str(self.holes)),
            ("unread by any output", str(self.unread)),
        ]
        width = max(len(label) for label, _ in rows) + 2
        lines = [label.ljust(width) + value for label, value in rows]
        if self.global_paths:
            lines.append(f"{'global paths'.ljust(width)}{len(self.global_paths)} operator(s) mix a whole axis or cells "
                         "spread over the map, so an output also depends on pixels outside its local field:")
            lines += [f"  - {g}" for g in self.global_paths[:5]]
            if len(self.global_paths) > 5:
                lines.append(f"  - ... and {len(self.global_paths) - 5} more")
        lines += [f"note: {n}" for n in self.notes]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        size = "×".join(map(str, self.input_size))
        return (f"AuditReport(at={self.at!r}, input {size}, output_size={self.output_size}, "
                f"receptive_field={self.receptive_field}, holes={self.holes}, global_paths={len(self.global_paths)})")

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in _HEADER)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in self._cells(r)) + "</tr>"
                       for r in self.layers)
        return (f"<pre>{html.escape(self.summary())}</pre>"
                f"<details><summary>per-layer table ({len(self.layers)} rows)</summary>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>")

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python values; ``layers`` is a list of row dicts (a ``pandas.DataFrame`` away)."""
        return {
            "at": self.at, "input_size": self.input_size, "output_size": self.output_size,
            "output_stride": self.output_stride, "receptive_field": self.receptive_field, "centre": self.centre,
            "interior": self.interior, "field": self.field, "holes": self.holes, "unread": self.unread,
            "global_paths": list(self.global_paths), "warnings": list(self.warnings), "notes": list(self.notes),
            "layers": [row.to_dict() for row in self.layers],
        }

    def verify(self, model: Any, **kwargs: Any) -> Any:
        """Measure the report's numbers with PyTorch's autograd and say where they differ.

        See :func:`helpers.audit.measure.verify` (float64, positive weights,
        non-saturating substitutes; global paths cut so the local field is measured).
        """
        from .measure import verify

        return verify(self, model, **kwargs)
