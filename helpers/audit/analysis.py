"""From a recorded graph to an :class:`~helpers.audit.report.AuditReport`: refusals, fallbacks, numbers."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .geometry import _num, reach, span, table_rows
from .graph import Graph, Opaque
from .positions import Window
from .report import AuditRefusal, AuditReport, AuditRow

__all__ = ["analyse"]


def _readable_before(graph: Graph, calls: dict[str, list[Any]], blocked: int) -> str | None:
    """The last module whose output is computed before ``blocked`` and does not depend on an opaque node."""
    best, best_node = None, -1
    for name, runs in calls.items():
        if not name:
            continue
        lay = runs[-1]
        if not hasattr(lay, "node") or lay.node >= blocked or lay.node < best_node:
            continue
        if any(isinstance(graph.nodes[i], Opaque) for i in graph.ancestors(lay.node)):
            continue
        best, best_node = name, lay.node
    return best


def _refuse(graph: Graph, target: int, calls: dict[str, list[Any]], label: str) -> None:
    keep = graph.ancestors(target)
    opaque = [graph.nodes[i] for i in sorted(keep) if isinstance(graph.nodes[i], Opaque)]
    if not opaque:
        return
    first = opaque[0]
    before = _readable_before(graph, calls, first.index)
    way = first.hint
    if before and way.startswith("audit a module that runs before it"):
        way = f"audit up to it with at={before!r}"
    elif before:
        way = f"audit up to it with at={before!r}, or {way}"
    where = f" in module {first.where!r}" if first.where else ""
    line = f" (source: {first.source_line})" if first.source_line else ""
    raise AuditRefusal(
        f"audit cannot read {label}: {first.reason}{where}{line}. Way round: {way}",
        operator=first.operator, module=first.where, source_line=first.source_line, way_round=way)


def _reading_output(graph: Graph, target: int, n: int, axis: int) -> int:
    """The output nearest the middle, ``(n - 1) // 2``, that reads an input cell along ``axis`` (the middle one
    unless a transposed layer with a stride above its kernel leaves outputs between its taps that read none)."""
    mid = (n - 1) // 2
    for u in sorted(range(n), key=lambda u: (abs(u - mid), u)):
        if span(graph, target, u, axis) is not None:
            return u
    raise ValueError(f"no output reads an input cell along axis {axis}: nothing to analyse")


def _last_feature_map(graph: Graph, target: int) -> int | None:
    local = graph.ancestors(target)
    maps = [i for i in local if i > 0 and not isinstance(graph.nodes[i], Opaque) and 0 in graph.ancestors(i, local_only=True)]
    # prefer maps that keep more than one cell on every axis the input has; else a map a stride shrank to one cell
    full = [i for i in maps if all(n > 1 or n0 == 1 for n, n0 in zip(graph.nodes[i].size, graph.nodes[0].size))]
    return max(full or maps, default=None)


def _global_paths(graph: Graph, keep: set[int]) -> tuple[str, ...]:
    out: list[str] = []
    for i in sorted(keep):
        node = graph.nodes[i]
        for e in node.edges:
            if e.mixing and e.mixing != "opaque":
                text = f"{node.where or 'the model’s forward'}: {e.mixing}"
                if text not in out:
                    out.append(text)
    return tuple(out)


def _padding_warnings(graph: Graph, keep: set[int]) -> list[str]:
    """Dilated layers where most outputs have taps in the padding (DeepLabv3, Fig. 4)."""
    out = []
    for index in sorted(keep):
        node = graph.nodes[index]
        if index == 0 or isinstance(node, Opaque) or node.kind != "conv" or max(node.params.get("dilation", (1,))) == 1:
            continue
        rules = node.edges[0].rules
        if not all(isinstance(r, Window) for r in rules):
            continue
        full, never = 1.0, []
        for axis, rule in enumerate(rules):
            src, _ = rule.sources(np.arange(node.size[axis]))
            inside = (src >= 0) & (src < rule.n_in)
            full *= inside.all(axis=1).mean()
            never.append(int((~inside.any(axis=0)).sum()))
        if full < 0.5:
            k = node.params["kernel"]
            d = node.params["dilation"]
            text = (f"{node.where} (dilation {d[0] if len(set(d)) == 1 else d}) on a "
                    f"{'×'.join(str(r.n_in) for r in rules)} map: {100 * full:.0f}% of its outputs see all "
                    f"{int(np.prod(k))} taps inside the map")
            if all(n == k[a] - 1 for a, n in enumerate(never)):
                text += "; every tap but the centre falls in the padding at every position: it acts as a 1×1 convolution"
            elif any(never):
                text += f"; {'×'.join(map(str, never))} tap rows/columns never touch the map"
            out.append(text)
    return out


def _rows(graph: Graph, keep: set[int], state: dict[int, tuple]) -> list[AuditRow]:
    rows = []
    for i in sorted(keep):
        if i == 0 or i not in state:
            continue
        node = graph.nodes[i]
        p = node.params
        rows.append(AuditRow(
            node.where or "(model)", node.kind, node.size, p.get("kernel"), p.get("stride"), p.get("padding"),
            p.get("dilation"), tuple(_num(a[0]) for a in state[i]), tuple(_num(a[1]) for a in state[i]),
            tuple(_num(a[2]) for a in state[i])))
    return rows


def _locate(calls: dict[str, list[Any]], target: int, given: dict) -> dict:
    """A module call (and key) whose output is ``target``'s map: where ``verify`` measures."""
    if given.get("_module") is not None:
        return given
    for name in sorted(calls, key=lambda n: (n.count("."), n)):
        for call, value in enumerate(calls[name]):
            for key, lay in _walk(value, ()):
                if lay is not None and lay.node == target:
                    return {"_module": name, "_call": call, "_key": key, "_dims": lay.dims}
    return {"_module": None, "_call": 0, "_key": (), "_dims": None}


