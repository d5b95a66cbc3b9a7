"""helpers.audit on a model zoo and on one small case per operator rule, against autograd.

The truth is measured here, independently of the audit's code: a float64 copy of the model with
positive weights, batch norm made the identity, saturating activations and norms replaced by the
identity, max pooling by average pooling (all patched at module and functional level in this file)
and pools to one cell detached (so the *local* field is measured; the audit lists the global paths
apart). The gradient of one output, summed over channels, marks every input cell it reaches.
Only the public API of the audit is used (``report.at``, ``field_of``, ``coverage``, ``holes``).

CI cost: in CI every zoo model runs once, at one small size (the smallest sizes that keep a last feature
map of at least 2x2 and are not multiples of 32 where the model allows it; Swin, FCN-ResNet-50, Xception-41
and Res2Net-50 included). ``STRIDES_SLOW=1`` runs the full sweep: every model at several sizes (including
those of the first zoo run, 64x97 up to 224x224), the full-size ViT-B/16 and MaxViT-T, and every detection
backbone (~10 min).
"""

from __future__ import annotations

import copy
import os
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from helpers import audit  # noqa: E402
from helpers.audit import AuditRefusal, module_names, register_rule  # noqa: E402


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---------------------------------------------------------------------------------------------------
# the oracle: written here, sharing nothing with helpers.audit
# ---------------------------------------------------------------------------------------------------

_SATURATING = (nn.ReLU6, nn.Hardtanh, nn.Hardsigmoid, nn.Hardswish, nn.Sigmoid, nn.SiLU, nn.GELU, nn.Tanh,
               nn.GroupNorm, nn.LayerNorm, nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d, nn.Mish,
               nn.Dropout, nn.Dropout2d)


class _Cut(nn.Module):
    """A pool to one cell whose output is a constant 1: the global path is cut (and an SE gate stays near 1)."""

    def __init__(self, pool):
        super().__init__()
        self.pool = pool

    def forward(self, x):
        y = self.pool(x)
        cut = all(n == 1 for n in y.shape[2:]) and any(n > 1 for n in x.shape[2:])  # a 1x1 map: nothing mixed
        return torch.ones_like(y).detach() if cut else y


