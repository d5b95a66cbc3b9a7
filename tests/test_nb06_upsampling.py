"""Notebook 06: bilinear upsampling, transposed-convolution overlaps, the resize-convolution cure."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import (
    bilinear_upsample,
    conv2d,
    conv_output_size,
    conv_transpose2d,
    exercises,
    heatmap_size,
    transposed_output_size,
)

# ---------------------------------------------------------------------------
# bilinear_upsample against a plain loop written from PyTorch's definition
# (aten/src/ATen/native/UpSample.h: area_pixel_compute_source_index)
# ---------------------------------------------------------------------------


def bilinear_loops(x, h_out, w_out, align_corners):
    h_in, w_in = x.shape

    def source(dst, n_in, n_out):
        if align_corners:
            return 0.0 if n_out == 1 else dst * (n_in - 1) / (n_out - 1)
        return max((dst + 0.5) * n_in / n_out - 0.5, 0.0)

    out = np.zeros((h_out, w_out))
    for i, j in itertools.product(range(h_out), range(w_out)):
        sy, sx = source(i, h_in, h_out), source(j, w_in, w_out)
        y0, x0 = int(math.floor(sy)), int(math.floor(sx))
        y1, x1 = min(y0 + 1, h_in - 1), min(x0 + 1, w_in - 1)
        ly, lx = sy - y0, sx - x0
        out[i, j] = (
            (1 - ly) * (1 - lx) * x[y0, x0]
            + (1 - ly) * lx * x[y0, x1]
            + ly * (1 - lx) * x[y1, x0]
            + ly * lx * x[y1, x1]
        )
    return out


@given(
    h=st.integers(1, 7), w=st.integers(1, 7), h_out=st.integers(1, 15), w_out=st.integers(1, 15),
    align=st.booleans(), seed=st.integers(0, 2**16),
)
def test_bilinear_matches_loops(h, w, h_out, w_out, align, seed):
    x = np.random.default_rng(seed).standard_normal((h, w))
    got = bilinear_upsample(x, (h_out, w_out), align_corners=align)
    np.testing.assert_allclose(got, bilinear_loops(x, h_out, w_out, align), rtol=1e-12, atol=1e-12)


def test_bilinear_pytorch_documentation_example():
    # torch.nn.Upsample documentation, input [[1, 2], [3, 4]], scale_factor=2, mode="bilinear"
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(
        bilinear_upsample(x, 4),
        [[1.0, 1.25, 1.75, 2.0], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3.0, 3.25, 3.75, 4.0]],
    )
    np.testing.assert_allclose(
        bilinear_upsample(x, 4, align_corners=True),
        [[1.0, 4 / 3, 5 / 3, 2.0], [5 / 3, 2.0, 7 / 3, 8 / 3], [7 / 3, 8 / 3, 3.0, 10 / 3], [3.0, 10 / 3, 11 / 3, 4.0]],
    )


@given(n=st.integers(2, 9), factor=st.integers(2, 5))
def test_bilinear_properties(n, factor):
    yy, xx = np.mgrid[0:n, 0:n].astype(float)
    ramp = 3.0 * yy - 2.0 * xx + 1.0
    m = n * factor
    # align_corners=True keeps the corners and reproduces a linear ramp everywhere
    up = bilinear_upsample(ramp, m, align_corners=True)
    t = np.arange(m) * (n - 1) / (m - 1)
    np.testing.assert_allclose(up, 3.0 * t[:, None] - 2.0 * t[None, :] + 1.0, atol=1e-12)
    # align_corners=False reproduces it between the first and last input centres (edges are clamped)
    up = bilinear_upsample(ramp, m)
    s = (np.arange(m) + 0.5) / factor - 0.5
    inside = (s >= 0) & (s <= n - 1)
    expect = 3.0 * s[:, None] - 2.0 * s[None, :] + 1.0
    np.testing.assert_allclose(up[np.ix_(inside, inside)], expect[np.ix_(inside, inside)], atol=1e-12)
    # constants stay constant; batch axes are carried along
    np.testing.assert_allclose(bilinear_upsample(np.full((2, 3, n, n), 7.0), m), 7.0)


def test_bilinear_x2_is_a_transposed_conv_with_the_bilinear_kernel():
    # notebook 06: bilinear x2 (align_corners=False) == transposed conv, k=4, s=2, kernel [1,3,3,1]/4 outer itself,
    # on the edge-replicated input (the clamp), cropped by padding 3
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 7))
    k = np.outer([1, 3, 3, 1], [1, 3, 3, 1]) / 16
    via_deconv = conv_transpose2d(np.pad(x, 1, mode="edge"), k, stride=2, padding=3)
    np.testing.assert_allclose(via_deconv, bilinear_upsample(x, (10, 14)), atol=1e-12)


def test_bilinear_rejects_bad_input():
    with pytest.raises(ValueError, match="size"):
        bilinear_upsample(np.ones((2, 2)), 0)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        bilinear_upsample(np.ones(4), 8)
    with pytest.raises(TypeError, match="align_corners"):
        bilinear_upsample(np.ones((2, 2)), 4, align_corners="yes")
    with pytest.raises(ValueError, match="must not be empty"):
        bilinear_upsample(np.ones((0, 2)), 4)


# ---------------------------------------------------------------------------
# Transposed convolution: sizes, overlaps, phases
# ---------------------------------------------------------------------------


def scatter_counts(n, k, s):
    """1-D: how many kernel copies land on each output cell, by scattering every copy."""
    counts = [0] * ((n - 1) * s + k)
    for i in range(n):
        for t in range(k):
            counts[i * s + t] += 1
    return counts


@given(k=st.integers(1, 8), s=st.integers(1, 5), n=st.integers(1, 9))
def test_overlap_counts_are_conv_transpose_of_ones(k, s, n):
    counts = conv_transpose2d(np.ones((n, n)), np.ones((k, k)), stride=s)
    one_d = np.array(scatter_counts(n, k, s), dtype=float)
    np.testing.assert_array_equal(counts, np.outer(one_d, one_d))
    # interior (every tap can land there): floor(k/s) or ceil(k/s) copies per axis, even iff s divides k
    interior = one_d[k - 1 : (n - 1) * s + 1]
    if len(interior) >= s:
        assert set(interior.tolist()) == ({k // s} if k % s == 0 else {k // s, -(-k // s)})


@pytest.mark.parametrize("kernel, padding, output_padding", [(4, 1, 0), (3, 1, 1), (2, 0, 0)])
def test_simplebaselines_deconvolutions_double_the_size(kernel, padding, output_padding):
    # Xiao et al. 2018, code microsoft/human-pose-estimation.pytorch, lib/models/pose_resnet.py
    # (_get_deconv_cfg): these three (kernel, padding, output_padding) settings with stride 2
    h, w = heatmap_size((256, 192), 32)
    assert (h, w) == (8, 6)
    sizes = [(h, w)]
    for _ in range(3):
        h = transposed_output_size(h, kernel, stride=2, padding=padding, output_padding=output_padding)
        w = transposed_output_size(w, kernel, stride=2, padding=padding, output_padding=output_padding)
        sizes.append((h, w))
    assert sizes == [(8, 6), (16, 12), (32, 24), (64, 48)]  # 256x192 -> 64x48 heatmaps (OS 4)
    y = np.ones((8, 6))
    for _ in range(3):
        y = conv_transpose2d(y, np.ones((kernel, kernel)), stride=2, padding=padding, output_padding=output_padding)
    assert y.shape == (64, 48)


def test_output_padding_resolves_the_ambiguity():
    # two input sizes give the same strided output; output_padding picks one on the way back
    assert conv_output_size(13, 3, stride=2, padding=1) == conv_output_size(14, 3, stride=2, padding=1) == 7
    assert [transposed_output_size(7, 3, stride=2, padding=1, output_padding=op) for op in (0, 1)] == [13, 14]


@given(k=st.integers(1, 6), s=st.integers(1, 3), seed=st.integers(0, 1000))
def test_constant_input_gives_the_phase_sums(k, s, seed):
    # interior of conv_transpose2d(constant) at output (a, b) mod s = sum of the taps of that phase
    w = np.random.default_rng(seed).standard_normal((k, k))
    n = k + 3
    out = conv_transpose2d(np.ones((n, n)), w, stride=s)
    for a, b in itertools.product(range(s), repeat=2):
        for i, j in itertools.product(range(k - 1, (n - 1) * s + 1), repeat=2):
            if i % s == a and j % s == b:
                assert out[i, j] == pytest.approx(w[a::s, b::s].sum(), abs=1e-12)


@given(k=st.sampled_from([3, 5]), f=st.integers(2, 3), seed=st.integers(0, 1000))
def test_resize_then_convolve_keeps_a_constant_flat(k, f, seed):
    w = np.random.default_rng(seed).standard_normal((k, k))
    up = np.ones((6, 6)).repeat(f, axis=0).repeat(f, axis=1)
    out = conv2d(up, w, padding=k // 2)
    inner = out[k // 2 : -(k // 2), k // 2 : -(k // 2)]
    np.testing.assert_allclose(inner, w.sum(), atol=1e-12)


def test_transposed_is_adjoint_not_inverse():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((8, 8)), rng.standard_normal((3, 3))
    y = rng.standard_normal((4, 4))
    fwd = conv2d(x, w, stride=2, padding=1)
    back = conv_transpose2d(y, w, stride=2, padding=1, output_padding=1)
    assert np.sum(fwd * y) == pytest.approx(np.sum(x * back), rel=1e-12)
    roundtrip = conv_transpose2d(fwd, w, stride=2, padding=1, output_padding=1)
    assert roundtrip.shape == x.shape and not np.allclose(roundtrip, x)


# ---------------------------------------------------------------------------
# Exercises: expected answers against independent counts
# ---------------------------------------------------------------------------


def test_exercise_answers():
    assert exercises.check_answer("06-simplebaselines", (96, 72))[0]  # REFERENCE: HRNet 384x288 -> 96x72
    assert exercises.check_answer("06-simplebaselines", [96, 72])[0]
    assert not exercises.check_answer("06-simplebaselines", (96, 96))[0]
    values = {a * b for a in (2, 3) for b in (2, 3)}  # floor(5/2), ceil(5/2) per axis
    assert exercises.check_answer("06-overlap-values", values)[0]
    assert not exercises.check_answer("06-overlap-values", {4, 9})[0]
    assert exercises.check_answer("06-output-padding", 1)[0]
    for key in ("06-simplebaselines", "06-overlap-values", "06-output-padding"):
        for junk in (None, "x", 3.5, [1]):
            ok, message = exercises.check_answer(key, junk)
            assert not ok and message


# ---------------------------------------------------------------------------
# Issue 12: the zero-insertion view, the resize-conv cost, Odena et al.'s three points
# ---------------------------------------------------------------------------


@given(n=st.integers(1, 7), k=st.integers(1, 5), s=st.integers(1, 4), d=st.integers(1, 3), seed=st.integers(0, 999))
def test_zero_insertion_view_equals_the_scatter_view(n, k, s, d, seed):
    """Notebook 06: insert S-1 zeros, pad d(K-1)-P, stride-1 conv with the flipped, dilated kernel == conv_transpose2d."""
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((n, n)), rng.standard_normal((k, k))
    for p in range(0, d * (k - 1) + 1):
        if (n - 1) * s - 2 * p + d * (k - 1) + 1 < 1:  # empty output
            continue
        spread = np.zeros(((n - 1) * s + 1,) * 2)
        spread[::s, ::s] = x
        read = conv2d(np.pad(spread, d * (k - 1) - p), w[::-1, ::-1], dilation=d)
        assert np.allclose(read, conv_transpose2d(x, w, stride=s, padding=p, dilation=d), atol=1e-9)


@given(seed=st.integers(0, 999), n=st.integers(2, 8))
def test_issue12_item5_resize_conv_runs_as_a_k4_deconv(seed, n):
    """Issue 12 item 5: nearest ×2 + 3×3 conv (padding 1) IS a k=4, s=2, p=1 transposed conv, so it can run at that
    cost; the 2.25× of the notebook is the naive implementation's price."""
    rng = np.random.default_rng(seed)
    w3, x = rng.standard_normal((3, 3)), rng.standard_normal((n, n))
    v = np.zeros((4, 4))
    for a in (0, 1):
        for b in (0, 1):
            v[a : a + 3, b : b + 3] += w3[::-1, ::-1]
    naive = conv2d(x.repeat(2, axis=0).repeat(2, axis=1), w3, padding=1)
    assert np.allclose(naive, conv_transpose2d(x, v, stride=2, padding=1), atol=1e-9)
    # cost, from code: the naive layer's multiply-adds by layer_costs, the deconv's by counting its scatter's products
    from helpers import Layer, layer_costs

    naive_macs = layer_costs([Layer(3, padding=1, channels=1)], (2 * n, 2 * n), in_channels=1)[0].macs
    deconv_macs = 0
    scattered = np.zeros((2 * n + 2, 2 * n + 2))
    for i, j, a, b in itertools.product(range(n), range(n), range(4), range(4)):
        scattered[2 * i + a, 2 * j + b] += x[i, j] * v[a, b]
        deconv_macs += 1
    assert np.allclose(scattered[1:-1, 1:-1], naive, atol=1e-9)  # the products counted are the layer's
    assert naive_macs / deconv_macs == 2.25  # notebook 06's ratio


