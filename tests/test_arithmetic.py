"""Size formulas against brute-force window counting and published numbers."""

import itertools
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from oracles import count_windows, tf_same_split, transposed_length

from helpers import (
    conv_output_size,
    effective_kernel_size,
    heatmap_size,
    same_padding,
    tf_output_size,
    transposed_output_size,
)

small = st.integers(1, 12)


@given(n=st.integers(1, 80), k=small, s=st.integers(1, 6), pl=st.integers(0, 6), pr=st.integers(0, 6), d=st.integers(1, 5))
def test_conv_output_size_counts_windows(n, k, s, pl, pr, d):
    span = d * (k - 1) + 1
    assume(n + pl + pr >= span)
    expected = count_windows(n, k, s, pl, pr, d)
    assert conv_output_size(n, k, stride=s, padding=(pl, pr), dilation=d) == expected
    if pl == pr:
        assert conv_output_size(n, k, stride=s, padding=pl, dilation=d) == expected


def assert_size_or_refusal(n, k, s, pl, pr, d, ceil_mode):
    """conv_output_size equals the window count, or refuses (ValueError) exactly when no window is kept."""
    expected = count_windows(n, k, s, pl, pr, d, ceil_mode=ceil_mode)
    if expected == 0:
        with pytest.raises(ValueError, match="kernel does not fit"):
            conv_output_size(n, k, stride=s, padding=(pl, pr), dilation=d, ceil_mode=ceil_mode)
    else:
        assert conv_output_size(n, k, stride=s, padding=(pl, pr), dilation=d, ceil_mode=ceil_mode) == expected


