"""Audit a real PyTorch network: sizes, output stride, receptive field, centre and holes.

:func:`audit` traces a ``torch.nn.Module`` with ``torch.fx``, reads every
layer that moves positions (convolutions, pooling, transposed convolutions,
interpolation, residual additions and concatenations) and analyses one
feature map of it along each spatial axis:

* **sizes** with the course's formulas (:func:`helpers.conv_output_size`,
  :func:`helpers.transposed_output_size`) — no forward pass;
* the **per-layer table** with the recurrences of Araujo et al. (``r``,
  ``jump``, ``start``), taking the largest span over all paths where
  branches meet;
* the **exact** set of input cells each chosen output reaches (path counts,
  as :func:`helpers.coverage_map` counts them), so holes are exact.

:meth:`AuditReport.verify` measures the same numbers with PyTorch's autograd
(positive weights, batch norm as identity, max pooling as average pooling)
and says where they differ.

PyTorch is imported only when :func:`audit` or :meth:`AuditReport.verify`
runs: ``import helpers`` stays free of it.

Taught in notebook ``08_audit_a_real_network``. The function is re-exported as
``helpers.audit`` (this module is named apart so the name stays the function).
"""

from __future__ import annotations

import copy
import difflib
import linecache
import traceback
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from ._validate import check_pair
from .arithmetic import conv_output_size, transposed_output_size

__all__ = ["audit", "AuditReport", "AuditRow", "VerifyResult", "INSTALL_HINT", "require_torch"]

INSTALL_HINT = (
    "helpers.audit needs PyTorch and torchvision, the course's optional 'audit' extra: "
    'pip install "strides-and-holes[audit]" (in a clone: pip install -e ".[audit]")'
)


def require_torch() -> bool:
    """True when PyTorch and torchvision import; otherwise say how to install them.

    In a notebook without them, every later cell is skipped (made a no-op)
    instead of failing; restart the kernel after installing.

    Defined in notebook ``08_audit_a_real_network``.

    Examples
    --------
    >>> require_torch()
    True
    """
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
    except ImportError:
        print(INSTALL_HINT)
        print("The cells below are skipped; install the extra, restart the kernel and run again.")
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - plain Python
            return False
        shell = get_ipython()
        if shell is not None:
            shell.input_transformers_post.append(lambda lines: ["pass\n"])
        return False
    return True


def _import_torch() -> Any:
    try:
        import torch
        import torch.fx  # noqa: F401
    except ImportError:
        raise ModuleNotFoundError(INSTALL_HINT) from None
    return torch


# --------------------------------------------------------------------------
# Per-axis position rules: which input positions does output position u read?
# Coordinates are unclipped integers: a convolution's padding cells are
# positions < 0 or >= n_in, so receptive fields can be measured as Araujo et al.
# define them (padding included).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """Convolution, pooling or explicit padding: u reads u*s - before + t*d, t = 0..k-1."""

    kernel: int
    stride: int
    dilation: int
    before: int
    after: int
    n_in: int
    mode: str = "zeros"  # how padding cells are filled: zeros, reflect, replicate, circular

    jump = property(lambda self: Fraction(self.stride))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        src = u[:, None] * self.stride - self.before + self.dilation * np.arange(self.kernel)[None, :]
        return src, np.ones(src.shape, dtype=bool)


@dataclass(frozen=True)
class _Transposed:
    """Transposed convolution: u = i*s - p + t*d, so u reads i = (u + p - t*d) / s when whole."""

    kernel: int
    stride: int
    dilation: int
    padding: int
    n_in: int
    mode: str = "zeros"

    jump = property(lambda self: Fraction(1, self.stride))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        num = u[:, None] + self.padding - self.dilation * np.arange(self.kernel)[None, :]
        return num // self.stride, num % self.stride == 0


@dataclass(frozen=True)
class _Interpolate:
    """``F.interpolate``: PyTorch's source-index rules (nearest, nearest-exact, linear)."""

    interp: str  # "nearest", "nearest-exact" or "linear"
    align_corners: bool
    scale: Fraction  # input coordinate per output step, as PyTorch computes it
    n_in: int
    n_out: int

    mode = "zeros"  # sources of real outputs are real cells (PyTorch clamps)
    jump = property(lambda self: self.scale)

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inside = (u >= 0) & (u < self.n_out)
        scale = float(self.scale)
        if self.interp in ("nearest", "nearest-exact"):
            x = u * scale if self.interp == "nearest" else (u + 0.5) * scale
            src = np.floor(x).astype(np.int64)
            src = np.where(inside, np.minimum(src, self.n_in - 1), src)
            return src[:, None], np.ones((len(u), 1), dtype=bool)
        # linear: ATen's area_pixel_compute_source_index, then upsample_bilinear2d's neighbours
        x = u * scale if self.align_corners else (u + 0.5) * scale - 0.5
        if not self.align_corners:
            x = np.where(inside & (x < 0), 0.0, x)
        i0 = np.floor(x).astype(np.int64)
        i0 = np.where(inside, np.minimum(i0, self.n_in - 1), i0)
        lam = x - i0
        i1 = np.where(inside & (i0 >= self.n_in - 1), i0, i0 + 1)
        src = np.stack([i0, i1], axis=1)
        valid = np.stack([(lam < 1) | (i1 == i0), (lam > 0) & (i1 != i0)], axis=1)
        return src, valid


