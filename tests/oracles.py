"""Independent brute-force oracles: plain loops, no formulas from ``helpers``.

Each oracle states the *definition* of the quantity (count the windows, sum
the products, follow the paths) so that a test comparing it with the closed
forms in ``helpers`` can fail.
"""

from __future__ import annotations

import itertools

import numpy as np


def count_windows(n, k, s, pl, pr, d, ceil_mode=False):
    """Number of kernel placements along one axis, by walking the windows.

    Windows start at 0, s, 2s, ... in padded coordinates and span
    ``d(k - 1) + 1`` pixels. Floor mode: a window is kept while it fits inside
    the padded input. Ceil mode (PyTorch pooling): rounding up lets a window
    hang over the end of the padded input by at most ``s - 1`` pixels (as if
    ``s - 1`` more pixels were padded on the right) -- even the first window,
    when the kernel is longer than the padded input -- but a window that would
    *start* in the right padding (or beyond) is never kept. Returns 0 when no
    window is kept (the framework then refuses the layer).
    """
    length = n + pl + pr + (s - 1 if ceil_mode else 0)
    span = d * (k - 1) + 1
    count, start = 0, 0  # start in padded coordinates
    while start + span <= length:  # the window's last tap lies inside `length`
        if ceil_mode and start >= n + pl:
            break
        count += 1
        start += s
    return count


def transposed_length(n, k, s, p, d, op):
    """Length of a transposed convolution's output, by scattering every tap."""
    touched = set()
    for i in range(n):
        for t in range(k):
            touched.add(i * s + t * d)
    full = max(touched) + 1 + op  # output_padding extends the far end
    return full - 2 * p


def tf_same_split(n, k, s, d):
    """TF SAME: the smallest total padding that gives ceil(n/s) windows, split with the extra after."""
    out = 0
    while out * s < n:
        out += 1
    span = d * (k - 1) + 1
    total = 0
    while (out - 1) * s + span > n + total:
        total += 1
    return total // 2, total - total // 2


