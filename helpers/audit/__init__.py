"""Audit a real PyTorch network: sizes, output stride, receptive field, centre, holes and global paths.

:func:`audit` runs the model once on ``meta`` tensors of the given size and
reads it at the ATen level (:mod:`.reading`), one small rule per operator
(:mod:`.rules`, on the per-axis position rules of :mod:`.positions`); the
numbers are computed over the recorded graph (:mod:`.geometry`) and returned
as an :class:`AuditReport` (:mod:`.report`), which :meth:`AuditReport.verify`
measures again with autograd (:mod:`.measure`).

PyTorch is imported only when :func:`audit` runs: ``import helpers`` stays free of it.
Taught in notebook ``08_audit_a_real_network``.
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np

from .report import AuditRefusal, AuditReport, AuditRow

__all__ = ["audit", "AuditReport", "AuditRow", "AuditRefusal", "VerifyResult", "register_rule", "require_torch",
           "INSTALL_HINT", "module_names"]

INSTALL_HINT = (
    "helpers.audit needs PyTorch and torchvision, the course's optional 'audit' extra: "
    'pip install "strides-and-holes[audit]" (in a clone: pip install -e ".[audit]")'
)


def require_torch() -> bool:
    """True when PyTorch and torchvision import; otherwise say how to install them.

    In a notebook without them, every later cell is skipped (made a no-op)
    instead of failing; restart the kernel after installing.

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
    except ImportError:
        raise ModuleNotFoundError(INSTALL_HINT) from None
    return torch


def register_rule(op: Any, rule: Any = None) -> Any:
    """Tell :func:`audit` how an operator moves positions (see :func:`helpers.audit.rules.register_rule`).

    Examples
    --------
    >>> import torch
    >>> _ = register_rule(torch.ops.aten.erfinv, "pointwise")
    """
    _import_torch()
    from .rules import register_rule as _register

    return _register(op, rule)


def __getattr__(name: str) -> Any:
    if name == "VerifyResult":
        from .measure import VerifyResult

        return VerifyResult
    raise AttributeError(f"module 'helpers.audit' has no attribute {name!r}")


def _size(input_size: Any) -> tuple[int, ...]:
    if isinstance(input_size, (int, np.integer)) and not isinstance(input_size, bool):
        input_size = (int(input_size),) * 2
    if (not isinstance(input_size, (tuple, list)) or not 1 <= len(input_size) <= 3
            or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 for n in input_size)):
        raise ValueError(f"input_size must be an integer >= 1 or a tuple of 1 to 3 of them, got {input_size!r}")
    return tuple(int(n) for n in input_size)


def _channels(model: Any) -> int:
    for m in model.modules():
        c = getattr(m, "in_channels", None)
        if isinstance(c, int):
            return c
    return 3


def module_names(model: Any, input_size: Any, *, in_channels: int | None = None) -> dict[str, int]:
    """The module names :func:`audit` accepts as ``at=``, with how many times each ran.

    Examples
    --------
    >>> import torch.nn as nn
    >>> module_names(nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU()), 8)
    {'0': 1, '1': 1}
    """
    _import_torch()
    from .reading import read_model

    size = _size(input_size)
    _, _, calls, _ = read_model(model, size, in_channels or _channels(model))
    return {k: len(v) for k, v in calls.items() if k}


def _pick(value: Any, key: Any, what: str) -> Any:
    if isinstance(value, dict):
        if key is None:
            key = "out" if "out" in value else next(iter(value))
        if key not in value:
            raise ValueError(f"{what} is a dict with keys {list(value)}; key={key!r} is not one of them")
        return value[key], key
    if isinstance(value, (list, tuple)):
        key = 0 if key is None else key
        if not isinstance(key, int) or not -len(value) <= key < len(value):
            raise ValueError(f"{what} is a sequence of {len(value)}; pass key= an index")
        return value[key], key
    return value, None