@dataclass(frozen=True)
class _Adaptive:
    """Adaptive pooling: u reads floor(u*n_in/n_out) .. ceil((u+1)*n_in/n_out) - 1."""

    n_in: int
    n_out: int
    mode: str = "zeros"

    jump = property(lambda self: Fraction(self.n_in, self.n_out))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        start = (u * self.n_in) // self.n_out
        end = -((-(u + 1) * self.n_in) // self.n_out)
        width = -(-self.n_in // self.n_out) + 1
        src = start[:, None] + np.arange(width)[None, :]
        return src, src < end[:, None]


@dataclass(frozen=True)
class _Broadcast:
    """A 1-wide map broadcast over the axis (a squeeze-excitation gate): u reads 0."""

    n_in: int = 1
    mode: str = "zeros"
    jump = property(lambda self: Fraction(0))

    def sources(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros((len(u), 1), dtype=np.int64), np.ones((len(u), 1), dtype=bool)


def _identity(n: int) -> _Window:
    return _Window(1, 1, 1, 0, 0, n)


def _clip(rule: Any, src: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map unclipped positions to real input cells: padding cells read zeros (dropped) or real cells."""
    n = rule.n_in
    mode = getattr(rule, "mode", "zeros")
    if mode == "reflect" and n > 1:
        period = 2 * (n - 1)
        m = np.mod(src, period)
        src = np.where(m < n, m, period - m)
    elif mode == "replicate":
        src = np.clip(src, 0, n - 1)
    elif mode == "circular":
        src = np.mod(src, n)
    return src, valid & (src >= 0) & (src < n)


# --------------------------------------------------------------------------
# The traced network as a list of spatial operations
# --------------------------------------------------------------------------


@dataclass
class _Op:
    name: str
    kind: str
    inputs: list[int]
    size: tuple[int, int]
    rules: list[tuple[Any, Any]]  # per input: (rule along height, rule along width)
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Spatial:
    op: int


@dataclass(frozen=True)
class _Flat:
    where: str


class _Const:
    """A tensor that is not a function of the input (a parameter or buffer)."""


_CONST = _Const()

_NOOP_MODULES = {
    "BatchNorm2d", "SyncBatchNorm", "GroupNorm", "InstanceNorm2d", "LayerNorm", "ReLU", "ReLU6",
    "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardswish",
    "Hardsigmoid", "Hardtanh", "Softplus", "Dropout", "Dropout2d", "AlphaDropout", "Identity",
    "FrozenBatchNorm2d", "Softmax", "Softmax2d", "LogSoftmax",
}
_NOOP_FUNCTIONS = {
    "relu", "relu_", "relu6", "gelu", "silu", "sigmoid", "sigmoid_", "tanh", "tanh_", "hardswish",
    "hardsigmoid", "hardtanh", "leaky_relu", "elu", "selu", "mish", "dropout", "dropout2d", "batch_norm",
    "contiguous", "clone", "detach", "float", "double", "half", "to", "softmax", "log_softmax",
    "neg", "abs", "exp", "sqrt", "rsqrt", "clamp", "clamp_", "type_as",
}
_MERGE_FUNCTIONS = {"add", "iadd", "add_", "mul", "imul", "mul_", "sub", "isub", "sub_", "truediv", "div"}
_CHANNEL_DIMS = (1, -3)


def _fname(target: Any) -> str:
    return getattr(target, "__name__", str(target)).lstrip("_")


class _Builder:
    """Walks the fx graph once, giving every node a value: a spatial op, a flat tensor, or a Python value."""

    def __init__(self, gm: Any, input_size: tuple[int, int]):
        import torch

        self.torch = torch
        self.gm = gm
        self.modules = dict(gm.named_modules())
        self.ops: list[_Op] = []
        self.values: dict[str, Any] = {}
        self.node_op: dict[str, int] = {}
        self.input_size = input_size
        self.in_channels: int | None = None

    # -- helpers ---------------------------------------------------------
    def add(self, op: _Op) -> _Spatial:
        self.ops.append(op)
        return _Spatial(len(self.ops) - 1)

    def size(self, v: _Spatial) -> tuple[int, int]:
        return self.ops[v.op].size

    def resolve(self, a: Any) -> Any:
        import torch.fx as fx

        if isinstance(a, fx.Node):
            return self.values[a.name]
        if isinstance(a, (list, tuple)):
            return type(a)(self.resolve(x) for x in a)
        if isinstance(a, dict):
            return {k: self.resolve(x) for k, x in a.items()}
        return a

    @staticmethod
    def tensorish(v: Any) -> bool:
        return isinstance(v, (_Spatial, _Flat, _Const))

    def fail(self, node: Any, what: str) -> None:
        raise ValueError(f"audit cannot follow node {node.name!r} ({node.op} {node.target}): {what}")

    # -- layers ------------------------------------------------------------
    def window(self, node, x, name, kind, k, s, d, pads, *, ceil_mode=False, mode="zeros", params=None):
        h, w = self.size(x)
        sizes, rules = [], []
        for axis, n in enumerate((h, w)):
            before, after = pads[axis]
            try:
                out = conv_output_size(n, k[axis], stride=s[axis], padding=(before, after),
                                       dilation=d[axis], ceil_mode=ceil_mode)
            except ValueError as exc:
                raise ValueError(
                    f"input_size {self.input_size} is too small for this model (or the layer is invalid): "
                    f"layer {name!r} ({kind}) receives a {h}×{w} map: {exc}"
                ) from None
            sizes.append(out)
            rules.append(_Window(k[axis], s[axis], d[axis], before, after, n, mode))
        p = dict(kernel=tuple(k), stride=tuple(s), dilation=tuple(d), padding=tuple(pads), **(params or {}))
        return self.add(_Op(name, kind, [x.op], tuple(sizes), [tuple(rules)], p))

    def transposed(self, node, x, name, k, s, d, p, op_):
        h, w = self.size(x)
        sizes, rules = [], []
        for axis, n in enumerate((h, w)):
            try:
                out = transposed_output_size(n, k[axis], stride=s[axis], padding=p[axis],
                                             dilation=d[axis], output_padding=op_[axis])
            except ValueError as exc:
                raise ValueError(
                    f"input_size {self.input_size} is too small for this model (or the layer is invalid): "
                    f"layer {name!r} (transposed conv) receives a {h}×{w} map: {exc}"
                ) from None
            sizes.append(out)
            rules.append(_Transposed(k[axis], s[axis], d[axis], p[axis], n))
        params = dict(kernel=tuple(k), stride=tuple(s), dilation=tuple(d), padding=tuple((q, q) for q in p))
        return self.add(_Op(name, "transposed conv", [x.op], tuple(sizes), [tuple(rules)], params))

    def interpolate(self, node, x, name, size, scale_factor, mode, align_corners, recompute):
        h, w = self.size(x)
        if mode not in ("nearest", "nearest-exact", "bilinear", "linear"):
            self.fail(node, f"interpolation mode {mode!r} is not supported (nearest, nearest-exact, bilinear)")
        align = bool(align_corners) if mode in ("bilinear", "linear") else False
        if size is not None:
            out = check_pair("size", tuple(size) if isinstance(size, (list, tuple)) else size, 1)
            factors = (None, None)
        elif scale_factor is not None:
            sf = tuple(scale_factor) if isinstance(scale_factor, (list, tuple)) else (scale_factor, scale_factor)
            out = tuple(int(math.floor(float(n) * float(f))) for n, f in zip((h, w), sf))
            factors = (None, None) if recompute else sf
        else:
            self.fail(node, "interpolate needs size or scale_factor")
        if min(out) < 1:
            raise ValueError(f"layer {name!r} (upsample) would produce a {out[0]}×{out[1]} map from {h}×{w}")
        rules = []
        for n_in, n_out, f in zip((h, w), out, factors):
            if align:
                scale = Fraction(n_in - 1, n_out - 1) if n_out > 1 else Fraction(0)
            elif f is not None:
                scale = 1 / Fraction(f).limit_denominator(10**6)
            else:
                scale = Fraction(n_in, n_out)
            interp = mode if mode in ("nearest", "nearest-exact") else "linear"
            rules.append(_Interpolate(interp, align, scale, n_in, n_out))
        kind = f"upsample ({mode}{', align_corners' if align else ''})"
        return self.add(_Op(name, kind, [x.op], out, [tuple(rules)], {}))

    def adaptive(self, node, x, name, kind, out):
        h, w = self.size(x)
        if out is None:
            out = (None, None)
        out = out if isinstance(out, (list, tuple)) else (out, out)
        out = tuple(n if o is None else int(o) for n, o in zip((h, w), out))
        rules = tuple(_Adaptive(n, o) for n, o in zip((h, w), out))
        return self.add(_Op(name, kind, [x.op], out, [rules], {}))

    def merge(self, node, name, kind, args):
        spatial = [a for a in args if isinstance(a, _Spatial)]
        if len(spatial) == 1 and all(not isinstance(a, _Flat) for a in args):
            return spatial[0]  # x + constant, x * parameter: positions unchanged
        if any(isinstance(a, _Flat) for a in args):
            self.fail(node, "a flattened tensor is combined with a feature map")
        sizes = [self.size(a) for a in spatial]
        out = tuple(max(s[axis] for s in sizes) for axis in range(2))
        rules = []
        for s in sizes:
            pair = []
            for axis in range(2):
                if s[axis] == out[axis]:
                    pair.append(_identity(s[axis]))
                elif s[axis] == 1:
                    pair.append(_Broadcast())
                else:
                    raise ValueError(
                        f"node {node.name!r} ({kind}) combines maps of sizes "
                        f"{' and '.join(f'{a}×{b}' for a, b in sizes)}: they must be equal (or 1 to broadcast)"
                    )
            rules.append(tuple(pair))
        return self.add(_Op(name, kind, [a.op for a in spatial], out, rules, {}))

    # -- nodes ---------------------------------------------------------------
    def run(self) -> None:
        for node in self.gm.graph.nodes:
            self.values[node.name] = self.visit(node)
            v = self.values[node.name]
            if isinstance(v, _Spatial):
                self.node_op[node.name] = v.op

    def visit(self, node: Any) -> Any:
        if node.op == "placeholder":
            if self.ops:
                return None  # a second argument with its default (None) or unused
            h, w = self.input_size
            return self.add(_Op("input", "input", [], (h, w), [], {}))
        if node.op == "get_attr":
            return _CONST
        if node.op == "output":
            return self.resolve(node.args[0])
        args = self.resolve(node.args)
        kwargs = self.resolve(node.kwargs)
        if node.op == "call_module":
            return self.call_module(node, args, kwargs)
        name = node.target if node.op == "call_method" else _fname(node.target)
        tensor_args = [a for a in list(args) + list(kwargs.values()) if self.tensorish(a)]
        nested = [x for a in args if isinstance(a, (list, tuple)) for x in a if self.tensorish(x)]
        if not tensor_args and not nested:
            try:  # plain Python arithmetic on sizes (shape[-2:], n // 2, ...)
                if node.op == "call_method":
                    return getattr(args[0], node.target)(*args[1:], **kwargs)
                return node.target(*args, **kwargs)
            except Exception as exc:  # pragma: no cover - unusual Python on shapes
                self.fail(node, f"cannot evaluate it on sizes ({exc})")
        return self.call_tensor(node, name, args, kwargs)

    def call_module(self, node, args, kwargs):
        mod = self.modules[node.target]
        cls = type(mod).__name__
        x = args[0] if args else None
        name = node.target
        if cls in _NOOP_MODULES:
            return x
        if isinstance(x, _Flat):
            return x
        if cls in ("Flatten", "Linear", "Bilinear"):
            return _Flat(name)
        if not isinstance(x, _Spatial):
            self.fail(node, "its input is not a feature map of the model's input")
        pair = lambda v: tuple(v) if isinstance(v, (list, tuple)) else (v, v)  # noqa: E731
        if cls == "Conv2d":
            if self.in_channels is None and x.op == 0:
                self.in_channels = mod.in_channels
            k, s, d = pair(mod.kernel_size), pair(mod.stride), pair(mod.dilation)
            if isinstance(mod.padding, str):
                if mod.padding == "valid":
                    pads = ((0, 0), (0, 0))
                else:  # "same": PyTorch puts the odd extra cell on the right
                    pads = tuple((dd * (kk - 1) // 2, dd * (kk - 1) - dd * (kk - 1) // 2) for kk, dd in zip(k, d))
            else:
                pads = tuple((p, p) for p in pair(mod.padding))
            mode = mod.padding_mode
            kind = "conv" if mod.groups == 1 else ("depthwise conv" if mod.groups == mod.in_channels else f"conv (groups={mod.groups})")
            return self.window(node, x, name, kind, k, s, d, pads, mode=mode, params=dict(groups=mod.groups))
        if cls == "ConvTranspose2d":
            return self.transposed(node, x, name, pair(mod.kernel_size), pair(mod.stride), pair(mod.dilation),
                                   pair(mod.padding), pair(mod.output_padding))
        if cls in ("MaxPool2d", "AvgPool2d"):
            k = pair(mod.kernel_size)
            s = pair(mod.stride if mod.stride is not None else mod.kernel_size)
            d = pair(getattr(mod, "dilation", 1))
            pads = tuple((p, p) for p in pair(mod.padding))
            kind = "max pool" if cls == "MaxPool2d" else "avg pool"
            return self.window(node, x, name, kind, k, s, d, pads, ceil_mode=bool(mod.ceil_mode))
        if cls in ("AdaptiveAvgPool2d", "AdaptiveMaxPool2d"):
            kind = "adaptive avg pool" if cls.startswith("AdaptiveAvg") else "adaptive max pool"
            return self.adaptive(node, x, name, kind, mod.output_size)
        if cls in ("Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"):
            return self.interpolate(node, x, name, mod.size, mod.scale_factor, mod.mode,
                                    mod.align_corners if cls != "UpsamplingBilinear2d" else True,
                                    getattr(mod, "recompute_scale_factor", None))
        if cls in ("ZeroPad2d", "ConstantPad2d", "ReflectionPad2d", "ReplicationPad2d", "CircularPad2d"):
            left, right, top, bottom = mod.padding
            mode = {"ZeroPad2d": "zeros", "ConstantPad2d": "zeros", "ReflectionPad2d": "reflect",
                    "ReplicationPad2d": "replicate", "CircularPad2d": "circular"}[cls]
            return self.window(node, x, name, "pad", (1, 1), (1, 1), (1, 1), ((top, bottom), (left, right)), mode=mode)
        raise ValueError(
            f"audit does not know how layer {name!r} ({cls}) moves positions; supported: convolutions, "
            "transposed convolutions, pooling, adaptive pooling, upsampling, padding, and layers that act "
            "per pixel (normalisation, activations, dropout)"
        )

    def call_tensor(self, node, name, args, kwargs):
        import torch.nn.functional as F

        x = args[0] if args else None
        if name in ("getattr",) and args[1] == "shape" or (name == "size" and isinstance(x, _Spatial)):
            if isinstance(x, _Spatial):
                shape = (1, None) + self.size(x)
                if name == "size" and len(args) > 1:
                    return shape[args[1]]
                return tuple(shape)
            self.fail(node, "the shape of a flattened tensor")
        if name == "dim":
            return 4 if isinstance(x, _Spatial) else 2
        if name in _NOOP_FUNCTIONS:
            return x
        if name in _MERGE_FUNCTIONS:
            return self.merge(node, node.name, {"add": "add", "iadd": "add", "add_": "add", "sub": "subtract",
                                                "isub": "subtract", "sub_": "subtract"}.get(name, "multiply"), args)
        if name == "cat":
            dim = kwargs.get("dim", args[1] if len(args) > 1 else 0)
            tensors = list(args[0])
            if dim not in _CHANNEL_DIMS:
                self.fail(node, f"concatenation along dim {dim}: only channel concatenation (dim=1) keeps positions")
            return self.merge(node, node.name, "concat", tensors)
        if name in ("flatten", "view", "reshape", "linear", "squeeze"):
            return _Flat(node.name) if isinstance(x, _Spatial) else x
        if name in ("interpolate", "upsample", "upsample_bilinear", "upsample_nearest"):
            if not isinstance(x, _Spatial):
                self.fail(node, "interpolation of something that is not a feature map")
            mode = kwargs.get("mode", args[3] if len(args) > 3 else "nearest")
            if name == "upsample_bilinear":
                mode, kwargs = "bilinear", {**kwargs, "align_corners": True}
            return self.interpolate(node, x, node.name, kwargs.get("size", args[1] if len(args) > 1 else None),
                                    kwargs.get("scale_factor", args[2] if len(args) > 2 else None), mode,
                                    kwargs.get("align_corners", args[4] if len(args) > 4 else None),
                                    kwargs.get("recompute_scale_factor", args[5] if len(args) > 5 else None))
        if name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
            return self.adaptive(node, x, node.name, name.replace("_2d", "").replace("_", " "),
                                 kwargs.get("output_size", args[1] if len(args) > 1 else None))
        if name in ("max_pool2d", "avg_pool2d"):
            sig = ["input", "kernel_size", "stride", "padding"] + (["dilation", "ceil_mode"] if name == "max_pool2d" else ["ceil_mode"])
            a = dict(zip(sig, args))
            a.update(kwargs)
            pair = lambda v: tuple(v) if isinstance(v, (list, tuple)) else (v, v)  # noqa: E731
            k = pair(a["kernel_size"])
            s = pair(a.get("stride") or a["kernel_size"])
            d = pair(a.get("dilation", 1))
            pads = tuple((p, p) for p in pair(a.get("padding", 0)))
            return self.window(node, x, node.name, name.replace("_2d", "").replace("_", " "), k, s, d, pads,
                               ceil_mode=bool(a.get("ceil_mode", False)))
        if name == "mean" and isinstance(x, _Spatial):
            dims = kwargs.get("dim", args[1] if len(args) > 1 else None)
            dims = tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
            keep = kwargs.get("keepdim", args[2] if len(args) > 2 else False)
            if set(dims) in ({2, 3}, {-2, -1}):
                return self.adaptive(node, x, node.name, "global mean", 1) if keep else _Flat(node.name)
        if isinstance(x, _Flat):
            return x
        self.fail(node, f"audit does not know how {name!r} moves positions")


# --------------------------------------------------------------------------
# Tracing and naming
# --------------------------------------------------------------------------


def _trace(model: Any) -> Any:
    torch = _import_torch()
    from torch import fx

    if type(model).__module__.startswith("torch.nn.modules") and not isinstance(
        model, (torch.nn.Sequential, torch.nn.ModuleList, torch.nn.ModuleDict)
    ):
        model = torch.nn.Sequential(model)  # a single layer: fx would trace into its forward
    names = {id(m): n for n, m in model.named_modules()}
    try:
        return fx.symbolic_trace(model)
    except Exception as exc:  # fx raises TraceError, TypeError, RuntimeError, ...
        where = ""
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            owner = frame.f_locals.get("self")
            if isinstance(owner, torch.nn.Module) and id(owner) in names:
                qual = names[id(owner)] or "the model"
                src = linecache.getline(frame.f_code.co_filename, lineno).strip()
                where = f" in {qual} ({type(owner).__name__}.{frame.f_code.co_name}, line {lineno}: `{src}`)"
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(
            f"torch.fx cannot trace this model{where}: {message}. audit reads the graph that "
            "torch.fx.symbolic_trace records, so Python control flow that depends on tensor values "
            "cannot be followed; audit a submodule without it, or rewrite it with tensor operations"
        ) from None


def _module_of(node: Any) -> list[str]:
    return [k.split("@")[0] for k in node.meta.get("nn_module_stack", {})]


def _find_at(gm: Any, at: str) -> Any:
    nodes = [n for n in gm.graph.nodes if n.op not in ("placeholder", "output")]
    for n in nodes:
        if n.op == "call_module" and n.target == at:
            return n
    for n in nodes:
        if n.name == at:
            return n
    inside = [n for n in nodes if at in _module_of(n)]
    if not inside:
        known = sorted({m for n in nodes for m in _module_of(n)} | {n.name for n in nodes})
        close = difflib.get_close_matches(at, known, n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(f"at={at!r} names no module or node of this model{hint}")
    members = {n.name for n in inside}
    leaving = [n for n in inside if any(u.name not in members for u in n.users)]
    return leaving[-1] if leaving else inside[-1]


# --------------------------------------------------------------------------
# Exact reach: which input positions does one output reach, with how many paths
# --------------------------------------------------------------------------


def _reach_1d(ops: list[_Op], target: int, u: int, axis: int) -> tuple[int, np.ndarray]:
    """Unclipped path counts along one axis: ``(lo, counts)``, counts[i] for input position lo + i."""
    store: dict[int, tuple[int, np.ndarray]] = {target: (u, np.ones(1))}
    for index in range(target, 0, -1):
        if index not in store:
            continue
        lo, counts = store.pop(index)
        pos = lo + np.flatnonzero(counts)
        weight = counts[counts != 0]
        op = ops[index]
        for source, rules in zip(op.inputs, op.rules):
            src, valid = rules[axis].sources(pos)
            w = np.broadcast_to(weight[:, None], src.shape)[valid]
            src = src[valid]
            if not len(src):
                continue
            new_lo, new_hi = int(src.min()), int(src.max())
            if source in store:
                old_lo, old = store[source]
                new_lo, new_hi = min(new_lo, old_lo), max(new_hi, old_lo + len(old) - 1)
            acc = np.zeros(new_hi - new_lo + 1)
            np.add.at(acc, src - new_lo, w)
            if source in store:
                acc[old_lo - new_lo: old_lo - new_lo + len(old)] += old
            store[source] = (new_lo, acc)
    return store.get(0, (0, np.zeros(0)))


def _matrix(rule: Any, n_out: int) -> np.ndarray:
    """Clipped path-count matrix ``A[u, i]`` of one rule along one axis (real cells only)."""
    src, valid = _clip(rule, *rule.sources(np.arange(n_out)))
    a = np.zeros((n_out, rule.n_in))
    rows = np.broadcast_to(np.arange(n_out)[:, None], src.shape)
    np.add.at(a, (rows[valid], src[valid]), 1.0)
    return a


def _reach_2d(ops: list[_Op], target: int, uy: int, ux: int) -> np.ndarray:
    """Path counts from output ``(uy, ux)`` of ``target`` to every input cell (what the gradient sees)."""
    grads: dict[int, np.ndarray] = {}
    g = np.zeros(ops[target].size)
    g[uy, ux] = 1.0
    grads[target] = g
    for index in range(target, 0, -1):
        if index not in grads:
            continue
        g = grads.pop(index)
        op = ops[index]
        for source, (rh, rw) in zip(op.inputs, op.rules):
            contribution = _matrix(rh, op.size[0]).T @ g @ _matrix(rw, op.size[1])
            grads[source] = grads.get(source, 0) + contribution
    return grads.get(0, np.zeros(ops[0].size))


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def _num(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)


@dataclass(frozen=True)
class AuditRow:
    """One layer of an audited network, per axis ``(height, width)``.

    ``r``, ``jump`` and ``start`` follow Araujo et al. (``start`` = −P, the
    input coordinate where the field of output 0 begins, padding included);
    where branches meet, ``r`` is the span of all paths' fields. After a
    transposed convolution or an upsampling, ``r`` is the largest over the
    outputs of that layer and ``jump`` may be a fraction.

    Made by :func:`audit` (``report.layers``); defined in notebook ``08_audit_a_real_network``.

    Examples
    --------
    >>> import torch.nn as nn
    >>> row = audit(nn.Conv2d(3, 8, 3, stride=2, padding=1), 32).layers[0]
    >>> row.kind, row.r, row.jump, row.start
    ('conv', (3, 3), (2, 2), (-1, -1))
    """

    name: str
    kind: str
    size: tuple[int, int]
    kernel: tuple[int, int] | None
    stride: tuple[int, int] | None
    padding: tuple[tuple[int, int], tuple[int, int]] | None
    dilation: tuple[int, int] | None
    r: tuple[int | float, int | float]
    jump: tuple[int | float, int | float]
    start: tuple[int | float, int | float]


@dataclass(frozen=True)
class AuditReport:
    """What :func:`audit` found; every number per axis ``(height, width)``.

    Attributes
    ----------
    at : str
        The analysed feature map (module or node name).
    input_size, output_size : (int, int)
        Input and feature-map sizes (the course's formulas, no forward pass).
    output_stride : (int or float, int or float)
        Input pixels per step of the feature map (product of strides, divided
        by upsampling factors).
    receptive_field : (int, int)
        Span of the field of the interior output ``interior``, padding cells
        included: the largest over all paths.
    center : (float, float)
        Centre of the field of output 0 (input coordinates; may lie in padding).
    interior : (int, int)
        The output whose field is analysed: ``((H_out - 1) // 2, (W_out - 1) // 2)``.
    field : ((int, int), (int, int))
        First and last input cell of that field per axis (unclipped).
    holes : int
        Input cells inside that field (and inside the image) that no path reaches.
    coverage : numpy.ndarray
        Path counts over the field's part of the image (read-only).
    layers : tuple of AuditRow
        The layer table, input side first.
    warnings : tuple of str
        Misaligned branches, dilations whose taps fall in padding, global pools.
    in_channels : int or None
        Channels of the input the first convolution expects.

    Made by :func:`audit`; defined in notebook ``08_audit_a_real_network``.

    Examples
    --------
    >>> import torch.nn as nn
    >>> report = audit(nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2)), 10)
    >>> print(report.table())
    layer  kind       size  k  s  p  d  r  jump  start
    0      conv      10×10  3  1  1  1  3     1     -1
    1      max pool    5×5  2  2  0  1  4     2     -1
    """

    at: str
    input_size: tuple[int, int]
    output_size: tuple[int, int]
    output_stride: tuple[int | float, int | float]
    receptive_field: tuple[int, int]
    center: tuple[float, float]
    interior: tuple[int, int]
    field: tuple[tuple[int, int], tuple[int, int]]
    holes: int
    coverage: np.ndarray = field(repr=False, compare=False)
    layers: tuple[AuditRow, ...] = field(repr=False)
    warnings: tuple[str, ...] = ()
    in_channels: int | None = None
    _node: str = field(default="", repr=False)
    _reach: tuple[np.ndarray, np.ndarray] = field(default=(), repr=False, compare=False)

    def table(self, *, names: Sequence[str] | None = None) -> str:
        """The per-layer table as aligned text (``a×b`` where the axes differ).

        Parameters
        ----------
        names : sequence of str, optional
            Print only these rows; default all.
        """
        def fmt(v: Any) -> str:
            if v is None:
                return ""
            if isinstance(v[0], tuple):
                v = tuple(f"{a}/{b}" if a != b else str(a) for a, b in v)
            v = tuple(f"{x:g}" if isinstance(x, float) else str(x) for x in v)
            return v[0] if v[0] == v[1] else f"{v[0]}×{v[1]}"

        header = ["layer", "kind", "size", "k", "s", "p", "d", "r", "jump", "start"]
        lines = [header]
        for row in self.layers:
            if names is not None and row.name not in names:
                continue
            lines.append([row.name, row.kind, f"{row.size[0]}×{row.size[1]}", fmt(row.kernel), fmt(row.stride),
                          fmt(row.padding), fmt(row.dilation), fmt(row.r), fmt(row.jump), fmt(row.start)])
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        return "\n".join(
            "  ".join([line[0].ljust(widths[0]), line[1].ljust(widths[1])] +
                      [c.rjust(w) for c, w in zip(line[2:], widths[2:])]).rstrip()
            for line in lines
        )

    def summary(self) -> str:
        """The headline numbers and the warnings, one per line."""
        def pair(v: Any) -> str:
            v = tuple(f"{x:g}" if isinstance(x, float) else str(x) for x in v)
            return v[0] if v[0] == v[1] else f"{v[0]} × {v[1]}"

        lines = [
            f"feature map      {self.at} for a {self.input_size[0]}×{self.input_size[1]} input",
            f"output size      {self.output_size[0]}×{self.output_size[1]}",
            f"output stride    {pair(self.output_stride)}",
            f"receptive field  {pair(self.receptive_field)}",
            f"centre of out 0  {pair(self.center)}",
            f"holes            {self.holes}",
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def verify(self, model: Any, *, one_channel: bool = True) -> "VerifyResult":
        """Measure the report's numbers with PyTorch and say where they differ.

        A copy of ``model`` gets positive weights (``1 / fan-in``), zero biases,
        batch norm replaced by the identity and max pooling by average
        pooling; a forward pass on ones gives the output size, and the gradient
        of one output (summed over channels) marks every input cell it reaches.
        Checked for output 0 and the interior output: the set of reached cells
        (exactly), the field's span inside the image, and the holes.

        Parameters
        ----------
        model : torch.nn.Module
            The model this report was made from.
        one_channel : bool
            Measure on a copy whose convolutions have one output channel each
            (same kernels, strides, paddings and dilations, run by PyTorch's
            own layers): much faster, and the reached cells are the same.
            ``False`` back-propagates through the model's own widths.
        """
        torch = _import_torch()
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # one-channel layers are tiny: threads only wait for each other
        try:
            return _verify(self, model, one_channel)
        finally:
            torch.set_num_threads(threads)


@dataclass(frozen=True)
class VerifyResult:
    """The checks of :meth:`AuditReport.verify`: ``(what, predicted, measured, agrees)``.

    Defined in notebook ``08_audit_a_real_network``.

    Examples
    --------
    >>> import torch.nn as nn
    >>> net = nn.Conv2d(1, 1, 3, dilation=2)
    >>> audit(net, 16).verify(net).ok
    True
    """

    checks: tuple[tuple[str, Any, Any, bool], ...]

    @property
    def ok(self) -> bool:
        """True when every check agrees."""
        return all(c[3] for c in self.checks)

    def __str__(self) -> str:
        rows = [("check", "predicted", "measured", "")] + [
            (w, str(p), str(m), "agrees" if a else "DIFFERS") for w, p, m, a in self.checks
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)

    __repr__ = __str__


# --------------------------------------------------------------------------
# audit()
# --------------------------------------------------------------------------


def _table(ops: list[_Op], keep: set[int]) -> tuple[list[AuditRow], list[str]]:
    """Araujo et al.'s recurrences over the graph, per axis, taking the widest span where paths meet.

    A path through a global pool (an adaptive pool to one cell, or a one-cell
    map broadcast back) reads the whole input for every output: it is left out
    of the spans and the alignment check where it meets local paths (a warning
    names the pool).
    """
    one = (Fraction(1), Fraction(1), Fraction(0), False)
    state: dict[int, tuple[tuple[Fraction, Fraction, Fraction, bool], ...]] = {0: (one, one)}
    rows, warnings = [], []
    for index in range(1, len(ops)):
        if index not in keep:
            continue
        op = ops[index]
        per_axis, misaligned = [], []
        for axis in range(2):
            paths = []
            for source, rules in zip(op.inputs, op.rules):
                rule = rules[axis]
                r, jump, start, glob = state[source][axis]
                if isinstance(rule, _Broadcast):
                    paths.append((r, jump, start, True))
                    continue
                src, valid = rule.sources(np.arange(min(op.size[axis], 4096)))
                spans = [int(s[v].max() - s[v].min()) for s, v in zip(src, valid) if v.any()]
                first = src[0][valid[0]]
                lo0 = int(first.min()) if len(first) else 0
                glob = glob or (isinstance(rule, _Adaptive) and rule.n_out == 1 and rule.n_in > 1)
                paths.append((r + max(spans, default=0) * jump, jump * rule.jump, start + lo0 * jump, glob))
            local = [p for p in paths if not p[3]] or paths
            start = min(p[2] for p in local)
            end = max(p[2] + p[0] - 1 for p in local)
            jumps = sorted({p[1] for p in local})
            axis_name = "height" if axis == 0 else "width"
            if len(jumps) > 1:
                warnings.append(f"{op.name} ({op.kind}) merges maps of different jumps "
                                f"{[_num(j) for j in jumps]} along {axis_name}")
            centres = sorted({p[2] + (p[0] - 1) / 2 for p in local})
            if len(centres) > 1:
                misaligned.append(f"{', '.join(f'{_num(c):g}' for c in centres)} along {axis_name}")
            per_axis.append((end - start + 1, jumps[0], start, all(p[3] for p in paths)))
        if misaligned:
            warnings.append(f"{op.name} ({op.kind}) meets misaligned branches (Araujo et al.): the fields of "
                            "output 0 are centred at " + "; ".join(misaligned))
        state[index] = tuple(per_axis)
        p = op.params
        rows.append(AuditRow(
            op.name, op.kind, op.size, p.get("kernel"), p.get("stride"), p.get("padding"), p.get("dilation"),
            tuple(_num(a[0]) for a in per_axis), tuple(_num(a[1]) for a in per_axis),
            tuple(_num(a[2]) for a in per_axis),
        ))
    return rows, warnings


def _padding_warnings(ops: list[_Op], keep: set[int]) -> list[str]:
    """Dilated layers where most outputs have taps in the padding (DeepLabv3, Fig. 4)."""
    out = []
    for index in sorted(keep):
        op = ops[index]
        if not op.rules or not isinstance(op.rules[0][0], _Window) or max(op.params.get("dilation", (1, 1))) == 1:
            continue
        full, never = 1.0, []
        for axis in range(2):
            rule = op.rules[0][axis]
            src, _ = rule.sources(np.arange(op.size[axis]))
            inside = (src >= 0) & (src < rule.n_in)
            full *= inside.all(axis=1).mean()
            never.append(int((~inside.any(axis=0)).sum()))
        if full < 0.5:
            h, w = op.rules[0][0].n_in, op.rules[0][1].n_in
            k = op.params["kernel"]
            text = (f"{op.name} (dilation {op.params['dilation'][0] if op.params['dilation'][0] == op.params['dilation'][1] else op.params['dilation']}) "
                    f"on a {h}×{w} map: only {100 * full:.0f}% of its outputs see all {k[0] * k[1]} taps inside the map")
            if all(n == k[a] - 1 for a, n in enumerate(never)):
                text += "; every tap but the centre always falls in the padding, so it acts as a 1×1 convolution"
            elif any(never):
                text += f"; {never[0]}×{never[1]} (height×width) tap rows/columns never touch the map"
            out.append(text)
    return out


def audit(model: Any, input_size: int | tuple[int, int], *, at: str | None = None) -> AuditReport:
    """Read a PyTorch model's geometry: sizes, output stride, receptive field, centre and holes.

    The model is traced with ``torch.fx`` (nothing is run); each layer that
    moves positions is read from its module (convolutions with groups,
    dilation, asymmetric and string padding and padding modes; max/avg
    pooling with ``ceil_mode``; adaptive pooling; transposed convolutions;
    ``nn.Upsample``/``F.interpolate``; explicit padding layers), additions,
    multiplications and channel concatenations merge paths, and per-pixel
    layers (batch norm, activations, dropout) are skipped.

    Defined in notebook ``08_audit_a_real_network``.

    Parameters
    ----------
    model : torch.nn.Module
        The network (its weights do not matter).
    input_size : int or (int, int)
        Input side, or ``(height, width)``.
    at : str, optional
        The feature map to analyse: a module name (``"layer4"``, ``"features"``,
        ``"backbone.layer4.2.conv2"``) or an fx node name; default the model's
        output (for a dict output its ``"out"`` entry, else the first).

    Returns
    -------
    AuditReport

    Raises
    ------
    TypeError
        If ``model`` is not a ``torch.nn.Module`` or ``at`` not a string.
    ValueError
        If fx cannot trace the model, ``at`` names nothing, the input is too
        small, or a layer cannot be read (the message names it).

    Examples
    --------
    >>> import torch.nn as nn
    >>> net = nn.Sequential(nn.Conv2d(1, 1, 3, padding=2, dilation=2), nn.Conv2d(1, 1, 3, padding=2, dilation=2))
    >>> report = audit(net, 32)
    >>> report.output_size, report.receptive_field, report.holes
    ((32, 32), (9, 9), 56)
    """
    torch = _import_torch()
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    size = check_pair("input_size", input_size, 1)
    if at is not None and not isinstance(at, str):
        raise TypeError(f"at must be a module name (str) or None, got {at!r}")
    gm = _trace(model)
    builder = _Builder(gm, size)
    builder.run()
    ops = builder.ops
    output = builder.values["output"]
    if at is None:
        if isinstance(output, dict):
            output = output["out"] if "out" in output else next(iter(output.values()))
        elif isinstance(output, (list, tuple)):
            output = output[0]
        out_node = next(n for n in gm.graph.nodes if n.op == "output")
        node_name = _output_node_name(out_node)
        value, label = output, "output"
    else:
        node = _find_at(gm, at)
        node_name, value, label = node.name, builder.values[node.name], at
    if isinstance(value, _Flat):
        local = [o for o in range(1, len(ops)) if ops[o].size != (1, 1)]
        top = ops[local[-1]].name.split(".")[0] if local else "?"
        raise ValueError(
            f"the {'model output' if at is None else repr(at)} is not a feature map (it was flattened at "
            f"{value.where!r}); pass at= the module whose feature map you want, e.g. at={top!r}"
        )
    if not isinstance(value, _Spatial):
        raise ValueError(f"the {'model output' if at is None else repr(at)} is not a tensor computed from the input")
    target = value.op
    if target == 0:
        raise ValueError(f"the {'model output' if at is None else repr(at)} is the input itself: nothing to analyse")

    keep = _ancestors(ops, target)
    rows, warnings = _table(ops, keep)
    warnings += _padding_warnings(ops, keep)
    for index in sorted(keep):
        op = ops[index]
        if op.rules and isinstance(op.rules[0][0], _Adaptive) and op.size == (1, 1):
            warnings.append(f"{op.name} ({op.kind}) pools globally: its field is the whole input")

    out_size = ops[target].size
    interior = tuple((n - 1) // 2 for n in out_size)
    spans, centres = [], []
    for axis in range(2):
        lo, counts = _reach_1d(ops, target, interior[axis], axis)
        nz = np.flatnonzero(counts)
        spans.append((lo + int(nz[0]), lo + int(nz[-1])))
        lo0, counts0 = _reach_1d(ops, target, 0, axis)
        nz0 = np.flatnonzero(counts0)
        centres.append((2 * lo0 + int(nz0[0]) + int(nz0[-1])) / 2)
    reach_in = _reach_2d(ops, target, *interior)
    reach_0 = _reach_2d(ops, target, 0, 0)
    (y0, y1), (x0, x1) = spans
    box = reach_in[max(y0, 0): min(y1, size[0] - 1) + 1, max(x0, 0): min(x1, size[1] - 1) + 1].copy()
    box.setflags(write=False)
    state_row = rows[-1]
    return AuditReport(
        at=label,
        input_size=size,
        output_size=out_size,
        output_stride=state_row.jump,
        receptive_field=(y1 - y0 + 1, x1 - x0 + 1),
        center=tuple(centres),
        interior=interior,
        field=tuple(spans),
        holes=int((box == 0).sum()),
        coverage=box,
        layers=tuple(rows),
        warnings=tuple(warnings),
        in_channels=builder.in_channels,
        _node=node_name,
        _reach=(reach_0 > 0, reach_in > 0),
    )


def _output_node_name(out_node: Any) -> str:
    value = out_node.args[0]
    if isinstance(value, dict):
        value = value["out"] if "out" in value else next(iter(value.values()))
    elif isinstance(value, (list, tuple)):
        value = value[0]
    return value.name


def _ancestors(ops: list[_Op], target: int) -> set[int]:
    keep, todo = set(), [target]
    while todo:
        i = todo.pop()
        if i in keep:
            continue
        keep.add(i)
        todo.extend(ops[i].inputs)
    keep.discard(0)
    return keep


# --------------------------------------------------------------------------
# verify(): the same numbers measured with autograd
# --------------------------------------------------------------------------


def _measurable_copy(model: Any, node_name: str, *, one_channel: bool) -> Any:
    """A traced copy whose output is the audited node, with positive weights and linear pooling.

    With ``one_channel`` every convolution becomes a one-output-channel
    convolution (``LazyConv2d``: PyTorch's own layer with the same kernel,
    stride, padding, dilation and padding mode), so the measurement costs a
    fraction of the model's: which cells an output reaches does not depend on
    the channels when every weight is positive.
    """
    torch = _import_torch()
    import torch.nn.functional as F
    from torch import nn

    # The traced module shares its layers with ``model``: replace layers, never change them
    # (one_channel replaces every layer whose weights it sets); a full-width copy is deep.
    gm = _trace(model if one_channel else copy.deepcopy(model))
    identity = (nn.BatchNorm2d, nn.GroupNorm, nn.InstanceNorm2d, nn.Dropout, nn.Dropout2d, nn.LayerNorm)
    for name, mod in list(gm.named_modules()):
        for sub_name, sub in list(mod.named_children()):
            new = None
            if isinstance(sub, identity) or type(sub).__name__ == "FrozenBatchNorm2d":
                new = nn.Identity()
            elif isinstance(sub, nn.MaxPool2d):
                if sub.dilation not in (1, (1, 1)):
                    raise ValueError(f"verify cannot replace the dilated max pool {name + '.' + sub_name!r}")
                new = nn.AvgPool2d(sub.kernel_size, sub.stride, sub.padding, ceil_mode=sub.ceil_mode,
                                   count_include_pad=False)
            elif isinstance(sub, nn.AdaptiveMaxPool2d):
                new = nn.AdaptiveAvgPool2d(sub.output_size)
            elif one_channel and isinstance(sub, nn.Conv2d):
                new = nn.LazyConv2d(1, sub.kernel_size, sub.stride, sub.padding, sub.dilation, bias=False,
                                    padding_mode=sub.padding_mode)
            elif one_channel and isinstance(sub, nn.ConvTranspose2d):
                new = nn.LazyConvTranspose2d(1, sub.kernel_size, sub.stride, sub.padding, sub.output_padding,
                                             bias=False, dilation=sub.dilation)
            elif one_channel and isinstance(sub, nn.Linear):
                new = nn.LazyLinear(1, bias=False)
            if new is not None:
                setattr(mod, sub_name, new)
    graph = gm.graph
    for node in graph.nodes:
        if node.op == "call_function" and node.target in (F.max_pool2d, torch.max_pool2d):
            args = list(node.args) + [None] * 6
            kernel = node.kwargs.get("kernel_size", args[1])
            stride = node.kwargs.get("stride", args[2])
            padding = node.kwargs.get("padding", args[3] if args[3] is not None else 0)
            ceil_mode = node.kwargs.get("ceil_mode", args[5] if args[5] is not None else False)
            node.target = F.avg_pool2d
            node.args = (node.args[0], kernel, stride, padding, ceil_mode, False)
            node.kwargs = {}
    target = next(n for n in graph.nodes if n.name == node_name)
    out = next(n for n in graph.nodes if n.op == "output")
    out.args = (target,)
    graph.eliminate_dead_code()
    gm.recompile()
    gm.delete_all_unused_submodules()
    return gm if one_channel else gm.float().eval()  # (eval() would change shared layers)


def _positive(gm: Any) -> None:
    torch = _import_torch()
    from torch import nn

    for mod in gm.modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            with torch.no_grad():
                mod.weight.fill_(1.0 / max(1, mod.weight[0].numel()))
                if mod.bias is not None:
                    mod.bias.zero_()
    for p in gm.parameters():
        p.requires_grad_(False)


def _verify(report: AuditReport, model: Any, one_channel: bool = True) -> VerifyResult:
    torch = _import_torch()
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(one_channel, bool):
        raise TypeError(f"one_channel must be True or False, got {one_channel!r}")
    gm = _measurable_copy(model, report._node, one_channel=one_channel)
    h, w = report.input_size
    channels = report.in_channels or 3
    if one_channel:
        with torch.no_grad():
            gm(torch.ones(1, channels, h, w))  # gives the lazy layers their input channels
    _positive(gm)
    # Two copies of the input: the gradient of output 0 lands in the first, that of the
    # interior output in the second (batch norm is gone, so the samples stay independent).
    x = torch.ones(2, channels, h, w, requires_grad=True)
    y = gm(x)
    checks: list[tuple[str, Any, Any, bool]] = []
    measured_size = tuple(int(v) for v in y.shape[-2:])
    checks.append(("output size", report.output_size, measured_size, measured_size == tuple(report.output_size)))
    if measured_size != tuple(report.output_size):
        return VerifyResult(tuple(checks))
    uy, ux = report.interior
    (grad,) = torch.autograd.grad(y[0, :, 0, 0].sum() + y[1, :, uy, ux].sum(), x)
    seen_all = (grad.abs().sum(1) > 0).numpy()
    for label, seen, predicted in (("output 0", seen_all[0], report._reach[0]),
                                   (f"output {report.interior}", seen_all[1], report._reach[1])):
        checks.append((f"{label}: cells reached", int(predicted.sum()), int(seen.sum()), bool((seen == predicted).all())))
        if label != "output 0":
            for axis, name in ((0, "height"), (1, "width")):
                lo, hi = report.field[axis]
                n = report.input_size[axis]
                clipped = (max(lo, 0), min(hi, n - 1))
                hits = np.flatnonzero(seen.any(axis=1 - axis))
                got = (int(hits[0]), int(hits[-1])) if len(hits) else None
                checks.append((f"{label}: field in image ({name})", clipped, got, got == clipped))
            (y0, y1), (x0, x1) = [(max(lo, 0), min(hi, n - 1)) for (lo, hi), n in zip(report.field, report.input_size)]
            holes = int((~seen[y0: y1 + 1, x0: x1 + 1]).sum())
            checks.append((f"{label}: holes", report.holes, holes, holes == report.holes))
    return VerifyResult(tuple(checks))
