"""``AuditReport.verify``: the same numbers measured with PyTorch's autograd.

The model runs in float64 (parameters and buffers swapped for float64 copies
with ``torch.func.functional_call``; the model is not changed) under a
``TorchFunctionMode`` that makes every path count with a positive sign:
convolution and linear weights become positive constants (``fan_in ** -0.5``,
so neither the values nor the gradients leave float64's range), biases go,
activations, normalisations and dropout become the identity (nothing
saturates), ``+ - * /`` between two input-dependent tensors become ``+``, max
pooling becomes a convolution of ones with the same window (dilated or not,
``ceil_mode`` kept) and means over the spatial axes and pools to one cell are
detached (their paths are the report's *global paths*; the measurement is of
the local field). Attention is measured the way the reading reads it: each
attention product (``scaled_dot_product_attention``, a ``q @ k^T`` or
``attn @ v`` between two input-dependent tensors) whose keys span the whole map
is a global path, so its keys and values are detached; attention inside a
window keeps them (its softmax becomes the identity, masks are ignored, as in
the reading). Token outputs (``(B, tokens, C)``, windows, a class token) are
mapped back to positions with the layout the reading recorded. Parameters and
buffers run as float64 copies, and tensors created inside ``forward`` default
to float64. The gradient of one output, summed over channels, marks every
input cell it reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["VerifyResult", "verify"]


@dataclass(frozen=True)
class VerifyResult:
    """The checks of :meth:`AuditReport.verify`: ``(what, predicted, measured, agrees)``.
    Taught in notebook ``08_audit_a_real_network``.

    Examples
    --------
    >>> import torch.nn as nn
    >>> from helpers import audit
    >>> net = nn.Conv2d(1, 1, 3, dilation=2)
    >>> audit(net, 16).verify(net).ok
    True
    """

    checks: tuple[tuple[str, Any, Any, bool], ...]
    details: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every check agrees."""
        return all(c[3] for c in self.checks)

    def __str__(self) -> str:
        rows = [("check", "predicted", "measured", "")] + [
            (w, str(p), str(m), "agrees" if a else "DIFFERS") for w, p, m, a in self.checks
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        text = "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
        return text + "".join(f"\n{d}" for d in self.details)

    __repr__ = __str__


_IDENTITY = {
    "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "clamp", "clamp_", "clip", "clip_", "clamp_min", "clamp_min_",
    "clamp_max", "sigmoid", "sigmoid_", "hardsigmoid", "hardswish", "silu", "gelu", "mish", "elu", "elu_", "selu",
    "celu", "leaky_relu", "leaky_relu_", "tanh", "tanh_", "softplus", "threshold", "threshold_", "dropout",
    "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "batch_norm", "group_norm",
    "layer_norm", "instance_norm", "local_response_norm", "prelu", "rms_norm", "_relu_inplace", "hardswish_",
    "hardsigmoid_", "silu_", "mish_", "exp", "sqrt", "rsqrt", "abs", "neg", "log_sigmoid", "erf",
}
_BINARY = {
    "add", "add_", "__add__", "__iadd__", "__radd__", "sub", "sub_", "__sub__", "__isub__", "__rsub__", "rsub",
    "mul", "mul_", "__mul__", "__imul__", "__rmul__", "div", "div_", "__truediv__", "__itruediv__", "__rtruediv__",
    "maximum", "minimum", "where",
}
_REDUCE = {"mean", "sum", "amax", "amin", "max", "min", "std", "var", "norm", "logsumexp"}


def _attention_cuts(graph: Any) -> list[tuple[str, tuple[bool, ...]]]:
    """Per attention operator and per product of two input-dependent tensors, in run order: which operands are cut.

    Read from the audit's graph: an operand whose edge mixes the whole map (the keys and values of an
    attention over every position) is a global path. An attention may have been read as one
    ``attention`` node or as its two products (``q @ k^T``, then ``@ v``).
    """
    table = []
    for node in getattr(graph, "nodes", ())[1:]:
        cut = tuple(bool(e.mixing) for e in getattr(node, "edges", ()))
        if node.kind == "attention" or (node.kind == "matmul" and len(cut) == 2):
            table.append((node.kind, cut))
    return table


def _mode(spatial: int, cuts: list = ()) -> Any:
    import torch
    import torch.nn.functional as F
    from torch.overrides import TorchFunctionMode

    def live(t: Any) -> bool:
        return isinstance(t, torch.Tensor) and t.requires_grad

    def positive(w: Any) -> Any:
        fan_in = max(1, w[0].numel())
        return torch.full(w.shape, fan_in ** -0.5, dtype=torch.float64)

    def max_pool(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        nd = x.dim() - 2
        pair = lambda v: [int(a) for a in (v if isinstance(v, (list, tuple)) else [v] * nd)]  # noqa: E731
        k, d, p = pair(kernel_size), pair(dilation), pair(padding)
        s = pair(stride) if stride not in (None, [], ()) else k
        with torch.no_grad():
            shape = getattr(F, f"max_pool{nd}d")(x.detach().to("meta"), k, s, p, d, ceil_mode).shape[2:]
        extra = []
        for n, o, kk, ss, dd, pp in zip(x.shape[2:], shape, k, s, d, p):
            extra.append(max(0, (o - 1) * ss + dd * (kk - 1) + 1 - (n + 2 * pp)))
        pad = [v for e in reversed(extra) for v in (0, e)]
        c = x.shape[1]
        w = torch.ones(c, 1, *k, dtype=x.dtype)
        y = getattr(F, f"conv{nd}d")(F.pad(x, pad), w, None, s, p, d, c)
        y = y[(slice(None), slice(None)) + tuple(slice(0, o) for o in shape)]
        return (y, torch.zeros(y.shape, dtype=torch.long)) if return_indices else y

    table = list(cuts)
    seen = {"products": 0, "cut": 0, "unmatched": 0}

    def take(kind: str, n: int) -> tuple[bool, ...]:
        i = seen["products"]
        if i < len(table) and table[i][0] == kind and len(table[i][1]) == n:
            seen["products"] += 1
            seen["cut"] += any(table[i][1])
            return table[i][1]
        seen["unmatched"] += 1
        return (False,) * n

    def cut(operands: list, flags: tuple[bool, ...]) -> list:
        flags = iter(flags)
        return [t.detach() if live(t) and next(flags) else t for t in operands]

    def product(a, b, equation=None):
        # positive throughout, so the scale is free: divide by a detached maximum (products of products
        # would otherwise overflow float64 after a few attention blocks)
        y = torch.einsum(equation, a, b) if equation else a @ b
        return y / y.detach().abs().amax().clamp_min(1e-300)

    def attention(q, k, v, *rest, **kw):
        k = k.transpose(-2, -1)
        i = seen["products"]
        if i < len(table) and table[i][0] == "attention":
            q, k, v = cut([q, k, v], take("attention", sum(live(t) for t in (q, k, v))))
            return product(product(q, k), v)
        # read as two products: q @ k^T, then @ v; masks are ignored, as in the reading
        if live(q) and live(k):
            q, k = cut([q, k], take("matmul", 2))
        weights = product(q, k)
        if live(weights) and live(v):
            weights, v = cut([weights, v], take("matmul", 2))
        return product(weights, v)

    def multi_head(args, kwargs):
        args = list(args)
        for i in (5, 11):  # in_proj_weight, out_proj_weight
            if len(args) > i and isinstance(args[i], torch.Tensor):
                args[i] = positive(args[i])
        for i in (6, 12):  # biases
            if len(args) > i:
                args[i] = None
        kept = F.scaled_dot_product_attention
        F.scaled_dot_product_attention = attention
        try:
            return func_mha(*args, **kwargs)
        finally:
            F.scaled_dot_product_attention = kept

    func_mha = F.multi_head_attention_forward

    class Linearise(TorchFunctionMode):
        counts = seen

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            name = getattr(func, "__name__", "")
            if not any(live(a) for a in list(args) + list(kwargs.values()) if isinstance(a, torch.Tensor)) and \
                    not any(live(a) for a in args if isinstance(a, (list, tuple)) for a in a):
                return func(*args, **kwargs)
            if name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                        "linear", "convolution"):
                args = list(args)
                w_index = 1
                weight = args[w_index] if len(args) > w_index else kwargs.pop("weight")
                args = args[:1] + [positive(weight), None] + args[3:]
                kwargs.pop("bias", None)
                return func(*args, **kwargs)
            if name in _IDENTITY:
                return args[0]
            if name == "scaled_dot_product_attention":
                return attention(*args, **kwargs)
            if name == "multi_head_attention_forward":
                return multi_head(args, kwargs)
            if name in ("matmul", "__matmul__", "__rmatmul__", "bmm", "einsum"):
                operands = list(args[1:]) if name == "einsum" else list(args[:2])
                if name == "einsum" and len(operands) == 1 and isinstance(operands[0], (list, tuple)):
                    operands = list(operands[0])
                if name == "__rmatmul__":
                    operands = operands[::-1]
                if len(operands) == 2 and all(live(t) for t in operands):
                    a, b = cut(operands, take("matmul", 2))
                    return product(a, b, args[0] if name == "einsum" else None)
            if name in _BINARY and len(args) >= 2:
                a, b = (args[1], args[2]) if name == "where" else (args[0], args[1])
                if live(a) and live(b):
                    return a + b
                t = a if live(a) else b
                shape = torch.broadcast_shapes(*(u.shape for u in (a, b) if isinstance(u, torch.Tensor)))
                return t.expand(shape) if tuple(t.shape) != tuple(shape) else t
            if "max_pool" in name and "adaptive" not in name:
                return max_pool(*args, **kwargs)
            if name.startswith("adaptive_max_pool"):
                nd = int(name[-2])
                y = getattr(F, f"adaptive_avg_pool{nd}d")(args[0], args[1] if len(args) > 1 else kwargs["output_size"])
                return self._cut(y, args[0])
            if name.startswith("adaptive_avg_pool"):
                return self._cut(func(*args, **kwargs), args[0])
            if name in _REDUCE:
                x = args[0]
                dims = args[1] if len(args) > 1 else kwargs.get("dim")
                if dims is None:
                    return func(*args, **kwargs).detach()
                dims = [dims] if isinstance(dims, int) else list(dims)
                # a reduction over one-cell axes only is an identity: a local path (as the audit reads it)
                if x.dim() == 2 + spatial and any(d % x.dim() >= 2 and x.shape[d % x.dim()] > 1 for d in dims):
                    return _detach(func(*args, **kwargs))
            if name in ("softmax", "log_softmax", "_softmax"):
                return args[0]
            return func(*args, **kwargs)

        @staticmethod
        def _cut(y, x):
            # a pool to one cell is a global path, except from one cell (an identity, as the audit reads it)
            if all(n == 1 for n in y.shape[2:]) and any(n > 1 for n in x.shape[2:]):
                return y.detach()
            return y

    return Linearise


def _detach(y: Any) -> Any:
    return tuple(t.detach() for t in y) if isinstance(y, tuple) else y.detach()


class _Captured(Exception):
    """Raised by the hook once the analysed module has run: the rest of the model is not needed."""


def _module_output(report: Any, model: Any, x: Any) -> tuple[Any, dict]:
    """The analysed tensor of a float64, linearised run of ``model`` on ``x``, and the mode's call counts."""
    import torch

    from .reading import _eval_mode

    captured: list[Any] = []
    hook = None
    if report._module:
        module = dict(model.named_modules())[report._module]

        def grab(m: Any, a: Any, o: Any) -> None:
            captured.append(o)
            if len(captured) > (report._call or 0):
                raise _Captured

        hook = module.register_forward_hook(grab)
    # float64 copies of the parameters and buffers (the model is not changed); tensors made in forward
    # default to float64 too; the mode replaces every weight that moves positions by a float64 constant
    state = {k: (v.detach().to(torch.float64) if v.is_floating_point() else v) for k, v in
             list(model.named_parameters()) + list(model.named_buffers())}
    mode = _mode(len(report.input_size), _attention_cuts(report._graph))
    dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        with _eval_mode(model), mode():
            out = torch.func.functional_call(model, state, (x,), strict=False, tie_weights=True)
    except _Captured:
        out = None
    finally:
        torch.set_default_dtype(dtype)
        if hook is not None:
            hook.remove()
    value = captured[report._call or 0] if report._module else out
    for k in report._key:
        value = value[k]
    return value, mode.counts


def _positions(dims: tuple | None, shape: tuple[int, ...], nd: int) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Per element of a batch-1 tensor of ``shape``: is it a position, and its coordinate on each spatial axis.

    ``dims`` is the layout the reading recorded for it (size-1 parts dropped); ``None`` means the plain
    ``(1, C, *spatial)`` layout. Returns None when the layout does not fit the shape.
    """
    from .graph import Sub, Tokens

    if dims is None:
        dims = ((),) + (((None, shape[1]),) if len(shape) > 1 else ()) + tuple(
            ((a, n),) for a, n in enumerate(shape[2:]))
        if len(shape) != nd + 2:
            return None
    if len(dims) != len(shape):
        return None
    valid = np.ones(shape, dtype=bool)
    coords = [np.zeros(shape, dtype=np.int64) for _ in range(nd)]
    for j, parts in enumerate(dims):
        idx = np.arange(shape[j])
        flat = []  # (label, size, offset into idx, is-token-part) outer first
        for lab, n in parts:
            if isinstance(lab, Tokens):
                if n != lab.extra + int(np.prod([m for _, m in lab.parts])):
                    return None
                flat.append(("tokens", lab.extra, lab.parts))
            else:
                flat.append(("plain", n, lab))
        sizes = [n if kind == "plain" else n + int(np.prod([m for _, m in rest])) for kind, n, rest in flat]
        if int(np.prod(sizes)) != shape[j]:
            return None
        shape_j = [1] * len(shape)
        shape_j[j] = shape[j]
        rem = idx.copy()
        for (kind, n, rest), size in zip(flat[::-1], sizes[::-1]):  # innermost first
            digit, rem = rem % size, rem // size
            labelled = [(rest, digit)] if kind == "plain" else []
            if kind == "tokens":
                ok = digit >= n
                valid &= ok.reshape(shape_j)
                inner = np.where(ok, digit - n, 0)
                for lab, m in rest[::-1]:
                    labelled.append((lab, inner % m))
                    inner = inner // m
            for lab, d in labelled:
                if lab is None:
                    continue
                axis, step = (lab.axis, lab.step) if isinstance(lab, Sub) else (lab, 1)
                coords[axis] = coords[axis] + (d * step).reshape(shape_j)
    return valid, coords


def verify(report: Any, model: Any, *, locate: bool = True) -> VerifyResult:
    """Measure ``report``'s numbers on ``model`` with autograd (see the module docstring).

    On a difference, ``details`` name the cells and (``locate=True``) the first module whose own
    audit disagrees with its measurement.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if report._module is None:
        return VerifyResult((("locate the analysed map", report.at, "no module returns it", False),))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    checks: list[tuple[str, Any, Any, bool]] = []
    details: list[str] = []
    nd = len(report.input_size)
    try:
        x = torch.ones(1, report.in_channels, *report.input_size, dtype=torch.float64, requires_grad=True)
        y, counts = _module_output(report, model, x)
        where = _positions(report._dims, tuple(y.shape), nd) or _positions(None, tuple(y.shape), nd)
        if where is None:
            measured = tuple(int(v) for v in y.shape[2:])
        else:
            valid, coords = where
            measured = tuple(int(c[valid].max()) + 1 for c in coords)
        checks.append(("output size", report.output_size, measured, measured == tuple(report.output_size)))
        if not checks[-1][3]:
            return VerifyResult(tuple(checks))
        seen_all = []
        for k, point in enumerate(((0,) * nd, tuple(report.interior))):
            mask = valid & np.logical_and.reduce([c == u for c, u in zip(coords, point)])
            total = (y * torch.from_numpy(mask)).sum()
            (grad,) = torch.autograd.grad(total, x, retain_graph=k == 0)
            seen_all.append((grad[0].abs().sum(0) > 0).numpy())
    finally:
        torch.set_num_threads(threads)
    if counts["cut"]:
        details.append(f"not checked: global attention paths ({counts['cut']} of {counts['products']} attention "
                       "products read keys or values over the whole map; they were detached, as the report lists "
                       "them in global_paths)")
    if counts["unmatched"]:
        checks.append(("attention products matched to the reading", 0, counts["unmatched"], False))
    for label, seen, predicted in (("output 0", seen_all[0], report._reach[0]),
                                   (f"output {report.interior}", seen_all[1], report._reach[1])):
        agree = bool((seen == predicted).all())
        checks.append((f"{label}: cells reached", int(predicted.sum()), int(seen.sum()), agree))
        if not agree:
            only_p = np.argwhere(predicted & ~seen)[:5].tolist()
            only_m = np.argwhere(seen & ~predicted)[:5].tolist()
            details.append(f"{label}: predicted but not measured at {only_p}; measured but not predicted at {only_m}")
    seen = seen_all[1]
    for axis in range(nd):
        other = tuple(a for a in range(nd) if a != axis)
        spans = []
        for cells in (report._reach[1], seen):
            hits = np.flatnonzero(cells.any(axis=other) if other else cells)
            spans.append((int(hits[0]), int(hits[-1])) if len(hits) else None)
        checks.append((f"cells reached from first to last (axis {axis})", spans[0], spans[1], spans[0] == spans[1]))
    if locate and not all(c[3] for c in checks):
        details.append(_first_difference(report, model))
    return VerifyResult(tuple(checks), tuple(details))


def _first_difference(report: Any, model: Any) -> str:
    """Name the first module (in the order modules finish) whose own audit ``verify`` contradicts (a bisection).

    Each probe audits the model at that module and measures it again; modules that cannot be
    audited on their own (called twice, no tensor output) are skipped.
    """
    from . import audit, module_names

    modules = dict(model.named_modules())
    runs = module_names(model, report.input_size, in_channels=report.in_channels)  # in the order they finish
    names = [n for n, count in runs.items() if count == 1 and n != report._module]
    kinds = {n: type(modules[n]).__name__ for n in names if n in modules}

    def differs(name: str) -> bool | None:
        try:
            sub = audit(model, report.input_size, at=name, in_channels=report.in_channels)
            return not verify(sub, model, locate=False).ok
        except Exception:  # noqa: BLE001 - a module the audit cannot read alone: no verdict
            return None

    lo, hi, first = 0, len(names) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        verdict = differs(names[mid])
        if verdict is None:
            names.pop(mid)
            hi -= 1
            continue
        if verdict:
            first, hi = names[mid], mid - 1
        else:
            lo = mid + 1
    if first is None:
        where = repr(report._module) if report._module else "the analysed map"
        return (f"the difference starts at {where} itself: every module before it agrees with its measurement")
    return f"the difference starts at module {first!r} ({kinds[first]}): the maps before it agree with their measurement"
