"""Run a model once and record how every operator moves positions.

The model runs on ``meta`` tensors (shapes only, no arithmetic) under a
``TorchDispatchMode``, so what is read is what PyTorch itself executes at the
ATen level: subclasses of ``nn.Conv2d``, functional calls, ``x.ndim`` and
shape-dependent Python all come for free. Each operator that touches a tensor
computed from the input is looked up in the registry of
:mod:`helpers.audit.rules` (the shape of ``torch.utils.flop_counter``); an
operator without a rule makes an :class:`~helpers.audit.graph.Opaque` node
that names it, the module, and the user's source line.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from typing import Any

from .graph import Edge, Graph, Layout, Sub, Tokens
from .positions import Broadcast, identity

__all__ = ["Reader", "read_model"]

_HERE = os.path.dirname(os.path.abspath(__file__))


class Reader:
    """What the rules see: the graph so far, each tracked tensor's layout, and where the model is."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._layouts: dict[int, tuple[Any, Layout]] = {}  # id(tensor) -> (tensor, layout); keeps it alive
        self.module_stack: list[str] = []

    # -- tensors -----------------------------------------------------------------------
    def layout(self, t: Any) -> Layout | None:
        """The layout of a tensor computed from the input, else None."""
        entry = self._layouts.get(id(t))
        return entry[1] if entry is not None and entry[0] is t else None

    def set_layout(self, t: Any, layout: Layout | None) -> None:
        if layout is None:
            self._layouts.pop(id(t), None)
        else:
            self._layouts[id(t)] = (t, layout)

    @property
    def where(self) -> str:
        return self.module_stack[-1] if self.module_stack else ""

    def size(self, layout: Layout) -> tuple[int, ...]:
        return self.graph.nodes[layout.node].size




    # -- building nodes ------------------------------------------------------------------
    def node(self, kind: str, size: tuple[int, ...], edges: list[Edge], params: dict | None = None) -> int:
        return self.graph.add(kind, size, edges, self.where, params)

    def opaque(self, reason: str, operator: str, hint: str, sources: list[Layout] = ()) -> int:
        """A map the reading cannot follow; it depends on ``sources`` (so ``at=`` before it still works)."""
        nd = self.graph.ndim
        edges = [Edge(s.node, tuple(identity(1) for _ in range(nd)), "opaque") for s in sources]
        return self.graph.add_opaque(reason=reason, operator=operator, where=self.where,
                                     source_line=user_source_line(), hint=hint, edges=edges)

    def opaque_layout(self, t: Any, reason: str, operator: str, hint: str, sources: list[Layout]) -> Layout:
        node = self.opaque(reason, operator, hint, sources)
        return Layout(node, tuple(((None, int(n)),) if n > 1 else () for n in t.shape))

    def dims_like(self, shape: tuple[int, ...], parts: dict[int, tuple]) -> tuple:
        """Dims for a tensor of ``shape``: ``parts[j]`` where given, else a plain non-spatial dim."""
        return tuple(parts[j] if j in parts else (((None, int(n)),) if n > 1 else ()) for j, n in enumerate(shape))

    def node_size(self, dims: tuple) -> tuple[int, ...]:
        size = [1] * self.graph.ndim
        split: dict[int, int] = {}
        for parts in dims:
            for a, n in _plain_parts(parts):
                if isinstance(a, Sub):
                    split[a.axis] = split.get(a.axis, 1) * n
                elif a is not None:
                    size[a] = n
        for a, n in split.items():
            size[a] = n
        return tuple(size)

    def combine(self, kind: str, out: Any, inputs: list[tuple[Layout, tuple]], out_dims: tuple,
                *, mixing: dict[int, str] | None = None, params: dict | None = None,
                rules: list[tuple] | None = None) -> Layout:
        """The layout of ``out`` computed from ``inputs`` (layout, per-axis rules or None for identity/broadcast).

        One input whose rules all keep positions gives the same node (no new row); anything else a new node.
        """
        size = self.node_size(out_dims)
        edges = []
        for layout, given in inputs:
            n_in = self.size(layout)
            per_axis = []
            for k in range(self.graph.ndim):
                if given is not None and given[k] is not None:
                    per_axis.append(given[k])
                elif n_in[k] == size[k]:
                    per_axis.append(identity(n_in[k]))
                elif n_in[k] == 1:
                    per_axis.append(Broadcast())
                else:
                    raise _LayoutError(f"axis {k} changes from {n_in[k]} to {size[k]} cells without a rule")
            edges.append(Edge(layout.node, tuple(per_axis), (mixing or {}).get(len(edges))))
        if (len(edges) == 1 and not edges[0].mixing and all(r.is_identity for r in edges[0].rules)
                and size == self.size(inputs[0][0])):
            return Layout(inputs[0][0].node, out_dims)
        return Layout(self.node(kind, size, edges, params), out_dims)


def _plain_parts(parts: tuple) -> list:
    """The parts of a dim, a :class:`Tokens` part replaced by the parts it holds."""
    out = []
    for a, n in parts:
        if isinstance(a, Tokens):
            out.extend(a.parts)
        else:
            out.append((a, n))
    return out


