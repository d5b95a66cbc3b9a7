"""Issue 11 (notebook 03): the corrected claims, swept, and the cone of one output (rf_cone)."""

import itertools

import numpy as np
import pytest
from oracles import path_counts, reachable_inputs

from helpers import Layer, effective_receptive_field, output_sizes, receptive_field, resnet50, rf_cone


def test_stride_2_every_layer_is_exponential_too():
    """Item 7 (03 cell 1): not only doubling rates — stride 2 at every layer also gives r = 2^(L+1) - 1."""
    for depth in range(1, 13):
        strided = [Layer(3, stride=2, padding=1)] * depth
        doubling = [Layer(3, dilation=2**i, padding=2**i) for i in range(depth)]
        assert receptive_field(strided)[-1].r == receptive_field(doubling)[-1].r == 2 ** (depth + 1) - 1


def test_fixed_rate_is_linear():
    """Item 7: a fixed rate d, however large, grows r linearly: 2dL + 1."""
    for d in range(1, 17):
        for depth in range(1, 13):
            assert receptive_field([Layer(3, dilation=d, padding=d)] * depth)[-1].r == 2 * d * depth + 1


STACKS = [
    [Layer(3, padding=1), Layer(3, stride=2, padding=1), Layer(3, dilation=2, padding=2), Layer(2, stride=2, kind="pool")],
    [Layer(5, padding=2), Layer(3, stride=3, padding=1), Layer(2, stride=2, kind="pool"), Layer(3, dilation=3, padding=3)],
    [Layer(3, dilation=d, padding=d) for d in (2, 4, 8)],
]


@pytest.mark.parametrize("layers", STACKS)
def test_gradient_support_is_the_field_only_where_gradients_can_reach(layers):
    """Item 7 (03 cell 7): with positive weights and average pools the gradient of the centre output is
    non-zero exactly on the reachable pixels of the span; the span is the field (holes are possible)."""
    size = 48
    row = receptive_field(layers)[-1]
    u = (output_sizes(layers, size)[-1] - 1) // 2
    grad = effective_receptive_field(layers, size).sum(axis=1)
    inside = {c for c in reachable_inputs(layers, u) if 0 <= c < size}
    assert set(np.flatnonzero(grad > 0)) == inside
    assert min(reachable_inputs(layers, u)) == u * row.S - row.P
    assert max(reachable_inputs(layers, u)) == u * row.S - row.P + row.r - 1


def test_doubling_dilations_are_jagged_not_flat():
    """Item 7 (03 cell 43): dilations 1, 2, 4, 8 reach every pixel, but path counts vary 5:1 per axis."""
    paths = np.array(rf_cone([Layer(3, dilation=d, padding=d) for d in (1, 2, 4, 8)])[0].paths)
    assert paths.min() == 1 and paths.max() == 5
    erf = effective_receptive_field([Layer(3, dilation=d, padding=d) for d in (1, 2, 4, 8)], 64)
    nz = erf[erf > 0]
    assert nz.max() / nz.min() == pytest.approx(25)


def test_resnet50_counts_49_convolutions_on_the_main_path():
    """Item 8 (03 cell 24): the 50 = 49 convolutions + the FC layer; the max-pool is not counted."""
    layers = resnet50()
    assert sum(layer.kind == "conv" for layer in layers) == 49
    assert sum(layer.kind == "pool" for layer in layers) == 1


CONE_STACKS = [
    [Layer(k, stride=s, dilation=d, padding=p) for k, s, d, p in combo]
    for combo in itertools.product([(3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 2, 2), (2, 2, 1, 0), (5, 1, 1, 0)], repeat=3)
]


@pytest.mark.parametrize("layers", CONE_STACKS)
def test_rf_cone_bottom_is_the_receptive_field(layers):
    """rf_cone: level 0 spans exactly the recurrences' window, with the oracle's path counts."""
    row = receptive_field(layers)[-1]
    for u in (0, 3):
        cone = rf_cone(layers, output=u)
        assert cone[0].first == u * row.S - row.P
        assert list(cone[0].paths) == list(path_counts(layers))
        reached = {cone[0].first + j for j, c in enumerate(cone[0].paths) if c}
        assert reached == reachable_inputs(layers, u)
        assert [c.level for c in cone] == list(range(len(layers) + 1))
        assert cone[-1].positions()[0] == pytest.approx(row.center + u * row.S)


def test_rf_cone_errors():
    with pytest.raises(ValueError, match="at least one"):
        rf_cone([])
    with pytest.raises(ValueError, match="output"):
        rf_cone([Layer(3)], output=-1)
    with pytest.raises(ValueError, match="explicit padding"):
        rf_cone([Layer(3, stride=2, padding="same")])