def _oracle_copy(model):
    m = copy.deepcopy(model).double().eval()
    for name, mod in list(m.named_modules()):
        for child_name, child in list(mod.named_children()):
            new = None
            if isinstance(child, _SATURATING) or "LayerNorm" in type(child).__name__:
                new = nn.Identity()
            elif isinstance(child, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
                avg = {nn.MaxPool1d: nn.AvgPool1d, nn.MaxPool2d: nn.AvgPool2d, nn.MaxPool3d: nn.AvgPool3d}[type(child)]
                new = avg(child.kernel_size, child.stride, child.padding, ceil_mode=child.ceil_mode,
                                   count_include_pad=False)
            elif isinstance(child, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
                new = _Cut(nn.AdaptiveAvgPool2d(child.output_size))
            if new is not None:
                setattr(mod, child_name, new)
    for mod in m.modules():
        if getattr(mod, "partition_type", None) == "grid":
            for attn in mod.attn_layer.modules():
                if hasattr(attn, "to_qkv"):
                    attn.forward = _grid_attention_cut(attn)
    with torch.no_grad():
        for mod in m.modules():
            if "StdConv" in type(mod).__name__:  # timm's weight standardisation would zero constant weights
                mod.forward = (lambda conv: lambda x: F.conv2d(x, conv.weight, None, conv.stride, conv.padding,
                                                               conv.dilation, conv.groups))(mod)
            if isinstance(mod, (nn.modules.conv._ConvNd, nn.Linear)):
                mod.weight.fill_(1.0 / mod.weight[0].numel())  # averaging: values stay near 1 (SE gates multiply)
                if mod.bias is not None:
                    mod.bias.zero_()
            if isinstance(mod, nn.modules.batchnorm._BatchNorm) or type(mod).__name__ == "FrozenBatchNorm2d":
                mod.running_mean.zero_()
                mod.running_var.fill_(1.0)
                if getattr(mod, "weight", None) is not None:
                    mod.weight.fill_(1.0)
                    mod.bias.zero_()
    for p in m.parameters():
        p.requires_grad_(False)
    return m


def _functional_patches(monkeypatch):
    avg = F.avg_pool2d

    def max_as_avg(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        assert dilation in (1, (1, 1)), "the oracle handles undilated max pooling only"
        return avg(x, kernel_size, stride, padding, ceil_mode, False)

    def cut_adaptive(x, size):
        y = F.adaptive_avg_pool2d.__wrapped__(x, size) if hasattr(F.adaptive_avg_pool2d, "__wrapped__") else \
            torch._C._nn.adaptive_avg_pool2d(x, size if isinstance(size, (list, tuple)) else (size, size))
        return y.detach() if all(n == 1 for n in y.shape[2:]) and any(n > 1 for n in x.shape[2:]) else y

    monkeypatch.setattr(F, "max_pool2d", max_as_avg)
    monkeypatch.setattr(F, "relu6", lambda x, inplace=False: x)
    monkeypatch.setattr(F, "hardsigmoid", lambda x, inplace=False: x)
    monkeypatch.setattr(F, "hardswish", lambda x, inplace=False: x)
    monkeypatch.setattr(F, "adaptive_avg_pool2d", cut_adaptive)
    sdpa = F.scaled_dot_product_attention

    def local_attention(q, k, v, *args, **kwargs):  # attention over every position: a global path, cut
        return sdpa(q, k.detach(), v.detach(), *args, **kwargs)

    monkeypatch.setattr(F, "scaled_dot_product_attention", local_attention)


def _grid_attention_cut(attn):
    """MaxViT's attention over a grid spread across the whole map, with keys and values detached (a global path)."""
    def forward(x):
        B, G, P, D = x.shape
        q, k, v = (t.reshape(B, G, P, attn.n_heads, attn.head_dim).transpose(2, 3)
                   for t in attn.to_qkv(x).chunk(3, dim=-1))
        weights = torch.softmax(q @ k.detach().transpose(-1, -2) * attn.scale_factor
                                + attn.get_relative_positional_bias(), dim=-1)
        return attn.merge((weights @ v.detach()).transpose(2, 3).reshape(B, G, P, D))
    return forward


def measured_reach(model, size, *, channels=3, module=None, key=None, monkeypatch=None, points=(), out_size=None):
    """Boolean maps of the input cells each output in ``points`` reaches (gradient, float64)."""
    m = _oracle_copy(model)
    if monkeypatch is not None:
        _functional_patches(monkeypatch)
    grabbed = []
    if module:
        dict(m.named_modules())[module].register_forward_hook(lambda mod, a, o: grabbed.append(o))
    x = torch.ones(len(points), channels, *size, dtype=torch.float64, requires_grad=True)
    out = m(x)
    y = grabbed[-1] if module else out
    if key is not None:
        y = y[key]
    if y.dim() == 2:  # a vector output: a 1x1 map (VGG's head is a 7x7 convolution over the whole map)
        y = y[(...,) + (None,) * len(size)]
    if y.dim() == 3 and len(size) == 2 and out_size is not None:  # ViT tokens (B, T, C): extra tokens first
        h, w = out_size
        y = y[:, y.shape[1] - h * w:].reshape(y.shape[0], h, w, y.shape[2]).permute(0, 3, 1, 2)
    total = sum(y[(b, slice(None)) + tuple(p)].sum() for b, p in enumerate(points))
    (g,) = torch.autograd.grad(total, x)
    return tuple(y.shape[2:]), [(g[b].abs().sum(0) > 0).numpy() for b in range(len(points))]


def span_of(seen):
    spans = []
    for axis in range(seen.ndim):
        other = tuple(a for a in range(seen.ndim) if a != axis)
        hits = np.flatnonzero(seen.any(axis=other) if other else seen)
        spans.append((int(hits[0]), int(hits[-1])) if len(hits) else None)
    return tuple(spans)


def clipped(field, size):
    return tuple((max(lo, 0), min(hi, n - 1)) for (lo, hi), n in zip(field, size))


def agrees_with_autograd(model, size, report, *, channels=3, module=None, key=None, monkeypatch=None):
    interior = report.interior
    corner = (0,) * len(size)
    out_size, (seen0, seen) = measured_reach(model, size, channels=channels, module=module, key=key,
                                             monkeypatch=monkeypatch, points=(corner, interior),
                                             out_size=report.output_size)
    assert out_size == report.output_size
    # the field includes padding and cells a dilation skips: the measured span lies inside it, and
    # the exact set of cells reached inside the field is compared below
    for got, field in ((span_of(seen), report.field_of(interior)), (span_of(seen0), report.field_of(corner))):
        for (lo, hi), (flo, fhi) in zip(got, clipped(field, size)):
            assert flo <= lo <= hi <= fhi, (got, field)
    box = tuple(slice(lo, hi + 1) for lo, hi in clipped(report.field_of(interior), size))
    np.testing.assert_array_equal(seen[box], report.coverage > 0)
    assert not seen.sum() - seen[box].sum()


# ---------------------------------------------------------------------------------------------------
# one case per rule
# ---------------------------------------------------------------------------------------------------


class Functional(nn.Module):
    """F.conv2d, slicing, chunk, F.pad modes, x.ndim and shape-dependent Python."""

    def __init__(self, mode):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 3, 3, 3))
        self.mode = mode

    def forward(self, x):
        if x.ndim == 4 and x.shape[-1] % 2 == 1:  # shape-dependent: odd widths lose a column
            x = x[..., :-1]
        x = F.pad(x, (1, 2, 2, 1), mode=self.mode)
        x = F.conv2d(x, self.w, stride=(2, 1), dilation=(1, 2))
        a, b = x.chunk(2, dim=1)
        return torch.cat([a[:, :, 1:, ::2], b[:, :, :-1, ::2]], dim=1)


class Rolled(nn.Module):
    """torch.roll (Swin's shifted windows): a cyclic shift, so fields wrap round the map."""

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 2, 3, padding=1), nn.Conv2d(2, 2, 3)

    def forward(self, x):
        return self.b(torch.roll(self.a(x), shifts=(2, -3), dims=(2, 3)))


