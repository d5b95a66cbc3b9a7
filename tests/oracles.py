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


def conv2d_loops(x, w, stride, padding, dilation):
    """Cross-correlation of (N, C, H, W) with (O, C, kH, kW), one output pixel at a time."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n_, c_, h, wd = x.shape
    o_, _, kh, kw = w.shape
    xp = np.zeros((n_, c_, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph : ph + h, pw : pw + wd] = x
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
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
    """
    sizes = [n]
    for layer in layers[:-1]:
        sizes.append(None if sizes[-1] is None else layer.output_size(sizes[-1]))
    coords = {u}
    for layer, size in zip(reversed(layers), reversed(sizes)):
        before = layer.pads(size)[0]
        coords = {c * layer.stride + t * layer.dilation - before for c in coords for t in range(layer.kernel)}
    return coords


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
