"""conv2d against a plain-loop oracle; conv_transpose2d as its exact adjoint."""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from oracles import conv2d_loops

from helpers import Layer, conv2d, conv_output_size, conv_transpose2d, coverage_map, effective_receptive_field

pairs = st.tuples(st.integers(1, 3), st.integers(1, 3))


@st.composite
def conv_case(draw):
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    s, d = draw(pairs), draw(pairs)
    p = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    assume(h + 2 * p[0] >= d[0] * (kh - 1) + 1 and w + 2 * p[1] >= d[1] * (kw - 1) + 1)
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, c, h, w)), rng.standard_normal((o, c, kh, kw)), s, p, d


@given(conv_case())
def test_conv2d_matches_loops(case):
    x, w, s, p, d = case
    got = conv2d(x, w, stride=s, padding=p, dilation=d)
    np.testing.assert_allclose(got, conv2d_loops(x, w, s, p, d), rtol=1e-10, atol=1e-10)


@given(conv_case(), st.data())
def test_conv_transpose2d_is_adjoint(case, data):
    x, w, s, p, d = case
    y_shape = conv2d(x, w, stride=s, padding=p, dilation=d).shape
    # output_padding that recovers x's size exactly (what PyTorch would need)
    op = tuple(
        (x.shape[2 + a] + 2 * p[a] - d[a] * (w.shape[2 + a] - 1) - 1) % s[a] for a in range(2)
    )
    assume(all(op[a] < max(s[a], d[a]) for a in range(2)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    y = rng.standard_normal(y_shape)
    xt = conv_transpose2d(y, w, stride=s, padding=p, dilation=d, output_padding=op)
    assert xt.shape == x.shape
    lhs = float(np.sum(conv2d(x, w, stride=s, padding=p, dilation=d) * y))
    rhs = float(np.sum(x * xt))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9)


def test_ranks_and_integer_input():
    x = np.arange(25).reshape(5, 5)
    k = np.ones((3, 3), dtype=int)
    y2 = conv2d(x, k)
    assert y2.shape == (3, 3) and y2.dtype == np.float64
    assert y2[0, 0] == x[:3, :3].sum()
    y3 = conv2d(x[None], k[None, None])
    assert y3.shape == (1, 3, 3)
    y4 = conv2d(x[None, None], k[None, None])
    np.testing.assert_array_equal(y4[0], y3)


def test_strided_equals_dense_then_subsample():
    # notebook 01's claim: a stride-S convolution is the dense convolution sampled every S-th output
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((11, 13)), rng.standard_normal((3, 3))
    dense = conv2d(x, w, padding=1)
    np.testing.assert_allclose(conv2d(x, w, stride=2, padding=1), dense[::2, ::2])


def test_dilated_equals_zero_inserted_kernel():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((15, 15)), rng.standard_normal((3, 3))
    holes = np.zeros((5, 5))
    holes[::2, ::2] = w
    np.testing.assert_allclose(conv2d(x, w, dilation=2, padding=2), conv2d(x, holes, padding=2))


@given(
    kernels=st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=3),
    strides=st.lists(st.integers(1, 2), min_size=3, max_size=3),
    dilations=st.lists(st.integers(1, 3), min_size=3, max_size=3),
    seed=st.integers(0, 1000),
)
def test_erf_support_is_coverage(kernels, strides, dilations, seed):
    # The gradient of the centre output is non-zero exactly on the reachable input pixels:
    # the non-zeros of coverage_map, placed at the receptive field's first pixel.
    layers = [Layer(k, stride=s, dilation=d) for k, s, d in zip(kernels, strides, dilations)]
    cov = coverage_map(layers)
    r = cov.shape[0]
    size = 4 * r + 9
    sizes = [size]
    for layer in layers:
        sizes.append(conv_output_size(sizes[-1], layer.kernel, stride=layer.stride, dilation=layer.dilation))
    erf = effective_receptive_field(layers, size, weights="random", seed=seed)
    jump = int(np.prod([layer.stride for layer in layers]))
    start = (sizes[-1] - 1) // 2 * jump  # first input pixel of the centre output's field (no padding)
    expected = np.zeros((size, size), dtype=bool)
    expected[start : start + r, start : start + r] = cov > 0
    np.testing.assert_array_equal(erf > 1e-300, expected)


def test_erf_uniform_is_gaussian_like():
    # Luo et al. 2016: the ERF of n uniform layers has std sqrt(n (k^2 - 1) / 12) per axis
    n_layers, k = 8, 3
    erf = effective_receptive_field([Layer(k, padding=1)] * n_layers, 41)
    profile = erf.sum(axis=0)
    profile /= profile.sum()
    centre = np.arange(41) - 20
    std = np.sqrt(np.sum(profile * centre**2))
    assert std == pytest.approx(np.sqrt(n_layers * (k * k - 1) / 12), rel=1e-9)


# ---- added for mutants that survived benchmarks/mutation.py (issue 24) ----


