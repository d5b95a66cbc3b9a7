"""helpers.audit against code no one here wrote: torchvision's models, PyTorch's forward pass
(output sizes) and PyTorch's autograd (which input cells an output reaches).

Sizes are checked with real forward passes at one input per model and with PyTorch's own shape
functions (the ``meta`` device: no arithmetic, the same size rules) at many inputs, including
sizes that are not multiples of 32. Published numbers name their source. Skipped without torch.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
from torch import nn  # noqa: E402

from helpers import audit, coverage_map, receptive, valid_weight_fraction  # noqa: E402
from helpers.receptive import Layer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ODD_SIZES = (97, 250)  # neither a multiple of 32 (two sizes: CI time)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def meta_size(meta: nn.Module, hw: tuple[int, int], *, key: str | None = None) -> tuple[int, int]:
    """PyTorch's own output size (its shape functions on the meta device: no arithmetic, no weights)."""
    with torch.no_grad():
        y = meta(torch.empty(1, 3, *hw, device="meta"))
    y = y[key] if key else y
    return tuple(y.shape[-2:])


def on_meta(build):
    """Build a model on the meta device: no weights are initialised (fast); audit needs none."""
    with torch.device("meta"):
        return build().eval()


def forward_size(model: nn.Module, hw: tuple[int, int], *, key: str | None = None) -> tuple[int, int]:
    with torch.no_grad():
        y = model.eval()(torch.zeros(1, 3, *hw))
    y = y[key] if key else y
    return tuple(y.shape[-2:])


def resnet50(os_: int, *, meta: bool = False) -> nn.Module:
    torch.manual_seed(0)
    dilate = {32: [False, False, False], 16: [False, False, True], 8: [False, True, True]}[os_]
    build = lambda: torchvision.models.resnet50(weights=None, replace_stride_with_dilation=dilate)  # noqa: E731
    return on_meta(build) if meta else build()


def trunk(model: nn.Module) -> nn.Module:
    return nn.Sequential(*list(model.children())[:-2])  # conv1 ... layer4


# --------------------------------------------------------------------------------------------
# ResNet-50 at output strides 32, 16, 8
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("os_", [32, 16, 8])
def test_resnet50_sizes_stride_and_field(os_):
    model = resnet50(os_, meta=True)
    for n in ODD_SIZES + (224,):
        report = audit(model, n, at="layer4")
        assert report.output_size == meta_size(trunk(model), (n, n)), n
    report = audit(model, (161, 250), at="layer4")
    assert report.output_size == forward_size(trunk(resnet50(os_)), (161, 250))  # one real forward pass
    assert report.output_stride == (os_, os_)
    # REFERENCE_NUMBERS (second edition): torchvision's ResNet-50 has a 427 field at layer4, and
    # replace_stride_with_dilation keeps it (the dilation makes up for the removed strides).
    assert report.receptive_field == (427, 427)
    assert report.holes == 0 and not any("misaligned" in w for w in report.warnings)
    # the course's own one-axis model of the same network agrees row for row at the end
    row = receptive.receptive_field(receptive.resnet50(os_, variant="torchvision"))[-1]
    last = report.layers[-1]
    assert (last.r[0], last.jump[0], -last.start[0]) == (row.r, row.S, row.P)
    assert report.center[0] == row.center


@pytest.mark.parametrize("os_", [32, 8])
def test_resnet50_field_and_centre_measured_by_autograd(os_):
    model = resnet50(os_)
    report = audit(model, (480, 64), at="layer4")  # tall enough for the whole field of the middle output
    result = report.verify(model)
    assert result.ok, str(result)
    (lo, hi) = report.field[0]
    assert lo >= 0 and hi < 480 and hi - lo + 1 == 427
    lo_m, hi_m = report.field_of(report.interior)[0]
    # centre of output 0 = centre of the middle output minus its index times the jump
    assert (lo_m + hi_m) / 2 - report.interior[0] * os_ == report.centre[0]


