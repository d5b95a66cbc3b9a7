"""Cross-check against real PyTorch where it is installed (optional; never a dependency).

The brute-force oracles are the primary check; this file confirms that the
oracles and formulas agree with the framework itself. Skipped without torch.
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
F = torch.nn.functional

from helpers import conv2d, conv_output_size, conv_transpose2d, transposed_output_size  # noqa: E402


@given(n=st.integers(1, 40), k=st.integers(1, 6), s=st.integers(1, 4), d=st.integers(1, 3), data=st.data())
def test_pool_sizes_match_torch(n, k, s, d, data):
    p = data.draw(st.integers(0, k // 2))
    ceil = data.draw(st.booleans())
    assume(n + 2 * p >= d * (k - 1) + 1)
    y = F.max_pool2d(torch.zeros(1, 1, n, n), k, s, p, d, ceil_mode=ceil)
    assert y.shape[-1] == conv_output_size(n, k, stride=s, padding=p, dilation=d, ceil_mode=ceil)


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
    try:
        n_out = transposed_output_size(h, k, stride=s, padding=p, dilation=d, output_padding=op)
    except ValueError:
        return
    rng = np.random.default_rng(seed)
    y, wt = rng.standard_normal((1, 2, h, h)), rng.standard_normal((2, 3, k, k))
    ref = F.conv_transpose2d(
        torch.from_numpy(y), torch.from_numpy(wt), stride=s, padding=p, output_padding=op, dilation=d
    ).numpy()
    assert ref.shape[-1] == n_out
    np.testing.assert_allclose(conv_transpose2d(y, wt, stride=s, padding=p, dilation=d, output_padding=op), ref, rtol=1e-9, atol=1e-9)
