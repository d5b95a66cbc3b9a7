"""Decoder conventions of notebook 04 (helpers.decoding) against their definitions and PyTorch.

- DeepLab resizes logits with bilinear align_corners=True (tensorflow/models research/deeplab);
  PyTorch's F.interpolate(align_corners=True) is the same map.
- SimpleBaselines / HRNet (leoxiaobin/deep-high-resolution-net.pytorch): targets drawn on cell
  int(x / stride + 0.5) (JointsDataset.generate_target), decoded as the arg-max cell, moved a
  quarter cell towards the larger neighbour (get_final_preds), and mapped back by the affine
  transform of the box, which for a box of heatmap_width·stride pixels is u·stride.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers.decoding import align_corners_position, decoder_reads, nearest_cell, stride_position, transposed_reads


@pytest.mark.parametrize("n_cells,n_pixels", [(33, 513), (32, 512), (17, 513), (64, 512), (2, 2), (5, 9), (7, 100)])
def test_align_corners_is_the_corner_to_corner_map(n_cells, n_pixels):
    u = np.arange(n_cells)
    got = align_corners_position(u, n_cells, n_pixels)
    # definition: first cell on pixel 0, last on pixel N-1, evenly spaced in between
    expected = np.linspace(0, n_pixels - 1, n_cells)
    assert np.allclose(got, expected)


def test_align_corners_single_cell_sits_on_pixel_zero():
    assert align_corners_position(0, 1, 513) == 0.0


def test_align_corners_matches_pytorch_interpolate():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    for m, n in [(33, 513), (32, 512), (65, 513), (64, 512), (3, 10)]:
        ramp = torch.arange(m, dtype=torch.float64).view(1, 1, m)
        up = F.interpolate(ramp, size=n, mode="linear", align_corners=True)[0, 0].numpy()
        # pixel x of the resized ramp holds the (fractional) cell index painted there; mapping that
        # index back through the convention must land on x again
        assert np.allclose(align_corners_position(up, m, n), np.arange(n))
        onehot = torch.zeros(1, 1, m, dtype=torch.float64)
        onehot[0, 0, m // 2] = 1
        peak = int(F.interpolate(onehot, size=n, mode="linear", align_corners=True)[0, 0].argmax())
        assert abs(peak - align_corners_position(m // 2, m, n)) <= 0.5


def _hrnet_target_cell(x: float, stride: int) -> int:
    return int(x / stride + 0.5)  # JointsDataset.generate_target


def test_stride_position_inverts_hrnet_targets_to_half_a_cell():
    for stride in (4, 8):
        for x in np.arange(0, 256, 0.25):
            back = stride_position(_hrnet_target_cell(x, stride), stride)
            assert abs(back - x) <= stride / 2


def test_quarter_shift_is_a_quarter_cell_in_pixels():
    assert stride_position(10, 4, shift=0.25) - stride_position(10, 4) == 1.0
    assert stride_position(10, 4, shift=-0.25) - stride_position(10, 4) == -1.0


def test_nearest_cell_is_the_argmin_distance():
    pos = np.array([2.0, 18.0, 34.0])
    for x in range(0, 40):
        d = [abs(x - p) for p in pos]
        assert nearest_cell(x, pos) == d.index(min(d))


def _scatter_reads(v, layers=3, k=4, s=2, p=1):
    cells = {v}
    for _ in range(layers):
        cells = {i for o in cells for i in range(-5, o + 5) for t in range(k) if i * s - p + t == o}
    return cells


def test_decoder_reads_matches_a_tap_by_tap_scatter():
    for v in range(0, 140):
        lo, hi = decoder_reads(v)
        cells = {c for c in _scatter_reads(v) if c >= 0}
        assert (max(lo, 0), hi) == (min(cells), max(cells))
    assert transposed_reads(65, kernel=4, stride=2, padding=1) == (32, 33)


def test_decoder_reads_matches_pytorch_gradient():
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, 1, 24, requires_grad=True)
    y = x
    for _ in range(3):
        y = torch.nn.functional.conv_transpose1d(y, torch.ones(1, 1, 4), stride=2, padding=1)
    for v in (0, 1, 63, 64, 65, 70, 71, 100):
        (g,) = torch.autograd.grad(y[0, 0, v], x, retain_graph=True)
        read = torch.nonzero(g[0, 0]).flatten().tolist()
        lo, hi = decoder_reads(v)
        assert (min(read), max(read)) == (max(lo, 0), hi)