def test_verify_leaves_the_model_alone():
    model = resnet50(32)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    modes = [m.training for m in model.modules()]
    audit(model, (64, 64), at="layer4").verify(model)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert modes == [m.training for m in model.modules()]


# --------------------------------------------------------------------------------------------
# VGG-16
# --------------------------------------------------------------------------------------------


def test_vgg16_published_numbers_and_sizes():
    model = on_meta(lambda: torchvision.models.vgg16(weights=None))
    report = audit(model, 224, at="features")
    last = report.layers[-1]
    # Araujo et al. (Distill 2019), vgg_16 pool5: r 212, S 32, P 90
    assert (last.r, last.jump, last.start) == ((212, 212), (32, 32), (-90, -90))
    assert report.receptive_field == (212, 212) and report.center == (15.5, 15.5)
    # Araujo et al., per endpoint: pool1 6/2/2, pool2 16/4/6, pool3 44/8/18, pool4 100/16/42
    pools = [row for row in report.layers if row.kind == "max pool"]
    assert [(p.r[0], p.jump[0], -p.start[0]) for p in pools[:4]] == [(6, 2, 2), (16, 4, 6), (44, 8, 18), (100, 16, 42)]
    for n in ODD_SIZES + (513,):
        assert audit(model, n, at="features").output_size == meta_size(model.features, (n, n))
    assert audit(model, 513, at="features").output_size == (16, 16)  # REFERENCE_NUMBERS: 513 -> 16
    torch.manual_seed(0)
    real = torchvision.models.vgg16(weights=None).features
    assert audit(real, 97).output_size == forward_size(real, (97, 97))  # one real forward pass


def test_vgg16_verify():
    torch.manual_seed(0)
    model = torchvision.models.vgg16(weights=None)
    report = audit(model, (240, 48), at="features")  # tall and narrow: float64 at full width costs
    result = report.verify(model)
    assert result.ok, str(result)
    assert report.field[0][0] >= 0 and report.field[0][1] <= 239  # the whole 212 field is measured


# --------------------------------------------------------------------------------------------
# DeepLabV3-ResNet50
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deeplab():
    torch.manual_seed(0)
    return torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None).eval()


def test_deeplab_sizes(deeplab):
    meta = on_meta(lambda: torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None))
    for n in (97, 130, 513):
        assert audit(meta, n).output_size == meta_size(meta, (n, n), key="out") == (n, n)
    assert audit(deeplab, (100, 75)).output_size == forward_size(deeplab, (100, 75), key="out")
    # Chen et al. 2017 / DeepLab's code: a 513 crop at output stride 8 gives 65x65
    assert audit(deeplab, 513, at="backbone").output_size == (65, 65)
    assert audit(deeplab, 513, at="backbone").output_stride == (8, 8)


def test_deeplab_aspp_warnings_at_513(deeplab):
    report = audit(deeplab, 513)
    text = "\n".join(report.warnings)
    for rate, name in ((12, "convs.1.0"), (24, "convs.2.0"), (36, "convs.3.0")):
        line = next(w for w in report.warnings if name in w)
        share = valid_weight_fraction(65, rate)[9]  # notebook 05's function: share with all 9 taps inside
        assert f"{100 * share:.0f}% of its outputs see all 9 taps" in line
    assert report.global_paths and "misaligned" not in text
    # on a 17x17 map (129 crop) rates 24 and 36 keep only the centre tap: a 1x1 convolution
    small = audit(deeplab, 129)
    ones = [w for w in small.warnings if "acts as a 1×1" in w]
    assert len(ones) == 2 and valid_weight_fraction(17, 24)[1] == 1.0


def test_deeplab_verify(deeplab):
    report = audit(deeplab, 97)
    result = report.verify(deeplab)
    assert result.ok, str(result)
    assert report.holes == 0


# --------------------------------------------------------------------------------------------
# SimpleBaselines-style pose network: ResNet-50 + three k=4, s=2, p=1 transposed convolutions
# --------------------------------------------------------------------------------------------


class PoseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = trunk(torchvision.models.resnet50(weights=None))
        layers, channels = [], 2048
        for _ in range(3):
            layers += [nn.ConvTranspose2d(channels, 256, 4, stride=2, padding=1, bias=False),
                       nn.BatchNorm2d(256), nn.ReLU(inplace=True)]
            channels = 256
        self.deconv = nn.Sequential(*layers)
        self.final = nn.Conv2d(256, 17, 1)

    def forward(self, x):
        return self.final(self.deconv(self.backbone(x)))


def test_pose_net_heatmap_sizes():
    torch.manual_seed(0)
    model = PoseNet().eval()
    meta = on_meta(PoseNet)
    # REFERENCE_NUMBERS: SimpleBaselines 256x192 -> 64x48; encoder-decoders give 8*ceil(N/32):
    # N=250 -> 64, N=100 -> 32 (forward pass of torchvision ResNet-50 + ConvTranspose2d)
    assert audit(model, (256, 192)).output_size == forward_size(model, (256, 192)) == (64, 48)
    for n, expected in ((250, 64), (100, 32), (97, 32), (161, 48)):
        assert audit(meta, n).output_size == meta_size(meta, (n, n)) == (expected, expected)
    report = audit(meta, (256, 192))
    assert report.output_stride == (4, 4)


def test_pose_net_verify():
    torch.manual_seed(0)
    model = PoseNet().eval()
    report = audit(model, (512, 64))
    result = report.verify(model)
    assert result.ok, str(result)
    lo, hi = report.field[0]
    assert lo >= 0 and hi < 512  # the whole field along the height is inside the image, and measured


# --------------------------------------------------------------------------------------------
# Dilated stacks against coverage_map (notebook 05)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rates", [(2, 2), (1, 2, 5), (2, 4, 8), (1, 2, 9), (3, 3, 3)])
def test_dilated_stacks_against_coverage_map(rates):
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Conv2d(2, 2, 3, dilation=r, padding=r) for r in rates])
    expected = coverage_map([Layer(3, dilation=r) for r in rates])
    n = 2 * len(expected) + 1
    report = audit(model, n)
    assert report.receptive_field == expected.shape
    np.testing.assert_array_equal(report.coverage, expected)
    assert report.holes == int((expected == 0).sum())
    assert report.verify(model).ok


# --------------------------------------------------------------------------------------------
# Layer kinds: string and asymmetric padding, padding modes, groups, ceil_mode, transposed
# convolutions with output_padding, interpolation; misaligned branches
# --------------------------------------------------------------------------------------------


class Zoo(nn.Module):
    def __init__(self, mode: str, align: bool | None):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, padding="same")
        self.b = nn.Conv2d(4, 4, 4, padding="same", dilation=2)
        self.pool = nn.MaxPool2d(3, 2, 1, ceil_mode=True)
        self.c = nn.Conv2d(4, 4, 3, padding=1, padding_mode="reflect")
        self.pad = nn.ZeroPad2d((0, 1, 2, 0))
        self.d = nn.Conv2d(4, 4, (3, 1), groups=2, stride=(2, 1))
        self.up = nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1, dilation=1)
        self.avg = nn.AvgPool2d(2, ceil_mode=True)
        self.mode, self.align = mode, align

    def forward(self, x):
        x = self.pool(self.b(torch.relu(self.a(x))))
        x = self.up(self.d(self.pad(self.c(x))))
        y = nn.functional.interpolate(self.avg(x), scale_factor=2, mode=self.mode, align_corners=self.align)
        z = nn.functional.interpolate(x, size=y.shape[-2:], mode="nearest")
        both = torch.cat([y, z], dim=1)
        return both * both.mean((2, 3), keepdim=True)  # a squeeze-excitation-like global gate


@pytest.mark.parametrize("mode,align", [("nearest", None), ("bilinear", False), ("bilinear", True)])
def test_layer_kinds_sizes_and_reach(mode, align):
    torch.manual_seed(0)
    model = Zoo(mode, align)
    for hw in ((31, 31), (17, 26), (40, 23)):
        report = audit(model, hw)
        assert report.output_size == forward_size(model, hw)
        assert report.verify(model).ok, str(report.verify(model))
        assert report.global_paths  # the squeeze-excitation-like gate


