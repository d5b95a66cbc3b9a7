"""Checks of the notation claims in notebook 00 · start here (issue 10, second edition)."""

from __future__ import annotations

import numpy as np

from helpers import Layer, conv2d, heatmap_size, output_stride, receptive_field


def test_output_stride_is_the_product_of_strides_and_the_ratio_differs_unless_sizes_divide():
    """Issue 10 item 6: 00 defined OS as input ÷ heatmap; the helpers (and now 00) use the product
    of the strides. The size ratio n / ceil(n / OS) equals OS exactly when OS divides n (swept)."""
    for strides in [(2, 2, 2), (2, 2, 2, 2), (4, 2, 2, 2), (2, 2, 2, 2, 2)]:
        layers = [Layer(3, stride=s, padding=1) for s in strides]
        os_ = output_stride(layers)
        assert os_ == int(np.prod(strides))
        for n in range(1, 700):
            assert (n / heatmap_size(n, os_) == os_) == (n % os_ == 0), (strides, n)


def _influence(n: int, layers: list[tuple[int, int]]) -> set[int]:
    """Input pixels whose value changes output 0 of a stack of (kernel, dilation) layers (unit impulses)."""
    hit = set()
    for i in range(n):
        x = np.zeros((1, n))
        x[0, i] = 1.0
        for k, d in layers:
            x = conv2d(x, np.ones((1, k)), dilation=(1, d))
        if x[0, 0] != 0:
            hit.add(i)
    return hit


def test_receptive_field_is_a_span_that_can_contain_holes():
    """Issue 10 item 3: r was defined as "input pixels one output depends on"; it is the span from the
    first to the last such pixel, and with dilation some pixels inside the span do not influence it."""
    for stack in [[(3, 2)], [(3, 2), (3, 2)], [(3, 4), (3, 4)], [(2, 3)]]:
        r = receptive_field([Layer(k, dilation=d) for k, d in stack])[-1].r
        hit = _influence(40, stack)
        assert max(hit) - min(hit) + 1 == r, stack
        assert len(hit) < r, stack                      # holes inside the span
    # without dilation the span is filled: r pixels really are r pixels read
    for stack in [[(3, 1)], [(3, 1), (5, 1)]]:
        r = receptive_field([Layer(k) for k, _ in stack])[-1].r
        assert len(_influence(40, stack)) == r
