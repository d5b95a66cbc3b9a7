"""Notebook 02: dilate_kernel, space_to_batch, batch_to_space and the three equivalent views."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from oracles import conv2d_loops

from helpers import batch_to_space, conv2d, conv_output_size, dilate_kernel, space_to_batch


def test_dilate_kernel_golden():
    w = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    got = dilate_kernel(w, 2)
    expected = np.array(
        [
            [1, 0, 2, 0, 3],
            [0, 0, 0, 0, 0],
            [4, 0, 5, 0, 6],
            [0, 0, 0, 0, 0],
            [7, 0, 8, 0, 9],
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(got, expected)
    assert dilate_kernel(w, 1).tolist() == w.tolist()
    assert dilate_kernel(np.ones((2, 4, 3, 3)), (3, 1)).shape == (2, 4, 7, 3)


@given(h=st.integers(1, 11), w=st.integers(1, 11), kh=st.integers(1, 3), kw=st.integers(1, 3),
       dh=st.integers(1, 4), dw=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 3), seed=st.integers(0, 999))
def test_zero_inserted_kernel_equals_dilated_conv(h, w, kh, kw, dh, dw, s, p, seed):
    assume(h + 2 * p >= dh * (kh - 1) + 1 and w + 2 * p >= dw * (kw - 1) + 1)
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    dilated = conv2d_loops(x[None, None], k[None, None], (s, s), (p, p), (dh, dw))[0, 0]
    zero_inserted = conv2d(x, dilate_kernel(k, (dh, dw)), stride=s, padding=p)
    np.testing.assert_allclose(zero_inserted, dilated, atol=1e-12)
    # the zero-inserted kernel has the effective size but only kh*kw non-zeros
    big = dilate_kernel(np.ones((kh, kw)), (dh, dw))
    assert big.shape == (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    assert int(big.sum()) == kh * kw


@given(h=st.integers(1, 13), w=st.integers(1, 13), b=st.integers(1, 4))
def test_space_to_batch_is_the_interleaved_subgrids(h, w, b):
    x = np.arange(h * w, dtype=float).reshape(h, w) + 1
    batch = space_to_batch(x, b)
    assert batch.shape == (b * b, -(-h // b), -(-w // b))
    for r in range(b):
        for c in range(b):
            sub = x[r::b, c::b]
            g = batch[r * b + c]
            np.testing.assert_array_equal(g[: sub.shape[0], : sub.shape[1]], sub)
            # everything beyond the real sub-grid is the zero padding
            assert g.sum() == sub.sum()
    back = batch_to_space(batch, b)
    np.testing.assert_array_equal(back[:h, :w], x)
    assert back[h:].sum() == 0 and back[:, w:].sum() == 0


@given(h=st.integers(1, 14), w=st.integers(1, 14), k=st.integers(1, 3), d=st.integers(1, 4), p=st.integers(0, 3),
       seed=st.integers(0, 999))
def test_dilated_conv_is_ordinary_conv_on_subgrids(h, w, k, d, p, seed):
    # view 3 of notebook 02: pad, split into d x d sub-grids, ordinary conv on each, re-interleave, crop
    assume(h + 2 * p >= d * (k - 1) + 1 and w + 2 * p >= d * (k - 1) + 1)
    rng = np.random.default_rng(seed)
    x, wk = rng.standard_normal((h, w)), rng.standard_normal((k, k))
    expected = conv2d_loops(x[None, None], wk[None, None], (1, 1), (p, p), (d, d))[0, 0]
    batch = space_to_batch(np.pad(x, p), d)  # (d², h', w')
    per_grid = conv2d(batch[:, None], wk[None, None])[:, 0]  # ordinary conv, the batch is the d² sub-grids
    got = batch_to_space(per_grid, d)[: expected.shape[0], : expected.shape[1]]
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert expected.shape == (
        conv_output_size(h, k, padding=p, dilation=d),
        conv_output_size(w, k, padding=p, dilation=d),
    )


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: dilate_kernel(np.ones(3), 2), ValueError, "at least 2 dimensions"),
        (lambda: dilate_kernel(np.ones((3, 3)), 0), ValueError, "dilation must be an integer >= 1"),
        (lambda: dilate_kernel(np.array([["a"]]), 2), TypeError, "weight must hold integers or floats"),
        (lambda: space_to_batch(np.ones((2, 2, 2)), 2), ValueError, "2-D array"),
        (lambda: space_to_batch(np.ones((4, 4)), 0), ValueError, "block must be an integer >= 1"),
        (lambda: space_to_batch(np.ones((4, 4)), 1.5), TypeError, "block must be an integer"),
        (lambda: batch_to_space(np.ones((3, 2, 2)), 2), ValueError, "(block², h, w) = (4, h, w)"),
        (lambda: batch_to_space(np.ones((4, 2)), 2), ValueError, "shape"),
    ],
)
def test_errors_name_the_parameter(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)
