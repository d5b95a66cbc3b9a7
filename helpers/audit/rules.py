"""One small rule per ATen operator: how it moves positions along each spatial axis.

The shape follows ``torch.utils.flop_counter``: a registry maps an operator to
a function. A rule receives the :class:`~helpers.audit.reading.Reader`, the
operator, its arguments and its (meta) output, and returns the output's
:class:`~helpers.audit.graph.Layout`. Every operator tagged
``torch.Tag.pointwise`` is handled once, by its tag. :func:`register_rule` is
the public hook for an operator the registry lacks.
"""

from __future__ import annotations

from typing import Any, Callable

from .graph import Layout, Sub, Tokens, axes_of
from .positions import Adaptive, Everything, Flip, Resample, Roll, Segment, Transposed, Window, Within, identity

__all__ = ["register_rule", "lookup", "op_name", "NoRule"]

_RULES: dict[str, Callable] = {}


class NoRule(Exception):
    """Raised by a rule that meets a case it does not cover (the message says which)."""


def op_name(func: Any) -> str:
    """``'convolution.default'`` for ``torch.ops.aten.convolution.default``."""
    name = getattr(func, "__name__", str(func))
    return name


def _key(op: Any) -> str:
    if isinstance(op, str):
        return op.split("::")[-1]
    name = getattr(op, "__name__", None) or str(op)
    return name.split(".")[0] if hasattr(op, "overloads") else name


def register_rule(op: Any, rule: str | Callable | None = None) -> Any:
    """Tell :func:`helpers.audit` how an ATen operator moves positions.

    ``rule`` is ``"pointwise"`` (output position ``u`` reads input position
    ``u`` of every input, broadcasting one-wide maps), ``"global"`` (every
    output reads every position of every spatial axis: the audit reports it
    as a global path) or a function ``rule(reader, func, args, kwargs, out)``
    returning the output's layout (see the built-in rules in this module).
    Used as a decorator when ``rule`` is omitted. Rules are kept for the
    session; registering an operator again replaces its rule.

    Parameters
    ----------
    op : torch OpOverloadPacket, OpOverload or str
        ``torch.ops.aten.roll`` (every overload), ``torch.ops.aten.roll.default``
        or ``"aten::roll"``.
    rule : {"pointwise", "global"} or callable, optional

    Examples
    --------
    >>> import torch
    >>> _ = register_rule(torch.ops.aten.erfinv, "pointwise")
    >>> lookup(torch.ops.aten.erfinv.default) is not None
    True
    """
    if rule is None:
        return lambda fn: register_rule(op, fn)
    if rule == "pointwise":
        fn = _pointwise
    elif rule == "global":
        fn = _global
    elif callable(rule):
        fn = rule
    else:
        raise ValueError(f"rule must be 'pointwise', 'global' or a function, got {rule!r}")
    _RULES[_key(op)] = fn
    return fn


def lookup(func: Any) -> Callable | None:
    """The rule for an ATen overload: registered by overload, by packet, else by the pointwise tag."""
    import torch

    name = op_name(func)
    if name in _RULES:
        return _RULES[name]
    packet = name.split(".")[0]
    if packet in _RULES:
        return _RULES[packet]
    tags = getattr(func, "tags", ())
    if torch.Tag.pointwise in tags:
        return _pointwise
    if packet.endswith("_") and torch.Tag.inplace in tags:  # relu_, hardswish_: the functional op's rule
        base = packet[:-1]
        if base in _RULES:
            return _RULES[base]
        base_op = getattr(torch.ops.aten, base, None)
        if base_op is not None and any(torch.Tag.pointwise in getattr(base_op, o).tags for o in base_op.overloads()):
            return _pointwise
    return None


def _rule(*names: str) -> Callable:
    def deco(fn: Callable) -> Callable:
        for n in names:
            _RULES[n] = fn
        return fn
    return deco


def _tensors(reader: Any, obj: Any) -> list[tuple[Any, Layout]]:
    import torch

    if isinstance(obj, torch.Tensor):
        lay = reader.layout(obj)
        return [(obj, lay)] if lay is not None else []
    if isinstance(obj, (list, tuple)):
        return [x for item in obj for x in _tensors(reader, item)]
    return []


# ---------------------------------------------------------------------------------------------------
# pointwise and layout-only operators
# ---------------------------------------------------------------------------------------------------


def _pointwise(reader, func, args, kwargs, out, *, mixing_axes: dict[int, str] | None = None):
    """Output position u reads input position u of every tracked input (right-aligned broadcasting)."""
    import torch

    outs = out if isinstance(out, (list, tuple)) else [out]
    ref = next(o for o in outs if isinstance(o, torch.Tensor))
    shape = tuple(ref.shape)
    parts: dict[int, tuple] = {}
    inputs = _tensors(reader, (args, list(kwargs.values())))
    for t, lay in inputs:
        offset = len(shape) - t.dim()
        for j, p in enumerate(lay.dims):
            oj = j + offset
            if oj < 0:
                raise NoRule(f"aten.{op_name(func)} reduces a dimension")
            if t.shape[j] == shape[oj] and p:
                if oj in parts and parts[oj] != p:
                    if any(a is not None for a, _ in parts[oj] + p):
                        raise NoRule(f"aten.{op_name(func)} lines up different axes {parts[oj]} and {p}")
                parts.setdefault(oj, p)
            elif t.shape[j] == 1 and p and shape[oj] > 1:
                ax = [a for a, _ in p if a is not None]
                if ax and oj not in parts:
                    parts[oj] = ((ax[0], int(shape[oj])),)
    dims = reader.dims_like(shape, parts)
    layout = reader.combine(_kind(func), ref, [(lay, None) for _, lay in inputs], dims)
    if isinstance(out, (list, tuple)):
        return [layout if isinstance(o, torch.Tensor) and tuple(o.shape) == shape else None for o in out]
    return layout