class _LayoutError(Exception):
    pass


def user_source_line() -> str:
    """The innermost frame outside torch and this package: ``file:line: code``."""
    import torch

    torch_dir = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep
    for frame in reversed(traceback.extract_stack()):
        path = os.path.abspath(frame.filename)
        if path.startswith(torch_dir) or path.startswith(_HERE + os.sep) or "contextlib" in path:
            continue
        name = "a notebook cell" if "ipykernel_" in path or frame.filename.startswith("<ipython") else \
            os.path.basename(path)  # a cell's file name changes with every kernel: name it plainly
        return f"{name}:{frame.lineno}: {(frame.line or '').strip()}"
    return ""


def _flatten(obj: Any) -> list[Any]:
    if isinstance(obj, (list, tuple)):
        return [x for item in obj for x in _flatten(item)]
    if isinstance(obj, dict):
        return [x for item in obj.values() for x in _flatten(item)]
    return [obj]


# activations whose meta kernels are Python decompositions (tens of ms each): on meta tensors their output
# is a fresh tensor like the input (or the input itself, in place), which is all the reading needs
_SAME_AS_INPUT = {"hardswish", "hardsigmoid", "hardtanh", "relu", "relu6", "silu", "gelu", "sigmoid", "tanh",
                  "mish", "leaky_relu", "elu", "selu", "celu", "softplus", "log_sigmoid", "clamp", "clamp_min"}


def _fast_meta(func: Any, args: tuple, kwargs: dict) -> Any:
    """The output of ``func`` on meta tensors without running its (slow) meta kernel, or None to run it."""
    x = args[0] if args else None
    if not hasattr(x, "is_meta") or not x.is_meta or kwargs.get("out") is not None:
        return None
    packet = func.__name__.split(".")[0]
    base = packet[:-1] if packet.endswith("_") else packet
    if base in _SAME_AS_INPUT and (base == packet or func.__name__.split(".")[-1] == "default"):
        if not all(not hasattr(a, "is_meta") or a is x for a in args[1:]):
            return None
        if packet.endswith("_"):
            return x
        return x.new_empty(x.shape) if x.is_contiguous() else None
    if packet in ("native_batch_norm", "_native_batch_norm_legit_no_training") and \
            not (packet == "native_batch_norm" and args[5]):
        c = (x.shape[1],) if x.dim() > 1 else (0,)
        return x.new_empty(x.shape), x.new_empty(c), x.new_empty(c)
    return None


def _mode_class() -> type:
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    from . import rules

    class _ReadingMode(TorchDispatchMode):
        def __init__(self, reader: Reader):
            super().__init__()
            self.reader = reader

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            out = _fast_meta(func, args, kwargs)
            if out is None:
                out = func(*args, **kwargs)
            reader = self.reader
            tracked = [t for t in _flatten((args, kwargs)) if isinstance(t, torch.Tensor) and reader.layout(t)]
            if not tracked:
                return out
            rule = rules.lookup(func)
            try:
                if rule is None:
                    raise rules.NoRule()
                layouts = rule(reader, func, args, kwargs, out)
            except rules.NoRule as exc:
                name = rules.op_name(func)
                if rule is None:
                    space = getattr(func, "namespace", "aten")
                    hint = (f"audit a sub-module that does not use it (at=...), unwrap a wrapper's .module, or "
                            f"register a rule: helpers.audit.register_rule(torch.ops.{space}.{name.split('.')[0]}, "
                            "'pointwise' or 'global' or a function)")
                else:
                    hint = "audit a module that runs before it (at=...)"
                srcs = [reader.layout(t) for t in tracked]
                why = str(exc) or f"no rule for the operator aten.{name}"
                layouts = _map_tensors(out, lambda t: reader.opaque_layout(t, why, name, hint, srcs))
                base = getattr(out, "_base", None) if isinstance(out, torch.Tensor) else None
                if base is not None and reader.layout(base) is None:  # an in-place write into part of a
                    _assign(reader, base, reader.opaque_layout(base, why, name, hint, srcs))  # fresh tensor
            except Exception as exc:  # noqa: BLE001 - a rule that fails makes the map opaque, not the run
                name = rules.op_name(func)
                srcs = [reader.layout(t) for t in tracked]
                why = f"aten.{name} in a case its rule does not cover ({type(exc).__name__}: {exc})"
                if isinstance(exc, _LayoutError):
                    why = f"aten.{name}: {exc}"
                layouts = _map_tensors(out, lambda t: reader.opaque_layout(
                    t, why, name, "audit a sub-module before it (at=...)", srcs))
            _assign(reader, out, layouts)
            return out

    return _ReadingMode