class Windows(nn.Module):
    """Window partition, attention inside each 4x4 window (explicit matmuls), window reverse."""

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 4, 3, padding=1), nn.Conv2d(4, 2, 1)

    def forward(self, x):
        x = self.a(x).permute(0, 2, 3, 1)
        B, H, W, C = x.shape
        w = x.view(B, H // 4, 4, W // 4, 4, C).permute(0, 1, 3, 2, 4, 5).reshape(-1, 16, C)
        w = torch.softmax(w @ w.transpose(1, 2), dim=-1) @ w
        x = w.view(B, H // 4, W // 4, 4, 4, C).permute(0, 1, 3, 2, 4, 5).reshape(B, H, W, C)
        return self.b(x.permute(0, 3, 1, 2))


class ClassToken(nn.Module):
    """Patches flattened to tokens, a class token in front, a dense layer, the token dropped, the map back."""

    def __init__(self):
        super().__init__()
        self.patch, self.cls, self.mix = nn.Conv2d(3, 4, 2, stride=2), nn.Parameter(torch.zeros(1, 1, 4)), nn.Linear(4, 4)

    def forward(self, x):
        x = self.patch(x)
        B, C, H, W = x.shape
        t = torch.cat([self.cls.expand(B, -1, -1), x.flatten(2).transpose(1, 2)], dim=1)
        t = self.mix(t)[:, 1:]
        return t.transpose(1, 2).reshape(B, C, H, W)


class SubclassConv(nn.Conv2d):
    def forward(self, x):  # a timm-style "same" convolution: pads by hand, then F.conv2d
        pad = max(0, (x.shape[-1] - 1) * 0 + self.kernel_size[0] - 1)
        return F.conv2d(F.pad(x, (pad // 2, pad - pad // 2) * 2), self.weight, self.bias, self.stride, 0,
                        self.dilation, self.groups)


CASES = {
    "functional-constant": (lambda: Functional("constant"), (21, 19)),
    "functional-reflect": (lambda: Functional("reflect"), (20, 23)),
    "functional-replicate": (lambda: Functional("replicate"), (17, 18)),
    "conv2d-subclass": (lambda: nn.Sequential(SubclassConv(3, 4, 4, stride=2), SubclassConv(4, 4, 3)), (19, 22)),
    "roll": (Rolled, (13, 17)),
    "window-attention": (Windows, (16, 20)),
    "class-token": (ClassToken, (14, 18)),
    "pixel-shuffle": (lambda: nn.Sequential(nn.Conv2d(3, 12, 3), nn.PixelShuffle(2), nn.Conv2d(3, 2, 3)), (13, 15)),
    "pixel-unshuffle": (lambda: nn.Sequential(nn.PixelUnshuffle(2), nn.Conv2d(12, 2, 3, padding=1)), (14, 18)),
    "transposed-output-size": (None, (11, 9)),
    "adaptive-7-to-3": (lambda: nn.Sequential(nn.AdaptiveAvgPool2d(3), nn.Conv2d(3, 1, 1)), (7, 7)),
    "adaptive-10-to-4": (lambda: nn.Sequential(nn.Conv2d(3, 3, 3), nn.AdaptiveMaxPool2d((4, 3))), (12, 11)),
    "maxpool-ceil": (lambda: nn.Sequential(nn.MaxPool2d(3, 2, 1, ceil_mode=True), nn.MaxPool2d(2, ceil_mode=True)), (22, 17)),
    "dilated-stack": (lambda: nn.Sequential(*[nn.Conv2d(2 if i else 3, 2, 3, dilation=r, padding=r)
                                              for i, r in enumerate((1, 2, 5))]), (40, 40)),
}
for _mode in ("nearest", "nearest-exact", "bilinear", "bicubic", "area"):
    for _size in ((9, 13), (30, 17)):
        CASES[f"resize-{_mode}-{_size[0]}"] = (
            (lambda mode, size: lambda: nn.Sequential(nn.Conv2d(3, 2, 3), nn.Upsample(size=size, mode=mode)))(_mode, _size),
            (19, 21))
for _mode in ("bilinear", "bicubic"):
    CASES[f"antialias-{_mode}"] = (
        (lambda mode: lambda: nn.Sequential(nn.Conv2d(3, 2, 1), _Resize((7, 5), mode)))(_mode), (33, 26))


class _Resize(nn.Module):
    def __init__(self, size, mode):
        super().__init__()
        self.size, self.mode = size, mode

    def forward(self, x):
        return F.interpolate(x, size=self.size, mode=self.mode, antialias=True, align_corners=False)


class _TransposedTo(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)

    def forward(self, x):
        return self.up(self.down(x), output_size=x.shape[-2:])


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_against_autograd(name):
    torch.manual_seed(0)
    build, size = CASES[name]
    model = _TransposedTo() if build is None else build()
    report = audit(model, size, in_channels=3)
    with torch.no_grad():
        assert report.output_size == tuple(model(torch.zeros(1, 3, *size)).shape[2:])
    agrees_with_autograd(model, size, report)
    assert not report.global_paths


def test_adaptive_pool_field_that_does_not_divide():
    report = audit(nn.AdaptiveAvgPool2d(3), 7, in_channels=1)
    # PyTorch's windows: floor(i*7/3) .. ceil((i+1)*7/3) - 1, i.e. rows 0-2, 2-4, 4-6
    assert [report.field_of((i, i))[0] for i in range(3)] == [(0, 2), (2, 4), (4, 6)]


def test_conv1d_wavenet_and_conv3d():
    class WaveNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.convs = nn.ModuleList(nn.Conv1d(2, 2, 2, dilation=d) for d in (1, 2, 4, 8))

        def forward(self, x):
            for conv in self.convs:
                x = x[..., -conv(F.pad(x, (conv.dilation[0], 0))).shape[-1]:] + conv(F.pad(x, (conv.dilation[0], 0)))
            return x

    net = WaveNet()
    report = audit(net, (40,))
    assert report.receptive_field == (16,) and report.field_of((20,)) == ((5, 20),)
    agrees_with_autograd(net, (40,), report, channels=2)
    net3 = nn.Sequential(nn.Conv3d(1, 2, 3, stride=(1, 2, 2), padding=1), nn.MaxPool3d(2), nn.Conv3d(2, 1, 3))
    report3 = audit(net3, (12, 16, 14))
    assert len(report3.output_size) == 3
    agrees_with_autograd(net3, (12, 16, 14), report3, channels=1)


def test_global_paths_are_flagged_not_counted():
    for norm in (nn.GroupNorm(2, 4), nn.InstanceNorm2d(4), nn.LayerNorm([16, 16])):
        net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), norm, nn.Conv2d(4, 4, 3, padding=1))
        report = audit(net, 16)
        assert report.receptive_field == (5, 5) and report.global_paths, type(norm).__name__
    se = torchvision.models.mobilenet_v3_small(weights=None)
    fields = {n: audit(se, n).receptive_field for n in (64, 97, 161)}
    assert len(set(fields.values())) == 1, fields  # the local field does not depend on the input size
    assert audit(se, 64).global_paths


def test_holes_apart_from_the_unread_border():
    net = nn.Sequential(nn.Conv2d(1, 1, 3, stride=2), nn.Conv2d(1, 1, 5, padding=2))
    report = audit(net, 8)
    assert report.holes == 0 and report.unread == 15  # row 7 and column 7: no output reads them
    assert report.verify(net).ok


def test_classifier_is_read_up_to_its_last_feature_map():
    report = audit(torchvision.models.resnet18(weights=None), 64)
    assert report.at.startswith("layer4") and report.output_size == (2, 2)
    assert any("not a feature map" in n for n in report.notes)


class Sampler(nn.Module):
    """A spatial transformer's sampling step: the positions read are values of a tensor (the grid)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3)
        self.theta = nn.Parameter(torch.tensor([[[0.9, 0.1, 0.0], [-0.1, 0.9, 0.0]]]))

    def forward(self, x):
        x = self.conv(x)
        return F.grid_sample(x, F.affine_grid(self.theta, list(x.shape), align_corners=False), align_corners=False)


def test_at_is_local_and_names_repeated_modules():
    swin = torchvision.models.swin_t(weights=None)
    report = audit(swin, 64, at="features.0.0")  # the patch embedding: a 4x4 stride-4 convolution
    assert report.receptive_field == (4, 4) and report.output_stride == (4, 4)
    with pytest.raises(AuditRefusal, match="at='conv'") as info:
        audit(Sampler(), 32)  # grid_sample reads positions held in a tensor: no rule can say which
    assert info.value.operator.startswith("grid_sampler") and info.value.way_round

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3)

        def forward(self, x):
            return self.conv(self.conv(x))

    with pytest.raises(ValueError, match="ran 2 times; pass call="):
        audit(Twice(), 16, at="conv")
    assert audit(Twice(), 16, at="conv", call=1).receptive_field == (5, 5)
    assert module_names(Twice(), 16) == {"conv": 2}
    fpn = torchvision.models.detection.backbone_utils.resnet_fpn_backbone(backbone_name="resnet18", weights=None)
    reports = {k: audit(fpn, 96, key=k).output_stride for k in ("0", "3", "pool")}
    assert reports == {"0": (4, 4), "3": (32, 32), "pool": (64, 64)}


def test_refusal_names_operator_line_and_way_round():
    with pytest.raises(AuditRefusal) as info:
        audit(Sampler(), 16)
    text = str(info.value)
    assert "grid_sampler" in text and "F.grid_sample(x, F.affine_grid(" in text and "at='conv'" in text
    assert "register_rule" in text
    register_rule(torch.ops.aten.grid_sampler_2d, "global")
    try:
        assert any("grid_sampler" in n for n in audit(Sampler(), 16).notes)  # read up to 'conv', with a note
    finally:
        from helpers.audit import rules
        rules._RULES.pop("grid_sampler_2d", None)


def test_report_formats():
    report = audit(nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.Conv2d(4, 4, 3)), 16)
    assert str(report) == report.summary() and "centre of out 0" in str(report)
    assert "<table>" in report._repr_html_() and "eff. padding" in report.table()
    d = report.to_dict()
    assert d["receptive_field"] == (7, 7) and d["layers"][0]["effective_padding"] == (1, 1)
    assert report.center == report.centre


# ---------------------------------------------------------------------------------------------------
# the zoo: torchvision (and timm when installed) with weights=None
# ---------------------------------------------------------------------------------------------------

TV_CLASSIFIERS = [  # one or two per family (CI time); resnet50 and VGG-16 are in tests/test_audit.py
    "resnet18", "densenet121", "googlenet", "inception_v3", "mobilenet_v2", "mobilenet_v3_large",
    "mobilenet_v3_small", "mnasnet0_5", "shufflenet_v2_x0_5", "squeezenet1_1", "efficientnet_b0",
    "regnet_x_400mf", "regnet_y_400mf", "convnext_tiny",
]
TV_TOKEN_FULL = ["vit_b_16", "maxvit_t"]  # at 224 only: slow, see test_full_size_token_models_against_autograd
SLOW = bool(os.environ.get("STRIDES_SLOW"))
SIZES = [(64, 97), (75, 75), (97, 64), (80, 113)]  # the full sweep: none a multiple of 32 on both axes
CI_SIZES = [(65, 70), (67, 67), (70, 65), (69, 75)]  # one per model in CI: last maps of 2x2 or 3x3


def _sizes(index, ci=None, slow=()):
    """One small size per model in CI; with STRIDES_SLOW=1 that size and the sweep's sizes."""
    first = ci or CI_SIZES[index % len(CI_SIZES)]
    return [first] + ([s for s in (list(slow) or SIZES) if s != first] if SLOW else [])


def _cases(names, ci=None, slow=None):
    return [(i, name, size) for i, name in enumerate(names)
            for size in _sizes(i, (ci or {}).get(name), (slow or {}).get(name, ()))]


@pytest.mark.parametrize("index,name,size", _cases(TV_CLASSIFIERS, ci={"inception_v3": (99, 111)},
                                                   slow={"inception_v3": [(111, 99)]}))
def test_torchvision_zoo_against_autograd(index, name, size, monkeypatch):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None)
    report = audit(model, size)
    module = re.sub(r" \(last feature map\)$", "", report.at)
    assert module != report.at, report.at  # a classifier: read up to its last feature map, with a note
    agrees_with_autograd(model, size, report, module=module, monkeypatch=monkeypatch)


SEGMENTATION = [(name, size) for name, ci, slow in [  # output stride 8 (FCN): small inputs still give 5x5 maps
    ("fcn_resnet50", (35, 33), (97, 75)), ("deeplabv3_mobilenet_v3_large", (37, 33), (75, 97)),
    ("lraspp_mobilenet_v3_large", (35, 37), (81, 70))] for size in ([ci, slow] if SLOW else [ci])]


@pytest.mark.parametrize("name,size", SEGMENTATION)
def test_segmentation_zoo_against_autograd(name, size, monkeypatch):
    torch.manual_seed(0)
    model = getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None)
    report = audit(model, size)
    assert report.output_size == size
    agrees_with_autograd(model, size, report, key="out", monkeypatch=monkeypatch)