def test_each_argument_is_accepted_at_its_minimum_and_refused_below_it():
    from helpers import batch_to_space, dilate_kernel, space_to_batch, tap_counts, tap_residues

    x, w = np.ones((4, 4)), np.ones((2, 2))
    assert conv2d(x, w, stride=1, dilation=1).shape == (3, 3)
    assert conv_transpose2d(x, w, stride=1, dilation=1).shape == (5, 5)
    for f in (conv2d, conv_transpose2d):
        for name in ("stride", "dilation"):
            with pytest.raises(ValueError, match=rf"^{name} must be an integer >= 1, got 0"):
                f(x, w, **{name: 0})
    assert tap_counts(4, 1, stride=1, dilation=1).tolist() == [1, 1, 1, 1]
    assert tap_residues(1, stride=1, dilation=1) == [0]
    for name in ("kernel", "stride", "dilation"):
        args = {"kernel": 1, "stride": 1, "dilation": 1, name: 0}
        with pytest.raises(ValueError, match=rf"^{name} must be an integer >= 1, got 0"):
            tap_counts(4, args["kernel"], stride=args["stride"], dilation=args["dilation"])
        with pytest.raises(ValueError, match=rf"^{name} must be an integer >= 1, got 0"):
            tap_residues(args["kernel"], stride=args["stride"], dilation=args["dilation"])
    assert dilate_kernel(np.array([[1.0, 2.0]]), 1).tolist() == [[1.0, 2.0]]
    with pytest.raises(ValueError, match="^dilation must be an integer >= 1, got 0"):
        dilate_kernel(w, 0)
    assert space_to_batch(x, 1).tolist() == [x.tolist()]
    assert batch_to_space(np.ones((1, 2, 3)), 1).tolist() == np.ones((2, 3)).tolist()
    for f, a in ((space_to_batch, x), (batch_to_space, np.ones((1, 2, 2)))):
        with pytest.raises(ValueError, match="^block must be an integer >= 1, got 0"):
            f(a, 0)


def test_empty_and_misshaped_arrays_are_refused_with_their_sentence():
    from helpers import batch_to_space, dilate_kernel, space_to_batch

    for a, b in ((np.ones((3, 3)), np.ones((0, 2))), (np.ones((0, 3)), np.ones((2, 2)))):
        with pytest.raises(ValueError, match="^x and weight must not be empty"):
            conv2d(a, b)
        with pytest.raises(ValueError, match="^y and weight must not be empty"):
            conv_transpose2d(a, b)
    for bad in (np.ones(3), np.ones((0, 2)), np.ones((2, 0)), np.ones((2, 0, 3))):
        with pytest.raises(ValueError, match="^weight must be a non-empty array with at least 2 dimensions"):
            dilate_kernel(bad, 2)
    for bad in (np.ones(3), np.ones((2, 2, 2)), np.ones((0, 2)), np.ones((2, 0))):
        with pytest.raises(ValueError, match=r"^x must be a non-empty 2-D array \(H, W\)"):
            space_to_batch(bad, 2)
    for bad in (np.ones((4, 2)), np.ones((3, 2, 2)), np.ones((4, 0, 2)), np.ones((4, 2, 0)), np.ones((0, 2, 2))):
        with pytest.raises(ValueError, match=r"^y must have shape \(block², h, w\) = \(4, h, w\)"):
            batch_to_space(bad, 2)


def test_the_axis_that_does_not_fit_is_named():
    with pytest.raises(ValueError, match="^along the width: "):
        conv2d(np.ones((5, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="^along the height: "):
        conv2d(np.ones((2, 5)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="^along the width: "):
        conv_transpose2d(np.ones((3, 3)), np.ones((2, 2)), padding=(0, 2))
    with pytest.raises(ValueError, match="^along the height: "):
        conv_transpose2d(np.ones((3, 3)), np.ones((2, 2)), padding=(2, 0))


def test_tap_counts_and_residues_against_loops():
    from helpers import tap_counts, tap_residues

    for n, k, s, d, pl, pr in itertools.product(range(1, 9), range(1, 4), range(1, 4), range(1, 3), range(3), range(3)):
        if n + pl + pr < d * (k - 1) + 1:
            continue
        out = (n + pl + pr - d * (k - 1) - 1) // s + 1
        counts = [0] * n
        for i in range(out):
            for a in range(k):
                x = i * s + a * d - pl
                if 0 <= x < n:
                    counts[x] += 1
        assert tap_counts(n, k, stride=s, dilation=d, padding=(pl, pr)).tolist() == counts, (n, k, s, d, pl, pr)
    for k, s, d in itertools.product(range(1, 13), range(1, 21), range(1, 21)):
        reached = [r for r in range(s) if any((a * d) % s == r for a in range(k))]
        assert tap_residues(k, stride=s, dilation=d) == reached


def test_dilate_kernel_against_loops_on_batched_kernels():
    from helpers import dilate_kernel

    rng = np.random.default_rng(0)
    for shape in ((1, 1), (2, 3), (3, 1), (2, 2, 3), (2, 1, 3, 2)):
        w = rng.standard_normal(shape)
        for dh, dw in itertools.product((1, 2, 3), repeat=2):
            kh, kw = shape[-2:]
            expect = np.zeros(shape[:-2] + ((kh - 1) * dh + 1, (kw - 1) * dw + 1))
            for i in range(kh):
                for j in range(kw):
                    expect[..., i * dh, j * dw] = w[..., i, j]
            got = dilate_kernel(w, (dh, dw))
            assert got.shape == expect.shape and (got == expect).all()