def _function_mode_class() -> type:
    """A ``TorchFunctionMode`` for the calls PyTorch decomposes into writes the dispatch level cannot read.

    ``F.pad(x, mode="circular")`` (and ``nn.Conv2d(padding_mode="circular")``) becomes a fresh tensor
    filled by slice copies; read at the function level it is one padding with wrap-around cells.
    """
    import torch
    from torch.overrides import TorchFunctionMode

    from . import rules

    class _ReadingFunctions(TorchFunctionMode):
        def __init__(self, reader: Reader):
            super().__init__()
            self.reader = reader

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            out = func(*args, **kwargs)
            if getattr(func, "__name__", "") == "pad" and isinstance(out, torch.Tensor) and args and \
                    isinstance(args[0], torch.Tensor) and self.reader.layout(args[0]) is not None:
                mode = kwargs.get("mode", args[2] if len(args) > 2 else "constant")
                pad = kwargs.get("pad", args[1] if len(args) > 1 else None)
                if mode == "circular" and pad is not None:
                    try:
                        self.reader.set_layout(out, rules.pad_layout(self.reader, func, args[0], list(pad), out,
                                                                     "circular"))
                    except rules.NoRule:
                        pass  # the dispatch-level reading (a refusal) stands
            return out

    return _ReadingFunctions


def _map_tensors(out: Any, fn: Any) -> Any:
    import torch

    if isinstance(out, torch.Tensor):
        return fn(out)
    if isinstance(out, (list, tuple)):
        return [_map_tensors(o, fn) for o in out]
    return None


def _assign(reader: Reader, out: Any, layouts: Any) -> None:
    import torch

    if isinstance(out, torch.Tensor):
        if isinstance(layouts, Layout) or layouts is None:
            reader.set_layout(out, layouts)
        return
    if isinstance(out, (list, tuple)) and isinstance(layouts, (list, tuple)):
        for o, lay in zip(out, layouts):
            _assign(reader, o, lay)


@contextlib.contextmanager
def _module_hooks(model: Any, reader: Reader, calls: dict[str, list[Any]]):
    import torch

    names = {id(m): n for n, m in model.named_modules()}

    def pre(module, args):
        reader.module_stack.append(names.get(id(module), reader.where))

    def post(module, args, output):
        name = names.get(id(module))
        if name is not None:
            calls.setdefault(name, []).append(_map_layouts(reader, output))
        if reader.module_stack:
            reader.module_stack.pop()

    h1 = torch.nn.modules.module.register_module_forward_pre_hook(pre)
    h2 = torch.nn.modules.module.register_module_forward_hook(post, always_call=True)
    try:
        yield
    finally:
        h1.remove()
        h2.remove()


def _map_layouts(reader: Reader, obj: Any) -> Any:
    import torch

    if isinstance(obj, torch.Tensor):
        return reader.layout(obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_map_layouts(reader, o) for o in obj) if not hasattr(obj, "_fields") else \
            [_map_layouts(reader, o) for o in obj]
    if isinstance(obj, dict):
        return {k: _map_layouts(reader, v) for k, v in obj.items()}
    return None


@contextlib.contextmanager
def _eval_mode(model: Any):
    flags = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for m, flag in flags:
            m.training = flag


def read_model(model: Any, size: tuple[int, ...], channels: int) -> tuple[Graph, Any, dict[str, list[Any]], str]:
    """Run ``model`` once on an input of spatial ``size``; return the graph, the output's layouts, module calls
    and a note ("" when the meta run worked) saying why the real-input fallback was needed.

    The run is on ``meta`` tensors (parameters and buffers swapped for meta
    copies with ``torch.func.functional_call``; the model is not changed). If
    that fails (a model that builds tensors on the CPU inside ``forward``), it
    runs once more on a real input of that size under ``torch.no_grad``.
    The model is read in eval mode (batch norm with running statistics); the
    modules' training flags are restored afterwards.
    """
    import torch

    mode_class, function_mode = _mode_class(), _function_mode_class()
    errors = []
    for device in ("meta", "real"):
        graph = Graph(size)
        reader = Reader(graph)
        calls: dict[str, list[Any]] = {}
        if device == "meta":
            state = {k: torch.empty_like(v, device="meta") for k, v in
                     list(model.named_parameters()) + list(model.named_buffers())}
            x = torch.empty(1, channels, *size, device="meta")
        else:
            state = None
            x = torch.zeros(1, channels, *size)
        reader.set_layout(x, Layout(0, ((), ((None, channels),) if channels > 1 else ()) +
                                    tuple(((k, n),) for k, n in enumerate(size))))
        try:
            with _eval_mode(model), torch.no_grad(), _module_hooks(model, reader, calls), mode_class(reader), \
                    function_mode(reader):
                if state is not None:
                    out = torch.func.functional_call(model, state, (x,), strict=False, tie_weights=True)
                else:
                    out = model(x)
        except Exception as exc:  # noqa: BLE001 - reported below with the model's own message
            errors.append(exc)
            continue
        fallback = ""
        if device == "real":
            first = str(errors[0]).strip().splitlines()[0] if str(errors[0]).strip() else type(errors[0]).__name__
            fallback = (f"the model does not run on meta tensors ({type(errors[0]).__name__}: {first[:160]}); it was "
                        f"read by running it once on a real zero input of size {'×'.join(map(str, size))} "
                        "(CPU, no gradients), so the reading took as long as a forward pass")
        return graph, _map_layouts(reader, out), calls, fallback
    exc = errors[-1]
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    raise ValueError(f"the model does not run on a {channels}-channel input of size {size}: {text}") from exc