def _small_vit():
    from torchvision.models.vision_transformer import VisionTransformer
    return VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64)


def _small_maxvit():
    return torchvision.models.MaxVit(input_size=(64, 64), stem_channels=8, partition_size=2, block_channels=[8, 16],
                                     block_layers=[1, 1], head_dim=4, stochastic_depth_prob=0.0, num_classes=10)


TOKEN_MODELS = {  # windows (Swin, shifted by torch.roll), a class token (ViT), grid attention (MaxViT)
    "swin_t": (lambda: torchvision.models.swin_t(weights=None), [(40, 44)] + [(75, 97)] * SLOW),
    "swin_v2_t": (lambda: torchvision.models.swin_v2_t(weights=None), [(40, 44)] + [(64, 64)] * SLOW),
    "vit (2 layers, 64²)": (_small_vit, [(64, 64)]),
    "maxvit (2 blocks, 64²)": (_small_maxvit, [(64, 64)]),
}


@pytest.mark.parametrize("name,size", [(n, s) for n, (_, sizes) in TOKEN_MODELS.items() for s in sizes])
def test_token_models_against_autograd(name, size, monkeypatch):
    torch.manual_seed(0)
    build, _ = TOKEN_MODELS[name]
    model = build()
    report = audit(model, size)
    module = re.sub(r" \(last feature map\)$", "", report.at)
    assert report.global_paths  # layer norms over positions, attention over a grid or every token
    if name.startswith("vit"):
        assert report.receptive_field == (16, 16)  # the patch: attention over every token is a global path
    agrees_with_autograd(model, size, report, module=module, monkeypatch=monkeypatch)