def audit(model: Any, input_size: Any, *, at: str | None = None, key: Any = None, call: int | None = None,
          in_channels: int | None = None) -> AuditReport:
    """Read a PyTorch model's geometry: sizes, output stride, receptive field, centre, holes, global paths.

    The model runs once on ``meta`` tensors of the given size (no arithmetic,
    the model is not changed) and each ATen operator it executes is read by
    its rule, if it has one (else the audit is refused, naming the operator
    and a way round): convolutions (1-D, 2-D, 3-D, transposed, grouped, dilated),
    pooling (``ceil_mode``, adaptive), interpolation (nearest, linear, cubic,
    area, antialias), padding (constant, reflect, replicate, circular),
    slicing, ``cat``/``split``/``chunk``, ``roll``, views and permutes
    (also those that cut the map into windows or patches and put them back,
    and class tokens before flattened positions), pixel (un)shuffle,
    reductions, matrix products and attention; every pointwise operator by
    its tag. Attention inside windows is local (Swin); operators that mix a
    whole axis or cells spread over the map (global pools, SE gates,
    group/instance/layer norm over height and width, attention over every
    position or over a grid spread over the map)
    are listed as ``global_paths``; the field is that of the local paths.
    When the model cannot run on meta tensors it is run once on a real zero
    input, and the report's notes say so.

    Defined in notebook ``08_audit_a_real_network``.

    Parameters
    ----------
    model : torch.nn.Module
        The network (its weights do not matter).
    input_size : int or tuple of int
        Input side (a square image), or one size per spatial axis (1 to 3 of them).
    at : str, optional
        The module whose output to analyse (``"layer4"``, ``"backbone.body"``);
        :func:`module_names` lists them. Default: the model's output (for a dict
        its ``"out"`` entry, else the first); a classifier's vector output is
        read up to its last feature map, with a note.
    key : str or int, optional
        Entry of a dict or list output (``key="0"`` for an FPN level).
    call : int, optional
        Which call of a module that runs more than once.
    in_channels : int, optional
        Input channels; default the first layer's ``in_channels`` (else 3).

    Returns
    -------
    AuditReport

    Raises
    ------
    AuditRefusal
        (a ``ValueError``) when the map depends on an operator without a rule:
        the message names it, its module and source line, and a way round.
    ValueError
        If the model does not run at that size, or ``at``/``key``/``call`` name nothing.

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
    if at is not None and not isinstance(at, str):
        raise TypeError(f"at must be a module name (str) or None, got {at!r}")
    from .analysis import analyse
    from .reading import read_model

    size = _size(input_size)
    channels = in_channels or _channels(model)
    graph, output, calls, fallback = read_model(model, size, channels)
    if at is None:
        value, picked = _pick(output, key, "the model output")
        label = "output" if picked is None else f"output[{picked!r}]"
        given = {"_module": "", "_call": 0, "_key": () if picked is None else (picked,), "_dims": None}
    else:
        if at not in calls or at == "":
            close = difflib.get_close_matches(at, [k for k in calls if k], n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else \
                "; helpers.audit.module_names(model, size) lists the names"
            raise ValueError(f"at={at!r} names no module that ran in this model{hint}")
        runs = calls[at]
        if len(runs) > 1 and call is None:
            raise ValueError(f"module {at!r} ran {len(runs)} times; pass call=0 ... call={len(runs) - 1}")
        if call is not None and not 0 <= call < len(runs):
            raise ValueError(f"module {at!r} ran {len(runs)} time(s); call={call} is out of range")
        value, picked = _pick(runs[call or 0], key, f"the output of {at!r}")
        label = at + (f"[{picked!r}]" if picked is not None else "") + (f" (call {call})" if call else "")
        given = {"_module": at, "_call": call or 0, "_key": () if picked is None else (picked,), "_dims": None}
    if value is None:
        raise ValueError(f"{label} is not a tensor computed from the input")
    if value is not None:
        given["_dims"] = value.dims
    return analyse(graph, value.node, label, size, channels, calls, given, notes=[fallback] if fallback else [])
