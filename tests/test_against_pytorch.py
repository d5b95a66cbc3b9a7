"""Cross-check against real PyTorch where it is installed (optional; never a dependency).

The brute-force oracles are the primary check; this file confirms that the
oracles and formulas agree with the framework itself. Skipped without torch.
"""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
F = torch.nn.functional

from helpers import conv2d, conv_output_size, conv_transpose2d, transposed_output_size  # noqa: E402


def torch_pool_size(n, k, s, p, d, ceil, avg=False):
    """PyTorch's pooled width, or None when PyTorch refuses the layer (output too small)."""
    x = torch.zeros(1, 1, 1, n)
    try:
        if avg:
            y = F.avg_pool2d(x, (1, k), (1, s), (0, p), ceil_mode=ceil)
        else:
            y = F.max_pool2d(x, (1, k), (1, s), (0, p), (1, d), ceil_mode=ceil)
    except RuntimeError:
        return None
    return y.shape[-1]


def our_pool_size(n, k, s, p, d, ceil):
    try:
        return conv_output_size(n, k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
    except ValueError:
        return None


@given(n=st.integers(1, 40), k=st.integers(1, 6), s=st.integers(1, 4), d=st.integers(1, 3), data=st.data())
def test_pool_sizes_match_torch(n, k, s, d, data):
    # no assumption that the kernel fits: both must refuse, or agree on the size
    p = data.draw(st.integers(0, k // 2))
    ceil = data.draw(st.booleans())
    ours = our_pool_size(n, k, s, p, d, ceil)
    assert torch_pool_size(n, k, s, p, d, ceil) == ours
    if ours is not None:  # and square 2-D pooling gives that size on both axes
        assert F.max_pool2d(torch.zeros(1, 1, n, n), k, s, p, d, ceil_mode=ceil).shape[-2:] == (ours, ours)


def test_pool_sizes_match_torch_on_a_whole_small_domain():
    # every n <= 12, k <= 6, s <= 5, p <= k // 2, d <= 3, both modes (max pooling; average pooling,
    # which has no dilation, for d = 1), including the rare kernels longer than the padded input
    mismatches = []
    for n, k, s, d in itertools.product(range(1, 13), range(1, 7), range(1, 6), range(1, 4)):
        for p, ceil in itertools.product(range(k // 2 + 1), (False, True)):
            ours = our_pool_size(n, k, s, p, d, ceil)
            kinds = (False, True) if d == 1 else (False,)
            for avg in kinds:
                theirs = torch_pool_size(n, k, s, p, d, ceil, avg=avg)
                if theirs != ours:
                    mismatches.append((n, k, s, p, d, ceil, avg, ours, theirs))
    assert not mismatches, mismatches[:10]


@pytest.mark.parametrize("n, k, s, p, d", [(1, 2, 4, 0, 1), (14, 6, 3, 0, 3), (4, 4, 4, 1, 2)])
def test_ceil_mode_window_longer_than_the_input(n, k, s, p, d):
    # the three settings that used to be refused: PyTorch gives one window
    assert torch_pool_size(n, k, s, p, d, True) == conv_output_size(n, k, stride=s, padding=p, dilation=d, ceil_mode=True) == 1


@given(
    h=st.integers(1, 10), w=st.integers(1, 10), k=st.integers(1, 4), s=st.integers(1, 3),
    d=st.integers(1, 3), p=st.integers(0, 3), seed=st.integers(0, 999),
)
def test_conv2d_values_match_torch(h, w, k, s, d, p, seed):
    assume(min(h, w) + 2 * p >= d * (k - 1) + 1)
    rng = np.random.default_rng(seed)
    x, wt = rng.standard_normal((2, 3, h, w)), rng.standard_normal((4, 3, k, k))
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(wt), stride=s, padding=p, dilation=d).numpy()
    np.testing.assert_allclose(conv2d(x, wt, stride=s, padding=p, dilation=d), ref, rtol=1e-9, atol=1e-9)


@given(
    h=st.integers(1, 8), k=st.integers(1, 4), s=st.integers(1, 3), d=st.integers(1, 3),
    p=st.integers(0, 3), seed=st.integers(0, 999), data=st.data(),
)
def test_conv_transpose2d_matches_torch(h, k, s, d, p, seed, data):
    op = data.draw(st.integers(0, max(s, d) - 1))
    rng = np.random.default_rng(seed)
    y, wt = rng.standard_normal((1, 2, h, h)), rng.standard_normal((2, 3, k, k))

    def torch_layer():
        return F.conv_transpose2d(
            torch.from_numpy(y), torch.from_numpy(wt), stride=s, padding=p, output_padding=op, dilation=d
        ).numpy()

    try:
        n_out = transposed_output_size(h, k, stride=s, padding=p, dilation=d, output_padding=op)
    except ValueError:  # helpers refuses: PyTorch must refuse the same layer
        with pytest.raises(RuntimeError):
            torch_layer()
        return
    ref = torch_layer()
    assert ref.shape[-1] == n_out
    np.testing.assert_allclose(conv_transpose2d(y, wt, stride=s, padding=p, dilation=d, output_padding=op), ref, rtol=1e-9, atol=1e-9)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")  # a speed note, not a result
@pytest.mark.parametrize("stride", [1, 2, 3, 4])
@pytest.mark.parametrize("kernel", [2, 3, 4, 5])
def test_padding_same_exists_only_for_stride_1(stride, kernel):
    """Notebook 01: "PyTorch's `padding="same"` exists only for stride 1" — swept over strides and kernels."""
    if stride == 1:
        layer = torch.nn.Conv2d(1, 1, kernel, stride=1, padding="same")
        for n in range(kernel, kernel + 6):  # and it keeps the size for every N
            assert layer(torch.zeros(1, 1, n, n)).shape[-1] == n
    else:
        with pytest.raises(ValueError, match="same"):
            torch.nn.Conv2d(1, 1, kernel, stride=stride, padding="same")


@pytest.mark.parametrize("n, k, d, s, p", [
    (8, 3, 1, 2, 0), (7, 3, 1, 2, 1), (224, 7, 1, 2, 3), (10, 4, 1, 3, 1),  # notebook 01's cross-check cell
    (13, 3, 2, 1, 0), (33, 3, 4, 1, 4), (65, 3, 4, 2, 2), (16, 3, 3, 4, 0),  # notebook 02's cross-check cell
])
def test_the_notebooks_cross_check_settings_agree_with_torch(n, k, d, s, p):
    """Issue 24: notebooks 01 and 02 print 'values equal: ...' under nbval-ignore-output, so 'False' would pass
    there; the same settings, the same seeded torch layer, asserted here."""
    torch.manual_seed(0)
    layer = torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
    image = torch.randn(1, 1, n, n)
    out = layer(image).detach().numpy()[0, 0]
    ours = conv2d(image.numpy()[0, 0], layer.weight.detach().numpy()[0, 0], stride=s, padding=p, dilation=d)
    assert out.shape == ours.shape == (conv_output_size(n, k, stride=s, padding=p, dilation=d),) * 2
    np.testing.assert_allclose(ours, out, atol=1e-4)