@pytest.mark.skipif(not os.environ.get("STRIDES_SLOW"), reason="full-size token models (~1 min); STRIDES_SLOW=1 runs them")
@pytest.mark.parametrize("name", TV_TOKEN_FULL)
def test_full_size_token_models_against_autograd(name, monkeypatch):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None)
    size = (224, 224)  # ViT-B/16 and MaxViT-T run only at 224
    report = audit(model, size)
    module = re.sub(r" \(last feature map\)$", "", report.at)
    agrees_with_autograd(model, size, report, module=module, monkeypatch=monkeypatch)


DETECTION = {  # torchvision detection and keypoint backbones (dict outputs: one key per level), weights=None
    "fasterrcnn_mobilenet_v3_large_fpn": (((97, 75) if SLOW else (67, 70)), ("0", "pool")),
    "fasterrcnn_resnet50_fpn": ((97, 75), ("0", "1", "2", "3", "pool")),
    "retinanet_resnet50_fpn": ((80, 113), ("0", "p6", "p7")),
    "fcos_resnet50_fpn": ((80, 113), ("0", "p7")),
    "maskrcnn_resnet50_fpn": ((75, 97), ("0", "pool")),
    "keypointrcnn_resnet50_fpn": ((75, 97), ("0", "1", "2", "3", "pool")),
    "ssd300_vgg16": ((300, 300), ("0", "5")),
    "ssdlite320_mobilenet_v3_large": ((320, 320), ("0", "5")),
}
CHEAP_DETECTION = {"fasterrcnn_mobilenet_v3_large_fpn"}  # in CI; the rest with STRIDES_SLOW=1 (~5 min)