def _walk(value: Any, key: tuple) -> list:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _walk(v, key + (k,))]
    if isinstance(value, (list, tuple)):
        return [x for i, v in enumerate(value) for x in _walk(v, key + (i,))]
    return [(key, value)]


def analyse(graph: Graph, target: int, label: str, size: tuple[int, ...], channels: int,
            calls: dict[str, list[Any]], given: dict | None = None, *, notes: list[str] | None = None) -> AuditReport:
    """The report for node ``target`` of ``graph``; ``notes`` are carried into the report (a fallback's reason)."""
    _refuse(graph, target, calls, label)
    notes = list(notes or [])
    if target == 0:
        raise ValueError(f"{label} is the input itself: nothing to analyse")
    if 0 not in graph.ancestors(target, local_only=True):
        last = _last_feature_map(graph, target)
        if last is None:
            raise ValueError(f"{label} has no feature map: every path mixes the whole input")
        where = graph.nodes[last].where or "the model"
        for name, runs in calls.items():  # the outermost module that returns this map, in run order
            if name and any(lay is not None and getattr(lay, "node", None) == last for _, lay in _walk(runs[-1], ())):
                where = name
        mixers = _global_paths(graph, graph.ancestors(target))
        notes.append(f"{label} is not a feature map (every path to it mixes the whole input, e.g. "
                     f"{mixers[0] if mixers else 'a flatten'}); read instead the last feature map, the output of "
                     f"{where!r} ({'×'.join(map(str, graph.nodes[last].size))}); pass at= to choose another")
        target, label = last, f"{where} (last feature map)"
        given = None
    locate = _locate(calls, target, given or {})
    keep_all = graph.ancestors(target)
    keep = graph.ancestors(target, local_only=True)
    state, warnings = table_rows(graph, keep)
    warnings += _padding_warnings(graph, keep)
    out_size = graph.nodes[target].size
    nd = len(out_size)
    interior = tuple(_reading_output(graph, target, out_size[a], a) for a in range(nd))
    spans = [span(graph, target, interior[a], a) for a in range(nd)]
    jump = state[target] if target in state else tuple((Fraction(1), Fraction(1), Fraction(0)) for _ in range(nd))
    # output 0 of a transposed layer can read no cell (it sits between the inserted zeros): the centre of the
    # first output u that reads one, moved back u steps of the output stride
    centres = []
    for a in range(nd):
        u = next(u for u in range(out_size[a]) if span(graph, target, u, a) is not None)
        lo, hi = span(graph, target, u, a)
        centres.append(float(Fraction(lo + hi, 2) - u * jump[a][1]))
    centres = tuple(centres)
    seed = np.zeros(out_size)
    seed[interior] = 1.0
    reach_in = reach(graph, target, seed)
    seed0 = np.zeros(out_size)
    seed0[(0,) * nd] = 1.0
    reach_0 = reach(graph, target, seed0)
    reach_any = reach(graph, target, np.ones(out_size))
    box = tuple(slice(max(lo, 0), min(hi, n - 1) + 1) for (lo, hi), n in zip(spans, size))
    cov = reach_in[box].copy()
    cov.setflags(write=False)
    holes = int(((cov == 0) & (reach_any[box] > 0)).sum())
    return AuditReport(
        at=label, input_size=size, output_size=out_size,
        output_stride=tuple(_num(a[1]) for a in jump),
        receptive_field=tuple(hi - lo + 1 for lo, hi in spans),
        centre=tuple(float(c) for c in centres), interior=interior, field=tuple(spans),
        holes=holes, unread=int((reach_any == 0).sum()), coverage=cov,
        layers=tuple(_rows(graph, keep, state)), global_paths=_global_paths(graph, keep_all),
        warnings=tuple(warnings), notes=tuple(notes), in_channels=channels,
        _graph=graph, _target=target, _reach=(reach_0 > 0, reach_in > 0), **locate)