def test_misaligned_branches_warn():
    class Branches(nn.Module):
        def __init__(self):
            super().__init__()
            self.centred = nn.Conv2d(3, 4, 3, padding=1)
            self.shifted = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(3, 4, 2))

        def forward(self, x):
            return self.centred(x) + self.shifted(x)

    report = audit(Branches(), 16)
    # branch centres (Araujo et al.): 0 for the 3x3, 0.5 for the 2x2 padded on the far side
    assert any("misaligned" in w and "0, 0.5" in w for w in report.warnings)
    assert report.verify(Branches()).ok


class OneCellReduction(nn.Module):
    """A stride-2 convolution, a reduction over its map, a 3x3 convolution: on a 2x2 input the map is one cell."""

    def __init__(self, reduce: str):
        super().__init__()
        self.a, self.b, self.reduce = nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.Conv2d(4, 4, 3, padding=1), reduce
        self.pool = {"avg pool": nn.AdaptiveAvgPool2d(1), "max pool": nn.AdaptiveMaxPool2d(1)}.get(reduce)

    def forward(self, x):
        y = self.a(x)
        if self.reduce == "mean":
            y = y.mean((2, 3), keepdim=True)
        elif self.reduce == "amax":
            y = y.amax(3, keepdim=True)
        elif self.pool is not None:
            y = self.pool(y)
        return self.b(y)


@pytest.mark.parametrize("reduce", ["mean", "amax", "avg pool", "max pool"])
def test_a_reduction_over_one_cell_axes_is_an_identity(reduce):
    """A mean or pool over a one-cell map reads that cell: a local path, the stride kept (it once read (0, 0))."""
    torch.manual_seed(0)
    model = OneCellReduction(reduce)
    report = audit(model, 2)
    assert report.output_size == forward_size(model, (2, 2)) == (1, 1)
    assert report.output_stride == (2, 2)  # the stride-2 convolution's; the reduction keeps its one cell
    assert report.global_paths == ()
    assert report.verify(model).ok, str(report.verify(model))  # autograd reaches the input through it
    # on a larger input the same reduction mixes the map, so the output is no feature map: the audit reads the one before
    wide = audit(model, 8)
    assert wide.at == "a (last feature map)" and any("not a feature map" in note for note in wide.notes)


def test_a_map_shrunk_to_one_row_is_still_the_last_feature_map():
    """2x8 input, stride 2: the map is 1x4; a mean over it mixes the width, so the audit reads the 1x4 map (it once
    raised 'no feature map')."""
    model = OneCellReduction("mean")
    report = audit(model, (2, 8))
    assert report.at == "a (last feature map)" and report.output_size == (1, 4)
    assert report.output_stride == (2, 2) and report.verify(model).ok


# --------------------------------------------------------------------------------------------
# Bad input: a clear TypeError / ValueError, never a deep traceback
# --------------------------------------------------------------------------------------------


class DataDependent(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3)

    def forward(self, x):
        if x.mean() > 0:
            return self.conv(x)
        return x


class Wrapper(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = DataDependent()

    def forward(self, x):
        return self.head(x)


def test_bad_input():
    small = on_meta(lambda: torchvision.models.resnet18(weights=None))
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        audit("resnet50", 224)
    with pytest.raises(ValueError, match="at='layer5' names no module.*did you mean 'layer4'"):
        audit(small, 224, at="layer5")
    with pytest.raises(TypeError, match="at must be"):
        audit(small, 224, at=4)
    with pytest.raises(ValueError, match="does not run on a 3-channel input of size"):
        audit(on_meta(lambda: torchvision.models.vgg16(weights=None)), 20, at="features")
    with pytest.raises(ValueError, match="input_size must be an integer >= 1"):
        audit(small, 0)
    with pytest.raises(TypeError, match="model must be"):
        audit(torchvision.models.resnet18(weights=None), 64, at="layer4").verify("small")


def test_import_helpers_does_not_import_torch():
    code = "import sys, helpers; helpers.audit; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False"]