@pytest.mark.parametrize("name", list(DETECTION))
def test_detection_backbones_against_autograd(name, monkeypatch):
    if name not in CHEAP_DETECTION and not os.environ.get("STRIDES_SLOW"):
        pytest.skip("ResNet-50 and VGG-16 detection backbones: STRIDES_SLOW=1 runs them")
    torch.manual_seed(0)
    size, keys = DETECTION[name]
    backbone = getattr(torchvision.models.detection, name)(weights=None, weights_backbone=None).backbone
    for key in keys:
        report = audit(backbone, size, key=key)
        agrees_with_autograd(backbone, size, report, key=key, monkeypatch=monkeypatch)


TIMM = ["resnet18", "efficientnet_b0", "mobilenetv3_small_050", "regnetx_002", "convnext_atto", "cspdarknet53",
        "xception41", "repvgg_a0", "dla34", "hrnet_w18_small", "ghostnet_050", "res2net50_14w_8s", "nf_resnet26",
        "mobilevit_xxs", "tf_efficientnet_b0", "rexnet_100", "vgg11"]


DIVISIBLE = {"dla34", "hrnet_w18_small"}  # these architectures only run when the sides divide by 32


@pytest.mark.parametrize("index,name,size", _cases(TIMM, ci={n: (64, 64) for n in DIVISIBLE},
                                                   slow={n: [(96, 64)] for n in DIVISIBLE}))