@given(n=st.integers(1, 80), k=small, s=st.integers(1, 6), p=st.integers(0, 6), d=st.integers(1, 4))
def test_ceil_mode_counts_windows(n, k, s, p, d):
    # no assumption that the kernel fits: in ceil mode a window longer than the
    # padded input is still kept if it hangs over the end by less than the stride
    assume(p <= k // 2)  # PyTorch pooling's limit (checked in test_errors)
    assert_size_or_refusal(n, k, s, p, p, d, ceil_mode=True)


def test_sizes_match_window_counting_on_a_whole_small_domain():
    # every n <= 12, k <= 6, s <= 5, d <= 3 and (before, after) padding <= k // 2,
    # both modes: hypothesis may never draw the rare "window longer than the input" cases
    checked = 0
    for n, k, s, d in itertools.product(range(1, 13), range(1, 7), range(1, 6), range(1, 4)):
        for pl, pr in itertools.product(range(k // 2 + 1), repeat=2):
            for ceil_mode in (False, True):
                assert_size_or_refusal(n, k, s, pl, pr, d, ceil_mode)
                checked += 1
    assert checked == 2 * sum(12 * 5 * 3 * (k // 2 + 1) ** 2 for k in range(1, 7))


@pytest.mark.parametrize(
    "n, k, s, p, d, expected",
    [
        # ATen pooling_output_shape_pad_lr: floor((n + 2p - d(k-1) - 1 + s - 1) / s) + 1, minus one if
        # the last window starts at or after n + p. Each kernel below is longer than the padded input:
        (1, 2, 4, 0, 1, 1),  # (1 - 1 - 1 + 3) // 4 + 1 = 1
        (14, 6, 3, 0, 3, 1),  # span 16 > 14: (14 - 15 + 2) // 3 + 1 = 1
        (4, 4, 4, 1, 2, 1),  # span 7 > 6: (6 - 6 + 3) // 4 + 1 = 1
    ],
)
def test_ceil_mode_keeps_a_window_longer_than_the_input(n, k, s, p, d, expected):
    assert conv_output_size(n, k, stride=s, padding=p, dilation=d, ceil_mode=True) == expected
    with pytest.raises(ValueError, match="kernel does not fit"):  # floor mode: no window fits
        conv_output_size(n, k, stride=s, padding=p, dilation=d)


def test_ceil_mode_refuses_a_window_hanging_over_by_the_stride_or_more():
    # ATen: (1 - 1 - 1 + 0) // 1 + 1 = 0 -> "Output size is too small"
    with pytest.raises(ValueError, match="hang over the end by at most stride - 1 = 0"):
        conv_output_size(1, 2, ceil_mode=True)
    with pytest.raises(ValueError, match="kernel does not fit"):  # span 13, padded 8: overhang 5 >= 4
        conv_output_size(8, 3, stride=4, dilation=6, ceil_mode=True)


@given(n=st.integers(1, 60), k=small, s=st.integers(1, 6), d=st.integers(1, 5), p=st.integers(0, 8), data=st.data())
def test_transposed_output_size_scatters(n, k, s, d, p, data):
    op = data.draw(st.integers(0, max(s, d) - 1))
    expected = transposed_length(n, k, s, p, d, op)
    assume(expected >= 1)
    assert transposed_output_size(n, k, stride=s, padding=p, dilation=d, output_padding=op) == expected


@given(n=st.integers(1, 80), k=small, s=st.integers(1, 6), d=st.integers(1, 5))
def test_same_padding_is_smallest_split(n, k, s, d):
    before, after = same_padding(n, k, stride=s, dilation=d)
    assert (before, after) == tf_same_split(n, k, s, d)
    # and with that padding the PyTorch rule gives TF's ceil(n/s)
    assert conv_output_size(n, k, stride=s, padding=(before, after), dilation=d) == -(-n // s)


@given(n=st.integers(1, 80), k=small, s=st.integers(1, 6))
def test_tf_output_size_matches_counting(n, k, s):
    assert tf_output_size(n, k, stride=s, padding="same") == count_windows(n, k, s, *tf_same_split(n, k, s, 1), 1)
    if n >= k:
        assert tf_output_size(n, k, stride=s, padding="valid") == count_windows(n, k, s, 0, 0, 1)


@given(k=small, d=st.integers(1, 10))
def test_effective_kernel_is_tap_span(k, d):
    taps = [t * d for t in range(k)]
    assert effective_kernel_size(k, d) == max(taps) - min(taps) + 1


@given(n=st.integers(1, 2000), os_=st.sampled_from([1, 2, 4, 8, 16, 32]))
def test_heatmap_size_is_same_padded_stack(n, os_):
    # a "same"-padded stack of stride-2 layers reaching OS; each layer gives ceil(size/2)
    size = n
    for _ in range(os_.bit_length() - 1):
        size = tf_output_size(size, 3, stride=2, padding="same")
    assert heatmap_size(n, os_) == size


# --- Golden values (sources named) -------------------------------------------


def test_tf_padding_notes_example():
    # TensorFlow "padding" notes (tf.nn.convolution docs): n=5, k=3, s=2 -> SAME output 3,
    # total padding max((3-1)*2 + 3 - 5, 0) = 2, split 1 before / 1 after.
    assert tf_output_size(5, 3, stride=2, padding="same") == 3
    assert same_padding(5, 3, stride=2) == (1, 1)
    # TF notes: the extra pixel goes after: n=6, k=3, s=2 -> total 1 -> (0, 1)
    assert same_padding(6, 3, stride=2) == (0, 1)


@pytest.mark.parametrize(
    "n, k, s, p, ceil, expected",
    [
        (32, 1, 2, 0, False, 16),  # PyTorch docs (REFERENCE_NUMBERS): k=1, s=2, n=32 -> 16
        (6, 1, 2, 0, False, 3),  # k=1, s=2, n=6 -> 3
        (7, 1, 2, 0, False, 4),  # n=7 -> 4
        (5, 2, 2, 1, True, 3),  # ATen pooling_output_shape_pad_lr: n=5,k=2,s=2,p=1 ceil -> 3 (window in right pad dropped)
        (5, 2, 2, 1, False, 3),
        (6, 3, 2, 0, True, 3),  # ceil((6-3)/2)+1 = 3 vs floor 2
        (6, 3, 2, 0, False, 2),
    ],
)
def test_pytorch_golden(n, k, s, p, ceil, expected):
    assert conv_output_size(n, k, stride=s, padding=p, ceil_mode=ceil) == expected


def test_deeplab_crop():
    # Chen et al. 2017 / DeepLab code: 513 crop -> (513 - 1)/OS + 1 = 33 at OS 16, 65 at OS 8
    assert heatmap_size(513, 16) == 33
    assert heatmap_size(513, 8) == 65
    assert heatmap_size(513, 32) == 17


def test_simple_baselines_deconvolutions():
    # Xiao et al. 2018 (SimpleBaselines) / HRNet configs: three k=4, s=2, p=1 deconvolutions, 8x6 -> 64x48
    h, w = 8, 6
    for _ in range(3):
        h = transposed_output_size(h, 4, stride=2, padding=1)
        w = transposed_output_size(w, 4, stride=2, padding=1)
    assert (h, w) == (64, 48)
    assert heatmap_size((256, 192), 4) == (64, 48)  # 256x192 input -> 64x48 heatmaps (OS 4)
    assert heatmap_size((384, 288), 4) == (96, 72)  # HRNet 384x288 -> 96x72
    assert heatmap_size(512, 4) == 128  # CenterNet down_ratio 4
    assert heatmap_size(256, 4) == 64  # Stacked Hourglass 256 -> 64


def test_atrous_rate_changes_size_without_matching_padding():
    # the myth "the atrous rate never changes the output size" holds only with padding = d(k-1)/2
    assert {conv_output_size(33, 3, dilation=d, padding=d) for d in range(1, 10)} == {33}
    assert [conv_output_size(33, 3, dilation=d) for d in (1, 2, 4, 8)] == [31, 29, 25, 17]


@pytest.mark.parametrize("name, low", [("n", 1), ("kernel", 1), ("stride", 1), ("dilation", 1), ("padding", 0),
                                       ("output_padding", 0)])
def test_transposed_output_size_refuses_each_argument_below_its_range(name, low):
    """Issue 24, a surviving mutant: transposed_output_size accepted dilation=0 (check_int's lower bound off by one)."""
    from helpers import transposed_output_size

    args = {"n": 4, "kernel": 3, "stride": 2, "dilation": 1, "padding": 0, "output_padding": 0}
    args[name] = low - 1
    n, k = args.pop("n"), args.pop("kernel")
    with pytest.raises(ValueError, match=rf"^{name} must be an integer >= {low}, got {low - 1}$"):
        transposed_output_size(n, k, **args)


# Each integer argument's documented range (from the docstrings): the smallest accepted value, and a call that
# is valid at that smallest value. benchmarks/mutation.py found the lower bounds unchecked (a bound moved from
# 1 to 0 survived): the value just below the range must be refused with a ValueError naming the argument.
_RANGES = [
    (effective_kernel_size, {"kernel": 3, "dilation": 2}, {"kernel": 1, "dilation": 1}),
    (conv_output_size, {"n": 9, "kernel": 1, "stride": 2, "dilation": 2}, {"n": 1, "kernel": 1, "stride": 1, "dilation": 1}),
    (same_padding, {"n": 9, "kernel": 3, "stride": 2, "dilation": 2}, {"n": 1, "kernel": 1, "stride": 1, "dilation": 1}),
    (tf_output_size, {"n": 9, "kernel": 3, "stride": 2}, {"n": 1, "kernel": 1, "stride": 1}),
    (tf_output_size, {"n": 9, "kernel": 3, "dilation": 2}, {"dilation": 1}),
    (heatmap_size, {"n": 9, "output_stride": 4}, {"n": 1, "output_stride": 1}),
]


@pytest.mark.parametrize("func, valid, lows", _RANGES, ids=lambda v: getattr(v, "__name__", None))
def test_each_integer_argument_is_refused_just_below_its_range(func, valid, lows):
    positional = [a for a in ("n", "kernel", "output_stride") if a in valid]
    for name, low in lows.items():
        args = {**valid, name: low}
        func(*[args.pop(a) for a in positional], **args)  # the smallest value is accepted
        args = {**valid, name: low - 1}
        with pytest.raises(ValueError, match=rf"^{name}(\[[01]\])? must be an integer >= "):
            func(*[args.pop(a) for a in positional], **args)


@pytest.mark.parametrize("k, padding, refused", [
    (3, 1, False), (3, 2, True), (3, (0, 2), True), (3, (2, 0), True), (4, 2, False), (4, 3, True), (5, 2, False),
    (5, (1, 3), True), (1, 0, False), (1, 1, True),
])
def test_ceil_mode_padding_limit_is_half_the_kernel(k, padding, refused):
    """PyTorch's pooling refuses padding above kernel // 2 on either side (max_pool2d: "pad should be at most half
    of effective kernel size"; dilation 1 here); without ceil_mode the size formula has no such limit."""
    if refused:
        with pytest.raises(ValueError, match="padding must be <="):
            conv_output_size(9, k, stride=2, padding=padding, ceil_mode=True)
    else:
        conv_output_size(9, k, stride=2, padding=padding, ceil_mode=True)
    conv_output_size(9, k, stride=2, padding=padding)  # never refused without ceil_mode


def test_tf_refuses_stride_and_dilation_both_above_one():
    """TensorFlow's rule: stride > 1 together with dilation > 1 is refused; either alone is fine."""
    for s, d in itertools.product(range(1, 4), range(1, 4)):
        if s > 1 and d > 1:
            with pytest.raises(ValueError, match="stride > 1 together with dilation > 1"):
                tf_output_size(20, 3, stride=s, dilation=d)
        else:
            assert tf_output_size(20, 3, stride=s, dilation=d) == -(-20 // s)


def test_transposed_output_size_limits_at_their_bounds():
    """PyTorch: output_padding must be smaller than stride or dilation (equal is refused), and an output of 0 is refused."""
    assert transposed_output_size(4, 3, stride=2, output_padding=1) == 10
    with pytest.raises(ValueError, match="output_padding must be smaller"):
        transposed_output_size(4, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="output_padding must be smaller"):
        transposed_output_size(4, 3, stride=1, dilation=2, output_padding=2)
    assert transposed_output_size(1, 3, padding=1) == 1  # (1-1)·1 − 2 + 2 + 1
    with pytest.raises(ValueError, match="removes the whole output"):
        transposed_output_size(1, 2, padding=1)  # (1-1)·1 − 2 + 1 + 1 = 0


def test_pair_and_encoder_decoder_ranges():
    from helpers import encoder_decoder_size

    assert heatmap_size((1, 1), 4) == (1, 1) and heatmap_size((1, 9), 1) == (1, 9)
    assert encoder_decoder_size(1, 1, upsampling_layers=0) == 1
    for call, name, low in [(lambda: heatmap_size((0, 5), 4), "n[0]", 1), (lambda: heatmap_size((5, 0), 4), "n[1]", 1),
                            (lambda: encoder_decoder_size(0, 4), "n", 1), (lambda: encoder_decoder_size(8, 0), "encoder_stride", 1),
                            (lambda: encoder_decoder_size(8, 4, upsampling_layers=-1), "upsampling_layers", 0)]:
        with pytest.raises(ValueError, match=rf"^{re.escape(name)} must be an integer >= {low}, got {low - 1}$"):
            call()


def test_scale_dimension_ranges():
    from helpers import scale_dimension

    assert scale_dimension(1, 1) == 1 and scale_dimension(5, 1) == 5 and scale_dimension(5, 1.0) == 5
    with pytest.raises(ValueError, match=r"^dim must be an integer >= 1, got 0$"):
        scale_dimension(0, 0.5)
    for scale in (1.5, 2, 0, -0.5, True, "0.5", None):
        with pytest.raises(ValueError, match="scale must be a number in"):
            scale_dimension(5, scale)
