"""Where an output looks: exact reach (path counts), spans, and Araujo et al.'s table over the graph.

Only *local* edges are followed (an edge marked ``mixing`` reads a whole axis:
:mod:`helpers.audit.report` lists those separately as global paths). numpy only.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .graph import Graph
from .positions import Broadcast, clip

__all__ = ["reach_1d", "reach", "table_rows"]


def _local_edges(node: Any) -> list:
    return [e for e in node.edges if not e.mixing]


def reach_1d(graph: Graph, target: int, u: int, axis: int) -> tuple[int, np.ndarray] | None:
    """Unclipped path counts along one axis from output ``u``: ``(lo, counts)``, counts[i] for position lo + i.

    None where ``u`` reads no input cell (between a transposed layer's taps)."""
    store: dict[int, tuple[int, np.ndarray]] = {target: (u, np.ones(1))}
    for index in range(target, 0, -1):
        if index not in store:
            continue
        lo, counts = store.pop(index)
        pos = lo + np.flatnonzero(counts)
        weight = counts[counts != 0]
        for edge in _local_edges(graph.nodes[index]):
            rule = edge.rules[axis]
            src, valid = rule.sources(pos)
            w = np.broadcast_to(weight[:, None], src.shape)[valid]
            src = src[valid]
            if not len(src):
                continue
            new_lo, new_hi = int(src.min()), int(src.max())
            if edge.source in store:
                old_lo, old = store[edge.source]
                new_lo, new_hi = min(new_lo, old_lo), max(new_hi, old_lo + len(old) - 1)
            acc = np.zeros(new_hi - new_lo + 1)
            np.add.at(acc, src - new_lo, w)
            if edge.source in store:
                acc[old_lo - new_lo: old_lo - new_lo + len(old)] += old
            store[edge.source] = (new_lo, acc)
    return store.get(0)


def span(graph: Graph, target: int, u: int, axis: int) -> tuple[int, int] | None:
    """First and last input position (unclipped) output ``u`` reaches along ``axis``; None if none."""
    got = reach_1d(graph, target, u, axis)
    if got is None:
        return None
    lo, counts = got  # counts start and end at a reached position (every path count is positive)
    return lo, lo + len(counts) - 1


def _matrix(rule: Any, n_out: int) -> np.ndarray:
    """Clipped path-count matrix ``A[u, i]`` of one rule along one axis (real cells only)."""
    src, valid = clip(rule, *rule.sources(np.arange(n_out)))
    a = np.zeros((n_out, rule.n_in))
    rows = np.broadcast_to(np.arange(n_out)[:, None], src.shape)
    np.add.at(a, (rows[valid], src[valid]), 1.0)
    return a


def _apply(rule: Any, g: np.ndarray, axis: int) -> np.ndarray:
    """``A^T g`` along ``axis`` for the clipped path-count matrix A of ``rule``, tap by tap (A is sparse)."""
    n_out = g.shape[axis]
    src, valid = clip(rule, *rule.sources(np.arange(n_out)))
    moved = np.moveaxis(g, axis, 0)
    out = np.zeros((rule.n_in,) + moved.shape[1:])
    live = np.flatnonzero(moved.any(axis=tuple(range(1, moved.ndim))))
    for t in range(src.shape[1]):
        rows = live[valid[live, t]]
        if not len(rows):
            continue
        index = src[rows, t]
        if np.all(index[1:] > index[:-1]):  # distinct targets (a window's tap): a plain add
            out[index] += moved[rows]
        else:
            np.add.at(out, index, moved[rows])
    return np.moveaxis(out, 0, axis)


def reach(graph: Graph, target: int, seed: np.ndarray) -> np.ndarray:
    """Path counts from the outputs weighted by ``seed`` (shape of the target map) to every input cell."""
    grads: dict[int, np.ndarray] = {target: np.asarray(seed, dtype=float)}
    for index in range(target, 0, -1):
        if index not in grads:
            continue
        g = grads.pop(index)
        node = graph.nodes[index]
        for edge in _local_edges(node):
            c = g
            for axis, rule in enumerate(edge.rules):
                if rule.is_identity and rule.n_in == c.shape[axis]:
                    continue
                c = _apply(rule, c, axis)
            grads[edge.source] = grads[edge.source] + c if edge.source in grads else c
    if 0 not in grads:
        raise ValueError("no local path leads from this map to the input")
    return grads[0]


def table_rows(graph: Graph, keep: set[int]) -> tuple[dict[int, tuple], list[str]]:
    """Araujo et al.'s recurrences per node and axis: ``(r, jump, start)``, widest span where paths meet.

    Returns the per-node state and warnings about branches that meet with
    different jumps or misaligned centres (local paths only).
    """
    nd = graph.ndim
    one = (Fraction(1), Fraction(1), Fraction(0))
    state: dict[int, tuple] = {0: tuple(one for _ in range(nd))}
    warnings: list[str] = []
    for index in sorted(keep):
        if index == 0:
            continue
        node = graph.nodes[index]
        edges = [e for e in _local_edges(node) if e.source in state]
        if not edges:
            continue
        per_axis, misaligned = [], []
        for axis in range(nd):
            paths = []
            for edge in edges:
                rule = edge.rules[axis]
                r, jump, start = state[edge.source][axis]
                if isinstance(rule, Broadcast):
                    continue
                n = node.size[axis]  # every output: an adaptive pool's windows differ
                src, valid = rule.sources(np.arange(n))
                any_valid = valid.any(axis=1)
                hi = np.where(valid, src, np.iinfo(np.int64).min).max(axis=1)
                lo = np.where(valid, src, np.iinfo(np.int64).max).min(axis=1)
                widest = int((hi - lo)[any_valid].max())  # some output of every map reads a cell
                first = int(np.argmax(any_valid))  # output 0, or the first output that reads a cell ...
                lo0 = int(lo[first]) - first * rule.jump  # ... moved back to output 0's place on the grid
                paths.append((r + widest * abs(jump), jump * rule.jump, start + lo0 * jump))
            if not paths:
                per_axis.append(state[edges[0].source][axis])
                continue
            start = min(p[2] for p in paths)
            end = max(p[2] + p[0] - 1 for p in paths)
            jumps = sorted({p[1] for p in paths})
            name = _axis_name(axis, nd)
            if len(jumps) > 1:
                warnings.append(f"{node.where or 'the model'} ({node.kind}) merges maps of different output "
                                f"strides {[_num(j) for j in jumps]} along {name}")
            centres = sorted({p[2] + (p[0] - 1) / 2 for p in paths})
            if len(centres) > 1:
                misaligned.append(f"{', '.join(f'{float(c):g}' for c in centres)} along {name}")
            per_axis.append((end - start + 1, jumps[-1], start))
        if misaligned:
            warnings.append(f"{node.where or 'the model'} ({node.kind}) meets misaligned branches (Araujo et al.): "
                            "their centres of output 0 by the recurrences, −P + (r − 1)/2, are " + "; ".join(misaligned))
        state[index] = tuple(per_axis)
    return state, warnings


def _axis_name(axis: int, nd: int) -> str:
    names = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}[nd]
    return names[axis]


def _num(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)
