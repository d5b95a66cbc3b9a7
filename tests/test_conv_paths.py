"""Both code paths of the reference convolution (one channel in and out; several channels).

The property tests in test_conv.py cover values on small random shapes; these
pin what the paths must share: dtype, batch handling, and agreement with each
other on the same single-channel problem.
"""

import numpy as np
import pytest
from oracles import conv2d_loops

from helpers import conv2d, conv_transpose2d


@pytest.mark.parametrize("channels", [(1, 1), (2, 3)])
def test_float32_stays_float32_and_matches_loops(channels):
    o, c = channels
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, c, 9, 8)).astype(np.float32)
    w = rng.standard_normal((o, c, 3, 2)).astype(np.float32)
    y = conv2d(x, w, stride=(2, 1), padding=(1, 2), dilation=(2, 3))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, conv2d_loops(x.astype(float), w.astype(float), (2, 1), (1, 2), (2, 3)), rtol=1e-5, atol=1e-5)
    xt = conv_transpose2d(y, w, stride=(2, 1), padding=(1, 2), dilation=(2, 3))
    assert xt.dtype == np.float32


def test_single_channel_path_equals_multichannel_path():
    # The same single-channel problem, computed once alone (o = c = 1) and once as
    # channel 0 of a 2-channel problem whose second channel has zero weights.
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 1, 11, 10))
    w = rng.standard_normal((1, 1, 3, 3))
    w2 = np.zeros((2, 2, 3, 3))
    w2[0, 0] = w[0, 0]
    x2 = np.concatenate([x, rng.standard_normal(x.shape)], axis=1)
    kw = dict(stride=2, padding=2, dilation=2)
    one = conv2d(x, w, **kw)
    two = conv2d(x2, w2, **kw)
    np.testing.assert_allclose(one[:, 0], two[:, 0], rtol=1e-12, atol=1e-12)
    y = rng.standard_normal(one.shape)
    y2 = np.concatenate([y, np.zeros_like(y)], axis=1)
    np.testing.assert_allclose(conv_transpose2d(y, w, **kw, output_padding=1)[:, 0],
                               conv_transpose2d(y2, w2, **kw, output_padding=1)[:, 0], rtol=1e-12, atol=1e-12)


def test_mixed_precision_promotes_like_numpy():
    x = np.ones((1, 1, 5, 5), dtype=np.float32)
    for w in (np.ones((1, 1, 3, 3)), np.ones((2, 1, 3, 3))):
        assert conv2d(x, w).dtype == np.float64