def test_odena_stacking_compounds_stride1_damps_and_strided_conv_gradients_checker():
    """Notebook 06 (Odena et al.): two stacked k=3, s=2 layers are more uneven than one; a stride-1 3×3 average after
    them is less uneven; the input gradient of a k=3, s=2 conv under a uniform upstream gradient is uneven."""
    ones3 = np.ones((3, 3))

    def spread(a, m):
        inner = a[m:-m, m:-m]
        return inner.max() / inner.min()

    one = conv_transpose2d(np.ones((12, 12)), ones3, stride=2)
    two = conv_transpose2d(one, ones3, stride=2)
    damped = conv2d(two, ones3 / 9)
    assert spread(two, 10) > spread(one, 3) > 1 and 1 < spread(damped, 10) < spread(two, 10)
    # the gradient, computed as an adjoint by brute force (one-hot inputs), equals the transposed conv
    x0 = np.zeros((12, 12))
    conv_out = conv2d(np.pad(x0, 0), ones3, stride=2)
    grad = np.array([[conv2d(np.eye(1, 144, i * 12 + j).reshape(12, 12), ones3, stride=2).sum() for j in range(12)]
                     for i in range(12)])
    assert conv_out.shape == (5, 5)
    assert np.allclose(grad[:10, :10], conv_transpose2d(np.ones((5, 5)), ones3, stride=2)[:10, :10])
    assert len(set(grad[2:9, 2:9].ravel().tolist())) > 1


