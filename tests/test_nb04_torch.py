"""Issue 11, items 1 and 2: heatmap sizes checked against torch / torchvision forward passes.

Shapes come from the ``meta`` device (the real modules' shape inference, no arithmetic) at a
few sizes chosen to cover different remainders mod 32 (a meta pass of ResNet-50 takes ~2 s on
the 2-core CI machine, so no long sweep here: the pure sweeps live in test_nb04_claims.py);
N = 100 also runs for real on the CPU. Skipped where torch is not installed.
"""

import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

from helpers import encoder_decoder_size, heatmap_size, output_sizes, resnet50, vgg16  # noqa: E402


def _simple_baselines(device):
    """torchvision ResNet-50 without pool/fc, then three ConvTranspose2d(k=4, s=2, p=1) (Xiao et al. 2018)."""
    net = torchvision.models.resnet50(weights=None)
    body = torch.nn.Sequential(*list(net.children())[:-2])
    deconvs = [torch.nn.ConvTranspose2d(c, 8, 4, stride=2, padding=1, bias=False) for c in (2048, 8, 8)]
    return torch.nn.Sequential(body, *deconvs).to(device).eval()


def test_encoder_decoder_rule_matches_a_real_forward_pass():
    """Item 1: ResNet-50 + three k=4,s=2,p=1 transposed convs gives 64 at N=250 and 32 at N=100 (not ceil(N/4))."""
    net = _simple_baselines("cpu")
    with torch.no_grad():
        side = net(torch.zeros(1, 3, 100, 100)).shape[-1]
    assert side == 32 == encoder_decoder_size(100) != heatmap_size(100, 4)
    meta = _simple_baselines("meta")
    with torch.no_grad():
        for n, expected in [(250, 64), (100, 32)]:
            side = meta(torch.empty(1, 3, n, n, device="meta")).shape[-1]
            assert side == expected == encoder_decoder_size(n)
            assert side != heatmap_size(n, 4)


def test_encoder_decoder_rule_at_several_remainders():
    """Item 1: the rule 8·ceil(N/32) at remainders 1, 16, 29, 31 and 0 mod 32 (torchvision shapes)."""
    net = _simple_baselines("meta")
    with torch.no_grad():
        for n in (193, 208, 221, 223, 224):
            side = net(torch.empty(1, 3, n, n, device="meta")).shape[-1]
            assert side == encoder_decoder_size(n) == 8 * heatmap_size(n, 32), n


@pytest.mark.parametrize("os_", [32, 16, 8])
def test_resnet50_layer_list_matches_torchvision_shapes(os_):
    """Item 1 (encoder part): torchvision's ResNet-50 gives ceil(N/OS), as the layer list says."""
    dilate = {32: [False, False, False], 16: [False, False, True], 8: [False, True, True]}[os_]
    net = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=dilate)
    body = torch.nn.Sequential(*list(net.children())[:-2]).to("meta").eval()
    layers = resnet50(os_, variant="torchvision")
    for n in (97, 513):
        side = body(torch.empty(1, 3, n, n, device="meta")).shape[-1]
        assert side == output_sizes(layers, n)[-1] == heatmap_size(n, os_), n


def test_vgg16_pools_floor_not_same():
    """Item 2: VGG-16's 2x2 pools are VALID (floor): 513 -> 16, not ceil(513/32) = 17."""
    features = torchvision.models.vgg16(weights=None).features.to("meta").eval()
    for n in (100, 250, 513):
        side = features(torch.empty(1, 3, n, n, device="meta")).shape[-1]
        assert side == output_sizes(vgg16(), n)[-1] == n // 32, n
    assert output_sizes(vgg16(), 513)[-1] == 16 != heatmap_size(513, 32)