def test_timm_zoo(index, name, size, monkeypatch):
    timm = pytest.importorskip("timm")
    torch.manual_seed(0)
    if name == "vgg11":  # timm's VGG-11 with its 4096-wide 7x7 head narrowed to 64 (CI memory), same geometry
        from timm.models.vgg import VGG, cfgs
        model = VGG(cfgs["vgg11"], num_classes=10, mlp_ratio=1 / 64)
    else:
        model = timm.create_model(name, pretrained=False, num_classes=10)
    try:
        report = audit(model, size)
    except AuditRefusal as refusal:
        assert refusal.operator and refusal.way_round
        pytest.skip(f"refused: {refusal}")
    module = re.sub(r" \(last feature map\)$", "", report.at)
    module = None if module == "output" else module  # VGG's 7x7 head: a 1x1 map the convolutions reach
    agrees_with_autograd(model, size, report, module=module, monkeypatch=monkeypatch)


class CircularPad(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 2, 3), nn.Conv2d(2, 2, 3)

    def forward(self, x):
        return self.b(F.pad(self.a(x), (1, 1, 1, 1), mode="circular"))


@pytest.mark.parametrize("build", [
    lambda: nn.Sequential(nn.Conv2d(3, 4, 3), nn.Conv2d(4, 4, 3, padding=1, padding_mode="circular")), CircularPad])
