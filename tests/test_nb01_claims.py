"""Swept checks of the universal claims in notebook 01 · stride (issue 10, second edition).

Each test names the issue item it covers and sweeps the domain the notebook's sentence states,
with plain-loop oracles (no expected value copied from the code under test).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import conv2d, conv_output_size, same_padding, tap_counts, tf_output_size
from helpers.plots import stride as stride_plots


def _windows(n: int, k: int, s: int, before: int, after: int) -> int:
    """Plain count of window starts 0, S, 2S, ... that fit in the padded input."""
    return sum(1 for start in range(0, n + before + after) if start % s == 0 and start + k <= n + before + after)


def test_fixed_symmetric_padding_gives_ceil_n_over_s_at_every_stride():
    """Issue 10 item 1: "at stride 2 the 'same' padding depends on N, so no fixed number works" is false
    for the size. P = (K - 1)/2 per side (odd K) gives ceil(N/S) for every N and every stride."""
    for k in (1, 3, 5, 7, 9):
        p = (k - 1) // 2
        for s in range(1, 7):
            for n in range(1, 120):
                if n + 2 * p < k:
                    continue
                assert _windows(n, k, s, p, p) == math.ceil(n / s), (n, k, s)
                assert conv_output_size(n, k, stride=s, padding=p) == tf_output_size(n, k, stride=s, padding="same")


def test_what_depends_on_n_is_tensorflows_split_and_alignment():
    """Issue 10 item 1: TF's minimal split changes with N at stride 2 (so one fixed padding cannot
    reproduce it), while at stride 1 the split is the same for every N."""
    for k in (2, 3, 4, 5):
        assert len({same_padding(n, k, stride=1) for n in range(k, 60)}) == 1
    for k in (3, 5, 7):
        splits = {same_padding(n, k, stride=2) for n in range(k, 60)}
        assert len(splits) > 1, k
        # the symmetric fixed padding differs from TF's split for some N: the windows sit elsewhere
        p = (k - 1) // 2
        assert any(same_padding(n, k, stride=2)[0] != p for n in range(k, 60)), k


def test_even_kernel_no_fixed_symmetric_padding_gives_ceil():
    """Issue 10 item 1 (scope): the fixed padding exists for odd K only; for even K no symmetric P
    gives ceil(N/S) for every N, at any stride 1..5 (swept P = 0..K)."""
    for k in (2, 4, 6, 8):
        for s in range(1, 6):
            for p in range(0, k + 1):
                ok = all(n + 2 * p >= k and _windows(n, k, s, p, p) == math.ceil(n / s) for n in range(1, 40))
                assert not ok, (k, s, p)


def test_stride_halves_only_for_even_n_with_keep_padding():
    """Notebook 01 misconception cell: with P = (K-1)/2, stride 2 gives ceil(N/2): half only for even N."""
    for n in range(3, 200):
        out = conv_output_size(n, 3, stride=2, padding=1)
        assert (out == n / 2) == (n % 2 == 0)


def test_strided_equals_dense_then_subsample_swept():
    """Notebook 01 section 'dense, then subsample' claims equality for every N, K, S, P: swept small grid."""
    rng = np.random.default_rng(3)
    for n in (5, 6, 7, 9):
        x = rng.standard_normal((n, n))
        for k in (1, 2, 3):
            w = rng.standard_normal((k, k))
            for p in (0, 1):
                dense = conv2d(x, w, padding=p)
                for s in (1, 2, 3, 4):
                    assert np.allclose(conv2d(x, w, stride=s, padding=p), dense[::s, ::s], rtol=0, atol=1e-12)


def test_never_visited_pixels_lie_after_the_last_window_when_s_le_k():
    """Notebook 01 section 3: with S <= K the only never-visited pixels are the remainder after the
    last window; with S > K gaps appear in the middle too (swept)."""
    for n in range(1, 30):
        for k in range(1, 6):
            for s in range(1, 7):
                for p in range(0, k + 2):
                    if n + 2 * p < k:
                        continue
                    counts = tap_counts(n, k, stride=s, padding=p)
                    out = conv_output_size(n, k, stride=s, padding=p)
                    last_end = (out - 1) * s + k - 1 - p     # input index of the last window's last tap
                    never = set(np.flatnonzero(counts == 0).tolist())
                    if s <= k:
                        assert never == set(range(max(last_end + 1, 0), n)), (n, k, s, p)
                        assert len(never) <= (n + 2 * p - k) % s
                    else:
                        assert never >= set(range(max(last_end + 1, 0), n))


@pytest.mark.parametrize("padding, expected", [
    (0, "S=2×2, P=0)"), (1, "S=2×2, P=1)"), ((1, 0), "S=2×2, P=1 (rows), 0 (columns))"),
    (((0, 1), (1, 1)), "P: rows 0 before, 1 after; columns 1 before, 1 after)"),
])
def test_visit_counts_title_names_padding_per_side(padding, expected):
    """Issue 10 item 6: the title said "P=0×0", which reads as an area; it now names padding per side."""
    import matplotlib.pyplot as plt

    fig = stride_plots.visit_counts(8, 3, stride=2, padding=padding)
    title = fig.axes[0].get_title(loc="left")
    plt.close(fig)
    assert expected in title
    assert "P=0×0" not in title


def test_max_pooling_pads_with_minus_infinity():
    """Issue 10 item 6: PyTorch's max pooling pads with −∞, not zeros (negative inputs stay negative)."""
    torch = pytest.importorskip("torch")
    x = -torch.ones(1, 1, 3, 3)
    y = torch.nn.MaxPool2d(3, stride=1, padding=1)(x)
    assert (y == -1).all()


def test_average_pooling_pads_with_zeros_counted_in_the_divisor():
    """Issue 10 item 6 (optional pooling section): AvgPool2d pads with zeros that count in the divisor by
    default (count_include_pad=True); with count_include_pad=False they do not."""
    torch = pytest.importorskip("torch")
    x = torch.ones(1, 1, 3, 3)
    corner = torch.nn.AvgPool2d(3, stride=1, padding=1)(x)[0, 0, 0, 0].item()
    assert corner == pytest.approx(4 / 9)
    corner = torch.nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)(x)[0, 0, 0, 0].item()
    assert corner == pytest.approx(1.0)