def _kind(func: Any) -> str:
    return op_name(func).split(".")[0].rstrip("_")


def _same(reader, func, args, kwargs, out):
    """A copy or alias with the same shape: the same layout."""
    lay = reader.layout(args[0])
    if tuple(out.shape) != tuple(args[0].shape):
        raise NoRule(f"aten.{op_name(func)} changes the shape")
    return Layout(lay.node, lay.dims)


@_rule("clone", "contiguous", "detach", "alias", "_to_copy", "lift_fresh", "lift_fresh_copy", "_conj", "as_strided_")
def _alias(reader, func, args, kwargs, out):
    return _same(reader, func, args, kwargs, out)


@_rule("native_dropout")
def _dropout(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    return [Layout(lay.node, lay.dims), None]


@_rule("hardswish", "prelu", "_prelu_kernel", "log_sigmoid_forward", "_native_batch_norm_legit_no_training",
       "hardswish_")
def _pointwise_untagged(reader, func, args, kwargs, out):
    if _tensors(reader, args[1:]):  # a PReLU slope or batch-norm statistics computed from the input
        raise NoRule(f"aten.{op_name(func)} with a weight computed from the input (it reads every position)")
    return _pointwise(reader, func, args, {}, out)


@_rule("native_batch_norm", "_native_batch_norm_legit", "_native_batch_norm_legit_functional")
def _batch_norm(reader, func, args, kwargs, out):
    # every overload takes `training` positionally: (input, weight, bias, running_mean, running_var, training, ...),
    # or without the running statistics (input, weight, bias, training, ...) for _native_batch_norm_legit.no_stats
    training = args[3] if op_name(func) == "_native_batch_norm_legit.no_stats" else args[5]
    lay = reader.layout(args[0])
    if not training:
        return [Layout(lay.node, lay.dims), None, None]
    return [_mix_all(reader, lay, out[0], "normalisation with statistics of this input (batch/instance norm)"),
            None, None]


def _mix_all(reader, lay: Layout, out: Any, why: str, axes: list[int] | None = None) -> Layout:
    """Identity plus a path reading every position of ``axes`` (default all spatial axes)."""
    size = reader.size(lay)
    axes = [k for k in range(len(size)) if size[k] > 1] if axes is None else [k for k in axes if size[k] > 1]
    if not axes:
        return Layout(lay.node, lay.dims)
    mixed = tuple(Everything(size[k]) if k in axes else None for k in range(len(size)))
    return reader.combine("norm", out, [(lay, None), (lay, mixed)], lay.dims, mixing={1: why})


@_rule("native_group_norm")
def _group_norm(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    return [_mix_all(reader, lay, out[0], "group/instance norm: statistics over height and width"), None, None]


@_rule("native_layer_norm")
def _layer_norm(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    count = len(args[1])
    axes = [a for p in lay.dims[len(lay.dims) - count:] for lab, _ in p for a in axes_of(lab)]
    return [_mix_all(reader, lay, out[0], "layer norm over spatial axes", axes), None, None]


@_rule("_softmax", "_log_softmax", "_safe_softmax")
def _softmax(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    axes = lay.spatial_in(args[1] % len(lay.dims))
    return _mix_all(reader, lay, out, "softmax over a spatial axis", axes)


def _global(reader, func, args, kwargs, out):
    import torch

    inputs = _tensors(reader, (args, list(kwargs.values())))
    outs = out if isinstance(out, (list, tuple)) else [out]
    results = []
    for o in outs:
        if not isinstance(o, torch.Tensor):
            results.append(None)
            continue
        dims = reader.dims_like(tuple(o.shape), {})
        edges = [(lay, tuple(Everything(n) for n in reader.size(lay))) for _, lay in inputs]
        results.append(reader.combine(_kind(func), o, edges, dims,
                                      mixing={i: f"aten.{op_name(func)} (registered as global)" for i in range(len(edges))}))
    return results if isinstance(out, (list, tuple)) else results[0]


@_rule("view", "_unsafe_view", "reshape", "_reshape_alias", "view_copy")
def _view(reader, func, args, kwargs, out):
    """Regroup the parts of the dims; a view that splits an axis into blocks makes :class:`Sub` parts."""
    lay = reader.layout(args[0])
    size = reader.size(lay)
    queue = [list(p) for parts in lay.dims for p in parts if p[1] > 1]
    dims = []
    for n in out.shape:
        taken, need = [], int(n)  # a one-cell dim takes nothing: ()
        while need > 1:
            if not queue:
                raise NoRule("aten.view: sizes do not match")
            a, m = queue[0]
            if m <= need and need % m == 0:
                taken.append((a, m))
                need //= m
                queue.pop(0)
            elif m % need == 0 and not isinstance(a, Tokens):
                if a is None:
                    taken.append((None, need))
                    queue[0][1] = m // need
                else:  # row-major: the outer piece steps over blocks of the inner one
                    axis, step = (a.axis, a.step) if isinstance(a, Sub) else (a, 1)
                    taken.append((Sub(axis, step * (m // need)), need))
                    queue[0] = [Sub(axis, step), m // need]
                break
            else:
                raise NoRule(f"a view regroups {m} cells into {n} (neither divides the other)")
        dims.append(_normalise(_merge_none(tuple(taken)), size))
    return Layout(lay.node, tuple(dims))


def _normalise(parts: tuple, size: tuple[int, ...]) -> tuple:
    """Merge blocks of one axis that sit together again (a window reverse); a whole axis gets its plain label."""
    merged: list = []
    for a, n in parts:
        if merged and isinstance(a, Sub) and isinstance(merged[-1][0], Sub):
            b, m = merged[-1]
            if b.axis == a.axis and b.step == a.step * n:
                merged[-1] = (Sub(a.axis, a.step), m * n)
                continue
        merged.append((a, n))
    return tuple((a.axis, n) if isinstance(a, Sub) and a.step == 1 and n == size[a.axis] else (a, n)
                 for a, n in merged)


def _merge_none(parts: tuple) -> tuple:
    merged: list = []
    for a, n in parts:
        if merged and a is None and merged[-1][0] is None:
            merged[-1] = (None, merged[-1][1] * n)
        else:
            merged.append((a, n))
    return tuple(merged)


@_rule("permute")
def _permute(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    order = [d % len(lay.dims) for d in args[1]]
    return Layout(lay.node, tuple(lay.dims[d] for d in order))


@_rule("transpose", "swapaxes")
def _transpose(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    dims = list(lay.dims)
    a, b = args[1] % len(dims), args[2] % len(dims)
    dims[a], dims[b] = dims[b], dims[a]
    return Layout(lay.node, tuple(dims))


@_rule("t")
def _t(reader, func, args, kwargs, out):
    """``x.t()`` of a matrix: its two dims swapped."""
    return _transpose(reader, func, (args[0], 0, 1), kwargs, out)


@_rule("unsqueeze")
def _unsqueeze(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    d = args[1] % (len(lay.dims) + 1)
    return Layout(lay.node, lay.dims[:d] + ((),) + lay.dims[d:])


@_rule("squeeze")
def _squeeze(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    keep = _keep_dims(args[0], out, args[1] if len(args) > 1 else None)
    return Layout(lay.node, tuple(lay.dims[j] for j in keep))


def _keep_dims(t, out, dims):
    if dims is None:
        return [j for j, n in enumerate(t.shape) if n != 1]
    dims = [dims] if isinstance(dims, int) else list(dims)
    dims = {d % t.dim() for d in dims if t.shape[d] == 1}
    return [j for j in range(t.dim()) if j not in dims]


@_rule("expand", "expand_copy")
def _expand(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    offset = out.dim() - len(lay.dims)
    parts = {}
    for j, p in enumerate(lay.dims):
        oj = j + offset
        ax = [a for a, _ in p if a is not None]
        if p and out.shape[oj] != args[0].shape[j]:  # a one-cell dim with parts names its axis: ((a, 1),)
            parts[oj] = ((ax[0], int(out.shape[oj])),)
        elif p:
            parts[oj] = p
    return reader.combine("expand", out, [(lay, None)], reader.dims_like(tuple(out.shape), parts))


# ---------------------------------------------------------------------------------------------------
# operators that move positions
# ---------------------------------------------------------------------------------------------------


def _spatial_axes(reader, lay: Layout, first: int, count: int, opname: str) -> list[int | None]:
    """The spatial axis held by each of ``count`` dimensions from ``first`` (None: a non-spatial dim)."""
    axes = []
    for j in range(first, first + count):
        p = lay.dims[j]
        if len(p) > 1 and any(a is not None for a, _ in p):
            raise NoRule(f"aten.{opname} runs along a dimension that holds flattened spatial axes")
        if p and p[0][0] is not None and not isinstance(p[0][0], int):
            raise NoRule(f"aten.{opname} runs along a dimension that holds windows or tokens, not a whole axis")
        axes.append(p[0][0] if p else None)
    return axes


def _moved(reader, func, lay: Layout, out: Any, ndim: int, make_rule: Callable, kind: str, params: dict,
           *, channel_dim: int = 1, mixing_channels: bool = True) -> Layout:
    """Layout of an operator moving the last ``ndim`` dims by ``make_rule(i, n_in, n_out)``."""
    first = len(lay.dims) - ndim
    axes = _spatial_axes(reader, lay, first, ndim, op_name(func))
    size_in = reader.size(lay)
    rules: list = [None] * reader.graph.ndim
    parts = {}
    for j in range(first):  # the leading dims keep their parts, unless their size changes (pixel (un)shuffle's channels)
        p = lay.dims[j]
        if _cells(p) == int(out.shape[j]):
            parts[j] = p
        elif any(a is not None for a, _ in p):
            raise NoRule(f"aten.{op_name(func)} changes the size of a dimension that holds positions")
    for i, a in enumerate(axes):
        j = first + i
        n_out = int(out.shape[j])
        if a is None:
            parts[j] = ((None, n_out),) if n_out > 1 else ()
            continue
        rules[a] = make_rule(i, size_in[a], n_out)
        parts[j] = ((a, n_out),)
    mixing = None
    if mixing_channels and first >= 1 and out.dim() > channel_dim:
        ch = lay.dims[channel_dim] if channel_dim < len(lay.dims) else ()
        mixed = [a for lab, _ in ch for a in axes_of(lab)]
        if mixed:  # a convolution whose channels are positions (tokens): every output reads them all
            for a in mixed:
                rules[a] = Everything(size_in[a])
            mixing = {0: f"{kind} over channels that hold flattened positions"}
        parts[channel_dim] = ((None, int(out.shape[channel_dim])),) if out.shape[channel_dim] > 1 else ()
    dims = reader.dims_like(tuple(out.shape), parts)
    return reader.combine(kind, out, [(lay, tuple(rules))], dims, params=params, mixing=mixing)


def _cells(parts: tuple) -> int:
    """The size of a dimension from its parts (``()``: one cell)."""
    size = 1
    for _, n in parts:
        size *= n
    return size


def _ints(v: Any, n: int) -> list[int]:
    v = list(v) if isinstance(v, (list, tuple)) else [v]
    return [int(x) for x in (v * n if len(v) == 1 else v)]


@_rule("convolution", "_convolution", "convolution_overrideable")
def _convolution(reader, func, args, kwargs, out):
    x, w = args[0], args[1]
    lay = reader.layout(x)
    if lay is None or (reader.layout(w) is not None):
        raise NoRule("a convolution whose weights are computed from the input (dynamic filters)")
    nd = w.dim() - 2
    stride, padding, dilation = _ints(args[3], nd), _ints(args[4], nd), _ints(args[5], nd)
    transposed = bool(args[6])
    k = [int(n) for n in w.shape[2:]]

    if transposed:
        def make(i, n_in, n_out):
            return Transposed(k[i], stride[i], dilation[i], padding[i], n_in)
        kind = "transposed conv"
    else:
        def make(i, n_in, n_out):
            return Window(k[i], stride[i], dilation[i], padding[i], padding[i], n_in)
        kind = "conv"
    params = dict(kernel=tuple(k), stride=tuple(stride), padding=tuple((p, p) for p in padding),
                  dilation=tuple(dilation))
    return _moved(reader, func, lay, out, nd, make, kind, params)


def _pool(kind: str, nd: int, has_dilation: bool, multi_out: bool):
    def rule(reader, func, args, kwargs, out):
        x = args[0]
        lay = reader.layout(x)
        k = _ints(args[1], nd)
        stride = _ints(args[2], nd) if len(args) > 2 and args[2] not in (None, [], ()) else k
        padding = _ints(args[3], nd) if len(args) > 3 else [0] * nd
        dilation = _ints(args[4], nd) if has_dilation and len(args) > 4 else [1] * nd
        y = out[0] if multi_out else out

        def make(i, n_in, n_out):
            return Window(k[i], stride[i], dilation[i], padding[i], padding[i], n_in)
        params = dict(kernel=tuple(k), stride=tuple(stride), padding=tuple((p, p) for p in padding),
                      dilation=tuple(dilation))
        res = _moved(reader, func, lay, y, nd, make, kind, params, mixing_channels=False)
        return [res, None] if multi_out else res
    return rule


for _nd in (1, 2, 3):
    _RULES[f"max_pool{_nd}d_with_indices"] = _pool("max pool", _nd, True, True)
    _RULES[f"max_pool{_nd}d"] = _pool("max pool", _nd, True, False)
    _RULES[f"avg_pool{_nd}d"] = _pool("avg pool", _nd, False, False)
    _RULES[f"mkldnn_max_pool{_nd}d"] = _pool("max pool", _nd, True, False)


def _adaptive(kind: str, nd: int, multi_out: bool):
    def rule(reader, func, args, kwargs, out):
        lay = reader.layout(args[0])
        y = out[0] if multi_out else out
        first = len(lay.dims) - nd
        axes = _spatial_axes(reader, lay, first, nd, op_name(func))
        size = reader.size(lay)
        global_axes = [a for i, a in enumerate(axes) if a is not None and int(y.shape[first + i]) == 1 and size[a] > 1]
        res = _moved(reader, func, lay, y, nd, lambda i, n_in, n_out: Adaptive(n_in, n_out), kind, {},
                     mixing_channels=False)
        if global_axes and res.node != lay.node:
            node = reader.graph.nodes[res.node]
            node.edges[0] = type(node.edges[0])(node.edges[0].source, node.edges[0].rules, f"{kind} to one cell")
        return [res, None] if multi_out else res
    return rule


for _nd in (1, 2, 3):
    _RULES[f"_adaptive_avg_pool{_nd}d"] = _adaptive("adaptive avg pool", _nd, False)
    _RULES[f"adaptive_avg_pool{_nd}d"] = _adaptive("adaptive avg pool", _nd, False)
    _RULES[f"adaptive_max_pool{_nd}d"] = _adaptive("adaptive max pool", _nd, True)


def _scale_value(align: bool, n_in: int, n_out: int, scale: float | None, cubic_or_linear: bool) -> float:
    """ATen's area_pixel_compute_scale: input coordinate per output step."""
    if align and cubic_or_linear:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    if scale is not None and scale > 0:
        return 1.0 / scale
    return n_in / n_out


def _upsample(interp: str, nd: int, *, antialias: bool = False, exact: bool = False):
    def rule(reader, func, args, kwargs, out):
        lay = reader.layout(args[0])
        rest = list(args[2:])
        align = False
        if interp in ("linear", "cubic"):
            align = bool(rest.pop(0)) if rest else bool(kwargs.get("align_corners", False))
        if "vec" in op_name(func):
            factors = rest[0] if rest else None
            scales = list(factors) if factors else [None] * nd
        else:
            scales = [rest[i] if i < len(rest) else None for i in range(nd)]
        name = "nearest-exact" if exact else interp

        def make(i, n_in, n_out):
            s = _scale_value(align, n_in, n_out, scales[i], interp != "nearest")
            return Resample(name, align, s, n_in, n_out, antialias)
        kind = f"upsample ({name}{', antialias' if antialias else ''}{', align_corners' if align else ''})"
        return _moved(reader, func, lay, out, nd, make, kind, {}, mixing_channels=False)
    return rule


for _nd, _lin in ((1, "linear1d"), (2, "bilinear2d"), (3, "trilinear3d")):
    _RULES[f"upsample_nearest{_nd}d"] = _upsample("nearest", _nd)
    _RULES[f"_upsample_nearest_exact{_nd}d"] = _upsample("nearest", _nd, exact=True)
    _RULES[f"upsample_{_lin}"] = _upsample("linear", _nd)
_RULES["upsample_bicubic2d"] = _upsample("cubic", 2)
_RULES["_upsample_bilinear2d_aa"] = _upsample("linear", 2, antialias=True)
_RULES["_upsample_bicubic2d_aa"] = _upsample("cubic", 2, antialias=True)


@_rule("constant_pad_nd")
def _constant_pad(reader, func, args, kwargs, out):
    return _pad_rule(reader, func, args[0], list(args[1]), out, "zeros")


def pad_layout(reader, func, x, pad, out, mode):
    """The layout of ``F.pad(x, pad, mode=mode)`` (``mode`` one of zeros, reflect, replicate, circular)."""
    return _pad_rule(reader, func, x, pad, out, mode)


def _pad_rule(reader, func, x, pad, out, mode):
    lay = reader.layout(x)
    nd = len(pad) // 2
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in range(nd)][::-1]  # first listed pair pads the last dim

    def make(i, n_in, n_out):
        before, after = pairs[i]
        return Window(1, 1, 1, before, after, n_in, mode)
    params = dict(kernel=(1,) * nd, stride=(1,) * nd, padding=tuple(pairs), dilation=(1,) * nd)
    return _moved(reader, func, lay, out, nd, make, f"pad ({mode})" if mode != "zeros" else "pad",
                  params, mixing_channels=False)


for _nd in (1, 2, 3):
    _RULES[f"reflection_pad{_nd}d"] = (lambda mode: lambda r, f, a, k, o: _pad_rule(r, f, a[0], list(a[1]), o, mode))("reflect")
    _RULES[f"replication_pad{_nd}d"] = (lambda mode: lambda r, f, a, k, o: _pad_rule(r, f, a[0], list(a[1]), o, mode))("replicate")


def _along(reader, func, lay: Layout, dim: int, out: Any, rule_for: Callable, kind: str) -> Layout:
    """An operator moving positions along one dimension ``dim`` of the tensor only."""
    p = lay.dims[dim]
    ax = [a for a, _ in p if a is not None]
    n_out = int(out.shape[dim])
    if not ax:
        dims = list(lay.dims)
        dims[dim] = ((None, n_out),) if n_out > 1 else ()
        return Layout(lay.node, tuple(dims)) if reader.node_size(tuple(dims)) == reader.size(lay) else \
            reader.combine(kind, out, [(lay, None)], tuple(dims))
    if len(p) > 1 or not isinstance(ax[0], int):
        raise NoRule(f"aten.{op_name(func)} along a dimension holding flattened, split or token positions")
    a = ax[0]
    rules: list = [None] * reader.graph.ndim
    rules[a] = rule_for(reader.size(lay)[a], n_out)
    dims = list(lay.dims)
    dims[dim] = ((a, n_out),)
    return reader.combine(kind, out, [(lay, tuple(rules))], tuple(dims))


@_rule("slice", "slice_copy")
def _slice(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    dim = (args[1] if len(args) > 1 else 0) % args[0].dim()
    n = int(args[0].shape[dim])
    start = args[2] if len(args) > 2 and args[2] is not None else 0
    step = args[4] if len(args) > 4 else 1
    start = max(0, min(n, start + n if start < 0 else start))
    if start == 0 and step == 1 and int(out.shape[dim]) == n:
        return Layout(lay.node, lay.dims)
    p = lay.dims[dim]
    if len(p) == 1 and isinstance(p[0][0], Tokens):  # x[:, k:] drops the extra (class) tokens
        tokens = p[0][0]
        if start == tokens.extra and step == 1 and int(out.shape[dim]) == n - start:
            return Layout(lay.node, lay.dims[:dim] + (tokens.parts,) + lay.dims[dim + 1:])
        raise NoRule("aten.slice of a token dimension other than dropping its extra (class) tokens")
    return _along(reader, func, lay, dim, out, lambda n_in, n_out: Window(1, step, 1, -start, 0, n_in), "slice")


@_rule("select")
def _select(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    dim = args[1] % args[0].dim()
    index = args[2] % int(args[0].shape[dim])
    p = lay.dims[dim]
    ax = [a for a, _ in p if a is not None]
    dims = lay.dims[:dim] + lay.dims[dim + 1:]
    if not ax:
        return Layout(lay.node, dims)
    if len(p) == 1 and isinstance(p[0][0], Tokens) and index < p[0][0].extra:
        size = reader.size(lay)
        rules = tuple(Everything(n) if n > 1 else None for n in size)
        return reader.combine("extra token", out, [(lay, rules)], reader.dims_like(tuple(out.shape), {}),
                              mixing={0: "an extra (class) token: positions reach it only through attention"})
    if len(p) > 1 or not isinstance(ax[0], int):
        raise NoRule("aten.select along flattened, split or token positions")
    rules: list = [None] * reader.graph.ndim
    rules[ax[0]] = Window(1, 1, 1, -index, 0, reader.size(lay)[ax[0]])
    out_dims = list(lay.dims)
    out_dims[dim] = ((ax[0], 1),)
    node = reader.combine("select", out, [(lay, tuple(rules))], tuple(out_dims))
    return Layout(node.node, dims)


@_rule("split", "split_with_sizes", "unsafe_split", "unsafe_split_with_sizes", "split_copy")
def _split(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    dim = (args[2] if len(args) > 2 else kwargs.get("dim", 0)) % args[0].dim()
    results, start = [], 0
    for piece in out:
        n = int(piece.shape[dim])
        s = start
        if start == 0 and n == int(args[0].shape[dim]):
            results.append(Layout(lay.node, lay.dims))
        else:
            results.append(_along(reader, func, lay, dim, piece,
                                  lambda n_in, n_out, s=s: Window(1, 1, 1, -s, 0, n_in), "slice"))
        start += n
    return results


@_rule("unbind")
def _unbind(reader, func, args, kwargs, out):
    dim = args[1] if len(args) > 1 else 0
    return [_select(reader, func, (args[0], dim, i), {}, o) for i, o in enumerate(out)]


@_rule("cat", "concat", "concatenate")
def _cat(reader, func, args, kwargs, out):
    tensors = list(args[0])
    dim = (args[1] if len(args) > 1 else kwargs.get("dim", 0))
    dim = dim % out.dim()
    inputs, offset = [], 0
    spatial = None
    for t in tensors:
        lay = reader.layout(t)
        if t.dim() == 1 and t.shape[0] == 0:
            continue
        if lay is not None:
            p = lay.dims[dim]
            ax = [a for a, _ in p if a is not None]
            if ax and (len(p) > 1 or not isinstance(ax[0], int)):
                if inputs or offset + int(t.shape[dim]) != int(out.shape[dim]) or any(
                        isinstance(a, Sub) for a, _ in p):
                    raise NoRule("aten.cat along flattened spatial axes, other than extra tokens before them")
                inner = p[0][0].parts if isinstance(p[0][0], Tokens) else p
                extra = offset + (p[0][0].extra if isinstance(p[0][0], Tokens) else 0)
                dims = lay.dims[:dim] + (((Tokens(extra, inner), int(out.shape[dim])),),) + lay.dims[dim + 1:]
                return reader.combine("cat", out, [(lay, None)], dims)
            if ax:
                spatial = ax[0]
                rules: list = [None] * reader.graph.ndim
                rules[ax[0]] = Segment(offset, reader.size(lay)[ax[0]])
                inputs.append((lay, tuple(rules)))
            else:
                inputs.append((lay, None))
        elif spatial is not None or any(reader.layout(u) and reader.layout(u).dims[dim] and
                                        any(a is not None for a, _ in reader.layout(u).dims[dim]) for u in tensors):
            pass  # a constant block along a spatial axis: positions there read nothing
        offset += int(t.shape[dim])
    parts = {}
    for lay, _ in inputs:
        for j, p in enumerate(lay.dims):
            if j != dim and p and any(a is not None for a, _ in p):
                parts[j] = p
    if spatial is not None:
        parts[dim] = ((spatial, int(out.shape[dim])),)
    dims = reader.dims_like(tuple(out.shape), parts)
    return reader.combine("cat", out, inputs, dims)


@_rule("stack")
def _stack(reader, func, args, kwargs, out):
    tensors = list(args[0])
    dim = (args[1] if len(args) > 1 else 0) % out.dim()
    inputs = [reader.layout(t) for t in tensors if reader.layout(t) is not None]
    if len(tensors) > 1 and dim >= 2 and out.dim() == 2 + reader.graph.ndim:
        for lay in inputs:  # the new dim takes the place of a spatial axis the inputs lost (rows from unbind)
            named = {a for p in lay.dims for lab, _ in p if lab is not None for a in axes_of(lab)}
            if any(a not in named and reader.graph.nodes[0].size[a] > 1 for a in range(reader.graph.ndim)):
                raise NoRule("aten.stack along a spatial dim of maps that lost a spatial axis (rows or columns "
                             "picked by select or unbind): where each lands along it is not tracked; keep the axis "
                             "with slices (x[:, :, i:i + 1]) and join them with torch.cat")
    parts = {}
    for lay in inputs:
        for j, p in enumerate(lay.dims):
            parts[j + (1 if j >= dim else 0)] = p
    parts.pop(dim, None)
    return reader.combine("stack", out, [(lay, None) for lay in inputs], reader.dims_like(tuple(out.shape), parts))


@_rule("pixel_shuffle")
def _pixel_shuffle(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    r = int(args[1])
    return _moved(reader, func, lay, out, 2, lambda i, n_in, n_out: Transposed(r, r, 1, 0, n_in), "pixel shuffle",
                  dict(kernel=(r, r), stride=(r, r)), channel_dim=-3, mixing_channels=False)


@_rule("pixel_unshuffle")
def _pixel_unshuffle(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    r = int(args[1])
    return _moved(reader, func, lay, out, 2, lambda i, n_in, n_out: Window(r, r, 1, 0, 0, n_in), "pixel unshuffle",
                  dict(kernel=(r, r), stride=(r, r)), channel_dim=-3, mixing_channels=False)


@_rule("flip")
def _flip(reader, func, args, kwargs, out):
    lay = reader.layout(args[0])
    for d in args[1]:
        lay = _along(reader, func, lay, d % out.dim(), out, lambda n_in, n_out: Flip(n_in), "flip")
    return lay


def _reduce(reader, func, args, kwargs, out, why: str):
    lay = reader.layout(args[0])
    dims = args[1] if len(args) > 1 else kwargs.get("dim")
    keepdim = bool(args[2]) if len(args) > 2 and isinstance(args[2], bool) else bool(kwargs.get("keepdim", False))
    if dims is None or (isinstance(dims, (list, tuple)) and len(dims) == 0):
        dims = list(range(args[0].dim()))
    dims = [dims] if isinstance(dims, int) else list(dims)
    dims = sorted({d % args[0].dim() for d in dims})
    axes = [a for d in dims for lab, _ in lay.dims[d] for a in axes_of(lab)]
    size = reader.size(lay)
    if any(isinstance(lab, (Sub, Tokens)) for d in dims for lab, _ in lay.dims[d]):
        raise NoRule(f"aten.{op_name(func)} over windows or tokens (part of an axis)")
    # a one-cell axis reduced is an identity, not a path reading the axis (its cell keeps its jump)
    rules = tuple(Everything(size[k]) if k in axes and size[k] > 1 else None for k in range(len(size)))
    out_dims = []
    for j, p in enumerate(lay.dims):
        if j in dims:
            if keepdim:
                out_dims.append(tuple((a, 1) for a, _ in p if a is not None)[:1])
        else:
            out_dims.append(p)
    mixed = sorted({k for k in axes if size[k] > 1})
    names = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}.get(len(size))
    if names and mixed:  # name the axes it reduces: a mean over the width only is not "over height/width"
        why = why.replace("height/width", "/".join(names[k] for k in mixed))
    mixing = {0: why} if mixed else None
    return reader.combine(_kind(func), out, [(lay, rules)], tuple(out_dims), mixing=mixing)


@_rule("linalg_vector_norm")
def _vector_norm(reader, func, args, kwargs, out):
    dim = args[2] if len(args) > 2 else kwargs.get("dim")
    keepdim = args[3] if len(args) > 3 else kwargs.get("keepdim", False)
    return _reduce(reader, func, (args[0], dim, bool(keepdim)), {}, out, "vector norm over height/width")


@_rule("mean", "sum", "amax", "amin", "var", "std", "logsumexp", "norm", "max", "min")
def _reduction(reader, func, args, kwargs, out):
    if isinstance(out, (list, tuple)):  # max.dim -> (values, indices)
        return [_reduce(reader, func, args, kwargs, out[0], f"{_kind(func)} over height/width"), None]
    return _reduce(reader, func, args, kwargs, out, f"{_kind(func)} over height/width")


@_rule("var_mean", "std_mean")
def _var_mean(reader, func, args, kwargs, out):
    lay = _reduce(reader, func, args, kwargs, out[0], f"{_kind(func)} over height/width")
    return [lay, lay]


def _read(reader, lay: Layout, read: set[int]) -> tuple[tuple | None, bool]:
    """Per-axis rules for reading dims ``read`` of ``lay`` in full, and whether that mixes a whole axis.

    An axis held whole in ``read`` is read everywhere (:class:`Everything`: a global path). An axis
    split into blocks of which only the inner ones are read (window attention) is read inside the
    block (:class:`Within`, local); reading its outermost blocks spans the whole map (grid attention,
    MobileViT): a global path.
    """
    size = reader.size(lay)
    rules: list = [None] * reader.graph.ndim
    mixing = False
    for a in range(reader.graph.ndim):
        parts = []  # (step, size, read?)
        for j, dim in enumerate(lay.dims):
            for lab, n in dim:
                inner = lab.parts if isinstance(lab, Tokens) else ((lab, n),)
                for b, m in inner:
                    if b == a and not isinstance(b, Sub):
                        parts.append((1, m, j in read))
                    elif isinstance(b, Sub) and b.axis == a:
                        parts.append((b.step, m, j in read))
        taken = [(st, m) for st, m, r in parts if r]
        if not taken or size[a] == 1:
            continue
        if all(r for *_, r in parts):
            rules[a] = Everything(size[a])
            mixing = True
        else:
            rules[a] = Within(tuple(taken), size[a])
            mixing = mixing or max(parts)[2]
    return (tuple(rules) if any(r is not None for r in rules) else None), mixing


def _contract(reader, func, out, a: Any, b: Any, bias: Any = None) -> Layout:
    """``a @ b`` with batch dims: the contracted dim of a tracked operand is read in full.

    When both operands carry positions in their kept dims (attention logits ``q @ k^T``), the output's
    positions are ``a``'s and ``b``'s kept positions are read too (the logits' last dim no longer holds
    positions).
    """
    inputs, parts = [], {}
    nd_out = out.dim()
    la = reader.layout(a)
    a_positions = la is not None and any(axes_of(lab) for lab, _ in la.dims[a.dim() - 2])
    for t, role in ((a, "a"), (b, "b")):
        lay = reader.layout(t)
        if lay is None:
            continue
        contracted = t.dim() - 1 if role == "a" else t.dim() - 2
        kept = t.dim() - 2 if role == "a" else t.dim() - 1
        read = {contracted}
        if role == "b" and a_positions and any(axes_of(lab) for lab, _ in lay.dims[kept]):
            read.add(kept)
        rules, mixing = _read(reader, lay, read)
        offset = nd_out - t.dim()
        for j, p in enumerate(lay.dims):
            if j in read:
                continue
            oj = (nd_out - 2 if role == "a" else nd_out - 1) if j == kept else j + offset
            if p:
                if oj in parts and parts[oj] != p and (axes_of_dim(parts[oj]) or axes_of_dim(p)):
                    raise NoRule(f"aten.{op_name(func)}: the operands' batch dims hold different positions")
                parts.setdefault(oj, p)
        inputs.append((lay, rules, "matrix product over height/width" if mixing else None))
    dims = reader.dims_like(tuple(out.shape), parts)
    mixing = {i: m for i, (_, _, m) in enumerate(inputs) if m}
    return reader.combine("matmul", out, [(lay, r) for lay, r, _ in inputs], dims, mixing=mixing)


def axes_of_dim(parts: tuple) -> list[int]:
    """The spatial axes one dim holds."""
    return [a for lab, _ in parts for a in axes_of(lab)]


@_rule("mm", "bmm", "matmul")
def _mm(reader, func, args, kwargs, out):
    return _contract(reader, func, out, args[0], args[1])


@_rule("addmm", "baddbmm")
def _addmm(reader, func, args, kwargs, out):
    lay = _contract(reader, func, out, args[1], args[2])
    if reader.layout(args[0]) is not None:
        raise NoRule("aten.addmm with a bias computed from the input")
    return lay


@_rule("_scaled_dot_product_flash_attention_for_cpu", "_scaled_dot_product_efficient_attention",
       "_scaled_dot_product_attention_math", "_scaled_dot_product_flash_attention",
       "_scaled_dot_product_cudnn_attention", "_scaled_dot_product_fused_attention_overrideable")
def _attention(reader, func, args, kwargs, out):
    q, k, v = args[0], args[1], args[2]
    y = out[0] if isinstance(out, (list, tuple)) else out
    inputs, parts, mixing = [], {}, {}
    for t, own in ((q, True), (k, False), (v, False)):
        lay = reader.layout(t)
        if lay is None:
            continue
        rules, mixes = (None, False) if own else _read(reader, lay, {len(lay.dims) - 2})
        if mixes:
            mixing[len(inputs)] = "attention over positions"
        inputs.append((lay, rules))
        for j, p in enumerate(lay.dims):
            if own or j < len(lay.dims) - 2:
                if j in parts and p and parts[j] != p and (axes_of_dim(parts[j]) or axes_of_dim(p)):
                    raise NoRule("attention whose query and key batch dims hold different positions")
                parts.setdefault(j, p)
    lay = reader.combine("attention", y, inputs, reader.dims_like(tuple(y.shape), parts), mixing=mixing)
    return [lay] + [None] * (len(out) - 1) if isinstance(out, (list, tuple)) else lay


@_rule("roll")
def _roll(reader, func, args, kwargs, out):
    """``torch.roll`` along dims that hold whole axes: a cyclic shift per axis (Swin's shifted windows)."""
    lay = reader.layout(args[0])
    shifts = args[1] if len(args) > 1 else kwargs["shifts"]
    dims = args[2] if len(args) > 2 else kwargs.get("dims", [])
    shifts = [shifts] if isinstance(shifts, int) else list(shifts)
    dims = [dims] if isinstance(dims, int) else list(dims)
    if not dims:
        raise NoRule("torch.roll without dims (it rolls the flattened tensor)")
    size = reader.size(lay)
    total = [0] * reader.graph.ndim
    for shift, d in zip(shifts, dims):
        p = lay.dims[d % len(lay.dims)]
        labels = [lab for lab, _ in p if lab is not None]
        if not labels:
            continue
        if len(p) != 1 or not isinstance(labels[0], int):
            raise NoRule("torch.roll along a dimension that holds flattened, split or token positions")
        total[labels[0]] += int(shift)
    rules = tuple(Roll(t % size[a], size[a]) if t % size[a] else None for a, t in enumerate(total))
    if all(r is None for r in rules):
        return Layout(lay.node, lay.dims)
    return reader.combine("roll", out, [(lay, rules)], lay.dims)


@_rule("copy_")
def _copy(reader, func, args, kwargs, out):
    dst, src = args[0], args[1]
    if reader.layout(dst) is None and dst._base is not None:
        raise NoRule("an in-place write of an input-dependent tensor into part of another tensor "
                     "(e.g. circular padding, or out[..., a:b] = x)")
    lay = reader.layout(src)
    if tuple(dst.shape) != tuple(src.shape):
        raise NoRule("aten.copy_ with broadcasting")
    return Layout(lay.node, lay.dims)


@_rule("fill_", "zero_", "new_empty", "new_zeros", "new_ones", "new_full", "empty_like", "zeros_like", "ones_like",
       "full_like", "_local_scalar_dense", "sym_size", "sym_stride", "is_same_size", "_has_compatible_shallow_copy_type",
       "eq", "ne", "lt", "gt", "le", "ge", "isnan", "isinf")
def _constant(reader, func, args, kwargs, out):
    return None  # the output does not carry positions of the input (a fresh tensor or a flag)
