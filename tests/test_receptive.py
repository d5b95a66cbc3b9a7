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


# ---- tests added for mutants that survived benchmarks/mutation.py (issue 24) ----

def _cone_by_enumeration(layers, u):
    """Each level's {position: number of tap chains} from output ``u``, by walking every chain (no formulas)."""
    levels = [{u: 1}]
    for layer in reversed(layers):
        before = layer.padding[0] if isinstance(layer.padding, tuple) else layer.padding
        below = {}
        for p, c in levels[0].items():
            for t in range(layer.kernel):
                q = p * layer.stride + t * layer.dilation - before
                below[q] = below.get(q, 0) + c
        levels.insert(0, below)
    return levels


@pytest.mark.parametrize("layers", [
    [Layer(3, stride=2, padding=(0, 1)), Layer(3, dilation=2, padding=(2, 1)), Layer(2, stride=2, padding=(1, 0))],
    [Layer(3, padding=1), Layer(3, stride=2, dilation=3, padding=(3, 2)), Layer(3, padding=(0, 2))],
])
@pytest.mark.parametrize("u", [0, 1, 3])
def test_rf_cone_every_level_against_enumerated_chains(layers, u):
    from helpers import rf_cone

    cone = rf_cone(layers, output=u)
    chains = _cone_by_enumeration(layers, u)
    assert [c.level for c in cone] == list(range(len(layers) + 1))
    for level, (c, found) in enumerate(zip(cone, chains)):
        lo, hi = min(found), max(found)
        assert c.first == lo
        assert c.paths == tuple(found.get(q, 0) for q in range(lo, hi + 1))
        spacing = 1
        for layer in layers[:level]:
            spacing *= layer.stride
        assert c.spacing == spacing
        # position 0 of this map: the centre of the input pixels its chains reach
        reach = _cone_by_enumeration(layers[:level], 0)[0]
        assert c.center == (min(reach) + max(reach)) / 2


def test_pads_of_same_and_valid_without_an_input_size():
    assert Layer(3, padding="same").pads() == (1, 1)
    assert Layer(2, padding="same").pads() == (0, 1)  # TensorFlow: the extra zero after
    assert Layer(3, dilation=2, padding="same").pads() == (2, 2)
    assert Layer(3, padding="valid").pads() == (0, 0) == Layer(3, padding="valid").pads(7)


def test_rf_cone_accepts_same_padding_with_stride_one():
    from helpers import rf_cone

    cone = rf_cone([Layer(3, padding="same"), Layer(3, stride=2, padding=1)], output=1)
    assert cone[0].first == 0 and cone[0].paths == (1, 2, 3, 2, 1)


def test_each_size_argument_is_refused_just_below_its_range():
    from helpers import cell_centers, layer_costs

    stack = [Layer(1, channels=1)]
    assert output_sizes(stack, 1) == (1,)
    assert receptive_field(stack, input_size=1)[-1].r == 1
    assert cell_centers(stack, 1) == (0.0,)
    assert layer_costs(stack, 1, in_channels=1)[0].macs == 1
    assert layer_costs(stack, (1, 2), in_channels=1)[0].width == 2
    for call, name in [(lambda: output_sizes(stack, 0), "n"), (lambda: receptive_field(stack, input_size=0), "input_size"),
                       (lambda: cell_centers(stack, 0), "input_size"), (lambda: layer_costs(stack, (0, 1)), "input_size"),
                       (lambda: layer_costs(stack, (1, 0)), "input_size"),
                       (lambda: layer_costs(stack, 1, in_channels=0), "in_channels")]:
        with pytest.raises(ValueError, match=rf"^{name}(\[[01]\])? must be an integer >= "):
            call()


def test_pooling_cost_row():
    """A pooling layer: no multiply-adds, no weights, the input's channels; activations counted by hand."""
    from helpers import LayerCost, layer_costs

    assert layer_costs([Layer(2, stride=2, kind="pool")], (8, 6), in_channels=3)[0] == LayerCost(
        "layer1", 4, 3, 3, 3, 0, 4 * 3 * 3, 0)