def test_circular_padding_is_read_with_its_wrap_around(build):
    """Red-team find (notebook 08): circular padding writes into part of a fresh tensor; now read as one padding
    whose outside cells are the other side's. Output (0, 0) of conv3 -> circular pad 1 -> conv3 reads
    rows/columns -1..1 of the middle map, i.e. its last row and rows 0, 1: image rows n-3..n-1 and 0..3."""
    torch.manual_seed(0)
    model, size = build(), (9, 11)
    report = audit(model, size)
    agrees = lambda s, b: np.testing.assert_array_equal(s[b], report.coverage > 0)  # noqa: E731
    _, (seen0, seen) = measured_reach(model, size, points=((0, 0), report.interior))
    box = tuple(slice(lo, hi + 1) for lo, hi in clipped(report.field_of(report.interior), size))
    agrees(seen, box)
    assert seen.sum() == seen[box].sum()
    lines = [sorted({*range(4), *range(n - 3, n)}) for n in size]
    expected = np.zeros(size, dtype=bool)
    expected[np.ix_(*lines)] = True
    np.testing.assert_array_equal(seen0, expected)  # the oracle itself, against the hand count
    corner = next(c for c in report.verify(model).checks if c[0] == "output 0: cells reached")
    assert corner[1] == expected.sum() and corner[3]


def test_a_model_that_cannot_run_on_meta_tensors_is_read_on_a_real_input_with_a_note():
    class Ramp(nn.Module):  # adds a CPU tensor built inside forward: fails on meta tensors
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 2, 3)

        def forward(self, x):
            return self.conv(x + torch.arange(x.shape[-1], dtype=x.dtype))

    report = audit(Ramp(), 12)
    assert report.receptive_field == (3, 3)
    assert any("real zero input" in n and "meta" in n for n in report.notes)
    assert not any("real zero input" in n for n in audit(nn.Conv2d(3, 2, 3), 12).notes)


def test_verify_names_the_module_where_a_difference_starts():
    class Shift(nn.Module):
        def forward(self, x):
            return torch.roll(x, 2, dims=3)

    model = nn.Sequential(nn.Conv2d(3, 3, 3), nn.Conv2d(3, 3, 3), Shift(), nn.Conv2d(3, 3, 3), nn.Conv2d(3, 3, 3))
    assert audit(model, 16).verify(model).ok
    from helpers.audit import rules
    kept = rules._RULES["roll"]
    register_rule(torch.ops.aten.roll, "pointwise")  # a wrong rule: the roll read as if it kept positions
    try:
        result = audit(model, 16).verify(model)
    finally:
        rules._RULES["roll"] = kept
    assert not result.ok
    assert "the difference starts at module '2' (Shift)" in result.details[-1]


def _small_swin():
    from torchvision.models.swin_transformer import SwinTransformer
    return SwinTransformer(patch_size=[2, 2], embed_dim=8, depths=[2, 2], num_heads=[2, 2], window_size=[4, 4],
                           stochastic_depth_prob=0.0, num_classes=10)


def test_verify_agrees_on_attention_models():
    """verify on windows with shifts (Swin), a class token (ViT) and patch attention (MobileViT): True, and the
    global attention paths it cannot measure are named as not checked; a planted wrong rule makes it False."""
    models = [(_small_swin, (32, 32), False), (_small_vit, (64, 64), True)]  # Swin's 4x4 windows stay local here
    if _timm_available():
        import timm
        models.append((lambda: timm.create_model("mobilevit_xxs", pretrained=False, num_classes=10), (64, 64), True))
    for build, size, has_global_attention in models:
        torch.manual_seed(0)
        model = build()
        result = audit(model, size).verify(model)
        assert result.ok, f"{type(model).__name__}\n{result}"
        named = any(d.startswith("not checked: global attention paths") for d in result.details)
        assert named == has_global_attention, result
    from helpers.audit import rules
    kept = rules._RULES["roll"]
    register_rule(torch.ops.aten.roll, "pointwise")  # a wrong rule: Swin's shifted windows read as unshifted
    try:
        model = _small_swin()
        report = audit(model, (32, 32), at="features.1")
        result = report.verify(model)
    finally:
        rules._RULES["roll"] = kept
    assert not result.ok
    assert re.search(r"the difference starts at module 'features\.1\.1\.", result.details[-1]), result.details[-1]


def _timm_available():
    try:
        import timm  # noqa: F401
    except ImportError:
        return False
    return True
