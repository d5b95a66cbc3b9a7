"""``AuditReport.verify``: the same numbers measured with PyTorch's autograd.

The model runs in float64 (parameters swapped for float64 copies with
``torch.func.functional_call``; the model is not changed) under a
``TorchFunctionMode`` that makes every path count with a positive sign:
convolution and linear weights become positive constants (``fan_in ** -0.5``,
so neither the values nor the gradients leave float64's range), biases go,
activations, normalisations and dropout become the identity (nothing
saturates), ``+ - * /`` between two input-dependent tensors become ``+``, max
pooling becomes a convolution of ones with the same window (dilated or not,
``ceil_mode`` kept) and means over the spatial axes and pools to one cell are
detached (their paths are the report's *global paths*; the measurement is of
the local field). The gradient of one output, summed over channels, marks
every input cell it reaches.
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


def _mode(spatial: int) -> Any:
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

    class Linearise(TorchFunctionMode):
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
                return self._cut(y)
            if name.startswith("adaptive_avg_pool"):
                return self._cut(func(*args, **kwargs))
            if name in _REDUCE:
                x = args[0]
                dims = args[1] if len(args) > 1 else kwargs.get("dim")
                if dims is None:
                    return func(*args, **kwargs).detach()
                dims = [dims] if isinstance(dims, int) else list(dims)
                if x.dim() == 2 + spatial and any(d % x.dim() >= 2 for d in dims):
                    return _detach(func(*args, **kwargs))
            if name in ("softmax", "log_softmax", "_softmax"):
                return args[0]
            return func(*args, **kwargs)

        @staticmethod
        def _cut(y):
            if all(n == 1 for n in y.shape[2:]):
                return y.detach()
            return y

    return Linearise


def _detach(y: Any) -> Any:
    return tuple(t.detach() for t in y) if isinstance(y, tuple) else y.detach()


class _Captured(Exception):
    """Raised by the hook once the analysed module has run: the rest of the model is not needed."""


def _module_output(report: Any, model: Any, x: Any) -> Any:
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
    # the model's own parameters stay float32 and untouched: the mode replaces every weight that
    # moves positions by a float64 constant, and drops constants that meet the input elsewhere
    try:
        with _eval_mode(model), _mode(len(report.input_size))():
            out = model(x)
    except _Captured:
        out = None
    finally:
        if hook is not None:
            hook.remove()
    value = captured[report._call or 0] if report._module else out
    for k in report._key:
        value = value[k]
    return value


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
    try:
        x = torch.ones(2, report.in_channels, *report.input_size, dtype=torch.float64, requires_grad=True)
        y = _module_output(report, model, x)
        checks: list[tuple[str, Any, Any, bool]] = []
        details: list[str] = []
        measured = tuple(int(v) for v in y.shape[2:])
        checks.append(("output size", report.output_size, measured, measured == tuple(report.output_size)))
        if not checks[-1][3]:
            return VerifyResult(tuple(checks))
        nd = len(measured)
        first = y[(0, slice(None)) + (0,) * nd].sum()
        inner = y[(1, slice(None)) + tuple(report.interior)].sum()
        (grad,) = torch.autograd.grad(first + inner, x)
        seen_all = (grad.abs().sum(1) > 0).numpy()
    finally:
        torch.set_num_threads(threads)
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
    if details and locate:
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
