"""Issue 11 (notebook 04): every corrected claim, swept over the domain the notebook states.

Each test names the issue item whose old wording it would have caught.
"""

import math

import numpy as np
import pytest
from oracles import count_windows

from helpers import (
    cell_centers,
    conv_output_size,
    encoder_decoder_size,
    heatmap_size,
    output_sizes,
    resnet50,
    scale_dimension,
    transposed_output_size,
    vgg16,
)


def test_encoder_decoder_is_not_ceil_n_over_4():
    """Item 1: ResNet-50 (÷32) + three k=4,s=2,p=1 transposed convs gives 64 at N=250, 32 at N=100."""
    assert (encoder_decoder_size(250), heatmap_size(250, 4)) == (64, 63)
    assert (encoder_decoder_size(100), heatmap_size(100, 4)) == (32, 25)


def test_encoder_decoder_rule_against_the_size_formulas():
    """Item 1: 8·ceil(N/32) equals walking the layer list and three transposed convs, N = 1..600."""
    layers = resnet50(variant="torchvision")
    for n in range(1, 601):
        m = output_sizes(layers, n)[-1]
        for _ in range(3):
            m = transposed_output_size(m, 4, stride=2, padding=1)
        assert m == encoder_decoder_size(n) == 8 * math.ceil(n / 32), n


def test_encoder_decoder_equals_ceil_only_where_the_notebook_says():
    """Item 1: 8·ceil(N/32) >= ceil(N/4), equal exactly when N mod 32 is 0, 29, 30 or 31."""
    for n in range(1, 2049):
        assert encoder_decoder_size(n) >= heatmap_size(n, 4)
        assert (encoder_decoder_size(n) == heatmap_size(n, 4)) == (n % 32 in (0, 29, 30, 31)), n


def test_vgg16_pools_floor():
    """Item 2: VGG-16's pools floor, so its output is floor(N/32) (513 -> 16), not ceil(N/32)."""
    for n in range(32, 600):
        assert output_sizes(vgg16(), n)[-1] == n // 32
    assert output_sizes(vgg16(), 513)[-1] == 16 and heatmap_size(513, 32) == 17


@pytest.mark.parametrize("os_", [1, 2, 4, 8, 16, 32, 64])
def test_scale_dimension_is_ceil_for_every_crop(os_):
    """Item 3: DeepLab's int((N-1)/OS + 1) equals ceil(N/OS) for every N, not only N = k·OS + 1."""
    for n in range(1, 4097):
        assert scale_dimension(n, 1 / os_) == heatmap_size(n, os_) == (n - 1) // os_ + 1
        f32 = np.float32
        assert int(f32((f32(n) - f32(1)) * f32(1 / os_) + f32(1))) == heatmap_size(n, os_)  # TF's float32 branch


def test_scale_dimension_rejects_bad_scale():
    with pytest.raises(ValueError, match="scale"):
        scale_dimension(513, 0)


def test_smaller_output_stride_never_gives_a_smaller_heatmap():
    """Item 8 ("always" -> "never smaller"): OS 8 >= OS 16 >= OS 32 for every N, formula and layer list."""
    for n in range(1, 1100):
        sizes = [heatmap_size(n, os_) for os_ in (8, 16, 32)]
        assert sizes == sorted(sizes, reverse=True)
    nets = [resnet50(os_) for os_ in (8, 16, 32)]
    for n in range(1, 300, 2):
        sizes = [output_sizes(layers, n)[-1] for layers in nets]
        assert sizes == sorted(sizes, reverse=True)


def _size(n, k, s, p, d):
    try:
        return conv_output_size(n, k, stride=s, padding=p, dilation=d)
    except ValueError:
        return 0  # the kernel does not fit: no output


def test_larger_rate_never_larger_and_smaller_unless_padding_grows():
    """Item 8 / the verdict: with a fixed padding a larger rate never enlarges the output, and at
    stride 1 strictly shrinks it (while any output is left); padding = d(K-1)/2 keeps it for every rate."""
    for n in range(1, 60):
        for k in (3, 5):
            for s in (1, 2, 3):
                for p in range(0, 3):
                    sizes = [_size(n, k, s, p, d) for d in range(1, 20)]
                    assert all(a >= b for a, b in zip(sizes, sizes[1:]))
                    if s == 1:
                        assert all(a > b or a == 0 for a, b in zip(sizes, sizes[1:])), (n, k, p)
                kept = {_size(n, k, s, d * (k - 1) // 2, d) for d in range(1, 20)}
                assert kept == {count_windows(n, k, s, (k - 1) // 2, (k - 1) // 2, 1)}


def test_argmax_error_is_os_over_2_on_k_os_plus_1_crops_and_more_otherwise():
    """Item 5: worst arg-max error per axis is OS/2 when N = k·OS+1, larger near the far border at N = 512."""
    for os_ in (8, 16, 32):
        for n in range(os_ + 1, 1100, os_):
            c = np.array(cell_centers(resnet50(os_), n))
            err = np.abs(np.arange(n)[:, None] - c[None, :]).min(axis=1)
            assert err.max() == os_ / 2, (os_, n)
    c = np.array(cell_centers(resnet50(32), 512))
    assert np.abs(np.arange(512)[:, None] - c[None, :]).min(axis=1).max() == 29


def test_deeplab_definition_and_stride_product_part():
    """Item 6: N / heatmap equals the stride product exactly when OS divides N (same-padded ResNet-50)."""
    for os_ in (8, 16, 32):
        layers = resnet50(os_)
        for n in range(1, 300):
            side = output_sizes(layers, n)[-1]
            assert (n / side == os_) == (n % os_ == 0), (os_, n)