def test_third_edition_exercise_06_overlap_dilated_by_loops():
    """06-overlap-dilated: a 6×6 kernel of ones, stride 4, dilation 2 — interior values by a plain scatter loop."""
    n, k, s, d = 10, 6, 4, 2
    size = (n - 1) * s + d * (k - 1) + 1
    out = np.zeros((size, size))
    for i in range(n):
        for j in range(n):
            for a in range(k):
                for b in range(k):
                    out[i * s + a * d, j * s + b * d] += 1
    lo, hi = d * (k - 1), (n - 1) * s + 1
    values = {int(v) for v in out[lo:hi, lo:hi].ravel()}
    assert values == {0, 9}
    assert exercises.check_answer("06-overlap-dilated", values)[0]
    assert not exercises.check_answer("06-overlap-dilated", {0, 3})[0]


def test_third_edition_output_padding_18_zero_gets_its_own_hint():
    ok, hint = exercises.check_answer("06-output-padding-18", 0)
    assert not ok and "output_padding = 0" in hint and "padding" not in hint.split("output_padding")[0]
    assert exercises.check_answer("06-output-padding-18", 2)[0]


def test_third_edition_overlap_rule_with_dilation_against_loops():
    """Issue 21 item 4: K=4, S=2, d=2 alternates 0 and 4; K=3, S=2, d=2 alternates 0 and 3 (REFERENCE_NUMBERS)."""
    def counts(k, s, d, n=12):
        out = np.zeros((n - 1) * s + d * (k - 1) + 1)
        for i in range(n):
            for a in range(k):
                out[i * s + a * d] += 1
        return out[d * (k - 1): (n - 1) * s + 1]

    assert set(counts(4, 2, 2).tolist()) == {0, 4} and set(counts(3, 2, 2).tolist()) == {0, 3}
    assert set(counts(4, 2, 1).tolist()) == {2}
