"""The audit's operator rules (``helpers/audit/rules.py``) against PyTorch, one operator at a time.

Each case builds a small ``nn.Module`` of the operators one rule covers, at sizes that expose a
plausible bug in that rule (the survivors of ``benchmarks/mutation.py --only audit_rules``: odd and
non-square sizes, non-dividing adaptive pools, ``ceil_mode``, dilation, transposed convolutions with
``output_padding``, padding modes, one-cell axes, views and permutes), and compares the public report
of :func:`helpers.audit.audit` with PyTorch itself: output sizes from a forward pass, the input cells
an output reaches (and how many paths reach them) from ``torch.autograd.grad`` on a float64 copy with
all-ones weights, output strides from the layer definitions. No expected value here comes from
``helpers.audit``. Fast: every model is a few cells wide (seconds in total).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from helpers import audit  # noqa: E402
from helpers.audit import AuditRefusal, register_rule  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---------------------------------------------------------------------------------------------------
# the oracle: PyTorch only
# ---------------------------------------------------------------------------------------------------


def forward_size(model: nn.Module, shape: tuple[int, ...], channels: int = 1) -> tuple[int, ...]:
    """The spatial size of the model's output, by a forward pass."""
    with torch.no_grad():
        y = copy.deepcopy(model).eval()(torch.ones(1, channels, *shape))
    return tuple(y.shape[2:])


