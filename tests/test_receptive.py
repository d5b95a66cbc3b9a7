"""Receptive-field recurrences against path-walking and the published tables."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles import reachable_inputs

from helpers import Layer, alexnet, context_module, output_sizes, output_stride, receptive_field, resnet50, vgg16

layer_st = st.builds(
    Layer,
    kernel=st.integers(1, 5),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 3),
    padding=st.integers(0, 3),
)


@given(st.lists(layer_st, min_size=1, max_size=5), st.integers(0, 3))
def test_recurrence_matches_path_walk(layers, u):
    row = receptive_field(layers)[-1]
    coords = reachable_inputs(layers, u)
    assert max(coords) - min(coords) + 1 == row.r  # r: the span read by one output
    assert min(coords) == u * row.S - row.P  # u0 = -P + u * S (Araujo et al.)
    assert (min(coords) + max(coords)) / 2 == row.center + u * row.S
    step = reachable_inputs(layers, u + 1)
    assert min(step) - min(coords) == row.S == output_stride(layers)


@given(st.lists(layer_st, min_size=1, max_size=4), st.integers(1, 64))
def test_same_padding_layers_need_input_size(layers, n):
    same = [Layer(l.kernel, stride=l.stride, dilation=1, padding="same") for l in layers]
    row = receptive_field(same, input_size=n)[-1]
    coords = reachable_inputs(same, 0, n)
    assert (max(coords) - min(coords) + 1, -min(coords)) == (row.r, row.P)


# Araujo, Norris & Sim, Distill 2019, per-endpoint tables (r / S / P for a 224 input)
VGG16_PUBLISHED = {
    "conv1_1": (3, 1, 1), "pool1": (6, 2, 2), "conv2_1": (10, 2, 4), "pool2": (16, 4, 6),
    "conv3_1": (24, 4, 10), "conv3_2": (32, 4, 14), "pool3": (44, 8, 18), "conv4_1": (60, 8, 26),
    "conv4_2": (76, 8, 34), "pool4": (100, 16, 42), "conv5_1": (132, 16, 58), "conv5_2": (164, 16, 74),
    "pool5": (212, 32, 90),
}
ALEXNET_PUBLISHED = {
    "conv1": (11, 4, 0), "pool1": (19, 8, 0), "conv2": (51, 8, 16), "conv3": (99, 16, 32),
    "conv4": (131, 16, 48), "conv5": (163, 16, 64), "pool5": (195, 32, 64),
}


@pytest.mark.parametrize("net, published", [(vgg16, VGG16_PUBLISHED), (alexnet, ALEXNET_PUBLISHED)])
def test_published_tables(net, published):
    rows = {row.name: (row.r, row.S, row.P) for row in receptive_field(net(), input_size=224)}
    for name, value in published.items():
        assert rows[name] == value, name


def test_resnet50_published():
    # Araujo et al. headline table: resnet_v1_50 483 / 32 / 239 (TF-Slim, 224 input)
    row = receptive_field(resnet50(), input_size=224)[-1]
    assert (row.r, row.S, row.P) == (483, 32, 239)


@pytest.mark.parametrize("variant", ["slim", "torchvision"])
def test_deeplab_output_stride_keeps_receptive_field(variant):
    # Chen et al. 2017: removing strides and dilating the following layers keeps r, changes OS
    base = receptive_field(resnet50(32, variant=variant), input_size=513)[-1].r
    for os_, size in [(32, 17), (16, 33), (8, 65)]:  # DeepLab: (513 - 1)/OS + 1
        layers = resnet50(os_, variant=variant)
        assert output_stride(layers) == os_
        assert receptive_field(layers, input_size=513)[-1].r == base
        assert output_sizes(layers, 513)[-1] == size


def test_deeplab_rates():
    # Chen et al. 2017: OS 8 -> block3 rate 2, block4 rate 4; multi-grid (1, 2, 4) at OS 16 -> (2, 4, 8)
    def rates(layers, block):
        return [l.dilation for l in layers if l.kernel == 3 and l.name.startswith(block)]

    os8 = resnet50(8)
    assert rates(os8, "block2") == [1, 1, 1, 1]  # its last unit loses its stride, keeps rate 1
    assert rates(os8, "block3") == [2] * 6
    assert rates(os8, "block4") == [4, 4, 4]
    assert rates(resnet50(16), "block3") == [1] * 6 and rates(resnet50(16), "block4") == [2, 2, 2]
    assert rates(resnet50(16, multi_grid=(1, 2, 4)), "block4") == [2, 4, 8]
    assert rates(resnet50(32, multi_grid=(1, 2, 4)), "block4") == [1, 2, 4]


def test_context_module_published():
    # Yu & Koltun 2016, basic context module: receptive fields 3, 5, 9, 17, 33, 65, 67, 67
    assert [row.r for row in receptive_field(context_module())] == [3, 5, 9, 17, 33, 65, 67, 67]
    assert set(output_sizes(context_module(), 64)) == {64}  # padding = dilation keeps the size


def test_wavenet_block():
    # van den Oord et al. 2016: filter width 2, dilations 1..512 -> receptive field 1024 per block
    block = [Layer(2, dilation=2**i) for i in range(10)]
    assert receptive_field(block)[-1].r == 1024
    assert receptive_field(block * 3)[-1].r == 3 * 1023 + 1
    # without dilation a stack's receptive field is layers + filter length - 1
    assert receptive_field([Layer(2)] * 10)[-1].r == 10 + 2 - 1