def layer_pads(layer, n=None):
    """``(before, after)`` zeros of a layer, from the definition of each padding mode.

    ``layer`` is any object with ``kernel``, ``stride``, ``dilation`` and
    ``padding`` attributes (an int, a ``(before, after)`` pair, ``"valid"`` or
    ``"same"``). TF's SAME pads just enough for ``ceil(n/s)`` windows, the extra
    zero after (:func:`tf_same_split`); at stride 1 that is ``span - 1`` zeros
    whatever ``n`` is.
    """
    padding = layer.padding
    if padding == "valid":
        return (0, 0)
    if padding == "same":
        span = layer.dilation * (layer.kernel - 1) + 1
        if layer.stride == 1:
            return ((span - 1) // 2, span - 1 - (span - 1) // 2)
        if n is None:
            raise ValueError("padding='same' with stride > 1 needs the input size")
        return tf_same_split(n, layer.kernel, layer.stride, layer.dilation)
    if isinstance(padding, (tuple, list)):
        return (padding[0], padding[1])
    return (padding, padding)


def stack_lengths(layers, n):
    """Map lengths of a 1-D stack, input first, by walking each layer's windows."""
    sizes = [n]
    for layer in layers:
        before, after = layer_pads(layer, sizes[-1])
        sizes.append(count_windows(sizes[-1], layer.kernel, layer.stride, before, after, layer.dilation))
    return sizes


def conv2d_loops(x, w, stride, padding, dilation):
    """Cross-correlation of (N, C, H, W) with (O, C, kH, kW), one output pixel at a time.

    The output size is found by trying every window start (a window is kept
    while its last tap lies inside the zero-padded input), not from a formula.
    """
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n_, c_, h, wd = x.shape
    o_, _, kh, kw = w.shape
    xp = np.zeros((n_, c_, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph : ph + h, pw : pw + wd] = x
    ho = sum(1 for i in range(xp.shape[2]) if i % sh == 0 and i + dh * (kh - 1) < xp.shape[2])
    wo = sum(1 for j in range(xp.shape[3]) if j % sw == 0 and j + dw * (kw - 1) < xp.shape[3])
    out = np.zeros((n_, o_, ho, wo))
    for b, o, i, j in itertools.product(range(n_), range(o_), range(ho), range(wo)):
        acc = 0.0
        for c, u, v in itertools.product(range(c_), range(kh), range(kw)):
            acc += w[o, c, u, v] * xp[b, c, i * sh + u * dh, j * sw + v * dw]
        out[b, o, i, j] = acc
    return out


def reachable_inputs(layers, u, n=None):
    """Input coordinates that output ``u`` of a 1-D stack reads, padding positions included.

    Walks back through the layers: output ``u`` of a layer reads padded index
    ``u*s + t*d`` for every tap ``t``, i.e. input index ``u*s + t*d - p_before``.
    Coordinates outside the input (padding, or beyond it) are kept, so the
    span of the result is the receptive field in the sense of Araujo et al.
    ``n`` is the input length, needed only for ``padding="same"`` with stride > 1.
    Map sizes and padding splits come from :func:`stack_lengths` and
    :func:`layer_pads` (definitions), never from the code under test.
    """
    sizes = [None] * len(layers) if n is None else stack_lengths(layers[:-1], n)
    coords = {u}
    for layer, size in zip(reversed(layers), reversed(sizes)):
        before = layer_pads(layer, size)[0]
        coords = {c * layer.stride + t * layer.dilation - before for c in coords for t in range(layer.kernel)}
    return coords


def axis_length(n, kind, k, s, p, d, ceil_mode=False, output_padding=0):
    """Output length of one explorer layer (conv, pool or transposed), or None where PyTorch refuses it.

    Conv and pool: windows walked by :func:`count_windows` (pooling refuses
    ``p > k // 2``, PyTorch's limit). Transposed: taps scattered by
    :func:`transposed_length` (``output_padding`` must be smaller than the
    stride or the dilation). A layer with no output is refused.
    """
    if kind == "transposed":
        if output_padding >= s and output_padding >= d:
            return None
        out = transposed_length(n, k, s, p, d, output_padding)
    else:
        if kind == "pool" and p > k // 2:
            return None
        out = count_windows(n, k, s, p, p, d, ceil_mode=ceil_mode)
    return out if out >= 1 else None


def axis_jacobian(n_in, n_out, kind, k, s, p, d):
    """``J[o, x]``: taps of output ``o`` that land on input cell ``x``, all-one kernel, by explicit loops.

    Conv and pool: output ``o`` reads input ``o*s + t*d - p``. Transposed:
    input ``i`` writes to output ``i*s + t*d - p`` (PyTorch's scatter).
    Taps that land in padding (or past it) are not counted.
    """
    jac = np.zeros((n_out, n_in), dtype=np.int64)
    for t in range(k):
        if kind == "transposed":
            for i in range(n_in):
                o = i * s + t * d - p
                if 0 <= o < n_out:
                    jac[o, i] += 1
        else:
            for o in range(n_out):
                x = o * s + t * d - p
                if 0 <= x < n_in:
                    jac[o, x] += 1
    return jac


def field_rows(layers):
    """``(r, S, P, centre)`` after each layer of a forward 1-D stack, from the inputs output 0 reaches.

    ``r`` is the span of :func:`reachable_inputs` (padding positions
    included), ``P`` minus its first coordinate, ``S`` the product of the
    strides and the centre the middle of the span (Araujo et al.).
    """
    rows, jump = [], 1
    for depth in range(1, len(layers) + 1):
        reach = reachable_inputs(layers[:depth], 0)
        jump *= layers[depth - 1].stride
        first, last = min(reach), max(reach)
        rows.append((last - first + 1, jump, -first, first + (last - first) / 2))
    return rows


def path_counts(layers):
    """1-D path counts from one output to the input by enumerating every tap chain."""
    counts = {}
    for taps in itertools.product(*[range(layer.kernel) for layer in layers]):
        # walk from the output back: offset = sum_l t_l * d_l * prod_{i<l} s_i
        offset, jump = 0, 1
        for layer, t in zip(layers, taps):
            offset += t * layer.dilation * jump
            jump *= layer.stride
        counts[offset] = counts.get(offset, 0) + 1
    size = max(counts) + 1
    return np.array([counts.get(i, 0) for i in range(size)])


def reached_offsets(rates, k):
    """1-D offsets a stride-1 stack of ``k``-tap layers reaches: every sum ``t_1 r_1 + ... + t_n r_n``."""
    reached = {0}
    for r in rates:
        reached = {o + t * r for o in reached for t in range(k)}
    return reached


def largest_gap(offsets):
    """Largest distance between neighbouring reached offsets (1 when nothing is skipped)."""
    ordered = sorted(offsets)
    return max((b - a for a, b in zip(ordered, ordered[1:])), default=1)


def wang_max_gap(rates, k):
    """``M_2`` of Wang et al. (2018), their definition with a ``k``-tap kernel's span ``k - 1`` for the paper's 2.

    The paper: ``M_n = r_n`` and ``M_i = max(M_{i+1} - 2 r_i, M_{i+1} - 2 (M_{i+1} - r_i), r_i)``
    for 3×3 kernels, where 2 is the span of a 3-tap layer in units of its rate.
    Written as the paper's recursion on the 1-based layer index ``i``.
    """
    n = len(rates)

    def m(i):  # 1-based, as in the paper
        if i == n:
            return rates[n - 1]
        r, nxt = rates[i - 1], m(i + 1)
        return max(nxt - (k - 1) * r, nxt - (k - 1) * (nxt - r), r)

    return m(2)


def hdc_by_definition(rates, k):
    """Wang et al.'s two conditions (no common factor, ``M_2 <= K``) and a first layer at rate 1."""
    common = rates[0]
    for r in rates[1:]:
        a, b = common, r
        while b:
            a, b = b, a % b
        common = a
    return rates[0] == 1 and common == 1 and wang_max_gap(rates, k) <= k


def valid_tap_shares(size, rate, k=3):
    """``{valid taps: share of positions}`` of a ``k×k`` filter at dilation ``rate`` on a ``size×size`` map.

    Padding ``rate·(k//2)`` keeps the size; every output position and every tap
    is visited, and a tap counts when it lands inside the map.
    """
    half = k // 2
    counts = {}
    for i in range(size):
        for j in range(size):
            valid = sum(
                1
                for u in range(-half, half + 1)
                for v in range(-half, half + 1)
                if 0 <= i + u * rate < size and 0 <= j + v * rate < size
            )
            counts[valid] = counts.get(valid, 0) + 1
    return {taps: c / (size * size) for taps, c in sorted(counts.items())}