class WindowSum(nn.Module):
    """A max pool's windows summed (its gradient reaches every cell of each window, not only the argmax).

    From PyTorch's definition of the pool: output ``u`` reads ``u*s - p + t*d`` for ``t < k``; the size
    is the max pool's own (``ceil_mode`` included), the cells past the input are zeros.
    """

    def __init__(self, pool: nn.Module, nd: int):
        super().__init__()
        self.pool, self.nd = pool, nd

    def forward(self, x):
        nd, pool = self.nd, self.pool
        as_tuple = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd  # noqa: E731
        k, s, p, d = (as_tuple(v) for v in (pool.kernel_size, pool.stride or pool.kernel_size, pool.padding,
                                              pool.dilation))
        y = pool(x)
        y = y[0] if isinstance(y, tuple) else y
        out = y.shape[2:]
        pads = []
        for i in reversed(range(nd)):  # F.pad lists the last axis first
            n = x.shape[2 + i]
            pads += [p[i], max(0, (out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 - n - p[i])]
        c = x.shape[1]
        conv = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
        z = conv(F.pad(x, pads), torch.ones(c, 1, *k, dtype=x.dtype), stride=s, dilation=d, groups=c)
        assert z.shape == y.shape
        return (z, None) if isinstance(self.pool(x), tuple) else z


_MAX = {nn.MaxPool1d: 1, nn.MaxPool2d: 2, nn.MaxPool3d: 3}
_ADAPTIVE_MAX = {nn.AdaptiveMaxPool1d: nn.AdaptiveAvgPool1d, nn.AdaptiveMaxPool2d: nn.AdaptiveAvgPool2d,
                 nn.AdaptiveMaxPool3d: nn.AdaptiveAvgPool3d}


def _summing(model: nn.Module) -> nn.Module:
    """A float64 copy whose max pools sum their windows (adaptive ones average them: the same windows)."""
    m = nn.Sequential(copy.deepcopy(model)).double().eval()
    for mod in list(m.modules()):
        for name, child in list(mod.named_children()):
            if type(child) in _MAX:
                setattr(mod, name, WindowSum(child, _MAX[type(child)]))
            elif type(child) in _ADAPTIVE_MAX:
                setattr(mod, name, _ADAPTIVE_MAX[type(child)](child.output_size))
    return m


def gradient(model: nn.Module, shape: tuple[int, ...], point: tuple[int, ...], channels: int = 1, *,
             generic: bool = False) -> np.ndarray:
    """d output[point] (summed over channels) / d input (summed over channels), float64, all weights 1, biases 0.

    With all-ones weights and sums (convolutions, transposed convolutions, sum pools) the gradient at a
    cell is the number of paths from it to the output (times the channel counts: a constant factor).
    Max pools are read as the sum of their windows (:class:`WindowSum`). ``generic``: seeded random
    positive weights and input instead (a norm or a softmax over channels has a zero gradient at a
    constant input or under a channel sum).
    """
    m = _summing(model)
    torch.manual_seed(0)
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(0.5 + torch.rand(p.shape, dtype=p.dtype) if generic else torch.full_like(p, float(not name.endswith("bias"))))
    x = (0.5 + torch.rand(1, channels, *shape, dtype=torch.float64) if generic else
         torch.ones(1, channels, *shape, dtype=torch.float64)).requires_grad_()
    y = m(x)
    (g,) = torch.autograd.grad(y[(0, slice(None)) + tuple(point)].sum(), x)
    return g[0].abs().sum(0).numpy()


def spans(reached: np.ndarray) -> tuple:
    out = []
    for axis in range(reached.ndim):
        other = tuple(a for a in range(reached.ndim) if a != axis)
        hits = np.flatnonzero(reached.any(axis=other) if other else reached)
        out.append((int(hits[0]), int(hits[-1])) if len(hits) else None)
    return tuple(out)


def clip(field, shape):
    return tuple((max(lo, 0), min(hi, n - 1)) for (lo, hi), n in zip(field, shape))


def check(model: nn.Module, shape: tuple[int, ...], *, channels: int = 1, counts: bool = False, exact: bool = False,
          fields: bool = True, generic: bool = False):
    """The audit of ``model`` agrees with PyTorch: size, and the cells outputs reach (corners and the interior).

    ``counts``: the coverage's path counts are proportional to the gradient (all-ones weights, sums only).
    ``exact``: the field of each output, clipped to the image, is exactly the span of the cells it reaches.
    ``fields=False`` (reflect, replicate, circular padding: a padding cell reads a real cell far from it):
    the fields are not compared, only the cells the interior output reaches (and ``verify``).
    ``generic``: the gradient at random positive weights and input (see :func:`gradient`).
    """
    report = audit(model, shape, in_channels=channels)
    out = forward_size(model, shape, channels)
    assert report.output_size == out
    points = {(0,) * len(out), tuple(n - 1 for n in out), report.interior}
    for point in sorted(points):
        g = gradient(model, shape, point, channels, generic=generic)
        reached = g != 0
        field = clip(report.field_of(point), shape)
        got = spans(reached)
        if not reached.any():  # an output that reads only padding
            assert point != report.interior
            continue
        if exact:
            assert got == field, (point, got, field)
        for (lo, hi), (flo, fhi) in zip(got, field):
            assert not fields or flo <= lo <= hi <= fhi, (point, got, field)
        if point == report.interior:
            box = tuple(slice(lo, hi + 1) for lo, hi in field)
            np.testing.assert_array_equal(reached[box], report.coverage > 0)
            assert reached.sum() == reached[box].sum()
            if counts:
                cov = report.coverage.astype(float)
                np.testing.assert_allclose(g[box] / g.max(), cov / cov.max())
    if not fields:
        result = report.verify(model)
        assert result.ok, str(result)
    return report


def test_transposed_conv_with_output_padding_size():
    model = nn.ConvTranspose2d(3, 2, kernel_size=3, stride=2, padding=2, output_padding=1, dilation=2)
    assert audit(model, (5, 7)).output_size == forward_size(model, (5, 7), 3)


class Fn(nn.Module):
    """``fn(x, *layers)`` as a module (the layers' weights are set by the oracle)."""

    def __init__(self, fn, *layers):
        super().__init__()
        self.fn, self.layers = fn, nn.ModuleList(layers)

    def forward(self, x):
        return self.fn(x, *self.layers)


def conv(cin=1, cout=1, k=3, **kw):
    return nn.Conv2d(cin, cout, k, **kw)


# name -> (model, input size, in_channels, path counts compared, field spans exact); padding modes apart
CASES = {
    # convolutions: stride, dilation, asymmetric padding per axis, groups, 1-D and 3-D, transposed
    "conv-stride-dilation": (nn.Sequential(conv(k=(3, 2), stride=(2, 3), dilation=(2, 1), padding=(2, 1)),
                                           conv(k=2, dilation=(1, 2))), (13, 17), 1, True, False),
    "conv-groups": (nn.Sequential(nn.Conv2d(4, 4, 3, groups=2, padding=1), nn.Conv2d(4, 2, 2, stride=2)), (9, 10), 4, True,
                    False),
    "conv1d": (nn.Sequential(nn.Conv1d(1, 1, 3, stride=2, padding=1), nn.Conv1d(1, 1, 2, dilation=3)), (19,), 1, True,
               False),
    "conv3d": (nn.Sequential(nn.Conv3d(1, 1, (1, 3, 2), stride=(1, 2, 1), padding=(0, 1, 0))), (3, 7, 6), 1, True, False),
    "transposed": (nn.Sequential(nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1),
                                 nn.ConvTranspose2d(1, 1, 3, stride=(3, 2), dilation=(2, 1), padding=(0, 2))),
                   (5, 6), 1, True, False),
    "transposed1d": (nn.ConvTranspose1d(1, 1, 4, stride=3, padding=2, output_padding=2, dilation=2), (7,), 1, True, False),
    # pooling: ceil_mode, padding, dilation, 1-D and 3-D, average pools counted with their padding
    "maxpool-ceil-dilation": (nn.Sequential(nn.MaxPool2d(3, 2, 1, dilation=(1, 2), ceil_mode=True), conv(k=2)), (12, 15), 1,
                              False, False),
    "avgpool-ceil": (nn.Sequential(nn.AvgPool2d((3, 2), (2, 3), (1, 0), ceil_mode=True), conv(k=2)), (11, 16), 1, False,
                     False),
    "maxpool1d": (nn.MaxPool1d(3, 2, 1, dilation=2), (14,), 1, False, False),
    "maxpool3d": (nn.MaxPool3d((1, 2, 3), (1, 2, 2), (0, 1, 1)), (2, 7, 9), 1, False, False),
    "avgpool1d": (nn.AvgPool1d(4, 3, 2), (13,), 1, False, False),
    "avgpool3d-stride-default": (nn.AvgPool3d((1, 3, 2)), (2, 7, 9), 1, False, False),
    "maxpool-indices": (Fn(lambda x, pool: pool(x)[0], nn.MaxPool2d(3, 2, 1, return_indices=True)), (9, 8), 1, False,
                        False),
    # ATen's own pooling operators with one-value lists (PyTorch repeats them per axis) and default strides
    "aten-avg-pool-one-value-lists": (Fn(lambda x: torch.ops.aten.avg_pool2d.default(x, [3], [2], [1])), (7, 8), 1, False,
                                      False),
    "aten-avg-pool-default-stride": (Fn(lambda x: torch.ops.aten.avg_pool2d.default(x, [2, 3])), (7, 8), 1, False, False),
    "aten-avg-pool-empty-stride": (Fn(lambda x: torch.ops.aten.avg_pool2d.default(x, [3, 2], [], [1, 0])), (7, 8), 1, False,
                                   False),
    "aten-conv-one-value-lists": (Fn(lambda x, c: torch.ops.aten.convolution.default(x, c.weight, None, [2], [1], [2], False,
                                                                                     [0], 1), conv(k=3)), (9, 8), 1, True,
                                  False),
    # adaptive pools that do not divide, 1-D, 2-D, 3-D, to one cell along one axis
    "adaptive-avg-7-5-to-3-2": (nn.Sequential(conv(k=1), nn.AdaptiveAvgPool2d((3, 2))), (7, 5), 1, False, True),
    "adaptive-max-10-to-4": (nn.AdaptiveMaxPool2d((4, 3)), (10, 11), 1, False, True),
    "adaptive-avg1d": (nn.AdaptiveAvgPool1d(4), (11,), 1, False, True),
    "adaptive-max1d": (nn.AdaptiveMaxPool1d(3), (8,), 1, False, True),
    "adaptive-avg3d": (nn.AdaptiveAvgPool3d((2, 3, 4)), (3, 7, 5), 1, False, True),
    "adaptive-max3d": (nn.AdaptiveMaxPool3d((1, 2, 3)), (1, 5, 7), 1, False, True),
    "adaptive-up": (nn.AdaptiveAvgPool2d((5, 9)), (3, 4), 1, False, True),
    # interpolation: sizes and scale factors, align_corners, every mode
    "nearest-scale": (nn.Upsample(scale_factor=(1.5, 2.5), mode="nearest"), (5, 4), 1, False, True),
    "nearest-exact-scale": (nn.Upsample(scale_factor=(2.5, 0.6), mode="nearest-exact"), (5, 9), 1, False, True),
    "bilinear-scale": (nn.Upsample(scale_factor=(1.7, 0.5), mode="bilinear"), (5, 8), 1, False, True),
    "bilinear-align": (nn.Upsample(size=(9, 4), mode="bilinear", align_corners=True), (4, 7), 1, False, True),
    "bicubic-align": (nn.Upsample(size=(11, 3), mode="bicubic", align_corners=True), (5, 6), 1, False, True),
    "bicubic-scale": (nn.Upsample(scale_factor=1.5, mode="bicubic"), (4, 7), 1, False, True),
    "linear1d": (nn.Upsample(scale_factor=2.5, mode="linear"), (6,), 1, False, True),
    "linear1d-align": (nn.Upsample(size=10, mode="linear", align_corners=True), (4,), 1, False, True),
    "nearest1d": (nn.Upsample(size=7, mode="nearest"), (3,), 1, False, True),
    "trilinear": (nn.Upsample(scale_factor=(1, 1.5, 2), mode="trilinear"), (2, 4, 3), 1, False, True),
    "nearest3d": (nn.Upsample(scale_factor=(2, 1, 3), mode="nearest"), (2, 3, 2), 1, False, True),
    "area": (nn.Upsample(size=(3, 5), mode="area"), (7, 8), 1, False, True),
    "bilinear-antialias": (Fn(lambda x: F.interpolate(x, scale_factor=0.4, mode="bilinear", antialias=True)), (12, 9), 1,
                           False, True),
    "bicubic-antialias": (Fn(lambda x: F.interpolate(x, size=(3, 4), mode="bicubic", antialias=True)), (10, 13), 1, False,
                          True),
    # padding: per-side, per-axis, every mode, 1-D and 3-D
    "pad-constant": (Fn(lambda x, c: c(F.pad(x, (2, 0, 1, 3))), conv(k=2, stride=2)), (6, 7), 1, True, False),
    "pad-reflect": (Fn(lambda x, c: c(F.pad(x, (2, 1, 0, 3), mode="reflect")), conv(k=3)), (5, 6), 1, True, False),
    "pad-replicate": (Fn(lambda x, c: c(F.pad(x, (3, 0, 1, 2), mode="replicate")), conv(k=2)), (5, 4), 1, True, False),
    "pad-circular": (Fn(lambda x, c: c(F.pad(x, (1, 2, 2, 0), mode="circular")), conv(k=3)), (5, 6), 1, True, False),
    "pad-reflect1d": (Fn(lambda x: F.pad(x, (3, 1), mode="reflect")), (6,), 1, True, False),
    "pad-replicate3d": (Fn(lambda x: F.pad(x, (0, 1, 2, 0, 1, 1), mode="replicate")), (2, 3, 4), 1, True, False),
    "pad-negative": (Fn(lambda x, c: c(F.pad(x, (-1, 2, 1, -2))), conv(k=2)), (6, 7), 1, True, False),
    "conv-padding-modes": (nn.Sequential(nn.Conv2d(1, 1, 3, padding=(2, 1), padding_mode="reflect"),
                                         nn.Conv2d(1, 1, 3, padding=1, padding_mode="replicate")), (6, 5), 1, True, False),
    # slicing, selecting, splitting, joining
    "slice-step": (Fn(lambda x, c: c(x[:, :, 1::2, -5:]), conv(k=2)), (9, 8), 1, True, False),
    "slice-negative-stop": (Fn(lambda x, c: c(x[:, :, 2:-1, ::3]), conv(k=2)), (9, 10), 1, True, False),
    "select-unsqueeze": (Fn(lambda x, c: c(x[:, :, 3].unsqueeze(2)), conv(k=(1, 3))), (6, 7), 1, True, False),
    "split-cat": (Fn(lambda x, c: c(torch.cat(x.split([2, 3, 1], dim=3)[::-1], dim=3)), conv(k=2)), (5, 6), 1, True,
                  False),
    "chunk-cat-height": (Fn(lambda x, c: c(torch.cat([x.chunk(3, dim=2)[2], x], dim=2)), conv(k=2)), (7, 4), 1, True,
                         False),
    "stack-sum": (Fn(lambda x, c: c(torch.stack([x, 2 * x], dim=1).sum(1)), conv(k=2)), (5, 4), 1, True, False),
    "cat-channels": (Fn(lambda x, a, b: torch.cat([a(x), b(x)], dim=1), conv(k=3, padding=1), conv(k=3, dilation=2,
                                                                                                 padding=2)),
                     (7, 8), 1, True, False),
    "flip": (Fn(lambda x, c: c(torch.flip(x, dims=(3, -2))), conv(k=(2, 3), stride=(1, 2))), (6, 7), 1, True, False),
    "roll": (Fn(lambda x, c: c(torch.roll(x, shifts=(1, -2), dims=(-1, 2))), conv(k=2)), (5, 6), 1, True, False),
    "pixel-shuffle": (nn.Sequential(nn.Conv2d(1, 4, 2), nn.PixelShuffle(2), conv(k=3, stride=2)), (6, 7), 1, True, False),
    "pixel-unshuffle": (nn.Sequential(nn.PixelUnshuffle(3), nn.Conv2d(9, 1, 2)), (9, 12), 1, True, False),
    # views and permutes the audit follows
    "permute-linear": (Fn(lambda x, c, lin: c(lin(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)), conv(2, k=2), nn.Linear(1, 2)),
                       (5, 6), 1, True, False),
    "transpose-back": (Fn(lambda x, c: c(x.transpose(2, 3)).transpose(-1, -2), conv(k=(2, 3))), (5, 7), 1, True, False),
    "flatten-unflatten": (Fn(lambda x, c: c(x.flatten(2).view(1, 1, x.shape[2], x.shape[3])), conv(k=2)), (4, 6), 1,
                          True, False),
    "squeeze-unsqueeze": (Fn(lambda x, c: c(x.squeeze(1).unsqueeze(1)), conv(k=2)), (5, 4), 1, True, False),
    "expand-channels": (Fn(lambda x, c: c(x.expand(1, 3, *x.shape[2:])), nn.Conv2d(3, 1, 2)), (5, 4), 1, True, False),
    "window-partition": (Fn(lambda x, c: c((2 * x.view(1, 1, 2, 3, 2, 3).permute(0, 2, 4, 1, 3, 5).reshape(4, 1, 3, 3))
                                           .view(1, 2, 2, 1, 3, 3).permute(0, 3, 1, 4, 2, 5).reshape(1, 1, 6, 6)),
                            conv(k=2)), (6, 6), 1, True, False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_agrees_with_pytorch(name):
    model, shape, channels, counts, exact = CASES[name]
    fields = not any(w in name for w in ("reflect", "replicate", "circular", "modes"))
    report = check(model, shape, channels=channels, counts=counts, exact=exact, fields=fields)
    assert not report.global_paths


def test_a_prelu_slope_computed_from_the_input_is_refused():
    # PyTorch: the slope is a mean over the map, so output (0, 0) depends on every input cell
    model = Fn(lambda x: F.prelu(x, x.mean().reshape(1)))
    x = (torch.arange(20.0).reshape(1, 1, 4, 5) - 9.5).requires_grad_()
    (g,) = torch.autograd.grad(model(x)[0, 0, 0, 0], x)
    assert (g[0, 0] != 0).sum() == 20
    with pytest.raises(AuditRefusal, match="weight computed from the input"):
        audit(model, (4, 5), in_channels=1)
    # a learned slope is a weight like any other: the map keeps its positions
    check(nn.Sequential(conv(k=2), nn.PReLU(), conv(k=(1, 2))), (4, 5), counts=True)


# ---------------------------------------------------------------------------------------------------
# global paths: PyTorch says which outputs depend on cells far from them
# ---------------------------------------------------------------------------------------------------


def _flash(t):
    """ATen's CPU attention kernel itself (F.scaled_dot_product_attention runs its math decomposition on meta tensors)."""
    return torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(t, t, t)[0][:, 0]


def reaches_outside(model: nn.Module, shape: tuple[int, ...], field: tuple, channels: int = 1) -> bool:
    """Whether output 0 depends on an input cell outside ``field`` (autograd at an increasing input, float64).

    The input increases cell by cell, so a maximum over cells is taken at the last one.
    """
    m = copy.deepcopy(model).double().eval()
    n = channels * int(np.prod(shape))
    x = (1 + torch.arange(n, dtype=torch.float64) / n).reshape(1, channels, *shape).requires_grad_()
    y = m(x)
    (g,) = torch.autograd.grad(y[(0, slice(None)) + (0,) * len(shape)].sum(), x)
    reached = (g[0].abs().sum(0) > 0).numpy()
    inside = np.zeros_like(reached)
    inside[tuple(slice(lo, hi + 1) for lo, hi in clip(field, shape))] = True
    return bool((reached & ~inside).any())


GLOBAL = {
    # name -> (model, input size, in_channels, words the global path names)
    "batch-norm-training": (Fn(lambda x, c: c(F.batch_norm(x, None, None, training=True)), conv(k=2)), (4, 5), 1,
                            "statistics"),
    "batch-norm-training-stats": (Fn(lambda x, c: c(F.batch_norm(x, x.new_zeros(1), x.new_ones(1), training=True)),
                                     conv(k=2)), (4, 5), 1, "statistics"),
    "batch-norm-no-stats": (Fn(lambda x: torch._native_batch_norm_legit(x, None, None, True, 0.0, 1e-5)[0]), (3, 4), 1,
                            "statistics"),
    "instance-norm": (Fn(lambda x, c: c(F.instance_norm(x)), conv(k=2)), (4, 3), 1, "statistics"),
    "group-norm": (nn.Sequential(nn.Conv2d(1, 2, 1), nn.GroupNorm(1, 2)), (3, 4), 1, "group"),
    "group-norm-two-cells": (nn.Sequential(nn.Conv2d(1, 2, 1), nn.GroupNorm(1, 2)), (2, 1), 1, "group"),
    # an unbatched Conv1d over x[0, 0] (H, W): its 3 input channels are the 3 rows, every output reads them all
    "unbatched-conv1d-over-rows": (Fn(lambda x, c: x + c(x[0, 0]).sum(0, keepdim=True)[None, None],
                                      nn.Conv1d(3, 3, 3, padding=1)), (3, 4), 1,
                                   "conv over channels that hold flattened positions"),
    "layer-norm-hw": (Fn(lambda x: F.layer_norm(x, x.shape[-2:])), (3, 2), 1, "layer norm"),
    "layer-norm-width-of-2": (Fn(lambda x: F.layer_norm(x, x.shape[-1:])), (1, 2), 1, "layer norm"),
    "layer-norm-width-and-channels": (Fn(lambda x: F.layer_norm(x.permute(0, 2, 3, 1), (x.shape[3], 2)).permute(0, 3, 1, 2)),
                                      (1, 4), 2, "layer norm"),
    "softmax-height": (Fn(lambda x: torch.softmax(x, dim=2)), (4, 1), 1, "softmax"),
    "log-softmax-width": (Fn(lambda x: torch.log_softmax(x, dim=-1)), (1, 3), 1, "softmax"),
    "mean-keepdim-broadcast": (Fn(lambda x, c: c((x.mean(3, keepdim=True) + x.new_ones(1, 1, 1, 2)) * x), conv(k=(2, 1))), (5, 2), 1,
                               "mean over width"),
    "sum-dims": (Fn(lambda x: x.sum((-1, 2)).reshape(1, 1, 1, 1) * x), (3, 2), 1, "sum over height/width"),
    "amax": (Fn(lambda x: x + x.amax(dim=(2, 3), keepdim=True)), (3, 4), 1, "amax over height/width"),
    "var-mean": (Fn(lambda x: x * torch.var_mean(x, dim=3, keepdim=True)[0]), (1, 4), 1, "var_mean over width"),
    "std": (Fn(lambda x: x * x.std(dim=2, keepdim=True)), (3, 1), 1, "std over height"),
    "max-dim": (Fn(lambda x: x * x.max(dim=3, keepdim=True)[0]), (2, 3), 1, "max over width"),
    "vector-norm": (Fn(lambda x: x / torch.linalg.vector_norm(x, dim=(2, 3), keepdim=True)), (2, 3), 1,
                    "vector norm over height/width"),
    "logsumexp": (Fn(lambda x: x - torch.logsumexp(x, dim=2, keepdim=True)), (3, 2), 1, "logsumexp over height"),
    "adaptive-to-one-row": (Fn(lambda x, c: c(x) * F.adaptive_avg_pool2d(c(x), (1, 3)), conv(k=1)), (4, 3), 1,
                            "adaptive avg pool to one cell"),
    "self-attention-by-matmul": (Fn(lambda x: (torch.softmax((t := x.flatten(2).transpose(1, 2)) @ t.transpose(1, 2), -1) @ t)
                                     .transpose(1, 2).reshape(x.shape)), (3, 4), 1, "matrix product"),
    "attention-kernel": (Fn(lambda x: _flash(x.flatten(2).transpose(1, 2)[:, None]).transpose(1, 2).reshape(x.shape)), (3, 4), 2,
                         "attention over positions"),
    "vector-norm-of-everything": (Fn(lambda x: x * torch.linalg.vector_norm(x)), (2, 3), 1, "vector norm over height/width"),
    "vector-norm-keyword-dim": (Fn(lambda x: x * torch.linalg.vector_norm(x, ord=3, dim=3, keepdim=True)), (2, 3), 1,
                                "vector norm over width"),
    "attention": (Fn(lambda x: F.scaled_dot_product_attention(*(x.flatten(2).transpose(1, 2)[:, None],) * 3)
                     .transpose(1, 2).reshape(x.shape)), (2, 3), 1, "matrix product"),
}


@pytest.mark.parametrize("name", sorted(GLOBAL))
def test_global_paths_where_pytorch_reads_every_cell(name):
    model, shape, channels, words = GLOBAL[name]
    report = audit(model, shape, in_channels=channels)
    assert report.output_size == forward_size(model, shape, channels)
    assert reaches_outside(model, shape, report.field_of((0,) * len(shape)), channels)
    assert any(words in g for g in report.global_paths), report.global_paths


LOCAL = {
    # operators that look global but read one cell along every axis here: no global path
    "batch-norm-eval": (Fn(lambda x, c: c(F.batch_norm(x, x.new_zeros(1), x.new_ones(1), training=False)), conv(k=2)),
                        (4, 5), 1),
    "group-norm-one-cell": (nn.Sequential(nn.Conv2d(1, 3, 2), nn.GroupNorm(1, 3)), (2, 2), 1),
    "layer-norm-channels-last": (Fn(lambda x, c, norm: c(norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)), conv(3, 1, k=2),
                                    nn.LayerNorm(3)), (3, 4), 3),
    "layer-norm-one-cell-width": (Fn(lambda x, c: c(F.layer_norm(x.permute(0, 2, 3, 1), (1, 3)).permute(0, 3, 1, 2)),
                                     conv(3, 1, k=(2, 1))), (3, 1), 3),
    "softmax-channels": (Fn(lambda x, c: c(torch.softmax(x, dim=1)), nn.Conv2d(2, 1, 2)), (3, 4), 2),
    "mean-channels": (Fn(lambda x, c: c(x.mean(1, keepdim=True)), conv(k=2)), (4, 3), 2),
    "mean-one-cell-height": (Fn(lambda x, c: c(x.mean(2, keepdim=True)), conv(k=(1, 2))), (1, 4), 1),
}


@pytest.mark.parametrize("name", sorted(LOCAL))
def test_no_global_path_where_pytorch_reads_locally(name):
    model, shape, channels = LOCAL[name]
    report = check(model, shape, channels=channels, generic=True)
    assert not report.global_paths, report.global_paths


# ---------------------------------------------------------------------------------------------------
# pointwise operators, in-place twins, refusals, registered rules
# ---------------------------------------------------------------------------------------------------


POINTWISE = {
    "lower-rank-operand": (Fn(lambda x, c: c(x + x[0, 0]), conv(k=2)), (4, 5), 1),
    "in-place-mish": (nn.Sequential(conv(k=2), nn.Mish(inplace=True), conv(k=(2, 1))), (4, 5), 1),
    "in-place-threshold": (nn.Sequential(conv(k=2), nn.Threshold(0.1, 0.0, inplace=True), conv(k=(1, 2))), (4, 5), 1),
    "frexp": (Fn(lambda x, c: c(torch.frexp(x)[0]), conv(k=2)), (3, 4), 1),
    "dropout": (Fn(lambda x, c: c(torch.native_dropout(x, 1e-12, True)[0]), conv(k=2)), (3, 4), 1),
    "channel-shuffle": (Fn(lambda x, c: c(x.view(1, 2, 3, *x.shape[2:]).transpose(1, 2).reshape(x.shape)),
                        nn.Conv2d(6, 1, 2)), (3, 2), 6),
    "mean-over-height-then-view": (Fn(lambda x, c: c(x * x.mean(2, keepdim=True).detach().view(1, 1, 1, x.shape[3])),
                                      conv(k=(1, 2))), (3, 4), 1),
    "window-major-flatten-and-back": (Fn(lambda x, c: c((x.view(1, 1, 2, 3, 2, 3).permute(0, 1, 2, 4, 3, 5).reshape(1, 1, -1) * 2)
                                                     .view(1, 1, 2, 2, 3, 3).permute(0, 1, 2, 4, 3, 5).reshape(1, 1, 6, 6)),
                                         conv(k=2)), (6, 6), 1),
    "swin-windows-then-token-mean": (Fn(lambda x, c: c(_token_mean(x.view(1, 2, 3, 2, 3, 1).permute(0, 1, 3, 2, 4, 5)
                                                                   .reshape(4, 9, 1).view(1, 2, 2, 3, 3, 1)
                                                                   .permute(0, 1, 3, 2, 4, 5).reshape(1, 36, 1))
                                                       .reshape(1, 6, 6, 1).permute(0, 3, 1, 2)), conv(k=2)), (6, 6), 1),
    "broadcast-operand-3d": (Fn(lambda x, c: c(x + x.mean(2, keepdim=True).mean(4, keepdim=True).transpose(2, 4).detach()),
                                nn.Conv3d(1, 1, 2)), (2, 3, 4), 1),
    "split-rows-folded-into-channels": (Fn(lambda x, c: c(x * x.view(1, 2, 2, 3, 4).reshape(1, 12, 4).mean(1, keepdim=True)
                                                          .detach().unsqueeze(1)), nn.Conv2d(2, 1, 2)), (6, 4), 2),
    "matrix-transpose": (Fn(lambda x, c: c(x[0, 0].t().t()[None, None] + x[0, 0].t().T.unsqueeze(0).unsqueeze(0)), conv(k=2)),
                         (3, 4), 1),
    "unsqueeze-after-select": (Fn(lambda x, c: c(x[:, :, 1].unsqueeze(2)), nn.Conv2d(2, 1, (1, 2))), (3, 4), 2),
    "unsqueeze-negative-dim": (Fn(lambda x, c: c(x[:, :, :, 2].unsqueeze(-1)), nn.Conv2d(2, 1, (2, 1))), (3, 4), 2),
    "squeeze-all": (Fn(lambda x, c: c(x[:, :, 1:2].squeeze()[None, None, None]), conv(k=(1, 2))), (3, 4), 1),
    "squeeze-a-sliced-row": (Fn(lambda x, c: c(x[:, :, 1:2].squeeze(2)).unsqueeze(2), nn.Conv1d(2, 1, 2)), (3, 4), 2),
    "expand-a-lower-rank-map": (Fn(lambda x, c: c(x[0].expand(1, 2, *x.shape[2:])), nn.Conv2d(2, 1, 2)), (3, 4), 1),
    "cat-along-width": (Fn(lambda x, c: c(torch.cat([x[:, :, :, 2:], x.new_zeros(1, 1, 3, 2), x], 3)), conv(k=2)), (3, 4), 1),
    "stack-default-dim": (Fn(lambda x, c: c(torch.stack([x[0], 2 * x[0]]).sum(0, keepdim=True)), conv(k=2)), (3, 4), 1),
    "cat-batch-default-dim": (Fn(lambda x, c: c(torch.cat([x, 2 * x]).sum(0, keepdim=True)), conv(k=2)), (3, 4), 1),
    "cat-with-legacy-empty": (Fn(lambda x, c: c(torch.cat([x.new_zeros(0), x], 3)), conv(k=2)), (3, 4), 1),
    "roll-one-axis": (Fn(lambda x, c: c(torch.roll(x, 2, 3)), conv(k=2)), (3, 5), 1),
    "copy-into-a-fresh-map": (Fn(lambda x, c: c(x.new_zeros(x.shape).copy_(x)), conv(k=2)), (3, 4), 1),
    "regroup-channels": (Fn(lambda x, c: c(x.view(1, 2, 3, *x.shape[2:]).reshape(x.shape).view(1, 3, 2, *x.shape[2:])
                                           .sum(2)), nn.Conv2d(3, 1, 2)), (3, 4), 6),
    "pool-over-channels": (Fn(lambda x, c: c(F.avg_pool2d(x.permute(0, 2, 1, 3), (2, 1)).permute(0, 2, 1, 3)
                                             .view(1, 1, 2, *x.shape[2:]).sum(2)), conv(k=2)), (3, 4), 4),
    "pool-channels-to-one-then-expand": (Fn(lambda x, c: c(F.avg_pool2d(x.permute(0, 2, 1, 3), (4, 1)).permute(0, 2, 1, 3)
                                                           .expand(1, 3, *x.shape[2:])), nn.Conv2d(3, 1, 2)), (3, 4), 4),
    "one-channel-then-expand": (Fn(lambda x, a, b: b(a(x).expand(1, 3, *x.shape[2:])), nn.Conv2d(2, 1, 1), nn.Conv2d(3, 1, 2)),
                                (3, 4), 2),
    "slice-one-channel-then-expand": (Fn(lambda x, c: c(x[:, :1].expand(1, 3, *x.shape[2:])), nn.Conv2d(3, 1, 2)), (3, 4), 2),
    "bilinear-align-to-one-row": (Fn(lambda x, c: c(F.interpolate(x, size=(1, 6), mode="bilinear", align_corners=True)),
                                     conv(k=(1, 2))), (3, 4), 1),
    "nearest-vec-overload": (Fn(lambda x, c: c(torch.ops.aten.upsample_nearest2d.vec(x, None, [2.0, 1.5])), conv(k=2)),
                             (3, 4), 1),
    "first-split-piece-padded": (Fn(lambda x, c: c(x.split([2, 3], dim=3)[0]), conv(k=(1, 5), padding=(0, 2))), (4, 5), 1),
    "view-two-cell-axes": (Fn(lambda x, c: c(x.reshape(1, 2, 2).view(1, 1, 2, 2)), conv(k=(1, 2))), (2, 2), 1),
}


def _token_mean(t):
    """Tokens times their mean (detached: the gradient then measures the local field; the audit lists the mean apart)."""
    return t * t.mean(1, keepdim=True).detach()


@pytest.mark.parametrize("name", sorted(POINTWISE))
def test_pointwise_and_layout_operators(name):
    # (a detached global path: the gradient measures the local field, which the audit reports apart)
    model, shape, channels = POINTWISE[name]
    check(model, shape, channels=channels, generic=True)


def test_node_kinds_name_the_operator():
    # a broadcast sum of the map and a mean over its width: rows named by the ATen operator (add, mean)
    model = Fn(lambda x, c: c(x.mean(3, keepdim=True) + x), conv(k=2))
    kinds = [row.kind for row in audit(model, (3, 4), in_channels=1).layers]
    assert kinds == ["add", "conv"] or kinds == ["mean", "add", "conv"], kinds
    assert "mean over width" in " ".join(audit(model, (3, 4), in_channels=1).global_paths)


def test_operands_that_line_up_different_axes_are_refused():
    # channels and height both hold 4 cells: x + x.transpose(1, 2) adds channel c, row i to row c, channel i
    with pytest.raises(AuditRefusal, match="lines up different axes"):
        audit(Fn(lambda x: x + x.transpose(1, 2)), (4, 5), in_channels=4)
    with pytest.raises(AuditRefusal, match="lines up different axes"):
        audit(Fn(lambda x: x + x.transpose(2, 3)), (4, 4), in_channels=1)


def test_a_view_that_regroups_rows_across_columns_is_refused():
    # PyTorch: cell (i, j) of the 3x2 view is cell divmod(2i + j, 3) of the 2x3 map: no axis of it is an axis of the input
    with pytest.raises(AuditRefusal, match="a view regroups 2 cells into 3 "):  # the first row's 2 cells into 3 rows
        audit(Fn(lambda x: x.view(1, 1, 3, 2) * 2), (2, 3), in_channels=1)


def test_an_in_place_operator_without_a_pointwise_twin_is_refused():
    # a cumulative sum reads every earlier cell: not the pointwise rule of an in-place operator
    with pytest.raises(AuditRefusal, match="cumsum_"):
        audit(Fn(lambda x, c: c(x).cumsum_(3), conv(k=2)), (3, 4), in_channels=1)


@pytest.mark.parametrize("form", ["name", "aten::name", "packet", "overload"])
def test_register_rule_by_every_form(form, monkeypatch):
    from helpers.audit import rules

    monkeypatch.setattr(rules, "_RULES", dict(rules._RULES))  # registrations last for the session: undo them
    model = Fn(lambda x, c: c(x * torch.cumsum(x, dim=3).sum((2, 3), keepdim=True)), conv(k=2))
    with pytest.raises(AuditRefusal, match="cumsum"):
        audit(model, (4, 5), in_channels=1)
    op = {"name": "cumsum", "aten::name": "aten::cumsum", "packet": torch.ops.aten.cumsum,
          "overload": torch.ops.aten.cumsum.default}[form]
    register_rule(op, "global")
    report = audit(model, (4, 5), in_channels=1)
    assert report.output_size == forward_size(model, (4, 5))
    assert any("aten.cumsum.default (registered as global)" in g for g in report.global_paths), report.global_paths
    assert reaches_outside(model, (4, 5), report.field_of((0, 0)))


def _library():
    lib = torch.library.Library("strides_test", "FRAGMENT")  # noqa: TOR901 - a test operator, kept for the session
    lib.define("relu_(Tensor x) -> Tensor")  # named like aten's in-place relu_, but neither in place nor aten's
    lib.impl("relu_", lambda x: x.clamp(min=0), "CompositeExplicitAutograd")
    lib.impl("relu_", lambda x: torch.empty_like(x), "Meta")
    return lib


_LIB = _library()


def test_an_operator_named_like_an_in_place_twin_is_not_read_as_one():
    # strides_test::relu_ is not tagged in place: its name says nothing about what it does, so it is refused
    model = Fn(lambda x, c: c(torch.ops.strides_test.relu_(x)), conv(k=2))
    assert forward_size(model, (3, 4)) == (2, 3)
    with pytest.raises(AuditRefusal, match="relu_"):
        audit(model, (3, 4), in_channels=1)


def test_a_convolution_along_flattened_axes_is_refused():
    # Conv1d over x.flatten(2): a window of the flattened map wraps from the end of a row to the next one
    with pytest.raises(AuditRefusal, match="holds flattened spatial axes"):
        audit(Fn(lambda x, c: c(x.flatten(2)), nn.Conv1d(1, 1, 2)), (3, 4), in_channels=1)
    # channels flattened with the width: the window mixes channels and columns
    with pytest.raises(AuditRefusal, match="holds flattened spatial axes"):
        audit(Fn(lambda x, c: c(x.permute(0, 2, 1, 3).flatten(2)), nn.Conv1d(3, 1, 2)), (3, 4), in_channels=2)


def _as_pairs(v, nd):
    v = v if isinstance(v, tuple) else (v,) * nd
    return tuple((p, p) for p in v)


@pytest.mark.parametrize("layer", [
    nn.Conv2d(1, 1, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
    nn.ConvTranspose2d(1, 1, (2, 3), stride=(2, 3), padding=(0, 1), dilation=(1, 2)),
    nn.MaxPool2d((3, 2), stride=(1, 2), padding=(1, 0), dilation=(2, 1)),
    nn.AvgPool2d((2, 3), padding=(1, 1)),
    nn.Conv1d(1, 1, 3, stride=2, padding=2, dilation=3),
    nn.AvgPool3d((1, 2, 3), stride=(1, 1, 2)),
])
def test_layer_rows_repeat_the_layer_definition(layer):
    nd = {1: 1, 2: 2, 3: 3}[len(layer.kernel_size) if isinstance(layer.kernel_size, tuple) else 2]
    shape = (9, 10, 11)[:nd]
    (row,) = audit(layer, shape, in_channels=1).layers
    k = layer.kernel_size if isinstance(layer.kernel_size, tuple) else (layer.kernel_size,) * nd
    stride = layer.stride if isinstance(layer.stride, tuple) else (layer.stride,) * nd
    dilation = getattr(layer, "dilation", 1)
    assert row.kernel == k and row.stride == stride
    assert row.padding == _as_pairs(layer.padding, nd)
    assert row.dilation == (dilation if isinstance(dilation, tuple) else (dilation,) * nd)
    assert row.size == forward_size(layer, shape)


def test_pad_rows_repeat_the_pads_per_side():
    # F.pad lists (left, right, top, bottom): the row gives (top, bottom) for the height, (left, right) for the width
    for mode in ("constant", "reflect", "replicate", "circular"):
        model = Fn(lambda x, mode=mode: F.pad(x, (2, 0, 1, 3), mode=mode))
        (row,) = audit(model, (5, 6), in_channels=1).layers
        assert row.padding == ((1, 3), (2, 0)) and row.kernel == (1, 1) and row.stride == (1, 1), mode
        assert row.dilation == (1, 1) and row.size == forward_size(model, (5, 6)), mode
    (row,) = audit(Fn(lambda x: F.pad(x, (1, 2, 0, 1, 3, 0))), (2, 3, 4), in_channels=1).layers
    assert row.padding == ((3, 0), (0, 1), (1, 2))


def test_an_in_place_write_into_part_of_a_fresh_tensor_is_refused():
    def write(x):
        y = x.new_zeros(x.shape)
        y[:, :, :2] = x[:, :, :2]  # rows 0-1 read the input, the others read nothing
        return y
    with pytest.raises(AuditRefusal, match="in-place write"):
        audit(Fn(write), (4, 3), in_channels=1)


class _ShuffleThenGroupChannels(nn.Module):
    """Pixel shuffle to 2 channels, then a view that splits the channels (PyTorch runs it)."""

    def __init__(self):
        super().__init__()
        self.a, self.shuffle, self.c = nn.Conv2d(1, 8, 1), nn.PixelShuffle(2), nn.Conv2d(2, 1, 2)

    def forward(self, x):
        y = self.shuffle(self.a(x))
        b, c, h, w = y.shape
        return self.c(y.view(b, c, 1, h, w).sum(2))


class _UnshuffleThenGroupChannels(nn.Module):
    """Pixel unshuffle to 4 channels, then a view that splits and merges them again."""

    def __init__(self):
        super().__init__()
        self.unshuffle, self.c = nn.PixelUnshuffle(2), nn.Conv2d(4, 1, 2)

    def forward(self, x):
        y = self.unshuffle(x)
        b, c, h, w = y.shape
        return self.c(y.view(b, 2, 2, h, w).flatten(1, 2))


@pytest.mark.parametrize("build,shape", [(_ShuffleThenGroupChannels, (3, 4)), (_UnshuffleThenGroupChannels, (6, 8))])
def test_channels_after_a_pixel_shuffle_have_their_new_size(build, shape):
    # the audit kept the input's channel count (8 after the shuffle, 1 after the unshuffle): the view was refused
    # ("a view regroups 4 cells into 6") where PyTorch runs
    check(build(), shape, counts=True)


@pytest.mark.parametrize("shape,row", [((5, 6), 2), ((1, 6), 0), ((4, 1), 3)])
def test_selecting_a_row_reads_like_slicing_it(shape, row):
    # PyTorch computes the same map from x[:, :, i].unsqueeze(2) and x[:, :, i:i + 1]: the reports agree
    layer = conv(k=(1, min(2, shape[1])))
    picked = Fn(lambda x, c: c(x[:, :, row].unsqueeze(2)), layer)
    sliced = Fn(lambda x, c: c(x[:, :, row:row + 1]), layer)
    with torch.no_grad():
        x = torch.rand(1, 1, *shape)
        assert torch.equal(picked(x), sliced(x))
    a, b = audit(picked, shape, in_channels=1), audit(sliced, shape, in_channels=1)
    assert (a.output_size, a.output_stride, a.receptive_field, a.field) == \
        (b.output_size, b.output_stride, b.receptive_field, b.field)
    assert [(r.size, r.r, r.jump, r.start) for r in a.layers] == [(r.size, r.r, r.jump, r.start) for r in b.layers]
    check(picked, shape)


ONE_D_OVER_ROWS = {
    # a 1-D operator applied to x[0] (1, H, W), which PyTorch reads as (batch 1, H "channels", length W): every row
    # is pooled, resized or padded on its own, so no output reads another row
    "avg-pool1d": lambda x: F.avg_pool1d(x[0], 2),
    "max-pool1d": lambda x: F.max_pool1d(x[0], 3, 1, 1) + F.avg_pool1d(x[0], 3, 1, 1),
    "adaptive-avg-pool1d": lambda x: F.adaptive_avg_pool1d(x[0], 3),
    "adaptive-max-pool1d": lambda x: F.adaptive_max_pool1d(x[0], 3) + F.adaptive_avg_pool1d(x[0], 3),
    "linear-resize": lambda x: F.interpolate(x[0], size=7, mode="linear"),
    "nearest-resize": lambda x: F.interpolate(x[0], size=7, mode="nearest"),
    "pad-1d": lambda x: F.pad(x[0], (1, 2)),
    "reflect-pad-1d": lambda x: F.pad(x[0], (2, 1), mode="reflect"),
}


@pytest.mark.parametrize("name", sorted(ONE_D_OVER_ROWS))
def test_a_one_d_operator_over_the_rows_of_a_map_keeps_them_apart(name):
    fn = ONE_D_OVER_ROWS[name]
    model = Fn(lambda x, c: c(fn(x)[None]), conv(k=(1, 2)))
    report = check(model, (3, 5), fields="reflect" not in name)
    assert not report.global_paths, report.global_paths


def test_refusals_name_what_the_audit_cannot_follow():
    # a filter computed from the input: every output reads every cell through it
    with pytest.raises(AuditRefusal, match="dynamic filters"):
        audit(Fn(lambda x: F.conv2d(x, x[:, :, :2, :2].mean(0, keepdim=True))), (4, 5), in_channels=1)
    # a flip along the flattened map reverses the rows' order and each row: no per-axis rule
    with pytest.raises(AuditRefusal, match="flattened"):
        audit(Fn(lambda x: x.flatten(2).flip(-1).view(x.shape) * 2), (3, 4), in_channels=1)


def test_a_nearest_resize_has_no_align_corners():
    # F.interpolate takes align_corners only for linear and cubic modes: a nearest row does not claim it
    kinds = [r.kind for r in audit(nn.Upsample(scale_factor=2, mode="nearest"), (3, 4), in_channels=1).layers]
    assert kinds == ["upsample (nearest)"]


class Rows(nn.Module):
    """A map's rows taken apart and put back, with unbind + stack or with slices + cat."""

    def __init__(self, how: str):
        super().__init__()
        self.conv, self.how = nn.Conv2d(1, 1, 3, padding=1), how

    def forward(self, x):
        y = self.conv(x)
        if self.how == "stack":
            return torch.stack(y.unbind(2)[1:], 2)
        return torch.cat([y[:, :, i:i + 1] for i in range(1, y.shape[2])], 2)


def test_rows_stacked_back_along_a_spatial_dim_are_refused_and_the_way_round_works():
    """unbind then stack along the rows' dim: the audit once said 1 row where PyTorch has 3 (and verify agreed)."""
    with pytest.raises(AuditRefusal, match="aten.stack along a spatial dim of maps that lost a spatial axis"):
        audit(Rows("stack"), (4, 3))
    model = Rows("cat")  # the refusal's way round: slices that keep the axis, joined by cat
    report = audit(model, (4, 3))
    assert report.output_size == tuple(model(torch.zeros(1, 1, 4, 3)).shape[2:]) == (3, 3)
    assert report.verify(model).ok
